"""Reading workbook cells safely: size and zip-bomb limits, formulas through their saved values, problems by cell.

An ``.xlsx`` workbook is a zip archive: :func:`open_workbook` refuses files over
:data:`MAX_XLSX_BYTES`, archives that would unpack to more than :data:`MAX_UNPACKED_BYTES`,
old ``.xls`` files and text files, each with one problem rather than a traceback. A
:class:`Reader` reads each cell as the value wanted (a number, text, a financial year, a
confidence grade, one of a list) and records every problem by sheet and cell (``series!D5``);
:func:`sheet_layout` finds columns by their header.

>>> reader = Reader("finance.xlsx")
>>> reader.year("settings", Cell(2, 2, "2021/23"))
>>> print(*reader.problems)
finance.xlsx:2: settings!B2: '2021/23' is not a financial year: expected YYYY/YY of two consecutive years, such as 2021/22
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import math
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from planlib.errors import Problem
from planlib.io.text import read_bytes
from planlib.types import FinancialYear

MAX_XLSX_BYTES = 10 * 1024 * 1024
"""Largest workbook accepted (10 MiB); bigger files are refused before they are opened."""

MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""Most bytes a workbook may unpack to (an .xlsx is a zip archive): guards against zip bombs."""

MAX_ROWS = 2_000
"""Most rows read from one sheet of the finance template."""

MAX_COLUMNS = 200
"""Most columns read from one sheet of the finance template."""


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


@dataclass(frozen=True)
class Cell:
    """One cell as read: its saved value, and its formula when it holds one."""

    row: int
    column: int
    value: Any
    error: bool = False
    formula: str | None = None

    @property
    def blank(self) -> bool:
        """Empty, or only spaces, and no formula."""
        return self.formula is None and (self.value is None or (isinstance(self.value, str) and not self.value.strip()))


@dataclass
class Sheet:
    """A sheet as read: its name and its rows of cells (empty for a sheet not read)."""

    name: str
    rows: list[list[Cell]]


@dataclass
class Reader:
    """Collects problems with their workbook, row and cell, and reads cells as numbers, text, years...

    Each cell reader returns None, and records a problem, when the cell cannot be used.

    >>> reader = Reader("finance.xlsx")
    >>> reader.number("series", Cell(3, 4, "1,250.5")), reader.number("series", Cell(3, 5, "abc"))
    (1250.5, None)
    >>> print(reader.problems[0])
    finance.xlsx:3: series!E3: expected a number, got 'abc'
    """

    display: str
    problems: list[Problem] = field(default_factory=list)

    def at(self, sheet: str, cell: Cell | tuple[int, int] | None, message: str) -> None:
        """Record a problem at ``cell`` (or a (row, column) pair) of ``sheet``; None: the sheet as a whole."""
        if cell is None:
            self.problems.append(Problem(self.display, None, sheet, message))
            return
        row, column = (cell.row, cell.column) if isinstance(cell, Cell) else cell
        self.problems.append(Problem(self.display, row, f"{sheet}!{get_column_letter(column)}{row}", message))

    # -- cell readers: each returns None (and records a problem) when the cell is unusable

    def _usable(self, sheet: str, cell: Cell) -> bool:
        if cell.error:
            self.at(sheet, cell, f"the cell shows the Excel error {cell.value}: enter a value")
            return False
        if cell.formula is not None and cell.value is None:
            self.at(sheet, cell, f"the formula {cell.formula} has no saved result: open the workbook in "
                                 "Excel and save it, or enter the value")
            return False
        return True

    def number(self, sheet: str, cell: Cell) -> float | None:
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

    def text(self, sheet: str, cell: Cell) -> str | None:
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

    def year(self, sheet: str, cell: Cell) -> FinancialYear | None:
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

    def name(self, sheet: str, cell: Cell, what: str = "a name") -> str | None:
        """Text that must be given: an empty cell is a problem too."""
        if cell.blank:
            self.at(sheet, cell, f"empty cell: {what} is required")
            return None
        return self.text(sheet, cell)

    def confidence(self, sheet: str, cell: Cell) -> int | None:
        number = self.number(sheet, cell)
        if number is None:
            return None
        if not number.is_integer() or not 1 <= number <= 6:
            self.at(sheet, cell, f"expected a confidence grade, a whole number from 1 to 6, got {cell.value!r}")
            return None
        return int(number)

    def choice(self, sheet: str, cell: Cell, allowed: tuple[str, ...], what: str) -> str | None:
        text = self.text(sheet, cell)
        if text is None:
            return None
        if text.casefold() not in allowed:
            self.at(sheet, cell, f"expected a {what} ({', '.join(allowed)}), got {text!r}")
            return None
        return text.casefold()


def open_workbook(path: Path, reader: Reader, wanted: Iterable[str]) -> dict[str, Sheet] | None:
    """Every sheet of the workbook at ``path``, or None (and one problem) if it cannot be read.

    Only the sheets named in ``wanted`` (whatever their case) are read; the others come back
    empty, by name. A file that is too big, not an ``.xlsx`` workbook, damaged, or that would
    unpack to more than :data:`MAX_UNPACKED_BYTES` gives one problem, never a traceback.

    >>> reader = Reader("notes.xlsx")
    >>> open_workbook(Path("no/such/notes.xlsx"), reader, ["series"]) is None
    True
    >>> reader.problems[0].message
    'cannot read the file: No such file or directory'
    """
    data = read_bytes(path, limit=MAX_XLSX_BYTES)  # an ordinary file only: no FIFO, no device
    if isinstance(data, str):
        reader.at("", None, data)
        return None
    has_formulas = _check_archive(data, reader)
    if has_formulas is None:
        return None
    try:
        return _read_sheets(data, has_formulas, {s.casefold() for s in wanted})
    # A damaged workbook can fail inside openpyxl or its XML parser with almost any exception
    # type; whatever it is, the user needs one clear sentence, not a traceback.
    except Exception as exc:  # noqa: BLE001
        reader.at("", None, f"{_NOT_XLSX}: the workbook is damaged and cannot be read "
                            f"({type(exc).__name__}: {exc})")
        return None


_NOT_XLSX = "is not an Excel workbook (.xlsx)"


def _check_archive(data: bytes, reader: Reader) -> bool | None:
    """Whether the workbook holds formulas; None (and a problem) if it is no workbook or a zip bomb."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        reader.at("", None, f"{_NOT_XLSX}: it is an old-format .xls workbook; save it in Excel as "
                            "'Excel Workbook (*.xlsx)'")
        return None
    if not data.startswith(b"PK"):
        kind = "it looks like a text or CSV file" if _looks_like_text(data) else "it is not a zip archive"
        reader.at("", None, f"{_NOT_XLSX}: {kind}; save it in Excel as 'Excel Workbook (*.xlsx)'")
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
        reader.at("", None, f"{_NOT_XLSX}: the file is damaged ({exc})")
        return None
    if unpacked > MAX_UNPACKED_BYTES:
        reader.at("", None, f"the workbook unpacks to {unpacked:,} bytes; the limit is {MAX_UNPACKED_BYTES:,}")
        return None
    if "xl/workbook.xml" not in names:
        reader.at("", None, f"{_NOT_XLSX}: it is a zip archive without a workbook in it")
        return None
    return has_formulas


def _read_sheets(data: bytes, has_formulas: bool, wanted: set[str]) -> dict[str, Sheet]:
    sheets: dict[str, Sheet] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about features it drops (not ours)
        saved = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        typed = load_workbook(io.BytesIO(data), read_only=True, data_only=False) if has_formulas else None
        try:
            for i, ws_saved in enumerate(saved.worksheets):
                # Only the sheets read are parsed; the others are listed by name.
                read = ws_saved.title.strip().casefold() in wanted
                ws_typed = typed.worksheets[i] if typed is not None else None
                sheets[ws_saved.title] = _read_sheet(ws_saved, ws_typed) if read else Sheet(ws_saved.title, [])
        finally:
            saved.close()
            if typed is not None:
                typed.close()
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


def _read_sheet(saved: Any, typed: Any | None) -> Sheet:
    """The cells of a sheet: values as saved, with the formula text of formula cells (``typed``)."""
    rows: list[list[Cell]] = []
    last = min(MAX_COLUMNS, saved.max_column or MAX_COLUMNS)
    saved_rows = saved.iter_rows(max_col=last, max_row=MAX_ROWS + 1)
    typed_rows = typed.iter_rows(max_col=last, max_row=MAX_ROWS + 1) if typed is not None else None
    for r, cells_saved in enumerate(saved_rows, start=1):
        cells_typed = next(typed_rows, ()) if typed_rows is not None else ()
        formulas = {
            c: b.value for c, b in enumerate(cells_typed, start=1) if getattr(b, "data_type", None) == "f"
        }
        rows.append([
            Cell(r, c, a.value, error=getattr(a, "data_type", None) == "e", formula=formulas.get(c))
            for c, a in enumerate(cells_saved, start=1)
        ])
    return Sheet(saved.title, rows)


def cell_at(row: list[Cell], column: int | None, r: int) -> Cell:
    """The cell of ``row`` (row number ``r``) in ``column``; a blank cell if the row is shorter or there is no column.

    >>> cell_at([Cell(2, 1, "x")], 3, 2)
    Cell(row=2, column=3, value=None, error=False, formula=None)
    """
    if column is not None and column <= len(row):
        return row[column - 1]
    return Cell(r, column or 1, None)


@dataclass
class Layout:
    """Where each column of a sheet is: named columns and financial-year columns."""

    columns: dict[str, int]
    years: dict[FinancialYear, int]
    ok: bool


def sheet_layout(reader: Reader, sheet: Sheet, expected: tuple[str, ...], years_allowed: bool,
                 optional: frozenset[str] = frozenset()) -> Layout:
    """Find the ``expected`` columns (and, if ``years_allowed``, financial-year columns) by their header.

    Columns in ``optional`` may be missing. Unknown, repeated or missing columns, and values
    under a blank header, are problems; ``ok`` is False if there was any.

    >>> sheet = Sheet("settings", [[Cell(1, 1, "Value"), Cell(1, 2, "setting")]])
    >>> layout = sheet_layout(Reader("f.xlsx"), sheet, ("setting", "value"), years_allowed=False)
    >>> layout.columns, layout.ok
    ({'value': 1, 'setting': 2}, True)
    """
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
    missing = [c for c in expected if c not in columns and c not in optional]
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
                    heading = cell_at(header, cell.column, 1)
                    if heading.blank:
                        reader.at(sheet.name, cell, "a value in a column with no header: give the column a header or clear it")
    return Layout(columns, years, ok)


def data_rows(reader: Reader, sheet: Sheet) -> list[list[Cell]]:
    """The rows under the header that are not blank (at most :data:`MAX_ROWS`)."""
    if len(sheet.rows) > MAX_ROWS:
        reader.at(sheet.name, None, f"more than {MAX_ROWS:,} rows: is this the finance template?")
    return [row for row in sheet.rows[1:MAX_ROWS] if not all(c.blank for c in row)]


def suggest(name: str, known: Iterable[str]) -> str:
    """A "did you mean" for a name that is close to a known one; empty otherwise.

    >>> suggest("referendum_limt", ["referendum_limit", "tax_base"])
    "; did you mean 'referendum_limit'?"
    """
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


def validation_message(err: Any) -> str:
    """A pydantic error's message without pydantic's ``Value error,`` prefix."""
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return msg
