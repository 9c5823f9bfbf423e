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


SCENARIO_COLOURS = ("#000000", "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
"""Colours for scenarios: black for the baseline, then the Okabe-Ito palette."""


def _finance_measure(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    rows = table[table["measure"] == measure]
    if rows.empty:
        raise ValueError(f"the table has no {measure!r} rows: pass planlib.compare(...) or res.finance")
    return rows.assign(value_m=rows["value"] / 1e6)[["scenario", "year", "value_m"]]


def _scenario_colour(scenarios: list[str]) -> alt.Color:
    return alt.Color("scenario:N", title="Scenario", sort=scenarios,
                     scale=alt.Scale(domain=scenarios, range=list(SCENARIO_COLOURS[: len(scenarios)])))


def budget_gap_chart(table: pd.DataFrame, *, width: int = 520, height: int = 280) -> alt.Chart:
    """Budget gap by financial year for each scenario in a finance table (grouped bars, £m).

    ``table`` is long (``scenario, year, measure, value, unit``), as from :func:`planlib.compare`.
    A positive gap is a shortfall; a zero line is drawn.

    >>> import planlib
    >>> table = planlib.compare(planlib.load_plan(planlib.DEFAULT_PLAN), [])
    >>> budget_gap_chart(table).to_dict()["title"]["text"]
    'Budget gap by financial year'
    """
    data = _finance_measure(table, "budget_gap")
    scenarios = list(dict.fromkeys(data["scenario"]))
    years = list(dict.fromkeys(data["year"]))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Financial year", sort=years, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("scenario:N", sort=scenarios),
            y=alt.Y("value_m:Q", title="Budget gap (£m, positive = shortfall)", axis=alt.Axis(format=",.1f")),
            color=_scenario_colour(scenarios),
            tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("year:O", title="Financial year"),
                     alt.Tooltip("value_m:Q", title="Budget gap (£m)", format=",.1f")],
        )
    )
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#444").encode(y="y:Q")
    return (bars + zero).properties(
        title=alt.Title("Budget gap by financial year", subtitle="Total revenue cost less total funding", anchor="start"),
        width=width, height=height,
    )


def reserves_chart(table: pd.DataFrame, *, width: int = 520, height: int = 280) -> alt.Chart:
    """Reserves at each year end for each scenario (lines, £m), with the minimum as a dashed rule.

    >>> import planlib
    >>> table = planlib.compare(planlib.load_plan(planlib.DEFAULT_PLAN), [])
    >>> reserves_chart(table).to_dict()["title"]["text"]
    'Reserves at year end'
    """
    data = _finance_measure(table, "reserves_closing")
    scenarios = list(dict.fromkeys(data["scenario"]))
    years = list(dict.fromkeys(data["year"]))
    minimum = _finance_measure(table, "minimum_reserves")["value_m"].max()
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="Financial year", sort=years, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value_m:Q", title="Reserves at year end (£m)", axis=alt.Axis(format=",.0f"),
                    scale=alt.Scale(zero=True)),
            color=_scenario_colour(scenarios),
            tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("year:O", title="Financial year"),
                     alt.Tooltip("value_m:Q", title="Reserves (£m)", format=",.1f")],
        )
    )
    floor = (
        alt.Chart(pd.DataFrame({"y": [minimum], "label": [f"Minimum £{minimum:,.0f}m"]}))
        .mark_rule(color="#D55E00", strokeDash=[6, 4])
        .encode(y="y:Q", tooltip=alt.Tooltip("label:N", title="Minimum reserves"))
    )
    return (lines + floor).properties(
        title=alt.Title("Reserves at year end", subtitle="Dashed: the minimum reserves the plan keeps", anchor="start"),
        width=width, height=height,
    )
