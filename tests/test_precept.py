"""The precept schedule and the funding lines of a precept decision: hand-worked cases to the penny.

The fixture ``tests/fixtures/billing_authorities/finance.yaml`` (over the minimal plan) gives
2021/22 one total tax base of 100,000 with a £50,000 collection fund surplus, and 2022/23 two
billing authorities: Northtown (61,000.10 Band D equivalents, a £5,000 deficit) and Southby
(40,500.10, a £2,500 surplus). Band D is £162.55 + £15 = £177.55, then £187.55.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

import planlib
from planlib.cli import main
from planlib.model import SignedYearSeries, YearSeries
from planlib.precept import BAND_PROPORTIONS, bands, precept_year, schedule, to_penny
from planlib.types import FinancialYear
from tests.conftest import FIXTURES, MINIMAL

BILLING = FIXTURES / "billing_authorities"


def _folder(tmp_path: Path, finance_text: str | None = None) -> Path:
    target = tmp_path / "plan"
    shutil.copytree(MINIMAL, target)
    text = (BILLING / "finance.yaml").read_text(encoding="utf-8")
    (target / "finance.yaml").write_text(finance_text if finance_text is not None else text, encoding="utf-8")
    return target


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return _folder(tmp_path)


@pytest.fixture
def plan(folder: Path) -> planlib.Plan:
    return planlib.load_plan(folder)


# --------------------------------------------------------------------------- bands


def test_bands_of_the_west_midlands_2020_21_leaflet():
    # Band D £162.55 -> A £108.37 (108.366...), B £126.43 (126.427...), C £144.49 (144.488...)
    got = bands(162.55)
    assert (got["A"], got["B"], got["C"], got["D"]) == (Decimal("108.37"), Decimal("126.43"), Decimal("144.49"),
                                                       Decimal("162.55"))
    assert (got["E"], got["F"], got["G"], got["H"]) == (Decimal("198.67"), Decimal("234.79"), Decimal("270.92"),
                                                       Decimal("325.10"))


def test_statutory_proportions():
    assert [str(p) for p in BAND_PROPORTIONS.values()] == ["2/3", "7/9", "8/9", "1", "11/9", "13/9", "5/3", "2"]


@given(st.integers(min_value=1, max_value=10_000_000))
def test_bands_are_each_within_half_a_penny_of_the_exact_proportion(pennies):
    band_d = Decimal(pennies) / 100
    got = bands(band_d)
    assert got["D"] == band_d and got["H"] == 2 * band_d
    for band, proportion in BAND_PROPORTIONS.items():
        assert abs(Fraction(got[band]) - Fraction(band_d) * proportion) <= Fraction(1, 200)
    assert list(got.values()) == sorted(got.values())


def test_half_a_penny_rounds_up_on_the_figure_as_written():
    # the float 2.675 lies just below 2.675 in binary (round(2.675, 2) == 2.67); a precept decision rounds 2.675 up
    assert to_penny(2.675) == Decimal("2.68")
    assert to_penny(0.125) == Decimal("0.13") and to_penny(0.135) == Decimal("0.14")
    assert to_penny(-5000.005) == Decimal("-5000.01")  # a deficit rounds away from zero, like a surplus
    assert to_penny(Fraction(1, 3)) == Decimal("0.33")


# --------------------------------------------------------------------------- per-authority precepts


def test_precepts_by_billing_authority_hand_worked(plan):
    y = precept_year(plan, "2022/23")
    assert y.band_d == Decimal("187.55")
    north, south = y.billing_authorities
    # 61,000.10 x £187.55 = £11,440,568.755: half a penny, rounded up
    assert (north.name, north.council_tax, north.collection_fund, north.precept) == (
        "Northtown", Decimal("11440568.76"), Decimal("-5000.00"), Decimal("11435568.76"))
    # 40,500.10 x £187.55 = £7,595,793.755
    assert (south.name, south.council_tax, south.collection_fund, south.precept) == (
        "Southby", Decimal("7595793.76"), Decimal("2500.00"), Decimal("7598293.76"))
    assert y.tax_base == pytest.approx(101_500.20)
    # Band D x total tax base: 101,500.20 x £187.55 = £19,036,362.51 exactly; the authorities' own
    # roundings make £19,036,362.52 between them
    assert y.council_tax_requirement == Decimal("19036362.51")
    assert y.collection_fund == Decimal("-2500.00")
    assert y.total_precept == Decimal("19033862.52")


def test_a_year_given_by_one_total_with_a_collection_fund_surplus(plan):
    y = precept_year(plan, "2021/22")
    assert y.billing_authorities == ()
    assert y.council_tax_requirement == Decimal("17755000.00")  # 100,000 x £177.55
    assert y.collection_fund == Decimal("50000.00")
    assert y.total_precept == Decimal("17805000.00")
    assert not y.referendum_required


def test_referendum_check_compares_the_increase_with_the_limit_in_pounds(plan):
    f = plan.finance
    higher = f.precept_increase.model_copy(update={"values": {
        **f.precept_increase.values,
        FinancialYear("2022/23"): f.precept_increase.values[FinancialYear("2022/23")].model_copy(
            update={"value": 10.01})}})
    changed = plan.model_copy(update={"finance": f.model_copy(update={"precept_increase": higher})})
    assert precept_year(changed, "2022/23").referendum_required
    assert not precept_year(plan, "2022/23").referendum_required


def test_the_finance_engine_takes_the_same_tax_base_and_collection_fund(plan):
    w = planlib.run(plan).finance.pivot(index="measure", columns="year", values="value")
    assert w.at["tax_base", "2022/23"] == pytest.approx(101_500.20)
    assert list(w.loc["collection_fund"]) == pytest.approx([50_000.0, -2_500.0])
    assert list(w.loc["council_tax_requirement"]) == pytest.approx(list(w.loc["precept_income"]))
    for y, year in enumerate(schedule(plan)):
        assert w.iloc[:, y]["total_precept"] == pytest.approx(float(year.total_precept), abs=0.05)
    assert list(w.loc["council_tax_support_grant"]) == [2e6, 2e6]
    assert list(w.loc["pension_grant"]) == [1e6, 1.5e6]
    assert list(w.loc["former_dclg_grant"]) == [0.0, 0.0]
    grants = w.loc["police_grant"] + w.loc["former_dclg_grant"] + w.loc["council_tax_support_grant"] \
        + w.loc["pension_grant"] + w.loc["other_grants"]
    assert list(w.loc["net_budget_requirement"]) == pytest.approx(list(grants + w.loc["total_precept"]))
    assert list(w.loc["total_funding"]) == pytest.approx(list(w.loc["net_budget_requirement"] + w.loc["use_of_reserves"]))


def test_the_west_midlands_2020_21_leaflet_adds_up(minimal_plan):
    # net budget requirement £610.64m = police grant (with the former DCLG formula grant) £466.50m
    # + council tax support grant £19.03m + pension grant £6.96m + gross precept £118.15m;
    # gross precept = council tax requirement £116.98m + collection fund surplus £1.17m (Band D £162.55)
    f = minimal_plan.finance
    s = {"unit": "GBP", "source": "West Midlands PCC budget leaflet 2020/21", "confidence": 2, "status": "verified"}
    one_year = {"2021/22": 0.0, "2022/23": 0.0}
    finance = f.model_copy(update={
        "police_grant": YearSeries(**s, values={**one_year, "2021/22": 466.50e6}),
        "council_tax_support_grant": YearSeries(**s, values={**one_year, "2021/22": 19.03e6}),
        "pension_grant": YearSeries(**s, values={**one_year, "2021/22": 6.96e6}),
        "precept_band_d_base": f.precept_band_d_base.model_copy(update={"value": 147.55}),
        "tax_base": f.tax_base.model_copy(update={"values": {
            y: v.model_copy(update={"value": 719_655.0}) for y, v in f.tax_base.values.items()}}),
        "collection_fund": SignedYearSeries(**s, values={**one_year, "2021/22": 1.17e6}),
    })
    leaflet = minimal_plan.model_copy(update={"finance": finance})
    year = precept_year(leaflet, "2021/22")
    assert year.band_d == Decimal("162.55")
    assert round(year.council_tax_requirement / 10**6, 2) == Decimal("116.98")
    assert round(year.total_precept / 10**6, 2) == Decimal("118.15")
    need = planlib.run(leaflet).measure("net_budget_requirement")
    assert round(need["2021/22"] / 1e6, 2) == 610.64


# --------------------------------------------------------------------------- the command


def test_precept_json_for_one_year(folder, monkeypatch):
    monkeypatch.chdir(folder.parent)
    result = CliRunner().invoke(main, ["precept", "plan", "--year", "2022/23", "--format", "json"])
    assert result.exit_code == 0, result.output
    (year,) = json.loads(result.output)
    assert {"year", "band_d", "bands", "billing_authorities", "council_tax_requirement", "total_precept"} <= set(year)
    assert year["year"] == "2022/23" and year["band_d"] == 187.55
    assert year["bands"] == {"A": 125.03, "B": 145.87, "C": 166.71, "D": 187.55, "E": 229.23, "F": 270.91,
                             "G": 312.58, "H": 375.1}
    assert [(a["name"], a["tax_base"], a["collection_fund"], a["precept"]) for a in year["billing_authorities"]] == [
        ("Northtown", 61000.1, -5000.0, 11435568.76), ("Southby", 40500.1, 2500.0, 7598293.76)]
    assert (year["council_tax_requirement"], year["total_precept"]) == (19036362.51, 19033862.52)


def test_precept_table_every_year(folder, monkeypatch):
    monkeypatch.chdir(folder.parent)
    result = CliRunner().invoke(main, ["precept", "plan"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Precept 2021/22" in out and "Precept 2022/23" in out
    assert "given as one total" in out
    assert "Northtown" in out and "−£5,000.00" in out and "£11,435,568.76" in out
    assert "Total precept:" in out and "£19,033,862.52" in out


@pytest.mark.parametrize("year, words", [("2030/31", "not a year of the plan"), ("2021-22", "not a financial year")])
def test_a_year_outside_the_plan_is_a_usage_error(year, words):
    result = CliRunner().invoke(main, ["precept", "--year", year])
    assert result.exit_code == 2 and words in result.output


def test_the_example_has_one_schedule_per_year():
    result = CliRunner().invoke(main, ["precept", "--format", "json"])
    years = json.loads(result.output)
    assert [y["band_d"] for y in years] == [177.55, 187.55, 202.55, 215.55]
    # 733,258 (the tax base estimated from published tax bases) x £187.55, to the penny
    assert years[1]["council_tax_requirement"] == 137_522_537.90


# --------------------------------------------------------------------------- bad input


_CF_TOTAL = "values: {2021/22: 50000}}"
BAD_CASES: dict[str, tuple[str, str, int, list[str]]] = {
    "total collection fund in a year by authority": (
        _CF_TOTAL, "values: {2021/22: 50000, 2022/23: 1000}}", 16,
        ["finance.collection_fund.values.2022/23", "each billing authority's collection_fund"]),
    "collection fund without a tax base": (
        "values: {2022/23: 2500.00}}", "values: {2021/22: 10.0, 2022/23: 2500.00}}", 23,
        ["billing_authorities[1].collection_fund.values.2021/22", "Southby in 2021/22 but no tax base"]),
    "authority named twice": (
        "- name: Southby", "- name: Northtown", 21, ["billing_authorities[1].name", "duplicate name 'Northtown'"]),
    "year outside the period": (
        "values: {2022/23: 61000.10}}", "values: {2022/23: 61000.10, 2024/25: 1.0}}", 19,
        ["billing_authorities[0].tax_base.values.2024/25", "outside the plan period"]),
    "no tax base at all": (
        "values: {2021/22: 100000}}", "values: {}}", 15, ["finance.tax_base.values", "no tax base for 2021/22"]),
    "negative authority tax base": (
        "values: {2022/23: 40500.10}}", "values: {2022/23: -40500.10}}", 22,
        ["billing_authorities[1].tax_base", "must not be negative"]),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_billing_authorities_are_named_with_file_and_line(case, tmp_path):
    old, new, line, words = BAD_CASES[case]
    text = (BILLING / "finance.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    folder = _folder(tmp_path, text.replace(old, new))
    problems = planlib.validate(folder)
    found = [p for p in problems if p.file.endswith("finance.yaml") and p.line == line]
    assert any(all(w in f"{p.field}: {p.message}" for w in words) for p in found), problems


def test_a_total_collection_fund_stands_beside_authorities_that_give_none(tmp_path):
    # a precept decision that gives each authority's tax base but only the total surplus (as West
    # Mercia's 2023/24 record of decision and leaflet do): each authority's line has no collection
    # fund, and the total precept adds the surplus once
    text = (BILLING / "finance.yaml").read_text(encoding="utf-8")
    for old in ("values: {2022/23: -5000.00}}", "values: {2022/23: 2500.00}}"):
        assert text.count(old) == 1
        text = text.replace(old, "values: {}}")
    text = text.replace("values: {2021/22: 50000}}", "values: {2021/22: 50000, 2022/23: 1000.005}}")
    plan = planlib.load_plan(_folder(tmp_path, text))
    year = precept_year(plan, "2022/23")
    assert [a.collection_fund for a in year.billing_authorities] == [Decimal("0.00"), Decimal("0.00")]
    assert year.collection_fund == Decimal("1000.01")
    assert year.total_precept == sum(a.council_tax for a in year.billing_authorities) + Decimal("1000.01")
    run = planlib.run(plan).finance
    fund = run[(run.measure == "collection_fund") & (run.year == "2022/23")]["value"].item()
    assert fund == pytest.approx(1000.005)


def test_a_plan_with_billing_authorities_saves_and_loads_unchanged(plan, tmp_path):
    planlib.save_plan(plan, tmp_path / "copy")
    assert planlib.load_plan(tmp_path / "copy") == plan


def test_a_scenario_raising_the_precept_raises_each_authoritys_council_tax(plan):
    scenario = planlib.Scenario(name="more", description="d", source="s",
                                changes={"finance.precept_increase": {"2022/23": 12}})
    before, after = precept_year(plan, "2022/23"), precept_year(scenario.apply(plan), "2022/23")
    assert after.band_d - before.band_d == 2
    north_before, north_after = before.billing_authorities[0], after.billing_authorities[0]
    assert north_after.council_tax - north_before.council_tax == Decimal("122000.20")  # 61,000.10 x £2
