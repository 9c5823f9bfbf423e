"""The portfolio optimiser: hand-solved cases for each objective, brute force over every portfolio,
the rules, the infeasible message, the pledged field, the answer's words, the command line and the
scenario a suggestion becomes."""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planlib
from planlib.appraisal import build_model
from planlib.cli import main
from planlib.errors import PortfolioInfeasible
from planlib.finance import commitment_costs
from planlib.portfolio import (
    Candidates,
    brute_force,
    candidates,
    optimise,
    solve,
    synthetic,
)
from tests.conftest import MINIMAL, ROOT

SAMPLES = 1_000  # enough draws for the tests; the rules do not depend on the figures' precision
M = 1e6


def problem(costs, values, *, envelope, mandatory=(), depends=(), starts=None, owner=None) -> Candidates:
    """A problem from plain lists: costs in £m by year, values in £m."""
    costs = np.array(costs, dtype=float) * M
    n = len(costs)
    owner = np.arange(n) if owner is None else np.array(owner)
    n_c = int(owner.max()) + 1
    starts = np.zeros(n, int) if starts is None else np.array(starts)
    first = {i: starts[owner == i].min() for i in range(n_c)}
    return Candidates(
        ids=[chr(65 + i) for i in range(n_c)], years=[f"{2021 + k}/{22 + k}" for k in range(costs.shape[1])],
        owner=owner, start=starts, delay=np.array([s - first[o] for s, o in zip(starts, owner)]),
        cost=costs, value=np.array(values, dtype=float) * M,
        mandatory=np.array([chr(65 + i) in mandatory for i in range(n_c)]),
        depends_on=[(ord(a) - 65, ord(b) - 65) for a, b in depends], envelope=np.array(envelope, dtype=float) * M)


def picked(c: Candidates, solution) -> list[tuple[str, int]]:
    """(commitment, start year index) of each chosen option."""
    return sorted((c.ids[c.owner[o]], int(c.start[o])) for o in np.flatnonzero(solution.chosen))


# --------------------------------------------------------------------------- solved by hand


def test_two_cheaper_commitments_beat_one_dear_one():
    c = problem([[10], [4], [5]], [6, 3, 4], envelope=[10])
    assert picked(c, solve(c)) == [("B", 0), ("C", 0)]
    assert solve(c).value == pytest.approx(7 * M)


def test_starting_later_lets_a_second_commitment_in():
    # A costs £4m a year from year 0 (worth 10) or from year 1 (worth 6); B costs £3m a year (worth 5).
    # Envelope £5m then £8m: A from year 0 with B costs £7m in year 0, too much; A from year 1
    # with B costs £3m and £7m: it fits, worth 11 > 10 for A alone.
    c = problem([[4, 4], [0, 4], [3, 3]], [10, 6, 5], envelope=[5, 8], owner=[0, 0, 1], starts=[0, 1, 0])
    assert picked(c, solve(c)) == [("A", 1), ("B", 0)]
    assert solve(c).value == pytest.approx(11 * M)


def test_a_mandatory_commitment_is_in_even_at_a_loss():
    c = problem([[2], [3]], [-5, 4], envelope=[4], mandatory="A")
    assert picked(c, solve(c)) == [("A", 0)]
    assert solve(c).value == pytest.approx(-5 * M)


def test_a_commitment_brings_what_it_depends_on_when_worth_it():
    worth_it = problem([[1], [1]], [8, -3], envelope=[5], depends=[("A", "B")])
    assert picked(worth_it, solve(worth_it)) == [("A", 0), ("B", 0)]
    not_worth_it = problem([[1], [1]], [8, -10], envelope=[5], depends=[("A", "B")])
    assert picked(not_worth_it, solve(not_worth_it)) == []


def test_a_dependent_commitment_cannot_start_before_what_it_needs():
    # B can only start in year 1; A would be worth most from year 0, but needs B.
    c = problem([[1, 1], [0, 1], [0, 1]], [9, 5, 2], envelope=[5, 5], owner=[0, 0, 1], starts=[0, 1, 1],
                depends=[("A", "B")])
    assert picked(c, solve(c)) == [("A", 1), ("B", 1)]


def test_a_minimum_share_rule_changes_the_answer():
    c = problem([[4], [4]], [5, 1], envelope=[4])
    assert picked(c, solve(c)) == [("A", 0)]
    ruled = dataclasses.replace(c, **{"minimum_rows": (c.cost[:, 0] * (np.array([0, 1]) - 0.5))[None, :],
                          "minimum_rhs": np.zeros(1), "minimum_names": ["at least half on B"]})
    assert picked(ruled, solve(ruled)) == [("B", 0)]


def test_mandatory_costs_over_the_envelope_say_by_how_much_and_when():
    c = problem([[2, 5], [1, 1]], [-1, 3], envelope=[3, 4], mandatory="A")
    with pytest.raises(PortfolioInfeasible) as info:
        solve(c)
    message = str(info.value)
    assert "mandatory commitments alone exceed the envelope" in message
    assert "2022/23" in message and "£1.0m too much" in message and "2021/22" not in message
    assert info.value.shortfall == pytest.approx({"2022/23": 1 * M})
    with pytest.raises(PortfolioInfeasible, match="2022/23"):
        brute_force(c)


def weighted(costs, weights, *, envelope, second, statutory=(), pledged=(), depends=()) -> Candidates:
    """A problem as the weight objectives pose it: ``value`` is each commitment's priority weight
    (not pounds), ``secondary`` breaks ties (£m); statutory duties and pledges must be in."""
    c = problem(costs, [0.0] * len(costs), envelope=envelope, mandatory=tuple(statutory) + tuple(pledged),
                depends=depends)
    return dataclasses.replace(c, **{"value": np.array(weights, dtype=float), "value_scale": 1.0,
                         "secondary": np.array(second, dtype=float) * M,
                         "statutory": np.array([chr(65 + i) in statutory for i in range(len(costs))])})


def test_pledges_kept_and_the_gap_closed_at_the_least_cost_to_the_weights():
    # £10m. A statutory (£2m), B pledged (£5m): £3m left. C (£3m) counts 1; D (£1m) and E (£2m)
    # count 1 each: D and E together (weight 2) beat C (weight 1) in the same £3m. Kept: A B D E, weight 4.
    spend = [2, 5, 3, 1, 2]
    c = weighted([[x] for x in spend], [1, 1, 1, 1, 1], envelope=[10], second=spend, statutory="A", pledged="B")
    assert picked(c, solve(c, tolerance=0)) == [("A", 0), ("B", 0), ("D", 0), ("E", 0)]
    assert solve(c, tolerance=0).value == pytest.approx(4.0)
    # a higher priority on C's objective (weight 3) keeps C instead: 1 + 1 + 3 = 5 > 1 + 1 + 1 + 1 = 4
    c3 = weighted([[x] for x in spend], [1, 1, 3, 1, 1], envelope=[10], second=spend, statutory="A", pledged="B")
    assert picked(c3, solve(c3, tolerance=0)) == [("A", 0), ("B", 0), ("C", 0)]


def test_equal_weights_spend_the_money_rather_than_leave_it():
    # £3m for one of C (£3m) or D (£2m), both weight 1: the pledges objective's second aim, money
    # spent on the plan, takes C and leaves nothing unspent (D would leave £1m for no reason).
    c = weighted([[3], [2]], [1, 1], envelope=[3], second=[3, 2])
    assert picked(c, solve(c, tolerance=0)) == [("A", 0)]
    assert picked(c, brute_force(c)) == [("A", 0)]


def test_cost_effectiveness_protects_no_pledge_and_breaks_ties_by_npv():
    # £8m, weights 1 each. A statutory (£2m): £6m left for B (a pledge, £5m), C (£3m), D (£1m), E (£2m).
    # The most commitments in £6m: C, D and E (£6m, weight 3); B with D (£6m) counts only 2. So the
    # pledge B is left out. Ties: C+D+E is the only weight-3 set. With NPVs as second aim nothing changes.
    c = weighted([[2], [5], [3], [1], [2]], [1] * 5, envelope=[8], second=[-2, -4, -3, -1, -2], statutory="A")
    assert picked(c, solve(c, tolerance=0)) == [("A", 0), ("C", 0), ("D", 0), ("E", 0)]
    # two sets of equal weight: C+D (NPV -4) or B+D... make E dearer so that C+D and D+E tie at weight 2:
    # E (£3m, NPV -1) and C (£3m, NPV -3) with D (£1m): in £4m only one of C and E fits beside D; E's
    # higher NPV (-1 > -3) wins the tie.
    tie = weighted([[2], [5], [3], [1], [3]], [1] * 5, envelope=[6], second=[-2, -4, -3, -1, -1], statutory="A")
    assert picked(tie, solve(tie, tolerance=0)) == [("A", 0), ("D", 0), ("E", 0)]


def test_pledges_that_cannot_all_be_kept_say_so_after_the_statutory_duties():
    # A statutory £2m fits the £6m; with the pledge B (£5m) it is £7m: £1.0m too much.
    c = weighted([[2], [5], [1]], [1, 1, 1], envelope=[6], second=[2, 5, 1], statutory="A", pledged="B")
    with pytest.raises(PortfolioInfeasible, match="the statutory duties and the pledges alone exceed the envelope "
                                                  "in 2021/22: they cost £7.0m against an envelope of £6.0m, £1.0m too much"):
        solve(c)


def test_a_commitment_that_costs_nothing_is_kept_even_at_a_value_of_nothing():
    # B costs nothing and is worth nothing: a search may leave it out; the answer keeps it.
    from planlib.portfolio import with_free_options

    c = problem([[3], [0], [0]], [2, 0, 0], envelope=[3], depends=[("C", "A")])
    kept = with_free_options(c, solve(c))
    assert picked(c, kept) == [("A", 0), ("B", 0), ("C", 0)] and kept.value == pytest.approx(2 * M)
    # C depends on A: with A out, C stays out
    without = problem([[4], [0], [0]], [2, 0, 0], envelope=[3], depends=[("C", "A")])
    assert picked(without, with_free_options(without, solve(without))) == [("B", 0)]


# --------------------------------------------------------------------------- against brute force


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 14), seed=st.integers(0, 10_000), tightness=st.floats(0.1, 0.9),
       mandatory=st.sampled_from([0.0, 0.15]), dependencies=st.sampled_from([0.0, 0.3]))
def test_the_milp_optimum_equals_trying_every_subset(n, seed, tightness, mandatory, dependencies):
    c = synthetic(n, seed=seed, max_delay=0, tightness=tightness, mandatory_share=mandatory,
                  dependency_share=dependencies)
    try:
        expected = brute_force(c)
    except PortfolioInfeasible:
        with pytest.raises(PortfolioInfeasible):
            solve(c, tolerance=0)
        return
    best = solve(c, tolerance=0)
    assert best.value == pytest.approx(expected.value, rel=1e-7, abs=1.0)
    assert_rules_hold(c, best)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 10), seed=st.integers(0, 10_000), tightness=st.floats(0.2, 0.9),
       dependencies=st.sampled_from([0.0, 0.3]), delay=st.sampled_from([0, 1]))
def test_the_weight_objectives_equal_trying_every_subset(n, seed, tightness, dependencies, delay):
    """Whole-number weights tie often, so the second aim (money spent) decides many of these."""
    c = synthetic(n, seed=seed, max_delay=delay, tightness=tightness, dependency_share=dependencies)
    rng = np.random.default_rng(seed)
    weights = rng.integers(0, 3, len(c.ids)).astype(float)
    pledged = (rng.random(len(c.ids)) < 0.2) & ~c.mandatory
    c = dataclasses.replace(c, **{"value": weights[c.owner] * (1 - c.delay / len(c.years)), "value_scale": 1.0,
                      "secondary": c.cost.sum(axis=1), "statutory": c.mandatory.copy(),
                      "mandatory": c.mandatory | pledged})
    try:
        expected = brute_force(c)
    except PortfolioInfeasible:
        with pytest.raises(PortfolioInfeasible):
            solve(c, tolerance=0)
        return
    best = solve(c, tolerance=0)
    assert best.value == pytest.approx(expected.value, abs=1e-9)
    assert c.secondary @ best.chosen == pytest.approx(c.secondary @ expected.chosen, rel=1e-9, abs=1.0)
    assert_rules_hold(c, best)


def assert_rules_hold(c: Candidates, best) -> None:
    """The rules, on the MILP's own answer: one start at most per commitment, within the envelope,
    statutory duties in, and a commitment only with what it depends on, started no earlier."""
    start_of = {int(c.owner[o]): int(c.start[o]) for o in np.flatnonzero(best.chosen)}
    assert int(best.chosen.sum()) == len(start_of)
    assert (best.chosen @ c.cost <= c.envelope + 1e-3).all()
    assert all(int(i) in start_of for i in np.flatnonzero(c.mandatory))
    for a, b in c.depends_on:
        assert a not in start_of or (b in start_of and start_of[a] >= start_of[b])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 6), seed=st.integers(0, 10_000), tightness=st.floats(0.1, 0.9),
       dependencies=st.sampled_from([0.0, 0.4]))
def test_with_start_years_the_optimum_equals_trying_every_portfolio(n, seed, tightness, dependencies):
    c = synthetic(n, n_years=4, seed=seed, max_delay=3, tightness=tightness, dependency_share=dependencies)
    try:
        expected = brute_force(c)
    except PortfolioInfeasible:
        with pytest.raises(PortfolioInfeasible):
            solve(c, tolerance=0)
        return
    best = solve(c, tolerance=0)
    assert best.value == pytest.approx(expected.value, rel=1e-7, abs=1.0)
    assert_rules_hold(c, best)


# --------------------------------------------------------------------------- on the example plan


@pytest.fixture(scope="module")
def best(example_plan):
    return optimise(example_plan, objective="npv_p50", samples=SAMPLES)


def check_rules(plan: planlib.Plan, res) -> None:
    rows = res.commitments.set_index("id")
    for c in plan.commitments:
        if c.enabled and c.mandatory:
            assert c.id in res.selected and rows.at[c.id, "delay_years"] == 0
        if c.id in res.selected:
            for needed in c.depends_on:
                assert needed in res.selected
                assert rows.at[c.id, "start_year"] >= rows.at[needed, "start_year"]
    assert (res.by_year["chosen_cost"] <= res.by_year["envelope"] + 1.0).all()
    assert res.by_year["chosen_cost"].sum() == pytest.approx(rows.loc[res.selected, "cost_total"].sum())


def test_the_rules_hold_on_the_example(example_plan, best):
    check_rules(example_plan, best)
    assert best.objective_value == pytest.approx(best.commitments.loc[best.commitments.selected, "value"].sum())


@pytest.mark.parametrize("objective", ["npv_p5", "weighted", "cost_effectiveness"])
@pytest.mark.parametrize("share", [0.3, 0.6])
def test_the_rules_hold_with_a_tight_envelope(example_plan, objective, share):
    full = candidates(example_plan, samples=SAMPLES).problem.envelope
    res = optimise(example_plan, objective=objective, envelope=list(full * share), samples=SAMPLES,
                   weights={"o2_violence": 5.0, "o1_vawg": 4.0}, frontier=False)
    check_rules(example_plan, res)
    assert res.envelope == pytest.approx(dict(zip(map(str, example_plan.years), full * share)))


def test_a_higher_weight_never_lowers_a_commitments_chances(example_plan):
    plain = optimise(example_plan, objective="weighted", samples=SAMPLES, frontier=False)
    weighted = optimise(example_plan, objective="weighted", weights={"o1_vawg": 50.0}, samples=SAMPLES,
                        frontier=False)
    assert "vawg_police_response" not in plain.selected      # its NPV is negative unweighted
    assert "vawg_police_response" in weighted.selected       # fifty times its benefits outweigh its costs


def test_excluded_commitments_get_in_at_their_switching_value(example_plan, best):
    out = best.commitments[~best.commitments.selected]
    assert len(out) > 0
    row = out.iloc[0]
    pc = candidates(example_plan, samples=SAMPLES)
    c = pc.problem
    i = c.ids.index(row["id"])
    option = int(np.flatnonzero((c.owner == i) & (c.delay == row["delay_years"]))[0])
    raised = c.value.copy()
    raised[c.owner == i] += row["npv_to_enter"] - c.value[option] + 1_000.0   # a little above its switching value
    assert row["id"] in [c.ids[c.owner[o]] for o in np.flatnonzero(solve(dataclasses.replace(c, **{"value": raised})).chosen)]


def test_the_frontier_never_falls_as_the_envelope_grows(best):
    values = best.frontier.loc[best.frontier.feasible, "objective_value"].to_numpy()
    assert list(best.frontier.envelope_share) == pytest.approx([0.8 + 0.05 * k for k in range(9)])
    assert (np.diff(values) >= -1.0).all()


def test_a_minimum_of_neighbourhood_officers_keeps_them_in_post(example_plan):
    res = optimise(example_plan, objective="npv_p50", samples=SAMPLES, min_officers={"o1_neighbourhood": 400},
                   frontier=False)
    row = res.commitments.set_index("id").loc["neighbourhood_policing_450"]
    assert row["selected"] and row["start_year"] == "2021/22"   # costed to 2024/25, so it cannot start later
    with pytest.raises(planlib.PlanlibError, match="not an objective"):
        optimise(example_plan, samples=SAMPLES, min_officers={"o_nonsense": 1}, frontier=False)


def test_the_suggestion_as_a_scenario_costs_what_the_optimiser_said(example_plan, best):
    scenario = best.to_scenario("suggested")
    applied = scenario.apply(example_plan)
    assert {c.id for c in applied.commitments if c.enabled} == set(best.selected)
    costs = commitment_costs(applied, enabled_only=True)
    revenue = costs[costs.measure == "revenue_gbp"].groupby("year")["value"].sum()
    np.testing.assert_allclose(revenue.reindex(best.by_year.year).to_numpy(), best.by_year.chosen_cost, rtol=1e-9)
    # the appraisal of the scenario counts the same PV of costs as the optimiser did
    pc = candidates(example_plan, samples=SAMPLES)
    model = build_model(applied)
    for cid, pv in zip(model.commitments, model.pv_costs):
        i = pc.problem.ids.index(cid)
        delay = int(best.commitments.set_index("id").at[cid, "delay_years"])
        option = int(np.flatnonzero((pc.problem.owner == i) & (pc.problem.delay == delay))[0])
        assert pv == pytest.approx(pc.pv_costs[option], rel=1e-9)


def test_the_optimiser_costs_and_values_a_planned_start_as_the_appraisal_does(example_plan):
    """One kernel: the options started as planned carry the appraisal's own PV of costs and
    Monte Carlo NPVs, to the last bit, not a second computation that agrees within a tolerance."""
    from planlib.appraisal import simulate
    from planlib.uncertainty import DEFAULT_SEED

    pc = candidates(example_plan, samples=SAMPLES)
    model = build_model(example_plan)
    planned = pc.problem.delay == 0
    owners = pc.problem.owner[planned]
    assert pc.pv_costs[planned].tolist() == model.pv_costs[owners].tolist()
    assert pc.npv[planned].tolist() == simulate(model, SAMPLES, DEFAULT_SEED).summary()["npv_p50"][owners].tolist()
    np.testing.assert_array_equal(pc.problem.cost[planned], model.costs.revenue[owners])


def test_the_optimise_table_names_commitments_by_title_and_writes_money_one_way(best):
    from planlib.present.portfolio import text_table

    text = text_table(best, "Example")
    chosen = best.commitments[best.commitments.selected].iloc[0]
    assert chosen["title"][:40] in text and f"\n{chosen['id']} " not in text
    assert "\u2212£" in text and "-£" not in text and "£-" not in text


def _two_year_project(plan, commitment_id):
    """``plan`` with the commitment cut to its first two years of cost: a profile with room to move."""
    commitments = tuple(c.model_copy(update={"costs": c.costs[:2]}) if c.id == commitment_id else c
                        for c in plan.commitments)
    return plan.model_copy(update={"commitments": commitments})


def test_a_scenario_that_starts_a_commitment_later_moves_its_costs_and_benefits(example_plan):
    plan = _two_year_project(example_plan, "young_people_prevention")
    s = planlib.Scenario(name="later", description="d", source="s",
                         changes={"commitments.young_people_prevention.start_year": "2023/24"})
    moved = s.apply(plan).commitment("young_people_prevention")
    before = plan.commitment("young_people_prevention")
    assert [str(line.year) for line in moved.costs] == ["2023/24", "2024/25"]
    assert [line.non_pay_gbp for line in moved.costs] == [line.non_pay_gbp for line in before.costs]
    assert {str(b.start_year) for b in moved.benefits} == {"2023/24"}
    with pytest.raises(planlib.PlanError, match="can start in 2023/24 at the latest"):
        planlib.Scenario(name="too_late", description="d", source="s",
                         changes={"commitments.young_people_prevention.start_year": "2024/25"}).apply(plan)


def test_the_optimiser_never_cuts_a_profile_short(example_plan):
    """Only a commitment whose profile ends before the plan does may start later, and by no more."""
    plan = _two_year_project(example_plan, "young_people_prevention")
    pc = candidates(plan, samples=SAMPLES)
    delays = {cid: sorted(int(d) for d in pc.problem.delay[pc.problem.owner == i]) for i, cid in enumerate(pc.problem.ids)}
    assert delays["young_people_prevention"] == [0, 1, 2]
    assert all(d == [0] for cid, d in delays.items() if cid != "young_people_prevention")


def test_each_later_start_offered_costs_and_is_worth_what_its_scenario_gives(example_plan):
    """The example offers no later starts, so the suggestion test above never moves a profile:
    here each start of a two-year project is turned into its scenario and costed and appraised."""
    from planlib.appraisal import simulate
    from planlib.uncertainty import DEFAULT_SEED

    plan = _two_year_project(example_plan, "young_people_prevention")
    pc = candidates(plan, samples=SAMPLES)
    c = pc.problem
    i = c.ids.index("young_people_prevention")
    for option in np.flatnonzero(c.owner == i):
        year = c.years[int(c.start[option])]
        applied = planlib.Scenario(name="later", description="d", source="s",
                                   changes={"commitments.young_people_prevention.start_year": year}).apply(plan)
        costs = commitment_costs(applied, enabled_only=True)
        revenue = costs[(costs.measure == "revenue_gbp") & (costs.commitment_id == "young_people_prevention")]
        np.testing.assert_allclose(revenue.groupby("year")["value"].sum().reindex(c.years, fill_value=0.0),
                                   c.cost[option], rtol=1e-9)
        model = build_model(applied)
        k = list(model.commitments).index("young_people_prevention")
        assert model.pv_costs[k] == pytest.approx(pc.pv_costs[option], rel=1e-9)
        assert simulate(model, SAMPLES, DEFAULT_SEED).summary()["npv_p50"][k] == pytest.approx(pc.npv[option], rel=1e-9)
    assert sorted(c.delay[c.owner == i].tolist()) == [0, 1, 2]


@pytest.mark.parametrize("commitment, year, words", [
    ("hold_to_account_spcb", "2022/23", "mandatory"),
    ("young_people_prevention", "2025/26", "to 2024/25"),
    ("young_people_prevention", "2022/23", "cannot start later than planned"),
    ("contact_and_call_handling", "2021/22", "from 2022/23"),
    ("young_people_prevention", "2023/25", "not a financial year"),
])
def test_a_start_year_that_cannot_be_used_is_refused(example_plan, commitment, year, words):
    s = planlib.Scenario(name="bad", description="d", source="s", changes={f"commitments.{commitment}.start_year": year})
    with pytest.raises(planlib.PlanError, match=words):
        s.apply(example_plan)


# --------------------------------------------------------------------------- the command line

JSON_KEYS = {"objective", "lead", "selected", "objective_value", "envelope_by_year", "unspent_by_year", "unspent_reason",
             "commitments"}
COMMITMENT_KEYS = {"id", "npv", "cost_by_year", "mandatory", "pledged", "valued", "depends_on", "selected",
                   "start_year", "why_left_out"}


@pytest.mark.slow
def test_planlib_optimise_json_has_exactly_the_keys_named():
    out = CliRunner().invoke(main, ["optimise", "--format", "json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert set(doc) == JSON_KEYS
    assert all(set(c) == COMMITMENT_KEYS for c in doc["commitments"])
    chosen = {c["id"] for c in doc["commitments"] if c["selected"]}
    assert chosen == set(doc["selected"])
    for year, envelope in doc["envelope_by_year"].items():
        assert sum(c["cost_by_year"][year] for c in doc["commitments"] if c["selected"]) <= envelope + 1.0


# --------------------------------------------------------------------------- switching off what others need

NEEDED, NEEDS = "violence_reduction_partnership", "young_people_prevention"  # the example: the second depends on the first


def _scenario_file(tmp_path, *off: str):
    scenario = tmp_path / "off.yaml"
    scenario.write_text("name: dropped\ndescription: commitments dropped\nsource: test\nchanges:\n"
                        + "".join(f"  commitments.{cid}.enabled: false\n" for cid in off))
    return scenario


@pytest.mark.parametrize("command", ["run", "appraise", "optimise", "implications", "horizon"])
def test_switching_off_a_commitment_others_depend_on_is_refused_by_every_command(tmp_path, command):
    """One rule: a commitment is never counted without what it depends on, and nothing is switched
    off unasked, so the scenario is refused naming its file, line and the change that would fix it."""
    scenario = _scenario_file(tmp_path, NEEDED)
    out = CliRunner().invoke(main, [command, "-s", str(scenario)])
    assert out.exit_code == 1, out.output
    assert f"{scenario}:5: commitments.{NEEDED}.enabled" in out.output
    assert f"switch {NEEDS} off too (commitments.{NEEDS}.enabled: false)" in out.output
    assert "unexpected error" not in out.output and "Traceback" not in out.output


def test_the_rule_holds_in_the_library_and_both_off_is_accepted(example_plan, tmp_path):
    with pytest.raises(planlib.errors.ScenarioError, match="planlib switches nothing off unasked"):
        planlib.run(example_plan, planlib.Scenario.from_yaml(_scenario_file(tmp_path, NEEDED)))
    both = planlib.Scenario.from_yaml(_scenario_file(tmp_path, NEEDED, NEEDS))
    assert both.problems(example_plan) == []
    res = planlib.optimise(example_plan, both, samples=SAMPLES, frontier=False)
    assert NEEDED not in set(res.commitments["id"]) and NEEDS not in set(res.commitments["id"])
    # switching the dependant back on while what it needs is off is refused too
    again = planlib.Scenario(name="again", description="d", source="s",
                             changes={**both.changes, f"commitments.{NEEDS}.enabled": True})
    assert "switch" in str(again.problems(example_plan)[0])


def test_the_apps_say_the_rule_in_words(example_plan):
    """The scenario explorer refuses to drop what a funded commitment needs (and a link doing so),
    with titles, before any figure is worked out."""
    from planlib.levers import baseline_settings, funding_problem
    from planlib.ui.view_link import explorer_settings

    titles = {c.id: c.title for c in example_plan.commitments}
    message = funding_problem(example_plan, {**baseline_settings(example_plan).funded, NEEDED: False})
    assert titles[NEEDS] in message and titles[NEEDED] in message and NEEDED not in message
    assert funding_problem(example_plan, {**baseline_settings(example_plan).funded, NEEDED: False, NEEDS: False}) is None
    settings, said = explorer_settings(example_plan, f"drop={NEEDED}")
    assert settings == baseline_settings(example_plan) and "depends on" in said


def test_a_plan_whose_statutory_duty_depends_on_a_switched_off_commitment_is_refused(plan_copy):
    folder = plan_copy()
    text = (folder / "commitments.yaml").read_text()
    text = text.replace("    mandatory: true\n", "    mandatory: true\n    depends_on: [C02]\n")
    (folder / "commitments.yaml").write_text(text.replace("    depends_on: [C01]\n", "    depends_on: [C01]\n    enabled: false\n"))
    for command in ("validate", "optimise", "appraise"):
        out = CliRunner().invoke(main, [command, str(folder)])
        assert out.exit_code == 1, out.output
        assert re.search(r"commitments\.yaml:\d+: commitments\.C03\.depends_on: .*C03 is a statutory duty, "
                         r"so keep 'C02' on", out.output), out.output
        assert "unexpected error" not in out.output


def test_the_optimiser_refuses_a_statutory_duty_without_what_it_needs(minimal_plan):
    """A plan made in Python (not read from files, so not checked) gets a clear message, not a crash."""
    commitments = tuple(c.model_copy(update={"enabled": False}) if c.id == "C01" else
                        c.model_copy(update={"depends_on": ("C01",)}) if c.mandatory else c
                        for c in minimal_plan.commitments if c.id != "C02")
    plan = minimal_plan.model_copy(update={"commitments": commitments})
    with pytest.raises(planlib.errors.PlanlibError, match="statutory duty and depends on .* switched off"):
        candidates(plan, samples=100)


def test_what_keeping_a_commitment_would_take_is_worked_out_for_those_nearest_to_being_chosen(example_plan,
                                                                                                  monkeypatch):
    """Beyond the limit (thousands of commitments) the answer works out the trade-offs of the
    nearest only, says so for the others, and tells its progress; within it, nothing changes."""
    import sys

    solve_module = sys.modules["planlib.portfolio.solve"]   # the package's `solve` is the function
    from planlib.present.portfolio_words import left_out_reason

    steps = []
    full = optimise(example_plan, samples=SAMPLES, progress=lambda step, done, total: steps.append((step, done, total)))
    left = full.commitments[~full.commitments["selected"]]
    assert len(left) > 2 and left["weighed"].all()
    assert {"the efficient frontier", "what keeping each left out would take"} <= {s for s, _, _ in steps}
    assert ("what keeping each left out would take", len(left), len(left)) in steps
    limited = solve_module.trade_offs.__defaults__[:1] + (2,) + solve_module.trade_offs.__defaults__[2:]
    monkeypatch.setattr(solve_module.trade_offs, "__defaults__", limited)
    monkeypatch.setattr("planlib.present.portfolio_words.TRADE_OFF_LIMIT", 2)
    some = optimise(example_plan, samples=SAMPLES)
    assert some.selected == full.selected
    rows = some.commitments.set_index("id")
    weighed = rows.index[~rows["selected"] & rows["weighed"]]
    assert len(weighed) == 2
    for cid in weighed:   # the nearest two: as in the full answer
        assert left_out_reason(some, rows.loc[cid]) == left_out_reason(full, full.commitments.set_index("id").loc[cid])
    other = rows[~rows["selected"] & ~rows["weighed"]].iloc[0]
    assert "worked out for the 2 left out nearest to being chosen" in left_out_reason(some, other)


@pytest.fixture
def empty_plan(plan_copy):
    folder = plan_copy()
    (folder / "commitments.yaml").write_text("commitments: []\n")
    (folder / "commitment_costs.csv").write_text(
        (folder / "commitment_costs.csv").read_text().splitlines()[0] + "\n")
    grants = (folder / "grants.yaml").read_text()
    (folder / "grants.yaml").write_text(re.sub(r"commitment_id: \w+", "commitment_id: null", grants))
    return folder


@pytest.mark.parametrize("args, code, said", [
    (["appraise"], 0, "The plan has no commitments switched on, so there is nothing to appraise."),
    (["appraise", "--format", "json"], 0, '"commitment": "NOT_VALUED"'),
    (["appraise", "--format", "csv"], 0, "baseline,VALUED,"),
    (["optimise"], 1, "nothing to optimise: Minimal test plan has no commitments switched on"),
    (["optimise", "--format", "json"], 1, "nothing to optimise"),
])
def test_a_plan_with_no_commitments_gets_an_answer_not_an_unexpected_error(empty_plan, args, code, said):
    out = CliRunner().invoke(main, [*args, str(empty_plan), "--samples", "100"] if args[0] == "appraise"
                             else [*args, str(empty_plan)])
    assert out.exit_code == code, out.output
    assert said in out.output and "unexpected error" not in out.output


def test_planlib_optimise_says_when_mandatory_costs_exceed_the_envelope(tmp_path):
    scenario = tmp_path / "no_grant.yaml"
    scenario.write_text("name: no_grant\ndescription: the grant withdrawn in 2023/24\nsource: test\n"
                        "changes:\n  finance.police_grant: {2023/24: 1.0}\n")
    out = CliRunner().invoke(main, ["optimise", "-s", str(scenario)])
    assert out.exit_code == 1
    assert "Traceback" not in out.output
    assert "mandatory commitments alone exceed the envelope in 2023/24" in out.output
    assert "too much" in out.output and "2022/23" not in out.output.split("envelope in")[1]


def test_the_plans_own_objective_weights_are_used(example_plan):
    weighted = tuple(o.model_copy(update={"weight": 50.0}) if o.id == "o1_vawg" else o for o in example_plan.objectives)
    plan = example_plan.model_copy(update={"objectives": weighted})
    from_plan = optimise(plan, objective="weighted", samples=SAMPLES, frontier=False)
    given = optimise(example_plan, objective="weighted", weights={"o1_vawg": 50.0}, samples=SAMPLES, frontier=False)
    assert "vawg_police_response" in from_plan.selected
    assert from_plan.selected == given.selected
    assert from_plan.objective_value == pytest.approx(given.objective_value)


@pytest.mark.parametrize("kwargs, words", [
    ({"weights": {"no_such_objective": 2.0}}, "not an objective or evidence id"),
    ({"weights": {"o1_vawg": -1.0}}, "at least 0"),
    ({"objective": "npv_p99"}, "expected one of pledges, cost_effectiveness, npv_p50, npv_p5, weighted"),
    ({"envelope": {"2021/22": 1e6}}, "no amount for 2022/23"),
    ({"min_share": {"partnership": 1.5}}, "between 0 and 1"),
    ({"min_share": {"partnership": "half"}}, "min_share: the figure for 'partnership' must be a number"),
    ({"min_officers": {"o1_neighbourhood": "many"}}, "min_officers: the figure for 'o1_neighbourhood' must be a number"),
    ({"min_officers": {"o1_neighbourhood": -5}}, "min_officers: the figure for 'o1_neighbourhood' cannot be negative"),
    ({"envelope": "lots"}, "envelope: expected numbers of pounds"),
    ({"envelope": [[1e6, 2e6], [3e6, 4e6]]}, "envelope: give 4 amounts of pounds, one per year"),  # not read as 4 years
    ({"reserves": [1e6, 2e6]}, "reserves: give 4 amounts of pounds, one per year"),
])
def test_bad_optimiser_settings_get_a_clear_message(example_plan, kwargs, words):
    with pytest.raises(planlib.PlanlibError, match=words):
        optimise(example_plan, samples=SAMPLES, frontier=False, **kwargs)


def test_a_minimum_that_cannot_be_met_is_named(example_plan):
    with pytest.raises(PortfolioInfeasible, match="at least 100% of the chosen cost on influence"):
        optimise(example_plan, samples=SAMPLES, frontier=False, min_share={"influence": 1.0})


@pytest.mark.parametrize("weight, words", [("high", "expected a number"), ("-2", "must not be negative")])
def test_a_bad_objective_weight_in_plan_yaml_is_reported_with_file_and_line(plan_copy, weight, words):
    folder = plan_copy(planlib.DEFAULT_PLAN)
    plan_yaml = folder / "plan.yaml"
    lines = plan_yaml.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip() == "- id: o1_neighbourhood")
    lines.insert(at + 1, f"    weight: {weight}\n")
    plan_yaml.write_text("".join(lines), encoding="utf-8")
    problems = planlib.validate(folder)
    assert len(problems) == 1
    assert problems[0].line == at + 2 and problems[0].field == "objectives.o1_neighbourhood.weight"
    assert words in problems[0].message


# --------------------------------------------------------------------------- pledges and unvalued benefits

EXAMPLES = sorted(p.parent for p in (ROOT / "data").glob("*/plan.yaml"))
"""Every example plan under data/ (found, not named)."""


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.name)
def answers(request) -> dict:
    """Each objective's answer on an example plan, with what keeping each commitment left out would take."""
    plan = planlib.load_plan(request.param)
    return {"plan": plan, **{objective: optimise(plan, objective=objective, samples=SAMPLES)
                             for objective in ("pledges", "cost_effectiveness", "npv_p50")}}


def test_each_example_marks_pledges_and_keeps_its_statutory_duties_mandatory(answers):
    plan = answers["plan"]
    assert any(c.pledged for c in plan.commitments)
    assert not any(c.pledged and c.mandatory for c in plan.commitments)   # a statutory duty stays a duty


def test_the_objectives_give_different_answers_on_each_example(answers):
    chosen = {objective: frozenset(answers[objective].selected) for objective in ("pledges", "cost_effectiveness",
                                                                                   "npv_p50")}
    assert len(set(chosen.values())) == 3, chosen


def test_delivering_the_pledges_keeps_them_and_closes_the_gap(answers):
    plan, res = answers["plan"], answers["pledges"]
    assert {c.id for c in plan.commitments if c.enabled and (c.pledged or c.mandatory)} <= set(res.selected)
    assert (res.by_year["chosen_cost"] <= res.by_year["envelope"] + 1.0).all()
    assert (res.by_year["gap_before"] > 0).any()          # there was a gap to close
    check_rules(plan, res)


@pytest.mark.parametrize("objective", ["pledges", "cost_effectiveness"])
def test_money_is_left_unspent_only_where_nothing_left_out_fits(answers, objective):
    """A finance officer's question: why is this money not spent? Every commitment left out either
    cannot be kept at all or costs more than is left in some year, and the answer says which."""
    res = answers[objective]
    left = dict(zip(res.by_year["year"], res.by_year["headroom_left"]))
    for row in res.commitments[~res.commitments.selected].to_dict(orient="records"):
        assert row["displaces"] is None or row["displaces"], row["id"]
        assert row["short_in"], row["id"]
        assert all(row[f"cost_{y}"] > left[y] for y in row["short_in"])
    from planlib.present.portfolio_words import unspent_sentence

    sentence = unspent_sentence(res)
    assert "left unspent because" in sentence or "Nothing worth mentioning" in sentence


def test_commitments_that_cost_nothing_are_never_left_out(answers):
    for objective in ("pledges", "cost_effectiveness", "npv_p50"):
        t = answers[objective].commitments
        assert t.loc[t["no_cost"], "selected"].all(), objective


def test_maximising_npv_says_first_that_unvalued_benefits_drive_it(answers):
    from planlib.present.portfolio import text_table

    plan, res = answers["plan"], answers["npv_p50"]
    unvalued = sum(1 for c in plan.commitments if c.enabled and not c.benefits)
    text = text_table(res, plan.name)
    opening = text.split("\n\n")[0]
    assert f"{unvalued} of {len(res.commitments)} commitments have no valued benefits, so maximising net present " \
           "value" in " ".join(opening.split())
    assert "“Deliver the pledges within budget”" in " ".join(opening.split())
    assert "“needs”: the net present value at which a commitment would be chosen" in " ".join(text.split())


def test_cost_effectiveness_names_the_pledges_it_leaves_out(answers):
    from planlib.present.portfolio_words import lead

    res = answers["cost_effectiveness"]
    out = res.commitments[~res.commitments.selected & res.commitments.pledged]
    words = " ".join(lead(res))
    assert all(title in words for title in out["title"])
    assert ("Pledges are not protected" in words) == bool(len(out))


def test_the_weight_objectives_count_priority_weights_and_a_late_start_less(example_plan):
    """Each option counts its objective's weight, less a quarter of it (a four-year plan) for each
    year it starts late; the pledges objective's second aim is the money spent, the cost-effectiveness
    objective's the median NPV."""
    plan = _two_year_project(example_plan, "young_people_prevention")
    weights = {"o2_young_people": 2.0}
    pledges = candidates(plan, "pledges", samples=SAMPLES, weights=weights)
    c = pledges.problem
    i = c.ids.index("young_people_prevention")
    assert sorted(c.value[c.owner == i].tolist()) == pytest.approx([1.0, 1.5, 2.0])   # 2 x (1 - d/4), d = 2, 1, 0
    np.testing.assert_allclose(c.secondary, c.cost.sum(axis=1))
    assert int(c.mandatory.sum()) == sum(1 for x in plan.commitments if x.mandatory or x.pledged)
    value_for_money = candidates(plan, "cost_effectiveness", samples=SAMPLES, weights=weights)
    assert int(value_for_money.problem.mandatory.sum()) == sum(1 for x in plan.commitments if x.mandatory)
    np.testing.assert_allclose(value_for_money.problem.secondary, value_for_money.npv)


@pytest.mark.parametrize("value, words", [("maybe", "expected true or false"), ("1", "expected true or false")])
def test_a_bad_pledged_mark_is_reported_with_file_and_line(plan_copy, value, words):
    folder = plan_copy()
    path = folder / "commitments.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("commissioning:"))
    lines.insert(at + 1, f"    pledged: {value}\n")
    path.write_text("".join(lines), encoding="utf-8")
    problems = planlib.validate(folder)
    assert len(problems) == 1
    problem_ = problems[0]
    assert problem_.file.endswith("commitments.yaml") and problem_.line == at + 2
    assert problem_.field.endswith(".pledged") and words in problem_.message


def test_pledges_that_do_not_all_fit_keep_as_many_as_fit_and_say_by_how_much(minimal_plan):
    # The minimal plan's C02 needs C01, which costs £4.9m in 2022/23 against a headroom of £2.0m:
    # pledged, C02 and what it needs are £3.0m too much; the statutory duty alone (C03) fits. So the
    # answer keeps as many pledges as fit (none) and says by how much all of them would overrun.
    from planlib.present.portfolio_words import lead

    marked = tuple(c.model_copy(update={"pledged": True}) if c.id == "C02" else c for c in minimal_plan.commitments)
    plan = minimal_plan.model_copy(update={"commitments": marked})
    res = optimise(plan, samples=SAMPLES)
    assert "C02" not in res.selected and "C03" in res.selected
    assert res.pledges_over == pytest.approx({"2022/23": 4.9458e6 - 1.9805e6}, abs=1e3)
    assert "together cost more than the headroom, by £3.0m in 2022/23, so it keeps as many pledges as fit (0)" \
        in " ".join(lead(res))
    assert res.objective_value == pytest.approx(res.commitments.loc[res.commitments.selected, "weight"].sum())


@pytest.mark.parametrize("name, objective", [("pledges", "pledges"), ("cost-effectiveness", "cost_effectiveness"),
                                             ("npv", "npv_p50"), ("cautious-npv", "npv_p5"),
                                             ("weighted-npv", "weighted")])
def test_planlib_optimise_takes_plain_names_for_the_objectives(name, objective):
    from planlib.present.portfolio_words import OBJECTIVE_LABELS

    out = CliRunner().invoke(main, ["optimise", str(MINIMAL), "--objective", name])
    assert out.exit_code == 0, out.output
    assert f"Best affordable portfolio: {OBJECTIVE_LABELS[objective]}." in out.output.splitlines()[0]


def test_the_suggestion_panel_leads_with_what_drives_the_answer(example_plan):
    """The scenario explorer's panel, without a browser: the default aim keeps the pledges; the NPV
    aim opens by saying that unvalued benefits drive it; the figures come as tables with downloads."""
    from planlib.ui.scenario_suggestion import SuggestionPanel

    panel = SuggestionPanel(example_plan)
    assert panel.portfolio_objective.value == "pledges" and "Commissioner&#x27;s pledges" in panel.aim.value
    panel.suggest({}, can_save=True)
    result, _ = panel.last
    assert {c.id for c in example_plan.commitments if c.pledged} <= set(result.selected)
    assert "Suggested: 23 of 28 commitments" in panel.suggestion.value
    assert 'download="suggested_portfolio_by_year.csv"' in panel.suggestion.value
    assert 'download="suggested_portfolio_commitments.csv"' in panel.commitments_block.value
    assert "keeping it would mean leaving out" in panel.commitments_block.value
    panel.portfolio_objective.value = "npv_p50"
    assert "net present value" in panel.aim.value
    panel.suggest({}, can_save=True)
    lead = re.sub(r"<[^>]+>", "", panel.suggestion.value)
    assert lead.startswith("18 of 28 commitments have no valued benefits, so maximising net present value")
    assert "Choose “Deliver the pledges within budget”" in lead
