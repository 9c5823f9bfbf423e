"""The plan overview board app: the plan at a glance.

Sections and objectives, the commitments (filtered by workstream, owner and section), their
resources by financial year, the KPIs that measure them and which of the Commissioner's
statutory functions (f01-f14) the commitments serve so far. ``voila_apps/plan_overview.ipynb``
shows one :class:`PlanOverview`.

Every filter a viewer moves passes through :func:`planlib.ui.safe` and
:func:`planlib.ui.validate_choice`: a value that is not one of the choices offered gets a short
message, never a traceback. Text from the plan is escaped wherever it is shown.

The pieces of page furniture that the net benefit app shares (:data:`APP_CSS`,
:func:`html_table`, :func:`status_badge`) live here too.

>>> import planlib
>>> app = PlanOverview(planlib.load_plan(planlib.DEFAULT_PLAN))
>>> app.set_filter(workstream="partnership")
>>> len(app.selected_ids()) < len(app.plan.commitments)
True
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Iterable, Sequence

import altair as alt
import ipywidgets as widgets
import pandas as pd

from planlib import charts, horizon
from planlib.finance import COMMITMENT_MEASURES, commitment_costs
from planlib.present import labels, tables
from planlib.errors import PlanError
from planlib.io import DEFAULT_PLAN
from planlib.model import Plan
from planlib.ui import cards, log_to_server, Messages, live_chart, money, safe, section, validate_choice

FILTERS = ("workstream", "owner", "section")
"""The filters of the commitments, by attribute name."""

ALL = ""
"""The value of a filter that lets every commitment through (no workstream, owner or section
of a plan is empty text, so it cannot be mistaken for one)."""

STATUS_LABELS = {
    "verified": "Verified",
    "estimate": "Estimate",
    "illustrative": "Illustrative",
    "unverified": "Unverified",
}
"""How each status of a number is written for a reader."""

APP_CSS = """
<style>
.planlib-app { color: #1f1f1f; font-size: 14px; max-width: 1320px; }
.planlib-app .widget-html-content { line-height: 1.45; }
.planlib-app h2 { color: #1b4f72; font-size: 1.3em; margin: 14px 0 4px 0;
  border-bottom: 2px solid #1b4f72; padding-bottom: 2px; }
.planlib-app h3 { font-size: 1.05em; margin: 10px 0 2px 0; }
.planlib-app .planlib-note { color: #4a4a4a; margin: 2px 0 6px 0; max-width: 95ch; }
.planlib-app p { margin: 2px 0 6px 0; }
.planlib-app table.planlib-table { border-collapse: collapse; margin: 2px 0 8px 0; }
.planlib-app table.planlib-table th { text-align: left; vertical-align: bottom; font-weight: 600;
  border-bottom: 1px solid #8c8c8c; padding: 4px 8px; }
.planlib-app table.planlib-table td { text-align: left; vertical-align: top; padding: 3px 8px;
  border-bottom: 1px solid #e3e3e3; }
.planlib-app table.planlib-table tbody tr:nth-child(even) { background: #f7f7f7; }
.planlib-app table.planlib-table .num { text-align: right; white-space: nowrap; }
.planlib-app table.planlib-table .nowrap { white-space: nowrap; }
.planlib-app table.planlib-coverage td:nth-child(2) { width: 32%; }
.planlib-app table.planlib-table ul { margin: 0; padding-left: 1.1em; }
.planlib-app .planlib-cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 4px 0 6px 0; }
.planlib-app .planlib-card { border: 1px solid #cfd8e3; border-radius: 6px; padding: 6px 12px;
  min-width: 120px; background: #fbfcfe; }
.planlib-app .planlib-figure { font-size: 1.4em; font-weight: 600; color: #1b4f72; }
.planlib-app .planlib-card-label { color: #4a4a4a; }
.planlib-app .planlib-status { display: inline-block; padding: 0 6px; border-radius: 3px;
  font-size: 0.9em; font-weight: 600; white-space: nowrap; }
.planlib-app .planlib-status-verified { background: #dcefe3; color: #1e5631; }
.planlib-app .planlib-status-estimate { background: #dfeaf6; color: #1b4f72; }
.planlib-app .planlib-status-illustrative { background: #fde7c8; color: #6b3d00; }
.planlib-app .planlib-status-unverified { background: #f8d3d1; color: #7f1a1a; }
.planlib-app .planlib-banner { background: #fff5e6; border-left: 5px solid #e69f00;
  padding: 6px 12px; margin: 4px 0 8px 0; max-width: 110ch; }
.planlib-app .planlib-filters { align-items: flex-end; gap: 6px 16px; }
.planlib-app .planlib-message { font-weight: 600; margin: 2px 0; }
</style>
"""
"""Styles of the board apps' widgets, scoped to ``.planlib-app`` (widget HTML sits outside the
notebook's rendered-HTML styles, so the template's table styles do not reach it)."""


class Html(str):
    """Markup this module built itself (escaped where it holds plan text): not escaped again."""


def status_badge(status: str) -> Html:
    """A coloured label for the status of a number (verified, estimate, illustrative, unverified).

    >>> status_badge("illustrative")
    '<span class="planlib-status planlib-status-illustrative">Illustrative</span>'
    """
    known = status if status in STATUS_LABELS else "unverified"
    label = STATUS_LABELS.get(status, str(status))
    return Html(f'<span class="planlib-status planlib-status-{known}">{html.escape(label)}</span>')


def html_table(headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: Iterable[int] = (),
               css_class: str = "planlib-table", empty: str = "Nothing to show.", nowrap: Iterable[int] = ()) -> str:
    """An HTML table; every cell is escaped unless it is :class:`Html`.

    Parameters
    ----------
    headers : sequence of str
    rows : iterable of sequences
        One sequence of cells per row, as many as ``headers``.
    numeric : iterable of int
        Positions of the columns to align right (figures).
    css_class : str
        Class of the table (several separated by spaces).
    empty : str
        Shown in a single row when there are no rows.
    nowrap : iterable of int
        Positions of the columns whose cells must not wrap (short phrases such as a year).

    Examples
    --------
    >>> print(html_table(["Name", "Cost"], [["<b>", "£1.0m"]], numeric=[1]))
    <table class="planlib-table">
    <thead><tr><th>Name</th><th class="num">Cost</th></tr></thead>
    <tbody>
    <tr><td>&lt;b&gt;</td><td class="num">£1.0m</td></tr>
    </tbody>
    </table>
    """
    numeric, nowrap = set(numeric), set(nowrap)

    def cell(tag: str, value: object, position: int) -> str:
        classes = " ".join(c for c, cols in (("num", numeric), ("nowrap", nowrap)) if position in cols)
        attr = f' class="{classes}"' if classes else ""
        text = value if isinstance(value, Html) else html.escape(str(value))
        return f"<{tag}{attr}>{text}</{tag}>"

    head = "".join(cell("th", h, i) for i, h in enumerate(headers))
    body = ["<tr>" + "".join(cell("td", v, i) for i, v in enumerate(row)) + "</tr>" for row in rows]
    if not body:
        body = [f'<tr><td colspan="{len(headers)}">{html.escape(empty)}</td></tr>']
    return "\n".join([f'<table class="{html.escape(css_class)}">', f"<thead><tr>{head}</tr></thead>",
                      "<tbody>", *body, "</tbody>", "</table>"])


def bullet_list(items: Iterable[str]) -> Html:
    """An escaped ``<ul>`` of ``items`` (empty text when there are none)."""
    items = list(items)
    if not items:
        return Html("")
    return Html("<ul>" + "".join(f"<li>{html.escape(str(i))}</li>" for i in items) + "</ul>")


def money_cell(value: float) -> str:
    """Money for a table: £1.2m, with small non-zero sums shown as "under £0.1m", not £0.0m.

    >>> money_cell(1_234_567), money_cell(30_000), money_cell(0)
    ('£1.2m', 'under £0.1m', '£0.0m')
    """
    if value is not None and not (isinstance(value, float) and math.isnan(value)) and 0 < abs(value) < 50_000:
        return "under £0.1m" if value > 0 else "under −£0.1m"
    return money(value)


def figure(value: float) -> str:
    """A count or a measure as a reader expects it: whole numbers without decimals.

    >>> figure(450.0), figure(12.5), figure(1234)
    ('450', '12.5', '1,234')
    """
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"


def owner_label(owner: str) -> str:
    """How a commitment's or KPI's owner is written (OPCC, Chief Constable, or as the plan has it)."""
    return labels.OWNER_LABELS.get(owner, owner)


def readable(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """``chart`` with type large enough to read on a laptop screen (Vega's defaults are 10-11 px)."""
    return (chart.configure_axis(labelFontSize=12, titleFontSize=12)
            .configure_legend(labelFontSize=12, titleFontSize=12, labelLimit=320)
            .configure_title(fontSize=15, subtitleFontSize=12.5, subtitleColor="#333333"))


def chart_widget(chart: alt.TopLevelMixin, css_class: str) -> alt.JupyterChart:
    """A live chart (:func:`planlib.ui.live_chart`) drawn as SVG, with a CSS class to find it by.

    SVG stays sharp at any zoom and its words are text a reader can select and a test can read.
    """
    widget = live_chart(readable(chart))
    widget.embed_options = {**charts.EMBED_OPTIONS, "renderer": "svg"}
    widget.add_class(css_class)
    return widget


def _offered(value: object, choices: Sequence[str]) -> bool:
    return isinstance(value, str) and value in choices


class PlanOverview:
    """The plan overview app: build it on a plan and show :attr:`widget`.

    Parameters
    ----------
    plan : Plan
    horizon_folder : path, optional
        The plan folder whose ``horizon.yaml`` (the horizon scanning register) to show; the
        embedded example's by default. A register that cannot be read is reported in its
        section, and the rest of the app still shows.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The whole app (everything below the header).
    workstream, owner, section : ipywidgets.Dropdown
        The filters of the commitments; :data:`ALL` lets every commitment through.
    messages : planlib.ui.Messages
        Where a rejected value or an error is reported to the viewer.

    Examples
    --------
    >>> import planlib
    >>> app = PlanOverview(planlib.load_plan(planlib.DEFAULT_PLAN))
    >>> app.set_filter(owner="no such owner")
    >>> "not one of the choices" in app.messages.value
    True
    """

    def __init__(self, plan: Plan, horizon_folder: str | os.PathLike[str] = DEFAULT_PLAN) -> None:
        log_to_server()
        self.plan = plan
        self.messages = Messages()
        objectives = {o.id: o for o in plan.objectives}
        table = tables.commitments_table(plan)
        table["section_id"] = [objectives[c.objective_id].section for c in plan.commitments]
        table["functions"] = [", ".join(c.functions) for c in plan.commitments]
        self.commitments = table
        self.costs = commitment_costs(plan, enabled_only=True)
        self.coverage = tables.function_coverage(plan)
        self._sections = sorted(plan.sections, key=lambda s: s.number)
        self.horizon, self.horizon_problem = self._ranked_horizon(horizon_folder)

        used_workstreams = set(table["workstream"])
        self.workstream = widgets.Dropdown(
            options=[("All workstreams", ALL)]
            + [(labels.WORKSTREAM_LABELS[w], w) for w in labels.WORKSTREAMS if w in used_workstreams],
            value=ALL, description="Workstream", style={"description_width": "initial"},
            layout=widgets.Layout(width="270px"),
        )
        owners = list(dict.fromkeys(table["owner"]))
        self.owner = widgets.Dropdown(
            options=[("All owners", ALL)] + [(owner_label(o), o) for o in owners],
            value=ALL, description="Owner", style={"description_width": "initial"},
            layout=widgets.Layout(width="340px"),
        )
        self.section = widgets.Dropdown(
            options=[("All sections", ALL)] + [(f"{s.number}. {s.title}", s.id) for s in self._sections],
            value=ALL, description="Section", style={"description_width": "initial"},
            layout=widgets.Layout(width="470px"),
        )
        self.show_all = widgets.Button(description="Show all", tooltip="Clear the filters",
                                       layout=widgets.Layout(width="100px"))
        self.selection = widgets.HTML()
        self.resources_chart = chart_widget(self._resources_chart(self.selected_ids()), "planlib-resources-chart")
        self.resources_table = widgets.HTML()
        self.commitments_table = widgets.HTML()
        self.commitments_table.add_class("planlib-commitments-table")
        self.kpis_table = widgets.HTML()
        self.kpis_table.add_class("planlib-kpis-table")

        self._quiet = False
        self._shown = {name: ALL for name in FILTERS}
        on_filter = safe(self.messages)(self._on_filter)
        for dropdown in (self.workstream, self.owner, self.section):
            dropdown.observe(on_filter, names="value")
        self.show_all.on_click(safe(self.messages)(self._on_show_all))
        self._show()

        filters = widgets.HBox([self.workstream, self.owner, self.section, self.show_all],
                               layout=widgets.Layout(flex_flow="row wrap"))
        filters.add_class("planlib-filters")
        self.widget = widgets.VBox([
            widgets.HTML(APP_CSS),
            section("At a glance", widgets.HTML(self._glance_html())),
            section("Sections and objectives", widgets.HTML(self._sections_html()),
                    note="The plan's sections, the police and crime objectives in each, and what their "
                         "commitments cost over the plan period."),
            section("Commitments", filters, self.messages, self.selection,
                    note="Choose a workstream, an owner or a section: the resources, the commitments and "
                         "the KPIs below show only the commitments that match."),
            section("Resources by year", self.resources_chart, self.resources_table,
                    note="Revenue cost of the commitments shown, by financial year and workstream, including "
                         "the pay of their posts. Hover over a bar to see the figures."),
            section("The commitments", self.commitments_table,
                    note="Revenue and capital cost in total over the plan period; peak officers is the most "
                         "police officers (full-time equivalent) a commitment needs in any one year."),
            section("Key performance indicators", self.kpis_table,
                    note="How the Chief Constable's performance, and partners' contribution, is measured. "
                         "The status says whether a baseline or target is verified or illustrative."),
            section("Statutory functions covered so far", self._coverage_chart(), widgets.HTML(self._coverage_html()),
                    note="Which commitments serve each of the Commissioner's functions (f01 to f14). "
                         "This is the plan's coverage so far, not the full statutory compliance check."),
            section("Horizon scanning", *self._horizon_parts(),
                    note="Threats, issues, opportunities and events that may matter during the plan's term, "
                         "scored for likelihood and impact (1 to 5 each). An item scoring 15 or more that no "
                         "commitment in the plan answers is a gap. The scores are judgements: see each "
                         "item's status."),
        ])
        self.widget.add_class("planlib-app")

    # ------------------------------------------------------------------ filtering

    def choices(self) -> dict[str, list[str]]:
        """The values each filter accepts (:data:`ALL` included)."""
        return {name: [value for _, value in getattr(self, name).options] for name in FILTERS}

    def selected_ids(self) -> list[str]:
        """Ids of the commitments that pass the filters, in the plan's order."""
        table = self.commitments
        keep = pd.Series(True, index=table.index)
        if self.workstream.value != ALL:
            keep &= table["workstream"] == self.workstream.value
        if self.owner.value != ALL:
            keep &= table["owner"] == self.owner.value
        if self.section.value != ALL:
            keep &= table["section_id"] == self.section.value
        return list(table.loc[keep, "commitment_id"])

    def set_filter(self, workstream: object = None, owner: object = None, section: object = None) -> None:
        """Set the filters as a viewer would (None leaves one as it is); a bad value gets a message."""
        apply = safe(self.messages)(self._set_filter)
        apply(workstream=workstream, owner=owner, section=section)

    def _set_filter(self, workstream: object, owner: object, section: object) -> None:
        choices = self.choices()
        wanted = {"workstream": workstream, "owner": owner, "section": section}
        checked = {name: validate_choice(value, choices[name], f"The {name}")
                   for name, value in wanted.items() if value is not None}
        for name, value in checked.items():
            getattr(self, name).value = value

    def _set_quietly(self, values: dict[str, str]) -> None:
        """Set filters without redrawing after each one (the caller redraws, or nothing changed)."""
        self._quiet = True
        try:
            for name, value in values.items():
                getattr(self, name).value = value
        finally:
            self._quiet = False

    def _on_filter(self, change: dict) -> None:
        if self._quiet:
            return
        choices = self.choices()
        refused = {name: getattr(self, name).value for name in FILTERS
                   if not _offered(getattr(self, name).value, choices[name])}
        if refused:
            # Put the filter back to what the page shows, then say why the value was refused.
            self._set_quietly({name: self._shown[name] for name in refused})
            name, value = next(iter(refused.items()))
            validate_choice(value, choices[name], f"The {name}")
        self._redraw_or_undo()

    def _on_show_all(self, _button: object) -> None:
        self._set_quietly({name: ALL for name in FILTERS})
        self._redraw_or_undo()

    def _redraw_or_undo(self) -> None:
        """Redraw for the filters as they are; if that fails, put the filters back as the page shows them."""
        try:
            self._show()
        except Exception:
            self._set_quietly(dict(self._shown))
            raise
        self.messages.clear()

    def describe_selection(self) -> str:
        """The filters in words, e.g. "Workstream: Partnership; owner: OPCC"; "All commitments" if none."""
        parts = []
        for name, dropdown in (("Workstream", self.workstream), ("Owner", self.owner), ("Section", self.section)):
            if dropdown.value != ALL:
                parts.append(f"{name}: {dropdown.label}")
        return "; ".join(parts) if parts else "All commitments"

    # ------------------------------------------------------------------ drawing

    def _show(self) -> None:
        """Redraw everything that follows the filters; nothing changes on the page if a part fails."""
        ids = self.selected_ids()
        n, total = len(ids), len(self.commitments)
        if n == 0:
            text = (f"No commitment matches these filters ({self.describe_selection()}). "
                    "Choose “Show all” to start again.")
        elif n == total:
            text = f"Showing all {total} commitments."
        else:
            text = f"Showing {n} of {total} commitments ({self.describe_selection()})."
        chart = readable(self._resources_chart(ids))
        parts = self._resources_html(ids), self._commitments_html(ids), self._kpis_html(ids)
        self.resources_chart.chart = chart
        self.resources_table.value, self.commitments_table.value, self.kpis_table.value = parts
        # Last, so that a page showing the new count already shows everything else it counts.
        self.selection.value = f'<p class="planlib-selection"><strong>{html.escape(text)}</strong></p>'
        self._shown = {name: getattr(self, name).value for name in FILTERS}

    def _resources_chart(self, ids: list[str]) -> alt.Chart:
        n, total = len(ids), len(self.commitments)
        subtitle = ("All commitments in the plan" if n == total
                    else f"{self.describe_selection()}: {n} of {total} commitments")
        return charts.resources_chart(self.plan, ids, subtitle=subtitle, width=560, height=260)

    def _resources_html(self, ids: list[str]) -> str:
        costs = self.costs[self.costs["commitment_id"].isin(ids)]
        by_year = costs.pivot_table(index="measure", columns="year", values="value", aggfunc="sum")
        years = [str(y) for y in self.plan.years]
        by_year = by_year.reindex(index=list(COMMITMENT_MEASURES), columns=years).fillna(0.0)
        rows = []
        for measure, label in (("revenue_gbp", "Revenue cost"), ("pay_gbp", "of which pay of posts"),
                               ("non_pay_gbp", "of which other costs"), ("capital_gbp", "Capital"),
                               ("officer_fte", "Police officers (FTE)"), ("staff_fte", "Police staff (FTE)")):
            values = by_year.loc[measure]
            if measure.endswith("_gbp"):
                cells = [money_cell(v) for v in values] + [money_cell(values.sum())]
            else:
                cells = [figure(v) for v in values] + ["–"]
            rows.append([label, *cells])
        return html_table(["", *years, "Total"], rows, numeric=range(1, len(years) + 2))

    def _commitments_html(self, ids: list[str]) -> str:
        table = self.commitments.set_index("commitment_id").loc[ids]
        rows = [
            [
                row.commitment, row.section_number, labels.WORKSTREAM_LABELS.get(row.workstream, row.workstream),
                owner_label(row.owner), labels.COMMISSIONING_LABELS.get(row.commissioning, row.commissioning),
                "Yes" if row.mandatory else "No", "Yes" if row.enabled else "No",
                money_cell(row.revenue_gbp), money_cell(row.capital_gbp), figure(row.peak_officer_fte),
                row.functions or "–",
            ]
            for row in table.itertuples()
        ]
        headers = ["Commitment", "Section", "Workstream", "Owner", "Commissioning", "Statutory duty", "In plan",
                   "Revenue", "Capital", "Peak officers", "Functions"]
        return html_table(headers, rows, numeric=[1, 7, 8, 9], empty="No commitment matches these filters.")

    def _kpis_html(self, ids: list[str]) -> str:
        everything = len(ids) == len(self.commitments)
        chosen = set(ids)
        linked: dict[str, list[str]] = {k.id: [] for k in self.plan.kpis}
        for c in self.plan.commitments:
            for kpi_id in c.kpis:
                linked.setdefault(kpi_id, []).append(c.id)
        kpis = [k for k in self.plan.kpis if everything or chosen & set(linked.get(k.id, []))]
        rows = [
            [
                k.title, k.unit,
                f"{figure(k.baseline.value)} ({k.baseline.period})",
                f"{figure(k.target.value)} by {k.target.by}",
                "Higher is better" if k.direction == "up" else "Lower is better",
                k.frequency.capitalize(), owner_label(k.owner), status_badge(k.status),
            ]
            for k in kpis
        ]
        if everything:
            note = f"All {len(self.plan.kpis)} KPIs of the plan."
        else:
            note = f"{len(kpis)} of {len(self.plan.kpis)} KPIs: those that measure the commitments shown."
        headers = ["KPI", "Unit", "Baseline", "Target", "Direction", "Reported", "Owner", "Status"]
        return f"<p>{html.escape(note)}</p>" + html_table(
            headers, rows, empty="None of the commitments shown has a KPI.", nowrap=[2, 3, 4])

    def _glance_html(self) -> str:
        plan = self.plan
        enabled = self.commitments[self.commitments["enabled"]]
        served = int(self.coverage["served"].sum())
        return cards([
            (figure(len(plan.sections)), "sections"),
            (figure(len(plan.objectives)), "objectives"),
            (figure(len(enabled)), "commitments in the plan"),
            (money(enabled["revenue_gbp"].sum()), f"revenue cost, {plan.period.first} to {plan.period.last}"),
            (figure(len(plan.kpis)), "KPIs"),
            (f"{served} of {len(self.coverage)}", "statutory functions served"),
        ])

    def _sections_html(self) -> str:
        objectives = tables.objectives_table(self.plan)
        table = self.commitments
        rows = []
        for s in self._sections:
            in_section = table[(table["section_id"] == s.id) & table["enabled"]]
            titles = objectives.loc[objectives["section_number"] == s.number, "objective"]
            rows.append([s.number, s.title, bullet_list(titles), len(in_section),
                         money_cell(in_section["revenue_gbp"].sum())])
        return html_table(["Section", "Title", "Objectives", "Commitments", "Revenue cost"], rows, numeric=[0, 3, 4])

    def _coverage_chart(self) -> alt.JupyterChart:
        return chart_widget(charts.function_coverage_chart(self.coverage), "planlib-coverage-chart")

    def _coverage_html(self) -> str:
        rows = [
            [row.function_id, row.function, bullet_list(row.commitment_titles) or "–",
             Html('<span class="planlib-status planlib-status-verified">Served</span>') if row.served
             else Html('<span class="planlib-status planlib-status-unverified">Not yet served</span>')]
            for row in self.coverage.itertuples()
        ]
        return html_table(["Id", "Function", "Commitments serving it", "Coverage"], rows,
                          css_class="planlib-table planlib-coverage")

    # ------------------------------------------------------------------ horizon scanning

    def _ranked_horizon(self, folder: str | os.PathLike[str]) -> tuple[pd.DataFrame | None, str]:
        """The register ranked against this plan, or None and the reason it cannot be shown."""
        try:
            return horizon.rank(horizon.load_horizon(folder, self.plan), self.plan), ""
        except PlanError as exc:
            return None, "; ".join(str(p) for p in exc.problems[:5])

    def _horizon_parts(self) -> list[widgets.Widget]:
        if self.horizon is None:
            return [widgets.HTML(f'<p class="planlib-banner">The horizon scanning register could not be read: '
                                 f"{html.escape(self.horizon_problem)}</p>")]
        table = widgets.HTML(self._horizon_html())
        table.add_class("planlib-horizon-table")
        return [chart_widget(charts.risk_matrix_chart(self.horizon), "planlib-horizon-chart"), table]

    def _horizon_html(self) -> str:
        titles = {c.id: c.title for c in self.plan.commitments}
        rows = []
        for rank, r in enumerate(self.horizon.to_dict("records"), start=1):
            answered = bullet_list(titles[c] for c in r["answered_by"]) or "–"
            flag = (Html('<span class="planlib-status planlib-status-unverified">Gap</span>') if r["gap"]
                    else Html('<span class="planlib-status planlib-status-verified">Answered</span>') if r["answered_by"]
                    else "Not answered")
            rows.append([rank, r["title"], r["kind"].capitalize(), horizon.ORIGIN_LABELS.get(r["origin"], r["origin"]),
                         r["likelihood"], r["impact"], r["score"], r["trend"].capitalize(), figure(r["horizon_years"]),
                         owner_label(r["owner"]), answered, flag, status_badge(r["status"])])
        headers = ["Rank", "Item", "Kind", "Found by", "Likelihood", "Impact", "Score", "Trend", "Years ahead",
                   "Owner", "Commitments answering it", "Coverage", "Status"]
        gaps = int(self.horizon["gap"].sum())
        summary = (f"{len(self.horizon)} items; {gaps} gap{'s' if gaps != 1 else ''}: "
                   + (", ".join(self.horizon.loc[self.horizon["gap"], "title"]) if gaps else "every item scoring 15 or more is answered") + ".")
        return f"<p>{html.escape(summary)}</p>" + html_table(headers, rows, numeric=[0, 4, 5, 6, 8])
