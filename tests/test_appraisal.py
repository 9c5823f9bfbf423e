"""Net benefit: Green Book worked examples, properties of the appraisal, and the appraise command."""

from __future__ import annotations

import hashlib
import tracemalloc

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

import planlib
from planlib import appraisal as ap
from planlib import uncertainty as un
from planlib.cli import main
from tests.conftest import ROOT


# ---------------------------------------------------------------- Green Book worked examples


def test_real_prices_worked_example():
    # 1,000 a year nominal at a constant 2% GDP deflator, in year-0 prices
    assert ap.to_real([1000] * 6, deflator_rate=0.02).round(0).tolist() == [1000, 980, 961, 942, 924, 906]
    index = 1.02 ** np.arange(6)
    np.testing.assert_allclose(ap.to_real([1000] * 6, deflator_index=index), 1000 / index)
    with pytest.raises(ValueError):
        ap.to_real([1, 2], deflator_rate=0.02, deflator_index=[1, 1])


def test_discount_schedule_at_the_boundaries():
    f = ap.discount_factors(80)
    assert f[0] == 1
    assert f[1] == pytest.approx(1 / 1.035)
    assert f[30] == pytest.approx(1 / 1.035**30)
    assert f[31] == pytest.approx(f[30] / 1.030)
    assert f[40] == pytest.approx(1 / 1.035**30 / 1.03**10)
    assert f[75] == pytest.approx(1 / (1.035**30 * 1.030**45))
    assert f[76] == pytest.approx(f[75] / 1.025)
    assert np.all(np.diff(f) < 0)
    assert ap.discount_factors(31, "health")[30] > f[30]


def test_npv_bcr_roi_and_payback_examples():
    assert ap.npv([-100, 30, 30, 30, 30, 30]) == pytest.approx(-100 + sum(30 / 1.035**t for t in range(1, 6)))
    assert ap.bcr(150, 100) == 1.5 and ap.roi(150, 100) == 0.5
    assert ap.payback_year([-100, 30, 30, 30, 30, 30]) == 4
    assert ap.payback_year([-100, 10]) is None


def test_optimism_bias_examples():
    assert float(ap.optimism_bias(100, 0.50, mitigation=0.5)) == 125
    assert ap.optimism_bias([100, 50], 0.51).tolist() == pytest.approx([151, 75.5])
    mix = {"non_standard_buildings": 0.3, "standard_buildings": 0.7}
    assert ap.generic_optimism_bias(mix) == pytest.approx(0.321)


def test_switching_value_finds_the_root():
    assert ap.switching_value(lambda x: x**2 - 2, 0, 2) == pytest.approx(2**0.5)
    assert ap.switching_value(lambda x: x + 5, 0, 1) is None


# ---------------------------------------------------------------- the plan's appraisal


@pytest.fixture(scope="module")
def appraisal(example_plan):
    return ap.appraisal_table(example_plan, samples=5_000)


def test_every_enabled_commitment_then_the_two_groups_never_a_total_of_both(example_plan, appraisal):
    enabled = [c.id for c in example_plan.commitments if c.enabled]
    assert appraisal["commitment"].tolist() == enabled + ["VALUED", "NOT_VALUED"]
    rows = appraisal.set_index("commitment")
    body = appraisal[~appraisal.commitment.isin(ap.GROUPS)]
    valued, others = body[body.monetised > 0], body[body.monetised <= 0]
    assert len(valued) and len(others)
    assert rows.at["VALUED", "pv_costs"] == pytest.approx(valued["pv_costs"].sum())
    assert rows.at["VALUED", "npv"] == pytest.approx(valued["npv"].sum())
    assert rows.at["VALUED", "pv_benefits"] == pytest.approx(valued[["pv_fiscal", "pv_economic", "pv_social"]].sum().sum())
    assert rows.at["NOT_VALUED", "pv_costs"] == pytest.approx(others["pv_costs"].sum())
    # The not-valued group's benefits are not valued, so it has no net present value or interval.
    assert rows.loc["NOT_VALUED", ["npv", "npv_p50", "prob_npv_positive", "bcr"]].isna().all()
    assert rows.at["NOT_VALUED", "pv_benefits"] == 0


def test_value_splits_add_up(appraisal):
    appraisal = appraisal[appraisal.commitment != "NOT_VALUED"]
    who = [c for c in appraisal.columns if c.startswith("pv_to_")]
    np.testing.assert_allclose(appraisal[["pv_fiscal", "pv_economic", "pv_social"]].sum(axis=1), appraisal["pv_benefits"])
    np.testing.assert_allclose(appraisal[who].sum(axis=1), appraisal["pv_benefits"])
    np.testing.assert_allclose(appraisal["npv"], appraisal["pv_benefits"] - appraisal["pv_costs"])


def test_intervals_are_ordered(appraisal):
    appraisal = appraisal[appraisal.commitment != "NOT_VALUED"]
    assert (appraisal["npv_p5"] <= appraisal["npv_p50"] + 1e-6).all()
    assert (appraisal["npv_p50"] <= appraisal["npv_p95"] + 1e-6).all()
    assert appraisal["prob_npv_positive"].between(0, 1).all()


def test_a_benefit_line_hand_computed(example_plan):
    """One line of the VRP, by hand: volume x unit cost x (1-dw) x attr x (1-disp) x (1-ob), discounted."""
    model = ap.build_model(example_plan)
    plan = example_plan
    c = plan.commitment("violence_reduction_partnership")
    line = c.benefits[0]
    a = {x.id: x for x in plan.assumptions}
    unit = next(u for u in plan.unit_costs if u.crime_type == line.crime_type)
    deflator = plan.appraisal.deflator_rate.value
    price = unit.unit_cost_gbp * (1 + deflator) ** (plan.period.first - unit.price_year)
    ob = plan.appraisal.optimism_bias.values[a[line.volume].confidence]
    yearly = (a[line.volume].central * price * (1 - a[line.deadweight].central) * a[line.attribution].central
              * (1 - a[line.displacement].central) * (1 - ob))
    f = ap.discount_factors(10)
    start = (line.start_year - plan.period.first) if line.start_year else 0
    drop = a[line.drop_off].central
    weights = [1.0 if start <= t <= 3 else ((1 - drop) ** (t - 3) if t > 3 else 0.0) for t in range(10)]
    expected = yearly * float(np.dot(weights, f))
    k = next(i for i, cid in enumerate(model.line_commitment) if model.commitments[cid] == c.id)
    assert ap.line_pv_benefits(model, model.central[:, None])[k, 0] == pytest.approx(expected)


def _npv(plan, commitment_id, scenario=None):
    applied = scenario.apply(plan) if scenario else plan
    table = ap.deterministic(ap.build_model(applied)).set_index("commitment")
    return table.at[commitment_id, "npv"]


@settings(max_examples=20, deadline=None)
@given(extra=st.floats(1_000, 5_000_000), year=st.sampled_from(["2021/22", "2022/23", "2023/24", "2024/25"]))
def test_npv_falls_when_a_cost_rises(example_plan, extra, year):
    cid = "violence_reduction_partnership"
    line = next(l for l in example_plan.commitment(cid).costs if str(l.year) == year)
    s = planlib.Scenario(name="dearer", description="d", source="s",
                         changes={f"commitments.{cid}.costs.non_pay_gbp": {year: line.non_pay_gbp + extra}})
    assert _npv(example_plan, cid, s) < _npv(example_plan, cid)


@settings(max_examples=20, deadline=None)
@given(low=st.floats(0, 0.9), step=st.floats(0.01, 0.1))
def test_more_deadweight_never_raises_npv(example_plan, low, step):
    deadweights = {l.deadweight for c in example_plan.commitments for l in c.benefits}
    for dw in sorted(deadweights):
        s1 = planlib.Scenario(name="a", description="d", source="s", changes={f"assumptions.{dw}": low})
        s2 = planlib.Scenario(name="b", description="d", source="s", changes={f"assumptions.{dw}": min(low + step, 1.0)})
        t1 = ap.deterministic(ap.build_model(s1.apply(example_plan)))["npv"]
        t2 = ap.deterministic(ap.build_model(s2.apply(example_plan)))["npv"]
        assert (t2 <= t1 + 1e-6).all()


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_the_same_seed_gives_the_same_draws(example_plan, seed):
    model = ap.build_model(example_plan)
    a = ap.simulate(model, 500, seed).npv
    b = ap.simulate(model, 500, seed).npv
    assert np.array_equal(a, b)
    c = ap.simulate(model, 500, seed + 1).npv
    assert not np.array_equal(a, c)


def test_a_shared_assumption_is_drawn_once_per_sample(example_plan):
    model = ap.build_model(example_plan)
    assert len(model.inputs) == len(set(model.inputs))
    shared = [name for name in model.assumptions
              if len({model.line_commitment[k] for k in range(len(model.line_commitment))
                      if model.inputs.index(name) in model.line_inputs[k]}) > 1]
    assert shared, "the example shares assumptions between commitments"
    values = ap.draw_inputs(model, 1000, np.random.default_rng(3))
    row = values[model.inputs.index(shared[0])]
    # every line that uses it reads the same row: one draw serves all
    users = [k for k in range(len(model.line_commitment)) if model.inputs.index(shared[0]) in model.line_inputs[k]]
    assert len({model.commitments[model.line_commitment[k]] for k in users}) > 1
    assert row.std() > 0 or not model.assumptions[shared[0]].is_interval


def test_interval_sampling_matches_the_90_percent_interval():
    rng = np.random.default_rng(7)
    for kw in ({"low": 10, "high": 40}, {"low": -5, "high": 5}, {"low": 0.2, "high": 0.6, "distribution": "normal"}):
        a = planlib.model.Assumption(unit="u", source="s", confidence=4, status="estimate", **kw)
        q5, q95 = np.quantile(un.sample(a, 400_000, rng), [0.05, 0.95])
        assert q5 == pytest.approx(kw["low"], abs=0.02 * (kw["high"] - kw["low"]))
        assert q95 == pytest.approx(kw["high"], abs=0.02 * (kw["high"] - kw["low"]))


def test_switching_value_puts_npv_at_zero(example_plan):
    cid = "violence_reduction_partnership"
    table = ap.switching_values(example_plan, cid)
    row = table[table.input == "volume_violence_vrp"].iloc[0]
    s = planlib.Scenario(name="switch", description="d", source="s",
                         changes={"assumptions.volume_violence_vrp.value": row["switching_value"],
                                  "assumptions.volume_violence_vrp.low": min(row["switching_value"], 150.0),
                                  "assumptions.volume_violence_vrp.high": max(row["switching_value"], 1200.0)})
    assert abs(_npv(example_plan, cid, s)) < 1.0  # pounds, on an NPV of millions
    pv = table[table.input == "pv_costs"].iloc[0]
    assert pv["switching_value"] == pytest.approx(_npv(example_plan, cid) + pv["central"])


def test_tornado_is_sorted_and_brackets_the_central_npv(example_plan):
    cid = "violence_reduction_partnership"
    t = ap.commitment_tornado(example_plan, cid)
    assert len(t) >= 3 and (t["swing"].diff().dropna() <= 0).all()
    central = _npv(example_plan, cid)
    lo, hi = t[["output_low", "output_high"]].min(axis=1), t[["output_low", "output_high"]].max(axis=1)
    assert ((lo <= central + 1) & (central - 1 <= hi)).all()


def test_result_appraisal_is_long_and_lazy(example_plan):
    res = planlib.run(example_plan, samples=1_000, seed=5)
    table = res.appraisal
    assert list(table.columns) == ["scenario", "commitment", "measure", "value", "unit"]
    assert res.appraisal is table  # computed once
    assert set(table["measure"]) == set(ap.MEASURES)


@pytest.mark.slow
def test_a_million_draws_stay_under_1_gb(example_plan):
    model = ap.build_model(example_plan)
    tracemalloc.start()
    try:
        sim = ap.simulate(model, 1_000_000, 1)
        sim.summary()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sim.npv.shape == (len(model.commitments), 1_000_000)
    assert peak < 1024**3, f"peak {peak / 1024**2:.0f} MiB"


@pytest.mark.parametrize("kept", [10, 3])
def test_a_large_plan_simulated_in_blocks_gives_the_figures_of_one_pass(example_plan, monkeypatch, kept):
    """Blocks of commitments re-draw the same inputs: the same quantiles, group draws and totals,
    to the last digit, as one pass holding every draw."""
    from planlib.appraisal import monte_carlo

    model = ap.build_model(example_plan)
    valued = np.bincount(model.line_commitment, minlength=len(model.commitments)) > 0
    whole = ap.simulate(model, 1_000, 7, groups={"valued": valued})
    monkeypatch.setattr(monte_carlo, "KEPT_DRAWS", kept * 1_000)
    monkeypatch.setattr(monte_carlo, "LINE_BLOCK", kept // 2)
    blocks = ap.simulate(model, 1_000, 7, groups={"valued": valued})
    assert blocks.npv is None and whole.npv is not None
    for name, values in whole.summary().items():
        np.testing.assert_array_equal(blocks.summary()[name], values, err_msg=name)
    np.testing.assert_array_equal(blocks.group_draws["valued"], whole.npv[valued].sum(axis=0))


def test_the_payback_years_found_at_once_are_those_found_one_by_one(example_plan):
    import dataclasses

    model = ap.build_model(example_plan)
    # costs lowered so that some commitments pay back, in different years, and some never do
    model = dataclasses.replace(model, cost_flows=model.cost_flows * np.linspace(0.001, 0.5, len(model.commitments))[:, None])
    flows = ap.benefit_flows(model, model.central) - model.cost_flows
    one_by_one = [ap.payback_year(f, model.factors) for f in flows]
    expected = [float("nan") if y is None else float(model.years[y].start) for y in one_by_one]
    np.testing.assert_array_equal(ap.deterministic(model)["payback_year"].to_numpy(), expected)
    assert len({str(y) for y in expected}) > 2   # several different years: the comparison means something


# ---------------------------------------------------------------- the command


def _appraise(*args):
    return CliRunner().invoke(main, ["appraise", *args])


def test_appraise_csv_has_a_row_per_commitment_and_the_two_groups(monkeypatch, example_plan):
    monkeypatch.chdir(ROOT)
    result = _appraise("--format", "csv", "--samples", "1000")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = lines[0].split(",")
    for column in ("pv_costs", "pv_benefits", "npv_p5", "npv_p50", "npv_p95", "prob_npv_positive", "bcr_p50", "payback_year"):
        assert column in header
    enabled = sum(c.enabled for c in example_plan.commitments)
    assert len(lines) == 1 + enabled + 2 and [line.split(",")[1] for line in lines[-2:]] == ["VALUED", "NOT_VALUED"]


def test_appraise_is_byte_identical_for_the_same_seed(monkeypatch):
    monkeypatch.chdir(ROOT)
    digest = lambda r: hashlib.sha256(r.output.encode()).hexdigest()
    a, b = _appraise("--format", "csv", "--samples", "2000", "--seed", "7"), _appraise("--format", "csv", "--samples", "2000", "--seed", "7")
    c = _appraise("--format", "csv", "--samples", "2000", "--seed", "8")
    assert digest(a) == digest(b) != digest(c)
    default = _appraise("--format", "json", "--samples", "1000")
    import json
    assert json.loads(default.output)[0]["seed"] == un.DEFAULT_SEED


def test_appraise_table_and_bad_input(monkeypatch):
    monkeypatch.chdir(ROOT)
    table = _appraise("--samples", "1000", "-s", "data/west_midlands_2021/scenarios/pay_award_plus_2.yaml")
    assert table.exit_code == 0 and "pay_award_plus_2" in table.output and "All commitments" not in table.output
    assert "1. Commitments whose benefits are valued" in table.output
    assert "2. Commitments whose benefits are not valued" in table.output
    assert "Chance the benefits outweigh the costs" in table.output and "Financial return on investment" in table.output
    assert "Put 450 officers from the national uplift" in table.output    # titles, not ids, for a reader
    assert "\u2212£" in table.output and "-£" not in table.output        # money written one way
    bad = _appraise("-s", "tests/fixtures/bad_scenarios/unknown_path.yaml")
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert _appraise("--samples", "ten").exit_code == 2


# ---------------------------------------------------------------- valued apart from not valued; the two cases


def test_financial_case_and_public_value_by_hand():
    # PV fiscal benefits £150, PV costs £100: budget impact +£50, £1.50 back for each £1 spent.
    assert ap.financial_case(150.0, 100.0) == (50.0, 1.5)
    # Public value BCR: PV benefits £80 over PV costs £100 = 0.8 (the Green Book BCR).
    assert ap.bcr(80.0, 100.0) == 0.8
    # Payback: costs £100 in year 0, fiscal benefits £60 in years 1 and 2, discounted at 3.5%:
    # cumulative -100, -100 + 60/1.035 = -42.03, -42.03 + 60/1.035**2 = +13.98: repaid within 3 years.
    assert ap.payback_period(np.array([0.0, 60, 60]), np.array([100.0, 0, 0]), ap.discount_factors(3)) == 3.0
    # With £40 a year it never catches up within the 3 years: -100 + 38.65 + 37.34 < 0.
    assert np.isnan(ap.payback_period(np.array([0.0, 40, 40]), np.array([100.0, 0, 0]), ap.discount_factors(3)))


def _minimal_with_cost(tmp_cost: float = 1_000_000.0, objective: str = "O2"):
    """The minimal plan with C01 (no valued benefits) costing ``tmp_cost`` in its first year only, at
    confidence grade 1 (no optimism bias), under the objective of the valued C02."""
    from planlib.model import CostLine

    plan = planlib.load_plan(ROOT / "tests" / "fixtures" / "minimal")
    line = CostLine(year=plan.period.first, non_pay_gbp=tmp_cost, source="test", status="estimate", confidence=1)
    c01 = plan.commitment("C01").model_copy(update={"costs": (line,), "objective_id": objective})
    return plan.model_copy(update={"commitments": tuple(c01 if c.id == "C01" else c for c in plan.commitments)})


def test_break_even_in_the_commitments_own_units_by_hand():
    cases = ap.appraisal_cases(_minimal_with_cost(), samples=200)
    row = cases.not_valued.set_index("commitment").loc["C01"]
    # PV of costs: £1,000,000 in year 0, no optimism bias, so £1,000,000.
    assert row["pv_costs"] == pytest.approx(1_000_000)
    # Cost a year over the 2 plan years: 1,000,000 / (1 + 1/1.035) = 1,000,000 / 1.966184 = £508,600.
    assert row["cost_a_year"] == pytest.approx(508_600, abs=1)
    # Unit: violence with injury, which the plan values for C02 under the same objective, at
    # £14,050 (2015/16 prices) x 1.02**6 = £15,822.6 in 2021/22 prices: 508,600 / 15,822.6 = 32.1 a year.
    assert row["unit"] == "offences of violence with injury" and row["verb"] == "prevent"
    assert row["unit_value"] == pytest.approx(15_822.6, abs=0.1)
    assert row["units_a_year"] == pytest.approx(32.14, abs=0.01)
    from planlib.present.appraisal import break_even_words
    assert break_even_words(row) == ("benefits worth £509k a year, such as preventing about 32 offences of "
                                     "violence with injury a year")


def test_no_unit_is_invented_where_the_plan_values_nothing_near_it():
    cases = ap.appraisal_cases(_minimal_with_cost(objective="O1"), samples=200)
    row = cases.not_valued.set_index("commitment").loc["C01"]
    assert row["unit"] == "" and np.isnan(row["units_a_year"])


@settings(max_examples=8, deadline=None)
@given(st.floats(min_value=0.0, max_value=5e8))
def test_a_commitment_without_valued_benefits_never_enters_the_valued_total(cost):
    base = ap.appraisal_cases(_minimal_with_cost(1.0), samples=300, seed=3)
    other = ap.appraisal_cases(_minimal_with_cost(cost), samples=300, seed=3)
    assert "C01" not in set(other.valued["commitment"])
    for measure in ("pv_costs", "npv", "npv_p5", "npv_p50", "npv_p95", "prob_npv_positive", "net_present_budget_impact"):
        assert other.valued_total[measure] == base.valued_total[measure]
    assert other.not_valued_total["pv_costs"] == pytest.approx(cost + base.not_valued_total["pv_costs"] - 1.0)


@pytest.mark.parametrize("folder", ["data/west_midlands_2021", "data/west_mercia_2021", "tests/fixtures/minimal"])
def test_no_headline_adds_the_two_groups(folder):
    from planlib.formats import money
    from planlib.present.appraisal import cases_frame, cases_headline, cases_text, valued_frame

    plan = planlib.load_plan(ROOT / folder)
    cases = ap.appraisal_cases(plan, samples=500)
    body = cases.table[~cases.table.commitment.isin(ap.GROUPS)]
    total = body.sum(numeric_only=True)    # what a sum of both groups would read
    n_valued, n_other = cases.counts
    assert n_valued + n_other == sum(c.enabled for c in plan.commitments)
    assert n_valued == sum(bool(c.benefits) for c in plan.commitments if c.enabled)
    text = cases_text(cases, plan.name, "baseline") + cases_headline(cases)
    assert "All commitments" not in text
    assert f"{n_other} cost {money(cases.not_valued_total['pv_costs'])}" in text or n_valued == 0 or n_other == 0
    shown = " ".join(valued_frame(cases, {}).to_string().split()) + cases_frame(cases).to_string()
    if n_valued and n_other and cases.not_valued_total["pv_costs"] >= 1e5:  # a sum of both would read differently
        for measure in ("npv_p50", "npv_p5", "npv_p95", "npv", "pv_costs"):
            assert money(total[measure]) not in text + shown, measure
    if n_valued:
        assert money(cases.valued_total["npv_p50"]) in cases_headline(cases)
