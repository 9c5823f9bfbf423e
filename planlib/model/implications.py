"""The settings of the plan's wider financial implications: what the MTFP does not hold.

``implications.yaml`` in a plan folder holds the delegation thresholds, the capital financing
rates (minimum revenue provision and interest), the reserves strategy and fees and charges,
each with a source and a status (:class:`ImplicationSettings`). :func:`settings_problems`
checks them against a plan's period and returns ``(location, message)`` pairs;
:mod:`planlib.io.side_files` reads the file and turns the locations into file and line, and
:mod:`planlib.implications` computes the implications.

>>> rate = {"value": 4, "unit": "share a year", "source": "test", "status": "illustrative", "confidence": 5}
>>> CapitalFinancing(minimum_revenue_provision_rate=rate, interest_rate=rate).interest_rate.central
4.0
"""

from __future__ import annotations

from planlib.model.base import Loc, Quantity, Record, YearSeries
from planlib.model.bounds import IMPLICATION_FIELDS, bound_problems
from planlib.model.plan import Plan
from planlib.types import Id


class DelegationThresholds(Record):
    """Spend at or above which a formal decision of the Commissioner is needed (GBP in a year)."""

    commissioner_decision: Quantity
    """A commitment's spend in one year (revenue plus capital)."""
    grant_decision: Quantity
    """One grant's amount in one year."""


class CapitalFinancing(Record):
    """How commitments' capital reaches the revenue budget."""

    minimum_revenue_provision_rate: Quantity
    """Share of the capital financing requirement set aside each year to repay debt."""
    interest_rate: Quantity
    """Interest a year on the borrowing, as a share of the capital financing requirement."""


class ImplicationSettings(Record):
    """What ``implications.yaml`` holds: the figures the MTFP does not."""

    delegation_thresholds: DelegationThresholds
    capital_financing: CapitalFinancing
    reserves_strategy: YearSeries
    """Usable reserves the reserves strategy plans to hold at each year end."""
    fees_and_charges: dict[Id, YearSeries] = {}
    """Income from fees and charges by category."""


def settings_problems(settings: ImplicationSettings, plan: Plan) -> list[tuple[Loc, str]]:
    """Numbers beyond their plausible range, years outside the plan period, missing years, units
    that are not GBP, rates above 1.

    Returns ``(location, message)`` pairs; a location is a path into the settings, such as
    ``("reserves_strategy", "values", "2030/31")``.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> q = {"unit": "GBP", "source": "test", "status": "illustrative", "confidence": 5}
    >>> settings = ImplicationSettings(
    ...     delegation_thresholds={"commissioner_decision": {"value": 1e6, **q}, "grant_decision": {"value": 1e5, **q}},
    ...     capital_financing={"minimum_revenue_provision_rate": {"value": 4, **q}, "interest_rate": {"value": 0.02, **q}},
    ...     reserves_strategy={"values": {"2021/22": 1e6}, **q})
    >>> for found in settings_problems(settings, plan):
    ...     print(found)
    (('reserves_strategy', 'values'), 'no value for 2022/23, 2023/24, 2024/25')
    (('capital_financing', 'minimum_revenue_provision_rate'), 'a rate is a share between 0 and 1 (0.04 is 4%), got 4')
    """
    problems: list[tuple[Loc, str]] = bound_problems(settings, (), IMPLICATION_FIELDS)
    series = {("reserves_strategy",): settings.reserves_strategy}
    series.update({("fees_and_charges", name): s for name, s in settings.fees_and_charges.items()})
    for loc, s in series.items():
        if s.unit != "GBP":
            problems.append(((*loc, "unit"), f"expected GBP, got {s.unit!r}"))
        for year in s.values:
            if year not in plan.period:
                problems.append(((*loc, "values", str(year)),
                                 f"year {year} is outside the plan period {plan.period.first} to {plan.period.last}"))
        missing = [str(y) for y in plan.years if y not in s.values]
        if missing:
            problems.append(((*loc, "values"), f"no value for {', '.join(missing)}"))
    thresholds = settings.delegation_thresholds
    for name, q in (("commissioner_decision", thresholds.commissioner_decision), ("grant_decision", thresholds.grant_decision)):
        if q.unit != "GBP":
            problems.append((("delegation_thresholds", name, "unit"), f"expected GBP, got {q.unit!r}"))
    for name in ("minimum_revenue_provision_rate", "interest_rate"):
        rate = getattr(settings.capital_financing, name)
        if max(rate.numbers()) > 1:  # 4 for 4% would make the revenue cost of capital a hundred times too big
            problems.append((("capital_financing", name),
                             f"a rate is a share between 0 and 1 (0.04 is 4%), got {max(rate.numbers()):g}"))
    return problems
