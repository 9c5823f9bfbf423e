"""Chart of the plan-making process: a Gantt chart of the plan's timeline.

It draws :func:`planlib.timeline.timeline_table`, with the phases of
:data:`planlib.timeline.PHASES` as its rows.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from planlib.charts.base import BLUE, VERMILION
from planlib.model import Plan
from planlib.timeline import PHASES, timeline_table


def _shown(table: pd.DataFrame, until: dt.date | None) -> pd.DataFrame:
    """The events up to ``until``; by default up to the first annual report after the plan's issue."""
    if until is None:
        issued = table.loc[table["kind"] == "plan_issued", "start"]
        if not issued.empty:
            reports = table.loc[(table["kind"] == "annual_report") & (table["start"] > issued.max()), "start"]
            until = (reports.min() if not reports.empty else issued.max()).date()
    return table if until is None else table[table["start"] <= pd.Timestamp(until)]


def gantt_chart(plan: Plan, *, width: int = 760, row_height: int = 34,
                until: dt.date | None = None) -> alt.LayerChart:
    """The plan-making process as a Gantt chart: a bar per phase, a mark per one-day event.

    Statutory steps are drawn in vermilion with a diamond; other engagement in blue. Events after
    ``until`` are left out (by default the chart ends with the plan's issue and publication plus
    one annual report, so that the months of consultation stay readable).

    >>> import planlib
    >>> gantt_chart(planlib.load_plan(planlib.DEFAULT_PLAN)).to_dict()["title"]["text"]
    'How the plan was made'
    """
    table = _shown(timeline_table(plan), until)
    table = table.assign(
        step=table["statutory"].map({True: "Statutory step", False: "Engagement"}),
        start_text=table["start"].dt.strftime("%d %b %Y"),
        end_text=table["end"].dt.strftime("%d %b %Y"),
    )
    rows = [p for p in dict.fromkeys(PHASES.values()) if p in set(table["phase"])]
    y = alt.Y("phase:N", title=None, sort=rows, axis=alt.Axis(labelLimit=260))
    colour = alt.Color("step:N", title=None, scale=alt.Scale(domain=["Statutory step", "Engagement"],
                                                             range=[VERMILION, BLUE]))
    tooltip = [alt.Tooltip("title:N", title="Event"), alt.Tooltip("start_text:N", title="From"),
               alt.Tooltip("end_text:N", title="To"), alt.Tooltip("requirement:N", title="Requirement"),
               alt.Tooltip("status:N", title="Date status")]
    x = alt.X("start:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0))
    bars = (alt.Chart(table[table["is_phase"]]).mark_bar(height=14, opacity=0.75)
            .encode(x=x, x2="end:T", y=y, color=colour, tooltip=tooltip))
    marks = (alt.Chart(table[~table["is_phase"]]).mark_point(shape="diamond", size=170, filled=True, opacity=1)
             .encode(x=x, y=y, color=colour, tooltip=tooltip))
    # Steps on the same day and row share one label ("p01, p05, e01"), not three on top of each other.
    named = table[~table["is_phase"] & table["requirement"].ne("")]
    named = (named.groupby(["phase", "start"], as_index=False)["requirement"]
             .agg(lambda ids: ", ".join(dict.fromkeys(ids))))
    labels = (alt.Chart(named).mark_text(dy=-13, fontSize=11, color="#333333")
              .encode(x=x, y=y, text="requirement:N"))
    return (alt.layer(bars, marks, labels)
            .properties(width=width, height=row_height * max(len(rows), 1),
                        title=alt.Title("How the plan was made",
                                        subtitle="Bars: phases; diamonds: one-day steps; labels: the statutory requirement a step meets")))
