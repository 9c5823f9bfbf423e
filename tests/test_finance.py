"""The finance engine and scenarios: golden results, identities and bad scenario files."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

import planlib
from planlib.cli import main
from planlib.finance import MEASURES
from tests.conftest import FIXTURES, ROOT
from tests.golden.regenerate import GOLDEN, golden_tables

BAD_SCENARIOS = FIXTURES / "bad_scenarios"
EXAMPLE_SCENARIOS = sorted((planlib.DEFAULT_PLAN / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def tables():
    return golden_tables()


def test_there_are_golden_files_for_the_baseline_and_every_example_scenario(tables):
    assert len(EXAMPLE_SCENARIOS) >= 4
    assert sorted(p.name for p in GOLDEN.glob("*.finance.csv")) == sorted(f"{n}.finance.csv" for n in tables)


@pytest.mark.parametrize("name", ["baseline"] + [p.stem for p in EXAMPLE_SCENARIOS])
def test_results_match_the_golden_file(name, tables):
    expected = pd.read_csv(GOLDEN / f"{name}.finance.csv", dtype={"year": str})
    actual = tables[name]
    assert list(actual.columns) == list(expected.columns)
    assert actual[["scenario", "year", "measure", "unit"]].equals(expected[["scenario", "year", "measure", "unit"]])
    np.testing.assert_allclose(actual["value"].to_numpy(), expected["value"].to_numpy(), rtol=1e-9, atol=1e-6)


def _wide(res):
    return res.finance.pivot(index="measure", columns="year", values="value")


def test_identities_hold_for_every_example_scenario(example_plan):
    for file in [None, *EXAMPLE_SCENARIOS]:
        scenario = planlib.Scenario.from_yaml(file) if file else None
        w = _wide(planlib.run(example_plan, scenario))
        np.testing.assert_allclose(w.loc["budget_gap"], w.loc["total_cost"] - w.loc["total_funding"])
        np.testing.assert_allclose(w.loc["precept_income"], w.loc["precept_band_d"] * w.loc["tax_base"])
        np.testing.assert_allclose(w.loc["council_tax_requirement"], w.loc["precept_income"])
        np.testing.assert_allclose(w.loc["total_precept"], w.loc["council_tax_requirement"] + w.loc["collection_fund"])
        grants = (w.loc["police_grant"] + w.loc["former_dclg_grant"] + w.loc["council_tax_support_grant"]
                  + w.loc["pension_grant"] + w.loc["other_grants"])
        np.testing.assert_allclose(w.loc["net_budget_requirement"], grants + w.loc["total_precept"])
        np.testing.assert_allclose(w.loc["total_funding"], w.loc["net_budget_requirement"] + w.loc["use_of_reserves"])
        # the example gives no collection fund and no separate grant lines: total funding as before
        np.testing.assert_allclose(
            w.loc["total_funding"],
            w.loc["police_grant"] + w.loc["other_grants"] + w.loc["precept_income"] + w.loc["use_of_reserves"])
        closing = w.loc["reserves_closing"].to_numpy()
        np.testing.assert_allclose(closing, w.loc["reserves_opening"] - w.loc["use_of_reserves"] - w.loc["budget_gap"])
        np.testing.assert_allclose(w.loc["reserves_opening"].to_numpy()[1:], closing[:-1])


def test_the_table_has_every_measure_for_every_year(example_plan):
    table = planlib.run(example_plan).finance
    assert list(table.columns) == ["scenario", "year", "measure", "value", "unit"]
    assert len(table) == len(MEASURES) * len(example_plan.years)
    assert table["value"].map(math.isfinite).all()


def test_costs_hand_computed_for_2023_24(example_plan):
    f = example_plan.finance
    w = _wide(planlib.run(example_plan))
    y = "2023/24"
    commitment_officers = sum(l.officer_fte for c in example_plan.commitments if c.enabled for l in c.costs if str(l.year) == y)
    officers = f.officer_fte.value(y) + commitment_officers
    # pay index: 2021/22 pay, then the 2022/23 and 2023/24 awards
    unit = f.cost_per_officer.value * (1 + f.officer_on_costs.value) * (1 + f.pay_award.value("2022/23")) * (1 + f.pay_award.value("2023/24"))
    assert w.at["officer_costs", y] == pytest.approx(officers * unit)
    non_pay = f.baseline_force_costs.value(y) * (1 + f.non_pay_inflation.value("2022/23")) * (1 + f.non_pay_inflation.value("2023/24"))
    assert w.at["baseline_force_costs", y] == pytest.approx(non_pay)
    # Band D: £162.55 in 2020/21, then +15, +10, +15 (the published history)
    assert w.at["precept_band_d", y] == pytest.approx(202.55)


def test_an_empty_scenario_gives_exactly_the_baseline(example_plan):
    empty = planlib.Scenario(name="nothing", description="no change", source="test")
    assert empty.apply(example_plan) == example_plan
    base = planlib.run(example_plan).finance
    same = planlib.run(example_plan, empty).finance
    assert same.drop(columns="scenario").equals(base.drop(columns="scenario"))


@settings(max_examples=25, deadline=None)
@given(year_index=st.integers(0, 3), rise=st.floats(0.01, 50))
def test_a_band_d_rise_in_one_year_adds_rise_times_tax_base_from_then_on(example_plan, year_index, rise):
    years = example_plan.years
    year = years[year_index]
    base_increase = example_plan.finance.precept_increase.value(year)
    scenario = planlib.Scenario(name="rise", description="d", source="s",
                                changes={"finance.precept_increase": {str(year): base_increase + rise}})
    before = _wide(planlib.run(example_plan)).loc["precept_income"]
    after = _wide(planlib.run(example_plan, scenario)).loc["precept_income"]
    tax_base = _wide(planlib.run(example_plan)).loc["tax_base"]
    for i, y in enumerate(str(y) for y in years):
        expected = rise * tax_base[y] if i >= year_index else 0.0
        assert after[y] - before[y] == pytest.approx(expected, rel=1e-9, abs=1e-6)


def test_disabling_a_commitment_never_raises_cost(example_plan):
    before = _wide(planlib.run(example_plan)).loc["total_cost"]
    for commitment in example_plan.commitments:
        # with whatever depends on it (a commitment is never counted without what it depends on)
        dropped = {commitment.id}
        while any(d in dropped and c.id not in dropped for c in example_plan.commitments for d in c.depends_on):
            dropped |= {c.id for c in example_plan.commitments if dropped & set(c.depends_on)}
        scenario = planlib.Scenario(name="drop", description="d", source="s",
                                    changes={f"commitments.{cid}.enabled": False for cid in dropped})
        if commitment.mandatory:
            with pytest.raises(planlib.PlanError, match="mandatory"):
                scenario.apply(example_plan)
            continue
        after = _wide(planlib.run(example_plan, scenario)).loc["total_cost"]
        assert (after <= before + 1e-6).all(), commitment.id
        if any(l.non_pay_gbp or l.officer_fte or l.staff_fte for l in commitment.costs):
            assert (after < before).any(), commitment.id


def test_referendum_limit_is_flagged_not_accepted(example_plan):
    scenario = planlib.Scenario.from_yaml(planlib.DEFAULT_PLAN / "scenarios" / "precept_plus_15.yaml")
    flags = _wide(planlib.run(example_plan, scenario)).loc["referendum_required"]
    assert flags["2022/23"] == 1  # £15 against a £10 limit
    assert flags["2023/24"] == 0  # £15 against a £15 limit
    assert _wide(planlib.run(example_plan)).loc["referendum_required"].sum() == 0


def test_reserves_floor_is_flagged(example_plan):
    scenario = planlib.Scenario(name="low_floor", description="d", source="s",
                                changes={"finance.minimum_reserves": 100e6})
    flags = _wide(planlib.run(example_plan, scenario)).loc["reserves_below_minimum"]
    closing = _wide(planlib.run(example_plan)).loc["reserves_closing"]
    assert flags.tolist() == [float(c < 100e6) for c in closing]
    assert flags.sum() >= 1


def test_applying_a_scenario_never_changes_the_baseline(example_plan):
    dump = example_plan.model_dump_json()
    for file in EXAMPLE_SCENARIOS:
        planlib.run(example_plan, planlib.Scenario.from_yaml(file))
    assert example_plan.model_dump_json() == dump


def test_scenario_values_carry_the_scenario_as_their_source(example_plan):
    scenario = planlib.Scenario.from_yaml(planlib.DEFAULT_PLAN / "scenarios" / "pay_award_plus_2.yaml")
    entry = scenario.apply(example_plan).finance.pay_award.values[planlib.FinancialYear("2023/24")]
    assert entry.value == 0.09
    assert entry.source.startswith("scenario pay_award_plus_2:") and entry.status == "illustrative"


def test_compare_includes_the_baseline_and_keeps_its_shape(example_plan):
    scenarios = [planlib.Scenario.from_yaml(f) for f in EXAMPLE_SCENARIOS]
    table = planlib.compare(example_plan, scenarios)
    assert list(table["scenario"].unique()) == ["baseline"] + [s.name for s in scenarios]
    assert len(table) == (len(scenarios) + 1) * len(MEASURES) * len(example_plan.years)


BAD_CASES = {
    "unknown_path": (6, "finance.precept_rise", "did you mean 'finance.precept_increase'"),
    "renamed_path": (5, "finance.neighbourhood_officers_added", "now called 'finance.neighbourhood_officers_in_post'"),
    "malformed_year": (5, "finance.precept_increase", "'2022/24' is not a financial year"),
    "year_outside_period": (5, "finance.police_grant", "year 2026/27 is outside the plan period"),
    "wrong_type": (5, "finance.pay_award", "expected a number, got 'five percent'"),
    "wrong_type_enabled": (5, "commitments.active_citizens_fund.enabled", "expected true or false"),
    "unknown_commitment": (5, "commitments.C99.enabled", "unknown commitment 'C99'"),
    "mandatory_disabled": (5, "commitments.complaint_reviews.enabled", "mandatory (a statutory duty)"),
    "negative_money": (5, "finance.police_grant", "must not be negative"),
    "not_a_year_map": (5, "finance.police_grant", "expected a mapping of financial year"),
    "yaml_syntax": (6, "", "YAML syntax error"),
    "unknown_field": (4, "author", "unknown field"),
    "bad_name": (1, "name", "used in file names"),
}


def test_every_bad_scenario_fixture_has_an_expectation():
    assert sorted(p.stem for p in BAD_SCENARIOS.glob("*.yaml")) == sorted(BAD_CASES)


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_scenario_files_exit_1_naming_file_line_and_path(case, monkeypatch):
    line, path, words = BAD_CASES[case]
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["run", "-s", f"tests/fixtures/bad_scenarios/{case}.yaml"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    prefix = f"tests/fixtures/bad_scenarios/{case}.yaml:{line}: " + (f"{path}: " if path else "")
    assert any(row.startswith(prefix) and words in row for row in result.output.splitlines()), result.output


def test_run_formats(monkeypatch):
    monkeypatch.chdir(ROOT)
    runner = CliRunner()
    scenario = "data/west_midlands_2021/scenarios/precept_plus_15.yaml"
    table = runner.invoke(main, ["run", "-s", scenario])
    assert table.exit_code == 0, table.output
    assert "Budget gap (+ = shortfall)" in table.output and "\u2212£" in table.output   # money one way
    assert "a referendum would be required" in table.output
    csv_out = runner.invoke(main, ["run", "-s", scenario, "--format", "csv"])
    assert csv_out.output.splitlines()[0] == "scenario,year,measure,value,unit"
    json_out = runner.invoke(main, ["run", "--format", "json"])
    import json
    rows = json.loads(json_out.output)
    assert {"scenario", "year", "measure", "value", "unit"} == set(rows[0])
    assert runner.invoke(main, ["run", "--format", "xml"]).exit_code == 2


def test_run_writes_an_excel_workbook(monkeypatch, tmp_path):
    import openpyxl

    monkeypatch.chdir(ROOT)
    out = tmp_path / "results.xlsx"
    result = CliRunner().invoke(main, ["run", "-s", "data/west_midlands_2021/scenarios/pay_award_plus_2.yaml",
                                       "--format", "csv", "--xlsx", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert {"about", "comparison"} <= set(book.sheetnames)
    assert any("pay_award_plus_2" in name for name in book.sheetnames)


def test_a_missing_scenario_file_is_an_input_error(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["run", "-s", "no_such_scenario.yaml"])
    assert result.exit_code == 1
    assert "no_such_scenario.yaml: scenario file not found" in result.output
