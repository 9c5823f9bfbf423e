"""The optimiser's answer: :func:`optimise` puts the pieces together (the plan's
:func:`~planlib.portfolio.from_plan.candidates`, the search, the frontier and the switching
values) and returns a :class:`PortfolioResult`, which can become a scenario.

>>> import planlib
>>> res = optimise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500, frontier=False)
>>> res.to_scenario("suggested").changes == res.scenario_changes()
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planlib.errors import PortfolioInfeasible
from planlib.model import Plan
from planlib.portfolio.from_plan import PlanCandidates, candidates
from planlib.portfolio.problem import (
    DEFAULT_OBJECTIVE,
    OBJECTIVES,
    TOLERANCE,
    WEIGHT_OBJECTIVES,
    Solution,
    infeasible,
)
from planlib.portfolio.solve import (
    efficient_frontier,
    solve,
    switching_values,
    trade_offs,
    with_free_options,
)
from planlib.scenario import Scenario


@dataclass(frozen=True)
class PortfolioResult:
    """The best affordable portfolio.

    Attributes
    ----------
    selected : list of str
        Ids of the chosen commitments (mandatory ones included), in plan order.
    start_years : dict
        Chosen commitment id -> the financial year it starts (as planned, or later).
    objective, objective_value
        What was aimed for and its value: GBP, present value, for the NPV objectives; the
        priority weight kept for ``pledges`` and ``cost_effectiveness``.
    gap : float
        The relative gap proved between ``objective_value`` and the best possible (0: optimal).
    by_year : pandas.DataFrame
        ``year, envelope, mandatory_cost`` (statutory duties), ``pledged_cost`` (pledges that are
        not statutory), ``optional_cost`` (all chosen but the statutory duties), ``other_cost``
        (neither), ``chosen_cost, headroom_left`` (left unspent), ``plan_cost`` (every enabled
        commitment as planned) and ``gap_before`` (``plan_cost - envelope``: the budget gap the
        answer closes), all GBP.
    commitments : pandas.DataFrame
        One row per enabled commitment: ``id, title, objective_id, mandatory`` (statutory),
        ``pledged, valued`` (some benefit valued in money), ``weight, depends_on, selected,
        start_year, delay_years, npv, value, cost_total, no_cost`` (nothing in any year),
        ``npv_to_enter`` and ``cost_<year>`` columns, and for a commitment left out what keeping it
        would take: ``displaces`` (ids the best portfolio keeping it gives up; None if it cannot be
        kept at all), ``brings`` (ids it would bring in), ``short_in`` (years its cost exceeds what
        is left unspent) and ``over_by`` (year -> GBP by which it would overrun, where it cannot be
        kept). ``npv_to_enter`` is, for a commitment left out, its value (at the chosen start, in
        the objective's terms) at which it would enter the best portfolio; NaN if it cannot fit.
    frontier : pandas.DataFrame
        ``envelope_share, envelope_total, objective_value, selected_count, feasible``.
    """

    selected: list[str]
    start_years: dict[str, str]
    objective: str
    objective_value: float
    envelope: dict[str, float]
    gap: float
    by_year: pd.DataFrame = field(repr=False)
    commitments: pd.DataFrame = field(repr=False)
    frontier: pd.DataFrame = field(repr=False)
    plan: Plan = field(repr=False)
    pledges_over: dict[str, float] = field(default_factory=dict)
    """For ``pledges``: where the statutory duties and every pledge together exceed the envelope,
    by how much in each year (the answer then keeps as many pledges as fit); empty otherwise."""

    def scenario_changes(self) -> dict[str, Any]:
        """The sparse scenario changes that turn the plan into this portfolio: optional commitments
        left out are disabled, those started later get ``commitments.<id>.start_year``."""
        changes: dict[str, Any] = {}
        for row in self.commitments.itertuples():
            if row.mandatory:
                continue
            if not row.selected:
                changes[f"commitments.{row.id}.enabled"] = False
            elif row.delay_years > 0:
                changes[f"commitments.{row.id}.start_year"] = row.start_year
        return changes

    def to_scenario(self, name: str, description: str | None = None, source: str | None = None,
                    base_changes: Mapping[str, Any] | None = None) -> Scenario:
        """This portfolio as a :class:`~planlib.Scenario` (after ``base_changes``, if any)."""
        kept = len(self.selected)
        return Scenario(
            name=name,
            description=description or (f"Portfolio suggested by the optimiser ({self.objective}): "
                                         f"{kept} of {len(self.commitments)} commitments"),
            source=source or "planlib optimise: the best affordable set of commitments within the envelope",
            changes={**dict(base_changes or {}), **self.scenario_changes()},
        )


def _left_out_facts(pc: PlanCandidates, i: int, kept: Solution | None, headroom_left: np.ndarray,
                    chosen_owners: set[int]) -> dict[str, Any]:
    """What keeping commitment ``i`` (left out) would take: ``displaces``, the commitments the best
    portfolio that keeps it gives up (None if it cannot be kept at all), ``brings``, those it would
    bring in with it (what it depends on, say), ``short_in``, the years in
    which its planned cost exceeds what the answer leaves unspent, and ``over_by``, where it cannot
    be kept, the years in which what must be in would then exceed the envelope, and by how much."""
    c = pc.problem
    own = c.options_of[i]
    planned = own[np.argmin(c.delay[own])] if len(own) else None
    short = ([c.years[k] for k in range(len(c.years)) if c.cost[planned, k] > headroom_left[k] + 1.0]
             if planned is not None else [])
    if kept is None:
        forced = dataclasses.replace(c, mandatory=c.mandatory | (np.arange(len(c.ids)) == i),
                                     statutory=c.mandatory | (np.arange(len(c.ids)) == i))
        over = dict(infeasible(forced).shortfall) if len(own) else {}
        return {"displaces": None, "short_in": short, "over_by": over, "brings": []}
    after = set(c.owner[np.flatnonzero(kept.chosen)].tolist())
    return {"displaces": [c.ids[j] for j in sorted(chosen_owners - after)], "short_in": short, "over_by": {},
            "brings": [c.ids[j] for j in sorted(after - chosen_owners - {i})]}


def _by_year(pc: PlanCandidates, chosen_options: np.ndarray) -> pd.DataFrame:
    c = pc.problem
    statutory = c.mandatory if c.statutory is None else c.statutory
    pledged = np.zeros(len(c.ids), bool) if pc.pledged is None else pc.pledged & ~statutory

    def cost_of(which: np.ndarray) -> np.ndarray:
        return c.cost[chosen_options[which[c.owner[chosen_options]]]].sum(axis=0)

    planned = np.flatnonzero(c.delay == 0)
    chosen_cost = c.cost[chosen_options].sum(axis=0)
    mandatory_cost, pledged_cost = cost_of(statutory), cost_of(pledged)
    plan_cost = c.cost[planned].sum(axis=0)
    return pd.DataFrame({
        "year": c.years, "envelope": c.envelope, "mandatory_cost": mandatory_cost, "pledged_cost": pledged_cost,
        "optional_cost": chosen_cost - mandatory_cost, "other_cost": chosen_cost - mandatory_cost - pledged_cost,
        "chosen_cost": chosen_cost, "headroom_left": c.envelope - chosen_cost,
        "plan_cost": plan_cost, "gap_before": plan_cost - c.envelope,
    })


def _describe(pc: PlanCandidates, solution: Solution, frontier: pd.DataFrame,
              kept: dict[int, Solution | None], pledges_over: dict[str, float],
              worked_out: bool = True) -> PortfolioResult:
    c = pc.problem
    chosen_options = np.flatnonzero(solution.chosen)
    option_of = {int(c.owner[o]): int(o) for o in chosen_options}
    by_year = _by_year(pc, chosen_options)
    switching = switching_values(c, solution, kept=kept) if kept else {}
    bonus = np.zeros(c.n_options) if pc.bonus is None else pc.bonus
    statutory = c.mandatory if c.statutory is None else c.statutory
    by_id = {commitment.id: commitment for commitment in pc.plan.commitments}
    chosen_owners = set(option_of)
    headroom_left = by_year["headroom_left"].to_numpy()
    rows = []
    for i, cid in enumerate(c.ids):
        own = c.options_of[i]
        o = option_of.get(i, int(own[0]) if len(own) else -1)
        commitment = by_id[cid]
        selected = i in option_of
        row: dict[str, Any] = {
            "id": cid, "title": pc.titles[i], "objective_id": commitment.objective_id,
            "mandatory": bool(statutory[i]), "pledged": bool(commitment.pledged),
            "valued": bool(commitment.benefits), "weight": float(pc.weight[i]) if pc.weight is not None else 1.0,
            "depends_on": list(commitment.depends_on), "selected": selected,
            "start_year": c.years[int(c.start[o])] if o >= 0 and int(c.start[o]) < len(c.years) else None,
            "delay_years": int(c.delay[o]) if o >= 0 else 0,
            "npv": float(pc.npv[o]) if o >= 0 else float("nan"),
            "value": float(c.value[o] - bonus[o]) if o >= 0 else float("nan"),
            "cost_total": float(c.cost[o].sum()) if o >= 0 else 0.0,
            "no_cost": bool(o >= 0 and not c.cost[own].any()),
            "npv_to_enter": switching.get(i, float("nan")) if not selected else float("nan"),
            "displaces": None, "brings": [], "short_in": [], "over_by": {},
            "weighed": selected or i in kept or not worked_out,
        }
        if not selected and i in kept:
            row.update(_left_out_facts(pc, i, kept[i], headroom_left, chosen_owners))
        for k, y in enumerate(c.years):
            row[f"cost_{y}"] = float(c.cost[o, k]) if o >= 0 else 0.0
        rows.append(row)
    selected = [r["id"] for r in rows if r["selected"]]
    return PortfolioResult(
        selected=selected, start_years={r["id"]: r["start_year"] for r in rows if r["selected"]},
        objective=pc.objective, objective_value=float(solution.value - bonus @ solution.chosen), gap=solution.gap,
        envelope={y: float(v) for y, v in zip(c.years, c.envelope)},
        by_year=by_year, commitments=pd.DataFrame(rows), frontier=frontier, plan=pc.plan, pledges_over=pledges_over,
    )


def optimise(plan: Plan, scenario: Any = None, objective: str = DEFAULT_OBJECTIVE, envelope: Any = None, *,
             max_delay: int | None = None, samples: int | None = None, seed: int | None = None,
             weights: Mapping[str, float] | None = None, min_officers: Mapping[str, float] | None = None,
             min_share: Mapping[str, float] | None = None, reserves: Any = None,
             frontier: bool = True, tolerance: float = TOLERANCE,
             progress: Callable[[str, int, int], None] | None = None) -> PortfolioResult:
    """The best affordable set of commitments, and when each starts.

    Parameters
    ----------
    plan : Plan
        The baseline plan.
    scenario : Scenario, optional
        Applied first (its funding sets the envelope; the commitments it switches off are out).
    objective : {"pledges", "cost_effectiveness", "npv_p50", "npv_p5", "weighted"}
        What to aim for (see :mod:`planlib.portfolio`): by default ``pledges``, statutory duties
        and pledges kept and the rest by priority weight within the money.
    envelope : mapping of year to GBP, or a sequence (one per year), optional
        The most the commitments may cost each year. Default: the headroom (total funding less
        the costs that are not commitments).
    max_delay : int, optional
        The most years a commitment may start late (default: as late as keeps it in the plan;
        0: no phasing).
    samples, seed : int, optional
        Monte Carlo draws and seed for the NPV (defaults as ``planlib appraise``).
    weights : mapping, optional
        Priority weights by objective id or evidence id (e.g. a consultation theme), used by the
        ``pledges``, ``cost_effectiveness`` and ``weighted`` objectives; they override the plan's
        ``Objective.weight``.
    min_officers : mapping, optional
        Objective id -> the least officer FTE in the last plan year on its commitments.
    min_share : mapping, optional
        Workstream or objective id -> the least share (0-1) of the chosen commitments' cost.
    reserves : float or sequence, optional
        Further use of reserves allowed each year (GBP), added to the envelope.
    frontier : bool
        Also compute the efficient frontier (80% to 120% of the envelope) and switching values
        (one more solve per envelope and per commitment left out).
    tolerance : float
        Stop once the answer is proved within this share of the best possible value
        (default :data:`TOLERANCE`, 0.1%; 0 for the exact optimum). The weight objectives are
        always solved exactly.
    progress : callable, optional
        Called as ``progress(step, done, total)`` as the work goes on (``step`` in words: the
        search, the frontier, what keeping each commitment left out would take), for a progress
        bar; nothing is printed here.

    Raises
    ------
    PortfolioInfeasible
        If no portfolio fits (say, the mandatory commitments alone exceed the envelope), with the
        years and amounts.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> res = optimise(plan, samples=2_000, frontier=False)
    >>> list(res.by_year.columns[:3]), len(res.by_year) == len(plan.years)
    (['year', 'envelope', 'mandatory_cost'], True)
    """
    def tell(step: str, done: int, total: int) -> None:
        if progress is not None:
            progress(step, done, total)

    if scenario is not None:
        plan = scenario.apply(plan)
    settings = {"max_delay": max_delay, "samples": samples, "seed": seed, "weights": weights,
                "min_officers": min_officers, "min_share": min_share, "reserves": reserves}
    pc = candidates(plan, objective, envelope, progress=progress, **settings)
    if objective in WEIGHT_OBJECTIVES:
        tolerance = 0.0   # weights are small whole-ish numbers: a 0.1% gap could hide a whole commitment
    pledges_over: dict[str, float] = {}
    tell("searching for the best portfolio", 0, 1)
    try:
        best = solve(pc.problem, tolerance=tolerance)
    except PortfolioInfeasible as exc:
        if objective != "pledges":
            raise
        # the pledges cannot all be kept: keep as many as fit (an error only if the statutory duties do not)
        pledges_over = dict(exc.shortfall)
        pc = candidates(plan, objective, envelope, pledges_first=True, valued=pc.options, **settings)
        best = solve(pc.problem, tolerance=tolerance)
    best = with_free_options(pc.problem, best)
    table = efficient_frontier(pc.problem, tolerance=tolerance, report=pc.bonus,
                               progress=lambda done, total: tell("the efficient frontier", done, total)) \
        if frontier else pd.DataFrame(columns=["envelope_share", "envelope_total", "objective_value",
                                               "selected_count", "feasible"])
    kept = trade_offs(pc.problem, best, tolerance,
                      progress=lambda done, total: tell("what keeping each left out would take", done, total)) \
        if frontier else {}
    return _describe(pc, best, table, kept, pledges_over, worked_out=frontier)


def compare_objectives(plan: Plan, scenario: Any = None, objectives: Sequence[str] = OBJECTIVES,
                       **settings: Any) -> pd.DataFrame:
    """The answer of each objective side by side, one row each: ``objective, chosen, pledges_kept,
    pledges, chosen_cost, unspent`` (GBP over the plan) and ``selected`` (a tuple of ids).

    ``settings`` go to :func:`optimise` (the frontier and switching values are not worked out).

    >>> import planlib
    >>> table = compare_objectives(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500)
    >>> table.set_index("objective").loc[["pledges", "npv_p50"], "pledges_kept"].tolist()
    [5, 0]
    """
    rows = []
    for objective in objectives:
        res = optimise(plan, scenario, objective=objective, frontier=False, **settings)
        t = res.commitments
        rows.append({"objective": objective, "chosen": len(res.selected),
                     "pledges_kept": int((t["selected"] & t["pledged"]).sum()), "pledges": int(t["pledged"].sum()),
                     "chosen_cost": float(res.by_year["chosen_cost"].sum()),
                     "unspent": float(res.by_year["headroom_left"].sum()), "selected": tuple(res.selected)})
    return pd.DataFrame(rows)
