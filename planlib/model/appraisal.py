"""How net benefit is appraised: unit costs of crime, horizon, discounting, optimism bias.

>>> DEFAULT_APPRAISAL.horizon_years, DEFAULT_APPRAISAL.optimism_bias.values[3]
(10, 0.1)
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from planlib.model.base import Quantity, Record
from planlib.types import ConfidenceGrade, FinancialYear, Id, Money, Note, Share, Status, Text


class UnitCost(Record):
    """A Home Office unit cost of crime (cost of one offence, in the prices of ``price_year``)."""

    crime_type: Id
    unit_cost_gbp: Money
    price_year: FinancialYear
    status: Status
    status_note: Note = ""
    source: Text
    confidence: ConfidenceGrade



class OptimismBiasByGrade(Record):
    """Optimism-bias uplift by confidence grade of the evidence (GMCA / HM Treasury 2014 method).

    Costs are raised, and benefits lowered, by the share for the grade of their evidence.
    """

    values: dict[Annotated[int, Field(ge=1, le=6)], Share]
    source: Text
    status: Status

    @model_validator(mode="after")
    def _every_grade(self) -> OptimismBiasByGrade:
        missing = [g for g in range(1, 7) if g not in self.values]
        if missing:
            raise ValueError(f"give a share for every confidence grade 1-6; missing {missing}")
        return self


class AppraisalSettings(Record):
    """How net benefit is appraised: horizon, prices, discounting, optimism bias."""

    horizon_years: int = Field(10, ge=1, le=100, strict=True)
    """Years appraised from the first year of the plan (costs stop with the plan period;
    benefits then fall by their drop-off each year)."""
    discount_schedule: Literal["standard", "health"] = "standard"
    deflator_rate: Quantity
    """GDP deflator growth a year, to express cash in base-year (first plan year) prices."""
    optimism_bias: OptimismBiasByGrade


DEFAULT_APPRAISAL = AppraisalSettings(
    deflator_rate=Quantity(
        value=0.02, unit="share a year", confidence=4, status="illustrative",
        source="planlib default: about the 2% a year of HM Treasury GDP deflator forecasts; "
        "replace with the published series"),
    optimism_bias=OptimismBiasByGrade(
        values={1: 0.0, 2: 0.05, 3: 0.10, 4: 0.15, 5: 0.25, 6: 0.40}, status="unverified",
        source="GMCA / HM Treasury 2014 cost-benefit guidance, percentages by confidence grade as "
        "recalled (0/5/10/15/25/40%): NOT verified against the guidance"),
)
"""Appraisal settings used when a plan gives none (every figure flagged as such)."""

