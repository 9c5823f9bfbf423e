"""The plan overview board app: the plan at a glance.

Sections and objectives, the commitments (filtered by workstream, owner and section), their
resources by financial year, the KPIs that measure them, which of the Commissioner's
statutory functions (f01-f14) the commitments serve so far, and the horizon scanning register
ranked against the plan. ``voila_apps/plan_overview.ipynb`` shows one :class:`PlanOverview`
of the plan folder's plan and register (:func:`planlib.io.plan_folder.load_folder`).

Every filter a viewer moves passes through :func:`planlib.ui.safe` and
:func:`planlib.ui.validate_choice`: a value that is not one of the choices offered gets a short
message, never a traceback. Text from the plan is escaped wherever it is shown.

>>> import planlib
>>> app = PlanOverview(planlib.load_plan(planlib.DEFAULT_PLAN))
>>> app.set_filter(workstream="partnership")
>>> len(app.selected_ids()) < len(app.plan.commitments)
True
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import ipywidgets as widgets
import pandas as pd

from planlib import charts, compliance
from planlib import horizon as horizon_module
from planlib.finance import COMMITMENT_MEASURES, commitment_costs
from planlib.model import Plan
from planlib.model.horizon import HorizonRegister
from planlib.present import labels, tables
from planlib.formats import count, money
from planlib.present.horizon import ORIGIN_LABELS
from planlib.present.html import (APP_CSS, badge, bullet_list, cards, html_table, money_cell, paragraph,
                                  status_badge)
from planlib.ui import Messages, log_to_server, safe, section, validate_choice
from planlib.ui.kit import chart_block, download_link

FILTERS = ("workstream", "owner", "section")
"""The filters of the commitments, by attribute name."""

ALL = ""
"""The value of a filter that lets every commitment through (no workstream, owner or section
of a plan is empty text, so it cannot be mistaken for one)."""


def _offered(value: object, choices: Sequence[str]) -> bool:
    return isinstance(value, str) and value in choices


class PlanOverview:
    """The plan overview app: build it on a plan and show :attr:`widget`.

    Parameters
    ----------
    plan : Plan
    horizon : HorizonRegister, optional
        The plan's horizon scanning register (``load_folder(path).horizon``), ranked against
        the plan in its section; without one the section says the plan has none.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The whole app (everything below the header).
    horizon : pandas.DataFrame or None
        The register ranked against the plan (:func:`planlib.horizon.rank`), None without one.
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

    def __init__(self, plan: Plan, horizon: HorizonRegister | None = None) -> None:
        log_to_server()
        self.plan = plan
        self.messages = Messages()
        objectives = {o.id: o for o in plan.objectives}
        table = tables.commitments_table(plan)
        table["section_id"] = [objectives[c.objective_id].section for c in plan.commitments]
        table["functions"] = [", ".join(c.functions) for c in plan.commitments]
        self.commitments = table
        self.costs = commitment_costs(plan, enabled_only=True)
        self.coverage = compliance.function_coverage(plan)
        self._sections = sorted(plan.sections, key=lambda s: s.number)
        self.horizon = horizon_module.rank(horizon, plan) if horizon is not None else None

        self.workstream, self.owner, self.section = self._filter_dropdowns()
        self.show_all = widgets.Button(description="Show all", tooltip="Clear the filters",
                                       layout=widgets.Layout(width="100px"))
        self.selection = widgets.HTML()
        ids = self.selected_ids()
        self.resources_block = chart_block(
            self._resources_chart(ids), description=self._resources_words(ids), table=self._resources_frame(ids),
            title="Revenue cost by financial year and workstream", csv_name="revenue_by_workstream",
            money=self._money_columns(), css_class="planlib-resources-chart", level=0)
        self.resources_chart = self.resources_block.chart
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
        self.widget = self._page()

    def _filter_dropdowns(self) -> tuple[widgets.Dropdown, widgets.Dropdown, widgets.Dropdown]:
        """The workstream, owner and section filters, each offering only what the plan has."""
        table = self.commitments
        used_workstreams = set(table["workstream"])
        workstream = widgets.Dropdown(
            options=[("All workstreams", ALL)]
            + [(labels.WORKSTREAM_LABELS[w], w) for w in labels.WORKSTREAMS if w in used_workstreams],
            value=ALL, description="Workstream", style={"description_width": "initial"},
            layout=widgets.Layout(width="270px"),
        )
        owner = widgets.Dropdown(
            options=[("All owners", ALL)] + [(labels.owner_label(o), o) for o in dict.fromkeys(table["owner"])],
            value=ALL, description="Owner", style={"description_width": "initial"},
            layout=widgets.Layout(width="340px"),
        )
        section_ = widgets.Dropdown(
            options=[("All sections", ALL)] + [(f"{s.number}. {s.title}", s.id) for s in self._sections],
            value=ALL, description="Section", style={"description_width": "initial"},
            layout=widgets.Layout(width="470px"),
        )
        return workstream, owner, section_

    def _page(self) -> widgets.VBox:
        """The whole app: its sections in reading order."""
        filters = widgets.HBox([self.workstream, self.owner, self.section, self.show_all],
                               layout=widgets.Layout(flex_flow="row wrap"))
        filters.add_class("planlib-filters")
        page = widgets.VBox([
            widgets.HTML(APP_CSS),
            section("At a glance", widgets.HTML(self._glance_html())),
            section("Sections and objectives", widgets.HTML(self._sections_html()),
                    note="The plan's sections, the police and crime objectives in each, and what their "
                         "commitments cost over the plan period."),
            section("Commitments", filters, self.messages, self.selection,
                    note="Choose a workstream, an owner or a section: the resources, the commitments and "
                         "the KPIs below show only the commitments that match."),
            section("Resources by year", self.resources_block, self.resources_table,
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
        page.add_class("planlib-app")
        return page

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
        chart, words, figures = self._resources_chart(ids), self._resources_words(ids), self._resources_frame(ids)
        parts = self._resources_html(ids), self._commitments_html(ids), self._kpis_html(ids)
        self.resources_block.update(chart=chart, description=words, table=figures)
        self.resources_table.value, self.commitments_table.value, self.kpis_table.value = parts
        # Last, so that a page showing the new count already shows everything else it counts.
        self.selection.value = paragraph(text, "planlib-selection", strong=True)
        self._shown = {name: getattr(self, name).value for name in FILTERS}

    def _resources_chart(self, ids: list[str]) -> alt.Chart:
        n, total = len(ids), len(self.commitments)
        subtitle = ("All commitments in the plan" if n == total
                    else f"{self.describe_selection()}: {n} of {total} commitments")
        return charts.resources_chart(self.plan, ids, subtitle=subtitle, width=560, height=260)

    def _money_columns(self) -> list[str]:
        return [*labels.WORKSTREAM_LABELS.values(), "Total"]

    def _resources_frame(self, ids: list[str]) -> pd.DataFrame:
        """The resources chart's figures: revenue cost by financial year (rows) and workstream."""
        long = charts.revenue_by_workstream(self.plan, ids)
        wide = long.pivot_table(index="year", columns="workstream", values="revenue_gbp", aggfunc="sum", sort=False)
        wide = wide.reindex(columns=[w for w in self._money_columns() if w in wide.columns]).fillna(0.0)
        wide["Total"] = wide.sum(axis=1)
        return wide.rename_axis(index="Financial year", columns=None).reset_index()

    def _resources_words(self, ids: list[str]) -> str:
        """The resources chart in a sentence or two: the total, the dearest year and workstream."""
        figures = self._resources_frame(ids)
        total = figures["Total"].sum()
        if not ids or total == 0:
            return "The commitments shown have no revenue cost."
        peak = figures.loc[figures["Total"].idxmax()]
        by_workstream = figures.drop(columns=["Financial year", "Total"]).sum()
        first, last = self.plan.period.first, self.plan.period.last
        return (f"Revenue cost of the {len(ids)} commitments shown: {money(total)} from {first} to {last}, the most "
                f"in {peak['Financial year']} ({money(peak['Total'])}). The largest workstream is "
                f"{by_workstream.idxmax()} ({money(by_workstream.max())}).")

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
                cells = [count(v) for v in values] + ["–"]
            rows.append([label, *cells])
        return html_table(["", *years, "Total"], rows, numeric=range(1, len(years) + 2))

    def _commitments_html(self, ids: list[str]) -> str:
        table = self.commitments.set_index("commitment_id").loc[ids]
        rows = [
            [
                row.commitment, row.section_number, labels.WORKSTREAM_LABELS.get(row.workstream, row.workstream),
                labels.owner_label(row.owner), labels.COMMISSIONING_LABELS.get(row.commissioning, row.commissioning),
                "Yes" if row.mandatory else "No", "Yes" if row.enabled else "No",
                money_cell(row.revenue_gbp), money_cell(row.capital_gbp), count(row.peak_officer_fte),
                row.functions or "–",
            ]
            for row in table.itertuples()
        ]
        headers = ["Commitment", "Section", "Workstream", "Owner", "Commissioning", "Statutory duty", "In plan",
                   "Revenue", "Capital", "Peak officers", "Functions"]
        figures = pd.DataFrame([[row.commitment, row.section_number, row.workstream, row.owner, row.commissioning,
                                 row.mandatory, row.enabled, row.revenue_gbp, row.capital_gbp, row.peak_officer_fte,
                                 row.functions] for row in table.itertuples()], columns=headers)
        return (html_table(headers, rows, numeric=[1, 7, 8, 9], empty="No commitment matches these filters.",
                           caption="The commitments shown")
                + f'<p class="planlib-download-line">{download_link(figures, "commitments")}</p>')

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
                f"{count(k.baseline.value)} ({k.baseline.period})",
                f"{count(k.target.value)} by {k.target.by}",
                "Higher is better" if k.direction == "up" else "Lower is better",
                k.frequency.capitalize(), labels.owner_label(k.owner), status_badge(k.status),
            ]
            for k in kpis
        ]
        if everything:
            note = f"All {len(self.plan.kpis)} KPIs of the plan."
        else:
            note = f"{len(kpis)} of {len(self.plan.kpis)} KPIs: those that measure the commitments shown."
        headers = ["KPI", "Unit", "Baseline", "Target", "Direction", "Reported", "Owner", "Status"]
        figures = pd.DataFrame([[k.title, k.unit, k.baseline.value, k.baseline.period, k.target.value, k.target.by,
                                 "Higher is better" if k.direction == "up" else "Lower is better",
                                 k.frequency.capitalize(), labels.owner_label(k.owner), str(k.status).capitalize()]
                                for k in kpis],
                               columns=["KPI", "Unit", "Baseline", "Baseline period", "Target", "Target by", "Direction",
                                        "Reported", "Owner", "Status"])
        return (paragraph(note) + html_table(headers, rows, empty="None of the commitments shown has a KPI.",
                                             nowrap=[2, 3, 4])
                + f'<p class="planlib-download-line">{download_link(figures, "kpis")}</p>')

    def _glance_html(self) -> str:
        plan = self.plan
        enabled = self.commitments[self.commitments["enabled"]]
        served = int(self.coverage["served"].sum())
        return cards([
            (count(len(plan.sections)), "sections"),
            (count(len(plan.objectives)), "objectives"),
            (count(len(enabled)), "commitments in the plan"),
            (money(enabled["revenue_gbp"].sum()), f"revenue cost, {plan.period.first} to {plan.period.last}"),
            (count(len(plan.kpis)), "KPIs"),
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

    def _coverage_chart(self) -> widgets.Widget:
        coverage = self.coverage
        unserved = list(coverage.loc[~coverage["served"], "function"])
        words = (f"{int(coverage['served'].sum())} of the Commissioner's {len(coverage)} functions are served by at "
                 "least one commitment" + (f"; not yet served: {', '.join(unserved)}." if unserved else "."))
        figures = pd.DataFrame({"Function": [f"{r.function_id} {r.function}" for r in coverage.itertuples()],
                                "Commitments serving it": coverage["commitments"].astype(int),
                                "Served": ["Yes" if s else "Not yet" for s in coverage["served"]]})
        return chart_block(charts.function_coverage_chart(coverage), description=words, table=figures,
                           title="Commitments serving each statutory function", csv_name="statutory_functions",
                           css_class="planlib-coverage-chart", level=0)

    def _coverage_html(self) -> str:
        rows = [
            [row.function_id, row.function, bullet_list(row.commitment_titles) or "–",
             badge("Served", "verified") if row.served else badge("Not yet served", "unverified")]
            for row in self.coverage.itertuples()
        ]
        return html_table(["Id", "Function", "Commitments serving it", "Coverage"], rows,
                          css_class="planlib-table planlib-coverage")

    # ------------------------------------------------------------------ horizon scanning

    def _horizon_parts(self) -> list[widgets.Widget]:
        if self.horizon is None:
            return [widgets.HTML(paragraph("The plan has no horizon scanning register (horizon.yaml in its folder).",
                                           "planlib-banner"))]
        table = widgets.HTML(self._horizon_html())
        table.add_class("planlib-horizon-table")
        ranked = self.horizon
        top = ranked.iloc[0]
        gaps = int(ranked["gap"].sum())
        gap_words = (f"every item scoring {horizon_module.GAP_SCORE} or more is answered by a commitment" if not gaps
                     else f"{gaps} item{'s' if gaps != 1 else ''} scoring {horizon_module.GAP_SCORE} or more "
                          f"{'are' if gaps != 1 else 'is'} answered by no commitment")
        words = (f"{len(ranked)} items placed by likelihood and impact (1 to 5 each), numbered by rank; the highest "
                 f"score is “{top['title']}” ({top['score']}), and {gap_words}.")
        figures = pd.DataFrame({"Rank": range(1, len(ranked) + 1), "Item": ranked["title"], "Likelihood": ranked["likelihood"],
                                "Impact": ranked["impact"], "Score": ranked["score"],
                                "Gap": ["Yes" if g else "No" for g in ranked["gap"]]})
        chart = chart_block(charts.risk_matrix_chart(ranked), description=words, table=figures,
                            title="Horizon scanning items by likelihood and impact", csv_name="horizon-scan",
                            css_class="planlib-horizon-chart", level=0)
        return [chart, table]

    def _horizon_html(self) -> str:
        titles = labels.commitment_titles(self.plan)
        rows = []
        for rank, r in enumerate(self.horizon.to_dict("records"), start=1):
            answered = bullet_list(titles[c] for c in r["answered_by"]) or "–"
            flag = (badge("Gap", "unverified") if r["gap"] else badge("Answered", "verified") if r["answered_by"]
                    else "Not answered")
            rows.append([rank, r["title"], r["kind"].capitalize(), ORIGIN_LABELS.get(r["origin"], r["origin"]),
                         r["likelihood"], r["impact"], r["score"], r["trend"].capitalize(), count(r["horizon_years"]),
                         labels.owner_label(r["owner"]), answered, flag, status_badge(r["status"])])
        headers = ["Rank", "Item", "Kind", "Found by", "Likelihood", "Impact", "Score", "Trend", "Years ahead",
                   "Owner", "Commitments answering it", "Coverage", "Status"]
        gaps = int(self.horizon["gap"].sum())
        summary = (f"{len(self.horizon)} items; {gaps} gap{'s' if gaps != 1 else ''}: "
                   + (", ".join(self.horizon.loc[self.horizon["gap"], "title"]) if gaps
                      else f"every item scoring {horizon_module.GAP_SCORE} or more is answered") + ".")
        return paragraph(summary) + html_table(headers, rows, numeric=[0, 4, 5, 6, 8])
