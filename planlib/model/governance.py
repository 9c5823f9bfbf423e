"""How the plan is made and governed: grants, the timeline, statements, reporting, evidence.

These records carry what the Police Reform and Social Responsibility Act 2011 asks a plan to
say beside its commitments: the grants it makes (s.7(1)(f)), how the Chief Constable reports
(s.7(1)(d)), its regard to the Strategic Policing Requirement (s.5(5)), the dated steps of its
making and the evidence its commitments answer.

>>> e = TimelineEvent(id="E1", kind="election", title="PCC election", start="2021-05-06",
...                   source="s", status="verified")
>>> e.start.year
2021
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from planlib.model.base import Record
from planlib.types import ConfidenceGrade, FinancialYear, Id, Money, Note, Status, Text

EvidenceKind = Literal["manifesto", "consultation_priority", "consultation_theme", "partner_board"]
EventKind = Literal[
    "election",
    "consultation",
    "roundtable",
    "survey",
    "youth_engagement",
    "chief_constable_consultation",
    "draft_to_chief_constable",
    "draft_to_panel",
    "panel_meeting",
    "panel_report",
    "response_published",
    "plan_issued",
    "annual_report",
]



class Grant(Record):
    """A crime and disorder reduction grant the Commissioner makes (s.7(1)(f)), with its conditions."""

    id: Id
    recipient: Text
    purpose: Text
    commitment_id: Id | None = None
    functions: tuple[Id, ...] = ()
    amounts: dict[FinancialYear, Money]
    conditions: tuple[Text, ...] = ()
    source: Text
    status: Status
    confidence: ConfidenceGrade


class TimelineEvent(Record):
    """A dated step or phase of the plan-making process."""

    id: Id
    kind: EventKind
    title: Text
    start: dt.date
    end: dt.date | None = None
    requirement: Id | None = None
    source: Text
    status: Status

    @model_validator(mode="after")
    def _check_dates(self) -> TimelineEvent:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"ends ({self.end}) before it starts ({self.start})")
        return self


class Statement(Record):
    """A statement the plan makes (e.g. of regard to the Strategic Policing Requirement)."""

    text: Text
    section: Id | None = None
    """The plan section that makes it."""
    source: Text
    status: Status


ReportFrequency = Literal["monthly", "every_two_months", "quarterly", "every_six_months", "annual"]


class ReportingArrangements(Record):
    """How the Chief Constable reports to the Commissioner on the provision of policing (s.7(1)(d)).

    The statute sets no frequency: the plan chooses one.
    """

    forum: Text
    frequency: ReportFrequency
    first_report: dt.date
    """The date of the first report under the plan; later ones follow at ``frequency``."""
    description: Note = ""
    source: Text
    status: Status


class PanelNotice(Record):
    """How many days before its meeting the Police and Crime Panel must have the draft plan.

    PRSRA 2011 asks only for a reasonable time to consider the draft (s.5(6)(c), s.28(3)): no
    number of days is set in statute, so the number is the plan's own setting.
    """

    days: int = Field(ge=0, le=365, strict=True)
    source: Text
    status: Status


class Evidence(Record):
    """Something a commitment answers: a manifesto pledge, a consultation theme, a partner board.

    ``themes`` lists the consultation themes (ids of ``consultation_priority`` or
    ``consultation_theme`` entries) that this entry also answers, so that a commitment citing a
    manifesto pledge or a partner board traces to those themes too (:mod:`planlib.consultation`).
    """

    id: Id
    kind: EvidenceKind
    title: Text
    description: Note = ""
    source: Text
    themes: tuple[Id, ...] = ()

    @model_validator(mode="after")
    def _not_its_own_theme(self) -> Evidence:
        if self.id in self.themes:
            raise ValueError(f"{self.id} lists itself among its themes")
        return self

