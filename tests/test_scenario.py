"""Scenarios: reading a scenario file (planlib.io.scenarios), and the checks a scenario's plan must pass.

A scenario's changes are checked one at a time as they are applied; the plan they make is then
checked as a whole by the plan's own cross-reference checks, so that a scenario cannot leave the
plan in a state ``planlib validate`` would refuse.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import planlib
from planlib.errors import PlanError, PlanlibError, ScenarioError
from planlib.io.scenarios import MAX_SCENARIO_BYTES, read_scenario
from planlib.scenario import Scenario

PLAN = planlib.load_plan(planlib.DEFAULT_PLAN)
SHARE = "deadweight_police_led"  # an assumption the benefit lines use as a share between 0 and 1


def scenario(changes: dict, name: str = "test_case") -> Scenario:
    return Scenario(name=name, description="a test", source="tests", changes=changes)


# --------------------------------------------------------------------------- the plan it makes is checked


def test_a_share_above_one_is_refused_naming_the_scenario_and_the_change():
    bad = scenario({f"assumptions.{SHARE}": 1.5}, name="share_too_big")
    with pytest.raises(ScenarioError) as caught:
        bad.apply(PLAN)
    err = caught.value
    assert isinstance(err, PlanlibError)
    assert err.field == f"assumptions.{SHARE}"
    text = str(err)
    assert text.startswith("scenario 'share_too_big' would leave the plan inconsistent")
    assert f"scenario share_too_big: assumptions.{SHARE}: commitments." in text
    assert f"assumption '{SHARE}' must be a share between 0 and 1" in text


def test_the_problems_of_a_scenario_file_name_the_file_and_the_line_of_the_change(tmp_path: Path):
    file = tmp_path / "share.yaml"
    file.write_text("name: share\ndescription: too big a share\nsource: tests\nchanges:\n"
                    "  finance.pay_award: {2022/23: 0.03}\n"
                    f"  assumptions.{SHARE}.high: 1.2\n")
    problems = Scenario.from_yaml(file).problems(PLAN)
    assert problems and all(p.file == str(file) and p.line == 6 for p in problems)
    assert {p.field for p in problems} == {f"assumptions.{SHARE}.high"}
    with pytest.raises(ScenarioError, match="must be a share between 0 and 1"):
        Scenario.from_yaml(file).apply(PLAN)


def test_a_problem_the_baseline_already_has_is_not_blamed_on_the_scenario():
    shares = tuple(a.model_copy(update={"value": 1.5}) if a.id == SHARE else a for a in PLAN.assumptions)
    broken = PLAN.model_copy(update={"assumptions": shares})
    assert scenario({"finance.pay_award": {"2022/23": 0.03}}).problems(broken) == []
    scenario({"finance.pay_award": {"2022/23": 0.03}}).apply(broken)


def test_a_start_year_outside_the_period_is_refused_naming_the_scenario_and_the_field():
    late = scenario({"commitments.victims_services.start_year": "2026/27"}, name="too_late")
    with pytest.raises(PlanError) as caught:
        late.apply(PLAN)
    (problem,) = caught.value.problems
    assert problem.file == "scenario too_late"
    assert problem.field == "commitments.victims_services.start_year"
    assert "to 2024/25; got 2026/27" in problem.message


def test_a_scenario_that_keeps_the_plan_consistent_applies():
    fine = scenario({f"assumptions.{SHARE}": 0.4, "commitments.active_citizens_fund.enabled": False})
    assert fine.problems(PLAN) == []
    new = fine.apply(PLAN)
    assert new.commitment("active_citizens_fund").enabled is False
    assert PLAN.commitment("active_citizens_fund").enabled is True


def test_an_empty_scenario_is_the_baseline_itself():
    assert scenario({}).apply(PLAN) is PLAN


# --------------------------------------------------------------------------- reading scenario files


def test_from_yaml_reads_through_io_and_keeps_the_lines_of_the_changes():
    s = Scenario.from_yaml(planlib.DEFAULT_PLAN / "scenarios" / "precept_plus_15.yaml")
    record, lines = read_scenario(planlib.DEFAULT_PLAN / "scenarios" / "precept_plus_15.yaml", Scenario)
    assert s == record and s.name == "precept_plus_15"
    assert lines.change_lines and all(line > lines.line for line in lines.change_lines.values())


def test_an_oversized_scenario_file_is_refused_before_it_is_parsed(tmp_path: Path):
    file = tmp_path / "big.yaml"
    file.write_text("# " + "x" * MAX_SCENARIO_BYTES + "\n")
    with pytest.raises(PlanError, match="the limit is 1,048,576 bytes"):
        Scenario.from_yaml(file)


@pytest.mark.parametrize("text, line, field, words", [
    ("name: 2bad\ndescription: d\nsource: s\n", 1, "name", "starts with a letter"),
    ("name: x\ndescription: d\nsource: s\nextra: 1\n", 4, "extra", "unknown field"),
    ("name: x\nsource: s\n", 1, "description", "required field is missing"),
    ("- a list\n", 1, "", "expected a mapping"),
    ("name: x\ndescription: d\nsource: s\nchanges:\n  a: 1\n  a: 2\n", 6, "", "duplicate key"),
])
def test_a_bad_scenario_text_names_the_line_and_field(text: str, line: int, field: str, words: str):
    with pytest.raises(PlanError) as caught:
        Scenario.from_yaml_text(text, "s.yaml")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.field) == ("s.yaml", line, field)
    assert words in problem.message


def test_to_yaml_reads_back_unchanged():
    s = scenario({"finance.police_grant": {"2023/24": 600e6}, "commitments.victims_services.enabled": False})
    assert Scenario.from_yaml_text(s.to_yaml()) == s
