"""The Monte Carlo of the appraisal: every commitment's NPV in every draw of the assumptions.

The draws come from :mod:`planlib.uncertainty`; this module evaluates them with the kernel, in
chunks so that memory stays bounded: only the per-commitment NPV of every sample is kept.

>>> import planlib
>>> from planlib.appraisal import build_model
>>> model = build_model(planlib.load_plan(planlib.DEFAULT_PLAN))
>>> sim = simulate(model, 1_000, seed=1)
>>> sim.npv.shape == (len(model.commitments), 1_000)
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from planlib.appraisal.kernel import AppraisalModel, clip_shares, line_pv_benefits
from planlib.uncertainty import CHUNK, DEFAULT_SAMPLES, DEFAULT_SEED, draw

def draw_inputs(model: AppraisalModel, n: int, rng: np.random.Generator) -> np.ndarray:
    """Input values for ``n`` samples: one row per model input, one column per sample.

    Shares (value share, deadweight, attribution, displacement, drop-off) are kept between 0
    and 1 (:func:`~planlib.appraisal.kernel.clip_shares`).

    >>> import planlib
    >>> from planlib.appraisal import build_model
    >>> model = build_model(planlib.load_plan(planlib.DEFAULT_PLAN))
    >>> draw_inputs(model, 10, np.random.default_rng(0)).shape == (len(model.inputs), 10)
    True
    """
    return clip_shares(model, draw(model.inputs, model.central, model.assumptions, n, rng))


KEPT_DRAWS = 30_000_000
"""The most NPV draws (commitments x samples) held at once, 240 MB (a million draws of a plan's
thirty commitments): a larger plan is simulated a block of commitments at a time, each block
drawing the same inputs again from the same generator state, so its figures are the same as in
one pass and memory stays bounded."""

LINE_BLOCK = 128
"""Benefit lines evaluated at a time (a few arrays of lines x samples: some tens of MB)."""


@dataclass(frozen=True)
class Simulation:
    """Monte Carlo results: the NPV of every commitment (rows) in every sample (columns).

    Costs carry no interval, so a commitment's PV of benefits in a sample is its NPV plus its
    (fixed) PV of costs. ``npv`` is kept only while it is small (:data:`KEPT_DRAWS`; None beyond):
    the summary and the draws of the groups asked for (``group_draws``: the sum of their NPVs in
    each sample) are worked out as the draws are made.
    """

    commitments: list[str]
    npv: np.ndarray | None
    pv_costs: np.ndarray
    stats: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    group_draws: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def summary(self) -> dict[str, np.ndarray]:
        """Per commitment, then the total (last): npv_p5, npv_p50, npv_p95, prob_npv_positive, bcr_p50.

        ``bcr_p50`` is the median BCR: the median PV of benefits over the PV of costs.
        """
        return {name: values.copy() for name, values in self.stats.items()}


def _stats(npv: np.ndarray, pv_costs: np.ndarray) -> dict[str, np.ndarray]:
    """The summary's measures for each row of ``npv`` (draws in columns)."""
    if not len(npv):
        return {name: np.zeros(0) for name in ("npv_p5", "npv_p50", "npv_p95", "prob_npv_positive", "bcr_p50")}
    # a few hundred rows at a time: np.quantile sorts a copy of what it is given
    quantiles = np.vstack([np.quantile(npv[k:k + 256], [0.05, 0.5, 0.95], axis=1).T for k in range(0, len(npv), 256)])
    positive = (npv > 0).mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        bcr_p50 = np.where(pv_costs > 0, (quantiles[:, 1] + pv_costs) / np.where(pv_costs > 0, pv_costs, 1.0), np.nan)
    return {"npv_p5": quantiles[:, 0], "npv_p50": quantiles[:, 1], "npv_p95": quantiles[:, 2],
            "prob_npv_positive": positive, "bcr_p50": bcr_p50}


def _block_npv(model: AppraisalModel, first: int, last: int, samples: int, rng: np.random.Generator,
               chunk: int, tell: Callable[[int], None]) -> np.ndarray:
    """NPV draws of commitments ``first`` to ``last - 1``: every input drawn chunk by chunk as one
    pass over all commitments would draw them, only these commitments' lines evaluated."""
    owner = model.line_commitment
    lines = np.flatnonzero((owner >= first) & (owner < last))
    lines = lines[np.argsort(owner[lines], kind="stable")]      # by commitment, each one's lines in order
    starts = np.searchsorted(owner[lines], owner[lines])        # where each line's commitment begins
    rank = np.arange(len(lines)) - starts                        # 0 for a commitment's first line, 1 for its second...
    npv = np.zeros((last - first, samples))
    for start in range(0, samples, chunk):
        n = min(chunk, samples - start)
        values = draw_inputs(model, n, rng)
        for k in range(0, len(lines), LINE_BLOCK):
            some = lines[k:k + LINE_BLOCK]
            pv = line_pv_benefits(model, values, some)                     # lines x n
            # each commitment's lines added one at a time, in order: the same sums whatever the blocks
            for r in np.unique(rank[k:k + LINE_BLOCK]):
                at = rank[k:k + LINE_BLOCK] == r
                npv[owner[some[at]] - first, start:start + n] += pv[at]
            tell(len(some) * n)
    npv -= model.pv_costs[first:last, None]
    return npv


def simulate(model: AppraisalModel, samples: int = DEFAULT_SAMPLES,
             seed: int | np.random.Generator | None = DEFAULT_SEED, chunk: int = CHUNK,
             groups: Mapping[str, np.ndarray] | None = None,
             progress: Callable[[str, int, int], None] | None = None) -> Simulation:
    """Draw ``samples`` sets of inputs and evaluate every commitment for each.

    Chunks draw in turn from one generator: the same seed and chunk size give identical results.
    ``groups`` (name -> a boolean per commitment) asks for the sum of some commitments' NPVs in
    each sample (``Simulation.group_draws``). ``progress(step, done, total)``, if given, is told
    as each block of benefit lines is evaluated.
    """
    if samples < 1:
        raise ValueError("samples must be at least 1")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    n_c = len(model.commitments)
    block = max(1, KEPT_DRAWS // samples)
    state = rng.bit_generator.state
    masks = {name: np.asarray(mask, dtype=bool) for name, mask in (groups or {}).items()}
    sums = {name: np.zeros(samples) for name in ["(total)", *masks]}
    parts: list[dict[str, np.ndarray]] = []
    kept = None
    done = [0]

    def tell(work: int) -> None:
        done[0] += work
        if progress is not None:
            progress("the Monte Carlo", done[0], len(model.line_commitment) * samples)

    for first in range(0, n_c, block):
        rng.bit_generator.state = state            # every block sees the same draws
        last = min(n_c, first + block)
        npv = _block_npv(model, first, last, samples, rng, chunk, tell)
        for row in range(last - first):           # row by row, in order: the sums of one pass
            sums["(total)"] += npv[row]
            for name, mask in masks.items():
                if mask[first + row]:
                    sums[name] += npv[row]
        parts.append(_stats(npv, model.pv_costs[first:last]))
        kept = npv if n_c <= block else None
    if n_c == 0:
        kept = np.zeros((0, samples))
        for start in range(0, samples, chunk):  # the generator moves on as it would
            draw_inputs(model, min(chunk, samples - start), rng)
    total = _stats(sums["(total)"][None, :], np.array([model.pv_costs.sum()]))
    stats = {name: np.concatenate([*(p[name] for p in parts), total[name]]) for name in total}
    return Simulation(commitments=list(model.commitments), npv=kept, pv_costs=model.pv_costs, stats=stats,
                      group_draws={name: sums[name] for name in masks})
