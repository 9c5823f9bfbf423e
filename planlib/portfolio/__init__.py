"""The portfolio optimiser: the best affordable set of commitments, statutory duties kept.

"Within the money we have, which commitments, started when, give the most public value?" The
answer is a mixed-integer programme solved with :func:`scipy.optimize.milp` (HiGHS), imported
only when a problem is solved.

**Decision.** Each optional (not mandatory), enabled commitment is in or out, and, where its
cost lines allow it, starts later than planned: its whole profile of cost lines moves on by one
or more years, as far as its last line stays inside the plan (a profile is never cut short), and
its benefits start as many years later. Each (commitment, start year) pair is an *option*; a
binary variable says whether it is chosen.

**Rules.**

- Mandatory commitments (statutory duties) are always in, as planned.
- In every year, the chosen commitments' revenue cost (non-pay plus the pay of their posts, as
  :func:`planlib.finance.commitment_costs` costs them) fits the **envelope**. By default the
  envelope is the headroom: total funding (with the planned use of reserves) less the costs
  that are not commitments, plus any further use of reserves allowed (``reserves``).
- If A depends on B, A needs B, and A cannot start before B.
- Optional minimums: officer FTE in the last year of the plan on the commitments of an objective
  (``min_officers``, e.g. neighbourhood officers), and a minimum share of the chosen
  commitments' cost for a workstream or an objective (``min_share``).

**Objective.** The sum of the chosen commitments' NPV at the median (``npv_p50``), or a cautious
one, the sum of their 5th percentiles (``npv_p5``: not the 5th percentile of the total, which is
not linear), or priority-weighted (``weighted``): each commitment's median PV of benefits times
the weight of its objective (``Objective.weight`` in the plan, or ``weights``), less its PV of
costs. Values come from the appraisal's Monte Carlo (same samples and seed for every start
year, so the options are compared on the same draws).

**Results** (:class:`PortfolioResult`): the chosen commitments and start years, cost by year
against the envelope, the objective value, for each commitment left out the NPV it would need
to get in (its switching value), and the efficient frontier: the best value for envelopes from
80% to 120% of the one given.

**Modules.** :mod:`~planlib.portfolio.problem` (the problem as arrays, and why none fits),
:mod:`~planlib.portfolio.from_plan` (a plan's options, costed and valued by the appraisal's
kernel), :mod:`~planlib.portfolio.solve` (the search, the frontier, switching values),
:mod:`~planlib.portfolio.result` (:func:`optimise` and its answer) and
:mod:`~planlib.portfolio.synthetic` (random problems for benchmarks). The answer is written
for people by :mod:`planlib.present.portfolio`.

>>> import planlib
>>> res = planlib.optimise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=2_000)
>>> bool((res.by_year["chosen_cost"] <= res.by_year["envelope"] + 1).all())
True
>>> all(c.id in res.selected for c in res.plan.commitments if c.mandatory)    # statutory duties are always kept
True
"""

from __future__ import annotations

from planlib.errors import PortfolioInfeasible
from planlib.portfolio.from_plan import PlanCandidates, candidates
from planlib.portfolio.problem import (
    BRUTE_FORCE_LIMIT,
    FRONTIER_SHARES,
    OBJECTIVES,
    SCALE,
    TIME_LIMIT,
    TOLERANCE,
    Candidates,
    Solution,
)
from planlib.portfolio.result import PortfolioResult, optimise
from planlib.portfolio.solve import brute_force, efficient_frontier, solve, switching_values
from planlib.portfolio.synthetic import synthetic

__all__ = [
    "BRUTE_FORCE_LIMIT", "Candidates", "FRONTIER_SHARES", "OBJECTIVES", "PlanCandidates", "PortfolioInfeasible",
    "PortfolioResult", "SCALE", "Solution", "TIME_LIMIT", "TOLERANCE", "brute_force", "candidates",
    "efficient_frontier", "optimise", "solve", "switching_values", "synthetic",
]
