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

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Simulation:
    """Monte Carlo results: the NPV of every commitment (rows) in every sample (columns).

    Costs carry no interval, so a commitment's PV of benefits in a sample is its NPV plus its
    (fixed) PV of costs; only the NPV array is kept, to bound memory.
    """

    commitments: list[str]
    npv: np.ndarray
    pv_costs: np.ndarray

    def summary(self) -> dict[str, np.ndarray]:
        """Per commitment, then the total (last): npv_p5, npv_p50, npv_p95, prob_npv_positive, bcr_p50.

        ``bcr_p50`` is the median BCR: the median PV of benefits over the PV of costs.
        """
        total = self.npv.sum(axis=0)
        rows = [*self.npv, total]
        pvc = np.append(self.pv_costs, self.pv_costs.sum())
        quantiles = np.array([np.quantile(r, [0.05, 0.5, 0.95]) for r in rows])
        positive = np.array([(r > 0).mean() for r in rows])
        with np.errstate(divide="ignore", invalid="ignore"):
            bcr_p50 = np.where(pvc > 0, (quantiles[:, 1] + pvc) / np.where(pvc > 0, pvc, 1.0), np.nan)
        return {"npv_p5": quantiles[:, 0], "npv_p50": quantiles[:, 1], "npv_p95": quantiles[:, 2],
                "prob_npv_positive": positive, "bcr_p50": bcr_p50}


def simulate(model: AppraisalModel, samples: int = DEFAULT_SAMPLES,
             seed: int | np.random.Generator | None = DEFAULT_SEED, chunk: int = CHUNK) -> Simulation:
    """Draw ``samples`` sets of inputs and evaluate every commitment for each.

    Chunks draw in turn from one generator: the same seed and chunk size give identical results.
    """
    if samples < 1:
        raise ValueError("samples must be at least 1")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    n_c = len(model.commitments)
    owner = np.zeros((n_c, len(model.line_commitment)))                     # commitment x line: 1 if its line
    owner[model.line_commitment, np.arange(len(model.line_commitment))] = 1.0
    npv = np.empty((n_c, samples))
    for start in range(0, samples, chunk):
        n = min(chunk, samples - start)
        lines = line_pv_benefits(model, draw_inputs(model, n, rng))       # lines x n
        npv[:, start:start + n] = owner @ lines - model.pv_costs[:, None]
    return Simulation(commitments=list(model.commitments), npv=npv, pv_costs=model.pv_costs)
