"""The ranked horizon scanning register for a person: the CLI's table, its json, origins in words.

>>> from planlib.horizon import rank
>>> from planlib.io.plan_folder import load_folder
>>> folder = load_folder(parts=["horizon"])
>>> print(text_table(rank(folder.horizon, folder.plan), folder.plan.name).splitlines()[-2])
9 items; 0 gaps.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from planlib.horizon import GAP_SCORE

ORIGIN_LABELS = {
    "literature_review": "Literature review",
    "other_forces_plans": "Other forces' plans",
    "statutory_review": "Review of statutory functions",
    "beyond_manifesto": "Beyond the manifesto",
}
"""How each origin (seed 000 para 27(a)-(d)) is written for a reader."""


def records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The ranked register as ``planlib horizon --format json`` prints it:
    ``{id, title, likelihood, impact, score, commitments, gap}`` for each item, in rank order.

    >>> from planlib.horizon import rank
    >>> from planlib.io.plan_folder import load_folder
    >>> folder = load_folder(parts=["horizon"])
    >>> first = records(rank(folder.horizon, folder.plan))[0]
    >>> sorted(first), first["score"]
    (['commitments', 'gap', 'id', 'impact', 'likelihood', 'score', 'title'], 20)
    """
    return [
        {"id": r["id"], "title": r["title"], "likelihood": int(r["likelihood"]), "impact": int(r["impact"]),
         "score": int(r["score"]), "commitments": list(r["commitments"]), "gap": bool(r["gap"])}
        for r in table.to_dict("records")
    ]


def text_table(table: pd.DataFrame, plan_name: str, scenario: str = "baseline",
               titles: dict[str, str] | None = None) -> str:
    """The ranked register as a readable table, gaps marked, for ``planlib horizon``.

    ``scenario`` names the scenario whose enabled commitments decide the gaps; ``titles`` (a
    commitment's title by id, :func:`~planlib.present.labels.commitment_titles`) names the
    commitments that answer each item.
    """
    titles = titles or {}
    width = min(72, max([len("item"), *(len(t) for t in table["title"])]) + 1)  # whole titles, up to 71 characters
    lines = [f"{plan_name}: {scenario}. Horizon scanning register, ranked by likelihood x impact "
             f"(a gap: scoring {GAP_SCORE} or more with no enabled commitment answering it)", "",
             f"{'rank':>4}  {'item':<{width}}{'L':>3}{'I':>3}{'score':>6}  {'trend':<8}{'years':>6}  answered by"]
    for n, r in enumerate(table.to_dict("records"), start=1):
        answered = "; ".join(titles.get(c, c) for c in r["answered_by"]) or ("NONE: GAP" if r["gap"] else "none")
        lines.append(f"{n:>4}  {r['title'][:width - 1]:<{width}}{r['likelihood']:>3}{r['impact']:>3}{r['score']:>6}  "
                     f"{r['trend']:<8}{r['horizon_years']:>6g}  {answered}")
    gaps = int(table["gap"].sum())
    lines += ["", f"{len(table)} items; {gaps} gap{'s' if gaps != 1 else ''}."
              + ("" if not gaps else " Add or enable a commitment that answers each gap.")]
    lines.append("Likelihood and impact are assessed judgements; see each item's source and status in horizon.yaml.")
    return "\n".join(lines)
