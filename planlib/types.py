"""Constrained types shared by the domain model, declared once.

A financial year in England runs from 1 April to 31 March and is written ``2021/22``.
:class:`FinancialYear` parses that form, rejects anything else with a message that says
what was expected, orders correctly and supports arithmetic in whole years.

>>> fy = FinancialYear("2021/22")
>>> str(fy + 3)
'2024/25'
>>> FinancialYear("2024/25") - fy
3
>>> [str(y) for y in FinancialYear.range("2021/22", "2023/24")]
['2021/22', '2022/23', '2023/24']
"""

from __future__ import annotations

import datetime as dt
import re
from functools import total_ordering
from typing import Annotated, Any, Iterator, Literal

from pydantic import AfterValidator, Field, GetCoreSchemaHandler, Strict, StringConstraints
from pydantic_core import core_schema

_FY_PATTERN = re.compile(r"^(\d{4})/(\d{2})$")


@total_ordering
class FinancialYear:
    """An English public-sector financial year, ``YYYY/YY`` of two consecutive years.

    Parameters
    ----------
    value : str, int or FinancialYear
        ``"2021/22"``; an int is taken as the calendar year in which the financial year starts.

    Raises
    ------
    ValueError
        If the text is not of the form ``YYYY/YY`` with consecutive years.

    Examples
    --------
    >>> FinancialYear("2021/22").start
    2021
    >>> FinancialYear(2022)
    FinancialYear('2022/23')
    >>> FinancialYear("2021/23")
    Traceback (most recent call last):
    ...
    ValueError: '2021/23' is not a financial year: expected YYYY/YY of two consecutive years, such as 2021/22
    """

    __slots__ = ("_start",)

    def __init__(self, value: str | int | FinancialYear) -> None:
        if isinstance(value, FinancialYear):
            start = value.start
        elif isinstance(value, int) and not isinstance(value, bool):
            start = value
        elif isinstance(value, str):
            start = _parse_financial_year(value)
        else:
            raise ValueError(
                f"{value!r} is not a financial year: expected text such as 2021/22"
            )
        if not 1900 <= start <= 2998:
            raise ValueError(f"{value!r} is not a financial year: the year is out of range")
        object.__setattr__(self, "_start", start)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FinancialYear is immutable")

    @property
    def start(self) -> int:
        """The calendar year in which this financial year begins (1 April)."""
        return self._start

    @property
    def first_day(self) -> dt.date:
        """1 April, when this financial year begins.

        >>> FinancialYear("2021/22").first_day, FinancialYear("2021/22").last_day
        (datetime.date(2021, 4, 1), datetime.date(2022, 3, 31))
        """
        return dt.date(self._start, 4, 1)

    @property
    def last_day(self) -> dt.date:
        """31 March, when this financial year ends."""
        return dt.date(self._start + 1, 3, 31)

    @classmethod
    def containing(cls, day: dt.date) -> FinancialYear:
        """The financial year that holds ``day``.

        >>> FinancialYear.containing(dt.date(2022, 3, 31)), FinancialYear.containing(dt.date(2022, 4, 1))
        (FinancialYear('2021/22'), FinancialYear('2022/23'))
        """
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def range(cls, first: str | FinancialYear, last: str | FinancialYear) -> list[FinancialYear]:
        """Every financial year from ``first`` to ``last`` inclusive.

        >>> len(FinancialYear.range("2021/22", "2024/25"))
        4
        """
        first, last = cls(first), cls(last)
        return [cls(y) for y in range(first.start, last.start + 1)]

    def __str__(self) -> str:
        return f"{self._start}/{(self._start + 1) % 100:02d}"

    def __repr__(self) -> str:
        return f"FinancialYear('{self}')"

    def __hash__(self) -> int:
        return hash(("FinancialYear", self._start))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FinancialYear):
            return self._start == other._start
        if isinstance(other, str):
            return str(self) == other
        return NotImplemented

    def __lt__(self, other: object) -> bool:
        if isinstance(other, str):
            other = FinancialYear(other)
        if not isinstance(other, FinancialYear):
            return NotImplemented
        return self._start < other._start

    def __add__(self, years: int) -> FinancialYear:
        if not isinstance(years, int) or isinstance(years, bool):
            return NotImplemented
        return FinancialYear(self._start + years)

    def __sub__(self, other: int | FinancialYear) -> Any:
        if isinstance(other, FinancialYear):
            return self._start - other._start
        if isinstance(other, int) and not isinstance(other, bool):
            return FinancialYear(self._start - other)
        return NotImplemented

    def __iter__(self) -> Iterator[int]:  # pragma: no cover - guards against accidental unpacking
        raise TypeError("FinancialYear is not iterable")

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def validate(value: Any) -> FinancialYear:
            if isinstance(value, FinancialYear):
                return value
            if not isinstance(value, str):
                raise ValueError(
                    f"{value!r} is not a financial year: expected text such as 2021/22"
                )
            return cls(value)

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
            json_schema_input_schema=core_schema.str_schema(pattern=_FY_PATTERN.pattern),
        )


def _parse_financial_year(text: str) -> int:
    match = _FY_PATTERN.match(text.strip())
    if match is None or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(
            f"{text!r} is not a financial year: expected YYYY/YY of two consecutive years, "
            "such as 2021/22"
        )
    return int(match.group(1))


Number = Annotated[float, Strict()]
"""A finite number. Strict: ``"12"`` or ``true`` in a file is a type error, not 12 or 1."""

Money = Annotated[float, Strict(), Field(ge=0)]
"""Pounds sterling (GBP) where a negative amount makes no sense: costs, grants, unit costs."""

Count = Annotated[float, Strict(), Field(ge=0)]
"""A non-negative quantity such as full-time equivalent posts or a population."""

Share = Annotated[float, Strict(), Field(ge=0, le=1)]
"""A proportion between 0 and 1 (0.25 means 25%)."""

ConfidenceGrade = Annotated[int, Strict(), Field(ge=1, le=6)]
"""Confidence in the evidence for a number: 1 (strongest) to 6 (weakest), as in the
GMCA / HM Treasury 2014 cost-benefit guidance."""

Status = Literal["verified", "estimate", "illustrative", "unverified"]
"""How far a number has been checked: verified against a source; an estimate derived from
sourced figures; illustrative (assumed, to be replaced); unverified (a recollection to check)."""

Id = Annotated[str, Strict(), Field(pattern=r"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$")]
"""An identifier: a letter, then letters, digits, ``_``, ``.`` or ``-`` (at most 64)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters other than tab, line feed and carriage return: escape sequences (ESC),
the bell, NUL... that a terminal or a page would act on rather than show."""


def refuse_control_characters(text: str) -> str:
    """``text`` unchanged, or ValueError naming its first control character (tabs and line breaks are allowed).

    >>> refuse_control_characters("Safer streets\\tfor all\\n")
    'Safer streets\\tfor all\\n'
    >>> refuse_control_characters("Title\\x1b]0;owned\\x07")
    Traceback (most recent call last):
    ...
    ValueError: contains a control character (U+001B) at character 6: text may hold tabs and line breaks but no other control characters
    """
    found = _CONTROL.search(text)
    if found is not None:
        raise ValueError(f"contains a control character (U+{ord(found.group()):04X}) at character {found.start() + 1}: "
                         "text may hold tabs and line breaks but no other control characters")
    return text


Text = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000),
                 AfterValidator(refuse_control_characters)]
"""Non-empty text; surrounding spaces are removed (as a spreadsheet cell is read); no control
characters but tabs and line breaks."""

Note = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, max_length=20_000),
                 AfterValidator(refuse_control_characters)]
"""Optional free text (may be empty); surrounding spaces are removed; no control characters
but tabs and line breaks."""

Flag = Annotated[bool, Strict()]
"""``true`` or ``false``; ``1``, ``"yes"`` and the like are type errors."""
