"""What a scenario report says: :class:`ScenarioReport`, one method per section.

The template ``reports/scenario_report.ipynb`` builds one report from the plan, the scenario
and the seed (:meth:`ScenarioReport.load`) and asks it for each section; each section returns
an IPython display object (HTML, or a chart that :mod:`planlib.reports.rendering` turns into
SVG), so that the notebook stays a few lines per cell. Money is written by
:mod:`planlib.formats` (``£1.2m``, ``−£65.5m``), tables by :mod:`planlib.present.html`.

>>> from planlib.io.paths import DEFAULT_PLAN
>>> scenario = sorted((DEFAULT_PLAN / "scenarios").glob("*.yaml"))[0]
>>> report = ScenarioReport.load(DEFAULT_PLAN, scenario, seed=1, samples=100)
>>> f"Scenario report: {report.scenario.name}" in report.title().data
True
"""

from __future__ import annotations

import datetime as dt
import html
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planlib.formats import money, pounds, share
from planlib.present.html import html_table
from planlib.reports.rendering import file_checksum, plan_checksum, svg

REPORT_SAMPLES = 10_000
"""Monte Carlo draws of a report unless it is asked for another number."""

_AGAINST = (("budget_gap", "Budget gap"), ("reserves_closing", "Reserves at year end"),
            ("precept_band_d", "Band D precept"), ("total_cost", "Total revenue cost"))
"""The measures the report sets against the baseline, and how they are named."""


def _table(headers: list[str], rows: list[tuple[Any, ...]], numeric_from: int = 1, caption: str = "") -> str:
    """A report table (class ``planlib``): columns from ``numeric_from`` on are figures."""
    return html_table(headers, rows, numeric=range(numeric_from, len(headers)), css_class="planlib", caption=caption)


def _display(markup: str) -> Any:
    from IPython.display import HTML

    return HTML(markup)


def _version() -> str:
    from planlib import __version__

    return __version__


def _shown(value: Any) -> str:
    """A scenario's new value for an input as a reader sees it."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.4g}"
    return str(value)


@dataclass
class ScenarioReport:
    """Everything a scenario report shows, computed once from the plan, scenario and seed.

    The template calls :meth:`load` and then one method per section; each returns an IPython
    display object (HTML or a chart), so that the notebook stays a few lines per cell.
    """

    plan_path: str
    scenario_path: str
    seed: int
    samples: int
    baseline: Any = field(repr=False)
    scenario: Any = field(repr=False)
    result: Any = field(repr=False)
    table: Any = field(repr=False)
    ran_at: str = ""
    finance_xlsx: str | None = None
    """The workbook whose finance replaced the plan's (a filled-in finance template), if any."""

    @classmethod
    def load(cls, plan_path: str | os.PathLike[str], scenario_path: str | os.PathLike[str], seed: int,
             samples: int = REPORT_SAMPLES, finance_xlsx: str | os.PathLike[str] | None = None) -> ScenarioReport:
        """Read the plan and scenario and compute the MTFP and the appraisal.

        With ``finance_xlsx``, the baseline takes its finance from that workbook
        (:func:`planlib.io.finance_workbook.plan_with_finance_xlsx`) before the scenario is applied.
        """
        from planlib.io.finance_workbook import plan_with_finance_xlsx
        from planlib.io.plan_files import load_plan
        from planlib.results import compare, run
        from planlib.scenario import Scenario

        baseline = load_plan(plan_path)
        if finance_xlsx:
            baseline = plan_with_finance_xlsx(baseline, finance_xlsx)
        scenario = Scenario.from_yaml(scenario_path)
        scenario.apply(baseline)  # raises PlanError listing every change that cannot be applied
        result = run(baseline, scenario, samples=int(samples), seed=int(seed))
        table = compare(baseline, [scenario])
        ran_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
        return cls(str(plan_path), str(scenario_path), int(seed), int(samples), baseline, scenario, result, table, ran_at,
                   str(finance_xlsx) if finance_xlsx else None)

    def _workbook_name(self) -> str | None:
        return Path(self.finance_xlsx).name if self.finance_xlsx else None

    # ---------------------------------------------------------------- numbers for the index

    def headline(self) -> dict[str, Any]:
        """The figures the batch index shows: budget gap over the period and total NPV."""
        from planlib.appraisal import TOTAL

        gap = self.result.measure("budget_gap")
        app = self.result.appraisal
        total = app[app["commitment"] == TOTAL].set_index("measure")["value"]
        return {
            "scenario": self.scenario.name,
            "plan_id": self.baseline.id,
            "plan_version": self.baseline.version,
            "budget_gap_total": float(gap.sum()),
            "budget_gap_last_year": float(gap.iloc[-1]),
            "npv": float(total["npv"]),
            "npv_p5": float(total["npv_p5"]),
            "npv_p50": float(total["npv_p50"]),
            "npv_p95": float(total["npv_p95"]),
            "prob_npv_positive": float(total["prob_npv_positive"]),
            "seed": self.seed,
            "samples": self.samples,
        }

    # ---------------------------------------------------------------- sections

    def title(self) -> Any:
        """The report's heading: the plan, the scenario, what it tests and where its figures come from."""
        s, p = self.scenario, self.baseline
        workbook = (f"<p><strong>Finance.</strong> The plan's finance assumptions are those of the workbook "
                    f"<code>{html.escape(self._workbook_name() or '')}</code>, not those of its finance.yaml.</p>"
                    if self.finance_xlsx else "")
        return _display(
            f'<header class="report-title"><p class="kicker">{html.escape(p.name)}, version {html.escape(p.version)}</p>'
            f"<h1>Scenario report: {html.escape(s.name)}</h1>"
            f"<p><strong>What it tests.</strong> {html.escape(s.description)}</p>"
            f"<p><strong>Source of its figures.</strong> {html.escape(s.source)}</p>{workbook}"
            f'<p class="meta">Seed {self.seed}; {self.samples:,} Monte Carlo draws; planlib {_version()}.</p></header>'
        )

    def changes(self) -> Any:
        """The scenario's changes, and the main measures against the baseline."""
        rows = []
        for path, value in self.scenario.changes.items():
            if isinstance(value, dict):
                rows.append((path, "; ".join(f"{year}: {_shown(v)}" for year, v in value.items())))
            else:
                rows.append((path, _shown(value)))
        changes = _table(["Changed input", "New value"], rows, numeric_from=2,
                         caption="The scenario's changes to the baseline plan")
        wide = self.table.pivot_table(index=["measure", "scenario"], columns="year", values="value", sort=False)
        years = list(wide.columns)
        diff_rows = []
        for measure, label in _AGAINST:
            base = wide.loc[(measure, "baseline")]
            scen = wide.loc[(measure, self.scenario.name)]
            write = pounds if measure == "precept_band_d" else money
            diff_rows.append((f"{label}: baseline", *[write(base[y]) for y in years]))
            diff_rows.append((f"{label}: scenario", *[write(scen[y]) for y in years]))
            diff_rows.append((f"{label}: change", *[write(scen[y] - base[y]) for y in years]))
        against = _table(["Measure", *map(str, years)], diff_rows, caption="The scenario against the baseline")
        return _display(changes + against)

    def mtfp_table(self) -> Any:
        """The medium-term financial plan under the scenario, with its warnings."""
        from planlib.present.finance import HEADLINE, finance_warnings, format_headline

        wide = self.result.wide()
        years = list(wide.columns)
        rows = [(label, *[format_headline(measure, wide.at[measure, y]) for y in years]) for measure, label in HEADLINE]
        warn = "".join(f'<p class="warning">{html.escape(w)}.</p>' for w in finance_warnings(wide))
        return _display(_table(["Measure", *map(str, years)], rows,
                               caption=f"Medium-term financial plan under {self.scenario.name}") + warn)

    def budget_gap_chart(self) -> Any:
        """The budget gap by year, baseline and scenario."""
        from planlib import charts

        return svg(charts.budget_gap_chart(self.table, width=560, height=240))

    def reserves_chart(self) -> Any:
        """Reserves at year end, baseline and scenario, against the minimum."""
        from planlib import charts

        return svg(charts.reserves_chart(self.table, width=560, height=240))

    def net_benefit_table(self) -> Any:
        """Each commitment's present values and NPV interval, by its title."""
        from planlib.appraisal import TOTAL
        from planlib.charts import appraisal_wide
        from planlib.present.labels import commitment_titles

        titles = {**commitment_titles(self.result.plan), TOTAL: "All commitments"}
        rows = []
        for r in appraisal_wide(self.result.appraisal).to_dict("records"):
            rows.append((titles.get(r["commitment"], r["commitment"]), money(r["pv_costs"]),
                         money(r["pv_benefits"]) if r["monetised"] else "not valued",
                         money(r["npv_p5"]), money(r["npv_p50"]), money(r["npv_p95"]),
                         share(r["prob_npv_positive"], 0)))
        return _display(_table(["Commitment", "PV costs", "PV benefits", "NPV p5", "NPV p50", "NPV p95", "P(NPV>0)"],
                               rows, caption=f"Net benefit, Green Book discounting; 90% intervals from "
                                             f"{self.samples:,} draws, seed {self.seed}"))

    def net_benefit_chart(self) -> Any:
        """The NPV interval of every commitment."""
        from planlib import charts
        from planlib.present.labels import commitment_titles

        return svg(charts.npv_interval_chart(self.result.appraisal, titles=commitment_titles(self.result.plan),
                                             width=420))

    def statutory_coverage(self) -> Any:
        """Which of the Commissioner's functions a commitment serves in this scenario."""
        from planlib.compliance import function_coverage

        coverage = function_coverage(self.result.plan)
        rows = [(r.function_id, r.function, r.commitments, "yes" if r.served else "NOT SERVED")
                for r in coverage.itertuples()]
        served = int(coverage["served"].sum())
        return _display(f"<p>{served} of {len(coverage)} of the Commissioner's functions are served by a commitment "
                        "in this scenario.</p>" + _table(["Id", "Function", "Commitments", "Served"], rows, numeric_from=2))

    def implications(self) -> Any:
        """The wider financial implications of the plan under the scenario (seed 000 para 30), parts (a) to (g)."""
        from planlib.errors import PlanError
        from planlib.implications import implications
        from planlib.io.plan_folder import load_folder
        from planlib.present.implications import report_html

        head = "<h2>Financial implications</h2>"
        try:
            settings = load_folder(self.plan_path, parts=["implications"]).implications
        except PlanError as exc:
            return _display(head + f'<p class="warning">Not shown: {html.escape(str(exc))}</p>')
        table = implications(self.result.plan, settings)
        return _display(head + "<p>What the plan under this scenario means, year by year, for the precept, the Chief "
                        "Constable's budget, treasury management, fees and charges, commissioning and grants, "
                        "financial delegations and external income. Money in £m, cash; the rates and thresholds "
                        "are illustrative or unverified (see implications.yaml).</p>" + report_html(table))

    def assumptions(self) -> Any:
        """Every number the appraisal rests on, with its source, grade and status."""
        from planlib.present.assumptions import assumption_table, assumptions_html

        table = assumption_table(self.result.plan)
        return _display(assumptions_html(table, "the net benefit of the commitments in this scenario", css_class="planlib"))

    def footer(self) -> Any:
        """Where the report's figures come from: plan, scenario and finance workbook checksums, seed, version, time."""
        p = self.baseline
        workbook = (f"Finance from the workbook <code>{html.escape(self._workbook_name() or '')}</code>, file checksum "
                    f"<code>sha256:{file_checksum(self.finance_xlsx)}</code>. " if self.finance_xlsx else "")
        return _display(
            '<footer class="report-footer"><p>'
            f"Plan <code>{html.escape(p.id)}</code>, version {html.escape(p.version)}, files checksum "
            f"<code>sha256:{plan_checksum(self.plan_path)}</code>. "
            f"Scenario <code>{html.escape(self.scenario.name)}</code>, file checksum "
            f"<code>sha256:{file_checksum(self.scenario_path)}</code>. {workbook}"
            f"Seed {self.seed}; {self.samples:,} draws. planlib version {_version()}. "
            f"Ran at {self.ran_at}.</p></footer>"
        )
