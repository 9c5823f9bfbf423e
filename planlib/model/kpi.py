"""Key performance indicators: how the Chief Constable's performance is measured (s.7(1)(e)).

A :class:`Kpi` runs from a baseline to a target in the direction it names; :class:`KpiActual`
records what was observed.

>>> k = Kpi(id="K1", title="Burglary", unit="crimes", direction="down",
...         baseline={"value": 100, "period": "2020/21"}, target={"value": 80, "by": "2024/25"},
...         frequency="annual", owner="Force", source="s", status="estimate")
>>> str(k.target.by)
'2024/25'
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from planlib.model.base import Record
from planlib.types import FinancialYear, Id, Note, Number, Status, Text

NationalMeasure = Literal[
    "reduce_murder_and_homicide",
    "reduce_serious_violence",
    "disrupt_drugs_supply_and_county_lines",
    "reduce_neighbourhood_crime",
    "tackle_cyber_crime",
    "improve_victim_satisfaction",
]


class KpiBaseline(Record):
    value: Number
    period: FinancialYear


class KpiTarget(Record):
    value: Number
    by: FinancialYear


class Kpi(Record):
    """A key performance indicator by which the Chief Constable's performance is measured (s.7(1)(e))."""

    id: Id
    title: Text
    unit: Text
    direction: Literal["up", "down"]
    baseline: KpiBaseline
    target: KpiTarget
    frequency: Literal["monthly", "quarterly", "annual"]
    owner: Text
    national_measure: NationalMeasure | None = None
    description: Note = ""
    trajectory: dict[FinancialYear, Number] = {}
    """Milestones on the way from baseline to target, by year; straight lines join them
    (a straight line from baseline to target when there are none)."""
    source: Text
    status: Status

    @model_validator(mode="after")
    def _check_target(self) -> Kpi:
        if self.target.by <= self.baseline.period:
            raise ValueError(f"target year {self.target.by} is not after the baseline year {self.baseline.period}")
        outside = [str(y) for y in sorted(self.trajectory) if not self.baseline.period < y < self.target.by]
        if outside:
            raise ValueError(f"trajectory years {', '.join(outside)} are not between the baseline year "
                             f"{self.baseline.period} and the target year {self.target.by}")
        wrong_way = (
            self.target.value < self.baseline.value
            if self.direction == "up"
            else self.target.value > self.baseline.value
        )
        if wrong_way:
            raise ValueError(
                f"direction is {self.direction!r} but the target {self.target.value:g} "
                f"moves the other way from the baseline {self.baseline.value:g}"
            )
        return self


class KpiActual(Record):
    """An observed value of a KPI for a financial year, force-wide or for one local authority."""

    kpi_id: Id
    period: FinancialYear
    local_authority: Note = ""
    value: Number
    commentary: Note = ""
    """What the figure means: a short text kept with it, so that a report never shows a figure
    without its explanation (a figure in kpi_actuals.csv must have one)."""
    source: Text
    status: Status

