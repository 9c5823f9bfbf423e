"""The statutory compliance check: the plan against every requirement it must meet.

The requirements are those of ``planlib/reference/statutory_plan_requirements.csv``: the six
contents of PRSRA 2011 s.7(1) (``s7a``-``s7f``), the Commissioner's functions the plan covers
(``f01``-``f14``), the plan-making process (``p01``-``p06``) and the equality duty (``e01``).
Each rule reads the plan's own content (objectives, commitments, KPIs, grants, finance, the
timeline and the plan's statements) and gives a :class:`Result`: met, partial or unmet, the
plan elements that are its evidence, and what is missing.

>>> import planlib
>>> results = check(planlib.load_plan(planlib.DEFAULT_PLAN))
>>> len(results), all_met(results)
(27, True)
>>> next(r for r in results if r.id == "p03").note[:40]
'The statute sets no number of days: PRSR'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import pandas as pd

from planlib.model import Commitment, Plan, TimelineEvent
from planlib.model.panel_response import PanelResponse
from planlib.reference import statutory_requirements
from planlib.types import FinancialYear

ComplianceStatus = Literal["met", "partial", "unmet"]

DEFAULT_PANEL_NOTICE_DAYS = 14
"""Days before its meeting the Panel should have the draft when a plan sets no number itself.
PRSRA 2011 sets none (a reasonable time): this is planlib's assumption, and says so."""

STATUS_ORDER = {"unmet": 0, "partial": 1, "met": 2}


@dataclass(frozen=True)
class Result:
    """The outcome of one statutory requirement.

    Attributes
    ----------
    id, kind, requirement, basis : str
        The requirement as the reference table states it.
    status : ``"met"``, ``"partial"`` or ``"unmet"``
    evidence : tuple of str
        The plan elements that satisfy it: objective, commitment, KPI and grant ids, timeline
        event ids, finance series or statements (``reporting``, ``strategic_policing_requirement``).
    missing : tuple of str
        What the plan lacks for the requirement to be met (empty when met).
    note : str
        How the rule was applied, e.g. where the statute sets no number.
    """

    id: str
    kind: str
    requirement: str
    basis: str
    status: ComplianceStatus
    evidence: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data (lists, not tuples).

        >>> Result("s7d", "plan_content", "r", "b", "met", evidence=("reporting",)).as_dict()["evidence"]
        ['reporting']
        """
        data = asdict(self)
        data["evidence"], data["missing"] = list(self.evidence), list(self.missing)
        return data


@dataclass(frozen=True)
class _Finding:
    status: ComplianceStatus
    evidence: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    note: str = ""


@dataclass
class _Context:
    plan: Plan
    panel_notice_days: int
    panel_notice_source: str
    events: dict[str, list[TimelineEvent]] = field(default_factory=dict)
    panel_response: PanelResponse | None = None

    def of(self, *kinds: str) -> list[TimelineEvent]:
        """Events of these kinds, earliest first."""
        return sorted((e for k in kinds for e in self.events.get(k, [])), key=lambda e: e.start)

    def first(self, *kinds: str) -> TimelineEvent | None:
        found = self.of(*kinds)
        return found[0] if found else None

    def naming(self, requirement: str, *kinds: str) -> list[TimelineEvent]:
        """Events of these kinds that say they meet ``requirement``, earliest first."""
        return [e for e in self.of(*kinds) if e.requirement == requirement]


def _graded(have: list[str], lacking: list[str], none_message: str) -> tuple[ComplianceStatus, tuple[str, ...]]:
    if not have:
        return "unmet", (none_message,)
    return ("partial" if lacking else "met"), tuple(lacking)


# --------------------------------------------------------------------------- the six contents


def _s7a(ctx: _Context) -> _Finding:
    plan = ctx.plan
    served = {c.objective_id for c in plan.commitments if c.enabled}
    objectives = [o.id for o in plan.objectives]
    lacking = [f"objective {o} has no commitment in the plan" for o in objectives if o not in served]
    status, missing = _graded(objectives, lacking, "no police and crime objectives")
    return _Finding(status, tuple(objectives), missing)


def _s7b(ctx: _Context) -> _Finding:
    policing = [c.id for c in ctx.plan.commitments if c.enabled and c.owner == "chief_constable"]
    if not policing:
        return _Finding("unmet", (), ("no commitment owned by the Chief Constable: the policing the force is to provide",))
    return _Finding("met", tuple(policing))


def _s7c(ctx: _Context) -> _Finding:
    plan = ctx.plan
    finance = plan.finance
    # The resources the Commissioner provides: funding, the force's budget and its officers and staff.
    names = ("police_grant", "precept_increase", "tax_base", "baseline_force_costs", "officer_fte", "staff_fte")
    evidence, lacking = [], []
    for name in names:
        years = finance.tax_base_years() if name == "tax_base" else getattr(finance, name).values
        gaps = [str(y) for y in plan.years if y not in years]
        if gaps:
            lacking.append(f"finance.{name} has no value for {', '.join(gaps)}")
        else:
            evidence.append(f"finance.{name}")
    costed = [c.id for c in plan.commitments if c.enabled and c.costs]
    status, missing = _graded(evidence, lacking, "no finance for any year of the plan")
    return _Finding(status, (*evidence, *costed), missing,
                    note=f"finance needed for every year of the period, {plan.period.first} to {plan.period.last}")


def _s7d(ctx: _Context) -> _Finding:
    reporting = ctx.plan.reporting
    if reporting is None:
        return _Finding("unmet", (), ("the means by which the Chief Constable reports: forum and frequency (reporting)",))
    return _Finding("met", (f"reporting: {reporting.frequency.replace('_', ' ')} to the {reporting.forum}",),
                    note="The statute sets no frequency for the Chief Constable's reports; the plan sets its own.")


def _objective_kpis(plan: Plan) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {o.id: set(o.kpis) for o in plan.objectives}
    for c in plan.commitments:
        if c.enabled and c.objective_id in found:
            found[c.objective_id] |= set(c.kpis)
    return found


def _s7e(ctx: _Context) -> _Finding:
    plan = ctx.plan
    known = {k.id for k in plan.kpis}
    by_objective = _objective_kpis(plan)
    measured = sorted({k for ids in by_objective.values() for k in ids if k in known})
    lacking = [f"objective {o} has no KPI with a baseline and target" for o, ids in by_objective.items()
               if not ids & known]
    status, missing = _graded(measured, lacking, "no KPI with a baseline and target")
    return _Finding(status, tuple(measured), missing,
                    note="every objective needs at least one KPI (its own or its commitments') with a baseline and target")


def _s7f(ctx: _Context) -> _Finding:
    plan = ctx.plan
    if not plan.grants:
        if plan.grants_statement is not None:
            return _Finding("met", ("statement (grants_statement)",), note="the plan states that it makes no crime and disorder reduction grants")
        return _Finding("unmet", (), ("the grants the Commissioner will make and their conditions, or a statement that none are made",))
    lacking = [f"grant {g.id} states no conditions" for g in plan.grants if not g.conditions]
    lacking += [f"grant {g.id} has no amount in any year of the plan" for g in plan.grants
                if not any(y in plan.period for y in g.amounts)]
    return _Finding("partial" if lacking else "met", tuple(g.id for g in plan.grants), tuple(lacking))


# --------------------------------------------------------------------------- functions


def serving_commitments(plan: Plan, function_id: str) -> list[Commitment]:
    """The plan's enabled commitments that serve one of the Commissioner's functions (f01-f14).

    >>> import planlib
    >>> served = serving_commitments(planlib.load_plan(planlib.DEFAULT_PLAN), "f09")
    >>> len(served), all("f09" in c.functions and c.enabled for c in served)
    (1, True)
    """
    return [c for c in plan.commitments if c.enabled and function_id in c.functions]


def _function(function_id: str) -> Callable[[_Context], _Finding]:
    def rule(ctx: _Context) -> _Finding:
        plan = ctx.plan
        serving = [c.id for c in serving_commitments(plan, function_id)]
        serving += [g.id for g in plan.grants if function_id in g.functions]
        if function_id == "f11":
            statement = plan.strategic_policing_requirement
            if statement is None:
                return _Finding("unmet", tuple(serving),
                                ("a statement of regard to the Strategic Policing Requirement (strategic_policing_requirement)",))
            return _Finding("met", ("statement of regard (strategic_policing_requirement)", *serving))
        if not serving:
            return _Finding("unmet", (), (f"no commitment or grant in the plan serves {function_id}",))
        return _Finding("met", tuple(serving))

    return rule


# --------------------------------------------------------------------------- process


def financial_year_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the financial year (April to March) that holds ``day``.

    >>> financial_year_of(dt.date(2021, 5, 6))
    (datetime.date(2021, 4, 1), datetime.date(2022, 3, 31))
    >>> financial_year_of(dt.date(2022, 3, 31))[0]
    datetime.date(2021, 4, 1)
    """
    year = FinancialYear.containing(day)
    return year.first_day, year.last_day


def _p01(ctx: _Context) -> _Finding:
    first_day, last_day = financial_year_of(ctx.plan.election_date)
    window = f"{first_day:%d %B %Y} to {last_day:%d %B %Y}"
    note = f"the financial year of the election of {ctx.plan.election_date:%d %B %Y}: {window}"
    # The event that says it issues the plan (p01); else the first issue or publication.
    named = ctx.naming("p01", "plan_issued")
    issued = named[0] if named else ctx.first("plan_issued")
    if issued is None:
        return _Finding("unmet", (), ("no plan_issued event in the timeline",), note)
    if not first_day <= issued.start <= last_day:
        return _Finding("unmet", (issued.id,), (f"the plan was issued on {issued.start:%d %B %Y}, outside {window}",), note)
    if issued.start < ctx.plan.election_date:  # April before a May election: the same year, but no Commissioner yet
        return _Finding("unmet", (issued.id,),
                        (f"the plan was issued on {issued.start:%d %B %Y}, before the election it follows",), note)
    return _Finding("met", (issued.id,), note=note)


def _p02(ctx: _Context) -> _Finding:
    draft = ctx.first("draft_to_panel") or ctx.first("plan_issued")
    kinds = ("chief_constable_consultation", "draft_to_chief_constable")
    consulted = [e for e in ctx.of(*kinds) if draft is None or e.start <= draft.start]
    if not consulted:
        return _Finding("unmet", (), ("the Chief Constable consulted in preparing the draft, before it went to the Panel",))
    return _Finding("met", tuple(e.id for e in consulted))


def _p03(ctx: _Context) -> _Finding:
    days = ctx.panel_notice_days
    note = (f"The statute sets no number of days: PRSRA 2011 asks for a reasonable time. "
            f"This check uses {days} days ({ctx.panel_notice_source}).")
    draft = ctx.first("draft_to_panel")
    if draft is None:
        return _Finding("unmet", (), ("no draft_to_panel event: the draft plan sent to the Police and Crime Panel",), note)
    meeting = ctx.first("panel_meeting")
    if meeting is None:
        return _Finding("partial", (draft.id,), ("the date of the Panel meeting that considers the draft (panel_meeting)",), note)
    given = (meeting.start - draft.start).days
    evidence = (draft.id, meeting.id)
    if given < days:
        return _Finding("partial", evidence,
                        (f"the draft reached the Panel {given} days before its meeting; {days} are needed",), note)
    return _Finding("met", evidence, note=f"{note} The Panel had {given} days.")


def _p04(ctx: _Context) -> _Finding:
    if ctx.panel_response is not None:
        return _p04_from_record(ctx, ctx.panel_response)
    report = ctx.first("panel_report")
    responses = ctx.of("response_published")
    if not responses:
        return _Finding("unmet", (report.id,) if report else (), ("a published response to the Panel's report (response_published)",))
    if report is None:
        return _Finding("partial", tuple(e.id for e in responses), ("the Panel's report it responds to (panel_report)",))
    return _Finding("met", (report.id, *(e.id for e in responses)))


def _p04_from_record(ctx: _Context, record: PanelResponse) -> _Finding:
    """p04 from the record of the Panel's recommendations and the response to each (panel_response.yaml)."""
    answered = [r for r in record.recommendations if r.response is not None]
    counts = {d: sum(r.response.decision == d for r in answered) for d in ("accepted", "accepted_in_part", "not_accepted")}
    summary = (f"panel_response.yaml: {len(answered)} of {len(record.recommendations)} recommendations answered "
               f"({counts['accepted']} accepted, {counts['accepted_in_part']} in part, {counts['not_accepted']} not accepted)")
    published = ctx.of("response_published")
    evidence = (summary, *(e.id for e in published))
    missing = [f"a response to recommendation {r.id} ({r.title})" for r in record.unanswered()]
    note = f"the Panel reported on {record.report.date.day} {record.report.date:%B %Y}" + (
        f"; the response was published on {record.published.day} {record.published:%B %Y}" if record.published else "")
    if not published:  # the timeline records the publication, as for every other step of the process
        missing.insert(0, "a published response to the Panel's report (response_published)")
        return _Finding("unmet", evidence, tuple(missing), note)
    if record.recommendations and not answered:
        return _Finding("unmet", evidence, tuple(missing), note)
    return _Finding("partial" if missing else "met", evidence, tuple(missing), note)


def _p05(ctx: _Context) -> _Finding:
    sent = ctx.naming("p05", "plan_issued")
    if not sent:
        return _Finding("unmet", (), ("an event that publishes the final plan and sends it to the Chief Constable (plan_issued, requirement p05)",))
    return _Finding("met", tuple(e.id for e in sent))


def _p06(ctx: _Context) -> _Finding:
    draft = ctx.first("draft_to_panel") or ctx.first("draft_to_chief_constable")
    issued = ctx.first("plan_issued")
    if draft is None:
        return _Finding("unmet", (), ("no draft in the timeline to consult the Chief Constable on again",))
    again = [e for e in ctx.of("chief_constable_consultation", "draft_to_chief_constable")
             if e.start > draft.start and (issued is None or e.start <= issued.start)]
    if not again:
        return _Finding("unmet", (), (f"the Chief Constable consulted again after the draft ({draft.id}) and before issue",))
    return _Finding("met", tuple(e.id for e in again))


def _e01(ctx: _Context) -> _Finding:
    plan = ctx.plan
    objectives = ctx.naming("e01", "plan_issued")
    reports = ctx.of("annual_report")
    if not objectives:
        return _Finding("unmet", tuple(e.id for e in reports), ("equality objectives published (plan_issued event, requirement e01)",))
    wanted = len(plan.years)
    evidence = (*(e.id for e in objectives), *(e.id for e in reports))
    if len(reports) < wanted:
        return _Finding("partial", evidence,
                        (f"{wanted - len(reports)} of the {wanted} annual reports on progress against the equality objectives",))
    return _Finding("met", evidence, note=f"one annual report for each of the {wanted} years of the plan")


RULES: dict[str, Callable[[_Context], _Finding]] = {
    "s7a": _s7a, "s7b": _s7b, "s7c": _s7c, "s7d": _s7d, "s7e": _s7e, "s7f": _s7f,
    **{f"f{n:02d}": _function(f"f{n:02d}") for n in range(1, 15)},
    "p01": _p01, "p02": _p02, "p03": _p03, "p04": _p04, "p05": _p05, "p06": _p06,
    "e01": _e01,
}
"""The rule for each requirement id of the reference table."""


def check(plan: Plan, panel_notice_days: int | None = None, panel_response: PanelResponse | None = None) -> list[Result]:
    """Check ``plan`` against every statutory requirement, in the reference table's order.

    Parameters
    ----------
    plan : Plan
    panel_notice_days : int, optional
        Days before its meeting the Panel must have the draft (requirement p03). Default: the
        plan's ``panel_notice`` in timeline.yaml, else :data:`DEFAULT_PANEL_NOTICE_DAYS`.
    panel_response : PanelResponse, optional
        The Panel's recommendations and the Commissioner's response to each (``panel_response.yaml``):
        when given, requirement p04 reads it (every recommendation answered, the response
        published); without it p04 reads the timeline's ``panel_report`` and ``response_published`` events.

    Returns
    -------
    list of Result

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> [r.status for r in check(plan, panel_notice_days=30) if r.id == "p03"]
    ['partial']
    """
    if panel_notice_days is not None:
        if isinstance(panel_notice_days, bool) or not isinstance(panel_notice_days, int) or not 0 <= panel_notice_days <= 365:
            raise ValueError(f"panel_notice_days must be a whole number of days from 0 to 365 (got {panel_notice_days!r})")
        days, source = panel_notice_days, "set for this check"
    elif plan.panel_notice is not None:
        days, source = plan.panel_notice.days, f"the plan's own setting, {plan.panel_notice.status}"
    else:
        days, source = DEFAULT_PANEL_NOTICE_DAYS, "planlib's default, as the plan sets none"
    ctx = _Context(plan, days, source, panel_response=panel_response)
    for event in plan.timeline:
        ctx.events.setdefault(event.kind, []).append(event)
    results = []
    for row in statutory_requirements():
        finding = RULES[row["id"]](ctx)
        results.append(Result(id=row["id"], kind=row["kind"], requirement=row["requirement"], basis=row["basis"],
                              status=finding.status, evidence=finding.evidence, missing=finding.missing,
                              note=finding.note))
    return results


def all_met(results: list[Result]) -> bool:
    """True when every requirement is met.

    >>> all_met([]), all_met([Result("p04", "process", "r", "b", "unmet")])
    (True, False)
    """
    return all(r.status == "met" for r in results)


def function_coverage(plan: Plan) -> pd.DataFrame:
    """Which of the plan's commitments serve each of the Commissioner's functions (f01-f14).

    Only commitments in the plan (enabled) count. This is the coverage so far, not the full
    statutory compliance check (whose rule for f01-f14 also counts grants).

    Parameters
    ----------
    plan : Plan

    Returns
    -------
    pandas.DataFrame
        One row per function in the reference order, with columns ``function_id``,
        ``function`` (its name), ``commitments`` (how many serve it), ``commitment_ids`` and
        ``commitment_titles`` (tuples) and ``served`` (bool).

    Examples
    --------
    >>> import planlib
    >>> table = function_coverage(planlib.load_plan(planlib.DEFAULT_PLAN))
    >>> list(table["function_id"][:2]), len(table)
    (['f01', 'f02'], 14)
    >>> bool((table["served"] == (table["commitments"] > 0)).all())
    True
    """
    rows = []
    for requirement in statutory_requirements():
        if requirement["kind"] != "function":
            continue
        serving = serving_commitments(plan, requirement["id"])
        rows.append({
            "function_id": requirement["id"],
            "function": requirement["requirement"],
            "commitments": len(serving),
            "commitment_ids": tuple(c.id for c in serving),
            "commitment_titles": tuple(c.title for c in serving),
            "served": bool(serving),
        })
    return pd.DataFrame(rows, columns=["function_id", "function", "commitments", "commitment_ids",
                                       "commitment_titles", "served"])
