"""What ``planlib new`` is told: the police area, the period and the billing authorities, checked.

:func:`new_plan_settings` checks the options a person gives and lists every problem with them
at once; the :class:`NewPlanSettings` it returns also derives what the new plan's files share:
its id, name, years, the placeholder polling day and the neighbourhood officers' build-up.

>>> s = new_plan_settings("Testshire", "2021", 4, ["Northtown", "Southtown"])
>>> s.plan_id, s.name, [str(y) for y in s.years][-1], str(s.election_date)
('testshire_2021', 'Testshire Police and Crime Plan 2021-2025', '2024/25', '2021-05-06')
>>> try:
...     new_plan_settings(" ", "2021/23", 0, ["Northtown", "northtown"])
... except PlanError as exc:
...     print(exc)
4 problems:
planlib new: area: the police area is empty: give its name, such as "Testshire"
planlib new: first_year: '2021/23' is not a financial year: expected YYYY/YY of two consecutive years, such as 2021/22
planlib new: years: the plan must cover 1 to 10 financial years (got 0)
planlib new: billing_authority: 'northtown' is given twice
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from planlib.errors import PlanError, Problem
from planlib.model.bounds import FIRST_YEAR, LAST_YEAR
from planlib.types import FinancialYear

MAX_YEARS = 10
"""The longest plan ``planlib new`` makes: a Commissioner's term is four years (extended terms
have run to five); ten leaves room for a longer medium-term financial plan."""

MAX_NAME = 200
"""The longest police area or billing authority name accepted."""

NEIGHBOURHOOD_OFFICERS = 100
"""The new plan's illustrative neighbourhood officer target, reached in the plan's last year."""

WHERE = "planlib new"
"""What a problem with the options names as its place."""

_YEAR_ONLY = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class NewPlanSettings:
    """The checked options of a new plan (build one with :func:`new_plan_settings`)."""

    police_area: str
    first_year: FinancialYear
    years_count: int
    billing_authorities: tuple[str, ...] = ()

    @property
    def years(self) -> list[FinancialYear]:
        """Every financial year of the plan."""
        return [self.first_year + i for i in range(self.years_count)]

    @property
    def last_year(self) -> FinancialYear:
        """The plan's last financial year."""
        return self.first_year + (self.years_count - 1)

    @property
    def plan_id(self) -> str:
        """The plan's id: the area in lower case with ``_`` between words, and the first year's start.

        >>> new_plan_settings("Avon & Somerset", "2024/25", 4).plan_id
        'avon_somerset_2024'
        """
        ascii_name = unicodedata.normalize("NFKD", self.police_area).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:50].strip("_")
        if not slug[:1].isalpha():
            slug = f"plan_{slug}".rstrip("_")
        return f"{slug}_{self.first_year.start}"

    @property
    def name(self) -> str:
        """The plan's title, e.g. ``Testshire Police and Crime Plan 2021-2025``."""
        return f"{self.police_area} Police and Crime Plan {self.first_year.start}-{self.last_year.start + 1}"

    @property
    def election_date(self) -> dt.date:
        """A placeholder polling day: the first Thursday of May in the year the plan starts
        (ordinary PCC elections are held then)."""
        first_may = dt.date(self.first_year.start, 5, 1)
        return first_may + dt.timedelta(days=(3 - first_may.weekday()) % 7)

    def officers_in_post(self) -> list[float]:
        """Neighbourhood officers in post at each year end: a straight build-up to the target.

        >>> new_plan_settings("X", "2021/22", 4).officers_in_post()
        [25.0, 50.0, 75.0, 100.0]
        """
        n = self.years_count
        return [float(round(NEIGHBOURHOOD_OFFICERS * (i + 1) / n)) for i in range(n)]

    def officers_on_average(self) -> list[float]:
        """The neighbourhood officers' average FTE in each year (half way between the year ends).

        >>> new_plan_settings("X", "2021/22", 4).officers_on_average()
        [12.5, 37.5, 62.5, 87.5]
        """
        ends = self.officers_in_post()
        return [(before + after) / 2 for before, after in zip([0.0, *ends], ends)]


def _name_problem(text: str, field: str, what: str) -> str | None:
    if not text:
        return f"the {what} is empty: give its name, such as \"Testshire\"" if field == "area" else f"a {what} name is empty"
    if len(text) > MAX_NAME:
        return f"the {what} name is longer than {MAX_NAME} characters"
    if any(unicodedata.category(ch)[0] == "C" for ch in text):
        return f"the {what} name {text!r} holds a control character (a line break or tab, say)"
    return None


def _first_year(text: str) -> tuple[FinancialYear | None, str | None]:
    text = text.strip()
    try:
        year = FinancialYear(int(text)) if _YEAR_ONLY.match(text) else FinancialYear(text)
        _ = year - 1  # the year before the plan holds the Band D base: it must exist too
    except ValueError as exc:
        return None, str(exc)
    return year, None


def new_plan_settings(area: str, first_year: str | FinancialYear | None = None, years: int = 4,
                      billing_authorities: Iterable[str] = ()) -> NewPlanSettings:
    """Check the options of a new plan and return them; :class:`PlanError` lists every problem.

    Parameters
    ----------
    area : str
        The police area, e.g. ``"Testshire"``.
    first_year : str, FinancialYear or None
        The plan's first financial year: ``"2021/22"``, or ``"2021"`` for the year starting in
        2021. None: the financial year of today.
    years : int
        How many financial years the plan covers, 1 to :data:`MAX_YEARS`.
    billing_authorities : iterable of str
        The councils that collect council tax for the police area, each named once; none gives
        the new plan one total tax base.

    Examples
    --------
    >>> new_plan_settings("Gwent", "2025/26", 3).years_count
    3
    """
    problems: list[Problem] = []

    def problem(field: str, message: str | None) -> None:
        if message is not None:
            problems.append(Problem(WHERE, None, field, message))

    area = area.strip() if isinstance(area, str) else ""
    problem("area", _name_problem(area, "area", "police area"))
    if first_year is None:
        first_year = FinancialYear.containing(dt.date.today())
    year, message = (first_year, None) if isinstance(first_year, FinancialYear) else _first_year(str(first_year))
    problem("first_year", message)
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_YEARS:
        problem("years", f"the plan must cover 1 to {MAX_YEARS} financial years (got {years!r})")
    elif year is not None and FIRST_YEAR <= year.start and year.start + years - 1 > LAST_YEAR:
        problem("years", f"a plan of {years} years from {year} runs past {FinancialYear(LAST_YEAR)}, "
                         "the last year a plan may cover")
    if year is not None and year.start < FIRST_YEAR:
        problem("first_year", f"{year} is before {FinancialYear(FIRST_YEAR)}, the first year a plan may cover")
    names: list[str] = []
    seen: set[str] = set()
    for raw in billing_authorities:
        name = raw.strip() if isinstance(raw, str) else ""
        problem("billing_authority", _name_problem(name, "billing_authority", "billing authority"))
        if name and name.casefold() in seen:
            problem("billing_authority", f"{name!r} is given twice")
        seen.add(name.casefold())
        names.append(name)
    if problems or year is None:
        raise PlanError(problems)
    return NewPlanSettings(area, year, years, tuple(names))
