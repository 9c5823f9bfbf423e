"""The medium-term financial plan for people: the headline table of ``planlib run`` and its warnings.

The finance engine (:mod:`planlib.finance`) computes the measures and the flags
(``referendum_required``, ``reserves_below_minimum``); this module writes them: money through
:mod:`planlib.formats` (``£528.7m``, ``−£14.0m``, ``£202.55`` for a Band D precept).

>>> import planlib
>>> table = planlib.run(planlib.load_plan(planlib.DEFAULT_PLAN)).finance
>>> finance_table(table, "Example").splitlines()[0]
'Example: baseline'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planlib.formats import money, pounds

if TYPE_CHECKING:
    import pandas as pd

HEADLINE = [
    ("police_grant", "Police grant"),
    ("former_dclg_grant", "Former DCLG formula grant"),
    ("council_tax_support_grant", "Council tax support grants"),
    ("pension_grant", "Pension grant"),
    ("other_grants", "Other grants"),
    ("precept_band_d", "Band D precept"),
    ("precept_increase", "Band D increase"),
    ("referendum_limit", "Referendum limit"),
    ("tax_base", "Tax base (Band D, 000s)"),
    ("precept_income", "Precept income"),
    ("collection_fund", "Collection fund (+ = surplus)"),
    ("net_budget_requirement", "Net budget requirement"),
    ("use_of_reserves", "Planned use of reserves"),
    ("total_funding", "Total funding"),
    ("total_cost", "Total revenue cost"),
    ("budget_gap", "Budget gap (+ = shortfall)"),
    ("reserves_closing", "Reserves at year end"),
    ("commitment_capital", "Commitments' capital"),
    ("officers_total", "Officers (average FTE)"),
    ("officers_neighbourhood", "Neighbourhood officers in post"),
]
"""The measures of the headline table, in order, with their labels."""

SHOWN_WHEN_GIVEN = frozenset({"former_dclg_grant", "council_tax_support_grant", "pension_grant", "collection_fund"})
"""Headline rows left out of a block in which they are zero in every year (a plan that does not give them)."""

PER_PROPERTY = ("precept_band_d", "precept_increase", "referendum_limit")
"""Measures in pounds per Band D property (written in pounds and pence, not millions)."""


def format_headline(measure: str, value: float) -> str:
    """One figure of the headline table as a reader expects it: £m, £ for Band D, 000s, FTE.

    >>> format_headline("budget_gap", 13_345_000.0), format_headline("precept_band_d", 202.55)
    ('£13.3m', '£202.55')
    >>> format_headline("use_of_reserves", -14e6), format_headline("tax_base", 918_000.0)
    ('−£14.0m', '918.0')
    """
    if measure in PER_PROPERTY:
        return pounds(value)
    if measure == "tax_base":
        return f"{value / 1e3:,.1f}"
    if measure in ("officers_total", "officers_neighbourhood"):
        return f"{value:,.0f}"
    return money(value)


def finance_warnings(wide: pd.DataFrame) -> list[str]:
    """Plain warnings about a finance table (measures as rows, years as columns), from the
    engine's flags: the years whose Band D increase is above the referendum limit, and those
    whose reserves end below the minimum.

    >>> import pandas as pd
    >>> wide = pd.DataFrame({"2023/24": [1.0, 0.0], "2024/25": [0.0, 1.0]},
    ...                     index=["referendum_required", "reserves_below_minimum"])
    >>> finance_warnings(wide)[1]
    'Reserves below the minimum in 2024/25'
    """
    years = list(wide.columns)
    flagged = [str(y) for y in years if wide.at["referendum_required", y] > 0]
    below = [str(y) for y in years if wide.at["reserves_below_minimum", y] > 0]
    warnings = []
    if flagged:
        warnings.append(f"Band D increase above the referendum limit in {', '.join(flagged)}: a referendum would be required")
    if below:
        warnings.append(f"Reserves below the minimum in {', '.join(below)}")
    return warnings


def finance_table(table: pd.DataFrame, plan_name: str) -> str:
    """A readable block per scenario of a long finance table (``planlib run``): headline measures
    as rows, years as columns, then any warnings."""
    lines = []
    for scenario, rows in table.groupby("scenario", sort=False):
        wide = rows.pivot(index="measure", columns="year", values="value")
        years = list(wide.columns)
        lines.append(f"{plan_name}: {scenario}")
        lines.append(f"{'':<32}" + "".join(f"{y:>11}" for y in years))
        for measure, label in HEADLINE:
            if measure in SHOWN_WHEN_GIVEN and not (wide.loc[measure] != 0).any():
                continue
            lines.append(f"{label:<32}" + "".join(f"{format_headline(measure, wide.at[measure, y]):>11}" for y in years))
        lines.extend(f"  ! {warning}" for warning in finance_warnings(wide))
        lines.append("")
    return "\n".join(lines)
