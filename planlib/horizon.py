"""The horizon scanning register: threats, issues, opportunities and events the plan must face.

The fifth workstream of the plan-making process (seed 000 paras 26-27) looks beyond the
manifesto: a literature review, other forces' plans, a review of the Commissioner's statutory
functions. Each item found is scored for likelihood and impact (1-5 each), and names the
commitments of the plan that answer it. ``horizon.yaml`` in a plan folder holds the register;
the plan loader leaves it alone and :func:`load_horizon` reads it, checking every commitment it
names against the plan (with file and line).

Items are ranked by ``score = likelihood x impact``. An item scoring :data:`GAP_SCORE` or more
that no enabled commitment answers is a **gap**: a scenario that drops the only commitment
answering a serious item turns it into one.

>>> import planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> table = rank(load_horizon(planlib.DEFAULT_PLAN, plan), plan)
>>> bool((table["score"] == table["likelihood"] * table["impact"]).all())
True
>>> bool(table["score"].is_monotonic_decreasing)
True
"""

from __future__ import annotations

import os
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import Field, Strict

from planlib.errors import Problem
from planlib.io import load_side_file, yaml_line
from planlib.model import Plan, Record
from planlib.types import Id, Note, Status, Text

FILE_NAME = "horizon.yaml"
"""The register's file in a plan folder."""

GAP_SCORE = 15
"""An item scoring this or more (likelihood x impact) must be answered by an enabled commitment."""

Kind = Literal["threat", "issue", "opportunity", "event"]
Origin = Literal["literature_review", "other_forces_plans", "statutory_review", "beyond_manifesto"]
Trend = Literal["rising", "stable", "falling", "new"]
Rating = Annotated[int, Strict(), Field(ge=1, le=5)]

ORIGIN_LABELS = {
    "literature_review": "Literature review",
    "other_forces_plans": "Other forces' plans",
    "statutory_review": "Review of statutory functions",
    "beyond_manifesto": "Beyond the manifesto",
}
"""How each origin (seed 000 para 27(a)-(d)) is written for a reader."""

COLUMNS = ("id", "title", "kind", "origin", "likelihood", "impact", "score", "horizon_years", "trend",
           "owner", "commitments", "answered_by", "gap", "status", "source")
"""The columns of :func:`rank`."""


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


def horizon_problems(register: HorizonRegister, data: Any, plan: Plan, display: str) -> list[Problem]:
    """Duplicate ids, and commitments the plan does not have, with the line of each."""
    problems = []
    known = {c.id for c in plan.commitments}
    first: dict[str, int] = {}
    for i, item in enumerate(register.horizon):
        if item.id in first:
            problems.append(Problem(display, yaml_line(data, ("horizon", i, "id")), f"horizon.{item.id}.id",
                                    f"duplicate id {item.id!r} (first at item {first[item.id] + 1})"))
        first.setdefault(item.id, i)
        for j, ref in enumerate(item.commitments):
            if ref not in known:
                problems.append(Problem(display, yaml_line(data, ("horizon", i, "commitments", j)),
                                        f"horizon.{item.id}.commitments", f"unknown commitment {ref!r} (not in commitments.yaml)"))
    return problems


def load_horizon(folder: str | os.PathLike[str], plan: Plan) -> HorizonRegister:
    """Read ``horizon.yaml`` from a plan folder and check it against ``plan``.

    Raises
    ------
    PlanError
        listing every problem (file, line, field), including commitments the plan lacks.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> load_horizon(planlib.DEFAULT_PLAN, plan).horizon[0].score
    20
    >>> try:
    ...     load_horizon("no/such/folder", plan)
    ... except planlib.PlanError as exc:
    ...     print(exc.problems[0].message)
    no horizon scanning register: add horizon.yaml to the plan folder
    """
    return load_side_file(folder, FILE_NAME, HorizonRegister,
                          "no horizon scanning register: add horizon.yaml to the plan folder",
                          lambda register, data, display: horizon_problems(register, data, plan, display))


def rank(register: HorizonRegister, plan: Plan) -> pd.DataFrame:
    """The register ranked by score (then impact, then likelihood, then file order), with gaps flagged.

    ``answered_by`` lists the item's commitments that are enabled in ``plan`` (a scenario may
    disable some); ``gap`` is True when the score is :data:`GAP_SCORE` or more and
    ``answered_by`` is empty.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> item = dict(kind="threat", origin="literature_review", horizon_years=1.0, trend="rising",
    ...             owner="opcc", source="test", status="illustrative")
    >>> register = HorizonRegister(horizon=[
    ...     HorizonItem(id="a", title="A", likelihood=3, impact=4, commitments=["fraud_and_cyber_crime"], **item),
    ...     HorizonItem(id="b", title="B", likelihood=4, impact=4, **item)])
    >>> rank(register, plan)[["id", "score", "gap"]].to_dict("records")
    [{'id': 'b', 'score': 16, 'gap': True}, {'id': 'a', 'score': 12, 'gap': False}]
    """
    enabled = {c.id for c in plan.commitments if c.enabled}
    rows = []
    for order, item in enumerate(register.horizon):
        answered = [c for c in item.commitments if c in enabled]
        rows.append({
            "id": item.id, "title": item.title, "kind": item.kind, "origin": item.origin,
            "likelihood": item.likelihood, "impact": item.impact, "score": item.score,
            "horizon_years": item.horizon_years, "trend": item.trend, "owner": item.owner,
            "commitments": list(item.commitments), "answered_by": answered,
            "gap": item.score >= GAP_SCORE and not answered, "status": item.status, "source": item.source,
            "_order": order,
        })
    table = pd.DataFrame(rows, columns=[*COLUMNS, "_order"])
    table = table.sort_values(["score", "impact", "likelihood", "_order"], ascending=[False, False, False, True],
                              kind="stable")
    return table.drop(columns="_order").reset_index(drop=True).astype({"gap": bool})


def records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The ranked register as ``planlib horizon --format json`` prints it:
    ``{id, title, likelihood, impact, score, commitments, gap}`` for each item, in rank order.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> first = records(rank(load_horizon(planlib.DEFAULT_PLAN, plan), plan))[0]
    >>> sorted(first), first["score"]
    (['commitments', 'gap', 'id', 'impact', 'likelihood', 'score', 'title'], 20)
    """
    return [
        {"id": r["id"], "title": r["title"], "likelihood": int(r["likelihood"]), "impact": int(r["impact"]),
         "score": int(r["score"]), "commitments": list(r["commitments"]), "gap": bool(r["gap"])}
        for r in table.to_dict("records")
    ]


def text_table(table: pd.DataFrame, plan_name: str, scenario: str = "baseline") -> str:
    """The ranked register as a readable table, gaps marked, for ``planlib horizon``.

    ``scenario`` names the scenario whose enabled commitments decide the gaps.
    """
    width = min(72, max([len("item"), *(len(t) for t in table["title"])]) + 1)  # whole titles, up to 71 characters
    lines = [f"{plan_name}: {scenario}. Horizon scanning register, ranked by likelihood x impact "
             f"(a gap: scoring {GAP_SCORE} or more with no enabled commitment answering it)", "",
             f"{'rank':>4}  {'item':<{width}}{'L':>3}{'I':>3}{'score':>6}  {'trend':<8}{'years':>6}  answered by"]
    for n, r in enumerate(table.to_dict("records"), start=1):
        answered = ", ".join(r["answered_by"]) or ("NONE: GAP" if r["gap"] else "none")
        lines.append(f"{n:>4}  {r['title'][:width - 1]:<{width}}{r['likelihood']:>3}{r['impact']:>3}{r['score']:>6}  "
                     f"{r['trend']:<8}{r['horizon_years']:>6g}  {answered}")
    gaps = int(table["gap"].sum())
    lines += ["", f"{len(table)} items; {gaps} gap{'s' if gaps != 1 else ''}."
              + ("" if not gaps else " Add or enable a commitment that answers each gap.")]
    lines.append("Likelihood and impact are assessed judgements; see each item's source and status in horizon.yaml.")
    return "\n".join(lines)
