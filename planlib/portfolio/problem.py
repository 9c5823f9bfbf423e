"""A portfolio problem as arrays: its options, their costs and values, the rules, and why none fits.

>>> c = Candidates(ids=["A", "B"], years=["2021/22"], owner=np.arange(2), start=np.zeros(2, int),
...                delay=np.zeros(2, int), cost=np.array([[5e6], [5e6]]), value=np.array([6e6, 3e6]),
...                mandatory=np.array([True, False]), depends_on=[], envelope=np.array([4e6]))
>>> str(infeasible(c))
'no affordable portfolio: the mandatory commitments alone exceed the envelope in 2021/22: they cost £5.0m against an envelope of £4.0m, £1.0m too much'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from planlib.errors import PortfolioInfeasible
from planlib.formats import money

OBJECTIVES = ("pledges", "cost_effectiveness", "npv_p50", "npv_p5", "weighted")
"""What the optimiser can maximise (see :mod:`planlib.portfolio`)."""

DEFAULT_OBJECTIVE = "pledges"
"""Deliver the plan: statutory duties and pledges kept, the rest by priority weight within the money."""

WEIGHT_OBJECTIVES = ("pledges", "cost_effectiveness")
"""Objectives whose value is priority weight (a count of commitments, each counting its objective's
weight), not pounds: they do not need benefits to be valued."""

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

TRADE_OFF_LIMIT = 40
"""The most commitments left out for which the answer works out what keeping each would take
(one more search each): those nearest to being chosen. A plan's few dozen are all worked out;
for thousands, one search each would take hours, and no reader weighs thousands of reasons."""

BRUTE_FORCE_LIMIT = 5_000_000
"""The most portfolios :func:`brute_force` will enumerate."""


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
    secondary: np.ndarray | None = None
    """Per option, GBP: among portfolios of the same ``value``, the one with the most of this wins
    (the money spent on the plan, say). None: no second aim."""
    value_scale: float = SCALE
    """What one unit of ``value`` is divided by when solved: SCALE for pounds, 1 for priority weights."""
    statutory: np.ndarray | None = None
    """Per commitment: which of the ``mandatory`` ones are statutory duties (the others are pledges
    kept by the objective). None: every mandatory commitment is statutory."""
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    """What is worked out once per problem (each commitment's options, the rules' matrix); a copy
    made with :func:`dataclasses.replace` starts with none, :meth:`with_envelope` keeps them."""

    @property
    def n_options(self) -> int:
        return len(self.owner)

    @property
    def options_of(self) -> list[np.ndarray]:
        """Per commitment: the indices of its options, in order (found once, not per commitment)."""
        if "options_of" not in self.cache:
            order = np.argsort(self.owner, kind="stable")
            bounds = np.searchsorted(self.owner[order], np.arange(len(self.ids) + 1))
            self.cache["options_of"] = [order[bounds[i]:bounds[i + 1]] for i in range(len(self.ids))]
        return self.cache["options_of"]

    @property
    def needs(self) -> dict[int, list[int]]:
        """Per commitment that depends on others: the commitments it needs."""
        if "needs" not in self.cache:
            found: dict[int, list[int]] = {}
            for a, b in self.depends_on:
                found.setdefault(a, []).append(b)
            self.cache["needs"] = found
        return self.cache["needs"]

    def with_envelope(self, envelope: np.ndarray) -> Candidates:
        """The same problem with another envelope (the rules' matrix, which does not hold the
        envelope, is kept if it was built)."""
        other = dataclasses.replace(self, envelope=np.asarray(envelope, dtype=float))
        other.cache.update(self.cache)
        return other


@dataclass(frozen=True)
class Solution:
    """Which options are chosen (``chosen``: a 0/1 array over options) and the objective's value."""

    chosen: np.ndarray
    value: float
    gap: float = 0.0
    """The relative gap HiGHS proved between this value and the best possible (0: the optimum)."""


def forced_in(c: Candidates) -> np.ndarray:
    """Commitments that must be in: the mandatory ones and everything they depend on."""
    forced = c.mandatory.copy()
    todo = list(np.flatnonzero(forced))
    while todo:
        for b in c.needs.get(int(todo.pop()), []):
            if not forced[b]:
                forced[b] = True
                todo.append(b)
    return forced


def _over(c: Candidates, forced: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """What the ``forced`` commitments cost at least, year by year, how far over the envelope,
    and the years in which they exceed it."""
    # the cheapest option of each forced commitment, year by year (a lower bound on its cost)
    least = np.zeros(len(c.years))
    for i in np.flatnonzero(forced):
        if len(c.options_of[i]):
            least += c.cost[c.options_of[i]].min(axis=0)
    over = least - c.envelope
    return least, over, [k for k in range(len(c.years)) if over[k] > 1e-6 * SCALE]


def infeasible(c: Candidates) -> PortfolioInfeasible:
    """Why no portfolio fits: the years in which what must be in already costs too much (the
    statutory duties alone, if they do; else with the pledges an objective keeps)."""
    statutory = c.mandatory if c.statutory is None else c.statutory & c.mandatory
    for kept, what in ((statutory, "the mandatory commitments"),
                       (c.mandatory, "the statutory duties and the pledges")):
        forced = forced_in(dataclasses.replace(c, mandatory=kept))
        least, over, years = _over(c, forced)
        if years:
            parts = [f"{c.years[k]}: they cost {money(least[k])} against an envelope of {money(c.envelope[k])}, "
                     f"{money(over[k])} too much" for k in years]
            what += " and those they depend on" if (forced & ~kept).any() else ""
            return PortfolioInfeasible(f"no affordable portfolio: {what} alone exceed the envelope in "
                                       + "; ".join(parts), {c.years[k]: float(over[k]) for k in years})
    rules = ", ".join(c.minimum_names) or "the dependencies"
    return PortfolioInfeasible(f"no affordable portfolio meets every rule: {rules} cannot all be met within the envelope")
