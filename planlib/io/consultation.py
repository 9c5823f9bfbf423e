"""Reading a plan's ``consultation/`` folder, every problem named by file, line and field.

=======================  ===================================================================
``responses.csv``        one row per response: respondent type, local authority, age band,
                         free text, optional pre-coded themes, source and status
``codebook.yaml``        the themes (ids of consultation entries in ``evidence.yaml``), each
                         with the phrases that code a response to it and the exclusions
``age_profile.csv``      optional: the population's share in each age band, to flag the age
                         groups that are under-represented among the responses
=======================  ===================================================================

:func:`load_consultation` reads and checks the folder against the plan (local authorities,
evidence) and returns a :class:`~planlib.model.consultation.Consultation`;
:mod:`planlib.consultation` codes and weighs it.

>>> import planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> consultation = load_consultation(planlib.DEFAULT_PLAN, plan)
>>> len(consultation.responses), len(consultation.codebook.theme_ids)
(329, 7)
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from planlib.errors import PlanError, Problem, YamlProblem
from planlib.io.problems import problem_order
from planlib.io.side_files import side_file_problems
from planlib.io.tabular import CsvSpec, parse_csv
from planlib.io.text import folder_problem, is_absent, read_text
from planlib.io.yaml import parse_yaml, yaml_line
from planlib.model.consultation import (
    AGE_BANDS,
    NO_AGE,
    OUTSIDE,
    RESPONDENT_TYPES,
    RESPONSE_COLUMNS,
    RESPONSE_STATUSES,
    UNKNOWN,
    Codebook,
    Consultation,
    codebook_problems,
    evidence_theme_problems,
)
from planlib.model.plan import Plan
from planlib.types import refuse_control_characters

if TYPE_CHECKING:
    import pandas as pd

FOLDER = "consultation"
"""The folder of a plan that holds the consultation (the plan loader ignores it)."""

RESPONSES_SPEC = CsvSpec(
    ("response_id", "respondent_type", "local_authority", "age_band", "text", "themes", "source", "status"),
    optional=frozenset({"themes"}),
)
AGE_PROFILE_SPEC = CsvSpec(("age_band", "population_share", "status", "source"),
                           numbers=frozenset({"population_share"}))

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$")


def _codebook_errors(exc: ValidationError, data: Any, display: str) -> list[Problem]:
    found = []
    errors = exc.errors()
    deeper = {tuple(err["loc"])[:i] for err in errors for i in range(1, len(err["loc"]))}
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "too_short" and loc in deeper:
            continue  # every theme was wrong: the themes are reported, not "no theme"
        field = ".".join(str(x) for x in loc)
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "string_type":
            message = f"expected text (got {err.get('input')!r}); put a number in quotes, as in \"101\""
        if err["type"] == "extra_forbidden":
            message = "unknown field (expected source, status, themes; a theme has id, phrases, exclusions)"
        found.append(Problem(display, yaml_line(data, loc), field, message))
    return found


def _read_codebook(path: Path, display: str, plan: Plan, within: Path) -> tuple[Codebook | None, list[Problem]]:
    text, problems = read_text(path, display, within=within)
    if text is None:
        return None, problems
    try:
        data = parse_yaml(text)
    except YamlProblem as exc:
        return None, [Problem(display, exc.line, "", exc.message)]
    try:
        codebook = Codebook.model_validate(data)
    except ValidationError as exc:
        return None, _codebook_errors(exc, data, display)
    return codebook, side_file_problems(codebook_problems(codebook, plan), data, display)


def _read_age_profile(path: Path, display: str, within: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    text, problems = read_text(path, display, within=within)
    if text is None:
        return None, problems
    rows, problems = parse_csv(text, AGE_PROFILE_SPEC, display)
    seen: set[str] = set()
    for line, row in rows:
        band, share = row.get("age_band"), row.get("population_share", 0.0)
        if band not in AGE_BANDS:
            problems.append(Problem(display, line, "age_band", f"unknown age band {band!r} (expected {', '.join(AGE_BANDS)})"))
        elif band in seen:
            problems.append(Problem(display, line, "age_band", f"age band {band!r} is given twice"))
        seen.add(str(band))
        if not 0 <= share <= 1:
            problems.append(Problem(display, line, "population_share", f"must be a share between 0 and 1 (got {share:g})"))
        if row.get("status") not in RESPONSE_STATUSES + ("estimate",):
            problems.append(Problem(display, line, "status", f"unknown status {row.get('status')!r}"))
    if problems:
        return None, problems
    import pandas as pd  # here, so that planlib --help does not load it

    total = sum(row["population_share"] for _, row in rows)
    if rows and abs(total - 1) > 0.01:
        problems.append(Problem(display, None, "population_share", f"the shares add up to {total:.3f}, not 1"))
    table = pd.DataFrame([row for _, row in rows], columns=list(AGE_PROFILE_SPEC.columns))
    return (None if problems else table), problems


def _row_problems(row: dict[str, Any], areas: list[str], theme_ids: set[str] | None) -> list[tuple[str, str]]:
    """``(column, message)`` for each thing wrong with one response, its id's uniqueness aside."""
    found = []
    if row["respondent_type"] not in RESPONDENT_TYPES:
        found.append(("respondent_type", f"unknown respondent type {row['respondent_type']!r} "
                                         f"(expected {', '.join(RESPONDENT_TYPES)})"))
    if row["local_authority"] not in {*areas, OUTSIDE, UNKNOWN}:
        found.append(("local_authority", f"unknown local authority {row['local_authority']!r} (expected one of "
                                         f"{', '.join(areas)}, or {OUTSIDE} or {UNKNOWN})"))
    if row["age_band"] not in AGE_BANDS + NO_AGE:
        found.append(("age_band", f"unknown age band {row['age_band']!r} (expected {', '.join(AGE_BANDS + NO_AGE)})"))
    elif row["respondent_type"] in ("organisation", "partner") and row["age_band"] != "not applicable":
        found.append(("age_band", f"{row['respondent_type']} responses have no age: write 'not applicable' "
                                  f"(got {row['age_band']!r}, which would count in the age shares)"))
    elif row["respondent_type"] == "resident" and row["age_band"] == "not applicable":
        found.append(("age_band", "a resident's age is one of the age bands, or 'not given'"))
    if row["status"] not in RESPONSE_STATUSES:
        found.append(("status", f"unknown status {row['status']!r} (expected {', '.join(RESPONSE_STATUSES)})"))
    if len(row["text"]) > 20_000:
        found.append(("text", f"the text has {len(row['text']):,} characters; the limit is 20,000"))
    for column in ("text", "source"):
        try:
            refuse_control_characters(str(row[column]))
        except ValueError as exc:
            found.append((column, str(exc)))
    unknown = [t for t in _precoded(row) if theme_ids is not None and t not in theme_ids]
    if unknown:
        found.append(("themes", f"unknown theme{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
                                f"(not in codebook.yaml)"))
    return found


def _precoded(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(t.strip() for t in row.get("themes", "").split(";") if t.strip())


def _check_responses(rows: list[tuple[int, dict[str, Any]]], display: str, plan: Plan,
                     theme_ids: set[str] | None) -> tuple[list[dict[str, Any]], list[Problem]]:
    areas = [a.name for a in plan.local_authorities]
    problems: list[Problem] = []
    checked = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        found = []
        response_id = row["response_id"]
        if not _ID.match(response_id):
            found.append(("response_id", f"{response_id!r} is not an id (a letter, then up to 63 letters, digits, _ . -)"))
        elif response_id in first_line:
            found.append(("response_id", f"duplicate response_id {response_id!r} (first on line {first_line[response_id]})"))
        else:
            first_line[response_id] = line
        found += _row_problems(row, areas, theme_ids)
        problems += [Problem(display, line, column, message) for column, message in found]
        if not found:
            checked.append({**row, "precoded": _precoded(row), "line": line})
    return checked, problems


def _evidence_problems(plan: Plan, codebook: Codebook | None, path: Path, display: str) -> list[Problem]:
    """Evidence entries whose ``themes`` name something that is not a theme of the codebook, with their lines."""
    found = [] if codebook is None else evidence_theme_problems(plan, codebook)
    if not found:
        return []
    text, _ = read_text(path, display, within=path.parent)  # the plan loaded, so the file reads
    try:  # this only finds the lines
        data = parse_yaml(text) if text is not None else None
    except YamlProblem:
        data = None
    return side_file_problems(found, data, display, names={"evidence": [{"id": e.id} for e in plan.evidence]})


def _missing_files(folder: Path, display: str) -> list[Problem]:
    if is_absent(folder):
        return [Problem(display, None, "", "no consultation folder in the plan folder "
                                           "(it holds responses.csv and codebook.yaml)")]
    unreadable = folder_problem(folder, within=folder.parent)
    if unreadable:
        return [Problem(display, None, "", unreadable)]
    return [Problem(f"{display}/{name}", None, "", "required file is missing")
            for name in ("responses.csv", "codebook.yaml") if is_absent(folder / name)]


def load_consultation(path: str | os.PathLike[str], plan: Plan) -> Consultation:
    """Read and check the ``consultation/`` folder of the plan folder at ``path``.

    Parameters
    ----------
    path : path
        The plan folder (the consultation is in its ``consultation/`` folder).
    plan : Plan
        The plan loaded from it: theme ids are checked against its evidence, local authorities
        against its ``local_authorities.csv``.

    Raises
    ------
    PlanError
        listing every problem found, each with file, line and field: a missing file, bytes that
        are not UTF-8, ragged rows, an unclosed quote, an unknown local authority, theme, age
        band or respondent type, a duplicate response id...

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> consultation = load_consultation(planlib.DEFAULT_PLAN, plan)
    >>> len(consultation.responses), set(consultation.responses["status"])
    (329, {'synthetic'})
    """
    root = str(path).rstrip("/") or "."
    folder = Path(path) / FOLDER
    display = f"{root}/{FOLDER}"
    problems = _missing_files(folder, display)
    if problems:
        raise PlanError(problems)
    within = Path(path)
    codebook, problems = _read_codebook(folder / "codebook.yaml", f"{display}/codebook.yaml", plan, within)
    age_profile = None
    if not is_absent(folder / "age_profile.csv"):
        age_profile, age_problems = _read_age_profile(folder / "age_profile.csv", f"{display}/age_profile.csv", within)
        problems += age_problems
    responses_file = f"{display}/responses.csv"
    text, read_problems = read_text(folder / "responses.csv", responses_file, within=within)
    problems += read_problems
    checked: list[dict[str, Any]] = []
    if text is not None:
        rows, row_problems = parse_csv(text, RESPONSES_SPEC, responses_file)
        theme_ids = set(codebook.theme_ids) if codebook is not None else None
        checked, check_problems = _check_responses(rows, responses_file, plan, theme_ids)
        problems += row_problems + check_problems
        if not rows and not row_problems:
            problems.append(Problem(responses_file, None, "", "no responses: the file has a header only"))
    problems += _evidence_problems(plan, codebook, Path(path) / "evidence.yaml", f"{root}/evidence.yaml")
    if problems or codebook is None:
        raise PlanError(sorted(set(problems), key=problem_order))
    import pandas as pd  # here, so that planlib --help does not load it

    responses = pd.DataFrame(checked, columns=list(RESPONSE_COLUMNS))
    return Consultation(responses, codebook, age_profile, display)
