"""The domain model of a Police and Crime Plan: frozen pydantic records.

Every record forbids unknown fields (a misspelt field is an error, not a silent default) and
rejects NaN and infinity. Numbers a person enters carry a unit, a source, a confidence grade
and a status (:class:`Assumption`, :class:`YearSeries`, :class:`CostLine`). Cross-references
between records (a commitment's objective, its KPIs, its dependencies...) are checked by
:func:`reference_problems`, which lists every problem rather than stopping at the first.

>>> a = Assumption(low=80, high=300, unit="crimes a year", source="illustrative",
...                confidence=5, status="illustrative")
>>> a.is_interval, round(a.central, 1)
(True, 154.9)
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_serializer, model_validator

from planlib.reference import statutory_function_ids, statutory_requirements
from planlib.types import (
    ConfidenceGrade,
    Count,
    FinancialYear,
    Flag,
    Id,
    Money,
    Note,
    Number,
    Share,
    Status,
    Text,
)

Loc = tuple[str | int, ...]
"""A location inside a plan, as pydantic reports it: ``("commitments", 3, "objective_id")``."""

Workstream = Literal["governance", "police_collaboration", "partnership", "influence", "review"]
Commissioning = Literal["in_house", "grant", "contract", "partnership", "influence_only"]
ValueType = Literal["fiscal", "economic", "social"]
Beneficiary = Literal[
    "police", "criminal_justice", "nhs", "local_authority", "victims", "wider_society"
]
Distribution = Literal["normal", "lognormal", "uniform", "triangular"]
NationalMeasure = Literal[
    "reduce_murder_and_homicide",
    "reduce_serious_violence",
    "disrupt_drugs_supply_and_county_lines",
    "reduce_neighbourhood_crime",
    "tackle_cyber_crime",
    "improve_victim_satisfaction",
]
EvidenceKind = Literal["manifesto", "consultation_priority", "consultation_theme", "partner_board"]
EventKind = Literal[
    "election",
    "consultation",
    "roundtable",
    "survey",
    "youth_engagement",
    "chief_constable_consultation",
    "draft_to_chief_constable",
    "draft_to_panel",
    "panel_meeting",
    "panel_report",
    "response_published",
    "plan_issued",
    "annual_report",
]


class Record(BaseModel):
    """Base of every domain record: frozen, unknown fields forbidden, finite numbers only."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


# --------------------------------------------------------------------------- numbers with sources


class Assumption(Record):
    """A number a person entered, with its unit, source, confidence grade and status.

    Either a point ``value`` or a 90% interval (``low``, ``high``: "90% sure it lies between"),
    or both (a central value inside its interval). ``distribution`` says how to sample the
    interval; left empty, positive quantities are sampled lognormally (see the appraisal issue).

    Examples
    --------
    >>> Assumption(value=0.3, unit="share", source="s", confidence=4, status="estimate").central
    0.3
    >>> from pydantic import ValidationError
    >>> try:
    ...     Assumption(unit="GBP", source="s", confidence=4, status="estimate")
    ... except ValidationError as exc:
    ...     print(exc.errors()[0]["msg"])
    Value error, give a value, or a 90% interval with both low and high
    """

    allow_negative: ClassVar[bool] = True

    id: Id | None = None
    description: Note = ""
    value: Number | None = None
    low: Number | None = None
    high: Number | None = None
    distribution: Distribution | None = None
    unit: Text
    source: Text
    confidence: ConfidenceGrade
    status: Status

    @model_validator(mode="after")
    def _check_value_or_interval(self) -> Assumption:
        if (self.low is None) != (self.high is None):
            raise ValueError("a 90% interval needs both low and high")
        if self.value is None and self.low is None:
            raise ValueError("give a value, or a 90% interval with both low and high")
        if self.low is not None and self.high is not None:
            if self.low > self.high:
                raise ValueError(f"low ({self.low:g}) is above high ({self.high:g})")
            if self.value is not None and not self.low <= self.value <= self.high:
                raise ValueError(
                    f"value {self.value:g} lies outside its interval {self.low:g} to {self.high:g}"
                )
        if self.distribution is not None and self.low is None:
            raise ValueError("a distribution needs a 90% interval (low and high)")
        if not self.allow_negative and min(self.numbers()) < 0:
            raise ValueError(f"must not be negative (got {min(self.numbers()):g} {self.unit})")
        return self

    @property
    def is_interval(self) -> bool:
        """True when the number is given as a 90% interval."""
        return self.low is not None

    @property
    def central(self) -> float:
        """The value, or the interval's centre (geometric mean when both ends are positive)."""
        if self.value is not None:
            return self.value
        assert self.low is not None and self.high is not None  # guaranteed by the validator
        if self.low > 0 and self.distribution in (None, "lognormal"):
            return math.sqrt(self.low * self.high)
        return (self.low + self.high) / 2

    def numbers(self) -> list[float]:
        """Every number given: value, low and high, where present."""
        return [x for x in (self.value, self.low, self.high) if x is not None]


class Quantity(Assumption):
    """An :class:`Assumption` that must not be negative (money, headcount, a rate)."""

    allow_negative: ClassVar[bool] = False


class DatedValue(Quantity):
    """A non-negative :class:`Assumption` that belongs to one financial year (e.g. an opening balance)."""

    year: FinancialYear


_PROVENANCE = ("unit", "source", "confidence", "status")


class YearSeries(Record):
    """Values by financial year that share a unit, a source, a status and a confidence grade.

    In a file a year may be a bare number, which takes the series' provenance, or a mapping
    that overrides any of it (``{value: 559.4e6, status: verified, source: ...}``) or gives a
    90% interval. Values must not be negative unless the series is a :class:`SignedYearSeries`.

    Examples
    --------
    >>> s = YearSeries(unit="GBP", source="s", confidence=2, status="verified",
    ...                values={"2021/22": 10.0, "2022/23": {"value": 12.0, "status": "estimate"}})
    >>> s.value("2022/23"), s.values[FinancialYear("2022/23")].status
    (12.0, 'estimate')
    """

    allow_negative: ClassVar[bool] = False

    description: Note = ""
    unit: Text
    source: Text
    confidence: ConfidenceGrade
    status: Status
    values: dict[FinancialYear, Assumption]

    @model_validator(mode="before")
    @classmethod
    def _fill_years_from_series(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("values"), dict):
            return data
        defaults = {k: data[k] for k in _PROVENANCE if k in data}
        filled: dict[Any, Any] = {}
        for year, entry in data["values"].items():
            if isinstance(entry, (int, float)) and not isinstance(entry, bool):
                entry = {"value": entry}
            if isinstance(entry, dict):
                entry = {**defaults, **entry}
            filled[year] = entry
        return {**data, "values": filled}

    @model_validator(mode="after")
    def _check_years(self) -> YearSeries:
        for year, entry in self.values.items():
            if entry.unit != self.unit:
                raise ValueError(f"{year}: unit {entry.unit!r} differs from the series unit {self.unit!r}")
            if not self.allow_negative and min(entry.numbers()) < 0:
                raise ValueError(f"{year}: must not be negative (got {min(entry.numbers()):g})")
        return self

    @model_serializer(mode="wrap")
    def _compact_years(self, handler: Any) -> dict[str, Any]:
        # A year whose provenance is the series' own is written as a bare number, as a person would.
        data = handler(self)
        for year, entry in list(data["values"].items()):
            same = all(entry.get(k) == data.get(k) for k in _PROVENANCE)
            plain = entry.get("low") is None and not entry.get("description") and entry.get("id") is None
            if same and plain and entry.get("distribution") is None:
                data["values"][year] = entry["value"]
        return data

    def value(self, year: str | FinancialYear) -> float:
        """The central value for ``year``; KeyError naming the year if it is missing."""
        return self.values[FinancialYear(year)].central

    def years(self) -> list[FinancialYear]:
        """The years given, in order."""
        return sorted(self.values)


class SignedYearSeries(YearSeries):
    """A :class:`YearSeries` whose values may be negative (a transfer in or out of reserves)."""

    allow_negative: ClassVar[bool] = True


# --------------------------------------------------------------------------- the plan's structure


class Period(Record):
    """The financial years the plan covers, first and last inclusive."""

    first: FinancialYear
    last: FinancialYear

    @model_validator(mode="after")
    def _check_order(self) -> Period:
        if self.last < self.first:
            raise ValueError(f"the period ends ({self.last}) before it starts ({self.first})")
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
    """One of the plan's sections (the 2021-25 West Midlands plan has six)."""

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


class CostLine(Record):
    """A commitment's resources in one financial year, with their provenance."""

    year: FinancialYear
    non_pay_gbp: Money = 0.0
    capital_gbp: Money = 0.0
    officer_fte: Count = 0.0
    staff_fte: Count = 0.0
    source: Text
    status: Status
    confidence: ConfidenceGrade


class BenefitLine(Record):
    """An outcome a commitment is expected to produce, valued and adjusted.

    Numeric inputs are ids of entries in the plan's assumption register, so that every number
    keeps its source and one assumption shared by several commitments is one assumption.
    The value of one unit of outcome is either a Home Office unit cost of crime
    (``crime_type``, a row of unit_costs.csv) or an assumption (``unit_value``).
    """

    outcome: Text
    crime_type: Id | None = None
    unit_value: Id | None = None
    value_share: Id | None = None
    volume: Id
    deadweight: Id
    attribution: Id
    displacement: Id
    drop_off: Id
    value_type: ValueType
    beneficiary: Beneficiary
    start_year: FinancialYear | None = None

    @model_validator(mode="after")
    def _one_unit_value(self) -> BenefitLine:
        if (self.crime_type is None) == (self.unit_value is None):
            raise ValueError("give exactly one of crime_type (a unit cost of crime) or unit_value")
        return self

    def assumption_refs(self) -> dict[str, str]:
        """The assumption ids this line uses, by field name."""
        names = ("unit_value", "value_share", "volume", "deadweight", "attribution", "displacement", "drop_off")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


SHARE_FIELDS = frozenset({"value_share", "deadweight", "attribution", "displacement", "drop_off"})
"""Benefit-line fields whose assumptions are proportions between 0 and 1."""


class EqualityImpact(Record):
    """The commitment's expected effect on people with protected characteristics."""

    rating: Literal["positive", "neutral", "negative", "mixed", "not_assessed"]
    groups: tuple[Text, ...] = ()
    notes: Note = ""


class Commitment(Record):
    """A commitment in the plan: what will be done, by whom, with what, for which outcomes."""

    id: Id
    title: Text
    objective_id: Id
    workstream: Workstream
    owner: Text
    description: Note = ""
    evidence: tuple[Id, ...] = ()
    functions: tuple[Id, ...] = ()
    commissioning: Commissioning
    mandatory: Flag = False
    enabled: Flag = True
    costs: tuple[CostLine, ...] = ()
    benefits: tuple[BenefitLine, ...] = ()
    kpis: tuple[Id, ...] = ()
    equality_impact: EqualityImpact
    depends_on: tuple[Id, ...] = ()


class KpiBaseline(Record):
    value: Number
    period: FinancialYear


class KpiTarget(Record):
    value: Number
    by: FinancialYear


class Kpi(Record):
    """A key performance indicator by which the Chief Constable's performance is measured (s.7(1)(e))."""

    id: Id
    title: Text
    unit: Text
    direction: Literal["up", "down"]
    baseline: KpiBaseline
    target: KpiTarget
    frequency: Literal["monthly", "quarterly", "annual"]
    owner: Text
    national_measure: NationalMeasure | None = None
    description: Note = ""
    trajectory: dict[FinancialYear, Number] = {}
    """Milestones on the way from baseline to target, by year; straight lines join them
    (a straight line from baseline to target when there are none)."""
    source: Text
    status: Status

    @model_validator(mode="after")
    def _check_target(self) -> Kpi:
        if self.target.by <= self.baseline.period:
            raise ValueError(f"target year {self.target.by} is not after the baseline year {self.baseline.period}")
        outside = [str(y) for y in sorted(self.trajectory) if not self.baseline.period < y < self.target.by]
        if outside:
            raise ValueError(f"trajectory years {', '.join(outside)} are not between the baseline year "
                             f"{self.baseline.period} and the target year {self.target.by}")
        wrong_way = (
            self.target.value < self.baseline.value
            if self.direction == "up"
            else self.target.value > self.baseline.value
        )
        if wrong_way:
            raise ValueError(
                f"direction is {self.direction!r} but the target {self.target.value:g} "
                f"moves the other way from the baseline {self.baseline.value:g}"
            )
        return self


class KpiActual(Record):
    """An observed value of a KPI for a financial year, force-wide or for one local authority."""

    kpi_id: Id
    period: FinancialYear
    local_authority: Note = ""
    value: Number
    source: Text
    status: Status


class Grant(Record):
    """A crime and disorder reduction grant the Commissioner makes (s.7(1)(f)), with its conditions."""

    id: Id
    recipient: Text
    purpose: Text
    commitment_id: Id | None = None
    functions: tuple[Id, ...] = ()
    amounts: dict[FinancialYear, Money]
    conditions: tuple[Text, ...] = ()
    source: Text
    status: Status
    confidence: ConfidenceGrade


class TimelineEvent(Record):
    """A dated step or phase of the plan-making process."""

    id: Id
    kind: EventKind
    title: Text
    start: dt.date
    end: dt.date | None = None
    requirement: Id | None = None
    source: Text
    status: Status

    @model_validator(mode="after")
    def _check_dates(self) -> TimelineEvent:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"ends ({self.end}) before it starts ({self.start})")
        return self


class Statement(Record):
    """A statement the plan makes (e.g. of regard to the Strategic Policing Requirement)."""

    text: Text
    section: Id | None = None
    """The plan section that makes it."""
    source: Text
    status: Status


ReportFrequency = Literal["monthly", "every_two_months", "quarterly", "every_six_months", "annual"]


class ReportingArrangements(Record):
    """How the Chief Constable reports to the Commissioner on the provision of policing (s.7(1)(d)).

    The statute sets no frequency: the plan chooses one.
    """

    forum: Text
    frequency: ReportFrequency
    first_report: dt.date
    """The date of the first report under the plan; later ones follow at ``frequency``."""
    description: Note = ""
    source: Text
    status: Status


class PanelNotice(Record):
    """How many days before its meeting the Police and Crime Panel must have the draft plan.

    PRSRA 2011 asks only for a reasonable time to consider the draft (s.5(6)(c), s.28(3)): no
    number of days is set in statute, so the number is the plan's own setting.
    """

    days: int = Field(ge=0, le=365, strict=True)
    source: Text
    status: Status


class Evidence(Record):
    """Something a commitment answers: a manifesto pledge, a consultation theme, a partner board.

    ``themes`` lists the consultation themes (ids of ``consultation_priority`` or
    ``consultation_theme`` entries) that this entry also answers, so that a commitment citing a
    manifesto pledge or a partner board traces to those themes too (:mod:`planlib.consultation`).
    """

    id: Id
    kind: EvidenceKind
    title: Text
    description: Note = ""
    source: Text
    themes: tuple[Id, ...] = ()

    @model_validator(mode="after")
    def _not_its_own_theme(self) -> Evidence:
        if self.id in self.themes:
            raise ValueError(f"{self.id} lists itself among its themes")
        return self


class UnitCost(Record):
    """A Home Office unit cost of crime (cost of one offence, in the prices of ``price_year``)."""

    crime_type: Id
    unit_cost_gbp: Money
    price_year: FinancialYear
    status: Status
    status_note: Note = ""
    source: Text
    confidence: ConfidenceGrade


class LocalAuthority(Record):
    """A local authority in the police area, with its census population."""

    name: Text
    population: Count
    status: Status
    status_note: Note = ""
    source: Text


class FinanceAssumptions(Record):
    """The medium-term financial plan's inputs (data only here; the finance engine computes).

    Money is GBP in cash (nominal) terms; rates are shares (0.02 is 2%).
    """

    price_base_year: FinancialYear
    police_grant: YearSeries
    other_grants: dict[Id, YearSeries] = {}
    precept_band_d_base: DatedValue
    precept_increase: YearSeries
    referendum_limit: YearSeries
    tax_base: YearSeries
    baseline_force_costs: YearSeries
    officer_fte: YearSeries
    cost_per_officer: DatedValue
    officer_on_costs: Quantity
    staff_fte: YearSeries
    cost_per_staff: DatedValue
    staff_on_costs: Quantity
    pay_award: YearSeries
    non_pay_inflation: YearSeries
    uplift_target_officers: Quantity
    neighbourhood_officer_target: Quantity
    neighbourhood_officers_in_post: YearSeries
    """Officers added to neighbourhood policing and in post at each year end (cumulative)."""
    reserves_opening: DatedValue
    minimum_reserves: Quantity
    planned_use_of_reserves: SignedYearSeries

    REQUIRED_EVERY_YEAR: ClassVar[tuple[str, ...]] = (
        "police_grant",
        "precept_increase",
        "referendum_limit",
        "tax_base",
        "baseline_force_costs",
        "officer_fte",
        "staff_fte",
        "pay_award",
        "non_pay_inflation",
        "neighbourhood_officers_in_post",
        "planned_use_of_reserves",
    )

    def series(self) -> dict[tuple[str, ...], YearSeries]:
        """Every :class:`YearSeries`, keyed by its location under ``finance``."""
        found: dict[tuple[str, ...], YearSeries] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, YearSeries):
                found[(name,)] = value
            elif isinstance(value, dict):
                found.update({(name, key): s for key, s in value.items()})
        return found


class OptimismBiasByGrade(Record):
    """Optimism-bias uplift by confidence grade of the evidence (GMCA / HM Treasury 2014 method).

    Costs are raised, and benefits lowered, by the share for the grade of their evidence.
    """

    values: dict[Annotated[int, Field(ge=1, le=6)], Share]
    source: Text
    status: Status

    @model_validator(mode="after")
    def _every_grade(self) -> OptimismBiasByGrade:
        missing = [g for g in range(1, 7) if g not in self.values]
        if missing:
            raise ValueError(f"give a share for every confidence grade 1-6; missing {missing}")
        return self


class AppraisalSettings(Record):
    """How net benefit is appraised: horizon, prices, discounting, optimism bias."""

    horizon_years: int = Field(10, ge=1, le=100, strict=True)
    """Years appraised from the first year of the plan (costs stop with the plan period;
    benefits then fall by their drop-off each year)."""
    discount_schedule: Literal["standard", "health"] = "standard"
    deflator_rate: Quantity
    """GDP deflator growth a year, to express cash in base-year (first plan year) prices."""
    optimism_bias: OptimismBiasByGrade


DEFAULT_APPRAISAL = AppraisalSettings(
    deflator_rate=Quantity(
        value=0.02, unit="share a year", confidence=4, status="illustrative",
        source="planlib default: about the 2% a year of HM Treasury GDP deflator forecasts; "
        "replace with the published series"),
    optimism_bias=OptimismBiasByGrade(
        values={1: 0.0, 2: 0.05, 3: 0.10, 4: 0.15, 5: 0.25, 6: 0.40}, status="unverified",
        source="GMCA / HM Treasury 2014 cost-benefit guidance, percentages by confidence grade as "
        "recalled (0/5/10/15/25/40%): NOT verified against the guidance"),
)
"""Appraisal settings used when a plan gives none (every figure flagged as such)."""


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
    period: Period
    election_date: dt.date
    sections: tuple[Section, ...]
    objectives: tuple[Objective, ...]
    commitments: tuple[Commitment, ...]
    finance: FinanceAssumptions
    assumptions: tuple[Assumption, ...] = ()
    kpis: tuple[Kpi, ...] = ()
    kpi_actuals: tuple[KpiActual, ...] = ()
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


# --------------------------------------------------------------------------- cross-references


def _duplicates(items: tuple[Any, ...], key: str, collection: str) -> list[tuple[Loc, str]]:
    seen: dict[Any, int] = {}
    found = []
    for i, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            found.append(((collection, i, key), f"duplicate {key} {value!r} (first at item {seen[value] + 1})"))
        else:
            seen[value] = i
    return found


def _unknown(ids: tuple[str, ...], known: set[str] | frozenset[str], loc: Loc, what: str) -> list[tuple[Loc, str]]:
    return [
        ((*loc, i), f"unknown {what} {ref!r}")
        for i, ref in enumerate(ids)
        if ref not in known
    ]


def _cycles(plan: Plan) -> list[tuple[Loc, str]]:
    graph = {c.id: [d for d in c.depends_on] for c in plan.commitments}
    index = {c.id: i for i, c in enumerate(plan.commitments)}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    found: list[tuple[Loc, str]] = []
    reported: set[frozenset[str]] = set()

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, []):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    found.append(((("commitments", index[node], "depends_on")), "depends_on forms a cycle: " + " -> ".join(cycle)))
            elif state.get(nxt) is None:
                visit(nxt, path)
        path.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [])
    return found


def _years_outside(years: Any, plan: Plan, loc: Loc) -> list[tuple[Loc, str]]:
    p = plan.period
    return [
        ((*loc, str(y)), f"year {y} is outside the plan period {p.first} to {p.last}")
        for y in years
        if y not in p
    ]


def reference_problems(plan: Plan) -> list[tuple[Loc, str]]:
    """Every broken cross-reference and out-of-period year in a plan.

    Returns ``(location, message)`` pairs; the location is a path into the plan such as
    ``("commitments", 3, "objective_id")``. An empty list means the plan is consistent.
    """
    problems: list[tuple[Loc, str]] = []
    for collection, key in [
        ("sections", "id"), ("objectives", "id"), ("commitments", "id"), ("assumptions", "id"),
        ("kpis", "id"), ("grants", "id"), ("timeline", "id"), ("evidence", "id"),
        ("unit_costs", "crime_type"), ("local_authorities", "name"),
    ]:
        problems += _duplicates(getattr(plan, collection), key, collection)

    sections = {s.id for s in plan.sections}
    objectives = {o.id for o in plan.objectives}
    commitments = {c.id for c in plan.commitments}
    kpis = {k.id for k in plan.kpis}
    evidence = {e.id for e in plan.evidence}
    crime_types = {u.crime_type for u in plan.unit_costs}
    areas = {a.name for a in plan.local_authorities}
    assumptions = {a.id: a for a in plan.assumptions}
    functions = statutory_function_ids()
    requirements = {r["id"] for r in statutory_requirements()}

    for i, a in enumerate(plan.assumptions):
        if a.id is None:
            problems.append((("assumptions", i), "every assumption in the register needs an id"))
    themes = {e.id for e in plan.evidence if e.kind in ("consultation_priority", "consultation_theme")}
    for i, e in enumerate(plan.evidence):
        problems += [(("evidence", i, "themes", j), f"unknown consultation theme {ref!r} (give the id of an evidence "
                      "entry of kind consultation_priority or consultation_theme)")
                     for j, ref in enumerate(e.themes) if ref not in themes]
    for i, o in enumerate(plan.objectives):
        if o.section not in sections:
            problems.append((("objectives", i, "section"), f"unknown section {o.section!r}"))

    for i, c in enumerate(plan.commitments):
        loc: Loc = ("commitments", i)
        if c.objective_id not in objectives:
            problems.append(((*loc, "objective_id"), f"unknown objective {c.objective_id!r}"))
        problems += _unknown(c.evidence, evidence, (*loc, "evidence"), "evidence")
        problems += _unknown(c.functions, functions, (*loc, "functions"), "statutory function (expected f01-f14)")
        problems += _unknown(c.kpis, kpis, (*loc, "kpis"), "KPI")
        problems += _unknown(c.depends_on, commitments, (*loc, "depends_on"), "commitment")
        if c.id in c.depends_on:
            problems.append(((*loc, "depends_on"), f"{c.id} depends on itself"))
        seen_years: set[FinancialYear] = set()
        for j, line in enumerate(c.costs):
            if line.year not in plan.period:
                problems.append(((*loc, "costs", j, "year"), f"year {line.year} is outside the plan period {plan.period.first} to {plan.period.last}"))
            if line.year in seen_years:
                problems.append(((*loc, "costs", j, "year"), f"a second cost line for {c.id} in {line.year}"))
            seen_years.add(line.year)
        for j, b in enumerate(c.benefits):
            bloc: Loc = (*loc, "benefits", j)
            if b.crime_type is not None and b.crime_type not in crime_types:
                problems.append(((*bloc, "crime_type"), f"unknown crime_type {b.crime_type!r} (not in unit_costs.csv)"))
            if b.start_year is not None and b.start_year not in plan.period:
                problems.append(((*bloc, "start_year"), f"year {b.start_year} is outside the plan period"))
            for name, ref in b.assumption_refs().items():
                if ref not in assumptions:
                    problems.append(((*bloc, name), f"unknown assumption {ref!r}"))
                elif name in SHARE_FIELDS and not all(0 <= x <= 1 for x in assumptions[ref].numbers()):
                    problems.append(((*bloc, name), f"assumption {ref!r} must be a share between 0 and 1"))
    problems += _cycles(plan)

    finance = plan.finance
    for path, series in finance.series().items():
        problems += _years_outside(series.values, plan, ("finance", *path, "values"))
    for name in FinanceAssumptions.REQUIRED_EVERY_YEAR:
        missing = [str(y) for y in plan.years if y not in getattr(finance, name).values]
        if missing:
            problems.append((("finance", name, "values"), f"no value for {', '.join(missing)}"))
    for name, series in finance.other_grants.items():
        missing = [str(y) for y in plan.years if y not in series.values]
        if missing:
            problems.append((("finance", "other_grants", name, "values"),
                             f"no value for {', '.join(missing)} (write 0 for a year without the grant)"))
    if finance.precept_band_d_base.year != plan.period.first - 1:
        problems.append((("finance", "precept_band_d_base", "year"),
                         f"must be the year before the plan period ({plan.period.first - 1})"))
    if finance.reserves_opening.year != plan.period.first:
        problems.append((("finance", "reserves_opening", "year"),
                         f"must be the first year of the plan period ({plan.period.first})"))

    for i, k in enumerate(plan.kpis):
        if k.target.by not in plan.period:
            problems.append((("kpis", i, "target", "by"), f"target year {k.target.by} is outside the plan period"))
        if k.baseline.period > plan.period.last:
            problems.append((("kpis", i, "baseline", "period"), "the baseline is after the plan period"))
    seen_actuals: dict[tuple[str, FinancialYear, str], int] = {}
    for i, act in enumerate(plan.kpi_actuals):
        key = (act.kpi_id, act.period, act.local_authority)
        if key in seen_actuals:
            where = f" in {act.local_authority}" if act.local_authority else " force-wide"
            problems.append((("kpi_actuals", i, "value"), f"a second figure for {act.kpi_id} in {act.period}{where} "
                                                           f"(first at row {seen_actuals[key] + 1})"))
        else:
            seen_actuals[key] = i
        if act.kpi_id not in kpis:
            problems.append((("kpi_actuals", i, "kpi_id"), f"unknown KPI {act.kpi_id!r}"))
        if act.local_authority and act.local_authority not in areas:
            problems.append((("kpi_actuals", i, "local_authority"), f"unknown local authority {act.local_authority!r}"))
        if act.period > plan.period.last:
            problems.append((("kpi_actuals", i, "period"), f"year {act.period} is after the plan period"))

    for i, g in enumerate(plan.grants):
        problems += _years_outside(g.amounts, plan, ("grants", i, "amounts"))
        if g.commitment_id is not None and g.commitment_id not in commitments:
            problems.append((("grants", i, "commitment_id"), f"unknown commitment {g.commitment_id!r}"))
        problems += _unknown(g.functions, functions, ("grants", i, "functions"), "statutory function (expected f01-f14)")
    for i, e in enumerate(plan.timeline):
        if e.requirement is not None and e.requirement not in requirements:
            problems.append((("timeline", i, "requirement"), f"unknown statutory requirement {e.requirement!r}"))
    problems += _timeline_order(plan)
    for i, o in enumerate(plan.objectives):
        problems += _unknown(o.kpis, kpis, ("objectives", i, "kpis"), "KPI")
    for name in ("strategic_policing_requirement", "grants_statement"):
        statement = getattr(plan, name)
        if statement is not None and statement.section is not None and statement.section not in sections:
            problems.append(((name, "section"), f"unknown section {statement.section!r}"))
    return problems


TIMELINE_ORDER: tuple[tuple[str, str, str], ...] = (
    ("draft_to_panel", "panel_meeting", "the Panel met on the draft before it was sent to the Panel"),
    ("draft_to_panel", "panel_report", "the Panel reported before the draft was sent to the Panel"),
    ("panel_meeting", "panel_report", "the Panel reported before it met to consider the draft"),
    ("panel_report", "response_published", "the response was published before the Panel reported"),
    ("draft_to_panel", "plan_issued", "the plan was issued before the draft was sent to the Panel"),
    ("panel_report", "plan_issued", "the plan was issued before the Panel reported on the draft"),
    ("draft_to_panel", "response_published", "the response was published before the draft was sent to the Panel"),
    ("election", "draft_to_panel", "the draft was sent to the Panel before the election"),
    ("election", "plan_issued", "the plan was issued before the election"),
)
"""Steps of the plan-making process that cannot come before another: (earlier, later, why).

A later step may fall on the same day as the earlier one (a Panel reports at its meeting)."""


def _timeline_order(plan: Plan) -> list[tuple[Loc, str]]:
    """Events whose date puts the process in an impossible order (see :data:`TIMELINE_ORDER`)."""
    first: dict[str, tuple[dt.date, str]] = {}
    for e in plan.timeline:
        if e.kind not in first or e.start < first[e.kind][0]:
            first[e.kind] = (e.start, e.id)
    problems: list[tuple[Loc, str]] = []
    for i, e in enumerate(plan.timeline):
        if e.kind == "election" and e.start != plan.election_date:
            problems.append((("timeline", i, "start"), f"the election event is on {e.start} but plan.yaml gives "
                                                        f"election_date {plan.election_date}"))
    for earlier, later, why in TIMELINE_ORDER:
        if earlier not in first:
            continue
        when, ident = first[earlier]
        for i, e in enumerate(plan.timeline):
            if e.kind == later and e.start < when:
                problems.append((("timeline", i, "start"),
                                 f"impossible order: {why} ({e.kind} on {e.start}; {earlier} {ident} on {when})"))
    return problems
