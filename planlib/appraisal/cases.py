"""The appraisal in two groups and two cases: what is valued apart from what is not, and the
financial and economic cases of the HM Treasury 2014 guidance for local partnerships.

A commitment is **valued** when at least one of its benefit lines is valued in money; the
others are **not valued**. The two groups are never added together: a commitment whose benefits
are not valued has a net present value of minus its costs only because nothing was counted on
the other side, so a total over both groups would read as a loss that nobody measured.

For a **valued** commitment (and for the valued group as a whole) this module gives its net
present value with the 90% interval of the Monte Carlo and the chance that its benefits outweigh
its costs, and the two cases of the HM Treasury / New Economy (GMCA) cost-benefit guidance for
local partnerships (2014):

- the **financial case**, which counts only fiscal benefits (savings to public budgets):
  *net present budget impact* = PV fiscal benefits - PV costs; *financial return on investment*
  = PV fiscal benefits / PV costs (public money back for each pound spent); *payback period* =
  the number of years, counted from the plan's first year, by the end of which the cumulative
  discounted fiscal benefits have covered the cumulative discounted costs for good (none when
  that does not happen within the appraisal horizon);
- the **economic case**, which counts all public value (fiscal + economic + social):
  *net present public value* = PV benefits - PV costs (the NPV); *public value benefit-cost
  ratio* = PV benefits / PV costs.

Costs are public costs (the commitment's cost lines); whether a benefit is fiscal, economic or
social, and who receives it, is each benefit line's ``value_type`` and ``beneficiary``. The
financial case uses central values; the NPV interval and the chance come from the Monte Carlo.

For a commitment **not valued**, it gives its cost (PV of costs, and its cost a year: the even
yearly sum, in first-year prices, whose present value over the plan's years equals the PV of
its costs) and what it would have to achieve to break even. That cost a year is the benefit a
year it would need; where the plan values an outcome it can be said in, the need is also said
as a volume of that outcome (a switching value in units, :func:`break_even_unit`).

>>> import planlib
>>> cases = appraisal_cases(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500)
>>> len(cases.valued) + len(cases.not_valued) == len(cases.table) - 2
True
>>> bool(cases.valued_total["pv_costs"] == cases.valued["pv_costs"].sum())
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from planlib.appraisal.green_book import bcr, payback_year
from planlib.appraisal.kernel import (BENEFICIARIES, VALUE_TYPES, AppraisalModel, benefit_flows,
                                      unit_cost_in_first_year_prices)
from planlib.appraisal.table import GROUPS, appraisal_run
from planlib.model import Plan

VALUED_COLUMNS = [
    "commitment", "pv_costs", "pv_benefits", *(f"pv_{vt}" for vt in VALUE_TYPES),
    *(f"pv_to_{b}" for b in BENEFICIARIES), "npv", "npv_p5", "npv_p50", "npv_p95", "prob_npv_positive",
    "net_present_budget_impact", "financial_roi", "payback_period", "net_present_public_value",
    "public_value_bcr",
]
"""The columns of :attr:`AppraisalCases.valued` (money in first-year prices, discounted)."""

NOT_VALUED_COLUMNS = [
    "commitment", "pv_costs", "cost_a_year", "unit", "verb", "unit_value", "units_a_year", "unit_basis",
]
"""The columns of :attr:`AppraisalCases.not_valued`. ``cost_a_year`` is also the benefit a year
it would need to break even; ``unit`` (such as "offences of robbery"), ``verb`` ("prevent"),
``unit_value`` (GBP per unit, first-year prices), ``units_a_year`` and ``unit_basis`` (why that
unit) are empty where no unit could be found."""


@dataclass(frozen=True)
class AppraisalCases:
    """The appraisal split into valued and not valued commitments, with the two cases.

    Attributes
    ----------
    valued : pandas.DataFrame
        One row per valued commitment, columns :data:`VALUED_COLUMNS`, in plan order.
    not_valued : pandas.DataFrame
        One row per commitment without valued benefits, columns :data:`NOT_VALUED_COLUMNS`.
    valued_total : pandas.Series
        The valued group only, the measures of :data:`VALUED_COLUMNS` (its interval and chance
        from the Monte Carlo of the group's summed NPV in each draw).
    not_valued_total : pandas.Series
        The not valued group only: ``pv_costs`` and ``cost_a_year``.
    table : pandas.DataFrame
        The whole appraisal (:func:`planlib.appraisal.appraisal_table`), for the charts.
    plan_years : int
        Years of the plan, over which a cost a year is spread.
    horizon_years : int
        Years appraised (a payback period can be at most this).
    samples, seed : int
        The Monte Carlo's draws and seed.
    """

    valued: pd.DataFrame
    not_valued: pd.DataFrame
    valued_total: pd.Series
    not_valued_total: pd.Series
    table: pd.DataFrame
    plan_years: int
    horizon_years: int
    samples: int
    seed: int

    @property
    def counts(self) -> tuple[int, int]:
        """How many commitments are valued, and how many are not."""
        return len(self.valued), len(self.not_valued)


def financial_case(pv_fiscal: float, pv_costs: float) -> tuple[float, float]:
    """Net present budget impact and financial return on investment (fiscal benefits / costs).

    >>> financial_case(150.0, 100.0)
    (50.0, 1.5)
    >>> financial_case(0.0, 0.0)
    (0.0, nan)
    """
    return pv_fiscal - pv_costs, bcr(pv_fiscal, pv_costs)


def payback_period(fiscal_flows: np.ndarray, cost_flows: np.ndarray, factors: np.ndarray) -> float:
    """Years until the cumulative discounted fiscal benefits cover the costs for good (NaN if never).

    >>> payback_period(np.array([0, 60, 60]), np.array([100, 0, 0]), np.ones(3))
    3.0
    >>> payback_period(np.array([0, 10]), np.array([100, 0]), np.ones(2))
    nan
    """
    year = payback_year(np.asarray(fiscal_flows) - np.asarray(cost_flows), factors)
    return float("nan") if year is None else float(year + 1)


def annual_equivalent(pv: float, factors: np.ndarray) -> float:
    """The even yearly sum over ``len(factors)`` years whose present value is ``pv``.

    >>> annual_equivalent(300.0, np.array([1.0, 1.0, 1.0]))
    100.0
    """
    total = float(np.sum(factors))
    return pv / total if total > 0 else float("nan")


def _valued_rows(model: AppraisalModel, table: pd.DataFrame, valued: list[int]) -> pd.DataFrame:
    fiscal = np.array(model.line_value_type) == "fiscal"
    fiscal_flows = benefit_flows(model, model.central, lines=fiscal)
    rows = table.iloc[valued].copy()
    npbi, froi = zip(*(financial_case(f, c) for f, c in zip(rows["pv_fiscal"], rows["pv_costs"]))) if valued else ((), ())
    rows["net_present_budget_impact"] = list(npbi)
    rows["financial_roi"] = list(froi)
    rows["payback_period"] = [payback_period(fiscal_flows[i], model.cost_flows[i], model.factors) for i in valued]
    rows["net_present_public_value"] = rows["npv"]
    rows["public_value_bcr"] = rows["bcr"]
    return rows[VALUED_COLUMNS].reset_index(drop=True)


def _group_total(model: AppraisalModel, rows: pd.DataFrame, draws: np.ndarray, valued: list[int]) -> pd.Series:
    """The valued group's measures: sums, its own ratios and payback, and its Monte Carlo interval."""
    total = {c: float(rows[c].sum()) for c in VALUED_COLUMNS if c.startswith("pv_") or c == "npv"}
    total["net_present_public_value"] = total["npv"]
    total["public_value_bcr"] = bcr(total["pv_benefits"], total["pv_costs"])
    total["net_present_budget_impact"], total["financial_roi"] = financial_case(total["pv_fiscal"], total["pv_costs"])
    fiscal = np.array(model.line_value_type) == "fiscal"
    flows = benefit_flows(model, model.central, lines=fiscal)[valued].sum(axis=0)
    total["payback_period"] = payback_period(flows, model.cost_flows[valued].sum(axis=0), model.factors)
    total["npv_p5"], total["npv_p50"], total["npv_p95"] = np.quantile(draws, [0.05, 0.5, 0.95]) if valued else (np.nan,) * 3
    total["prob_npv_positive"] = float((draws > 0).mean()) if valued else float("nan")
    return pd.Series({"commitment": "valued", **total})[VALUED_COLUMNS]


class BreakEvenUnit(NamedTuple):
    """The outcome an unvalued commitment's break-even need is said in (:func:`break_even_unit`)."""

    unit: str
    """What is counted, such as "offences of robbery"."""
    verb: str
    """"prevent" for offences, "achieve" for another outcome."""
    unit_value: float
    """GBP per unit, in first-year prices."""
    basis: str
    """Why this unit, in words."""
    crime_type: str | None
    """The crime type, when the unit is offences of one type."""


def break_even_unit(plan: Plan, commitment_id: str) -> BreakEvenUnit | None:
    """The outcome in which a commitment without valued benefits can best say its break-even need.

    Returns a :class:`BreakEvenUnit` or None.
    The plan values no outcome of this commitment, so the unit is borrowed from the outcomes the
    plan does value nearest to it, in this order:

    1. those of commitments sharing one of its KPIs counted in offences (the KPI it answers to
       counts the same offences);
    2. those of commitments serving the same objective.

    Among them, the outcome valued by most benefit lines (the first in the plan on a tie). An
    offence is worth its whole unit cost of crime (in first-year prices); another outcome the
    central value of its unit value assumption, as the plan counts it. With neither, None: its
    need is said in pounds a year only.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> valued = {c.objective_id for c in plan.commitments if c.benefits}
    >>> some = next(c for c in plan.commitments if not c.benefits and c.objective_id in valued)
    >>> found = break_even_unit(plan, some.id)
    >>> found.unit_value > 0 and "objective" in found.basis
    True
    """
    return _BreakEven(plan)(commitment_id)


class _BreakEven:
    """:func:`break_even_unit` for many commitments of one plan: the valued commitments indexed
    once by KPI and objective, and each answer kept for the next commitment with the same KPIs
    and objective (a plan of thousands of commitments is answered in linear time)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.by_id = {c.id: c for c in plan.commitments}
        self.position = {c.id: k for k, c in enumerate(plan.commitments)}
        self.kpis = {k.id: k for k in plan.kpis}
        self.objectives = {o.id: o.title for o in plan.objectives}
        self.register = {a.id: a for a in plan.assumptions}
        self.valued = [c for c in plan.commitments if c.enabled and c.benefits]
        self.by_kpi: dict[str, list] = {}
        self.by_objective: dict[str, list] = {}
        for c in self.valued:
            for k in dict.fromkeys(c.kpis):
                self.by_kpi.setdefault(k, []).append(c)
            self.by_objective.setdefault(c.objective_id, []).append(c)
        self.answers: dict[tuple, BreakEvenUnit | None] = {}

    def __call__(self, commitment_id: str) -> BreakEvenUnit | None:
        commitment = self.by_id[commitment_id]
        offence_kpis = sorted(k for k in set(commitment.kpis) if k in self.kpis and "offence" in self.kpis[k].unit.lower())
        key = (tuple(offence_kpis), commitment.objective_id, commitment_id if commitment.benefits else None)
        if key not in self.answers:
            self.answers[key] = self._find(commitment_id, offence_kpis, commitment.objective_id)
        return self.answers[key]

    def _find(self, commitment_id: str, offence_kpis: list[str], objective_id: str) -> BreakEvenUnit | None:
        sharing = {c.id: c for k in offence_kpis for c in self.by_kpi.get(k, [])}
        groups = [
            (sorted(sharing.values(), key=lambda c: self.position[c.id]),
             "the offences the plan values for commitments measured by the same KPI"),
            (self.by_objective.get(objective_id, []),
             f"the outcome the plan values most often for the other commitments under the objective "
             f"'{self.objectives.get(objective_id, objective_id)}'"),
        ]
        for peers, basis in groups:
            lines = [b for c in peers if c.id != commitment_id for b in c.benefits]
            if not lines:
                continue
            key = Counter(b.crime_type or b.unit_value for b in lines).most_common(1)[0][0]
            line = next(b for b in lines if (b.crime_type or b.unit_value) == key)
            if line.crime_type is not None:
                value = unit_cost_in_first_year_prices(self.plan, line.crime_type)
                return BreakEvenUnit(f"offences of {line.crime_type.replace('_', ' ')}", "prevent", value, basis,
                                     line.crime_type)
            volume_unit = self.register[line.volume].unit.removesuffix(" a year").strip()
            return BreakEvenUnit(volume_unit, "achieve", float(self.register[key].central), basis, None)
        return None


def _not_valued_rows(plan: Plan, model: AppraisalModel, not_valued: list[int]) -> pd.DataFrame:
    plan_factors = model.factors[:len(plan.years)]
    rows = []
    finder = _BreakEven(plan)
    for i in not_valued:
        cid = model.commitments[i]
        per_year = annual_equivalent(float(model.pv_costs[i]), plan_factors)
        found = finder(cid) if per_year > 0 else None
        unit, verb, value, basis, _ = found if found else ("", "", float("nan"), "", None)
        rows.append({"commitment": cid, "pv_costs": float(model.pv_costs[i]), "cost_a_year": per_year,
                     "unit": unit, "verb": verb, "unit_value": value,
                     "units_a_year": per_year / value if found else float("nan"), "unit_basis": basis})
    return pd.DataFrame(rows, columns=NOT_VALUED_COLUMNS)


def appraisal_cases(plan: Plan, samples: int | None = None, seed: int | None = None,
                    progress: Callable[[str, int, int], None] | None = None) -> AppraisalCases:
    """The appraisal of ``plan`` split into valued and not valued commitments, with both cases.

    One Monte Carlo (:func:`planlib.appraisal.table.appraisal_run`) serves both the whole table
    and the valued group's interval. See the module's notes for every definition.

    >>> import planlib
    >>> cases = appraisal_cases(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500)
    >>> t = cases.valued_total
    >>> bool(t["npv_p5"] <= t["npv_p50"] <= t["npv_p95"]), bool(abs(t["npv"] - cases.table.set_index("commitment").at["VALUED", "npv"]) < 1e-6)
    (True, True)
    """
    model, table, sim = appraisal_run(plan, samples, seed, progress)
    body = table[~table["commitment"].isin(GROUPS)]
    valued = [i for i, m in enumerate(body["monetised"]) if m > 0]
    not_valued = [i for i, m in enumerate(body["monetised"]) if m <= 0]
    rows = _valued_rows(model, body, valued)
    others = _not_valued_rows(plan, model, not_valued)
    plan_factors = model.factors[:len(plan.years)]
    others_cost = float(others["pv_costs"].sum())
    return AppraisalCases(
        valued=rows, not_valued=others, valued_total=_group_total(model, rows, sim.group_draws["VALUED"], valued),
        not_valued_total=pd.Series({"pv_costs": others_cost,
                                    "cost_a_year": annual_equivalent(others_cost, plan_factors)}),
        table=table, plan_years=len(plan.years), horizon_years=len(model.factors), samples=int(table["samples"].iloc[0]),
        seed=int(table["seed"].iloc[0]))
