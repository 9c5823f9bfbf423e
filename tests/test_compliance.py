"""The statutory compliance check: the example meets every requirement; each gap is named.

For each rule, a plan built from the example lacking exactly that evidence (with ``model_copy``,
which does not re-run validation, so a plan may lack what a plan file could not) must be
reported not met under that id, and under no other.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable

import pytest
from click.testing import CliRunner

import planlib
from planlib import compliance
from planlib.cli import main
from planlib.model import Plan
from planlib.present.compliance import results_table
from planlib.reference import statutory_requirements


def _without_events(plan: Plan, *ids: str) -> Plan:
    missing = set(ids) - {e.id for e in plan.timeline}
    assert not missing, f"the example has no event {missing}: the fixture would test nothing"
    return plan.model_copy(update={"timeline": tuple(e for e in plan.timeline if e.id not in ids)})


def _moved(plan: Plan, event_id: str, day: dt.date) -> Plan:
    return plan.model_copy(update={"timeline": tuple(
        e.model_copy(update={"start": day}) if e.id == event_id else e for e in plan.timeline)})


def _without_function(plan: Plan, function_id: str) -> Plan:
    commitments = tuple(c.model_copy(update={"functions": tuple(f for f in c.functions if f != function_id)})
                        for c in plan.commitments)
    grants = tuple(g.model_copy(update={"functions": tuple(f for f in g.functions if f != function_id)})
                   for g in plan.grants)
    return plan.model_copy(update={"commitments": commitments, "grants": grants})


def _without_objective_kpis(plan: Plan, objective_id: str) -> Plan:
    objectives = tuple(o.model_copy(update={"kpis": ()}) if o.id == objective_id else o for o in plan.objectives)
    commitments = tuple(c.model_copy(update={"kpis": ()}) if c.objective_id == objective_id else c
                        for c in plan.commitments)
    return plan.model_copy(update={"objectives": objectives, "commitments": commitments})


def _without_a_year_of_grant(plan: Plan) -> Plan:
    grant = plan.finance.police_grant
    values = {y: v for y, v in grant.values.items() if str(y) != "2024/25"}
    finance = plan.finance.model_copy(update={"police_grant": grant.model_copy(update={"values": values})})
    return plan.model_copy(update={"finance": finance})


def _grant_without_conditions(plan: Plan) -> Plan:
    first, *rest = plan.grants
    return plan.model_copy(update={"grants": (first.model_copy(update={"conditions": ()}), *rest)})


def _objective_without_commitments(plan: Plan) -> Plan:
    # A new objective that nothing in the plan delivers.
    extra = plan.objectives[0].model_copy(update={"id": "o9_undelivered", "title": "An objective nothing delivers",
                                                  "kpis": ("kpi_homicides",)})
    return plan.model_copy(update={"objectives": (*plan.objectives, extra)})


def _no_chief_constable_commitments(plan: Plan) -> Plan:
    return plan.model_copy(update={"commitments": tuple(
        c.model_copy(update={"owner": "opcc"}) if c.owner == "chief_constable" else c for c in plan.commitments)})


LACKING: dict[str, Callable[[Plan], Plan]] = {
    "s7a": _objective_without_commitments,
    "s7b": _no_chief_constable_commitments,
    "s7c": _without_a_year_of_grant,
    "s7d": lambda p: p.model_copy(update={"reporting": None}),
    "s7e": lambda p: _without_objective_kpis(p, "o6_financial_plan"),
    "s7f": _grant_without_conditions,
    **{f"f{n:02d}": (lambda p, f=f"f{n:02d}": _without_function(p, f)) for n in range(1, 15) if n != 11},
    "f11": lambda p: p.model_copy(update={"strategic_policing_requirement": None}),
    "p01": lambda p: _moved(p, "ev_plan_issued", dt.date(2022, 4, 20)),
    "p02": lambda p: _without_events(p, "ev_chief_constable_meetings", "ev_draft_to_chief_constable"),
    "p03": lambda p: _moved(p, "ev_draft_to_panel", dt.date(2021, 10, 11)),
    "p04": lambda p: _without_events(p, "ev_response_published"),
    "p05": lambda p: _without_events(p, "ev_plan_sent_to_chief_constable"),
    "p06": lambda p: _without_events(p, "ev_chief_constable_reconsulted"),
    "e01": lambda p: _without_events(p, "ev_equality_objectives"),
}
"""For each requirement, the example changed to lack exactly that requirement's evidence."""


def _not_met(results: list[compliance.Result]) -> dict[str, compliance.Result]:
    return {r.id: r for r in results if r.status != "met"}


def test_every_requirement_has_a_rule_and_a_failing_fixture():
    ids = [r["id"] for r in statutory_requirements()]
    assert len(ids) == 27
    assert sorted(compliance.RULES) == sorted(ids)
    assert sorted(LACKING) == sorted(ids)


def test_the_example_plan_meets_every_requirement(example_plan):
    results = compliance.check(example_plan)
    assert [r.id for r in results] == [r["id"] for r in statutory_requirements()]
    assert _not_met(results) == {}
    assert compliance.all_met(results)
    for r in results:
        assert r.evidence, f"{r.id} is met with no evidence"
        assert r.missing == ()


def test_evidence_names_the_plan_elements(example_plan):
    results = {r.id: r for r in compliance.check(example_plan)}
    assert set(results["s7a"].evidence) == {o.id for o in example_plan.objectives}
    assert set(results["s7f"].evidence) == {g.id for g in example_plan.grants}
    assert results["p03"].evidence == ("ev_draft_to_panel", "ev_panel_meeting")
    assert results["p04"].evidence == ("ev_panel_report", "ev_response_published")
    assert "custody_visiting_appropriate_adults" in results["f06"].evidence
    assert results["s7d"].evidence == ("reporting: monthly to the Strategic Policing and Crime Board",)
    assert "kpi_budget_variance" in results["s7e"].evidence


@pytest.mark.parametrize("requirement", sorted(LACKING))
def test_a_plan_lacking_the_evidence_is_reported_under_that_id(example_plan, requirement):
    results = compliance.check(LACKING[requirement](example_plan))
    not_met = _not_met(results)
    assert set(not_met) == {requirement}
    assert not_met[requirement].missing, "a requirement not met must say what is missing"
    assert not compliance.all_met(results)


@pytest.mark.parametrize("requirement", ["s7b", "s7d", "f06", "f11", "p01", "p02", "p04", "p05", "p06", "e01"])
def test_requirements_with_no_evidence_at_all_are_unmet_not_partial(example_plan, requirement):
    result = next(r for r in compliance.check(LACKING[requirement](example_plan)) if r.id == requirement)
    assert result.status == "unmet"


def test_partial_when_some_evidence_is_there(example_plan):
    results = {r.id: r for r in compliance.check(LACKING["s7e"](example_plan))}
    assert results["s7e"].status == "partial"
    assert results["s7e"].missing == ("objective o6_financial_plan has no KPI with a baseline and target",)
    results = {r.id: r for r in compliance.check(LACKING["s7c"](example_plan))}
    assert results["s7c"].status == "partial"
    assert results["s7c"].missing == ("finance.police_grant has no value for 2024/25",)


def test_panel_notice_days_are_configurable_and_the_note_says_the_statute_sets_none(example_plan):
    # The example sends the draft on 4 October for a meeting on 18 October: 14 days.
    met = {r.id: r for r in compliance.check(example_plan, panel_notice_days=14)}["p03"]
    short = {r.id: r for r in compliance.check(example_plan, panel_notice_days=15)}["p03"]
    assert met.status == "met" and "The Panel had 14 days" in met.note
    assert short.status == "partial"
    assert short.missing == ("the draft reached the Panel 14 days before its meeting; 15 are needed",)
    assert "The statute sets no number of days" in short.note
    no_setting = example_plan.model_copy(update={"panel_notice": None})
    default = {r.id: r for r in compliance.check(no_setting)}["p03"]
    assert f"uses {compliance.DEFAULT_PANEL_NOTICE_DAYS} days (planlib's default" in default.note
    with pytest.raises(ValueError, match="panel_notice_days"):
        compliance.check(example_plan, panel_notice_days=-1)


def test_no_panel_meeting_is_partial_and_no_draft_is_unmet(example_plan):
    no_meeting = {r.id: r for r in compliance.check(_without_events(example_plan, "ev_panel_meeting"))}["p03"]
    assert no_meeting.status == "partial" and no_meeting.evidence == ("ev_draft_to_panel",)
    no_draft = {r.id: r for r in compliance.check(_without_events(example_plan, "ev_draft_to_panel"))}["p03"]
    assert no_draft.status == "unmet"


def test_the_issue_date_must_fall_in_the_financial_year_of_the_election(example_plan):
    # Elected on 6 May 2021: the financial year runs to 31 March 2022, inclusive.
    last_day = {r.id: r for r in compliance.check(_moved(example_plan, "ev_plan_issued", dt.date(2022, 3, 31)))}
    assert last_day["p01"].status == "met"
    late = {r.id: r for r in compliance.check(LACKING["p01"](example_plan))}["p01"]
    assert late.status == "unmet" and "20 April 2022" in late.missing[0] and "31 March 2022" in late.note


def test_a_plan_issued_before_the_election_in_the_same_financial_year_is_unmet(example_plan):
    # 20 April 2021 is inside the financial year 2021/22 but before the election of 6 May 2021;
    # election day itself is allowed.
    early = {r.id: r for r in compliance.check(_moved(example_plan, "ev_plan_issued", dt.date(2021, 4, 20)))}["p01"]
    assert early.status == "unmet"
    assert early.missing == ("the plan was issued on 20 April 2021, before the election it follows",)
    same_day = {r.id: r for r in compliance.check(_moved(example_plan, "ev_plan_issued", dt.date(2021, 5, 6)))}["p01"]
    assert same_day.status == "met"


def test_no_grants_need_an_explicit_statement(example_plan):
    from planlib.model import Statement

    none = example_plan.model_copy(update={"grants": ()})
    assert {r.id: r for r in compliance.check(none)}["s7f"].status == "unmet"
    stated = none.model_copy(update={"grants_statement": Statement(
        text="The Commissioner makes no crime and disorder reduction grants.", source="test", status="illustrative")})
    assert {r.id: r for r in compliance.check(stated)}["s7f"].status == "met"


def test_results_table_has_a_row_per_requirement(example_plan):
    table = results_table(compliance.check(LACKING["p04"](example_plan)))
    assert len(table) == 27
    assert table.set_index("id").at["p04", "status"] == "unmet"


# --------------------------------------------------------------------------- command line


def test_check_command_exits_0_when_every_requirement_is_met():
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert "27 of 27 requirements met" in result.output
    assert "The statute sets no number of days" in result.output


def test_check_command_json_lists_every_result():
    result = CliRunner().invoke(main, ["check", "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert [r["id"] for r in records] == [r["id"] for r in statutory_requirements()]
    assert set(records[0]) == {"id", "kind", "requirement", "basis", "status", "evidence", "missing", "note"}
    assert all(r["status"] == "met" for r in records)


def test_check_command_exits_1_and_names_the_gap(tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(planlib.DEFAULT_PLAN, folder)
    timeline = folder / "timeline.yaml"
    text = timeline.read_text()
    start = text.index("  - id: ev_response_published")
    end = text.index("  - id: ev_plan_issued")
    timeline.write_text(text[:start] + text[end:])
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 1, result.output
    assert "p04  UNMET" in result.output
    assert "a published response to the Panel's report" in result.output
    assert "26 of 27 requirements met; 0 partial; 1 unmet" in result.output
    as_json = CliRunner().invoke(main, ["check", str(folder), "--format", "json"])
    assert as_json.exit_code == 1
    assert [r["id"] for r in json.loads(as_json.output) if r["status"] != "met"] == ["p04"]


def test_check_command_panel_notice_option():
    result = CliRunner().invoke(main, ["check", "--panel-notice-days", "21"])
    assert result.exit_code == 1
    assert "p03  PARTIAL" in result.output and "14 days before its meeting; 21 are needed" in result.output
    wrong = CliRunner().invoke(main, ["check", "--panel-notice-days", "lots"])
    assert wrong.exit_code == 2


def test_check_command_on_a_bad_folder_is_a_message_not_a_traceback(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert "plan folder not found" in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- bad input in the new fields


@pytest.mark.parametrize(("file", "old", "new", "field", "words"), [
    ("timeline.yaml", "  days: 14", "  days: two weeks", "panel_notice.days", "expected a whole number"),
    ("timeline.yaml", "  days: 14", "  days: -3", "panel_notice.days", "must not be negative (got -3)"),
    ("plan.yaml", "    kpis: [kpi_blue_light_projects]", "    kpis: [kpi_blue_lights]",
     "objectives.o3_blue_light.kpis[0]", "unknown KPI 'kpi_blue_lights'"),
    ("plan.yaml", "  frequency: monthly", "  frequency: fortnightly", "reporting.frequency", "'fortnightly'"),
    # An impossible date stops the file being read at all: the problem names the line only.
    ("plan.yaml", "  first_report: 2021-12-14", "  first_report: 2021-13-14", "", "'2021-13-14' is not a real date"),
    ("plan.yaml", "  section: s3_collaboration\n  source:", "  section: s9_nowhere\n  source:",
     "strategic_policing_requirement.section", "unknown section 's9_nowhere'"),
])
def test_bad_values_in_the_new_fields_name_file_line_and_field(tmp_path, file, old, new, field, words):
    folder = tmp_path / "plan"
    shutil.copytree(planlib.DEFAULT_PLAN, folder)
    path = folder / file
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not once in {file}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new))
    problems = planlib.validate(folder)
    assert [(p.file, p.line, p.field) for p in problems] == [(f"{folder}/{file}", line, field)], problems
    assert words in problems[0].message


def test_equality_duty_needs_an_annual_report_for_each_year(example_plan):
    # Four plan years, four annual reports in the example; one fewer is partial.
    fewer = _without_events(example_plan, "ev_annual_report_2024_25")
    result = {r.id: r for r in compliance.check(fewer)}["e01"]
    assert result.status == "partial"
    assert result.missing == ("1 of the 4 annual reports on progress against the equality objectives",)


@pytest.mark.parametrize(("today", "says"), [
    ("2022-03-15", "Next report due: <strong>14 April 2022</strong>"),
    ("2025-03-10", "Next report due: <strong>14 March 2025</strong>"),
    ("2025-03-20", "no further report is due"),  # the next monthly date, 14 April 2025, is after the plan
    ("2026-11-22", "The plan period ended on 31 March 2025: no further report is due under this plan."),
])
def test_the_app_gives_the_next_report_only_within_the_plan_period(example_plan, today, says):
    from planlib.ui.compliance import ComplianceApp

    app = ComplianceApp(example_plan, today=dt.date.fromisoformat(today))
    assert says in app._reporting_html()


def test_the_function_chart_names_functions_in_full_where_its_axis_cuts_them(example_plan):
    import re

    import vl_convert

    from planlib.charts import function_coverage_chart

    coverage = compliance.function_coverage(example_plan)
    spec = function_coverage_chart(coverage).to_dict()
    svg = vl_convert.vegalite_to_svg(spec)
    cut = [t for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg) if t.endswith("…")]
    assert cut, "the example has function names too long for the axis: this test would test nothing"
    # Every layer (the bar, and the note of a function no commitment serves) has the whole name as its tooltip.
    for layer in spec["layer"]:
        assert {"field": "label", "title": "Function", "type": "nominal"} in layer["encoding"]["tooltip"]
    names = set(coverage["function_id"] + " " + coverage["function"])
    assert all(any(name.startswith(t[:-1].replace("&amp;", "&")) for name in names) for t in cut)
