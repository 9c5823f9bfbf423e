"""The numbers behind a net benefit, as a reader sees them: labelled, with source and status.

:func:`assumption_table` is the one provenance table of planlib: the net benefit app shows it
for the commitment a viewer picks, a scenario report for every commitment in the plan, and
``notebooks/02_net_benefit.ipynb`` for one commitment. Which numbers a commitment's benefits
rest on comes from :func:`planlib.appraisal.commitment_assumptions`; this module adds the
labels (:func:`input_label`), the values written for a reader, what each number is used for,
the cost lines and the appraisal settings, and the wording of their statuses
(:func:`status_counts`, :func:`assumptions_html`).

>>> import planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> table = assumption_table(plan, next(c.id for c in plan.commitments if c.benefits))
>>> list(table.columns)
['number', 'used_for', 'value', 'unit', 'source', 'confidence', 'status', 'description']
>>> input_label(plan, "unit_cost:robbery")
'Unit cost of crime: robbery'
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import pandas as pd

from planlib.appraisal import commitment_assumptions
from planlib.model import Commitment, CostLine, Plan
from planlib.formats import MISSING, money, pounds, share, year_range
from planlib.present.html import STATUS_LABELS, Html, escape, html_table, label_with_description, paragraph, status_badge

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

COLUMNS = ["number", "used_for", "value", "unit", "source", "confidence", "status", "description"]
"""The columns of :func:`assumption_table`."""


# --------------------------------------------------------------------------- numbers as text


def share_text(value: float) -> str:
    """A share as a percentage: whole percentages without decimals, small ones to one decimal.

    >>> share_text(0.05), share_text(0.1616), share_text(0.025), share_text(0.0)
    ('5%', '16%', '2.5%', '0%')
    """
    percent = value * 100
    whole = abs(percent - round(percent)) < 1e-9 or abs(percent) >= 10
    return share(value, 0 if whole else 1)


def quantity(value: float) -> str:
    """A count or rate: whole numbers without decimals, small numbers to three figures.

    >>> quantity(30.0), quantity(86.6), quantity(1777.2), quantity(0.2)
    ('30', '86.6', '1,777', '0.2')
    """
    if float(value).is_integer():
        return f"{value:,.0f}"
    if abs(value) < 10:
        return f"{value:,.3g}"
    return f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"


def chance(probability: float) -> str:
    """A probability as a reader expects it, never rounding a small chance to 0%.

    >>> chance(0.004), chance(0.5), chance(0.999), chance(float("nan"))
    ('under 1%', '50%', 'over 99%', '–')
    """
    if not math.isfinite(probability):
        return MISSING
    if 0 < probability < 0.01:
        return "under 1%"
    if 0.99 < probability < 1:
        return "over 99%"
    return share(probability, 0)


def format_value(unit: str, value: float | None) -> str:
    """A number in its unit: pounds for GBP, a percentage for a share, a quantity otherwise.

    >>> format_value("GBP per offence", 2323.4), format_value("share", 0.25), format_value("offences", 12)
    ('£2,323', '25%', '12')
    """
    if value is None or not math.isfinite(value):
        return "none in range"
    unit = unit.lower()
    if unit.startswith("gbp"):
        return pounds(value, 0)
    if "share" in unit:
        return share_text(value)
    return quantity(value)


# --------------------------------------------------------------------------- labels of the inputs


def _humanise(text: str) -> str:
    return text.replace("_", " ").strip()


def input_fields(plan: Plan, commitment_id: str) -> dict[str, str]:
    """Input -> the benefit-line field it is used for (``volume``, ``unit_value``, ...), for one commitment."""
    fields: dict[str, str] = {}
    for line in plan.commitment(commitment_id).benefits:
        for name, ref in line.assumption_refs().items():
            fields.setdefault(ref, name)
        if line.crime_type is not None:
            fields.setdefault(f"unit_cost:{line.crime_type}", "unit_value")
    return fields


def input_label(plan: Plan, name: str, field: str | None = None) -> str:
    """A short label for an input of the appraisal: "Volume: robberies prevented a year".

    ``name`` is an assumption id, ``unit_cost:<crime type>`` or ``pv_costs``; ``field`` the
    benefit-line field it is used for (see :func:`input_fields`).
    """
    if name == "pv_costs":
        return "Present value of costs"
    if name.startswith("unit_cost:"):
        return f"Unit cost of crime: {_humanise(name.split(':', 1)[1])}"
    kind = FIELD_LABELS.get(field or "", "")
    assumption = next((a for a in plan.assumptions if a.id == name), None)
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


def input_labels(plan: Plan, commitment_id: str, names: list[str]) -> dict[str, str]:
    """The label of each of one commitment's inputs (for its tornado chart and switching values)."""
    fields = input_fields(plan, commitment_id)
    return {name: input_label(plan, name, fields.get(name)) for name in names}


def input_unit(plan: Plan, name: str) -> str:
    """The unit of an input of the appraisal (unit costs in the plan's first-year prices)."""
    if name == "pv_costs":
        return "GBP (present value)"
    if name.startswith("unit_cost:"):
        return f"GBP per offence ({plan.period.first} prices)"
    assumption = next((a for a in plan.assumptions if a.id == name), None)
    return assumption.unit if assumption is not None else ""


def format_input(plan: Plan, name: str, value: float | None) -> str:
    """A value of an input in its unit (the PV of costs in £m)."""
    if name == "pv_costs" and value is not None and math.isfinite(value):
        return money(value)
    return format_value(input_unit(plan, name), value)


def input_status(plan: Plan, commitment_id: str, name: str) -> str:
    """The status of an input; for the PV of costs, the most doubtful status of the cost lines."""
    assumption = next((a for a in plan.assumptions if a.id == name), None)
    if assumption is not None:
        return assumption.status
    if name.startswith("unit_cost:"):
        crime = name.split(":", 1)[1]
        return next((u.status for u in plan.unit_costs if u.crime_type == crime), "")
    if name == "pv_costs":
        statuses = {line.status for line in plan.commitment(commitment_id).costs}
        return next((s for s in ("unverified", "illustrative", "estimate", "verified") if s in statuses), "")
    return ""


# --------------------------------------------------------------------------- the provenance table


def assumption_table(plan: Plan, commitment_id: str | None = None, *, pv_costs: float | None = None) -> pd.DataFrame:
    """Every number behind one commitment's net benefit, or behind every commitment's, for a reader.

    Parameters
    ----------
    plan : Plan
    commitment_id : str, optional
        The commitment; by default every commitment in the plan (``enabled``).
    pv_costs : float, optional
        The commitment's present value of costs, shown beside its cost lines.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: ``number`` (a label), ``used_for`` (the benefit lines of the
        commitment, or the titles of the commitments), ``value`` (as shown: an interval as
        "low to high"), ``unit``, ``source``, ``confidence``, ``status`` and ``description``.
        The rows are the assumptions and unit costs of crime the benefit lines use, the
        appraisal settings that apply to every commitment and, for one commitment, its cost
        lines (grouped by source, status and grade).
    """
    one = commitment_id is not None
    commitments = [plan.commitment(commitment_id)] if one else [c for c in plan.commitments if c.enabled]
    rows: dict[str, dict[str, object]] = {}

    def add(key: str, used_for: str, **row: object) -> None:
        """One row per number; a number used by several lines or commitments lists each of them."""
        if key not in rows:
            rows[key] = {"used_for": [], "description": "", **row}
        if used_for not in rows[key]["used_for"]:
            rows[key]["used_for"].append(used_for)

    register = {a.id: a for a in plan.assumptions if a.id is not None}
    notes = {f"unit_cost:{u.crime_type}": u.status_note for u in plan.unit_costs}
    for c in commitments:
        numbers = commitment_assumptions(plan, c.id).set_index("input")
        fields = input_fields(plan, c.id)
        for line in c.benefits:
            names = list(line.assumption_refs().values())
            if line.crime_type is not None:
                names.insert(0, f"unit_cost:{line.crime_type}")
            for name in names:
                n = numbers.loc[name]
                interval = n["low"] is not None and not pd.isna(n["low"])
                value = (f"{format_value(n['unit'], n['low'])} to {format_value(n['unit'], n['high'])}" if interval
                         else format_value(n["unit"], n["value"]))
                note = f" ({notes[name]})" if notes.get(name) else ""
                add(name, line.outcome if one else c.title, number=input_label(plan, name, fields.get(name)),
                    value=value, unit=n["unit"], source=n["source"] + note, confidence=int(n["confidence"]),
                    status=n["status"], description=register[name].description if name in register else "")
    if one:  # the cost lines of every commitment would fill pages: the commitment's own only
        _add_cost_lines(add, commitments[0], pv_costs)
    _add_settings(add, plan)
    for row in rows.values():
        used = row["used_for"]
        if one and len(used) > 2 and used == list(dict.fromkeys(line.outcome for line in commitments[0].benefits)):
            row["used_for"] = f"All {len(used)} of its benefit lines"
        elif not one and len(used) > 3:
            row["used_for"] = f"{len(used)} commitments"
        else:
            row["used_for"] = "; ".join(used)
    return pd.DataFrame(list(rows.values()), columns=COLUMNS)


def _add_cost_lines(add: Callable[..., None], commitment: Commitment, pv_costs: float | None) -> None:
    """A commitment's cost lines, one row per source, status and grade."""
    groups: dict[tuple[str, str, int], list[CostLine]] = {}
    for line in commitment.costs:
        groups.setdefault((line.source, line.status, line.confidence), []).append(line)
    for (source, status, confidence), lines in groups.items():
        value = f"{len(lines)} year{'s' if len(lines) != 1 else ''}"
        if pv_costs is not None:
            value += f"; PV of all costs {money(pv_costs)}"
        add(f"costs:{source}:{status}:{confidence}", "Costs", number=f"Cost lines, {year_range(sorted(l.year for l in lines))}",
            value=value, unit="GBP and FTE by year", source=source, confidence=confidence, status=status)


def _add_settings(add: Callable[..., None], plan: Plan) -> None:
    """The appraisal settings that apply to every commitment."""
    settings = plan.appraisal
    add("deflator", "All commitments (real prices)", number="GDP deflator",
        value=share_text(settings.deflator_rate.central) + " a year", unit=settings.deflator_rate.unit,
        source=settings.deflator_rate.source, confidence=settings.deflator_rate.confidence,
        status=settings.deflator_rate.status)
    grades = sorted(settings.optimism_bias.values)
    uplifts = (", ".join(share_text(settings.optimism_bias.values[g]) for g in grades)
               + f" for grades {grades[0]} to {grades[-1]}")
    add("optimism_bias", "All commitments (costs raised, benefits lowered)", number="Optimism bias by grade",
        value=uplifts, unit="share", source=settings.optimism_bias.source, confidence=MISSING,
        status=settings.optimism_bias.status)


# --------------------------------------------------------------------------- statuses in words


def status_counts(statuses: list[str]) -> str:
    """ "7 verified, 2 unverified", in the order of :data:`planlib.present.html.STATUS_LABELS`.

    >>> status_counts(["unverified", "verified", "unverified"]), status_counts([])
    ('1 verified, 2 unverified', 'none')
    """
    counts = Counter(statuses)
    return ", ".join(f"{counts[s]} {STATUS_LABELS[s].lower()}" for s in STATUS_LABELS if counts[s]) or "none"


def statuses_used(plan: Plan) -> tuple[list[str], list[str]]:
    """The status of every number the appraisal uses: benefit side (assumptions, unit costs of
    crime, appraisal settings) and cost side (cost lines), over the commitments in the plan."""
    enabled = [c for c in plan.commitments if c.enabled]
    refs = dict.fromkeys(ref for c in enabled for b in c.benefits for ref in b.assumption_refs().values())
    register = {a.id: a for a in plan.assumptions if a.id is not None}
    benefits = [register[ref].status for ref in refs if ref in register]
    crimes = {b.crime_type for c in enabled for b in c.benefits if b.crime_type}
    benefits += [u.status for u in plan.unit_costs if u.crime_type in crimes]
    benefits += [plan.appraisal.deflator_rate.status, plan.appraisal.optimism_bias.status]
    costs = [line.status for c in enabled for line in c.costs]
    return benefits, costs


def assumptions_html(table: pd.DataFrame, what: str, css_class: str = "planlib-table") -> str:
    """:func:`assumption_table` as HTML: how many numbers of each status, then each with its badge.

    ``what`` ends the opening sentence: "N numbers behind {what}: 3 verified, ...".
    """
    doubtful = int(table["status"].isin(DOUBTFUL).sum())
    counted = f"{len(table)} numbers behind {what}: {status_counts(list(table['status']))}."
    text = f"<strong>{escape(counted)}</strong>"
    if doubtful:
        intro = paragraph(Html(f"{text} {doubtful} of them are illustrative or unverified."),
                          "planlib-banner planlib-status-summary")
    else:
        intro = paragraph(Html(text), "planlib-status-summary")
    rows = [
        [status_badge(r.status), label_with_description(r.number, r.description),
         r.used_for, r.value, r.unit, r.source, r.confidence]
        for r in table.itertuples()
    ]
    headers = ["Status", "Number", "Used for", "Value", "Unit", "Source", "Grade"]
    return intro + html_table(headers, rows, numeric=[6], css_class=css_class)
