"""The net benefit board app: NPV with its uncertainty, and what drives one commitment's.

The Monte Carlo runs once, when the app is built: every commitment's NPV interval is drawn
from it. A viewer picks a commitment to see its tornado chart (which inputs move its NPV
most), its switching values (how far each input would have to move for the NPV to be zero)
and the numbers behind it, each with its source, confidence grade and status, so that a
reader sees at once which numbers are illustrative or unverified. ``voila_apps/net_benefit.ipynb``
shows one :class:`NetBenefitExplorer`.

The commitment a viewer sends is checked against the commitments offered
(:func:`planlib.ui.validate_choice`); any failure is logged and shown as a short message
(:func:`planlib.ui.safe`), never as a traceback.

>>> import planlib
>>> app = NetBenefitExplorer(planlib.load_plan(planlib.DEFAULT_PLAN), samples=1_000)
>>> chosen = app.plan.commitments[-1].id
>>> app.pick(chosen)
>>> app.picked == chosen
True
"""

from __future__ import annotations

import math

import altair as alt
import ipywidgets as widgets
import numpy as np
import pandas as pd

from planlib import charts
from planlib.appraisal import TOTAL, appraisal_table, build_model, commitment_tornado, switching_values
from planlib.model import Plan
from planlib.present import assumptions as numbers
from planlib.formats import MISSING, money, signed_percent
from planlib.present.html import APP_CSS, Html, banner, cards, heading, html_table, paragraph, status_badge
from planlib.present.labels import commitment_titles
from planlib.types import FinancialYear
from planlib.ui import Messages, chart_widget, log_to_server, readable, safe, section, validate_choice
from planlib.uncertainty import DEFAULT_SEED

DEFAULT_APP_SAMPLES = 5_000
"""Monte Carlo draws the app makes when it starts (enough for stable 5th and 95th percentiles,
quick enough to show the first chart at once)."""

MAX_APP_SAMPLES = 200_000


def _payback_text(value: float, horizon_years: int) -> str:
    if value is None or not math.isfinite(value):
        return f"None in {horizon_years} years"
    return str(FinancialYear(int(value)))


class NetBenefitExplorer:
    """The net benefit app: build it on a plan and show :attr:`widget`.

    Parameters
    ----------
    plan : Plan
    samples : int
        Monte Carlo draws, made once when the app is built (100 to 200,000).
    seed : int
        Seed of the draws: the same plan and seed give the same intervals.
    commitment : str, optional
        The commitment shown first; by default the first with monetised benefits.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The whole app (everything below the header).
    picker : ipywidgets.Dropdown
        The commitment whose tornado chart, switching values and assumptions are shown.
    table : pandas.DataFrame
        The appraisal, one row per enabled commitment and TOTAL
        (:func:`planlib.appraisal.appraisal_table`).
    messages : planlib.ui.Messages

    Examples
    --------
    >>> import planlib
    >>> app = NetBenefitExplorer(planlib.load_plan(planlib.DEFAULT_PLAN), samples=1_000)
    >>> app.pick("__import__('os')")
    >>> "not one of the choices" in app.messages.value
    True
    """

    def __init__(self, plan: Plan, samples: int = DEFAULT_APP_SAMPLES, seed: int = DEFAULT_SEED,
                 commitment: str | None = None) -> None:
        whole = (int, np.integer)
        if isinstance(samples, bool) or not isinstance(samples, whole) or not 100 <= samples <= MAX_APP_SAMPLES:
            raise ValueError(f"samples must be a whole number from 100 to {MAX_APP_SAMPLES:,}, not {samples!r}")
        if isinstance(seed, bool) or not isinstance(seed, whole) or seed < 0:
            raise ValueError(f"seed must be a whole number of 0 or more, not {seed!r}")
        log_to_server()
        self.plan = plan
        self.samples = int(samples)
        self.seed = int(seed)
        self.messages = Messages()
        self.model = build_model(plan)
        self.table = appraisal_table(plan, self.samples, self.seed)
        self.titles = commitment_titles(plan)
        self.commitment_ids = list(self.model.commitments)
        if not self.commitment_ids:
            raise ValueError("the plan has no commitments in it to appraise")
        self._rows = self.table.set_index("commitment")
        self._sensitivity: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
        if commitment is None:
            monetised = [c for c in self.commitment_ids if self._rows.at[c, "monetised"] > 0]
            commitment = (monetised or self.commitment_ids)[0]
        commitment = validate_choice(commitment, self.commitment_ids, "The commitment")

        self.picker = widgets.Dropdown(
            options=[(self.titles[c], c) for c in self.commitment_ids], value=commitment,
            description="Commitment", style={"description_width": "initial"},
            layout=widgets.Layout(width="720px"),
        )
        self.interval_chart = chart_widget(
            charts.npv_interval_chart(self.table, titles=self.titles, width=520), "planlib-interval-chart")
        self.headline = widgets.HTML()
        self.tornado_chart = chart_widget(self._tornado_chart(commitment), "planlib-tornado-chart")
        self.switching_table = widgets.HTML()
        self.assumptions_table = widgets.HTML()
        self._quiet = False
        self.picker.observe(safe(self.messages)(self._on_pick), names="value")
        self.picked = commitment
        self._show(commitment)
        self.widget = self._page()

    def _page(self) -> widgets.VBox:
        """The whole app: its sections in reading order."""
        page = widgets.VBox([
            widgets.HTML(APP_CSS),
            widgets.HTML(self._banner_html()),
            section("Net present value of every commitment", self.interval_chart,
                    note=f"Net present value (benefits less costs, discounted, in {self.model.years[0]} prices) "
                         f"from {self.samples:,} Monte Carlo draws over the 90% intervals of the assumptions "
                         f"(seed {self.seed}). Commitments whose benefits are not monetised count their costs only. "
                         "Hover over a row for its figures."),
            section("One commitment in detail", self.picker, self.messages, self.headline,
                    note="Choose a commitment to see what drives its net benefit and where its numbers come from."),
            section("What moves its net benefit", self.tornado_chart,
                    note="Each bar shows how far the net present value moves when one assumption goes from the "
                         "low to the high end of its 90% interval, the others held at their central values."),
            section("Switching values", self.switching_table,
                    note="The value each input would need for the net present value to be zero, the others "
                         "central. A small change from central means the case rests on that number."),
            section("The numbers behind it", self.assumptions_table,
                    note="Every number this commitment's net benefit uses, with its source, confidence grade "
                         "(1 best to 6 weakest) and status. A value given as a range is a 90% interval: 90% sure "
                         "it lies between. Illustrative and unverified numbers are not evidence: treat the "
                         "results as a worked example until they are replaced."),
        ])
        page.add_class("planlib-app")
        return page

    # ------------------------------------------------------------------ picking

    def pick(self, commitment: object) -> None:
        """Show ``commitment`` as a viewer would pick it; a bad value gets a message, not an error."""
        safe(self.messages)(self._pick)(commitment)

    def _pick(self, commitment: object) -> None:
        self.picker.value = validate_choice(commitment, self.commitment_ids, "The commitment")

    def _on_pick(self, change: dict) -> None:
        if self._quiet:
            return
        commitment = change.get("new")
        try:
            commitment = validate_choice(commitment, self.commitment_ids, "The commitment")
            chart = readable(self._tornado_chart(commitment))
            self._show(commitment)
        except Exception:
            # Show the commitment the page still describes, then say what went wrong.
            self._quiet = True
            try:
                self.picker.value = self.picked
            finally:
                self._quiet = False
            raise
        self.tornado_chart.chart = chart
        self.picked = commitment
        self.messages.clear()

    def sensitivity(self, commitment: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The tornado table and the switching values of one commitment (computed once each)."""
        commitment = validate_choice(commitment, self.commitment_ids, "The commitment")
        if commitment not in self._sensitivity:
            self._sensitivity[commitment] = (commitment_tornado(self.plan, commitment),
                                             switching_values(self.plan, commitment))
        return self._sensitivity[commitment]

    # ------------------------------------------------------------------ labels

    def input_labels(self, commitment: str) -> dict[str, str]:
        """Label of every input of one commitment's switching values (and so of its tornado chart)."""
        _, switching = self.sensitivity(commitment)
        return numbers.input_labels(self.plan, commitment, list(switching["input"]))

    def provenance(self, commitment: str) -> pd.DataFrame:
        """Every number behind one commitment's net benefit (:func:`planlib.present.assumptions.assumption_table`)."""
        commitment = validate_choice(commitment, self.commitment_ids, "The commitment")
        return numbers.assumption_table(self.plan, commitment, pv_costs=self._rows.at[commitment, "pv_costs"])

    # ------------------------------------------------------------------ drawing

    def _tornado_chart(self, commitment: str) -> alt.TopLevelMixin:
        tornado, _ = self.sensitivity(commitment)
        labels = self.input_labels(commitment)
        return charts.tornado_chart(tornado, f"What moves the net present value of: {self.titles[commitment]}",
                                    labels=labels, width=480)

    def _show(self, commitment: str) -> None:
        """Redraw the tables of one commitment; nothing changes on the page if a part fails."""
        parts = self._headline_html(commitment), self._switching_html(commitment), self._assumptions_html(commitment)
        self.headline.value, self.switching_table.value, self.assumptions_table.value = parts

    def _headline_html(self, commitment: str) -> str:
        row = self._rows.loc[commitment]
        facts = cards([
            (money(row["npv_p50"]), "median net present value"),
            (f"{money(row['npv_p5'])} to {money(row['npv_p95'])}", "90% interval"),
            (numbers.chance(row["prob_npv_positive"]), "chance the NPV is above zero"),
            (f"{row['bcr_p50']:,.2f}" if math.isfinite(row["bcr_p50"]) else MISSING, "median benefit-cost ratio"),
            (money(row["pv_costs"]), "present value of costs"),
            (_payback_text(row["payback_year"], self.plan.appraisal.horizon_years), "payback year (central)"),
        ])
        parts = [heading(self.titles[commitment], 3, "planlib-picked"), facts]
        if row["monetised"] <= 0:
            parts.append(banner("This commitment's benefits are not monetised, so its net present value is minus "
                                "the present value of its costs: no assumption moves it, and a negative figure is "
                                "not a judgement on its value."))
        return "\n".join(parts)

    def _switching_html(self, commitment: str) -> str:
        _, table = self.sensitivity(commitment)
        labels = self.input_labels(commitment)
        # The inputs the case rests on most (the smallest change switches the sign) first.
        table = table.assign(_order=table["change_pct"].abs().replace([np.inf, -np.inf], np.nan))
        table = table.sort_values("_order", na_position="last", kind="stable")
        rows = []
        for r in table.itertuples():
            status = numbers.input_status(self.plan, commitment, r.input)
            rows.append([
                labels[r.input],
                numbers.input_unit(self.plan, r.input),
                numbers.format_input(self.plan, r.input, r.central),
                numbers.format_input(self.plan, r.input, r.switching_value),
                signed_percent(r.change_pct, 0) if math.isfinite(r.change_pct) else MISSING,
                status_badge(status) if status else Html(MISSING),
            ])
        headers = ["Input", "Unit", "Central value", "Switching value (NPV = 0)", "Change from central", "Status"]
        return html_table(headers, rows, numeric=[2, 3, 4], css_class="planlib-table planlib-switching")

    def _assumptions_html(self, commitment: str) -> str:
        return numbers.assumptions_html(self.provenance(commitment), "this commitment's net benefit")

    def _banner_html(self) -> str:
        benefit_statuses, cost_statuses = numbers.statuses_used(self.plan)
        total = self._rows.loc[TOTAL]
        headline = (f"All commitments together: median net present value {money(total['npv_p50'])} "
                    f"(90% interval {money(total['npv_p5'])} to {money(total['npv_p95'])}); "
                    f"chance it is above zero {numbers.chance(total['prob_npv_positive'])}.")
        doubtful = sum(s in numbers.DOUBTFUL for s in benefit_statuses + cost_statuses)
        caution = (f"Benefits rest on {len(benefit_statuses)} assumptions, unit costs and settings: "
                   f"{numbers.status_counts(benefit_statuses)}. Costs rest on {len(cost_statuses)} cost lines "
                   f"(a commitment's costs in one year): {numbers.status_counts(cost_statuses)}.")
        if doubtful:
            caution += (" Illustrative and unverified numbers are not evidence: read these results as a worked "
                        "example of the method until they are replaced.")
        return paragraph(headline, "planlib-headline", strong=True) + paragraph(caution, "planlib-banner planlib-caution")


__all__ = ["DEFAULT_APP_SAMPLES", "NetBenefitExplorer"]
