"""Reading and writing plan folders: YAML and CSV files, checked with file, line and field.

A plan is a folder of files (see ``data/README.md`` for every field):

==========================  ===========================================================
``plan.yaml``               id, name, police area, period, election date, sections, objectives
``commitments.yaml``        the commitments (without their costs)
``commitment_costs.csv``    each commitment's resources by financial year
``assumptions.yaml``        the register of numbers used by benefit lines
``finance.yaml``            funding and cost assumptions of the medium-term financial plan
``appraisal.yaml``          how net benefit is appraised (optional: flagged defaults otherwise)
``kpis.yaml``               key performance indicators with baselines and targets
``kpi_actuals.csv``         observed KPI values
``grants.yaml``             crime and disorder reduction grants
``timeline.yaml``           the plan-making process as dated events
``evidence.yaml``           manifesto pledges, consultation themes, partner boards
``unit_costs.csv``          Home Office unit costs of crime
``local_authorities.csv``   the local authorities and their census populations
==========================  ===========================================================

Every problem found is reported; none stops the search for others, except that references
between files are checked only once every file is readable and well-formed.

>>> problems = validate(DEFAULT_PLAN)
>>> problems
[]
"""

from __future__ import annotations

import csv
import io as _io
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml
from pydantic import ValidationError

from planlib.errors import PlanError, Problem
from planlib.model import Plan, reference_problems

from planlib.io.paths import DEFAULT_PLAN
"""The embedded example: the 2021-25 West Midlands Police and Crime Plan."""

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest input file accepted (10 MiB); bigger files are refused before they are parsed."""

MAX_YAML_NODES = 200_000
"""Most YAML nodes (values, keys, lists, mappings) accepted in one file."""

Loc = tuple[Any, ...]


@dataclass(frozen=True)
class CsvSpec:
    """The columns of a CSV file and how to read each cell."""

    columns: tuple[str, ...]
    numbers: frozenset[str] = frozenset()
    integers: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PlanFile:
    """One file of a plan folder: where its content sits in the :class:`Plan`."""

    name: str
    prefix: Loc
    required: bool = True
    csv: CsvSpec | None = None


_PROVENANCE_COLUMNS = ("source", "status")
RENAMED_COLUMNS = {"revenue_gbp": "non_pay_gbp"}
"""Columns that older files used, and what they are called now."""
FILES: tuple[PlanFile, ...] = (
    PlanFile("plan.yaml", ()),
    PlanFile("commitments.yaml", ()),
    PlanFile(
        "commitment_costs.csv",
        ("commitment_costs",),
        csv=CsvSpec(
            ("commitment_id", "year", "non_pay_gbp", "capital_gbp", "officer_fte", "staff_fte",
             *_PROVENANCE_COLUMNS, "confidence"),
            numbers=frozenset({"non_pay_gbp", "capital_gbp", "officer_fte", "staff_fte"}),
            integers=frozenset({"confidence"}),
        ),
    ),
    PlanFile("assumptions.yaml", (), required=False),
    PlanFile("finance.yaml", ("finance",)),
    PlanFile("appraisal.yaml", ("appraisal",), required=False),
    PlanFile("kpis.yaml", (), required=False),
    PlanFile(
        "kpi_actuals.csv",
        ("kpi_actuals",),
        required=False,
        csv=CsvSpec(
            ("kpi_id", "period", "local_authority", "value", *_PROVENANCE_COLUMNS),
            numbers=frozenset({"value"}),
            optional=frozenset({"local_authority"}),
        ),
    ),
    PlanFile("grants.yaml", (), required=False),
    PlanFile("timeline.yaml", (), required=False),
    PlanFile("evidence.yaml", (), required=False),
    PlanFile(
        "unit_costs.csv",
        ("unit_costs",),
        required=False,
        csv=CsvSpec(
            ("crime_type", "unit_cost_gbp", "price_year", "status", "status_note", "source", "confidence"),
            numbers=frozenset({"unit_cost_gbp"}),
            integers=frozenset({"confidence"}),
            optional=frozenset({"status_note"}),
        ),
    ),
    PlanFile(
        "local_authorities.csv",
        ("local_authorities",),
        required=False,
        csv=CsvSpec(
            ("name", "population", "status", "status_note", "source"),
            numbers=frozenset({"population"}),
            optional=frozenset({"status_note"}),
        ),
    ),
)
"""The files of a plan folder, in the order they are read."""

# The YAML files whose top-level keys are Plan fields, and which fields each may hold.
_YAML_FIELDS: dict[str, frozenset[str]] = {
    "plan.yaml": frozenset({"id", "name", "police_area", "version", "description", "period",
                            "election_date", "sections", "objectives",
                            "strategic_policing_requirement", "reporting"}),
    "commitments.yaml": frozenset({"commitments"}),
    "assumptions.yaml": frozenset({"assumptions"}),
    "kpis.yaml": frozenset({"kpis"}),
    "grants.yaml": frozenset({"grants", "grants_statement"}),
    "timeline.yaml": frozenset({"timeline", "panel_notice"}),
    "evidence.yaml": frozenset({"evidence"}),
}
_FIELD_FILE = {f: name for name, fields in _YAML_FIELDS.items() for f in fields}
_MODEL_FILES = {"finance.yaml": "finance", "appraisal.yaml": "appraisal"}
"""Files whose whole content is one field of the plan."""
_FIELD_FILE.update({"finance": "finance.yaml", "appraisal": "appraisal.yaml", "kpi_actuals": "kpi_actuals.csv",
                    "unit_costs": "unit_costs.csv", "local_authorities": "local_authorities.csv"})
_IGNORED = {"README.md", "scenarios", "consultation", "templates", "horizon.yaml", "implications.yaml"}


# --------------------------------------------------------------------------- YAML with line numbers


class LineDict(dict):
    """A mapping read from YAML that remembers the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    """A sequence read from YAML that remembers the line of each item."""

    line: int = 0
    item_lines: list[int]


class YamlProblem(Exception):
    """A YAML file that cannot be read; carries the line."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


# YAML 1.2 numbers: PyYAML (YAML 1.1) reads 590.0e6 or 1e6 as text, which would be a type error.
_FLOAT_RE = re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


class _PlanLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe YAML loader that refuses aliases and duplicate keys and records line numbers.

    libyaml (C) parses when it is installed, Python otherwise; construction is ours either way.
    """

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._nodes = 0

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # An alias is the same node met a second time: refusing it here stops "billion laughs"
        # expansions before they start, whatever the parser.
        if node in self.constructed_objects or node in self.recursive_objects:
            raise YamlProblem(
                node.start_mark.line + 1,
                "anchors and aliases (&name, *name) are not allowed: the value anchored here is reused; write it out in full",
            )
        self._nodes += 1
        if self._nodes > MAX_YAML_NODES:
            raise YamlProblem(node.start_mark.line + 1, f"more than {MAX_YAML_NODES:,} values in one file")
        return super().construct_object(node, deep)

    def construct_yaml_map(self, node: yaml.MappingNode) -> Any:
        data = LineDict()
        data.line = node.start_mark.line + 1
        data.key_lines = {}
        yield data
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise YamlProblem(key_node.start_mark.line + 1, f"a key must be text, not {type(key).__name__}")
            key = str(key) if not isinstance(key, str) else key
            if key in data:
                raise YamlProblem(
                    key_node.start_mark.line + 1,
                    f"duplicate key {key!r} (first on line {data.key_lines[key]}); "
                    "only one value may be given",
                )
            data[key] = self.construct_object(value_node, deep=True)
            data.key_lines[key] = key_node.start_mark.line + 1

    def construct_yaml_seq(self, node: yaml.SequenceNode) -> Any:
        data = LineList()
        data.line = node.start_mark.line + 1
        data.item_lines = [n.start_mark.line + 1 for n in node.value]
        yield data
        data.extend(self.construct_object(n, deep=True) for n in node.value)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        return float(super().construct_yaml_float(node))

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        # 2021-13-14 looks like a date to the resolver but is none: say so, with the line.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise YamlProblem(node.start_mark.line + 1, f"{node.value!r} is not a real date ({exc})") from None


_PlanLoader.add_constructor("tag:yaml.org,2002:map", _PlanLoader.construct_yaml_map)
_PlanLoader.add_constructor("tag:yaml.org,2002:seq", _PlanLoader.construct_yaml_seq)
_PlanLoader.add_constructor("tag:yaml.org,2002:float", _PlanLoader.construct_yaml_float)
_PlanLoader.add_constructor("tag:yaml.org,2002:timestamp", _PlanLoader.construct_yaml_timestamp)
# Replace the YAML 1.1 float resolver with one that also reads 1e6 and 590.0e6 as numbers.
_PlanLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:float"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PlanLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_RE, list("-+0123456789."))
# Integers keep priority: they are resolved first by the inherited int resolver.
for _first in list("-+0123456789"):
    _resolvers = _PlanLoader.yaml_implicit_resolvers.get(_first, [])
    _resolvers.sort(key=lambda r: r[0] != "tag:yaml.org,2002:int")


def parse_yaml(text: str) -> Any:
    """Parse YAML text safely, keeping line numbers.

    Raises :class:`YamlProblem` for syntax errors, aliases, duplicate keys and files with more
    than :data:`MAX_YAML_NODES` values.

    >>> data = parse_yaml("a: 1\\nb:\\n  - 590.0e6\\n  - 1e3\\n")
    >>> data, data.key_lines["b"], data["b"].item_lines
    ({'a': 1, 'b': [590000000.0, 1000.0]}, 2, [3, 4])
    >>> parse_yaml("a: 1\\na: 2\\n")
    Traceback (most recent call last):
    ...
    planlib.io.YamlProblem: duplicate key 'a' (first on line 1); only one value may be given
    """
    try:
        loader = _PlanLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        raise YamlProblem(line, f"YAML syntax error: {what}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, f"YAML error: {exc}") from None
    except RecursionError:
        raise YamlProblem(None, "the YAML is nested too deeply") from None


# --------------------------------------------------------------------------- reading files


def read_text(path: Path, display: str) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 text file, refusing empty, oversized and non-UTF-8 files.

    Returns the text (None if unreadable) and the problems found.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(display, None, "", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes (10 MiB)")]
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, None, "", f"cannot read the file: {exc.strerror or exc}")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [Problem(display, line, "", f"bytes that are not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8")]
    if not text.strip():
        return None, [Problem(display, None, "", "file is empty")]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, [Problem(display, line, "", "file contains a NUL byte: is it a text file?")]
    return text, []


def _parse_number(text: str, integer: bool) -> float | int:
    value = text.strip()
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


def parse_csv(text: str, spec: CsvSpec, display: str) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """Parse CSV text against ``spec``: exact columns, no ragged rows, numbers where numbers belong.

    Returns ``(line, row)`` pairs (the line on which each row starts) and the problems found.

    >>> spec = CsvSpec(("name", "population"), numbers=frozenset({"population"}))
    >>> rows, problems = parse_csv("name,population\\nDudley,323500\\nX,lots\\n", spec, "la.csv")
    >>> rows
    [(2, {'name': 'Dudley', 'population': 323500.0})]
    >>> print(problems[0])
    la.csv:3: population: expected a number, got 'lots'
    """
    problems: list[Problem] = []
    reader = csv.reader(_io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        return [], [Problem(display, 1, "", f"cannot read the header row: {exc}")]
    header = [h.strip() for h in header]
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
        row: dict[str, Any] = {}
        before = len(problems)
        for column, cell in zip(header, cells):
            if not cell.strip():
                if column in spec.optional:
                    continue
                if column in spec.numbers:  # an empty amount is left to its default (zero)
                    continue
                problems.append(Problem(display, start, column, "empty cell: a value is required"))
                continue
            if column in spec.numbers or column in spec.integers:
                try:
                    row[column] = _parse_number(cell, column in spec.integers)
                except ValueError as exc:
                    problems.append(Problem(display, start, column, str(exc)))
            else:
                row[column] = cell.strip()
        if len(problems) == before:  # a row with a bad cell is reported once, not again as incomplete
            rows.append((start, row))
    return rows, problems


# --------------------------------------------------------------------------- assembling a plan


@dataclass
class _Origins:
    """Where each part of the plan came from: a path into the plan -> (file, line)."""

    places: dict[Loc, tuple[str, int]] = field(default_factory=dict)

    def record(self, node: Any, loc: Loc, display: str) -> None:
        if isinstance(node, LineDict):
            for key, value in node.items():
                self.places[(*loc, key)] = (display, node.key_lines[key])
                self.record(value, (*loc, key), display)
        elif isinstance(node, LineList):
            for i, value in enumerate(node):
                self.places[(*loc, i)] = (display, node.item_lines[i])
                self.record(value, (*loc, i), display)

    def find(self, loc: Loc) -> tuple[str, int | None]:
        for n in range(len(loc), 0, -1):
            if loc[:n] in self.places:
                return self.places[loc[:n]]
        return _FIELD_FILE.get(str(loc[0]) if loc else "", "plan.yaml"), None


def _field_name(loc: Loc, raw: dict[str, Any]) -> str:
    """Render a location as ``commitments.C04.benefits[0].volume``, naming items by their id."""
    parts: list[str] = []
    node: Any = raw
    for key in loc:
        if isinstance(key, int):
            item = node[key] if isinstance(node, list) and key < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            if isinstance(ident, str) and ident:
                parts.append(f".{ident}")
            else:
                parts.append(f"[{key}]")
            node = item
        else:
            parts.append(f".{key}" if parts else str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts).lstrip(".")


_TYPE_NAMES = {LineDict: "a mapping", LineList: "a list", dict: "a mapping", list: "a list"}
_EXPECTED = {
    "float_type": "expected a number", "int_type": "expected a whole number",
    "string_type": "expected text", "bool_type": "expected true or false",
    "list_type": "expected a list", "tuple_type": "expected a list",
    "dict_type": "expected a mapping", "model_type": "expected a mapping of field: value",
    "model_attributes_type": "expected a mapping of field: value",
    "date_type": "expected a date (YYYY-MM-DD)", "date_from_datetime_parsing": "expected a date (YYYY-MM-DD)",
}


def _pydantic_message(err: dict[str, Any]) -> str:
    kind = err["type"]
    given = err.get("input")
    shown = _TYPE_NAMES.get(type(given), repr(given))
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; data/README.md lists the fields)"
    if kind == "missing":
        return "required field is missing"
    if kind == "finite_number":
        return f"must be a finite number, not NaN or infinity (got {given!r})"
    if kind == "greater_than_equal" and err.get("ctx", {}).get("ge") == 0:
        return f"must not be negative (got {given!r})"
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]} (got {shown})"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind == "literal_error":
        msg += f" (got {shown})"
    return msg


def _loc_without_markers(loc: Loc) -> Loc:
    # pydantic adds markers such as "[key]" or union branch names that are not in the data.
    return tuple(x for x in loc if not (isinstance(x, str) and x.startswith("[")))


def _fields_of(file_name: str) -> frozenset[str]:
    """The Plan fields whose content comes from ``file_name``."""
    return frozenset(f for f, name in _FIELD_FILE.items() if name == file_name)


def _read_folder(path: Path, display_root: str) -> tuple[dict[str, Any], _Origins, list[Problem], set[str]]:
    """Read every file; also return the Plan fields of files that could not be read at all."""
    raw: dict[str, Any] = {}
    unread: set[str] = set()
    origins = _Origins()
    problems: list[Problem] = []
    known = {f.name for f in FILES}
    for entry in sorted(path.iterdir()):
        if entry.name in known or entry.name in _IGNORED or entry.name.startswith("."):
            continue
        if entry.suffix in (".yaml", ".yml", ".csv"):
            problems.append(Problem(f"{display_root}/{entry.name}", None, "", f"unknown file; a plan folder holds {', '.join(sorted(known))}"))
    csv_rows: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for spec in FILES:
        file_path = path / spec.name
        display = f"{display_root}/{spec.name}"
        if not file_path.exists():
            if spec.required:
                problems.append(Problem(display, None, "", "required file is missing"))
                unread |= _fields_of(spec.name)
            continue
        text, file_problems = read_text(file_path, display)
        problems += file_problems
        if text is None:
            unread |= _fields_of(spec.name)
            continue
        if spec.csv is not None:
            rows, row_problems = parse_csv(text, spec.csv, display)
            problems += row_problems
            if row_problems and not rows:
                unread |= _fields_of(spec.name)
            csv_rows[spec.name] = rows
            continue
        try:
            data = parse_yaml(text)
        except YamlProblem as exc:
            problems.append(Problem(display, exc.line, "", exc.message))
            unread |= _fields_of(spec.name)
            continue
        if not isinstance(data, LineDict):
            problems.append(Problem(display, getattr(data, "line", 1), "", "expected a mapping of field: value at the top of the file"))
            unread |= _fields_of(spec.name)
            continue
        if spec.name in _MODEL_FILES:
            key = _MODEL_FILES[spec.name]
            raw[key] = data
            origins.places[(key,)] = (display, data.line)
            origins.record(data, (key,), display)
            continue
        allowed = _YAML_FIELDS[spec.name]
        for key in data:
            if key not in allowed:
                hint = f"; it belongs in {_FIELD_FILE[key]}" if key in _FIELD_FILE else ""
                problems.append(Problem(display, data.key_lines[key], key, f"unknown field here (expected {', '.join(sorted(allowed))}){hint}"))
                continue
            raw[key] = data[key]
            origins.places[(key,)] = (display, data.key_lines[key])
            origins.record(data[key], (key,), display)

    problems += _duplicate_ids(raw, origins)
    _attach_costs(raw, csv_rows.pop("commitment_costs.csv", []), origins, f"{display_root}/commitment_costs.csv", problems)
    for name, rows in csv_rows.items():
        key = name.removesuffix(".csv")
        raw[key] = [row for _, row in rows]
        for i, (line, row) in enumerate(rows):
            origins.places[(key, i)] = (f"{display_root}/{name}", line)
            for column in row:
                origins.places[(key, i, column)] = (f"{display_root}/{name}", line)
    return raw, origins, problems, unread


def _duplicate_ids(raw: dict[str, Any], origins: _Origins) -> list[Problem]:
    """Duplicate ids in the YAML lists, found before costs are matched to commitments by id."""
    found = []
    for key, items in raw.items():
        if not isinstance(items, list):
            continue
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, str):
                continue
            if ident in first:
                file, line = origins.find((key, i, "id"))
                _, first_line = origins.find((key, first[ident], "id"))
                found.append(Problem(file, line, f"{key}.{ident}.id", f"duplicate id {ident!r} (first on line {first_line})"))
            else:
                first[ident] = i
    return found


def _attach_costs(raw: dict[str, Any], rows: list[tuple[int, dict[str, Any]]], origins: _Origins,
                  display: str, problems: list[Problem]) -> None:
    commitments = raw.get("commitments")
    if not isinstance(commitments, list):
        return
    index = {c.get("id"): i for i, c in enumerate(commitments) if isinstance(c, dict)}
    counts: dict[int, int] = {}
    for line, row in rows:
        cid = row.pop("commitment_id", None)
        if cid not in index:
            problems.append(Problem(display, line, "commitment_id", f"unknown commitment {cid!r} (not in commitments.yaml)"))
            continue
        i = index[cid]
        commitment = commitments[i]
        if "costs" in commitment and i not in counts:
            problems.append(Problem(display, line, "commitment_id",
                                    f"{cid} also has costs in commitments.yaml; give costs in one place only"))
            continue
        j = counts.get(i, 0)
        counts[i] = j + 1
        commitment.setdefault("costs", []).append(row)
        origins.places[("commitments", i, "costs", j)] = (display, line)
        for column in row:
            origins.places[("commitments", i, "costs", j, column)] = (display, line)


def _collect(path: str | os.PathLike[str]) -> tuple[Plan | None, list[Problem]]:
    folder = Path(path)
    display_root = str(path).rstrip("/") or "."
    if not folder.exists():
        return None, [Problem(display_root, None, "", "plan folder not found")]
    if not folder.is_dir():
        return None, [Problem(display_root, None, "", "not a folder: a plan is a folder of YAML and CSV files")]
    raw, origins, problems, unread = _read_folder(folder, display_root)

    def locate(loc: Loc, message: str) -> Problem:
        file, line = origins.find(loc)
        if file.endswith(".csv"):  # a CSV reader thinks in columns, not in paths
            column = next((x for x in reversed(loc) if isinstance(x, str)), "")
            return Problem(file, line, column, message)
        return Problem(file, line, _field_name(loc, raw), message)

    try:
        plan = Plan.model_validate(raw, context={"skip_references": True})
    except ValidationError as exc:
        # Fields of files that could not be read are already reported as such.
        problems += [
            locate(_loc_without_markers(tuple(e["loc"])), _pydantic_message(e))
            for e in exc.errors()
            if not (e["loc"] and e["loc"][0] in unread)
        ]
        plan = None
    if plan is not None and not problems:
        # References between files are checked once every file is readable and well-formed.
        problems = [locate(loc, message) for loc, message in reference_problems(plan)]
    if problems:
        return None, sorted(set(problems), key=_problem_order)
    return plan, []


def _problem_order(p: Problem) -> tuple[Any, ...]:
    return (p.file, p.line or 0, p.field, p.message)


def validate(path: str | os.PathLike[str] = DEFAULT_PLAN) -> list[Problem]:
    """Every problem with the plan folder at ``path``; an empty list when it is valid.

    Never raises for bad data: problems name the file, the line and the field.

    >>> [str(p) for p in validate("no/such/folder")]
    ['no/such/folder: plan folder not found']
    """
    return _collect(path)[1]


def load_plan(path: str | os.PathLike[str] = DEFAULT_PLAN) -> Plan:
    """Load the plan folder at ``path``.

    Raises
    ------
    PlanError
        listing every problem found (file, line, field, message).

    Examples
    --------
    >>> plan = load_plan(DEFAULT_PLAN)
    >>> plan.police_area, str(plan.period.first), str(plan.period.last)
    ('West Midlands', '2021/22', '2024/25')
    """
    plan, problems = _collect(path)
    if problems or plan is None:
        raise PlanError(problems)
    return plan


# --------------------------------------------------------------------------- writing


class _PlanDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Writes YAML that :class:`_PlanLoader` reads back unchanged: text such as ``1e3`` that
    the loader would read as a number is quoted."""


_PlanDumper.yaml_implicit_resolvers = {k: list(v) for k, v in _PlanLoader.yaml_implicit_resolvers.items()}


def _yaml_dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_PlanDumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


def _csv_dump(columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> str:
    out = _io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in row.items()})
    return out.getvalue()


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8, or bytes) to ``path`` through a temporary file and a
    rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with (os.fdopen(fd, "wb") if isinstance(content, bytes)
              else os.fdopen(fd, "w", encoding="utf-8", newline="")) as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:  # mkstemp makes files private (0600); give new files the usual permissions
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_plan(plan: Plan, path: str | os.PathLike[str]) -> None:
    """Write ``plan`` as a plan folder that :func:`load_plan` reads back unchanged.

    Each file is written atomically; existing files of the folder are replaced.

    >>> import tempfile
    >>> plan = load_plan(DEFAULT_PLAN)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save_plan(plan, folder)
    ...     load_plan(folder) == plan
    True
    """
    folder = Path(path)
    data = plan.model_dump(mode="json", exclude_defaults=True)
    files: dict[str, str] = {}
    for name, fields in _YAML_FIELDS.items():
        content = {k: data[k] for k in _order(fields) if k in data}
        if name == "commitments.yaml":
            for c in content.get("commitments", []):
                c.pop("costs", None)
        if content or name in ("plan.yaml", "commitments.yaml"):
            files[name] = _yaml_dump(content)
    for name, key in _MODEL_FILES.items():
        if key in data:  # exclude_defaults leaves out default appraisal settings
            files[name] = _yaml_dump(data[key])
    costs = [
        {"commitment_id": c.id, **line.model_dump(mode="json")}
        for c in plan.commitments
        for line in c.costs
    ]
    spec = {f.name: f.csv for f in FILES if f.csv is not None}
    files["commitment_costs.csv"] = _csv_dump(spec["commitment_costs.csv"].columns, costs)
    for key in ("kpi_actuals", "unit_costs", "local_authorities"):
        items = [x.model_dump(mode="json") for x in getattr(plan, key)]
        if items:
            files[f"{key}.csv"] = _csv_dump(spec[f"{key}.csv"].columns, items)
    for name, text in files.items():
        write_atomic(folder / name, text)
    for spec_file in FILES:
        if spec_file.name not in files and (folder / spec_file.name).exists():
            (folder / spec_file.name).unlink()


def _order(fields: frozenset[str]) -> list[str]:
    return [f for f in Plan.model_fields if f in fields]


# --------------------------------------------------------------------------- files read apart from the plan


def yaml_line(data: Any, loc: Loc) -> int | None:
    """The line of the deepest part of ``loc`` found in YAML read by :func:`parse_yaml`.

    >>> data = parse_yaml("items:\\n  - id: a\\n    size: 3\\n")
    >>> yaml_line(data, ("items", 0, "size")), yaml_line(data, ("items", 0, "colour"))
    (3, 2)
    """
    line = getattr(data, "line", None)
    node = data
    for key in loc:
        if isinstance(node, LineDict) and key in node:
            line, node = node.key_lines[key], node[key]
        elif isinstance(node, LineList) and isinstance(key, int) and 0 <= key < len(node):
            line, node = node.item_lines[key], node[key]
        else:
            break
    return line


def read_yaml_record(path: Path, display: str, model: type[Any]) -> tuple[Any, Any, list[Problem]]:
    """Read one YAML file that is not part of the plan proper (the plan loader ignores it) into ``model``.

    Returns ``(record, data, problems)``: the pydantic record (None if there is any problem),
    the parsed YAML (to find the line of a later check) and every problem, each naming the
    file, the line and the field.
    """
    text, problems = read_text(path, display)
    if text is None:
        return None, None, problems
    try:
        data = parse_yaml(text)
    except YamlProblem as exc:
        return None, None, [Problem(display, exc.line, "", exc.message)]
    if not isinstance(data, LineDict):
        return None, data, [Problem(display, getattr(data, "line", 1), "", "expected a mapping of field: value at the top of the file")]
    try:
        return model.model_validate(data), data, []
    except ValidationError as exc:
        found = []
        for err in exc.errors():
            loc = _loc_without_markers(tuple(err["loc"]))
            found.append(Problem(display, yaml_line(data, loc), _field_name(loc, data), _pydantic_message(err)))
        return None, data, sorted(set(found), key=_problem_order)


def load_side_file(folder: str | os.PathLike[str], file_name: str, model: type[Any], missing: str,
                   check: Callable[[Any, Any, str], list[Problem]]) -> Any:
    """Read and check ``folder/file_name``, a YAML file beside the plan that its own command reads.

    ``missing`` is the message when the file is not there; ``check(record, data, display)``
    returns the problems the model alone cannot see (references to the plan, say). Raises
    :class:`PlanError` listing every problem with file, line and field.
    """
    display = f"{str(folder).rstrip('/') or '.'}/{file_name}"
    path = Path(folder) / file_name
    if not path.exists():
        raise PlanError([Problem(display, None, "", missing)])
    record, data, problems = read_yaml_record(path, display, model)
    if record is not None:
        problems = check(record, data, display)
    if problems:
        raise PlanError(problems)
    return record
