"""The plan-making timeline: dated events and phases (drawn by :func:`planlib.charts.gantt_chart`).

The events are the plan's ``timeline`` (timeline.yaml): the election, consultation phases,
roundtables, the public survey, youth engagement, the Chief Constable's consultation, the draft
to the Police and Crime Panel, its meeting and report, the published response, issue and
publication, and the annual reports. Steps the statute requires are those of
:data:`STATUTORY_KINDS` and any event naming a requirement (p01-p06, e01); the chart marks them.
Impossible orders (a Panel report before the draft was sent) are validation errors of the plan
(:data:`planlib.model.TIMELINE_ORDER`), reported with file and line by ``planlib validate``.

>>> import planlib
>>> table = timeline_table(planlib.load_plan(planlib.DEFAULT_PLAN))
>>> first = table.iloc[0]
>>> first["kind"], first["phase"], bool(first["statutory"])
('election', 'Election', True)
"""

from __future__ import annotations

import pandas as pd

from planlib.model import Plan

PHASES = {
    "election": "Election",
    "consultation": "Consultation and engagement",
    "roundtable": "Roundtables",
    "survey": "Public survey",
    "youth_engagement": "Youth engagement",
    "chief_constable_consultation": "Chief Constable consultation",
    "draft_to_chief_constable": "Chief Constable consultation",
    "draft_to_panel": "Police and Crime Panel",
    "panel_meeting": "Police and Crime Panel",
    "panel_report": "Police and Crime Panel",
    "response_published": "Response to the Panel",
    "plan_issued": "Issue and publication",
    "annual_report": "Annual reports",
}
"""The row of the Gantt chart each kind of event sits on, in the order of the process."""

STATUTORY_KINDS = frozenset({
    "election", "chief_constable_consultation", "draft_to_chief_constable", "draft_to_panel", "panel_meeting",
    "panel_report", "response_published", "plan_issued", "annual_report",
})
"""Kinds of event the statute requires (PRSRA 2011 s.5 and s.28; the Equality Act 2010 duties)."""

SURVEY_MINIMUM_DAYS = 42
"""The public survey was to run for at least six weeks (seed 000 para 18)."""


def timeline_table(plan: Plan) -> pd.DataFrame:
    """The timeline as a table, one row per event, in date order.

    Columns ``id``, ``kind``, ``phase`` (see :data:`PHASES`), ``title``, ``start``, ``end``
    (the start again for a one-day event), ``days`` (inclusive), ``is_phase`` (it spans more
    than a day), ``statutory`` (a step the statute requires, or one that names a requirement),
    ``requirement``, ``source``, ``status``.

    >>> import planlib
    >>> table = timeline_table(planlib.load_plan(planlib.DEFAULT_PLAN))
    >>> int(table.loc[table.kind == "survey", "days"].iloc[0])
    43
    """
    rows = []
    for e in plan.timeline:
        end = e.end or e.start
        rows.append({
            "id": e.id, "kind": e.kind, "phase": PHASES.get(e.kind, e.kind), "title": e.title,
            "start": pd.Timestamp(e.start), "end": pd.Timestamp(end), "days": (end - e.start).days + 1,
            "is_phase": end > e.start, "statutory": e.kind in STATUTORY_KINDS or e.requirement is not None,
            "requirement": e.requirement or "", "source": e.source, "status": e.status,
        })
    columns = ["id", "kind", "phase", "title", "start", "end", "days", "is_phase", "statutory", "requirement",
               "source", "status"]
    table = pd.DataFrame(rows, columns=columns)
    if table.empty:  # a plan with no timeline: keep the column types the chart and the app rely on
        table = table.astype({"start": "datetime64[s]", "end": "datetime64[s]", "days": "int64",
                              "is_phase": "bool", "statutory": "bool"})
    return table.sort_values(["start", "end"], kind="stable").reset_index(drop=True)


def process_warnings(plan: Plan) -> list[str]:
    """Things about the process worth a second look that are not errors: a survey under six weeks.

    >>> import planlib
    >>> process_warnings(planlib.load_plan(planlib.DEFAULT_PLAN))
    []
    """
    warnings = []
    for e in plan.timeline:
        if e.kind == "survey":
            days = ((e.end or e.start) - e.start).days
            if days < SURVEY_MINIMUM_DAYS:
                warnings.append(f"{e.id}: the public survey runs {days} days, under the six weeks planned (seed 000 para 18)")
    return warnings

