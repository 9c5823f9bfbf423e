"""Reading the year-by-year sheets of the finance template: ``series``, ``other_grants``, the
billing authorities' ``tax_base_by_authority`` and ``collection_fund_by_authority``, and ``year_details``.

Each row of a year-by-year sheet is read as a :class:`SeriesRow` (its value for each year
column and its provenance), the ``year_details`` rows are merged into it (intervals and the
provenance of single years), and :func:`build_series` makes the
:class:`~planlib.model.YearSeries`, naming the cell of any problem.

>>> from planlib.io.excel.cells import Cell, Reader, Sheet
>>> header = [Cell(1, c, v) for c, v in enumerate(["name", "unit", "2021/22", "status", "confidence", "source"], 1)]
>>> row = [Cell(2, c, v) for c, v in enumerate(["pay_award", "share a year", 0.025, "verified", 1, "budget"], 1)]
>>> reader = Reader("finance.xlsx")
>>> rows = read_series_sheet(reader, Sheet("series", [header, row]), kind="series")
>>> build_series(reader, rows["pay_award"]).value("2021/22"), reader.problems
(0.025, [])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from planlib.io.excel.cells import Cell, Reader, Sheet, cell_at, data_rows, sheet_layout, suggest, validation_message
from planlib.io.excel.layout import (
    DETAIL_COLUMNS,
    DISTRIBUTIONS,
    ID_PATTERN,
    OPTIONAL_COLUMNS,
    OPTIONAL_SERIES,
    OTHER_GRANTS,
    SERIES,
    SERIES_FIELDS,
    SERIES_LEFT,
    SERIES_RIGHT,
    SIGNED_FIELDS,
    STATUSES,
    VALUE_FIELDS,
    VALUES,
)
from planlib.model import FinanceAssumptions, SignedYearSeries, YearSeries
from planlib.types import FinancialYear

@dataclass
class SeriesRow:
    """A row of the series or other_grants sheet, as read, before the year details are merged."""

    sheet: str
    name: str
    cells: dict[str, Cell]
    year_cells: dict[FinancialYear, Cell]
    data: dict[str, Any]
    entries: dict[FinancialYear, dict[str, Any]]
    signed: bool
    ok: bool
    bad_years: set[FinancialYear] = field(default_factory=set)
    detail_cells: dict[FinancialYear, dict[str, Cell]] = field(default_factory=dict)


def read_provenance(reader: Reader, sheet: str, cells: dict[str, Cell], required: bool) -> tuple[dict[str, Any], bool]:
    """unit/status/confidence/source/description of a row; ``required`` for a series' own row."""
    data: dict[str, Any] = {}
    ok = True
    for key, cell in cells.items():
        before = len(reader.problems)
        if key == "status":
            value: Any = reader.choice(sheet, cell, STATUSES, "status")
        elif key == "distribution":
            value = reader.choice(sheet, cell, DISTRIBUTIONS, "distribution")
        elif key == "confidence":
            value = reader.confidence(sheet, cell)
        elif key in ("unit", "source", "description"):
            value = reader.text(sheet, cell)
        else:
            continue
        if len(reader.problems) > before:
            ok = False
        elif value is not None:
            data[key] = value
        elif required and key in ("unit", "status", "confidence", "source"):
            reader.at(sheet, cell, f"empty cell: a {key} is required")
            ok = False
    return data, ok


RowKind = Literal["series", "grants", "authorities", "signed_authorities"]
"""What a year-by-year sheet holds: the finance series, specific grants (named by id), or one
series per billing authority (named by the authority; signed: a collection fund)."""

MAX_NAME = 200
"""Longest billing authority name accepted."""


def read_series_sheet(reader: Reader, sheet: Sheet, kind: RowKind) -> dict[str, SeriesRow] | None:
    """Each row by name, as read (None if the header is unusable)."""
    layout = sheet_layout(reader, sheet, (*SERIES_LEFT, *SERIES_RIGHT), years_allowed=True,
                          optional=OPTIONAL_COLUMNS)
    if not layout.ok:
        return None
    found: dict[str, SeriesRow] = {}
    for row in data_rows(reader, sheet):
        r = row[0].row
        name_cell = cell_at(row, layout.columns["name"], r)
        name = reader.name(sheet.name, name_cell)
        if name is None:
            continue
        if kind in ("authorities", "signed_authorities"):
            if len(name) > MAX_NAME:
                reader.at(sheet.name, name_cell, f"a billing authority's name has at most {MAX_NAME} characters")
                continue
        elif kind == "grants":
            if not ID_PATTERN.match(name):
                reader.at(sheet.name, name_cell, f"{name!r} is not a valid grant name: a letter, then letters, "
                                                 "digits, '_', '-' or '.' (at most 64)")
                continue
        elif name not in SERIES_FIELDS:
            if name in VALUE_FIELDS:
                reader.at(sheet.name, name_cell, f"{name!r} is a single value: put it on sheet {VALUES!r}")
            elif name == OTHER_GRANTS:
                reader.at(sheet.name, name_cell, f"put each grant on sheet {OTHER_GRANTS!r}")
            else:
                reader.at(sheet.name, name_cell, f"unknown series {name!r}" + (
                    suggest(name, SERIES_FIELDS) or f" (expected one of {', '.join(SERIES_FIELDS)})"))
            continue
        if name in found:
            reader.at(sheet.name, name_cell, f"{name!r} appears twice (first on row {found[name].cells['name'].row})")
            continue
        cells = {key: cell_at(row, column, r) for key, column in layout.columns.items()}
        data, ok = read_provenance(reader, sheet.name, {k: v for k, v in cells.items() if k != "name"}, required=True)
        signed = kind == "signed_authorities" or (kind == "series" and name in SIGNED_FIELDS)
        entries: dict[FinancialYear, dict[str, Any]] = {}
        year_cells: dict[FinancialYear, Cell] = {}
        bad_years: set[FinancialYear] = set()
        for year, column in layout.years.items():
            cell = cell_at(row, column, r)
            year_cells[year] = cell
            before = len(reader.problems)
            value = reader.number(sheet.name, cell)
            if len(reader.problems) > before or (
                value is not None and not value_ok(reader, sheet.name, cell, value, data.get("unit"), signed)
            ):
                ok = False
                bad_years.add(year)
                continue
            if value is not None:
                entries[year] = {"value": value}
        found[name] = SeriesRow(sheet.name, name, cells, year_cells, data, entries, signed, ok, bad_years)
    return found


def value_ok(reader: Reader, sheet: str, cell: Cell, value: float, unit: str | None, signed: bool) -> bool:
    """Whether a number may stand in this row: not negative unless ``signed``, a share within -1..1."""
    if value < 0 and not signed:
        reader.at(sheet, cell, f"must not be negative (got {value:g})")
        return False
    if unit is not None and unit.casefold().startswith("share") and not -1 <= value <= 1:
        reader.at(sheet, cell, f"a share must lie between 0 and 1 (5% is 0.05), got {value:g}")
        return False
    return True


def merge_year_details(reader: Reader, sheet: Sheet, series: dict[str, SeriesRow],
                       prefixed: dict[str, dict[str, SeriesRow]]) -> None:
    """Merge each ``year_details`` row (an interval, that year's provenance) into its row: a series
    named as it is, or a row of another sheet named ``<prefix><name>`` (``other_grants.<name>``,
    ``tax_base_by_authority.<name>``...), ``prefixed`` giving each prefix's rows."""
    layout = sheet_layout(reader, sheet, DETAIL_COLUMNS, years_allowed=False, optional=OPTIONAL_COLUMNS)
    if not layout.ok:
        return
    seen: dict[tuple[str, FinancialYear], int] = {}
    for row in data_rows(reader, sheet):
        r = row[0].row
        cells = {key: cell_at(row, column, r) for key, column in layout.columns.items()}
        name = reader.name(sheet.name, cells["series"], "a series name")
        year = reader.year(sheet.name, cells["year"])
        if year is None and cells["year"].blank:
            reader.at(sheet.name, cells["year"], "empty cell: a financial year such as 2021/22 is required")
        if name is None:
            continue
        prefix = next((p for p in prefixed if name.startswith(p)), None)
        target = prefixed[prefix].get(name[len(prefix):]) if prefix is not None else series.get(name)
        if target is None and name in SERIES_FIELDS and name not in OPTIONAL_SERIES:
            continue  # the series has no row of its own: reported as missing
        if target is None:
            known = [*SERIES_FIELDS, *(p + row for p, rows in prefixed.items() for row in rows)]
            reader.at(sheet.name, cells["series"], f"unknown series {name!r}" + (
                suggest(name, known) or f" (expected a name from sheet {SERIES!r}, or "
                                         f"other_grants.<name> for a grant on sheet {OTHER_GRANTS!r}, or "
                                         "<sheet>.<name> for a billing authority)"))
            continue
        if year is None:
            continue
        if (name, year) in seen:
            reader.at(sheet.name, cells["year"], f"a second row for {name} {year} (first on row {seen[name, year]})")
            continue
        seen[name, year] = r
        before = len(reader.problems)
        data, ok = read_provenance(reader, sheet.name, cells, required=False)
        interval = {}
        for key in ("low", "high"):
            if key in cells:
                value = reader.number(sheet.name, cells[key])
                if value is not None and value_ok(reader, sheet.name, cells[key], value, target.data.get("unit"), target.signed):
                    interval[key] = value
        if len(reader.problems) > before or not ok:
            target.ok = False
            continue
        entry = target.entries.get(year)
        if year in target.bad_years:
            continue
        if entry is None and not interval:
            where = target.year_cells.get(year)
            shown = f" ({target.sheet}!{get_column_letter(where.column)}{where.row})" if where is not None else ""
            reader.at(sheet.name, cells["year"], f"no value for {name} {year}: enter it on sheet "
                                                 f"{target.sheet!r}{shown}, or give low and high here")
            target.ok = False
            continue
        target.entries[year] = {**(entry or {}), **data, **interval}
        target.detail_cells[year] = cells


def check_every_year(reader: Reader, series: dict[str, SeriesRow], years: list[FinancialYear]) -> None:
    """Report each empty year of a series the MTFP needs in every year of the plan (an optional
    funding line needs every year when it is given)."""
    for name in (*FinanceAssumptions.REQUIRED_EVERY_YEAR, *FinanceAssumptions.OPTIONAL_EVERY_YEAR):
        row = series.get(name)
        if row is None:
            continue
        for year in years:
            if year in row.entries or year in row.bad_years:
                continue
            cell = row.year_cells.get(year)
            if cell is None:
                reader.at(row.sheet, (1, max((c.column for c in row.year_cells.values()), default=2) + 1),
                          f"no column for {year}: {name} needs a value for every year of the plan")
            else:
                reader.at(row.sheet, cell, f"empty cell: {name} needs a value for every year of the plan ({year})")
            row.ok = False


def build_series(reader: Reader, row: SeriesRow) -> YearSeries | None:
    """The row as a YearSeries (signed where allowed); None, with problems by cell, if it is not valid."""
    if not row.ok:
        return None
    kind = SignedYearSeries if row.signed else YearSeries
    try:
        return kind.model_validate({**row.data, "values": {str(y): e for y, e in row.entries.items()}})
    except ValidationError as exc:
        for err in exc.errors():
            loc = err["loc"]
            cell: Cell | None = row.cells["name"]
            if loc and loc[0] == "values" and len(loc) > 1:
                year = FinancialYear(str(loc[1]))
                details = row.detail_cells.get(year, {})
                key = loc[2] if len(loc) > 2 else None
                cell = details.get(str(key)) if key in details else None
                if cell is None:
                    cell = row.year_cells.get(year) or details.get("year")
                message = f"{year}: {validation_message(err)}"
            elif loc and str(loc[0]) in row.cells:
                cell = row.cells[str(loc[0])]
                message = validation_message(err)
            else:
                message = validation_message(err)
            reader.at(row.sheet, cell, message)
        return None
