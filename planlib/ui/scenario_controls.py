"""The scenario explorer's controls: a guarded widget for each lever, and the checks of what they send.

Every value a viewer can send through the widget protocol is checked: a value a control's own
type refuses (text for a slider) is logged, the control is put back and a short message shown
(:class:`Guarded`); a value it accepts but the plan cannot use (NaN, a mandatory commitment
switched off, an unknown commitment) is refused by :meth:`LeverControls.check` and
:meth:`LeverControls.settings` with a reader's message.

>>> from planlib.io import DEFAULT_PLAN, load_plan
>>> from planlib.levers import baseline_settings
>>> plan = load_plan(DEFAULT_PLAN)
>>> controls = LeverControls(plan)
>>> controls.settings() == baseline_settings(plan)
True
>>> LeverControls(plan.model_copy(update={"levers": None})).officers is None
True
"""

from __future__ import annotations

import html
import logging
from typing import Any

import ipywidgets as widgets

from planlib.levers import (
    GRANT_CHANGE_RANGE,
    GRANT_STEP,
    OFFICER_STEP,
    PAY_CHANGE_RANGE,
    PAY_STEP,
    PRECEPT_STEP,
    Settings,
    baseline_settings,
    funding_problem,
    levers,
)
from planlib.model import Plan
from planlib.present.levers import no_officers_lever
from planlib.ui import Messages, validate_choice, validate_number
from planlib.ui.kit import Guarded, NumberSlider, number_slider

log = logging.getLogger("planlib.ui.scenario_explorer")

PUT_BACK = "That value could not be used, so the control was put back. Please try another value."


class Checkbox(Guarded, widgets.Checkbox):
    """A guarded :class:`ipywidgets.Checkbox`."""


class Text(Guarded, widgets.Text):
    """A guarded :class:`ipywidgets.Text`."""


class Dropdown(Guarded, widgets.Dropdown):
    """A guarded :class:`ipywidgets.Dropdown`."""


def guard(control: Guarded | NumberSlider, messages: Messages) -> None:
    """Show a short message in ``messages`` when ``control`` refuses a value a viewer sent."""
    control.on_rejected = lambda: messages.show(PUT_BACK, "error")


def text_box(placeholder: str, description: str) -> Text:
    """A guarded one-line text box, as the save panels use."""
    return Text(placeholder=placeholder, description=description, layout=widgets.Layout(width="320px"),
                style={"description_width": "90px"})


def _slider(value: float, low: float, high: float, step: float, description: str, unit: str,
            name: str) -> NumberSlider:
    """A lever's slider and number box (:func:`planlib.ui.kit.number_slider`)."""
    return number_slider(description, value, low, high, step, unit=unit, name=name, slider_width="150px")


class LeverControls:
    """The sliders and checkboxes of the levers of ``plan``, set to its baseline.

    Parameters
    ----------
    plan : Plan
        The baseline plan. Its officers slider moves the commitment the plan declares as carrying
        the neighbourhood officers (:func:`planlib.levers.officer_commitment`); a plan that
        declares none has no officers slider, and the panel says why.

    Attributes
    ----------
    precept : dict
        Financial year -> the slider and number box of its Band D increase
        (:class:`planlib.ui.kit.NumberSlider`, with ``precept_readout`` beside it).
    grant, pay : NumberSlider
        The changes to the police grant (%) and to the pay awards (percentage points).
    officers : NumberSlider or None
        Neighbourhood officers in post at the end of the plan (None: no officers lever).
    funded : dict
        Commitment id -> its checkbox (statutory duties are ticked and locked), with
        ``commitment_cost`` and ``commitment_status`` beside it.
    """

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.levers = lv = levers(plan)
        self.titles = {c.id: c.title for c in plan.commitments}
        base = baseline_settings(plan)
        self.precept = {y: _slider(float(base.precept_increase[y]), 0.0, float(lv.precept_max), PRECEPT_STEP, y,
                                   "£", f"Band D precept increase in {y}")
                        for y in lv.precept_years}
        for slider in self.precept.values():
            slider.add_class("planlib-precept")
        self.precept_readout = {y: widgets.HTML() for y in lv.precept_years}
        self.grant = _slider(0.0, *GRANT_CHANGE_RANGE, GRANT_STEP, "Grant", "%", "Change to the police grant")
        self.grant_readout = widgets.HTML()
        self.pay = _slider(0.0, *PAY_CHANGE_RANGE, PAY_STEP, "Pay award", "points",
                           "Change to the pay award in percentage points")
        self.pay_readout = widgets.HTML()
        self.officers: NumberSlider | None = None
        self.officers_readout = widgets.HTML()
        if lv.neighbourhood is not None and base.neighbourhood_officers is not None:
            self.officers = _slider(int(base.neighbourhood_officers), int(lv.neighbourhood_min),
                                    int(lv.neighbourhood_max), int(OFFICER_STEP), "Officers", "officers",
                                    "Neighbourhood officers in post by the end of the plan")
        self.funded: dict[str, Checkbox] = {}
        self.commitment_cost: dict[str, widgets.HTML] = {}
        self.commitment_status: dict[str, widgets.HTML] = {}
        for c in plan.commitments:
            self.funded[c.id] = Checkbox(value=True if c.mandatory else c.enabled, description=c.title, indent=False,
                                         disabled=c.mandatory, layout=widgets.Layout(width="auto"))
            self.commitment_cost[c.id] = widgets.HTML()
            self.commitment_status[c.id] = widgets.HTML()
        self._box_ids = {box.model_id: cid for cid, box in self.funded.items()}

    def all(self) -> list[NumberSlider | Checkbox]:
        """Every control, sliders first."""
        sliders: list[NumberSlider | Checkbox] = [*self.precept.values(), self.grant, self.pay]
        if self.officers is not None:
            sliders.append(self.officers)
        return [*sliders, *self.funded.values()]

    def settings(self) -> Settings:
        """The checked values of the controls; ValueError with a reader's message if one is bad."""
        lv = self.levers
        precept = {y: round(validate_number(s.value, 0.0, lv.precept_max, f"The Band D increase for {y}"), 2)
                   for y, s in self.precept.items()}
        grant = validate_number(self.grant.value, *GRANT_CHANGE_RANGE, "The change to the police grant (%)")
        pay = validate_number(self.pay.value, *PAY_CHANGE_RANGE, "The change to the pay award (percentage points)")
        officers = None
        if self.officers is not None:
            officers = int(round(validate_number(self.officers.value, lv.neighbourhood_min, lv.neighbourhood_max,
                                                 "The number of neighbourhood officers")))
        funded = {}
        for cid in lv.optional:
            value = self.funded[cid].value
            if not isinstance(value, bool):
                raise ValueError("A commitment is either funded or not.")
            funded[cid] = value
        return Settings(precept_increase=precept, grant_change_pct=round(grant, 2),
                        pay_award_change_pp=round(pay, 2), neighbourhood_officers=officers, funded=funded)

    def check(self, owner: Any, new: Any) -> None:
        """Refuse ``new`` sent to the control ``owner`` (ValueError with a reader's message) if it is bad."""
        if owner is not None and getattr(owner, "model_id", None) in self._box_ids:
            self.check_funded(self._box_ids[owner.model_id], new)
            return
        for year, slider in self.precept.items():
            if owner is slider:
                validate_number(new, 0.0, self.levers.precept_max, f"The Band D increase for {year}")
                return
        if owner is self.grant:
            validate_number(new, *GRANT_CHANGE_RANGE, "The change to the police grant (%)")
        elif owner is self.pay:
            validate_number(new, *PAY_CHANGE_RANGE, "The change to the pay award (percentage points)")
        elif owner is self.officers and owner is not None:
            validate_number(new, self.levers.neighbourhood_min, self.levers.neighbourhood_max,
                            "The number of neighbourhood officers")
        else:
            raise ValueError("That control is not part of this app.")

    def check_funded(self, commitment_id: Any, funded: Any) -> str:
        """The commitment id, if ``funded`` may be set for it; ValueError with a reader's message otherwise."""
        cid = validate_choice(commitment_id, list(self.funded), "The commitment")
        if not isinstance(funded, bool):
            raise ValueError("A commitment is either funded or not.")
        if cid in self.levers.mandatory and not funded:
            raise ValueError(f"“{self.titles[cid]}” is a statutory duty: it is always funded and cannot be dropped.")
        problem = funding_problem(self.plan, {**{c: box.value for c, box in self.funded.items()}, cid: funded})
        if problem:
            raise ValueError(problem)
        return cid

    def restore(self, settings: Settings) -> None:
        """Put every control to ``settings`` (the caller keeps its observers quiet meanwhile)."""
        for year, slider in self.precept.items():
            slider.value = settings.precept_increase[year]
        self.grant.value = settings.grant_change_pct
        self.pay.value = settings.pay_award_change_pp
        if self.officers is not None and settings.neighbourhood_officers is not None:
            self.officers.value = settings.neighbourhood_officers
        for cid, box in self.funded.items():
            box.value = settings.funded.get(cid, True)

    def panel(self, messages: Messages, reset: widgets.Button) -> widgets.VBox:
        """The controls under their headings and notes, with ``messages`` and the ``reset`` button."""
        lv = self.levers
        rows: list[widgets.Widget] = [
            widgets.HTML("<h2>Your settings</h2>"),
            widgets.HTML("<h3>Band D precept increase</h3>"),
            note("The rise in the police precept on a Band D home each year. Above the referendum "
                 "limit a local referendum would be needed."),
        ]
        rows += [_line(self.precept[y], self.precept_readout[y]) for y in lv.precept_years]
        rows += [
            widgets.HTML("<h3>Police grant settlement</h3>"),
            note(f"Change to the government grant forecast for {lv.grant_years[0]} to {lv.grant_years[-1]}."),
            _line(self.grant, self.grant_readout),
            widgets.HTML("<h3>Pay award</h3>"),
            note(f"Change to each year's pay award for officers and staff from {lv.pay_years[0]}."),
            _line(self.pay, self.pay_readout),
        ]
        rows.append(widgets.HTML("<h3>Officer uplift into neighbourhoods</h3>"))
        if self.officers is not None:
            rows += [
                note(f"Officers in neighbourhood posts by the end of {self.plan.years[-1]}; the years "
                     "between are phased as in the plan."),
                _line(self.officers, self.officers_readout),
            ]
        else:
            rows.append(note(no_officers_lever(lv) or "").add_class("planlib-no-officers-lever"))
        rows += [messages, reset]
        return widgets.VBox(rows, layout=widgets.Layout(width="560px", min_width="560px", padding="0 24px 0 0"))

    def commitments_grid(self) -> widgets.GridBox:
        """Each commitment's checkbox, cost and status: optional commitments first."""
        items: list[widgets.Widget] = [
            widgets.HTML("<b>Commitment</b>"),
            widgets.HTML('<div class="planlib-cost"><b>Cost over the plan</b></div>'),
            widgets.HTML("<b>Status</b>"),
        ]
        for cid in [*self.levers.optional, *self.levers.mandatory]:
            items += [self.funded[cid], self.commitment_cost[cid], self.commitment_status[cid]]
        return widgets.GridBox(items, layout=widgets.Layout(
            grid_template_columns="minmax(0, 1fr) 150px 200px", grid_gap="0 16px", width="100%", max_width="1100px"))


def note(text: str) -> widgets.HTML:
    """A short explanatory note (escaped)."""
    return widgets.HTML(f'<p class="planlib-note">{html.escape(text)}</p>')


def _line(control: widgets.Widget, readout: widgets.HTML) -> widgets.HBox:
    readout.layout = widgets.Layout(flex="1 1 auto", min_width="0", margin="0 0 0 8px")
    return widgets.HBox([control, readout], layout=widgets.Layout(align_items="center"))
