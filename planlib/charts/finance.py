"""Charts of the medium-term financial plan: the budget gap and the reserves of each scenario.

Both take the long finance table (``scenario, year, measure, value, unit``) of
:func:`planlib.compare` or ``res.finance``, and draw each scenario in its own colour.

>>> import planlib
>>> table = planlib.compare(planlib.load_plan(planlib.DEFAULT_PLAN), [])
>>> reserves_chart(table).layer[1].data["label"][0]  # the minimum, written by planlib.formats.money
'Minimum £20m'
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from planlib.charts.base import BLACK, BLUE, GREEN, ORANGE, PINK, SKY, VERMILION, YELLOW, ZERO_LINE, year_axis
from planlib.formats import money

SCENARIO_COLOURS = (BLACK, BLUE, ORANGE, GREEN, PINK, SKY, VERMILION, YELLOW)
"""Colours for scenarios: black for the baseline, then the Okabe-Ito palette."""


def _finance_measure(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    rows = table[table["measure"] == measure]
    if rows.empty:
        raise ValueError(f"the table has no {measure!r} rows: pass planlib.compare(...) or res.finance")
    return rows.assign(value_m=rows["value"] / 1e6)[["scenario", "year", "value_m"]]


def scenario_colour(scenarios: list[str]) -> alt.Color:
    """The colour encoding of the ``scenario`` field: :data:`SCENARIO_COLOURS` in the order given.

    >>> scenario_colour(["baseline", "higher_precept"]).to_dict()["scale"]["range"]
    ['#000000', '#0072B2']
    """
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
            x=year_axis(years),
            xOffset=alt.XOffset("scenario:N", sort=scenarios),
            y=alt.Y("value_m:Q", title="Budget gap (£m, positive = shortfall)", axis=alt.Axis(format=",.1f")),
            color=scenario_colour(scenarios),
            tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("year:O", title="Financial year"),
                     alt.Tooltip("value_m:Q", title="Budget gap (£m)", format=",.1f")],
        )
    )
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color=ZERO_LINE).encode(y="y:Q")
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
            x=year_axis(years),
            y=alt.Y("value_m:Q", title="Reserves at year end (£m)", axis=alt.Axis(format=",.0f"),
                    scale=alt.Scale(zero=True)),
            color=scenario_colour(scenarios),
            tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("year:O", title="Financial year"),
                     alt.Tooltip("value_m:Q", title="Reserves (£m)", format=",.1f")],
        )
    )
    floor = (
        alt.Chart(pd.DataFrame({"y": [minimum], "label": [f"Minimum {money(minimum * 1e6, 0)}"]}))
        .mark_rule(color=VERMILION, strokeDash=[6, 4])
        .encode(y="y:Q", tooltip=alt.Tooltip("label:N", title="Minimum reserves"))
    )
    return (lines + floor).properties(
        title=alt.Title("Reserves at year end", subtitle="Dashed: the minimum reserves the plan keeps", anchor="start"),
        width=width, height=height,
    )
