"""The net benefit app, opened in a real browser as a board member would open it.

The app is opened once for the session (``net_benefit_page``, tests/apps/pages.py): these tests
read what it showed when it opened, and after another commitment was picked.
"""

from __future__ import annotations

import pytest

from .conftest import Visit
from .pages import ERROR_MARKERS, OTHER_COMMITMENT, first_pick, only_inputs
from .test_offline import external_urls

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def net_benefit(net_benefit_page: Visit) -> Visit:
    return net_benefit_page


def test_net_benefit_shows_the_intervals_and_the_statuses(net_benefit: Visit, example_plan_for_apps):
    plan = example_plan_for_apps
    assert plan.name in net_benefit.text
    assert f"{plan.period.first} to {plan.period.last}" in net_benefit.text
    assert "Net present value of each valued commitment, with its 90% interval" in net_benefit.text
    assert "5,000 Monte Carlo draws" in net_benefit.text
    # The headline keeps the valued commitments apart from the others, and never adds them.
    valued = sum(bool(c.benefits) for c in plan.commitments if c.enabled)
    enabled = sum(c.enabled for c in plan.commitments)
    assert f"{valued} of {enabled} commitments have benefits valued in money" in net_benefit.text
    assert f"The other {enabled - valued} cost" in net_benefit.text
    assert "are listed with what each would need to achieve" in net_benefit.text
    assert "All commitments together" not in net_benefit.text
    for words in ("Financial return on investment", "public money saved for each £1 spent",
                  "Public value benefit-cost ratio", "To pay for itself it would need", "Download the figures (CSV)"):
        assert words in net_benefit.text, words
    # Which numbers are illustrative is said at the top and next to each number.
    assert "not evidence" in net_benefit.text
    for status in ("Illustrative", "Unverified", "Verified", "Estimate"):
        assert status in net_benefit.text
    assert "Switching value (NPV = 0)" in net_benefit.text


def test_net_benefit_loads_nothing_from_outside_this_machine(net_benefit: Visit):
    assert net_benefit.requests, "the page made no requests at all: nothing was recorded"
    assert net_benefit.external_requests() == []
    assert external_urls(net_benefit.served_html) == []


def test_net_benefit_shows_no_error_and_no_code(net_benefit: Visit):
    for marker in ERROR_MARKERS:
        assert marker not in net_benefit.text
    assert net_benefit.page_errors == []
    assert net_benefit.failed_requests == []
    assert "NetBenefitExplorer" not in net_benefit.served_html
    assert "load_plan" not in net_benefit.served_html


def test_picking_a_commitment_changes_the_tornado_and_the_switching_values(net_benefit: Visit, example_plan_for_apps):
    plan = example_plan_for_apps
    first_only, other_only = only_inputs(plan)
    assert first_pick(plan) != OTHER_COMMITMENT
    before, seen = net_benefit.after("opened")["switching"], net_benefit.after("pick")
    assert first_only in before and other_only not in before
    assert other_only in seen["switching"] and first_only not in seen["switching"]
    assert seen["headline"] == plan.commitment(OTHER_COMMITMENT).title
    for marker in ERROR_MARKERS:
        assert marker not in seen["text"]
    assert net_benefit.page_errors == [] and net_benefit.external_requests() == []
