"""The details of a variation as a board paper, section by section, and as text for the command line.

Each function takes a :class:`planlib.variation.Variation` and returns escaped HTML for one
section of the paper sent to the Chief Constable (purpose, summary, background, the variation,
financial, legal and equality implications, recommendation) with its ``h2`` heading, or, for
:func:`variation_text`, the lines ``planlib vary`` prints. Everything a person reads names
objectives, commitments, KPIs and grants by title (:mod:`planlib.present.variation_fields`);
money is written by :mod:`planlib.formats`.

>>> import planlib
>>> from planlib.variation import compare_plans
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> "There is no change" in summary_html(compare_plans(plan, plan))
True
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pandas as pd

from planlib.formats import count, money, pounds, year_range
from planlib.present.html import Html, banner, bullet_list, heading, html_table, paragraph
from planlib.present.labels import COMMISSIONING_LABELS, owner_label
from planlib.present.variation_fields import (KIND_LABELS, OTHER_LABELS, field_label, finance_label, value_pair,
                                              value_text)
from planlib.variation import COST_MEASURES, TOLERANCE, Variation, years_of

CSS_CLASS = "planlib"
"""The class of the paper's tables (the report style of :mod:`planlib.reports.rendering`)."""

MONEY_LABELS = {"total_funding": "Total funding", "total_cost": "Total revenue cost",
                "commitment_revenue": "of which the commitments", "commitment_capital": "Commitments' capital",
                "budget_gap": "Budget gap (positive: a shortfall)", "reserves_closing": "Reserves at year end",
                "precept_band_d": "Band D precept"}
"""The money a variation sets before and after, as the paper names it."""

COST_LABELS = {"revenue_gbp": "Revenue", "capital_gbp": "Capital", "officer_fte": "Officers (FTE)",
               "staff_fte": "Staff (FTE)"}

_FLOWS = {"total_funding", "total_cost", "commitment_revenue", "commitment_capital", "budget_gap",
          "revenue_gbp", "capital_gbp"}
"""Measures that add up over the years (a period total is shown)."""


STYLE = ("<style>.planlib-keep { break-inside: avoid; page-break-inside: avoid; } "
         "table.planlib .nowrap { white-space: nowrap; }</style>")
"""What the paper adds to the report style: short tables kept on one page, cells that must not wrap."""

KEEP_ROWS = 14
"""A table of up to this many rows is kept on one page (with its caption and header)."""


def _table(headers: list[str], rows: list[tuple[Any, ...]], caption: str, numeric_from: int = 1,
           nowrap: tuple[int, ...] = ()) -> str:
    """A table of the paper (figures from ``numeric_from`` on), kept on one page when short."""
    table = html_table(headers, rows, numeric=range(numeric_from, len(headers)), css_class=CSS_CLASS,
                       caption=caption, nowrap=nowrap)
    return f'<div class="planlib-keep">{table}</div>' if len(rows) <= KEEP_ROWS else table


def _upper(text: str) -> str:
    """``text`` with its first letter in capitals (``kPIs`` never: the rest is left as it is)."""
    return text[:1].upper() + text[1:]


def _titles(rows: pd.DataFrame) -> str:
    return "; ".join(rows["title"])


def _kind_summary(variation: Variation, kind: str) -> str:
    """``2 commitments added (A; B), 1 removed (C)`` or ``no commitment changed``."""
    one, many = KIND_LABELS[kind]
    parts = []
    for change in ("added", "removed", "changed"):
        rows = variation.of_kind(kind, change)
        if not rows.empty:
            noun = one if len(rows) == 1 else many
            names = f" ({_titles(rows)})" if kind != "finance" else f" ({'; '.join(map(finance_label, rows['title']))})"
            parts.append(f"{len(rows)} {noun + ' ' if not parts else ''}{change}{names}")
    return ", ".join(parts) if parts else f"no {one} added, removed or changed"


def _versions(variation: Variation) -> str:
    old, new = variation.old, variation.new
    return (f"version {old.version} ({year_range([str(y) for y in old.years])}) to version {new.version} "
            f"({year_range([str(y) for y in new.years])})")


def _gap_sentence(variation: Variation) -> str:
    change = variation.gap_change().dropna()
    total = float(change.sum())
    moved = change[change.abs() > TOLERANCE]
    if moved.empty:
        return "The variation leaves the budget gap as it was in every year."
    by_year = "; ".join(f"{money(v, thousands=True)} in {y}" for y, v in moved.items())
    verb = "widens" if total > 0 else "narrows" if total < 0 else "moves, by year but not in total,"
    amount = f" by {money(abs(total), thousands=True)}" if total else ""
    return (f"The variation {verb} the budget gap{amount} over {year_range(list(change.index))}: {by_year} "
            "(a positive change widens the gap).")


def _referendum_sentence(variation: Variation) -> str:
    flags = variation.measure("referendum_required")
    before = [y for y, v in flags["before"].items() if v == 1]
    after = [y for y, v in flags["after"].items() if v == 1]
    if not before and not after:
        return "No year's Band D increase is above the referendum limit, before or after the variation."
    return (f"Band D increases above the referendum limit: before, {', '.join(before) or 'none'}; after, "
            f"{', '.join(after) or 'none'} (a local referendum is needed in such a year).")


# --------------------------------------------------------------------------- the paper's sections


def title_html(variation: Variation) -> str:
    """The paper's heading: the plan, the two versions, for whom."""
    plan = variation.new
    return (STYLE + f'<header class="report-title"><p class="kicker">{html.escape(plan.police_area)}: details of a variation, '
            f"for the Chief Constable</p>"
            f"<h1>Variation of the {html.escape(plan.name)}</h1>"
            f'<p class="meta">From {html.escape(_versions(variation))}.</p></header>')


def purpose_html(variation: Variation) -> str:
    """Purpose of paper."""
    return heading("Purpose of paper") + paragraph(
        f"To give the Chief Constable the details of the variation of the {variation.new.name}, from "
        f"{_versions(variation)}: the objectives, commitments, KPIs and grants added, removed or changed, and the "
        "money by year before and after, with the change in the budget gap.")


def summary_html(variation: Variation) -> str:
    """Summary: what changed, the budget gap and the referendum position."""
    if variation.unchanged:
        return heading("Summary") + banner(
            "There is no change: the two versions are the same in their objectives, commitments, KPIs, grants, "
            "finance and every other part of the plan.", strong=True) + paragraph(_gap_sentence(variation))
    items = [f"{_upper(KIND_LABELS[k][1])}: {_kind_summary(variation, k)}." for k in
             ("objective", "commitment", "kpi", "grant", "finance")]
    if variation.other:
        items.append("Also changed: " + ", ".join(OTHER_LABELS.get(o, o) for o in variation.other) + ".")
    return heading("Summary") + bullet_list(items) + paragraph(_gap_sentence(variation)) + paragraph(
        _referendum_sentence(variation))


def background_html(variation: Variation) -> str:
    """Background: the two versions and what the statute asks of a variation."""
    old, new = variation.old, variation.new
    same = old.version == new.version
    rows = [("Plan", old.name, new.name), ("Version", old.version, new.version),
            ("Period", year_range([str(y) for y in old.years]), year_range([str(y) for y in new.years]))]
    return (heading("Background")
            + paragraph("A Commissioner may vary the Police and Crime Plan at any time; the plan as varied, or the "
                        "details of the variation, are sent to the Chief Constable (seed 000 para 5), who must have "
                        "regard to the plan.")
            + (paragraph("Both folders give the same version number.") if same else "")
            + _table(["Item", "Before the variation", "After the variation"], rows, "The two versions compared",
                     numeric_from=3, nowrap=(0,)))


def _changes_table(variation: Variation, kind: str, caption: str) -> str:
    """One row per changed field of every changed item of a kind: item, what changed, before, after."""
    rows = []
    for item in variation.of_kind(kind, "changed").itertuples():
        for f in variation.fields_of(kind, item.item_id).itertuples():
            if kind == "commitment" and f.field.startswith("costs.") and f.field.rsplit(".", 1)[-1] in (
                    "non_pay_gbp", "capital_gbp", "officer_fte", "staff_fte"):
                continue  # shown as resources by year
            unit = f.unit if isinstance(f.unit, str) else None
            if unit:
                before, after = value_pair(f.before, f.after, unit)
            else:
                before = value_text(f.before, unit, variation.old, f.field)
                after = value_text(f.after, unit, variation.new, f.field)
            name = finance_label(item.item_id) if kind == "finance" else item.title
            rows.append((name, field_label(kind, f.field), before, after))
    if not rows:
        return ""
    return _table([KIND_LABELS[kind][0].capitalize() if kind != "kpi" else "KPI", "What changed", "Before", "After"],
                  rows, caption, numeric_from=4)


def _writer(measure: str, change: bool, thousands: bool) -> Callable[[float], str]:
    """How a figure of a measure is written (a change in money always to the thousand under £1m)."""
    if measure.endswith("_fte"):
        return count
    if measure == "precept_band_d":
        return pounds
    if change or thousands:
        return lambda v: money(v, thousands=True)
    return money


def _year_table(table: pd.DataFrame, labels: dict[str, str], caption: str, thousands: bool) -> str:
    """Measures by year: before, after and change rows, years as columns, a period total for money."""
    years = list(dict.fromkeys(table["year"]))
    rows = []
    for measure, label in labels.items():
        part = table[table["measure"] == measure].set_index("year")
        if part.empty:
            continue
        for column in ("before", "after", "change"):
            write = _writer(measure, column == "change", thousands)
            values = [part.at[y, column] for y in years]
            total = write(float(pd.Series(values).sum(min_count=1))) if measure in _FLOWS else ""
            rows.append((f"{label}: {column}", *[write(v) for v in values], total))
    return _table(["Measure", *years, "Period total"], rows, caption)


def _added_removed(variation: Variation, kind: str) -> str:
    """Tables of the items of a kind added and removed, with what a reader needs of each."""
    out = []
    for change, plan in (("added", variation.new), ("removed", variation.old)):
        rows = variation.of_kind(kind, change)
        if rows.empty:
            continue
        records = {r.id: r for r in getattr(plan, {"objective": "objectives", "commitment": "commitments",
                                                   "kpi": "kpis", "grant": "grants"}[kind])}
        body = [_describe(kind, records[i], plan) for i in rows["item_id"]]
        headers = {"objective": ["Objective", "Section", "Description"],
                   "commitment": ["Commitment", "Objective", "Owner", "Commissioning", "Statutory duty"],
                   "kpi": ["KPI", "Baseline", "Target", "Owner"],
                   "grant": ["Grant to", "Purpose", "Amounts by year"]}[kind]
        one, many = KIND_LABELS[kind]
        out.append(_table(headers, body, f"{_upper(many if len(body) > 1 else one)} {change}",
                          numeric_from=len(headers), nowrap=(2, 3, 4) if kind == "commitment" else ()))
    return "".join(out)


def _describe(kind: str, record: Any, plan: Any) -> tuple[Any, ...]:
    if kind == "objective":
        return (record.title, value_text(record.section, plan=plan, path="section"), record.description or "none")
    if kind == "commitment":
        return (record.title, value_text(record.objective_id, plan=plan, path="objective_id"), owner_label(record.owner),
                COMMISSIONING_LABELS.get(record.commissioning, record.commissioning), "yes" if record.mandatory else "no")
    if kind == "kpi":
        return (record.title, f"{count(record.baseline.value)} {record.unit} ({record.baseline.period})",
                f"{count(record.target.value)} {record.unit} (by {record.target.by})", owner_label(record.owner))
    amounts = "; ".join(f"{y}: {money(v, thousands=True)}" for y, v in sorted(record.amounts.items()))
    return (record.recipient, record.purpose, amounts)


def _commitment_details(variation: Variation) -> str:
    """Each changed commitment: what changed, and its resources by year before and after."""
    costs = variation.changed_costs()
    changed = list(variation.of_kind("commitment", "changed")["item_id"])
    ids = changed + [c for c in dict.fromkeys(costs["commitment_id"]) if c not in changed
                     and c not in set(variation.items["item_id"][variation.items["kind"] == "commitment"])]
    out = []
    titles = {c.id: c.title for c in (*variation.old.commitments, *variation.new.commitments)}
    for cid in ids:
        out.append(heading(titles[cid], 4))
        fields = variation.fields_of("commitment", cid)
        shown = fields[~fields["field"].str.match(r"costs\.[^.]+\.(non_pay_gbp|capital_gbp|officer_fte|staff_fte)$")]
        if cid not in changed:
            out.append(paragraph("Its record is unchanged; its cost changed with the plan's pay assumptions."))
        for f in shown.itertuples():
            before = value_text(f.before, f.unit if isinstance(f.unit, str) else None, variation.old, f.field)
            after = value_text(f.after, f.unit if isinstance(f.unit, str) else None, variation.new, f.field)
            out.append(paragraph(Html(f"<strong>{html.escape(field_label('commitment', f.field))}.</strong> "
                                      f"Before: {html.escape(before)}. After: {html.escape(after)}.")))
        mine = costs[costs["commitment_id"] == cid]
        if not mine.empty:
            moved = [m for m in COST_MEASURES if (mine[mine["measure"] == m]["change"].abs() > TOLERANCE).any()]
            out.append(_year_table(mine, {m: COST_LABELS[m] for m in moved},
                                   "Its resources by year, before and after the variation", thousands=True))
    return "".join(out)


def variation_html(variation: Variation) -> str:
    """The variation itself: objectives, commitments, KPIs, grants, finance assumptions, other parts."""
    out = [heading("The variation")]
    for kind, title in (("objective", "Objectives"), ("commitment", "Commitments"), ("kpi", "KPIs"),
                        ("grant", "Grants"), ("finance", "Finance assumptions")):
        out.append(heading(title, 3))
        out.append(paragraph(f"{_upper(_kind_summary(variation, kind))}."))
        if kind != "finance":
            out.append(_added_removed(variation, kind))
        if kind == "commitment":
            out.append(_commitment_details(variation))
        else:
            out.append(_changes_table(variation, kind, f"{title}: what changed"))
    if variation.other:
        out.append(heading("Other parts of the plan", 3))
        out.append(paragraph("Also changed, and not set out here: "
                             + ", ".join(OTHER_LABELS.get(o, o) for o in variation.other) + "."))
    return "".join(out)


def financial_html(variation: Variation) -> str:
    """Financial implications: the MTFP's money by year before and after, and each commitment's change."""
    money_table = _year_table(variation.money, MONEY_LABELS,
                              "The medium-term financial plan before and after the variation", thousands=False)
    costs = variation.changed_costs()
    rows = []
    years = years_of(variation)
    for cid, part in costs[costs["measure"] == "revenue_gbp"].groupby("commitment_id", sort=False):
        change = part.set_index("year")["change"]
        rows.append((part["title"].iloc[0], *[money(change.get(y), thousands=True) if pd.notna(change.get(y)) else "–"
                                              for y in years], money(float(change.sum()), thousands=True)))
    by_commitment = _table(["Commitment", *years, "Period total"], rows,
                           "Change in each commitment's revenue cost by year") if rows else ""
    return (heading("Financial implications") + paragraph(_gap_sentence(variation))
            + paragraph(_referendum_sentence(variation)) + money_table + by_commitment
            + paragraph("Money in cash; a commitment's revenue cost is its non-pay cost plus the pay of its posts at "
                        "the plan's pay rates; capital is financed through the capital programme and is not in the "
                        "budget gap."))


_CONTENTS = (("objective", "(a) the police and crime objectives"),
             ("kpi", "(e) how the Chief Constable's performance is measured"),
             ("grant", "(f) the crime and disorder reduction grants and their conditions"))


def legal_html(variation: Variation) -> str:
    """Legal implications: the statute, the contents of s.7(1) the variation touches, statutory duties."""
    touched = [label for kind, label in _CONTENTS if not variation.of_kind(kind).empty]
    commitments = variation.items[variation.items["kind"] == "commitment"]
    owners = {c.id: c.owner for c in (*variation.old.commitments, *variation.new.commitments)}
    if any(owners.get(i) == "chief_constable" for i in commitments["item_id"]):
        touched.append("(b) the policing the Chief Constable is to provide")
    if not variation.changed_costs().empty or not variation.of_kind("finance").empty:
        touched.append("(c) the resources provided to the Chief Constable")
    if "reporting" in variation.other:
        touched.append("(d) how the Chief Constable reports")
    mandatory = {c.id for c in variation.old.commitments if c.mandatory}
    dropped = [c.title for c in variation.old.commitments if c.id in mandatory and
               not any(n.id == c.id and n.enabled for n in variation.new.commitments)]
    out = [heading("Legal implications"), paragraph(
        "Before varying the plan the Commissioner must consult the Chief Constable, send the variation to the Police "
        "and Crime Panel, have regard to any report or recommendations it makes and publish a response (Police "
        "Reform and Social Responsibility Act 2011 s.5(6) and s.28(3)). The plan as varied must still contain "
        "everything s.7(1) requires.")]
    out.append(paragraph("This variation changes what the plan says under s.7(1) " + "; ".join(sorted(touched)) + "."
                         if touched else "This variation changes nothing the plan must contain under s.7(1)."))
    if dropped:
        out.append(banner("A statutory duty is no longer in the plan: " + "; ".join(dropped)
                          + ". A statutory duty cannot be dropped.", strong=True))
    return "".join(out)


def equality_html(variation: Variation) -> str:
    """Equality implications: the equality impact of every commitment added, removed or changed."""
    rows = []
    plans = {"added": variation.new, "changed": variation.new, "removed": variation.old}
    for item in variation.of_kind("commitment").itertuples():
        c = plans[item.change].commitment(item.item_id)
        impact = c.equality_impact
        rows.append((c.title, item.change.capitalize(), impact.rating.replace("_", " ").capitalize(),
                     "; ".join(impact.groups) or "none"))
    text = paragraph("The Commissioner must have due regard to the public sector equality duty (Equality Act 2010 "
                     "s.149) in deciding the variation.")
    if not rows:
        return heading("Equality implications") + text + paragraph("No commitment is added, removed or changed.")
    return heading("Equality implications") + text + _table(
        ["Commitment", "Change", "Equality impact", "Groups affected"], rows,
        "Equality impact of the commitments the variation touches", numeric_from=4, nowrap=(1, 2))


def recommendation_html(variation: Variation) -> str:
    """What the Chief Constable and the Board are asked to do."""
    if variation.unchanged:
        return heading("Recommendation") + paragraph(
            "There is no variation to send: the two versions are the same. The Board is asked to note this.")
    return heading("Recommendation") + bullet_list([
        f"The Chief Constable is asked to note the details of the variation of the {variation.new.name} set out "
        "above, and to have regard to the plan as varied.",
        "The Board is asked to note the variation and its financial, legal and equality implications.",
    ])


SECTIONS = (purpose_html, summary_html, background_html, variation_html, financial_html, legal_html, equality_html,
            recommendation_html)
"""The sections of the paper, in order (each with its own ``h2``)."""


def document_html(variation: Variation) -> str:
    """The whole paper's body: the heading and every section (the template shows the same, cell by cell)."""
    return title_html(variation) + "".join(section(variation) for section in SECTIONS)


def variation_text(variation: Variation) -> list[str]:
    """What ``planlib vary`` prints: the versions, what changed by kind, the change in the budget gap.

    >>> import planlib
    >>> from planlib.variation import compare_plans
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> variation_text(compare_plans(plan, plan))[-1]
    'There is no change.'
    """
    lines = [f"Variation of the {variation.new.name}, from {_versions(variation)}."]
    if variation.unchanged:
        return [*lines, "There is no change."]
    for kind in ("objective", "commitment", "kpi", "grant", "finance"):
        lines.append(f"{_upper(KIND_LABELS[kind][1])}: {_kind_summary(variation, kind)}.")
    costs = variation.changed_costs()
    for cid, part in costs[costs["measure"] == "revenue_gbp"].groupby("commitment_id", sort=False):
        moved = part[part["change"].abs() > TOLERANCE]
        if not moved.empty:
            lines.append(f"  {part['title'].iloc[0]}: revenue cost "
                         + ", ".join(f"{money(v, thousands=True)} in {y}" for y, v in zip(moved["year"], moved["change"])))
    lines.append(_gap_sentence(variation))
    return lines
