"""Results workbooks: scenario results from :func:`planlib.compare` as an Excel workbook.

:func:`write_results_xlsx` writes an ``about`` sheet (planlib version, time of generation, how
to read the figures, which sheet holds which scenario), a ``comparison`` sheet (the key
measures of every scenario by year and their difference from the baseline), then one sheet per
scenario. Money cells hold exact pounds displayed in £m. Every measure is named by its title
for a reader (:data:`MEASURE_TITLES`), with its id in the last column (``measure id``) for
formulas and programs. :func:`results_workbook_bytes` gives the same workbook as bytes, for an
app to offer as a download without writing a file. Text is always written as text: a name that
starts with ``=`` never becomes a formula.

>>> _result_unit("GBP"), _result_unit("flag")
(('GBP (shown in £m)', '#,##0.0,,;-#,##0.0,,'), ('flag', '0'))
"""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from planlib.io.excel.layout import VALUE_FIELDS
from planlib.io.excel.writing import WRAP, fit_columns, header_row, save_workbook, set_cell, sheet_names
from planlib.model import FinanceAssumptions, Plan

KEY_MEASURES = (
    "budget_gap",
    "total_funding",
    "total_cost",
    "reserves_closing",
    "precept_band_d",
    "referendum_required",
    "officers_total",
)
"""The measures shown, for every scenario, on the ``comparison`` sheet of a results workbook."""

MEASURE_TITLES = {
    "police_grant": "Police grant", "former_dclg_grant": "Former DCLG formula grant",
    "council_tax_support_grant": "Council tax support grant", "pension_grant": "Pension grant",
    "other_grants": "Other grants", "precept_increase": "Band D increase",
    "referendum_limit": "Referendum limit on the Band D increase",
    "referendum_required": "Referendum needed (1 = yes)", "precept_band_d": "Band D precept",
    "tax_base": "Tax base (Band D equivalent properties)", "precept_income": "Precept income",
    "council_tax_requirement": "Council tax requirement", "collection_fund": "Collection fund (+ = surplus)",
    "total_precept": "Total precept", "net_budget_requirement": "Net budget requirement",
    "use_of_reserves": "Planned use of reserves", "total_funding": "Total funding",
    "baseline_force_costs": "Force costs before the plan's changes", "officer_costs": "Officer pay costs",
    "staff_costs": "Staff pay costs", "commitment_non_pay": "Commitments' running costs (not pay)",
    "commitment_capital": "Commitments' capital", "total_cost": "Total revenue cost",
    "budget_gap": "Budget gap (+ = shortfall)", "reserves_opening": "Reserves at year start",
    "reserves_closing": "Reserves at year end", "minimum_reserves": "Minimum reserves",
    "reserves_below_minimum": "Reserves below the minimum (1 = yes)", "officers_total": "Officers (average FTE)",
    "staff_total": "Staff (average FTE)", "officers_neighbourhood": "Neighbourhood officers in post",
    "neighbourhood_officer_target": "Neighbourhood officer target", "uplift_target_officers": "Officer uplift target",
}
"""The title of each measure of the financial plan, as the results workbook writes it."""


def measure_title(measure: str) -> str:
    """A measure's title; a measure without one is written in words from its id.

    >>> measure_title("budget_gap"), measure_title("new_measure_x")
    ('Budget gap (+ = shortfall)', 'New measure x')
    """
    return MEASURE_TITLES.get(measure) or measure.replace("_", " ").capitalize()


ABOUT = "about"
COMPARISON = "comparison"
_RESULT_COLUMNS = ("scenario", "year", "measure", "value", "unit")
_MONEY_FORMAT = "#,##0.0,,;-#,##0.0,,"
_RESULT_FORMATS = {
    "flag": "0",
    "FTE": "#,##0.0",
    "officers": "#,##0",
    "Band D equivalent properties": "#,##0",
}


def _result_unit(unit: str) -> tuple[str, str]:
    """The unit shown beside a measure and the number format of its cells."""
    if unit == "GBP":
        return "GBP (shown in £m)", _MONEY_FORMAT
    if unit.startswith("GBP"):
        return unit, "#,##0.00"
    return unit, _RESULT_FORMATS.get(unit, "General")


def _result_value(value: Any, unit: str) -> Any:
    if value is None or pd.isna(value):
        return None
    number = float(value)
    return int(number) if unit == "flag" and number.is_integer() else number


def write_results_xlsx(
    table: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    plan: Plan | None = None,
    generated_at: dt.datetime | None = None,
    baseline: str = "baseline",
) -> None:
    """Write scenario results (the output of :func:`planlib.compare`) as an Excel workbook.

    Sheets: ``about`` (planlib version, when it was generated, how to read the figures, which
    sheet holds which scenario), ``comparison`` (each key measure of :data:`KEY_MEASURES` by
    scenario and year, and its difference from the baseline), then one sheet per scenario,
    the baseline first, with every measure as a row and the years as columns. Money cells hold
    exact pounds displayed in £m (number format ``#,##0.0,,``); flags are 0 or 1. Sheet names
    are made valid and unique (at most 31 characters). The file is written atomically.

    Parameters
    ----------
    table : pandas.DataFrame
        Long results with the columns ``scenario, year, measure, value, unit``.
    path : str or os.PathLike
        Where to write the ``.xlsx`` workbook; its folder is created if need be.
    plan : Plan, optional
        The baseline plan: its name and version, and the status of its finance inputs, are
        stated on the ``about`` sheet.
    generated_at : datetime, optional
        The time to state as the time of generation (default: now).
    baseline : str, optional
        The scenario the others are compared with (shown first).

    Raises
    ------
    ValueError
        If ``table`` lacks a column or has two values for one scenario, measure and year.

    Examples
    --------
    >>> import tempfile, pathlib, planlib, openpyxl
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> table = planlib.compare(plan, [])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "results.xlsx"
    ...     write_results_xlsx(table, path, plan=plan)
    ...     book = openpyxl.load_workbook(path)
    >>> book.sheetnames
    ['about', 'comparison', 'baseline']
    >>> [c.value for c in book["baseline"][1]]
    ['Measure', 'unit', '2021/22', '2022/23', '2023/24', '2024/25', 'measure id']
    """
    save_workbook(_workbook(table, plan, generated_at, baseline), path)


def results_workbook_bytes(
    table: pd.DataFrame,
    *,
    plan: Plan | None = None,
    generated_at: dt.datetime | None = None,
    baseline: str = "baseline",
) -> bytes:
    """The workbook :func:`write_results_xlsx` writes, as the bytes of an ``.xlsx`` file.

    For an app that offers it as a download: no file is written anywhere.

    Examples
    --------
    >>> import io, planlib, openpyxl
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> table = planlib.compare(plan, []).assign(scenario="Baseline")
    >>> book = openpyxl.load_workbook(io.BytesIO(results_workbook_bytes(table, plan=plan, baseline="Baseline")))
    >>> book.sheetnames, book["comparison"]["A2"].value
    (['about', 'comparison', 'Baseline'], 'Budget gap (+ = shortfall)')
    """
    buffer = io.BytesIO()
    _workbook(table, plan, generated_at, baseline).save(buffer)
    return buffer.getvalue()


def _workbook(table: pd.DataFrame, plan: Plan | None, generated_at: dt.datetime | None, baseline: str) -> Workbook:
    results = _Results.of(table, baseline)
    names = sheet_names(results.scenarios, reserved=(ABOUT, COMPARISON))
    when = generated_at or dt.datetime.now().astimezone()
    version = _version()

    wb = Workbook()
    about = wb.active
    about.title = ABOUT
    _write_about(about, version, when, plan, results.scenarios, names)
    _write_comparison(wb.create_sheet(COMPARISON), results)
    for scenario in results.scenarios:
        _write_scenario(wb.create_sheet(names[scenario]), results, scenario)
    wb.properties.creator = f"planlib {version}"
    return wb


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("planlib")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
        return "0+unknown"


@dataclass
class _Results:
    """The results table checked and indexed: scenarios (the baseline first), years, measures."""

    scenarios: list[str]
    baseline: str | None
    years: list[str]
    measures: list[str]
    units: dict[str, str]
    values: dict[tuple[str, str, str], Any]

    @classmethod
    def of(cls, table: pd.DataFrame, baseline: str = "baseline") -> _Results:
        missing = [c for c in _RESULT_COLUMNS if c not in table.columns]
        if missing:
            raise ValueError(f"the results table lacks the column(s) {', '.join(missing)}; "
                             f"expected {', '.join(_RESULT_COLUMNS)} (as planlib.compare returns)")
        data = table.loc[:, list(_RESULT_COLUMNS)].copy()
        data["scenario"] = data["scenario"].astype(str)
        data["year"] = data["year"].astype(str)
        data["measure"] = data["measure"].astype(str)
        data["unit"] = data["unit"].astype(str)
        repeated = data.duplicated(["scenario", "measure", "year"])
        if repeated.any():
            first = data[repeated].iloc[0]
            raise ValueError(f"two values for scenario {first['scenario']!r}, measure {first['measure']!r}, "
                             f"year {first['year']!r}")
        scenarios = list(dict.fromkeys(data["scenario"]))
        if baseline in scenarios:
            scenarios.remove(baseline)
            scenarios.insert(0, baseline)
        return cls(
            scenarios=scenarios,
            baseline=baseline if baseline in scenarios else None,
            years=sorted(dict.fromkeys(data["year"])),
            measures=list(dict.fromkeys(data["measure"])),
            units=data.drop_duplicates("measure").set_index("measure")["unit"].to_dict(),
            values={(s, m, y): v for s, m, y, v in zip(data["scenario"], data["measure"], data["year"], data["value"])},
        )

    def value(self, scenario: str, measure: str, year: str) -> Any:
        return _result_value(self.values.get((scenario, measure, year)), self.units[measure])


def _write_comparison(comparison: Worksheet, results: _Results) -> None:
    years = results.years
    baseline = results.baseline
    headers = ["Measure", "unit", "scenario", *years]
    if baseline is not None:
        headers += [f"{y} change from {baseline}" for y in years]
    header_row(comparison, [*headers, "measure id"])
    r = 2
    for measure in (m for m in KEY_MEASURES if m in results.units):
        unit_text, fmt = _result_unit(results.units[measure])
        for scenario in results.scenarios:
            set_cell(comparison, r, 1, measure_title(measure))
            set_cell(comparison, r, 2, unit_text)
            set_cell(comparison, r, 3, scenario)
            for c, year in enumerate(years, start=4):
                value = results.value(scenario, measure, year)
                if value is not None:
                    set_cell(comparison, r, c, value, fmt)
                if baseline is not None:
                    base = results.value(baseline, measure, year)
                    if value is not None and base is not None:
                        set_cell(comparison, r, c + len(years), value - base, fmt)
            set_cell(comparison, r, len(headers) + 1, measure)
            r += 1
    comparison.freeze_panes = "D2"
    fit_columns(comparison, minimum=10, maximum=30)


def _write_scenario(ws: Worksheet, results: _Results, scenario: str) -> None:
    header_row(ws, ["Measure", "unit", *results.years, "measure id"])
    for r, measure in enumerate(results.measures, start=2):
        unit_text, fmt = _result_unit(results.units[measure])
        set_cell(ws, r, 1, measure_title(measure))
        set_cell(ws, r, 2, unit_text)
        for c, year in enumerate(results.years, start=3):
            value = results.value(scenario, measure, year)
            if value is not None:
                set_cell(ws, r, c, value, fmt)
        set_cell(ws, r, len(results.years) + 3, measure)
    ws.freeze_panes = "C2"
    fit_columns(ws, minimum=12, maximum=40)


def _write_about(ws: Worksheet, version: str, when: dt.datetime, plan: Plan | None,
                 scenarios: list[str], names: dict[str, str]) -> None:
    rows: list[tuple[str, str]] = [
        ("planlib version", version),
        ("generated", when.isoformat(timespec="seconds")),
    ]
    if plan is not None:
        rows += [("plan", f"{plan.name} ({plan.id})"), ("plan version", plan.version)]
    rows += [
        ("money", "GBP in cash (nominal) terms. Cells hold exact pounds and are displayed in £m "
                  "(number format #,##0.0,,), so formulas built on them work in pounds."),
        ("flags", "Referendum needed and reserves below the minimum are 1 when the condition holds, 0 otherwise."),
        ("budget gap", "Total revenue cost less total funding: positive is a shortfall."),
        ("measures", "Each measure is named by its title in column A; the last column holds its id "
                     "(as planlib run --format csv writes it), for formulas and programs."),
        ("illustrative figures", "Inputs whose status in the plan is 'illustrative' are assumptions "
                                 "for the example, not sourced figures; 'unverified' inputs are "
                                 "recollections to be checked. Results that use them are illustrative too."),
    ]
    header_row(ws, ("item", "detail"))
    r = 2
    for item, detail in rows:
        set_cell(ws, r, 1, item)
        set_cell(ws, r, 2, detail)
        r += 1
    r += 1
    header_row(ws, ("sheet", "scenario"), row=r)
    r += 1
    for scenario in scenarios:
        set_cell(ws, r, 1, names[scenario])
        set_cell(ws, r, 2, scenario)
        r += 1
    if plan is not None:
        r += 1
        header_row(ws, ("finance input", "status of its figures"), row=r)
        r += 1
        for name, statuses in _input_statuses(plan.finance).items():
            set_cell(ws, r, 1, name)
            set_cell(ws, r, 2, statuses)
            r += 1
    ws.freeze_panes = "A2"
    fit_columns(ws, maximum=40)
    ws.column_dimensions["B"].width = 100
    for (cell,) in ws.iter_rows(min_col=2, max_col=2):
        cell.alignment = WRAP


def _input_statuses(finance: FinanceAssumptions) -> dict[str, str]:
    """Each finance input and the statuses of its figures, e.g. ``'illustrative (2023/24, 2024/25); verified (2022/23)'``."""
    found: dict[str, str] = {}
    rows = dict(finance.series())
    for ba in finance.billing_authorities:
        rows[("billing_authorities", ba.name, "tax_base")] = ba.tax_base
        if ba.collection_fund is not None:
            rows[("billing_authorities", ba.name, "collection_fund")] = ba.collection_fund
    for path, series in rows.items():
        by_status: dict[str, list[str]] = {}
        for year in series.years():
            by_status.setdefault(series.values[year].status, []).append(str(year))
        if len(by_status) == 1:
            found[".".join(path)] = next(iter(by_status))
        else:
            found[".".join(path)] = "; ".join(f"{s} ({', '.join(ys)})" for s, ys in sorted(by_status.items()))
    for name in VALUE_FIELDS:
        found[name] = getattr(finance, name).status
    return found
