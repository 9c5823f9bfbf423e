"""Altair charts of a plan, for notebooks, Voila apps and reports.

Pure functions: a plan (or a table from :mod:`planlib.tables`) in, an :class:`altair.Chart`
out. Nothing here renders or fetches anything; in a Voila app show charts with
``alt.renderers.enable("jupyter", offline=True)`` so that Vega is loaded from the local
vl-convert bundle, not a CDN. Charts are built without the vega-embed action menu, whose
"Open in Vega Editor" would send the chart's data to an external website.

>>> import planlib
>>> chart = resources_chart(planlib.load_plan(planlib.DEFAULT_PLAN))
>>> chart.to_dict()["title"]["text"]
'Revenue cost of commitments by financial year'
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from planlib.model import Plan
from planlib.tables import WORKSTREAM_LABELS, WORKSTREAMS, commitments_table, resources_by_year

WORKSTREAM_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#999999")
"""One colour per workstream, in the order of :data:`planlib.tables.WORKSTREAMS`, from the
Okabe-Ito palette, which people with the common colour-vision deficiencies can tell apart."""

EMBED_OPTIONS = {"actions": False}
"""vega-embed options for every chart: no action menu (no export to external websites)."""


def revenue_by_workstream(plan: Plan) -> pd.DataFrame:
    """Revenue cost of the enabled commitments by financial year and workstream.

    Parameters
    ----------
    plan : Plan

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
    resources = resources_by_year(plan, enabled_only=True)
    revenue = resources[resources["measure"] == "revenue_gbp"]
    workstream = commitments_table(plan).set_index("commitment_id")["workstream"]
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


def resources_chart(plan: Plan, *, width: int = 560, height: int = 320) -> alt.Chart:
    """Stacked bars of the revenue cost of the plan's commitments in each financial year.

    Only enabled commitments count. Bars are coloured by workstream; hovering over a part of
    a bar shows the year, the workstream, its cost in £m and how many commitments it covers.

    Parameters
    ----------
    plan : Plan
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
    data = revenue_by_workstream(plan).drop(columns="revenue_gbp")
    # Stack the workstreams in the plan's order, the same order as the legend.
    data["workstream_order"] = data["workstream"].map({label: i for i, label in enumerate(labels)})
    years = [str(y) for y in plan.years]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Financial year", sort=years, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "revenue_gbp_m:Q",
                title="Revenue cost (£m)",
                axis=alt.Axis(format=",.1f"),
                stack="zero",
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
                subtitle=f"{plan.name}, {plan.period.first} to {plan.period.last}: "
                "commitments in the plan",
                anchor="start",
            ),
            width=width,
            height=height,
        )
    )
