"""The compliance and performance board app: is the plan lawful, and is it working?

Three parts: the statutory checklist (every requirement, met, partial or unmet, with its
evidence and what is missing), the KPIs with their RAG status against the trajectory (a KPI
picked from a list shows its trajectory and, where there are figures, its breakdown by local
authority) with how the Chief Constable reports, and the plan-making timeline as a Gantt chart.
``voila_apps/compliance_and_performance.ipynb`` shows one :class:`ComplianceApp`.

The one control a viewer moves, the KPI list, passes through :func:`planlib.ui.safe` and
:func:`planlib.ui.validate_choice`: a value that is not offered gets a short message, never a
traceback. Text from the plan is escaped wherever it is shown.

>>> import planlib
>>> app = ComplianceApp(planlib.load_plan(planlib.DEFAULT_PLAN))
>>> app.show_kpi(performance.kpis_with_local_figures(app.plan)[0])
>>> app.plan.local_authorities[0].name in app.breakdown.value
True
>>> app.show_kpi("kpi_nothing")
>>> "not one of the choices" in app.messages.value
True
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import ipywidgets as widgets
import pandas as pd

from planlib import charts, compliance, performance, timeline
from planlib.model import Plan
from planlib.formats import count, share, signed_percent
from planlib.present.html import (APP_CSS, Html, banner, cards, compliance_badge, escape, heading, html_table, lines,
                                  note, paragraph, rag_badge, status_badge)
from planlib.present.labels import owner_label
from planlib.present.html import COMPLIANCE_LABELS, STATUS_LABELS
from planlib.present.labels import RAG_LABELS
from planlib.ui import Messages, log_to_server, safe, section, validate_choice
from planlib.ui.kit import chart_block, download_link

KINDS = {"plan_content": "What the plan must contain (PRSRA 2011 s.7(1))",
         "function": "The Commissioner's functions the plan covers",
         "process": "How the plan is made",
         "equality": "The equality duty"}


NO_ACTUALS = "<p>No KPI has a figure after its baseline year yet (kpi_actuals.csv): there is no trajectory to show.</p>"
NO_TIMELINE = "<p>The plan has no dated steps (timeline.yaml): there is no timeline to draw.</p>"

EVIDENCE_SHOWN = 10
"""Evidence items listed per requirement before the rest are counted ("and 18 more")."""


def evidence_text(items: tuple[str, ...] | list[str], titles: dict[str, str] | None = None) -> str:
    """The evidence of a requirement on one line, by title where it has one, long lists shortened.

    >>> evidence_text(["a", "b"], {"a": "Alpha"}), evidence_text([f"c{i}" for i in range(12)])[-13:]
    ('Alpha; b', 'c9 and 2 more')
    """
    if not items:
        return "–"
    named = [(titles or {}).get(i, i) for i in items]
    shown = "; ".join(named[:EVIDENCE_SHOWN])
    return shown if len(named) <= EVIDENCE_SHOWN else f"{shown} and {len(named) - EVIDENCE_SHOWN} more"


def evidence_titles(plan: Plan) -> dict[str, str]:
    """The title of everything a requirement's evidence may name: objectives, commitments, KPIs,
    grants, dated steps and evidence records, by id."""
    titles = {o.id: o.title for o in plan.objectives}
    titles.update({c.id: c.title for c in plan.commitments})
    titles.update({k.id: k.title for k in plan.kpis})
    titles.update({g.id: f"Grant to {g.recipient}" for g in plan.grants})
    titles.update({e.id: e.title for e in plan.timeline})
    titles.update({e.id: e.title for e in plan.evidence})
    return titles


class ComplianceApp:
    """The compliance and performance app: build it on a plan and show :attr:`widget`.

    Parameters
    ----------
    plan : Plan
    today : datetime.date, optional
        The date from which the next report of the Chief Constable is counted (default: today).

    Attributes
    ----------
    widget : ipywidgets.VBox
    kpi : ipywidgets.Dropdown
        The KPI whose trajectory (and local-authority breakdown) is shown.
    messages : planlib.ui.Messages
    """

    def __init__(self, plan: Plan, today: dt.date | None = None) -> None:
        log_to_server()
        self.plan = plan
        self.today = today or dt.date.today()
        self.results = compliance.check(plan)
        self.latest = performance.latest_rag(plan)
        self.messages = Messages()
        with_actuals = set(self.latest.loc[self.latest["rag"] != "no data", "kpi_id"])
        self.kpi = widgets.Dropdown(
            options=[(k.title, k.id) for k in plan.kpis if k.id in with_actuals],
            description="KPI", style={"description_width": "initial"}, layout=widgets.Layout(width="640px"),
        )
        self._shown_kpi = self.kpi.value
        self.breakdown = widgets.HTML()
        self.breakdown.add_class("planlib-breakdown")
        if self.kpi.options:
            kpi_id = self.kpi.value
            self.trajectory_block = chart_block(
                self._trajectory_chart(kpi_id), description=self._trajectory_words(kpi_id),
                table=self._trajectory_frame(kpi_id), title="The KPI's trajectory and actuals",
                csv_name="kpi_trajectory", css_class="planlib-trajectory-chart", level=0)
            self.trajectory = self.trajectory_block.chart
            self.breakdown.value = self._breakdown_html(kpi_id)
        else:  # no KPI has a figure after its baseline year: nothing to draw, and nothing to choose
            self.kpi.disabled = True
            self.trajectory = self.trajectory_block = widgets.HTML(NO_ACTUALS)
        self.kpi.observe(safe(self.messages)(self._on_kpi), names="value")

        checklist = widgets.HTML(self._checklist_html())
        checklist.add_class("planlib-checklist")
        rag_table = widgets.HTML(self._rag_html())
        rag_table.add_class("planlib-rag-table")
        self.widget = widgets.VBox([
            widgets.HTML(APP_CSS),
            section("At a glance", widgets.HTML(self._glance_html())),
            section("Statutory requirements", checklist,
                    note="Every requirement of the Police Reform and Social Responsibility Act 2011 and the "
                         "Equality Act 2010 duties that the plan must meet, checked against the plan's content: "
                         "the evidence is the objectives, commitments, KPIs, grants and dated steps that meet it."),
            section("How the Chief Constable reports", widgets.HTML(self._reporting_html())),
            section("Performance against the plan's KPIs", rag_table,
                    note=f"The latest force-wide figure of each KPI against its trajectory from baseline to target. "
                         f"Green: on the trajectory or better; amber: behind by no more than "
                         f"{share(performance.AMBER_SHARE, 0)} of the whole planned change; red: further behind."),
            section("One KPI over time", self.kpi, self.messages, self.trajectory_block, self.breakdown,
                    note="Choose a KPI to see its trajectory and actuals and, where there are figures, "
                         "each local authority's."),
            section("How the plan was made",
                    self._gantt_block() if plan.timeline else widgets.HTML(NO_TIMELINE),
                    widgets.HTML(self._timeline_html()),
                    note="The plan-making process, from the election to the first annual report. Statutory "
                         "steps are marked in vermilion with the requirement they meet."),
        ])
        self.widget.add_class("planlib-app")

    # ------------------------------------------------------------------ the KPI picker

    def kpi_choices(self) -> list[str]:
        """The KPI ids the list offers (those with actuals after their baseline year)."""
        return [value for _, value in self.kpi.options]

    def show_kpi(self, kpi_id: object) -> None:
        """Pick a KPI as a viewer would; a value the list does not offer gets a message."""
        safe(self.messages)(self._show_kpi)(kpi_id)

    def _show_kpi(self, kpi_id: object) -> None:
        self.kpi.value = validate_choice(kpi_id, self.kpi_choices(), "The KPI")

    def _on_kpi(self, change: dict) -> None:
        value = change["new"]
        if value not in self.kpi_choices():
            self.kpi.value = self._shown_kpi
            validate_choice(value, self.kpi_choices(), "The KPI")
        # Both parts are built before either is shown: a failure leaves the page as it was.
        chart, breakdown = self._trajectory_chart(value), self._breakdown_html(value)
        words, figures = self._trajectory_words(value), self._trajectory_frame(value)
        self.trajectory_block.update(chart=chart, description=words, table=figures)
        self.breakdown.value = breakdown
        self._shown_kpi = value
        self.messages.clear()

    # ------------------------------------------------------------------ drawing

    def _trajectory_chart(self, kpi_id: str) -> alt.TopLevelMixin:
        kpi = next(k for k in self.plan.kpis if k.id == kpi_id)
        return charts.trajectory_chart(performance.trajectory_table(self.plan, kpi_id), kpi.title,
                                       kpi.unit, width=560, height=240)

    def _trajectory_frame(self, kpi_id: str) -> pd.DataFrame:
        """The trajectory chart's figures: each year's expected value, actual and RAG status in words."""
        kpi = next(k for k in self.plan.kpis if k.id == kpi_id)
        table = performance.trajectory_table(self.plan, kpi_id)
        expected = table[table["series"] == "Trajectory"].set_index("year")["value"]
        actual = table[table["series"] == "Actual"].set_index("year")
        years = sorted(set(expected.index) | set(actual.index))
        return pd.DataFrame({
            "Financial year": years,
            f"Expected ({kpi.unit})": [expected.get(y) for y in years],
            f"Actual ({kpi.unit})": [actual["value"].get(y) for y in years],
            "Status": [RAG_LABELS.get(actual["rag"].get(y), "–") if y in actual.index else "–" for y in years],
        })

    def _trajectory_words(self, kpi_id: str) -> str:
        """The trajectory chart in a sentence: the latest actual against the trajectory, and the target."""
        kpi = next(k for k in self.plan.kpis if k.id == kpi_id)
        figures = self._trajectory_frame(kpi_id)
        actuals = figures.dropna(subset=[f"Actual ({kpi.unit})"])
        target = f"The target is {count(kpi.target.value)} {kpi.unit} by {kpi.target.by}."
        if actuals.empty:
            return f"{kpi.title}: no figure yet. {target}"
        last = actuals.iloc[-1]
        expected = last[f"Expected ({kpi.unit})"]
        against = f" against {count(expected)} expected on the trajectory" if expected == expected else ""
        return (f"{kpi.title}: {count(last[f'Actual ({kpi.unit})'])} {kpi.unit} in {last['Financial year']}"
                f"{against}, status {last['Status'].lower()}. {target}")

    def _gantt_block(self) -> widgets.Widget:
        table = timeline.timeline_table(self.plan)
        figures = pd.DataFrame({
            "Starts": [row.start.strftime("%d %b %Y") for row in table.itertuples()],
            "Ends": [row.end.strftime("%d %b %Y") if row.is_phase else "" for row in table.itertuples()],
            "Step": list(table["title"]),
            "Requirement": [r if isinstance(r, str) and r else "–" for r in table["requirement"]],
            "Date status": [STATUS_LABELS.get(s, s) for s in table["status"]]})
        first, last = table["start"].min(), table["end"].max()
        words = (f"{len(table)} steps of making the plan, from {first.day} {first:%B %Y} to {last.day} {last:%B %Y}; "
                 f"{int(table['statutory'].sum())} of them meet a statutory requirement.")
        return chart_block(charts.gantt_chart(self.plan), description=words, table=figures,
                           title="How the plan was made, step by step", csv_name="plan_making_timeline",
                           css_class="planlib-gantt-chart", level=0)

    def _breakdown_html(self, kpi_id: str) -> str:
        table = performance.local_authority_breakdown(self.plan, kpi_id)
        if table.empty:
            return "<p>No figures by local authority for this KPI.</p>"
        # One row per authority: its figure in each year, then its latest year's share, change and trend.
        years = sorted(table["year"].unique())
        rows = []
        for name, mine in table.groupby("local_authority", sort=True):
            values = dict(zip(mine["year"], mine["value"]))
            last = mine.iloc[-1]
            rows.append([name, *(count(values[y]) if y in values else "–" for y in years),
                         share(last.share_of_force, 0), signed_percent(last.change * 100), last.trend])
        latest = years[-1]
        return heading("By local authority", 3) + html_table(
            ["Local authority", *years, f"Share of force, {latest}", f"Change to {latest}", "Trend"], rows,
            numeric=range(1, len(years) + 3))

    def _glance_html(self) -> str:
        counts = {s: sum(r.status == s for r in self.results) for s in ("met", "partial", "unmet")}
        rags = self.latest["rag"].value_counts()
        return cards([
            (f"{counts['met']} of {len(self.results)}", "statutory requirements met"),
            (count(counts["partial"] + counts["unmet"]), "requirements not fully met"),
            (count(int(rags.get("green", 0))), "KPIs green"),
            (count(int(rags.get("amber", 0))), "KPIs amber"),
            (count(int(rags.get("red", 0))), "KPIs red"),
            (count(int(rags.get("no data", 0))), "KPIs with no figure yet"),
        ])

    def _checklist_html(self) -> str:
        titles = evidence_titles(self.plan)
        parts = []
        for kind, title in KINDS.items():
            rows = [[r.id, r.requirement, compliance_badge(r.status), evidence_text(r.evidence, titles), lines(r.missing),
                     r.note or "–"]
                    for r in self.results if r.kind == kind]
            if rows:
                parts.append(heading(title, 3))
                parts.append(html_table(["Id", "Requirement", "Status", "Evidence in the plan", "Missing", "Note"], rows))
        figures = pd.DataFrame([[KINDS[r.kind], r.id, r.requirement, COMPLIANCE_LABELS.get(r.status, (r.status,))[0],
                                 "; ".join(titles.get(i, i) for i in r.evidence), "; ".join(r.missing), r.note or ""]
                                for r in self.results if r.kind in KINDS],
                               columns=["Kind", "Id", "Requirement", "Status", "Evidence in the plan", "Missing", "Note"])
        parts.append(f'<p class="planlib-download-line">{download_link(figures, "statutory_requirements")}</p>')
        return "\n".join(parts)

    def _reporting_html(self) -> str:
        reporting = self.plan.reporting
        if reporting is None:
            return "<p>The plan does not say how the Chief Constable reports (s.7(1)(d)).</p>"
        due = performance.next_report_due(reporting, self.today)
        plan_ends = self.plan.period.last.last_day
        frequency = reporting.frequency.replace("_", " ")
        next_due = (f"Next report due: <strong>{due:%d %B %Y}</strong>." if due <= plan_ends else
                    f"The plan period ended on {plan_ends:%d %B %Y}: no further report is due under this plan.")
        return (paragraph(Html(f"The Chief Constable reports <strong>{escape(frequency)}</strong> to the "
                               f"<strong>{escape(reporting.forum)}</strong>, from {reporting.first_report:%d %B %Y}. "
                               f"{next_due} {status_badge(reporting.status)}"))
                + paragraph(reporting.description)
                + note(f"The statute sets no frequency; the plan chooses it. Source: {reporting.source}"))

    def _rag_html(self) -> str:
        rows = [[row.kpi, f"{count(row.baseline)} ({row.baseline_year})", f"{count(row.target)} by {row.target_year}",
                 row.year or "–", count(row.actual), count(row.expected), rag_badge(row.rag),
                 "Higher is better" if row.direction == "up" else "Lower is better", owner_label(row.owner),
                 status_badge(row.status)]
                for row in self.latest.itertuples()]
        figures = pd.DataFrame([[row.kpi, row.baseline, row.baseline_year, row.target, row.target_year, row.year or "",
                                 row.actual, row.expected, RAG_LABELS.get(row.rag, row.rag),
                                 "Higher is better" if row.direction == "up" else "Lower is better",
                                 owner_label(row.owner), STATUS_LABELS.get(row.status, row.status)]
                                for row in self.latest.itertuples()],
                               columns=["KPI", "Baseline", "Baseline year", "Target", "Target year", "Year", "Actual",
                                        "Trajectory", "RAG", "Direction", "Owner", "Figures"])
        return (html_table(["KPI", "Baseline", "Target", "Year", "Actual", "Trajectory", "RAG", "Direction",
                            "Owner", "Figures"], rows, numeric=[4, 5], nowrap=[1, 2, 3])
                + f'<p class="planlib-download-line">{download_link(figures, "kpi_performance")}</p>')

    def _timeline_html(self) -> str:
        table = timeline.timeline_table(self.plan)
        rows = [[row.start.strftime("%d %b %Y") + ("" if not row.is_phase else f" to {row.end:%d %b %Y}"),
                 row.title, row.requirement or "–", status_badge(row.status)]
                for row in table.itertuples()]
        warnings = "".join(banner(w) for w in timeline.process_warnings(self.plan))
        return warnings + html_table(["Date", "Step", "Requirement", "Date status"], rows, nowrap=[0])
