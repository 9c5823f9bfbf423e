"""The plan's wider financial implications (seed 000 para 30), each recomputed by hand.

The oracles use the minimal plan (tests/fixtures/minimal) and its commitment C02 (a grant to the
Violence Reduction Partnership: £500,000 non-pay and 3 staff FTE in 2021/22), in 2021/22, the
year the pay figures are dated, so no pay award or inflation index applies:

- a staff post costs £35,000 x 1.25 = £43,750; an officer £55,000 x 1.30 = £71,500;
- C01 (Chief Constable): £1,000,000 + 20 x £71,500 = £2,430,000;
- C02 (partner, grant): £500,000 + 3 x £43,750 = £631,250;
- C03 (OPCC): £100,000 + 2 x £43,750 = £187,500;
- total revenue cost: £20m + 1,020 x £71,500 + 505 x £43,750 + £1.6m = £116,623,750.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import planlib
from planlib import implications as im
from planlib.cli import main
from planlib.io.side_files import load_implications
from planlib.model.implications import ImplicationSettings
from planlib.present.implications import PART_TITLES

SETTINGS = """delegation_thresholds:
  commissioner_decision: {value: 600000.0, unit: GBP, source: test, status: illustrative, confidence: 5}
  grant_decision: {value: 400000.0, unit: GBP, source: test, status: illustrative, confidence: 5}
capital_financing:
  minimum_revenue_provision_rate: {value: 0.04, unit: share a year, source: test, status: unverified, confidence: 5}
  interest_rate: {value: 0.025, unit: share a year, source: test, status: illustrative, confidence: 5}
reserves_strategy:
  unit: GBP
  source: test
  status: illustrative
  confidence: 5
  values: {2021/22: 11000000.0, 2022/23: 9000000.0}
fees_and_charges:
  firearms_licensing:
    unit: GBP
    source: test
    status: illustrative
    confidence: 5
    values: {2021/22: 200000.0, 2022/23: 210000.0}
"""
YEAR = "2021/22"
TOTAL_COST = 116_623_750.0


@pytest.fixture
def folder(plan_copy) -> Path:
    target = plan_copy()
    (target / "implications.yaml").write_text(SETTINGS, encoding="utf-8")
    return target


@pytest.fixture
def settings(folder, minimal_plan) -> ImplicationSettings:
    return load_implications(folder, minimal_plan)


def without_c02(plan: planlib.Plan) -> planlib.Plan:
    scenario = planlib.Scenario(name="no_c02", description="Drop C02", source="test",
                                changes={"commitments.C02.enabled": False})
    return scenario.apply(plan)


def value(table, part: str, measure: str, year: str = YEAR, subject: str = "") -> float:
    rows = table[(table.part == part) & (table.measure == measure) & (table.year == year) & (table.subject == subject)]
    assert len(rows) == 1, f"{part}.{measure} {subject} {year}: {len(rows)} rows"
    return float(rows["value"].iloc[0])


def test_total_cost_oracle_matches_the_finance_engine(minimal_plan):
    assert planlib.run(minimal_plan).measure("total_cost")[YEAR] == pytest.approx(TOTAL_COST)


def test_a_precept(minimal_plan, settings):
    t = im.implications(minimal_plan, settings)
    assert value(t, "a", "precept_band_d") == pytest.approx(177.55)            # £162.55 + £15
    assert value(t, "a", "precept_income") == pytest.approx(177.55 * 100_000)  # x the tax base
    assert value(t, "a", "precept_increase_percent") == pytest.approx(15 / 162.55)
    assert value(t, "a", "precept_share_of_funding") == pytest.approx(17_755_000 / (100e6 + 17_755_000))
    assert value(t, "a", "referendum_required") == 0.0


def test_b_the_chief_constables_budget_and_c02(minimal_plan, settings):
    t = im.implications(minimal_plan, settings)
    assert value(t, "b", "cc_core_budget") == pytest.approx(20e6 + 1000 * 71_500 + 500 * 43_750)
    assert value(t, "b", "cc_ringfenced_commitments") == pytest.approx(2_430_000)   # C01
    assert value(t, "b", "commissioner_held") == pytest.approx(631_250 + 187_500)  # C02 + C03
    assert value(t, "b", "cc_share_of_revenue_cost") == pytest.approx((TOTAL_COST - 818_750) / TOTAL_COST)
    dropped = im.implications(without_c02(minimal_plan), settings)
    assert value(t, "b", "commissioner_held") - value(dropped, "b", "commissioner_held") == pytest.approx(631_250)
    assert value(dropped, "b", "cc_core_budget") == pytest.approx(value(t, "b", "cc_core_budget"))


def test_c_reserves_and_the_revenue_cost_of_c02s_capital(minimal_plan, settings):
    with_capital = minimal_plan.model_copy(update={"commitments": tuple(
        c.model_copy(update={"costs": (c.costs[0].model_copy(update={"capital_gbp": 1_000_000.0}),)}) if c.id == "C02" else c
        for c in minimal_plan.commitments)})
    t = im.implications(with_capital, settings)
    # funding £100m + £17.755m - (-£1m into reserves) ... gap = cost - (£100m + £17.755m - £1m)
    gap = TOTAL_COST - (100e6 + 17_755_000 - 1e6)
    closing = 10e6 - (-1e6) - gap
    assert value(t, "c", "reserves_closing") == pytest.approx(closing)
    assert value(t, "c", "reserves_against_strategy") == pytest.approx(closing - 11e6)
    assert value(t, "c", "reserves_above_minimum") == pytest.approx(closing - 3e6)
    assert value(t, "c", "capital_spend") == pytest.approx(1e6)
    # Borrowed at the end of 2021/22: nothing to pay that year; 4% MRP and 2.5% interest the next.
    assert value(t, "c", "minimum_revenue_provision") == 0.0
    assert value(t, "c", "minimum_revenue_provision", "2022/23") == pytest.approx(40_000)
    assert value(t, "c", "interest", "2022/23") == pytest.approx(25_000)
    assert value(t, "c", "revenue_cost_of_capital", "2022/23") == pytest.approx(65_000)
    assert value(t, "c", "capital_financing_requirement", "2022/23") == pytest.approx(960_000)
    # Capital stays out of the revenue budget: the MTFP's reserves do not move.
    assert value(im.implications(minimal_plan, settings), "c", "reserves_closing") == pytest.approx(closing)


def test_d_fees_and_charges(minimal_plan, settings):
    t = im.implications(minimal_plan, settings)
    assert value(t, "d", "firearms_licensing") == 200_000
    assert value(t, "d", "fees_and_charges_total") == 200_000
    assert value(t, "d", "fees_share_of_revenue_cost") == pytest.approx(200_000 / TOTAL_COST)


def test_e_commissioning_routes_and_grants(minimal_plan, settings):
    t = im.implications(minimal_plan, settings)
    assert value(t, "e", "commissioned_grant") == pytest.approx(631_250)   # C02 is commissioned by grant
    assert value(t, "e", "commissioned_contract") == 0.0
    assert value(t, "e", "commissioned_partnership") == 0.0
    assert value(t, "e", "grants_made") == 500_000 and value(t, "e", "grants_made_count") == 1
    dropped = im.implications(without_c02(minimal_plan), settings)
    assert value(dropped, "e", "commissioned_grant") == 0.0
    assert value(dropped, "e", "grants_made") == 0.0   # G1 goes with its commitment


def test_f_delegations(minimal_plan, settings):
    t = im.implications(minimal_plan, settings)
    # C02's £631,250 and C01's £2,430,000 pass the £600,000 threshold; C03's £187,500 does not.
    assert value(t, "f", "commissioner_decision", subject="C02") == pytest.approx(631_250)
    assert value(t, "f", "commissioner_decision", subject="C01") == pytest.approx(2_430_000)
    assert t[(t.measure == "commissioner_decision") & (t.subject == "C03")].empty
    assert value(t, "f", "grant_decision", subject="G1") == 500_000              # above £400,000
    assert value(t, "f", "decisions_required") == 3
    assert "C02: Violence reduction programme" in t[(t.subject == "C02")]["note"].iloc[0]
    dropped = im.implications(without_c02(minimal_plan), settings)
    assert value(dropped, "f", "decisions_required") == 1


def test_g_external_income(minimal_plan, settings):
    t = im.implications(minimal_plan, settings)
    assert value(t, "g", "police_grant") == 100e6
    assert value(t, "g", "external_income_total") == pytest.approx(100e6 + 200_000)
    assert value(t, "g", "external_share_of_income") == pytest.approx(100.2e6 / (100.2e6 + 17_755_000))



def with_funding_lines(plan: planlib.Plan) -> planlib.Plan:
    """The minimal plan with a council tax support grant of £2m, a pension grant of £1m and a
    collection fund deficit of £0.5m in each year: lines the income before reserves must count."""
    def series(value: float) -> dict:
        return {"unit": "GBP", "source": "test", "status": "illustrative", "confidence": 5,
                "values": {str(y): value for y in plan.years}}
    finance = plan.finance.model_validate({**plan.finance.model_dump(), "council_tax_support_grant": series(2e6),
                                           "pension_grant": series(1e6), "collection_fund": series(-0.5e6)})
    return plan.model_copy(update={"finance": finance})


def test_income_before_reserves_counts_every_funding_line_and_the_collection_fund(minimal_plan, settings):
    plan = with_funding_lines(minimal_plan)
    t = im.implications(plan, settings)
    precept = 17_755_000 - 0.5e6                 # precept income less the collection fund deficit
    grants = 100e6 + 2e6 + 1e6
    assert planlib.run(plan).measure("net_budget_requirement")[YEAR] == pytest.approx(grants + precept)
    assert value(t, "a", "precept_income") == pytest.approx(17_755_000)
    assert value(t, "a", "precept_share_of_funding") == pytest.approx(precept / (grants + precept))
    assert value(t, "g", "council_tax_support_grant") == 2e6 and value(t, "g", "pension_grant") == 1e6
    assert t[(t.part == "g") & (t.measure == "former_dclg_grant")].empty     # not given: no row
    assert value(t, "g", "external_income_total") == pytest.approx(grants + 200_000)
    assert value(t, "g", "external_share_of_income") == pytest.approx((grants + 200_000) / (grants + 200_000 + precept))

def test_parts_add_up_on_the_example(example_plan):
    t = im.implications(example_plan, load_implications(planlib.DEFAULT_PLAN, example_plan))
    total = planlib.run(example_plan).measure("total_cost")
    for year in example_plan.years:
        y = str(year)
        parts = sum(value(t, "b", m, y) for m in ("cc_core_budget", "cc_ringfenced_commitments", "commissioner_held"))
        assert parts == pytest.approx(total[y])
    assert set(t["part"]) == set(im.PARTS) and t["unit"].str.len().gt(0).all()


@pytest.mark.parametrize("change, line, words", [
    (("unit: GBP, source: test, status: illustrative, confidence: 5}\n  grant", "unit: EUR, source: test, status: illustrative, confidence: 5}\n  grant"),
     2, "delegation_thresholds.commissioner_decision.unit: expected GBP"),
    (("{2021/22: 11000000.0, 2022/23: 9000000.0}", "{2021/22: 11000000.0}"), 12, "reserves_strategy.values: no value for 2022/23"),
    (("2022/23: 9000000.0}", "2022/23: 9000000.0, 2030/31: 1.0}"), 12, "year 2030/31 is outside the plan period"),
    (("value: 0.04,", "value: -0.04,"), 5, "must not be negative"),
    (("value: 0.04,", "value: 4,"), 5, "capital_financing.minimum_revenue_provision_rate: a rate is a share between 0 and 1"),
    (("value: 0.025,", "value: 2.5,"), 6, "capital_financing.interest_rate: a rate is a share between 0 and 1"),
    (("capital_financing:", "capital_financing:\n  rate: 3"), 5, "capital_financing.rate: unknown field"),
])
def test_bad_settings_name_file_line_and_field(folder, minimal_plan, change, line, words):
    path = folder / "implications.yaml"
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(planlib.PlanError) as caught:
        load_implications(folder, minimal_plan)
    shown = [str(p) for p in caught.value.problems]
    assert any(s.startswith(f"{folder}/implications.yaml:{line}: ") and words in s for s in shown), shown


def test_cli_json_shape_and_scenario(folder):
    result = CliRunner().invoke(main, ["implications", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == list("abcdefg")
    assert all(set(row) == {"year", "measure", "value", "unit", "note"} for rows in data.values() for row in rows)
    scenario = folder.parent / "no_c02.yaml"
    scenario.write_text("name: no_c02\ndescription: d\nsource: s\nchanges:\n  commitments.C02.enabled: false\n", encoding="utf-8")
    dropped = json.loads(CliRunner().invoke(main, ["implications", str(folder), "-s", str(scenario), "--format", "json"]).output)
    grant = {r["year"]: r["value"] for r in dropped["e"] if r["measure"] == "commissioned_grant"}
    assert grant[YEAR] == 0.0


def test_cli_table_and_a_missing_settings_file(plan_copy):
    result = CliRunner().invoke(main, ["implications"])
    assert result.exit_code == 0
    for part in PART_TITLES.values():
        assert part in result.output
    bare = plan_copy()
    missing = CliRunner().invoke(main, ["implications", str(bare)])
    assert missing.exit_code == 1 and "implications.yaml" in missing.output and "Traceback" not in missing.output


def test_settings_missing_a_year_are_an_error_not_a_silent_nan(minimal_plan, settings):
    short = settings.reserves_strategy.model_copy(update={"values": {k: v for k, v in settings.reserves_strategy.values.items()
                                                                      if str(k) == YEAR}})
    with pytest.raises(planlib.PlanError, match="reserves_strategy.values: no value for 2022/23"):
        im.implications(minimal_plan, settings.model_copy(update={"reserves_strategy": short}))


PLAN_FOLDERS_WITH_IMPLICATIONS = sorted(p.parent for p in (Path(__file__).parent.parent / "data").glob("*/implications.yaml"))


@pytest.mark.parametrize("plan_folder", PLAN_FOLDERS_WITH_IMPLICATIONS, ids=lambda p: p.name)
def test_decisions_are_named_by_title_not_id(plan_folder):
    from planlib.implications import implications
    from planlib.io.plan_folder import load_folder
    from planlib.present.implications import report_html, text_table

    folder = load_folder(plan_folder, parts=["implications"])
    table = implications(folder.plan, folder.implications)
    text, page = text_table(table, folder.plan.name), report_html(table)
    decided = set(table.loc[table["subject"] != "", "subject"])
    assert decided, "the example has decisions to name"
    for subject in decided:
        assert not re.search(rf"\b{re.escape(subject)}\b", text), subject
        assert not re.search(rf"\b{re.escape(subject)}\b", page), subject
    for c in folder.plan.commitments:
        if c.id in decided:
            assert f"Decision needed: {c.title}" in page
            assert f"Decision needed: {c.title[:40]}" in text
    assert "Decision needed: grant to " in text
