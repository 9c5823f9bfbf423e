"""The medium-term financial plan's inputs: grants, precept, pay, workforce and reserves.

Data only: the finance engine (:mod:`planlib.finance`) computes from it.

>>> "police_grant" in FinanceAssumptions.REQUIRED_EVERY_YEAR
True
"""

from __future__ import annotations

from typing import ClassVar

from planlib.model.base import DatedValue, Quantity, Record, SignedYearSeries, YearSeries
from planlib.types import FinancialYear, Id


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

