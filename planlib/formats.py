"""The one way planlib writes money, shares and years for a person to read.

A base module (beside :mod:`planlib.errors`), not part of :mod:`planlib.present`: an error
message or a note that an engine writes names amounts too, and must write them the same way.

Money is written as a board paper writes it: ``£1.2m``, ``−£65.5m`` (a true minus sign, U+2212,
before the pound sign), ``£850k`` where thousands are chosen, ``£215.55`` for an amount in
pounds such as a Band D precept. A missing figure (None or NaN) is an en dash.

>>> money(1_234_567), money(-65_500_000), money(850_000, thousands=True), pounds(215.55)
('£1.2m', '−£65.5m', '£850k', '£215.55')
>>> share(0.125), percent(9.24), signed_percent(1.5), signed_percent(-0.5)
('12.5%', '9.2%', '+1.5%', '−0.5%')
"""

from __future__ import annotations

import math
from collections.abc import Sequence

MINUS = "\u2212"
"""The minus sign used in front of money and percentages (not the hyphen)."""

MISSING = "\u2013"
"""What a missing figure is written as (an en dash)."""


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _sign(value: float) -> str:
    # -0.04 rounds to "0.0": no sign on a figure that reads as zero
    return MINUS if value < 0 else ""


def money(value: float | None, digits: int = 1, *, thousands: bool = False) -> str:
    """Pounds in millions: ``£1.2m``, ``−£65.5m``; with ``thousands``, under £1m as ``£850k``.

    Parameters
    ----------
    value : float or None
        Pounds (not millions). None or NaN gives an en dash.
    digits : int
        Decimal places of the millions.
    thousands : bool
        Write sums under £1m in whole thousands (``£850k``) rather than ``£0.9m``.

    >>> money(15_000_000), money(0), money(float("nan")), money(-0.01)
    ('£15.0m', '£0.0m', '–', '£0.0m')
    >>> money(250_000, 2), money(-250_000, thousands=True), money(1_500, thousands=True)
    ('£0.25m', '−£250k', '£2k')
    """
    if _missing(value):
        return MISSING
    value = float(value)  # type: ignore[arg-type]
    if thousands and abs(value) < 999_500:
        text = f"{abs(value) / 1e3:,.0f}"
        return f"{_sign(value) if text != '0' else ''}£{text}k"
    text = f"{abs(value) / 1e6:,.{digits}f}"
    zero = float(text.replace(",", "")) == 0
    return f"{'' if zero else _sign(value)}£{text}m"


def pounds(value: float | None, digits: int = 2) -> str:
    """Pounds and pence (a Band D precept, a unit cost): ``£215.55``, ``−£1.50``.

    >>> pounds(1234.5), pounds(-1.5), pounds(12, 0), pounds(None)
    ('£1,234.50', '−£1.50', '£12', '–')
    """
    if _missing(value):
        return MISSING
    value = float(value)  # type: ignore[arg-type]
    text = f"{abs(value):,.{digits}f}"
    zero = float(text.replace(",", "")) == 0
    return f"{'' if zero else _sign(value)}£{text}"


def share(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.125`` -> ``12.5%``.

    >>> share(0.5), share(-0.031), share(0.333, 0), share(None)
    ('50.0%', '−3.1%', '33%', '–')
    """
    if _missing(value):
        return MISSING
    return percent(float(value) * 100, digits)  # type: ignore[arg-type]


def percent(value: float | None, digits: int = 1) -> str:
    """A number already in percent: ``9.24`` -> ``9.2%``.

    >>> percent(9.24), percent(-2), percent(2, 0)
    ('9.2%', '−2.0%', '2%')
    """
    if _missing(value):
        return MISSING
    value = float(value)  # type: ignore[arg-type]
    text = f"{abs(value):,.{digits}f}"
    zero = float(text.replace(",", "")) == 0
    return f"{'' if zero else _sign(value)}{text}%"


def signed_percent(value: float | None, digits: int = 1) -> str:
    """A change in percent with its sign: ``+1.5%``, ``−0.5%``, ``0.0%``.

    >>> signed_percent(1.5), signed_percent(0), signed_percent(-0.25, 2)
    ('+1.5%', '0.0%', '−0.25%')
    """
    text = percent(value, digits)
    if text == MISSING or text.startswith(MINUS) or float(text.rstrip("%").replace(",", "")) == 0:
        return text
    return "+" + text


def count(value: float | None) -> str:
    """A count or a measure: whole numbers without decimals, others to one place.

    >>> count(1200), count(12.5), count(-3), count(None)
    ('1,200', '12.5', '−3', '–')
    """
    if _missing(value):
        return MISSING
    value = float(value)  # type: ignore[arg-type]
    text = f"{abs(value):,.0f}" if value == round(value) else f"{abs(value):,.1f}"
    return f"{_sign(value)}{text}"


def year_range(years: Sequence[object]) -> str:
    """Financial years as a reader says them: ``2022/23``, ``2022/23 to 2024/25``.

    >>> year_range(["2022/23"]), year_range(["2022/23", "2023/24", "2024/25"]), year_range([])
    ('2022/23', '2022/23 to 2024/25', '')
    """
    labels = [str(y) for y in years]
    if not labels:
        return ""
    return labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"
