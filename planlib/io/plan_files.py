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
``kpi_actuals.csv``         observed KPI values, each with its commentary
``commitment_actuals.csv``  actual spend by commitment and year (optional)
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

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planlib.errors import PlanError, Problem, YamlProblem
from planlib.io.atomic import write_atomic
from planlib.io.paths import DEFAULT_PLAN
from planlib.io.problems import Origins, field_name, loc_without_markers, problem_order, pydantic_message
from planlib.io.tabular import CsvSpec, csv_dump, parse_csv
from planlib.io.text import folder_problem, is_absent, read_text
from planlib.io.yaml import LineDict, Loc, parse_yaml, yaml_dump
from planlib.model import Plan, reference_problems


@dataclass(frozen=True)
class PlanFile:
    """One file of a plan folder: where its content sits in the :class:`Plan`."""

    name: str
    prefix: Loc
    required: bool = True
    csv: CsvSpec | None = None


_PROVENANCE_COLUMNS = ("source", "status")
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
            ("kpi_id", "period", "local_authority", "value", "commentary", *_PROVENANCE_COLUMNS),
            numbers=frozenset({"value"}),
            optional=frozenset({"local_authority"}),
        ),
    ),
    PlanFile(
        "commitment_actuals.csv",
        ("commitment_actuals",),
        required=False,
        csv=CsvSpec(
            ("commitment_id", "year", "non_pay_gbp", "capital_gbp", "commentary", *_PROVENANCE_COLUMNS),
            numbers=frozenset({"non_pay_gbp", "capital_gbp"}),
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
    "plan.yaml": frozenset({"id", "name", "police_area", "version", "description", "foreword", "period",
                            "election_date", "sections", "objectives",
                            "strategic_policing_requirement", "reporting", "levers"}),
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
                    "commitment_actuals": "commitment_actuals.csv",
                    "unit_costs": "unit_costs.csv", "local_authorities": "local_authorities.csv"})
_IGNORED = {"README.md", "scenarios", "consultation", "templates", "horizon.yaml", "implications.yaml",
            "panel_response.yaml"}


# --------------------------------------------------------------------------- reading


def _fields_of(file_name: str) -> frozenset[str]:
    """The Plan fields whose content comes from ``file_name``."""
    return frozenset(f for f, name in _FIELD_FILE.items() if name == file_name)


def _unknown_files(path: Path, display_root: str) -> list[Problem]:
    known = {f.name for f in FILES}
    return [
        Problem(f"{display_root}/{entry.name}", None, "", f"unknown file; a plan folder holds {', '.join(sorted(known))}")
        for entry in sorted(path.iterdir())
        if not (entry.name in known or entry.name in _IGNORED or entry.name.startswith("."))
        and entry.suffix in (".yaml", ".yml", ".csv")
    ]


def _read_yaml_file(name: str, text: str, display: str, raw: dict[str, Any], origins: Origins,
                    problems: list[Problem]) -> bool:
    """Put the fields of one YAML file into ``raw``; False if the file cannot be read at all."""
    try:
        data = parse_yaml(text)
    except YamlProblem as exc:
        problems.append(Problem(display, exc.line, "", exc.message))
        return False
    if not isinstance(data, LineDict):
        problems.append(Problem(display, getattr(data, "line", 1), "", "expected a mapping of field: value at the top of the file"))
        return False
    if name in _MODEL_FILES:
        key = _MODEL_FILES[name]
        raw[key] = data
        origins.places[(key,)] = (display, data.line)
        origins.record(data, (key,), display)
        return True
    allowed = _YAML_FIELDS[name]
    for key in data:
        if key not in allowed:
            hint = f"; it belongs in {_FIELD_FILE[key]}" if key in _FIELD_FILE else ""
            problems.append(Problem(display, data.key_lines[key], key, f"unknown field here (expected {', '.join(sorted(allowed))}){hint}"))
            continue
        raw[key] = data[key]
        origins.places[(key,)] = (display, data.key_lines[key])
        origins.record(data[key], (key,), display)
    return True


def _read_folder(path: Path, display_root: str) -> tuple[dict[str, Any], Origins, list[Problem], set[str]]:
    """Read every file; also return the Plan fields of files that could not be read at all."""
    raw: dict[str, Any] = {}
    unread: set[str] = set()
    origins = Origins(files=_FIELD_FILE, default_file="plan.yaml")
    problems = _unknown_files(path, display_root)
    csv_rows: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for spec in FILES:
        file_path = path / spec.name
        display = f"{display_root}/{spec.name}"
        if is_absent(file_path):
            if spec.required:
                problems.append(Problem(display, None, "", "required file is missing"))
                unread |= _fields_of(spec.name)
            continue
        text, file_problems = read_text(file_path, display, within=path)
        problems += file_problems
        if text is None:
            unread |= _fields_of(spec.name)
        elif spec.csv is not None:
            rows, row_problems = parse_csv(text, spec.csv, display)
            problems += row_problems
            if row_problems and not rows:
                unread |= _fields_of(spec.name)
            csv_rows[spec.name] = rows
        elif not _read_yaml_file(spec.name, text, display, raw, origins, problems):
            unread |= _fields_of(spec.name)

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


def _duplicate_ids(raw: dict[str, Any], origins: Origins) -> list[Problem]:
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


def _attach_costs(raw: dict[str, Any], rows: list[tuple[int, dict[str, Any]]], origins: Origins,
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
    unreadable = folder_problem(folder)
    if unreadable:
        return None, [Problem(display_root, None, "", unreadable)]
    raw, origins, problems, unread = _read_folder(folder, display_root)

    def locate(loc: Loc, message: str) -> Problem:
        file, line = origins.find(loc)
        if file.endswith(".csv"):  # a CSV reader thinks in columns, not in paths
            column = next((x for x in reversed(loc) if isinstance(x, str)), "")
            return Problem(file, line, column, message)
        return Problem(file, line, field_name(loc, raw), message)

    try:
        plan = Plan.model_validate(raw, context={"skip_references": True})
    except ValidationError as exc:
        # Fields of files that could not be read are already reported as such.
        problems += [
            locate(loc_without_markers(tuple(e["loc"])), pydantic_message(e))
            for e in exc.errors()
            if not (e["loc"] and e["loc"][0] in unread)
        ]
        plan = None
    if plan is not None and not problems:
        # References between files are checked once every file is readable and well-formed.
        problems = [locate(loc, message) for loc, message in reference_problems(plan)]
    if problems:
        return None, sorted(set(problems), key=problem_order)
    return plan, []


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
    >>> len(plan.objectives), str(plan.period.first), str(plan.period.last)
    (16, '2021/22', '2024/25')
    """
    plan, problems = _collect(path)
    if problems or plan is None:
        raise PlanError(problems)
    return plan


# --------------------------------------------------------------------------- writing


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
            files[name] = yaml_dump(content)
    for name, key in _MODEL_FILES.items():
        if key in data:  # exclude_defaults leaves out default appraisal settings
            files[name] = yaml_dump(data[key])
    costs = [
        {"commitment_id": c.id, **line.model_dump(mode="json")}
        for c in plan.commitments
        for line in c.costs
    ]
    spec = {f.name: f.csv for f in FILES if f.csv is not None}
    files["commitment_costs.csv"] = csv_dump(spec["commitment_costs.csv"].columns, costs)
    for key in ("kpi_actuals", "commitment_actuals", "unit_costs", "local_authorities"):
        items = [x.model_dump(mode="json") for x in getattr(plan, key)]
        if items:
            files[f"{key}.csv"] = csv_dump(spec[f"{key}.csv"].columns, items)
    for name, text in files.items():
        write_atomic(folder / name, text)
    for spec_file in FILES:
        if spec_file.name not in files and (folder / spec_file.name).exists():
            (folder / spec_file.name).unlink()


def _order(fields: frozenset[str]) -> list[str]:
    return [f for f in Plan.model_fields if f in fields]
