"""Draws from the 90% intervals of a plan's assumptions: the sampling side of the Monte Carlo.

Every assumption given as a 90% interval ("90% sure it lies between low and high") is sampled:
lognormally when both ends are positive and no distribution is named, normally otherwise
(the interval's ends are its 5th and 95th percentiles); ``uniform`` and ``triangular`` take the
ends as bounds. One assumption used by several commitments is one row of :func:`draw`, drawn
once per sample, so their results move together.

Draws are an array axis, never a Python loop over samples. Pass a seed or a
:class:`numpy.random.Generator`; the same seed gives the same draws. The appraisal evaluates
the draws (:func:`planlib.appraisal.simulate`, in chunks of :data:`CHUNK`, keeping shares
between 0 and 1); this module knows nothing of it.

>>> import numpy as np
>>> from planlib.model import Assumption
>>> a = Assumption(low=10, high=40, unit="crimes", source="s", confidence=5, status="illustrative")
>>> x = sample(a, 200_000, np.random.default_rng(1))
>>> [round(float(q)) for q in np.quantile(x, [0.05, 0.95])]
[10, 40]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

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


def draw(names: Sequence[str], central: np.ndarray, assumptions: Mapping[str, Assumption], n: int,
         rng: np.random.Generator) -> np.ndarray:
    """Values of several inputs for ``n`` samples: one row per name, one column per sample.

    A row whose name is in ``assumptions`` as an interval is drawn; the others keep their
    ``central`` value. The normal and lognormal inputs (nearly all) share one call for standard
    normal draws, so the cost is one pass over the array rather than one call per assumption.

    >>> from planlib.model import Assumption
    >>> a = Assumption(low=10, high=40, unit="crimes", source="s", confidence=5, status="illustrative")
    >>> values = draw(["fixed", "a"], np.array([1.0, 20.0]), {"a": a}, 1_000, np.random.default_rng(1))
    >>> values.shape, bool((values[0] == 1.0).all()), bool(values[1].std() > 0)
    ((2, 1000), True, True)
    """
    values = np.repeat(np.asarray(central, dtype=float)[:, None], n, axis=1)
    gaussian: list[tuple[int, float, float, bool]] = []   # row, centre, spread, lognormal?
    for row, name in enumerate(names):
        assumption = assumptions.get(name)
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
    return values
