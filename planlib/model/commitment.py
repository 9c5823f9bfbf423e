"""A commitment of the plan: what will be done, by whom, with what, for which outcomes.

A :class:`Commitment` has its resources by year (:class:`CostLine`), the outcomes it is
expected to produce (:class:`BenefitLine`, whose numbers are ids in the assumption register)
and its expected effect on people with protected characteristics (:class:`EqualityImpact`).

>>> line = CostLine(year="2022/23", officer_fte=4, source="s", status="estimate", confidence=3)
>>> line.officer_fte, line.non_pay_gbp
(4.0, 0.0)
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from planlib.model.base import Record
from planlib.types import ConfidenceGrade, Count, FinancialYear, Flag, Id, Money, Note, Status, Text

Workstream = Literal["governance", "police_collaboration", "partnership", "influence", "review"]
Commissioning = Literal["in_house", "grant", "contract", "partnership", "influence_only"]
ValueType = Literal["fiscal", "economic", "social"]
Beneficiary = Literal[
    "police", "criminal_justice", "nhs", "local_authority", "victims", "wider_society"
]


class CostLine(Record):
    """A commitment's resources in one financial year, with their provenance."""

    year: FinancialYear
    non_pay_gbp: Money = 0.0
    capital_gbp: Money = 0.0
    officer_fte: Count = 0.0
    staff_fte: Count = 0.0
    source: Text
    status: Status
    confidence: ConfidenceGrade


class SpendActual(Record):
    """What a commitment actually spent in one financial year (commitment_actuals.csv, optional),
    set against its planned non-pay and capital costs in the annual report."""

    commitment_id: Id
    year: FinancialYear
    non_pay_gbp: Money = 0.0
    capital_gbp: Money = 0.0
    commentary: Note = ""
    source: Text
    status: Status


class BenefitLine(Record):
    """An outcome a commitment is expected to produce, valued and adjusted.

    Numeric inputs are ids of entries in the plan's assumption register, so that every number
    keeps its source and one assumption shared by several commitments is one assumption.
    The value of one unit of outcome is either a Home Office unit cost of crime
    (``crime_type``, a row of unit_costs.csv) or an assumption (``unit_value``).
    """

    outcome: Text
    crime_type: Id | None = None
    unit_value: Id | None = None
    value_share: Id | None = None
    volume: Id
    deadweight: Id
    attribution: Id
    displacement: Id
    drop_off: Id
    value_type: ValueType
    beneficiary: Beneficiary
    start_year: FinancialYear | None = None

    @model_validator(mode="after")
    def _one_unit_value(self) -> BenefitLine:
        if (self.crime_type is None) == (self.unit_value is None):
            raise ValueError("give exactly one of crime_type (a unit cost of crime) or unit_value")
        return self

    def assumption_refs(self) -> dict[str, str]:
        """The assumption ids this line uses, by field name."""
        names = ("unit_value", "value_share", "volume", "deadweight", "attribution", "displacement", "drop_off")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


SHARE_FIELDS = frozenset({"value_share", "deadweight", "attribution", "displacement", "drop_off"})
"""Benefit-line fields whose assumptions are proportions between 0 and 1."""


class EqualityImpact(Record):
    """The commitment's expected effect on people with protected characteristics."""

    rating: Literal["positive", "neutral", "negative", "mixed", "not_assessed"]
    groups: tuple[Text, ...] = ()
    notes: Note = ""


class Commitment(Record):
    """A commitment in the plan: what will be done, by whom, with what, for which outcomes."""

    id: Id
    title: Text
    objective_id: Id
    workstream: Workstream
    owner: Text
    description: Note = ""
    evidence: tuple[Id, ...] = ()
    functions: tuple[Id, ...] = ()
    commissioning: Commissioning
    mandatory: Flag = False
    pledged: Flag = False
    """One of the Commissioner's pledges (a manifesto promise or a headline priority the plan
    presents as a pledge): the optimiser's ``pledges`` objective keeps it, as it keeps a
    mandatory (statutory) commitment; other objectives may leave it out and say so."""
    enabled: Flag = True
    costs: tuple[CostLine, ...] = ()
    benefits: tuple[BenefitLine, ...] = ()
    kpis: tuple[Id, ...] = ()
    equality_impact: EqualityImpact
    depends_on: tuple[Id, ...] = ()

