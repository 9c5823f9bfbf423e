"""The plan's financial implications for a person: the CLI's text, its json, the report's HTML tables.

:func:`planlib.implications.implications` computes the tidy table; this module writes it, part
by part, with measures named as a board paper names them and money written by
:mod:`planlib.formats`.

>>> from planlib.implications import implications
>>> from planlib.io.plan_folder import load_folder
>>> folder = load_folder(parts=["implications"])
>>> table = implications(folder.plan, folder.implications)
>>> print(text_table(table, folder.plan.name).splitlines()[4].split())
['Band', 'D', 'precept', '£177.55', '£187.55', '£202.55', '£215.55']
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from planlib.implications import PARTS
from planlib.formats import count, money, pounds, share

PART_TITLES = {
    "a": "The policing precept",
    "b": "The budget allocated to the Chief Constable, and its form",
    "c": "Treasury and financial management",
    "d": "Fees and charges",
    "e": "Commissioning and grant making",
    "f": "Financial delegations",
    "g": "External income, including grants",
}
"""The title of each of the seven implications of seed 000 para 30 (:data:`planlib.implications.PARTS`)."""

LABELS = {
    "precept_band_d": "Band D precept", "precept_increase": "Band D increase",
    "precept_increase_percent": "Band D increase (%)", "referendum_limit": "Referendum limit",
    "referendum_required": "Referendum required", "precept_income": "Precept income",
    "precept_share_of_funding": "Precept share of funding",
    "cc_core_budget": "Core budget (delegated)", "cc_ringfenced_commitments": "Ring-fenced to force commitments",
    "cc_total_budget": "Chief Constable's budget", "cc_share_of_revenue_cost": "Share of revenue cost",
    "commissioner_held": "Held by the Commissioner",
    "reserves_closing": "Reserves at year end", "reserves_strategy": "Reserves strategy",
    "reserves_against_strategy": "Against the strategy", "minimum_reserves": "Minimum reserves",
    "reserves_above_minimum": "Above the minimum", "capital_spend": "Capital spend (commitments)",
    "minimum_revenue_provision": "Minimum revenue provision", "interest": "Interest",
    "revenue_cost_of_capital": "Revenue cost of capital", "capital_financing_requirement": "Capital financing requirement",
    "fees_and_charges_total": "Fees and charges, total", "fees_share_of_revenue_cost": "Share of revenue cost",
    "commissioned_grant": "Commissioned by grant", "commissioned_contract": "Commissioned by contract",
    "commissioned_partnership": "Commissioned in partnership", "grants_made": "Grants made",
    "grants_made_count": "Number of grants", "commissioner_decision_threshold": "Decision threshold: spend",
    "grant_decision_threshold": "Decision threshold: a grant", "commissioner_decision": "Decision needed",
    "grant_decision": "Decision needed", "decisions_required": "Decisions needed",
    "police_grant": "Police grant", "former_dclg_grant": "Former DCLG formula grant",
    "council_tax_support_grant": "Council tax support grant", "pension_grant": "Pension grant",
    "fees_and_charges": "Fees and charges",
    "external_income_total": "External income, total", "external_share_of_income": "External share of income",
}
"""How each measure is written in the report and the readable table (json keeps the measure ids)."""

def as_json(table: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """``planlib implications --format json``: keys ``a`` to ``g``, each a list of ``{year, measure, value, unit, note}``.

    >>> from planlib.implications import implications
    >>> from planlib.io.plan_folder import load_folder
    >>> folder = load_folder(parts=["implications"])
    >>> data = as_json(implications(folder.plan, folder.implications))
    >>> list(data), data["a"][0]["measure"], data["a"][0]["year"], round(data["a"][0]["value"], 2)
    (['a', 'b', 'c', 'd', 'e', 'f', 'g'], 'precept_band_d', '2021/22', 177.55)
    """
    return {part: [{"year": r["year"], "measure": r["measure"], "value": r["value"], "unit": r["unit"], "note": r["note"]}
                   for r in table[table["part"] == part].to_dict("records")]
            for part in PARTS}


def format_value(value: float, unit: str) -> str:
    """A figure as a board paper writes it: £12.3m, £215.55 (Band D), 12.5%, a count.

    >>> format_value(12_345_678, "GBP"), format_value(215.55, "GBP per Band D property"), format_value(0.125, "share")
    ('£12.3m', '£215.55', '12.5%')
    """
    if unit == "GBP":
        return money(value, 2 if 0 < abs(value) < 1e6 else 1)  # a threshold of £0.25m is not "£0.2m"
    if unit.startswith("GBP per"):
        return pounds(value)
    if unit == "share":
        return share(value)
    if unit == "flag":
        return "yes" if value else "no"
    return count(value)


def _wide(rows: pd.DataFrame, years: list[str]) -> list[tuple[str, list[str], str]]:
    """Rows of one part as (measure, a cell per year, note); decisions get a row per commitment or grant."""
    out = []
    keys = rows["measure"] + "|" + rows["subject"]
    for _, group in rows.groupby(keys, sort=False):
        first = group.iloc[0]
        by_year = group.set_index("year")
        cells = [format_value(by_year.at[y, "value"], by_year.at[y, "unit"]) if y in by_year.index else "–" for y in years]
        note = str(first["note"])
        name = LABELS.get(first["measure"], str(first["measure"]).replace("_", " ").capitalize())
        if first["subject"]:
            subject, note = subject_words(str(first["subject"]), note)
            name = f"{name}: {subject}"
        out.append((name, cells, note))
    return out


def subject_words(subject: str, note: str) -> tuple[str, str]:
    """A decision row's subject as a reader knows it, and why it needs a decision.

    The engine writes a decision's note as ``"<id>: <title>: <why>"`` (a commitment) or
    ``"<id>: grant to <recipient>: <why>"`` (a grant); the id is left out of what is shown.

    >>> subject_words("vrp", "vrp: Violence reduction: the VRP: spend £3.50m is at or above the £0.50m threshold")
    ('Violence reduction: the VRP', 'spend £3.50m is at or above the £0.50m threshold')
    >>> subject_words("g1", "g1: grant to Seven CSPs: £2.50m is at or above the £0.25m threshold")
    ('grant to Seven CSPs', '£2.50m is at or above the £0.25m threshold')
    >>> subject_words("x", "something else")
    ('x', 'something else')
    """
    prefix = f"{subject}: "
    if not note.startswith(prefix) or ": " not in note[len(prefix):]:
        return subject, note
    rest = note[len(prefix):]
    cut = rest.rfind(": spend ") if ": spend " in rest else rest.rfind(": ")
    return rest[:cut], rest[cut + 2:]


def text_table(table: pd.DataFrame, plan_name: str, scenario: str = "baseline") -> str:
    """The implications as readable text, part by part, for ``planlib implications``."""
    years = list(dict.fromkeys(table["year"]))
    lines = [f"{plan_name}: {scenario}. Financial implications of the plan (seed 000 para 30); money in £m, cash."]
    wide = {part: _wide(table[table["part"] == part], years) for part in PARTS}
    width = min(72, max(len(label) for rows in wide.values() for label, _, _ in rows) + 2)
    for part, title in PART_TITLES.items():
        lines += ["", f"({part}) {title}", f"  {'':<{width}}" + "".join(f"{y:>10}" for y in years)]
        for label, cells, _note in wide[part]:
            shown = label if len(label) < width else label[:width - 2].rstrip() + "…"
            lines.append(f"  {shown:<{width}}" + "".join(f"{c:>10}" for c in cells))
    lines += ["", "Figures rest on the plan's inputs, many of them illustrative; see finance.yaml and implications.yaml."]
    return "\n".join(lines)


def report_html(table: pd.DataFrame) -> str:
    """The implications as HTML tables, one per part, for the scenario report (text escaped)."""
    years = list(dict.fromkeys(table["year"]))
    parts = []
    for part, title in PART_TITLES.items():
        head = "".join(f"<th>{html.escape(h)}</th>" for h in ["Measure", *years, "Note"])
        body = []
        for measure, cells, note in _wide(table[table["part"] == part], years):
            tds = "".join(f'<td class="num">{html.escape(c)}</td>' for c in cells)
            body.append(f"<tr><td>{html.escape(measure)}</td>{tds}<td>{html.escape(note)}</td></tr>")
        parts.append(f'<table class="planlib implications"><caption>({part}) {html.escape(title)}</caption>'
                     f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    return "".join(parts)
