"""Scenario reports: the papermill template, one report, a batch with an index page.

The template ``reports/scenario_report.ipynb`` (:data:`planlib.io.paths.SCENARIO_REPORT`) is
thin: it builds a :class:`ScenarioReport` and asks it for each section. :func:`execute_report`
runs the template with papermill and writes ``<slug>.ipynb``, a self-contained ``<slug>.html``
(charts inline as SVG through vl-convert, no script or style from the internet) and, on request,
``<slug>.pdf`` (headless Chromium printing the HTML on A4). :func:`run_batch` runs many in a
bounded pool of processes, or on a Dask cluster, and writes ``index.html`` and ``summary.csv``.
Every file is written atomically; a failing scenario never stops the others.

One concept a module:

==================  ==========================================================================
``content``         :class:`ScenarioReport`: what the report says, section by section
``rendering``       charts as SVG, the HTML page and its style, the PDF, the checksums
``kernels``         papermill in a new or a kept kernel (:class:`WarmKernel`), parameter checks
``execute``         one report: :func:`execute_report`, :class:`ReportResult`, :func:`slugify`
``batch``           many reports: :func:`run_batch`, its jobs, the index and summary
``pool``            the batch's worker processes, which stop when the batch stops
``cluster``         the batch on a Dask cluster, the plan folder shipped to the workers as data
==================  ==========================================================================

>>> slugify("../../x")
'x'
>>> sorted(PARAMETERS)
['finance_xlsx', 'plan_path', 'samples', 'scenario_path', 'seed']
"""

from __future__ import annotations

from planlib.reports.batch import batch_jobs, results_json, run_batch, write_index, write_summary
from planlib.reports.content import REPORT_SAMPLES, ScenarioReport
from planlib.reports.execute import ReportResult, execute_report, scenario_label, slugify
from planlib.reports.kernels import PARAMETERS, WarmKernel, check_parameters
from planlib.reports.rendering import (
    REPORT_CSS,
    ChartOutput,
    file_checksum,
    html_to_pdf,
    notebook_to_html,
    plan_checksum,
    render_charts,
    svg,
)

__all__ = [
    "PARAMETERS", "REPORT_CSS", "REPORT_SAMPLES", "ChartOutput", "ReportResult", "ScenarioReport", "WarmKernel",
    "batch_jobs", "check_parameters", "execute_report", "file_checksum", "html_to_pdf", "notebook_to_html",
    "plan_checksum", "render_charts", "results_json", "run_batch", "scenario_label", "slugify", "svg",
    "write_index", "write_summary",
]
