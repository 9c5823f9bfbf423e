"""The net benefit app, opened in a real browser as a board member would open it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import planlib
from planlib.ui.net_benefit import NetBenefitExplorer

from .conftest import RENDER_TIMEOUT_MS, Visit, VoilaServer
from .test_offline import external_urls
from .test_plan_overview import ERROR_MARKERS, laptop_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OTHER = "violence_reduction_partnership"
"""The commitment the tests pick after the one the app opens on."""


def _first_pick(plan: planlib.Plan) -> str:
    """The commitment the app opens on (the first whose benefits are monetised)."""
    return next(c.id for c in plan.commitments if c.enabled and c.benefits)


def _tornado_title(page, title: str) -> object:
    return page.locator(".planlib-tornado-chart svg text",
                        has_text=f"What moves the net present value of: {title}").first


@pytest.fixture(scope="module")
def net_benefit(voila_server: VoilaServer, visit: Callable[..., Visit], example_plan_for_apps) -> Visit:
    """The net benefit app, opened once, after its charts and tables have rendered."""
    title = example_plan_for_apps.commitment(_first_pick(example_plan_for_apps)).title

    def rendered(page) -> None:
        page.locator(".planlib-interval-chart svg").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        _tornado_title(page, title).wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        page.locator("table.planlib-switching td").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        laptop_screenshot(page, "net_benefit_1366x768.png")

    return visit(voila_server.url + "voila/render/net_benefit.ipynb", until=rendered, screenshot="net_benefit.png")


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


def test_picking_a_commitment_changes_the_tornado_and_the_switching_values(voila_server, visit, example_plan_for_apps):
    plan = example_plan_for_apps
    first, other = plan.commitment(_first_pick(plan)), plan.commitment(OTHER)
    app = NetBenefitExplorer(plan, samples=200)  # for the labels the page should show
    first_labels, other_labels = app.input_labels(first.id), app.input_labels(other.id)
    first_only = next(label for name, label in first_labels.items() if name not in other_labels)
    other_only = next(label for name, label in other_labels.items() if name not in first_labels)
    seen: dict[str, str] = {}

    def pick_another(page) -> None:
        _tornado_title(page, first.title).wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        switching = page.locator("table.planlib-switching")
        seen["before"] = switching.inner_text()
        page.locator(".widget-dropdown", has_text="Commitment").locator("select").select_option(label=other.title)
        _tornado_title(page, other.title).wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        page.locator("table.planlib-switching td", has_text=other_only).first.wait_for(timeout=RENDER_TIMEOUT_MS)
        seen["after"] = switching.inner_text()
        seen["headline"] = page.locator(".planlib-picked").inner_text()
        laptop_screenshot(page, "net_benefit_picked_1366x768.png", scroll_to=".planlib-picked")

    record = visit(voila_server.url + "voila/render/net_benefit.ipynb", until=pick_another,
                   screenshot="net_benefit_picked.png")
    assert first_only in seen["before"] and other_only not in seen["before"]
    assert other_only in seen["after"] and first_only not in seen["after"]
    assert seen["headline"] == other.title
    for marker in ERROR_MARKERS:
        assert marker not in record.text
    assert record.page_errors == [] and record.external_requests() == []
