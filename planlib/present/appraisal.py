"""The appraisal for people: the rows of ``planlib appraise`` (csv and json), and the appraisal in
two groups as ``planlib appraise``, the net benefit app, notebook and scenario report show it:
the commitments whose benefits are valued, with the financial and economic cases of the HM
Treasury 2014 guidance for local partnerships, then those whose benefits are not valued, with
their cost and what each would need to achieve (:func:`cases_text`, :func:`cases_headline`,
:func:`valued_frame`, :func:`not_valued_frame`, :func:`cases_frame`). The two groups are never
added together. Every term is said beside plain words (:data:`TERMS`).

Money is written by :mod:`planlib.formats` (``−£65.5m``), commitments by their titles.

>>> import planlib
>>> from planlib.appraisal import appraise
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> rows = appraisal_rows(appraise(plan, samples=500))
>>> list(rows.columns) == APPRAISAL_COLUMNS, rows["commitment"].iloc[-2:].tolist()
(True, ['VALUED', 'NOT_VALUED'])
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import TYPE_CHECKING

from planlib.formats import MISSING, count, money
from planlib.types import FinancialYear

if TYPE_CHECKING:
    import pandas as pd

    from planlib.appraisal import AppraisalCases

APPRAISAL_COLUMNS = [
    "scenario", "commitment", "pv_costs", "pv_benefits", "npv", "npv_p5", "npv_p50", "npv_p95",
    "prob_npv_positive", "bcr", "bcr_p50", "fiscal_roi", "public_value_roi", "payback_year",
    "pv_fiscal", "pv_economic", "pv_social", "monetised", "samples", "seed",
]
"""The columns of ``planlib appraise --format csv`` (and the keys of its json), in order."""

TITLE_WIDTH = 60
"""Characters of a commitment's title shown in a row of the table (longer titles are cut with …)."""


def appraisal_rows(table: pd.DataFrame) -> pd.DataFrame:
    """One row per commitment (then the VALUED and NOT_VALUED groups) with the columns of :data:`APPRAISAL_COLUMNS`, from
    the long appraisal (:func:`planlib.appraisal.appraise`): payback as a financial year, flags
    and counts as whole numbers."""
    wide = table.pivot(index="commitment", columns="measure", values="value")
    wide = wide.reindex(list(dict.fromkeys(table["commitment"]))).reset_index()
    wide.insert(0, "scenario", table["scenario"].iloc[0])
    wide["payback_year"] = [
        "" if value != value else str(FinancialYear(int(value))) for value in wide["payback_year"]
    ]
    for name in ("monetised", "samples", "seed"):
        wide[name] = wide[name].astype(int)
    return wide[APPRAISAL_COLUMNS]


def _title(text: str, width: int = TITLE_WIDTH) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


# ---------------------------------------------------------------------------------------------------------
# The appraisal in two groups (valued, not valued) and the two cases of the HM Treasury 2014 guidance.

TERMS: dict[str, tuple[str, str]] = {
    "npv": ("Net present value", "benefits less costs, in today's money"),
    "interval": ("90% interval", "we are 90% sure it lies between these"),
    "prob_npv_positive": ("Chance the benefits outweigh the costs", "how often, over the uncertain assumptions, "
                          "the benefits came out above the costs"),
    "net_present_budget_impact": ("Net present budget impact", "savings to public budgets less the costs, in "
                                  "today's money"),
    "financial_roi": ("Financial return on investment", "public money saved for each £1 spent"),
    "payback_period": ("Payback period", "years until the savings to public budgets have repaid the costs"),
    "net_present_public_value": ("Net present public value", "all the benefits to the public (savings, the "
                                 "economy, people's lives) less the costs, in today's money"),
    "public_value_bcr": ("Public value benefit-cost ratio", "benefit to the public for each £1 spent"),
}
"""Each term of the two cases with the plain words a board member reads beside it."""

TEXT_WIDTH = 120
"""Characters a line of running text in ``planlib appraise`` is wrapped at."""

CASE_SCOPE = {"Financial case": "savings to public budgets only, central values",
              "Economic case": "all public value: fiscal, economic and social"}
"""What each case counts, said after its name."""

CASES_SOURCE = "HM Treasury and New Economy (GMCA) cost-benefit analysis guidance for local partnerships, 2014"


def per_pound(ratio: float) -> str:
    """A ratio of benefits to costs as money back for each pound spent.

    >>> per_pound(1.5), per_pound(0.0144), per_pound(float("nan"))
    ('£1.50 per £1', '£0.01 per £1', '–')
    """
    return MISSING if ratio != ratio else f"£{ratio:,.2f} per £1"


def payback_words(years: float, horizon_years: int) -> str:
    """A payback period in words.

    >>> payback_words(3.0, 10), payback_words(1.0, 10), payback_words(float("nan"), 10)
    ('3 years', '1 year', 'not within 10 years')
    """
    if years != years:
        return f"not within {horizon_years} years"
    return f"{int(years)} year{'' if int(years) == 1 else 's'}"


def _chance(probability: float) -> str:
    from planlib.present.assumptions import chance

    return chance(probability)


def break_even_words(row: Mapping[str, object]) -> str:
    """What a commitment whose benefits are not valued would need to achieve to break even.

    ``row`` is a row of :attr:`planlib.appraisal.AppraisalCases.not_valued`.

    >>> break_even_words({"cost_a_year": 165_955, "unit": "offences of robbery", "verb": "prevent",
    ...                   "units_a_year": 10.5})
    'benefits worth £166k a year, such as preventing about 10 offences of robbery a year'
    >>> break_even_words({"cost_a_year": 50_000, "unit": "", "verb": "", "units_a_year": float("nan")})
    'benefits worth £50k a year'
    >>> break_even_words({"cost_a_year": 0.0, "unit": "", "verb": "", "units_a_year": float("nan")})
    'nothing: the plan gives it no costs of its own'
    """
    per_year = float(row["cost_a_year"])  # type: ignore[arg-type]
    if not per_year > 0:
        return "nothing: the plan gives it no costs of its own"
    text = f"benefits worth {money(per_year, thousands=True)} a year"
    units = float(row["units_a_year"])  # type: ignore[arg-type]
    if row["unit"] and units == units:
        verb = {"prevent": "preventing", "achieve": "achieving"}.get(str(row["verb"]), str(row["verb"]))
        text += f", such as {verb} about {count(max(1, round(units)))} {row['unit']} a year"
    return text


def cases_headline(cases: AppraisalCases) -> str:
    """The one honest headline: the valued commitments' net benefit, the others' cost, never a sum.

    >>> import planlib
    >>> from planlib.appraisal import appraisal_cases
    >>> text = cases_headline(appraisal_cases(planlib.load_plan(planlib.DEFAULT_PLAN), samples=200))
    >>> "benefits valued in money" in text and "not added" in text
    True
    """
    n_valued, n_other = cases.counts
    total, others = cases.valued_total, cases.not_valued_total
    n = n_valued + n_other
    cost = f"{money(others['pv_costs'])} (present value; {money(others['cost_a_year'], thousands=True)} a year)"
    if n == 0:
        return "The plan has no commitments switched on, so there is nothing to appraise."
    if n_valued == 0:
        return (f"None of the {n} commitments has benefits valued in money, so no net benefit is given. Together they "
                f"cost {cost}; each is listed with what it would need to achieve to pay for itself.")
    have = "has" if n_valued == 1 else "have"
    valued = (f"{n_valued} of {n} commitments {have} benefits valued in money: together their median net present "
              f"public value is {money(total['npv_p50'])} (90% interval {money(total['npv_p5'])} to "
              f"{money(total['npv_p95'])}), and the chance their benefits outweigh their costs is "
              f"{_chance(total['prob_npv_positive'])}.")
    if n_other == 0:
        return valued
    return (f"{valued} The other {n_other} cost {cost} and are listed with what each would need to achieve; "
            "their benefits are not valued, so they are not added in.")


def valued_frame(cases: AppraisalCases, titles: Mapping[str, str]) -> pd.DataFrame:
    """The valued commitments, then the group, as a reader's table (readable headings, money written)."""
    import pandas as pd

    rows = [*cases.valued.to_dict("records"), {**cases.valued_total.to_dict(), "commitment": None}] \
        if len(cases.valued) else []
    h = cases.horizon_years
    return pd.DataFrame([{
        "Commitment": titles.get(r["commitment"], r["commitment"]) if r["commitment"] else VALUED_TOGETHER,
        "Costs (present value)": money(r["pv_costs"]),
        "Benefits (present value)": money(r["pv_benefits"]),
        "Net present public value, median": money(r["npv_p50"]),
        "90% interval": f"{money(r['npv_p5'])} to {money(r['npv_p95'])}",
        "Chance the benefits outweigh the costs": _chance(r["prob_npv_positive"]),
        "Public value benefit-cost ratio": per_pound(r["public_value_bcr"]),
        "Net present budget impact": money(r["net_present_budget_impact"]),
        "Financial return on investment": per_pound(r["financial_roi"]),
        "Payback period": payback_words(r["payback_period"], h),
    } for r in rows], columns=VALUED_HEADINGS)


VALUED_TOGETHER = "The valued commitments together"
"""The last row of :func:`valued_frame`: the valued group (never the commitments not valued)."""

VALUED_HEADINGS = [
    "Commitment", "Costs (present value)", "Benefits (present value)", "Net present public value, median",
    "90% interval", "Chance the benefits outweigh the costs", "Public value benefit-cost ratio",
    "Net present budget impact", "Financial return on investment", "Payback period",
]
"""The columns of :func:`valued_frame`."""

NOT_VALUED_HEADINGS = ["Commitment", "Costs (present value)", "Cost a year", "To pay for itself it would need"]
"""The columns of :func:`not_valued_frame`."""


def _cost(value: float) -> str:
    return money(value, thousands=True) if value > 0 else "none"


def not_valued_frame(cases: AppraisalCases, titles: Mapping[str, str]) -> pd.DataFrame:
    """The commitments whose benefits are not valued: cost, cost a year and what each would need."""
    import pandas as pd

    return pd.DataFrame([{
        "Commitment": titles.get(r["commitment"], r["commitment"]),
        "Costs (present value)": _cost(r["pv_costs"]),
        "Cost a year": _cost(r["cost_a_year"]),
        "To pay for itself it would need": break_even_words(r),
    } for r in cases.not_valued.to_dict("records")], columns=NOT_VALUED_HEADINGS)


def cases_frame(cases: AppraisalCases) -> pd.DataFrame:
    """The financial and economic cases of the valued commitments together: term, figure, plain words."""
    import pandas as pd

    t = cases.valued_total
    figures = [
        ("Financial case", "net_present_budget_impact", money(t["net_present_budget_impact"])),
        ("Financial case", "financial_roi", per_pound(t["financial_roi"])),
        ("Financial case", "payback_period", payback_words(t["payback_period"], cases.horizon_years)),
        ("Economic case", "net_present_public_value", f"{money(t['npv_p50'])} (median)"),
        ("Economic case", "interval", f"{money(t['npv_p5'])} to {money(t['npv_p95'])}"),
        ("Economic case", "prob_npv_positive", _chance(t["prob_npv_positive"])),
        ("Economic case", "public_value_bcr", per_pound(t["public_value_bcr"])),
    ]
    return pd.DataFrame([{"Case": case, "Measure": TERMS[key][0], "Figure": figure, "In plain words": TERMS[key][1]}
                         for case, key, figure in figures])


def _text_table(frame: pd.DataFrame, widths: Mapping[str, int]) -> list[str]:
    """Fixed-width lines of ``frame``: the first column left, cut to its width; the others right."""
    first, *rest = frame.columns

    def cell(column: str, text: str) -> str:  # a width of 0: the last column, left-aligned after two spaces
        return f"  {text}" if widths[column] == 0 else f"{text[:widths[column] - 1]:>{widths[column]}}"

    lines = [f"{first:<{widths[first]}}" + "".join(cell(c, c) for c in rest)]
    for row in frame.itertuples(index=False):
        values = list(row)
        lines.append(f"{_title(str(values[0]), widths[first] - 2):<{widths[first]}}"
                     + "".join(cell(c, str(v)) for c, v in zip(rest, values[1:])))
    return lines


def cases_text(cases: AppraisalCases, plan_name: str, scenario: str, titles: Mapping[str, str] | None = None) -> str:
    """The appraisal as ``planlib appraise`` prints it: the valued commitments, their two cases,
    then the commitments whose benefits are not valued with what each would need; never a sum of both.

    >>> import planlib
    >>> from planlib.appraisal import appraisal_cases
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> text = cases_text(appraisal_cases(plan, samples=200), plan.name, "baseline")
    >>> "1. Commitments whose benefits are valued" in text, "All commitments" in text
    (True, False)
    """
    titles = dict(titles or {})
    n_valued, n_other = cases.counts
    lines = [f"{plan_name}: {scenario}. Net benefit over the {cases.horizon_years}-year appraisal horizon, in "
             f"first-year prices, discounted (Green Book); intervals from {cases.samples:,} draws, seed {cases.seed}.",
             "", textwrap.fill(cases_headline(cases), TEXT_WIDTH), "",
             f"1. Commitments whose benefits are valued ({n_valued})"]
    if n_valued:
        frame = valued_frame(cases, titles)
        short = frame.rename(columns={"Costs (present value)": "PV costs", "Benefits (present value)": "PV benefits",
                                      "Net present public value, median": "NPV median",
                                      "Chance the benefits outweigh the costs": "chance",
                                      "Public value benefit-cost ratio": "BCR"})
        lines += _text_table(short.iloc[:, :7], {"Commitment": TITLE_WIDTH + 2, "PV costs": 10, "PV benefits": 12,
                                                  "NPV median": 12, "90% interval": 22, "chance": 10, "BCR": 15})
        lines += ["", "   chance: chance the benefits outweigh the costs (P(NPV > 0)); BCR: benefit to the public "
                  "for each £1 spent.", "", f"   The two cases ({CASES_SOURCE}), the valued commitments together:"]
        for name, part in cases_frame(cases).groupby("Case", sort=False):
            lines.append(f"   {name} ({CASE_SCOPE[str(name)]})")
            lines += [f"     {r.Measure:<40}{r.Figure:<22}{r[3]}" for r in part.itertuples(index=False)]
        lines += ["", "   The financial case by commitment:"]
        lines += ["   " + line for line in _text_table(frame[["Commitment", "Net present budget impact",
                                                              "Financial return on investment", "Payback period"]],
                                                       {"Commitment": TITLE_WIDTH, "Net present budget impact": 27,
                                                        "Financial return on investment": 32, "Payback period": 22})]
    else:
        lines.append("   None: the plan values no commitment's benefits in money.")
    others = cases.not_valued_total
    lines += ["", f"2. Commitments whose benefits are not valued ({n_other}): together they cost "
                  f"{money(others['pv_costs'])} (present value), {money(others['cost_a_year'], thousands=True)} a year."
                  " Not added to the figures above."]
    if n_other:
        lines += _text_table(not_valued_frame(cases, titles),
                             {"Commitment": TITLE_WIDTH + 2, "Costs (present value)": 22, "Cost a year": 12,
                              "To pay for itself it would need": 0})
        lines += ["", textwrap.fill(
            "A cost a year is the even yearly sum over the plan's years worth the present value of the costs: the "
            "benefit a year that would repay them. A volume is in the unit of an outcome the plan values for "
            "commitments under the same objective (or measured by the same KPI), an offence at its Home Office unit "
            "cost of crime.", TEXT_WIDTH, initial_indent="   ", subsequent_indent="   ")]
    lines += ["", "Figures rest on assumptions marked illustrative or unverified in the plan; see its assumptions register."]
    return "\n".join(lines)


def cases_html(cases: AppraisalCases, titles: Mapping[str, str], css_class: str = "planlib-table") -> str:
    """The appraisal in two groups as HTML tables: the valued commitments (and them together), their
    financial and economic cases with plain words, then the others with their cost and what each
    would need to achieve. Never a sum of both groups.

    >>> import planlib
    >>> from planlib.appraisal import appraisal_cases
    >>> markup = cases_html(appraisal_cases(planlib.load_plan(planlib.DEFAULT_PLAN), samples=200), {})
    >>> "public money saved for each £1 spent" in markup and "To pay for itself it would need" in markup
    True
    """
    from planlib.present.html import html_table

    n_valued, n_other = cases.counts
    parts = []
    if n_valued:
        valued = valued_frame(cases, titles)[VALUED_HEADINGS[:6]]
        short = ["Commitment", "Costs", "Benefits", "NPV, median", "90% interval", "Chance benefits outweigh costs"]
        # The interval ("−£134.5m to −£91.3m") may wrap, so that the table fits an A4 page.
        parts.append(html_table(short, list(valued.itertuples(index=False, name=None)),
                                numeric=[1, 2, 3, 5], css_class=css_class,
                                caption=f"The {n_valued} commitments whose benefits are valued, and them together: "
                                        f"present values (Green Book discounting); net present value (NPV) "
                                        f"intervals from {cases.samples:,} draws, seed {cases.seed}"))
        parts.append(html_table(["Case", "Measure", "Figure", "In plain words"],
                                list(cases_frame(cases).itertuples(index=False, name=None)), numeric=[2],
                                css_class=css_class, caption="The valued commitments together: the financial and "
                                                             f"economic cases ({CASES_SOURCE})"))
    if n_other:
        others = not_valued_frame(cases, titles)
        parts.append(html_table(list(others.columns), list(others.itertuples(index=False, name=None)),
                                numeric=[1, 2], css_class=css_class,
                                caption=f"The {n_other} commitments whose benefits are not valued (not added to the "
                                        "figures above): their cost and what each would need to achieve"))
    return "\n".join(parts)
