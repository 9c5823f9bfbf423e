"""The domain model of a Police and Crime Plan: frozen pydantic records.

Every record forbids unknown fields (a misspelt field is an error, not a silent default) and
rejects NaN and infinity. Numbers a person enters carry a unit, a source, a confidence grade
and a status (:class:`Assumption`, :class:`YearSeries`, :class:`CostLine`). Cross-references
between records (a commitment's objective, its KPIs, its dependencies...) are checked by
:func:`reference_problems`, which lists every problem rather than stopping at the first.

One module per concept; this package re-exports every public name:

- :mod:`~planlib.model.base`: :class:`Record` and numbers with sources (:class:`Assumption`,
  :class:`Quantity`, :class:`DatedValue`, :class:`YearSeries`, :class:`SignedYearSeries`)
- :mod:`~planlib.model.commitment`: :class:`Commitment`, its :class:`CostLine`,
  :class:`BenefitLine` and :class:`EqualityImpact`
- :mod:`~planlib.model.kpi`: :class:`Kpi` with its baseline, target and actuals
- :mod:`~planlib.model.governance`: grants, the timeline, statements, reporting, the Panel's
  notice and evidence
- :mod:`~planlib.model.finance`: :class:`FinanceAssumptions`, the medium-term financial plan's inputs
- :mod:`~planlib.model.appraisal`: unit costs of crime and :class:`AppraisalSettings`
- :mod:`~planlib.model.plan`: :class:`Plan` with its period, sections, objectives and areas
- :mod:`~planlib.model.checks`: the cross-reference checks, one per collection

>>> a = Assumption(low=80, high=300, unit="crimes a year", source="illustrative",
...                confidence=5, status="illustrative")
>>> a.is_interval, round(a.central, 1)
(True, 154.9)
"""

from __future__ import annotations

from planlib.model.appraisal import DEFAULT_APPRAISAL, AppraisalSettings, OptimismBiasByGrade, UnitCost
from planlib.model.base import (
    Assumption,
    DatedValue,
    Distribution,
    Loc,
    Quantity,
    Record,
    SignedYearSeries,
    YearSeries,
)
from planlib.model.checks import TIMELINE_ORDER, reference_problems
from planlib.model.commitment import (
    SHARE_FIELDS,
    BenefitLine,
    Beneficiary,
    Commissioning,
    Commitment,
    CostLine,
    EqualityImpact,
    SpendActual,
    ValueType,
    Workstream,
)
from planlib.model.finance import BillingAuthority, FinanceAssumptions
from planlib.model.governance import (
    EventKind,
    Evidence,
    EvidenceKind,
    Grant,
    PanelNotice,
    ReportFrequency,
    ReportingArrangements,
    Statement,
    TimelineEvent,
)
from planlib.model.kpi import Kpi, KpiActual, KpiBaseline, KpiTarget, NationalMeasure
from planlib.model.plan import LeverDeclaration, LocalAuthority, Objective, Period, Plan, Section

__all__ = [
    "DEFAULT_APPRAISAL",
    "SHARE_FIELDS",
    "TIMELINE_ORDER",
    "AppraisalSettings",
    "Assumption",
    "BenefitLine",
    "Beneficiary",
    "BillingAuthority",
    "Commissioning",
    "Commitment",
    "CostLine",
    "DatedValue",
    "Distribution",
    "EqualityImpact",
    "EventKind",
    "Evidence",
    "EvidenceKind",
    "FinanceAssumptions",
    "Grant",
    "Kpi",
    "KpiActual",
    "KpiBaseline",
    "KpiTarget",
    "LeverDeclaration",
    "Loc",
    "LocalAuthority",
    "NationalMeasure",
    "Objective",
    "OptimismBiasByGrade",
    "PanelNotice",
    "Period",
    "Plan",
    "Quantity",
    "Record",
    "ReportFrequency",
    "ReportingArrangements",
    "Section",
    "SignedYearSeries",
    "SpendActual",
    "Statement",
    "TimelineEvent",
    "UnitCost",
    "ValueType",
    "Workstream",
    "YearSeries",
    "reference_problems",
]
