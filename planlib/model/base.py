"""The foundation of the domain model: the strict record, and numbers that carry their sources.

Every record forbids unknown fields (a misspelt field is an error, not a silent default) and
rejects NaN and infinity. Numbers a person enters carry a unit, a source, a confidence grade
and a status: one number is an :class:`Assumption`, numbers by financial year a :class:`YearSeries`.

>>> a = Assumption(low=80, high=300, unit="crimes a year", source="illustrative",
...                confidence=5, status="illustrative")
>>> a.is_interval, round(a.central, 1)
(True, 154.9)
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, model_serializer, model_validator

from planlib.types import ConfidenceGrade, FinancialYear, Id, Note, Number, Status, Text

Loc = tuple[str | int, ...]
"""A location inside a plan, as pydantic reports it: ``("commitments", 3, "objective_id")``."""

Distribution = Literal["normal", "lognormal", "uniform", "triangular"]


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

