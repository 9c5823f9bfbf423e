"""Plausible bounds of every number a plan holds: one table, checked in plans and scenarios alike.

A number can be finite and still absurd: a cost of 1e308 pounds, a pay award of a million
times the pay bill. Such a number passes the types (money is not negative, a share lies
between 0 and 1) and then overflows the arithmetic, so that results read ``inf`` or ``nan``.
:data:`BOUNDS` gives the range of each kind of number; :data:`PLAN_FIELDS` says which kind
each field of a plan is (the first pattern that matches a field's place wins, and every
number not named is a :data:`FIGURE`); :func:`bound_problems` finds the numbers outside
their range. The plan's checks (:func:`planlib.model.checks.reference_problems`) run it, so
a plan folder, a scenario's changes and the side files are held to the same bounds. The
years a plan may cover are bounded too (:data:`FIRST_YEAR`, :data:`LAST_YEAR`,
:data:`LONGEST_PERIOD`).

The bounds are wide on purpose: they catch a slip of a thousand or a million (pounds for
thousands, 4 for 4%), never a real plan. ``data/README.md`` lists them.

>>> from planlib.model.commitment import CostLine
>>> line = CostLine(year="2022/23", non_pay_gbp=1e308, source="s", status="estimate", confidence=3)
>>> loc, message = bound_problems(line, (), [("non_pay_gbp", "money")])[0]
>>> loc, message
(('non_pay_gbp',), '1e+308 is far beyond any plausible amount in GBP: expected £0 to £50bn (£50bn is about three times what every police force in England and Wales spends in a year)')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel

from planlib.model.base import Loc


@dataclass(frozen=True)
class Bound:
    """The plausible range of one kind of number.

    Attributes
    ----------
    low, high : float
        The smallest and largest value accepted.
    what : str
        The kind of number, in words (``an amount in GBP``).
    shown : str
        The range as a person reads it (``£0 to £50bn``).
    why : str
        What the upper end means, so that a reader sees the range is generous.
    """

    low: float
    high: float
    what: str
    shown: str
    why: str

    def message(self, value: float) -> str | None:
        """What is wrong with ``value`` (None when it lies in the range).

        >>> BOUNDS["rate"].message(0.03) is None, BOUNDS["rate"].message(4.0)[:44]
        (True, '4 is far beyond any plausible rate a year (a')
        """
        if self.low <= value <= self.high:
            return None
        return f"{value:.6g} is far beyond any plausible {self.what}: expected {self.shown} ({self.why})"


BOUNDS: dict[str, Bound] = {
    "money": Bound(0, 50e9, "amount in GBP", "£0 to £50bn",
                   "£50bn is about three times what every police force in England and Wales spends in a year"),
    "signed_money": Bound(-50e9, 50e9, "amount in GBP", "−£50bn to £50bn",
                          "£50bn is about three times what every police force in England and Wales spends in a year"),
    "band_d": Bound(0, 10_000, "Band D precept in GBP a year", "£0 to £10,000",
                    "some 30 times a police Band D precept today"),
    "band_d_rise": Bound(0, 1_000, "rise in the Band D precept in GBP a year", "£0 to £1,000",
                         "a rise of £1,000 would multiply a police precept several times over"),
    "pay": Bound(0, 1e6, "cost of one post in GBP a year", "£0 to £1,000,000", "£1m a post a year"),
    "people": Bound(0, 1e6, "number of posts (FTE)", "0 to 1,000,000",
                    "several times every officer and member of staff in England and Wales"),
    "properties": Bound(0, 50e6, "tax base in Band D equivalent properties", "0 to 50,000,000",
                        "about twice the homes in England"),
    "population": Bound(0, 100e6, "population", "0 to 100,000,000", "more than the United Kingdom's"),
    "rate": Bound(0, 0.5, "rate a year (a share: 0.03 is 3%)", "0 to 0.5", "0.5 is a rise of 50% in a year"),
    "share": Bound(0, 1, "share (0.25 is 25%)", "0 to 1", "1 is the whole"),
    "unit_cost": Bound(0, 100e6, "cost of one offence in GBP", "£0 to £100m",
                       "over 30 times the Home Office unit cost of a homicide"),
    "figure": Bound(-1e12, 1e12, "figure", "−1,000,000,000,000 to 1,000,000,000,000",
                    "a million million: no count, amount or volume of a police area comes near"),
}
"""Each kind of number and its plausible range."""

FIGURE = "figure"
"""The kind of a number no pattern names (an assumption of the register, a KPI's value)."""

PLAN_FIELDS: tuple[tuple[str, str], ...] = (
    ("finance.precept_band_d_base.*", "band_d"),
    ("finance.precept_increase.*", "band_d_rise"),
    ("finance.referendum_limit.*", "band_d_rise"),
    ("finance.tax_base.*", "properties"),
    ("finance.billing_authorities.*.tax_base.*", "properties"),
    ("finance.billing_authorities.*.collection_fund.*", "signed_money"),
    ("finance.collection_fund.*", "signed_money"),
    ("finance.planned_use_of_reserves.*", "signed_money"),
    ("finance.cost_per_officer.*", "pay"),
    ("finance.cost_per_staff.*", "pay"),
    ("finance.officer_on_costs.*", "share"),
    ("finance.staff_on_costs.*", "share"),
    ("finance.pay_award.*", "rate"),
    ("finance.non_pay_inflation.*", "rate"),
    ("finance.officer_fte.*", "people"),
    ("finance.staff_fte.*", "people"),
    ("finance.uplift_target_officers.*", "people"),
    ("finance.neighbourhood_officer_target.*", "people"),
    ("finance.neighbourhood_officers_in_post.*", "people"),
    ("finance.*", "money"),  # grants, baseline force costs, reserves
    ("commitments.*.costs.*.officer_fte", "people"),
    ("commitments.*.costs.*.staff_fte", "people"),
    ("commitments.*.costs.*", "money"),
    ("commitment_actuals.*", "money"),
    ("grants.*.amounts.*", "money"),
    ("unit_costs.*.unit_cost_gbp", "unit_cost"),
    ("local_authorities.*.population", "population"),
    ("appraisal.deflator_rate.*", "rate"),
    ("appraisal.optimism_bias.*", "share"),
)
"""Which kind of number each field of a plan is: (pattern of its place, kind of :data:`BOUNDS`).
Places are dotted, with list positions and years as parts (``commitments.3.costs.0.non_pay_gbp``);
``*`` stands for any part or parts."""

IMPLICATION_FIELDS: tuple[tuple[str, str], ...] = (
    ("delegation_thresholds.*", "money"),
    ("reserves_strategy.*", "money"),
    ("fees_and_charges.*", "money"),
)
"""The kinds of the numbers of ``implications.yaml`` (its rates have a check of their own, in
:func:`planlib.model.implications.settings_problems`)."""

FIRST_YEAR = 2000
"""The earliest year a plan's period may start in (2000/01)."""

LAST_YEAR = 2099
"""The latest year a plan's period may end in (2099/00)."""

LONGEST_PERIOD = 20
"""The most financial years a plan's period may cover (a Police and Crime Plan runs for a
Commissioner's term of four years, and some look a few years further)."""

_NOT_NUMBERS = frozenset({"confidence"})
"""Fields whose whole numbers are grades with their own range, not quantities."""


@lru_cache(maxsize=4096)
def _kind(place: str, fields: tuple[tuple[str, str], ...]) -> str:
    return next((kind for pattern, kind in fields if fnmatchcase(place, pattern)), FIGURE)


def _may_hold_numbers(annotation: Any) -> bool:
    """Whether a field of this type may hold a number, itself or deeper (text, dates, years and
    choices of words cannot: a plan has thousands of them, so they are not walked)."""
    if annotation in (str, bool, dt.date, type(None)) or getattr(annotation, "__name__", "") == "FinancialYear":
        return False
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return False
    if origin is Annotated:
        return _may_hold_numbers(args[0])
    if origin is dict:
        return _may_hold_numbers(args[1]) if len(args) == 2 else True
    if origin is not None:  # a union, tuple or list: any of its members
        return any(_may_hold_numbers(a) for a in args if a is not Ellipsis)
    return True


@lru_cache(maxsize=None)
def _walked(record_type: type[BaseModel]) -> tuple[str, ...]:
    return tuple(name for name, info in record_type.model_fields.items()
                 if name not in _NOT_NUMBERS and _may_hold_numbers(info.annotation))


def _numbers(node: Any, loc: Loc, place: str, found: list[tuple[Loc, str, float]]) -> None:
    """Every number under ``node`` into ``found``, with its location and its place (the location
    as dotted text, list positions as 0, for :data:`PLAN_FIELDS`): records' fields, list items,
    mapping values."""
    if isinstance(node, BaseModel):
        for name in _walked(type(node)):
            _numbers(getattr(node, name), (*loc, name), f"{place}.{name}" if place else name, found)
    elif isinstance(node, (tuple, list)):
        for i, item in enumerate(node):
            _numbers(item, (*loc, i), f"{place}.0", found)
    elif isinstance(node, dict):
        for key, item in node.items():
            part = "0" if isinstance(key, int) else str(key)
            _numbers(item, (*loc, key if isinstance(key, int) else part), f"{place}.{part}", found)
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        found.append((loc, place, node))


def bound_problems(record: Any, prefix: Loc = (), fields: tuple[tuple[str, str], ...] = PLAN_FIELDS) -> list[tuple[Loc, str]]:
    """Every number of ``record`` outside the plausible range of its kind, as ``(location, message)`` pairs.

    Parameters
    ----------
    record : pydantic record
        A plan, or a part of one.
    prefix : tuple
        The place of ``record`` (``("finance",)`` for the finance assumptions alone).
    fields : tuple of (pattern, kind)
        Which kind each field is (:data:`PLAN_FIELDS` by default); others are :data:`FIGURE`.

    Examples
    --------
    >>> from planlib.model.base import Quantity
    >>> q = Quantity(value=1e6, unit="share", source="s", confidence=3, status="estimate")
    >>> [(loc, message[:40]) for loc, message in bound_problems(q, ("finance", "pay_award"))]
    [(('finance', 'pay_award', 'value'), '1e+06 is far beyond any plausible rate a')]
    """
    numbers: list[tuple[Loc, str, float]] = []
    _numbers(record, prefix, ".".join("0" if isinstance(part, int) else str(part) for part in prefix), numbers)
    found, fields = [], tuple(fields)
    for loc, place, value in numbers:
        message = BOUNDS[_kind(place, fields)].message(value)
        if message is not None:
            found.append((loc, message))
    return found
