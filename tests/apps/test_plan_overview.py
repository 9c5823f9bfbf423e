"""The plan overview app, opened in a real browser as a board member would open it."""

from __future__ import annotations

import pytest

import planlib
from planlib import tables

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
    # The money shown is the plan's: the largest commitment's total revenue, as displayed.
    biggest = tables.commitments_table(plan).nlargest(1, "revenue_gbp")
    assert tables.for_display(biggest[["revenue_gbp"]]).iloc[0, 0] in overview.text


def test_overview_loads_nothing_from_outside_this_machine(overview):
    assert overview.requests, "the page made no requests at all: nothing was recorded"
    assert overview.external_requests() == []


def test_overview_shows_no_error_and_no_code(overview):
    for marker in ("Traceback", "Error loading script", "JavaScript Error", "There was an error"):
        assert marker not in overview.text
    assert overview.page_errors == []
    assert overview.failed_requests == []
    # Sources are stripped: no line of the notebook's code reaches the browser.
    assert "load_plan" not in overview.served_html
    assert "alt.renderers" not in overview.served_html
