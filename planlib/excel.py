"""Excel in and out: a workbook template for the finance assumptions, and results workbooks.

The finance officer keeps the medium-term financial plan's inputs in Excel. This module writes
them to a documented workbook (:func:`write_finance_template`), reads a filled-in workbook back
(:func:`load_finance_xlsx`) with every problem named by sheet and cell, and writes the results
of :func:`planlib.compare` as a workbook (:func:`write_results_xlsx`). Every workbook is written
atomically: to a temporary file in the same folder, then renamed over the target.

The finance template
--------------------
``data/templates/finance_template.xlsx`` is generated from the example plan with
:func:`write_finance_template`; a test regenerates it and compares every cell. Its sheets:

================  ===============================================================================
``README``        what each sheet and column means (not read back)
``settings``      ``setting | value | meaning``: ``price_base_year``, the year whose prices
                  ``baseline_force_costs`` are given in
``series``        one row per year-by-year series (``police_grant``, ``tax_base``, ``pay_award``...):
                  ``name | unit | 2021/22 | 2022/23 | ... | status | confidence | source | description``.
                  A year cell holds the value for that year; a blank cell means no value for it
``other_grants``  the same layout; one row per specific grant, named by the user
                  (letters, digits, ``_``, ``-``, ``.``)
``values``        one row per single number: ``name | year | value | low | high | distribution |
                  unit | status | confidence | source | description``. ``year`` is required for
                  dated values (``precept_band_d_base``, ``cost_per_officer``, ``cost_per_staff``,
                  ``reserves_opening``) and must be blank for the others
``year_details``  exceptions for single years of a series: ``series | year | low | high |
                  distribution | status | confidence | source | description``. ``series`` is a
                  name from ``series`` or ``other_grants.<name>`` for a grant. A blank cell takes
                  the series' own value, so a row lists only what differs (a year verified
                  against a different source, or a 90% interval ``low``-``high``)
================  ===============================================================================

Columns are found by their header, so they may be reordered; ``description`` is optional.
Money is GBP in cash terms; shares are fractions (``0.05`` is 5%: the template shows them as
percentages) and must lie between 0 and 1. ``status`` is one of verified, estimate,
illustrative, unverified; ``confidence`` a whole number from 1 (strongest evidence) to 6.

Reading checks every cell and reports every problem at once as a :class:`~planlib.PlanError`
whose problems name the workbook, the Excel row and the cell (``series!D5``). A file that is
not an ``.xlsx`` workbook gives one problem, never a traceback. Formulas are read through the
values Excel saved with them.

Results workbooks
-----------------
:func:`write_results_xlsx` writes an ``about`` sheet (planlib version, time of generation, how to
read the figures, which sheet holds which scenario), a ``comparison`` sheet (the key measures of
every scenario by year and their difference from the baseline), then one sheet per scenario
(every measure by year). **Money cells hold exact pounds and are displayed in £m** with the
number format ``#,##0.0,,`` (the unit column says ``GBP (shown in £m)``), so formulas built on
them work in pounds; flags are 0 or 1.

>>> import tempfile, pathlib, planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> with tempfile.TemporaryDirectory() as folder:
...     path = pathlib.Path(folder) / "finance.xlsx"
...     write_finance_template(plan, path)
...     load_finance_xlsx(path) == plan.finance
True
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import math
import os
import re
import secrets
import stat
import typing
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from planlib.errors import PlanError, Problem
from planlib.model import (
    Assumption,
    DatedValue,
    Distribution,
    FinanceAssumptions,
    Plan,
    Quantity,
    SignedYearSeries,
    YearSeries,
)
from planlib.types import FinancialYear, Status

__all__ = [
    "KEY_MEASURES",
    "load_finance_xlsx",
    "write_finance_template",
    "write_results_xlsx",
]

# --------------------------------------------------------------------------- shared

MAX_XLSX_BYTES = 10 * 1024 * 1024
"""Largest workbook accepted (10 MiB); bigger files are refused before they are opened."""

MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""Most bytes a workbook may unpack to (an .xlsx is a zip archive): guards against zip bombs."""

MAX_ROWS = 2_000
"""Most rows read from one sheet of the finance template."""

MAX_COLUMNS = 200
"""Most columns read from one sheet of the finance template."""

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")

# Excel forbids these in sheet names; a name is at most 31 characters and is unique
# whatever its case. "History" is reserved by Excel.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    The temporary file is created with the usual permissions (0o666 less the umask), or those
    of the file it replaces, so the workbook is as readable as one saved by Excel would be.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            try:
                os.fchmod(handle.fileno(), stat.S_IMODE(path.stat().st_mode))
            except FileNotFoundError:
                pass
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _save(workbook: Workbook, path: str | os.PathLike[str]) -> None:
    buffer = io.BytesIO()
    workbook.save(buffer)
    _write_bytes_atomic(Path(path), buffer.getvalue())


def _set(ws: Worksheet, row: int, column: int, value: Any, number_format: str | None = None) -> None:
    """Put ``value`` in a cell; text always stays text (a leading ``=`` never becomes a formula)."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
    if number_format is not None:
        cell.number_format = number_format


def _header_row(ws: Worksheet, headers: Iterable[str], row: int = 1) -> None:
    for column, text in enumerate(headers, start=1):
        _set(ws, row, column, text)
        cell = ws.cell(row=row, column=column)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _TOP


def _fit_columns(ws: Worksheet, minimum: int = 8, maximum: int = 60, wrap: Iterable[int] = ()) -> None:
    """Set each column's width from its longest entry; wrap the long-text columns in ``wrap``."""
    wrap = set(wrap)
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            if isinstance(cell.value, float):
                text = f"{cell.value:,.2f}"
            else:
                text = str(cell.value)
            longest = max((len(part) for part in text.split("\n")), default=0)
            widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = max(minimum, min(maximum, width + 2))
    for column in wrap:
        for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.alignment = _WRAP


def _sheet_names(names: Iterable[str], reserved: Iterable[str] = ()) -> dict[str, str]:
    """A valid, unique Excel sheet name for each name (at most 31 characters, none of ``[]:*?/\\``).

    Names that collide after cleaning or truncation get ``~2``, ``~3``... and names in
    ``reserved`` are never used.

    >>> _sheet_names(["a" * 40, "a" * 35, "x/y"], reserved=["about"])
    {'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa~2', 'x/y': 'x_y'}
    >>> _sheet_names(["About", "history"], reserved=["about"])
    {'About': 'About~2', 'history': 'history~2'}
    """
    taken = {r.casefold() for r in reserved} | {"history"}
    result: dict[str, str] = {}
    for name in names:
        if name in result:
            continue
        base = _SHEET_FORBIDDEN.sub("_", ILLEGAL_CHARACTERS_RE.sub("", str(name))).strip().strip("'").strip()
        base = base or "scenario"
        candidate = base[:_SHEET_MAX]
        number = 1
        while candidate.casefold() in taken:
            number += 1
            suffix = f"~{number}"
            candidate = base[: _SHEET_MAX - len(suffix)] + suffix
        taken.add(candidate.casefold())
        result[name] = candidate
    return result


# --------------------------------------------------------------------------- the finance template

SETTINGS = "settings"
SERIES = "series"
OTHER_GRANTS = "other_grants"
VALUES = "values"
YEAR_DETAILS = "year_details"
README = "README"
DATA_SHEETS = (SETTINGS, SERIES, OTHER_GRANTS, VALUES, YEAR_DETAILS)
"""The sheets :func:`load_finance_xlsx` reads; every one must be present."""

_STATUSES: tuple[str, ...] = typing.get_args(Status)
_DISTRIBUTIONS: tuple[str, ...] = typing.get_args(Distribution)
_GRANT_PREFIX = "other_grants."
_ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$")


def _fields_of(*kinds: type) -> tuple[str, ...]:
    return tuple(
        name for name, info in FinanceAssumptions.model_fields.items() if info.annotation in kinds
    )


SERIES_FIELDS = _fields_of(YearSeries, SignedYearSeries)
"""FinanceAssumptions fields held on the ``series`` sheet, in model order."""
VALUE_FIELDS = _fields_of(Quantity, DatedValue)
"""FinanceAssumptions fields held on the ``values`` sheet, in model order."""
_DATED_FIELDS = frozenset(_fields_of(DatedValue))
_SIGNED_FIELDS = frozenset(_fields_of(SignedYearSeries))

_SERIES_LEFT = ("name", "unit")
_SERIES_RIGHT = ("status", "confidence", "source", "description")
_VALUES_COLUMNS = ("name", "year", "value", "low", "high", "distribution", "unit", "status",
                   "confidence", "source", "description")
_DETAIL_COLUMNS = ("series", "year", "low", "high", "distribution", "status", "confidence",
                   "source", "description")
_SETTINGS_COLUMNS = ("setting", "value", "meaning")
_OPTIONAL_COLUMNS = frozenset({"description", "low", "high", "distribution", "meaning"})
_SETTINGS_MEANING = {
    "price_base_year": "the financial year whose prices baseline_force_costs are given in "
                       "(the finance engine uprates them by non_pay_inflation in later years)",
}

_README_ROWS: tuple[tuple[str, str, str], ...] = (
    ("(all)", "", "Inputs of the medium-term financial plan (MTFP). planlib reads the sheets "
     "settings, series, other_grants, values and year_details; this README is not read. "
     "Money is GBP in cash (nominal) terms. Shares are fractions: 0.05 is 5% (the cells show "
     "them as percentages) and must lie between 0 and 1. Every number has a unit, a source, "
     "a status and a confidence grade. Figures with status 'illustrative' are assumptions, "
     "to be replaced before any decision rests on them."),
    ("(all)", "", "Columns are found by their header text, so they may be moved; do not rename "
     "them. Blank rows are ignored. Formulas are read through the values Excel saved with "
     "them. Check a filled-in workbook with planlib.excel.load_finance_xlsx: it lists every "
     "problem as file:row: sheet!cell: message."),
    (SETTINGS, "setting", "price_base_year: the financial year whose prices "
     "baseline_force_costs are given in."),
    (SETTINGS, "value", "The setting's value, e.g. 2021/22 (typed as text)."),
    (SETTINGS, "meaning", "What the setting means (not read)."),
    (SERIES, "name", "The series: " + ", ".join(SERIES_FIELDS) + ". Each must appear once."),
    (SERIES, "unit", "Unit of every value in the row, e.g. GBP, share a year, FTE."),
    (SERIES, "2021/22 ...", "One column per financial year, headed YYYY/YY (typed as text). "
     "Each cell is the value for that year; a blank cell means no value for that year. "
     "planned_use_of_reserves may be negative (a contribution to reserves); nothing else may."),
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
    (VALUES, "name", "The single numbers: " + ", ".join(VALUE_FIELDS) + ". Each must appear once."),
    (VALUES, "year", "For dated values (" + ", ".join(sorted(_DATED_FIELDS)) + ") the financial "
     "year the value belongs to; blank for the others."),
    (VALUES, "value", "The number, or blank if only a 90% interval is given."),
    (VALUES, "low, high", "Optional 90% interval: '90% sure it lies between low and high'. "
     "Give both or neither; value, if given, lies between them."),
    (VALUES, "distribution", "Optional, with an interval: normal, lognormal, uniform or "
     "triangular (blank: lognormal for positive quantities)."),
    (VALUES, "unit, status, confidence, source, description", "As on the series sheet."),
    (YEAR_DETAILS, "series", "A series name from the series sheet, or other_grants.<name> "
     "for a grant. One row per year that differs from the rest of its series."),
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
    for series in finance.series().values():
        years.update(series.values)
    return finance, sorted(years)


def _check_representable(where: str, entry: Assumption) -> None:
    if entry.id is not None:
        raise ValueError(f"{where} has an id ({entry.id!r}), which the finance template does not hold")


def _write_series_sheet(ws: Worksheet, rows: list[tuple[str, YearSeries]], years: list[FinancialYear]) -> None:
    headers = [*_SERIES_LEFT, *map(str, years), *_SERIES_RIGHT]
    _header_row(ws, headers)
    first_year = len(_SERIES_LEFT) + 1
    right = first_year + len(years)
    for r, (name, series) in enumerate(rows, start=2):
        _set(ws, r, 1, name)
        _set(ws, r, 2, series.unit)
        fmt = _number_format(series.unit)
        for c, year in enumerate(years, start=first_year):
            entry = series.values.get(year)
            if entry is not None:
                _check_representable(f"{name} {year}", entry)
                if entry.value is not None:
                    _set(ws, r, c, float(entry.value), fmt)
        for c, key in enumerate(_SERIES_RIGHT, start=right):
            _set(ws, r, c, getattr(series, key))
    ws.freeze_panes = ws.cell(row=2, column=first_year)
    _fit_columns(ws, maximum=40, wrap=(right + 2, right + 3))
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
                found.append([name, str(year), *(cells.get(k) for k in _DETAIL_COLUMNS[2:])])
    return found


def _validations(ws: Worksheet, status: int, confidence: int, distribution: int | None = None) -> None:
    """Drop-down lists and ranges that help a person type valid entries (checked again on reading)."""
    last = MAX_ROWS
    rules = [
        (status, DataValidation(type="list", formula1='"' + ",".join(_STATUSES) + '"', allow_blank=True)),
        (confidence, DataValidation(type="whole", operator="between", formula1="1", formula2="6", allow_blank=True)),
    ]
    if distribution is not None:
        rules.append((distribution, DataValidation(type="list", formula1='"' + ",".join(_DISTRIBUTIONS) + '"', allow_blank=True)))
    for column, rule in rules:
        letter = get_column_letter(column)
        rule.error = "See the README sheet for the values allowed."
        rule.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(rule)


def write_finance_template(plan: Plan | FinanceAssumptions, path: str | os.PathLike[str]) -> None:
    """Write the finance assumptions of ``plan`` as the documented Excel template.

    The workbook has the sheets README, settings, series, other_grants, values and
    year_details (see the module documentation); :func:`load_finance_xlsx` reads it back to
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
    ['README', 'settings', 'series', 'other_grants', 'values', 'year_details']
    >>> [c.value for c in book["series"][2]][:4]
    ['police_grant', 'GBP', 528700000, 559400000]
    """
    finance, years = _finance_of(plan)
    wb = Workbook()
    readme = wb.active
    readme.title = README
    _header_row(readme, ("sheet", "column", "meaning"))
    for r, row in enumerate(_README_ROWS, start=2):
        for c, text in enumerate(row, start=1):
            _set(readme, r, c, text)
    readme.freeze_panes = "A2"
    _fit_columns(readme, maximum=30, wrap=(3,))
    readme.column_dimensions["C"].width = 100

    settings = wb.create_sheet(SETTINGS)
    _header_row(settings, _SETTINGS_COLUMNS)
    _set(settings, 2, 1, "price_base_year")
    _set(settings, 2, 2, str(finance.price_base_year))
    _set(settings, 2, 3, _SETTINGS_MEANING["price_base_year"])
    settings.freeze_panes = "A2"
    _fit_columns(settings, maximum=80)

    series_rows = [(name, getattr(finance, name)) for name in SERIES_FIELDS]
    grant_rows = list(finance.other_grants.items())
    _write_series_sheet(wb.create_sheet(SERIES), series_rows, years)
    _write_series_sheet(wb.create_sheet(OTHER_GRANTS), grant_rows, years)

    values = wb.create_sheet(VALUES)
    _header_row(values, _VALUES_COLUMNS)
    for r, name in enumerate(VALUE_FIELDS, start=2):
        quantity = getattr(finance, name)
        _check_representable(name, quantity)
        fmt = _number_format(quantity.unit)
        row = {
            "name": name, "year": str(quantity.year) if isinstance(quantity, DatedValue) else None,
            **{k: getattr(quantity, k) for k in _VALUES_COLUMNS[2:] if k not in ("name", "year")},
        }
        for c, key in enumerate(_VALUES_COLUMNS, start=1):
            value = row[key]
            if key == "description" and not value:
                continue
            if value is None:
                continue
            if key in ("value", "low", "high"):
                _set(values, r, c, float(value), fmt)
            else:
                _set(values, r, c, value)
    values.freeze_panes = "B2"
    _fit_columns(values, maximum=40, wrap=(10, 11))
    values.column_dimensions["J"].width = 60
    values.column_dimensions["K"].width = 60
    _validations(values, status=8, confidence=9, distribution=6)

    details = wb.create_sheet(YEAR_DETAILS)
    _header_row(details, _DETAIL_COLUMNS)
    detail_rows = _detail_rows(series_rows) + _detail_rows(
        [(_GRANT_PREFIX + name, s) for name, s in grant_rows]
    )
    for r, row in enumerate(detail_rows, start=2):
        for c, value in enumerate(row, start=1):
            if value is not None:
                _set(details, r, c, float(value) if _DETAIL_COLUMNS[c - 1] in ("low", "high") else value)
    details.freeze_panes = "C2"
    _fit_columns(details, maximum=40, wrap=(8, 9))
    details.column_dimensions["H"].width = 60
    details.column_dimensions["I"].width = 60
    _validations(details, status=6, confidence=7, distribution=5)

    wb.properties.creator = "planlib"
    _save(wb, path)


# --------------------------------------------------------------------------- reading the template


@dataclass(frozen=True)
class _Cell:
    """One cell as read: its saved value, and its formula when it holds one."""

    row: int
    column: int
    value: Any
    error: bool = False
    formula: str | None = None

    @property
    def blank(self) -> bool:
        return self.formula is None and (self.value is None or (isinstance(self.value, str) and not self.value.strip()))


@dataclass
class _Sheet:
    name: str
    rows: list[list[_Cell]]


@dataclass
class _Reader:
    """Collects problems with their workbook, row and cell."""

    display: str
    problems: list[Problem] = field(default_factory=list)

    def at(self, sheet: str, cell: _Cell | tuple[int, int] | None, message: str) -> None:
        if cell is None:
            self.problems.append(Problem(self.display, None, sheet, message))
            return
        row, column = (cell.row, cell.column) if isinstance(cell, _Cell) else cell
        self.problems.append(Problem(self.display, row, f"{sheet}!{get_column_letter(column)}{row}", message))

    # -- cell readers: each returns None (and records a problem) when the cell is unusable

    def _usable(self, sheet: str, cell: _Cell) -> bool:
        if cell.error:
            self.at(sheet, cell, f"the cell shows the Excel error {cell.value}: enter a value")
            return False
        if cell.formula is not None and cell.value is None:
            self.at(sheet, cell, f"the formula {cell.formula} has no saved result: open the workbook in "
                                 "Excel and save it, or enter the value")
            return False
        return True

    def number(self, sheet: str, cell: _Cell) -> float | None:
        if cell.blank or not self._usable(sheet, cell):
            return None
        value = cell.value
        if isinstance(value, bool):
            self.at(sheet, cell, f"expected a number, got {str(value).upper()}")
            return None
        if isinstance(value, (dt.date, dt.time, dt.timedelta)):
            self.at(sheet, cell, f"expected a number, got a date or time ({value}): format the cell as a number")
            return None
        if isinstance(value, str):
            text = value.strip()
            if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):  # thousands separators typed as text
                text = text.replace(",", "")
            try:
                number = float(text)
            except ValueError:
                self.at(sheet, cell, f"expected a number, got {value!r}")
                return None
        else:
            number = float(value)
        if not math.isfinite(number):
            self.at(sheet, cell, f"expected a finite number, not NaN or infinity, got {value!r}")
            return None
        return number

    def text(self, sheet: str, cell: _Cell) -> str | None:
        if cell.blank or not self._usable(sheet, cell):
            return None
        value = cell.value
        if isinstance(value, bool):
            self.at(sheet, cell, f"expected text, got {str(value).upper()}")
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, dt.datetime) and value.time() == dt.time():
            return value.date().isoformat()
        if isinstance(value, (dt.date, dt.time)):
            return value.isoformat()
        return str(value).strip()

    def year(self, sheet: str, cell: _Cell) -> FinancialYear | None:
        if cell.blank or not self._usable(sheet, cell):
            return None
        value = cell.value
        if isinstance(value, (dt.date, dt.time)):
            self.at(sheet, cell, f"expected a financial year such as 2021/22, got a date ({value}): "
                                 "Excel took it for a date; format the cell as text and type it again")
            return None
        if not isinstance(value, str):
            self.at(sheet, cell, f"expected a financial year such as 2021/22 (typed as text), got {value!r}")
            return None
        try:
            return FinancialYear(value.strip())
        except ValueError as exc:
            self.at(sheet, cell, str(exc))
            return None

    def name(self, sheet: str, cell: _Cell, what: str = "a name") -> str | None:
        """Text that must be given: an empty cell is a problem too."""
        if cell.blank:
            self.at(sheet, cell, f"empty cell: {what} is required")
            return None
        return self.text(sheet, cell)

    def confidence(self, sheet: str, cell: _Cell) -> int | None:
        number = self.number(sheet, cell)
        if number is None:
            return None
        if not number.is_integer() or not 1 <= number <= 6:
            self.at(sheet, cell, f"expected a confidence grade, a whole number from 1 to 6, got {cell.value!r}")
            return None
        return int(number)

    def choice(self, sheet: str, cell: _Cell, allowed: tuple[str, ...], what: str) -> str | None:
        text = self.text(sheet, cell)
        if text is None:
            return None
        if text.casefold() not in allowed:
            self.at(sheet, cell, f"expected a {what} ({', '.join(allowed)}), got {text!r}")
            return None
        return text.casefold()


def _open_workbook(path: Path, reader: _Reader) -> dict[str, _Sheet] | None:
    """Every sheet of the workbook at ``path``, or None (and one problem) if it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_XLSX_BYTES:
            reader.at("", None, f"file is {size:,} bytes; the limit is {MAX_XLSX_BYTES:,} bytes (10 MiB)")
            return None
        data = path.read_bytes()
    except OSError as exc:
        reader.at("", None, f"cannot read the file: {exc.strerror or exc}")
        return None
    not_xlsx = "is not an Excel workbook (.xlsx)"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        reader.at("", None, f"{not_xlsx}: it is an old-format .xls workbook; save it in Excel as "
                            "'Excel Workbook (*.xlsx)'")
        return None
    if not data.startswith(b"PK"):
        kind = "it looks like a text or CSV file" if _looks_like_text(data) else "it is not a zip archive"
        reader.at("", None, f"{not_xlsx}: {kind}; save it in Excel as 'Excel Workbook (*.xlsx)'")
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
            # Formulas need a second reading (their text; the first gives the saved results).
            has_formulas = unpacked <= MAX_UNPACKED_BYTES and any(
                _FORMULA_TAG.search(_read_member(archive, info))
                for info in archive.infolist()
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            )
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error) as exc:
        reader.at("", None, f"{not_xlsx}: the file is damaged ({exc})")
        return None
    if unpacked > MAX_UNPACKED_BYTES:
        reader.at("", None, f"the workbook unpacks to {unpacked:,} bytes; the limit is {MAX_UNPACKED_BYTES:,}")
        return None
    if "xl/workbook.xml" not in names:
        reader.at("", None, f"{not_xlsx}: it is a zip archive without a workbook in it")
        return None
    sheets: dict[str, _Sheet] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about features it drops (not ours)
            saved = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            typed = load_workbook(io.BytesIO(data), read_only=True, data_only=False) if has_formulas else None
            try:
                wanted = {s.casefold() for s in DATA_SHEETS}
                for i, ws_saved in enumerate(saved.worksheets):
                    # Only the sheets read are parsed; the others are listed by name.
                    read = ws_saved.title.strip().casefold() in wanted
                    ws_typed = typed.worksheets[i] if typed is not None else None
                    sheets[ws_saved.title] = _read_sheet(ws_saved, ws_typed) if read else _Sheet(ws_saved.title, [])
            finally:
                saved.close()
                if typed is not None:
                    typed.close()
    # A damaged workbook can fail inside openpyxl or its XML parser with almost any exception
    # type; whatever it is, the user needs one clear sentence, not a traceback.
    except Exception as exc:  # noqa: BLE001
        reader.at("", None, f"{not_xlsx}: the workbook is damaged and cannot be read "
                            f"({type(exc).__name__}: {exc})")
        return None
    return sheets


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # Read no more than the size the archive declares, so that a lying entry cannot fill memory.
    with archive.open(info) as handle:
        content = handle.read(info.file_size + 1)
    if len(content) > info.file_size:
        raise zipfile.BadZipFile(f"{info.filename} is larger than the archive says")
    return content


def _looks_like_text(data: bytes) -> bool:
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_sheet(saved: Any, typed: Any | None) -> _Sheet:
    """The cells of a sheet: values as saved, with the formula text of formula cells (``typed``)."""
    rows: list[list[_Cell]] = []
    last = min(MAX_COLUMNS, saved.max_column or MAX_COLUMNS)
    saved_rows = saved.iter_rows(max_col=last, max_row=MAX_ROWS + 1)
    typed_rows = typed.iter_rows(max_col=last, max_row=MAX_ROWS + 1) if typed is not None else None
    for r, cells_saved in enumerate(saved_rows, start=1):
        cells_typed = next(typed_rows, ()) if typed_rows is not None else ()
        formulas = {
            c: b.value for c, b in enumerate(cells_typed, start=1) if getattr(b, "data_type", None) == "f"
        }
        rows.append([
            _Cell(r, c, a.value, error=getattr(a, "data_type", None) == "e", formula=formulas.get(c))
            for c, a in enumerate(cells_saved, start=1)
        ])
    return _Sheet(saved.title, rows)


def _cell(row: list[_Cell], column: int | None, r: int) -> _Cell:
    if column is not None and column <= len(row):
        return row[column - 1]
    return _Cell(r, column or 1, None)


@dataclass
class _Layout:
    """Where each column of a sheet is: named columns and financial-year columns."""

    columns: dict[str, int]
    years: dict[FinancialYear, int]
    ok: bool


def _layout(reader: _Reader, sheet: _Sheet, expected: tuple[str, ...], years_allowed: bool) -> _Layout:
    columns: dict[str, int] = {}
    years: dict[FinancialYear, int] = {}
    ok = True
    header = sheet.rows[0] if sheet.rows else []
    for cell in header:
        if cell.blank:
            continue
        text = reader.text(sheet.name, cell)
        if text is None and not isinstance(cell.value, (dt.date, dt.time)):
            ok = False
            continue
        key = (text or "").strip().casefold()
        if key in expected:
            if key in columns:
                reader.at(sheet.name, cell, f"column {key!r} appears twice (first in column "
                                            f"{get_column_letter(columns[key])})")
                ok = False
            else:
                columns[key] = cell.column
            continue
        if not years_allowed:
            reader.at(sheet.name, cell, f"unknown column {text!r}: expected {', '.join(expected)}")
            ok = False
            continue
        if isinstance(cell.value, str) and not cell.value.strip()[:1].isdigit():
            reader.at(sheet.name, cell, f"unknown column {text!r}: expected {', '.join(expected)}, "
                                        "or a financial year such as 2021/22")
            ok = False
            continue
        year = reader.year(sheet.name, cell)
        if year is None:
            ok = False
        elif year in years:
            reader.at(sheet.name, cell, f"year {year} appears twice (first in column {get_column_letter(years[year])})")
            ok = False
        else:
            years[year] = cell.column
    missing = [c for c in expected if c not in columns and c not in _OPTIONAL_COLUMNS]
    if missing:
        after = max((c.column for c in header if not c.blank), default=0) + 1
        reader.at(sheet.name, (1, after),
                  f"missing column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} in the header row")
        ok = False
    # A value under a blank header would be silently ignored: say so instead.
    named = set(columns.values()) | set(years.values())
    if ok:
        for row in sheet.rows[1:]:
            for cell in row:
                if cell.column not in named and not cell.blank and cell.column > 0:
                    heading = _cell(header, cell.column, 1)
                    if heading.blank:
                        reader.at(sheet.name, cell, "a value in a column with no header: give the column a header or clear it")
    return _Layout(columns, years, ok)


def _data_rows(reader: _Reader, sheet: _Sheet) -> list[list[_Cell]]:
    if len(sheet.rows) > MAX_ROWS:
        reader.at(sheet.name, None, f"more than {MAX_ROWS:,} rows: is this the finance template?")
    return [row for row in sheet.rows[1:MAX_ROWS] if not all(c.blank for c in row)]


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


def _validation_message(err: Any) -> str:
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return msg


@dataclass
class _SeriesRow:
    """A row of the series or other_grants sheet, as read, before the year details are merged."""

    sheet: str
    name: str
    cells: dict[str, _Cell]
    year_cells: dict[FinancialYear, _Cell]
    data: dict[str, Any]
    entries: dict[FinancialYear, dict[str, Any]]
    signed: bool
    ok: bool
    bad_years: set[FinancialYear] = field(default_factory=set)
    detail_cells: dict[FinancialYear, dict[str, _Cell]] = field(default_factory=dict)


def _read_provenance(reader: _Reader, sheet: str, cells: dict[str, _Cell], required: bool) -> tuple[dict[str, Any], bool]:
    """unit/status/confidence/source/description of a row; ``required`` for a series' own row."""
    data: dict[str, Any] = {}
    ok = True
    for key, cell in cells.items():
        before = len(reader.problems)
        if key == "status":
            value: Any = reader.choice(sheet, cell, _STATUSES, "status")
        elif key == "distribution":
            value = reader.choice(sheet, cell, _DISTRIBUTIONS, "distribution")
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


def _read_series_sheet(reader: _Reader, sheet: _Sheet, grants: bool) -> dict[str, _SeriesRow] | None:
    """Each row by name, as read (None if the header is unusable)."""
    layout = _layout(reader, sheet, (*_SERIES_LEFT, *_SERIES_RIGHT), years_allowed=True)
    if not layout.ok:
        return None
    found: dict[str, _SeriesRow] = {}
    for row in _data_rows(reader, sheet):
        r = row[0].row
        name_cell = _cell(row, layout.columns["name"], r)
        name = reader.name(sheet.name, name_cell)
        if name is None:
            continue
        if grants:
            if not _ID_PATTERN.match(name):
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
                    _suggest(name, SERIES_FIELDS) or f" (expected one of {', '.join(SERIES_FIELDS)})"))
            continue
        if name in found:
            reader.at(sheet.name, name_cell, f"{name!r} appears twice (first on row {found[name].cells['name'].row})")
            continue
        cells = {key: _cell(row, column, r) for key, column in layout.columns.items()}
        data, ok = _read_provenance(reader, sheet.name, {k: v for k, v in cells.items() if k != "name"}, required=True)
        signed = not grants and name in _SIGNED_FIELDS
        entries: dict[FinancialYear, dict[str, Any]] = {}
        year_cells: dict[FinancialYear, _Cell] = {}
        bad_years: set[FinancialYear] = set()
        for year, column in layout.years.items():
            cell = _cell(row, column, r)
            year_cells[year] = cell
            before = len(reader.problems)
            value = reader.number(sheet.name, cell)
            if len(reader.problems) > before or (
                value is not None and not _value_ok(reader, sheet.name, cell, value, data.get("unit"), signed)
            ):
                ok = False
                bad_years.add(year)
                continue
            if value is not None:
                entries[year] = {"value": value}
        found[name] = _SeriesRow(sheet.name, name, cells, year_cells, data, entries, signed, ok, bad_years)
    return found


def _value_ok(reader: _Reader, sheet: str, cell: _Cell, value: float, unit: str | None, signed: bool) -> bool:
    if value < 0 and not signed:
        reader.at(sheet, cell, f"must not be negative (got {value:g})")
        return False
    if unit is not None and unit.casefold().startswith("share") and not -1 <= value <= 1:
        reader.at(sheet, cell, f"a share must lie between 0 and 1 (5% is 0.05), got {value:g}")
        return False
    return True


def _merge_year_details(reader: _Reader, sheet: _Sheet, series: dict[str, _SeriesRow], grants: dict[str, _SeriesRow]) -> None:
    layout = _layout(reader, sheet, _DETAIL_COLUMNS, years_allowed=False)
    if not layout.ok:
        return
    seen: dict[tuple[str, FinancialYear], int] = {}
    for row in _data_rows(reader, sheet):
        r = row[0].row
        cells = {key: _cell(row, column, r) for key, column in layout.columns.items()}
        name = reader.name(sheet.name, cells["series"], "a series name")
        year = reader.year(sheet.name, cells["year"])
        if year is None and cells["year"].blank:
            reader.at(sheet.name, cells["year"], "empty cell: a financial year such as 2021/22 is required")
        if name is None:
            continue
        if name.startswith(_GRANT_PREFIX):
            target = grants.get(name[len(_GRANT_PREFIX):])
        else:
            target = series.get(name)
        if target is None and name in SERIES_FIELDS:
            continue  # the series has no row of its own: reported as missing
        if target is None:
            known = [*SERIES_FIELDS, *(_GRANT_PREFIX + g for g in grants)]
            reader.at(sheet.name, cells["series"], f"unknown series {name!r}" + (
                _suggest(name, known) or f" (expected a name from sheet {SERIES!r}, or "
                                         f"other_grants.<name> for a grant on sheet {OTHER_GRANTS!r})"))
            continue
        if year is None:
            continue
        if (name, year) in seen:
            reader.at(sheet.name, cells["year"], f"a second row for {name} {year} (first on row {seen[name, year]})")
            continue
        seen[name, year] = r
        before = len(reader.problems)
        data, ok = _read_provenance(reader, sheet.name, cells, required=False)
        interval = {}
        for key in ("low", "high"):
            if key in cells:
                value = reader.number(sheet.name, cells[key])
                if value is not None and _value_ok(reader, sheet.name, cells[key], value, target.data.get("unit"), target.signed):
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


def _check_every_year(reader: _Reader, series: dict[str, _SeriesRow], years: list[FinancialYear]) -> None:
    for name in FinanceAssumptions.REQUIRED_EVERY_YEAR:
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


def _build_series(reader: _Reader, row: _SeriesRow) -> YearSeries | None:
    if not row.ok:
        return None
    kind = SignedYearSeries if row.signed else YearSeries
    try:
        return kind.model_validate({**row.data, "values": {str(y): e for y, e in row.entries.items()}})
    except ValidationError as exc:
        for err in exc.errors():
            loc = err["loc"]
            cell: _Cell | None = row.cells["name"]
            if loc and loc[0] == "values" and len(loc) > 1:
                year = FinancialYear(str(loc[1]))
                details = row.detail_cells.get(year, {})
                key = loc[2] if len(loc) > 2 else None
                cell = details.get(str(key)) if key in details else None
                if cell is None:
                    cell = row.year_cells.get(year) or details.get("year")
                message = f"{year}: {_validation_message(err)}"
            elif loc and str(loc[0]) in row.cells:
                cell = row.cells[str(loc[0])]
                message = _validation_message(err)
            else:
                message = _validation_message(err)
            reader.at(row.sheet, cell, message)
        return None


def _read_values_sheet(reader: _Reader, sheet: _Sheet) -> tuple[dict[str, Quantity], set[str]] | None:
    """The values read, and the names that had a row (None if the header is unusable)."""
    layout = _layout(reader, sheet, _VALUES_COLUMNS, years_allowed=False)
    if not layout.ok:
        return None
    found: dict[str, Quantity] = {}
    rows_of: dict[str, int] = {}
    for row in _data_rows(reader, sheet):
        r = row[0].row
        cells = {key: _cell(row, column, r) for key, column in layout.columns.items()}
        name = reader.name(sheet.name, cells["name"])
        if name is None:
            continue
        if name not in VALUE_FIELDS:
            if name in SERIES_FIELDS:
                reader.at(sheet.name, cells["name"], f"{name!r} is a year-by-year series: put it on sheet {SERIES!r}")
            else:
                reader.at(sheet.name, cells["name"], f"unknown value {name!r}" + (
                    _suggest(name, VALUE_FIELDS) or f" (expected one of {', '.join(VALUE_FIELDS)})"))
            continue
        if name in rows_of:
            reader.at(sheet.name, cells["name"], f"{name!r} appears twice (first on row {rows_of[name]})")
            continue
        rows_of[name] = r
        before = len(reader.problems)
        data, _ = _read_provenance(reader, sheet.name, {k: v for k, v in cells.items() if k != "name"}, required=True)
        for key in ("value", "low", "high"):
            if key in cells:
                value = reader.number(sheet.name, cells[key])
                if value is not None and _value_ok(reader, sheet.name, cells[key], value, data.get("unit"), signed=False):
                    data[key] = value
        dated = name in _DATED_FIELDS
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
                reader.at(sheet.name, cell or cells["value"], _validation_message(err))
    return found, set(rows_of)


def _read_settings(reader: _Reader, sheet: _Sheet) -> tuple[dict[str, Any], set[str]] | None:
    """The settings read, and the names that had a row (None if the header is unusable)."""
    layout = _layout(reader, sheet, _SETTINGS_COLUMNS, years_allowed=False)
    if not layout.ok:
        return None
    found: dict[str, Any] = {}
    rows_of: dict[str, int] = {}
    for row in _data_rows(reader, sheet):
        r = row[0].row
        name_cell = _cell(row, layout.columns["setting"], r)
        value_cell = _cell(row, layout.columns["value"], r)
        name = reader.name(sheet.name, name_cell, "a setting name")
        if name is None:
            continue
        if name not in _SETTINGS_MEANING:
            reader.at(sheet.name, name_cell, f"unknown setting {name!r} (expected {', '.join(_SETTINGS_MEANING)})")
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
    reader = _Reader(display)
    sheets = _open_workbook(Path(path), reader)
    if sheets is None:
        raise PlanError(reader.problems)
    by_name = {name.strip().casefold(): sheet for name, sheet in sheets.items()}
    missing = [s for s in DATA_SHEETS if s.casefold() not in by_name]
    for name in missing:
        reader.at(name, None, f"missing sheet {name!r} (the workbook has: {', '.join(sheets) or 'no sheets'})")

    def sheet(name: str) -> _Sheet | None:
        return by_name.get(name.casefold())

    settings = _read_settings(reader, s) if (s := sheet(SETTINGS)) else None
    series = _read_series_sheet(reader, s, grants=False) if (s := sheet(SERIES)) else None
    grants = _read_series_sheet(reader, s, grants=True) if (s := sheet(OTHER_GRANTS)) else None
    if (s := sheet(YEAR_DETAILS)) is not None and series is not None and grants is not None:
        _merge_year_details(reader, s, series, grants)
    if years is not None and series is not None:
        _check_every_year(reader, series, [FinancialYear(y) for y in years])
    values = _read_values_sheet(reader, s) if (s := sheet(VALUES)) else None

    # A name with no row at all is missing; a row with bad cells has been reported already.
    fields: dict[str, Any] = {}
    if settings is not None:
        found, seen = settings
        fields.update(found)
        for name in _SETTINGS_MEANING:
            if name not in seen:
                reader.at(SETTINGS, None, f"missing setting {name!r}: add a row for it on sheet {SETTINGS!r}")
    if series is not None:
        for name in SERIES_FIELDS:
            if name not in series:
                reader.at(SERIES, None, f"missing series {name!r}: add a row for it on sheet {SERIES!r}")
        for name, row in series.items():
            built = _build_series(reader, row)
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
        built = _build_series(reader, row)
        if built is not None:
            other[name] = built
    fields["other_grants"] = other
    if reader.problems:
        raise PlanError(reader.problems)
    try:
        return FinanceAssumptions.model_validate(fields)
    except ValidationError as exc:  # every field was checked above; this names what slipped through
        raise PlanError([
            Problem(display, None, ".".join(map(str, err["loc"])), _validation_message(err))
            for err in exc.errors()
        ]) from None


# --------------------------------------------------------------------------- results workbooks

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
    ['measure', 'unit', '2021/22', '2022/23', '2023/24', '2024/25']
    """
    from planlib import __version__

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
    if "baseline" in scenarios:
        scenarios.remove("baseline")
        scenarios.insert(0, "baseline")
    years = sorted(dict.fromkeys(data["year"]))
    measures = list(dict.fromkeys(data["measure"]))
    units = data.drop_duplicates("measure").set_index("measure")["unit"].to_dict()
    values = {
        (s, m, y): v for s, m, y, v in zip(data["scenario"], data["measure"], data["year"], data["value"])
    }
    names = _sheet_names(scenarios, reserved=(ABOUT, COMPARISON))
    when = generated_at or dt.datetime.now().astimezone()

    wb = Workbook()
    about = wb.active
    about.title = ABOUT
    _write_about(about, __version__, when, plan, scenarios, names)

    comparison = wb.create_sheet(COMPARISON)
    has_baseline = "baseline" in scenarios
    headers = ["measure", "unit", "scenario", *years]
    if has_baseline:
        headers += [f"{y} change from baseline" for y in years]
    _header_row(comparison, headers)
    r = 2
    for measure in (m for m in KEY_MEASURES if m in units):
        unit_text, fmt = _result_unit(units[measure])
        for scenario in scenarios:
            _set(comparison, r, 1, measure)
            _set(comparison, r, 2, unit_text)
            _set(comparison, r, 3, scenario)
            for c, year in enumerate(years, start=4):
                value = _result_value(values.get((scenario, measure, year)), units[measure])
                if value is not None:
                    _set(comparison, r, c, value, fmt)
                if has_baseline:
                    base = _result_value(values.get(("baseline", measure, year)), units[measure])
                    if value is not None and base is not None:
                        _set(comparison, r, c + len(years), value - base, fmt)
            r += 1
    comparison.freeze_panes = "D2"
    _fit_columns(comparison, minimum=10, maximum=30)

    for scenario in scenarios:
        ws = wb.create_sheet(names[scenario])
        _header_row(ws, ["measure", "unit", *years])
        for r, measure in enumerate(measures, start=2):
            unit_text, fmt = _result_unit(units[measure])
            _set(ws, r, 1, measure)
            _set(ws, r, 2, unit_text)
            for c, year in enumerate(years, start=3):
                value = _result_value(values.get((scenario, measure, year)), units[measure])
                if value is not None:
                    _set(ws, r, c, value, fmt)
        ws.freeze_panes = "C2"
        _fit_columns(ws, minimum=12, maximum=40)

    wb.properties.creator = f"planlib {__version__}"
    _save(wb, path)


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
        ("flags", "referendum_required and reserves_below_minimum are 1 when the condition holds, 0 otherwise."),
        ("budget_gap", "total_cost - total_funding: positive is a shortfall."),
        ("illustrative figures", "Inputs whose status in the plan is 'illustrative' are assumptions "
                                 "for the example, not sourced figures; 'unverified' inputs are "
                                 "recollections to be checked. Results that use them are illustrative too."),
    ]
    _header_row(ws, ("item", "detail"))
    r = 2
    for item, detail in rows:
        _set(ws, r, 1, item)
        _set(ws, r, 2, detail)
        r += 1
    r += 1
    _header_row(ws, ("sheet", "scenario"), row=r)
    r += 1
    for scenario in scenarios:
        _set(ws, r, 1, names[scenario])
        _set(ws, r, 2, scenario)
        r += 1
    if plan is not None:
        r += 1
        _header_row(ws, ("finance input", "status of its figures"), row=r)
        r += 1
        for name, statuses in _input_statuses(plan.finance).items():
            _set(ws, r, 1, name)
            _set(ws, r, 2, statuses)
            r += 1
    ws.freeze_panes = "A2"
    _fit_columns(ws, maximum=40)
    ws.column_dimensions["B"].width = 100
    for (cell,) in ws.iter_rows(min_col=2, max_col=2):
        cell.alignment = _WRAP


def _input_statuses(finance: FinanceAssumptions) -> dict[str, str]:
    """Each finance input and the statuses of its figures, e.g. ``'illustrative (2023/24, 2024/25); verified (2022/23)'``."""
    found: dict[str, str] = {}
    for path, series in finance.series().items():
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
