"""Cross-reference checks of a plan: broken ids, duplicates, years outside the period, cycles,
numbers beyond their plausible range.

Each check looks at one collection of the plan and returns ``(location, message)`` pairs,
where the location is a path into the plan such as ``("commitments", 3, "objective_id")``.
They know no files: :mod:`planlib.io` turns a location into a file and line.
:func:`reference_problems` runs them all, in a fixed order.

The checks take a :class:`~planlib.model.plan.Plan`, whose validator calls
:func:`reference_problems`; ``Plan`` is therefore imported for annotations only (at run time
the two modules would import each other).

>>> import planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> reference_problems(plan)
[]
>>> loc, message = objective_section_problems(plan.model_copy(update={"sections": plan.sections[1:]}))[0]
>>> loc, message == f"unknown section {plan.sections[0].id!r}"
(('objectives', 0, 'section'), True)
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from planlib.model.base import Assumption, Loc
from planlib.model.bounds import bound_problems
from planlib.model.commitment import SHARE_FIELDS, Commitment
from planlib.model.finance import FinanceAssumptions, tax_base_problems
from planlib.reference import statutory_function_ids, statutory_requirements
from planlib.types import FinancialYear

if TYPE_CHECKING:
    from planlib.model.plan import Plan

__all__ = [
    "TIMELINE_ORDER",
    "assumption_problems",
    "commitment_problems",
    "duplicate_problems",
    "evidence_problems",
    "finance_problems",
    "grant_problems",
    "kpi_actual_problems",
    "spend_actual_problems",
    "kpi_problems",
    "lever_problems",
    "number_problems",
    "objective_kpi_problems",
    "objective_section_problems",
    "reference_problems",
    "statement_problems",
    "timeline_problems",
]

Found = list[tuple[Loc, str]]
"""What a check returns: ``(location, message)`` pairs."""

_FUNCTION = "statutory function (expected f01-f14)"

TIMELINE_ORDER: tuple[tuple[str, str, str], ...] = (
    ("draft_to_panel", "panel_meeting", "the Panel met on the draft before it was sent to the Panel"),
    ("draft_to_panel", "panel_report", "the Panel reported before the draft was sent to the Panel"),
    ("panel_meeting", "panel_report", "the Panel reported before it met to consider the draft"),
    ("panel_report", "response_published", "the response was published before the Panel reported"),
    ("draft_to_panel", "plan_issued", "the plan was issued before the draft was sent to the Panel"),
    ("panel_report", "plan_issued", "the plan was issued before the Panel reported on the draft"),
    ("draft_to_panel", "response_published", "the response was published before the draft was sent to the Panel"),
    ("election", "draft_to_panel", "the draft was sent to the Panel before the election"),
    ("election", "plan_issued", "the plan was issued before the election"),
)
"""Steps of the plan-making process that cannot come before another: (earlier, later, why).

A later step may fall on the same day as the earlier one (a Panel reports at its meeting)."""

UNIQUE_KEYS: tuple[tuple[str, str], ...] = (
    ("sections", "id"), ("objectives", "id"), ("commitments", "id"), ("assumptions", "id"),
    ("kpis", "id"), ("grants", "id"), ("timeline", "id"), ("evidence", "id"),
    ("unit_costs", "crime_type"), ("local_authorities", "name"),
)
"""Each collection of the plan and the field that must be unique within it."""


def reference_problems(plan: Plan) -> Found:
    """Every broken cross-reference and out-of-period year in a plan.

    Returns ``(location, message)`` pairs; the location is a path into the plan such as
    ``("commitments", 3, "objective_id")``. An empty list means the plan is consistent.
    """
    checks = (
        duplicate_problems, number_problems, assumption_problems, evidence_problems, objective_section_problems,
        commitment_problems, finance_problems, kpi_problems, kpi_actual_problems, spend_actual_problems,
        grant_problems,
        timeline_problems, objective_kpi_problems, statement_problems, lever_problems,
    )
    return [problem for check in checks for problem in check(plan)]


# --------------------------------------------------------------------------- one collection each


def duplicate_problems(plan: Plan) -> Found:
    """Ids (or names) given twice within one collection (see :data:`UNIQUE_KEYS`)."""
    return [p for collection, key in UNIQUE_KEYS for p in _duplicates(getattr(plan, collection), key, collection)]


def number_problems(plan: Plan) -> Found:
    """Numbers beyond the plausible range of their kind (:mod:`planlib.model.bounds`): a cost of
    1e308 pounds, a pay award of 4 for 4%."""
    return bound_problems(plan)


def assumption_problems(plan: Plan) -> Found:
    """Entries of the assumption register without an id."""
    return [(("assumptions", i), "every assumption in the register needs an id")
            for i, a in enumerate(plan.assumptions) if a.id is None]


def evidence_problems(plan: Plan) -> Found:
    """Evidence entries whose ``themes`` name no consultation theme of the plan."""
    themes = {e.id for e in plan.evidence if e.kind in ("consultation_priority", "consultation_theme")}
    return [(("evidence", i, "themes", j), f"unknown consultation theme {ref!r} (give the id of an evidence "
             "entry of kind consultation_priority or consultation_theme)")
            for i, e in enumerate(plan.evidence) for j, ref in enumerate(e.themes) if ref not in themes]


def objective_section_problems(plan: Plan) -> Found:
    """Objectives in a section the plan does not have."""
    sections = {s.id for s in plan.sections}
    return [(("objectives", i, "section"), f"unknown section {o.section!r}")
            for i, o in enumerate(plan.objectives) if o.section not in sections]


def objective_kpi_problems(plan: Plan) -> Found:
    """Objectives measured by a KPI the plan does not have."""
    kpis = {k.id for k in plan.kpis}
    return [p for i, o in enumerate(plan.objectives) for p in _unknown(o.kpis, kpis, ("objectives", i, "kpis"), "KPI")]


def commitment_problems(plan: Plan) -> Found:
    """Commitments' references (objective, evidence, functions, KPIs, dependencies), cost years,
    benefit lines, and cycles among their dependencies."""
    objectives = {o.id for o in plan.objectives}
    evidence = {e.id for e in plan.evidence}
    functions = statutory_function_ids()
    kpis = {k.id for k in plan.kpis}
    commitments = {c.id for c in plan.commitments}
    crime_types = {u.crime_type for u in plan.unit_costs}
    assumptions = {a.id: a for a in plan.assumptions if a.id is not None}
    switched_off = {c.id: c.title for c in plan.commitments if not c.enabled}
    problems: Found = []
    for i, c in enumerate(plan.commitments):
        loc: Loc = ("commitments", i)
        if c.objective_id not in objectives:
            problems.append(((*loc, "objective_id"), f"unknown objective {c.objective_id!r}"))
        problems += _unknown(c.evidence, evidence, (*loc, "evidence"), "evidence")
        problems += _unknown(c.functions, functions, (*loc, "functions"), _FUNCTION)
        problems += _unknown(c.kpis, kpis, (*loc, "kpis"), "KPI")
        problems += _unknown(c.depends_on, commitments, (*loc, "depends_on"), "commitment")
        if c.id in c.depends_on:
            problems.append(((*loc, "depends_on"), f"{c.id} depends on itself"))
        problems += _switched_off_dependencies(c, loc, switched_off)
        problems += _cost_line_problems(c, loc, plan)
        problems += _benefit_line_problems(c, loc, plan, crime_types, assumptions)
    return problems + _cycles(plan.commitments)


def _switched_off_dependencies(c: Commitment, loc: Loc, switched_off: dict[str, str]) -> Found:
    """An enabled commitment that depends on one switched off (``enabled: false``): refused, in a
    plan and in a scenario alike, rather than counting costs and benefits that cannot be had or
    switching other commitments off unasked. The message names the change that would fix it."""
    if not c.enabled:
        return []
    problems: Found = []
    for off in (d for d in c.depends_on if d in switched_off):
        fix = (f"{c.id} is a statutory duty, so keep {off!r} on" if c.mandatory else
               f"switch {c.id} off too (commitments.{c.id}.enabled: false), or keep {off!r} on")
        problems.append(((*loc, "depends_on"), f"{c.title} ({c.id}) depends on {switched_off[off]} ({off!r}), which is "
                         "switched off. A commitment cannot run without what it depends on, and planlib switches "
                         f"nothing off unasked: {fix}"))
    return problems


def finance_problems(plan: Plan) -> Found:
    """Finance series with years outside the period or missing years, misdated balances, billing
    authorities named twice, and a tax base given both in total and by billing authority (or
    neither) for a year (:func:`~planlib.model.finance.tax_base_problems`)."""
    finance = plan.finance
    problems: Found = []
    for path, series in {**finance.series(), **finance.authority_series()}.items():
        problems += _years_outside(series.values, plan, ("finance", *path, "values"))
    for name in (*FinanceAssumptions.REQUIRED_EVERY_YEAR, *FinanceAssumptions.OPTIONAL_EVERY_YEAR):
        series = getattr(finance, name)
        missing = [str(y) for y in plan.years if series is not None and y not in series.values]
        if missing:
            problems.append((("finance", name, "values"), f"no value for {', '.join(missing)}"))
    problems += [(("finance", *loc), message) for loc, message in tax_base_problems(finance, plan.years)]
    problems += [(("finance", *loc), message)
                 for loc, message in _duplicates(finance.billing_authorities, "name", "billing_authorities")]
    for name, series in finance.other_grants.items():
        missing = [str(y) for y in plan.years if y not in series.values]
        if missing:
            problems.append((("finance", "other_grants", name, "values"),
                             f"no value for {', '.join(missing)} (write 0 for a year without the grant)"))
    if finance.precept_band_d_base.year != plan.period.first - 1:
        problems.append((("finance", "precept_band_d_base", "year"),
                         f"must be the year before the plan period ({plan.period.first - 1})"))
    if finance.reserves_opening.year != plan.period.first:
        problems.append((("finance", "reserves_opening", "year"),
                         f"must be the first year of the plan period ({plan.period.first})"))
    return problems


def kpi_problems(plan: Plan) -> Found:
    """KPIs whose target year is outside the plan period or whose baseline comes after it."""
    problems: Found = []
    for i, k in enumerate(plan.kpis):
        if k.target.by not in plan.period:
            problems.append((("kpis", i, "target", "by"), f"target year {k.target.by} is outside the plan period"))
        if k.baseline.period > plan.period.last:
            problems.append((("kpis", i, "baseline", "period"), "the baseline is after the plan period"))
    return problems


def kpi_actual_problems(plan: Plan) -> Found:
    """Observed KPI values given twice, for an unknown KPI or area, or after the plan period."""
    kpis = {k.id for k in plan.kpis}
    areas = {a.name for a in plan.local_authorities}
    seen: dict[tuple[str, FinancialYear, str], int] = {}
    problems: Found = []
    for i, act in enumerate(plan.kpi_actuals):
        key = (act.kpi_id, act.period, act.local_authority)
        if key in seen:
            where = f" in {act.local_authority}" if act.local_authority else " force-wide"
            problems.append((("kpi_actuals", i, "value"), f"a second figure for {act.kpi_id} in {act.period}{where} "
                                                           f"(first at row {seen[key] + 1})"))
        else:
            seen[key] = i
        if act.kpi_id not in kpis:
            problems.append((("kpi_actuals", i, "kpi_id"), f"unknown KPI {act.kpi_id!r}"))
        if act.local_authority and act.local_authority not in areas:
            problems.append((("kpi_actuals", i, "local_authority"), f"unknown local authority {act.local_authority!r}"))
        if act.period > plan.period.last:
            problems.append((("kpi_actuals", i, "period"), f"year {act.period} is after the plan period"))
    return problems


def spend_actual_problems(plan: Plan) -> Found:
    """Actual spend given twice, for an unknown commitment, or outside the plan period."""
    commitments = {c.id for c in plan.commitments}
    seen: dict[tuple[str, FinancialYear], int] = {}
    problems: Found = []
    for i, act in enumerate(plan.commitment_actuals):
        key = (act.commitment_id, act.year)
        if key in seen:
            problems.append((("commitment_actuals", i, "year"),
                             f"a second spend for {act.commitment_id} in {act.year} (first at row {seen[key] + 1})"))
        seen.setdefault(key, i)
        if act.commitment_id not in commitments:
            problems.append((("commitment_actuals", i, "commitment_id"), f"unknown commitment {act.commitment_id!r}"))
        if act.year not in plan.period:
            problems.append((("commitment_actuals", i, "year"), f"year {act.year} is outside the plan period"))
    return problems


def grant_problems(plan: Plan) -> Found:
    """Grants paid outside the plan period, or for an unknown commitment or function."""
    commitments = {c.id for c in plan.commitments}
    functions = statutory_function_ids()
    problems: Found = []
    for i, g in enumerate(plan.grants):
        problems += _years_outside(g.amounts, plan, ("grants", i, "amounts"))
        if g.commitment_id is not None and g.commitment_id not in commitments:
            problems.append((("grants", i, "commitment_id"), f"unknown commitment {g.commitment_id!r}"))
        problems += _unknown(g.functions, functions, ("grants", i, "functions"), _FUNCTION)
    return problems


def timeline_problems(plan: Plan) -> Found:
    """Timeline events citing an unknown statutory requirement, then events in an impossible order."""
    requirements = {r["id"] for r in statutory_requirements()}
    problems: Found = [(("timeline", i, "requirement"), f"unknown statutory requirement {e.requirement!r}")
                       for i, e in enumerate(plan.timeline)
                       if e.requirement is not None and e.requirement not in requirements]
    return problems + _timeline_order(plan)


def statement_problems(plan: Plan) -> Found:
    """Statements (Strategic Policing Requirement, grants) made in a section the plan does not have."""
    sections = {s.id for s in plan.sections}
    problems: Found = []
    for name in ("strategic_policing_requirement", "grants_statement"):
        statement = getattr(plan, name)
        if statement is not None and statement.section is not None and statement.section not in sections:
            problems.append(((name, "section"), f"unknown section {statement.section!r}"))
    return problems


def lever_problems(plan: Plan) -> Found:
    """A lever declaration naming a commitment the plan does not have."""
    chosen = plan.levers.officer_commitment if plan.levers is not None else None
    if chosen is None or chosen in {c.id for c in plan.commitments}:
        return []
    return [(("levers", "officer_commitment"), f"unknown commitment {chosen!r} (the commitment that carries "
                                               "the neighbourhood officers)")]


# --------------------------------------------------------------------------- helpers


def _duplicates(items: tuple[Any, ...], key: str, collection: str) -> Found:
    seen: dict[Any, int] = {}
    found = []
    for i, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            found.append(((collection, i, key), f"duplicate {key} {value!r} (first at item {seen[value] + 1})"))
        else:
            seen[value] = i
    return found


def _unknown(ids: tuple[str, ...], known: set[str] | frozenset[str], loc: Loc, what: str) -> Found:
    return [
        ((*loc, i), f"unknown {what} {ref!r}")
        for i, ref in enumerate(ids)
        if ref not in known
    ]


def _cost_line_problems(c: Commitment, loc: Loc, plan: Plan) -> Found:
    """A commitment's cost lines outside the plan period, or two in one year."""
    problems: Found = []
    seen_years: set[FinancialYear] = set()
    for j, line in enumerate(c.costs):
        if line.year not in plan.period:
            problems.append(((*loc, "costs", j, "year"), f"year {line.year} is outside the plan period {plan.period.first} to {plan.period.last}"))
        if line.year in seen_years:
            problems.append(((*loc, "costs", j, "year"), f"a second cost line for {c.id} in {line.year}"))
        seen_years.add(line.year)
    return problems


def _benefit_line_problems(c: Commitment, loc: Loc, plan: Plan, crime_types: set[str],
                           assumptions: dict[str, Assumption]) -> Found:
    """A commitment's benefit lines: unknown crime types and assumptions, shares outside 0-1."""
    problems: Found = []
    for j, b in enumerate(c.benefits):
        bloc: Loc = (*loc, "benefits", j)
        if b.crime_type is not None and b.crime_type not in crime_types:
            problems.append(((*bloc, "crime_type"), f"unknown crime_type {b.crime_type!r} (not in unit_costs.csv)"))
        if b.start_year is not None and b.start_year not in plan.period:
            problems.append(((*bloc, "start_year"), f"year {b.start_year} is outside the plan period"))
        for name, ref in b.assumption_refs().items():
            if ref not in assumptions:
                problems.append(((*bloc, name), f"unknown assumption {ref!r}"))
            elif name in SHARE_FIELDS and not all(0 <= x <= 1 for x in assumptions[ref].numbers()):
                problems.append(((*bloc, name), f"assumption {ref!r} must be a share between 0 and 1"))
    return problems


def _cycles(commitments: tuple[Commitment, ...]) -> Found:
    graph = {c.id: [d for d in c.depends_on] for c in commitments}
    index = {c.id: i for i, c in enumerate(commitments)}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    found: Found = []
    reported: set[frozenset[str]] = set()

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, []):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    found.append(((("commitments", index[node], "depends_on")), "depends_on forms a cycle: " + " -> ".join(cycle)))
            elif state.get(nxt) is None:
                visit(nxt, path)
        path.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [])
    return found


def _years_outside(years: Any, plan: Plan, loc: Loc) -> Found:
    p = plan.period
    return [
        ((*loc, str(y)), f"year {y} is outside the plan period {p.first} to {p.last}")
        for y in years
        if y not in p
    ]


def _timeline_order(plan: Plan) -> Found:
    """Events whose date puts the process in an impossible order (see :data:`TIMELINE_ORDER`)."""
    first: dict[str, tuple[dt.date, str]] = {}
    for e in plan.timeline:
        if e.kind not in first or e.start < first[e.kind][0]:
            first[e.kind] = (e.start, e.id)
    problems: Found = []
    for i, e in enumerate(plan.timeline):
        if e.kind == "election" and e.start != plan.election_date:
            problems.append((("timeline", i, "start"), f"the election event is on {e.start} but plan.yaml gives "
                                                        f"election_date {plan.election_date}"))
    for earlier, later, why in TIMELINE_ORDER:
        if earlier not in first:
            continue
        when, ident = first[earlier]
        for i, e in enumerate(plan.timeline):
            if e.kind == later and e.start < when:
                problems.append((("timeline", i, "start"),
                                 f"impossible order: {why} ({e.kind} on {e.start}; {earlier} {ident} on {when})"))
    return problems
