"""Writing workbooks: cells whose text stays text, header rows, column widths, sheet names, atomic saving.

Shared by the finance template (:mod:`planlib.io.excel.template`) and the results workbooks
(:mod:`planlib.io.excel.results`).

>>> from openpyxl import Workbook
>>> ws = Workbook().active
>>> set_cell(ws, 1, 1, "=SUM(A2:A9)")
>>> ws["A1"].value, ws["A1"].data_type
('=SUM(A2:A9)', 's')
"""

from __future__ import annotations

import io
import os
import re
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planlib.io.atomic import write_atomic

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")

# Excel forbids these in sheet names; a name is at most 31 characters and is unique
# whatever its case. "History" is reserved by Excel.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31


def save_workbook(workbook: Workbook, path: str | os.PathLike[str]) -> None:
    """Save ``workbook`` to ``path`` atomically (see :func:`planlib.io.atomic.write_atomic`)."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomic(path, buffer.getvalue())


def set_cell(ws: Worksheet, row: int, column: int, value: Any, number_format: str | None = None) -> None:
    """Put ``value`` in a cell; text always stays text (a leading ``=`` never becomes a formula)."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
    if number_format is not None:
        cell.number_format = number_format


def header_row(ws: Worksheet, headers: Iterable[str], row: int = 1) -> None:
    """Write ``headers`` across ``row``, bold on a shaded background."""
    for column, text in enumerate(headers, start=1):
        set_cell(ws, row, column, text)
        cell = ws.cell(row=row, column=column)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _TOP


def fit_columns(ws: Worksheet, minimum: int = 8, maximum: int = 60, wrap: Iterable[int] = ()) -> None:
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
            cell.alignment = WRAP


def sheet_names(names: Iterable[str], reserved: Iterable[str] = ()) -> dict[str, str]:
    """A valid, unique Excel sheet name for each name (at most 31 characters, none of ``[]:*?/\\``).

    Names that collide after cleaning or truncation get ``~2``, ``~3``... and names in
    ``reserved`` are never used.

    >>> sheet_names(["a" * 40, "a" * 35, "x/y"], reserved=["about"])
    {'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa~2', 'x/y': 'x_y'}
    >>> sheet_names(["About", "history"], reserved=["about"])
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
