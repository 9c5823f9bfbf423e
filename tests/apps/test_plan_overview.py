"""The plan overview app, opened in a real browser as a board member would open it.

The app is opened once for the session (``overview``, tests/apps/pages.py): these tests read
what it showed when it opened (with the horizon register), and after the filter.
"""

from __future__ import annotations

import html

import pytest

import planlib
from planlib.formats import money
from planlib.present import tables

from .conftest import Visit
from .pages import ERROR_MARKERS, LAPTOP, laptop_screenshot  # noqa: F401 - other app tests import them from here

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_overview_shows_the_plan_chart_and_tables(overview, example_plan_for_apps: planlib.Plan):
    plan = example_plan_for_apps
    assert plan.name in overview.text
    assert f"{plan.period.first} to {plan.period.last}" in overview.text
    assert "Revenue cost of commitments by financial year" in overview.text
    for objective in plan.objectives:
        assert objective.title in overview.text
    for commitment in plan.commitments:
        assert commitment.title in overview.text
    for kpi in plan.kpis:
        assert kpi.title in overview.text
    # The money shown is the plan's, as a board paper writes it: the largest commitment's revenue.
    biggest = tables.commitments_table(plan).nlargest(1, "revenue_gbp")
    assert money(float(biggest["revenue_gbp"].iloc[0])) in overview.text
    # Statutory coverage so far: every function, and how many the commitments serve.
    assert "Statutory functions served by the commitments" in overview.text
    assert "Community safety" in overview.text and "14 of 14" in overview.text


def test_overview_loads_nothing_from_outside_this_machine(overview):
    assert overview.requests, "the page made no requests at all: nothing was recorded"
    assert overview.external_requests() == []


def test_overview_shows_no_error_and_no_code(overview):
    for marker in ERROR_MARKERS:
        assert marker not in overview.text
    assert overview.page_errors == []
    assert overview.failed_requests == []
    # Sources are stripped: no line of the notebook's code reaches the browser.
    assert "load_plan" not in overview.served_html
    assert "PlanOverview" not in overview.served_html


def test_the_filter_narrows_the_commitments_and_redraws_the_chart(overview: Visit, example_plan_for_apps):
    plan = example_plan_for_apps
    partnership = [c for c in plan.commitments if c.workstream == "partnership"]
    others = [c for c in plan.commitments if c.workstream != "partnership"]
    before, after = overview.after("opened")["table"], overview.after("filter")
    assert all(c.title in before for c in plan.commitments)
    assert all(c.title in after["after"] for c in partnership)
    assert not any(c.title in after["after"] for c in others)
    for marker in ERROR_MARKERS:
        assert marker not in after["text"]
    assert overview.page_errors == [] and overview.external_requests() == []


def test_plan_text_reaches_the_page_as_text(overview, example_plan_for_apps: planlib.Plan):
    # Titles are shown as written (escaped once, never as markup and never twice).
    title = next(c.title for c in example_plan_for_apps.commitments if "'" in c.title)
    assert title in overview.text and html.escape(title) not in overview.text


def test_horizon_scanning_risk_matrix_and_register(overview: Visit, example_plan_for_apps: planlib.Plan):
    from planlib import horizon
    from planlib.io.plan_folder import load_folder

    plan = example_plan_for_apps
    ranked = horizon.rank(load_folder(planlib.DEFAULT_PLAN, parts=["horizon"]).horizon, plan)
    opened = overview.after("opened")
    seen = {"chart": opened["horizon chart"], "table": opened["horizon table"]}
    # The matrix shows the rank of the top item in its cell, on the 1-5 axes.
    assert "Likelihood (1 rare to 5 almost certain)" in seen["chart"]
    assert f"{len(ranked)} items, by rank; 0 gaps" in seen["chart"]
    top = ranked.iloc[0]
    assert top["title"] in seen["table"] and str(top["score"]) in seen["table"]
    # The register lists every item, highest score first, with the commitments that answer it.
    positions = [seen["table"].index(title) for title in ranked["title"]]
    assert positions == sorted(positions)
    fraud = next(c.title for c in plan.commitments if c.id == "fraud_and_cyber_crime")
    assert fraud in seen["table"]
    for marker in ERROR_MARKERS:
        assert marker not in overview.text
    assert overview.page_errors == [], (overview.page_errors, overview.console[-20:])
    assert overview.external_requests() == []
