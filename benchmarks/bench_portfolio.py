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

- ``planlib.optimise`` on 3,000 and 10,000 commitments generated from the example
  (:func:`planlib.portfolio.synthetic_plan`) beside 1,000: the ratios show how the time grows.

The synthetic problems come from :func:`planlib.portfolio.synthetic` with a fixed seed; their
figures are made up.
"""

from __future__ import annotations

import math

import planlib
from benchmarks.harness import Case
from planlib.appraisal import appraise
from planlib.portfolio import brute_force, solve, synthetic, synthetic_plan


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
        *scale_cases(plan),
    ]


SCALE = (1_000, 3_000, 10_000)
"""Plans of this many commitments, generated from the example (:func:`planlib.portfolio.synthetic_plan`)."""


def scale_cases(plan: planlib.Plan) -> list[Case]:
    """``planlib.optimise`` as the command runs it (pledges, frontier and trade-offs included) on
    3,000 and 10,000 generated commitments beside 1,000: near-linear growth is a ratio near 3 and
    10. The issue: 83 s for 3,000, and 10,000 did not finish in 15 minutes."""
    plans = {n: synthetic_plan(plan, n) for n in SCALE}
    run = {n: (lambda p=plans[n]: planlib.optimise(p)) for n in SCALE}
    small = SCALE[0]
    return [Case(f"planlib.optimise: {n:,} generated commitments", run[n],
                 f"planlib.optimise: {small:,}", run[small],
                 goal=f"near-linear: about {n // small}x", min_runs=1, budget_s=0.0)
            for n in SCALE[1:]]
