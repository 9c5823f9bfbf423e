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
>>> app.pick("victims_services")
>>> app.picked
'victims_services'
"""

from __future__ import annotations

import html
import math
from collections import Counter

import altair as alt
import ipywidgets as widgets
import numpy as np
import pandas as pd

from planlib import charts
from planlib.appraisal import TOTAL, appraisal_table, build_model, commitment_tornado, switching_values
from planlib.model import Plan
from planlib.types import FinancialYear
from planlib.ui import Messages, money, safe, section, validate_choice
from planlib.ui.overview import (APP_CSS, STATUS_LABELS, Html, chart_widget, html_table, log_to_server, readable,
                                 status_badge)
from planlib.uncertainty import DEFAULT_SEED

DEFAULT_APP_SAMPLES = 5_000
"""Monte Carlo draws the app makes when it starts (enough for stable 5th and 95th percentiles,
quick enough to show the first chart at once)."""

MAX_APP_SAMPLES = 200_000

FIELD_LABELS = {
    "volume": "Volume",
    "unit_value": "Unit value",
    "value_share": "Value share",
    "deadweight": "Deadweight",
    "attribution": "Attribution",
    "displacement": "Displacement",
    "drop_off": "Drop-off",
}
"""How each input of a benefit line is named for a reader."""

DOUBTFUL = ("illustrative", "unverified")
"""Statuses that mean a number must not be relied on as it stands."""


def _humanise(text: str) -> str:
    return text.replace("_", " ").strip()


def _payback_text(value: float, horizon_years: int) -> str:
    if value is None or not math.isfinite(value):
        return f"None in {horizon_years} years"
    return str(FinancialYear(int(value)))


def _percent(value: float, digits: int = 0) -> str:
    return f"{value * 100:,.{digits}f}%"


def _share(value: float) -> str:
    """A share as a percentage: whole percentages without decimals, small ones to one decimal.

    >>> _share(0.05), _share(0.1616), _share(0.025), _share(0.0)
    ('5%', '16%', '2.5%', '0%')
    """
    percent = value * 100
    if abs(percent - round(percent)) < 1e-9 or abs(percent) >= 10:
        return f"{percent:,.0f}%"
    return f"{percent:,.1f}%"


def _quantity(value: float) -> str:
    """A count or rate: whole numbers without decimals, small numbers to three figures.

    >>> _quantity(30.0), _quantity(86.6), _quantity(1777.2), _quantity(0.2)
    ('30', '86.6', '1,777', '0.2')
    """
    if float(value).is_integer():
        return f"{value:,.0f}"
    if abs(value) < 10:
        return f"{value:,.3g}"
    return f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"


def _chance(probability: float) -> str:
    """A probability as a reader expects it, never rounding a small chance to 0%."""
    if not math.isfinite(probability):
        return "–"
    if 0 < probability < 0.01:
        return "under 1%"
    if 0.99 < probability < 1:
        return "over 99%"
    return _percent(probability)


def _signed_percent(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{abs(value):,.0f}%"


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
        self.titles = {c.id: c.title for c in plan.commitments}
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

        self.widget = widgets.VBox([
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
        self.widget.add_class("planlib-app")

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

    # ------------------------------------------------------------------ labels and formats

    def _fields(self, commitment: str) -> dict[str, str]:
        """Assumption id -> the benefit-line field it is used for, for one commitment."""
        fields: dict[str, str] = {}
        for line in self.plan.commitment(commitment).benefits:
            for name, ref in line.assumption_refs().items():
                fields.setdefault(ref, name)
            if line.crime_type is not None:
                fields.setdefault(f"unit_cost:{line.crime_type}", "unit_value")
        return fields

    def input_labels(self, commitment: str) -> dict[str, str]:
        """Label of every input of one commitment's switching values (and so of its tornado chart)."""
        _, switching = self.sensitivity(commitment)
        fields = self._fields(commitment)
        return {name: self.input_label(name, fields.get(name)) for name in switching["input"]}

    def input_label(self, name: str, field: str | None = None) -> str:
        """A short label for a model input: "Volume: robbery neighbourhood", "Unit cost of crime: robbery"."""
        if name == "pv_costs":
            return "Present value of costs"
        if name.startswith("unit_cost:"):
            return f"Unit cost of crime: {_humanise(name.split(':', 1)[1])}"
        kind = FIELD_LABELS.get(field or "", "")
        assumption = self.model.assumptions.get(name)
        if field == "volume" and assumption is not None and assumption.description:
            # "Robberies prevented a year by the 450 neighbourhood officers ..." -> "Robberies prevented a year"
            sentence = assumption.description.split(". ")[0]
            if " a year" in sentence:
                words = sentence[: sentence.index(" a year") + len(" a year")]
                if len(words) <= 60:
                    return f"{kind}: {words[0].lower() + words[1:]}"
        rest = name
        for prefix in (field, "share", "unit_value", "volume"):
            if prefix and rest.startswith(prefix + "_"):
                rest = rest[len(prefix) + 1:]
                break
        return f"{kind}: {_humanise(rest)}" if kind else _humanise(rest)

    def _unit(self, name: str) -> str:
        if name == "pv_costs":
            return "GBP (present value)"
        if name.startswith("unit_cost:"):
            return f"GBP per offence ({self.model.years[0]} prices)"
        assumption = self.model.assumptions.get(name)
        return assumption.unit if assumption is not None else ""

    def _format(self, name: str, value: float) -> str:
        if value is None or not math.isfinite(value):
            return "none in range"
        unit = self._unit(name).lower()
        if name == "pv_costs":
            return money(value)
        if unit.startswith("gbp"):
            return f"£{value:,.0f}"
        if "share" in unit:
            return _share(value)
        return _quantity(value)

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
        facts = [
            (money(row["npv_p50"]), "median net present value"),
            (f"{money(row['npv_p5'])} to {money(row['npv_p95'])}", "90% interval"),
            (_chance(row["prob_npv_positive"]), "chance the NPV is above zero"),
            (f"{row['bcr_p50']:,.2f}" if math.isfinite(row["bcr_p50"]) else "–", "median benefit-cost ratio"),
            (money(row["pv_costs"]), "present value of costs"),
            (_payback_text(row["payback_year"], self.plan.appraisal.horizon_years), "payback year (central)"),
        ]
        cards = "".join(
            f'<div class="planlib-card"><div class="planlib-figure">{html.escape(v)}</div>'
            f'<div class="planlib-card-label">{html.escape(k)}</div></div>'
            for v, k in facts
        )
        title = html.escape(self.titles[commitment])
        parts = [f'<h3 class="planlib-picked">{title}</h3>', f'<div class="planlib-cards">{cards}</div>']
        if row["monetised"] <= 0:
            parts.append('<p class="planlib-banner">This commitment\'s benefits are not monetised, so its net '
                         "present value is minus the present value of its costs: no assumption moves it, and "
                         "a negative figure is not a judgement on its value.</p>")
        return "\n".join(parts)

    def _switching_html(self, commitment: str) -> str:
        _, table = self.sensitivity(commitment)
        labels = self.input_labels(commitment)
        # The inputs the case rests on most (the smallest change switches the sign) first.
        table = table.assign(_order=table["change_pct"].abs().replace([np.inf, -np.inf], np.nan))
        table = table.sort_values("_order", na_position="last", kind="stable")
        rows = []
        for r in table.itertuples():
            status = self._status(commitment, r.input)
            rows.append([
                labels[r.input],
                self._unit(r.input),
                self._format(r.input, r.central),
                self._format(r.input, r.switching_value),
                _signed_percent(r.change_pct),
                status_badge(status) if status else Html("–"),
            ])
        headers = ["Input", "Unit", "Central value", "Switching value (NPV = 0)", "Change from central", "Status"]
        return html_table(headers, rows, numeric=[2, 3, 4], css_class="planlib-table planlib-switching")

    def _status(self, commitment: str, name: str) -> str:
        """The status of an input; for the PV of costs, the most doubtful status of the cost lines."""
        assumption = self.model.assumptions.get(name)
        if assumption is not None:
            return assumption.status
        if name.startswith("unit_cost:"):
            crime = name.split(":", 1)[1]
            return next((u.status for u in self.plan.unit_costs if u.crime_type == crime), "")
        if name == "pv_costs":
            statuses = {line.status for line in self.plan.commitment(commitment).costs}
            return next((s for s in ("unverified", "illustrative", "estimate", "verified") if s in statuses), "")
        return ""

    def provenance(self, commitment: str) -> pd.DataFrame:
        """Every number behind one commitment's net benefit, with its source, confidence and status.

        Returns
        -------
        pandas.DataFrame
            Columns ``number`` (a label), ``used_for``, ``value`` (as shown), ``unit``,
            ``source``, ``confidence`` and ``status``: the assumptions of its benefit lines,
            the unit costs of crime they use, its cost lines (grouped by source) and the
            appraisal settings that apply to every commitment.
        """
        commitment = validate_choice(commitment, self.commitment_ids, "The commitment")
        c = self.plan.commitment(commitment)
        register = {a.id: a for a in self.plan.assumptions if a.id is not None}
        unit_costs = {u.crime_type: u for u in self.plan.unit_costs}
        rows: dict[str, dict[str, object]] = {}

        def add(key: str, used_for: str, **row: object) -> None:
            """One row per number; a number used by several benefit lines lists each of them."""
            if key not in rows:
                rows[key] = {"used_for": [], "description": "", **row}
            if used_for not in rows[key]["used_for"]:
                rows[key]["used_for"].append(used_for)

        for line in c.benefits:
            if line.crime_type is not None:
                u = unit_costs[line.crime_type]
                note = f" ({u.status_note})" if u.status_note else ""
                add(f"unit_cost:{u.crime_type}", line.outcome, number=self.input_label(f"unit_cost:{u.crime_type}"),
                    value=f"£{u.unit_cost_gbp:,.0f} ({u.price_year} prices)", unit="GBP per offence",
                    source=u.source + note, confidence=u.confidence, status=u.status)
            for name, ref in line.assumption_refs().items():
                a = register[ref]
                if a.is_interval:
                    value = f"{self._format(ref, a.low)} to {self._format(ref, a.high)}"
                else:
                    value = self._format(ref, a.central)
                add(ref, line.outcome, number=self.input_label(ref, name), value=value, unit=a.unit,
                    source=a.source, confidence=a.confidence, status=a.status, description=a.description)
        groups: dict[tuple[str, str, int], list] = {}
        for line in c.costs:
            groups.setdefault((line.source, line.status, line.confidence), []).append(line)
        costs = self.table.set_index("commitment").at[commitment, "pv_costs"]
        for (source, status, confidence), lines in groups.items():
            years = sorted(line.year for line in lines)
            span = str(years[0]) if len(years) == 1 else f"{years[0]} to {years[-1]}"
            add(f"costs:{source}:{status}:{confidence}", "Costs", number=f"Cost lines, {span}",
                value=f"{len(lines)} year{'s' if len(lines) != 1 else ''}; PV of all costs {money(costs)}",
                unit="GBP and FTE by year", source=source, confidence=confidence, status=status)
        settings = self.plan.appraisal
        add("deflator", "All commitments (real prices)", number="GDP deflator",
            value=_share(settings.deflator_rate.central) + " a year", unit=settings.deflator_rate.unit,
            source=settings.deflator_rate.source, confidence=settings.deflator_rate.confidence,
            status=settings.deflator_rate.status)
        grades = sorted(settings.optimism_bias.values)
        uplifts = (", ".join(_share(settings.optimism_bias.values[g]) for g in grades)
                   + f" for grades {grades[0]} to {grades[-1]}")
        add("optimism_bias", "All commitments (costs raised, benefits lowered)", number="Optimism bias by grade",
            value=uplifts, unit="share", source=settings.optimism_bias.source, confidence="–",
            status=settings.optimism_bias.status)
        outcomes = list(dict.fromkeys(line.outcome for line in c.benefits))
        for row in rows.values():
            if len(outcomes) > 2 and row["used_for"] == outcomes:
                row["used_for"] = f"All {len(outcomes)} of its benefit lines"
            else:
                row["used_for"] = "; ".join(row["used_for"])
        columns = ["number", "used_for", "value", "unit", "source", "confidence", "status", "description"]
        return pd.DataFrame(list(rows.values()), columns=columns)

    def _assumptions_html(self, commitment: str) -> str:
        table = self.provenance(commitment)
        doubtful = int(table["status"].isin(DOUBTFUL).sum())
        text = f"{len(table)} numbers behind this commitment's net benefit: {_status_counts(list(table['status']))}."
        if doubtful:
            intro = (f'<p class="planlib-banner planlib-status-summary"><strong>{html.escape(text)}</strong> '
                     f"{doubtful} of them are illustrative or unverified.</p>")
        else:
            intro = f'<p class="planlib-status-summary"><strong>{html.escape(text)}</strong></p>'
        rows = [
            [status_badge(r.status), _number_cell(r.number, r.description),
             r.used_for, r.value, r.unit, r.source, r.confidence]
            for r in table.itertuples()
        ]
        headers = ["Status", "Number", "Used for", "Value", "Unit", "Source", "Grade"]
        return intro + html_table(headers, rows, numeric=[6])

    def _banner_html(self) -> str:
        benefit_statuses, cost_statuses = _statuses_used(self.plan, self.model)
        total = self._rows.loc[TOTAL]
        headline = (f"All commitments together: median net present value {money(total['npv_p50'])} "
                    f"(90% interval {money(total['npv_p5'])} to {money(total['npv_p95'])}); "
                    f"chance it is above zero {_chance(total['prob_npv_positive'])}.")
        doubtful = sum(s in DOUBTFUL for s in benefit_statuses) + sum(s in DOUBTFUL for s in cost_statuses)
        caution = (f"Benefits rest on {len(benefit_statuses)} assumptions, unit costs and settings: "
                   f"{_status_counts(benefit_statuses)}. Costs rest on {len(cost_statuses)} cost lines "
                   f"(a commitment's costs in one year): {_status_counts(cost_statuses)}.")
        if doubtful:
            caution += (" Illustrative and unverified numbers are not evidence: read these results as a worked "
                        "example of the method until they are replaced.")
        return (f'<p class="planlib-headline"><strong>{html.escape(headline)}</strong></p>'
                f'<p class="planlib-banner planlib-caution">{html.escape(caution)}</p>')


def _number_cell(label: str, description: str) -> Html:
    """A number's label in bold, with its description (if any) in small type under it."""
    text = f"<strong>{html.escape(label)}</strong>"
    if description:
        text += f"<br><small>{html.escape(description)}</small>"
    return Html(text)


def _status_counts(statuses: list[str]) -> str:
    """ "7 verified, 2 unverified" in the order of :data:`STATUS_LABELS`."""
    counts = Counter(statuses)
    return ", ".join(f"{counts[s]} {STATUS_LABELS[s].lower()}" for s in STATUS_LABELS if counts[s]) or "none"


def _statuses_used(plan: Plan, model: object) -> tuple[list[str], list[str]]:
    """The status of every number the appraisal uses: benefit side (assumptions, unit costs of
    crime, appraisal settings) and cost side (cost lines)."""
    benefits = [a.status for a in model.assumptions.values()]
    crimes = {b.crime_type for c in plan.commitments if c.enabled for b in c.benefits if b.crime_type}
    benefits += [u.status for u in plan.unit_costs if u.crime_type in crimes]
    benefits += [plan.appraisal.deflator_rate.status, plan.appraisal.optimism_bias.status]
    costs = [line.status for c in plan.commitments if c.enabled for line in c.costs]
    return benefits, costs


__all__ = ["DEFAULT_APP_SAMPLES", "NetBenefitExplorer"]
