"""The portfolio optimiser's answer for people: the ``planlib optimise`` text, its json, the
scenario explorer's suggestion (HTML) and its tables.

Every answer opens with what drives it in plain words (:func:`planlib.present.portfolio_words.lead`),
then the money by year against the headroom, what is left unspent and why, the commitments
chosen and, for each one left out, why. Money is written by :mod:`planlib.formats`
(``−£10.6m``), commitments by their titles.

>>> import planlib
>>> from planlib.portfolio import optimise
>>> res = optimise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500, frontier=False)
>>> text_table(res, "Example").splitlines()[0]
'Example: baseline. Best affordable portfolio: Deliver the pledges within budget.'
>>> sorted(portfolio_json(res))[:4]
['commitments', 'envelope_by_year', 'lead', 'objective']
"""

from __future__ import annotations

import html
import textwrap
from typing import TYPE_CHECKING, Any

import pandas as pd

from planlib.formats import MISSING, money, share
from planlib.portfolio.problem import WEIGHT_OBJECTIVES
from planlib.present.portfolio_words import (
    NEEDS_NOTE,
    OBJECTIVE_LABELS,
    OBJECTIVE_WORDS,
    gap_sentence,
    lead,
    left_out_reason,
    unspent_sentence,
)
from planlib.present.text import plural

if TYPE_CHECKING:
    from planlib.portfolio.result import PortfolioResult

__all__ = ["OBJECTIVE_LABELS", "OBJECTIVE_WORDS", "by_year_html", "by_year_table", "commitments_table", "lead_html",
           "portfolio_json", "suggestion_html", "text_table"]

TITLE_WIDTH = 60
"""Characters of a commitment's title shown in a row of the table (longer titles are cut with …)."""

WRAP = 100
"""Characters a line of the text answer's sentences runs to."""


def _title(text: str, width: int = TITLE_WIDTH) -> str:
    """``text`` in a column of ``width`` characters, cut with an ellipsis if it is longer.

    >>> _title("Campaign for fair funding", 12)
    'Campaign fo…'
    """
    return text if len(text) <= width else text[:width - 1] + "…"


def _kept_sentence(result: PortfolioResult) -> str:
    t = result.commitments
    chosen = t[t["selected"]]
    statutory = int(chosen["mandatory"].sum())
    pledged = int((chosen["pledged"] & ~chosen["mandatory"]).sum())
    others = len(chosen) - statutory - pledged
    parts = ([f"{statutory} statutory dut{'y' if statutory == 1 else 'ies'}"] + ([plural(pledged, "pledge")] if pledged
             else []) + [f"{others} other{'s' if others != 1 else ''}"])
    text = f"Kept: {len(chosen)} of {len(t)} commitments ({', '.join(parts)})."
    if result.objective in WEIGHT_OBJECTIVES:
        text += (f" Priority weight kept: {result.objective_value:g} of {t['weight'].sum():g} (each commitment "
                 "counts its objective's weight).")
    else:
        text += f" Total: {money(result.objective_value)} (present value, first-year prices)."
    return text + (f" Proved within {result.gap:.2%} of the best possible." if result.gap > 1e-9
                   else " Proved the best possible.")


BY_YEAR_ROWS = (("Headroom for commitments", "envelope"), ("Commitments as planned", "plan_cost"),
                ("Budget gap as planned (+ = shortfall)", "gap_before"), ("Statutory duties", "mandatory_cost"),
                ("Pledges", "pledged_cost"), ("Other commitments chosen", "other_cost"),
                ("Left unspent", "headroom_left"))
"""The rows of the money-by-year table, as labelled for a reader, and their columns of ``by_year``."""


def by_year_table(result: PortfolioResult) -> pd.DataFrame:
    """The money by year (GBP) as a reader's table: one row per line of :data:`BY_YEAR_ROWS`, one
    column per year, the first column ``What``.

    >>> import planlib
    >>> res = planlib.optimise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500, frontier=False)
    >>> table = by_year_table(res)
    >>> list(table.columns), table["What"].iloc[-1]
    (['What', '2021/22', '2022/23', '2023/24', '2024/25'], 'Left unspent')
    """
    b = result.by_year.set_index("year")
    return pd.DataFrame([{"What": label, **{y: float(b.at[y, column]) for y in b.index}}
                         for label, column in BY_YEAR_ROWS])


def commitments_table(result: PortfolioResult) -> pd.DataFrame:
    """Every commitment with the answer for it, as a reader's table (titles, no ids): ``Commitment,
    Chosen, Kind, Starts, Cost over the plan (£), Net present value (£), Why left out``; those left
    out first, then pledges, other commitments and statutory duties, each in plan order.

    >>> import planlib
    >>> res = planlib.optimise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500)
    >>> table = commitments_table(res)
    >>> table["Chosen"].tolist()[:6], table.loc[5, "Kind"]
    (['No', 'No', 'No', 'No', 'No', 'Yes'], 'Pledge')
    """
    rows = []
    for r in result.commitments.to_dict(orient="records"):
        kind = ("Statutory duty" if r["mandatory"] else "Pledge" if r["pledged"] else "Optional")
        rows.append({"Commitment": r["title"], "Chosen": "Yes" if r["selected"] else "No", "Kind": kind,
                     "Starts": r["start_year"] if r["selected"] else MISSING,
                     "Cost over the plan (£)": r["cost_total"],
                     "Net present value (£)": r["npv"] if r["valued"] else None,
                     "Why left out": "" if r["selected"] else left_out_reason(result, r)})
    order = {"Pledge": 0, "Optional": 1, "Statutory duty": 2}
    rows.sort(key=lambda r: (r["Chosen"] == "Yes", order[r["Kind"]]))
    return pd.DataFrame(rows)


def _by_year_lines(result: PortfolioResult) -> list[str]:
    table = by_year_table(result)
    years = list(result.envelope)
    lines = [f"{'':<40}" + "".join(f"{y:>10}" for y in years)]
    for row in table.to_dict(orient="records"):
        lines.append(f"{row['What']:<40}" + "".join(f"{money(row[y]):>10}" for y in years))
    return lines


def _chosen_lines(result: PortfolioResult) -> list[str]:
    t = result.commitments
    w = TITLE_WIDTH + 2
    lines = [f"{'chosen':<{w}}{'starts':>9}{'NPV':>12}{'cost':>10}"]
    for r in t[t["selected"]].itertuples():
        late = f" (+{r.delay_years})" if r.delay_years else ""
        mark = " statutory" if r.mandatory else " pledge" if r.pledged else ""
        npv = money(r.npv) if r.valued else "costs only" if not r.no_cost else MISSING
        cost = "no cost" if r.no_cost else money(r.cost_total)
        lines.append(f"{_title(r.title):<{w}}{r.start_year:>9}{npv:>12}{cost:>10}{late}{mark}")
    lines += textwrap.wrap("NPV: net present value where benefits are valued; “costs only” where they are "
                           "not; “no cost”: no separate cost to this budget (delivered within running costs).", WRAP)
    return lines


def _left_out_lines(result: PortfolioResult) -> list[str]:
    t = result.commitments
    out = t[~t["selected"]]
    if not len(out):
        return []
    w = TITLE_WIDTH + 2
    money_objective = result.objective not in WEIGHT_OBJECTIVES
    head = f"{'left out':<{w}}{'cost':>10}" + (f"{'NPV':>10}{'needs':>10}" if money_objective else "") + "  why"
    lines = [head]
    for r in out.to_dict(orient="records"):
        npv = MISSING if r["npv"] != r["npv"] else money(r["npv"])
        needs = MISSING if r["npv_to_enter"] != r["npv_to_enter"] else money(r["npv_to_enter"])
        pledge = "(pledge) " if r["pledged"] else ""
        lines.append(f"{_title(r['title']):<{w}}{money(r['cost_total']):>10}"
                     + (f"{npv:>10}{needs:>10}" if money_objective else "")
                     + f"  {pledge}{left_out_reason(result, r)}")
    if money_objective:
        lines += textwrap.wrap(NEEDS_NOTE, WRAP)
    return lines


def _frontier_lines(result: PortfolioResult) -> list[str]:
    frontier = result.frontier
    if not len(frontier):
        return []
    weight = result.objective in WEIGHT_OBJECTIVES
    what = "priority weight kept" if weight else "best value"
    return ["", f"Efficient frontier (envelope as a share of the one above: {what})",
            "  " + "  ".join(f"{share(r.envelope_share, 0)}: "
                             + ("no fit" if not r.feasible else f"{r.objective_value:g}" if weight
                                else money(r.objective_value)) for r in frontier.itertuples())]


def text_table(result: PortfolioResult, plan_name: str, scenario: str = "baseline") -> str:
    """The answer as ``planlib optimise`` prints it: what drives it, money by year, what is left
    unspent and why, then each commitment by title.

    Parameters
    ----------
    result : PortfolioResult
        What :func:`planlib.portfolio.optimise` returned.
    plan_name, scenario : str
        The plan's name and the scenario's, for the first line.
    """
    def para(text: str) -> list[str]:
        return textwrap.wrap(text, WRAP)

    lines = [f"{plan_name}: {scenario}. Best affordable portfolio: {OBJECTIVE_LABELS[result.objective]}.",
             *para(f"It aims to {OBJECTIVE_WORDS[result.objective]}.")]
    for sentence in lead(result):
        lines += para(sentence)
    lines += ["", *para(_kept_sentence(result)), "", *_by_year_lines(result), "",
              *para(gap_sentence(result)), *para(unspent_sentence(result)), "", *_chosen_lines(result)]
    left = _left_out_lines(result)
    lines += ["", *left] if left else []
    lines += _frontier_lines(result)
    note = ("NPVs rest on assumptions marked illustrative or unverified in the plan; commitments whose benefits "
            "are not valued count their costs only." if result.objective not in WEIGHT_OBJECTIVES else
            "Priority weights are the plan's (objectives[].weight in plan.yaml, 1 unless set): a policy choice, "
            "not evidence. Pledges are the commitments marked pledged: true in commitments.yaml.")
    return "\n".join([*lines, "", *para(note)])


def portfolio_json(result: PortfolioResult) -> dict[str, Any]:
    """The answer as the ``planlib optimise --format json`` document (ids, pounds as numbers)."""
    years = list(result.envelope)

    def number(value: Any) -> float | None:
        # null, not NaN (which is not JSON), for a commitment with no option: one that depends
        # on a commitment the plan or scenario switches off
        return None if pd.isna(value) else float(value)

    return {
        "objective": result.objective,
        "lead": lead(result),
        "selected": list(result.selected),
        "objective_value": float(result.objective_value),
        "envelope_by_year": {y: float(v) for y, v in result.envelope.items()},
        "unspent_by_year": {y: float(v) for y, v in zip(result.by_year["year"], result.by_year["headroom_left"])},
        "unspent_reason": unspent_sentence(result),
        "commitments": [
            {
                "id": row["id"],
                "npv": number(row["npv"]),
                "cost_by_year": {y: float(row[f"cost_{y}"]) for y in years},
                "mandatory": bool(row["mandatory"]),
                "pledged": bool(row["pledged"]),
                "valued": bool(row["valued"]),
                "depends_on": list(row["depends_on"]),
                "selected": bool(row["selected"]),
                "start_year": row["start_year"] if isinstance(row["start_year"], str) else None,
                "why_left_out": None if row["selected"] else left_out_reason(result, row),
            }
            for row in result.commitments.to_dict(orient="records")
        ],
    }


def lead_html(result: PortfolioResult) -> str:
    """The opening of the suggestion (HTML, escaped): what drives the answer, what is kept, the
    budget gap and what is left unspent.

    >>> import planlib
    >>> res = planlib.optimise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500, frontier=False)
    >>> "Suggested: 23 of 28 commitments, with all 11 statutory duties kept." in lead_html(res)
    True
    """
    lead_text = " ".join(lead(result))
    t = result.commitments
    chosen = t[t["selected"]]
    proved = f" (proved within {share(result.gap, 2)} of the best possible)" if result.gap > 1e-9 else ""
    suggested = (f"Suggested: {len(chosen)} of {len(t)} commitments, with all {int(chosen['mandatory'].sum())} "
                 f"statutory duties kept{proved}.")
    opening = " ".join(part for part in (lead_text, suggested) if part)
    return (f'<p class="planlib-lead">{html.escape(opening)}</p>'
            f"<p>{html.escape(gap_sentence(result))} {html.escape(unspent_sentence(result))}</p>")


def by_year_html(result: PortfolioResult) -> str:
    """The money by year against the headroom (:func:`by_year_table`) as an HTML table with a
    caption and scoped headers.

    >>> import planlib
    >>> res = planlib.optimise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500, frontier=False)
    >>> '<th scope="row">Left unspent</th>' in by_year_html(res)
    True
    """
    table = by_year_table(result)
    years = list(result.envelope)
    rows = ['<tr><th scope="col">What</th>' + "".join(f'<th scope="col" class="num">{y}</th>' for y in years) + "</tr>"]
    for row in table.to_dict(orient="records"):
        rows.append(f'<tr><th scope="row">{html.escape(row["What"])}</th>'
                    + "".join(f'<td class="num">{money(row[y])}</td>' for y in years) + "</tr>")
    return ('<table class="planlib-figures planlib-suggestion-years"><caption>Money by year against the headroom'
            f'</caption>{"".join(rows)}</table>')


def suggestion_html(result: PortfolioResult) -> str:
    """The whole suggestion as HTML (escaped): the opening, the money by year, the commitments
    chosen and those left out with why. The app shows the commitments as a table with a download.

    >>> import planlib
    >>> res = planlib.optimise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500)
    >>> "<h3>Left out, and why</h3>" in suggestion_html(res)
    True
    """
    t = result.commitments
    kept = [f"<li>{html.escape(r.title)}</li>" for r in t[t["selected"] & ~t["mandatory"]].itertuples()]
    left = [f"<li>{html.escape(r['title'])}: {html.escape(left_out_reason(result, r))}</li>"
            for r in t[~t["selected"]].to_dict(orient="records")]
    return (f'<div class="planlib-suggestion">{lead_html(result)}{by_year_html(result)}'
            f"<h3>Chosen besides the statutory duties</h3><ul>{''.join(kept) or '<li>None</li>'}</ul>"
            + (f"<h3>Left out, and why</h3><ul>{''.join(left)}</ul>" if left else "") + "</div>")
