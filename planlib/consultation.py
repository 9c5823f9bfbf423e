"""Consultation evidence: responses coded to themes, weighted by local authority, traced to commitments.

A plan folder may hold a ``consultation/`` folder (see ``data/README.md``):

=======================  ===================================================================
``responses.csv``        one row per response: respondent type, local authority, age band,
                         free text, optional pre-coded themes, source and status
``codebook.yaml``        the themes (ids of consultation entries in ``evidence.yaml``), each
                         with the phrases that code a response to it and the exclusions
``age_profile.csv``      optional: the population's share in each age band, to flag the age
                         groups that are under-represented among the responses
=======================  ===================================================================

Coding is transparent and multi-label: for each theme, the words of its exclusions are taken
out of the text, and the response is coded to the theme if any of its phrases is left
(:func:`code_text`). A response with pre-coded themes keeps them. Weights per local authority
are its share of the census population divided by its share of the responses that name one
of the plan's local authorities; a weighted theme share is the share of responses coded to the
theme when each response counts with its local authority's weight. Each theme is traced to the
enabled commitments whose evidence cites it, directly or through an evidence entry whose
``themes`` lists it; a theme that no commitment answers is a gap in the plan.
:func:`candidate_themes` proposes topics, among the responses no theme caught, that an analyst
may want to add to the codebook.

>>> import planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> results = analyse(plan, load_consultation(planlib.DEFAULT_PLAN, plan))
>>> results.to_json()["responses"]
329
>>> sorted(code_text("Knife crime near the school", results.consultation.codebook))
['pri_young_people', 'theme_reducing_violence']
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
from pydantic import Field, ValidationError, field_validator

from planlib.errors import PlanError, Problem
from planlib.io import CsvSpec, YamlProblem, parse_csv, parse_yaml, read_text, yaml_line
from planlib.model import Plan, Record
from planlib.types import Id, Status, Text

FOLDER = "consultation"
"""The folder of a plan that holds the consultation (the plan loader ignores it)."""

RESPONDENT_TYPES = ("resident", "organisation", "partner")
OUTSIDE, UNKNOWN = "outside", "unknown"
"""Local authority of a response from outside the police area, or whose area is not known."""
AREA_LABELS = {OUTSIDE: "Outside the area", UNKNOWN: "Area not given"}
"""How :data:`OUTSIDE` and :data:`UNKNOWN` are written for a reader."""
AGE_BANDS = ("under 16", "16-24", "25-34", "35-44", "45-54", "55-64", "65+")
NO_AGE = ("not given", "not applicable")
"""Age band of a resident who did not say, and of an organisation or partner."""
YOUNG = ("under 16", "16-24")
"""The age bands counted as young people: under 25, planlib's choice (seed 000 para 19 singles out
young people without giving an age)."""
RESPONSE_STATUSES = ("verified", "synthetic", "illustrative", "unverified")
THEME_KINDS = ("consultation_priority", "consultation_theme")
"""Kinds of evidence entry a codebook theme may be."""

UNDER_REPRESENTED_WEIGHT = 1.5
"""A group whose share of the responses is less than two thirds of its share of the population
(weight above 1.5) is flagged as under-represented."""

EXAMPLES_PER_THEME = 3

RESPONSES_SPEC = CsvSpec(
    ("response_id", "respondent_type", "local_authority", "age_band", "text", "themes", "source", "status"),
    optional=frozenset({"themes"}),
)
AGE_PROFILE_SPEC = CsvSpec(("age_band", "population_share", "status", "source"),
                           numbers=frozenset({"population_share"}))

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$")
_WORD = re.compile(r"[a-z0-9]+\*?")


# --------------------------------------------------------------------------- the codebook


class CodebookTheme(Record):
    """A theme of the codebook: the evidence entry it codes to, its phrases and exclusions."""

    id: Id
    phrases: tuple[Text, ...] = Field(min_length=1)
    exclusions: tuple[Text, ...] = ()

    @field_validator("phrases", "exclusions")
    @classmethod
    def _words(cls, phrases: tuple[str, ...]) -> tuple[str, ...]:
        for phrase in phrases:
            if not _WORD.search(normalise(phrase)):
                raise ValueError(f"{phrase!r} has no word to match")
            if re.search(r"\*\S", phrase) or phrase.strip().startswith("*"):
                raise ValueError(f"{phrase!r}: * may only end a word")
        return phrases


class Codebook(Record):
    """The themes an analyst codes responses to, with where the codebook came from."""

    source: Text
    status: Status
    themes: tuple[CodebookTheme, ...] = Field(min_length=1)

    @property
    def theme_ids(self) -> list[str]:
        """The theme ids, in the codebook's order."""
        return [t.id for t in self.themes]


def normalise(text: str) -> str:
    """Lower case, apostrophes dropped, every other mark a space: the form phrases match in.

    >>> normalise("Residents' meetings - joined-up, NOT “visible”!")
    'residents meetings joined up not visible'
    """
    text = text.lower().replace("’", "").replace("'", "")
    return " ".join(re.sub(r"[^a-z0-9*]+", " ", text).replace("*", " * ").split()).replace(" *", "*")


def _regex(phrase: str) -> str:
    words = _WORD.findall(normalise(phrase))
    parts = [re.escape(w[:-1]) + r"[a-z0-9]*" if w.endswith("*") else re.escape(w) for w in words]
    return r"\b" + " ".join(parts) + r"\b"


@dataclass(frozen=True)
class _CompiledTheme:
    id: str
    phrases: tuple[tuple[str, re.Pattern[str]], ...]
    exclusions: re.Pattern[str] | None


_COMPILED: dict[Codebook, tuple[_CompiledTheme, ...]] = {}


def _compiled(codebook: Codebook) -> tuple[_CompiledTheme, ...]:
    if codebook not in _COMPILED:
        _COMPILED[codebook] = tuple(
            _CompiledTheme(
                t.id,
                tuple((p, re.compile(_regex(p))) for p in t.phrases),
                re.compile("|".join(_regex(e) for e in t.exclusions)) if t.exclusions else None,
            )
            for t in codebook.themes
        )
    return _COMPILED[codebook]


def code_text(text: str, codebook: Codebook) -> dict[str, str]:
    """The themes ``text`` is coded to, each with the first of its phrases that matched.

    For each theme, the words of its exclusions are masked first; then any of its phrases
    left in the text codes the response to it. Several themes, or none, may match.

    >>> book = Codebook(source="s", status="illustrative", themes=[
    ...     {"id": "violence", "phrases": ["violen*", "knife"], "exclusions": ["domestic violence"]},
    ...     {"id": "abuse", "phrases": ["domestic violence"]}])
    >>> code_text("Domestic violence is rising", book)
    {'abuse': 'domestic violence'}
    >>> code_text("Knife crime and domestic violence; violent streets", book)
    {'violence': 'violen*', 'abuse': 'domestic violence'}
    """
    plain = normalise(text)
    found: dict[str, str] = {}
    for theme in _compiled(codebook):
        masked = theme.exclusions.sub(" # ", plain) if theme.exclusions is not None else plain
        for phrase, pattern in theme.phrases:
            if pattern.search(masked):
                found[theme.id] = phrase
                break
    return found


# --------------------------------------------------------------------------- reading the folder


@dataclass(frozen=True)
class Consultation:
    """The consultation of one plan, read and checked.

    Attributes
    ----------
    responses : pandas.DataFrame
        One row per response: ``response_id, respondent_type, local_authority, age_band, text,
        precoded`` (a tuple of theme ids, empty when the codebook codes it), ``source, status,
        line`` (its line in responses.csv).
    codebook : Codebook
    age_profile : pandas.DataFrame or None
        ``age_band, population_share, status, source``; None when the folder has no age_profile.csv.
    folder : str
        The consultation folder, as the user would write it.
    """

    responses: pd.DataFrame
    codebook: Codebook
    age_profile: pd.DataFrame | None
    folder: str


def _read_codebook(path: Path, display: str, plan: Plan) -> tuple[Codebook | None, list[Problem]]:
    text, problems = read_text(path, display)
    if text is None:
        return None, problems
    try:
        data = parse_yaml(text)
    except YamlProblem as exc:
        return None, [Problem(display, exc.line, "", exc.message)]
    try:
        codebook = Codebook.model_validate(data)
    except ValidationError as exc:
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
        return None, found
    kinds = {e.id: e.kind for e in plan.evidence}
    seen: set[str] = set()
    for i, theme in enumerate(codebook.themes):
        line = yaml_line(data, ("themes", i, "id"))
        if theme.id in seen:
            problems.append(Problem(display, line, f"themes.{theme.id}", "the theme is in the codebook twice"))
        seen.add(theme.id)
        if theme.id not in kinds:
            problems.append(Problem(display, line, f"themes.{theme.id}",
                                    f"unknown theme {theme.id!r}: not an entry of evidence.yaml"))
        elif kinds[theme.id] not in THEME_KINDS:
            problems.append(Problem(display, line, f"themes.{theme.id}",
                                    f"{theme.id!r} is {kinds[theme.id]} evidence; a theme must be a "
                                    f"consultation_priority or consultation_theme"))
    return codebook, problems


def _read_age_profile(path: Path, display: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    text, problems = read_text(path, display)
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
    total = sum(row["population_share"] for _, row in rows)
    if rows and abs(total - 1) > 0.01:
        problems.append(Problem(display, None, "population_share", f"the shares add up to {total:.3f}, not 1"))
    table = pd.DataFrame([row for _, row in rows], columns=list(AGE_PROFILE_SPEC.columns))
    return (None if problems else table), problems


def _check_responses(rows: list[tuple[int, dict[str, Any]]], display: str, plan: Plan,
                     theme_ids: set[str] | None) -> tuple[list[dict[str, Any]], list[Problem]]:
    areas = [a.name for a in plan.local_authorities]
    places = set(areas) | {OUTSIDE, UNKNOWN}
    problems: list[Problem] = []
    checked = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        before = len(problems)

        def bad(field: str, message: str) -> None:
            problems.append(Problem(display, line, field, message))

        response_id = row["response_id"]
        if not _ID.match(response_id):
            bad("response_id", f"{response_id!r} is not an id (a letter, then up to 63 letters, digits, _ . -)")
        elif response_id in first_line:
            bad("response_id", f"duplicate response_id {response_id!r} (first on line {first_line[response_id]})")
        else:
            first_line[response_id] = line
        if row["respondent_type"] not in RESPONDENT_TYPES:
            bad("respondent_type", f"unknown respondent type {row['respondent_type']!r} (expected {', '.join(RESPONDENT_TYPES)})")
        if row["local_authority"] not in places:
            bad("local_authority", f"unknown local authority {row['local_authority']!r} (expected one of "
                                   f"{', '.join(areas)}, or {OUTSIDE} or {UNKNOWN})")
        if row["age_band"] not in AGE_BANDS + NO_AGE:
            bad("age_band", f"unknown age band {row['age_band']!r} (expected {', '.join(AGE_BANDS + NO_AGE)})")
        elif row["respondent_type"] in ("organisation", "partner") and row["age_band"] != "not applicable":
            bad("age_band", f"{row['respondent_type']} responses have no age: write 'not applicable' "
                            f"(got {row['age_band']!r}, which would count in the age shares)")
        elif row["respondent_type"] == "resident" and row["age_band"] == "not applicable":
            bad("age_band", "a resident's age is one of the age bands, or 'not given'")
        if row["status"] not in RESPONSE_STATUSES:
            bad("status", f"unknown status {row['status']!r} (expected {', '.join(RESPONSE_STATUSES)})")
        if len(row["text"]) > 20_000:
            bad("text", f"the text has {len(row['text']):,} characters; the limit is 20,000")
        precoded = tuple(t.strip() for t in row.get("themes", "").split(";") if t.strip())
        unknown = [t for t in precoded if theme_ids is not None and t not in theme_ids]
        if unknown:
            bad("themes", f"unknown theme{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
                          f"(not in codebook.yaml)")
        if len(problems) == before:
            checked.append({**row, "precoded": precoded, "line": line})
    return checked, problems


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
    if not folder.is_dir():
        raise PlanError([Problem(display, None, "", "no consultation folder in the plan folder "
                                                    "(it holds responses.csv and codebook.yaml)")])
    problems: list[Problem] = []
    for name in ("responses.csv", "codebook.yaml"):
        if not (folder / name).is_file():
            problems.append(Problem(f"{display}/{name}", None, "", "required file is missing"))
    if problems:
        raise PlanError(problems)
    codebook, problems = _read_codebook(folder / "codebook.yaml", f"{display}/codebook.yaml", plan)
    age_profile = None
    if (folder / "age_profile.csv").exists():
        age_profile, age_problems = _read_age_profile(folder / "age_profile.csv", f"{display}/age_profile.csv")
        problems += age_problems
    responses_file = f"{display}/responses.csv"
    text, read_problems = read_text(folder / "responses.csv", responses_file)
    problems += read_problems
    checked: list[dict[str, Any]] = []
    if text is not None:
        rows, row_problems = parse_csv(text, RESPONSES_SPEC, responses_file)
        theme_ids = set(codebook.theme_ids) if codebook is not None else None
        checked, check_problems = _check_responses(rows, responses_file, plan, theme_ids)
        problems += row_problems + check_problems
        if not rows and not row_problems:
            problems.append(Problem(responses_file, None, "", "no responses: the file has a header only"))
    problems += _evidence_theme_problems(plan, codebook, Path(path) / "evidence.yaml", f"{root}/evidence.yaml")
    if problems or codebook is None:
        raise PlanError(sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.field, p.message)))
    columns = ["response_id", "respondent_type", "local_authority", "age_band", "text", "precoded", "source",
               "status", "line"]
    responses = pd.DataFrame(checked, columns=columns)
    return Consultation(responses, codebook, age_profile, display)


def _evidence_theme_problems(plan: Plan, codebook: Codebook | None, path: Path, display: str) -> list[Problem]:
    """Evidence entries whose ``themes`` name something that is not a theme of the codebook."""
    if codebook is None:
        return []
    themes = set(codebook.theme_ids)
    wrong = [(i, e, theme) for i, e in enumerate(plan.evidence) for theme in e.themes if theme not in themes]
    if not wrong:
        return []
    try:  # the plan loaded, so the file reads; this only finds the lines
        data = parse_yaml(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, YamlProblem):
        data = None
    return [
        Problem(display, yaml_line(data, ("evidence", i, "themes")) if data is not None else None,
                f"evidence.{e.id}.themes",
                f"unknown theme {theme!r} (the codebook's themes are {', '.join(codebook.theme_ids)})")
        for i, e, theme in wrong
    ]


# --------------------------------------------------------------------------- analysis


def code_responses(consultation: Consultation) -> pd.DataFrame:
    """Every response with a True/False column per theme, ``coded_by`` and ``matched``.

    ``coded_by`` is ``analyst`` for a response with pre-coded themes (kept as they are) and
    ``codebook`` otherwise; ``matched`` says which phrase coded each theme
    (``theme_drug_harm: cannabis; ...``), so that an analyst can check the rules.
    """
    table = consultation.responses.copy()
    theme_ids = consultation.codebook.theme_ids
    coded_by, matched, flags = [], [], []
    for row in table.itertuples():
        if row.precoded:
            found = {t: "pre-coded" for t in row.precoded}
            coded_by.append("analyst")
        else:
            found = code_text(row.text, consultation.codebook)
            coded_by.append("codebook")
        matched.append("; ".join(f"{t}: {p}" for t, p in found.items()))
        flags.append([t in found for t in theme_ids])
    table["coded_by"] = coded_by
    table["matched"] = matched
    theme_flags = pd.DataFrame(flags, columns=theme_ids, index=table.index, dtype=bool)
    return pd.concat([table, theme_flags], axis=1)


def local_authority_weights(plan: Plan, coded: pd.DataFrame) -> pd.DataFrame:
    """Responses, population and weight for each local authority (then outside and unknown).

    ``weight`` = population share / response share, the shares taken over the plan's local
    authorities only (responses from outside the area or from an unknown one get no weight).
    It is NaN for an authority with no response. ``under_represented`` is True when the
    weight exceeds :data:`UNDER_REPRESENTED_WEIGHT` or the authority has no response.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> coded = pd.DataFrame({"local_authority": ["Birmingham", "Solihull", "outside"]})
    >>> table = local_authority_weights(plan, coded).set_index("local_authority")
    >>> round(float(table.at["Birmingham", "weight"]), 3), bool(table.at["Dudley", "under_represented"])
    (0.784, True)
    """
    counts = coded["local_authority"].value_counts()
    population = pd.Series({a.name: float(a.population) for a in plan.local_authorities})
    responses = counts.reindex(population.index, fill_value=0).astype("int64")
    known = int(responses.sum())
    table = pd.DataFrame({
        "local_authority": population.index,
        "responses": responses.to_numpy(),
        "population": population.to_numpy(),
    })
    table["response_share"] = table["responses"] / known if known else math.nan
    table["population_share"] = table["population"] / population.sum()
    share = table["response_share"].where(table["responses"] > 0)
    table["weight"] = table["population_share"] / share
    table["under_represented"] = (table["weight"] > UNDER_REPRESENTED_WEIGHT) | (table["responses"] == 0)
    others = pd.DataFrame({
        "local_authority": [OUTSIDE, UNKNOWN],
        "responses": [int(counts.get(OUTSIDE, 0)), int(counts.get(UNKNOWN, 0))],
        "population": [math.nan, math.nan], "response_share": [math.nan, math.nan],
        "population_share": [math.nan, math.nan], "weight": [math.nan, math.nan],
        "under_represented": [False, False],
    })
    return pd.concat([table, others], ignore_index=True)


def response_weights(plan: Plan, coded: pd.DataFrame) -> pd.Series:
    """Each response's weight: its local authority's weight, NaN outside the plan's local authorities."""
    weights = local_authority_weights(plan, coded).set_index("local_authority")["weight"]
    return coded["local_authority"].map(weights).astype("float64")


def age_table(consultation: Consultation, coded: pd.DataFrame | None = None) -> pd.DataFrame:
    """Responses by age band, with the population's share and a flag for under-represented bands.

    Shares are over residents who gave their age. ``weight`` and ``under_represented`` need an
    age profile (``age_profile.csv``); without one they are NaN and False.
    """
    table = consultation.responses if coded is None else coded
    counts = table["age_band"].value_counts()
    bands = list(AGE_BANDS) + list(NO_AGE)
    out = pd.DataFrame({"age_band": bands, "responses": [int(counts.get(b, 0)) for b in bands]})
    given = int(out.loc[out["age_band"].isin(AGE_BANDS), "responses"].sum())
    out["response_share"] = [n / given if given and b in AGE_BANDS else math.nan
                             for b, n in zip(out["age_band"], out["responses"])]
    profile = {} if consultation.age_profile is None else dict(
        zip(consultation.age_profile["age_band"], consultation.age_profile["population_share"]))
    out["population_share"] = [profile.get(b, math.nan) for b in out["age_band"]]
    out["weight"] = out["population_share"] / out["response_share"].where(out["responses"] > 0)
    out["under_represented"] = (out["weight"] > UNDER_REPRESENTED_WEIGHT) | (
        out["population_share"].notna() & (out["population_share"] > 0) & (out["responses"] == 0))
    out["young"] = out["age_band"].isin(YOUNG)
    return out


def by_group(coded: pd.DataFrame, theme_ids: Iterable[str], column: str) -> pd.DataFrame:
    """Responses coded to each theme in each group of ``column`` (local_authority, age_band...).

    Long form: ``group, theme, responses, group_responses, share`` (share of the group's
    responses coded to the theme).
    """
    rows = []
    for group, part in coded.groupby(column, sort=False):
        for theme in theme_ids:
            n = int(part[theme].sum())
            rows.append({"group": group, "theme": theme, "responses": n, "group_responses": len(part),
                         "share": n / len(part)})
    return pd.DataFrame(rows, columns=["group", "theme", "responses", "group_responses", "share"])


def trace(plan: Plan, theme_ids: Iterable[str]) -> pd.DataFrame:
    """The enabled commitments that answer each theme, and through which evidence.

    A commitment answers a theme when it cites the theme's evidence entry (``via`` is the
    theme itself) or an entry whose ``themes`` lists it (``via`` is that entry). Long form:
    ``theme, commitment_id, commitment, via``; one row per theme and commitment (the first
    evidence it cites that leads to the theme).
    """
    leads_to: dict[str, set[str]] = {}
    for e in plan.evidence:
        leads_to[e.id] = {e.id, *e.themes}
    rows = []
    for theme in theme_ids:
        for c in plan.commitments:
            if not c.enabled:
                continue
            via = next((e for e in c.evidence if theme in leads_to.get(e, {e})), None)
            if via is not None:
                rows.append({"theme": theme, "commitment_id": c.id, "commitment": c.title, "via": via})
    return pd.DataFrame(rows, columns=["theme", "commitment_id", "commitment", "via"])


def commitments_without_evidence(plan: Plan) -> list[str]:
    """Ids of the enabled commitments that cite no evidence at all."""
    return [c.id for c in plan.commitments if c.enabled and not c.evidence]


def _examples(coded: pd.DataFrame, theme: str, count: int = EXAMPLES_PER_THEME) -> list[str]:
    """Quotes for a theme: the first responses coded to it, preferring those short enough to read aloud."""
    texts = coded.loc[coded[theme], "text"]
    ordered = sorted(range(len(texts)), key=lambda i: (len(texts.iloc[i]) > 200, i))
    return [texts.iloc[i] for i in ordered[:count]]


@dataclass(frozen=True)
class ConsultationResults:
    """Everything :func:`analyse` found; each table is a DataFrame.

    Attributes
    ----------
    coded : responses with a True/False column per theme (:func:`code_responses`)
    themes : one row per theme: ``theme, title, kind, responses, share, weighted_share,
        commitments`` (list of ids), ``examples`` (list of quotes), ``gap`` (no commitment answers it)
    local_authorities : :func:`local_authority_weights`
    ages : :func:`age_table`
    by_local_authority, by_age : :func:`by_group`
    trace : :func:`trace`
    no_evidence : ids of commitments that cite no evidence
    """

    plan: Plan
    consultation: Consultation
    coded: pd.DataFrame
    themes: pd.DataFrame
    local_authorities: pd.DataFrame
    ages: pd.DataFrame
    by_local_authority: pd.DataFrame
    by_age: pd.DataFrame
    trace: pd.DataFrame
    no_evidence: list[str]

    @property
    def gaps(self) -> list[str]:
        """Themes that no enabled commitment answers."""
        return list(self.themes.loc[self.themes["gap"], "theme"])

    @property
    def under_represented(self) -> list[str]:
        """Local authorities and age bands under-represented among the responses, young people first."""
        young = self.ages[self.ages["young"]]
        population, responses = young["population_share"].sum(min_count=1), young["response_share"].sum(min_count=1)
        # No young respondent at all, against a known young population, is the clearest case.
        flagged = (["young people (under 25)"]
                   if population > 0 and (responses == 0 or population / responses > UNDER_REPRESENTED_WEIGHT) else [])
        ages = self.ages[self.ages["under_represented"]].sort_values("young", ascending=False, kind="stable")
        las = self.local_authorities[self.local_authorities["under_represented"]]
        return flagged + [f"people aged {b}" for b in ages["age_band"]] + list(las["local_authority"])

    def to_json(self) -> dict[str, Any]:
        """The summary ``planlib consult --format json`` prints: ``responses``, ``themes``, ``local_authorities``.

        Shares and weights are rounded to 6 decimals; a weight that cannot be computed is None.
        """
        def number(x: float) -> float | None:
            return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 6)

        return {
            "responses": int(len(self.coded)),
            "themes": [
                {"theme": r.theme, "responses": int(r.responses), "share": number(r.share),
                 "weighted_share": number(r.weighted_share), "commitments": list(r.commitments),
                 "examples": list(r.examples)}
                for r in self.themes.itertuples()
            ],
            "local_authorities": [
                {"local_authority": r.local_authority, "responses": int(r.responses),
                 "population": None if math.isnan(r.population) else int(r.population),
                 "weight": number(r.weight)}
                for r in self.local_authorities.itertuples()
            ],
        }


def analyse(plan: Plan, consultation: Consultation) -> ConsultationResults:
    """Code the responses and compute every table: themes, weights, groups, trace, flags.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> results = analyse(plan, load_consultation(planlib.DEFAULT_PLAN, plan))
    >>> results.gaps
    []
    >>> int(results.local_authorities["responses"].sum())
    329
    """
    coded = code_responses(consultation)
    theme_ids = consultation.codebook.theme_ids
    weights = response_weights(plan, coded)
    known = weights.notna()
    traced = trace(plan, theme_ids)
    titles = {e.id: e.title for e in plan.evidence}
    kinds = {e.id: e.kind for e in plan.evidence}
    total = len(coded)
    rows = []
    for theme in theme_ids:
        n = int(coded[theme].sum())
        weighted = float((weights[known] * coded.loc[known, theme]).sum() / weights[known].sum()) if known.any() else math.nan
        commitments = list(traced.loc[traced["theme"] == theme, "commitment_id"])
        rows.append({"theme": theme, "title": titles.get(theme, theme), "kind": kinds.get(theme, ""),
                     "responses": n, "share": n / total if total else math.nan, "weighted_share": weighted,
                     "commitments": commitments, "examples": _examples(coded, theme), "gap": not commitments})
    themes = pd.DataFrame(rows)
    return ConsultationResults(
        plan=plan, consultation=consultation, coded=coded, themes=themes,
        local_authorities=local_authority_weights(plan, coded), ages=age_table(consultation, coded),
        by_local_authority=by_group(coded, theme_ids, "local_authority"),
        by_age=by_group(coded, theme_ids, "age_band"), trace=traced,
        no_evidence=commitments_without_evidence(plan),
    )


def precision_recall(predicted: pd.DataFrame, expected: pd.DataFrame, theme_ids: Iterable[str]) -> pd.DataFrame:
    """Per theme: true and false positives, false negatives, precision and recall of a coding.

    ``predicted`` and ``expected`` hold a True/False column per theme, rows in the same order.
    Precision is NaN when nothing was coded to the theme; recall is NaN when nothing should be.

    >>> p = pd.DataFrame({"t": [True, True, False, False]})
    >>> e = pd.DataFrame({"t": [True, False, True, False]})
    >>> precision_recall(p, e, ["t"])[["precision", "recall"]].to_dict("records")
    [{'precision': 0.5, 'recall': 0.5}]
    """
    rows = []
    for theme in theme_ids:
        got, want = predicted[theme].to_numpy(bool), expected[theme].to_numpy(bool)
        tp, fp, fn = int((got & want).sum()), int((got & ~want).sum()), int((~got & want).sum())
        rows.append({"theme": theme, "true_positives": tp, "false_positives": fp, "false_negatives": fn,
                     "precision": tp / (tp + fp) if tp + fp else math.nan,
                     "recall": tp / (tp + fn) if tp + fn else math.nan})
    return pd.DataFrame(rows)


def candidate_themes(coded: pd.DataFrame, theme_ids: Iterable[str], *, candidates: int = 4, words: int = 6,
                     seed: int = 0) -> pd.DataFrame:
    """Candidate new themes for an analyst to review: topics of the responses no theme caught.

    The texts of the responses coded to no theme are weighted by TF-IDF (English stop words
    left out; words and pairs of words used in at least two responses) and factorised by
    non-negative matrix factorisation (NMF) into ``candidates`` topics. A topic is a
    suggestion, not a finding: an analyst reads its words and quotes and decides whether the
    codebook needs a theme, or a phrase added to one it has.

    Parameters
    ----------
    coded : pandas.DataFrame
        From :func:`code_responses`.
    theme_ids : iterable of str
        The codebook's themes (columns of ``coded``).
    candidates, words : int
        How many topics to propose, and how many of each topic's top words to show.
    seed : int
        Seed of the factorisation (the same seed gives the same topics).

    Returns
    -------
    pandas.DataFrame
        One row per topic, largest first: ``candidate`` (1, 2...), ``words`` (its top words,
        comma-separated), ``responses`` (uncoded responses for which it is the main topic) and
        ``examples`` (up to two of their quotes). Empty when too few responses are uncoded.

    Examples
    --------
    >>> coded = pd.DataFrame({"text": ["Speeding cars on our road", "Cars speeding past the school",
    ...                                "Fly-tipping rubbish in the alley", "Rubbish and fly-tipping everywhere"],
    ...                       "t": [False] * 4})
    >>> table = candidate_themes(coded, ["t"], candidates=2, words=2)
    >>> sorted(("speeding" in w, "tipping" in w) for w in table["words"])  # one topic each
    [(False, True), (True, False)]
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    columns = ["candidate", "words", "responses", "examples"]
    uncoded = coded.loc[~coded[list(theme_ids)].any(axis=1), "text"].reset_index(drop=True)
    if len(uncoded) < max(2, candidates):
        return pd.DataFrame(columns=columns)
    vectoriser = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), min_df=2)
    try:
        matrix = vectoriser.fit_transform(uncoded)
    except ValueError:  # no word is used in two responses
        return pd.DataFrame(columns=columns)
    candidates = min(candidates, *matrix.shape)
    model = NMF(n_components=candidates, init="nndsvda", random_state=seed, max_iter=500)
    weights = model.fit_transform(matrix)
    vocabulary = vectoriser.get_feature_names_out()
    main_topic = weights.argmax(axis=1)
    rows = []
    for k, component in enumerate(model.components_):
        top = [vocabulary[i] for i in component.argsort()[::-1] if component[i] > 0]
        single = [w for w in top if " " not in w]  # a pair's words are shown as words
        members = [i for i in range(len(uncoded)) if main_topic[i] == k and weights[i, k] > 0]
        rows.append({"words": ", ".join(single[:words]), "responses": len(members),
                     "examples": [uncoded[i] for i in members[:2]]})
    table = pd.DataFrame(rows, columns=columns[1:]).sort_values("responses", ascending=False, kind="stable")
    table.insert(0, "candidate", range(1, len(table) + 1))
    return table[table["responses"] > 0].reset_index(drop=True)


# --------------------------------------------------------------------------- for people


def _pct(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.0%}"


def summary_text(results: ConsultationResults) -> str:
    """The readable report ``planlib consult`` prints: themes, weights, trace and flags."""
    plan, consultation = results.plan, results.consultation
    statuses = sorted(set(consultation.responses["status"]))
    lines = [f"{plan.name}: consultation, {len(results.coded)} responses ({', '.join(statuses)}) coded by "
             f"{consultation.folder}/codebook.yaml"]
    if "synthetic" in statuses:
        lines.append("  ! The responses are SYNTHETIC (made up for this example): no figure below is evidence.")
    lines += ["", f"{'theme':<56}{'responses':>10}{'share':>8}{'weighted':>10}  commitments"]
    for r in results.themes.itertuples():
        answered = ", ".join(r.commitments) if r.commitments else "NONE: a gap in the plan"
        lines.append(f"{r.title[:55]:<56}{r.responses:>10}{_pct(r.share):>8}{_pct(r.weighted_share):>10}  {answered}")
    lines += ["", "Weighted: each response counts with its local authority's weight (population share / response "
                  "share; Census 2021 populations).", "",
              f"{'local authority':<20}{'responses':>10}{'population':>12}{'pop. share':>11}{'resp. share':>12}{'weight':>8}"]
    for r in results.local_authorities.itertuples():
        population = "–" if math.isnan(r.population) else f"{r.population:,.0f}"
        weight = "–" if math.isnan(r.weight) else f"{r.weight:.2f}"
        flag = "  under-represented" if r.under_represented else ""
        lines.append(f"{r.local_authority:<20}{r.responses:>10}{population:>12}{_pct(r.population_share):>11}"
                     f"{_pct(r.response_share):>12}{weight:>8}{flag}")
    lines += ["", f"{'age band':<20}{'responses':>10}{'resp. share':>12}{'pop. share':>11}"]
    for r in results.ages.itertuples():
        flag = "  under-represented" if r.under_represented else ""
        lines.append(f"{r.age_band:<20}{r.responses:>10}{_pct(r.response_share):>12}{_pct(r.population_share):>11}{flag}")
    if consultation.age_profile is not None and (consultation.age_profile["status"] == "unverified").any():
        lines.append("  (population shares by age are unverified: see age_profile.csv)")
    lines.append("")
    if results.gaps:
        lines.append(f"  ! Themes no commitment answers (gaps in the plan): {', '.join(results.gaps)}")
    else:
        lines.append("Every theme is answered by at least one commitment.")
    if results.under_represented:
        lines.append(f"  ! Under-represented among the responses: {', '.join(results.under_represented)}")
    if results.no_evidence:
        lines.append(f"  ! Commitments that cite no evidence ({len(results.no_evidence)}): {', '.join(results.no_evidence)}")
    uncoded = int((~results.coded[list(results.themes["theme"])].any(axis=1)).sum())
    candidates = candidate_themes(results.coded, results.themes["theme"])
    if len(candidates):
        lines += ["", f"Candidate themes the codebook may miss, from the {uncoded} responses coded to no theme "
                      "(TF-IDF and NMF; for an analyst to review, not findings):"]
        lines += [f"  {r.candidate}. {r.words} ({r.responses} responses)" for r in candidates.itertuples()]
    return "\n".join(lines)


# --------------------------------------------------------------------------- charts

SHARE_COLOURS = ("#0072B2", "#E69F00")
"""Okabe-Ito blue for shares as the responses came in, orange for shares weighted to the population."""


def _subtitle(results: ConsultationResults) -> str:
    statuses = set(results.consultation.responses["status"])
    note = "synthetic responses, made up for this example: not evidence" if statuses == {"synthetic"} else \
        f"{', '.join(sorted(statuses))} responses"
    return f"{len(results.coded)} {note}"


def themes_chart(results: ConsultationResults, *, width: int = 420, row_height: int = 34) -> alt.Chart:
    """Share of responses coded to each theme, as received and weighted by local authority.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> results = analyse(plan, load_consultation(planlib.DEFAULT_PLAN, plan))
    >>> themes_chart(results).to_dict()["title"]["text"]
    'What people raised: share of responses by theme'
    """
    themes = results.themes
    labels = ("As received", "Weighted to the population")
    data = pd.concat([
        pd.DataFrame({"title": themes["title"], "measure": labels[0], "share": themes["share"],
                      "responses": themes["responses"]}),
        pd.DataFrame({"title": themes["title"], "measure": labels[1], "share": themes["weighted_share"],
                      "responses": themes["responses"]}),
    ], ignore_index=True)
    order = list(themes.sort_values("share", ascending=False)["title"])
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("title:N", title=None, sort=order, axis=alt.Axis(labelLimit=330)),
        yOffset=alt.YOffset("measure:N", sort=list(labels)),
        x=alt.X("share:Q", title="Share of responses", axis=alt.Axis(format="%", tickCount=6),
                scale=alt.Scale(domainMin=0)),
        color=alt.Color("measure:N", title=None, sort=list(labels),
                        scale=alt.Scale(domain=list(labels), range=list(SHARE_COLOURS)),
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
        tooltip=[alt.Tooltip("title:N", title="Theme"), alt.Tooltip("measure:N", title="Share"),
                 alt.Tooltip("share:Q", title="Value", format=".1%"),
                 alt.Tooltip("responses:Q", title="Responses coded to it")],
    ).properties(
        title=alt.Title("What people raised: share of responses by theme", subtitle=_subtitle(results), anchor="start"),
        width=width, height=row_height * len(themes),
    )


def theme_by_area_chart(results: ConsultationResults, theme: str, *, width: int = 420, height: int = 240) -> alt.LayerChart:
    """Share of each local authority's responses coded to ``theme``, with the overall share as a line.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> results = analyse(plan, load_consultation(planlib.DEFAULT_PLAN, plan))
    >>> theme_by_area_chart(results, "theme_drug_harm").to_dict()["title"]["text"]
    'Drug harm reduction: share of responses by local authority'
    """
    if theme not in results.consultation.codebook.theme_ids:
        raise ValueError(f"unknown theme {theme!r}")
    areas = [a.name for a in results.plan.local_authorities] + [OUTSIDE, UNKNOWN]
    data = results.by_local_authority[results.by_local_authority["theme"] == theme]
    data = data.set_index("group").reindex(areas).dropna(subset=["share"]).rename_axis("area").reset_index()
    data["area"] = data["area"].replace(AREA_LABELS)
    areas = [AREA_LABELS.get(a, a) for a in areas]
    row = results.themes.set_index("theme").loc[theme]
    overall = pd.DataFrame({"share": [row["share"]], "label": [f"All responses: {row['share']:.0%}"]})
    bars = alt.Chart(data).mark_bar(color=SHARE_COLOURS[0]).encode(
        x=alt.X("area:N", title=None, sort=areas, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("share:Q", title="Share of the area's responses", axis=alt.Axis(format="%"),
                scale=alt.Scale(domainMin=0)),
        tooltip=[alt.Tooltip("area:N", title="Local authority"), alt.Tooltip("share:Q", title="Share", format=".1%"),
                 alt.Tooltip("responses:Q", title="Responses coded to the theme"),
                 alt.Tooltip("group_responses:Q", title="Responses from the area")],
    )
    rule = alt.Chart(overall).mark_rule(color="#000000", strokeDash=[4, 3]).encode(
        y="share:Q", tooltip=alt.Tooltip("label:N", title="Overall"))
    return alt.layer(bars, rule).properties(
        title=alt.Title(f"{row['title']}: share of responses by local authority",
                        subtitle="Dashed line: the share over all responses", anchor="start"),
        width=width, height=height,
    )


def representation_chart(results: ConsultationResults, *, width: int = 420, height: int = 240) -> alt.Chart:
    """Each local authority's share of the responses against its share of the census population.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> results = analyse(plan, load_consultation(planlib.DEFAULT_PLAN, plan))
    >>> representation_chart(results).to_dict()["title"]["text"]
    'Who responded, against the census population'
    """
    table = results.local_authorities.dropna(subset=["population"])
    labels = ("Share of the responses", "Share of the population (Census 2021)")
    data = pd.concat([
        pd.DataFrame({"area": table["local_authority"], "measure": labels[0], "share": table["response_share"],
                      "weight": table["weight"]}),
        pd.DataFrame({"area": table["local_authority"], "measure": labels[1], "share": table["population_share"],
                      "weight": table["weight"]}),
    ], ignore_index=True)
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("area:N", title=None, sort=list(table["local_authority"]), axis=alt.Axis(labelAngle=-30)),
        xOffset=alt.XOffset("measure:N", sort=list(labels)),
        y=alt.Y("share:Q", title="Share", axis=alt.Axis(format="%")),
        color=alt.Color("measure:N", title=None, sort=list(labels),
                        scale=alt.Scale(domain=list(labels), range=list(SHARE_COLOURS)),
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
        tooltip=[alt.Tooltip("area:N", title="Local authority"), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("share:Q", title="Share", format=".1%"), alt.Tooltip("weight:Q", title="Weight", format=".2f")],
    ).properties(
        title=alt.Title("Who responded, against the census population",
                        subtitle="Weight = population share / response share; above 1.5 is under-represented",
                        anchor="start"),
        width=width, height=height,
    )
