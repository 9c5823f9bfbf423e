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

**Objective.** What a Board weighs, in five ways (:data:`OBJECTIVES`; default ``pledges``):

- ``pledges``: *deliver the pledges within budget*. The commitments the plan marks
  ``pledged: true`` are kept as the statutory duties are, and the rest are chosen to keep the most
  **priority weight**: each commitment counts its objective's weight (``Objective.weight`` in the
  plan, 1 unless set, or ``weights``; a commitment started a year late in a four-year plan counts
  a quarter less). So the budget gap is closed at the least cost to the objectives' weights. Among
  portfolios of equal weight, the one that spends most on the plan wins: money is left unspent
  only when nothing left out fits in it.
- ``cost_effectiveness``: the most priority weight for the money, pledges not protected (what
  the pledges cost in other commitments shows against ``pledges``); among portfolios of equal
  weight, the highest median NPV (the cheaper, where benefits are not valued). Neither weight
  objective needs benefits to be valued.
- ``npv_p50``: the sum of the chosen commitments' NPV at the median; ``npv_p5``: a cautious one,
  the sum of their 5th percentiles (not the 5th percentile of the total, which is not linear);
  ``weighted``: each commitment's median PV of benefits times its weight, less its PV of costs.
  NPVs come from the appraisal's Monte Carlo (same samples and seed for every start year, so the
  options are compared on the same draws). A commitment whose benefits are not valued counts its
  costs only, so these objectives leave it out whenever they may: the answer says so first.

Commitments that cost nothing in any year (delivered within the force's or the office's running
costs) are always kept when what they depend on is.

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
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> res = planlib.optimise(plan, samples=2_000)
>>> bool((res.by_year["chosen_cost"] <= res.by_year["envelope"] + 1).all())
True
>>> all(c.id in res.selected for c in plan.commitments if c.mandatory or c.pledged)    # duties and pledges kept
True
"""

from __future__ import annotations

from planlib.errors import PortfolioInfeasible
from planlib.portfolio.from_plan import PlanCandidates, candidates
from planlib.portfolio.problem import (
    BRUTE_FORCE_LIMIT,
    DEFAULT_OBJECTIVE,
    FRONTIER_SHARES,
    OBJECTIVES,
    SCALE,
    TIME_LIMIT,
    TOLERANCE,
    TRADE_OFF_LIMIT,
    WEIGHT_OBJECTIVES,
    Candidates,
    Solution,
)
from planlib.portfolio.result import PortfolioResult, compare_objectives, optimise
from planlib.portfolio.solve import (
    brute_force,
    efficient_frontier,
    solve,
    switching_values,
    trade_offs,
    with_free_options,
)
from planlib.portfolio.synthetic import synthetic, synthetic_plan

__all__ = [
    "BRUTE_FORCE_LIMIT",
    "DEFAULT_OBJECTIVE",
    "FRONTIER_SHARES",
    "OBJECTIVES",
    "SCALE",
    "TIME_LIMIT",
    "TOLERANCE",
    "TRADE_OFF_LIMIT",
    "WEIGHT_OBJECTIVES",
    "Candidates",
    "PlanCandidates",
    "PortfolioInfeasible",
    "PortfolioResult",
    "Solution",
    "brute_force",
    "candidates",
    "compare_objectives",
    "efficient_frontier",
    "optimise",
    "solve",
    "switching_values",
    "synthetic",
    "synthetic_plan",
    "trade_offs",
    "with_free_options",
]
