"""Consultation evidence as records: the codebook, its themes, and a plan's consultation.

A plan folder may hold a ``consultation/`` folder (read by :mod:`planlib.io.consultation`):
the responses, the codebook that codes them to themes, and optionally the population's age
profile. This module holds what they are, the words a response may use for its respondent
type, age band and status, and the checks of a codebook against a plan
(:func:`codebook_problems`, :func:`evidence_theme_problems`), which return
``(location, message)`` pairs and know no files. :mod:`planlib.consultation` codes and weighs.

>>> book = Codebook(source="s", status="illustrative", themes=[{"id": "violence", "phrases": ["knife*"]}])
>>> book.theme_ids
['violence']
>>> from pydantic import ValidationError
>>> try:
...     CodebookTheme(id="t", phrases=["*drugs"])
... except ValidationError as exc:
...     print(exc.errors()[0]["msg"])
Value error, '*drugs': * may only end a word
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from planlib.model.base import Loc, Record
from planlib.model.plan import Plan
from planlib.types import Id, Status, Text

if TYPE_CHECKING:  # the responses are a DataFrame; pandas loads when a consultation is read
    import pandas as pd

RESPONDENT_TYPES = ("resident", "organisation", "partner")
OUTSIDE, UNKNOWN = "outside", "unknown"
"""Local authority of a response from outside the police area, or whose area is not known."""
AGE_BANDS = ("under 16", "16-24", "25-34", "35-44", "45-54", "55-64", "65+")
NO_AGE = ("not given", "not applicable")
"""Age band of a resident who did not say, and of an organisation or partner."""
YOUNG = ("under 16", "16-24")
"""The age bands counted as young people: under 25, planlib's choice (seed 000 para 19 singles out
young people without giving an age)."""
RESPONSE_STATUSES = ("verified", "synthetic", "illustrative", "unverified")
THEME_KINDS = ("consultation_priority", "consultation_theme")
"""Kinds of evidence entry a codebook theme may be."""

RESPONSE_COLUMNS = ("response_id", "respondent_type", "local_authority", "age_band", "text", "precoded", "source",
                    "status", "line")
"""The columns of :attr:`Consultation.responses`."""

WORD = re.compile(r"[a-z0-9]+\*?")
"""A word of a phrase, after :func:`normalise`; a final ``*`` matches any ending."""


def normalise(text: str) -> str:
    """Lower case, apostrophes dropped, every other mark a space: the form phrases match in.

    >>> normalise("Residents' meetings - joined-up, NOT “visible”!")
    'residents meetings joined up not visible'
    """
    text = text.lower().replace("’", "").replace("'", "")
    return " ".join(re.sub(r"[^a-z0-9*]+", " ", text).replace("*", " * ").split()).replace(" *", "*")


class CodebookTheme(Record):
    """A theme of the codebook: the evidence entry it codes to, its phrases and exclusions."""

    id: Id
    phrases: tuple[Text, ...] = Field(min_length=1)
    exclusions: tuple[Text, ...] = ()

    @field_validator("phrases", "exclusions")
    @classmethod
    def _words(cls, phrases: tuple[str, ...]) -> tuple[str, ...]:
        for phrase in phrases:
            if not WORD.search(normalise(phrase)):
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


def codebook_problems(codebook: Codebook, plan: Plan) -> list[tuple[Loc, str]]:
    """Themes given twice, and themes that are not consultation entries of the plan's evidence.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> theme = next(e.id for e in plan.evidence if e.kind == "consultation_theme")
    >>> book = Codebook(source="s", status="illustrative", themes=[
    ...     {"id": theme, "phrases": ["drugs"]}, {"id": "nope", "phrases": ["x"]}])
    >>> codebook_problems(book, plan)
    [(('themes', 1), "unknown theme 'nope': not an entry of evidence.yaml")]
    """
    kinds = {e.id: e.kind for e in plan.evidence}
    problems: list[tuple[Loc, str]] = []
    seen: set[str] = set()
    for i, theme in enumerate(codebook.themes):
        if theme.id in seen:
            problems.append((("themes", i), "the theme is in the codebook twice"))
        seen.add(theme.id)
        if theme.id not in kinds:
            problems.append((("themes", i), f"unknown theme {theme.id!r}: not an entry of evidence.yaml"))
        elif kinds[theme.id] not in THEME_KINDS:
            problems.append((("themes", i), f"{theme.id!r} is {kinds[theme.id]} evidence; a theme must be a "
                                            f"consultation_priority or consultation_theme"))
    return problems


def evidence_theme_problems(plan: Plan, codebook: Codebook) -> list[tuple[Loc, str]]:
    """Evidence entries whose ``themes`` name something that is not a theme of the codebook.

    The location is a path into the plan (its ``evidence``), not into the codebook.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> book = Codebook(source="s", status="illustrative", themes=[{"id": "drugs", "phrases": ["drugs"]}])
    >>> evidence_theme_problems(plan, book)[0][1].endswith("(the codebook's themes are drugs)")
    True
    """
    themes = set(codebook.theme_ids)
    return [(("evidence", i, "themes"),
             f"unknown theme {theme!r} (the codebook's themes are {', '.join(codebook.theme_ids)})")
            for i, e in enumerate(plan.evidence) for theme in e.themes if theme not in themes]
