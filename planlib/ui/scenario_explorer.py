"""The scenario explorer board app: move the levers of the financial plan, see what balances.

A board member sets the Band D precept increase for each remaining year (the referendum limit
beside it, flagged when exceeded), the change to the police grant settlement, the change to
pay awards, how many officers of the uplift are in neighbourhood posts by the end of the plan,
and which optional commitments are funded (statutory duties are always funded). The app says
plainly whether the plan balances, draws the budget gap and reserves by year against the
baseline and any saved scenarios, lists the funded commitments, and saves the settings as a
named scenario in the shared :class:`~planlib.io.store.ScenarioStore` (or loads a saved one
back). Its "Suggest a portfolio" panel asks :func:`planlib.portfolio.optimise` for the best
affordable commitments and start years within the funding of the current settings.

This module only wires the pieces together: the lever model is :mod:`planlib.levers`, its words
and HTML :mod:`planlib.present.levers`, the controls :mod:`planlib.ui.scenario_controls`, saving
and loading :mod:`planlib.ui.scenario_store_panel`, the suggestion
:mod:`planlib.ui.scenario_suggestion`. ``voila_apps/scenario_explorer.ipynb`` only creates a
:class:`ScenarioExplorer` and shows it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import pandas as pd

import planlib
from planlib.apps import header_html
from planlib.charts.finance import budget_gap_chart, reserves_chart
from planlib.errors import PlanlibError
from planlib.finance import commitment_costs
from planlib.scenario import ScenarioStore
from planlib.levers import Settings, baseline_settings, scenario_changes, settings_from_scenario
from planlib.model import Plan
from planlib.present import levers as words
from planlib.formats import money
from planlib.present.levers import Figures, figures
from planlib.results import Result, run
from planlib.scenario import Scenario
from planlib.ui import Messages, log_to_server, readable, safe
from planlib.ui.scenario_controls import LeverControls, guard, note
from planlib.ui.scenario_store_panel import StorePanel
from planlib.ui.shared_parts import share_plain_parts
from planlib.ui.scenario_suggestion import SuggestionPanel
from planlib.ui.view_link import LinkControl, explorer_query, explorer_settings
from planlib.present import scenario_figures as tables
from planlib.ui.download import DownloadButton
from planlib.ui.kit import chart_block, download_link

log = logging.getLogger("planlib.ui.scenario_explorer")

MAX_COMPARED = 5
"""How many saved scenarios can be compared at once (the chart has eight distinct colours)."""

BASELINE_LABEL = "Baseline"
CURRENT_LABEL = "Your settings"
CURRENT_NAME = "your_settings"
CHART_WIDTH, CHART_HEIGHT = 470, 200

_STYLE = """
<style>
.planlib-explorer { max-width: 1300px; }
.planlib-explorer h2 { font-size: 1.15em; margin: 0.5em 0 0.2em 0; line-height: 1.3; }
.planlib-explorer h3 { font-size: 1em; margin: 0.5em 0 0 0; line-height: 1.3; }
.planlib-explorer .planlib-header h1 { font-size: 1.7em; }
.planlib-headline { padding: 6px 14px; border-left: 6px solid #2e7d32; background: #edf6ee;
  border-radius: 3px; font-size: 14.5px; line-height: 1.45; }
.planlib-headline.planlib-short { border-color: #a4262c; background: #fbeceb; }
.planlib-headline p { margin: 2px 0; }
.planlib-headline .planlib-lead { font-weight: 600; font-size: 16px; }
table.planlib-figures { border-collapse: collapse; font-size: 13px; line-height: 1.35; }
table.planlib-figures th, table.planlib-figures td { padding: 3px 10px; border-bottom: 1px solid #ddd;
  text-align: left; vertical-align: top; }
table.planlib-figures th { font-weight: 600; background: #f4f4f4; }
table.planlib-figures .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.planlib-flag { color: #a4262c; font-weight: 600; }
.planlib-good { color: #2e7d32; }
.planlib-explorer .planlib-note { color: #555; font-size: 12.5px; line-height: 1.35; margin: 0 0 4px 0; }
.planlib-readout { font-size: 13px; line-height: 1.3; display: inline-block; }
.planlib-cost { font-size: 13px; text-align: right; font-variant-numeric: tabular-nums; }
.planlib-status { font-size: 12.5px; color: #555; }
</style>
"""


class ScenarioExplorer:
    """The scenario explorer: controls, headline figures, charts, comparison, save and load.

    The officers slider phases the commitment the plan declares as carrying its neighbourhood
    officers (``levers: officer_commitment`` in ``plan.yaml``); a plan that declares none gets
    no officers slider, and a note where it would be says why.

    Parameters
    ----------
    plan : Plan
        The baseline plan.
    store : ScenarioStore, optional
        Where scenarios are saved; without one, saving and loading say so.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The whole app, to display.
    result : planlib.results.Result
        The results of the current settings.
    controls, store_panel, suggestion_panel
        The parts of the app (their widgets); the controls' widgets (``precept``, ``grant``,
        ``pay``, ``officers``, ``funded`` and their readouts) are attributes of the app too.
    link : planlib.ui.view_link.LinkControl
        "Copy a link to this view": its query string follows the settings, and
        ``open_link(query)`` shows the view a page address's query string gives (a link that
        cannot be used says why in ``link_messages``, under the headline).
    on_control_change, set_funded, on_reset, on_save, on_compare, on_load, on_clear_comparison, on_refresh_list
        The callbacks a viewer triggers (a control's observer, ``set_funded(commitment_id,
        funded)``, the buttons; ``on_suggest`` and ``on_save_suggestion`` too, for the
        suggestion panel). Each checks its input; a bad value or a failure is logged and shown
        as a short message (in ``messages``, ``store_messages``, ``compare_messages`` or
        ``portfolio_messages``), never raised.

    Examples
    --------
    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> explorer = ScenarioExplorer(load_plan(DEFAULT_PLAN))
    >>> explorer.precept["2023/24"].value = 20.0
    >>> bool(explorer.result.measure("budget_gap")["2023/24"] < 13.3e6)
    True
    """

    def __init__(self, plan: Plan, store: ScenarioStore | None = None) -> None:
        log_to_server()
        self.plan = plan
        self.store = store
        self.baseline = run(plan)
        self.result = self.baseline
        self._quiet = False
        # Saved scenarios in the comparison: (name, version) -> (finance table, figures).
        self._compared: dict[tuple[str, int], tuple[pd.DataFrame, Figures]] = {}
        self._figures: dict[str, Figures] = {BASELINE_LABEL: figures(self.baseline.finance),
                                             CURRENT_LABEL: figures(self.baseline.finance)}
        self._chart_keys: dict[str, tuple[Any, ...]] = {}
        self._chart_specs: dict[str, dict[str, Any]] = {}

        self.controls = LeverControls(plan)
        self.levers = self.controls.levers
        self.store_panel = StorePanel(store)
        self.suggestion_panel = SuggestionPanel(plan)
        c = self.controls
        self.precept, self.precept_readout, self.funded = c.precept, c.precept_readout, c.funded
        self.grant, self.grant_readout, self.pay, self.pay_readout = c.grant, c.grant_readout, c.pay, c.pay_readout
        self.officers, self.officers_readout = c.officers, c.officers_readout
        self.commitment_cost, self.commitment_status = c.commitment_cost, c.commitment_status
        self.messages = Messages()
        self.link_messages = Messages()  # under the headline: what became of a link the page was opened with
        self.store_messages = self.store_panel.messages
        self.compare_messages = self.store_panel.compare_messages
        self.portfolio_messages = self.suggestion_panel.messages
        self._wire()
        self.headline = widgets.HTML(layout=widgets.Layout(margin="0 0 8px 0"))
        self.by_year = widgets.HTML()
        self.funded_summary = widgets.HTML()
        self.comparison = widgets.HTML()
        self.by_year_download, self.comparison_download = widgets.HTML(), widgets.HTML()
        self.commitments_download = widgets.HTML()
        table, years = self._comparison_table(), [str(y) for y in plan.years]
        self.gap_block, self.reserves_block = (
            chart_block(build(table, width=CHART_WIDTH, height=CHART_HEIGHT), title=tables.CHART_WORDS[measure],
                        description=tables.chart_description(self._figures, measure),
                        table=tables.chart_table(self._figures, measure), csv_name=measure, money=years,
                        css_class=css, level=0)
            for build, measure, css in ((budget_gap_chart, "budget_gap", "planlib-gap-chart"),
                                        (reserves_chart, "reserves_closing", "planlib-reserves-chart")))
        self.gap_chart, self.reserves_chart = self.gap_block.chart, self.reserves_block.chart
        for block in (self.gap_block, self.reserves_block):  # the chart first: the verdict's picture on the first screen
            block.children = [block.chart, block.description_html, block.figures, block.download]
        for key, chart in (("gap", self.gap_chart), ("reserves", self.reserves_chart)):
            # Drawn for these scenarios already: the first redraw only replaces the figures.
            self._chart_specs[key], self._chart_keys[key] = chart.spec, self._chart_structure()
        self.workbook_button = DownloadButton(label="Download the comparison (Excel)", make=self.comparison_workbook,
                                              file_name=f"{plan.id}_scenario_comparison.xlsx")
        self.link = LinkControl()
        self._last_good = baseline_settings(plan)
        self.refresh()
        safe(self.compare_messages)(self.store_panel.refresh)()
        self.widget = self._layout()
        share_plain_parts(self.widget)  # some 250 fewer widget models for the page to build

    def _wire(self) -> None:
        """The callbacks a viewer can trigger: each checks what it is sent, and any error is
        logged and shown as a short message (never raised to the widget machinery)."""
        on_controls, on_compare = safe(self.messages), safe(self.compare_messages)
        on_store, on_portfolio = safe(self.store_messages), safe(self.portfolio_messages)
        self.on_control_change = on_controls(self._on_control_change)
        self.set_funded = on_controls(self._set_funded)
        self.on_reset = on_controls(self._reset)
        self.on_save = on_store(lambda _button=None: self.store_panel.save(self.scenario))
        self.on_compare = on_compare(self._compare)
        self.on_load = on_compare(self._load_into_controls)
        self.on_clear_comparison = on_compare(self._clear_comparison)
        self.on_refresh_list = on_compare(lambda _button=None: self.store_panel.refresh_list())
        self.on_suggest = on_portfolio(self._suggest)
        self.on_save_suggestion = on_portfolio(self._save_suggestion)
        self.open_link = on_controls(self._open_link)
        for control in self.controls.all():
            guard(control, self.messages)
            control.observe(self.on_control_change, names="value")
        self.reset_button = widgets.Button(description="Back to the baseline", layout=widgets.Layout(width="180px"))
        self.reset_button.on_click(self.on_reset)
        panel = self.store_panel
        for button, callback in ((panel.save_button, self.on_save), (panel.compare_button, self.on_compare),
                                 (panel.load_button, self.on_load), (panel.clear_button, self.on_clear_comparison),
                                 (panel.refresh_button, self.on_refresh_list),
                                 (self.suggestion_panel.suggest_button, self.on_suggest),
                                 (self.suggestion_panel.save_suggestion_button, self.on_save_suggestion)):
            button.on_click(callback)

    def _layout(self) -> widgets.VBox:
        header = widgets.HTML(_STYLE + header_html(self.plan, "Scenario explorer"))
        results = widgets.VBox([widgets.HTML("<h2>Budget gap and reserves</h2>"), self.gap_block, self.reserves_block,
                                self.link],
                               layout=widgets.Layout(flex="1 1 480px", min_width="300px"))
        top = widgets.HBox([self.controls.panel(self.messages, self.reset_button), results],
                           layout=widgets.Layout(align_items="flex-start"))
        by_year = widgets.VBox([widgets.HTML("<h2>Figures by year</h2>"), self.by_year, self.by_year_download])
        commitments = widgets.VBox([
            widgets.HTML("<h2>Commitments</h2>"),
            note("Untick an optional commitment to drop it from the plan. Statutory duties are always "
                 "funded and cannot be dropped. Costs are revenue, with the pay of the posts."),
            self.funded_summary, self.controls.commitments_grid(), self.commitments_download,
        ])
        compare = widgets.VBox([
            widgets.HTML("<h2>Comparison</h2>"),
            note("The baseline, your settings and any saved scenarios you add (they are drawn on the charts "
                 "too). Budget gap: total revenue cost less total funding; a positive gap is a shortfall."),
            self.comparison, self.comparison_download, self.workbook_button, self.store_panel.choose_row(),
            self.compare_messages,
        ])
        return widgets.VBox(
            [header, self.headline, self.link_messages, top, by_year, commitments, self.suggestion_panel.box(), compare,
             self.store_panel.save_box()],
            layout=widgets.Layout(padding="0 8px"),
        ).add_class("planlib-explorer")

    # ------------------------------------------------------------------ the settings

    def settings(self) -> Settings:
        """The checked values of the controls; ValueError with a reader's message if one is bad."""
        return self.controls.settings()

    def scenario(self, name: str = CURRENT_NAME, settings: Settings | None = None) -> Scenario:
        """The current settings (or ``settings``) as a named :class:`~planlib.scenario.Scenario`."""
        settings = self.settings() if settings is None else settings
        return Scenario(name=name, description=words.describe(self.plan, settings),
                        source=f"set in the scenario explorer board app (planlib {planlib.__version__})",
                        changes=scenario_changes(self.plan, settings))

    def _on_control_change(self, change: Mapping[str, Any]) -> None:
        if self._quiet:
            return
        owner = change.get("owner") if isinstance(change, Mapping) else None
        new = change.get("new") if isinstance(change, Mapping) else None
        try:
            self.controls.check(owner, new)
            settings = self.settings()
        except ValueError:
            self._restore(self._last_good)
            raise
        self.messages.clear()
        self.link_messages.clear()
        self._update(settings)

    def _set_funded(self, commitment_id: Any, funded: Any) -> None:
        self.funded[self.controls.check_funded(commitment_id, funded)].value = funded

    def _restore(self, settings: Settings) -> None:
        """Put every control back to ``settings`` without recomputing."""
        self._quiet = True
        try:
            self.controls.restore(settings)
        finally:
            self._quiet = False

    def apply_settings(self, settings: Settings) -> None:
        """Set every control to ``settings`` and redraw once."""
        self._restore(settings)
        self._update(self.settings())

    def _open_link(self, query: str | None) -> None:
        """Show the view a page address's query string gives (:mod:`planlib.ui.view_link`).

        A link that cannot be used opens the baseline with a short message saying why.
        """
        settings, message = explorer_settings(self.plan, query)
        if settings != self._last_good:
            self.apply_settings(settings)
        if message:
            self.link_messages.show(message, "warning")

    def _reset(self, _button: Any = None) -> None:
        self.apply_settings(baseline_settings(self.plan))
        self.messages.show("The controls are back to the baseline plan.")

    def refresh(self) -> None:
        """Recompute from the controls and redraw (a bad control value shows a message)."""
        safe(self.messages)(lambda: self._update(self.settings()))()

    # ------------------------------------------------------------------ recompute and redraw

    def _update(self, settings: Settings) -> None:
        result = run(self.plan, self.scenario(CURRENT_NAME, settings))
        self.result = result
        self._last_good = settings
        self._figures[CURRENT_LABEL] = m = figures(result.finance)
        self._show_readouts(settings, m)
        self.headline.value = words.headline_html(m, self.levers.precept_years)
        self.by_year.value = words.by_year_html(
            m, self._figures[BASELINE_LABEL]["budget_gap"], officers_funded=self._officers_funded(settings),
            limit_status=self.plan.finance.referendum_limit.status)
        self._show_commitments(result, settings)
        self._redraw("gap", self.gap_chart, budget_gap_chart, "budget_gap")
        self._redraw("reserves", self.reserves_chart, reserves_chart, "reserves_closing")
        years = [str(y) for y in self.plan.years]
        self.comparison.value = words.comparison_html(self._figures, years)
        self.link.query = explorer_query(self.plan, settings)
        self._show_tables(m, years)

    def _show_tables(self, m: Figures, years: list[str]) -> None:
        """The charts' descriptions and tables, and the CSV downloads of the tables, for the figures shown."""
        for block, measure in ((self.gap_block, "budget_gap"), (self.reserves_block, "reserves_closing")):
            block.update(description=tables.chart_description(self._figures, measure),
                         table=tables.chart_table(self._figures, measure))
        self.by_year_download.value = download_link(tables.by_year_table(m, years), "figures_by_year")
        self.comparison_download.value = download_link(tables.comparison_table(self._figures, years),
                                                       "scenario_comparison")

    def comparison_workbook(self) -> bytes:
        """The comparison (the baseline, your settings and the saved scenarios compared) as an Excel
        workbook, made in memory: scenarios by their labels, measures by their titles."""
        from planlib.io.excel.results import results_workbook_bytes  # openpyxl, only when the workbook is asked for

        return results_workbook_bytes(self._comparison_table(), plan=self.plan, baseline=BASELINE_LABEL)

    def _officers_funded(self, settings: Settings) -> bool:
        return bool(settings.funded.get(self.levers.neighbourhood or "", True))

    def _show_readouts(self, settings: Settings, m: Figures) -> None:
        for year in self.levers.precept_years:
            self.precept_readout[year].value = words.precept_readout(m, year, settings.precept_increase[year])
        self.grant_readout.value = words.grant_readout(m, self.levers.grant_years, settings.grant_change_pct)
        awards = self.result.plan.finance.pay_award
        self.pay_readout.value = words.pay_readout({y: awards.value(y) for y in self.levers.pay_years},
                                                   settings.pay_award_change_pp)
        if self.officers is not None:
            funded = self._officers_funded(settings)
            target = int(self.plan.finance.neighbourhood_officer_target.central)
            self.officers_readout.value = words.officers_readout(settings.neighbourhood_officers, target, funded)
            self.officers.disabled = not funded

    def _show_commitments(self, result: Result, settings: Settings) -> None:
        costs = commitment_costs(result.plan)
        revenue = costs[costs["measure"] == "revenue_gbp"].groupby("commitment_id", sort=False)["value"].sum()
        funded_total = 0.0
        dropped, rows = [], []
        for c in self.plan.commitments:
            funded = True if c.mandatory else settings.funded.get(c.id, c.enabled)
            self.commitment_cost[c.id].value = f'<div class="planlib-cost">{money(revenue.get(c.id, 0.0))}</div>'
            if c.mandatory:
                status = "Statutory duty (locked)"
            elif funded:
                status = "Funded"
            else:
                status = '<span class="planlib-flag">Dropped</span>'
                dropped.append(c.title)
            self.commitment_status[c.id].value = f'<div class="planlib-status">{status}</div>'
            rows.append((c.title, revenue.get(c.id, 0.0), re.sub("<[^>]+>", "", status)))
            if funded:
                funded_total += revenue.get(c.id, 0.0)
        total = len(self.plan.commitments)
        self.funded_summary.value = words.funded_summary_html(total - len(dropped), total, funded_total,
                                                              [str(y) for y in self.plan.years], dropped)
        listing = pd.DataFrame(rows, columns=["Commitment", "Revenue cost over the plan (£)", "Status"])
        self.commitments_download.value = download_link(listing, "commitments")

    def _comparison_table(self) -> pd.DataFrame:
        """The baseline, the current settings and the compared scenarios, long, labelled for display."""
        frames = [self.baseline.finance.assign(scenario=BASELINE_LABEL),
                  self.result.finance.assign(scenario=CURRENT_LABEL)]
        frames += [frame for frame, _ in self._compared.values()]
        return pd.concat(frames, ignore_index=True)

    def _chart_structure(self) -> tuple[Any, ...]:
        """What a chart's specification depends on besides its figures: the scenarios and minimum reserves."""
        labels = tuple(self._figures)
        return labels, tuple(tuple(self._figures[label]["minimum_reserves"].values()) for label in labels)

    def _redraw(self, key: str, chart_widget: Any, build: Callable[..., Any], measure: str) -> None:
        """Redraw a chart in place; cheap when only the figures changed.

        A new set of scenarios (or of minimum reserves) rebuilds the chart from the comparison
        table, with its validated specification. A slider move changes only the figures: the
        specification is kept and only its data rows (the dataset with the columns ``scenario,
        year, value_m``, which :func:`~planlib.charts.finance.budget_gap_chart` and
        :func:`~planlib.charts.finance.reserves_chart` draw) are replaced. Rebuilding and
        re-validating a chart is most of the time a redraw would otherwise take.
        """
        labels, structure = tuple(self._figures), self._chart_structure()
        spec = self._chart_specs.get(key)
        if spec is not None and self._chart_keys.get(key) == structure:
            values = [{"scenario": label, "year": year, "value_m": value / 1e6}
                      for label in labels for year, value in self._figures[label][measure].items()]
            datasets = {name: (values if data and set(data[0]) == {"scenario", "year", "value_m"} else data)
                        for name, data in spec["datasets"].items()}
            spec = {**spec, "datasets": datasets}
            chart_widget.spec = spec
        else:
            chart_widget.chart = readable(build(self._comparison_table(), width=CHART_WIDTH, height=CHART_HEIGHT))
            spec = chart_widget.spec
        self._chart_specs[key] = spec
        self._chart_keys[key] = structure

    # ------------------------------------------------------------------ comparing saved scenarios

    def _compare(self, _button: Any = None) -> None:
        name, version = self.store_panel.chosen()
        if (name, version) in self._compared:
            self.compare_messages.show(f"“{name}” version {version} is already in the comparison.")
            return
        if len(self._compared) >= MAX_COMPARED:
            raise ValueError(f"At most {MAX_COMPARED} saved scenarios can be compared at once: clear the comparison first.")
        scenario = self.store_panel.load(name, version)
        try:
            finance = run(self.plan, scenario).finance
        except PlanlibError:
            log.warning("saved scenario %r version %r does not apply to this plan", name, version, exc_info=True)
            raise ValueError(f"Scenario “{name}” version {version} does not fit this plan, so it cannot be compared.") from None
        label = f"{name} (v{version})"
        self._compared[(name, version)] = (finance.assign(scenario=label), figures(finance))
        self._figures[label] = self._compared[(name, version)][1]
        self._update(self._last_good)
        self.compare_messages.show(f"Added “{name}” version {version} to the comparison.")

    def _clear_comparison(self, _button: Any = None) -> None:
        self._compared.clear()
        self._figures = {BASELINE_LABEL: self._figures[BASELINE_LABEL], CURRENT_LABEL: self._figures[CURRENT_LABEL]}
        self._update(self._last_good)
        self.compare_messages.show("The comparison shows the baseline and your settings.")

    def _load_into_controls(self, _button: Any = None) -> None:
        name, version = self.store_panel.chosen()
        scenario = self.store_panel.load(name, version)
        self.apply_settings(settings_from_scenario(self.plan, scenario))
        self.store_panel.scenario_name.value = name
        self.compare_messages.show(f"Loaded “{name}” version {version} into the controls.")

    # ------------------------------------------------------------------ suggest a portfolio

    def _suggest(self, _button: Any = None) -> None:
        # The optimiser chooses the commitments: start from the plan's own, with the other settings.
        base = baseline_settings(self.plan)
        changes = scenario_changes(self.plan, self._last_good.replace(funded=base.funded))
        self.suggestion_panel.suggest(changes, can_save=self.store is not None)

    def _save_suggestion(self, _button: Any = None) -> None:
        store = self.store_panel.require_store()
        name, version = self.suggestion_panel.save(store)
        name = self.store_panel.saved_name(name)
        self.store_panel.refresh(select=(name, version))
        text = f"Saved the suggestion as “{name}” version {version}"
        try:
            self._compare()
            text += ", and added it to the comparison."
        except ValueError as exc:
            text += f". {exc}"
        self.portfolio_messages.show(text)
