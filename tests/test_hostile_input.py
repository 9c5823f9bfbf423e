"""Hostile input: absurd numbers, control characters and files that are not files.

Each case changes one line of the minimal plan (or writes one scenario) and checks that the
problem is reported with file, line, field and words, and never as an unexpected error. The
bounds themselves live in one table (planlib.model.bounds), used by the plan's checks and so by
scenarios too.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

import planlib
from planlib import PlanError, Scenario
from planlib.cli import main
from planlib.io import plan_folder, validate

from tests.conftest import MINIMAL

HUGE_INTEGER = "9" * 5000

# case -> (file, text replaced, replacement, expected line, field (or column), words)
PLAN_CASES: dict[str, tuple[str, str, str, int, str, str]] = {
    "cost_1e308": ("commitment_costs.csv", "C01,2021/22,1000000,", "C01,2021/22,1e308,", 2, "non_pay_gbp",
                   "1e+308 is far beyond any plausible amount in GBP"),
    "grant_1e308": ("grants.yaml", "amounts: {2021/22: 500000}", "amounts: {2021/22: 1.0e308}", 7,
                    "grants.G1.amounts.2021/22", "plausible amount in GBP"),
    "precept_increase_1e308": ("finance.yaml", "values: {2021/22: 15, 2022/23: 10}}\nreferendum",
                               "values: {2021/22: 1.0e308, 2022/23: 10}}\nreferendum", 9,
                               "finance.precept_increase.values.2021/22.value", "rise in the Band D precept"),
    "pay_award_1e308": ("finance.yaml", "values: {2021/22: 0.0, 2022/23: 0.03}", "values: {2021/22: 1.0e308, 2022/23: 0.03}",
                        19, "finance.pay_award.values.2021/22.value", "plausible rate a year"),
    "rate_1e6": ("finance.yaml", "non_pay_inflation: {unit: share, source: test figure, status: illustrative, "
                 "confidence: 5, values: {2021/22: 0.02", "non_pay_inflation: {unit: share, source: test figure, "
                 "status: illustrative, confidence: 5, values: {2021/22: 1.0e6", 20,
                 "finance.non_pay_inflation.values.2021/22.value", "1e+06 is far beyond any plausible rate a year"),
    "officers_1e308": ("finance.yaml", "values: {2021/22: 1000, 2022/23: 1040}", "values: {2021/22: 1.0e308, 2022/23: 1040}",
                       13, "finance.officer_fte.values.2021/22.value", "number of posts"),
    "assumption_1e300": ("assumptions.yaml", "low: 10, high: 40", "low: 10, high: 1.0e300", 2, "assumptions.vol.high",
                         "plausible figure"),
    "integer_5000_digits": ("finance.yaml", "values: {2021/22: 1000, 2022/23: 1040}",
                            f"values: {{2021/22: {HUGE_INTEGER}, 2022/23: 1040}}", 13, "",
                            "a whole number of 5,000 digits is far too long"),
    "period_1900": ("plan.yaml", "period: {first: 2021/22, last: 2022/23}", "period: {first: 1900/01, last: 1901/02}",
                    6, "period", "outside the years a plan may cover, 2000/01 to 2099/00"),
    "title_escape_sequence": ("plan.yaml", "name: Minimal test plan", 'name: "Minimal \\e]0;owned\\a plan"', 3, "name",
                              "contains a control character (U+001B) at character 9"),
    "title_nul_escape": ("commitments.yaml", "title: Neighbourhood officers", 'title: "Neighbourhood\\0 officers"', 3,
                         "commitments.C01.title", "control character (U+0000)"),
    "key_escape_sequence": ("plan.yaml", "name: Minimal test plan", 'name: Minimal test plan\n"title\\e[2J": x', 4, "",
                            "a key contains a control character (U+001B)"),
    "long_text_not_echoed": ("grants.yaml", "    status: illustrative", "    status: " + "x" * 5000, 10, "grants.G1.status",
                             "(got 'xxxxxxxx"),
    "csv_clear_screen": ("commitment_costs.csv", "C01,2021/22,1000000,0,20,0,test figure",
                         "C01,2021/22,1000000,0,20,0,test \x1b[2J figure", 2, "source", "control character (U+001B)"),
}


@pytest.fixture()
def plan_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "plan"
    shutil.copytree(MINIMAL, folder)
    return folder


def _replace(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("case", sorted(PLAN_CASES))
def test_an_absurd_number_or_a_control_character_in_a_plan_is_named_by_file_line_and_field(
        plan_copy: Path, case: str) -> None:
    file, old, new, line, field, words = PLAN_CASES[case]
    _replace(plan_copy, file, old, new)
    problems = validate(plan_copy)
    assert [(Path(p.file).name, p.line, p.field) for p in problems] == [(file, line, field)], problems
    assert words in problems[0].message and len(problems[0].message) < 300


# A scenario of the default plan: change -> (field of the message, words)
SCENARIO_CASES: dict[str, tuple[str, str]] = {
    "finance.police_grant: {2023/24: 1.0e308}": ("finance.police_grant.values.2023/24.value", "amount in GBP"),
    "finance.precept_increase: {2022/23: 1.0e308}": ("finance.precept_increase.values.2022/23.value", "Band D"),
    "finance.pay_award: {2022/23: 1.0e6}": ("finance.pay_award.values.2022/23.value", "rate a year"),
    "finance.cost_per_officer: 1.0e308": ("finance.cost_per_officer.value", "cost of one post"),
    "commitments.neighbourhood_policing_450.costs.non_pay_gbp: {2022/23: 1.0e308}": (
        "commitments.neighbourhood_policing_450.costs", "amount in GBP"),
    "assumptions.deadweight_police_led: 2": ("commitments.", "must be a share between 0 and 1"),
    "assumptions.volume_robbery_neighbourhood.high: 1.0e300": (
        "assumptions.volume_robbery_neighbourhood.high", "plausible figure"),
}


@pytest.fixture(scope="module")
def default_plan() -> planlib.Plan:
    return planlib.load_plan(planlib.DEFAULT_PLAN)


def _scenario(change: str) -> str:
    return f"name: hostile\ndescription: a hostile change\nsource: test\nchanges:\n  {change}\n"


@pytest.mark.parametrize("change", sorted(SCENARIO_CASES))
def test_a_scenario_is_held_to_the_same_bounds_as_the_plan(default_plan: planlib.Plan, change: str) -> None:
    field, words = SCENARIO_CASES[change]
    scenario = Scenario.from_yaml_text(_scenario(change), "hostile.yaml")
    problems = scenario.problems(default_plan)
    assert problems, f"{change} was accepted"
    path = change.split(":")[0]
    assert all((p.file, p.line, p.field) == ("hostile.yaml", 5, path) for p in problems), problems
    assert all(field in p.message and words in p.message for p in problems), problems


@pytest.mark.parametrize(("change", "words"), [
    (f"finance.police_grant: {{2023/24: {'9' * 400}}}", "a whole number of 400 digits is far too long"),
    ('finance.police_grant: {2023/24: .inf}', "must be a finite number"),
    (f"finance.police_grant: {{2023/24: {'x' * 5000}}}", "expected a number, got 'xxx"),
])
def test_a_number_no_float_holds_is_refused_with_its_line(default_plan: planlib.Plan, change: str, words: str) -> None:
    with pytest.raises(PlanError) as caught:
        Scenario.from_yaml_text(_scenario(change), "hostile.yaml").apply(default_plan)
    assert [(p.file, p.line) for p in caught.value.problems] == [("hostile.yaml", 5)]
    assert words in caught.value.problems[0].message and len(caught.value.problems[0].message) < 200


def test_a_scenario_built_in_python_with_a_huge_integer_is_refused(default_plan: planlib.Plan) -> None:
    scenario = Scenario(name="x", description="d", source="s", changes={"finance.police_grant": {"2023/24": 10**400}})
    with pytest.raises(PlanError, match="far too large"):
        scenario.apply(default_plan)


@pytest.mark.parametrize(("field", "text"), [("description", "bad \\e[2J thing"), ("source", "x\\0y"),
                                             ("description", "bell \\a")])
def test_control_characters_in_a_scenario_are_refused_with_the_line(field: str, text: str) -> None:
    other = "source" if field == "description" else "description"
    with pytest.raises(PlanError) as caught:
        Scenario.from_yaml_text(f'name: x\n{other}: fine\n{field}: "{text}"\n', "hostile.yaml")
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (3, field)
    assert problem.message.startswith("contains a control character (U+00")


def test_a_file_name_with_control_characters_is_shown_escaped(plan_copy: Path) -> None:
    (plan_copy / "evil\x1b]0;owned\x07.yaml").write_text("a: 1\n")
    result = CliRunner().invoke(main, ["validate", str(plan_copy)])
    assert result.exit_code == 1
    assert "evil\\x1b]0;owned\\x07.yaml: unknown file" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output


def test_a_scenario_change_path_with_control_characters_is_refused_with_its_line() -> None:
    with pytest.raises(PlanError) as caught:
        Scenario.from_yaml_text(_scenario('"finance.\\e[2J": 1'), "hostile.yaml")
    [problem] = caught.value.problems
    assert problem.line == 5 and "a key contains a control character (U+001B)" in problem.message
    assert "\x1b" not in str(caught.value)


@pytest.mark.parametrize("command", ["run", "appraise", "implications"])
def test_commands_refuse_an_absurd_scenario_without_inf_nan_or_warnings(tmp_path: Path, command: str) -> None:
    file = tmp_path / "huge.yaml"
    file.write_text(_scenario("finance.police_grant: {2023/24: 1.0e308}"), encoding="utf-8")
    result = CliRunner().invoke(main, [command, "-s", str(file)])
    assert result.exit_code == 1, result.output
    assert f"{file}:5: finance.police_grant" in result.stderr
    assert not re.search(r"\binf|\bnan|Warning|Traceback|unexpected error", result.output), result.output


def test_every_kind_named_in_the_table_has_a_bound() -> None:
    from planlib.model.bounds import BOUNDS, PLAN_FIELDS

    assert {kind for _, kind in PLAN_FIELDS} <= set(BOUNDS)
    assert all(bound.low < bound.high for bound in BOUNDS.values())


# --------------------------------------------------------------------------- files that are not files


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _link(target: str):
    return lambda path: path.symlink_to(target)


NOT_FILES = {
    "fifo": (_fifo, "a FIFO (named pipe), not a file"),
    "dev_zero": (_link("/dev/zero"), "a link to a file outside the plan folder"),
    "dev_urandom": (_link("/dev/urandom"), "a link to a file outside the plan folder"),
    "etc_passwd": (_link("/etc/passwd"), "a link to a file outside the plan folder"),
    "dangling": (_link("nowhere.yaml"), "a link to a file that does not exist (a broken link)"),
    "loop": (lambda path: path.symlink_to(path.name), "a link that leads round in a loop"),
    "folder": (lambda path: path.mkdir(), "a folder, not a file"),
}


def _validate_within(folder: Path, seconds: float = 30) -> list[planlib.Problem]:
    """validate(folder) in a thread, so that a read that blocks fails the test rather than hanging it."""
    found: list[list[planlib.Problem]] = []
    worker = threading.Thread(target=lambda: found.append(plan_folder.validate(folder)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert found, f"validate({folder}) did not return within {seconds} s"
    return found[0]


@pytest.mark.parametrize("name", ["grants.yaml", "plan.yaml", "horizon.yaml"])
@pytest.mark.parametrize("kind", sorted(NOT_FILES))
def test_a_plan_file_that_is_not_an_ordinary_file_inside_the_folder_is_refused(
        plan_copy: Path, name: str, kind: str) -> None:
    make, words = NOT_FILES[kind]
    (plan_copy / name).unlink(missing_ok=True)
    make(plan_copy / name)
    problems = _validate_within(plan_copy)
    assert [(Path(p.file).name, p.line) for p in problems] == [(name, None)], problems
    assert words in problems[0].message
    assert not any("root:" in p.message for p in problems)  # /etc/passwd is never echoed


# A side file of the example plan: (file, text replaced, replacement, line, field, words)
SIDE_FILE_CASES = {
    "implications_1e308": ("implications.yaml", "2023/24: 109000000.0", "2023/24: 1.0e308", 55,
                           "reserves_strategy.values", "1e+308 is far beyond any plausible amount in GBP"),
    "response_escape_sequence": ("consultation/responses.csv", "thirty years, get weapons", "thirty years\x1b[2J, get",
                                 2, "text", "contains a control character (U+001B) at character 31"),
}


@pytest.mark.parametrize("case", sorted(SIDE_FILE_CASES))
def test_side_files_are_held_to_the_same_rules(tmp_path: Path, case: str) -> None:
    file, old, new, line, field, words = SIDE_FILE_CASES[case]
    folder = tmp_path / "plan"
    shutil.copytree(planlib.DEFAULT_PLAN, folder)
    _replace(folder, file, old, new)
    problems = plan_folder.validate(folder)
    assert [(Path(p.file).name, p.line, p.field) for p in problems] == [(Path(file).name, line, field)], problems
    assert words in problems[0].message


def test_a_scenario_file_that_is_a_device_is_refused() -> None:
    with pytest.raises(PlanError, match="a device, not a file"):
        Scenario.from_yaml("/dev/zero")


def test_a_file_over_the_limit_is_refused_after_reading_no_more_than_the_limit(tmp_path: Path) -> None:
    from planlib.io.text import read_text

    file = tmp_path / "big.yaml"
    file.write_text("a: 1\n" + "#" * 100 + "\n")
    text, problems = read_text(file, "big.yaml", limit=50)
    assert text is None and "the limit is 50 bytes" in problems[0].message


def test_an_unreadable_consultation_folder_is_a_problem_with_its_name(
        plan_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = plan_copy / "consultation"
    folder.mkdir()
    for name in ("responses.csv", "codebook.yaml"):
        (folder / name).write_text("x\n")
    denied = OSError(errno.EACCES, "Permission denied")
    real_stat, real_lstat, real_listdir = os.stat, os.lstat, os.listdir

    def refuse(real):
        def call(path, *args, **kwargs):
            if Path(path).parent == folder or (real is real_listdir and Path(path) == folder):
                raise denied
            return real(path, *args, **kwargs)
        return call

    # As a user without read and search permission sees it (the tests run as root, who has both).
    monkeypatch.setattr(os, "stat", refuse(real_stat))
    monkeypatch.setattr(os, "lstat", refuse(real_lstat))
    monkeypatch.setattr(os, "listdir", refuse(real_listdir))
    problems = plan_folder.validate(plan_copy)
    assert [(Path(p.file).name, p.message) for p in problems] == [
        ("consultation", "cannot read the folder: Permission denied")]
