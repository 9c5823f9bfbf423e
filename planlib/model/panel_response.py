"""The Police and Crime Panel's report on the draft plan, and the Commissioner's response to it.

The Panel reviews the draft plan and may report or make recommendations on it; the
Commissioner must have regard to them and publish a response (PRSRA 2011 s.28(3); seed 000
para 5). ``panel_response.yaml`` in a plan folder keeps both: the Panel's report (its date,
title and source) and each recommendation with the Commissioner's :class:`Response`: the
decision (accepted, accepted in part, not accepted), the reason, and the change it led to in
the plan (:class:`PlanChange`, naming the commitments and objectives changed). Every entry
carries its source and status. :func:`panel_response_problems` checks the record against a
plan and returns ``(location, message)`` pairs (a recommendation without a response is one);
:mod:`planlib.io.side_files` reads the file and turns the locations into file and line.

>>> response = Response(decision="accepted_in_part", reason="r", change={"text": "c", "commitments": ["C01"]},
...                     source="s", status="illustrative")
>>> response.change.commitments, response.decision
(('C01',), 'accepted_in_part')
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from planlib.model.base import Loc, Record
from planlib.model.plan import Plan
from planlib.types import Id, Note, Status, Text

Decision = Literal["accepted", "accepted_in_part", "not_accepted"]
"""The Commissioner's decision on one recommendation of the Panel."""

DECISIONS: tuple[str, ...] = ("accepted", "accepted_in_part", "not_accepted")
"""The decisions, in the order a response counts them."""


class PlanChange(Record):
    """The change a recommendation led to in the plan: what changed, and which elements."""

    text: Text
    """What changed in the plan, as the response says it."""
    commitments: tuple[Id, ...] = ()
    """Ids of the commitments added or changed."""
    objectives: tuple[Id, ...] = ()
    """Ids of the objectives added or changed."""


class Response(Record):
    """The Commissioner's response to one recommendation."""

    decision: Decision
    reason: Text
    """Why the Commissioner accepted it, in part or not at all."""
    change: PlanChange | None = None
    """The change it led to in the plan; none when nothing in the plan changed."""
    source: Text
    status: Status


class Recommendation(Record):
    """One recommendation (or comment) of the Panel on the draft plan, with the response to it."""

    id: Id
    title: Text
    """A short title a reader sees in the response document."""
    text: Text
    """What the Panel recommended, as its report (or the minutes) put it."""
    source: Text
    status: Status
    response: Response | None = None
    """The Commissioner's response; a recommendation without one is a validation problem."""


class PanelReport(Record):
    """The Panel's report on the draft plan."""

    title: Text
    date: dt.date
    """The date of the Panel's report (or of the meeting that made it)."""
    meeting: Note = ""
    """The meeting that considered the draft, as the minutes name it."""
    source: Text
    status: Status


class PanelResponse(Record):
    """What ``panel_response.yaml`` holds: the Panel's report, its recommendations and the responses."""

    report: PanelReport
    published: dt.date | None = None
    """When the Commissioner published the response (none while it is being prepared)."""
    published_source: Note = ""
    introduction: Note = ""
    """A short opening the response document shows before the recommendations."""
    recommendations: tuple[Recommendation, ...]

    def unanswered(self) -> list[Recommendation]:
        """The recommendations that have no response yet.

        >>> record = PanelResponse(report=dict(title="t", date="2021-10-18", source="s", status="verified"),
        ...                        recommendations=[dict(id="R1", title="t", text="x", source="s", status="verified")])
        >>> [r.id for r in record.unanswered()]
        ['R1']
        """
        return [r for r in self.recommendations if r.response is None]


def panel_response_problems(record: PanelResponse, plan: Plan) -> list[tuple[Loc, str]]:
    """Every problem of the Panel's report and the responses against ``plan``: ``(location, message)`` pairs.

    A recommendation without a response, duplicate ids, a change naming a commitment or
    objective the plan lacks, an accepted recommendation that names no change in the plan, a
    response published before the Panel reported, and a publication date that no
    ``response_published`` event of the plan's timeline has.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> answer = dict(decision="accepted", reason="r", source="s", status="illustrative")
    >>> record = PanelResponse(
    ...     report=dict(title="Report", date="2021-10-18", source="s", status="illustrative"),
    ...     recommendations=[dict(id="R1", title="A", text="x", source="s", status="illustrative"),
    ...                      dict(id="R1", title="B", text="y", source="s", status="illustrative", response=answer)])
    >>> for found in panel_response_problems(record, plan):
    ...     print(found)
    (('recommendations', 0), "no response to recommendation 'R1' (A): give the Commissioner's decision, reason and the plan change it led to")
    (('recommendations', 1, 'id'), "duplicate id 'R1' (first at recommendation 1)")
    (('recommendations', 1, 'response', 'decision'), 'an accepted recommendation names the change it led to in the plan (response.change)')
    """
    problems: list[tuple[Loc, str]] = []
    commitments = {c.id for c in plan.commitments}
    objectives = {o.id for o in plan.objectives}
    first: dict[str, int] = {}
    for i, rec in enumerate(record.recommendations):
        at: Loc = ("recommendations", i)
        if rec.id in first:
            problems.append(((*at, "id"), f"duplicate id {rec.id!r} (first at recommendation {first[rec.id] + 1})"))
        first.setdefault(rec.id, i)
        response = rec.response
        if response is None:
            problems.append((at, f"no response to recommendation {rec.id!r} ({rec.title}): give the Commissioner's "
                                 "decision, reason and the plan change it led to"))
            continue
        if response.decision != "not_accepted" and response.change is None:
            problems.append(((*at, "response", "decision"),
                             f"an {response.decision.replace('_', ' ')} recommendation names the change it led to "
                             "in the plan (response.change)"))
        if response.change is not None:
            for j, ref in enumerate(response.change.commitments):
                if ref not in commitments:
                    problems.append(((*at, "response", "change", "commitments", j),
                                     f"unknown commitment {ref!r} (not in commitments.yaml)"))
            for j, ref in enumerate(response.change.objectives):
                if ref not in objectives:
                    problems.append(((*at, "response", "change", "objectives", j),
                                     f"unknown objective {ref!r} (not in plan.yaml)"))
    problems += _date_problems(record, plan)
    return problems


def _date_problems(record: PanelResponse, plan: Plan) -> list[tuple[Loc, str]]:
    """The publication date against the Panel's report and the plan's timeline."""
    if record.published is None:
        return []
    if record.published < record.report.date:
        return [(("published",), f"the response is dated {record.published:%d %B %Y}, before the Panel's report "
                                 f"of {record.report.date:%d %B %Y}")]
    events = [e for e in plan.timeline if e.kind == "response_published"]
    if events and all(e.start != record.published for e in events):
        dates = ", ".join(f"{e.start:%d %B %Y} ({e.id})" for e in events)
        return [(("published",), f"published {record.published:%d %B %Y}, but timeline.yaml publishes the "
                                 f"response on {dates}")]
    return []
