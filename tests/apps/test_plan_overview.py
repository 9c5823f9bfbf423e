"""The plan overview app, opened in a real browser as a board member would open it."""

from __future__ import annotations

import html

import pytest

import planlib
from planlib.present import tables
from planlib.formats import money
from planlib.ui import FRIENDLY_ERROR

from .conftest import ARTIFACTS, RENDER_TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LAPTOP = {"width": 1366, "height": 768}
"""The screen the board members' laptops have: every app must read well on it."""

ERROR_MARKERS = ("Traceback", "Error loading script", "JavaScript Error", "There was an error", FRIENDLY_ERROR,
                 "not one of the choices")


def laptop_screenshot(page, name: str, scroll_to: str | None = None) -> None:
    """Save what a 1366x768 laptop screen shows (scrolled to ``scroll_to``) in test-artifacts/."""
    page.set_viewport_size(LAPTOP)
    if scroll_to:
        page.locator(scroll_to).first.evaluate("element => element.scrollIntoView({block: 'start'})")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


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


def test_the_filter_narrows_the_commitments_and_redraws_the_chart(voila_server, visit, example_plan_for_apps):
    plan = example_plan_for_apps
    partnership = [c for c in plan.commitments if c.workstream == "partnership"]
    others = [c for c in plan.commitments if c.workstream != "partnership"]
    seen: dict[str, str] = {}

    def filter_by_workstream(page) -> None:
        page.locator(".planlib-resources-chart svg").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        table = page.locator(".planlib-commitments-table")
        seen["before"] = table.inner_text()
        laptop_screenshot(page, "plan_overview_1366x768.png")
        page.locator(".widget-dropdown", has_text="Workstream").locator("select").select_option(label="Partnership")
        page.locator(".planlib-selection", has_text=f"Showing {len(partnership)} of {len(plan.commitments)}").wait_for(
            timeout=RENDER_TIMEOUT_MS)
        page.locator(".planlib-resources-chart svg text", has_text="Workstream: Partnership").first.wait_for(
            timeout=RENDER_TIMEOUT_MS)
        table.locator("td", has_text=others[0].title).first.wait_for(state="detached", timeout=RENDER_TIMEOUT_MS)
        seen["after"] = table.inner_text()
        laptop_screenshot(page, "plan_overview_filtered_1366x768.png", scroll_to=".planlib-filters")

    record = visit(voila_server.url + "voila/render/plan_overview.ipynb", until=filter_by_workstream,
                   screenshot="plan_overview_filtered.png")
    assert all(c.title in seen["before"] for c in plan.commitments)
    assert all(c.title in seen["after"] for c in partnership)
    assert not any(c.title in seen["after"] for c in others)
    for marker in ERROR_MARKERS:
        assert marker not in record.text
    assert record.page_errors == [] and record.external_requests() == []


def test_plan_text_reaches_the_page_as_text(overview, example_plan_for_apps: planlib.Plan):
    # Titles are shown as written (escaped once, never as markup and never twice).
    title = next(c.title for c in example_plan_for_apps.commitments if "'" in c.title)
    assert title in overview.text and html.escape(title) not in overview.text


def test_horizon_scanning_risk_matrix_and_register(voila_server, visit, example_plan_for_apps: planlib.Plan):
    from planlib import horizon
    from planlib.io.plan_folder import load_folder

    plan = example_plan_for_apps
    ranked = horizon.rank(load_folder(planlib.DEFAULT_PLAN, parts=["horizon"]).horizon, plan)
    seen: dict[str, str] = {}

    def matrix_drawn(page) -> None:
        chart = page.locator(".planlib-horizon-chart svg")
        chart.first.wait_for(state="attached", timeout=RENDER_TIMEOUT_MS)
        page.locator(".planlib-horizon-chart svg text", has_text="Horizon scanning: likelihood and impact").first.wait_for(
            state="attached", timeout=RENDER_TIMEOUT_MS)
        seen["chart"] = " ".join(chart.first.locator("text").all_text_contents())
        seen["table"] = page.locator(".planlib-horizon-table").inner_text()
        laptop_screenshot(page, "plan_overview_horizon_1366x768.png", scroll_to=".planlib-horizon-chart")

    record = visit(voila_server.url + "voila/render/plan_overview.ipynb", until=matrix_drawn)
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
        assert marker not in record.text
    assert record.page_errors == [], (record.page_errors, record.console[-20:])
    assert record.external_requests() == []
