"""The appraisal table: central results and Monte Carlo intervals per commitment and in total.

>>> import planlib
>>> wide = appraisal_table(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500)
>>> wide["commitment"].iloc[-1], bool((wide["npv"] == wide["pv_benefits"] - wide["pv_costs"]).all())
('TOTAL', True)
"""

from __future__ import annotations

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

TOTAL = "TOTAL"


def appraisal_table(plan: Plan, samples: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """Net benefit per enabled commitment and in total, one row each (wide).

    Central results (:func:`deterministic`) and, from ``samples`` Monte Carlo draws with
    ``seed``, the NPV interval. The TOTAL row sums every enabled commitment (those whose
    benefits are not monetised count their costs only); its payback year is that of the summed
    flows. It is kept for data use; a reader is shown the valued commitments apart from the
    others (:func:`planlib.appraisal.cases.appraisal_cases`), never this sum of both.
    """
    return appraisal_run(plan, samples, seed)[1]


def appraisal_run(plan: Plan, samples: int | None = None, seed: int | None = None
                  ) -> tuple[AppraisalModel, pd.DataFrame, Simulation]:
    """The model, the table of :func:`appraisal_table` and the Monte Carlo behind it, made once,
    for those (such as :func:`planlib.appraisal.cases.appraisal_cases`) that need the draws too.

    >>> import planlib
    >>> model, table, sim = appraisal_run(planlib.load_plan(planlib.DEFAULT_PLAN), samples=200)
    >>> sim.npv.shape == (len(model.commitments), 200) and len(table) == len(model.commitments) + 1
    True
    """
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
    sim = simulate(model, samples, seed)
    for name, values in sim.summary().items():
        table[name] = values
    table["samples"] = float(samples)
    table["seed"] = float(seed)
    return model, table, sim


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
