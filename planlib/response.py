"""The Commissioner's response to the Police and Crime Panel, as a table a document can show.

:func:`response_table` turns the record of ``panel_response.yaml``
(:class:`~planlib.model.panel_response.PanelResponse`) into one row per recommendation: its
title and text, the decision, the reason, the change it led to and the titles (never the ids)
of the commitments and objectives changed, with the source and status of the recommendation
and of the response. :func:`decision_counts` counts the decisions. The response document
(:mod:`planlib.reports.response`) and its tests read these.

>>> import planlib
>>> from planlib.io.side_files import load_panel_response
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> table = response_table(load_panel_response(planlib.DEFAULT_PLAN, plan), plan)
>>> list(table.columns[:4])
['id', 'title', 'text', 'decision']
"""

from __future__ import annotations

import pandas as pd

from planlib.model.panel_response import DECISIONS, PanelResponse
from planlib.model.plan import Plan

COLUMNS = ("id", "title", "text", "decision", "reason", "change", "commitments", "objectives",
           "source", "status", "response_source", "response_status")
"""The columns of :func:`response_table`, in order."""


def response_table(record: PanelResponse, plan: Plan) -> pd.DataFrame:
    """One row per recommendation, in the Panel's order, with the response to it.

    ``decision``, ``reason``, ``change``, ``response_source`` and ``response_status`` are empty
    text for a recommendation without a response (validation reports it); ``commitments`` and
    ``objectives`` are tuples of the titles of what the change names (an id the plan lacks is
    shown as it is).

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> record = PanelResponse(
    ...     report=dict(title="Report", date="2021-10-18", source="s", status="illustrative"),
    ...     recommendations=[dict(id="R1", title="More officers", text="x", source="s", status="illustrative",
    ...                           response=dict(decision="accepted", reason="r", source="s", status="illustrative",
    ...                                         change=dict(text="c", commitments=[plan.commitments[0].id])))])
    >>> row = response_table(record, plan).iloc[0]
    >>> row["decision"], row["commitments"] == (plan.commitments[0].title,)
    ('accepted', True)
    """
    commitments = {c.id: c.title for c in plan.commitments}
    objectives = {o.id: o.title for o in plan.objectives}
    rows = []
    for rec in record.recommendations:
        response = rec.response
        change = response.change if response is not None else None
        rows.append({
            "id": rec.id, "title": rec.title, "text": rec.text,
            "decision": response.decision if response else "",
            "reason": response.reason if response else "",
            "change": change.text if change else "",
            "commitments": tuple(commitments.get(c, c) for c in change.commitments) if change else (),
            "objectives": tuple(objectives.get(o, o) for o in change.objectives) if change else (),
            "source": rec.source, "status": rec.status,
            "response_source": response.source if response else "",
            "response_status": response.status if response else "",
        })
    return pd.DataFrame(rows, columns=list(COLUMNS))


def decision_counts(record: PanelResponse) -> dict[str, int]:
    """How many recommendations were accepted, accepted in part and not accepted, and how many have no response.

    >>> record = PanelResponse(report=dict(title="t", date="2021-10-18", source="s", status="verified"),
    ...                        recommendations=[dict(id="R1", title="t", text="x", source="s", status="verified")])
    >>> decision_counts(record)
    {'accepted': 0, 'accepted_in_part': 0, 'not_accepted': 0, 'no_response': 1}
    """
    counts = {d: 0 for d in DECISIONS}
    counts["no_response"] = 0
    for rec in record.recommendations:
        counts[rec.response.decision if rec.response else "no_response"] += 1
    return counts
