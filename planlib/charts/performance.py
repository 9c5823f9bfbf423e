"""Chart of a KPI against its trajectory: the expected path and the actuals by RAG status.

It draws :func:`planlib.performance.trajectory_table`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from planlib.charts.base import GREEN, GREY, ORANGE, year_axis
from planlib.performance import RAG_ORDER
from planlib.present.labels import RAG_LABELS

RAG_COLOURS = {"red": "#C0392B", "amber": ORANGE, "green": GREEN, "no data": GREY}
"""The colour of each RAG status of :mod:`planlib.performance`."""


def trajectory_chart(table: pd.DataFrame, title: str, unit: str, *, width: int = 520, height: int = 260) -> alt.LayerChart:
    """A KPI's trajectory (dashed line) and its actuals (points coloured by RAG status).

    ``table`` is :func:`planlib.performance.trajectory_table`.

    >>> import planlib
    >>> from planlib.performance import trajectory_table
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> table = trajectory_table(plan, plan.kpis[0].id)
    >>> trajectory_chart(table, "A KPI", "offences a year").to_dict()["title"]["text"]
    'A KPI'
    """
    x = year_axis(sorted(table["year"].unique()))
    y = alt.Y("value:Q", title=unit, scale=alt.Scale(zero=False))
    expected = (alt.Chart(table[table["series"] == "Trajectory"]).mark_line(strokeDash=[6, 4], color="#555555")
                .encode(x=x, y=y, tooltip=[alt.Tooltip("year:O", title="Year"),
                                           alt.Tooltip("value:Q", title="Expected", format=",.1f")]))
    actual_rows = table[table["series"] == "Actual"].assign(rag_label=lambda t: t["rag"].map(RAG_LABELS))
    actual = (alt.Chart(actual_rows).mark_line(point=alt.OverlayMarkDef(size=90, filled=True), color="#1b4f72")
              .encode(x=x, y=y))
    points = (alt.Chart(actual_rows).mark_point(size=140, filled=True, opacity=1)
              .encode(x=x, y=y,
                      color=alt.Color("rag_label:N", title="RAG status",
                                      scale=alt.Scale(domain=[RAG_LABELS[r] for r in RAG_ORDER],
                                                      range=[RAG_COLOURS[r] for r in RAG_ORDER])),
                      tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("value:Q", title="Actual", format=",.1f"),
                               alt.Tooltip("rag_label:N", title="RAG")]))
    return (alt.layer(expected, actual, points)
            .properties(width=width, height=height,
                        title=alt.Title(title, subtitle="Dashed: the trajectory from baseline to target. Points: actuals, by RAG status")))
