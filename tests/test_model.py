"""The domain model's own rules: financial years, assumptions, series, frozen records."""

from __future__ import annotations

import importlib

import pydantic
import pytest
from hypothesis import given, strategies as st

import planlib.model
from planlib.model import Assumption, Commitment, Period, YearSeries, reference_problems
from planlib.model import checks
from planlib.types import FinancialYear


@pytest.mark.parametrize("text", ["2021/23", "2021-22", "21/22", "2021/2022", "", "2021/22 ", "abcd/ef", "2099/01"])
def test_malformed_financial_years_are_rejected_with_the_expected_form(text):
    if text == "2021/22 ":  # surrounding spaces are forgiven
        assert str(FinancialYear(text)) == "2021/22"
        return
    with pytest.raises(ValueError, match="is not a financial year"):
        FinancialYear(text)


@given(st.integers(1900, 2990), st.integers(0, 8))
def test_financial_year_arithmetic_and_order(start, n):
    fy = FinancialYear(start)
    assert FinancialYear(str(fy)) == fy
    assert (fy + n) - fy == n
    assert (fy + n) - n == fy
    assert (fy < fy + 1) and not (fy + 1 < fy)
    assert len(FinancialYear.range(fy, fy + n)) == n + 1


def test_financial_year_is_immutable_and_hashable():
    fy = FinancialYear("2022/23")
    with pytest.raises(AttributeError):
        fy._start = 1999
    assert {fy: 1}[FinancialYear("2022/23")] == 1
    assert sorted([FinancialYear("2023/24"), fy]) == [fy, FinancialYear("2023/24")]


def _assumption(**kw):
    base = dict(unit="GBP", source="test", confidence=3, status="estimate")
    return Assumption(**{**base, **kw})


@pytest.mark.parametrize(
    "kw, words",
    [
        ({}, "give a value, or a 90% interval"),
        ({"low": 1}, "needs both low and high"),
        ({"low": 5, "high": 1}, "low (5) is above high (1)"),
        ({"value": 9, "low": 1, "high": 5}, "outside its interval"),
        ({"value": 1, "distribution": "normal"}, "a distribution needs a 90% interval"),
        ({"value": float("nan")}, "finite number"),
        ({"value": "12"}, "valid number"),
        ({"value": True}, "valid number"),
        ({"value": 1, "confidence": 7}, "less than or equal to 6"),
        ({"value": 1, "status": "guess"}, "'verified', 'estimate', 'illustrative' or 'unverified'"),
        ({"value": 1, "colour": "red"}, "Extra inputs are not permitted"),
        ({"value": 1, "source": "   "}, "at least 1 character"),
    ],
)
def test_assumption_rejects_bad_values(kw, words):
    with pytest.raises(pydantic.ValidationError, match=words.replace("(", r"\(").replace(")", r"\)")):
        _assumption(**kw)


def test_assumption_central_value():
    assert _assumption(value=3).central == 3
    assert _assumption(low=10, high=40).central == pytest.approx(20)  # geometric mean
    assert _assumption(low=-10, high=30).central == 10  # arithmetic when not positive
    assert _assumption(low=10, high=40, distribution="normal").central == 25


def test_year_series_fills_bare_numbers_with_its_provenance_and_checks_sign():
    series = YearSeries(unit="GBP", source="budget", confidence=2, status="verified",
                        values={"2021/22": 5, "2022/23": {"value": 6, "status": "illustrative"}})
    first, second = series.values[FinancialYear("2021/22")], series.values[FinancialYear("2022/23")]
    assert (first.source, first.status, first.confidence) == ("budget", "verified", 2)
    assert (second.source, second.status) == ("budget", "illustrative")
    with pytest.raises(pydantic.ValidationError, match="must not be negative"):
        YearSeries(unit="GBP", source="s", confidence=2, status="verified", values={"2021/22": -1})
    with pytest.raises(pydantic.ValidationError, match="differs from the series unit"):
        YearSeries(unit="GBP", source="s", confidence=2, status="verified",
                   values={"2021/22": {"value": 1, "unit": "FTE"}})


def test_year_series_writes_plain_years_as_bare_numbers():
    series = YearSeries(unit="GBP", source="budget", confidence=2, status="verified",
                        values={"2021/22": 5, "2022/23": {"value": 6, "status": "illustrative"}})
    dumped = series.model_dump(mode="json")
    assert dumped["values"]["2021/22"] == 5
    assert dumped["values"]["2022/23"]["status"] == "illustrative"
    assert YearSeries.model_validate(dumped) == series


def test_period_order_and_membership():
    period = Period(first="2021/22", last="2024/25")
    assert FinancialYear("2024/25") in period and FinancialYear("2025/26") not in period
    with pytest.raises(pydantic.ValidationError, match="ends"):
        Period(first="2024/25", last="2021/22")


def test_records_are_frozen_and_forbid_unknown_fields(minimal_plan):
    commitment = minimal_plan.commitments[0]
    with pytest.raises(pydantic.ValidationError):
        commitment.title = "changed"
    data = commitment.model_dump()
    data["colour"] = "blue"
    with pytest.raises(pydantic.ValidationError, match="Extra inputs are not permitted"):
        Commitment.model_validate(data)


def test_building_an_inconsistent_plan_in_python_raises(minimal_plan):
    data = minimal_plan.model_dump()
    data["commitments"][0]["objective_id"] = "nowhere"
    with pytest.raises(pydantic.ValidationError, match="unknown objective 'nowhere'"):
        type(minimal_plan).model_validate(data)


def _update(record, **changes):
    return record.model_copy(update=changes)  # no validation: the checks are what is tested


def test_reference_problems_come_one_collection_after_another_in_a_fixed_order(minimal_plan):
    p = minimal_plan
    broken = _update(
        p,
        sections=p.sections + p.sections[:1],
        objectives=(_update(p.objectives[0], section="nowhere", kpis=("no_kpi",)), *p.objectives[1:]),
        commitments=(_update(p.commitments[0], objective_id="no_objective"), *p.commitments[1:]),
        kpis=(_update(p.kpis[0], target=_update(p.kpis[0].target, by=FinancialYear("2040/41"))), *p.kpis[1:]),
        grants=(_update(p.grants[0], commitment_id="no_commitment"), *p.grants[1:]),
        timeline=(_update(p.timeline[0], requirement="no_requirement"), *p.timeline[1:]),
    )
    assert [loc for loc, _ in reference_problems(broken)] == [
        ("sections", len(p.sections), "id"),
        ("objectives", 0, "section"),
        ("commitments", 0, "objective_id"),
        ("kpis", 0, "target", "by"),
        ("grants", 0, "commitment_id"),
        ("timeline", 0, "requirement"),
        ("objectives", 0, "kpis", 0),
    ]
    assert checks.objective_kpi_problems(broken) == [(("objectives", 0, "kpis", 0), "unknown KPI 'no_kpi'")]
    assert checks.grant_problems(broken) == [(("grants", 0, "commitment_id"), "unknown commitment 'no_commitment'")]


def test_a_dependency_cycle_is_reported_once_after_the_commitments_own_problems(minimal_plan):
    first, second, *rest = minimal_plan.commitments
    broken = _update(minimal_plan, commitments=(_update(first, depends_on=(second.id, "nobody")),
                                                _update(second, depends_on=(first.id,)), *rest))
    assert checks.commitment_problems(broken) == [
        (("commitments", 0, "depends_on", 1), "unknown commitment 'nobody'"),
        (("commitments", 1, "depends_on"), f"depends_on forms a cycle: {first.id} -> {second.id} -> {first.id}"),
    ]


def test_the_model_package_re_exports_every_public_name_of_its_modules():
    modules = ("base", "commitment", "kpi", "governance", "finance", "appraisal", "plan", "checks")
    for name in modules:
        module = importlib.import_module(f"planlib.model.{name}")
        defined = [k for k, v in vars(module).items()
                   if not k.startswith("_") and getattr(v, "__module__", module.__name__) == module.__name__
                   and isinstance(v, type) and issubclass(v, pydantic.BaseModel)]
        assert all(getattr(planlib.model, k) is getattr(module, k) for k in defined), name
    assert all(hasattr(planlib.model, k) for k in planlib.model.__all__)
