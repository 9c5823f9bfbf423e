"""The appraisal table: central results and Monte Carlo intervals per commitment and by group.

The table never sums every commitment: a commitment whose benefits are not valued would count its
costs only and drag any such total down. After the commitments come two group rows:
:data:`VALUED` (the commitments with at least one benefit valued in money, together, with the
interval of their summed draws) and :data:`NOT_VALUED` (the others: their costs only; their net
present value, ratios and interval are left empty, since their benefits are not valued).

>>> import planlib
>>> wide = appraisal_table(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500)
>>> wide["commitment"].iloc[-2:].tolist()
['VALUED', 'NOT_VALUED']
>>> body = wide.iloc[:-2]
>>> bool((body["npv"] == body["pv_benefits"] - body["pv_costs"]).all())
True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from planlib.appraisal.green_book import bcr, payback_year, roi
from planlib.appraisal.kernel import (BENEFICIARIES, VALUE_TYPES, AppraisalModel, benefit_flows, build_model,
                                     deterministic)
from planlib.appraisal.monte_carlo import Simulation, simulate
from planlib.model import Plan
from planlib.uncertainty import DEFAULT_SAMPLES, DEFAULT_SEED

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

VALUED = "VALUED"
"""The row of the commitments whose benefits are valued in money, together."""
NOT_VALUED = "NOT_VALUED"
"""The row of the commitments whose benefits are not valued: their costs only."""
GROUPS = (VALUED, NOT_VALUED)
"""The group rows that end an appraisal table (never one total of both)."""


def appraisal_table(plan: Plan, samples: int | None = None, seed: int | None = None,
                    progress: Callable[[str, int, int], None] | None = None) -> pd.DataFrame:
    """Net benefit per enabled commitment, then the :data:`VALUED` and :data:`NOT_VALUED` groups
    (wide).

    Central results (:func:`deterministic`) and, from ``samples`` Monte Carlo draws with
    ``seed``, the NPV interval. The valued group's payback year is that of its summed flows and
    its interval that of its summed draws; the not-valued group carries its costs only. A reader
    is shown the two apart (:func:`planlib.appraisal.cases.appraisal_cases`), never a sum of both.
    """
    return appraisal_run(plan, samples, seed, progress)[1]


def appraisal_run(plan: Plan, samples: int | None = None, seed: int | None = None,
                  progress: Callable[[str, int, int], None] | None = None
                  ) -> tuple[AppraisalModel, pd.DataFrame, Simulation]:
    """The model, the table of :func:`appraisal_table` and the Monte Carlo behind it, made once,
    for those (such as :func:`planlib.appraisal.cases.appraisal_cases`) that need the draws too.

    >>> import planlib
    >>> model, table, sim = appraisal_run(planlib.load_plan(planlib.DEFAULT_PLAN), samples=200)
    >>> sim.group_draws["VALUED"].shape == (200,) and len(table) == len(model.commitments) + 2
    True
    """
    samples = DEFAULT_SAMPLES if samples is None else samples
    seed = DEFAULT_SEED if seed is None else seed
    model = build_model(plan)
    table = deterministic(model)
    valued = (table["monetised"] > 0).to_numpy()
    sim = simulate(model, samples, seed, groups={VALUED: valued}, progress=progress)
    for name, values in sim.summary().items():
        table[name] = values[:-1]                   # the last is the sum of all: never shown
    table.loc[len(table)] = _valued_row(model, table, sim, valued)
    table.loc[len(table)] = {"commitment": NOT_VALUED, "monetised": 0.0,
                             **{c: float(table.loc[:len(valued) - 1, c][~valued].sum())
                                for c in table.columns if c.startswith("pv_")}}
    table["samples"] = float(samples)
    table["seed"] = float(seed)
    return model, table, sim


def _valued_row(model: AppraisalModel, table: pd.DataFrame, sim: Simulation, valued: np.ndarray) -> dict:
    """The valued commitments together: sums, their ratios, payback and the interval of their draws."""
    body = table.loc[:len(valued) - 1][valued]
    total = {col: float(body[col].sum()) for col in table.columns if col.startswith("pv_") or col == "npv"}
    pvc, pvb = total["pv_costs"], total["pv_benefits"]
    row = {"commitment": VALUED, **total, "monetised": 1.0 if valued.any() else 0.0}
    if not valued.any():
        return row
    flows = (benefit_flows(model, model.central)[valued].sum(axis=0) - model.cost_flows[valued].sum(axis=0))
    year = payback_year(flows, model.factors)
    draws = sim.group_draws[VALUED]
    p5, p50, p95 = np.quantile(draws, [0.05, 0.5, 0.95])
    return {**row, "bcr": bcr(pvb, pvc), "fiscal_roi": roi(total["pv_fiscal"], pvc), "public_value_roi": roi(pvb, pvc),
            "payback_year": float("nan") if year is None else float(model.years[year].start),
            "npv_p5": p5, "npv_p50": p50, "npv_p95": p95, "prob_npv_positive": float((draws > 0).mean()),
            "bcr_p50": (p50 + pvc) / pvc if pvc > 0 else float("nan")}


def appraise(plan: Plan, scenario: str = "baseline", samples: int | None = None, seed: int | None = None,
             progress: Callable[[str, int, int], None] | None = None) -> pd.DataFrame:
    """The appraisal as a long DataFrame: ``scenario, commitment, measure, value, unit``.

    >>> import planlib
    >>> table = appraise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=2_000)
    >>> list(table.columns)
    ['scenario', 'commitment', 'measure', 'value', 'unit']
    >>> row = table[(table.commitment == "VALUED")].set_index("measure")["value"]
    >>> bool(row["npv_p5"] <= row["npv_p50"] <= row["npv_p95"])
    True
    """
    wide = appraisal_table(plan, samples, seed, progress)
    long = wide.melt(id_vars="commitment", var_name="measure", value_name="value")
    order = {m: i for i, m in enumerate(MEASURES)}
    rows = {c: i for i, c in enumerate(wide["commitment"])}
    long = long.sort_values(["commitment", "measure"], key=lambda s: s.map(rows) if s.name == "commitment" else s.map(order), kind="stable")
    long.insert(0, "scenario", scenario)
    long["unit"] = long["measure"].map(MEASURES)
    return long.reset_index(drop=True)[["scenario", "commitment", "measure", "value", "unit"]]
