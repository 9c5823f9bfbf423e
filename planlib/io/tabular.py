"""CSV files: exact columns, no ragged rows, numbers where numbers belong, every problem with its line.

A :class:`CsvSpec` names a file's columns and which of them hold numbers; :func:`parse_csv`
reads text against it and :func:`csv_dump` writes rows that it reads back unchanged.

>>> spec = CsvSpec(("kpi_id", "value"), numbers=frozenset({"value"}))
>>> text = csv_dump(spec.columns, [{"kpi_id": "K1", "value": 0.1}])
>>> parse_csv(text, spec, "kpi_actuals.csv")
([(2, {'kpi_id': 'K1', 'value': 0.1})], [])
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from typing import Any, Iterable

from planlib.errors import Problem

RENAMED_COLUMNS = {"revenue_gbp": "non_pay_gbp"}
"""Columns that older files used, and what they are called now."""


@dataclass(frozen=True)
class CsvSpec:
    """The columns of a CSV file and how to read each cell.

    ``numbers`` are read as floats (an empty cell is left out, so the record's default
    applies), ``integers`` as whole numbers; a cell of a column in ``optional`` may be empty.

    >>> CsvSpec(("name", "population"), numbers=frozenset({"population"})).columns
    ('name', 'population')
    """

    columns: tuple[str, ...]
    numbers: frozenset[str] = frozenset()
    integers: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()


MAX_NUMBER_CHARACTERS = 40
"""Longest number a cell may hold, in characters: far beyond any figure of a plan
(``1,234,567,890,123.45`` has 21), and short enough to show in a message."""


def parse_number(text: str, integer: bool) -> float | int:
    """A cell's number: thousands separators as Excel writes them are allowed; NaN and infinity are not.

    Raises ValueError with a message for people.

    >>> parse_number("1,234.5", integer=False), parse_number("7", integer=True)
    (1234.5, 7)
    >>> parse_number("inf", integer=False)
    Traceback (most recent call last):
    ...
    ValueError: expected a finite number, got 'inf'
    """
    value = text.strip()
    if len(value) > MAX_NUMBER_CHARACTERS:
        raise ValueError(f"a number of {len(value):,} characters is far too long (at most {MAX_NUMBER_CHARACTERS})")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", value):  # thousands separators, as Excel writes them
        value = value.replace(",", "")
    if integer:
        if not re.fullmatch(r"[-+]?\d+", value):
            raise ValueError(f"expected a whole number, got {text!r}")
        return int(value)
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"expected a number, got {text!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {text!r}")
    return number


def _header_problems(header: list[str], spec: CsvSpec, display: str) -> list[Problem]:
    problems = []
    missing = [c for c in spec.columns if c not in header]
    extra = [c for c in header if c not in spec.columns]
    dupes = sorted({c for c in header if header.count(c) > 1})
    if missing:
        problems.append(Problem(display, 1, "", f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"))
    if extra:
        renamed = [f"{c} is now called {RENAMED_COLUMNS[c]}" for c in extra if c in RENAMED_COLUMNS]
        hint = f"; {', '.join(renamed)}" if renamed else ""
        problems.append(Problem(display, 1, "", f"unknown column{'s' if len(extra) > 1 else ''}: {', '.join(extra)} (expected {', '.join(spec.columns)}){hint}"))
    if dupes:
        problems.append(Problem(display, 1, "", f"repeated column: {', '.join(dupes)}"))
    return problems


def _read_row(header: list[str], cells: list[str], spec: CsvSpec, display: str, line: int,
              problems: list[Problem]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column, cell in zip(header, cells):
        if not cell.strip():
            if column in spec.optional:
                continue
            if column in spec.numbers:  # an empty amount is left to its default (zero)
                continue
            problems.append(Problem(display, line, column, "empty cell: a value is required"))
            continue
        if column in spec.numbers or column in spec.integers:
            try:
                row[column] = parse_number(cell, column in spec.integers)
            except ValueError as exc:
                problems.append(Problem(display, line, column, str(exc)))
        else:
            row[column] = cell.strip()
    return row


def parse_csv(text: str, spec: CsvSpec, display: str) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """Parse CSV text against ``spec``: exact columns, no ragged rows, numbers where numbers belong.

    Returns ``(line, row)`` pairs (the line on which each row starts) and the problems found.

    >>> spec = CsvSpec(("name", "population"), numbers=frozenset({"population"}))
    >>> rows, problems = parse_csv("name,population\\nNorthtown,323500\\nX,lots\\n", spec, "la.csv")
    >>> rows
    [(2, {'name': 'Northtown', 'population': 323500.0})]
    >>> print(problems[0])
    la.csv:3: population: expected a number, got 'lots'
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        return [], [Problem(display, 1, "", f"cannot read the header row: {exc}")]
    header = [h.strip() for h in header]
    problems = _header_problems(header, spec, display)
    if problems:
        return [], problems
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(display, line, "", f"CSV error: {exc} (an unclosed quote?)"))
            break
        start, line = line, reader.line_num + 1
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(Problem(display, start, "", f"row has {len(cells)} cells; the header has {len(header)}"))
            continue
        before = len(problems)
        row = _read_row(header, cells, spec, display, start, problems)
        if len(problems) == before:  # a row with a bad cell is reported once, not again as incomplete
            rows.append((start, row))
    return rows, problems


def csv_dump(columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> str:
    """Rows as CSV text with a header and ``\\n`` line ends; floats keep every digit (``repr``).

    >>> print(csv_dump(["a", "b"], [{"a": "x", "b": 0.1}]), end="")
    a,b
    x,0.1
    """
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in row.items()})
    return out.getvalue()
