"""KPI performance: trajectories and direction-aware RAG on hand-computed cases; reporting dates."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from planlib import performance
from planlib.model import Kpi, KpiActual, ReportingArrangements


def _kpi(direction: str, baseline: tuple[float, str], target: tuple[float, str], **extra) -> Kpi:
    return Kpi(id="k", title="A KPI", unit="u", direction=direction, frequency="annual", owner="opcc",
               baseline={"value": baseline[0], "period": baseline[1]}, target={"value": target[0], "by": target[1]},
               source="test", status="illustrative", **extra)


UP = _kpi("up", (60, "2020/21"), (80, "2024/25"))
"""Planned change 20 over four years: 5 a year; amber up to 0.25 x 20 = 5 behind."""
DOWN = _kpi("down", (50, "2019/20"), (45, "2024/25"))
"""Planned change 5 over five years: 1 a year; amber up to 0.25 x 5 = 1.25 behind."""


@pytest.mark.parametrize(("kpi", "year", "expected"), [
    (UP, "2020/21", 60.0), (UP, "2021/22", 65.0), (UP, "2022/23", 70.0), (UP, "2024/25", 80.0),
    (UP, "2026/27", 80.0),  # after the target year the target stands
    (DOWN, "2021/22", 48.0), (DOWN, "2023/24", 46.0),
])
def test_straight_line_trajectory(kpi, year, expected):
    assert performance.expected_value(kpi, year) == pytest.approx(expected)


def test_no_expectation_before_the_baseline():
    assert math.isnan(performance.expected_value(UP, "2019/20"))
    assert performance.rag(UP, 10, "2020/21") == "no data"  # the baseline year itself has no RAG


@pytest.mark.parametrize(("kpi", "actual", "year", "status"), [
    # up: expected 70 in 2022/23
    (UP, 75, "2022/23", "green"), (UP, 70, "2022/23", "green"), (UP, 66, "2022/23", "amber"),
    (UP, 65, "2022/23", "amber"), (UP, 64, "2022/23", "red"),
    # down: expected 48 in 2021/22; higher is worse
    (DOWN, 47, "2021/22", "green"), (DOWN, 48, "2021/22", "green"), (DOWN, 49, "2021/22", "amber"),
    (DOWN, 49.25, "2021/22", "amber"), (DOWN, 49.5, "2021/22", "red"), (DOWN, 52, "2021/22", "red"),
    # the same number is good for one direction and bad for the other
    (DOWN, 40, "2021/22", "green"), (UP, 40, "2022/23", "red"),
])
def test_rag_is_direction_aware(kpi, actual, year, status):
    assert performance.rag(kpi, actual, year) == status


def test_milestones_bend_the_trajectory():
    # 60 in 2020/21, milestone 80 in 2021/22, target 90 by 2022/23: amber band 0.25 x 30 = 7.5.
    bent = _kpi("up", (60, "2020/21"), (90, "2022/23"), trajectory={"2021/22": 80})
    straight = _kpi("up", (60, "2020/21"), (90, "2022/23"))
    assert performance.expected_value(bent, "2021/22") == 80.0
    assert performance.expected_value(straight, "2021/22") == 75.0
    assert performance.rag(bent, 74, "2021/22") == "amber"   # 6 behind 80
    assert performance.rag(bent, 72, "2021/22") == "red"     # 8 behind 80
    assert performance.rag(straight, 72, "2021/22") == "amber"  # 3 behind 75


def test_a_milestone_outside_baseline_and_target_is_refused():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="trajectory years 2025/26 are not between"):
        _kpi("up", (60, "2020/21"), (90, "2022/23"), trajectory={"2025/26": 95})


def test_amber_share_is_configurable_and_checked():
    assert performance.rag(UP, 66, "2022/23", amber_share=0.1) == "red"  # 4 behind; band 2
    with pytest.raises(ValueError, match="amber_share"):
        performance.rag(UP, 66, "2022/23", amber_share=2)


def test_the_example_plan_homicides(example_plan):
    # Baseline 50 (2019/20), target 45 by 2024/25; actuals 52 (2021/22), 48 (2022/23), 46 (2023/24).
    table = performance.performance_table(example_plan)
    rows = table[table["kpi_id"] == "kpi_homicides"].set_index("year")
    assert rows.loc["2021/22", ["expected", "better_by", "rag"]].tolist() == [48.0, -4.0, "red"]
    assert rows.loc["2022/23", ["expected", "better_by", "rag"]].tolist() == [47.0, -1.0, "amber"]
    assert rows.loc["2023/24", ["expected", "better_by", "rag"]].tolist() == [46.0, 0.0, "green"]
    assert rows.loc["2019/20", "rag"] == "no data"
    latest = performance.latest_rag(example_plan).set_index("kpi_id")
    assert latest.at["kpi_homicides", "rag"] == "green" and latest.at["kpi_homicides", "year"] == "2023/24"
    assert latest.at["kpi_crown_court_backlog", "rag"] == "no data"
    assert len(latest) == len(example_plan.kpis)


def test_local_authority_figures_are_not_in_the_force_wide_rag(example_plan):
    table = performance.performance_table(example_plan)
    knife = table[table["kpi_id"] == "kpi_knife_crime"]
    assert list(knife["year"]) == ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]


def test_local_authority_breakdown_by_hand(example_plan):
    table = performance.local_authority_breakdown(example_plan, "kpi_knife_crime")
    assert len(table) == 14  # seven authorities, two years
    brum = table[table["local_authority"] == "Birmingham"].set_index("year")
    assert brum.at["2021/22", "share_of_force"] == pytest.approx(1702 / 3700)
    assert brum.at["2022/23", "share_of_force"] == pytest.approx(1656 / 3600)
    assert brum.at["2022/23", "change"] == pytest.approx((1656 - 1702) / 1702)
    assert brum.at["2022/23", "trend"] == "improving"  # fewer knife crimes: direction down
    assert brum.at["2021/22", "trend"] == "–" and math.isnan(brum.at["2021/22", "change"])
    assert performance.kpis_with_local_figures(example_plan) == ["kpi_knife_crime", "kpi_neighbourhood_crime"]


def test_a_rise_in_an_up_kpi_is_improving_by_local_authority(example_plan):
    actuals = (
        KpiActual(kpi_id="kpi_public_confidence", period="2021/22", local_authority="Dudley", value=50,
                  source="test", status="illustrative"),
        KpiActual(kpi_id="kpi_public_confidence", period="2022/23", local_authority="Dudley", value=52,
                  source="test", status="illustrative"),
    )
    plan = example_plan.model_copy(update={"kpi_actuals": example_plan.kpi_actuals + actuals})
    table = performance.local_authority_breakdown(plan, "kpi_public_confidence").set_index("year")
    assert table.at["2022/23", "trend"] == "improving"
    assert table.at["2021/22", "share_of_force"] == pytest.approx(50 / 54)  # force-wide 54 in 2021/22


def test_unknown_kpi_is_a_key_error(example_plan):
    with pytest.raises(KeyError, match="no KPI 'kpi_nothing'"):
        performance.trajectory_table(example_plan, "kpi_nothing")


def test_trajectory_table_covers_baseline_to_target(example_plan):
    table = performance.trajectory_table(example_plan, "kpi_complaint_reviews_on_time")
    expected = table[table["series"] == "Trajectory"].set_index("year")["value"]
    # 60 (2020/21), milestone 80 (2021/22), target 90 (2022/23), then the target stands.
    assert expected.to_dict() == {"2020/21": 60.0, "2021/22": 80.0, "2022/23": 90.0, "2023/24": 90.0}
    actual = table[table["series"] == "Actual"].set_index("year")["rag"]
    assert actual.to_dict() == {"2020/21": "no data", "2021/22": "amber", "2022/23": "amber", "2023/24": "green"}


# --------------------------------------------------------------------------- reporting


MONTHLY = ReportingArrangements(forum="Strategic Policing and Crime Board", frequency="monthly",
                                first_report="2021-12-14", source="test", status="illustrative")


@pytest.mark.parametrize(("today", "due"), [
    ("2021-06-01", "2021-12-14"), ("2021-12-14", "2021-12-14"), ("2021-12-15", "2022-01-14"),
    ("2022-03-15", "2022-04-14"), ("2022-04-14", "2022-04-14"),
])
def test_next_monthly_report(today, due):
    assert performance.next_report_due(MONTHLY, dt.date.fromisoformat(today)) == dt.date.fromisoformat(due)


def test_quarterly_reports_fall_on_the_month_end_when_shorter():
    quarterly = MONTHLY.model_copy(update={"frequency": "quarterly", "first_report": dt.date(2021, 11, 30)})
    assert performance.report_dates(quarterly, dt.date(2022, 9, 1)) == [
        dt.date(2021, 11, 30), dt.date(2022, 2, 28), dt.date(2022, 5, 30), dt.date(2022, 8, 30)]
    assert performance.next_report_due(quarterly, dt.date(2022, 3, 1)) == dt.date(2022, 5, 30)


def test_the_example_plan_reports_monthly_to_the_board(example_plan):
    assert example_plan.reporting.forum == "Strategic Policing and Crime Board"
    assert example_plan.reporting.frequency == "monthly"
