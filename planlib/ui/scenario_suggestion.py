"""The scenario explorer's "Suggest a portfolio" panel: the optimiser's answer for the current settings.

:func:`planlib.portfolio.optimise` chooses the commitments and start years within the funding
of the settings (the commitments the board member ticked are ignored: the optimiser chooses
them), for the aim chosen (by default "Deliver the pledges within budget"). The answer opens
with what drives it in plain words (:func:`planlib.present.portfolio.lead_html`), then its cost
by year against the headroom as a chart with its figures, and every commitment, chosen or left
out and why, as a table (both from :mod:`planlib.ui.kit`, with CSV downloads). It can be saved as
a scenario: the settings' changes plus the portfolio's.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from planlib.charts.portfolio import portfolio_cost_chart
from planlib.errors import PortfolioInfeasible
from planlib.formats import money
from planlib.model import Plan
from planlib.portfolio.problem import DEFAULT_OBJECTIVE
from planlib.portfolio.result import PortfolioResult, optimise
from planlib.present.portfolio import (
    by_year_html,
    by_year_table,
    commitments_table,
    lead_html,
)
from planlib.present.portfolio_words import OBJECTIVE_LABELS, OBJECTIVE_WORDS
from planlib.scenario import Scenario, ScenarioStore
from planlib.ui import Messages, validate_choice
from planlib.ui.kit import chart_block, download_link, table_block
from planlib.ui.scenario_controls import Dropdown, guard, note, text_box
from planlib.ui.scenario_store_panel import (
    check_author,
    check_name,
    save_in,
    scenario_id,
)

MONEY_COLUMNS = ("Cost over the plan (£)", "Net present value (£)")


def _aim_html(objective: str) -> str:
    return f'<p class="planlib-note">This aims to {html.escape(OBJECTIVE_WORDS[objective])}.</p>'


class SuggestionPanel:
    """The optimiser's suggestion for ``plan`` under a set of scenario changes, and saving it.

    Attributes
    ----------
    portfolio_objective : Dropdown
        What to aim for (a key of :data:`~planlib.present.portfolio_words.OBJECTIVE_LABELS`).
    suggestion : ipywidgets.HTML
        The opening of the last suggestion, in words (empty before the first, or when none is affordable).
    cost_block, commitments_block
        The last suggestion's cost by year against the headroom (a chart with its figures) and
        every commitment, chosen or left out and why (a table); hidden until there is one.
    suggestion_name, suggestion_author : Text
        The name to save the suggestion under, and who is saving it.
    last : tuple or None
        The last suggestion: the :class:`~planlib.portfolio.PortfolioResult` and the changes of
        the settings it was made for.
    """

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.messages = Messages()
        self.portfolio_objective = Dropdown(options=[(label, key) for key, label in OBJECTIVE_LABELS.items()],
                                            value=DEFAULT_OBJECTIVE, description="Aim",
                                            layout=widgets.Layout(width="460px"), style={"description_width": "40px"})
        self.aim = widgets.HTML(_aim_html(DEFAULT_OBJECTIVE))
        self.portfolio_objective.observe(self._show_aim, names="value")
        self.suggest_button = widgets.Button(description="Suggest a portfolio", button_style="primary",
                                             layout=widgets.Layout(width="180px"))
        self.suggestion = widgets.HTML()
        self.cost_block: Any = None
        self.commitments_block: Any = None
        self.figures = widgets.VBox(layout=widgets.Layout(display="none"))
        self.suggestion_name = text_box("e.g. Suggested portfolio", "Name")
        self.suggestion_author = text_box("your name", "Your name")
        self.save_suggestion_button = widgets.Button(description="Save suggestion as a scenario", disabled=True,
                                                     layout=widgets.Layout(width="230px"))
        for control in (self.portfolio_objective, self.suggestion_name, self.suggestion_author):
            guard(control, self.messages)
        self.last: tuple[PortfolioResult, dict[str, Any]] | None = None

    def _show_aim(self, change: dict[str, Any]) -> None:
        if change["new"] in OBJECTIVE_WORDS:
            self.aim.value = _aim_html(change["new"])

    def suggest(self, changes: dict[str, Any], can_save: bool) -> None:
        """Ask the optimiser for the best portfolio under ``changes``; ValueError if none is affordable."""
        objective = validate_choice(self.portfolio_objective.value, list(OBJECTIVE_LABELS), "The objective")
        scenario = Scenario(name="your_settings", description="The explorer's settings", source="scenario explorer",
                            changes=changes)
        try:
            result = optimise(self.plan, scenario, objective=objective)
        except PortfolioInfeasible as exc:
            self.last = None
            self.save_suggestion_button.disabled = True
            self.suggestion.value = ""
            self.figures.layout.display = "none"
            raise ValueError(f"No portfolio is affordable with these settings: {exc}".replace(
                "no affordable portfolio: ", "")) from None
        self.last = (result, changes)
        link = download_link(by_year_table(result), "suggested_portfolio_by_year")
        self.suggestion.value = (f'<div class="planlib-suggestion">{lead_html(result)}{by_year_html(result)}'
                                 f'<p class="planlib-download-line">{link}</p></div>')
        self._show_figures(result)
        self.save_suggestion_button.disabled = not can_save
        self.messages.show("Suggested for your settings as they are now. Save it to compare it with "
                           "others; moving the controls does not change it.")

    def _show_figures(self, result: PortfolioResult) -> None:
        """The chart of cost by year and the table of commitments, made on the first suggestion
        and redrawn in place after."""
        years = list(result.envelope)
        money_by_year = by_year_table(result)
        chart = portfolio_cost_chart(result.by_year)
        b = result.by_year
        description = ("Cost of the suggested commitments by year against the headroom: "
                       + "; ".join(f"{y}: {m} of {e}" for y, m, e in zip(
                           years, map(money, b["chosen_cost"]), map(money, b["envelope"]))) + ".")
        table = commitments_table(result)
        if self.cost_block is None:
            self.cost_block = chart_block(chart, description=description, table=money_by_year,
                                          title="Suggested portfolio: cost by year against the headroom",
                                          csv_name="suggested_portfolio_by_year", money=years)
            self.commitments_block = table_block(table, caption="Every commitment: chosen or left out, and why",
                                                 csv_name="suggested_portfolio_commitments", money=MONEY_COLUMNS)
            self.figures.children = [self.cost_block, self.commitments_block]
        else:
            self.cost_block.update(chart=chart, description=description, table=money_by_year)
            self.commitments_block.show(table)
        self.figures.layout.display = None

    def save(self, store: ScenarioStore) -> tuple[str, int]:
        """Save the last suggestion in ``store``; its name and version (ValueError if there is none)."""
        if self.last is None:
            raise ValueError("Ask for a suggestion first.")
        name, author = check_name(self.suggestion_name.value), check_author(self.suggestion_author.value)
        result, changes = self.last
        return name, save_in(store, result.to_scenario(scenario_id(name), base_changes=changes), author, "suggestion", name)

    def box(self) -> widgets.VBox:
        """The "Suggest a portfolio" block."""
        return widgets.VBox([
            widgets.HTML("<h2>Suggest a portfolio</h2>"),
            note("The best affordable set of commitments for the funding of your settings: statutory duties "
                 "always kept, a commitment that depends on another only with it, and each year's cost within the "
                 "headroom (funding less the costs that are not commitments). Many benefits are not valued, so "
                 "“Deliver the pledges within budget” and “Most of the plan for the money” count each commitment "
                 "by its objective's priority weight; the net present value aims count only what is valued."),
            widgets.HBox([self.portfolio_objective, self.suggest_button],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
            self.aim, self.messages, self.suggestion, self.figures,
            widgets.HBox([self.suggestion_name, self.suggestion_author, self.save_suggestion_button],
                         layout=widgets.Layout(flex_flow="row wrap", margin="4px 0 0 0")),
        ])

