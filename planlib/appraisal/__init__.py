"""Net benefit: HM Treasury Green Book discounting and the GMCA / HM Treasury 2014 CBA method.

The package holds one concept a module:

- :mod:`~planlib.appraisal.green_book`: pure functions on numpy arrays (:func:`discount_factors`,
  :func:`to_real`, :func:`npv`, :func:`bcr`, :func:`roi`, :func:`payback_year`,
  :func:`optimism_bias`, :func:`generic_optimism_bias`);
- :mod:`~planlib.appraisal.kernel`: a plan's commitments as arrays (:func:`build_model`) and
  their discounted costs and benefits (:func:`line_pv_benefits`, :func:`benefit_flows`,
  :func:`deterministic`), also for commitments started later (:func:`started_later`, which the
  portfolio optimiser calls);
- :mod:`~planlib.appraisal.monte_carlo`: every commitment's NPV in every draw of the
  assumptions, drawn by :mod:`planlib.uncertainty` (:func:`simulate`);
- :mod:`~planlib.appraisal.table`: the appraisal per commitment and in total, with its Monte
  Carlo intervals (:func:`appraisal_table`, :func:`appraise`);
- :mod:`~planlib.appraisal.cases`: the commitments whose benefits are valued apart from those
  whose benefits are not (never added together), the financial and economic cases of the HM
  Treasury 2014 guidance for local partnerships, and what an unvalued commitment would need to
  achieve to break even (:func:`appraisal_cases`, :func:`break_even_unit`);
- :mod:`~planlib.appraisal.sensitivity`: :func:`switching_value`, :func:`tornado`, and their use
  on one commitment (:func:`commitment_tornado`, :func:`switching_values`,
  :func:`commitment_assumptions`).

>>> from planlib import appraisal
>>> appraisal.discount_factors(3).round(4).tolist()
[1.0, 0.9662, 0.9335]
"""

from __future__ import annotations

from planlib.appraisal.cases import (
    NOT_VALUED_COLUMNS,
    VALUED_COLUMNS,
    AppraisalCases,
    BreakEvenUnit,
    annual_equivalent,
    appraisal_cases,
    break_even_unit,
    financial_case,
    payback_period,
)
from planlib.appraisal.green_book import (
    bcr,
    discount_factors,
    generic_optimism_bias,
    npv,
    optimism_bias,
    payback_year,
    roi,
    to_real,
)
from planlib.appraisal.kernel import (
    BENEFICIARIES,
    VALUE_TYPES,
    AppraisalModel,
    CostProfile,
    benefit_flows,
    build_model,
    clip_shares,
    deterministic,
    line_pv_benefits,
    started_later,
    unit_cost_in_first_year_prices,
)
from planlib.appraisal.monte_carlo import Simulation, draw_inputs, simulate
from planlib.appraisal.sensitivity import (
    commitment_assumptions,
    commitment_tornado,
    switching_value,
    switching_values,
    tornado,
)
from planlib.appraisal.table import GROUPS, MEASURES, NOT_VALUED, VALUED, appraisal_run, appraisal_table, appraise

__all__ = [
    "NOT_VALUED_COLUMNS", "VALUED_COLUMNS", "AppraisalCases", "BreakEvenUnit", "annual_equivalent", "appraisal_cases",
    "appraisal_run", "break_even_unit", "financial_case", "payback_period", "unit_cost_in_first_year_prices",
    "BENEFICIARIES", "GROUPS", "MEASURES", "NOT_VALUED", "VALUE_TYPES", "VALUED", "AppraisalModel", "CostProfile",
    "Simulation", "appraisal_table", "appraise", "bcr", "benefit_flows", "build_model",
    "clip_shares", "commitment_assumptions", "commitment_tornado", "deterministic",
    "discount_factors", "draw_inputs", "generic_optimism_bias", "line_pv_benefits", "npv",
    "optimism_bias", "payback_year", "roi", "simulate", "started_later", "switching_value",
    "switching_values", "to_real", "tornado",
]
