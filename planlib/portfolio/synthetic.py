"""Random portfolio problems of any size, and plans of any number of commitments, for benchmarks
and tests (their figures are synthetic).

>>> c = synthetic(5, seed=1, max_delay=0)
>>> len(c.ids), c.n_options
(5, 5)
"""

from __future__ import annotations

import numpy as np

from planlib.model import Plan
from planlib.portfolio.problem import Candidates
from planlib.types import FinancialYear


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


def synthetic_plan(plan: Plan, n: int) -> Plan:
    """``plan`` with ``n`` commitments, made by copying its own (for scale benchmarks and tests;
    the copies are synthetic): copy ``k`` of a commitment is ``<id>_<k>``, titled "<title> (copy
    k)", and depends on copy ``k`` of what the original depends on, and every copy's cost lines
    are divided by the number of copies, so that the plan costs about what it did and the same
    rules bind. Grants, which name commitments, are dropped.

    >>> import planlib
    >>> big = synthetic_plan(planlib.load_plan(planlib.DEFAULT_PLAN), 100)
    >>> len(big.commitments), big.commitments[-1].id.endswith("_3")
    (100, True)
    """
    base = list(plan.commitments)
    copies = -(-n // len(base))
    scaled = ("non_pay_gbp", "capital_gbp", "officer_fte", "staff_fte")
    found = []
    for k in range(copies):
        for c in base[:n - len(found)]:
            name = (lambda cid: cid) if k == 0 else (lambda cid, k=k: f"{cid}_{k}")
            costs = tuple(line.model_copy(update={f: getattr(line, f) / copies for f in scaled}) for line in c.costs)
            found.append(c.model_copy(update={"id": name(c.id), "costs": costs,
                                              "title": c.title if k == 0 else f"{c.title} (copy {k})",
                                              "depends_on": tuple(name(d) for d in c.depends_on)}))
    kept = {c.id for c in found}
    found = [c.model_copy(update={"depends_on": tuple(d for d in c.depends_on if d in kept)}) for c in found]
    return plan.model_copy(update={"commitments": tuple(found), "grants": ()})
