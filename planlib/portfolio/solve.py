"""Searching for the best portfolio: :func:`solve` by mixed-integer programming (SciPy's
:func:`~scipy.optimize.milp`, HiGHS), :func:`brute_force` by trying every portfolio, and what
the search says beyond the answer: the efficient frontier and each left-out commitment's
switching value.

SciPy is imported when a problem is solved, not with planlib.

>>> from planlib.portfolio.synthetic import synthetic
>>> c = synthetic(8, seed=2, max_delay=1)
>>> bool(solve(c).chosen.sum() > 0)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from planlib.errors import PlanlibError, PortfolioInfeasible
from planlib.portfolio.problem import (
    BRUTE_FORCE_LIMIT,
    FRONTIER_SHARES,
    SCALE,
    TIME_LIMIT,
    TOLERANCE,
    Candidates,
    Solution,
    infeasible,
)


def solve(c: Candidates, *, force_in: int | None = None, tolerance: float = TOLERANCE,
          time_limit: float = TIME_LIMIT) -> Solution:
    """The best portfolio, by :func:`scipy.optimize.milp`; :class:`PortfolioInfeasible` if none fits.

    ``force_in`` (a commitment index) keeps that commitment in (used for switching values).
    ``tolerance`` is the relative gap to the best possible value at which the search may stop
    (0: prove the exact optimum). If ``time_limit`` seconds pass first, the best portfolio found
    is returned with the gap proved so far (``Solution.gap``). If the problem has a second aim
    (``Candidates.secondary``), a second search keeps the value found and maximises that.

    Examples
    --------
    Three commitments over one year, £10m to spend: B and C together (£9m, worth 7) beat A
    alone (£10m, worth 6).

    >>> c = Candidates(ids=["A", "B", "C"], years=["2021/22"], owner=np.arange(3), start=np.zeros(3, int),
    ...                delay=np.zeros(3, int), cost=np.array([[10e6], [4e6], [5e6]]), value=np.array([6e6, 3e6, 4e6]),
    ...                mandatory=np.zeros(3, bool), depends_on=[], envelope=np.array([10e6]))
    >>> s = solve(c)
    >>> s.chosen.tolist(), round(s.value / 1e6, 6)
    ([0, 1, 1], 7.0)
    """
    constraints = [_rules(c, force_in)]
    first = _milp(c, c.value / c.value_scale, constraints, tolerance, time_limit)
    if c.secondary is None:
        return first
    from scipy.optimize import LinearConstraint

    # keep the value found (less a hair for rounding) and, among such portfolios, take the most secondary
    floor = (first.value - _SLACK * max(1.0, abs(first.value))) / c.value_scale
    constraints.append(LinearConstraint(c.value[None, :] / c.value_scale, floor, np.inf))
    second = _milp(c, c.secondary / SCALE, constraints, tolerance, time_limit)
    return Solution(chosen=second.chosen, value=second.value, gap=max(first.gap, second.gap))


_SLACK = 1e-9
"""Relative room below the first aim's value that the second search may use: rounding only."""


def _rules(c: Candidates, force_in: int | None) -> Any:
    """The rules as one sparse linear constraint: one option at most per commitment (exactly one
    for those that must be in), each year's cost within the envelope, dependencies, minimums."""
    from scipy.optimize import LinearConstraint
    from scipy.sparse import csr_matrix, vstack

    n, n_c, n_y = c.n_options, len(c.ids), len(c.years)
    rows: list[Any] = []
    lower: list[np.ndarray] = []
    upper: list[np.ndarray] = []
    must = c.mandatory.astype(float).copy()
    if force_in is not None:
        must[force_in] = 1.0
    rows.append(csr_matrix((np.ones(n), (c.owner, np.arange(n))), shape=(n_c, n)))
    lower.append(must)
    upper.append(np.ones(n_c))
    rows.append(csr_matrix(c.cost.T / SCALE))
    lower.append(np.full(n_y, -np.inf))
    upper.append(c.envelope / SCALE)
    # dependencies: a needs b, and a starts no earlier than b
    for a, b in c.depends_on:
        in_a, in_b = (c.owner == a).astype(float), (c.owner == b).astype(float)
        rows.append(csr_matrix(in_a - in_b))
        lower.append(np.array([-np.inf]))
        upper.append(np.array([0.0]))
        rows.append(csr_matrix(in_b * c.start - in_a * c.start + n_y * in_a))
        lower.append(np.array([-np.inf]))
        upper.append(np.array([float(n_y)]))
    if len(c.minimum_rhs):
        rows.append(csr_matrix(c.minimum_rows / SCALE))
        lower.append(c.minimum_rhs / SCALE)
        upper.append(np.full(len(c.minimum_rhs), np.inf))
    return LinearConstraint(vstack(rows).tocsr(), np.concatenate(lower), np.concatenate(upper))


def _milp(c: Candidates, gain: np.ndarray, constraints: list[Any], tolerance: float, time_limit: float) -> Solution:
    """The options that maximise ``gain`` under ``constraints``, valued in ``c.value``."""
    from scipy.optimize import Bounds, milp

    result = milp(-gain, constraints=constraints, integrality=np.ones(c.n_options),
                  bounds=Bounds(0, 1), options={"time_limit": time_limit, "mip_rel_gap": tolerance})
    if result.status == 2:
        raise infeasible(c)
    if result.x is None:
        raise PlanlibError(f"the optimiser found no portfolio in {time_limit:g} s: {result.message}")
    chosen = np.round(result.x).astype(int)
    gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    return Solution(chosen=chosen, value=float(c.value @ chosen), gap=gap if result.status != 0 else min(gap, tolerance))


def brute_force(c: Candidates) -> Solution:
    """The best portfolio by trying every one (every subset, every start year): a check on
    :func:`solve` for small problems, and the baseline of its benchmark.

    Raises ValueError beyond :data:`BRUTE_FORCE_LIMIT` portfolios, and
    :class:`PortfolioInfeasible` if none fits. A second aim (``Candidates.secondary``) breaks
    ties in value, as :func:`solve` does.

    >>> from planlib.portfolio.synthetic import synthetic
    >>> c = synthetic(10, seed=3, max_delay=1)
    >>> abs(brute_force(c).value - solve(c, tolerance=0).value) < 1.0
    True
    """
    n_c = len(c.ids)
    choices = [np.flatnonzero(c.owner == i) for i in range(n_c)]
    # choice k of commitment i: 0 = left out, k >= 1 = its option choices[i][k - 1]
    radix = [len(o) + (0 if c.mandatory[i] else 1) for i, o in enumerate(choices)]
    total = int(np.prod(radix, dtype=float))
    if total > BRUTE_FORCE_LIMIT:
        raise ValueError(f"{total:,} portfolios is too many to try one by one")
    index = np.arange(total)
    cost = np.zeros((total, len(c.years)))
    value = np.zeros(total)
    second = np.zeros(total)
    secondary = np.zeros(c.n_options) if c.secondary is None else c.secondary
    start = np.full((total, n_c), -1)
    chosen_option = np.full((total, n_c), -1)
    stride = 1
    for i, options in enumerate(choices):
        k = (index // stride) % radix[i]
        stride *= radix[i]
        pick = k - (0 if c.mandatory[i] else 1)           # -1: left out
        table_cost = np.vstack([c.cost[options], np.zeros((1, len(c.years)))])
        table_value = np.append(c.value[options], 0.0)
        second += np.append(secondary[options], 0.0)[pick]
        table_start = np.append(c.start[options], -1)
        table_option = np.append(options, -1)
        cost += table_cost[pick]
        value += table_value[pick]
        start[:, i] = table_start[pick]
        chosen_option[:, i] = table_option[pick]
    ok = (cost <= c.envelope + 1e-6).all(axis=1)
    for a, b in c.depends_on:
        ok &= (start[:, a] < 0) | ((start[:, b] >= 0) & (start[:, a] >= start[:, b]))
    if len(c.minimum_rhs):
        x = np.zeros((total, c.n_options))
        rows, cols = np.nonzero(chosen_option >= 0)
        x[rows, chosen_option[rows, cols]] = 1
        ok &= (x @ c.minimum_rows.T >= c.minimum_rhs - 1e-6).all(axis=1)
    if not ok.any():
        raise infeasible(c)
    top = float(np.max(np.where(ok, value, -np.inf)))
    # the second aim among the best: ties in value (less a hair for rounding) go to the most secondary
    best = int(np.argmax(np.where(ok & (value >= top - _SLACK * max(1.0, abs(top))), second, -np.inf)))
    chosen = np.zeros(c.n_options, dtype=int)
    picked = chosen_option[best]
    chosen[picked[picked >= 0]] = 1
    return Solution(chosen=chosen, value=float(value[best]))


def efficient_frontier(c: Candidates, shares: Sequence[float] = FRONTIER_SHARES,
                       tolerance: float = TOLERANCE, report: np.ndarray | None = None) -> pd.DataFrame:
    """The best value for envelopes scaled by each of ``shares`` (NaN where nothing fits), less
    ``report @ chosen`` if given (a part of the value that only orders the choice).

    >>> from planlib.portfolio.synthetic import synthetic
    >>> f = efficient_frontier(synthetic(12, seed=1, max_delay=0), shares=(0.5, 1.0, 1.5))
    >>> bool(f["objective_value"].is_monotonic_increasing)
    True
    """
    rows = []
    for share in shares:
        scaled = c.with_envelope(c.envelope * share)
        try:
            s = solve(scaled, tolerance=tolerance)
            value = s.value - (0.0 if report is None else float(report @ s.chosen))
            rows.append((share, float(scaled.envelope.sum()), value, int(s.chosen.sum()), True))
        except PortfolioInfeasible:
            rows.append((share, float(scaled.envelope.sum()), float("nan"), 0, False))
    return pd.DataFrame(rows, columns=["envelope_share", "envelope_total", "objective_value", "selected_count", "feasible"])


def trade_offs(c: Candidates, best: Solution, tolerance: float = TOLERANCE) -> dict[int, Solution | None]:
    """For each commitment left out of ``best`` (that has an option): the best portfolio that keeps
    it, or None if it cannot be fitted in at all. Comparing the two says what keeping it would cost
    (the commitments it would push out) and the value it would need (:func:`switching_values`).
    Commitments that cost nothing are added to each as to the answer (:func:`with_free_options`).

    Two commitments, room for one: keeping B means giving up A.

    >>> c = Candidates(ids=["A", "B"], years=["2021/22"], owner=np.arange(2), start=np.zeros(2, int),
    ...                delay=np.zeros(2, int), cost=np.array([[5e6], [5e6]]), value=np.array([6e6, 3e6]),
    ...                mandatory=np.zeros(2, bool), depends_on=[], envelope=np.array([5e6]))
    >>> {c.ids[i]: s.chosen.tolist() for i, s in trade_offs(c, solve(c)).items()}
    {'B': [0, 1]}
    """
    chosen_owners = set(c.owner[np.flatnonzero(best.chosen)].tolist())
    found: dict[int, Solution | None] = {}
    for i in range(len(c.ids)):
        if i in chosen_owners or not (c.owner == i).any():
            continue
        try:
            found[i] = with_free_options(c, solve(c, force_in=i, tolerance=tolerance))
        except PortfolioInfeasible:
            found[i] = None
    return found


def switching_values(c: Candidates, best: Solution, tolerance: float = TOLERANCE,
                     kept: dict[int, Solution | None] | None = None) -> dict[int, float]:
    """For each commitment left out: the value (in the objective's terms, at its best start) it
    would need for the best portfolio to take it. NaN if it cannot be fitted in at all.

    Forcing it in gives the best portfolio that holds it (``kept``, from :func:`trade_offs`, if
    already found); it enters when its own value rises by the difference between that and the
    best, so its switching value is its value plus that gap.

    Two commitments, room for one: B (worth 3) would need to be worth 6, as A is, to be chosen.

    >>> c = Candidates(ids=["A", "B"], years=["2021/22"], owner=np.arange(2), start=np.zeros(2, int),
    ...                delay=np.zeros(2, int), cost=np.array([[5e6], [5e6]]), value=np.array([6e6, 3e6]),
    ...                mandatory=np.zeros(2, bool), depends_on=[], envelope=np.array([5e6]))
    >>> {c.ids[i]: v / 1e6 for i, v in switching_values(c, solve(c)).items()}
    {'B': 6.0}
    """
    kept = trade_offs(c, best, tolerance) if kept is None else kept
    found: dict[int, float] = {}
    for i, forced in kept.items():
        if forced is None:
            found[i] = float("nan")
            continue
        own = next(o for o in np.flatnonzero(forced.chosen) if c.owner[o] == i)
        # to the nearest pound (or millionth of a weight): the solver's tolerances leave noise
        digits = 0 if c.value_scale >= SCALE else 6
        found[i] = float(np.round(c.value[own] + (best.value - forced.value), digits)) + 0.0
    return found


def with_free_options(c: Candidates, best: Solution) -> Solution:
    """``best`` with every commitment left out that costs nothing in any year and is worth at least
    nothing added (at its planned start), where what it depends on is in and starts no later: such
    a commitment (one the force or the office delivers within its running costs, say) is never
    worth leaving out, though a search may leave it out when its value is exactly zero.

    >>> c = Candidates(ids=["A", "B"], years=["2021/22"], owner=np.arange(2), start=np.zeros(2, int),
    ...                delay=np.zeros(2, int), cost=np.array([[5e6], [0.0]]), value=np.array([6e6, 0.0]),
    ...                mandatory=np.zeros(2, bool), depends_on=[], envelope=np.array([5e6]))
    >>> with_free_options(c, Solution(chosen=np.array([1, 0]), value=6e6)).chosen.tolist()
    [1, 1]
    """
    chosen = best.chosen.copy()
    changed = True
    while changed:
        changed = False
        start_of = {int(c.owner[o]): int(c.start[o]) for o in np.flatnonzero(chosen)}
        for o in range(c.n_options):
            i = int(c.owner[o])
            needs = [b for a, b in c.depends_on if a == i]
            if (i in start_of or c.delay[o] != 0 or (c.cost[o] != 0).any() or c.value[o] < 0
                    or any(b not in start_of or start_of[b] > c.start[o] for b in needs)):
                continue
            chosen[o] = 1
            start_of[i] = int(c.start[o])
            changed = True
    return Solution(chosen=chosen, value=float(c.value @ chosen), gap=best.gap)
