"""The appraisal's kernel: a plan's commitments reduced to arrays, and their discounted costs and benefits.

This is the one place where the GMCA / HM Treasury 2014 cost-benefit arithmetic is written; the
appraisal table, the sensitivity analysis, the Monte Carlo (:mod:`planlib.uncertainty`) and the
portfolio optimiser (through :func:`started_later`) all call it.

How a commitment is appraised (all values in first-plan-year prices, year 0 = first plan year):

- **Costs**: each cost line's full revenue cost (non-pay plus the pay of its posts, at the pay
  of the year it falls in, as :func:`planlib.finance.pay_per_fte` gives it) and capital, moved
  from cash to real prices with the GDP deflator, raised by the optimism bias for the line's
  confidence grade. Costs stop with the plan period.
- **Benefits**: for each benefit line, a year's outcome ``volume x unit value x value share x
  (1 - deadweight) x attribution x (1 - displacement)``, lowered by the optimism bias for the
  grade of its volume evidence. A Home Office unit cost of crime is moved from its price year
  to first-year prices with the deflator. The full effect runs from the line's start year (or
  the first year of the plan) to the end of the plan period, then falls by ``drop_off`` a year
  until the horizon.
- **Results**: PV costs, PV benefits (and split into fiscal, economic and social value, and by
  who benefits), NPV, BCR, fiscal ROI ``(PV fiscal benefits - PV costs) / PV costs``, public
  value ROI ``(PV benefits - PV costs) / PV costs`` and the payback year (the first year in
  which cumulative discounted net benefit reaches zero).

>>> import planlib
>>> model = build_model(planlib.load_plan(planlib.DEFAULT_PLAN))
>>> table = deterministic(model)
>>> bool((table["npv"] == table["pv_benefits"] - table["pv_costs"]).all())
True
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planlib.appraisal.green_book import bcr, discount_factors, roi
from planlib.finance import cost_line_grid, pay_per_fte
from planlib.model import Assumption, BenefitLine, Plan
from planlib.types import FinancialYear

VALUE_TYPES = ("fiscal", "economic", "social")
BENEFICIARIES = ("police", "criminal_justice", "nhs", "local_authority", "victims", "wider_society")
_FACTORS = ("volume", "unit_value", "value_share", "deadweight", "attribution", "displacement", "drop_off")


@dataclass(frozen=True)
class CostProfile:
    """The enabled commitments' cost lines on the plan's years, in cash: what moves when a
    commitment starts later.

    Attributes
    ----------
    lines : ndarray
        Commitments x plan years x (non-pay GBP, capital GBP, officer FTE, staff FTE), as
        :func:`planlib.finance.cost_line_grid` gives them.
    grade : ndarray of int
        Commitments x plan years: the confidence grade of each line (1 where there is none).
    officer_pay, staff_pay : ndarray
        Per plan year: the cost of one officer and of one staff FTE.
    """

    lines: np.ndarray
    grade: np.ndarray
    officer_pay: np.ndarray
    staff_pay: np.ndarray

    @property
    def revenue(self) -> np.ndarray:
        """Cash revenue cost, commitments x plan years: non-pay plus the pay of the posts."""
        return self.lines[:, :, 0] + self.lines[:, :, 2] * self.officer_pay + self.lines[:, :, 3] * self.staff_pay

    def later(self, years: int) -> CostProfile:
        """Every profile moved on by ``years`` (its posts paid at the pay of the years they move
        to); lines pushed past the plan's last year fall away.

        >>> p = CostProfile(np.arange(8.0).reshape(1, 2, 4), np.array([[2, 3]]), np.ones(2), np.ones(2))
        >>> p.later(1).lines[0].tolist(), p.later(1).grade.tolist()
        ([[0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 2.0, 3.0]], [[1, 2]])
        """
        n_y = self.lines.shape[1]
        lines, grade = np.zeros_like(self.lines), np.ones_like(self.grade)
        lines[:, years:] = self.lines[:, :n_y - years]
        grade[:, years:] = self.grade[:, :n_y - years]
        return dataclasses.replace(self, lines=lines, grade=grade)


@dataclass(frozen=True)
class AppraisalModel:
    """A plan's commitments reduced to arrays, ready to evaluate for any values of its assumptions.

    Each benefit line draws its inputs from ``inputs``: a column per distinct assumption (shared
    assumptions are one column, so one draw serves every line that uses them) plus fixed
    columns (unit costs of crime, and 1 or 0 where a line gives no value share).
    """

    years: list[FinancialYear]
    factors: np.ndarray                 # discount factors over the horizon
    commitments: list[str]              # enabled commitments, in plan order
    pv_costs: np.ndarray                # per commitment: real, optimism-bias adjusted, discounted
    cost_flows: np.ndarray              # commitments x horizon years (real, adjusted, undiscounted)
    inputs: list[str]                   # names of the input columns
    central: np.ndarray                 # central value of each input
    assumptions: dict[str, Assumption]  # sampled inputs: assumption id -> assumption
    line_commitment: np.ndarray         # per benefit line: index of its commitment
    line_inputs: np.ndarray             # benefit lines x 7: column of volume, unit value, share, dw, attr, disp, drop
    line_adjust: np.ndarray             # per line: 1 - optimism bias for its evidence
    line_active: np.ndarray             # lines x horizon: 1 in years of full effect
    line_decay: np.ndarray              # lines x horizon: years since the plan ended (0 if not after it)
    line_full_pv: np.ndarray            # per line: sum of discount factors over its years of full effect
    line_decay_pv: np.ndarray           # lines x D: sum of discount factors d years after the plan ended
    line_value_type: list[str]
    line_beneficiary: list[str]
    line_outcome: list[str]
    costs: CostProfile                  # the cash cost lines behind cost_flows
    deflate: np.ndarray                 # per plan year: cash to first-year prices, (1 + deflator) ** -t
    bias: np.ndarray                    # by confidence grade: 1 + optimism bias of costs
    line_start: np.ndarray              # per line: the year (from 0) its full effect starts
    plan_end: int                       # the plan's last year (from 0)


def _cost_side(costs: CostProfile, deflate: np.ndarray, bias: np.ndarray,
               factors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Real, optimism-bias-adjusted cost flows over the horizon, and their present values."""
    flows = (costs.revenue + costs.lines[:, :, 1]) * deflate * bias[costs.grade]
    n_y, horizon = flows.shape[1], len(factors)
    plan_factors = factors[:n_y] if horizon >= n_y else np.pad(factors, (0, n_y - horizon))
    over_horizon = flows[:, :horizon] if horizon <= n_y else np.pad(flows, ((0, 0), (0, horizon - n_y)))
    return over_horizon, flows @ plan_factors


def _full_effect(line_start: np.ndarray, plan_end: int, factors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lines x horizon: 1 in the years of full effect (from the line's start to the plan's end),
    and per line the sum of the discount factors over them."""
    t = np.arange(len(factors))
    active = ((t[None, :] >= line_start[:, None]) & (t[None, :] <= plan_end)).astype(float)
    return active, active @ factors


def started_later(model: AppraisalModel, years: int) -> AppraisalModel:
    """The model with every commitment started ``years`` later than planned.

    Each cost profile moves on whole (:meth:`CostProfile.later`: the posts cost the pay of the
    years they move to, and costs are deflated and discounted from there); each benefit line's
    full effect starts as many years later and still ends with the plan, then falls away as
    before. The portfolio optimiser evaluates its later starts with this.

    >>> import planlib
    >>> model = build_model(planlib.load_plan(planlib.DEFAULT_PLAN))
    >>> later = started_later(model, 1)
    >>> bool((later.line_full_pv <= model.line_full_pv).all()), started_later(model, 0).pv_costs.tolist() == model.pv_costs.tolist()
    (True, True)
    """
    if years < 0:
        raise ValueError("a commitment cannot start before it is planned")
    costs = model.costs.later(years)
    cost_flows, pv_costs = _cost_side(costs, model.deflate, model.bias, model.factors)
    line_start = model.line_start + years
    active, full_pv = _full_effect(line_start, model.plan_end, model.factors)
    return dataclasses.replace(model, costs=costs, cost_flows=cost_flows, pv_costs=pv_costs, line_start=line_start,
                               line_active=active, line_full_pv=full_pv)


def _cost_profile(plan: Plan, commitments: list) -> CostProfile:
    first, n_y = plan.period.first, len(plan.years)
    grade = np.ones((len(commitments), n_y), dtype=int)
    for i, c in enumerate(commitments):
        for line in c.costs:
            if 0 <= line.year - first < n_y:
                grade[i, line.year - first] = line.confidence
    officer_pay, staff_pay = pay_per_fte(plan)
    return CostProfile(lines=cost_line_grid(plan, enabled_only=True), grade=grade,
                       officer_pay=officer_pay, staff_pay=staff_pay)


def build_model(plan: Plan) -> AppraisalModel:
    """Reduce ``plan`` to an :class:`AppraisalModel` (the part of the appraisal that does not vary).

    >>> import planlib
    >>> model = build_model(planlib.load_plan(planlib.DEFAULT_PLAN))
    >>> model.cost_flows.shape == (len(model.commitments), len(model.factors))
    True
    """
    settings = plan.appraisal
    horizon = settings.horizon_years
    factors = discount_factors(horizon, settings.discount_schedule)
    first = plan.period.first
    ob = settings.optimism_bias.values
    commitments = [c for c in plan.commitments if c.enabled]
    index = {c.id: i for i, c in enumerate(commitments)}

    costs = _cost_profile(plan, commitments)
    deflate = (1 + settings.deflator_rate.central) ** -np.arange(len(plan.years))
    bias = np.ones(max(ob) + 1)
    for grade, uplift in ob.items():
        bias[grade] = 1 + uplift
    cost_flows, pv_costs = _cost_side(costs, deflate, bias, factors)

    lines: list[tuple[int, BenefitLine]] = [(index[c.id], b) for c in commitments for b in c.benefits]
    inputs, central, register, line_inputs = _benefit_inputs(plan, [b for _, b in lines])
    line_adjust = np.array([1 - ob[register[b.volume].confidence] for _, b in lines])
    line_start = np.array([(b.start_year - first) if b.start_year is not None else 0 for _, b in lines], dtype=int)
    end = plan.period.last - first
    line_active, line_full_pv = _full_effect(line_start, end, factors)
    t = np.arange(horizon)
    line_decay = np.repeat(np.where(t > end, t - end, 0)[None, :], len(lines), axis=0).astype(float)
    max_decay = int(line_decay.max()) if line_decay.size else 0
    line_decay_pv = np.stack([(line_decay == d) @ factors for d in range(1, max_decay + 1)], axis=1) \
        if max_decay else np.zeros((len(lines), 0))
    return AppraisalModel(
        years=[first + i for i in range(horizon)], factors=factors,
        commitments=[c.id for c in commitments], pv_costs=pv_costs, cost_flows=cost_flows,
        inputs=inputs, central=np.array(central),
        assumptions={name: register[name] for name in inputs if name in register},
        line_commitment=np.array([ci for ci, _ in lines], dtype=int), line_inputs=line_inputs,
        line_adjust=line_adjust, line_active=line_active, line_decay=line_decay,
        line_full_pv=line_full_pv, line_decay_pv=line_decay_pv,
        line_value_type=[b.value_type for _, b in lines], line_beneficiary=[b.beneficiary for _, b in lines],
        line_outcome=[b.outcome for _, b in lines],
        costs=costs, deflate=deflate, bias=bias, line_start=line_start, plan_end=end,
    )


def unit_cost_in_first_year_prices(plan: Plan, crime_type: str) -> float:
    """The plan's unit cost of one offence of ``crime_type``, moved with the GDP deflator from its
    price year to the prices of the plan's first year (the prices the appraisal uses).

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> u = plan.unit_costs[0]
    >>> unit_cost_in_first_year_prices(plan, u.crime_type) > u.unit_cost_gbp
    True
    """
    u = next(u for u in plan.unit_costs if u.crime_type == crime_type)
    return u.unit_cost_gbp * (1 + plan.appraisal.deflator_rate.central) ** (plan.period.first - u.price_year)


def _benefit_inputs(plan: Plan, lines: list[BenefitLine]) -> tuple[list[str], list[float], dict[str, Assumption], np.ndarray]:
    """The input columns the benefit lines draw on (one per distinct assumption or unit cost of
    crime, and column 0 fixed at 1), their central values, and each line's column per factor."""
    register = {a.id: a for a in plan.assumptions if a.id is not None}
    inputs: list[str] = ["(one)"]
    central: list[float] = [1.0]
    column: dict[str, int] = {"(one)": 0}

    def col(name: str, value: float) -> int:
        if name not in column:
            column[name] = len(inputs)
            inputs.append(name)
            central.append(value)
        return column[name]

    line_inputs = np.zeros((len(lines), len(_FACTORS)), dtype=int)
    for k, b in enumerate(lines):
        for j, name in enumerate(_FACTORS):
            ref = getattr(b, name)
            if name == "unit_value" and b.crime_type is not None:
                line_inputs[k, j] = col(f"unit_cost:{b.crime_type}", unit_cost_in_first_year_prices(plan, b.crime_type))
            elif ref is None:  # no value share: all of the unit value counts
                line_inputs[k, j] = 0
            else:
                line_inputs[k, j] = col(ref, register[ref].central)
    return inputs, central, register, line_inputs


def line_pv_benefits(model: AppraisalModel, values: np.ndarray, lines: np.ndarray | None = None) -> np.ndarray:
    """PV of each benefit line (or of the ``lines`` given, by index) for each set of input values.

    ``values`` has one row per input (``model.inputs``) and one column per sample; the result has
    one row per benefit line and one column per sample.
    """
    which = model.line_inputs if lines is None else model.line_inputs[lines]
    adjust = model.line_adjust if lines is None else model.line_adjust[lines]
    volume, unit, share, dw, attr, disp, drop = (values[which[:, j]] for j in range(len(_FACTORS)))
    yearly = volume * unit * share * (1 - dw) * attr * (1 - disp) * adjust[:, None]
    # time profile: full effect while active, then (1 - drop_off) ** d in the d-th year after the
    # plan; the discounted sum is a polynomial in (1 - drop_off), evaluated by Horner's rule.
    decay_pv = model.line_decay_pv if lines is None else model.line_decay_pv[lines]
    full_pv = model.line_full_pv if lines is None else model.line_full_pv[lines]
    keep = 1 - drop
    tail = np.zeros_like(keep)
    for d in range(decay_pv.shape[1], 0, -1):
        tail = (tail + decay_pv[:, d - 1][:, None]) * keep
    return yearly * (full_pv[:, None] + tail)


def clip_shares(model: AppraisalModel, values: np.ndarray) -> np.ndarray:
    """Keep the inputs that are shares (value share, deadweight, attribution, displacement,
    drop-off) between 0 and 1: a lognormal draw of a share can otherwise exceed 1."""
    columns = np.unique(model.line_inputs[:, 2:])
    values[columns] = np.clip(values[columns], 0.0, 1.0)
    return values


def deterministic(model: AppraisalModel, values: np.ndarray | None = None) -> pd.DataFrame:
    """Central (or given) results per commitment: one row each, with the measures of :data:`MEASURES`."""
    vals = (model.central if values is None else values)[:, None]
    pv_lines = line_pv_benefits(model, vals)[:, 0]
    n = len(model.commitments)
    pvc = np.asarray(model.pv_costs, dtype=float)
    pvb = np.bincount(model.line_commitment, weights=pv_lines, minlength=n)
    by_type = {vt: np.bincount(model.line_commitment, weights=pv_lines * (np.array(model.line_value_type) == vt), minlength=n)
               for vt in VALUE_TYPES}
    by_who = {b: np.bincount(model.line_commitment, weights=pv_lines * (np.array(model.line_beneficiary) == b), minlength=n)
              for b in BENEFICIARIES}
    return pd.DataFrame({
        "commitment": pd.Series(list(model.commitments), dtype="str"),   # text even when there are none
        "pv_costs": pvc,
        "pv_benefits": pvb,
        **{f"pv_{vt}": by_type[vt] for vt in VALUE_TYPES},
        **{f"pv_to_{b}": by_who[b] for b in BENEFICIARIES},
        "npv": pvb - pvc,
        "bcr": [bcr(b, c) for b, c in zip(pvb, pvc)],
        "fiscal_roi": [roi(f, c) for f, c in zip(by_type["fiscal"], pvc)],
        "public_value_roi": [roi(b, c) for b, c in zip(pvb, pvc)],
        "monetised": (np.bincount(model.line_commitment, minlength=n) > 0).astype(float),
        "payback_year": _payback_years(model, vals),
    })


def _payback_years(model: AppraisalModel, values: np.ndarray) -> np.ndarray:
    """Each commitment's payback year (its start, as a number; NaN if it never pays back), as
    :func:`~planlib.appraisal.green_book.payback_year` finds it, for every commitment at once."""
    flows = benefit_flows(model, values) - model.cost_flows
    n, horizon = flows.shape
    if not n:
        return np.zeros(0)
    cumulative = np.cumsum(flows * model.factors[:horizon], axis=1)
    negative = cumulative < 0
    last_negative = horizon - 1 - np.argmax(negative[:, ::-1], axis=1)
    nonzero = flows != 0
    first_nonzero = np.argmax(nonzero, axis=1)
    year = np.where(negative.any(axis=1), last_negative + 1, np.where(nonzero.any(axis=1), first_nonzero, horizon))
    starts = np.array([float(y.start) for y in model.years] + [float("nan")])
    return starts[np.minimum(year, horizon)]


def benefit_flows(model: AppraisalModel, values: np.ndarray, lines: np.ndarray | None = None) -> np.ndarray:
    """Undiscounted real benefit flows by commitment and year, for one set of input values.

    ``lines``, a boolean per benefit line, keeps only those lines (the fiscal ones, say).
    """
    v = values[model.line_inputs][:, :, 0] if values.ndim == 2 else values[model.line_inputs]
    volume, unit, share, dw, attr, disp, drop = (v[:, j] for j in range(len(_FACTORS)))
    yearly = volume * unit * share * (1 - dw) * attr * (1 - disp) * model.line_adjust
    if lines is not None:
        yearly = yearly * lines
    weights = np.where(model.line_decay > 0, (1 - drop[:, None]) ** model.line_decay, model.line_active)
    flows = np.zeros((len(model.commitments), len(model.factors)))
    np.add.at(flows, model.line_commitment, yearly[:, None] * weights)
    return flows
