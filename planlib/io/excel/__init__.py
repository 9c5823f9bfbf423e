"""Excel in and out: a workbook template for the finance assumptions, and results workbooks.

The finance officer keeps the medium-term financial plan's inputs in Excel. This package writes
them to a documented workbook (:func:`write_finance_template`), reads a filled-in workbook back
(:func:`load_finance_xlsx`) with every problem named by sheet and cell, and writes the results
of :func:`planlib.compare` as a workbook (:func:`write_results_xlsx`). Every workbook is written
atomically: to a temporary file in the same folder, then renamed over the target.

Its modules: ``layout`` (the template's sheets and columns), ``template`` (writing it),
``cells`` (reading cells safely: size and zip-bomb limits, problems by cell), ``series`` and
``reading`` (reading the template back), ``results`` (results workbooks) and ``writing`` (what
the writers share). openpyxl is imported only here: ``import planlib.io`` does not load it.

The finance template
--------------------
``data/templates/finance_template.xlsx`` is generated from the example plan with
:func:`write_finance_template`; a test regenerates it and compares every cell. Its sheets:

================  ===============================================================================
``README``        what each sheet and column means (not read back)
``settings``      ``setting | value | meaning``: ``price_base_year``, the year whose prices
                  ``baseline_force_costs`` are given in
``series``        one row per year-by-year series (``police_grant``, ``tax_base``, ``pay_award``...):
                  ``name | unit | 2021/22 | 2022/23 | ... | status | confidence | source | description``.
                  A year cell holds the value for that year; a blank cell means no value for it.
                  The optional series (``former_dclg_grant``, ``council_tax_support_grant``,
                  ``pension_grant``, the total ``tax_base`` and ``collection_fund``) have a row
                  only when given
``other_grants``  the same layout; one row per specific grant, named by the user
                  (letters, digits, ``_``, ``-``, ``.``)
``tax_base_by_authority``
                  the same layout; one row per billing authority, named by it: its tax base in
                  Band D equivalents, for the years not given by a total ``tax_base`` (read when
                  present; a workbook without it has no billing authorities)
``collection_fund_by_authority``
                  the same layout; a billing authority's collection fund surplus (+) or deficit
                  (-), one row per authority that has one (read when present)
``values``        one row per single number: ``name | year | value | low | high | distribution |
                  unit | status | confidence | source | description``. ``year`` is required for
                  dated values (``precept_band_d_base``, ``cost_per_officer``, ``cost_per_staff``,
                  ``reserves_opening``) and must be blank for the others
``year_details``  exceptions for single years of a series: ``series | year | low | high |
                  distribution | status | confidence | source | description``. ``series`` is a
                  name from ``series``, ``other_grants.<name>`` for a grant, or
                  ``tax_base_by_authority.<name>`` / ``collection_fund_by_authority.<name>``. A blank cell takes
                  the series' own value, so a row lists only what differs (a year verified
                  against a different source, or a 90% interval ``low``-``high``)
================  ===============================================================================

Columns are found by their header, so they may be reordered; ``description`` is optional.
Money is GBP in cash terms; shares are fractions (``0.05`` is 5%: the template shows them as
percentages) and must lie between 0 and 1. ``status`` is one of verified, estimate,
illustrative, unverified; ``confidence`` a whole number from 1 (strongest evidence) to 6.

Reading checks every cell and reports every problem at once as a :class:`~planlib.PlanError`
whose problems name the workbook, the Excel row and the cell (``series!D5``). A file that is
not an ``.xlsx`` workbook gives one problem, never a traceback. Formulas are read through the
values Excel saved with them.

Results workbooks
-----------------
:func:`write_results_xlsx` writes an ``about`` sheet (planlib version, time of generation, how to
read the figures, which sheet holds which scenario), a ``comparison`` sheet (the key measures of
every scenario by year and their difference from the baseline), then one sheet per scenario
(every measure by year). **Money cells hold exact pounds and are displayed in £m** with the
number format ``#,##0.0,,`` (the unit column says ``GBP (shown in £m)``), so formulas built on
them work in pounds; flags are 0 or 1.

>>> import tempfile, pathlib, planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> with tempfile.TemporaryDirectory() as folder:
...     path = pathlib.Path(folder) / "finance.xlsx"
...     write_finance_template(plan, path)
...     load_finance_xlsx(path) == plan.finance
True
"""

from __future__ import annotations

from planlib.io.excel.reading import load_finance_xlsx
from planlib.io.excel.results import KEY_MEASURES, write_results_xlsx
from planlib.io.excel.template import write_finance_template

__all__ = [
    "KEY_MEASURES",
    "load_finance_xlsx",
    "write_finance_template",
    "write_results_xlsx",
]
