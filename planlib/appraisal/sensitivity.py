"""Sensitivity: how far the NPV moves with each input, and where it would switch sign.

Pure functions (:func:`switching_value`, :func:`tornado`) and their use on one commitment of a
plan (:func:`commitment_tornado`, :func:`switching_values`), with the numbers behind its
benefits and where they came from (:func:`commitment_assumptions`).

>>> t = tornado(lambda v: v["a"] * 2 + v["b"], {"a": (0, 1, 2), "b": (0, 1, 5)})
>>> t["input"].tolist()
['b', 'a']
"""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np
import pandas as pd

from planlib.appraisal.kernel import AppraisalModel, build_model, line_pv_benefits
from planlib.model import Plan


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
    from scipy.optimize import brentq  # loaded only when a switching value is searched for

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
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> t = commitment_tornado(plan, next(c.id for c in plan.commitments if c.benefits))
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
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> t = commitment_assumptions(plan, next(c.id for c in plan.commitments if c.benefits))
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
    >>> sv = switching_values(plan, next(c.id for c in plan.commitments if c.benefits)).set_index("input")
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
