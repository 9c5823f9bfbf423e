"""The optimiser's answer: :func:`optimise` puts the pieces together (the plan's
:func:`~planlib.portfolio.from_plan.candidates`, the search, the frontier and the switching
values) and returns a :class:`PortfolioResult`, which can become a scenario.

>>> import planlib
>>> res = optimise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500, frontier=False)
>>> res.to_scenario("suggested").changes == res.scenario_changes()
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planlib.model import Plan
from planlib.portfolio.from_plan import PlanCandidates, candidates
from planlib.portfolio.problem import TOLERANCE, Solution
from planlib.portfolio.solve import efficient_frontier, solve, switching_values
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
        What was maximised and its value (GBP, present value).
    gap : float
        The relative gap proved between ``objective_value`` and the best possible (0: optimal).
    by_year : pandas.DataFrame
        ``year, envelope, mandatory_cost, optional_cost, chosen_cost, headroom_left`` (GBP).
    commitments : pandas.DataFrame
        One row per enabled commitment: ``id, title, objective_id, mandatory, depends_on, selected,
        start_year, delay_years, npv, value, cost_total, npv_to_enter`` and ``cost_<year>`` columns.
        ``npv_to_enter`` is, for a commitment left out, the NPV (at the chosen start, in the
        objective's terms) at which it would enter the best portfolio; NaN if it cannot fit at all.
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


def _describe(pc: PlanCandidates, solution: Solution, frontier: pd.DataFrame,
              switching: dict[int, float]) -> PortfolioResult:
    c = pc.problem
    chosen_options = np.flatnonzero(solution.chosen)
    option_of = {int(c.owner[o]): int(o) for o in chosen_options}
    rows = []
    for i, cid in enumerate(c.ids):
        own = np.flatnonzero(c.owner == i)
        o = option_of.get(i, int(own[0]) if len(own) else -1)
        commitment = pc.plan.commitment(cid)
        selected = i in option_of
        row: dict[str, Any] = {
            "id": cid, "title": pc.titles[i], "objective_id": commitment.objective_id,
            "mandatory": bool(c.mandatory[i]), "depends_on": list(commitment.depends_on),
            "selected": selected,
            "start_year": c.years[int(c.start[o])] if o >= 0 and int(c.start[o]) < len(c.years) else None,
            "delay_years": int(c.delay[o]) if o >= 0 else 0,
            "npv": float(pc.npv[o]) if o >= 0 else float("nan"),
            "value": float(c.value[o]) if o >= 0 else float("nan"),
            "cost_total": float(c.cost[o].sum()) if o >= 0 else 0.0,
            "npv_to_enter": switching.get(i, float("nan")) if not selected else float("nan"),
        }
        for k, y in enumerate(c.years):
            row[f"cost_{y}"] = float(c.cost[o, k]) if o >= 0 else 0.0
        rows.append(row)
    table = pd.DataFrame(rows)
    chosen_cost = c.cost[chosen_options].sum(axis=0)
    mandatory_cost = c.cost[[o for o in chosen_options if c.mandatory[c.owner[o]]]].sum(axis=0)
    by_year = pd.DataFrame({
        "year": c.years, "envelope": c.envelope, "mandatory_cost": mandatory_cost,
        "optional_cost": chosen_cost - mandatory_cost, "chosen_cost": chosen_cost,
        "headroom_left": c.envelope - chosen_cost,
    })
    selected = [r["id"] for r in rows if r["selected"]]
    return PortfolioResult(
        selected=selected, start_years={r["id"]: r["start_year"] for r in rows if r["selected"]},
        objective=pc.objective, objective_value=solution.value, gap=solution.gap,
        envelope={y: float(v) for y, v in zip(c.years, c.envelope)},
        by_year=by_year, commitments=table, frontier=frontier, plan=pc.plan,
    )


def optimise(plan: Plan, scenario: Any = None, objective: str = "npv_p50", envelope: Any = None, *,
             max_delay: int | None = None, samples: int | None = None, seed: int | None = None,
             weights: Mapping[str, float] | None = None, min_officers: Mapping[str, float] | None = None,
             min_share: Mapping[str, float] | None = None, reserves: Any = None,
             frontier: bool = True, tolerance: float = TOLERANCE) -> PortfolioResult:
    """The best affordable set of commitments, and when each starts.

    Parameters
    ----------
    plan : Plan
        The baseline plan.
    scenario : Scenario, optional
        Applied first (its funding sets the envelope; the commitments it switches off are out).
    objective : {"npv_p50", "npv_p5", "weighted"}
        What to maximise (see the module's description).
    envelope : mapping of year to GBP, or a sequence (one per year), optional
        The most the commitments may cost each year. Default: the headroom (total funding less
        the costs that are not commitments).
    max_delay : int, optional
        The most years a commitment may start late (default: as late as keeps it in the plan;
        0: no phasing).
    samples, seed : int, optional
        Monte Carlo draws and seed for the NPV (defaults as ``planlib appraise``).
    weights : mapping, optional
        Priority weights by objective id or evidence id (e.g. a consultation theme), used by
        ``objective="weighted"``; they override the plan's ``Objective.weight``.
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
        (default :data:`TOLERANCE`, 0.1%; 0 for the exact optimum).

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
    >>> sorted(res.by_year.columns)[:3], len(res.by_year) == len(plan.years)
    (['chosen_cost', 'envelope', 'headroom_left'], True)
    """
    if scenario is not None:
        plan = scenario.apply(plan)
    pc = candidates(plan, objective, envelope, max_delay=max_delay, samples=samples, seed=seed, weights=weights,
                    min_officers=min_officers, min_share=min_share, reserves=reserves)
    best = solve(pc.problem, tolerance=tolerance)
    table = efficient_frontier(pc.problem, tolerance=tolerance) if frontier else pd.DataFrame(
        columns=["envelope_share", "envelope_total", "objective_value", "selected_count", "feasible"])
    switching = switching_values(pc.problem, best, tolerance) if frontier else {}
    return _describe(pc, best, table, switching)
