"""Bad input: one small bad file per failure mode, each reported with file, line and words.

Each folder in tests/fixtures/bad/ holds one file that replaces its namesake in the minimal
valid plan (tests/fixtures/minimal/). ``planlib validate`` must exit 1, name the file and line,
and say what is wrong, without a traceback.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import planlib
from planlib.cli import main
from planlib.io import MAX_FILE_BYTES

from tests.conftest import FIXTURES, MINIMAL, ROOT

BAD = FIXTURES / "bad"

# case -> (file named, line (None: the whole file), words the message must contain)
CASES: dict[str, tuple[str, int | None, list[str]]] = {
    "yaml_syntax": ("plan.yaml", 7, ["YAML syntax error"]),
    "yaml_duplicate_key": ("commitments.yaml", 14, ["duplicate key 'title'", "first on line 13"]),
    "yaml_alias_bomb": ("assumptions.yaml", 1, ["anchors and aliases", "not allowed"]),
    "yaml_not_utf8": ("evidence.yaml", 2, ["not UTF-8"]),
    "unknown_field": ("commitments.yaml", 32, ["commitments.C03.titel", "unknown field"]),
    "field_in_wrong_file": ("grants.yaml", 1, ["kpis", "belongs in kpis.yaml"]),
    "wrong_type_flag": ("commitments.yaml", 38, ["commitments.C03.mandatory", "expected true or false", "'yes'"]),
    "wrong_type_number": ("kpis.yaml", 6, ["kpis.K1.baseline.value", "expected a number", "'lots'"]),
    "wrong_shape": ("commitments.yaml", 1, ["commitments", "expected a list"]),
    "top_level_list": ("grants.yaml", 1, ["expected a mapping"]),
    "nan_value": ("assumptions.yaml", 3, ["assumptions.dw.value", "finite number"]),
    "infinite_value": ("finance.yaml", 7, ["finance.police_grant.values.2021/22", "finite number"]),
    "nan_in_csv": ("kpi_actuals.csv", 2, ["value", "finite number", "'nan'"]),
    "negative_cost": ("commitment_costs.csv", 4, ["non_pay_gbp", "must not be negative"]),
    "negative_grant": ("grants.yaml", 7, ["grants.G1.amounts.2021/22", "must not be negative"]),
    "negative_tax_base": ("finance.yaml", 11, ["finance.tax_base", "2022/23", "must not be negative"]),
    "malformed_year": ("finance.yaml", 7, ["'2022/24' is not a financial year", "YYYY/YY"]),
    "malformed_year_csv": ("commitment_costs.csv", 3, ["year", "'2022-23' is not a financial year"]),
    "year_outside_period": ("commitment_costs.csv", 3, ["year 2025/26 is outside the plan period 2021/22 to 2022/23"]),
    "grant_year_outside_period": ("grants.yaml", 7, ["grants.G1.amounts.2019/20", "outside the plan period"]),
    "finance_year_missing": ("finance.yaml", 12, ["finance.baseline_force_costs.values", "no value for 2022/23"]),
    "both_tax_bases": ("finance.yaml", 11, ["finance.tax_base.values.2022/23", "both a total tax_base and billing authorities'"]),
    "authority_tax_base_missing": ("finance.yaml", 20, ["finance.billing_authorities[1].tax_base.values", "no tax base for Southby in 2022/23"]),
    "duplicate_id": ("commitments.yaml", 31, ["commitments.C01.id", "duplicate id 'C01'", "first on line 2"]),
    "unknown_objective": ("commitments.yaml", 14, ["commitments.C02.objective_id", "unknown objective 'O9'"]),
    "unknown_kpi": ("commitments.yaml", 10, ["commitments.C01.kpis[1]", "unknown KPI 'K7'"]),
    "unknown_evidence": ("commitments.yaml", 7, ["commitments.C01.evidence[1]", "unknown evidence 'E404'"]),
    "unknown_theme": ("evidence.yaml", 3, ["evidence.E2.themes[1]", "unknown consultation theme 'E9'"]),
    "unknown_function": ("commitments.yaml", 17, ["commitments.C02.functions[0]", "'f99'", "f01-f14"]),
    "unknown_dependency": ("commitments.yaml", 19, ["commitments.C02.depends_on[0]", "unknown commitment 'C42'"]),
    "unknown_assumption": ("commitments.yaml", 25, ["benefits[0].deadweight", "unknown assumption 'dead_weight'"]),
    "unknown_crime_type": ("commitments.yaml", 23, ["crime_type", "'burglary_of_spaceships'", "unit_costs.csv"]),
    "dependency_cycle": ("commitments.yaml", 20, ["cycle", "C01 -> C02 -> C01"]),
    "share_out_of_range": ("commitments.yaml", 27, ["displacement", "'disp'", "between 0 and 1"]),
    "interval_reversed": ("assumptions.yaml", 2, ["assumptions.vol", "low (40) is above high (10)"]),
    "kpi_wrong_direction": ("kpis.yaml", 2, ["kpis.K1", "direction is 'down'", "other way"]),
    "timeline_end_before_start": ("timeline.yaml", 3, ["timeline.T2", "ends (2021-09-01) before it starts"]),
    "kpi_actual_twice": ("kpi_actuals.csv", 4, ["kpi_actuals", "a second figure for K1 in 2021/22 force-wide", "row 1"]),
    "election_date_mismatch": ("timeline.yaml", 2, ["timeline.T1.start", "election_date 2021-05-06"]),
    "draft_before_election": ("timeline.yaml", 3, ["timeline.T2.start", "the draft was sent to the Panel before the election"]),
    "unknown_local_authority": ("kpi_actuals.csv", 3, ["local_authority", "unknown local authority 'Atlantis'"]),
    "csv_missing_column": ("commitment_costs.csv", 1, ["missing column", "staff_fte"]),
    "csv_extra_column": ("local_authorities.csv", 1, ["unknown column", "area_km2"]),
    "csv_ragged_row": ("commitment_costs.csv", 4, ["row has 8 cells", "header has 9"]),
    "csv_non_numeric": ("commitment_costs.csv", 3, ["non_pay_gbp", "expected a number", "'two million'"]),
    "csv_unclosed_quote": ("unit_costs.csv", 2, ["CSV error", "unclosed quote"]),
    "csv_unknown_commitment": ("commitment_costs.csv", 5, ["commitment_id", "unknown commitment 'C33'"]),
    "csv_not_utf8": ("local_authorities.csv", 2, ["not UTF-8", "0xf6"]),
    "empty_file": ("plan.yaml", None, ["file is empty"]),
    "empty_csv": ("kpi_actuals.csv", None, ["file is empty"]),
    "unknown_file": ("comitments.yaml", None, ["unknown file"]),
}


def test_every_bad_fixture_has_an_expectation():
    assert sorted(p.name for p in BAD.iterdir()) == sorted(CASES)


def _bad_plan(case: str, tmp_path: Path) -> Path:
    target = tmp_path / "plan"
    shutil.copytree(MINIMAL, target)
    for bad_file in (BAD / case).iterdir():
        shutil.copy(bad_file, target / bad_file.name)
    return target


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_reported_with_file_line_and_words(case, tmp_path, monkeypatch):
    file, line, words = CASES[case]
    _bad_plan(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "plan"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    where = f"plan/{file}:{line}:" if line is not None else f"plan/{file}:"
    matching = [row for row in result.output.splitlines() if row.startswith(where)]
    assert matching, f"no problem reported at {where}\n{result.output}"
    assert any(all(w in row for w in words) for row in matching), result.output
    # the Python API reports the same problem and never raises for bad data
    problems = planlib.validate("plan")
    assert any(p.file == f"plan/{file}" and p.line == line for p in problems)
    with pytest.raises(planlib.PlanError) as raised:
        planlib.load_plan("plan")
    assert raised.value.problems == problems


def test_file_over_the_size_limit_is_refused_quickly(plan_copy):
    folder = plan_copy()
    with open(folder / "evidence.yaml", "ab") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no 10 MiB written to disk
    start = time.perf_counter()
    problems = planlib.validate(folder)
    assert time.perf_counter() - start < 5  # refused before parsing, not after
    assert [p.message for p in problems if p.file.endswith("evidence.yaml")] == [
        f"file is {MAX_FILE_BYTES + 1:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes (10 MiB)"
    ]


def test_missing_required_file_is_named(plan_copy):
    folder = plan_copy()
    (folder / "finance.yaml").unlink()
    problems = planlib.validate(folder)
    assert [(Path(p.file).name, p.message) for p in problems] == [("finance.yaml", "required file is missing")]


def test_every_problem_is_listed_not_only_the_first(plan_copy):
    folder = plan_copy()
    for case in ("csv_ragged_row", "nan_value", "yaml_duplicate_key"):
        for bad_file in (BAD / case).iterdir():
            shutil.copy(bad_file, folder / bad_file.name)
    files = {Path(p.file).name for p in planlib.validate(folder)}
    assert files == {"commitment_costs.csv", "assumptions.yaml", "commitments.yaml"}


def test_a_plan_path_that_is_a_file_is_refused(tmp_path):
    file = tmp_path / "plan.yaml"
    file.write_text("id: x\n")
    result = CliRunner().invoke(main, ["validate", str(file)])
    assert result.exit_code == 1
    assert "not a folder" in result.output


def test_the_real_command_exits_1_without_traceback(tmp_path):
    plan = _bad_plan("yaml_alias_bomb", tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "planlib.cli", "validate", str(plan)],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert f"{plan}/assumptions.yaml:1: anchors and aliases" in done.stdout
    assert "1 problem found" in done.stderr


def test_wrong_usage_exits_2():
    result = CliRunner().invoke(main, ["validate", "--no-such-option"])
    assert result.exit_code == 2
    result = CliRunner().invoke(main, ["no-such-command"])
    assert result.exit_code == 2


def test_debug_shows_a_traceback_for_unexpected_errors(monkeypatch):
    def broken(path):
        raise RuntimeError("boom")

    monkeypatch.setattr("planlib.io.plan_folder.load_folder", broken)
    quiet = CliRunner().invoke(main, ["validate", str(MINIMAL)])
    assert quiet.exit_code == 1
    assert "unexpected error: RuntimeError: boom" in quiet.output
    assert "Traceback" not in quiet.output
    loud = CliRunner().invoke(main, ["--debug", "validate", str(MINIMAL)])
    assert loud.exit_code == 1
    assert "Traceback" in loud.output


@pytest.mark.parametrize("name, edit, where", [
    ("horizon.yaml", ("likelihood: 4", "likelihood: 9"), "horizon.yaml:"),
    ("implications.yaml", ("source:", "sauce:"), "implications.yaml:"),
    ("consultation/responses.csv", (",Birmingham,", ",Narnia,"), "responses.csv:"),
])
def test_validate_also_checks_the_register_implications_and_consultation(plan_copy, name, edit, where):
    """The parts of a plan folder that their own commands read are checked by validate too."""
    folder = plan_copy(ROOT / "data" / "west_midlands_2021")
    good = CliRunner().invoke(main, ["validate", str(folder)])
    assert good.exit_code == 0 and "also checked horizon.yaml, implications.yaml, consultation/" in good.output
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    bad = CliRunner().invoke(main, ["validate", str(folder)])
    assert bad.exit_code == 1
    assert where in bad.output and "Traceback" not in bad.output


def test_an_other_grant_missing_a_year_is_reported_not_a_crash_later(plan_copy):
    folder = plan_copy(ROOT / "data" / "west_midlands_2021")
    finance = folder / "finance.yaml"
    text = finance.read_text(encoding="utf-8")
    dropped = "      2024/25: 15000000.0\n  violence_reduction_unit_grant:"
    assert dropped in text
    finance.write_text(text.replace(dropped, "  violence_reduction_unit_grant:"), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 1
    assert "finance.yaml:" in result.output and "other_grants.uplift_ringfenced_grant" in result.output
    assert "no value for 2024/25" in result.output
    run = CliRunner().invoke(main, ["run", str(folder)])
    assert run.exit_code == 1 and "KeyError" not in run.output and "no value for 2024/25" in run.output
