"""A plan's commitments as a portfolio problem: each one's options (started as planned or later),
their costs and values, the envelope and the rules (see :func:`planlib.portfolio.optimise`).

Costs and values come from the appraisal's kernel: :func:`planlib.appraisal.started_later`
moves every commitment's costs and benefits on by a number of years, and the appraisal's Monte
Carlo values each start on the same draws. Nothing here discounts or costs anything itself.

>>> import planlib
>>> pc = candidates(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500)
>>> pc.problem.cost.shape == (pc.problem.n_options, len(pc.problem.years))
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from planlib.appraisal.kernel import AppraisalModel, build_model, started_later
from planlib.appraisal.monte_carlo import simulate
from planlib.errors import PlanlibError
from planlib.finance import mtfp_arrays
from planlib.model import Commitment, Plan
from planlib.portfolio.problem import (
    DEFAULT_OBJECTIVE,
    OBJECTIVES,
    SCALE,
    Candidates,
)
from planlib.scenario import commitment_start
from planlib.uncertainty import DEFAULT_SAMPLES, DEFAULT_SEED


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


def _latest_delays(plan: Plan, commitments: list[Commitment], max_delay: int | None) -> list[int]:
    """How late each commitment may start: never a mandatory one; its whole cost profile and its
    benefits' start must stay inside the plan (a profile cut short would save cost while the
    appraisal kept its after-plan benefits, so lateness would look like value)."""
    first, last = plan.period.first, plan.period.last
    latest = []
    for c in commitments:
        if c.mandatory or commitment_start(c) is None:
            latest.append(0)
            continue
        room = last - max(line.year for line in c.costs)
        for b in c.benefits:
            room = min(room, last - (b.start_year if b.start_year is not None else first))
        latest.append(max(0, room if max_delay is None else min(room, max_delay)))
    return latest


def _minimums(plan: Plan, commitments: list[Commitment], owner: np.ndarray, last_officers: np.ndarray,
              cost: np.ndarray, min_officers: Mapping[str, float] | None,
              min_share: Mapping[str, float] | None) -> tuple[list[np.ndarray], list[float], list[str]]:
    """The rules ``row @ chosen >= rhs``: officers in the last year on an objective's commitments,
    and a least share of the chosen cost on a workstream or objective."""
    minimum_rows, minimum_rhs, minimum_names = [], [], []
    objectives = {o.id for o in plan.objectives}
    for objective_id, officers in (min_officers or {}).items():
        if objective_id not in objectives:
            raise PlanlibError(f"min_officers: {objective_id!r} is not an objective of the plan")
        officers = _number("min_officers", objective_id, officers)
        if officers < 0:
            raise PlanlibError(f"min_officers: the figure for {objective_id!r} cannot be negative, got {officers!r}")
        mask = np.array([commitments[i].objective_id == objective_id for i in owner], dtype=float)
        minimum_rows.append(mask * last_officers * SCALE)  # rows are divided by SCALE when solved
        minimum_rhs.append(float(officers) * SCALE)
        minimum_names.append(f"at least {float(officers):,.0f} officers in {plan.years[-1]} on {objective_id}")
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
    return minimum_rows, minimum_rhs, minimum_names


def _options(model: AppraisalModel, latest: list[int], samples: int, seed: int,
             progress: Callable[[str, int, int], None] | None = None) -> dict[str, np.ndarray]:
    """Every option, by commitment then delay: ``owner`` and ``delay``, its cash revenue ``cost``
    by year, ``npv_p5``, ``npv_p50`` and ``pv_costs`` as the appraisal gives them for the
    commitments started that much later, and ``last_officers`` (officer FTE in the plan's last year)."""
    found: dict[tuple[int, int], tuple[np.ndarray, float, float, float, float]] = {}
    starts = max(latest, default=0) + 1
    for delay in range(starts):
        later = started_later(model, delay)

        def tell(_step: str, done: int, total: int, delay: int = delay) -> None:
            if progress is not None:
                progress("valuing the options", delay * total + done, starts * total)

        summary = simulate(later, samples, seed, progress=tell).summary()
        revenue = later.costs.revenue
        for i, most in enumerate(latest):
            if delay <= most:
                found[(i, delay)] = (revenue[i], summary["npv_p5"][i], summary["npv_p50"][i], later.pv_costs[i],
                                     later.costs.lines[i, -1, 2])
    keys = sorted(found)
    return {
        "owner": np.array([i for i, _ in keys], dtype=int),
        "delay": np.array([d for _, d in keys], dtype=int),
        "cost": np.array([found[k][0] for k in keys]).reshape(len(keys), model.costs.lines.shape[1]),
        **{name: np.array([found[k][j] for k in keys])
           for j, name in enumerate(("npv_p5", "npv_p50", "pv_costs", "last_officers"), start=1)},
    }


@dataclass(frozen=True)
class PlanCandidates:
    """:class:`Candidates` built from a plan, with what is needed to describe the answer."""

    problem: Candidates
    plan: Plan
    objective: str
    npv: np.ndarray          # per option: NPV at p50 (or p5 for the npv_p5 objective), GBP
    pv_costs: np.ndarray     # per option: PV of costs (real, optimism bias), GBP
    titles: list[str]
    weight: np.ndarray | None = None     # per commitment: its priority weight (its objective's)
    pledged: np.ndarray | None = None    # per commitment: the plan marks it as a pledge
    valued: np.ndarray | None = None     # per commitment: some of its benefits are valued in money
    bonus: np.ndarray | None = None      # per option: what ``value`` adds to put pledges first (not reported)
    options: dict[str, np.ndarray] | None = None   # every option as valued (before any is blocked), for reuse


def _objective_values(objective: str, owner: np.ndarray, delay: np.ndarray, weight: np.ndarray,
                      options: dict[str, np.ndarray], n_years: int) -> tuple[np.ndarray, np.ndarray | None, float]:
    """Each option's ``value`` for ``objective``, its second aim (or None) and the value's scale.

    For the weight objectives a commitment counts its priority weight, less a share for each year
    it starts late (a year of a four-year plan: a quarter); ``pledges`` then prefers, among
    portfolios of equal weight, the one that spends most on the plan (money left unspent needs a
    reason), ``cost_effectiveness`` the one with the highest median NPV (valued benefits, and
    costs: the cheaper, where benefits are not valued).
    """
    p5, p50, pvc = options["npv_p5"], options["npv_p50"], options["pv_costs"]
    if objective == "npv_p50":
        return p50, None, SCALE
    if objective == "npv_p5":
        return p5, None, SCALE
    w = weight[owner]
    if objective == "weighted":
        return w * (p50 + pvc) - pvc, None, SCALE
    counted = w * (1.0 - delay / n_years)
    second = options["cost"].sum(axis=1) if objective == "pledges" else p50
    return counted, second, 1.0


def _check_dependencies(plan: Plan, commitments: list[Commitment], index: dict[str, int]) -> None:
    """A statutory duty that depends on a commitment switched off cannot be kept: PlanlibError
    saying so (a plan or scenario read from files is refused before this, by the plan's checks)."""
    titles = {c.id: c.title for c in plan.commitments}
    for c in commitments:
        off = [d for d in c.depends_on if d not in index]
        if c.mandatory and off:
            raise PlanlibError(f"commitments.{c.id}.depends_on: {c.title} is a statutory duty and depends on "
                               f"{titles.get(off[0], off[0])} ({off[0]}), which is switched off: keep it on")


def candidates(plan: Plan, objective: str = DEFAULT_OBJECTIVE, envelope: Any = None, *, max_delay: int | None = None,
               samples: int | None = None, seed: int | None = None, weights: Mapping[str, float] | None = None,
               min_officers: Mapping[str, float] | None = None, min_share: Mapping[str, float] | None = None,
               reserves: Any = None, pledges_first: bool = False,
               progress: Callable[[str, int, int], None] | None = None,
               valued: dict[str, np.ndarray] | None = None) -> PlanCandidates:
    """The options of ``plan``'s enabled commitments, their costs and values (see :func:`optimise`).

    An option is a commitment started as planned or some years later; its cost by year and its
    NPV are the appraisal's for the commitment started then (:func:`~planlib.appraisal.started_later`).
    ``pledges_first`` (the ``pledges`` objective, when the pledges cannot all be kept) keeps only
    the statutory duties for certain and puts each pledge before every other commitment.
    ``valued`` is the options as valued before for the same plan and settings
    (:attr:`PlanCandidates.options`), so that the Monte Carlo is not run twice.

    >>> import planlib
    >>> pc = candidates(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500)
    >>> len(pc.problem.ids), pc.problem.n_options  # all costed to 2024/25: no later starts
    (28, 28)
    >>> int(pc.problem.statutory.sum()), int(pc.problem.mandatory.sum())  # the pledges objective keeps 5 pledges too
    (11, 16)
    """
    if objective not in OBJECTIVES:
        raise PlanlibError(f"objective: expected one of {', '.join(OBJECTIVES)}, got {objective!r}")
    samples = DEFAULT_SAMPLES if samples is None else samples
    seed = DEFAULT_SEED if seed is None else seed
    commitments = [c for c in plan.commitments if c.enabled]
    if not commitments:
        raise PlanlibError(f"nothing to optimise: {plan.name} has no commitments switched on, so there is no "
                           "portfolio to choose")
    ids = [c.id for c in commitments]
    index = {cid: i for i, cid in enumerate(ids)}
    _check_dependencies(plan, commitments, index)
    model = build_model(plan)  # its commitments are ``ids``: the enabled ones, in plan order
    env = _envelope(plan, envelope, reserves, model.costs.revenue.sum(axis=0))
    latest = _latest_delays(plan, commitments, max_delay)
    found = _weights(plan, weights)
    weight = np.array([found[cid] for cid in ids], dtype=float)

    options = valued if valued is not None else _options(model, latest, samples, seed, progress)
    owner, delay_arr, cost = options["owner"], options["delay"], options["cost"]
    pvc = options["pv_costs"]
    first = plan.period.first
    starts = [commitment_start(c) for c in commitments]
    start_index = np.array([(starts[i] - first if starts[i] is not None else 0) + d
                            for i, d in zip(owner, delay_arr)], dtype=int)
    value, secondary, value_scale = _objective_values(objective, owner, delay_arr, weight, options, len(plan.years))
    npv = options["npv_p5"] if objective == "npv_p5" else options["npv_p50"]

    depends = [(index[c.id], index[d]) for c in commitments for d in c.depends_on if d in index]
    # a commitment that depends on one the plan has switched off cannot be in
    blocked = {index[c.id] for c in commitments if any(d not in index for d in c.depends_on)}
    statutory = np.array([c.mandatory for c in commitments], dtype=bool)
    pledged = np.array([c.pledged for c in commitments], dtype=bool)
    # the pledges objective keeps the pledges as it keeps the statutory duties (a pledge that needs
    # a commitment switched off cannot be kept, and the answer says so)
    kept = statutory | (pledged & np.array([i not in blocked for i in range(len(ids))], dtype=bool)
                        if objective == "pledges" and not pledges_first else statutory)
    # pledges first: when they cannot all be kept, each pledge outweighs every other commitment
    # together, so the answer keeps as many pledges as fit and then as much of the rest as it can
    bonus = (pledged[owner] & ~statutory[owner]) * (weight.sum() + 1.0) if pledges_first else np.zeros(len(owner))
    value = value + bonus
    minimum_rows, minimum_rhs, minimum_names = _minimums(plan, commitments, owner, options["last_officers"], cost,
                                                         min_officers, min_share)
    keep = np.array([i not in blocked for i in owner], dtype=bool)
    problem = Candidates(
        ids=ids, years=[str(y) for y in plan.years], owner=owner[keep], start=start_index[keep],
        delay=delay_arr[keep], cost=cost[keep], value=value[keep],
        mandatory=kept, depends_on=depends, envelope=env,
        minimum_rows=np.array(minimum_rows).reshape(len(minimum_rhs), -1)[:, keep] if minimum_rhs
        else np.zeros((0, int(keep.sum()))),
        minimum_rhs=np.array(minimum_rhs), minimum_names=minimum_names,
        secondary=None if secondary is None else secondary[keep], value_scale=value_scale, statutory=statutory,
    )
    return PlanCandidates(problem=problem, plan=plan, objective=objective, npv=npv[keep], pv_costs=pvc[keep],
                          titles=[c.title for c in commitments], weight=weight, pledged=pledged, bonus=bonus[keep],
                          valued=np.array([bool(c.benefits) for c in commitments], dtype=bool), options=options)
