"""The scenario explorer's figures as tables and sentences: what its charts show, in words and rows.

Each chart of the explorer has a sentence or two saying what it shows and its key figures (for
anyone who cannot see it) and a table of its figures; each table of the explorer can be
downloaded as CSV. These functions write them from the explorer's figures (scenario label ->
measure -> financial year -> value, as :func:`planlib.present.levers.figures` gives them).
Money stays in whole pounds in the tables (the page formats it; a CSV keeps it exact).

>>> from planlib.io import DEFAULT_PLAN, load_plan
>>> from planlib.present.levers import figures
>>> from planlib.results import run
>>> m = figures(run(load_plan(DEFAULT_PLAN)).finance)
>>> table = chart_table({"Baseline": m}, "budget_gap")
>>> list(table.columns)[:2], round(float(table.iloc[0]["2023/24"]) / 1e6, 1)
(['Scenario', '2021/22'], 12.6)
>>> print(chart_description({"Baseline": m}, "budget_gap"))
Budget gap by financial year (positive is a shortfall). Baseline: −£0.2m in 2021/22, −£0.4m in 2022/23, £12.6m in 2023/24, £10.5m in 2024/25.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from planlib.formats import money

Figures = Mapping[str, Mapping[str, float]]

CHART_WORDS = {
    "budget_gap": "Budget gap by financial year (positive is a shortfall)",
    "reserves_closing": "Reserves at the end of each financial year",
}
"""What each chart of the explorer shows, by the measure it draws."""

BY_YEAR_ROWS = (
    ("budget_gap", "Budget gap (positive: a shortfall)"),
    ("total_funding", "Total funding"),
    ("total_cost", "Total revenue cost"),
    ("precept_increase", "Band D increase"),
    ("referendum_limit", "Referendum limit"),
    ("precept_band_d", "Band D precept"),
    ("reserves_closing", "Reserves at year end"),
    ("minimum_reserves", "Minimum reserves"),
    ("officers_neighbourhood", "Neighbourhood officers in post"),
)
"""The rows of the "Figures by year" download, with their titles."""


def chart_table(compared: Mapping[str, Figures], measure: str) -> pd.DataFrame:
    """One row per scenario (its label), one column per financial year, of ``measure``."""
    rows = [{"Scenario": label, **dict(m[measure])} for label, m in compared.items()]
    return pd.DataFrame(rows)


def chart_description(compared: Mapping[str, Figures], measure: str) -> str:
    """What a chart of ``measure`` shows, with every figure it draws, in one or two sentences."""
    parts = []
    for label, m in compared.items():
        values = ", ".join(f"{money(value)} in {year}" for year, value in m[measure].items())
        parts.append(f"{label}: {values}.")
    return f"{CHART_WORDS.get(measure, measure)}. " + " ".join(parts)


def by_year_table(m: Figures, years: Sequence[str]) -> pd.DataFrame:
    """The current settings' figures by year, for download: a row per measure, a column per year."""
    rows = [{"Measure": title, **{y: m[measure].get(y) for y in years}}
            for measure, title in BY_YEAR_ROWS if measure in m]
    return pd.DataFrame(rows, columns=["Measure", *years])


def comparison_table(compared: Mapping[str, Figures], years: Sequence[str]) -> pd.DataFrame:
    """The comparison of scenarios, for download: each scenario's gap by year and in total,
    its reserves and Band D at the end of the plan, and the years a referendum would be needed.

    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> from planlib.present.levers import figures
    >>> from planlib.results import run
    >>> plan = load_plan(DEFAULT_PLAN)
    >>> years = [str(y) for y in plan.years]
    >>> list(comparison_table({"Baseline": figures(run(plan).finance)}, years).columns)[-3:]
    ['Reserves at the end (£)', 'Band D at the end (£)', 'Referendum needed in']
    """
    last = years[-1]
    rows = []
    for label, m in compared.items():
        gaps = {f"Gap {y} (£)": m["budget_gap"][y] for y in years}
        referendum = [y for y in years if m["referendum_required"].get(y)]
        rows.append({"Scenario": label, **gaps, "Total gap (£)": sum(gaps.values()),
                     "Reserves at the end (£)": m["reserves_closing"][last],
                     "Band D at the end (£)": m["precept_band_d"][last],
                     "Referendum needed in": ", ".join(referendum) or "No"})
    return pd.DataFrame(rows)
