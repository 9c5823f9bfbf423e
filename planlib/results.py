"""Running a plan, with or without a scenario, and comparing scenarios.

>>> import planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> res = planlib.run(plan)
>>> res.scenario_name, sorted(res.finance["year"].unique())[:2]
('baseline', ['2021/22', '2022/23'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable

import pandas as pd

from planlib.finance import COLUMNS, mtfp
from planlib.model import Plan
from planlib.scenario import Scenario

BASELINE = "baseline"


@dataclass(frozen=True)
class Result:
    """The results of one run: the plan as run, and its tables.

    Attributes
    ----------
    plan : Plan
        The plan with the scenario applied (the baseline itself when there is no scenario).
    scenario : Scenario or None
        The scenario applied.
    finance : pandas.DataFrame
        The MTFP, long: ``scenario, year, measure, value, unit``.
    """

    plan: Plan
    scenario: Scenario | None
    finance: pd.DataFrame = field(repr=False)
    samples: int | None = None
    seed: int | None = None

    @cached_property
    def appraisal(self) -> pd.DataFrame:
        """Net benefit per commitment and in total, long: ``scenario, commitment, measure, value, unit``.

        Computed on first use (a Monte Carlo of ``samples`` draws with ``seed``; defaults in
        :mod:`planlib.uncertainty`), then kept.
        """
        from planlib.appraisal import appraise

        return appraise(self.plan, self.scenario_name, self.samples, self.seed)

    @property
    def scenario_name(self) -> str:
        """The scenario's name, or ``"baseline"``."""
        return self.scenario.name if self.scenario is not None else BASELINE

    def measure(self, name: str) -> pd.Series:
        """One finance measure by year, e.g. ``res.measure("budget_gap")``."""
        rows = self.finance[self.finance["measure"] == name]
        if rows.empty:
            raise KeyError(f"no finance measure {name!r}")
        return rows.set_index("year")["value"].rename(name)

    def wide(self) -> pd.DataFrame:
        """The finance table with measures as rows and years as columns."""
        table = self.finance.pivot(index="measure", columns="year", values="value")
        return table.reindex(self.finance["measure"].unique())


def run(plan: Plan, scenario: Scenario | None = None, *, samples: int | None = None, seed: int | None = None) -> Result:
    """Apply ``scenario`` (if any) to ``plan`` and compute its results.

    ``res.finance`` is computed at once; ``res.appraisal`` when first used, from ``samples``
    Monte Carlo draws with ``seed``. Raises :class:`~planlib.PlanError` if the scenario cannot
    be applied. The baseline plan is never changed.
    """
    applied = scenario.apply(plan) if scenario is not None else plan
    name = scenario.name if scenario is not None else BASELINE
    return Result(plan=applied, scenario=scenario, finance=mtfp(applied, scenario=name), samples=samples, seed=seed)


def compare(plan: Plan, scenarios: Iterable[Scenario]) -> pd.DataFrame:
    """The baseline and every scenario in one long DataFrame (``scenario, year, measure, value, unit``).

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> s = planlib.Scenario(name="more_grant", description="d", source="s",
    ...                      changes={"finance.police_grant": {"2024/25": 700e6}})
    >>> table = planlib.compare(plan, [s])
    >>> sorted(table["scenario"].unique())
    ['baseline', 'more_grant']
    """
    scenarios = list(scenarios)
    names = [s.name for s in scenarios]
    duplicates = sorted({n for n in names if names.count(n) > 1 or n == BASELINE})
    if duplicates:
        from planlib.errors import PlanError, Problem

        raise PlanError([Problem("<scenarios>", None, "name", f"scenario names must be unique and not {BASELINE!r}: {', '.join(duplicates)}")])
    frames = [run(plan).finance] + [run(plan, s).finance for s in scenarios]
    return pd.concat(frames, ignore_index=True)[COLUMNS]
