"""HM Treasury Green Book arithmetic: discounting, the GDP deflator, NPV, BCR, ROI, payback and
optimism bias, as pure functions on numpy arrays.

>>> discount_factors(3).round(4).tolist()
[1.0, 0.9662, 0.9335]
"""

from __future__ import annotations

from functools import cache
from typing import Iterable, Mapping

import numpy as np

from planlib.reference import discount_schedule, optimism_bias_generic


@cache
def _rates(schedule: str, n_years: int) -> np.ndarray:
    rows = discount_schedule()
    if schedule not in rows[0]:
        raise ValueError(f"unknown discount schedule {schedule!r}; expected standard or health")
    rates = np.empty(n_years)
    for row in rows:
        start, end = int(row["from_year"]), int(row["to_year"])
        if start < n_years:
            rates[start:min(end, n_years - 1) + 1] = float(row[schedule])
    return rates


def discount_factors(n_years: int, schedule: str = "standard") -> np.ndarray:
    """Green Book discount factors for years ``0 .. n_years - 1``.

    The rate for year ``t`` (3.5% for years 1-30 on the standard schedule, then 3%, 2.5%, ...)
    discounts year ``t`` relative to year ``t - 1``, applied year by year, so that
    ``factor(31) = factor(30) / 1.03``.

    Parameters
    ----------
    n_years : int
        How many years, from year 0.
    schedule : {"standard", "health"}
        Column of the HM Treasury schedule.

    Examples
    --------
    >>> f = discount_factors(41)
    >>> bool(np.isclose(f[30], 1 / 1.035**30)), bool(np.isclose(f[40], 1 / 1.035**30 / 1.03**10))
    (True, True)
    """
    if n_years < 1:
        raise ValueError("n_years must be at least 1")
    if n_years > 1001:
        raise ValueError("the Green Book schedule runs to year 1000")
    rates = _rates(schedule, n_years)
    growth = np.concatenate([[1.0], np.cumprod(1 + rates[1:])])
    return 1 / growth


def to_real(nominal: Iterable[float], deflator_rate: float | None = None,
            deflator_index: Iterable[float] | None = None, base_year: int = 0) -> np.ndarray:
    """Cash (nominal) values in the prices of ``base_year``: ``real = nominal x d(base) / d(year)``.

    Give either a constant ``deflator_rate`` or a ``deflator_index`` (one value per year).

    Examples
    --------
    The Green Book example: 1,000 a year at a constant 2% deflator.

    >>> to_real([1000] * 6, deflator_rate=0.02).round(0).tolist()
    [1000.0, 980.0, 961.0, 942.0, 924.0, 906.0]
    """
    values = np.asarray(list(nominal), dtype=float)
    if (deflator_rate is None) == (deflator_index is None):
        raise ValueError("give exactly one of deflator_rate or deflator_index")
    if deflator_index is not None:
        index = np.asarray(list(deflator_index), dtype=float)
        if index.shape != values.shape:
            raise ValueError("deflator_index needs one value per year")
    else:
        index = (1 + float(deflator_rate)) ** np.arange(len(values))
    return values * index[base_year] / index


def npv(flows: Iterable[float], start_year: int = 0, factors: np.ndarray | None = None) -> float:
    """Net present value of ``flows`` (year ``start_year``, ``start_year + 1``, ...), discounted to year 0.

    Examples
    --------
    >>> round(npv([-100, 30, 30, 30, 30, 30]), 4)
    35.4516
    """
    values = np.asarray(list(flows), dtype=float)
    if factors is None:
        factors = discount_factors(start_year + len(values))
    return float(np.dot(values, factors[start_year:start_year + len(values)]))


def bcr(benefits: float, costs: float) -> float:
    """Benefit-cost ratio: present value of benefits over present value of costs.

    >>> bcr(150.0, 100.0)
    1.5
    """
    return float(benefits / costs) if costs else float("nan")


def roi(benefits: float, costs: float) -> float:
    """Return on investment: net benefit per pound of cost, ``(benefits - costs) / costs``.

    >>> roi(150.0, 100.0)
    0.5
    """
    return float((benefits - costs) / costs) if costs else float("nan")


def payback_year(net_flows: Iterable[float], factors: np.ndarray | None = None) -> int | None:
    """Index of the year from which cumulative discounted net benefit stays at or above zero.

    Returns None if it never pays back within the flows given; a flow that is never negative
    pays back in its first non-zero year.

    >>> payback_year([-100, 30, 30, 30, 30, 30])
    4
    >>> payback_year([-100, 10]) is None
    True
    >>> payback_year([0, 0, 5, -1])
    2
    """
    values = np.asarray(list(net_flows), dtype=float)
    if factors is None:
        factors = discount_factors(len(values))
    cumulative = np.cumsum(values * factors[: len(values)])
    negative = np.nonzero(cumulative < 0)[0]
    if len(negative) == 0:
        nonzero = np.nonzero(values)[0]
        return int(nonzero[0]) if len(nonzero) else None
    last = int(negative[-1])
    return last + 1 if last + 1 < len(values) else None


def optimism_bias(costs: Iterable[float] | float, uplift: float, mitigation: float = 0.0) -> np.ndarray:
    """Costs raised by optimism bias: ``cost x (1 + uplift x (1 - mitigation))``.

    ``mitigation`` is the share of the bias removed by risk management.

    >>> optimism_bias(100, 0.50, mitigation=0.5).tolist()
    125.0
    >>> optimism_bias([100, 50], 0.51).tolist()
    [151.0, 75.5]
    """
    if not 0 <= mitigation <= 1:
        raise ValueError("mitigation is a share between 0 and 1")
    return np.asarray(costs, dtype=float) * (1 + uplift * (1 - mitigation))


def generic_optimism_bias(mix: Mapping[str, float], measure: str = "capex_upper") -> float:
    """Optimism-bias uplift of a project made of several Green Book project types.

    ``mix`` maps project types (rows of the Green Book table) to their shares of the project.

    >>> round(generic_optimism_bias({"non_standard_buildings": 0.3, "standard_buildings": 0.7}), 4)
    0.321
    """
    table = {r["project_type"]: r for r in optimism_bias_generic()}
    unknown = [k for k in mix if k not in table]
    if unknown:
        raise ValueError(f"unknown project types {unknown}; the table has {sorted(table)}")
    if not np.isclose(sum(mix.values()), 1.0):
        raise ValueError("the shares of the mix must add up to 1")
    return float(sum(share * float(table[kind][measure]) for kind, share in mix.items()))
