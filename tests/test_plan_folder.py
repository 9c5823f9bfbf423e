"""The plan folder as a whole: `planlib.validate`, `planlib validate` and `load_folder` agree on the side files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import planlib
from planlib.cli import main
from planlib.io.consultation import load_consultation
from planlib.io.plan_folder import PARTS, load_folder, side_file_names, validate
from planlib.io.side_files import load_horizon, load_implications
from planlib.model.consultation import Consultation
from planlib.model.horizon import HorizonRegister
from planlib.model.implications import ImplicationSettings

from .conftest import ROOT

EXAMPLE = ROOT / "data" / "west_midlands_2021"

BROKEN = {
    "horizon": ("horizon.yaml", "commitments: [fraud_and_cyber_crime]", "commitments: [fraud_and_cyber_crime, no_such]",
                "horizon.yaml:", "unknown commitment 'no_such'"),
    "implications": ("implications.yaml", "value: 0.025", "value: 2.5", "implications.yaml:",
                     "a rate is a share between 0 and 1"),
    "consultation": ("consultation/responses.csv", ",Birmingham,", ",Narnia,", "consultation/responses.csv:",
                     "unknown local authority 'Narnia'"),
}


def _break(folder: Path, part: str) -> None:
    name, old, new, _, _ = BROKEN[part]
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("part", sorted(BROKEN))
def test_validate_and_the_command_line_give_the_same_problems(plan_copy, part):
    folder = plan_copy(EXAMPLE)
    _break(folder, part)
    problems = planlib.validate(folder)
    _, _, _, where, words = BROKEN[part]
    assert problems and all(where in str(p) for p in problems), problems
    assert any(words in p.message for p in problems), problems
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [str(p) for p in problems]
    assert f"{len(problems)} problem" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("part", sorted(BROKEN))
def test_load_folder_raises_every_problem_that_validate_lists(plan_copy, part):
    folder = plan_copy(EXAMPLE)
    _break(folder, part)
    with pytest.raises(planlib.PlanError) as caught:
        planlib.load_folder(folder)
    assert caught.value.problems == validate(folder)


def test_load_folder_returns_the_side_files_of_the_example(example_plan):
    folder = planlib.load_folder(planlib.DEFAULT_PLAN)
    assert folder.plan == example_plan
    assert isinstance(folder.horizon, HorizonRegister)
    assert folder.horizon == load_horizon(planlib.DEFAULT_PLAN, example_plan)
    assert isinstance(folder.implications, ImplicationSettings)
    assert folder.implications == load_implications(planlib.DEFAULT_PLAN, example_plan)
    assert isinstance(folder.consultation, Consultation)
    expected = load_consultation(planlib.DEFAULT_PLAN, example_plan)
    assert folder.consultation.codebook == expected.codebook
    assert folder.consultation.responses.equals(expected.responses) and len(folder.consultation.responses) == 329
    assert side_file_names(folder) == list(PARTS.values())
    assert planlib.validate(planlib.DEFAULT_PLAN) == []


def test_a_folder_without_side_files_has_none_and_is_valid(minimal_plan):
    folder = load_folder(ROOT / "tests" / "fixtures" / "minimal")
    assert folder.plan == minimal_plan
    assert (folder.horizon, folder.implications, folder.consultation) == (None, None, None)
    assert side_file_names(folder) == []
    result = CliRunner().invoke(main, ["validate", str(ROOT / "tests" / "fixtures" / "minimal")])
    assert result.exit_code == 0 and "also checked" not in result.output


def test_parts_read_only_what_is_asked_and_require_it(plan_copy):
    only = load_folder(planlib.DEFAULT_PLAN, parts=["horizon"])
    assert only.horizon is not None and only.implications is None and only.consultation is None
    bare = plan_copy()
    with pytest.raises(planlib.PlanError, match="no horizon scanning register: add horizon.yaml"):
        load_folder(bare, parts=["horizon"])
    with pytest.raises(ValueError, match="unknown part 'horizons'"):
        load_folder(bare, parts=["horizons"])


def test_a_broken_side_file_does_not_stop_a_command_that_does_not_read_it(plan_copy):
    folder = plan_copy(EXAMPLE)
    _break(folder, "consultation")
    assert load_folder(folder, parts=["horizon"]).horizon is not None
    assert CliRunner().invoke(main, ["horizon", str(folder)]).exit_code == 0
    assert CliRunner().invoke(main, ["consult", str(folder)]).exit_code == 1


def test_plan_problems_come_first_and_alone(plan_copy):
    folder = plan_copy(EXAMPLE)
    _break(folder, "horizon")
    plan_yaml = folder / "plan.yaml"
    plan_yaml.write_text(plan_yaml.read_text(encoding="utf-8").replace("police_area:", "police_aera:", 1), encoding="utf-8")
    problems = validate(folder)
    assert problems and all(p.file.endswith("plan.yaml") for p in problems), problems
