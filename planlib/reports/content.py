"""What a scenario report says, as a board paper: :class:`ScenarioReport`, one method per section.

The report has the form of a paper to the Commissioner's board (seed 000): purpose, summary
(the budget gap and the referendum position against the baseline), background, the analysis,
the financial, legal and equality implications, and what the Board is asked to note or
decide, then the assumptions and the provenance footer. A scenario is titled by its
description (:func:`scenario_title`), never by its file name; the baseline stands beside it
in every comparison.

The template ``reports/scenario_report.ipynb`` builds one report from the plan, the scenario
and the seed (:meth:`ScenarioReport.load`) and asks it for each section; each section returns
an IPython display object (HTML, or a chart that :mod:`planlib.reports.rendering` turns into
an accessible figure), so that the notebook stays a line per cell. Money is written by
:mod:`planlib.formats` (``£1.2m``, ``−£65.5m``), tables by :mod:`planlib.present.html`.

>>> from planlib.io.paths import DEFAULT_PLAN
>>> scenario = sorted((DEFAULT_PLAN / "scenarios").glob("*.yaml"))[0]
>>> report = ScenarioReport.load(DEFAULT_PLAN, scenario, seed=1, samples=100)
>>> title = scenario_title(report.scenario.description, report.scenario.name)
>>> f"<h1>{title}</h1>" in report.title().data
True
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planlib.formats import count, money, pounds, share
from planlib.present.html import html_table
from planlib.reports.rendering import data_table, file_checksum, plan_checksum, svg

REPORT_SAMPLES = 10_000
"""Monte Carlo draws of a report unless it is asked for another number."""

_AGAINST = (("budget_gap", "Budget gap"), ("reserves_closing", "Reserves at year end"),
            ("precept_band_d", "Band D precept"), ("total_cost", "Total revenue cost"))
"""The measures the report sets against the baseline, and how they are named."""


def _table(headers: list[str], rows: list[tuple[Any, ...]], numeric_from: int = 1, caption: str = "") -> str:
    """A report table (class ``planlib``): columns from ``numeric_from`` on are figures."""
    return html_table(headers, rows, numeric=range(numeric_from, len(headers)), css_class="planlib", caption=caption)


def scenario_title(description: str, name: str = "") -> str:
    """How a scenario is titled for a reader: the first sentence of its description (its name
    only if it has none).

    >>> scenario_title("Band D rises by £15 a year. In 2022/23 this is above the limit.")
    'Band D rises by £15 a year'
    >>> scenario_title("", "grant_flat")
    'grant_flat'
    """
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z(])", " ".join(description.split()), maxsplit=1)[0].rstrip(".")
    return first or name


_FINANCE_LABELS = {"precept_increase": "Band D increase", "police_grant": "Police grant",
                   "pay_award": "Pay award", "planned_use_of_reserves": "Planned use of reserves",
                   "officer_fte": "Officers (FTE)", "staff_fte": "Staff (FTE)", "tax_base": "Tax base (Band D equivalents)",
                   "neighbourhood_officers_in_post": "Neighbourhood officers in post", "non_pay_inflation": "Non-pay inflation",
                   "referendum_limit": "Referendum limit", "baseline_force_costs": "The force's baseline costs"}
_COST_LABELS = {"non_pay_gbp": "non-pay cost", "capital_gbp": "capital", "officer_fte": "officers (FTE)",
                "staff_fte": "staff (FTE)"}


def change_label(path: str, plan: Any) -> tuple[str, str]:
    """A scenario's changed input as a reader names it, and its unit: titles, never ids.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> change_label("finance.precept_increase", plan)
    ('Band D increase', 'GBP on Band D')
    >>> first = plan.commitments[0]
    >>> change_label(f"commitments.{first.id}.costs.officer_fte", plan)[0] == f"{first.title}: officers (FTE)"
    True
    """
    parts = path.split(".")
    if parts[0] == "finance":
        if parts[1] == "other_grants" and len(parts) > 2:
            return f"Grant: {parts[2].replace('_', ' ')}", "GBP"
        series = getattr(plan.finance, parts[1], None)
        label = _FINANCE_LABELS.get(parts[1], parts[1].replace("_", " ").capitalize())
        return label, str(getattr(series, "unit", ""))
    if parts[0] == "commitments" and len(parts) > 2:
        title = next((c.title for c in plan.commitments if c.id == parts[1]), parts[1].replace("_", " "))
        what = {"enabled": "in the plan", "start_year": "start year"}.get(parts[2], _COST_LABELS.get(parts[-1], parts[-1]))
        return f"{title}: {what}", "GBP" if parts[-1].endswith("_gbp") else ""
    if parts[0] == "assumptions" and len(parts) > 1:
        from planlib.present.assumptions import input_label, input_unit

        return input_label(plan, parts[1]), input_unit(plan, parts[1])
    return path, ""


def _shown_in(value: Any, unit: str) -> str:
    """A scenario's value in its unit: money for pounds, a percentage for a share."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, (int, float)):
        return str(value)
    if unit.startswith("GBP on Band D") or unit.startswith("GBP per"):
        return pounds(value)
    if unit.startswith("GBP"):
        return money(value)
    if unit.startswith("share"):
        return share(value)
    return _shown(value)


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

    @property
    def cases(self) -> Any:
        """The scenario's appraisal in two groups, valued and not (:func:`planlib.appraisal.appraisal_cases`),
        with the report's seed and draws; computed once."""
        if "_cases" not in self.__dict__:
            from planlib.appraisal import appraisal_cases

            self.__dict__["_cases"] = appraisal_cases(self.result.plan, self.samples, self.seed)
        return self.__dict__["_cases"]

    def headline(self) -> dict[str, Any]:
        """The figures the batch index shows: budget gap over the period and the net present value of
        the commitments whose benefits are valued (never a sum with those whose benefits are not)."""
        gap = self.result.measure("budget_gap")
        total = self.cases.valued_total
        n_valued, n_other = self.cases.counts
        return {
            "scenario": self.scenario.name,
            "title": scenario_title(self.scenario.description, self.scenario.name),
            "plan_id": self.baseline.id,
            "plan_version": self.baseline.version,
            "budget_gap_total": float(gap.sum()),
            "budget_gap_last_year": float(gap.iloc[-1]),
            "npv": float(total["npv"]),
            "npv_p5": float(total["npv_p5"]),
            "npv_p50": float(total["npv_p50"]),
            "npv_p95": float(total["npv_p95"]),
            "prob_npv_positive": float(total["prob_npv_positive"]),
            "valued_commitments": n_valued,
            "commitments_not_valued": n_other,
            "cost_not_valued": float(self.cases.not_valued_total["pv_costs"]),
            "seed": self.seed,
            "samples": self.samples,
        }

    # ---------------------------------------------------------------- figures against the baseline

    def _name(self) -> str:
        return scenario_title(self.scenario.description, self.scenario.name)

    def _wide(self) -> Any:
        """Measures by (measure, scenario) as rows, years as columns: the baseline and the scenario."""
        return self.table.pivot_table(index=["measure", "scenario"], columns="year", values="value", sort=False)

    def _chart_table(self) -> Any:
        """The finance table with the two series named as a reader names them (no file names)."""
        return self.table.assign(scenario=self.table["scenario"].map({"baseline": "Baseline"}).fillna("Scenario"))

    def _series(self, measure: str) -> tuple[Any, Any]:
        wide = self._wide()
        return wide.loc[(measure, "baseline")], wide.loc[(measure, self.scenario.name)]

    def _referendum_years(self) -> tuple[list[str], list[str]]:
        base, scen = self._series("referendum_required")
        return [str(y) for y, v in base.items() if v > 0], [str(y) for y, v in scen.items() if v > 0]

    @staticmethod
    def _in(years: list[str]) -> str:
        return f"above the referendum limit in {', '.join(years)}" if years else "within the referendum limit in every year"

    # ---------------------------------------------------------------- sections

    def title(self) -> Any:
        """The paper's heading: who it is from, the scenario's title, and the plan it tests."""
        p = self.baseline
        return _display(
            f'<header class="report-title"><p class="kicker">Office of the Police and Crime Commissioner for '
            f"{html.escape(p.police_area)}: board paper</p>"
            f"<h1>{html.escape(self._name())}</h1>"
            f"<p><strong>A scenario for the {html.escape(p.name)}</strong> (version {html.escape(p.version)}), "
            "set against the plan as it stands (the baseline)"
            + (f", with the finance of the workbook <code>{html.escape(self._workbook_name() or '')}</code>"
               if self.finance_xlsx else "") + ".</p>"
            f'<p class="meta">Seed {self.seed}; {self.samples:,} Monte Carlo draws; planlib {_version()}.</p></header>')

    def purpose(self) -> Any:
        """Purpose of the paper: the scenario, in its own words, and where its figures come from."""
        s = self.scenario
        workbook = (f"<p>The plan's finance assumptions are those of the workbook "
                    f"<code>{html.escape(self._workbook_name() or '')}</code>, not those of its finance.yaml.</p>"
                    if self.finance_xlsx else "")
        return _display(
            "<h2>Purpose of paper</h2>"
            f"<p>To set out for the Board what the {html.escape(self.baseline.name)} would mean for the budget, "
            "reserves, the precept and the net benefit of the commitments under one scenario, beside the plan "
            f"as it stands.</p><p><strong>The scenario.</strong> {html.escape(s.description)}</p>"
            f"<p><strong>Where its figures come from.</strong> {html.escape(s.source)}</p>{workbook}")

    def summary(self) -> Any:
        """The summary: the budget gap and the referendum position against the baseline, and the net benefit
        (the valued commitments apart from the others)."""
        from planlib.present.appraisal import cases_headline

        gap_b, gap_s = self._series("budget_gap")
        res_b, res_s = self._series("reserves_closing")
        band_b, band_s = self._series("precept_band_d")
        ref_b, ref_s = self._referendum_years()
        last = gap_b.index[-1]
        rows = [("Budget gap over the period", money(gap_b.sum()), money(gap_s.sum()), money(gap_s.sum() - gap_b.sum())),
                (f"Budget gap in {last}", money(gap_b[last]), money(gap_s[last]), money(gap_s[last] - gap_b[last])),
                (f"Reserves at the end of {last}", money(res_b[last]), money(res_s[last]), money(res_s[last] - res_b[last])),
                (f"Band D precept in {last}", pounds(band_b[last]), pounds(band_s[last]), pounds(band_s[last] - band_b[last])),
                ("Referendum required", ", ".join(ref_b) or "none", ", ".join(ref_s) or "none", "")]
        change = gap_s.sum() - gap_b.sum()
        direction = "larger" if change > 0 else "smaller" if change < 0 else "the same"
        text = (f"<p>Over {gap_b.index[0]} to {last} the budget gap (cost less funding; positive is a shortfall) is "
                f"{money(gap_s.sum())} under the scenario against {money(gap_b.sum())} in the baseline: "
                f"{money(abs(change))} {direction}" + (" than the baseline" if change else "") + ". "
                f"The Band D increase is {self._in(ref_s)} under the scenario"
                + ("" if ref_s == ref_b else f", and {self._in(ref_b)} in the baseline")
                + (f": a referendum would be required in {', '.join(ref_s)}." if ref_s else ".") + "</p>"
                + f"<p>Net benefit under the scenario: {html.escape(cases_headline(self.cases))}</p>")
        table = _table(["Measure", "Baseline", "Scenario", "Change"], rows,
                       caption="The scenario beside the baseline")
        return _display("<h2>Summary</h2>" + text + table)

    def background(self) -> Any:
        """Background: what the plan must hold, what a scenario is, and this scenario's changes."""
        p = self.baseline
        rows = []
        for path, value in self.scenario.changes.items():
            label, unit = change_label(path, p)
            if isinstance(value, dict):
                rows.append((label, "; ".join(f"{year}: {_shown_in(v, unit)}" for year, v in value.items())))
            else:
                rows.append((label, _shown_in(value, unit)))
        changes = _table(["Changed input", "New value"], rows, numeric_from=2,
                         caption="The scenario's changes to the baseline plan")
        return _display(
            "<h2>Background</h2>"
            f"<p>The {html.escape(p.name)} runs from {p.period.first} to {p.period.last}. A Police and Crime Plan "
            "must set out the financial and other resources the Commissioner is to provide to the Chief Constable "
            "(Police Reform and Social Responsibility Act 2011, s.7(1)(c)); the medium-term financial plan below "
            "is those resources year by year.</p>"
            "<p>A scenario changes a few of the plan's inputs and leaves every other as it is, so that the "
            "difference it makes can be read against the plan as it stands. Its changes are these:</p>" + changes)

    def analysis(self) -> Any:
        """The heading of the analysis and the scenario against the baseline, year by year."""
        wide = self._wide()
        years = list(wide.columns)
        rows = []
        for measure, label in _AGAINST:
            base, scen = wide.loc[(measure, "baseline")], wide.loc[(measure, self.scenario.name)]
            write = pounds if measure == "precept_band_d" else money
            rows.append((f"{label}: baseline", *[write(base[y]) for y in years]))
            rows.append((f"{label}: scenario", *[write(scen[y]) for y in years]))
            rows.append((f"{label}: change", *[write(scen[y] - base[y]) for y in years]))
        against = _table(["Measure", *map(str, years)], rows, caption="The scenario against the baseline")
        return _display("<h2>Analysis</h2><h3>The scenario against the baseline</h3>" + against)

    def mtfp_table(self) -> Any:
        """The medium-term financial plan under the scenario, with its warnings."""
        from planlib.present.finance import HEADLINE, finance_warnings, format_headline

        wide = self.result.wide()
        years = list(wide.columns)
        rows = [(label, *[format_headline(measure, wide.at[measure, y]) for y in years]) for measure, label in HEADLINE]
        warn = "".join(f'<p class="warning">{html.escape(w)}.</p>' for w in finance_warnings(wide))
        return _display("<h3>Medium-term financial plan</h3>" + _table(
            ["Measure", *map(str, years)], rows, caption=f"Medium-term financial plan under the scenario") + warn)

    def _by_year(self, measure: str, caption: str) -> str:
        base, scen = self._series(measure)
        return data_table(["Financial year", "Baseline", "Scenario"],
                          [[str(y), money(base[y]), money(scen[y])] for y in base.index], caption)

    def budget_gap_chart(self) -> Any:
        """The budget gap by year, baseline and scenario, as a figure with its data."""
        from planlib import charts

        base, scen = self._series("budget_gap")
        worst = scen.idxmax()
        description = (f"Bars for each financial year, the baseline beside the scenario. Under the scenario the gap is "
                       f"largest in {worst} ({money(scen[worst])}, against {money(base[worst])} in the baseline); "
                       f"over the period it totals {money(scen.sum())} against {money(base.sum())}.")
        return svg(charts.budget_gap_chart(self._chart_table(), width=560, height=240), description,
                   self._by_year("budget_gap", "Budget gap by financial year (positive is a shortfall)"))

    def reserves_chart(self) -> Any:
        """Reserves at year end, baseline and scenario, against the minimum, as a figure with its data."""
        from planlib import charts

        base, scen = self._series("reserves_closing")
        minimum = self._series("minimum_reserves")[1].max()
        below = [str(y) for y, v in scen.items() if v < minimum]
        description = (f"Lines for the baseline and the scenario, with the minimum the plan keeps ({money(minimum)}) "
                       f"dashed. Under the scenario reserves end the period at {money(scen.iloc[-1])}, against "
                       f"{money(base.iloc[-1])} in the baseline; "
                       + (f"they fall below the minimum in {', '.join(below)}." if below else "they stay above the minimum."))
        return svg(charts.reserves_chart(self._chart_table(), width=560, height=240), description,
                   self._by_year("reserves_closing", "Reserves at year end"))

    def net_benefit_table(self) -> Any:
        """The net benefit in two groups: the valued commitments with the financial and economic cases,
        then the others with their cost and what each would need to achieve (never a sum of both)."""
        from planlib.present.appraisal import cases_html
        from planlib.present.labels import commitment_titles

        return _display(cases_html(self.cases, commitment_titles(self.result.plan), css_class="planlib"))

    def net_benefit_chart(self) -> Any:
        """The NPV interval of every commitment whose benefits are valued, as a figure with its figures as a table."""
        from planlib import charts
        from planlib.present.labels import commitment_titles

        cases, titles = self.cases, commitment_titles(self.result.plan)
        valued = cases.valued
        n_valued, n_other = cases.counts
        if not n_valued:
            return _display(f"<p>None of the {n_other} commitments has benefits valued in money, so no net present "
                            "value is drawn; the table below gives each one's cost and what it would need to "
                            "achieve.</p>")
        description = (f"For each of the {n_valued} commitments whose benefits are valued, a point at its median net "
                       f"present value and a line from the 5th to the 95th percentile; {int((valued['npv_p50'] > 0).sum())} "
                       f"have a median above zero. The {n_other} commitments whose benefits are not valued are not "
                       "drawn. The table below the chart gives every figure.")
        rows = [[titles.get(r["commitment"], r["commitment"]), money(r["npv_p5"]), money(r["npv_p50"]),
                 money(r["npv_p95"])] for r in valued.to_dict("records")]
        return svg(charts.npv_interval_chart(cases.table, titles=titles, width=420), description,
                   data_table(["Commitment", "NPV p5", "NPV p50", "NPV p95"], rows,
                              "Net present value of each commitment whose benefits are valued"))

    def statutory_coverage(self) -> Any:
        """Which of the Commissioner's functions a commitment serves in this scenario (legal implications)."""
        from planlib.compliance import function_coverage

        coverage = function_coverage(self.result.plan)
        rows = [(r.function, r.commitments, "yes" if r.served else "NOT SERVED") for r in coverage.itertuples()]
        served = int(coverage["served"].sum())
        ref = self._referendum_years()[1]
        return _display(
            "<h2>Legal implications</h2>"
            "<p>The Commissioner must issue a Police and Crime Plan and keep it under review, and may vary it "
            "(Police Reform and Social Responsibility Act 2011, ss.5 and 7). A Band D increase above the limit "
            "the Secretary of State sets for the year needs a referendum (Local Government Finance Act 1992, "
            "Chapter 4ZA): " + (f"under this scenario one would be required in {', '.join(ref)}." if ref else
                                "under this scenario none is required.") + "</p>"
            "<h3>Statutory functions covered</h3>"
            f"<p>{served} of {len(coverage)} of the Commissioner's functions are served by a commitment in this "
            "scenario.</p>" + _table(["Function", "Commitments serving it", "Served"], rows, numeric_from=1))

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

    def equality(self) -> Any:
        """Equality implications: the duty, and the equality impact of each commitment the scenario changes."""
        plan = self.baseline
        touched = {path.split(".")[1] for path in self.scenario.changes if path.startswith("commitments.")}
        rows = [(c.title, c.equality_impact.rating.replace("_", " "), "; ".join(c.equality_impact.groups) or "none named",
                 c.equality_impact.notes) for c in plan.commitments if c.id in touched]
        ratings = [c.equality_impact.rating for c in plan.commitments]
        counts = ", ".join(f"{ratings.count(r)} {r.replace('_', ' ')}" for r in dict.fromkeys(ratings))
        text = ("<h2>Equality implications</h2><p>In exercising its functions the Commissioner must have due regard "
                "to the need to eliminate discrimination, harassment and victimisation, advance equality of "
                "opportunity and foster good relations (Equality Act 2010, s.149), and must publish equality "
                f"objectives. The plan's {count(len(ratings))} commitments are assessed as: {counts}.</p>")
        if not rows:
            return _display(text + "<p>This scenario changes no commitment: the equality impact of each is as the "
                            "plan assesses it.</p>")
        return _display(text + "<p>The commitments this scenario changes, with their assessed impact:</p>" +
                        _table(["Commitment", "Impact", "Groups", "Notes"], rows, numeric_from=4))

    def recommendations(self) -> Any:
        """What the Board is asked to note or decide."""
        gap_b, gap_s = self._series("budget_gap")
        ref = self._referendum_years()[1]
        items = [f"note that under this scenario the budget gap over the period would be {money(gap_s.sum())}, "
                 f"against {money(gap_b.sum())} in the plan as it stands;"]
        if ref:
            items.append(f"note that the Band D increase would be above the referendum limit in {', '.join(ref)}, "
                         "so that a referendum would be required;")
        items.append("note the assumptions behind these figures and their status (appendix);")
        items.append("decide whether the scenario should be taken forward into the budget and the plan.")
        return _display("<h2>Recommendations</h2><p>The Board is asked to:</p><ol class=\"recommendations\">"
                        + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ol>")

    def assumptions(self) -> Any:
        """Every number the appraisal rests on, with its source, grade and status (the appendix)."""
        from planlib.present.assumptions import assumption_table, assumptions_html

        table = assumption_table(self.result.plan)
        return _display("<h2>Appendix: assumptions and their status</h2>" + assumptions_html(
            table, "the net benefit of the commitments in this scenario", css_class="planlib"))

    def footer(self) -> Any:
        """Where the report's figures come from: plan, scenario and finance workbook checksums, seed, version, time."""
        p = self.baseline
        workbook = (f"Finance from the workbook <code>{html.escape(self._workbook_name() or '')}</code>, file checksum "
                    f"<code>sha256:{file_checksum(self.finance_xlsx)}</code>. " if self.finance_xlsx else "")
        return _display(
            '<footer class="report-footer"><p>'
            f"Plan {html.escape(p.name)} (<code>{html.escape(p.id)}</code>), version {html.escape(p.version)}, files "
            f"checksum <code>sha256:{plan_checksum(self.plan_path)}</code>. "
            f"Scenario file <code>{html.escape(Path(self.scenario_path).name)}</code> "
            f"(<code>{html.escape(self.scenario.name)}</code>), file checksum "
            f"<code>sha256:{file_checksum(self.scenario_path)}</code>. {workbook}"
            f"Seed {self.seed}; {self.samples:,} draws. planlib version {_version()}. "
            f"Ran at {self.ran_at}.</p></footer>"
        )
