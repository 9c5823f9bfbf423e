"""The annual report's figures: progress in one year against the plan (seed 000 para 33).

For a year Y of the plan, :func:`annual_progress` gathers what the annual report shows:

- each KPI's latest force-wide figure in or before Y (after its baseline year) against its
  trajectory, with its RAG status exactly as :func:`planlib.performance.performance_table`
  gives it, and the commentary kept with the figure in ``kpi_actuals.csv``;
- progress by objective: the KPIs that measure each objective (its own and its commitments');
- spend against plan by commitment, where ``commitment_actuals.csv`` gives actual spend for Y
  (non-pay and capital, the parts of a commitment's cost that the plan gives in money);
- the crime and disorder reduction grants paid in Y;
- the National Crime and Policing Measures (:data:`NATIONAL_MEASURES`): which apply locally
  (a KPI names the measure) and what those KPIs show.

No figure is computed here that :mod:`planlib.performance` already computes.

>>> import planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> progress = annual_progress(plan, "2022/23")
>>> len(progress.national_measures), set(progress.kpis.rag) <= {"red", "amber", "green", "no data"}
(6, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from planlib.errors import PlanError, Problem
from planlib.model import Plan
from planlib.performance import performance_table
from planlib.types import FinancialYear

NATIONAL_MEASURES: dict[str, str] = {
    "reduce_murder_and_homicide": "Reduce murder and other homicide",
    "reduce_serious_violence": "Reduce serious violence",
    "disrupt_drugs_supply_and_county_lines": "Disrupt drugs supply and county lines",
    "reduce_neighbourhood_crime": "Reduce neighbourhood crime",
    "tackle_cyber_crime": "Tackle cyber crime",
    "improve_victim_satisfaction": "Improve satisfaction among victims, with a particular focus on victims of "
                                   "domestic abuse",
}
"""The six National Crime and Policing Measures, by the key a KPI's ``national_measure`` uses."""

NATIONAL_MEASURES_BASIS = ("Elected Local Policing Bodies (Specified Information) (Amendment) Order 2021 "
                           "(SI 2021/547) and Home Office guidance for PCCs, 1 June 2021")
"""Why a Commissioner publishes a statement on the force's contribution to the measures."""

KPI_COLUMNS = ["objective_id", "objective", "kpi_id", "kpi", "unit", "direction", "baseline", "baseline_year",
               "target", "target_year", "year", "actual", "expected", "better_by", "rag", "commentary",
               "source", "status", "national_measure"]


@dataclass(frozen=True)
class AnnualProgress:
    """Everything the annual report of one year shows (tidy tables; see :func:`annual_progress`)."""

    year: FinancialYear
    latest: pd.DataFrame
    """Every KPI of the plan once (:func:`latest_figures`), in the plan's order."""
    kpis: pd.DataFrame
    """One row per objective and KPI that measures it (:data:`KPI_COLUMNS`); rag "no data"
    when the KPI has no figure after its baseline year in or before the year."""
    objectives: pd.DataFrame
    """Per objective: ``objective_id``, ``objective``, ``section``, ``equality_objective``,
    ``kpis``, ``green``, ``amber``, ``red``, ``no_data``."""
    spend: pd.DataFrame
    """Per commitment with actual spend in the year: ``commitment_id``, ``commitment``,
    ``planned_gbp``, ``actual_gbp``, ``variance_gbp`` (actual less planned), ``commentary``,
    ``status``."""
    grants: pd.DataFrame
    """Grants paid in the year: ``grant_id``, ``recipient``, ``purpose``, ``commitment``,
    ``amount_gbp``, ``conditions``, ``status``."""
    equality: pd.DataFrame
    """Each enabled commitment's equality impact (:func:`equality_impacts`)."""
    national_measures: pd.DataFrame
    """The six measures: ``measure_id``, ``measure``, ``applies``, ``kpis`` (titles),
    ``green``, ``amber``, ``red``, ``no_data``."""


def check_year(plan: Plan, year: str | FinancialYear) -> FinancialYear:
    """``year`` as a financial year of the plan; PlanError naming the period otherwise.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> str(check_year(plan, "2022/23"))
    '2022/23'
    >>> try:
    ...     check_year(plan, "2030/31")
    ... except PlanError as exc:
    ...     print(exc.problems[0].message)
    2030/31 is not a year of the plan (2021/22 to 2024/25)
    """
    try:
        fy = FinancialYear(str(year))
    except (TypeError, ValueError):
        raise PlanError([Problem("", None, "year", f"{year!r} is not a financial year such as 2022/23")]) from None
    if fy not in plan.period:
        raise PlanError([Problem("", None, "year", f"{fy} is not a year of the plan ({plan.period.first} "
                                                   f"to {plan.period.last})")])
    return fy


def objective_kpis(plan: Plan) -> dict[str, list[str]]:
    """The KPIs that measure each objective: its own, then its commitments', each once, by id.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> all(k in {x.id for x in plan.kpis} for ids in objective_kpis(plan).values() for k in ids)
    True
    """
    found: dict[str, list[str]] = {o.id: list(dict.fromkeys(o.kpis)) for o in plan.objectives}
    for c in plan.commitments:
        mine = found.setdefault(c.objective_id, [])
        mine.extend(k for k in c.kpis if k not in mine)
    return found


def latest_figures(plan: Plan, year: str | FinancialYear) -> pd.DataFrame:
    """Each KPI's latest force-wide figure in or before ``year`` after its baseline year.

    The rows of :func:`planlib.performance.performance_table` (so the RAG status is the KPI
    engine's), with the figure's ``commentary``; a KPI without such a figure has rag "no data".

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> table = latest_figures(plan, "2021/22").set_index("kpi_id")
    >>> str(table.loc[plan.kpis[0].id, "year"]), table.loc[plan.kpis[0].id, "rag"]
    ('2021/22', 'green')
    """
    fy = FinancialYear(str(year))
    table = performance_table(plan)
    table = table[(table["rag"] != "no data") & (table["year"] <= str(fy))]
    commentary = {(a.kpi_id, str(a.period)): a.commentary for a in plan.kpi_actuals if not a.local_authority}
    rows = []
    for kpi in plan.kpis:
        mine = table[table["kpi_id"] == kpi.id]
        base = {"kpi_id": kpi.id, "kpi": kpi.title, "unit": kpi.unit, "direction": kpi.direction,
                "baseline": kpi.baseline.value, "baseline_year": str(kpi.baseline.period),
                "target": kpi.target.value, "target_year": str(kpi.target.by),
                "national_measure": kpi.national_measure or ""}
        if mine.empty:
            rows.append({**base, "year": "", "actual": math.nan, "expected": math.nan, "better_by": math.nan,
                         "rag": "no data", "commentary": "", "source": "", "status": ""})
            continue
        last = mine.iloc[-1]
        rows.append({**base, "year": last["year"], "actual": last["actual"], "expected": last["expected"],
                     "better_by": last["better_by"], "rag": last["rag"],
                     "commentary": commentary.get((kpi.id, last["year"]), ""),
                     "source": last["source"], "status": last["status"]})
    return pd.DataFrame(rows)


def _counts(rags: pd.Series) -> dict[str, int]:
    return {"green": int((rags == "green").sum()), "amber": int((rags == "amber").sum()),
            "red": int((rags == "red").sum()), "no_data": int((rags == "no data").sum())}


def _by_objective(plan: Plan, latest: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    by_id = latest.set_index("kpi_id")
    sections = {s.id: s.title for s in plan.sections}
    kpi_rows, objective_rows = [], []
    measuring = objective_kpis(plan)
    for o in plan.objectives:
        ids = measuring.get(o.id, [])
        for kpi_id in ids:
            kpi_rows.append({"objective_id": o.id, "objective": o.title, "kpi_id": kpi_id,
                             **by_id.loc[kpi_id].to_dict()})
        rags = by_id.loc[ids, "rag"] if ids else pd.Series(dtype=str)
        objective_rows.append({"objective_id": o.id, "objective": o.title, "section": sections.get(o.section, ""),
                               "equality_objective": o.equality_objective, "kpis": len(ids), **_counts(rags)})
    kpis = pd.DataFrame(kpi_rows, columns=KPI_COLUMNS)
    return kpis, pd.DataFrame(objective_rows)


def spend_against_plan(plan: Plan, year: str | FinancialYear) -> pd.DataFrame:
    """Actual against planned non-pay and capital spend of each commitment with actual spend in ``year``.

    Planned is the commitment's cost line for the year (non-pay plus capital); officer and staff
    pay, which the plan gives as FTE, is not part of it.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> list(spend_against_plan(plan, "2021/22").columns)[:4]
    ['commitment_id', 'commitment', 'planned_gbp', 'actual_gbp']
    """
    fy = FinancialYear(str(year))
    rows = []
    for act in plan.commitment_actuals:
        if act.year != fy:
            continue
        c = plan.commitment(act.commitment_id)
        planned = sum(line.non_pay_gbp + line.capital_gbp for line in c.costs if line.year == fy)
        actual = act.non_pay_gbp + act.capital_gbp
        rows.append({"commitment_id": c.id, "commitment": c.title, "planned_gbp": planned, "actual_gbp": actual,
                     "variance_gbp": actual - planned, "commentary": act.commentary, "status": act.status})
    return pd.DataFrame(rows, columns=["commitment_id", "commitment", "planned_gbp", "actual_gbp", "variance_gbp",
                                       "commentary", "status"])


def grants_paid(plan: Plan, year: str | FinancialYear) -> pd.DataFrame:
    """The crime and disorder reduction grants with an amount in ``year`` (s.7(1)(f)).

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> bool((grants_paid(plan, "2022/23").amount_gbp > 0).all())
    True
    """
    fy = FinancialYear(str(year))
    titles = {c.id: c.title for c in plan.commitments}
    rows = [{"grant_id": g.id, "recipient": g.recipient, "purpose": g.purpose,
             "commitment": titles.get(g.commitment_id or "", ""), "amount_gbp": g.amounts[fy],
             "conditions": list(g.conditions), "status": g.status}
            for g in plan.grants if g.amounts.get(fy)]
    return pd.DataFrame(rows, columns=["grant_id", "recipient", "purpose", "commitment", "amount_gbp", "conditions",
                                       "status"])


def equality_impacts(plan: Plan) -> pd.DataFrame:
    """Each enabled commitment's expected effect on people with protected characteristics.

    Columns ``commitment``, ``objective``, ``equality_objective`` (its objective is one of the
    plan's equality objectives), ``rating``, ``groups``, ``notes``; equality objectives first.

    >>> import planlib
    >>> table = equality_impacts(planlib.load_plan(planlib.DEFAULT_PLAN))
    >>> bool(table.equality_objective.iloc[0])
    True
    """
    objectives = {o.id: o for o in plan.objectives}
    rows = [{"commitment": c.title, "objective": objectives[c.objective_id].title,
             "equality_objective": objectives[c.objective_id].equality_objective,
             "rating": c.equality_impact.rating, "groups": list(c.equality_impact.groups),
             "notes": c.equality_impact.notes}
            for c in plan.commitments if c.enabled]
    table = pd.DataFrame(rows, columns=["commitment", "objective", "equality_objective", "rating", "groups", "notes"])
    return table.sort_values("equality_objective", ascending=False, kind="stable").reset_index(drop=True)


def national_measures(latest: pd.DataFrame) -> pd.DataFrame:
    """The six National Crime and Policing Measures against the KPIs that name them.

    ``latest`` is :func:`latest_figures`. A measure applies locally when a KPI names it.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> table = national_measures(latest_figures(plan, "2023/24"))
    >>> table.measure.tolist() == list(NATIONAL_MEASURES.values()), bool(table.applies.all())
    (True, True)
    """
    rows = []
    for key, words in NATIONAL_MEASURES.items():
        mine = latest[latest["national_measure"] == key]
        rows.append({"measure_id": key, "measure": words, "applies": not mine.empty,
                     "kpis": list(mine["kpi"]), "kpi_ids": list(mine["kpi_id"]), **_counts(mine["rag"])})
    return pd.DataFrame(rows)


def annual_progress(plan: Plan, year: str | FinancialYear) -> AnnualProgress:
    """Everything the annual report of ``year`` shows; PlanError if the year is not in the plan."""
    fy = check_year(plan, year)
    latest = latest_figures(plan, fy)
    kpis, objectives = _by_objective(plan, latest)
    return AnnualProgress(fy, latest, kpis, objectives, spend_against_plan(plan, fy), grants_paid(plan, fy),
                          equality_impacts(plan), national_measures(latest))
