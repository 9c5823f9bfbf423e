"""The medium-term financial plan (MTFP): funding against costs, year by year.

For each financial year of the plan (all money in GBP, cash terms):

- **Funding.** ``precept_band_d(y) = precept_band_d(y-1) + precept_increase(y)``, starting
  from ``precept_band_d_base`` (the year before the plan). ``tax_base`` is the total tax base,
  or the sum of the billing authorities' in a year given by billing authority;
  ``collection_fund`` likewise (surplus positive, deficit negative; 0 when not given).
  ``council_tax_requirement = precept_band_d x tax_base`` (``precept_income`` is the same
  figure, under its older name); ``total_precept = council_tax_requirement +
  collection_fund`` (the gross precept the billing authorities pay over);
  ``net_budget_requirement = police_grant + former_dclg_grant + council_tax_support_grant +
  pension_grant + other_grants + total_precept``; ``total_funding = net_budget_requirement +
  use_of_reserves`` (the planned use of reserves). A funding line a plan does not give is 0.
- **Referendum limit.** ``referendum_required`` is 1 in a year whose Band D increase is above
  that year's limit: such a precept needs a local referendum, and is flagged, never accepted
  silently.
- **Costs.** ``baseline_force_costs`` are given in ``price_base_year`` prices and uprated by
  ``non_pay_inflation`` in each later year. Officers cost ``cost_per_officer x (1 +
  officer_on_costs)``, uprated by ``pay_award`` in each year after the year of the pay figure;
  staff likewise. Officer and staff FTE are the core force's (``officer_fte``, ``staff_fte``)
  plus those of every enabled commitment; commitments' ``non_pay_gbp`` (their non-pay revenue
  cost) is added as entered. ``total_cost`` is the revenue cost; commitments' capital is shown
  apart (``commitment_capital``), as it is financed through the capital programme.
- **Gap and reserves.** ``budget_gap = total_cost - total_funding`` (positive: a shortfall).
  ``reserves_closing = reserves_opening - use_of_reserves - budget_gap``: a gap that savings do
  not close falls on reserves; ``reserves_below_minimum`` is 1 when the closing balance is under
  ``minimum_reserves``.
- **Officers.** ``officers_total`` (average FTE), ``officers_neighbourhood`` (the officers added
  to neighbourhood policing and in post at the year end), ``neighbourhood_officer_target``,
  ``uplift_target_officers``.

The result is a long ("tidy") DataFrame with the columns ``scenario, year, measure, value, unit``.

>>> from planlib.io import load_plan, DEFAULT_PLAN
>>> table = mtfp(load_plan(DEFAULT_PLAN))
>>> list(table.columns)
['scenario', 'year', 'measure', 'value', 'unit']
>>> gap = table[(table.measure == "budget_gap")].set_index("year")["value"]
>>> cost = table[(table.measure == "total_cost")].set_index("year")["value"]
>>> funding = table[(table.measure == "total_funding")].set_index("year")["value"]
>>> bool(((cost - funding - gap).abs() < 1e-6).all())
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planlib.model import DatedValue, Plan, YearSeries
from planlib.types import FinancialYear

COLUMNS = ["scenario", "year", "measure", "value", "unit"]

MEASURES: dict[str, str] = {
    "police_grant": "GBP",
    "former_dclg_grant": "GBP",
    "council_tax_support_grant": "GBP",
    "pension_grant": "GBP",
    "other_grants": "GBP",
    "precept_increase": "GBP per Band D property",
    "referendum_limit": "GBP per Band D property",
    "referendum_required": "flag",
    "precept_band_d": "GBP per Band D property",
    "tax_base": "Band D equivalent properties",
    "precept_income": "GBP",
    "council_tax_requirement": "GBP",
    "collection_fund": "GBP",
    "total_precept": "GBP",
    "net_budget_requirement": "GBP",
    "use_of_reserves": "GBP",
    "total_funding": "GBP",
    "baseline_force_costs": "GBP",
    "officer_costs": "GBP",
    "staff_costs": "GBP",
    "commitment_non_pay": "GBP",
    "commitment_capital": "GBP",
    "total_cost": "GBP",
    "budget_gap": "GBP",
    "reserves_opening": "GBP",
    "reserves_closing": "GBP",
    "minimum_reserves": "GBP",
    "reserves_below_minimum": "flag",
    "officers_total": "FTE",
    "staff_total": "FTE",
    "officers_neighbourhood": "officers",
    "neighbourhood_officer_target": "officers",
    "uplift_target_officers": "officers",
}
"""Every measure of the MTFP table, in order, with its unit."""


def _values(series: YearSeries | None, years: list[FinancialYear], *, lacking_is_zero: bool = False) -> np.ndarray:
    """The central values by year; zeros for a series not given (an optional funding line).

    A year the series lacks is a KeyError (a checked plan has every year it needs) unless
    ``lacking_is_zero`` (a billing authority's collection fund, a tax base given another way).
    """
    if series is None:
        return np.zeros(len(years))
    if lacking_is_zero:
        return np.array([series.values[y].central if y in series.values else 0.0 for y in years], dtype=float)
    return np.array([series.values[y].central for y in years], dtype=float)


def band_d(plan: Plan) -> np.ndarray:
    """The Band D precept by year: ``precept_band_d_base`` plus the increases up to each year.

    >>> from planlib.io import load_plan, DEFAULT_PLAN
    >>> band_d(load_plan(DEFAULT_PLAN)).round(2).tolist()
    [177.55, 187.55, 202.55, 215.55]
    """
    f = plan.finance
    return f.precept_band_d_base.central + np.cumsum(_values(f.precept_increase, plan.years))


def tax_base_and_collection_fund(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """The total tax base (Band D equivalents) and collection fund (GBP, surplus positive) by year.

    A year given by billing authority sums the billing authorities'; a year given by a total
    takes the total (``tax_base``, ``collection_fund``). A total collection fund may also stand
    in a year given by billing authority when no authority gives its own. A collection fund not
    given is 0.

    >>> from planlib.io import load_plan, DEFAULT_PLAN
    >>> base, fund = tax_base_and_collection_fund(load_plan(DEFAULT_PLAN))
    >>> base.tolist()[:2], fund.tolist()[:2]
    ([719989.0, 733258.0], [0.0, 0.0])
    """
    f = plan.finance
    years = plan.years
    by_authority = np.array([f.by_authority(y) for y in years], dtype=bool)
    zeros = np.zeros(len(years))
    authorities_base = sum((_values(ba.tax_base, years, lacking_is_zero=True) for ba in f.billing_authorities), zeros)
    authorities_fund = sum((_values(ba.collection_fund, years, lacking_is_zero=True)
                            for ba in f.billing_authorities), zeros)
    tax_base = np.where(by_authority, authorities_base, _values(f.tax_base, years, lacking_is_zero=True))
    # A year by billing authority may still take a total collection fund when the decision does not
    # split it; the checks refuse both for one year (and an authority's without its tax base), so they add.
    collection_fund = authorities_fund + _values(f.collection_fund, years, lacking_is_zero=True)
    return tax_base, collection_fund


def growth_index(rates: np.ndarray, years: list[FinancialYear], base: FinancialYear) -> np.ndarray:
    """Cumulative index that is 1 in ``base`` and grows by ``rates[i]`` in each later year.

    A year before ``base`` is deflated by the rates of the years between.

    >>> years = [FinancialYear(y) for y in (2021, 2022, 2023)]
    >>> growth_index(np.array([0.5, 0.1, 0.2]), years, FinancialYear(2021)).round(4).tolist()
    [1.0, 1.1, 1.32]
    >>> growth_index(np.array([0.5, 0.1, 0.2]), years, FinancialYear(2022)).round(4).tolist()
    [0.9091, 1.0, 1.2]
    """
    cumulative = np.cumsum(np.log1p(rates))
    if base < years[0]:  # every year's rate applies (years between base and the first: none known)
        return np.exp(cumulative)
    at_base = cumulative[min(base - years[0], len(years) - 1)]
    return np.exp(cumulative - at_base)


def _fte_and_costs(plan: Plan, years: list[FinancialYear]) -> dict[str, np.ndarray]:
    index = {y: i for i, y in enumerate(years)}
    totals = {k: np.zeros(len(years)) for k in ("non_pay_gbp", "capital_gbp", "officer_fte", "staff_fte")}
    for commitment in plan.commitments:
        if not commitment.enabled:
            continue
        for line in commitment.costs:
            i = index.get(line.year)
            if i is None:
                continue
            totals["non_pay_gbp"][i] += line.non_pay_gbp
            totals["capital_gbp"][i] += line.capital_gbp
            totals["officer_fte"][i] += line.officer_fte
            totals["staff_fte"][i] += line.staff_fte
    return totals


def _unit_pay(cost: DatedValue, on_costs: float, pay_index_rates: np.ndarray, years: list[FinancialYear]) -> np.ndarray:
    return cost.central * (1 + on_costs) * growth_index(pay_index_rates, years, cost.year)


def pay_per_fte(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """The cost of one officer and of one staff post (FTE, with on-costs and pay awards) by year.

    >>> from planlib.io import load_plan, DEFAULT_PLAN
    >>> officer, staff = pay_per_fte(load_plan(DEFAULT_PLAN))
    >>> round(officer[0]), round(staff[0])    # £40,000 + 36% and £29,000 + 27% in 2021/22
    (54400, 36830)
    """
    f = plan.finance
    years = plan.years
    pay_award = _values(f.pay_award, years)
    return (_unit_pay(f.cost_per_officer, f.officer_on_costs.central, pay_award, years),
            _unit_pay(f.cost_per_staff, f.staff_on_costs.central, pay_award, years))


COST_LINE_PARTS = ("non_pay_gbp", "capital_gbp", "officer_fte", "staff_fte")
"""The parts of a commitment's cost line, in the order of the last axis of :func:`cost_line_grid`."""


def cost_line_grid(plan: Plan, *, enabled_only: bool = False) -> np.ndarray:
    """The commitments' cost lines on the plan's years: commitments x years x :data:`COST_LINE_PARTS`.

    Zeros in a year with no cost line; lines outside the plan period are left out.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> grid = cost_line_grid(plan)
    >>> grid.shape == (len(plan.commitments), len(plan.years), 4), float(grid[0, 0, 2])   # officers in 2021/22
    (True, 100.0)
    """
    index = {y: i for i, y in enumerate(plan.years)}
    commitments = [c for c in plan.commitments if c.enabled or not enabled_only]
    grid = np.zeros((len(commitments), len(index), len(COST_LINE_PARTS)))
    for k, c in enumerate(commitments):
        for line in c.costs:
            if line.year in index:
                grid[k, index[line.year]] = [getattr(line, part) for part in COST_LINE_PARTS]
    return grid


COMMITMENT_MEASURES = ("revenue_gbp", "non_pay_gbp", "pay_gbp", "capital_gbp", "officer_fte", "staff_fte")
"""What :func:`commitment_costs` reports for each commitment and year."""


def commitment_costs(plan: Plan, *, enabled_only: bool = False) -> pd.DataFrame:
    """Each commitment's full cost by year: its non-pay cost plus the pay of its posts.

    Returns a long DataFrame ``commitment_id, year, measure, value`` with the measures of
    :data:`COMMITMENT_MEASURES` for every commitment and every year of the plan (zeros where
    there is no cost line). ``revenue_gbp = non_pay_gbp + pay_gbp``.

    >>> from planlib.io import load_plan, DEFAULT_PLAN
    >>> plan = load_plan(DEFAULT_PLAN)
    >>> costs = commitment_costs(plan)
    >>> officers = plan.levers.officer_commitment    # the commitment that carries the neighbourhood officers
    >>> row = costs[(costs.commitment_id == officers) & (costs.year == "2021/22")]
    >>> round(float(row.set_index("measure").at["revenue_gbp", "value"]))    # 100 officers x £54,400
    5440000
    """
    years = plan.years
    officer, staff = pay_per_fte(plan)
    commitments = [c for c in plan.commitments if c.enabled or not enabled_only]
    grid = cost_line_grid(plan, enabled_only=enabled_only)
    pay = grid[:, :, 2] * officer + grid[:, :, 3] * staff
    values = np.stack([grid[:, :, 0] + pay, grid[:, :, 0], pay, grid[:, :, 1], grid[:, :, 2], grid[:, :, 3]], axis=-1)
    n_c, n_y, n_m = values.shape
    return pd.DataFrame({
        "commitment_id": np.repeat([c.id for c in commitments], n_y * n_m),
        "year": np.tile(np.repeat([str(y) for y in years], n_m), n_c),
        "measure": np.tile(COMMITMENT_MEASURES, n_c * n_y),
        "value": values.reshape(-1),
    })


def mtfp_arrays(plan: Plan) -> dict[str, np.ndarray]:
    """Every MTFP measure as an array over the plan's years (see :data:`MEASURES`)."""
    f = plan.finance
    years = plan.years
    n = len(years)
    police_grant = _values(f.police_grant, years)
    named_grants = {name: _values(getattr(f, name), years) for name in f.OPTIONAL_EVERY_YEAR}
    other_grants = np.zeros(n)
    for series in f.other_grants.values():
        other_grants += _values(series, years)
    increase = _values(f.precept_increase, years)
    limit = _values(f.referendum_limit, years)
    precept_band_d = band_d(plan)
    tax_base, collection_fund = tax_base_and_collection_fund(plan)
    precept_income = precept_band_d * tax_base
    total_precept = precept_income + collection_fund
    net_budget_requirement = police_grant + sum(named_grants.values()) + other_grants + total_precept
    use_of_reserves = _values(f.planned_use_of_reserves, years)
    total_funding = net_budget_requirement + use_of_reserves

    officer_unit, staff_unit = pay_per_fte(plan)
    non_pay = _values(f.baseline_force_costs, years) * growth_index(_values(f.non_pay_inflation, years), years, f.price_base_year)
    commitments = _fte_and_costs(plan, years)
    officers_total = _values(f.officer_fte, years) + commitments["officer_fte"]
    staff_total = _values(f.staff_fte, years) + commitments["staff_fte"]
    officer_costs = officers_total * officer_unit
    staff_costs = staff_total * staff_unit
    total_cost = non_pay + officer_costs + staff_costs + commitments["non_pay_gbp"]
    budget_gap = total_cost - total_funding

    closing = f.reserves_opening.central - np.cumsum(use_of_reserves + budget_gap)
    opening = np.concatenate([[f.reserves_opening.central], closing[:-1]])
    minimum = np.full(n, f.minimum_reserves.central)

    neighbourhood = _values(f.neighbourhood_officers_in_post, years)
    return {
        "police_grant": police_grant,
        **named_grants,
        "other_grants": other_grants,
        "precept_increase": increase,
        "referendum_limit": limit,
        "referendum_required": (increase > limit + 1e-9).astype(float),
        "precept_band_d": precept_band_d,
        "tax_base": tax_base,
        "precept_income": precept_income,
        "council_tax_requirement": precept_income,
        "collection_fund": collection_fund,
        "total_precept": total_precept,
        "net_budget_requirement": net_budget_requirement,
        "use_of_reserves": use_of_reserves,
        "total_funding": total_funding,
        "baseline_force_costs": non_pay,
        "officer_costs": officer_costs,
        "staff_costs": staff_costs,
        "commitment_non_pay": commitments["non_pay_gbp"],
        "commitment_capital": commitments["capital_gbp"],
        "total_cost": total_cost,
        "budget_gap": budget_gap,
        "reserves_opening": opening,
        "reserves_closing": closing,
        "minimum_reserves": minimum,
        "reserves_below_minimum": (closing < minimum).astype(float),
        "officers_total": officers_total,
        "staff_total": staff_total,
        "officers_neighbourhood": neighbourhood,
        "neighbourhood_officer_target": np.full(n, f.neighbourhood_officer_target.central),
        "uplift_target_officers": np.full(n, f.uplift_target_officers.central),
    }


def mtfp(plan: Plan, scenario: str = "baseline") -> pd.DataFrame:
    """The MTFP of ``plan`` as a long DataFrame: ``scenario, year, measure, value, unit``.

    Rows are ordered by measure (as in :data:`MEASURES`) then year.
    """
    arrays = mtfp_arrays(plan)
    years = [str(y) for y in plan.years]
    n = len(years)
    names = list(MEASURES)
    return pd.DataFrame({
        "scenario": [scenario] * (n * len(names)),
        "year": years * len(names),
        "measure": np.repeat(names, n),
        "value": np.concatenate([arrays[m] for m in names]),
        "unit": np.repeat([MEASURES[m] for m in names], n),
    })
