"""The revenue cost of a plan's commitments by financial year and workstream, and its chart.

>>> import planlib
>>> chart = resources_chart(planlib.load_plan(planlib.DEFAULT_PLAN))
>>> chart.to_dict()["title"]["text"]
'Revenue cost of commitments by financial year'
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from planlib.charts.base import BLUE, GREEN, GREY, ORANGE, PINK, year_axis
from planlib.finance import commitment_costs
from planlib.model import Plan
from planlib.formats import year_range
from planlib.present.labels import WORKSTREAM_LABELS, WORKSTREAMS

WORKSTREAM_COLOURS = (BLUE, ORANGE, GREEN, PINK, GREY)
"""One colour per workstream, in the order of :data:`planlib.present.labels.WORKSTREAMS`."""


def revenue_by_workstream(plan: Plan, commitment_ids: list[str] | None = None) -> pd.DataFrame:
    """Revenue cost of the enabled commitments by financial year and workstream.

    Parameters
    ----------
    plan : Plan
    commitment_ids : list of str, optional
        Count only these commitments (ids not in the plan are ignored); all when None.

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``workstream`` (its label, such as "Police collaboration"),
        ``revenue_gbp``, ``revenue_gbp_m`` (the same in £ million) and ``commitments`` (how
        many enabled commitments of that workstream cost anything that year). One row for
        every year of the period and every workstream, zeros included.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> table = revenue_by_workstream(plan)
    >>> len(table) == len(plan.years) * len(WORKSTREAMS)
    True
    """
    costs = commitment_costs(plan, enabled_only=True)
    revenue = costs[costs["measure"] == "revenue_gbp"]
    if commitment_ids is not None:
        revenue = revenue[revenue["commitment_id"].isin(list(commitment_ids))]
    workstream = {c.id: c.workstream for c in plan.commitments}
    revenue = revenue.assign(
        workstream=revenue["commitment_id"].map(workstream),
        costed=revenue["value"] > 0,
    )
    totals = revenue.groupby(["year", "workstream"]).agg(
        revenue_gbp=("value", "sum"), commitments=("costed", "sum")
    )
    grid = pd.MultiIndex.from_product(
        [[str(y) for y in plan.years], list(WORKSTREAMS)], names=["year", "workstream"]
    )
    totals = totals.reindex(grid, fill_value=0).reset_index()
    totals["workstream"] = totals["workstream"].map(WORKSTREAM_LABELS)
    totals["revenue_gbp"] = totals["revenue_gbp"].astype("float64")
    totals["revenue_gbp_m"] = totals["revenue_gbp"] / 1e6
    totals["commitments"] = totals["commitments"].astype("int64")
    return totals[["year", "workstream", "revenue_gbp", "revenue_gbp_m", "commitments"]]


def resources_chart(plan: Plan, commitment_ids: list[str] | None = None, *, subtitle: str | None = None,
                    width: int = 560, height: int = 320) -> alt.Chart:
    """Stacked bars of the revenue cost of the plan's commitments in each financial year.

    Only enabled commitments count. Bars are coloured by workstream; hovering over a part of
    a bar shows the year, the workstream, its cost in £m and how many commitments it covers.
    Every year and workstream is present (zeros included), so the chart keeps its axes and
    legend when a selection is small or empty.

    Parameters
    ----------
    plan : Plan
    commitment_ids : list of str, optional
        The commitments to count (ids not in the plan are ignored); all when None.
    subtitle : str, optional
        Says which commitments are shown; the plan's name and period by default.
    width, height : int
        Size of the plotting area in pixels.

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> import planlib
    >>> spec = resources_chart(planlib.load_plan(planlib.DEFAULT_PLAN)).to_dict()
    >>> spec["encoding"]["y"]["title"], spec["encoding"]["x"]["title"]
    ('Revenue cost (£m)', 'Financial year')
    """
    labels = [WORKSTREAM_LABELS[w] for w in WORKSTREAMS]
    data = revenue_by_workstream(plan, commitment_ids).drop(columns="revenue_gbp")
    # Stack the workstreams in the plan's order, the same order as the legend.
    data["workstream_order"] = data["workstream"].map({label: i for i, label in enumerate(labels)})
    period = year_range([plan.period.first, plan.period.last])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=year_axis([str(y) for y in plan.years]),
            y=alt.Y(
                "revenue_gbp_m:Q",
                title="Revenue cost (£m)",
                axis=alt.Axis(format=",.1f"),
                stack="zero",
                scale=alt.Scale(domainMin=0),
            ),
            color=alt.Color(
                "workstream:N",
                title="Workstream",
                scale=alt.Scale(domain=labels, range=list(WORKSTREAM_COLOURS)),
            ),
            order=alt.Order("workstream_order:Q"),
            tooltip=[
                alt.Tooltip("year:O", title="Financial year"),
                alt.Tooltip("workstream:N", title="Workstream"),
                alt.Tooltip("revenue_gbp_m:Q", title="Revenue cost (£m)", format=",.2f"),
                alt.Tooltip("commitments:Q", title="Commitments"),
            ],
        )
        .properties(
            title=alt.Title(
                "Revenue cost of commitments by financial year",
                subtitle=subtitle or f"{plan.name}, {period}: commitments in the plan",
                anchor="start",
            ),
            width=width,
            height=height,
        )
    )
