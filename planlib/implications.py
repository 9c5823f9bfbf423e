"""The plan's wider financial implications (seed 000 para 30), year by year.

The plan sets the resources the Commissioner gives the Chief Constable, and so informs
decisions on (a) the policing precept; (b) the budget allocated to the Chief Constable and its
form; (c) treasury and financial management; (d) fees and charges; (e) commissioning and grant
making; (f) financial delegations; (g) external income, including grants. :func:`implications`
sets out each for a plan (or a plan with a scenario applied) as a tidy table
``part, year, measure, value, unit, note``; :mod:`planlib.present.implications` writes it for
a person.

Most figures come from the medium-term financial plan (:mod:`planlib.finance`), so they move
with a scenario. What the MTFP does not hold is read from ``implications.yaml`` in the plan
folder (:class:`~planlib.model.implications.ImplicationSettings`, read by
:func:`planlib.io.plan_folder.load_folder`): the delegation thresholds, the capital financing rates
(minimum revenue provision and interest), the reserves strategy and fees and charges, each
with a source and a status.

How each part is computed (money GBP in cash):

- **(a)** Band D, its increase and the referendum limit, precept income (``Band D x tax
  base``, the council tax requirement) and the share of funding before reserves (the finance
  engine's net budget requirement: every grant + precept income + collection fund) that the
  precept (precept income + collection fund) pays.
- **(b)** The Chief Constable's core budget is the force's revenue cost less every enabled
  commitment's revenue cost (non-pay plus the pay of its posts); commitments the Chief
  Constable owns are allocated on top, ring-fenced to them; the revenue cost of the other
  commitments is held by the Commissioner (OPCC work, commissioning and grants). Core +
  ring-fenced + held = total revenue cost.
- **(c)** Reserves at year end (from the MTFP) against the reserves strategy and the minimum.
  Commitments' capital is assumed financed by borrowing at the year end: the capital
  financing requirement (CFR) starts at zero (existing financing is inside the core costs) and
  ``MRP(y) = CFR at the start of y x minimum_revenue_provision_rate``, ``interest(y) = CFR at
  the start of y x interest_rate``, ``CFR at the end of y = CFR at the start - MRP + capital(y)``.
  This revenue cost of capital is not in the MTFP's costs: it is shown as a pressure.
- **(d)** Fees and charges by category and in total (already netted off the core costs).
- **(e)** Revenue cost of enabled commitments by commissioning route (grant, contract,
  partnership), and the crime and disorder reduction grants made (grants.yaml; a grant whose
  commitment is disabled is not made).
- **(f)** Each enabled commitment whose spend in a year (revenue + capital) is at or above the
  Commissioner's decision threshold, and each grant at or above the grant threshold, needs a
  formal Commissioner decision; their number each year.
- **(g)** Police grant, each of the former DCLG, council tax support and pension grants a
  plan gives, each other grant, fees and charges, their total, and the share of external
  income in all income (external income + precept, the collection fund included). The grants
  are the net budget requirement less the precept: the finance engine adds them up once.

>>> import planlib
>>> from planlib.io.plan_folder import load_folder
>>> folder = load_folder(parts=["implications"])
>>> table = implications(folder.plan, folder.implications)
>>> sorted(table["part"].unique()) == list(PARTS)
True
>>> b = table[table.part == "b"].pivot(index="measure", columns="year", values="value")
>>> total = planlib.run(folder.plan).measure("total_cost")
>>> bool(((b.loc["cc_core_budget"] + b.loc["cc_ringfenced_commitments"] + b.loc["commissioner_held"]
...        - total).abs() < 1e-3).all())
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from planlib.errors import PlanError, Problem
from planlib.finance import commitment_costs, mtfp_arrays
from planlib.formats import money
from planlib.model.base import YearSeries
from planlib.model.implications import ImplicationSettings
from planlib.model.plan import Plan

PARTS = ("a", "b", "c", "d", "e", "f", "g")
"""The seven implications of seed 000 para 30, by letter (their titles are in
:data:`planlib.present.implications.PART_TITLES`)."""

COLUMNS = ["part", "year", "measure", "value", "unit", "note", "subject"]
"""The columns of :func:`implications`; ``subject`` is the commitment or grant a row of part (f) is about."""

ROUTES = ("grant", "contract", "partnership")
"""The commissioning routes reported in part (e)."""


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, 0 where the denominator is 0 (never NaN in a table or in JSON)."""
    return np.divide(numerator, denominator, out=np.zeros(len(numerator)), where=denominator != 0)


def _values(series: YearSeries, years: list[Any], field: str) -> np.ndarray:
    missing = [str(y) for y in years if y not in series.values]
    if missing:  # settings built in code, not read from implications.yaml: never a silent NaN
        raise PlanError([Problem("implications.yaml", None, f"{field}.values", f"no value for {', '.join(missing)}")])
    return np.array([series.values[y].central for y in years], dtype=float)


def capital_financing(capital: np.ndarray, mrp_rate: float, interest_rate: float) -> dict[str, np.ndarray]:
    """MRP, interest and the capital financing requirement for capital spent in each year.

    Capital is borrowed at the end of the year it is spent, so it costs revenue from the next.

    >>> out = capital_financing(np.array([1_000_000.0, 0.0, 0.0]), 0.04, 0.025)
    >>> out["mrp"].tolist(), out["interest"].tolist(), out["cfr_closing"].tolist()
    ([0.0, 40000.0, 38400.0], [0.0, 25000.0, 24000.0], [1000000.0, 960000.0, 921600.0])
    """
    n = len(capital)
    opening, mrp, interest, closing = (np.zeros(n) for _ in range(4))
    cfr = 0.0
    for i in range(n):  # a recurrence over a handful of years: each year needs the last one's balance
        opening[i] = cfr
        mrp[i] = cfr * mrp_rate
        interest[i] = cfr * interest_rate
        cfr = cfr - mrp[i] + capital[i]
        closing[i] = cfr
    return {"cfr_opening": opening, "mrp": mrp, "interest": interest, "cfr_closing": closing}


class _Table:
    """The rows of :func:`implications` as they are built, with what every part needs."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.years = plan.years
        self.labels = [str(y) for y in plan.years]
        self.m = mtfp_arrays(plan)
        costs = commitment_costs(plan, enabled_only=True)
        self.grid = {measure: costs[costs.measure == measure].pivot(index="commitment_id", columns="year", values="value")
                     .reindex(columns=self.labels).fillna(0.0) for measure in ("revenue_gbp", "capital_gbp")}
        self.enabled = [c for c in plan.commitments if c.enabled]
        enabled_ids = {c.id for c in self.enabled}
        self.grants = [g for g in plan.grants if g.commitment_id is None or g.commitment_id in enabled_ids]
        """The grants made: those of enabled commitments, and those of none."""
        self.rows: list[tuple[str, str, str, float, str, str, str]] = []

    def add(self, part: str, measure: str, values: Any, unit: str, note: str = "") -> None:
        values = np.broadcast_to(np.asarray(values, dtype=float), (len(self.years),))
        self.rows.extend((part, label, measure, float(v), unit, note, "") for label, v in zip(self.labels, values))

    def revenue_of(self, ids: list[str]) -> np.ndarray:
        revenue = self.grid["revenue_gbp"]
        return revenue.reindex(ids).fillna(0.0).sum(axis=0).to_numpy() if ids else np.zeros(len(self.years))

    def frame(self) -> pd.DataFrame:
        table = pd.DataFrame(self.rows, columns=COLUMNS)
        order = {measure: i for i, measure in enumerate(dict.fromkeys(table["measure"]))}
        table["_order"] = table["measure"].map(order)
        table = table.sort_values(["part", "_order", "year"], kind="stable").drop(columns="_order")
        return table.reset_index(drop=True)


def _precept(t: _Table) -> None:
    """(a) the policing precept."""
    m, f = t.m, t.plan.finance
    band_d_before = np.concatenate([[f.precept_band_d_base.central], m["precept_band_d"][:-1]])
    t.add("a", "precept_band_d", m["precept_band_d"], "GBP per Band D property")
    t.add("a", "precept_increase", m["precept_increase"], "GBP per Band D property")
    t.add("a", "precept_increase_percent", _ratio(m["precept_increase"], band_d_before), "share",
          "increase over the previous year's Band D")
    t.add("a", "referendum_limit", m["referendum_limit"], "GBP per Band D property",
          f"status of the limit: {f.referendum_limit.status}")
    t.add("a", "referendum_required", m["referendum_required"], "flag",
          "yes (1): the increase is above the limit, so a local referendum is needed")
    t.add("a", "precept_income", m["precept_income"], "GBP", "Band D x tax base")
    t.add("a", "precept_share_of_funding", _ratio(m["total_precept"], m["net_budget_requirement"]), "share",
          "precept (with any collection fund) / net budget requirement (every grant + precept, before reserves)")


def _chief_constable(t: _Table) -> None:
    """(b) the Chief Constable's budget and its form."""
    cc_ids = [c.id for c in t.enabled if c.owner == "chief_constable"]
    other_ids = [c.id for c in t.enabled if c.owner != "chief_constable"]
    core = t.m["total_cost"] - t.revenue_of([c.id for c in t.enabled])
    ringfenced = t.revenue_of(cc_ids)
    t.add("b", "cc_core_budget", core, "GBP",
          "delegated to the Chief Constable: core force costs (non-pay and the pay of core officers and staff)")
    t.add("b", "cc_ringfenced_commitments", ringfenced, "GBP",
          f"allocated to the Chief Constable, ring-fenced to the {len(cc_ids)} plan commitments the force delivers")
    t.add("b", "cc_total_budget", core + ringfenced, "GBP", "core plus ring-fenced")
    t.add("b", "cc_share_of_revenue_cost", _ratio(core + ringfenced, t.m["total_cost"]), "share")
    t.add("b", "commissioner_held", t.revenue_of(other_ids), "GBP",
          f"held by the Commissioner for the {len(other_ids)} commitments the OPCC or partners deliver (including grants)")


def _treasury(t: _Table, settings: ImplicationSettings) -> None:
    """(c) treasury and financial management."""
    m = t.m
    strategy = _values(settings.reserves_strategy, t.years, "reserves_strategy")
    capital = t.grid["capital_gbp"].sum(axis=0).to_numpy()
    cf = settings.capital_financing
    mrp_rate, interest_rate = cf.minimum_revenue_provision_rate, cf.interest_rate
    fin = capital_financing(capital, mrp_rate.central, interest_rate.central)
    t.add("c", "reserves_closing", m["reserves_closing"], "GBP", "usable reserves at year end, from the MTFP")
    t.add("c", "reserves_strategy", strategy, "GBP", f"planned by the reserves strategy ({settings.reserves_strategy.status})")
    t.add("c", "reserves_against_strategy", m["reserves_closing"] - strategy, "GBP", "negative: below the strategy")
    t.add("c", "minimum_reserves", m["minimum_reserves"], "GBP")
    t.add("c", "reserves_above_minimum", m["reserves_closing"] - m["minimum_reserves"], "GBP",
          "negative: below the prudent minimum")
    t.add("c", "capital_spend", capital, "GBP", "commitments' capital, assumed financed by borrowing")
    t.add("c", "minimum_revenue_provision", fin["mrp"], "GBP",
          f"{mrp_rate.central:.2%} of the capital financing requirement at the start of the year ({mrp_rate.status})")
    t.add("c", "interest", fin["interest"], "GBP",
          f"{interest_rate.central:.2%} a year on the capital financing requirement at the start of the year "
          f"({interest_rate.status})")
    t.add("c", "revenue_cost_of_capital", fin["mrp"] + fin["interest"], "GBP",
          "MRP plus interest: a pressure not in the MTFP's costs")
    t.add("c", "capital_financing_requirement", fin["cfr_closing"], "GBP", "at year end")


def _fees(t: _Table, settings: ImplicationSettings) -> np.ndarray:
    """(d) fees and charges; returns their total by year."""
    total = np.zeros(len(t.years))
    for name, series in settings.fees_and_charges.items():
        values = _values(series, t.years, f"fees_and_charges.{name}")
        total += values
        t.add("d", name, values, "GBP", f"{series.description or name} ({series.status})")
    t.add("d", "fees_and_charges_total", total, "GBP", "already netted off the core force costs")
    t.add("d", "fees_share_of_revenue_cost", _ratio(total, t.m["total_cost"]), "share")
    return total


def _commissioning(t: _Table) -> None:
    """(e) commissioning and grant making."""
    for route in ROUTES:
        chosen = [c for c in t.enabled if c.commissioning == route]
        t.add("e", f"commissioned_{route}", t.revenue_of([c.id for c in chosen]), "GBP",
              f"revenue cost of the {len(chosen)} enabled commitments commissioned by {route.replace('_', ' ')}"
              + (f": {'; '.join(c.title for c in chosen)}" if chosen else ""))
    total = np.array([sum(g.amounts.get(y, 0.0) for g in t.grants) for y in t.years])
    count = np.array([sum(1 for g in t.grants if g.amounts.get(y, 0.0) > 0) for y in t.years], dtype=float)
    t.add("e", "grants_made", total, "GBP", "crime and disorder reduction grants (grants.yaml), inside their commitments' costs")
    t.add("e", "grants_made_count", count, "grants")


def _delegations(t: _Table, settings: ImplicationSettings) -> None:
    """(f) financial delegations: each decision above a threshold is a row of its own."""
    thresholds = settings.delegation_thresholds
    limit, grant_limit = thresholds.commissioner_decision.central, thresholds.grant_decision.central
    spend = t.grid["revenue_gbp"].add(t.grid["capital_gbp"], fill_value=0.0)
    titles = {c.id: c.title for c in t.plan.commitments}
    t.add("f", "commissioner_decision_threshold", limit, "GBP", f"({thresholds.commissioner_decision.status})")
    t.add("f", "grant_decision_threshold", grant_limit, "GBP", f"({thresholds.grant_decision.status})")
    decisions = np.zeros(len(t.years))
    for i, label in enumerate(t.labels):
        for c in t.enabled:
            value = float(spend.at[c.id, label]) if c.id in spend.index else 0.0
            if value >= limit and value > 0:
                decisions[i] += 1
                t.rows.append(("f", label, "commissioner_decision", value, "GBP",
                               f"{c.id}: {titles[c.id]}: spend {money(value, 2)} is at or above the {money(limit, 2)} threshold", c.id))
        for g in t.grants:
            value = g.amounts.get(t.years[i], 0.0)
            if value >= grant_limit and value > 0:
                decisions[i] += 1
                t.rows.append(("f", label, "grant_decision", value, "GBP",
                               f"{g.id}: grant to {g.recipient}: {money(value, 2)} is at or above the {money(grant_limit, 2)} threshold",
                               g.id))
    t.add("f", "decisions_required", decisions, "decisions",
          "formal Commissioner decisions: commitments and grants above the thresholds")


def _external_income(t: _Table, fees_total: np.ndarray) -> None:
    """(g) external income, including grants."""
    m, f = t.m, t.plan.finance
    t.add("g", "police_grant", m["police_grant"], "GBP", f"({f.police_grant.status} in part; see finance.yaml)")
    for name in f.OPTIONAL_EVERY_YEAR:
        series = getattr(f, name)
        if series is not None:
            t.add("g", name, m[name], "GBP", series.status)
    for name, series in f.other_grants.items():
        t.add("g", name, _values(series, t.years, f"finance.other_grants.{name}"), "GBP", series.status)
    t.add("g", "fees_and_charges", fees_total, "GBP")
    external = m["net_budget_requirement"] - m["total_precept"] + fees_total
    t.add("g", "external_income_total", external, "GBP", "every grant + fees and charges")
    t.add("g", "external_share_of_income", _ratio(external, external + m["total_precept"]), "share",
          "external income / (external income + precept, with any collection fund)")


def implications(plan: Plan, settings: ImplicationSettings) -> pd.DataFrame:
    """The seven financial implications of ``plan`` by year: ``part, year, measure, value, unit, note``.

    Apply a scenario to the plan first to see its implications. Rows are ordered by part,
    then measure (as listed in the module documentation), then year.

    Raises
    ------
    PlanError
        when a series of the settings (or an other grant of the plan) has no value for a year
        of the plan: settings built in code are never a silent NaN.
    """
    t = _Table(plan)
    _precept(t)
    _chief_constable(t)
    _treasury(t, settings)
    fees_total = _fees(t, settings)
    _commissioning(t)
    _delegations(t, settings)
    _external_income(t, fees_total)
    return t.frame()
