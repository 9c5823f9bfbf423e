"""The lever model (planlib.levers) and its words (planlib.present.levers), without any widget.

The scenario explorer's controls set :class:`~planlib.levers.Settings`; these tests check the
arithmetic the settings make (the precept, grant, pay and officer changes), that every setting
of the levers saves as a scenario and loads back exactly, and what the board member reads.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings as hypothesis_settings, strategies as st

import planlib
from planlib import levers as lv_module
from planlib.cli import main
from planlib.errors import ScenarioError
from planlib.levers import (
    GRANT_CHANGE_RANGE,
    GRANT_STEP,
    OFFICER_STEP,
    PAY_CHANGE_RANGE,
    PAY_STEP,
    PRECEPT_STEP,
    Settings,
    baseline_settings,
    levers,
    officer_commitment,
    scenario_changes,
    settings_from_scenario,
)
from planlib.present.levers import (
    balance_sentence,
    by_year_html,
    comparison_html,
    describe,
    figures,
    headline_html,
    no_officers_lever,
)
from planlib.model import LeverDeclaration
from planlib.present.portfolio import suggestion_html
from planlib.scenario import Scenario

from tests.conftest import MINIMAL

PLAN = planlib.load_plan(planlib.DEFAULT_PLAN)
OFFICERS = "neighbourhood_policing_450"  # the example's commitment that carries the neighbourhood officers


def run_settings(settings: Settings) -> planlib.Result:
    changes = scenario_changes(PLAN, settings)
    return planlib.run(PLAN, Scenario(name="levers", description="d", source="s", changes=changes))


def gap(result: planlib.Result, year: str) -> float:
    return float(result.measure("budget_gap")[year])


BASE = planlib.run(PLAN)
SETTINGS = baseline_settings(PLAN)


# --------------------------------------------------------------------------- which commitment carries the officers


def test_the_officers_lever_phases_the_commitment_the_plan_declares():
    assert PLAN.levers.officer_commitment == OFFICERS  # plan.yaml: levers: {officer_commitment: ...}
    assert officer_commitment(PLAN) == OFFICERS and levers(PLAN).neighbourhood == OFFICERS
    assert no_officers_lever(levers(PLAN)) is None
    assert not any(isinstance(v, str) and v == OFFICERS for v in vars(lv_module).values())
    assert not hasattr(lv_module, "commitment_with_most_officers")  # no guessing from the costs


def test_a_plan_that_declares_no_officer_commitment_offers_no_officers_lever_and_says_why():
    for undeclared in (PLAN.model_copy(update={"levers": None}),
                       PLAN.model_copy(update={"levers": LeverDeclaration()})):
        lv = levers(undeclared)
        assert lv.neighbourhood is None and not lv.officers_declared
        assert baseline_settings(undeclared).neighbourhood_officers is None
        assert "levers: officer_commitment" in no_officers_lever(lv)
        # every other lever still works
        settings = baseline_settings(undeclared).replace(pay_award_change_pp=1.0, neighbourhood_officers=380)
        assert set(scenario_changes(undeclared, settings)) == {"finance.pay_award"}


def test_a_minimal_plan_without_the_declaration_has_the_other_levers(minimal_plan: planlib.Plan):
    lv = levers(minimal_plan)
    assert lv.neighbourhood is None and lv.precept_years and lv.optional
    assert scenario_changes(minimal_plan, baseline_settings(minimal_plan)) == {}


def test_an_officer_commitment_the_plan_does_not_have_is_reported_with_file_and_line(tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(MINIMAL, folder)
    with (folder / "plan.yaml").open("a", encoding="utf-8") as f:
        f.write("levers:\n  officer_commitment: C99\n")
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    line = len((folder / "plan.yaml").read_text(encoding="utf-8").splitlines())
    assert f"plan.yaml:{line}: levers.officer_commitment: unknown commitment 'C99'" in result.output


# --------------------------------------------------------------------------- the arithmetic of each lever


def test_the_baseline_settings_change_nothing():
    assert scenario_changes(PLAN, SETTINGS) == {}
    assert SETTINGS.neighbourhood_officers == 450 and all(SETTINGS.funded.values())


def test_a_higher_precept_narrows_the_gap_by_the_extra_precept_income():
    result = run_settings(SETTINGS.replace(precept_increase={**SETTINGS.precept_increase, "2023/24": 20.0}))
    tax_base = BASE.measure("tax_base")
    assert gap(result, "2023/24") == pytest.approx(gap(BASE, "2023/24") - 5 * tax_base["2023/24"])
    assert gap(result, "2024/25") == pytest.approx(gap(BASE, "2024/25") - 5 * tax_base["2024/25"])
    assert result.measure("referendum_required")["2023/24"] == 1


def test_the_grant_lever_changes_only_the_forecast_years():
    result = run_settings(SETTINGS.replace(grant_change_pct=-2.0))
    assert gap(result, "2024/25") == pytest.approx(gap(BASE, "2024/25") + 0.02 * PLAN.finance.police_grant.value("2024/25"))
    assert gap(result, "2022/23") == pytest.approx(gap(BASE, "2022/23"))


def test_the_pay_lever_adds_percentage_points_to_each_remaining_award():
    changes = scenario_changes(PLAN, SETTINGS.replace(pay_award_change_pp=1.0))
    assert changes["finance.pay_award"] == {y: round(PLAN.finance.pay_award.value(y) + 0.01, 6)
                                            for y in levers(PLAN).pay_years}
    assert gap(run_settings(SETTINGS.replace(pay_award_change_pp=1.0)), "2024/25") > gap(BASE, "2024/25")


def test_fewer_officers_are_phased_in_the_plan_s_proportions_and_cost_less():
    changes = scenario_changes(PLAN, SETTINGS.replace(neighbourhood_officers=380))
    in_post = changes["finance.neighbourhood_officers_in_post"]
    assert in_post["2024/25"] == 380
    assert list(in_post.values()) == sorted(in_post.values())
    assert set(changes) == {"finance.neighbourhood_officers_in_post", f"commitments.{OFFICERS}.costs.officer_fte"}
    result = run_settings(SETTINGS.replace(neighbourhood_officers=380))
    assert gap(result, "2024/25") < gap(BASE, "2024/25")
    assert result.measure("officers_neighbourhood")["2024/25"] == 380


def test_officers_are_not_changed_when_their_commitment_is_dropped():
    dropped = SETTINGS.replace(neighbourhood_officers=380, funded={**SETTINGS.funded, OFFICERS: False})
    assert scenario_changes(PLAN, dropped) == {f"commitments.{OFFICERS}.enabled": False}


def test_dropping_a_commitment_saves_its_cost():
    result = run_settings(SETTINGS.replace(funded={**SETTINGS.funded, "victims_services": False}))
    assert gap(result, "2023/24") < gap(BASE, "2023/24")


# --------------------------------------------------------------------------- saving and loading settings


@pytest.mark.parametrize("name", ["precept_plus_15", "precept_plus_10", "pay_award_plus_2", "grant_1pc_below_forecast"])
def test_the_example_scenarios_load_into_the_levers_exactly(name: str):
    scenario = Scenario.from_yaml(planlib.DEFAULT_PLAN / "scenarios" / f"{name}.yaml")
    settings = settings_from_scenario(PLAN, scenario)
    again = Scenario(name="again", description="d", source="s", changes=scenario_changes(PLAN, settings))
    pd.testing.assert_series_equal(planlib.run(PLAN, again).measure("budget_gap"),
                                   planlib.run(PLAN, scenario).measure("budget_gap"))


def test_a_scenario_the_levers_cannot_show_names_the_change():
    phased = Scenario.from_yaml(planlib.DEFAULT_PLAN / "scenarios" / "neighbourhood_uplift_phased.yaml")
    with pytest.raises(ScenarioError, match="can be compared but not loaded") as caught:
        settings_from_scenario(PLAN, phased)
    assert caught.value.field in phased.changes


def _grid(low: float, high: float, step: float) -> st.SearchStrategy[float]:
    return st.integers(0, round((high - low) / step)).map(lambda k: round(low + k * step, 6))


@st.composite
def lever_settings(draw: st.DrawFn) -> Settings:
    lv = levers(PLAN)
    return Settings(
        precept_increase={y: draw(_grid(0.0, lv.precept_max, PRECEPT_STEP)) for y in lv.precept_years},
        grant_change_pct=draw(_grid(*GRANT_CHANGE_RANGE, GRANT_STEP)),
        pay_award_change_pp=draw(_grid(*PAY_CHANGE_RANGE, PAY_STEP)),
        neighbourhood_officers=int(draw(_grid(lv.neighbourhood_min, lv.neighbourhood_max, OFFICER_STEP))),
        funded=_consistent({cid: draw(st.booleans()) for cid in lv.optional}),
    )


def _consistent(funded: dict[str, bool]) -> dict[str, bool]:
    """``funded`` with whatever depends on a dropped commitment dropped too (what the app lets a
    board member reach: it refuses to drop what a funded commitment needs)."""
    changed = True
    while changed:
        changed = False
        for c in PLAN.commitments:
            if funded.get(c.id) and any(not funded.get(d, True) for d in c.depends_on):
                funded[c.id] = False
                changed = True
    return funded


@hypothesis_settings(max_examples=60, deadline=None)
@given(lever_settings())
def test_every_setting_of_the_levers_saves_and_loads_back(settings: Settings):
    scenario = Scenario(name="round_trip", description=describe(PLAN, settings), source="test",
                        changes=scenario_changes(PLAN, settings))
    scenario = Scenario.from_yaml_text(scenario.to_yaml())  # as the store keeps it
    loaded = settings_from_scenario(PLAN, scenario)
    if not settings.funded[OFFICERS]:
        settings = settings.replace(neighbourhood_officers=loaded.neighbourhood_officers)  # not saved when dropped
    assert loaded == settings
    planlib.run(PLAN, scenario)  # and it applies


# --------------------------------------------------------------------------- what the board member reads


def test_the_baseline_says_plainly_that_the_plan_does_not_balance():
    assert balance_sentence(BASE.measure("budget_gap")) == \
        "The plan does not balance in 2023/24 and 2024/25: a shortfall of £12.6m and £10.5m."


def test_describe_names_titles_and_money_as_a_board_paper_does():
    settings = SETTINGS.replace(precept_increase={**SETTINGS.precept_increase, "2022/23": 12.5}, grant_change_pct=-1.0,
                                funded={**SETTINGS.funded, "active_citizens_fund": False})
    text = describe(PLAN, settings)
    assert text.startswith("Band D increase £12.50 in 2022/23 (baseline £10.00); police grant \u22121.0% on the forecast")
    assert "not funded: Small grants for community groups through the Active Citizens Fund" in text


def test_the_flags_shown_are_the_finance_engine_s_own():
    """The referendum and reserves flags come from the finance result, not from a second sum."""
    result = run_settings(SETTINGS.replace(precept_increase={**SETTINGS.precept_increase, "2023/24": 20.0}))
    m = figures(result.finance)
    m["referendum_required"]["2023/24"] = 0.0  # were the flag worked out again, this would not show
    m["reserves_below_minimum"]["2024/25"] = 1.0
    headline = headline_html(m, levers(PLAN).precept_years)
    assert "referendum" not in headline and "Reserves fall below" in headline
    row = re.search(r"<tr[^>]*><td>Band D increase</td>.*?</tr>", by_year_html(m, m["budget_gap"])).group(0)
    assert "planlib-flag" not in row
    table = comparison_html({"Baseline": figures(BASE.finance), "Yours": m}, [str(y) for y in PLAN.years])
    assert table.count("planlib-flag") >= 1 and ">No</td>" in table


def test_a_commitment_whose_dependency_the_plan_switches_off_is_explained():
    """young_people_prevention needs violence_reduction_partnership; a plan that has switched the
    latter off leaves the former no option: the suggestion says why, with no NaN or empty NPV."""
    off = tuple(c.model_copy(update={"enabled": False}) if c.id == "violence_reduction_partnership" else c
                for c in PLAN.commitments)
    result = planlib.optimise(PLAN.model_copy(update={"commitments": off}), samples=500, frontier=False)
    shown = suggestion_html(result)
    title = PLAN.commitment("young_people_prevention").title
    needed = PLAN.commitment("violence_reduction_partnership").title
    items = [x for x in re.findall(r"<li>(.*?)</li>", shown) if x.startswith(title)]
    assert items == [f"{title}: cannot be chosen: it needs {needed}, which is switched off"]
    assert "nan" not in shown.lower()
