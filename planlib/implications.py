"""The plan's wider financial implications (seed 000 para 30), year by year.

The plan sets the resources the Commissioner gives the Chief Constable, and so informs
decisions on (a) the policing precept; (b) the budget allocated to the Chief Constable and its
form; (c) treasury and financial management; (d) fees and charges; (e) commissioning and grant
making; (f) financial delegations; (g) external income, including grants. :func:`implications`
sets out each for a plan (or a plan with a scenario applied) as a tidy table
``part, year, measure, value, unit, note``.

Most figures come from the medium-term financial plan (:mod:`planlib.finance`), so they move
with a scenario. What the MTFP does not hold is read from ``implications.yaml`` in the plan
folder (:class:`ImplicationSettings`): the delegation thresholds, the capital financing rates
(minimum revenue provision and interest), the reserves strategy and fees and charges, each
with a source and a status.

How each part is computed (money GBP in cash):

- **(a)** Band D, its increase and the referendum limit, precept income (``Band D x tax
  base``) and its share of funding before reserves (police grant + other grants + precept).
- **(b)** The Chief Constable's core budget is the force's revenue cost less every enabled
  commitment's revenue cost (non-pay plus the pay of its posts); commitments the Chief
  Constable owns are allocated on top, ring-fenced to them; the revenue cost of the other
  commitments is held by the Commissioner (OPCC work, commissioning and grants). Core +
  ring-fenced + held = total revenue cost.
- **(c)** Reserves at year end (from the MTFP) against the reserves strategy and the minimum.
  Commitments' capital is assumed financed by borrowing at the year end: the capital
  financing requirement (CFR) starts at zero (existing financing is inside the core costs) and
  ``MRP(y) = CFR at the start of y x minimum_revenue_provision_rate``, ``interest(y) = CFR at
  the start of y x interest_rate``, ``CFR at the end of y = CFR at the start - MRP + capital(y)``.
  This revenue cost of capital is not in the MTFP's costs: it is shown as a pressure.
- **(d)** Fees and charges by category and in total (already netted off the core costs).
- **(e)** Revenue cost of enabled commitments by commissioning route (grant, contract,
  partnership), and the crime and disorder reduction grants made (grants.yaml; a grant whose
  commitment is disabled is not made).
- **(f)** Each enabled commitment whose spend in a year (revenue + capital) is at or above the
  Commissioner's decision threshold, and each grant at or above the grant threshold, needs a
  formal Commissioner decision; their number each year.
- **(g)** Police grant, each other grant, fees and charges, their total, and the share of
  external income in all income (external income + precept).

>>> import planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> table = implications(plan, load_settings(planlib.DEFAULT_PLAN, plan))
>>> sorted(table["part"].unique()) == list(PARTS)
True
>>> b = table[table.part == "b"].pivot(index="measure", columns="year", values="value")
>>> total = planlib.run(plan).measure("total_cost")
>>> bool(((b.loc["cc_core_budget"] + b.loc["cc_ringfenced_commitments"] + b.loc["commissioner_held"]
...        - total).abs() < 1e-3).all())
True
"""

from __future__ import annotations

import html
import os
from typing import Any

import numpy as np
import pandas as pd

from planlib.errors import PlanError, Problem
from planlib.finance import commitment_costs, mtfp_arrays
from planlib.io import load_side_file, yaml_line
from planlib.model import Plan, Quantity, Record, YearSeries
from planlib.types import Id

FILE_NAME = "implications.yaml"
"""The settings' file in a plan folder."""

PARTS = {
    "a": "The policing precept",
    "b": "The budget allocated to the Chief Constable, and its form",
    "c": "Treasury and financial management",
    "d": "Fees and charges",
    "e": "Commissioning and grant making",
    "f": "Financial delegations",
    "g": "External income, including grants",
}
"""The seven implications of seed 000 para 30, by letter."""

COLUMNS = ["part", "year", "measure", "value", "unit", "note", "subject"]
"""The columns of :func:`implications`; ``subject`` is the commitment or grant a row of part (f) is about."""

ROUTES = ("grant", "contract", "partnership")
"""The commissioning routes reported in part (e)."""


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
    "grant_decision": "Decision needed (grant)", "decisions_required": "Decisions needed",
    "police_grant": "Police grant", "fees_and_charges": "Fees and charges",
    "external_income_total": "External income, total", "external_share_of_income": "External share of income",
}
"""How each measure is written in the report and the readable table (json keeps the measure ids)."""


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, 0 where the denominator is 0 (never NaN in a table or in JSON)."""
    return np.divide(numerator, denominator, out=np.zeros(len(numerator)), where=denominator != 0)


class DelegationThresholds(Record):
    """Spend at or above which a formal decision of the Commissioner is needed (GBP in a year)."""

    commissioner_decision: Quantity
    """A commitment's spend in one year (revenue plus capital)."""
    grant_decision: Quantity
    """One grant's amount in one year."""


class CapitalFinancing(Record):
    """How commitments' capital reaches the revenue budget."""

    minimum_revenue_provision_rate: Quantity
    """Share of the capital financing requirement set aside each year to repay debt."""
    interest_rate: Quantity
    """Interest a year on the borrowing, as a share of the capital financing requirement."""


class ImplicationSettings(Record):
    """What ``implications.yaml`` holds: the figures the MTFP does not."""

    delegation_thresholds: DelegationThresholds
    capital_financing: CapitalFinancing
    reserves_strategy: YearSeries
    """Usable reserves the reserves strategy plans to hold at each year end."""
    fees_and_charges: dict[Id, YearSeries] = {}
    """Income from fees and charges by category."""


def settings_problems(settings: ImplicationSettings, data: Any, plan: Plan, display: str) -> list[Problem]:
    """Years outside the plan period, missing years of the reserves strategy, units that are not GBP, rates above 1."""
    problems = []
    series = {("reserves_strategy",): settings.reserves_strategy}
    series.update({("fees_and_charges", name): s for name, s in settings.fees_and_charges.items()})
    for loc, s in series.items():
        field = ".".join(loc)
        if s.unit != "GBP":
            problems.append(Problem(display, yaml_line(data, (*loc, "unit")), f"{field}.unit", f"expected GBP, got {s.unit!r}"))
        for year in s.values:
            if year not in plan.period:
                problems.append(Problem(display, yaml_line(data, (*loc, "values", str(year))), f"{field}.values",
                                        f"year {year} is outside the plan period {plan.period.first} to {plan.period.last}"))
        missing = [str(y) for y in plan.years if y not in s.values]
        if missing:
            problems.append(Problem(display, yaml_line(data, (*loc, "values")), f"{field}.values", f"no value for {', '.join(missing)}"))
    for loc, q in ((("delegation_thresholds", "commissioner_decision"), settings.delegation_thresholds.commissioner_decision),
                   (("delegation_thresholds", "grant_decision"), settings.delegation_thresholds.grant_decision)):
        if q.unit != "GBP":
            problems.append(Problem(display, yaml_line(data, (*loc, "unit")), ".".join(loc) + ".unit", f"expected GBP, got {q.unit!r}"))
    for name in ("minimum_revenue_provision_rate", "interest_rate"):
        rate = getattr(settings.capital_financing, name)
        if max(rate.numbers()) > 1:  # 4 for 4% would make the revenue cost of capital a hundred times too big
            problems.append(Problem(display, yaml_line(data, ("capital_financing", name, "value")), f"capital_financing.{name}",
                                    f"a rate is a share between 0 and 1 (0.04 is 4%), got {max(rate.numbers()):g}"))
    return problems


def load_settings(folder: str | os.PathLike[str], plan: Plan) -> ImplicationSettings:
    """Read ``implications.yaml`` from a plan folder and check it against ``plan``'s period.

    Raises
    ------
    PlanError
        listing every problem with file, line and field.
    """
    return load_side_file(folder, FILE_NAME, ImplicationSettings,
                          "no financial implications settings: add implications.yaml to the plan folder "
                          "(see data/README.md)",
                          lambda settings, data, display: settings_problems(settings, data, plan, display))


def _values(series: YearSeries, years: list[Any], field: str) -> np.ndarray:
    missing = [str(y) for y in years if y not in series.values]
    if missing:  # settings built in code, not read by load_settings: never a silent NaN
        raise PlanError([Problem(FILE_NAME, None, f"{field}.values", f"no value for {', '.join(missing)}")])
    return np.array([series.values[y].central for y in years], dtype=float)


def capital_financing(capital: np.ndarray, mrp_rate: float, interest_rate: float) -> dict[str, np.ndarray]:
    """MRP, interest and the capital financing requirement for capital spent in each year.

    Capital is borrowed at the end of the year it is spent, so it costs revenue from the next.

    >>> out = capital_financing(np.array([1_000_000.0, 0.0, 0.0]), 0.04, 0.025)
    >>> out["mrp"].tolist(), out["interest"].tolist(), out["cfr_closing"].tolist()
    ([0.0, 40000.0, 38400.0], [0.0, 25000.0, 24000.0], [1000000.0, 960000.0, 921600.0])
    """
    n = len(capital)
    opening, mrp, interest, closing = (np.zeros(n) for _ in range(4))
    cfr = 0.0
    for i in range(n):  # a recurrence over a handful of years: each year needs the last one's balance
        opening[i] = cfr
        mrp[i] = cfr * mrp_rate
        interest[i] = cfr * interest_rate
        cfr = cfr - mrp[i] + capital[i]
        closing[i] = cfr
    return {"cfr_opening": opening, "mrp": mrp, "interest": interest, "cfr_closing": closing}


def _m(value: float) -> str:
    return f"£{value / 1e6:,.2f}m"


def implications(plan: Plan, settings: ImplicationSettings) -> pd.DataFrame:
    """The seven financial implications of ``plan`` by year: ``part, year, measure, value, unit, note``.

    Apply a scenario to the plan first to see its implications. Rows are ordered by part,
    then measure (as listed in the module documentation), then year.
    """
    years = plan.years
    labels = [str(y) for y in years]
    m = mtfp_arrays(plan)
    f = plan.finance
    costs = commitment_costs(plan, enabled_only=True)
    grid = {measure: costs[costs.measure == measure].pivot(index="commitment_id", columns="year", values="value")
            .reindex(columns=labels).fillna(0.0) for measure in ("revenue_gbp", "capital_gbp")}
    enabled = [c for c in plan.commitments if c.enabled]
    revenue = grid["revenue_gbp"]
    rows: list[tuple[str, str, str, float, str, str, str]] = []

    def add(part: str, measure: str, values: Any, unit: str, note: str = "") -> None:
        values = np.broadcast_to(np.asarray(values, dtype=float), (len(years),))
        rows.extend((part, label, measure, float(v), unit, note, "") for label, v in zip(labels, values))

    def revenue_of(ids: list[str]) -> np.ndarray:
        return revenue.reindex(ids).fillna(0.0).sum(axis=0).to_numpy() if ids else np.zeros(len(years))

    # (a) the policing precept
    band_d_before = np.concatenate([[f.precept_band_d_base.central], m["precept_band_d"][:-1]])
    income_before_reserves = m["police_grant"] + m["other_grants"] + m["precept_income"]
    add("a", "precept_band_d", m["precept_band_d"], "GBP per Band D property")
    add("a", "precept_increase", m["precept_increase"], "GBP per Band D property")
    add("a", "precept_increase_percent", _ratio(m["precept_increase"], band_d_before), "share", "increase over the previous year's Band D")
    add("a", "referendum_limit", m["referendum_limit"], "GBP per Band D property",
        f"status of the limit: {f.referendum_limit.status}")
    add("a", "referendum_required", m["referendum_required"], "flag", "yes (1): the increase is above the limit, so a local referendum is needed")
    add("a", "precept_income", m["precept_income"], "GBP", "Band D x tax base")
    add("a", "precept_share_of_funding", _ratio(m["precept_income"], income_before_reserves), "share",
        "precept income / (police grant + other grants + precept income)")

    # (b) the Chief Constable's budget and its form
    all_ids = [c.id for c in enabled]
    cc_ids = [c.id for c in enabled if c.owner == "chief_constable"]
    other_ids = [c.id for c in enabled if c.owner != "chief_constable"]
    core = m["total_cost"] - revenue_of(all_ids)
    ringfenced = revenue_of(cc_ids)
    held = revenue_of(other_ids)
    add("b", "cc_core_budget", core, "GBP",
        "delegated to the Chief Constable: core force costs (non-pay and the pay of core officers and staff)")
    add("b", "cc_ringfenced_commitments", ringfenced, "GBP",
        f"allocated to the Chief Constable, ring-fenced to the {len(cc_ids)} plan commitments the force delivers")
    add("b", "cc_total_budget", core + ringfenced, "GBP", "core plus ring-fenced")
    add("b", "cc_share_of_revenue_cost", _ratio(core + ringfenced, m["total_cost"]), "share")
    add("b", "commissioner_held", held, "GBP",
        f"held by the Commissioner for the {len(other_ids)} commitments the OPCC or partners deliver (including grants)")

    # (c) treasury and financial management
    strategy = _values(settings.reserves_strategy, years, "reserves_strategy")
    capital = grid["capital_gbp"].sum(axis=0).to_numpy()
    cf = settings.capital_financing
    fin = capital_financing(capital, cf.minimum_revenue_provision_rate.central, cf.interest_rate.central)
    add("c", "reserves_closing", m["reserves_closing"], "GBP", "usable reserves at year end, from the MTFP")
    add("c", "reserves_strategy", strategy, "GBP", f"planned by the reserves strategy ({settings.reserves_strategy.status})")
    add("c", "reserves_against_strategy", m["reserves_closing"] - strategy, "GBP", "negative: below the strategy")
    add("c", "minimum_reserves", m["minimum_reserves"], "GBP")
    add("c", "reserves_above_minimum", m["reserves_closing"] - m["minimum_reserves"], "GBP", "negative: below the prudent minimum")
    add("c", "capital_spend", capital, "GBP", "commitments' capital, assumed financed by borrowing")
    add("c", "minimum_revenue_provision", fin["mrp"], "GBP",
        f"{cf.minimum_revenue_provision_rate.central:.2%} of the capital financing requirement at the start of the year "
        f"({cf.minimum_revenue_provision_rate.status})")
    add("c", "interest", fin["interest"], "GBP",
        f"{cf.interest_rate.central:.2%} a year on the capital financing requirement at the start of the year ({cf.interest_rate.status})")
    add("c", "revenue_cost_of_capital", fin["mrp"] + fin["interest"], "GBP", "MRP plus interest: a pressure not in the MTFP's costs")
    add("c", "capital_financing_requirement", fin["cfr_closing"], "GBP", "at year end")

    # (d) fees and charges
    fees_total = np.zeros(len(years))
    for name, series in settings.fees_and_charges.items():
        values = _values(series, years, f"fees_and_charges.{name}")
        fees_total += values
        add("d", name, values, "GBP", f"{series.description or name} ({series.status})")
    add("d", "fees_and_charges_total", fees_total, "GBP", "already netted off the core force costs")
    add("d", "fees_share_of_revenue_cost", _ratio(fees_total, m["total_cost"]), "share")

    # (e) commissioning and grant making
    for route in ROUTES:
        ids = [c.id for c in enabled if c.commissioning == route]
        add("e", f"commissioned_{route}", revenue_of(ids), "GBP",
            f"revenue cost of the {len(ids)} enabled commitments commissioned by {route}"
            + (f": {', '.join(ids)}" if ids else ""))
    enabled_ids = set(all_ids)
    made = [g for g in plan.grants if g.commitment_id is None or g.commitment_id in enabled_ids]
    grants_total = np.array([sum(g.amounts.get(y, 0.0) for g in made) for y in years])
    grants_count = np.array([sum(1 for g in made if g.amounts.get(y, 0.0) > 0) for y in years], dtype=float)
    add("e", "grants_made", grants_total, "GBP",
        "crime and disorder reduction grants (grants.yaml), inside their commitments' costs")
    add("e", "grants_made_count", grants_count, "grants")

    # (f) financial delegations
    thresholds = settings.delegation_thresholds
    limit, grant_limit = thresholds.commissioner_decision.central, thresholds.grant_decision.central
    spend = grid["revenue_gbp"].add(grid["capital_gbp"], fill_value=0.0)
    titles = {c.id: c.title for c in plan.commitments}
    add("f", "commissioner_decision_threshold", limit, "GBP", f"({thresholds.commissioner_decision.status})")
    add("f", "grant_decision_threshold", grant_limit, "GBP", f"({thresholds.grant_decision.status})")
    decisions = np.zeros(len(years))
    for i, label in enumerate(labels):
        for cid in all_ids:
            value = float(spend.at[cid, label]) if cid in spend.index else 0.0
            if value >= limit and value > 0:
                decisions[i] += 1
                rows.append(("f", label, "commissioner_decision", value, "GBP",
                             f"{cid}: {titles[cid]}: spend {_m(value)} is at or above the {_m(limit)} threshold", cid))
        for g in made:
            value = g.amounts.get(years[i], 0.0)
            if value >= grant_limit and value > 0:
                decisions[i] += 1
                rows.append(("f", label, "grant_decision", value, "GBP",
                             f"{g.id}: grant to {g.recipient}: {_m(value)} is at or above the {_m(grant_limit)} threshold", g.id))
    add("f", "decisions_required", decisions, "decisions", "formal Commissioner decisions: commitments and grants above the thresholds")

    # (g) external income, including grants
    add("g", "police_grant", m["police_grant"], "GBP", f"({f.police_grant.status} in part; see finance.yaml)")
    for name, series in f.other_grants.items():
        add("g", name, _values(series, years, f"finance.other_grants.{name}"), "GBP", series.status)
    add("g", "fees_and_charges", fees_total, "GBP")
    external = m["police_grant"] + m["other_grants"] + fees_total
    add("g", "external_income_total", external, "GBP", "police grant + other grants + fees and charges")
    add("g", "external_share_of_income", _ratio(external, external + m["precept_income"]), "share",
        "external income / (external income + precept income)")

    table = pd.DataFrame(rows, columns=COLUMNS)
    order = {measure: i for i, measure in enumerate(dict.fromkeys(table["measure"]))}
    table["_order"] = table["measure"].map(order)
    table = table.sort_values(["part", "_order", "year"], kind="stable").drop(columns="_order")
    return table.reset_index(drop=True)


def as_json(table: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """``planlib implications --format json``: keys ``a`` to ``g``, each a list of ``{year, measure, value, unit, note}``.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> data = as_json(implications(plan, load_settings(planlib.DEFAULT_PLAN, plan)))
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
        sign = "−" if value < 0 else ""
        digits = 2 if 0 < abs(value) < 1e6 else 1  # a threshold of £0.25m is not "£0.2m"
        return f"{sign}£{abs(value) / 1e6:,.{digits}f}m"
    if unit.startswith("GBP per"):
        return f"£{value:,.2f}"
    if unit == "share":
        return f"{value:.1%}"
    if unit == "flag":
        return "yes" if value else "no"
    return f"{value:,.0f}"


def _wide(rows: pd.DataFrame, years: list[str]) -> list[tuple[str, list[str], str]]:
    """Rows of one part as (measure, a cell per year, note); decisions get a row per commitment or grant."""
    out = []
    keys = rows["measure"] + "|" + rows["subject"]
    for _, group in rows.groupby(keys, sort=False):
        first = group.iloc[0]
        by_year = group.set_index("year")
        cells = [format_value(by_year.at[y, "value"], by_year.at[y, "unit"]) if y in by_year.index else "–" for y in years]
        note = str(first["note"])
        if first["subject"]:
            note = note.split(": ")[1] if note.count(": ") >= 2 else note  # "id: title: why" -> title
        name = LABELS.get(first["measure"], str(first["measure"]).replace("_", " ").capitalize())
        label = f"{name}: {first['subject']}" if first["subject"] else name
        out.append((label, cells, note))
    return out


def text_table(table: pd.DataFrame, plan_name: str, scenario: str = "baseline") -> str:
    """The implications as readable text, part by part, for ``planlib implications``."""
    years = list(dict.fromkeys(table["year"]))
    lines = [f"{plan_name}: {scenario}. Financial implications of the plan (seed 000 para 30); money in £m, cash."]
    wide = {part: _wide(table[table["part"] == part], years) for part in PARTS}
    width = min(64, max(len(label) for rows in wide.values() for label, _, _ in rows) + 2)
    for part, title in PARTS.items():
        lines += ["", f"({part}) {title}", f"  {'':<{width}}" + "".join(f"{y:>10}" for y in years)]
        for label, cells, _note in wide[part]:
            lines.append(f"  {label[:width - 1]:<{width}}" + "".join(f"{c:>10}" for c in cells))
    lines += ["", "Figures rest on the plan's inputs, many of them illustrative; see finance.yaml and implications.yaml."]
    return "\n".join(lines)


def report_html(table: pd.DataFrame) -> str:
    """The implications as HTML tables, one per part, for the scenario report (text escaped)."""
    years = list(dict.fromkeys(table["year"]))
    parts = []
    for part, title in PARTS.items():
        head = "".join(f"<th>{html.escape(h)}</th>" for h in ["Measure", *years, "Note"])
        body = []
        for measure, cells, note in _wide(table[table["part"] == part], years):
            tds = "".join(f'<td class="num">{html.escape(c)}</td>' for c in cells)
            body.append(f"<tr><td>{html.escape(measure)}</td>{tds}<td>{html.escape(note)}</td></tr>")
        parts.append(f'<table class="planlib implications"><caption>({part}) {html.escape(title)}</caption>'
                     f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    return "".join(parts)
