"""The Monte Carlo appraisal: planlib against a bare numpy kernel (the floor) and squigglepy.

The issue's target: 100,000 draws for every commitment of the example plan over a 10-year
horizon. Goals: within 3x of the floor; faster than squigglepy.

- **planlib**: ``appraisal.simulate(model, 100_000, seed)`` on a model built beforehand.
- **numpy floor**: the same distributions for the same assumptions (every 90% interval a
  lognormal or a normal, shares clipped to 0..1), then each benefit line's yearly value, its
  time profile and discounting, summed by commitment, less the PV of costs; vectorised, 20,000
  draws at a time as in planlib (all 100,000 at once is slower: the arrays outgrow the cache).
  Its inputs are plain arrays read here from the plan's records, not planlib's
  ``AppraisalModel``, so that agreeing with planlib also checks planlib's model. The time
  profile is computed as anyone writing it by hand would: a line's discounted profile is the
  sum of the factors of its full-effect years plus a drop-off tail ``sum_j f[end + j] r^j``
  that depends only on the drop-off rate ``r``, summed year by year with multiplications.
- **squigglepy**: each assumption a squigglepy distribution (``sq.lognorm(low, high)`` and
  ``sq.norm(low, high)`` take the same 90% interval; shares with ``lclip=0, rclip=1``), each
  sampled once with ``sq.sample(dist, n=100_000)``, so that an assumption shared by several
  lines is one draw as in planlib; then the floor's arithmetic, in the same chunks. (Combining
  distributions with squigglepy's own ``*`` would redraw a shared assumption at each use, a
  different model; a model function sampled with ``sq.sample(fn, n)`` runs Python once a draw.)

Costs carry no interval in planlib, so all three subtract the same PV of costs. Before timing,
the three must agree (:func:`check_agreement`): the floor's arithmetic with planlib's central
results to 1e-9, and the Monte Carlo's 5th, 50th and 95th percentiles within sampling error.
Scale: ``appraise`` on 3,000 and 10,000 commitments generated from the example beside 1,000, with
the peak memory of each (:func:`scale_cases`).

Run with ``make bench`` or ``python -m benchmarks bench_appraisal``.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import planlib
from benchmarks.harness import Case
from planlib import appraisal, uncertainty
from planlib.model import Plan

SAMPLES = 100_000
SEED = uncertainty.DEFAULT_SEED
FIELDS = ("volume", "unit_value", "value_share", "deadweight", "attribution", "displacement", "drop_off")
CHUNK = uncertainty.CHUNK
"""The floor works in planlib's chunks: the same memory, and faster than 100,000 columns at once."""


@dataclass(frozen=True)
class Kernel:
    """The example plan's benefit model as bare arrays (rows: drawn inputs first, then fixed)."""

    commitments: list[str]
    names: list[str]
    mu: np.ndarray              # per drawn row: mean (of the log, for a lognormal)
    sd: np.ndarray              # per drawn row: standard deviation (of the log, for a lognormal)
    lognormal: np.ndarray       # per drawn row: True for a lognormal
    low: np.ndarray             # per drawn row: the interval, for squigglepy
    high: np.ndarray
    central: np.ndarray         # per drawn row: the central value (to check the arithmetic)
    fixed: np.ndarray           # values of the fixed rows
    shares: np.ndarray          # rows kept within 0..1
    line_rows: np.ndarray       # lines x 7: row of each factor
    line_adjust: np.ndarray     # per line: 1 - optimism bias of its volume's grade
    line_full: np.ndarray       # per line: sum of the discount factors of its full-effect years
    drop_rows: np.ndarray       # distinct drop-off rows
    line_drop: np.ndarray       # per line: index into drop_rows
    tail_factors: np.ndarray    # discount factors of the years after the plan, from the first
    incidence: np.ndarray       # commitments x lines: 1 where the line belongs to the commitment
    pv_costs: np.ndarray        # per commitment (fixed)


def kernel(plan: Plan) -> Kernel:
    """Read the plan's records into a :class:`Kernel` (the set-up, not timed)."""
    settings = plan.appraisal
    factors = appraisal.discount_factors(settings.horizon_years, settings.discount_schedule)
    deflator = settings.deflator_rate.central
    bias = settings.optimism_bias.values
    first, end = plan.period.first, plan.period.last - plan.period.first
    register = {a.id: a for a in plan.assumptions if a.id is not None}
    unit_costs = {u.crime_type: u for u in plan.unit_costs}
    commitments = [c for c in plan.commitments if c.enabled]

    drawn: dict[str, int] = {}
    fixed: dict[str, float] = {"(one)": 1.0}
    keyed: list[tuple[int, list[str]]] = []  # per line: commitment index, the key of each factor
    for ci, c in enumerate(commitments):
        for b in c.benefits:
            keys = []
            for name in FIELDS:
                ref = getattr(b, name)
                if name == "unit_value" and b.crime_type is not None:
                    u = unit_costs[b.crime_type]
                    key = f"unit_cost:{b.crime_type}"
                    fixed[key] = u.unit_cost_gbp * (1 + deflator) ** (first - u.price_year)
                elif ref is None:
                    key = "(one)"
                elif register[ref].is_interval:
                    key = ref
                    drawn.setdefault(ref, len(drawn))
                else:
                    key = ref
                    fixed[ref] = register[ref].central
                keys.append(key)
            keyed.append((ci, keys))

    names = list(drawn) + list(fixed)
    row = {name: i for i, name in enumerate(names)}
    low = np.array([float(register[n].low) for n in drawn])
    high = np.array([float(register[n].high) for n in drawn])
    kinds = [register[n].distribution or ("lognormal" if register[n].low > 0 else "normal") for n in drawn]
    if set(kinds) - {"lognormal", "normal"}:
        raise NotImplementedError(f"the floor draws lognormals and normals only, not {set(kinds)}")
    lognormal = np.array([k == "lognormal" for k in kinds], dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        mu = np.where(lognormal, (np.log(low) + np.log(high)) / 2, (low + high) / 2)
        sd = np.where(lognormal, (np.log(high) - np.log(low)), high - low) / (2 * uncertainty.Z90)

    line_rows = np.array([[row[k] for k in keys] for _, keys in keyed], dtype=int)
    shares = np.unique(line_rows[:, 2:])
    t = np.arange(settings.horizon_years)
    line_full = np.empty(len(keyed))
    line_adjust = np.empty(len(keyed))
    lines = [b for c in commitments for b in c.benefits]
    for k, b in enumerate(lines):
        start = (b.start_year - first) if b.start_year is not None else 0
        line_full[k] = factors[(t >= start) & (t <= end)].sum()
        line_adjust[k] = 1 - bias[register[b.volume].confidence]
    drop_rows, line_drop = np.unique(line_rows[:, FIELDS.index("drop_off")], return_inverse=True)
    incidence = np.zeros((len(commitments), len(keyed)))
    incidence[[ci for ci, _ in keyed], np.arange(len(keyed))] = 1.0
    pv_costs = appraisal.build_model(plan).pv_costs  # costs are fixed: not part of the Monte Carlo
    return Kernel(
        commitments=[c.id for c in commitments], names=names, mu=mu, sd=sd, lognormal=lognormal,
        low=low, high=high, central=np.array([register[n].central for n in drawn]),
        fixed=np.array(list(fixed.values())), shares=shares, line_rows=line_rows,
        line_adjust=line_adjust, line_full=line_full, drop_rows=drop_rows, line_drop=line_drop,
        tail_factors=factors[end + 1:], incidence=incidence, pv_costs=pv_costs,
    )


def npv_by_commitment(k: Kernel, values: np.ndarray) -> np.ndarray:
    """Commitments x samples NPV from input values (rows of ``k.names`` x samples); clips in place."""
    values[k.shares] = np.clip(values[k.shares], 0.0, 1.0)
    volume, unit, share, dw, attr, disp, _ = (values[k.line_rows[:, j]] for j in range(len(FIELDS)))
    yearly = volume * unit * share * (1 - dw) * attr * (1 - disp) * k.line_adjust[:, None]
    # after the plan, a line's effect falls by its drop-off rate r each year: sum_j f[end + j] r^j
    kept = 1 - values[k.drop_rows]                                           # drop rows x samples
    tail = np.zeros_like(kept)
    power = kept.copy()
    for factor in k.tail_factors:
        tail += factor * power
        power *= kept
    pv_lines = yearly * (k.line_full[:, None] + tail[k.line_drop])
    return k.incidence @ pv_lines - k.pv_costs[:, None]


def numpy_floor(k: Kernel, n: int = SAMPLES, seed: int = SEED, chunk: int = CHUNK) -> np.ndarray:
    """Draw ``n`` samples of every interval, a chunk at a time, and evaluate every commitment."""
    rng = np.random.default_rng(seed)
    npv = np.empty((len(k.commitments), n))
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        drawn = k.mu[:, None] + k.sd[:, None] * rng.standard_normal((len(k.mu), size))
        drawn[k.lognormal] = np.exp(drawn[k.lognormal])
        values = np.concatenate([drawn, np.repeat(k.fixed[:, None], size, axis=1)])
        npv[:, start:start + size] = npv_by_commitment(k, values)
    return npv


def squiggle_model(k: Kernel) -> list[object]:
    """One squigglepy distribution per drawn row (the set-up, not timed)."""
    import squigglepy as sq

    share_rows = set(k.shares.tolist())
    dists = []
    for i in range(len(k.mu)):
        clip = {"lclip": 0.0, "rclip": 1.0} if i in share_rows else {}
        if k.lognormal[i]:
            dists.append(sq.lognorm(float(k.low[i]), float(k.high[i]), **clip))
        else:
            dists.append(sq.norm(float(k.low[i]), float(k.high[i]), **clip))
    return dists


def squigglepy_run(k: Kernel, dists: list[object], n: int = SAMPLES, seed: int = SEED,
                   chunk: int = CHUNK) -> np.ndarray:
    """Sample every distribution with squigglepy, then the floor's arithmetic (in the same chunks)."""
    import squigglepy as sq

    sq.set_seed(seed)
    drawn = np.array([sq.sample(d, n=n) for d in dists])
    npv = np.empty((len(k.commitments), n))
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        values = np.concatenate([drawn[:, start:start + size], np.repeat(k.fixed[:, None], size, axis=1)])
        npv[:, start:start + size] = npv_by_commitment(k, values)
    return npv


def check_agreement(plan: Plan, k: Kernel, dists: list[object] | None) -> dict[str, float]:
    """Raise AssertionError unless planlib, the floor and squigglepy (if given) compute the same model.

    Returns the median total NPV of each, in pounds.
    """
    model = appraisal.build_model(plan)
    assert k.commitments == model.commitments
    # the same arithmetic: the same central results
    central = np.concatenate([k.central, k.fixed])
    np.testing.assert_allclose(npv_by_commitment(k, central[:, None])[:, 0],
                               appraisal.deterministic(model)["npv"].to_numpy(), rtol=1e-9, atol=1e-3)
    # the same distributions: medians agree within sampling error
    runs = {
        "planlib": appraisal.simulate(model, SAMPLES, SEED).npv,
        "numpy floor": numpy_floor(k),
    }
    if dists is not None:
        runs["squigglepy"] = squigglepy_run(k, dists)
    medians = {name: float(np.median(npv.sum(axis=0))) for name, npv in runs.items()}
    scale = k.pv_costs[:, None]
    for name, npv in runs.items():
        assert abs(medians[name] / medians["planlib"] - 1) < 0.02, (name, medians)
        # per commitment, as a share of its PV of costs (its NPV may be near zero); the tails of
        # the heavy-tailed lines move by about 1% between seeds, the medians by a tenth of that
        for q, tolerance in ((0.05, 0.03), (0.5, 0.01), (0.95, 0.03)):
            ours = np.quantile(runs["planlib"], q, axis=1)
            theirs = np.quantile(npv, q, axis=1)
            assert np.all(np.abs(theirs - ours) <= tolerance * scale[:, 0]), (name, q)
    return medians


def cases() -> list[Case]:
    plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    model = appraisal.build_model(plan)
    k = kernel(plan)
    assert plan.appraisal.horizon_years == 10
    try:
        dists = squiggle_model(k)
    except ImportError:
        print("bench_appraisal: squigglepy is not installed (pip install -e '.[bench]'); skipping that case")
        dists = None
    check_agreement(plan, k, dists)
    subject = "simulate(model, 100_000 draws)"
    # a run takes a few hundred ms: a longer budget than the default gives a steadier median
    rows = [Case(subject, lambda: appraisal.simulate(model, SAMPLES, SEED),
                 "bare numpy kernel (the floor)", lambda: numpy_floor(k), goal="within 3x of the floor",
                 budget_s=3.0)]
    if dists is not None:
        rows.append(Case(subject, lambda: appraisal.simulate(model, SAMPLES, SEED),
                         "squigglepy, same model", lambda: squigglepy_run(k, dists), goal="under 1x (faster)",
                         budget_s=3.0))
    return rows + scale_cases(plan)


SCALE = (1_000, 3_000, 10_000)
"""Plans of this many commitments, generated from the example (:func:`planlib.portfolio.synthetic_plan`)."""


def peak_mb(fn: Callable[[], object]) -> float:
    """The most memory (MB) Python's allocations held during ``fn()``, as tracemalloc counts it
    (numpy's arrays included)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def scale_cases(plan: Plan) -> list[Case]:
    """``appraise`` (the cases the command prints, 10,000 draws) on 3,000 and 10,000 generated
    commitments beside 1,000: near-linear growth is a ratio near 3 and 10. The issue: 10,000 needed
    1.9 GB. Each name carries the peak memory of one run, measured before the timing."""
    from planlib.portfolio import synthetic_plan

    plans = {n: synthetic_plan(plan, n) for n in SCALE}
    run = {n: (lambda p=plans[n]: appraisal.appraisal_cases(p)) for n in SCALE}
    peak = {n: peak_mb(run[n]) for n in SCALE}
    small = SCALE[0]
    return [Case(f"appraise: {n:,} generated commitments (peak {peak[n]:,.0f} MB)", run[n],
                 f"appraise: {small:,} (peak {peak[small]:,.0f} MB)", run[small],
                 goal=f"near-linear: about {n // small}x, memory bounded", min_runs=1, budget_s=0.0)
            for n in SCALE[1:]]
