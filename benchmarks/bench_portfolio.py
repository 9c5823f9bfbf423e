"""The portfolio optimiser (scipy.optimize.milp, HiGHS) against trying every portfolio.

Three cases, each timed in alternation with its baseline in the same run:

- the MILP on 200 synthetic commitments over 4 years, each of which may start up to 3 years
  late (about 700 options), stopped once proved within 0.1% of the best value (the default),
  beside a brute force over every subset of 16 commitments (65,536 portfolios), the most that
  is quick to try one by one. The issue's aim: under 2 s for the 200.
- the MILP on the same 16 commitments, exact, beside that brute force: the two must agree.
- ``planlib.optimise`` on the example plan (Monte Carlo NPVs for every start year, frontier and
  switching values included) beside ``planlib appraise``'s own appraisal of the plan, which it
  builds on.

The synthetic problems come from :func:`planlib.portfolio.synthetic` with a fixed seed; their
figures are made up.
"""

from __future__ import annotations

import math

import planlib
from benchmarks.harness import Case
from planlib.appraisal import appraise
from planlib.portfolio import brute_force, solve, synthetic


def cases() -> list[Case]:
    large = synthetic(200, n_years=4, seed=0, max_delay=3)
    small = synthetic(16, n_years=4, seed=0, max_delay=0)
    # The two methods must agree on the small problem, or the comparison means nothing.
    exact, tried = solve(small, tolerance=0), brute_force(small)
    if not math.isclose(exact.value, tried.value, rel_tol=1e-9, abs_tol=1.0):
        raise AssertionError(f"MILP {exact.value} and brute force {tried.value} disagree")
    plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    return [
        Case(f"MILP: 200 commitments x 4 years, phasing ({large.n_options} options)", lambda: solve(large),
             "brute force: every subset of 16 (65,536)", lambda: brute_force(small),
             goal="under 2 s for 200", min_runs=3, budget_s=3.0),
        Case("MILP: the same 16 commitments, exact", lambda: solve(small, tolerance=0),
             "brute force: every subset of 16 (65,536)", lambda: brute_force(small),
             goal="faster than trying every subset", min_runs=5),
        Case("planlib.optimise(example plan)", lambda: planlib.optimise(plan),
             "appraise(example plan), 10,000 draws", lambda: appraise(plan),
             goal="a few appraisals' time", min_runs=3, budget_s=3.0),
    ]
