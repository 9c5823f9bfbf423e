"""The embedded example plan: valid, deterministic, and faithful to its sources."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from click.testing import CliRunner

import planlib
from planlib.cli import main
from planlib.reference import statutory_function_ids

from tests.conftest import ROOT

SHARED_REFERENCE = ROOT.parent / "shared" / "reference"
needs_reference = pytest.mark.skipif(not SHARED_REFERENCE.exists(), reason="shared/reference is not beside this clone")


def test_example_validates_cleanly_from_the_command_line(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("data/west_midlands_2021: valid: ")
    assert planlib.validate() == []


def test_example_loads_deterministically(example_plan):
    again = planlib.load_plan(planlib.DEFAULT_PLAN)
    assert again == example_plan
    assert again.model_dump_json() == example_plan.model_dump_json()


def test_example_has_the_shape_of_the_2021_25_plan(example_plan):
    plan = example_plan
    assert plan.police_area == "West Midlands"
    assert (str(plan.period.first), str(plan.period.last)) == ("2021/22", "2024/25")
    assert str(plan.election_date) == "2021-05-06"
    assert len(plan.sections) == 6
    assert 20 <= len(plan.commitments) <= 30
    assert {c.workstream for c in plan.commitments} == {
        "governance", "police_collaboration", "partnership", "influence", "review"}
    served = {f for c in plan.commitments for f in c.functions}
    assert served >= statutory_function_ids(), "every statutory function f01-f14 is served"
    assert any(c.mandatory for c in plan.commitments)


def test_every_number_in_the_example_has_a_source_and_status(example_plan):
    plan = example_plan
    for c in plan.commitments:
        for line in c.costs:
            assert line.source and line.status
    for a in plan.assumptions:
        assert a.source and a.status and a.unit
    for series in plan.finance.series().values():
        for entry in series.values.values():
            assert entry.source and entry.status
    for u in plan.unit_costs:
        assert u.source and u.status


def test_commitments_with_benefits_use_registered_assumptions(example_plan):
    with_benefits = [c for c in example_plan.commitments if c.benefits]
    assert len(with_benefits) >= 5
    used = Counter(ref for c in with_benefits for b in c.benefits for ref in b.assumption_refs().values())
    assert any(n > 1 for n in used.values()), "shared assumptions are shared, not copied"


def test_the_450_neighbourhood_officers_commitment(example_plan):
    target = example_plan.finance.neighbourhood_officer_target
    assert target.value == 450 and target.status == "verified"
    in_post = [example_plan.finance.neighbourhood_officers_in_post.value(y) for y in example_plan.years]
    assert in_post == sorted(in_post), "cumulative: never falls"
    assert in_post[-1] == pytest.approx(450)
    assert in_post[0] == 177  # recruited by December 2021 (Express & Star, 31 Dec 2021)


def _reference_rows(name: str) -> list[dict[str, str]]:
    with open(SHARED_REFERENCE / name, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@needs_reference
def test_unit_costs_of_crime_match_the_reference(example_plan):
    reference = {r["crime_type"]: r for r in _reference_rows("home_office_unit_costs_of_crime.csv")}
    plan_costs = {u.crime_type: u for u in example_plan.unit_costs}
    assert set(plan_costs) == set(reference)
    for crime_type, row in reference.items():
        unit = plan_costs[crime_type]
        assert unit.unit_cost_gbp == float(row["unit_cost_gbp"])
        assert str(unit.price_year) == row["price_year"]
        if row["source"].startswith("same"):  # the reference's "same" means the row above's source
            assert "Research Report 99" in unit.source
        else:
            assert unit.source == row["source"]
        if row["status"].startswith("UNVERIFIED"):
            assert unit.status == "unverified", crime_type


@needs_reference
def test_local_authority_populations_match_the_census_reference(example_plan):
    reference = {r["local_authority"]: float(r["population_census_2021"])
                 for r in _reference_rows("west_midlands_local_authorities.csv")}
    assert {a.name: a.population for a in example_plan.local_authorities} == reference


@needs_reference
def test_precept_history_matches_the_reference(example_plan):
    finance = example_plan.finance
    rows = {r["financial_year"]: r for r in _reference_rows("west_midlands_precept_band_d.csv")}
    assert finance.precept_band_d_base.value == float(rows["2020/21"]["band_d_gbp"])
    band_d = finance.precept_band_d_base.value
    for year in example_plan.years:
        band_d += finance.precept_increase.value(year)
        assert band_d == pytest.approx(float(rows[str(year)]["band_d_gbp"])), year
        assert finance.precept_increase.value(year) == float(rows[str(year)]["increase_gbp"])


@needs_reference
def test_finance_facts_match_the_reference(example_plan):
    facts = {r["fact"]: r for r in _reference_rows("west_midlands_finance_facts.csv")}
    finance = example_plan.finance
    assert finance.police_grant.value("2022/23") == pytest.approx(float(facts["government_grant_settlement"]["value"]) * 1e6)
    assert finance.uplift_target_officers.value == 1200
    # The tax base is estimated from published tax bases (data/README.md): 2021/22 lies within
    # 0.1% of the 2020/21 total that the leaflet's council tax requirement implies (the pandemic
    # held bases still), and no year comes near the 930,000 once inferred from the press yield
    # of a £10 rise (£9.3m), which the reference says not to use.
    derived_2020 = float(facts["tax_base_band_d_equivalents"]["value"])
    assert finance.tax_base.value("2021/22") == pytest.approx(derived_2020, rel=0.001)
    assert all(finance.tax_base.value(y) < 0.85 * 930_000 for y in example_plan.years)
    assert finance.tax_base.status == "estimate" and "published tax bases" in finance.tax_base.source


def test_timeline_follows_the_board_paper(example_plan):
    events = {e.kind: e for e in example_plan.timeline}
    assert str(events["election"].start) == "2021-05-06"
    roundtables = [e for e in example_plan.timeline if e.kind == "roundtable"]
    assert min(e.start for e in roundtables).isoformat() == "2021-07-05"
    assert max((e.end or e.start) for e in roundtables).isoformat() == "2021-07-28"
    survey = events["survey"]
    assert survey.end is not None and (survey.end - survey.start).days >= 42, "at least six weeks"
    issued = events["plan_issued"].start
    assert (issued.year, issued.month) == (2021, 11)
    assert events["draft_to_panel"].start < events["panel_report"].start < events["response_published"].start
