"""Net benefit: HM Treasury Green Book discounting and the GMCA / HM Treasury 2014 CBA method.

Pure functions on numpy arrays (:func:`discount_factors`, :func:`to_real`, :func:`npv`,
:func:`bcr`, :func:`roi`, :func:`payback_year`, :func:`optimism_bias`,
:func:`switching_value`, :func:`tornado`), and the appraisal of a plan's commitments
(:func:`build_model`, :func:`appraise`).

How a commitment is appraised (all values in first-plan-year prices, year 0 = first plan year):

- **Costs**: each cost line's full revenue cost (non-pay plus the pay of its posts, as the
  finance engine costs them) and capital, moved from cash to real prices with the GDP deflator,
  raised by the optimism bias for the line's confidence grade. Costs stop with the plan period.
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

>>> discount_factors(3).round(4).tolist()
[1.0, 0.9662, 0.9335]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Callable, Iterable, Mapping

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from planlib.model import Assumption, BenefitLine, Plan
from planlib.reference import discount_schedule, optimism_bias_generic
from planlib.types import FinancialYear

# --------------------------------------------------------------------------- Green Book functions


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


def switching_value(f: Callable[[float], float], low: float, high: float, target: float = 0.0,
                    xtol: float = 1e-9) -> float | None:
    """The input value at which ``f`` reaches ``target`` (e.g. NPV = 0), by Brent's method.

    Returns None when ``f - target`` has the same sign at both ends of ``[low, high]`` (no
    switch within the range searched).

    >>> round(switching_value(lambda x: 2 * x - 3, 0, 10), 6)
    1.5
    """
    a, b = f(low) - target, f(high) - target
    if a == 0:
        return float(low)
    if b == 0:
        return float(high)
    if np.sign(a) == np.sign(b):
        return None
    return float(brentq(lambda x: f(x) - target, low, high, xtol=xtol))


def tornado(f: Callable[[Mapping[str, float]], float], inputs: Mapping[str, tuple[float, float, float]]) -> pd.DataFrame:
    """One-way sensitivity: ``f`` with each input at its low and its high, the others central.

    ``inputs`` maps a name to ``(low, central, high)``. Returns a DataFrame with ``input, low,
    high, output_low, output_high, swing``, largest swing first (the bars of a tornado chart).

    >>> t = tornado(lambda v: v["a"] * 2 + v["b"], {"a": (0, 1, 2), "b": (0, 1, 5)})
    >>> t["input"].tolist(), t["swing"].tolist()
    (['b', 'a'], [5.0, 4.0])
    """
    central = {name: c for name, (_, c, _) in inputs.items()}
    rows = []
    for name, (low, _, high) in inputs.items():
        out_low = float(f({**central, name: low}))
        out_high = float(f({**central, name: high}))
        rows.append({"input": name, "low": low, "high": high, "output_low": out_low,
                     "output_high": out_high, "swing": abs(out_high - out_low)})
    table = pd.DataFrame(rows, columns=["input", "low", "high", "output_low", "output_high", "swing"])
    return table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- the plan's model

VALUE_TYPES = ("fiscal", "economic", "social")
BENEFICIARIES = ("police", "criminal_justice", "nhs", "local_authority", "victims", "wider_society")
_FACTORS = ("volume", "unit_value", "value_share", "deadweight", "attribution", "displacement", "drop_off")


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


def build_model(plan: Plan) -> AppraisalModel:
    """Reduce ``plan`` to an :class:`AppraisalModel` (the part of the appraisal that does not vary)."""
    from planlib.finance import commitment_costs

    settings = plan.appraisal
    horizon = settings.horizon_years
    factors = discount_factors(horizon, settings.discount_schedule)
    first = plan.period.first
    deflator = settings.deflator_rate.central
    ob = settings.optimism_bias.values
    commitments = [c for c in plan.commitments if c.enabled]
    index = {c.id: i for i, c in enumerate(commitments)}

    # costs: full revenue (non-pay + pay) and capital, by commitment and year, in cash
    costs = commitment_costs(plan, enabled_only=True)
    costs = costs[costs["measure"].isin(["revenue_gbp", "capital_gbp"])]
    cash = costs.groupby(["commitment_id", "year"], sort=False)["value"].sum()
    cost_flows = np.zeros((len(commitments), horizon))
    for c in commitments:
        for line in c.costs:
            t = line.year - first
            if 0 <= t < horizon:
                real = cash.get((c.id, str(line.year)), 0.0) / (1 + deflator) ** t
                cost_flows[index[c.id], t] += real * (1 + ob[line.confidence])
    pv_costs = cost_flows @ factors

    register = {a.id: a for a in plan.assumptions if a.id is not None}
    unit_costs = {u.crime_type: u for u in plan.unit_costs}
    inputs: list[str] = ["(one)"]
    central: list[float] = [1.0]
    column: dict[str, int] = {"(one)": 0}

    def col(name: str, value: float) -> int:
        if name not in column:
            column[name] = len(inputs)
            inputs.append(name)
            central.append(value)
        return column[name]

    lines: list[tuple[int, BenefitLine]] = [(index[c.id], b) for c in commitments for b in c.benefits]
    line_inputs = np.zeros((len(lines), len(_FACTORS)), dtype=int)
    line_adjust = np.ones(len(lines))
    end = plan.period.last - first
    t = np.arange(horizon)
    line_active = np.zeros((len(lines), horizon))
    line_decay = np.zeros((len(lines), horizon))
    for k, (ci, b) in enumerate(lines):
        for j, name in enumerate(_FACTORS):
            ref = getattr(b, name)
            if name == "unit_value" and b.crime_type is not None:
                u = unit_costs[b.crime_type]
                uplift = (1 + deflator) ** (first - u.price_year)
                line_inputs[k, j] = col(f"unit_cost:{b.crime_type}", u.unit_cost_gbp * uplift)
            elif ref is None:  # no value share: all of the unit value counts
                line_inputs[k, j] = 0
            else:
                line_inputs[k, j] = col(ref, register[ref].central)
        line_adjust[k] = 1 - ob[register[b.volume].confidence]
        start = (b.start_year - first) if b.start_year is not None else 0
        line_active[k] = (t >= start) & (t <= end)
        line_decay[k] = np.where(t > end, t - end, 0)
    max_decay = int(line_decay.max()) if line_decay.size else 0
    line_full_pv = (line_active * (line_decay == 0)) @ factors
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
    )


def line_pv_benefits(model: AppraisalModel, values: np.ndarray) -> np.ndarray:
    """PV of each benefit line for each set of input values.

    ``values`` has one row per input (``model.inputs``) and one column per sample; the result has
    one row per benefit line and one column per sample.
    """
    v = values[model.line_inputs]                       # lines x 7 x samples
    volume, unit, share, dw, attr, disp, drop = (v[:, j] for j in range(len(_FACTORS)))
    yearly = volume * unit * share * (1 - dw) * attr * (1 - disp) * model.line_adjust[:, None]
    # time profile: full effect while active, then (1 - drop_off) ** d in the d-th year after the
    # plan; the discounted sum is a polynomial in (1 - drop_off), evaluated by Horner's rule.
    keep = 1 - drop
    tail = np.zeros_like(keep)
    for d in range(model.line_decay_pv.shape[1], 0, -1):
        tail = (tail + model.line_decay_pv[:, d - 1][:, None]) * keep
    return yearly * (model.line_full_pv[:, None] + tail)


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
    pv_benefits = np.bincount(model.line_commitment, weights=pv_lines, minlength=n)
    by_type = {vt: np.bincount(model.line_commitment, weights=pv_lines * (np.array(model.line_value_type) == vt), minlength=n)
               for vt in VALUE_TYPES}
    by_who = {b: np.bincount(model.line_commitment, weights=pv_lines * (np.array(model.line_beneficiary) == b), minlength=n)
              for b in BENEFICIARIES}
    rows = []
    for i, cid in enumerate(model.commitments):
        pvc, pvb = model.pv_costs[i], pv_benefits[i]
        # yearly benefit flows for the payback year: spread each line's PV by its time weights
        rows.append({
            "commitment": cid,
            "pv_costs": pvc,
            "pv_benefits": pvb,
            **{f"pv_{vt}": by_type[vt][i] for vt in VALUE_TYPES},
            **{f"pv_to_{b}": by_who[b][i] for b in BENEFICIARIES},
            "npv": pvb - pvc,
            "bcr": bcr(pvb, pvc),
            "fiscal_roi": roi(by_type["fiscal"][i], pvc),
            "public_value_roi": roi(pvb, pvc),
            "monetised": float(bool(np.any(model.line_commitment == i))),
        })
    table = pd.DataFrame(rows)
    table["payback_year"] = [_payback(model, i, vals) for i in range(n)]
    return table


def benefit_flows(model: AppraisalModel, values: np.ndarray) -> np.ndarray:
    """Undiscounted real benefit flows by commitment and year, for one set of input values."""
    v = values[model.line_inputs][:, :, 0] if values.ndim == 2 else values[model.line_inputs]
    volume, unit, share, dw, attr, disp, drop = (v[:, j] for j in range(len(_FACTORS)))
    yearly = volume * unit * share * (1 - dw) * attr * (1 - disp) * model.line_adjust
    weights = np.where(model.line_decay > 0, (1 - drop[:, None]) ** model.line_decay, model.line_active)
    flows = np.zeros((len(model.commitments), len(model.factors)))
    np.add.at(flows, model.line_commitment, yearly[:, None] * weights)
    return flows


def _payback(model: AppraisalModel, i: int, values: np.ndarray) -> float:
    flows = benefit_flows(model, values)[i] - model.cost_flows[i]
    year = payback_year(flows, model.factors)
    return float("nan") if year is None else float(model.years[year].start)


# --------------------------------------------------------------------------- results

MEASURES: dict[str, str] = {
    "pv_costs": "GBP (PV)",
    "pv_benefits": "GBP (PV)",
    **{f"pv_{vt}": "GBP (PV)" for vt in VALUE_TYPES},
    **{f"pv_to_{b}": "GBP (PV)" for b in BENEFICIARIES},
    "npv": "GBP (PV)",
    "bcr": "ratio",
    "fiscal_roi": "ratio",
    "public_value_roi": "ratio",
    "payback_year": "financial year (start)",
    "monetised": "flag",
    "npv_p5": "GBP (PV)",
    "npv_p50": "GBP (PV)",
    "npv_p95": "GBP (PV)",
    "prob_npv_positive": "probability",
    "bcr_p50": "ratio",
    "samples": "count",
    "seed": "seed",
}
"""Every appraisal measure, with its unit. Money is in first-plan-year prices, discounted."""

TOTAL = "TOTAL"


def appraisal_table(plan: Plan, samples: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """Net benefit per enabled commitment and in total, one row each (wide).

    Central results (:func:`deterministic`) and, from ``samples`` Monte Carlo draws with
    ``seed``, the NPV interval. The TOTAL row sums every enabled commitment (those whose
    benefits are not monetised count their costs only); its payback year is that of the summed
    flows.
    """
    from planlib.uncertainty import DEFAULT_SAMPLES, DEFAULT_SEED, simulate

    samples = DEFAULT_SAMPLES if samples is None else samples
    seed = DEFAULT_SEED if seed is None else seed
    model = build_model(plan)
    table = deterministic(model)
    total = {col: table[col].sum() for col in table.columns if col.startswith("pv_") or col == "npv"}
    pvc, pvb = total["pv_costs"], total["pv_benefits"]
    flows = benefit_flows(model, model.central).sum(axis=0) - model.cost_flows.sum(axis=0)
    year = payback_year(flows, model.factors)
    table.loc[len(table)] = {
        "commitment": TOTAL, **total, "bcr": bcr(pvb, pvc),
        "fiscal_roi": roi(total["pv_fiscal"], pvc), "public_value_roi": roi(pvb, pvc),
        "monetised": float(table["monetised"].any()),
        "payback_year": float("nan") if year is None else float(model.years[year].start),
    }
    summary = simulate(model, samples, seed).summary()
    for name, values in summary.items():
        table[name] = values
    table["samples"] = float(samples)
    table["seed"] = float(seed)
    return table


def appraise(plan: Plan, scenario: str = "baseline", samples: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """The appraisal as a long DataFrame: ``scenario, commitment, measure, value, unit``.

    >>> import planlib
    >>> table = appraise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=2_000)
    >>> list(table.columns)
    ['scenario', 'commitment', 'measure', 'value', 'unit']
    >>> row = table[(table.commitment == "TOTAL")].set_index("measure")["value"]
    >>> bool(row["npv_p5"] <= row["npv_p50"] <= row["npv_p95"])
    True
    """
    wide = appraisal_table(plan, samples, seed)
    long = wide.melt(id_vars="commitment", var_name="measure", value_name="value")
    order = {m: i for i, m in enumerate(MEASURES)}
    rows = {c: i for i, c in enumerate(wide["commitment"])}
    long = long.sort_values(["commitment", "measure"], key=lambda s: s.map(rows) if s.name == "commitment" else s.map(order), kind="stable")
    long.insert(0, "scenario", scenario)
    long["unit"] = long["measure"].map(MEASURES)
    return long.reset_index(drop=True)[["scenario", "commitment", "measure", "value", "unit"]]


# --------------------------------------------------------------------------- one commitment's sensitivity


def _commitment_inputs(model: AppraisalModel, commitment_id: str) -> tuple[int, list[int]]:
    if commitment_id not in model.commitments:
        raise KeyError(f"no enabled commitment {commitment_id!r}; enabled: {', '.join(model.commitments)}")
    i = model.commitments.index(commitment_id)
    columns = sorted({int(c) for c in np.unique(model.line_inputs[model.line_commitment == i]) if c > 0})
    return i, columns


def _npv_with(model: AppraisalModel, i: int, overrides: Mapping[int, float]) -> float:
    values = model.central.copy()
    for column, value in overrides.items():
        values[column] = value
    lines = line_pv_benefits(model, values[:, None])[:, 0]
    return float(lines[model.line_commitment == i].sum() - model.pv_costs[i])


def commitment_tornado(plan: Plan, commitment_id: str) -> pd.DataFrame:
    """NPV of one commitment with each interval assumption at its low and its high end.

    The others stay central. Returns the :func:`tornado` table (largest swing first) with the
    assumption's id in ``input``; an empty table when the commitment's benefits are not monetised.

    >>> import planlib
    >>> t = commitment_tornado(planlib.load_plan(planlib.DEFAULT_PLAN), "violence_reduction_partnership")
    >>> bool((t["swing"].diff().dropna() <= 0).all())
    True
    """
    model = build_model(plan)
    i, columns = _commitment_inputs(model, commitment_id)
    ranges = {}
    for c in columns:
        a = model.assumptions.get(model.inputs[c])
        if a is not None and a.is_interval:
            ranges[model.inputs[c]] = (float(a.low), float(model.central[c]), float(a.high))  # type: ignore[arg-type]
    index = {name: model.inputs.index(name) for name in ranges}
    table = tornado(lambda v: _npv_with(model, i, {index[k]: x for k, x in v.items()}), ranges)
    table.attrs["central_npv"] = _npv_with(model, i, {})
    return table


def commitment_assumptions(plan: Plan, commitment_id: str) -> pd.DataFrame:
    """The numbers behind one commitment's benefits, with their source and status.

    One row per assumption or unit cost of crime its benefit lines use: ``input, value, low,
    high, unit, status, confidence, source``, so a reader sees which are illustrative.

    >>> import planlib
    >>> t = commitment_assumptions(planlib.load_plan(planlib.DEFAULT_PLAN), "violence_reduction_partnership")
    >>> {"input", "status", "source"} <= set(t.columns) and len(t) > 3
    True
    """
    commitment = plan.commitment(commitment_id)
    register = {a.id: a for a in plan.assumptions}
    costs = {u.crime_type: u for u in plan.unit_costs}
    rows, seen = [], set()
    for line in commitment.benefits:
        if line.crime_type is not None and f"unit_cost:{line.crime_type}" not in seen:
            u = costs[line.crime_type]
            seen.add(f"unit_cost:{line.crime_type}")
            rows.append({"input": f"unit_cost:{line.crime_type}", "value": u.unit_cost_gbp, "low": None,
                         "high": None, "unit": f"GBP per offence ({u.price_year} prices)", "status": u.status,
                         "confidence": u.confidence, "source": u.source})
        for ref in line.assumption_refs().values():
            if ref in seen:
                continue
            seen.add(ref)
            a = register[ref]
            rows.append({"input": ref, "value": a.value, "low": a.low, "high": a.high, "unit": a.unit,
                         "status": a.status, "confidence": a.confidence, "source": a.source})
    return pd.DataFrame(rows, columns=["input", "value", "low", "high", "unit", "status", "confidence", "source"])


def switching_values(plan: Plan, commitment_id: str) -> pd.DataFrame:
    """For each input of one commitment, the value at which its NPV would be zero.

    Rows: every assumption and unit cost its benefit lines use, and ``pv_costs`` (the PV of
    costs at which benefits just cover them). Columns ``input, central, switching_value,
    change_pct`` (the change from central, in %); ``switching_value`` is NaN where no value in
    a plausible range (0 to 1 for shares, 0 to 1,000 times central otherwise) switches the sign.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> sv = switching_values(plan, "violence_reduction_partnership").set_index("input")
    >>> bool(sv.at["pv_costs", "switching_value"] > 0)
    True
    """
    model = build_model(plan)
    i, columns = _commitment_inputs(model, commitment_id)
    shares = set(np.unique(model.line_inputs[:, 2:]).tolist())
    rows = []
    for c in columns:
        central = float(model.central[c])
        high = 1.0 if c in shares else max(abs(central), 1.0) * 1000
        low = 0.0 if c in shares or central >= 0 else -high
        value = switching_value(lambda x: _npv_with(model, i, {c: x}), low, high)
        rows.append({"input": model.inputs[c], "central": central,
                     "switching_value": float("nan") if value is None else value})
    pvb = _npv_with(model, i, {}) + model.pv_costs[i]
    rows.append({"input": "pv_costs", "central": float(model.pv_costs[i]), "switching_value": float(pvb)})
    table = pd.DataFrame(rows, columns=["input", "central", "switching_value"])
    with np.errstate(divide="ignore", invalid="ignore"):
        table["change_pct"] = (table["switching_value"] / table["central"] - 1) * 100
    return table
