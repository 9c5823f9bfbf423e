"""Writing the finance template: the documented workbook a finance officer fills in.

:func:`write_finance_template` writes a plan's finance assumptions with a README sheet that
explains every sheet and column, drop-down lists for status and distribution, and number
formats by unit (shares as percentages); :func:`planlib.io.excel.load_finance_xlsx` reads it
back to equal assumptions. The layout is in :mod:`planlib.io.excel.layout`.

>>> import tempfile, pathlib, planlib, openpyxl
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> with tempfile.TemporaryDirectory() as folder:
...     path = pathlib.Path(folder) / "finance.xlsx"
...     write_finance_template(plan.finance, path)
...     [c.value for c in openpyxl.load_workbook(path)["settings"][2]]
['price_base_year', '2021/22', 'the financial year whose prices baseline_force_costs are given in (the finance engine uprates them by non_pay_inflation in later years)']
"""

from __future__ import annotations

import os
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planlib.io.excel.cells import MAX_ROWS
from planlib.io.excel.layout import (
    COLLECTION_FUND_BY_AUTHORITY,
    DATED_FIELDS,
    DETAIL_COLUMNS,
    DISTRIBUTIONS,
    GRANT_PREFIX,
    OPTIONAL_SERIES,
    OTHER_GRANTS,
    README,
    SERIES,
    SERIES_FIELDS,
    SERIES_LEFT,
    SERIES_RIGHT,
    SETTINGS,
    SETTINGS_COLUMNS,
    SETTINGS_MEANING,
    STATUSES,
    TAX_BASE_BY_AUTHORITY,
    VALUE_FIELDS,
    VALUES,
    VALUES_COLUMNS,
    YEAR_DETAILS,
)
from planlib.io.excel.writing import fit_columns, header_row, save_workbook, set_cell
from planlib.model import Assumption, DatedValue, FinanceAssumptions, Plan, YearSeries
from planlib.types import FinancialYear

_README_ROWS: tuple[tuple[str, str, str], ...] = (
    ("(all)", "", "Inputs of the medium-term financial plan (MTFP). planlib reads the sheets "
     "settings, series, other_grants, values and year_details, and tax_base_by_authority and "
     "collection_fund_by_authority when present; this README is not read. "
     "Money is GBP in cash (nominal) terms. Shares are fractions: 0.05 is 5% (the cells show "
     "them as percentages) and must lie between 0 and 1. Every number has a unit, a source, "
     "a status and a confidence grade. Figures with status 'illustrative' are assumptions, "
     "to be replaced before any decision rests on them."),
    ("(all)", "", "Columns are found by their header text, so they may be moved; do not rename "
     "them. Blank rows are ignored. Formulas are read through the values Excel saved with "
     "them. Check a filled-in workbook with planlib.load_finance_xlsx: it lists every "
     "problem as file:row: sheet!cell: message."),
    (SETTINGS, "setting", "price_base_year: the financial year whose prices "
     "baseline_force_costs are given in."),
    (SETTINGS, "value", "The setting's value, e.g. 2021/22 (typed as text)."),
    (SETTINGS, "meaning", "What the setting means (not read)."),
    (SERIES, "name", "The series: " + ", ".join(SERIES_FIELDS) + ". Each appears at most once; "
     "every one must appear except the optional " + ", ".join(n for n in SERIES_FIELDS if n in OPTIONAL_SERIES)
     + ". tax_base is the total tax base (Band D equivalent properties) of the years not given on sheet "
     + TAX_BASE_BY_AUTHORITY + "; collection_fund the total collection fund surplus (+) or deficit (-) of "
     "those years. former_dclg_grant, council_tax_support_grant and pension_grant are funding lines a precept "
     "decision may show apart from the police grant."),
    (SERIES, "unit", "Unit of every value in the row, e.g. GBP, share a year, FTE."),
    (SERIES, "2021/22 ...", "One column per financial year, headed YYYY/YY (typed as text). "
     "Each cell is the value for that year; a blank cell means no value for that year. "
     "planned_use_of_reserves and collection_fund may be negative (a contribution to reserves, a "
     "collection fund deficit); nothing else may."),
    (SERIES, "status", "How far the numbers have been checked: verified (against the source "
     "named), estimate (derived from sourced figures), illustrative (assumed, to be replaced) "
     "or unverified (a recollection to check)."),
    (SERIES, "confidence", "Confidence in the evidence: a whole number from 1 (strongest) to 6 "
     "(weakest), as in the GMCA / HM Treasury 2014 cost-benefit guidance."),
    (SERIES, "source", "Where the numbers come from."),
    (SERIES, "description", "What the series is (optional)."),
    (OTHER_GRANTS, "(as series)", "Specific grants that fund part of the costs, one row each, "
     "with the same columns as the series sheet. name is your own identifier: a letter, then "
     "letters, digits, _, - or . (at most 64 characters)."),
    (TAX_BASE_BY_AUTHORITY, "(as series)", "The tax base of each billing authority (a council that "
     "collects council tax and pays the precept over) in Band D equivalent properties, one row each, with the "
     "same columns as the series sheet; name is the billing authority's name (each once). A year given here "
     "needs every billing authority's tax base (0 for one with none) and no total tax_base on the series "
     "sheet. Leave the sheet without rows when the tax base is given as one total."),
    (COLLECTION_FUND_BY_AUTHORITY, "(as series)", "The collection fund surplus (+) or deficit (-) of a "
     "billing authority in GBP, as the precept decision states it, one row per billing authority that has "
     "one (named as on sheet " + TAX_BASE_BY_AUTHORITY + "); a blank year counts as 0. Only for years whose "
     "tax base is given by billing authority."),
    (VALUES, "name", "The single numbers: " + ", ".join(VALUE_FIELDS) + ". Each must appear once."),
    (VALUES, "year", "For dated values (" + ", ".join(sorted(DATED_FIELDS)) + ") the financial "
     "year the value belongs to; blank for the others."),
    (VALUES, "value", "The number, or blank if only a 90% interval is given."),
    (VALUES, "low, high", "Optional 90% interval: '90% sure it lies between low and high'. "
     "Give both or neither; value, if given, lies between them."),
    (VALUES, "distribution", "Optional, with an interval: normal, lognormal, uniform or "
     "triangular (blank: lognormal for positive quantities)."),
    (VALUES, "unit, status, confidence, source, description", "As on the series sheet."),
    (YEAR_DETAILS, "series", "A series name from the series sheet, other_grants.<name> "
     "for a grant, or " + TAX_BASE_BY_AUTHORITY + ".<name> or " + COLLECTION_FUND_BY_AUTHORITY
     + ".<name> for a billing authority. One row per year that differs from the rest of its series."),
    (YEAR_DETAILS, "year", "The financial year, e.g. 2022/23."),
    (YEAR_DETAILS, "low, high, distribution", "A 90% interval for that year's value (the value "
     "itself stays on the series sheet; leave it blank there to give only the interval)."),
    (YEAR_DETAILS, "status, confidence, source, description", "That year's own provenance; "
     "a blank cell takes the series' own."),
)


def _number_format(unit: str) -> str:
    """How a template cell of this unit is displayed (the value itself is never rounded)."""
    text = unit.casefold()
    if text.startswith("share"):
        return "0.00%"
    if text == "gbp":
        return "#,##0"
    if text.startswith("gbp"):
        return "#,##0.00"
    return "General"


def _finance_of(plan: Plan | FinanceAssumptions) -> tuple[FinanceAssumptions, list[FinancialYear]]:
    finance = plan.finance if isinstance(plan, Plan) else plan
    years = set(plan.years) if isinstance(plan, Plan) else set()
    for series in (*finance.series().values(), *finance.authority_series().values()):
        years.update(series.values)
    return finance, sorted(years)


def _check_representable(where: str, entry: Assumption) -> None:
    if entry.id is not None:
        raise ValueError(f"{where} has an id ({entry.id!r}), which the finance template does not hold")


def _write_series_sheet(ws: Worksheet, rows: list[tuple[str, YearSeries]], years: list[FinancialYear]) -> None:
    headers = [*SERIES_LEFT, *map(str, years), *SERIES_RIGHT]
    header_row(ws, headers)
    first_year = len(SERIES_LEFT) + 1
    right = first_year + len(years)
    for r, (name, series) in enumerate(rows, start=2):
        set_cell(ws, r, 1, name)
        set_cell(ws, r, 2, series.unit)
        fmt = _number_format(series.unit)
        for c, year in enumerate(years, start=first_year):
            entry = series.values.get(year)
            if entry is not None:
                _check_representable(f"{name} {year}", entry)
                if entry.value is not None:
                    set_cell(ws, r, c, float(entry.value), fmt)
        for c, key in enumerate(SERIES_RIGHT, start=right):
            set_cell(ws, r, c, getattr(series, key))
    ws.freeze_panes = ws.cell(row=2, column=first_year)
    fit_columns(ws, maximum=40, wrap=(right + 2, right + 3))
    for c in (right + 2, right + 3):
        ws.column_dimensions[get_column_letter(c)].width = 60
    _validations(ws, status=right, confidence=right + 1)


def _detail_rows(rows: list[tuple[str, YearSeries]]) -> list[list[Any]]:
    found = []
    for name, series in rows:
        for year in series.years():
            entry = series.values[year]
            cells: dict[str, Any] = {
                "low": entry.low, "high": entry.high, "distribution": entry.distribution,
                "description": entry.description or None,
            }
            for key in ("status", "confidence", "source"):
                if getattr(entry, key) != getattr(series, key):
                    cells[key] = getattr(entry, key)
            if any(v is not None for v in cells.values()):
                found.append([name, str(year), *(cells.get(k) for k in DETAIL_COLUMNS[2:])])
    return found


def _validations(ws: Worksheet, status: int, confidence: int, distribution: int | None = None) -> None:
    """Drop-down lists and ranges that help a person type valid entries (checked again on reading)."""
    last = MAX_ROWS
    rules = [
        (status, DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True)),
        (confidence, DataValidation(type="whole", operator="between", formula1="1", formula2="6", allow_blank=True)),
    ]
    if distribution is not None:
        rules.append((distribution, DataValidation(type="list", formula1='"' + ",".join(DISTRIBUTIONS) + '"', allow_blank=True)))
    for column, rule in rules:
        letter = get_column_letter(column)
        rule.error = "See the README sheet for the values allowed."
        rule.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(rule)


def write_finance_template(plan: Plan | FinanceAssumptions, path: str | os.PathLike[str]) -> None:
    """Write the finance assumptions of ``plan`` as the documented Excel template.

    The workbook has the sheets README, settings, series, other_grants,
    tax_base_by_authority, collection_fund_by_authority, values and year_details (see the
    module documentation); :func:`load_finance_xlsx` reads it back to
    an equal :class:`~planlib.model.FinanceAssumptions`. The file is written atomically.

    Parameters
    ----------
    plan : Plan or FinanceAssumptions
        The plan whose ``finance`` to write (its period gives the year columns), or the
        finance assumptions themselves (the years they give are the columns).
    path : str or os.PathLike
        Where to write the ``.xlsx`` workbook; its folder is created if need be.

    Raises
    ------
    ValueError
        If an assumption carries an ``id``, which the template has no column for.

    Examples
    --------
    >>> import tempfile, pathlib, planlib, openpyxl
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "finance.xlsx"
    ...     write_finance_template(plan, path)
    ...     book = openpyxl.load_workbook(path)
    >>> book.sheetnames
    ['README', 'settings', 'series', 'other_grants', 'tax_base_by_authority', 'collection_fund_by_authority', 'values', 'year_details']
    >>> [c.value for c in book["series"][2]][:4]
    ['police_grant', 'GBP', 528700000, 559400000]
    """
    finance, years = _finance_of(plan)
    wb = Workbook()
    _write_readme(wb.active)
    _write_settings(wb.create_sheet(SETTINGS), finance)
    series_rows = [(name, getattr(finance, name)) for name in SERIES_FIELDS if getattr(finance, name) is not None]
    grant_rows = list(finance.other_grants.items())
    base_rows = [(ba.name, ba.tax_base) for ba in finance.billing_authorities]
    fund_rows = [(ba.name, ba.collection_fund) for ba in finance.billing_authorities if ba.collection_fund is not None]
    _write_series_sheet(wb.create_sheet(SERIES), series_rows, years)
    _write_series_sheet(wb.create_sheet(OTHER_GRANTS), grant_rows, years)
    _write_series_sheet(wb.create_sheet(TAX_BASE_BY_AUTHORITY), base_rows, years)
    _write_series_sheet(wb.create_sheet(COLLECTION_FUND_BY_AUTHORITY), fund_rows, years)
    _write_values_sheet(wb.create_sheet(VALUES), finance)
    _write_details_sheet(wb.create_sheet(YEAR_DETAILS), series_rows, {
        GRANT_PREFIX: grant_rows, TAX_BASE_BY_AUTHORITY + ".": base_rows, COLLECTION_FUND_BY_AUTHORITY + ".": fund_rows})
    wb.properties.creator = "planlib"
    save_workbook(wb, path)


def _write_readme(readme: Worksheet) -> None:
    readme.title = README
    header_row(readme, ("sheet", "column", "meaning"))
    for r, row in enumerate(_README_ROWS, start=2):
        for c, text in enumerate(row, start=1):
            set_cell(readme, r, c, text)
    readme.freeze_panes = "A2"
    fit_columns(readme, maximum=30, wrap=(3,))
    readme.column_dimensions["C"].width = 100


def _write_settings(settings: Worksheet, finance: FinanceAssumptions) -> None:
    header_row(settings, SETTINGS_COLUMNS)
    set_cell(settings, 2, 1, "price_base_year")
    set_cell(settings, 2, 2, str(finance.price_base_year))
    set_cell(settings, 2, 3, SETTINGS_MEANING["price_base_year"])
    settings.freeze_panes = "A2"
    fit_columns(settings, maximum=80)


def _write_values_sheet(values: Worksheet, finance: FinanceAssumptions) -> None:
    header_row(values, VALUES_COLUMNS)
    for r, name in enumerate(VALUE_FIELDS, start=2):
        quantity = getattr(finance, name)
        _check_representable(name, quantity)
        fmt = _number_format(quantity.unit)
        row = {
            "name": name, "year": str(quantity.year) if isinstance(quantity, DatedValue) else None,
            **{k: getattr(quantity, k) for k in VALUES_COLUMNS[2:] if k not in ("name", "year")},
        }
        for c, key in enumerate(VALUES_COLUMNS, start=1):
            value = row[key]
            if key == "description" and not value:
                continue
            if value is None:
                continue
            if key in ("value", "low", "high"):
                set_cell(values, r, c, float(value), fmt)
            else:
                set_cell(values, r, c, value)
    values.freeze_panes = "B2"
    fit_columns(values, maximum=40, wrap=(10, 11))
    values.column_dimensions["J"].width = 60
    values.column_dimensions["K"].width = 60
    _validations(values, status=8, confidence=9, distribution=6)


def _write_details_sheet(details: Worksheet, series_rows: list[tuple[str, YearSeries]],
                         prefixed: dict[str, list[tuple[str, YearSeries]]]) -> None:
    header_row(details, DETAIL_COLUMNS)
    detail_rows = _detail_rows(series_rows)
    for prefix, rows in prefixed.items():
        detail_rows += _detail_rows([(prefix + name, s) for name, s in rows])
    for r, row in enumerate(detail_rows, start=2):
        for c, value in enumerate(row, start=1):
            if value is not None:
                set_cell(details, r, c, float(value) if DETAIL_COLUMNS[c - 1] in ("low", "high") else value)
    details.freeze_panes = "C2"
    fit_columns(details, maximum=40, wrap=(8, 9))
    details.column_dimensions["H"].width = 60
    details.column_dimensions["I"].width = 60
    _validations(details, status=6, confidence=7, distribution=5)
