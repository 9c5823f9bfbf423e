"""Chart of the horizon scanning register: a 5 x 5 matrix of likelihood and impact.

It draws :func:`planlib.horizon.rank` of the register (see :func:`risk_matrix_chart`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from planlib.charts.base import VERMILION

RISK_BANDS = (("Low (1-7)", 1, "#dcefe3"), ("Medium (8-14)", 8, "#fde7c8"), ("High (15-25)", 15, "#f8d3d1"))
"""Bands of likelihood x impact: label, lowest score, cell colour (high starts at the gap score, 15)."""

GAP_COLOUR = VERMILION
"""Okabe-Ito vermilion: a high-scoring item that no enabled commitment answers."""


def _band(score: int) -> str:
    return [label for label, low, _ in RISK_BANDS if score >= low][-1]


def _cells(ranked: pd.DataFrame) -> pd.DataFrame:
    """One row per occupied cell of the matrix: the rank numbers in it, its items and its gaps."""
    items = ranked.reset_index(drop=True).assign(rank=lambda t: t.index + 1)
    cells = []
    for (likelihood, impact), group in items.groupby(["likelihood", "impact"], sort=False):
        gaps = group[group["gap"]]
        cells.append({
            "likelihood": int(likelihood), "impact": int(impact), "score": int(likelihood * impact),
            "ranks": ", ".join(f"{r} (gap)" if g else str(r) for r, g in zip(group["rank"], group["gap"])),
            "items": "; ".join(f"{r}. {t}" for r, t in zip(group["rank"], group["title"])),
            "gaps": "; ".join(gaps["title"]) or "none",
            "has_gap": "Gap: no enabled commitment answers it" if len(gaps) else "Answered",
        })
    return pd.DataFrame(cells, columns=["likelihood", "impact", "score", "ranks", "items", "gaps", "has_gap"])


def risk_matrix_chart(ranked: pd.DataFrame, *, size: int = 330) -> alt.LayerChart:
    """The horizon scanning register on a 5 x 5 likelihood-impact matrix.

    Each cell shows the rank numbers of the items in it (rank 1 scores highest); items that
    are gaps are written in vermilion, and the tooltip names every item.

    Parameters
    ----------
    ranked : pandas.DataFrame
        :func:`planlib.horizon.rank` of the register: columns ``title``, ``likelihood``,
        ``impact``, ``score`` and ``gap``, in rank order.
    size : int
        Width and height of the matrix in pixels.

    Examples
    --------
    >>> table = pd.DataFrame({"title": ["Fraud", "Games"], "likelihood": [5, 5], "impact": [3, 3],
    ...                       "score": [15, 15], "gap": [True, False]})
    >>> chart = risk_matrix_chart(table)
    >>> chart.title.text, chart.layer[1].data["ranks"].tolist()
    ('Horizon scanning: likelihood and impact', ['1 (gap), 2'])
    """
    missing = [c for c in ("title", "likelihood", "impact", "score", "gap") if c not in ranked.columns]
    if missing:
        raise ValueError(f"the register lacks {missing}: pass planlib.horizon.rank(register, plan)")
    grid = pd.DataFrame([(l, i, l * i, _band(l * i)) for l in range(1, 6) for i in range(1, 6)],
                        columns=["likelihood", "impact", "score", "band"])
    cells_table = _cells(ranked)
    x = alt.X("likelihood:O", title="Likelihood (1 rare to 5 almost certain)", sort="ascending",
              axis=alt.Axis(labelAngle=0))
    y = alt.Y("impact:O", title="Impact (1 minimal to 5 severe)", sort="descending")
    background = alt.Chart(grid).mark_rect(stroke="white", strokeWidth=2).encode(
        x=x, y=y,
        color=alt.Color("band:N", title="Likelihood x impact",
                        scale=alt.Scale(domain=[b[0] for b in RISK_BANDS], range=[b[2] for b in RISK_BANDS]),
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
        tooltip=[alt.Tooltip("score:Q", title="Score")])
    labels = alt.Chart(cells_table).mark_text(fontSize=14, fontWeight="bold").encode(
        x=x, y=y, text="ranks:N",
        color=alt.Color("has_gap:N", legend=None,
                        scale=alt.Scale(domain=["Answered", "Gap: no enabled commitment answers it"],
                                        range=["#1f1f1f", GAP_COLOUR])),
        tooltip=[alt.Tooltip("items:N", title="Items (rank. title)"), alt.Tooltip("score:Q", title="Score"),
                 alt.Tooltip("gaps:N", title="Gaps")])
    gap_count = int(ranked["gap"].sum())
    subtitle = (f"{len(ranked)} items, by rank; {gap_count} gap{'s' if gap_count != 1 else ''} "
                "(scoring 15 or more with no enabled commitment answering it)")
    return alt.layer(background, labels).resolve_scale(color="independent").properties(
        title=alt.Title("Horizon scanning: likelihood and impact", subtitle=subtitle, anchor="start"),
        width=size, height=size,
    )
