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

from collections.abc import Callable, Sequence
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
    TRADE_OFF_LIMIT,
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
    for those that must be in), each year's cost within the envelope, dependencies, minimums.
    The matrix is built once per problem (every search of the frontier and of the trade-offs
    shares it); only the bounds change."""
    from scipy.optimize import LinearConstraint

    n_c, n_y = len(c.ids), len(c.years)
    must = c.mandatory.astype(float).copy()
    if force_in is not None:
        must[force_in] = 1.0
    lower = [must, np.full(n_y, -np.inf)]
    upper = [np.ones(n_c), c.envelope / SCALE]
    if c.depends_on:
        lower.append(np.full(2 * len(c.depends_on), -np.inf))
        upper.append(np.tile([0.0, float(n_y)], len(c.depends_on)))
    if len(c.minimum_rhs):
        lower.append(c.minimum_rhs / SCALE)
        upper.append(np.full(len(c.minimum_rhs), np.inf))
    return LinearConstraint(_rule_matrix(c), np.concatenate(lower), np.concatenate(upper))


def _rule_matrix(c: Candidates) -> Any:
    """The rules' rows (see :func:`_rules`), kept on the problem once built."""
    from scipy.sparse import csr_matrix, vstack

    if "rules" in c.cache:
        return c.cache["rules"]
    n, n_c = c.n_options, len(c.ids)
    rows: list[Any] = [csr_matrix((np.ones(n), (c.owner, np.arange(n))), shape=(n_c, n)), csr_matrix(c.cost.T / SCALE)]
    if c.depends_on:
        rows.append(_dependency_rows(c))
    if len(c.minimum_rhs):
        rows.append(csr_matrix(c.minimum_rows / SCALE))
    c.cache["rules"] = vstack(rows).tocsr()
    return c.cache["rules"]


def _dependency_rows(c: Candidates) -> Any:
    """Two rows per dependency (a needs b): a's options less b's at most 0 (a only with b), and
    b's start less a's plus the years for a's options at most the years (a starts no earlier than
    b). Built from each commitment's options, not a row as long as every option per dependency."""
    from scipy.sparse import csr_matrix

    n_y = len(c.years)
    row_ids, cols, values = [], [], []
    for k, (a, b) in enumerate(c.depends_on):
        opt_a, opt_b = c.options_of[a], c.options_of[b]
        for row, (entries, coefficients) in enumerate((
                (np.concatenate([opt_a, opt_b]), np.concatenate([np.ones(len(opt_a)), -np.ones(len(opt_b))])),
                (np.concatenate([opt_b, opt_a]), np.concatenate([c.start[opt_b], n_y - c.start[opt_a]]).astype(float)))):
            keep = coefficients != 0
            row_ids.append(np.full(int(keep.sum()), 2 * k + row))
            cols.append(entries[keep])
            values.append(coefficients[keep])
    matrix = csr_matrix((np.concatenate(values), (np.concatenate(row_ids), np.concatenate(cols))),
                        shape=(2 * len(c.depends_on), c.n_options))
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix


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
                       tolerance: float = TOLERANCE, report: np.ndarray | None = None,
                       progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
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
        if progress is not None:
            progress(len(rows), len(shares))
    return pd.DataFrame(rows, columns=["envelope_share", "envelope_total", "objective_value", "selected_count", "feasible"])


def trade_offs(c: Candidates, best: Solution, tolerance: float = TOLERANCE, limit: int | None = TRADE_OFF_LIMIT,
               progress: Callable[[int, int], None] | None = None) -> dict[int, Solution | None]:
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
    left_out = [i for i in range(len(c.ids)) if i not in chosen_owners and len(c.options_of[i])]
    if limit is not None and len(left_out) > limit:
        left_out = sorted(_nearest(c, left_out)[:limit])
    found: dict[int, Solution | None] = {}
    for done, i in enumerate(left_out):
        try:
            found[i] = with_free_options(c, solve(c, force_in=i, tolerance=tolerance))
        except PortfolioInfeasible:
            found[i] = None
        if progress is not None:
            progress(done + 1, len(left_out))
    return found


def _nearest(c: Candidates, left_out: list[int]) -> list[int]:
    """``left_out`` nearest first to being chosen: by the value of their best option per pound of
    its cost (the most value for the money first; a free one first of all)."""
    def density(i: int) -> float:
        options = c.options_of[i]
        return max(float(c.value[o]) / max(float(c.cost[o].sum()), 1.0) for o in options)
    return sorted(left_out, key=lambda i: (-density(i), i))


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
    free = [o for o in np.flatnonzero((c.delay == 0) & ~(c.cost != 0).any(axis=1) & (c.value >= 0))]
    start_of = {int(c.owner[o]): int(c.start[o]) for o in np.flatnonzero(chosen)}
    changed = True
    while changed:
        changed = False
        for o in free:
            i = int(c.owner[o])
            if i in start_of or any(b not in start_of or start_of[b] > c.start[o] for b in c.needs.get(i, [])):
                continue
            chosen[o] = 1
            start_of[i] = int(c.start[o])
            changed = True
    return Solution(chosen=chosen, value=float(c.value @ chosen), gap=best.gap)
