"""The scenario explorer's "Suggest a portfolio" panel: the optimiser's answer for the current settings.

:func:`planlib.portfolio.optimise` chooses the best affordable commitments and start years
within the funding of the settings (the commitments the board member ticked are ignored: the
optimiser chooses them). The suggestion is shown with :func:`planlib.present.levers.suggestion_html`
and can be saved as a scenario: the settings' changes plus the portfolio's.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from planlib.errors import PortfolioInfeasible
from planlib.scenario import ScenarioStore
from planlib.model import Plan
from planlib.portfolio.result import PortfolioResult, optimise
from planlib.present.levers import PORTFOLIO_OBJECTIVES, suggestion_html
from planlib.scenario import Scenario
from planlib.ui import Messages, validate_choice
from planlib.ui.scenario_controls import Dropdown, guard, note, text_box
from planlib.ui.scenario_store_panel import check_author, check_name, save_in, scenario_id


class SuggestionPanel:
    """The optimiser's suggestion for ``plan`` under a set of scenario changes, and saving it.

    Attributes
    ----------
    portfolio_objective : Dropdown
        What to maximise (a key of :data:`~planlib.present.levers.PORTFOLIO_OBJECTIVES`).
    suggestion : ipywidgets.HTML
        The last suggestion (empty before the first, or when none is affordable).
    suggestion_name, suggestion_author : Text
        The name to save the suggestion under, and who is saving it.
    last : tuple or None
        The last suggestion: the :class:`~planlib.portfolio.PortfolioResult` and the changes of
        the settings it was made for.
    """

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.messages = Messages()
        self.portfolio_objective = Dropdown(options=[(label, key) for key, label in PORTFOLIO_OBJECTIVES.items()],
                                            value="npv_p50", description="Maximise",
                                            layout=widgets.Layout(width="420px"), style={"description_width": "70px"})
        self.suggest_button = widgets.Button(description="Suggest a portfolio", button_style="primary",
                                             layout=widgets.Layout(width="180px"))
        self.suggestion = widgets.HTML()
        self.suggestion_name = text_box("e.g. Suggested portfolio", "Name")
        self.suggestion_author = text_box("your name", "Your name")
        self.save_suggestion_button = widgets.Button(description="Save suggestion as a scenario", disabled=True,
                                                     layout=widgets.Layout(width="230px"))
        for control in (self.portfolio_objective, self.suggestion_name, self.suggestion_author):
            guard(control, self.messages)
        self.last: tuple[PortfolioResult, dict[str, Any]] | None = None

    def suggest(self, changes: dict[str, Any], can_save: bool) -> None:
        """Ask the optimiser for the best portfolio under ``changes``; ValueError if none is affordable."""
        objective = validate_choice(self.portfolio_objective.value, list(PORTFOLIO_OBJECTIVES), "The objective")
        scenario = Scenario(name="your_settings", description="The explorer's settings", source="scenario explorer",
                            changes=changes)
        try:
            result = optimise(self.plan, scenario, objective=objective)
        except PortfolioInfeasible as exc:
            self.last = None
            self.save_suggestion_button.disabled = True
            self.suggestion.value = ""
            raise ValueError(f"No portfolio is affordable with these settings: {exc}".replace(
                "no affordable portfolio: ", "")) from None
        self.last = (result, changes)
        self.suggestion.value = suggestion_html(result)
        self.save_suggestion_button.disabled = not can_save
        self.messages.show("Suggested for your settings as they are now. Save it to compare it with "
                           "others; moving the controls does not change it.")

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
                 "kept, a commitment that depends on another only with it, and each year's cost within the "
                 "headroom (funding less the costs that are not commitments). Commitments may start later than "
                 "planned. The NPVs rest on illustrative assumptions, and many benefits are not valued."),
            widgets.HBox([self.portfolio_objective, self.suggest_button],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
            self.messages, self.suggestion,
            widgets.HBox([self.suggestion_name, self.suggestion_author, self.save_suggestion_button],
                         layout=widgets.Layout(flex_flow="row wrap", margin="4px 0 0 0")),
        ])
