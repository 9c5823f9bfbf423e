"""How planlib's ids and codes are written for a reader: workstreams, commissioning approaches,
owners, RAG statuses, column headings, and the titles of a plan's commitments.

Every workstream and commissioning approach of the model has a label:

>>> from typing import get_args
>>> from planlib.model import Commissioning
>>> set(WORKSTREAM_LABELS) == set(WORKSTREAMS)
True
>>> set(COMMISSIONING_LABELS) == set(get_args(Commissioning))
True
>>> owner_label("opcc"), owner_label("Community Safety Partnership")
('OPCC', 'Community Safety Partnership')
"""

from __future__ import annotations

from typing import get_args

from planlib.model import Plan, Workstream

WORKSTREAMS: tuple[str, ...] = get_args(Workstream)
"""Every workstream, in the model's order (which fixes their order and colours in charts)."""

WORKSTREAM_LABELS = {
    "governance": "Governance",
    "police_collaboration": "Police collaboration",
    "partnership": "Partnership",
    "influence": "Influence",
    "review": "Review",
}
"""How each workstream is written for a reader."""

COMMISSIONING_LABELS = {
    "in_house": "In house",
    "grant": "Grant",
    "contract": "Contract",
    "partnership": "Partnership",
    "influence_only": "Influence only",
}
"""How each commissioning approach is written for a reader."""

OWNER_LABELS = {"opcc": "OPCC", "chief_constable": "Chief Constable"}
"""How the owners a plan names by id are written; any other owner is shown as written."""

RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green", "no data": "No data"}
"""How each RAG status of :mod:`planlib.performance` is written."""

COLUMN_LABELS = {
    "section_number": "Section",
    "section": "Section title",
    "objective_id": "Objective id",
    "objective": "Objective",
    "commitment_id": "Id",
    "commitment": "Commitment",
    "workstream": "Workstream",
    "owner": "Owner",
    "commissioning": "Commissioning",
    "mandatory": "Statutory duty",
    "enabled": "In plan",
    "revenue_gbp": "Revenue (£)",
    "capital_gbp": "Capital (£)",
    "peak_officer_fte": "Peak officers (FTE)",
    "year": "Year",
    "measure": "Measure",
    "value": "Value",
}
"""Column headings for a reader, by column name."""


def owner_label(owner: str) -> str:
    """How a commitment's or KPI's owner is written (OPCC, Chief Constable, or as the plan has it)."""
    return OWNER_LABELS.get(owner, owner)


def commitment_titles(plan: Plan) -> dict[str, str]:
    """The title of each of the plan's commitments, by id, in the plan's order.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> titles = commitment_titles(plan)
    >>> list(titles) == [c.id for c in plan.commitments], titles[plan.commitments[0].id] == plan.commitments[0].title
    (True, True)
    """
    return {c.id: c.title for c in plan.commitments}
