"""Monte Carlo over the 90% intervals of a plan's assumptions.

Every assumption given as a 90% interval ("90% sure it lies between low and high") is sampled:
lognormally when both ends are positive and no distribution is named, normally otherwise
(the interval's ends are its 5th and 95th percentiles); ``uniform`` and ``triangular`` take the
ends as bounds. Shares (deadweight, attribution...) are kept between 0 and 1. One assumption
used by several commitments is drawn once per sample, so their results move together.

Draws are an array axis, never a Python loop over samples, and are made in chunks so that
memory stays bounded: only the per-commitment NPV and BCR of every sample are kept. Pass a
seed or a :class:`numpy.random.Generator`; the same seed gives the same draws.

>>> import numpy as np
>>> from planlib.model import Assumption
>>> a = Assumption(low=10, high=40, unit="crimes", source="s", confidence=5, status="illustrative")
>>> x = sample(a, 200_000, np.random.default_rng(1))
>>> [round(float(q)) for q in np.quantile(x, [0.05, 0.95])]
[10, 40]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planlib.appraisal import AppraisalModel, clip_shares, line_pv_benefits
from planlib.model import Assumption

Z90 = 1.6448536269514722
"""The standard normal's 95th percentile: a 90% interval spans +/- Z90 standard deviations."""

DEFAULT_SEED = 20211122
"""The seed used when none is given (planlib appraise --seed; documented in the README)."""

DEFAULT_SAMPLES = 10_000
CHUNK = 20_000
"""Samples drawn at a time: memory is a few MB a chunk, whatever the number of samples."""


def sample(assumption: Assumption, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` draws of ``assumption`` (its value repeated when it is a point, not an interval)."""
    if not assumption.is_interval:
        return np.full(n, assumption.central)
    low, high = float(assumption.low), float(assumption.high)  # type: ignore[arg-type]
    kind = assumption.distribution or ("lognormal" if low > 0 else "normal")
    if low == high:
        return np.full(n, low)
    if kind == "lognormal":
        if low <= 0:
            raise ValueError(f"a lognormal interval needs positive ends (got {low:g} to {high:g})")
        mu, sigma = (np.log(low) + np.log(high)) / 2, (np.log(high) - np.log(low)) / (2 * Z90)
        return rng.lognormal(mu, sigma, n)
    if kind == "normal":
        return rng.normal((low + high) / 2, (high - low) / (2 * Z90), n)
    if kind == "uniform":
        return rng.uniform(low, high, n)
    mode = assumption.value if assumption.value is not None else (low + high) / 2
    return rng.triangular(low, mode, high, n)


def _kind(assumption: Assumption) -> str:
    low = float(assumption.low)  # type: ignore[arg-type]
    if assumption.low == assumption.high:
        return "point"
    return assumption.distribution or ("lognormal" if low > 0 else "normal")


def draw_inputs(model: AppraisalModel, n: int, rng: np.random.Generator) -> np.ndarray:
    """Input values for ``n`` samples: one row per model input, one column per sample.

    The normal and lognormal inputs (nearly all) share one call for standard normal draws, so
    the cost is one pass over the array rather than one call per assumption.
    """
    values = np.repeat(model.central[:, None], n, axis=1)
    gaussian: list[tuple[int, float, float, bool]] = []   # row, centre, spread, lognormal?
    for row, name in enumerate(model.inputs):
        assumption = model.assumptions.get(name)
        if assumption is None or not assumption.is_interval:
            continue
        low, high = float(assumption.low), float(assumption.high)  # type: ignore[arg-type]
        kind = _kind(assumption)
        if kind == "lognormal":
            if low <= 0:
                raise ValueError(f"{name}: a lognormal interval needs positive ends (got {low:g} to {high:g})")
            gaussian.append((row, (np.log(low) + np.log(high)) / 2, (np.log(high) - np.log(low)) / (2 * Z90), True))
        elif kind == "normal":
            gaussian.append((row, (low + high) / 2, (high - low) / (2 * Z90), False))
        elif kind == "point":
            values[row] = low
        else:
            values[row] = sample(assumption, n, rng)
    if gaussian:
        rows = np.array([g[0] for g in gaussian])
        centre = np.array([g[1] for g in gaussian])[:, None]
        spread = np.array([g[2] for g in gaussian])[:, None]
        draws = centre + spread * rng.standard_normal((len(gaussian), n))
        lognormal = np.array([g[3] for g in gaussian])
        draws[lognormal] = np.exp(draws[lognormal])
        values[rows] = draws
    return clip_shares(model, values)


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
