"""Reading the finance template back: :func:`load_finance_xlsx`, every problem named by sheet and cell.

The year-by-year sheets are read by :mod:`planlib.io.excel.series`; this module reads the
``values`` and ``settings`` sheets and puts everything together as
:class:`~planlib.model.FinanceAssumptions`, the billing authorities' tax bases and collection
funds (sheets ``tax_base_by_authority`` and ``collection_fund_by_authority``, read when present)
as its ``billing_authorities``.

>>> import planlib
>>> from planlib.io.paths import ROOT
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> load_finance_xlsx(ROOT / "data" / "templates" / "finance_template.xlsx") == plan.finance
True
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from pydantic import ValidationError

from planlib.errors import PlanError, Problem
from planlib.io.excel.cells import Reader, Sheet, cell_at, data_rows, open_workbook, sheet_layout, suggest, validation_message
from planlib.io.excel.layout import (
    AUTHORITY_SHEETS,
    COLLECTION_FUND_BY_AUTHORITY,
    DATA_SHEETS,
    DATED_FIELDS,
    GRANT_PREFIX,
    OPTIONAL_COLUMNS,
    OPTIONAL_SERIES,
    OTHER_GRANTS,
    SERIES,
    SERIES_FIELDS,
    SETTINGS,
    SETTINGS_COLUMNS,
    SETTINGS_MEANING,
    TAX_BASE_BY_AUTHORITY,
    VALUE_FIELDS,
    VALUES,
    VALUES_COLUMNS,
    YEAR_DETAILS,
)
from planlib.io.excel.series import (
    SeriesRow,
    build_series,
    check_every_year,
    merge_year_details,
    read_provenance,
    read_series_sheet,
    value_ok,
)
from planlib.model import DatedValue, FinanceAssumptions, Quantity, YearSeries
from planlib.model.finance import tax_base_problems
from planlib.types import FinancialYear

def _read_values_sheet(reader: Reader, sheet: Sheet) -> tuple[dict[str, Quantity], set[str]] | None:
    """The values read, and the names that had a row (None if the header is unusable)."""
    layout = sheet_layout(reader, sheet, VALUES_COLUMNS, years_allowed=False, optional=OPTIONAL_COLUMNS)
    if not layout.ok:
        return None
    found: dict[str, Quantity] = {}
    rows_of: dict[str, int] = {}
    for row in data_rows(reader, sheet):
        r = row[0].row
        cells = {key: cell_at(row, column, r) for key, column in layout.columns.items()}
        name = reader.name(sheet.name, cells["name"])
        if name is None:
            continue
        if name not in VALUE_FIELDS:
            if name in SERIES_FIELDS:
                reader.at(sheet.name, cells["name"], f"{name!r} is a year-by-year series: put it on sheet {SERIES!r}")
            else:
                reader.at(sheet.name, cells["name"], f"unknown value {name!r}" + (
                    suggest(name, VALUE_FIELDS) or f" (expected one of {', '.join(VALUE_FIELDS)})"))
            continue
        if name in rows_of:
            reader.at(sheet.name, cells["name"], f"{name!r} appears twice (first on row {rows_of[name]})")
            continue
        rows_of[name] = r
        before = len(reader.problems)
        data, _ = read_provenance(reader, sheet.name, {k: v for k, v in cells.items() if k != "name"}, required=True)
        for key in ("value", "low", "high"):
            if key in cells:
                value = reader.number(sheet.name, cells[key])
                if value is not None and value_ok(reader, sheet.name, cells[key], value, data.get("unit"), signed=False):
                    data[key] = value
        dated = name in DATED_FIELDS
        year = None
        if not dated:
            if not cells["year"].blank:
                reader.at(sheet.name, cells["year"], f"{name} is not dated: leave the year blank")
        elif cells["year"].blank:
            reader.at(sheet.name, cells["year"], f"empty cell: {name} needs the financial year it belongs to, such as 2021/22")
        else:
            year = reader.year(sheet.name, cells["year"])
        if all(cells[k].blank for k in ("value", "low", "high") if k in cells):
            reader.at(sheet.name, cells["value"], "empty cell: give a value, or a 90% interval with both low and high")
        if len(reader.problems) > before:
            continue
        kind = DatedValue if dated else Quantity
        try:
            found[name] = kind.model_validate({**data, **({"year": str(year)} if dated else {})})
        except ValidationError as exc:
            for err in exc.errors():
                loc = err["loc"]
                cell = cells.get(str(loc[0])) if loc else None
                reader.at(sheet.name, cell or cells["value"], validation_message(err))
    return found, set(rows_of)


def _read_settings(reader: Reader, sheet: Sheet) -> tuple[dict[str, Any], set[str]] | None:
    """The settings read, and the names that had a row (None if the header is unusable)."""
    layout = sheet_layout(reader, sheet, SETTINGS_COLUMNS, years_allowed=False, optional=OPTIONAL_COLUMNS)
    if not layout.ok:
        return None
    found: dict[str, Any] = {}
    rows_of: dict[str, int] = {}
    for row in data_rows(reader, sheet):
        r = row[0].row
        name_cell = cell_at(row, layout.columns["setting"], r)
        value_cell = cell_at(row, layout.columns["value"], r)
        name = reader.name(sheet.name, name_cell, "a setting name")
        if name is None:
            continue
        if name not in SETTINGS_MEANING:
            reader.at(sheet.name, name_cell, f"unknown setting {name!r} (expected {', '.join(SETTINGS_MEANING)})")
            continue
        if name in rows_of:
            reader.at(sheet.name, name_cell, f"{name!r} appears twice (first on row {rows_of[name]})")
            continue
        rows_of[name] = r
        year = reader.year(sheet.name, value_cell)
        if year is None and value_cell.blank:
            reader.at(sheet.name, value_cell, "empty cell: a financial year such as 2021/22 is required")
        if year is not None:
            found[name] = year
    return found, set(rows_of)


def load_finance_xlsx(
    path: str | os.PathLike[str], *, years: Iterable[str | FinancialYear] | None = None
) -> FinanceAssumptions:
    """Read finance assumptions from a workbook laid out as the finance template.

    Every sheet and cell is checked and every problem is reported together.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.xlsx`` workbook (see the module documentation for its sheets and columns).
    years : iterable of financial years, optional
        The plan's years (``plan.years``): each series that the MTFP needs in every year
        (:attr:`FinanceAssumptions.REQUIRED_EVERY_YEAR`) must then have a value for each, and
        an empty cell is reported where it is. Without ``years`` a blank cell just means no
        value for that year, as a missing year in ``finance.yaml`` does.

    Returns
    -------
    FinanceAssumptions

    Raises
    ------
    PlanError
        Listing every problem as ``Problem(file=path as given, line=Excel row,
        field="sheet!cell", message)``; a file that is not an ``.xlsx`` workbook gives one
        problem about the whole file.

    Examples
    --------
    >>> import tempfile, pathlib, planlib, openpyxl
    >>> from planlib.io.excel.template import write_finance_template
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "finance.xlsx"
    ...     write_finance_template(plan, path)
    ...     book = openpyxl.load_workbook(path)
    ...     book["series"]["A4"] = "referendum_limt"
    ...     book["series"]["D3"] = "abc"
    ...     book.save(path)
    ...     try:
    ...         load_finance_xlsx(path)
    ...     except planlib.PlanError as exc:
    ...         for p in exc.problems:
    ...             print(p.line, p.field, p.message)
    3 series!D3 expected a number, got 'abc'
    4 series!A4 unknown series 'referendum_limt'; did you mean 'referendum_limit'?
    None series missing series 'referendum_limit': add a row for it on sheet 'series'
    """
    display = str(path)
    reader = Reader(display)
    sheets = open_workbook(Path(path), reader, (*DATA_SHEETS, *AUTHORITY_SHEETS))
    if sheets is None:
        raise PlanError(reader.problems)
    by_name = {name.strip().casefold(): sheet for name, sheet in sheets.items()}
    missing = [s for s in DATA_SHEETS if s.casefold() not in by_name]
    for name in missing:
        reader.at(name, None, f"missing sheet {name!r} (the workbook has: {', '.join(sheets) or 'no sheets'})")

    def sheet(name: str) -> Sheet | None:
        return by_name.get(name.casefold())

    settings = _read_settings(reader, s) if (s := sheet(SETTINGS)) else None
    series = read_series_sheet(reader, s, kind="series") if (s := sheet(SERIES)) else None
    grants = read_series_sheet(reader, s, kind="grants") if (s := sheet(OTHER_GRANTS)) else None
    # the billing authorities' sheets are optional: a workbook without them gives one total tax base
    bases = read_series_sheet(reader, s, kind="authorities") if (s := sheet(TAX_BASE_BY_AUTHORITY)) else {}
    funds = read_series_sheet(reader, s, kind="signed_authorities") if (s := sheet(COLLECTION_FUND_BY_AUTHORITY)) else {}
    if (s := sheet(YEAR_DETAILS)) is not None and series is not None and grants is not None:
        merge_year_details(reader, s, series, {
            GRANT_PREFIX: grants, TAX_BASE_BY_AUTHORITY + ".": bases or {},
            COLLECTION_FUND_BY_AUTHORITY + ".": funds or {}})
    if years is not None and series is not None:
        check_every_year(reader, series, [FinancialYear(y) for y in years])
    values = _read_values_sheet(reader, s) if (s := sheet(VALUES)) else None

    fields = _fields(reader, settings, series, values, grants)
    if bases is not None and funds is not None:
        fields["billing_authorities"] = _authorities(reader, bases, funds)
    if reader.problems:
        raise PlanError(reader.problems)
    try:
        finance = FinanceAssumptions.model_validate(fields)
    except ValidationError as exc:  # every field was checked above; this names what slipped through
        raise PlanError([
            Problem(display, None, ".".join(map(str, err["loc"])), validation_message(err))
            for err in exc.errors()
        ]) from None
    if years is not None:
        _check_tax_base(reader, finance, [FinancialYear(y) for y in years], series or {}, bases or {}, funds or {})
        if reader.problems:
            raise PlanError(reader.problems)
    return finance


def _authorities(reader: Reader, bases: dict[str, SeriesRow], funds: dict[str, SeriesRow]) -> list[dict[str, Any]]:
    """The billing authorities read: each tax base row with its collection fund row, if any."""
    found: list[dict[str, Any]] = []
    for name, row in bases.items():
        built = build_series(reader, row)
        authority: dict[str, Any] = {"name": name, "tax_base": built}
        if name in funds:
            authority["collection_fund"] = build_series(reader, funds[name])
        found.append(authority)
    for name, row in funds.items():
        if name not in bases:
            reader.at(row.sheet, row.cells["name"], f"no billing authority {name!r} on sheet "
                                                    f"{TAX_BASE_BY_AUTHORITY!r}: give its tax base there too")
    return found


def _check_tax_base(reader: Reader, finance: FinanceAssumptions, years: list[FinancialYear],
                    series: dict[str, SeriesRow], bases: dict[str, SeriesRow], funds: dict[str, SeriesRow]) -> None:
    """Each plan year's tax base given once, in total or by billing authority (see
    :func:`~planlib.model.finance.tax_base_problems`), each problem named by its cell."""
    authorities = [ba.name for ba in finance.billing_authorities]
    for loc, message in tax_base_problems(finance, years):
        if loc[0] == "billing_authorities" and len(loc) > 2:
            rows = bases if loc[2] == "tax_base" else funds
            row = rows.get(authorities[int(loc[1])])
        else:
            row = series.get(str(loc[0]))
        if row is None:
            reader.at(TAX_BASE_BY_AUTHORITY if loc[0] == "billing_authorities" else SERIES, None, message)
            continue
        year = FinancialYear(str(loc[-1])) if loc[-2:-1] == ("values",) else None
        reader.at(row.sheet, row.year_cells.get(year) if year is not None else row.cells["name"], message)


def _fields(reader: Reader, settings: tuple[dict[str, Any], set[str]] | None, series: dict[str, SeriesRow] | None,
            values: tuple[dict[str, Quantity], set[str]] | None, grants: dict[str, SeriesRow] | None) -> dict[str, Any]:
    """The FinanceAssumptions fields read; a name with no row at all is reported missing here
    (a row with bad cells has been reported already)."""
    fields: dict[str, Any] = {}
    if settings is not None:
        found, seen = settings
        fields.update(found)
        for name in SETTINGS_MEANING:
            if name not in seen:
                reader.at(SETTINGS, None, f"missing setting {name!r}: add a row for it on sheet {SETTINGS!r}")
    if series is not None:
        for name in SERIES_FIELDS:
            if name not in series and name not in OPTIONAL_SERIES:
                reader.at(SERIES, None, f"missing series {name!r}: add a row for it on sheet {SERIES!r}")
        for name, row in series.items():
            built = build_series(reader, row)
            if built is not None:
                fields[name] = built
    if values is not None:
        found, seen = values
        fields.update(found)
        for name in VALUE_FIELDS:
            if name not in seen:
                reader.at(VALUES, None, f"missing value {name!r}: add a row for it on sheet {VALUES!r}")
    other: dict[str, YearSeries] = {}
    for name, row in (grants or {}).items():
        built = build_series(reader, row)
        if built is not None:
            other[name] = built
    fields["other_grants"] = other
    return fields
