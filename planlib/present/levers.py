"""The lever model in words and HTML: what settings change, whether the plan balances, the figures.

What the scenario explorer shows a board member: :func:`describe` says what settings change (a
saved scenario's description), :func:`balance_sentence` whether the plan balances, and the
HTML functions the headline, the figures by year and the comparison of scenarios (the
optimiser's suggestion is :func:`planlib.present.portfolio.suggestion_html`). The figures are
a finance result as plain numbers (:func:`figures`);
the referendum and reserves flags are the finance engine's own (``referendum_required`` and
``reserves_below_minimum``), never worked out again here.

>>> from planlib.io import DEFAULT_PLAN, load_plan
>>> from planlib.levers import baseline_settings
>>> plan = load_plan(DEFAULT_PLAN)
>>> describe(plan, baseline_settings(plan).replace(precept_increase={"2022/23": 12.0, "2023/24": 15.0, "2024/25": 13.0}))
'Band D increase £12.00 in 2022/23 (baseline £10.00).'
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import pandas as pd

from planlib.levers import BALANCE_TOLERANCE, Levers, Settings, baseline_settings, levers
from planlib.model import Plan
from planlib.formats import money, percent, pounds, signed_percent

Figures = dict[str, dict[str, float]]
"""Finance results as plain numbers: measure -> financial year -> value."""


def figures(finance: pd.DataFrame) -> Figures:
    """A finance table (``scenario, year, measure, value, unit``) as measure -> year -> value.

    Plain dictionaries: reading them is far quicker than filtering the DataFrame for every
    figure, which matters in a callback that runs on every slider move.

    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> from planlib.results import run
    >>> m = figures(run(load_plan(DEFAULT_PLAN)).finance)
    >>> round(m["budget_gap"]["2023/24"] / 1e6, 1), m["referendum_required"]["2023/24"]
    (12.6, 0.0)
    """
    found: Figures = {}
    for measure, year, value in zip(finance["measure"].tolist(), finance["year"].tolist(), finance["value"].tolist()):
        found.setdefault(measure, {})[year] = value
    return found


def _years_phrase(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``.

    >>> _years_phrase(["2022/23", "2023/24", "2024/25"])
    '2022/23, 2023/24 and 2024/25'
    """
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _flagged(m: Figures, measure: str, years: Sequence[str]) -> list[str]:
    return [y for y in years if m[measure][y] > 0]


def balance_sentence(gap: Mapping[str, float] | pd.Series) -> str:
    """Whether the plan balances, in a sentence a board member reads at a glance.

    ``gap`` is the budget gap by financial year (positive: a shortfall), as from
    ``planlib.run(plan).measure("budget_gap")``.

    >>> balance_sentence(pd.Series({"2022/23": 1e3, "2023/24": 13.3e6, "2024/25": 10.8e6}))
    'The plan does not balance in 2023/24 and 2024/25: a shortfall of £13.3m and £10.8m.'
    >>> balance_sentence(pd.Series({"2022/23": -2e6, "2023/24": 20e3}))
    'The plan balances in every year.'
    """
    short = {str(year): float(value) for year, value in gap.items() if value >= BALANCE_TOLERANCE}
    if not short:
        return "The plan balances in every year."
    amounts = _years_phrase([money(v) for v in short.values()])
    return f"The plan does not balance in {_years_phrase(list(short))}: a shortfall of {amounts}."


def describe(plan: Plan, settings: Settings) -> str:
    """What ``settings`` change, in words, for a saved scenario's description.

    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> plan = load_plan(DEFAULT_PLAN)
    >>> describe(plan, baseline_settings(plan))
    'As the baseline plan: no changes.'
    >>> describe(plan, baseline_settings(plan).replace(grant_change_pct=1.5, pay_award_change_pp=-0.5))
    'Police grant +1.5% on the forecast for 2023/24 to 2024/25; pay awards -0.5 percentage points a year from 2022/23.'
    """
    lv = levers(plan)
    base = baseline_settings(plan)
    titles = {c.id: c.title for c in plan.commitments}
    parts = []
    moved = [y for y in lv.precept_years if abs(settings.precept_increase[y] - base.precept_increase[y]) > 1e-9]
    if moved:
        parts.append("Band D increase " + ", ".join(
            f"{pounds(settings.precept_increase[y])} in {y} (baseline {pounds(base.precept_increase[y])})" for y in moved))
    if settings.grant_change_pct:
        parts.append(f"police grant {signed_percent(settings.grant_change_pct)} on the forecast for "
                     f"{lv.grant_years[0]} to {lv.grant_years[-1]}")
    if settings.pay_award_change_pp:
        parts.append(f"pay awards {settings.pay_award_change_pp:+.1f} percentage points a year from {lv.pay_years[0]}")
    if settings.neighbourhood_officers is not None and settings.neighbourhood_officers != base.neighbourhood_officers \
            and settings.funded.get(lv.neighbourhood or "", True):
        parts.append(f"{settings.neighbourhood_officers} neighbourhood officers in post by the end of "
                     f"{plan.years[-1]} (baseline {base.neighbourhood_officers})")
    dropped = [titles[c] for c in lv.optional if not settings.funded.get(c, True) and base.funded[c]]
    added = [titles[c] for c in lv.optional if settings.funded.get(c, False) and not base.funded[c]]
    if dropped:
        parts.append("not funded: " + "; ".join(dropped))
    if added:
        parts.append("also funded: " + "; ".join(added))
    if not parts:
        return "As the baseline plan: no changes."
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


# --------------------------------------------------------------------------- beside each lever


def _readout(text: str) -> str:
    return f'<span class="planlib-readout">{text}</span>'


def precept_readout(m: Figures, year: str, increase: float) -> str:
    """The Band D increase of ``year`` against its referendum limit (flagged when a referendum is needed).

    >>> precept_readout({"referendum_limit": {"2023/24": 15.0}, "referendum_required": {"2023/24": 1.0}}, "2023/24", 20)
    '<span class="planlib-readout"><b>£20.00</b> <span class="planlib-flag">above the £15.00 limit: referendum needed</span></span>'
    """
    limit = m["referendum_limit"][year]
    if m["referendum_required"][year] > 0:
        return _readout(f'<b>{pounds(increase)}</b> <span class="planlib-flag">above the {pounds(limit)} limit: '
                        "referendum needed</span>")
    return _readout(f'<b>{pounds(increase)}</b> <span class="planlib-good">within the {pounds(limit)} limit</span>')


def grant_readout(m: Figures, years: Sequence[str], change_pct: float) -> str:
    """The change to the police grant and the grant it gives in ``years``.

    >>> grant_readout({"police_grant": {"2023/24": 574.2e6}}, ["2023/24"], -1.0)
    '<span class="planlib-readout"><b>−1.0%</b>: £574.2m</span>'
    """
    amounts = ", ".join(money(m["police_grant"][y]) for y in years)
    return _readout(f"<b>{signed_percent(change_pct)}</b>: {amounts}")


def pay_readout(awards: Mapping[str, float], change_pp: float) -> str:
    """The change to the pay awards (percentage points) and the awards (fractions) it gives, by year.

    >>> pay_readout({"2022/23": 0.035, "2023/24": 0.03}, 0.5)
    '<span class="planlib-readout"><b>+0.5 points</b>: 3.50%, 3%</span>'
    """
    shown = ", ".join(percent(value * 100, 2).replace(".00%", "%") for value in awards.values())
    return _readout(f"<b>{change_pp:+.1f} points</b>: {shown}")


def no_officers_lever(lv: Levers) -> str | None:
    """Why the app offers no officers lever, for the place the lever would be (None: it offers one).

    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> plan = load_plan(DEFAULT_PLAN)
    >>> no_officers_lever(levers(plan)) is None
    True
    >>> no_officers_lever(levers(plan.model_copy(update={"levers": None})))
    'This plan does not say which of its commitments carries the neighbourhood officers, so they cannot be moved here. The plan can name it in plan.yaml (levers: officer_commitment).'
    """
    if lv.neighbourhood is not None:
        return None
    if not lv.officers_declared:
        return ("This plan does not say which of its commitments carries the neighbourhood officers, so they "
                "cannot be moved here. The plan can name it in plan.yaml (levers: officer_commitment).")
    return ("The neighbourhood officers in post in this plan (finance.neighbourhood_officers_in_post) leave the "
            "officers lever no range to move in, so it is not offered.")


def officers_readout(officers: int | None, target: int, funded: bool) -> str:
    """The neighbourhood officers in post at the end, against the target (or that the commitment is dropped).

    >>> officers_readout(380, 450, True)
    '<span class="planlib-readout"><b>380</b> in post (target 450)</span>'
    """
    if not funded:
        return _readout('<span class="planlib-flag">commitment dropped</span>')
    return _readout(f"<b>{officers}</b> in post (target {target})")


# --------------------------------------------------------------------------- the figures


def headline_html(m: Figures, precept_years: Sequence[str]) -> str:
    """Whether the plan balances, whether a referendum is needed and where reserves end, at a glance.

    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> from planlib.results import run
    >>> text = headline_html(figures(run(load_plan(DEFAULT_PLAN)).finance), ["2022/23", "2023/24", "2024/25"])
    >>> "a shortfall of £12.6m and £10.5m" in text, "referendum" in text
    (True, False)
    """
    gap, closing, minimum = m["budget_gap"], m["reserves_closing"], m["minimum_reserves"]
    increase, limit = m["precept_increase"], m["referendum_limit"]
    years = list(gap)
    short = any(v >= BALANCE_TOLERANCE for v in gap.values())
    lines = [f'<p class="planlib-lead">{html.escape(balance_sentence(gap))}</p>']
    above = _flagged(m, "referendum_required", precept_years)
    if above:
        lines.append('<p class="planlib-flag">' + html.escape(
            "A referendum would be needed: the Band D increase is above the limit in "
            + _years_phrase([f"{y} ({pounds(increase[y])} against {pounds(limit[y])})" for y in above]) + ".") + "</p>")
    low = _flagged(m, "reserves_below_minimum", years)
    last = years[-1]
    if low:
        lines.append('<p class="planlib-flag">' + html.escape(
            f"Reserves fall below the {money(minimum[low[0]])} minimum in {_years_phrase(low)} "
            f"(to {money(closing[low[0]])} in {low[0]}).") + "</p>")
    else:
        lines.append("<p>" + html.escape(
            f"Reserves stay above the {money(minimum[last])} minimum, ending at {money(closing[last])} "
            f"in {last}" + (" after meeting the shortfall." if short else ".")) + "</p>")
    kind = "planlib-short" if short or above or low else ""
    return f'<div class="planlib-headline {kind}" role="status">{"".join(lines)}</div>'


def _gap_cell(value: float, plain: bool = False) -> str:
    if value >= BALANCE_TOLERANCE:
        return f'<td class="num{"" if plain else " planlib-flag"}">{money(value)} shortfall</td>'
    if value <= -BALANCE_TOLERANCE:
        return f'<td class="num">{money(-value)} surplus</td>'
    return f'<td class="num{"" if plain else " planlib-good"}">balanced</td>'


def _row(label: str, cells: list[str], css: str = "") -> str:
    return f'<tr class="{css}"><td>{label}</td>{"".join(cells)}</tr>'


def by_year_html(m: Figures, baseline_gap: Mapping[str, float], *, officers_funded: bool = True,
                 limit_status: str = "verified") -> str:
    """The figures by year: the gap against the baseline's, the precept and its limit, reserves, officers.

    ``limit_status`` is the status of the plan's referendum limits: a note asks the reader to
    check them unless they are verified.

    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> from planlib.results import run
    >>> m = figures(run(load_plan(DEFAULT_PLAN)).finance)
    >>> "£12.6m shortfall" in by_year_html(m, m["budget_gap"], limit_status="unverified")
    True
    """
    years = list(m["budget_gap"])
    gap, increase, limit = m["budget_gap"], m["precept_increase"], m["referendum_limit"]
    closing, minimum, officers = m["reserves_closing"], m["minimum_reserves"], m["officers_neighbourhood"]
    rows = ["<tr><th>By year</th>" + "".join(f'<th class="num">{y}</th>' for y in years) + "</tr>",
            _row("Budget gap", [_gap_cell(gap[y]) for y in years], "planlib-gap-row"),
            _row("Budget gap in the baseline", [_gap_cell(baseline_gap[y], plain=True) for y in years])]
    cells = []
    for y in years:
        mark = ' planlib-flag" title="Above the referendum limit' if m["referendum_required"][y] > 0 else ""
        cells.append(f'<td class="num{mark}">+{pounds(increase[y])} (limit {pounds(limit[y])})</td>')
    below = set(_flagged(m, "reserves_below_minimum", years))
    rows += [_row("Band D increase", cells),
             _row("Band D precept", [f'<td class="num">{pounds(m["precept_band_d"][y])}</td>' for y in years]),
             _row(f"Reserves at year end (minimum {money(minimum[years[-1]])})",
                  [f'<td class="num{" planlib-flag" if y in below else ""}">{money(closing[y])}</td>' for y in years]),
             _row("Neighbourhood officers in post", [f'<td class="num">{officers[y]:,.0f}</td>' for y in years]
                  if officers_funded else [f'<td class="num planlib-flag" colspan="{len(years)}">commitment dropped</td>'])]
    note = ("" if limit_status == "verified" else
            f'<p class="planlib-note">The referendum limits are {html.escape(limit_status)} figures: check them '
            "before relying on the referendum flags.</p>")
    return f'<table class="planlib-figures planlib-by-year">{"".join(rows)}</table>{note}'


def comparison_html(compared: Mapping[str, Figures], years: Sequence[str]) -> str:
    """A row per scenario (label -> figures): the gap by year and in total, reserves, Band D, referendum.

    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> from planlib.results import run
    >>> m = figures(run(load_plan(DEFAULT_PLAN)).finance)
    >>> "<td>Baseline</td>" in comparison_html({"Baseline": m}, list(m["budget_gap"]))
    True
    """
    last = years[-1]
    head = ("<tr><th>Scenario</th>" + "".join(f'<th class="num">Gap {y}</th>' for y in years)
            + f'<th class="num">Total gap</th><th class="num">Reserves end {last}</th>'
            + f'<th class="num">Band D {last}</th><th>Referendum needed</th></tr>')
    body = []
    for label, m in compared.items():
        gaps = [m["budget_gap"][y] for y in years]
        referendum = _flagged(m, "referendum_required", years)
        cells = "".join(f'<td class="num{" planlib-flag" if g >= BALANCE_TOLERANCE else ""}">{money(g)}</td>'
                        for g in gaps)
        below = m["reserves_below_minimum"][last] > 0
        body.append(
            f"<tr><td>{html.escape(label)}</td>{cells}<td class=\"num\">{money(sum(gaps))}</td>"
            f'<td class="num{" planlib-flag" if below else ""}">{money(m["reserves_closing"][last])}</td>'
            f'<td class="num">{pounds(m["precept_band_d"][last])}</td>'
            f'<td class="{"planlib-flag" if referendum else ""}">{html.escape(_years_phrase(referendum)) or "No"}</td></tr>'
        )
    return f'<table class="planlib-figures planlib-comparison">{head}{"".join(body)}</table>'


def funded_summary_html(funded: int, total: int, cost: float, years: Sequence[str], dropped: Sequence[str]) -> str:
    """How many commitments are funded and what they cost over ``years``; the titles of those dropped.

    >>> funded_summary_html(27, 28, 412e6, ["2021/22", "2024/25"], ["Victims & witnesses"])
    '<p class="planlib-funded-summary"><b>27 of 28 commitments funded</b>, costing £412.0m in revenue over 2021/22 to 2024/25 (officer and staff pay included). Dropped: Victims &amp; witnesses.</p>'
    """
    text = (f"<b>{funded} of {total} commitments funded</b>, costing {money(cost)} in revenue over "
            f"{years[0]} to {years[-1]} (officer and staff pay included).")
    if dropped:
        text += " Dropped: " + "; ".join(html.escape(t) for t in dropped) + "."
    return f'<p class="planlib-funded-summary">{text}</p>'

