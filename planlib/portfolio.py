"""The portfolio optimiser: the best affordable set of commitments, statutory duties kept.

"Within the money we have, which commitments, started when, give the most public value?" The
answer is a mixed-integer programme solved with :func:`scipy.optimize.milp` (HiGHS).

**Decision.** Each optional (not mandatory), enabled commitment is in or out, and, where its
cost lines allow it, starts later than planned: its whole profile of cost lines moves on by one
or more years, as far as its last line stays inside the plan (a profile is never cut short), and
its benefits start as many years later. Each (commitment, start year) pair is an *option*; a binary variable says whether
it is chosen.

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

>>> import planlib
>>> res = planlib.optimise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=2_000)
>>> bool((res.by_year["chosen_cost"] <= res.by_year["envelope"] + 1).all())
True
>>> "hold_to_account_spcb" in res.selected    # a statutory duty is always kept
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, vstack

from planlib.errors import PlanlibError
from planlib.model import Plan
from planlib.types import FinancialYear

OBJECTIVES = ("npv_p50", "npv_p5", "weighted")
"""What the optimiser can maximise (see the module's description)."""

FRONTIER_SHARES = tuple(round(0.8 + 0.05 * k, 2) for k in range(9))
"""Envelopes of the efficient frontier, as shares of the envelope given: 80% to 120%."""

SCALE = 1e6
"""Money is solved in £m, so that HiGHS's tolerances are meaningful."""

TOLERANCE = 1e-3
"""The search stops once its answer is proved within 0.1% of the best possible value: far
below the Monte Carlo's own uncertainty in the NPVs, and it keeps large problems quick (200
commitments with phasing take seconds; proving 0.01% can take minutes). Small problems, such
as a plan's 30 commitments, are solved exactly in practice; ``tolerance=0`` insists on it."""

TIME_LIMIT = 30.0
"""Seconds before the search returns the best portfolio found, with the gap it has proved."""

BRUTE_FORCE_LIMIT = 5_000_000
"""The most portfolios :func:`brute_force` will enumerate."""


class PortfolioInfeasible(PlanlibError):
    """No portfolio meets every rule; the message says which and by how much.

    ``shortfall`` maps financial year to the amount (GBP) by which the commitments that must be
    in exceed the envelope (empty when another rule is the cause).
    """

    def __init__(self, message: str, shortfall: Mapping[str, float] | None = None) -> None:
        super().__init__(message)
        self.shortfall = dict(shortfall or {})


# --------------------------------------------------------------------------- the problem as arrays


@dataclass(frozen=True)
class Candidates:
    """A portfolio problem as arrays: one row per option (a commitment started in a given year).

    Build one from a plan with :func:`candidates`, or directly (tests, benchmarks).

    Attributes
    ----------
    ids : list of str
        Commitments, in order.
    years : list of str
        Financial years of the envelope.
    owner : ndarray of int
        Per option: index of its commitment.
    start : ndarray of int
        Per option: index (into ``years``) of the year it starts.
    delay : ndarray of int
        Per option: years later than planned (0 for the planned start).
    cost : ndarray
        Options x years: revenue cost, GBP.
    value : ndarray
        Per option: its contribution to the objective, GBP.
    mandatory : ndarray of bool
        Per commitment.
    depends_on : list of (int, int)
        ``(a, b)``: commitment ``a`` needs commitment ``b``.
    envelope : ndarray
        Per year: the most the chosen commitments may cost, GBP.
    minimum_rows, minimum_rhs, minimum_names
        Further rules ``minimum_rows @ chosen >= minimum_rhs`` (one row per rule), and their names.
    """

    ids: list[str]
    years: list[str]
    owner: np.ndarray
    start: np.ndarray
    delay: np.ndarray
    cost: np.ndarray
    value: np.ndarray
    mandatory: np.ndarray
    depends_on: list[tuple[int, int]]
    envelope: np.ndarray
    minimum_rows: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    minimum_rhs: np.ndarray = field(default_factory=lambda: np.zeros(0))
    minimum_names: list[str] = field(default_factory=list)

    @property
    def n_options(self) -> int:
        return len(self.owner)

    def with_envelope(self, envelope: np.ndarray) -> Candidates:
        """The same problem with another envelope."""
        return dataclasses.replace(self, envelope=np.asarray(envelope, dtype=float))


@dataclass(frozen=True)
class Solution:
    """Which options are chosen (``chosen``: a 0/1 array over options) and the objective's value."""

    chosen: np.ndarray
    value: float
    gap: float = 0.0
    """The relative gap HiGHS proved between this value and the best possible (0: the optimum)."""


def _forced(c: Candidates) -> np.ndarray:
    """Commitments that must be in: the mandatory ones and everything they depend on."""
    forced = c.mandatory.copy()
    changed = True
    while changed:
        changed = False
        for a, b in c.depends_on:
            if forced[a] and not forced[b]:
                forced[b] = changed = True
    return forced


def _money(value: float) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value) / 1e6:,.1f}m"


def _infeasible(c: Candidates) -> PortfolioInfeasible:
    """Why no portfolio fits: the years in which what must be in already costs too much."""
    forced = _forced(c)
    # the cheapest option of each forced commitment, year by year (a lower bound on its cost)
    least = np.zeros(len(c.years))
    for i in np.flatnonzero(forced):
        least += c.cost[c.owner == i].min(axis=0)
    over = least - c.envelope
    years = [k for k in range(len(c.years)) if over[k] > 1e-6 * SCALE]
    if years:
        parts = [f"{c.years[k]}: they cost {_money(least[k])} against an envelope of {_money(c.envelope[k])}, "
                 f"{_money(over[k])} too much" for k in years]
        what = "the mandatory commitments" + (" and those they depend on" if (forced & ~c.mandatory).any() else "")
        return PortfolioInfeasible(f"no affordable portfolio: {what} alone exceed the envelope in "
                                   + "; ".join(parts), {c.years[k]: float(over[k]) for k in years})
    rules = ", ".join(c.minimum_names) or "the dependencies"
    return PortfolioInfeasible(f"no affordable portfolio meets every rule: {rules} cannot all be met within the envelope")


def solve(c: Candidates, *, force_in: int | None = None, tolerance: float = TOLERANCE,
          time_limit: float = TIME_LIMIT) -> Solution:
    """The best portfolio, by :func:`scipy.optimize.milp`; :class:`PortfolioInfeasible` if none fits.

    ``force_in`` (a commitment index) keeps that commitment in (used for switching values).
    ``tolerance`` is the relative gap to the best possible value at which the search may stop
    (0: prove the exact optimum). If ``time_limit`` seconds pass first, the best portfolio found
    is returned with the gap proved so far (``Solution.gap``).

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
    n, n_c, n_y = c.n_options, len(c.ids), len(c.years)
    rows: list[Any] = []
    lower: list[np.ndarray] = []
    upper: list[np.ndarray] = []
    # one option at most per commitment; exactly one for those that must be in
    member = csr_matrix((np.ones(n), (c.owner, np.arange(n))), shape=(n_c, n))
    must = c.mandatory.astype(float).copy()
    if force_in is not None:
        must[force_in] = 1.0
    rows.append(member)
    lower.append(must)
    upper.append(np.ones(n_c))
    # the envelope, year by year
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
    constraint = LinearConstraint(vstack(rows).tocsr(), np.concatenate(lower), np.concatenate(upper))
    result = milp(-c.value / SCALE, constraints=[constraint], integrality=np.ones(n),
                  bounds=Bounds(0, 1), options={"time_limit": time_limit, "mip_rel_gap": tolerance})
    if result.status == 2:
        raise _infeasible(c)
    if result.x is None:
        raise PlanlibError(f"the optimiser found no portfolio in {time_limit:g} s: {result.message}")
    chosen = np.round(result.x).astype(int)
    gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    return Solution(chosen=chosen, value=float(c.value @ chosen), gap=gap if result.status != 0 else min(gap, tolerance))


def brute_force(c: Candidates) -> Solution:
    """The best portfolio by trying every one (every subset, every start year): a check on
    :func:`solve` for small problems, and the baseline of its benchmark.

    Raises ValueError beyond :data:`BRUTE_FORCE_LIMIT` portfolios, and
    :class:`PortfolioInfeasible` if none fits.

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
    start = np.full((total, n_c), -1)
    chosen_option = np.full((total, n_c), -1)
    stride = 1
    for i, options in enumerate(choices):
        k = (index // stride) % radix[i]
        stride *= radix[i]
        pick = k - (0 if c.mandatory[i] else 1)           # -1: left out
        table_cost = np.vstack([c.cost[options], np.zeros((1, len(c.years)))])
        table_value = np.append(c.value[options], 0.0)
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
        raise _infeasible(c)
    best = int(np.argmax(np.where(ok, value, -np.inf)))
    chosen = np.zeros(c.n_options, dtype=int)
    picked = chosen_option[best]
    chosen[picked[picked >= 0]] = 1
    return Solution(chosen=chosen, value=float(value[best]))


# --------------------------------------------------------------------------- from a plan


def _weights(plan: Plan, weights: Mapping[str, float] | None) -> dict[str, float]:
    """Each enabled commitment's priority weight: its objective's, and if ``weights`` names any of
    the evidence it answers (a consultation theme, say), the largest such weight times that."""
    given = dict(weights or {})
    for key, w in given.items():
        if not isinstance(w, (int, float)) or isinstance(w, bool) or not np.isfinite(w) or w < 0:
            raise PlanlibError(f"weights: the weight of {key!r} must be a number of at least 0, got {w!r}")
    known = {o.id for o in plan.objectives} | {e.id for e in plan.evidence}
    unknown = sorted(set(given) - known)
    if unknown:
        raise PlanlibError(f"weights: {', '.join(map(repr, unknown))} is not an objective or evidence id of the plan")
    objective = {o.id: given.get(o.id, getattr(o, "weight", 1.0)) for o in plan.objectives}
    found = {}
    for c in plan.commitments:
        themes = [given[e] for e in c.evidence if e in given]
        found[c.id] = objective.get(c.objective_id, 1.0) * (max(themes) if themes else 1.0)
    return found


def _envelope(plan: Plan, envelope: Any, reserves: Any, commitments_revenue: np.ndarray) -> np.ndarray:
    from planlib.finance import mtfp_arrays

    years = [str(y) for y in plan.years]
    if envelope is None:
        arrays = mtfp_arrays(plan)
        # headroom: funding less the costs that are not the (enabled) commitments'
        values = arrays["total_funding"] - (arrays["total_cost"] - commitments_revenue)
    elif isinstance(envelope, Mapping):
        missing = [y for y in years if y not in {str(k) for k in envelope}]
        if missing:
            raise PlanlibError(f"envelope: no amount for {', '.join(missing)} (give one for every year of the plan)")
        extra = sorted({str(k) for k in envelope} - set(years))
        if extra:
            raise PlanlibError(f"envelope: {', '.join(extra)} is not a year of the plan ({years[0]} to {years[-1]})")
        given = {str(k): v for k, v in envelope.items()}
        values = _pounds("envelope", [given[y] for y in years], len(years))
    else:
        values = _pounds("envelope", envelope, len(years))
    if not np.isfinite(values).all():
        raise PlanlibError("envelope: every amount must be a finite number of pounds")
    if reserves is not None:
        extra_use = _pounds("reserves", reserves, len(years), one_for_all=True)
        if not np.isfinite(extra_use).all() or (extra_use < 0).any():
            raise PlanlibError("reserves: the further use of reserves must be a number of pounds, at least 0")
        values = values + extra_use
    return values


def _pounds(name: str, amounts: Any, n_years: int, one_for_all: bool = False) -> np.ndarray:
    """``amounts`` as one number of pounds per year, or PlanlibError naming ``name``: a list of
    the wrong length or shape, or text, is refused rather than reshaped or read as something else."""
    try:
        values = np.asarray(amounts, dtype=float)
    except (TypeError, ValueError):
        raise PlanlibError(f"{name}: expected numbers of pounds, got {amounts!r}") from None
    if one_for_all and values.ndim == 0:
        return np.full(n_years, float(values))
    if values.ndim != 1 or len(values) != n_years:
        raise PlanlibError(f"{name}: give {n_years} amounts of pounds, one per year of the plan, got {amounts!r}")
    return values


def _number(name: str, key: str, value: Any) -> float:
    """A rule's figure (officers, a share) as a finite number, or PlanlibError naming the rule."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if isinstance(value, bool) or not np.isfinite(number):
        raise PlanlibError(f"{name}: the figure for {key!r} must be a number, got {value!r}")
    return number


@dataclass(frozen=True)
class PlanCandidates:
    """:class:`Candidates` built from a plan, with what is needed to describe the answer."""

    problem: Candidates
    plan: Plan
    objective: str
    npv: np.ndarray          # per option: NPV at p50 (or p5 for the npv_p5 objective), GBP
    pv_costs: np.ndarray     # per option: PV of costs (real, optimism bias), GBP
    titles: list[str]


def candidates(plan: Plan, objective: str = "npv_p50", envelope: Any = None, *, max_delay: int | None = None,
               samples: int | None = None, seed: int | None = None, weights: Mapping[str, float] | None = None,
               min_officers: Mapping[str, float] | None = None, min_share: Mapping[str, float] | None = None,
               reserves: Any = None) -> PlanCandidates:
    """The options of ``plan``'s enabled commitments, their costs and values (see :func:`optimise`).

    >>> import planlib
    >>> pc = candidates(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500)
    >>> len(pc.problem.ids), int(pc.problem.mandatory.sum()), pc.problem.n_options  # all costed to 2024/25: no later starts
    (28, 11, 28)
    """
    from planlib.appraisal import build_model
    from planlib.finance import pay_per_fte
    from planlib.scenario import commitment_start
    from planlib.uncertainty import DEFAULT_SAMPLES, DEFAULT_SEED, simulate

    if objective not in OBJECTIVES:
        raise PlanlibError(f"objective: expected one of {', '.join(OBJECTIVES)}, got {objective!r}")
    samples = DEFAULT_SAMPLES if samples is None else samples
    seed = DEFAULT_SEED if seed is None else seed
    years = plan.years
    n_y = len(years)
    first = plan.period.first
    commitments = [c for c in plan.commitments if c.enabled]
    ids = [c.id for c in commitments]
    index = {cid: i for i, cid in enumerate(ids)}
    officer_unit, staff_unit = pay_per_fte(plan)

    # grid[i, y] = non-pay, capital, officer FTE, staff FTE; grade[i, y] = confidence of the line
    grid = np.zeros((len(commitments), n_y, 4))
    grade = np.ones((len(commitments), n_y), dtype=int)
    for i, c in enumerate(commitments):
        for line in c.costs:
            y = line.year - first
            if 0 <= y < n_y:
                grid[i, y] = (line.non_pay_gbp, line.capital_gbp, line.officer_fte, line.staff_fte)
                grade[i, y] = line.confidence
    planned_revenue = grid[:, :, 0] + grid[:, :, 2] * officer_unit + grid[:, :, 3] * staff_unit
    env = _envelope(plan, envelope, reserves, planned_revenue.sum(axis=0))

    # how late each commitment may start: never a mandatory one; its whole cost profile and its
    # benefits' start must stay inside the plan (a profile cut short would save cost while the
    # appraisal kept its after-plan benefits, so lateness would look like value)
    starts = [commitment_start(c) for c in commitments]
    latest_delay = []
    for c, s in zip(commitments, starts):
        if c.mandatory or s is None:
            latest_delay.append(0)
            continue
        room = plan.period.last - max(line.year for line in c.costs)
        for b in c.benefits:
            room = min(room, plan.period.last - (b.start_year if b.start_year is not None else first))
        latest_delay.append(max(0, room if max_delay is None else min(room, max_delay)))

    settings = plan.appraisal
    model = build_model(plan)  # its commitments are ``ids``: the enabled ones, in plan order
    deflate = (1 + settings.deflator_rate.central) ** -np.arange(n_y)
    factors = model.factors[:n_y] if len(model.factors) >= n_y else np.pad(model.factors, (0, n_y - len(model.factors)))
    horizon = len(model.factors)
    t = np.arange(horizon)
    end = plan.period.last - first
    line_start = np.array([
        (b.start_year - first) if b.start_year is not None else 0
        for c in commitments for b in c.benefits
    ], dtype=int)
    cost_of: dict[tuple[int, int], np.ndarray] = {}
    npv_of: dict[tuple[int, int], tuple[float, float, float]] = {}  # p5, p50, pv_costs
    weight = _weights(plan, weights)
    for delay in range(max(latest_delay, default=0) + 1):
        moved = np.zeros_like(grid)
        moved_grade = np.ones_like(grade)
        moved[:, delay:] = grid[:, :n_y - delay]
        moved_grade[:, delay:] = grade[:, :n_y - delay]
        revenue = moved[:, :, 0] + moved[:, :, 2] * officer_unit + moved[:, :, 3] * staff_unit
        bias_moved = np.vectorize(lambda g: 1 + settings.optimism_bias.values[int(g)])(moved_grade)
        pv_costs = ((revenue + moved[:, :, 1]) * deflate * bias_moved) @ factors
        active = (t[None, :] >= (line_start + delay)[:, None]) & (t[None, :] <= end)
        full_pv = active.astype(float) @ model.factors
        shifted = dataclasses.replace(model, pv_costs=pv_costs, line_full_pv=full_pv)
        summary = simulate(shifted, samples, seed).summary()
        for i in range(len(commitments)):
            if delay <= latest_delay[i]:
                cost_of[(i, delay)] = revenue[i]
                npv_of[(i, delay)] = (summary["npv_p5"][i], summary["npv_p50"][i], pv_costs[i])

    keys = sorted(cost_of, key=lambda k: (k[0], k[1]))
    owner = np.array([i for i, _ in keys], dtype=int)
    delay_arr = np.array([d for _, d in keys], dtype=int)
    start_index = np.array([(starts[i] - first if starts[i] is not None else 0) + d for i, d in keys], dtype=int)
    cost = np.array([cost_of[k] for k in keys]).reshape(len(keys), n_y)
    p5 = np.array([npv_of[k][0] for k in keys])
    p50 = np.array([npv_of[k][1] for k in keys])
    pvc = np.array([npv_of[k][2] for k in keys])
    if objective == "npv_p50":
        value, npv = p50, p50
    elif objective == "npv_p5":
        value, npv = p5, p5
    else:
        w = np.array([weight[ids[i]] for i in owner])
        value, npv = w * (p50 + pvc) - pvc, p50

    depends = [(index[c.id], index[d]) for c in commitments for d in c.depends_on if d in index]
    # a commitment that depends on one the plan has switched off cannot be in
    blocked = {index[c.id] for c in commitments if any(d not in index for d in c.depends_on)}

    minimum_rows, minimum_rhs, minimum_names = [], [], []
    objectives = {o.id for o in plan.objectives}
    # officer FTE in the last year: the line that a delay of d years moves there
    last_officers = np.array([grid[i, n_y - 1 - d, 2] for i, d in keys])
    for objective_id, officers in (min_officers or {}).items():
        if objective_id not in objectives:
            raise PlanlibError(f"min_officers: {objective_id!r} is not an objective of the plan")
        officers = _number("min_officers", objective_id, officers)
        if officers < 0:
            raise PlanlibError(f"min_officers: the figure for {objective_id!r} cannot be negative, got {officers!r}")
        mask = np.array([commitments[i].objective_id == objective_id for i in owner], dtype=float)
        minimum_rows.append(mask * last_officers * SCALE)  # rows are divided by SCALE when solved
        minimum_rhs.append(float(officers) * SCALE)
        minimum_names.append(f"at least {float(officers):,.0f} officers in {years[-1]} on {objective_id}")
    workstreams = {c.workstream for c in plan.commitments}
    total_cost = cost.sum(axis=1)
    for group, share in (min_share or {}).items():
        if group not in objectives and group not in workstreams:
            raise PlanlibError(f"min_share: {group!r} is not a workstream or objective of the plan")
        share = _number("min_share", group, share)
        if not 0 <= share <= 1:
            raise PlanlibError(f"min_share: the share for {group!r} must be between 0 and 1, got {share!r}")
        mask = np.array([group in (commitments[i].objective_id, commitments[i].workstream) for i in owner], dtype=float)
        minimum_rows.append(total_cost * (mask - float(share)))
        minimum_rhs.append(0.0)
        minimum_names.append(f"at least {float(share):.0%} of the chosen cost on {group}")

    keep = np.array([i not in blocked for i in owner], dtype=bool)
    mandatory = np.array([c.mandatory for c in commitments], dtype=bool)
    problem = Candidates(
        ids=ids, years=[str(y) for y in years], owner=owner[keep], start=start_index[keep],
        delay=delay_arr[keep], cost=cost[keep], value=value[keep], mandatory=mandatory,
        depends_on=depends, envelope=env,
        minimum_rows=np.array(minimum_rows).reshape(len(minimum_rhs), -1)[:, keep] if minimum_rhs
        else np.zeros((0, int(keep.sum()))),
        minimum_rhs=np.array(minimum_rhs), minimum_names=minimum_names,
    )
    return PlanCandidates(problem=problem, plan=plan, objective=objective, npv=npv[keep], pv_costs=pvc[keep],
                          titles=[c.title for c in commitments])


# --------------------------------------------------------------------------- the answer


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
                    base_changes: Mapping[str, Any] | None = None) -> Any:
        """This portfolio as a :class:`~planlib.Scenario` (after ``base_changes``, if any)."""
        from planlib.scenario import Scenario

        kept = len(self.selected)
        return Scenario(
            name=name,
            description=description or (f"Portfolio suggested by the optimiser ({self.objective}): "
                                         f"{kept} of {len(self.commitments)} commitments"),
            source=source or "planlib optimise: the best affordable set of commitments within the envelope",
            changes={**dict(base_changes or {}), **self.scenario_changes()},
        )

    def to_json(self) -> dict[str, Any]:
        """The answer as the ``planlib optimise --format json`` document."""
        years = list(self.envelope)
        return {
            "selected": list(self.selected),
            "objective_value": float(self.objective_value),
            "envelope_by_year": {y: float(v) for y, v in self.envelope.items()},
            "commitments": [
                {
                    "id": row["id"],
                    # null, not NaN (which is not JSON), for a commitment with no option: one
                    # that depends on a commitment the plan or scenario switches off
                    "npv": float(row["npv"]) if row["npv"] == row["npv"] else None,
                    "cost_by_year": {y: float(row[f"cost_{y}"]) for y in years},
                    "mandatory": bool(row["mandatory"]),
                    "depends_on": list(row["depends_on"]),
                    "selected": bool(row["selected"]),
                    "start_year": row["start_year"] if isinstance(row["start_year"], str) else None,
                }
                for row in self.commitments.to_dict(orient="records")
            ],
        }


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


def efficient_frontier(c: Candidates, shares: Sequence[float] = FRONTIER_SHARES,
                       tolerance: float = TOLERANCE) -> pd.DataFrame:
    """The best value for envelopes scaled by each of ``shares`` (NaN where nothing fits).

    >>> f = efficient_frontier(synthetic(12, seed=1, max_delay=0), shares=(0.5, 1.0, 1.5))
    >>> bool(f["objective_value"].is_monotonic_increasing)
    True
    """
    rows = []
    for share in shares:
        scaled = c.with_envelope(c.envelope * share)
        try:
            s = solve(scaled, tolerance=tolerance)
            rows.append((share, float(scaled.envelope.sum()), s.value, int(s.chosen.sum()), True))
        except PortfolioInfeasible:
            rows.append((share, float(scaled.envelope.sum()), float("nan"), 0, False))
    return pd.DataFrame(rows, columns=["envelope_share", "envelope_total", "objective_value", "selected_count", "feasible"])


def switching_values(c: Candidates, best: Solution, tolerance: float = TOLERANCE) -> dict[int, float]:
    """For each commitment left out: the value (in the objective's terms, at its best start) it
    would need for the best portfolio to take it. NaN if it cannot be fitted in at all.

    Forcing it in gives the best portfolio that holds it; it enters when its own value rises by
    the difference between that and the best, so its switching value is its value plus that gap.

    Two commitments, room for one: B (worth 3) would need to be worth 6, as A is, to be chosen.

    >>> c = Candidates(ids=["A", "B"], years=["2021/22"], owner=np.arange(2), start=np.zeros(2, int),
    ...                delay=np.zeros(2, int), cost=np.array([[5e6], [5e6]]), value=np.array([6e6, 3e6]),
    ...                mandatory=np.zeros(2, bool), depends_on=[], envelope=np.array([5e6]))
    >>> {c.ids[i]: v / 1e6 for i, v in switching_values(c, solve(c)).items()}
    {'B': 6.0}
    """
    chosen_owners = set(c.owner[np.flatnonzero(best.chosen)].tolist())
    found: dict[int, float] = {}
    for i in range(len(c.ids)):
        if i in chosen_owners or not (c.owner == i).any():
            continue
        try:
            forced = solve(c, force_in=i, tolerance=tolerance)
        except PortfolioInfeasible:
            found[i] = float("nan")
            continue
        own = [o for o in np.flatnonzero(forced.chosen) if c.owner[o] == i][0]
        # to the nearest pound: the solver's tolerances leave pennies of noise
        found[i] = float(np.round(c.value[own] + (best.value - forced.value))) + 0.0
    return found


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


OBJECTIVE_WORDS = {
    "npv_p50": "total NPV at the median (p50)",
    "npv_p5": "total of the commitments' 5th-percentile NPVs (cautious)",
    "weighted": "priority-weighted NPV (benefits times the objectives' weights, less costs)",
}


def text_table(result: PortfolioResult, plan_name: str, scenario: str = "baseline") -> str:
    """The answer as ``planlib optimise`` prints it: £m, years as columns.

    >>> import planlib
    >>> res = optimise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500, frontier=False)
    >>> text_table(res, "Example").splitlines()[0]
    'Example: baseline. Best affordable portfolio, maximising the total NPV at the median (p50).'
    """
    years = list(result.envelope)
    chosen = result.commitments[result.commitments["selected"]]
    out = result.commitments[~result.commitments["selected"]]
    lines = [f"{plan_name}: {scenario}. Best affordable portfolio, maximising the {OBJECTIVE_WORDS[result.objective]}.",
             f"Value: {_money(result.objective_value)} (present value, first-year prices). "
             f"{len(chosen)} of {len(result.commitments)} commitments chosen"
             + (f"; proved within {result.gap:.2%} of the best possible." if result.gap > 1e-9 else
                ", proved the best possible."), "",
             f"{'£m':<32}" + "".join(f"{y:>10}" for y in years)]
    for label, column in (("Envelope", "envelope"), ("Mandatory commitments", "mandatory_cost"),
                          ("Optional commitments chosen", "optional_cost"), ("Headroom left", "headroom_left")):
        lines.append(f"{label:<32}" + "".join(f"{v / 1e6:>10,.1f}" for v in result.by_year[column]))
    lines += ["", f"{'chosen':<42}{'starts':>9}{'NPV £m':>9}{'cost £m':>9}"]
    for r in chosen.itertuples():
        late = f" (+{r.delay_years})" if r.delay_years else ""
        mark = " statutory" if r.mandatory else ""
        lines.append(f"{r.id[:41]:<42}{r.start_year:>9}{r.npv / 1e6:>9,.1f}{r.cost_total / 1e6:>9,.1f}{late}{mark}")
    if len(out):
        lines += ["", f"{'left out':<42}{'NPV £m':>9}{'needs £m':>10}  (NPV at which it would be chosen)"]
        enabled = {c.id for c in result.plan.commitments if c.enabled}
        for r in out.itertuples():
            if r.npv != r.npv:   # no option at all: it needs a commitment that is switched off
                off = ", ".join(d for d in r.depends_on if d not in enabled)
                lines.append(f"{r.id[:41]:<42}{'-':>9}{'cannot':>10}  (it needs {off}, which is switched off)")
                continue
            needs = "no fit" if r.npv_to_enter != r.npv_to_enter else f"{r.npv_to_enter / 1e6:,.1f}"
            lines.append(f"{r.id[:41]:<42}{r.npv / 1e6:>9,.1f}{needs:>10}")
    frontier = result.frontier
    if len(frontier):
        lines += ["", "Efficient frontier (envelope as a share of the one above: best value, £m)"]
        lines.append("  " + "  ".join(
            f"{r.envelope_share:.0%}: " + ("no fit" if not r.feasible else f"{r.objective_value / 1e6:,.1f}")
            for r in frontier.itertuples()))
    lines += ["", "NPVs rest on assumptions marked illustrative or unverified in the plan; "
              "commitments whose benefits are not valued count their costs only."]
    return "\n".join(lines)


def synthetic(n: int, n_years: int = 4, *, seed: int = 0, max_delay: int = 3, tightness: float = 0.5,
              mandatory_share: float = 0.1, dependency_share: float = 0.1) -> Candidates:
    """A random problem of ``n`` commitments (for benchmarks and tests; figures are synthetic).

    Costs are £0.1m-£5m a year in profiles that ramp up; values are NPVs of -£2m to £10m, lower
    for later starts; the envelope is ``tightness`` of what every commitment would cost.

    >>> c = synthetic(200, seed=0, max_delay=3)
    >>> len(c.ids), c.cost.shape[1], bool(c.n_options > 600)
    (200, 4, True)
    """
    rng = np.random.default_rng(seed)
    base = rng.uniform(0.1e6, 5e6, (n, n_years)) * np.minimum(1, (np.arange(n_years) + 1) / rng.integers(1, 3, (n, 1)))
    value = rng.uniform(-2e6, 10e6, n)
    mandatory = rng.random(n) < mandatory_share
    depends = [(a, int(rng.integers(0, a))) for a in range(1, n) if rng.random() < dependency_share]
    owner, start, delay, cost, values = [], [], [], [], []
    for i in range(n):
        for d in range(min(max_delay, n_years - 1) + 1 if not mandatory[i] else 1):
            moved = np.zeros(n_years)
            moved[d:] = base[i, :n_years - d]
            owner.append(i)
            start.append(d)
            delay.append(d)
            cost.append(moved)
            values.append(value[i] * (1 - 0.2 * d) - 0.3e6 * d)
    envelope = tightness * base.sum(axis=0)
    envelope = np.maximum(envelope, base[mandatory].sum(axis=0) * 1.05)
    return Candidates(ids=[f"c{i:03d}" for i in range(n)], years=[str(FinancialYear(2021) + k) for k in range(n_years)],
                      owner=np.array(owner), start=np.array(start), delay=np.array(delay), cost=np.array(cost),
                      value=np.array(values), mandatory=mandatory, depends_on=depends, envelope=envelope)


__all__ = [
    "BRUTE_FORCE_LIMIT", "Candidates", "FRONTIER_SHARES", "OBJECTIVES", "PlanCandidates", "PortfolioInfeasible",
    "PortfolioResult", "Solution", "brute_force", "candidates", "efficient_frontier", "optimise", "solve",
    "switching_values", "synthetic",
]
