"""Ranking the horizon scanning register, and the gaps a plan leaves in it.

The register (:class:`~planlib.model.horizon.HorizonRegister`, read from ``horizon.yaml`` by
:func:`planlib.io.plan_folder.load_folder`) scores each threat, issue, opportunity or event
for likelihood and impact (1-5 each) and names the commitments that answer it. Items are
ranked by ``score = likelihood x impact``. An item scoring :data:`GAP_SCORE` or more that no
enabled commitment answers is a **gap**: a scenario that drops the only commitment answering
a serious item turns it into one.

>>> from planlib.io.plan_folder import load_folder
>>> folder = load_folder(parts=["horizon"])
>>> table = rank(folder.horizon, folder.plan)
>>> bool((table["score"] == table["likelihood"] * table["impact"]).all())
True
>>> bool(table["score"].is_monotonic_decreasing)
True
"""

from __future__ import annotations

import pandas as pd

from planlib.model.horizon import HorizonRegister
from planlib.model.plan import Plan

GAP_SCORE = 15
"""An item scoring this or more (likelihood x impact) must be answered by an enabled commitment."""

COLUMNS = ("id", "title", "kind", "origin", "likelihood", "impact", "score", "horizon_years", "trend",
           "owner", "commitments", "answered_by", "gap", "status", "source")
"""The columns of :func:`rank`."""


def rank(register: HorizonRegister, plan: Plan) -> pd.DataFrame:
    """The register ranked by score (then impact, then likelihood, then file order), with gaps flagged.

    ``answered_by`` lists the item's commitments that are enabled in ``plan`` (a scenario may
    disable some); ``gap`` is True when the score is :data:`GAP_SCORE` or more and
    ``answered_by`` is empty.

    Examples
    --------
    >>> import planlib
    >>> from planlib.model.horizon import HorizonItem
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> item = dict(kind="threat", origin="literature_review", horizon_years=1.0, trend="rising",
    ...             owner="opcc", source="test", status="illustrative")
    >>> register = HorizonRegister(horizon=[
    ...     HorizonItem(id="a", title="A", likelihood=3, impact=4, commitments=[plan.commitments[0].id], **item),
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
