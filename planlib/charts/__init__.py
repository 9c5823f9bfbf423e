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
from planlib.tables import WORKSTREAM_LABELS, WORKSTREAMS, resources_by_year

WORKSTREAM_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#999999")
"""One colour per workstream, in the order of :data:`planlib.tables.WORKSTREAMS`, from the
Okabe-Ito palette, which people with the common colour-vision deficiencies can tell apart."""

EMBED_OPTIONS = {"actions": False}
"""vega-embed options for every chart: no action menu (no export to external websites)."""


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
    resources = resources_by_year(plan, enabled_only=True)
    revenue = resources[resources["measure"] == "revenue_gbp"]
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
                subtitle=subtitle or f"{plan.name}, {plan.period.first} to {plan.period.last}: "
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


# --------------------------------------------------------------------------- net benefit (appraisal)

MONETISED_COLOURS = ("#0072B2", "#999999")
"""Okabe-Ito blue for commitments whose benefits are monetised, grey for those counted at cost only."""

MONETISED_LABELS = ("Benefits monetised", "Benefits not monetised (costs only)")

TORNADO_COLOURS = ("#D55E00", "#0072B2")
"""Okabe-Ito vermilion for an input at its 5th percentile, blue for its 95th."""

_INTERVAL_MEASURES = ("npv", "npv_p5", "npv_p50", "npv_p95", "prob_npv_positive", "bcr_p50", "monetised")


def appraisal_wide(table: pd.DataFrame, scenario: str | None = None) -> pd.DataFrame:
    """One row per commitment (TOTAL included) from an appraisal table, long or wide.

    Parameters
    ----------
    table : pandas.DataFrame
        Long (``scenario, commitment, measure, value, unit``), as from
        :func:`planlib.appraisal.appraise` or ``res.appraisal``; or wide, one column per
        measure, as from :func:`planlib.appraisal.appraisal_table`.
    scenario : str, optional
        Which scenario of a long table holding several; needed only then.

    Returns
    -------
    pandas.DataFrame
        Columns ``commitment`` and one per measure, in the table's order of commitments.

    Examples
    --------
    >>> long = pd.DataFrame({"scenario": "baseline", "commitment": ["a", "a"],
    ...                      "measure": ["npv", "bcr"], "value": [-1.0, 0.5], "unit": ""})
    >>> appraisal_wide(long).to_dict("records")
    [{'commitment': 'a', 'npv': -1.0, 'bcr': 0.5}]
    """
    if "measure" not in table.columns:
        missing = [m for m in _INTERVAL_MEASURES if m not in table.columns]
        if "commitment" not in table.columns or missing:
            raise ValueError(f"the table lacks {['commitment', *missing]}: pass planlib.appraisal.appraise(...) "
                             "or res.appraisal")
        return table.reset_index(drop=True)
    if "scenario" in table.columns:
        scenarios = list(dict.fromkeys(table["scenario"]))
        if scenario is None and len(scenarios) > 1:
            raise ValueError(f"the table holds several scenarios ({', '.join(scenarios)}): choose one with scenario=")
        if scenario is not None:
            if scenario not in scenarios:
                raise ValueError(f"no scenario {scenario!r} in the table; it has {', '.join(scenarios)}")
            table = table[table["scenario"] == scenario]
    order = list(dict.fromkeys(table["commitment"]))
    wide = table.pivot(index="commitment", columns="measure", values="value").reindex(order)
    wide.columns.name = None
    return wide[list(dict.fromkeys(table["measure"]))].reset_index()


def _money_m(value: float) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value) / 1e6:,.1f}m"


def npv_interval_chart(table: pd.DataFrame, *, scenario: str | None = None, titles: dict[str, str] | None = None,
                       width: int = 520, row_height: int = 18) -> alt.LayerChart:
    """Net present value of each commitment with its 90% interval, from the Monte Carlo (£m).

    One row per commitment, highest median NPV at the top: a rule from the 5th to the 95th
    percentile of NPV and a point at the median. Commitments whose benefits are not monetised
    (measure ``monetised`` = 0) are grey, and the legend says that only their costs count. The
    total is not drawn on the same axis (it would dwarf the commitments) but stated in the
    subtitle. Hovering over a row shows the median, the interval, P(NPV > 0) and the median BCR.

    Parameters
    ----------
    table : pandas.DataFrame
        The appraisal, long (``scenario, commitment, measure, value, unit``, as from
        :func:`planlib.appraisal.appraise` or ``res.appraisal``) or wide (as from
        :func:`planlib.appraisal.appraisal_table`). It must hold ``npv_p5``, ``npv_p50``,
        ``npv_p95``, ``prob_npv_positive``, ``bcr_p50``, ``npv`` and ``monetised``.
    scenario : str, optional
        Which scenario to draw when a long table holds several.
    titles : dict, optional
        Label to show for each commitment id (such as its title); ids are shown otherwise.
    width, row_height : int
        Width of the plotting area, and height of each commitment's row, in pixels.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> import planlib
    >>> from planlib.appraisal import appraise
    >>> table = appraise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=1_000)
    >>> spec = npv_interval_chart(table).to_dict()
    >>> spec["title"]["text"]
    'Net present value of each commitment, with its 90% interval'
    >>> spec["layer"][0]["encoding"]["x"]["title"]
    'Net present value (£m)'
    """
    from planlib.appraisal import TOTAL

    wide = appraisal_wide(table, scenario)
    total = wide[wide["commitment"] == TOTAL]
    data = wide[wide["commitment"] != TOTAL].copy()
    if data.empty:
        raise ValueError("the appraisal has no commitments to draw")
    for name in ("npv", "npv_p5", "npv_p50", "npv_p95"):
        data[f"{name}_m"] = data[name] / 1e6
    titles = titles or {}
    data["label"] = [titles.get(c, c) for c in data["commitment"]]
    repeated = data["label"].duplicated(keep=False)
    data.loc[repeated, "label"] = data.loc[repeated, "label"] + " (" + data.loc[repeated, "commitment"] + ")"
    data["benefits"] = [MONETISED_LABELS[0] if m > 0 else MONETISED_LABELS[1] for m in data["monetised"]]
    data = data.sort_values("npv_p50", ascending=False, kind="stable")
    columns = ["commitment", "label", "benefits", "npv_m", "npv_p5_m", "npv_p50_m", "npv_p95_m",
               "prob_npv_positive", "bcr_p50"]
    data = data[columns]

    if total.empty:
        subtitle = ["Rule: 5th to 95th percentile of NPV; point: median."]
    else:
        t = total.iloc[0]
        subtitle = [f"All commitments together: median NPV {_money_m(t['npv_p50'])} (90% interval "
                    f"{_money_m(t['npv_p5'])} to {_money_m(t['npv_p95'])}), P(NPV > 0) {t['prob_npv_positive']:.1%}.",
                    "Rule: 5th to 95th percentile of NPV; point: median."]
    y = alt.Y("label:N", title=None, sort=list(data["label"]), axis=alt.Axis(labelLimit=320))
    colour = alt.Color("benefits:N", title=None, scale=alt.Scale(domain=list(MONETISED_LABELS),
                                                                 range=list(MONETISED_COLOURS)),
                       legend=alt.Legend(orient="bottom", direction="horizontal"))
    tooltip = [
        alt.Tooltip("label:N", title="Commitment"),
        alt.Tooltip("npv_p50_m:Q", title="Median NPV (£m)", format=",.2f"),
        alt.Tooltip("npv_p5_m:Q", title="5th percentile (£m)", format=",.2f"),
        alt.Tooltip("npv_p95_m:Q", title="95th percentile (£m)", format=",.2f"),
        alt.Tooltip("prob_npv_positive:Q", title="P(NPV > 0)", format=".1%"),
        alt.Tooltip("bcr_p50:Q", title="Median BCR", format=",.2f"),
        alt.Tooltip("npv_m:Q", title="NPV, all inputs central (£m)", format=",.2f"),
        alt.Tooltip("benefits:N", title="Benefits"),
    ]
    base = alt.Chart(data).encode(y=y, color=colour, tooltip=tooltip)
    x = alt.X("npv_p5_m:Q", title="Net present value (£m)", axis=alt.Axis(format=",.0f"),
              scale=alt.Scale(zero=True, nice=True))
    rules = base.mark_rule(strokeWidth=2).encode(x=x, x2="npv_p95_m:Q")
    points = base.mark_point(filled=True, size=45, opacity=1).encode(x="npv_p50_m:Q")
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#444").encode(x="x:Q")
    return (rules + points + zero).properties(
        title=alt.Title("Net present value of each commitment, with its 90% interval", subtitle=subtitle,
                        anchor="start"),
        width=width, height=row_height * len(data),
    )


def tornado_chart(tornado_table: pd.DataFrame, title: str, *, central_npv: float | None = None,
                  labels: dict[str, str] | None = None, width: int = 520, row_height: int = 26) -> alt.LayerChart:
    """Tornado chart: how far one commitment's NPV moves as each input goes from its low to its high end (£m).

    One horizontal bar per input, from the NPV with the input at its low end (``output_low``)
    to the NPV with it at its high end (``output_high``), the others central; the largest swing
    is at the top. The ends are marked in two colours, so the reader sees which way each input
    pushes the NPV. A rule marks the central NPV (every input central).

    Parameters
    ----------
    tornado_table : pandas.DataFrame
        Columns ``input, low, high, output_low, output_high, swing``, as from
        :func:`planlib.appraisal.commitment_tornado` or :func:`planlib.appraisal.tornado`.
    title : str
        The chart's title (say which commitment).
    central_npv : float, optional
        NPV with every input central, in pounds; read from ``tornado_table.attrs["central_npv"]``
        when not given, and not drawn when neither is there.
    labels : dict, optional
        Label to show for each input (such as a short description); ids are shown otherwise.
    width, row_height : int
        Width of the plotting area, and height of each input's row, in pixels.

    Returns
    -------
    altair.LayerChart
        With a message in place of bars when the table is empty (a commitment whose benefits are
        not monetised has no inputs to vary).

    Examples
    --------
    >>> from planlib.appraisal import tornado
    >>> t = tornado(lambda v: 1e6 * (v["a"] * 2 + v["b"]), {"a": (0, 1, 2), "b": (0, 1, 5)})
    >>> spec = tornado_chart(t, "Example", central_npv=3e6).to_dict()
    >>> spec["title"]["text"], spec["layer"][0]["encoding"]["y"]["sort"]
    ('Example', ['b', 'a'])
    """
    columns = ("input", "low", "high", "output_low", "output_high", "swing")
    missing = [c for c in columns if c not in tornado_table.columns]
    if missing:
        raise ValueError(f"the tornado table lacks {missing}: pass planlib.appraisal.commitment_tornado(...)")
    if central_npv is None:
        central_npv = tornado_table.attrs.get("central_npv")
    subtitle = "Bar: NPV as the input moves from its 5th to its 95th percentile, the others central."
    if central_npv is not None:
        subtitle = [subtitle, f"Line: NPV with every input central ({_money_m(central_npv)})."]
    if tornado_table.empty:
        message = pd.DataFrame({"text": ["No monetised benefits: no input to vary."]})
        text = alt.Chart(message).mark_text(align="left", x=0, y=10, fontSize=13).encode(text="text:N")
        return alt.layer(text).properties(title=alt.Title(title, anchor="start"), width=width, height=row_height)
    heading = alt.Title(title, subtitle=subtitle, anchor="start")

    labels = labels or {}
    data = tornado_table.sort_values("swing", ascending=False, kind="stable").copy()
    data["label"] = [labels.get(i, i) for i in data["input"]]
    repeated = data["label"].duplicated(keep=False)
    data.loc[repeated, "label"] = data.loc[repeated, "label"] + " (" + data.loc[repeated, "input"] + ")"
    data["output_low_m"] = data["output_low"] / 1e6
    data["output_high_m"] = data["output_high"] / 1e6
    data["swing_m"] = data["swing"] / 1e6
    data = data[["input", "label", "low", "high", "output_low_m", "output_high_m", "swing_m"]]
    order = list(data["label"])
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=320))
    tooltip = [
        alt.Tooltip("label:N", title="Input"),
        alt.Tooltip("low:Q", title="Low end (5th percentile)", format=",.4~g"),
        alt.Tooltip("high:Q", title="High end (95th percentile)", format=",.4~g"),
        alt.Tooltip("output_low_m:Q", title="NPV at the low end (£m)", format=",.2f"),
        alt.Tooltip("output_high_m:Q", title="NPV at the high end (£m)", format=",.2f"),
        alt.Tooltip("swing_m:Q", title="Swing (£m)", format=",.2f"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar(color="#BBBBBB", height=alt.RelativeBandSize(0.6))
        .encode(y=y, x=alt.X("output_low_m:Q", title="Net present value (£m)", axis=alt.Axis(format=",.1f"),
                              scale=alt.Scale(zero=False, nice=True)),
                x2="output_high_m:Q", tooltip=tooltip)
    )
    ends = data.melt(id_vars=["input", "label"], value_vars=["output_low_m", "output_high_m"],
                     var_name="end", value_name="npv_m")
    ends["end"] = ends["end"].map({"output_low_m": "Input at its 5th percentile",
                                   "output_high_m": "Input at its 95th percentile"})
    points = (
        alt.Chart(ends)
        .mark_point(filled=True, size=70, opacity=1)
        .encode(y=y, x="npv_m:Q",
                color=alt.Color("end:N", title=None,
                                scale=alt.Scale(domain=["Input at its 5th percentile", "Input at its 95th percentile"],
                                                range=list(TORNADO_COLOURS)),
                                legend=alt.Legend(orient="bottom", direction="horizontal")),
                shape=alt.Shape("end:N", title=None,
                                scale=alt.Scale(domain=["Input at its 5th percentile", "Input at its 95th percentile"],
                                                range=["circle", "square"])),
                tooltip=[alt.Tooltip("label:N", title="Input"), alt.Tooltip("end:N", title="End"),
                         alt.Tooltip("npv_m:Q", title="NPV (£m)", format=",.2f")])
    )
    layers = [bars, points]
    if central_npv is not None:
        centre = pd.DataFrame({"x": [central_npv / 1e6], "label": [f"Central NPV {_money_m(central_npv)}"]})
        layers.append(alt.Chart(centre).mark_rule(color="#000000", strokeDash=[4, 3])
                      .encode(x="x:Q", tooltip=alt.Tooltip("label:N", title="Central")))
    return alt.layer(*layers).properties(title=heading, width=width, height=row_height * len(data))


# --------------------------------------------------------------------------- plan overview

COVERAGE_COLOURS = ("#009E73", "#D55E00")
"""Okabe-Ito green for a statutory function some commitment serves, vermilion for one none does."""

COVERAGE_LABELS = ("Served by a commitment", "Not yet served")


def function_coverage_chart(coverage: pd.DataFrame, *, width: int = 360, row_height: int = 22) -> alt.LayerChart:
    """How many commitments serve each statutory function; functions that none serves stand out.

    Parameters
    ----------
    coverage : pandas.DataFrame
        One row per function with columns ``function_id``, ``function`` (its name) and
        ``commitments`` (how many commitments serve it), as from
        :func:`planlib.tables.function_coverage`.
    width, row_height : int
        Width of the plotting area, and height of each function's row, in pixels.

    Returns
    -------
    altair.LayerChart
        Horizontal bars, green where at least one commitment serves the function; a function
        none serves gets a vermilion "Not yet served" label at zero.

    Examples
    --------
    >>> table = pd.DataFrame({"function_id": ["f01", "f02"], "function": ["Community safety", "Victims"],
    ...                       "commitments": [3, 0]})
    >>> spec = function_coverage_chart(table).to_dict()
    >>> spec["title"]["text"]
    'Statutory functions served by the commitments'
    """
    missing = [c for c in ("function_id", "function", "commitments") if c not in coverage.columns]
    if missing:
        raise ValueError(f"the coverage table lacks {missing}: pass planlib.tables.function_coverage(plan)")
    data = coverage[["function_id", "function", "commitments"]].copy()
    data["label"] = data["function_id"] + " " + data["function"]
    data["status"] = [COVERAGE_LABELS[0] if n > 0 else COVERAGE_LABELS[1] for n in data["commitments"]]
    data["note"] = ["" if n > 0 else "Not yet served" for n in data["commitments"]]
    order = list(data["label"])
    served = int((data["commitments"] > 0).sum())
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=360))
    colour = alt.Color("status:N", title=None,
                       scale=alt.Scale(domain=list(COVERAGE_LABELS), range=list(COVERAGE_COLOURS)),
                       legend=alt.Legend(orient="bottom", direction="horizontal"))
    tooltip = [alt.Tooltip("label:N", title="Function"), alt.Tooltip("commitments:Q", title="Commitments serving it"),
               alt.Tooltip("status:N", title="Status")]
    bars = alt.Chart(data).mark_bar(height=alt.RelativeBandSize(0.7)).encode(
        y=y, x=alt.X("commitments:Q", title="Commitments serving the function",
                     axis=alt.Axis(format="d", tickMinStep=1), scale=alt.Scale(domainMin=0)),
        color=colour, tooltip=tooltip)
    notes = alt.Chart(data).mark_text(align="left", dx=4, color=COVERAGE_COLOURS[1], fontWeight="bold").encode(
        y=y, x=alt.datum(0), text="note:N")
    return alt.layer(bars, notes).properties(
        title=alt.Title("Statutory functions served by the commitments",
                        subtitle=f"{served} of {len(data)} functions served by at least one commitment in the plan",
                        anchor="start"),
        width=width, height=row_height * len(data),
    )


# --------------------------------------------------------------------------- horizon scanning

RISK_BANDS = (("Low (1-7)", 1, "#dcefe3"), ("Medium (8-14)", 8, "#fde7c8"), ("High (15-25)", 15, "#f8d3d1"))
"""Bands of likelihood x impact: label, lowest score, cell colour (high starts at the gap score, 15)."""

GAP_COLOUR = "#D55E00"
"""Okabe-Ito vermilion: a high-scoring item that no enabled commitment answers."""


def _band(score: int) -> str:
    return [label for label, low, _ in RISK_BANDS if score >= low][-1]


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
    cells_table = pd.DataFrame(cells, columns=["likelihood", "impact", "score", "ranks", "items", "gaps", "has_gap"])
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


# --------------------------------------------------------------------------- portfolio (optimiser)


def frontier_chart(frontier: pd.DataFrame, *, width: int = 480, height: int = 260,
                   objective: str = "NPV (p50)") -> alt.LayerChart:
    """The efficient frontier: the best portfolio's value for envelopes from 80% to 120% (£m).

    ``frontier`` is :attr:`planlib.portfolio.PortfolioResult.frontier`. Envelopes in which no
    portfolio fits are left out; the envelope given (100%) is ringed.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"envelope_share": [0.9, 1.0, 1.1], "envelope_total": [90e6, 100e6, 110e6],
    ...                   "objective_value": [5e6, 6e6, 6.5e6], "selected_count": [3, 4, 4], "feasible": [True] * 3})
    >>> frontier_chart(f).to_dict()["title"]["text"]
    'Efficient frontier'
    """
    data = frontier[frontier["feasible"]].assign(
        envelope_m=lambda d: d["envelope_total"] / 1e6, value_m=lambda d: d["objective_value"] / 1e6,
        share=lambda d: (d["envelope_share"] * 100).round(0))
    x = alt.X("envelope_m:Q", title="Envelope over the plan (£m)", scale=alt.Scale(zero=False), axis=alt.Axis(format=",.0f"))
    y = alt.Y("value_m:Q", title=f"Best {objective} (£m)", scale=alt.Scale(zero=False), axis=alt.Axis(format=",.1f"))
    tooltip = [alt.Tooltip("share:Q", title="Envelope (% of given)"), alt.Tooltip("envelope_m:Q", title="Envelope (£m)", format=",.1f"),
               alt.Tooltip("value_m:Q", title=f"Best {objective} (£m)", format=",.1f"),
               alt.Tooltip("selected_count:Q", title="Commitments chosen")]
    line = alt.Chart(data).mark_line(point=True, color="#0072B2").encode(x=x, y=y, tooltip=tooltip)
    given = alt.Chart(data[data["envelope_share"].round(2) == 1.0]).mark_point(
        size=220, shape="circle", filled=False, color="#D55E00", strokeWidth=2).encode(x=x, y=y, tooltip=tooltip)
    return alt.layer(line, given).properties(
        title=alt.Title("Efficient frontier", subtitle="Best value of an affordable portfolio as the envelope "
                        "moves from 80% to 120% (ringed: the envelope given)", anchor="start"),
        width=width, height=height)


def portfolio_cost_chart(by_year: pd.DataFrame, *, width: int = 480, height: int = 260) -> alt.LayerChart:
    """The chosen portfolio's cost by year (statutory and optional, stacked, £m) against the envelope.

    ``by_year`` is :attr:`planlib.portfolio.PortfolioResult.by_year`.

    >>> import pandas as pd
    >>> b = pd.DataFrame({"year": ["2021/22"], "envelope": [5e6], "mandatory_cost": [1e6], "optional_cost": [3e6]})
    >>> portfolio_cost_chart(b).to_dict()["title"]["text"]
    'Portfolio cost against the envelope'
    """
    years = list(by_year["year"])
    parts = by_year.melt(id_vars="year", value_vars=["mandatory_cost", "optional_cost"], var_name="part", value_name="value")
    parts = parts.assign(value_m=parts["value"] / 1e6, part=parts["part"].map(
        {"mandatory_cost": "Statutory duties", "optional_cost": "Optional commitments chosen"}))
    bars = alt.Chart(parts).mark_bar().encode(
        x=alt.X("year:O", title="Financial year", sort=years, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(value_m):Q", title="Revenue cost (£m)", axis=alt.Axis(format=",.1f")),
        color=alt.Color("part:N", title="", sort=["Statutory duties", "Optional commitments chosen"],
                        scale=alt.Scale(range=["#999999", "#0072B2"])),
        order=alt.Order("part:N", sort="descending"),
        tooltip=[alt.Tooltip("year:O", title="Financial year"), alt.Tooltip("part:N", title="Part"),
                 alt.Tooltip("value_m:Q", title="£m", format=",.1f")])
    envelope = by_year.assign(envelope_m=by_year["envelope"] / 1e6)
    ticks = alt.Chart(envelope).mark_tick(color="#D55E00", thickness=3, size=40).encode(
        x=alt.X("year:O", sort=years), y="envelope_m:Q",
        tooltip=[alt.Tooltip("year:O", title="Financial year"), alt.Tooltip("envelope_m:Q", title="Envelope (£m)", format=",.1f")])
    return alt.layer(bars, ticks).properties(
        title=alt.Title("Portfolio cost against the envelope", subtitle="Orange marks: the most the commitments may cost",
                        anchor="start"), width=width, height=height)
