"""The plan as a whole: its period, sections, objectives, area and every collection it holds.

A :class:`Plan` checks its cross-references when it is built (:mod:`planlib.model.checks`).

>>> [str(y) for y in Period(first="2021/22", last="2023/24").years]
['2021/22', '2022/23', '2023/24']
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, ValidationInfo, model_validator

from planlib.model.appraisal import DEFAULT_APPRAISAL, AppraisalSettings, UnitCost
from planlib.model.base import Assumption, Record
from planlib.model.bounds import FIRST_YEAR, LAST_YEAR, LONGEST_PERIOD
from planlib.model.checks import reference_problems
from planlib.model.commitment import Commitment, SpendActual
from planlib.model.finance import FinanceAssumptions
from planlib.model.governance import Evidence, Grant, PanelNotice, ReportingArrangements, Statement, TimelineEvent
from planlib.model.kpi import Kpi, KpiActual
from planlib.types import Count, FinancialYear, Flag, Id, Note, Number, Status, Text


class Period(Record):
    """The financial years the plan covers, first and last inclusive."""

    first: FinancialYear
    last: FinancialYear

    @model_validator(mode="after")
    def _check_order(self) -> Period:
        if self.last < self.first:
            raise ValueError(f"the period ends ({self.last}) before it starts ({self.first})")
        first, last = FinancialYear(FIRST_YEAR), FinancialYear(LAST_YEAR)
        if not (first <= self.first and self.last <= last):
            raise ValueError(f"the period {self.first} to {self.last} lies outside the years a plan may cover, "
                             f"{first} to {last}")
        if self.last - self.first >= LONGEST_PERIOD:
            raise ValueError(f"the period {self.first} to {self.last} covers {self.last - self.first + 1} years; "
                             f"a plan covers at most {LONGEST_PERIOD}")
        return self

    @property
    def years(self) -> list[FinancialYear]:
        """Every financial year of the period.

        >>> [str(y) for y in Period(first="2021/22", last="2022/23").years]
        ['2021/22', '2022/23']
        """
        return FinancialYear.range(self.first, self.last)

    def __contains__(self, year: object) -> bool:
        return isinstance(year, FinancialYear) and self.first <= year <= self.last


class Section(Record):
    """One of the plan's sections (a heading of the published plan, with its number)."""

    id: Id
    number: int = Field(ge=1, le=50, strict=True)
    title: Text


class Objective(Record):
    """A police and crime objective (PRSRA 2011 s.7(1)(a)), within one section of the plan."""

    id: Id
    title: Text
    section: Id
    description: Note = ""
    weight: Number = Field(1.0, ge=0, le=100)
    """Priority weight for the portfolio optimiser's weighted objective (a policy choice, not evidence)."""
    kpis: tuple[Id, ...] = ()
    """KPIs that measure the objective directly, beside those of its commitments (s.7(1)(e))."""
    equality_objective: Flag = False
    """One of the equality objectives the plan sets (Equality Act 2010 specific duties; seed 000
    para 33): the annual report gives progress against these objectives apart."""


class LocalAuthority(Record):
    """A local authority in the police area, with its census population."""

    name: Text
    population: Count
    status: Status
    status_note: Note = ""
    source: Text


class LeverDeclaration(Record):
    """What the scenario explorer's levers need to know about the plan (``levers:`` in ``plan.yaml``).

    The precept, grant, pay award and commitment levers work on any plan; the officers lever
    moves the officers of one commitment, which only the plan can name. Without
    ``officer_commitment`` the app offers no officers lever and says why.

    >>> LeverDeclaration(officer_commitment="C01").officer_commitment
    'C01'
    """

    officer_commitment: Id | None = None
    """The commitment whose costs carry the neighbourhood officers of
    ``finance.neighbourhood_officers_in_post`` (the officers lever phases its officer FTE)."""


class Plan(Record):
    """A Police and Crime Plan: its objectives, commitments, resources, measures and evidence.

    Build one with :func:`planlib.load_plan`; constructing a Plan directly checks its
    cross-references too and raises if any are wrong.
    """

    id: Id
    name: Text
    police_area: Text
    version: Text
    description: Note = ""
    foreword: Note = ""
    """The Commissioner's foreword to the published plan (optional; ``planlib publish`` prints it)."""
    period: Period
    election_date: dt.date
    sections: tuple[Section, ...]
    objectives: tuple[Objective, ...]
    commitments: tuple[Commitment, ...]
    finance: FinanceAssumptions
    assumptions: tuple[Assumption, ...] = ()
    kpis: tuple[Kpi, ...] = ()
    kpi_actuals: tuple[KpiActual, ...] = ()
    commitment_actuals: tuple[SpendActual, ...] = ()
    """Actual spend by commitment and year (optional; the annual report sets it against the plan)."""
    grants: tuple[Grant, ...] = ()
    grants_statement: Statement | None = None
    """What the plan says about grants when it makes none (s.7(1)(f))."""
    timeline: tuple[TimelineEvent, ...] = ()
    panel_notice: PanelNotice | None = None
    strategic_policing_requirement: Statement | None = None
    """The plan's statement of regard to the Strategic Policing Requirement (PRSRA 2011 s.5(5))."""
    reporting: ReportingArrangements | None = None
    evidence: tuple[Evidence, ...] = ()
    unit_costs: tuple[UnitCost, ...] = ()
    local_authorities: tuple[LocalAuthority, ...] = ()
    appraisal: AppraisalSettings = DEFAULT_APPRAISAL
    levers: LeverDeclaration | None = None
    """What the board apps' levers need to know (which commitment carries the neighbourhood officers)."""

    @model_validator(mode="after")
    def _check_references(self, info: ValidationInfo) -> Plan:
        if info.context and info.context.get("skip_references"):
            return self
        problems = reference_problems(self)
        if problems:
            lines = [f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in problems[:20]]
            raise ValueError("; ".join(lines))
        return self

    @property
    def years(self) -> list[FinancialYear]:
        """The financial years of the plan period."""
        return self.period.years

    def commitment(self, commitment_id: str) -> Commitment:
        """The commitment with this id; KeyError if there is none."""
        for c in self.commitments:
            if c.id == commitment_id:
                return c
        raise KeyError(f"no commitment {commitment_id!r} in plan {self.id!r}")

    def assumption(self, assumption_id: str) -> Assumption:
        """The register entry with this id; KeyError if there is none."""
        for a in self.assumptions:
            if a.id == assumption_id:
                return a
        raise KeyError(f"no assumption {assumption_id!r} in plan {self.id!r}")

