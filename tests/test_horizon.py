"""The horizon scanning register: ranking, gap flags, scenarios, bad files and `planlib horizon`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import planlib
from planlib import horizon
from planlib.cli import main
from planlib.horizon import GAP_SCORE
from planlib.io.side_files import load_horizon
from planlib.model.horizon import HorizonItem, HorizonRegister

ITEM = dict(kind="threat", origin="literature_review", horizon_years=1.0, trend="rising", owner="opcc",
            source="test", status="illustrative")


def register(*items: tuple[str, int, int, list[str]]) -> HorizonRegister:
    return HorizonRegister(horizon=[HorizonItem(id=i, title=f"Item {i}", likelihood=l, impact=m, commitments=c, **ITEM)
                                    for i, l, m, c in items])


def test_ranked_by_score_then_impact_then_likelihood_then_file_order(minimal_plan):
    table = horizon.rank(register(
        ("low", 1, 2, []),        # 2
        ("tie_a", 2, 3, []),      # 6, impact 3
        ("high", 5, 5, ["C01"]),  # 25
        ("tie_b", 3, 2, []),      # 6, impact 2: below tie_a
        ("tie_c", 2, 3, []),      # 6, impact 3, after tie_a in the file
    ), minimal_plan)
    assert list(table["id"]) == ["high", "tie_a", "tie_c", "tie_b", "low"]
    assert list(table["score"]) == [25, 6, 6, 6, 2]


@pytest.mark.parametrize("likelihood, impact, commitments, gap", [
    (5, 3, [], True),          # 15: the threshold itself, unanswered
    (3, 5, [], True),
    (2, 5, [], False),         # 10: below the threshold
    (4, 4, ["C01"], False),    # 16, answered by an enabled commitment
])
def test_gap_threshold(minimal_plan, likelihood, impact, commitments, gap):
    table = horizon.rank(register(("x", likelihood, impact, commitments)), minimal_plan)
    assert bool(table.at[0, "gap"]) is gap


def test_gap_flags_on_a_hand_made_register(minimal_plan):
    disabled = minimal_plan.model_copy(update={"commitments": tuple(
        c.model_copy(update={"enabled": False}) if c.id == "C02" else c for c in minimal_plan.commitments)})
    reg = register(
        ("unanswered_15", 5, 3, []),            # 15 and nothing answers it: gap
        ("unanswered_14", 2, 5, []),            # 10: below the threshold, no gap
        ("answered", 4, 4, ["C01"]),            # 16, answered: no gap
        ("answered_by_disabled", 4, 5, ["C02"]),  # 20, its only commitment disabled: gap
        ("one_of_two_left", 5, 5, ["C02", "C03"]),  # 25, C03 still enabled: no gap
    )
    gaps = dict(zip(*horizon.rank(reg, disabled)[["id", "gap"]].to_dict("list").values()))
    assert gaps == {"unanswered_15": True, "unanswered_14": False, "answered": False,
                    "answered_by_disabled": True, "one_of_two_left": False}
    # In the plan with C02 enabled, the item it answers is no gap.
    assert not horizon.rank(reg, minimal_plan).set_index("id").at["answered_by_disabled", "gap"]


def test_a_scenario_dropping_the_answer_to_a_high_scoring_item_makes_it_a_gap(example_plan):
    reg = load_horizon(planlib.DEFAULT_PLAN, example_plan)
    item = next(i for i in reg.horizon if i.id == "fraud_and_cyber")
    assert item.score >= GAP_SCORE and item.commitments == ("fraud_and_cyber_crime",)
    scenario = planlib.Scenario(name="drop_fraud", description="Drop fraud and cyber crime", source="test",
                                changes={"commitments.fraud_and_cyber_crime.enabled": False})
    before = horizon.rank(reg, example_plan).set_index("id")
    after = horizon.rank(reg, scenario.apply(example_plan)).set_index("id")
    assert not before.at["fraud_and_cyber", "gap"] and after.at["fraud_and_cyber", "gap"]
    assert after["gap"].sum() == before["gap"].sum() + 1


def test_example_register_is_sourced_and_answers_its_serious_items(example_plan):
    reg = load_horizon(planlib.DEFAULT_PLAN, example_plan)
    assert len(reg.horizon) >= 7
    for item in reg.horizon:
        assert item.source and item.status in ("verified", "estimate", "illustrative", "unverified")
    titles = " ".join(i.title for i in reg.horizon)
    for topic in ("violence against women and girls", "County lines", "Fraud and cyber crime", "cost of living",
                  "legislation", "Commonwealth Games", "City of Culture"):
        assert topic in titles
    assert not horizon.rank(reg, example_plan)["gap"].any()


GOOD = """horizon:
  - id: a
    title: An item
    kind: threat
    origin: literature_review
    likelihood: 4
    impact: 4
    horizon_years: 1
    trend: rising
    owner: opcc
    commitments: [C01]
    source: test
    status: illustrative
"""


@pytest.mark.parametrize("text, line, words", [
    (GOOD.replace("[C01]", "[C01, C99]"), 11, "horizon.a.commitments: unknown commitment 'C99'"),
    (GOOD.replace("likelihood: 4", "likelihood: 6"), 6, "horizon.a.likelihood: Input should be less than or equal to 5"),
    (GOOD.replace("impact: 4", "impact: '4'"), 7, "horizon.a.impact"),
    (GOOD.replace("trend: rising", "trend: up"), 9, "horizon.a.trend"),
    (GOOD.replace("owner: opcc", "owner: opcc\n    colour: red"), 11, "horizon.a.colour: unknown field"),
    (GOOD.replace("    source: test\n", ""), 2, "horizon.a.source: required field is missing"),
    (GOOD + GOOD.replace("horizon:\n", ""), 14, "duplicate id 'a'"),
    (GOOD.replace("  - id: a", "  - id: a\n    id: b"), 3, "duplicate key 'id'"),
])
def test_bad_register_names_file_line_and_field(plan_copy, minimal_plan, text, line, words):
    folder = plan_copy()
    (folder / "horizon.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(planlib.PlanError) as caught:
        load_horizon(folder, minimal_plan)
    shown = [str(p) for p in caught.value.problems]
    assert any(s.startswith(f"{folder}/horizon.yaml:{line}: ") and words in s for s in shown), shown


def test_plan_loader_ignores_the_register(plan_copy):
    folder = plan_copy()
    (folder / "horizon.yaml").write_text(GOOD, encoding="utf-8")
    assert planlib.validate(folder) == []


def test_cli_json_has_the_issue_shape_in_rank_order():
    result = CliRunner().invoke(main, ["horizon", "--format", "json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert all(set(i) == {"id", "title", "likelihood", "impact", "score", "commitments", "gap"} for i in items)
    assert all(i["score"] == i["likelihood"] * i["impact"] for i in items)
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)


def test_cli_table_and_bad_file(plan_copy, tmp_path: Path):
    result = CliRunner().invoke(main, ["horizon"])
    assert result.exit_code == 0 and "Online-enabled violence against women and girls" in result.output
    assert ": baseline. Horizon scanning register" in result.output
    assert "County lines drug supply and the exploitation of children " in result.output  # never cut short
    folder = plan_copy()
    (folder / "horizon.yaml").write_text(GOOD.replace("[C01]", "[nope]"), encoding="utf-8")
    bad = CliRunner().invoke(main, ["horizon", str(folder)])
    assert bad.exit_code == 1
    assert f"{folder}/horizon.yaml:11: horizon.a.commitments: unknown commitment 'nope'" in bad.output
    assert "Traceback" not in bad.output
    missing = CliRunner().invoke(main, ["horizon", str(tmp_path / "none")])
    assert missing.exit_code == 1 and "plan folder not found" in missing.output


@pytest.mark.slow
def test_overview_app_section_names_a_gap_and_a_bad_register_stops_at_the_folder(example_plan, plan_copy, minimal_plan):
    from planlib.ui.overview import PlanOverview

    scenario = planlib.Scenario(name="drop_fraud", description="Drop fraud and cyber crime", source="test",
                                changes={"commitments.fraud_and_cyber_crime.enabled": False})
    app = PlanOverview(scenario.apply(example_plan), horizon=planlib.load_folder().horizon)
    assert "1 gap: Fraud and cyber crime." in app._horizon_html()
    folder = plan_copy()
    (folder / "horizon.yaml").write_text(GOOD.replace("[C01]", "[C42]"), encoding="utf-8")
    with pytest.raises(planlib.PlanError, match="unknown commitment 'C42'"):
        planlib.load_folder(folder)
    bare = PlanOverview(minimal_plan)   # a plan shown without its register
    assert bare.horizon is None and "Showing all 3 commitments" in bare.selection.value


def test_cli_scenario_turns_the_unanswered_item_into_a_gap(tmp_path: Path):
    scenario = tmp_path / "drop_fraud.yaml"
    scenario.write_text("name: drop_fraud\ndescription: d\nsource: s\nchanges:\n"
                        "  commitments.fraud_and_cyber_crime.enabled: false\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["horizon", "-s", str(scenario), "--format", "json"])
    assert result.exit_code == 0, result.output
    gaps = [i["id"] for i in json.loads(result.output) if i["gap"]]
    assert gaps == ["fraud_and_cyber"]
    table = CliRunner().invoke(main, ["horizon", "-s", str(scenario)]).output
    assert "NONE: GAP" in table and "1 gap." in table
    assert table.splitlines()[0].endswith(": drop_fraud. Horizon scanning register, ranked by likelihood x impact "
                                          "(a gap: scoring 15 or more with no enabled commitment answering it)")
