"""Altair charts of a plan, for notebooks, Voila apps and reports: every chart of planlib.

Pure functions: a table (or a plan) in, an :class:`altair.Chart` out. Nothing here renders or
fetches anything; in a Voila app show charts with ``alt.renderers.enable("jupyter",
offline=True)`` so that Vega is loaded from the local vl-convert bundle, not a CDN. Charts are
built without the vega-embed action menu (:data:`EMBED_OPTIONS`), whose "Open in Vega Editor"
would send the chart's data to an external website.

One module per subject; this package gives every chart by name:

==================  ==============================================================
module              charts
==================  ==============================================================
``base``            :data:`EMBED_OPTIONS`, the palette, the year axis, :func:`enable_notebook_charts`
``finance``         :func:`budget_gap_chart`, :func:`reserves_chart`
``resources``       :func:`resources_chart` (and :func:`revenue_by_workstream`)
``appraisal``       :func:`npv_interval_chart`, :func:`tornado_chart` (and :func:`appraisal_wide`)
``compliance``      :func:`function_coverage_chart`
``consultation``    :func:`themes_chart`, :func:`theme_by_area_chart`, :func:`representation_chart`
``horizon``         :func:`risk_matrix_chart`
``portfolio``       :func:`frontier_chart`, :func:`portfolio_cost_chart`
``performance``     :func:`trajectory_chart`
``timeline``        :func:`gantt_chart`
==================  ==============================================================

>>> import planlib
>>> chart = resources_chart(planlib.load_plan(planlib.DEFAULT_PLAN))
>>> chart.to_dict()["title"]["text"]
'Revenue cost of commitments by financial year'
"""

from __future__ import annotations

from planlib.charts.appraisal import (
    MONETISED_COLOURS,
    MONETISED_LABELS,
    TORNADO_COLOURS,
    appraisal_wide,
    npv_interval_chart,
    tornado_chart,
)
from planlib.charts.base import EMBED_OPTIONS, enable_notebook_charts
from planlib.charts.compliance import COVERAGE_COLOURS, COVERAGE_LABELS, function_coverage_chart
from planlib.charts.consultation import representation_chart, theme_by_area_chart, themes_chart
from planlib.charts.finance import SCENARIO_COLOURS, budget_gap_chart, reserves_chart, scenario_colour
from planlib.charts.horizon import GAP_COLOUR, RISK_BANDS, risk_matrix_chart
from planlib.charts.performance import RAG_COLOURS, trajectory_chart
from planlib.charts.portfolio import frontier_chart, portfolio_cost_chart
from planlib.charts.resources import WORKSTREAM_COLOURS, resources_chart, revenue_by_workstream
from planlib.charts.timeline import gantt_chart

__all__ = [
    "COVERAGE_COLOURS", "COVERAGE_LABELS", "EMBED_OPTIONS", "GAP_COLOUR", "MONETISED_COLOURS", "MONETISED_LABELS",
    "RAG_COLOURS", "RISK_BANDS", "SCENARIO_COLOURS", "TORNADO_COLOURS", "WORKSTREAM_COLOURS",
    "appraisal_wide", "budget_gap_chart", "enable_notebook_charts", "frontier_chart", "function_coverage_chart", "gantt_chart",
    "npv_interval_chart", "portfolio_cost_chart", "representation_chart", "reserves_chart", "resources_chart",
    "revenue_by_workstream", "risk_matrix_chart", "scenario_colour", "theme_by_area_chart", "themes_chart",
    "tornado_chart", "trajectory_chart",
]
