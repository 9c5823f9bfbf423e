"""The horizon scanning register: threats, issues, opportunities and events the plan must face.

The fifth workstream of the plan-making process (seed 000 paras 26-27) looks beyond the
manifesto: a literature review, other forces' plans, a review of the Commissioner's statutory
functions. Each item found is scored for likelihood and impact (1-5 each), and names the
commitments of the plan that answer it. :func:`horizon_problems` checks a register against a
plan and returns ``(location, message)`` pairs; :mod:`planlib.io.side_files` reads the register
from a plan folder and turns the locations into file and line.

>>> item = HorizonItem(id="a", title="A", kind="threat", origin="literature_review", likelihood=4,
...                    impact=5, horizon_years=1.0, trend="rising", owner="opcc", source="test",
...                    status="illustrative", commitments=["C01", "C99"])
>>> item.score
20
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, Strict

from planlib.model.base import Loc, Record
from planlib.model.plan import Plan
from planlib.types import Id, Note, Status, Text

Kind = Literal["threat", "issue", "opportunity", "event"]
Origin = Literal["literature_review", "other_forces_plans", "statutory_review", "beyond_manifesto"]
Trend = Literal["rising", "stable", "falling", "new"]
Rating = Annotated[int, Strict(), Field(ge=1, le=5)]


class HorizonItem(Record):
    """One threat, issue, opportunity or event in the register, scored and answered."""

    id: Id
    title: Text
    kind: Kind
    description: Note = ""
    origin: Origin
    likelihood: Rating
    impact: Rating
    horizon_years: Annotated[float, Strict(), Field(ge=0, le=20)]
    """Years from the start of the plan until it is expected to matter most (0: already does)."""
    trend: Trend
    owner: Text
    commitments: tuple[Id, ...] = ()
    source: Text
    status: Status

    @property
    def score(self) -> int:
        """Likelihood x impact, 1 to 25."""
        return self.likelihood * self.impact


class HorizonRegister(Record):
    """The whole register, as ``horizon.yaml`` holds it (top-level key ``horizon``)."""

    horizon: tuple[HorizonItem, ...]


def horizon_problems(register: HorizonRegister, plan: Plan) -> list[tuple[Loc, str]]:
    """Duplicate ids, and commitments the plan does not have: ``(location, message)`` pairs.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> item = dict(title="A", kind="threat", origin="literature_review", likelihood=4, impact=4,
    ...             horizon_years=1.0, trend="rising", owner="opcc", source="test", status="illustrative")
    >>> register = HorizonRegister(horizon=[HorizonItem(id="a", commitments=["nope"], **item),
    ...                                     HorizonItem(id="a", **item)])
    >>> for found in horizon_problems(register, plan):
    ...     print(found)
    (('horizon', 0, 'commitments', 0), "unknown commitment 'nope' (not in commitments.yaml)")
    (('horizon', 1, 'id'), "duplicate id 'a' (first at item 1)")
    """
    problems: list[tuple[Loc, str]] = []
    known = {c.id for c in plan.commitments}
    first: dict[str, int] = {}
    for i, item in enumerate(register.horizon):
        if item.id in first:
            problems.append((("horizon", i, "id"), f"duplicate id {item.id!r} (first at item {first[item.id] + 1})"))
        first.setdefault(item.id, i)
        for j, ref in enumerate(item.commitments):
            if ref not in known:
                problems.append((("horizon", i, "commitments", j), f"unknown commitment {ref!r} (not in commitments.yaml)"))
    return problems
