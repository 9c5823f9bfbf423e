"""The published plan's statutory sections and annexes: :class:`StatutorySections`.

:class:`planlib.reports.plan_document.PlanDocument` inherits these methods; each returns an
IPython HTML object for one section of the document: the resources provided to the Chief
Constable (the medium-term financial plan and the precept, s.7(1)(c)), how the Chief Constable
reports (s.7(1)(d)) and is measured (s.7(1)(e)), the crime and disorder reduction grants and
their conditions (s.7(1)(f)), the Commissioner's other functions (f01-f14), the equality
objectives, how the plan was made and the index that maps every statutory requirement to the
section that meets it (from :func:`planlib.compliance.check`).

>>> from planlib.io.paths import DEFAULT_PLAN
>>> from planlib.reports.plan_document import PlanDocument
>>> doc = PlanDocument.load(DEFAULT_PLAN, samples=200)
>>> "statutory-c" in doc.resources().data and "Index of statutory requirements" in doc.index().data
True
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from planlib.formats import money, pounds
from planlib.present.html import Html, bullet_list, compliance_badge
from planlib.present.labels import owner_label
from planlib.present.plan_document import (
    EQUALITY_LABELS,
    OTHER_SECTIONS,
    STATUTORY_ANCHORS,
    STATUTORY_HEADINGS,
    kpi_row,
    link,
    long_date,
    section_heading,
    statutory_title,
    table,
)

_ACT = "Police Reform and Social Responsibility Act 2011, s.7(1)"

_FREQUENCY_WORDS = {"monthly": "every month", "every_two_months": "every two months", "quarterly": "every quarter",
                    "every_six_months": "every six months", "annual": "every year"}


def _display(markup: str) -> Any:
    from IPython.display import HTML

    return HTML(markup)


def _heading(key: str) -> str:
    return section_heading(STATUTORY_ANCHORS[key], STATUTORY_HEADINGS[key], kicker=f"{_ACT}({key[-1]})")


class StatutorySections:
    """The sections of the published plan that the statute names, and its annexes."""

    plan: Any
    compliance: Any
    commitments: Any

    def commitment_link(self, commitment: Any) -> Any:  # pragma: no cover - PlanDocument's
        raise NotImplementedError

    def commitment_costs(self) -> dict[str, Any]:  # pragma: no cover - PlanDocument's
        raise NotImplementedError

    def resources(self) -> Any:
        """s.7(1)(c): the medium-term financial plan, the precept and the commitments' resources."""
        from planlib.finance import mtfp
        from planlib.precept import schedule
        from planlib.present.finance import HEADLINE, finance_warnings, format_headline

        p = self.plan
        wide = mtfp(p).pivot_table(index="measure", columns="year", values="value", sort=False)
        years = [str(y) for y in p.years]
        rows = [(label, *[format_headline(m, wide.at[m, y]) for y in years]) for m, label in HEADLINE if m in wide.index]
        warnings = "".join(f'<p class="warning">{html.escape(w)}.</p>' for w in finance_warnings(wide))
        precept = schedule(p)
        precept_rows = [
            ("Band D council tax", *[pounds(float(y.band_d)) for y in precept]),
            ("Increase on Band D", *[pounds(float(y.band_d_increase)) for y in precept]),
            ("Referendum limit", *[pounds(float(y.referendum_limit)) for y in precept]),
            ("Tax base (Band D equivalents)", *[f"{y.tax_base:,.0f}" for y in precept]),
            ("Council tax requirement", *[money(float(y.council_tax_requirement)) for y in precept]),
            ("Total precept", *[money(float(y.total_precept)) for y in precept]),
        ]
        costs = self.commitment_costs()
        totals = [("Revenue", "revenue_gbp", money), ("Capital", "capital_gbp", money),
                  ("Officers (FTE)", "officer_fte", lambda v: f"{v:,.0f}"), ("Staff (FTE)", "staff_fte", lambda v: f"{v:,.0f}")]
        commitment_rows = [(label, *[write(sum(float(t.at[y, m]) for t in costs.values())) for y in years])
                           for label, m, write in totals]
        numeric = range(1, len(years) + 1)
        return _display("\n".join([
            _heading("s7c"),
            ("<p>The Commissioner provides the Chief Constable with the resources of the medium-term financial plan "
            "below: the police grant and other grants, the precept on council tax and the planned use of reserves, "
            "against the cost of the force and of the plan's commitments.</p>"),
            "<h3>The medium-term financial plan</h3>",
            table(["Measure", *years], rows, numeric=numeric, caption="Medium-term financial plan"), warnings,
            "<h3>The police precept</h3>",
            table(["Measure", *years], precept_rows, numeric=numeric, caption="The precept by year"),
            "<h3>The resources of the plan's commitments</h3>",
            table(["Measure", *years], commitment_rows, numeric=numeric, caption="All commitments' resources by year"),
        ]))

    def reporting(self) -> Any:
        """s.7(1)(d): how the Chief Constable reports to the Commissioner, and when."""
        from planlib.performance import report_dates

        r = self.plan.reporting
        parts = [_heading("s7d")]
        if r is None:
            parts.append("<p>The plan does not yet say how the Chief Constable reports to the Commissioner.</p>")
            return _display("\n".join(parts))
        last_day = dt.date(self.plan.period.last.start + 1, 3, 31)
        dates = report_dates(r, last_day)
        parts.append(f"<p>The Chief Constable reports to the Commissioner at the {html.escape(r.forum)}, "
                     f"{_FREQUENCY_WORDS.get(r.frequency, r.frequency)}, from {long_date(r.first_report)}: "
                     f"{len(dates)} reports over the plan.</p>")
        if r.description:
            parts.append(f"<p>{html.escape(r.description)}</p>")
        return _display("\n".join(parts))

    def performance(self) -> Any:
        """s.7(1)(e): every indicator by which the Chief Constable's performance is measured."""
        measured_by: dict[str, list[str]] = {}
        for c in self.commitments:
            for k in c.kpis:
                measured_by.setdefault(k, []).append(c.title)
        rows = []
        for k in self.plan.kpis:
            title, baseline, target, frequency = kpi_row(k)
            national = f" (national measure: {k.national_measure.replace('_', ' ')})" if k.national_measure else ""
            rows.append((title + national, baseline, target, f"{frequency}; {owner_label(k.owner)}"))
        return _display("\n".join([
            _heading("s7e"),
            ("<p>The Chief Constable's performance in providing policing is measured by these indicators, each "
            "from its baseline to its target; the Commissioner reviews them at every report.</p>"),
            table(["Indicator", "Baseline", "Target", "Reported; owner"], rows, caption="Performance indicators",
                  empty="The plan sets no indicators yet."),
        ]))

    def grants(self) -> Any:
        """s.7(1)(f): each crime and disorder reduction grant, its amounts by year and its conditions."""
        p = self.plan
        parts = [_heading("s7f")]
        if not p.grants:
            text = p.grants_statement.text if p.grants_statement else "The Commissioner makes no crime and disorder reduction grants under this plan."
            parts.append(f"<p>{html.escape(text)}</p>")
        titles = {c.id: c for c in self.commitments}
        for g in p.grants:
            parts.append(f"<h3>{html.escape(g.recipient)}</h3><p>{html.escape(g.purpose)}</p>")
            if g.commitment_id in titles:
                parts.append(f"<p>It delivers: {self.commitment_link(titles[g.commitment_id])}.</p>")
            amounts = [(str(y), money(v)) for y, v in sorted(g.amounts.items())]
            parts.append(table(["Year", "Amount"], amounts, numeric=[1], caption=f"Grant to {g.recipient}"))
            parts.append("<p><strong>Conditions:</strong></p>" + (bullet_list(g.conditions) or "<p>None.</p>"))
        return _display("\n".join(parts))

    def functions(self) -> Any:
        """The Commissioner's other functions (seed 000 para 4): the commitments that serve each."""
        from planlib.compliance import function_coverage

        coverage = function_coverage(self.plan)
        status = {r.id: r.status for r in self.compliance}
        by_id = {c.id: c for c in self.commitments}
        rows = []
        for row in coverage.itertuples():
            links = [self.commitment_link(by_id[cid]) for cid in row.commitment_ids if cid in by_id]
            rows.append((Html(f'<span id="function-{html.escape(row.function_id)}">{html.escape(row.function)}</span>'),
                         Html("<br>".join(links)) if links else "None in the plan", compliance_badge(status.get(row.function_id, "unmet"))))
        return _display("\n".join([
            section_heading("functions", OTHER_SECTIONS["functions"]),
            ("<p>Beside its objectives, the plan sets out how the Commissioner will carry out the office's statutory "
            "and other functions:</p>"),
            table(["Function", "Commitments that serve it", "Status"], rows, caption="The Commissioner's functions",
                  nowrap=[2], css_class="long-rows"),
        ]))

    def equality(self) -> Any:
        """The equality objectives: the commitments that serve equality and safeguarding, and every commitment's impact."""
        e01 = next((r for r in self.compliance if r.id == "e01"), None)
        serving = [c for c in self.commitments if "f13" in c.functions]
        objectives = [Html(f"{self.commitment_link(c)}" + (f": {html.escape(c.description)}" if c.description else ""))
                      for c in serving]
        impacts = [(self.commitment_link(c), EQUALITY_LABELS.get(c.equality_impact.rating, c.equality_impact.rating),
                    ", ".join(c.equality_impact.groups) or "–") for c in self.commitments]
        parts = [section_heading("equality", OTHER_SECTIONS["equality"]),
                 ("<p>Under the Equality Act 2010 the Commissioner sets equality objectives at least every four years "
                 "and reports progress against them every year. The plan's equality objectives are carried by these "
                 "commitments:</p>"), bullet_list(objectives) or "<p>No commitment yet serves equality and safeguarding.</p>"]
        if e01 is not None and e01.note:
            parts.append(f"<p>{html.escape(e01.note)}</p>")
        parts += ["<h3>The expected effect of each commitment</h3>",
                  table(["Commitment", "Equality impact", "Groups"], impacts, caption="Equality impact by commitment",
                        nowrap=[1])]
        return _display("\n".join(parts))

    def making(self) -> Any:
        """How the plan was made: the dated steps of its timeline."""
        events = sorted(self.plan.timeline, key=lambda e: (e.start, e.title))
        rows = [(long_date(e.start) + (f" to {long_date(e.end)}" if e.end else ""), e.title) for e in events]
        return _display("\n".join([
            section_heading("making", OTHER_SECTIONS["making"]),
            table(["When", "Step"], rows, caption="The steps in making the plan", empty="The plan lists no steps."),
        ]))

    def index(self) -> Any:
        """Every statutory requirement, the section of this document that meets it, and its status."""
        rows = []
        for r in self.compliance:
            if r.kind == "plan_content":
                where = link(STATUTORY_ANCHORS[r.id], statutory_title(r.id))
            elif r.kind == "function":
                where = link(f"function-{r.id}", OTHER_SECTIONS["functions"])
            elif r.kind == "equality":
                where = link("equality", OTHER_SECTIONS["equality"])
            else:
                where = link("making", OTHER_SECTIONS["making"])
            missing = f" Missing: {'; '.join(r.missing)}." if r.missing else ""
            rows.append((f"{r.requirement} ({r.basis}).{missing}", where, compliance_badge(r.status)))
        met = sum(r.status == "met" for r in self.compliance)
        return _display("\n".join([
            section_heading("index", OTHER_SECTIONS["index"]),
            f"<p>{met} of the {len(self.compliance)} requirements are met (planlib check).</p>",
            table(["Requirement", "Where this plan meets it", "Status"], rows, caption="Statutory requirements",
                  nowrap=[2]),
        ]))
