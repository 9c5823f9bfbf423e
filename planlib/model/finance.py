"""The medium-term financial plan's inputs: grants, precept, tax base, pay, workforce and reserves.

Data only: the finance engine (:mod:`planlib.finance`) and the precept schedule
(:mod:`planlib.precept`) compute from it. The tax base of a year is given either as one total
(``tax_base``) or by billing authority (``billing_authorities``), never both for the same year;
:func:`tax_base_problems` says where a plan breaks that rule.

>>> "police_grant" in FinanceAssumptions.REQUIRED_EVERY_YEAR, "tax_base" in FinanceAssumptions.REQUIRED_EVERY_YEAR
(True, False)
"""

from __future__ import annotations

from typing import ClassVar

from planlib.model.base import DatedValue, Loc, Quantity, Record, SignedYearSeries, YearSeries
from planlib.types import FinancialYear, Id, Text


class BillingAuthority(Record):
    """A council that collects council tax and pays the police precept over (a billing authority).

    ``tax_base`` is its council tax base in Band D equivalent properties by year;
    ``collection_fund`` its share of the collection fund surplus (positive) or deficit
    (negative) in GBP, as the precept decision states it (a year left out counts as 0).

    >>> ba = BillingAuthority(name="Northtown", tax_base={"unit": "Band D equivalent properties",
    ...     "source": "s", "confidence": 2, "status": "verified", "values": {"2021/22": 90_000.0}})
    >>> ba.tax_base.value("2021/22"), ba.collection_fund is None
    (90000.0, True)
    """

    name: Text
    tax_base: YearSeries
    collection_fund: SignedYearSeries | None = None


class FinanceAssumptions(Record):
    """The medium-term financial plan's inputs (data only here; the finance engine computes).

    Money is GBP in cash (nominal) terms; rates are shares (0.02 is 2%). The optional funding
    lines (``former_dclg_grant``, ``council_tax_support_grant``, ``pension_grant``) are shown
    apart when a plan gives them; a plan may equally keep them in ``other_grants``.
    """

    price_base_year: FinancialYear
    police_grant: YearSeries
    former_dclg_grant: YearSeries | None = None
    """The former DCLG (now MHCLG) formula grant, where a precept decision shows it apart from the police grant."""
    council_tax_support_grant: YearSeries | None = None
    """Local council tax support and legacy council tax (freeze) grants."""
    pension_grant: YearSeries | None = None
    """The Home Office police pension grant."""
    other_grants: dict[Id, YearSeries] = {}
    precept_band_d_base: DatedValue
    precept_increase: YearSeries
    referendum_limit: YearSeries
    tax_base: YearSeries | None = None
    """The total tax base (Band D equivalents), for the years not given by billing authority."""
    collection_fund: SignedYearSeries | None = None
    """The total collection fund surplus (+) or deficit (-): for the years given by a total tax base, and
    for a year given by billing authority whose precept decision does not split it (no authority gives its own)."""
    billing_authorities: tuple[BillingAuthority, ...] = ()
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
        "baseline_force_costs",
        "officer_fte",
        "staff_fte",
        "pay_award",
        "non_pay_inflation",
        "neighbourhood_officers_in_post",
        "planned_use_of_reserves",
    )
    """Series needed in every year of the plan (the tax base is checked by :func:`tax_base_problems`)."""

    OPTIONAL_EVERY_YEAR: ClassVar[tuple[str, ...]] = (
        "former_dclg_grant", "council_tax_support_grant", "pension_grant",
    )
    """Optional series that, when given, need every year of the plan (0 for a year without)."""

    def series(self) -> dict[tuple[str, ...], YearSeries]:
        """Every :class:`YearSeries` given, keyed by its location under ``finance``
        (those of the billing authorities are in :meth:`authority_series`)."""
        found: dict[tuple[str, ...], YearSeries] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, YearSeries):
                found[(name,)] = value
            elif isinstance(value, dict):
                found.update({(name, key): s for key, s in value.items()})
        return found

    def authority_series(self) -> dict[tuple[str | int, ...], YearSeries]:
        """Each billing authority's series, keyed by its location: ``("billing_authorities", 0, "tax_base")``."""
        found: dict[tuple[str | int, ...], YearSeries] = {}
        for i, ba in enumerate(self.billing_authorities):
            found[("billing_authorities", i, "tax_base")] = ba.tax_base
            if ba.collection_fund is not None:
                found[("billing_authorities", i, "collection_fund")] = ba.collection_fund
        return found

    def tax_base_years(self) -> set[FinancialYear]:
        """The years that have a tax base, in total or by billing authority."""
        total = set(self.tax_base.values) if self.tax_base is not None else set()
        return total | {y for ba in self.billing_authorities for y in ba.tax_base.values}

    def by_authority(self, year: FinancialYear) -> bool:
        """True when ``year``'s tax base is given by billing authority rather than as one total."""
        return any(year in ba.tax_base.values for ba in self.billing_authorities)


def tax_base_problems(finance: FinanceAssumptions, years: list[FinancialYear]) -> list[tuple[Loc, str]]:
    """Where the tax base and collection fund break the rule "one total or every billing authority, per year".

    Each year of ``years`` needs a tax base: the total ``tax_base`` or a tax base for every
    billing authority, not both. A collection fund is given the same way as the year's tax
    base: a total ``collection_fund`` in a year given by a total, each billing authority's own
    in a year given by billing authority, or there the total alone when the precept decision
    does not split it (never both). Locations are relative to ``finance``.

    >>> s = {"unit": "Band D equivalent properties", "source": "s", "confidence": 2, "status": "verified"}
    >>> ba = BillingAuthority(name="Northtown", tax_base={**s, "values": {"2022/23": 1.0}})
    >>> f = FinanceAssumptions.model_construct(tax_base=YearSeries(**s, values={"2021/22": 2.0, "2022/23": 2.0}),
    ...                                        collection_fund=None, billing_authorities=(ba,))
    >>> for loc, message in tax_base_problems(f, [FinancialYear("2021/22"), FinancialYear("2022/23")]):
    ...     print(loc, message[:60])
    ('tax_base', 'values', '2022/23') both a total tax_base and billing authorities' tax bases for
    """
    problems: list[tuple[Loc, str]] = []
    total = finance.tax_base.values if finance.tax_base is not None else {}
    authorities = finance.billing_authorities
    neither: list[str] = []
    lacking: dict[int, list[str]] = {}
    for year in years:
        given = [i for i, ba in enumerate(authorities) if year in ba.tax_base.values]
        if given and year in total:
            problems.append((("tax_base", "values", str(year)),
                             f"both a total tax_base and billing authorities' tax bases for {year}: give one or the "
                             "other (the total is the sum of the billing authorities')"))
        elif given:
            for i in sorted(set(range(len(authorities))) - set(given)):
                lacking.setdefault(i, []).append(str(year))
        elif year not in total:
            neither.append(str(year))
    for i, missing in lacking.items():
        problems.append((("billing_authorities", i, "tax_base", "values"),
                         f"no tax base for {authorities[i].name} in {', '.join(missing)}: a year given by billing "
                         "authority needs every billing authority's tax base (write 0 for one that has none)"))
    if neither:
        where: Loc = ("tax_base", "values") if finance.tax_base is not None else (
            ("billing_authorities",) if authorities else ("tax_base",))
        problems.append((where, f"no tax base for {', '.join(neither)}: give the total tax_base, or a tax_base "
                                "for each of the billing_authorities"))
    return problems + _collection_fund_problems(finance, years)


def _authorities_give_fund(finance: FinanceAssumptions, year: FinancialYear) -> bool:
    return any(ba.collection_fund is not None and year in ba.collection_fund.values
               for ba in finance.billing_authorities)


def _collection_fund_problems(finance: FinanceAssumptions, years: list[FinancialYear]) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    if finance.collection_fund is not None:
        for year in finance.collection_fund.years():
            if year in years and finance.by_authority(year) and _authorities_give_fund(finance, year):
                problems.append((("collection_fund", "values", str(year)),
                                 f"both a total collection_fund and billing authorities' collection funds for "
                                 f"{year}: give each billing authority's collection_fund, or the total alone "
                                 "when the decision does not split it"))
    for i, ba in enumerate(finance.billing_authorities):
        if ba.collection_fund is None:
            continue
        for year in ba.collection_fund.years():
            if year in years and year not in ba.tax_base.values:
                problems.append((("billing_authorities", i, "collection_fund", "values", str(year)),
                                 f"a collection fund for {ba.name} in {year} but no tax base: give its tax_base "
                                 "for the year too"))
    return problems
