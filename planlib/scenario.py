"""Scenarios: named, sparse sets of changes to a baseline plan.

A scenario file (YAML) names itself, says what it tests and where its figures came from, and
lists ``changes``: dotted paths into the plan, each set to a value or to ``{year: value}``::

    name: higher_precept
    description: Band D +£15 in each remaining year
    source: finance officer's proposal, 2022 budget round
    changes:
      finance.precept_increase: {2022/23: 15, 2023/24: 15, 2024/25: 15}
      finance.police_grant: {2023/24: 590.0e6}
      commitments.C07.enabled: false

Paths that can be changed (see :data:`CHANGEABLE`):

- ``finance.<series>`` with ``{year: value}`` for any year-by-year series (police grant, precept
  increase, tax base, pay award...), ``finance.other_grants.<name>`` likewise;
- ``finance.<quantity>`` with a number (cost per officer, on-costs, minimum reserves...);
- ``commitments.<id>.enabled`` with true or false (a mandatory commitment cannot be disabled);
- ``commitments.<id>.costs.<non_pay_gbp|capital_gbp|officer_fte|staff_fte>`` with ``{year: value}``;
- ``commitments.<id>.start_year`` with a financial year: the commitment starts later, its cost
  lines and benefit start years moved on by as many years (only as far as its last cost line
  stays inside the plan: a profile is moved whole, never cut short);
- ``assumptions.<id>`` with a number, or ``assumptions.<id>.<value|low|high>``.

Applying a scenario returns a new :class:`~planlib.model.Plan`; the baseline is never changed.
Values a scenario sets take the scenario's name and source as their source, and the status
``illustrative``.

>>> from planlib.io import load_plan, DEFAULT_PLAN
>>> plan = load_plan(DEFAULT_PLAN)
>>> s = Scenario(name="grant_up", description="More grant", source="test",
...              changes={"finance.police_grant": {"2023/24": 600e6}})
>>> new = s.apply(plan)
>>> new.finance.police_grant.value("2023/24"), plan.finance.police_grant.value("2023/24") != 600e6
(600000000.0, True)
"""

from __future__ import annotations

import difflib
import math
import os
from typing import Any

from pydantic import ConfigDict, Field, PrivateAttr, ValidationError

from planlib.errors import PlanError, Problem, ScenarioError
from planlib.io.problems import field_name, problem_order
from planlib.io.scenarios import ScenarioLines, read_scenario, scenario_from_text, scenario_yaml
from planlib.io.store import ScenarioStore as _Store
from planlib.model import (Assumption, Commitment, CostLine, FinanceAssumptions, Plan, Quantity, Record, YearSeries,
                           reference_problems)
from planlib.types import FinancialYear, Id, Text

RENAMED_PATHS: dict[str, str] = {
    "finance.neighbourhood_officers_added": "finance.neighbourhood_officers_in_post",
    "finance.precept": "finance.precept_increase",
    "finance.band_d_increase": "finance.precept_increase",
    "finance.grant": "finance.police_grant",
    "finance.government_grant": "finance.police_grant",
    "finance.reserves_use": "finance.planned_use_of_reserves",
    "finance.use_of_reserves": "finance.planned_use_of_reserves",
    "finance.inflation": "finance.non_pay_inflation",
    "finance.officers": "finance.officer_fte",
    "finance.staff": "finance.staff_fte",
}
"""Paths people may reasonably write (or that older files used), and what to write instead."""

COST_FIELDS = ("non_pay_gbp", "capital_gbp", "officer_fte", "staff_fte")

CHANGEABLE = (
    "finance.<series>: {year: value}",
    "finance.other_grants.<name>: {year: value}",
    "finance.<quantity>: value",
    "commitments.<id>.enabled: true|false",
    "commitments.<id>.start_year: year",
    "commitments.<id>.costs.<" + "|".join(COST_FIELDS) + ">: {year: value}",
    "assumptions.<id>[.value|.low|.high]: value",
)
"""The forms of path a scenario may change."""

class Scenario(Record):
    """A named, sparse set of changes to a baseline plan.

    Parameters
    ----------
    name : str
        A short identifier (letters, digits, ``_``, ``-``, ``.``), used for file names.
    description : str
        What the scenario tests, in a sentence.
    source : str
        Where its figures came from.
    changes : dict
        Dotted path -> value or ``{financial year: value}``.

    Examples
    --------
    >>> Scenario(name="baseline", description="No change", source="-").changes
    {}
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: Id
    description: Text
    source: Text
    changes: dict[str, Any] = Field(default_factory=dict)

    # Where the scenario was read from (a ScenarioLines), for messages.
    _lines: Any = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        # Equal when the content is equal, wherever each was read from.
        if not isinstance(other, Scenario):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]

    # ------------------------------------------------------------------ files (read by planlib.io.scenarios)

    @classmethod
    def from_yaml(cls, path: str | os.PathLike[str]) -> Scenario:
        """Read a scenario file; raises :class:`~planlib.PlanError` naming the file and line.

        >>> Scenario.from_yaml("no/such.yaml")
        Traceback (most recent call last):
        ...
        planlib.errors.PlanError: 1 problem:
        no/such.yaml: scenario file not found
        """
        scenario, lines = read_scenario(path, cls)
        scenario._lines = lines
        return scenario

    @classmethod
    def from_yaml_text(cls, text: str, display: str = "<scenario>") -> Scenario:
        """Parse scenario YAML text; ``display`` names it in messages."""
        scenario, lines = scenario_from_text(text, display, cls)
        scenario._lines = lines
        return scenario

    def to_yaml(self) -> str:
        """The scenario as YAML text that :meth:`from_yaml_text` reads back unchanged.

        >>> s = Scenario(name="x", description="d", source="s", changes={"finance.pay_award": {"2022/23": 0.04}})
        >>> Scenario.from_yaml_text(s.to_yaml()) == s
        True
        """
        return scenario_yaml(self)

    # ------------------------------------------------------------------ applying

    def _where(self) -> ScenarioLines:
        return self._lines or ScenarioLines(f"scenario {self.name}")

    def _change_problems(self, plan: Plan) -> list[Problem]:
        where = self._where()
        found = []
        for path, value in self.changes.items():
            try:
                _apply_one(plan, path, value, self)
            except ScenarioError as exc:
                found.append(Problem(where.file, where.of(path), path, exc.message))
        return found

    def _changed(self, plan: Plan) -> Plan:
        for path, value in self.changes.items():
            plan = _apply_one(plan, path, value, self)
        return plan

    def problems(self, plan: Plan) -> list[Problem]:
        """Every change that cannot be applied to ``plan``, with the file and line of the change.

        When every change applies: the problems the plan's cross-reference checks find in the
        plan the scenario makes (and not in ``plan`` itself), each named by the change it
        follows from where that can be told.
        """
        return self._change_problems(plan) or _new_reference_problems(plan, self._changed(plan), self)

    def apply(self, plan: Plan) -> Plan:
        """A new plan with this scenario's changes; the baseline is not changed.

        Raises :class:`~planlib.PlanError` listing every change that cannot be applied, and
        :class:`~planlib.errors.ScenarioError` listing the problems of a plan the changes would
        leave inconsistent (the plan's cross-reference checks, run on the new plan).
        """
        problems = self._change_problems(plan)
        if problems:
            raise PlanError(problems)
        changed = self._changed(plan)
        inconsistent = _new_reference_problems(plan, changed, self)
        if inconsistent:
            count = len(inconsistent)
            raise ScenarioError(inconsistent[0].field, "\n".join([
                f"scenario {self.name!r} would leave the plan inconsistent ({count} problem{'s' if count != 1 else ''}):",
                *map(str, inconsistent)]))
        return changed


def _culprit(changes: dict[str, Any], field: str, message: str) -> str | None:
    """The change a cross-reference problem at ``field`` follows from, if it can be told."""
    for path in changes:
        parts = path.split(".")
        head = ".".join(parts[:2])
        if field == head or field.startswith(head + ".") or field.startswith(head + "["):
            return path
        if parts[0] in ("commitments", "assumptions") and len(parts) > 1 and repr(parts[1]) in message:
            return path
    return None


def _new_reference_problems(baseline: Plan, changed: Plan, scenario: Scenario) -> list[Problem]:
    """The plan's cross-reference problems in ``changed`` that ``baseline`` does not have."""
    if changed is baseline:
        return []
    found = reference_problems(changed)
    if not found:
        return []
    before = {(field_name(loc, raw), message)
              for raw in [baseline.model_dump(mode="json")] for loc, message in reference_problems(baseline)}
    where = scenario._where()
    raw = changed.model_dump(mode="json")
    problems = []
    blamed: dict[tuple[str, str], list[str]] = {}  # one problem per change and message, however many fields
    for loc, message in found:
        field = field_name(loc, raw)
        if (field, message) in before:
            continue
        path = _culprit(scenario.changes, field, message)
        if path:
            blamed.setdefault((path, message), []).append(field)
        else:
            problems.append(Problem(where.file, where.line, field, message))
    for (path, message), fields in blamed.items():
        more = f" and {len(fields) - 2} more" if len(fields) > 2 else ""
        problems.append(Problem(where.file, where.of(path), path, f"{', '.join(fields[:2])}{more}: {message}"))
    return sorted(problems, key=problem_order)


# --------------------------------------------------------------------------- one change at a time


def _provenance(scenario: Scenario) -> dict[str, Any]:
    return {"source": f"scenario {scenario.name}: {scenario.source}", "status": "illustrative"}


def _year_map(path: str, value: Any, plan: Plan) -> dict[FinancialYear, Any]:
    if not isinstance(value, dict) or not value:
        raise ScenarioError(path, "expected a mapping of financial year to value, such as {2022/23: 15}")
    years: dict[FinancialYear, Any] = {}
    for key, item in value.items():
        try:
            year = FinancialYear(str(key))
        except ValueError as exc:
            raise ScenarioError(path, str(exc)) from None
        if year not in plan.period:
            raise ScenarioError(path, f"year {year} is outside the plan period {plan.period.first} to {plan.period.last}")
        years[year] = item
    return years


def _number(path: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        shown = repr(value)
        raise ScenarioError(path, f"expected a number, got {shown if len(shown) <= 60 else shown[:56] + ' ...'}")
    try:
        number = float(value)
    except OverflowError:  # a whole number too large for a float; it would be far beyond any bound
        raise ScenarioError(path, "the number is far too large for any figure of a plan") from None
    if not math.isfinite(number):
        raise ScenarioError(path, f"must be a finite number, not NaN or infinity (got {number!r})")
    return number


def _validation_message(exc: ValidationError) -> str:
    err = exc.errors()[0]
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "greater_than_equal":
        msg = "must not be negative"
    return msg


def _change_series(path: str, series: YearSeries, value: Any, plan: Plan, scenario: Scenario) -> YearSeries:
    updates = _year_map(path, value, plan)
    data = series.model_dump()
    for year, item in updates.items():
        number = _number(path, item)
        old = series.values.get(year)
        base = old.model_dump() if old is not None else {"unit": series.unit, "confidence": series.confidence}
        base.update(value=number, low=None, high=None, distribution=None, **_provenance(scenario))
        data["values"][str(year)] = base
    try:
        return type(series).model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(path, _validation_message(exc)) from None


def _change_quantity(path: str, quantity: Assumption, value: Any, scenario: Scenario) -> Assumption:
    data = quantity.model_dump()
    data.update(value=_number(path, value), low=None, high=None, distribution=None, **_provenance(scenario))
    try:
        return type(quantity).model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(path, _validation_message(exc)) from None


def _suggest(path: str) -> str:
    if path in RENAMED_PATHS:
        return f"; it is now called {RENAMED_PATHS[path]!r}"
    known = [f"finance.{name}" for name in FinanceAssumptions.model_fields]
    close = difflib.get_close_matches(path, known, n=1, cutoff=0.75)
    if close:
        return f"; did you mean {close[0]!r}?"
    return "; a scenario can change " + ", ".join(CHANGEABLE)


def _apply_finance(plan: Plan, path: str, parts: list[str], value: Any, scenario: Scenario) -> Plan:
    finance = plan.finance
    name = parts[1] if len(parts) > 1 else ""
    if name not in FinanceAssumptions.model_fields:
        raise ScenarioError(path, f"unknown path {path!r}{_suggest('.'.join(parts[:2]))}")
    current = getattr(finance, name)
    if name == "other_grants":
        if len(parts) != 3 or parts[2] not in current:
            known = ", ".join(sorted(current)) or "none"
            raise ScenarioError(path, f"name one of the other grants (finance.other_grants.<name>): {known}")
        grants = {**current, parts[2]: _change_series(path, current[parts[2]], value, plan, scenario)}
        return plan.model_copy(update={"finance": finance.model_copy(update={"other_grants": grants})})
    if len(parts) != 2:
        raise ScenarioError(path, f"unknown path {path!r}: finance.{name} has no parts to change")
    if isinstance(current, YearSeries):
        new: Any = _change_series(path, current, value, plan, scenario)
    elif isinstance(current, Quantity):
        new = _change_quantity(path, current, value, scenario)
    else:
        raise ScenarioError(path, f"finance.{name} cannot be changed by a scenario")
    return plan.model_copy(update={"finance": finance.model_copy(update={name: new})})


def _apply_commitment(plan: Plan, path: str, parts: list[str], value: Any, scenario: Scenario) -> Plan:
    ids = [c.id for c in plan.commitments]
    if len(parts) < 3 or parts[1] not in ids:
        raise ScenarioError(path, f"unknown commitment {parts[1] if len(parts) > 1 else ''!r}; the plan has {', '.join(ids)}")
    index = ids.index(parts[1])
    commitment = plan.commitments[index]
    if parts[2:] == ["enabled"]:
        if not isinstance(value, bool):
            raise ScenarioError(path, f"expected true or false, got {value!r}")
        if commitment.mandatory and not value:
            raise ScenarioError(path, f"{commitment.id} is mandatory (a statutory duty) and cannot be disabled")
        new = commitment.model_copy(update={"enabled": value})
    elif parts[2:] == ["start_year"]:
        new = _move_start(plan, commitment, path, value, scenario)
    elif len(parts) == 4 and parts[2] == "costs" and parts[3] in COST_FIELDS:
        field = parts[3]
        lines = {line.year: line for line in commitment.costs}
        for year, item in _year_map(path, value, plan).items():
            number = _number(path, item)
            old = lines.get(year)
            data = old.model_dump() if old is not None else {"year": year, "confidence": 5}
            data.update({field: number, **_provenance(scenario)})
            try:
                lines[year] = CostLine.model_validate(data)
            except ValidationError as exc:
                raise ScenarioError(path, _validation_message(exc)) from None
        new = commitment.model_copy(update={"costs": tuple(lines[y] for y in sorted(lines))})
    elif len(parts) == 4 and parts[2] == "costs" and parts[3] == "revenue_gbp":
        raise ScenarioError(path, "costs.revenue_gbp is now called costs.non_pay_gbp (the non-pay cost; "
                                  "the pay of officer_fte and staff_fte is costed by the finance engine)")
    else:
        raise ScenarioError(path, f"unknown path {path!r}; for a commitment a scenario can change "
                                  f"enabled, start_year or costs.<{'|'.join(COST_FIELDS)}>")
    commitments = plan.commitments[:index] + (new,) + plan.commitments[index + 1:]
    return plan.model_copy(update={"commitments": commitments})


def commitment_start(commitment: Commitment) -> FinancialYear | None:
    """The first year in which ``commitment`` has any cost (None if it has none)."""
    costed = [line.year for line in commitment.costs
              if line.non_pay_gbp or line.capital_gbp or line.officer_fte or line.staff_fte]
    return min(costed) if costed else None


def _move_start(plan: Plan, commitment: Commitment, path: str, value: Any, scenario: Scenario) -> Commitment:
    """``commitment`` started in the year ``value``: every cost line and benefit start year moved on
    by the same number of years. The whole profile must stay inside the plan: a later start that
    would push a cost line past the end is refused, since cutting the commitment short would save
    cost while the appraisal kept its benefits."""
    try:
        year = FinancialYear(str(value))
    except ValueError as exc:
        raise ScenarioError(path, str(exc)) from None
    start = commitment_start(commitment)
    if start is None:
        raise ScenarioError(path, f"{commitment.id} has no costs, so it has no start year to move")
    if commitment.mandatory and year != start:
        raise ScenarioError(path, f"{commitment.id} is mandatory (a statutory duty) and cannot start later")
    if not start <= year <= plan.period.last:
        raise ScenarioError(path, f"the start year must be from {start} (when {commitment.id} starts) "
                                  f"to {plan.period.last}; got {year}")
    shift = year - start
    last = max(line.year for line in commitment.costs)
    if last + shift > plan.period.last:
        latest = start + (plan.period.last - last)
        can = (f"it can start in {latest} at the latest" if latest != start
               else f"it cannot start later than planned ({start})")
        raise ScenarioError(path, f"{commitment.id} has costs to {last}; starting in {year} would push them past "
                                  f"the plan's end ({plan.period.last}), so {can}")
    lines = [line.model_copy(update={"year": line.year + shift, **_provenance(scenario)}) for line in commitment.costs]
    benefits = []
    for b in commitment.benefits:
        begins = (b.start_year if b.start_year is not None else plan.period.first) + shift
        if begins > plan.period.last:
            raise ScenarioError(path, f"{commitment.id}'s benefit {b.outcome!r} would start after the plan, in {begins}")
        benefits.append(b if shift == 0 else b.model_copy(update={"start_year": begins}))
    return commitment.model_copy(update={"costs": tuple(lines), "benefits": tuple(benefits)})


def _apply_assumption(plan: Plan, path: str, parts: list[str], value: Any, scenario: Scenario) -> Plan:
    ids = [a.id for a in plan.assumptions]
    if len(parts) not in (2, 3) or parts[1] not in ids or (len(parts) == 3 and parts[2] not in ("value", "low", "high")):
        raise ScenarioError(path, f"unknown path {path!r}; write assumptions.<id> or assumptions.<id>.<value|low|high>")
    index = ids.index(parts[1])
    data = plan.assumptions[index].model_dump()
    field = parts[2] if len(parts) == 3 else "value"
    data[field] = _number(path, value)
    if len(parts) == 2:
        data.update(low=None, high=None, distribution=None)
    data.update(_provenance(scenario))
    try:
        new = Assumption.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(path, _validation_message(exc)) from None
    return plan.model_copy(update={"assumptions": plan.assumptions[:index] + (new,) + plan.assumptions[index + 1:]})


def _apply_one(plan: Plan, path: str, value: Any, scenario: Scenario) -> Plan:
    parts = path.split(".")
    handlers = {"finance": _apply_finance, "commitments": _apply_commitment, "assumptions": _apply_assumption}
    if parts[0] not in handlers:
        raise ScenarioError(path, f"unknown path {path!r}{_suggest(path)}")
    return handlers[parts[0]](plan, path, parts, value, scenario)


class ScenarioStore(_Store):
    """The scenario store (:mod:`planlib.io.store`) keeping :class:`Scenario` objects.

    Every saved version of every scenario, in SQLite or PostgreSQL; see
    :class:`planlib.io.store.ScenarioStore` for where it is and how writers share it.

    >>> store = ScenarioStore("sqlite://")
    >>> _ = store.save(Scenario(name="grant_flat", description="Grant held flat", source="test"), "J. Smith")
    >>> type(store.load("grant_flat")).__name__
    'Scenario'
    """

    scenario_type = Scenario
