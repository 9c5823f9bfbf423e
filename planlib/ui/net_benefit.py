"""The net benefit board app: what is valued apart from what is not, and what drives one commitment.

The page opens with one honest headline (:func:`planlib.present.appraisal.cases_headline`): how
many commitments have benefits valued in money and, for those alone, their median net present
public value, its 90% interval and the chance their benefits outweigh their costs; then what the
others cost, listed with what each would need to achieve to pay for itself. The two groups are
never added together (:func:`planlib.appraisal.appraisal_cases`). Below: the valued commitments'
intervals (a chart with its description, its figures as a table and a CSV download), the
financial and economic cases of the HM Treasury 2014 guidance for local partnerships with plain
words beside each term, the commitments not valued with their break-even needs, and one
commitment in detail: its tornado chart (which inputs move its NPV most), its switching values
and the numbers behind it, each with its source, confidence grade and status.

The Monte Carlo runs once, when the app is built. ``voila_apps/net_benefit.ipynb`` shows one
:class:`NetBenefitExplorer`. The commitment shown in detail is a trait, :attr:`NetBenefitExplorer.commitment`,
that a page address can follow (``explorer.observe(callback, names="commitment")``) and set
(:meth:`NetBenefitExplorer.select`).

The commitment a viewer sends is checked against the commitments offered
(:func:`planlib.ui.validate_choice`); any failure is logged and shown as a short message
(:func:`planlib.ui.safe`), never as a traceback.

>>> import planlib
>>> app = NetBenefitExplorer(planlib.load_plan(planlib.DEFAULT_PLAN), samples=1_000)
>>> chosen = app.plan.commitments[-1].id
>>> app.select(chosen)
True
>>> app.commitment == app.picked == chosen
True
"""

from __future__ import annotations

import math

import altair as alt
import ipywidgets as widgets
import numpy as np
import pandas as pd
import traitlets

from planlib import charts
from planlib.appraisal import appraisal_cases, build_model, commitment_tornado, switching_values
from planlib.formats import MISSING, money, signed_percent
from planlib.model import Plan
from planlib.present import assumptions as numbers
from planlib.present.appraisal import (CASES_SOURCE, TERMS, break_even_words, cases_frame, cases_headline,
                                       not_valued_frame, payback_words, per_pound, valued_frame)
from planlib.present.html import APP_CSS, Html, banner, cards, heading, html_table, paragraph, status_badge
from planlib.present.labels import commitment_titles
from planlib.ui import Messages, log_to_server, readable, safe, section, validate_choice
from planlib.ui.kit import chart_block, download_link, table_block
from planlib.ui.view_link import commitment_link
from planlib.uncertainty import DEFAULT_SEED

DEFAULT_APP_SAMPLES = 5_000
"""Monte Carlo draws the app makes when it starts (enough for stable 5th and 95th percentiles,
quick enough to show the first chart at once)."""

MAX_APP_SAMPLES = 200_000

_TORNADO_MONEY = ("NPV with it at the low end", "NPV with it at the high end", "Swing")


class NetBenefitExplorer(traitlets.HasTraits):
    """The net benefit app: build it on a plan and show :attr:`widget`.

    Parameters
    ----------
    plan : Plan
    samples : int
        Monte Carlo draws, made once when the app is built (100 to 200,000).
    seed : int
        Seed of the draws: the same plan and seed give the same intervals.
    commitment : str, optional
        The commitment shown first; by default the first with valued benefits.

    Attributes
    ----------
    commitment : str
        The id of the commitment shown in detail (a trait: observe it to follow the viewer's
        choice; set it through :meth:`select`).
    widget : ipywidgets.VBox
        The whole app (everything below the header).
    picker : ipywidgets.Dropdown
        The commitment whose tornado chart, switching values and assumptions are shown.
    cases : planlib.appraisal.AppraisalCases
        The appraisal split into valued and not valued commitments, with both cases.
    table : pandas.DataFrame
        The whole appraisal, one row per enabled commitment, then the valued and
        not valued groups (:func:`planlib.appraisal.appraisal_table`; group rows are not shown here).
    messages : planlib.ui.Messages

    Examples
    --------
    >>> import planlib
    >>> app = NetBenefitExplorer(planlib.load_plan(planlib.DEFAULT_PLAN), samples=1_000)
    >>> app.select("__import__('os')")
    False
    >>> "not one of the choices" in app.messages.value
    True
    """

    commitment = traitlets.Unicode(help="The id of the commitment shown in detail.")

    def __init__(self, plan: Plan, samples: int = DEFAULT_APP_SAMPLES, seed: int = DEFAULT_SEED,
                 commitment: str | None = None) -> None:
        super().__init__()
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
        self.cases = appraisal_cases(plan, self.samples, self.seed)
        self.table = self.cases.table
        self.titles = commitment_titles(plan)
        self.commitment_ids = list(self.model.commitments)
        if not self.commitment_ids:
            raise ValueError("the plan has no commitments in it to appraise")
        self._rows = self.table.set_index("commitment")
        self._valued = self.cases.valued.set_index("commitment")
        self._not_valued = self.cases.not_valued.set_index("commitment")
        self._sensitivity: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
        if commitment is None:
            commitment = (list(self._valued.index) or self.commitment_ids)[0]
        commitment = validate_choice(commitment, self.commitment_ids, "The commitment")

        self.picker = widgets.Dropdown(
            options=[(self.titles[c], c) for c in self.commitment_ids], value=commitment,
            description="Commitment", style={"description_width": "initial"},
            layout=widgets.Layout(width="720px"),
        )
        self.interval_block = self._interval_block()
        self.interval_chart = self.interval_block.chart if self.interval_block is not None else None
        self.headline = widgets.HTML()
        self.tornado_block = chart_block(self._tornado_chart(commitment), description=self._tornado_words(commitment),
                                         table=self._tornado_table(commitment), title="", csv_name="what_moves_its_npv",
                                         money=_TORNADO_MONEY, css_class="planlib-tornado-chart", level=0)
        self.tornado_chart = self.tornado_block.chart
        self.switching_table = widgets.HTML()
        self.assumptions_table = widgets.HTML()
        self._quiet = False
        self.picker.observe(safe(self.messages)(self._on_pick), names="value")
        self.commitment = commitment
        self._show(commitment)
        self.link = commitment_link(self)  # "Copy a link to this view"; link.open_link(query) opens one
        self.widget = self._page()

    @property
    def picked(self) -> str:
        """The commitment shown in detail (the same as :attr:`commitment`)."""
        return self.commitment

    # ------------------------------------------------------------------ the page

    def _page(self) -> widgets.VBox:
        """The whole app: its sections in reading order."""
        n_valued, n_other = self.cases.counts
        prices = f"in {self.model.years[0]} prices, discounted"
        parts = [widgets.HTML(APP_CSS), widgets.HTML(self._banner_html())]
        if n_valued:
            parts.append(section(
                f"The {n_valued} commitments whose benefits are valued" if n_valued > 1 else
                "The commitment whose benefits are valued",
                *([self.interval_block] if self.interval_block is not None else []),
                table_block(valued_frame(self.cases, self.titles), caption="Net benefit of the valued commitments, "
                            "and of them together", csv_name="valued_commitments", csv=self._valued_csv()),
                note=f"Net present value (benefits less costs, {prices}) from {self.samples:,} Monte Carlo draws over "
                     f"the 90% intervals of the assumptions (seed {self.seed}). The last row is these commitments "
                     "together; the commitments whose benefits are not valued are not added in."))
            parts.append(section(
                "The financial case and the economic case", table_block(
                    cases_frame(self.cases), caption="The valued commitments together, in the two cases",
                    csv_name="financial_and_economic_cases"),
                note=f"As the {CASES_SOURCE} set them out. The financial case counts only savings to public "
                     "budgets; the economic case counts all public value: savings, the economy and people's lives."))
        parts.append(section(
            f"The {n_other} commitments whose benefits are not valued: what each would need to achieve"
            if n_other != 1 else "The commitment whose benefits are not valued: what it would need to achieve",
            table_block(not_valued_frame(self.cases, self.titles), caption="Cost, and what would repay it",
                        csv_name="commitments_not_valued", csv=self._not_valued_csv()),
            note="Their benefits are not valued in money, so no net present value is given for them"
                 + (" and they are not added to the figures above." if n_valued else ".")
                 + f" Together they cost {money(self.cases.not_valued_total['pv_costs'])} "
                 f"({prices}). A cost a year is the even yearly sum over the plan's {self.cases.plan_years} years "
                 "worth the same: the benefit a year that would repay it. Where the plan values an outcome near the "
                 "commitment (under the same objective, or offences counted by the same KPI) the need is also said "
                 "in that outcome, an offence at its Home Office unit cost of crime."))
        parts += [
            section("One commitment in detail", self.picker, self.messages, self.headline, self.link,
                    note="Choose a commitment to see what drives its net benefit and where its numbers come from."),
            section("What moves its net benefit", self.tornado_block,
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
        ]
        page = widgets.VBox(parts)
        page.add_class("planlib-app")
        return page

    def _interval_block(self) -> widgets.Widget | None:
        """The valued commitments' intervals as a chart with its description and figures (None if none is valued)."""
        valued = self.cases.valued
        if valued.empty:
            return None
        top = valued.sort_values("npv_p50", ascending=False).iloc[0]
        description = (f"For each of the {len(valued)} commitments whose benefits are valued, a point at its median "
                       f"net present value and a line across its 90% interval. The highest median is "
                       f"{self.titles[top['commitment']]} at {money(top['npv_p50'])}; "
                       f"{sum(valued['npv_p50'] > 0)} of {len(valued)} have a median above zero.")
        figures = pd.DataFrame({"Commitment": [self.titles[c] for c in valued["commitment"]],
                                "Median net present value": valued["npv_p50"], "5th percentile": valued["npv_p5"],
                                "95th percentile": valued["npv_p95"],
                                "Chance the benefits outweigh the costs": [numbers.chance(p) for p in
                                                                           valued["prob_npv_positive"]]})
        chart = charts.npv_interval_chart(self.table, titles=self.titles, width=520)
        return chart_block(chart, description=description, table=figures, csv_name="valued_commitments_npv",
                           title="Net present value of each valued commitment, with its 90% interval",
                           money=["Median net present value", "5th percentile", "95th percentile"],
                           css_class="planlib-interval-chart")

    def _valued_csv(self) -> pd.DataFrame:
        """The valued commitments' figures for the CSV download: whole numbers, columns titled."""
        rows = pd.concat([self.cases.valued, self.cases.valued_total.to_frame().T], ignore_index=True)
        rows["commitment"] = [self.titles.get(c, "The valued commitments together") for c in rows["commitment"]]
        return rows.rename(columns=lambda c: c.replace("_", " "))

    def _not_valued_csv(self) -> pd.DataFrame:
        rows = self.cases.not_valued.assign(commitment=[self.titles[c] for c in self.cases.not_valued["commitment"]])
        return rows.rename(columns=lambda c: c.replace("_", " "))

    # ------------------------------------------------------------------ choosing a commitment

    def select(self, commitment_id: object) -> bool:
        """Show ``commitment_id`` in detail, as a viewer would choose it (a page address, say).

        Returns True when it is shown; a value that is not one of the commitments gets a short
        message on the page (and False), never an error.
        """
        self.pick(commitment_id)
        return self.commitment == commitment_id

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
            words, figures = self._tornado_words(commitment), self._tornado_table(commitment)
            self._show(commitment)
        except Exception:
            # Show the commitment the page still describes, then say what went wrong.
            self._quiet = True
            try:
                self.picker.value = self.commitment
            finally:
                self._quiet = False
            raise
        self.tornado_block.update(chart=chart, description=words, table=figures)
        self.commitment = commitment
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

    def _tornado_table(self, commitment: str) -> pd.DataFrame:
        tornado, _ = self.sensitivity(commitment)
        labels = self.input_labels(commitment)
        return pd.DataFrame({"Assumption": [labels.get(i, i) for i in tornado["input"]],
                             "NPV with it at the low end": tornado["output_low"],
                             "NPV with it at the high end": tornado["output_high"],
                             "Swing": tornado["swing"]})

    def _tornado_words(self, commitment: str) -> str:
        tornado, _ = self.sensitivity(commitment)
        if tornado.empty:
            return (f"{self.titles[commitment]}: its benefits are not valued, so no assumption moves its net "
                    "present value; the chart is empty.")
        first = tornado.iloc[0]
        label = self.input_labels(commitment).get(first["input"], first["input"])
        return (f"What moves the net present value of {self.titles[commitment]} most is {label}: from "
                f"{money(first['output_low'])} at the low end of its interval to {money(first['output_high'])} at "
                f"the high end. {len(tornado)} assumptions are shown, largest swing first.")

    def _show(self, commitment: str) -> None:
        """Redraw the tables of one commitment; nothing changes on the page if a part fails."""
        parts = self._headline_html(commitment), self._switching_html(commitment), self._assumptions_html(commitment)
        self.headline.value, self.switching_table.value, self.assumptions_table.value = parts

    def _headline_html(self, commitment: str) -> str:
        if commitment not in self._valued.index:
            row = self._not_valued.loc[commitment]
            facts = cards([(money(row["pv_costs"], thousands=True), "cost (present value)"),
                           (money(row["cost_a_year"], thousands=True), "cost a year")])
            basis = f" That unit is {row['unit_basis']}." if row["unit"] and row["units_a_year"] > 0 else ""
            return "\n".join([heading(self.titles[commitment], 3, "planlib-picked"), facts, banner(
                "Its benefits are not valued in money (not monetised), so no net present value is given: to pay "
                f"for itself it would need {break_even_words(row)}.{basis}")])
        row = self._valued.loc[commitment]
        facts = cards([
            (money(row["npv_p50"]), f"{TERMS['net_present_public_value'][0].lower()} (median)"),
            (f"{money(row['npv_p5'])} to {money(row['npv_p95'])}", "90% interval"),
            (numbers.chance(row["prob_npv_positive"]), TERMS["prob_npv_positive"][0].lower()),
            (per_pound(row["public_value_bcr"]), TERMS["public_value_bcr"][0].lower()),
            (money(row["net_present_budget_impact"]), TERMS["net_present_budget_impact"][0].lower()),
            (per_pound(row["financial_roi"]), TERMS["financial_roi"][0].lower()),
            (payback_words(row["payback_period"], self.cases.horizon_years), TERMS["payback_period"][0].lower()),
            (money(row["pv_costs"]), "costs (present value)"),
        ])
        return "\n".join([heading(self.titles[commitment], 3, "planlib-picked"), facts])

    def _switching_html(self, commitment: str) -> str:
        _, table = self.sensitivity(commitment)
        labels = self.input_labels(commitment)
        # The inputs the case rests on most (the smallest change switches the sign) first.
        table = table.assign(_order=table["change_pct"].abs().replace([np.inf, -np.inf], np.nan))
        table = table.sort_values("_order", na_position="last", kind="stable")
        rows, figures = [], []
        for r in table.itertuples():
            status = numbers.input_status(self.plan, commitment, r.input)
            row = [labels[r.input], numbers.input_unit(self.plan, r.input),
                   numbers.format_input(self.plan, r.input, r.central),
                   numbers.format_input(self.plan, r.input, r.switching_value),
                   signed_percent(r.change_pct, 0) if math.isfinite(r.change_pct) else MISSING]
            rows.append([*row, status_badge(status) if status else Html(MISSING)])
            figures.append([*row, status or ""])
        headers = ["Input", "Unit", "Central value", "Switching value (NPV = 0)", "Change from central", "Status"]
        link = download_link(pd.DataFrame(figures, columns=headers), "switching_values")
        return (html_table(headers, rows, numeric=[2, 3, 4], css_class="planlib-table planlib-switching")
                + f'<p class="planlib-download-line">{link}</p>')

    def _assumptions_html(self, commitment: str) -> str:
        return numbers.assumptions_html(self.provenance(commitment), "this commitment's net benefit")

    def _banner_html(self) -> str:
        benefit_statuses, cost_statuses = numbers.statuses_used(self.plan)
        doubtful = sum(s in numbers.DOUBTFUL for s in benefit_statuses + cost_statuses)
        caution = (f"Benefits rest on {len(benefit_statuses)} assumptions, unit costs and settings: "
                   f"{numbers.status_counts(benefit_statuses)}. Costs rest on {len(cost_statuses)} cost lines "
                   f"(a commitment's costs in one year): {numbers.status_counts(cost_statuses)}.")
        if doubtful:
            caution += (" Illustrative and unverified numbers are not evidence: read these results as a worked "
                        "example of the method until they are replaced.")
        return (paragraph(cases_headline(self.cases), "planlib-headline", strong=True)
                + paragraph(caution, "planlib-banner planlib-caution"))


__all__ = ["DEFAULT_APP_SAMPLES", "NetBenefitExplorer"]
