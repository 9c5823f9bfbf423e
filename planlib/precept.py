"""The precept schedule: what a Chief Finance Officer publishes when the precept is set.

For each financial year of the plan, in pounds and pence:

- **Band D** (:func:`planlib.finance.band_d`: the base year's Band D plus each year's
  increase), to the penny.
- **Bands A to H** from Band D by the statutory proportions 6/9, 7/9, 8/9, 9/9, 11/9, 13/9,
  15/9 and 18/9 (Local Government Finance Act 1992, s.5(1)), each worked with exact fractions
  and rounded half up to the penny, as precept decisions publish them: Band D £162.55 gives
  Band A £108.37 (108.3666...).
- **Each billing authority**, in a year whose tax base is given by billing authority: its tax
  base (Band D equivalents), its council tax, ``tax base x Band D`` to the penny, its
  collection fund surplus (+) or deficit (-) as the decision states it, and its ``precept``,
  the council tax plus the collection fund: the sum the billing authority pays over.
- **Totals.** ``council_tax_requirement = Band D x total tax base`` to the penny;
  ``collection_fund`` the total surplus or deficit; ``total_precept`` the sum of the billing
  authorities' precepts (a year given by one total: ``council_tax_requirement +
  collection_fund``). A decision that gives each billing authority's tax base but only the
  total collection fund leaves each authority's collection fund at 0 and adds the total to
  ``total_precept``. Each billing authority's council tax is rounded to the penny on its own,
  so their sum may differ from the council tax requirement by a few pence, as in the
  published decisions.
- **The referendum check.** The Band D increase against the year's limit in pounds on Band D;
  above the limit the precept would need a local referendum.

Money is worked in :class:`decimal.Decimal` from the figures as written (``162.55``, not the
nearest binary fraction), so the rounding is exactly that of the published tables.

>>> import planlib
>>> first = schedule(planlib.load_plan(planlib.DEFAULT_PLAN))[0]
>>> str(first.year), first.band_d, first.bands["A"], first.bands["H"]
('2021/22', Decimal('177.55'), Decimal('118.37'), Decimal('355.10'))
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from planlib.finance import band_d as band_d_by_year
from planlib.model import Plan, YearSeries
from planlib.types import FinancialYear

BAND_PROPORTIONS: dict[str, Fraction] = {
    "A": Fraction(6, 9), "B": Fraction(7, 9), "C": Fraction(8, 9), "D": Fraction(9, 9),
    "E": Fraction(11, 9), "F": Fraction(13, 9), "G": Fraction(15, 9), "H": Fraction(18, 9),
}
"""Each council tax band's proportion of Band D (Local Government Finance Act 1992, s.5(1))."""

PENNY = Decimal("0.01")


def exact(value: float | int | Decimal | Fraction) -> Fraction:
    """A number as the exact fraction of the decimal it was written as (``0.1`` is 1/10, not the binary float).

    >>> exact(162.55), exact(0.1) == Fraction(1, 10)
    (Fraction(3251, 20), True)
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def to_penny(value: float | int | Decimal | Fraction) -> Decimal:
    """Round to the penny, half up (away from zero), as precept decisions publish amounts.

    >>> to_penny(Fraction(3251, 20) * Fraction(6, 9)), to_penny(0.125), to_penny(-0.125)
    (Decimal('108.37'), Decimal('0.13'), Decimal('-0.13'))
    """
    fraction = exact(value)
    pennies = abs(fraction) * 100
    whole = int(pennies + Fraction(1, 2))  # half up on the absolute value: half a penny away from zero
    return (Decimal(whole if fraction >= 0 else -whole) * PENNY).quantize(PENNY)


def bands(band_d: float | Decimal | Fraction) -> dict[str, Decimal]:
    """Bands A to H from Band D by the statutory proportions, each rounded half up to the penny.

    >>> {k: str(v) for k, v in bands(162.55).items()}
    {'A': '108.37', 'B': '126.43', 'C': '144.49', 'D': '162.55', 'E': '198.67', 'F': '234.79', 'G': '270.92', 'H': '325.10'}
    """
    d = exact(band_d)
    return {band: to_penny(d * proportion) for band, proportion in BAND_PROPORTIONS.items()}


@dataclass(frozen=True)
class AuthorityPrecept:
    """One billing authority's line of the precept schedule for a year (pounds; tax base in Band D equivalents)."""

    name: str
    tax_base: float
    council_tax: Decimal
    """Tax base x Band D, to the penny."""
    collection_fund: Decimal
    """Its collection fund surplus (+) or deficit (-), to the penny (0 when the decision gives none)."""
    precept: Decimal
    """What the billing authority pays over: council tax + collection fund."""


@dataclass(frozen=True)
class PreceptYear:
    """The precept schedule of one financial year (money in pounds, to the penny)."""

    year: FinancialYear
    band_d: Decimal
    band_d_increase: Decimal
    referendum_limit: Decimal
    bands: dict[str, Decimal]
    billing_authorities: tuple[AuthorityPrecept, ...]
    """Empty in a year whose tax base is given as one total."""
    tax_base: float
    council_tax_requirement: Decimal
    collection_fund: Decimal
    total_precept: Decimal

    @property
    def referendum_required(self) -> bool:
        """True when the Band D increase is above the year's referendum limit."""
        return self.band_d_increase > self.referendum_limit


def _value(series: YearSeries | None, year: FinancialYear) -> float:
    if series is None or year not in series.values:
        return 0.0
    return series.values[year].central


def _total(values: list[float]) -> float:
    """A sum of tax bases as written (exact decimals), back to a float."""
    return float(sum((exact(v) for v in values), Fraction(0)))


def precept_year(plan: Plan, year: FinancialYear | str) -> PreceptYear:
    """The precept schedule of one year of ``plan``.

    Parameters
    ----------
    plan : Plan
        A checked plan (every year has a tax base, in total or by billing authority).
    year : FinancialYear or str
        A year of the plan period, such as ``"2022/23"``.

    Raises
    ------
    KeyError
        If ``year`` is not a year of the plan.

    Examples
    --------
    >>> import planlib
    >>> y = precept_year(planlib.load_plan(planlib.DEFAULT_PLAN), "2022/23")
    >>> y.band_d, y.council_tax_requirement, y.total_precept, y.referendum_required
    (Decimal('187.55'), Decimal('137522537.90'), Decimal('137522537.90'), False)
    """
    year = FinancialYear(year)
    years = plan.years
    if year not in years:
        raise KeyError(f"{year} is not a year of the plan ({plan.period.first} to {plan.period.last})")
    i = years.index(year)
    f = plan.finance
    band_d = to_penny(float(band_d_by_year(plan)[i]))
    authorities: list[AuthorityPrecept] = []
    if f.by_authority(year):
        for ba in f.billing_authorities:
            base = _value(ba.tax_base, year)
            council_tax = to_penny(exact(base) * exact(band_d))
            fund = to_penny(_value(ba.collection_fund, year))
            authorities.append(AuthorityPrecept(ba.name, base, council_tax, fund, council_tax + fund))
        tax_base = _total([a.tax_base for a in authorities])
    else:
        tax_base = _value(f.tax_base, year)
    # A total collection fund: a year given by one total, or a year by authority whose decision
    # does not split it (the checks refuse a total beside the authorities' own).
    unsplit = to_penny(_value(f.collection_fund, year))
    collection_fund = sum((a.collection_fund for a in authorities), unsplit)
    requirement = to_penny(exact(tax_base) * exact(band_d))
    total = sum((a.precept for a in authorities), unsplit) if authorities else requirement + collection_fund
    return PreceptYear(
        year=year, band_d=band_d, band_d_increase=to_penny(f.precept_increase.value(year)),
        referendum_limit=to_penny(f.referendum_limit.value(year)), bands=bands(band_d),
        billing_authorities=tuple(authorities), tax_base=tax_base, council_tax_requirement=requirement,
        collection_fund=collection_fund, total_precept=total,
    )


def schedule(plan: Plan, year: FinancialYear | str | None = None) -> list[PreceptYear]:
    """The precept schedule of every year of ``plan`` (or of ``year`` alone), in year order.

    >>> import planlib
    >>> [str(y.band_d) for y in schedule(planlib.load_plan(planlib.DEFAULT_PLAN))]
    ['177.55', '187.55', '202.55', '215.55']
    """
    years = plan.years if year is None else [FinancialYear(year)]
    return [precept_year(plan, y) for y in years]
