"""Every board app and the landing page as a keyboard and screen-reader user meets them (WCAG 2.2 AA).

Cheap by design: no page load of its own for an app. The checks of tests/apps/keyboard.py
(axe-core with zero serious or critical violations, the skip link and the landmarks, Tab through
every control, each reached, each with a visible focus, one control changed with the keyboard
alone until the result changes, and the 1366x768 laptop at 200% zoom (683x384 CSS pixels) not
scrolling sideways) run as steps of each app's one page load of the session (tests/apps/pages.py)
for the plan overview, compliance and consultation apps, and here they are read; then the
journey of issue 17's "Done when", with the keyboard alone, which makes the same checks on the
scenario explorer and net benefit pages it opens.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

import planlib
from planlib import apps

from .conftest import RENDER_TIMEOUT_MS, VIEWPORT, Visit, VoilaServer, recorded_page
from .keyboard import (
    CASES,
    FOCUSABLE_JS,
    IN_THE_JOURNEY,
    KEY_WAIT_MS,
    check_page,
    check_zoom,
    tab_to,
    use_by_keyboard,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {"plan_overview.ipynb": "overview", "compliance_and_performance.ipynb": "compliance_page",
         "consultation.ipynb": "consultation_page"}
"""The session's page load (tests/apps/pages.py) in which each app not in the journey is checked."""


def test_every_app_has_a_keyboard_case():
    assert sorted(case.notebook for case in CASES) == sorted(app.notebook for app in apps.APPS)
    assert sorted([*PAGES, *IN_THE_JOURNEY]) == sorted(app.notebook for app in apps.APPS)


@pytest.fixture
def page(browser) -> Iterator[object]:
    context, page, record = recorded_page(browser, "about:blank", VIEWPORT)
    page.record = record
    try:
        yield page
    finally:
        context.close()


def test_the_landing_page_is_accessible(voila_server: VoilaServer, page):
    page.goto(voila_server.url, wait_until="load", timeout=RENDER_TIMEOUT_MS)
    check_page(page, "the landing page")
    check_zoom(page, "landing.html")
    assert page.record.external_requests() == []


@pytest.mark.parametrize("notebook", sorted(PAGES))
def test_each_app_is_accessible_and_works_by_keyboard(request: pytest.FixtureRequest, notebook: str):
    visit: Visit = request.getfixturevalue(PAGES[notebook])
    visit.after("accessibility")  # axe-core, landmarks, the skip link, every control by Tab
    visit.after("zoom")
    visit.after("keyboard")
    assert visit.external_requests() == [] and visit.page_errors == []


# --------------------------------------------------------------------------- the journey


def test_a_board_member_does_it_all_with_the_keyboard(voila_server: VoilaServer, page,
                                                       example_plan_for_apps: planlib.Plan):
    """Issue 17's "Done when": open the landing page, find the scenario explorer, set a precept,
    read the gap, copy a link that reopens the same view, and read on the net benefit page
    which commitments are valued and what the others would need to achieve."""
    plan = example_plan_for_apps
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(voila_server.url, wait_until="load", timeout=RENDER_TIMEOUT_MS)
    assert plan.name in page.title()

    # Find the scenario explorer among the cards and open it with Enter.
    page.evaluate(FOCUSABLE_JS)
    tab_to(page, page.get_by_role("link", name="Scenario explorer", exact=True))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"scenario_explorer\.ipynb"), timeout=RENDER_TIMEOUT_MS)
    page.locator(".planlib-gap-chart svg").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    check_zoom(page, "scenario_explorer.ipynb", restore=True)

    # Every check of the other apps, here; then set a precept: the 2023/24 Band D increase to £20,
    # typed into its box, and read the gap.
    explorer = next(c for c in CASES if c.notebook == "scenario_explorer.ipynb")
    check_page(page, explorer.notebook)
    gap = use_by_keyboard(page, explorer)
    assert re.search(r"£\d", gap), f"the headline gives no figure: {gap!r}"
    lead = explorer.result

    # Copy a link to this view, with the keyboard.
    page.evaluate(FOCUSABLE_JS)
    tab_to(page, page.get_by_role("button", name="Copy a link to this view"))
    page.keyboard.press("Enter")
    link_box = page.locator(".planlib-link-text").first
    page.wait_for_function("() => (document.querySelector('.planlib-link-text') || {value: ''}).value"
                           ".includes('precept-2023-24=20')", timeout=KEY_WAIT_MS)
    link = link_box.input_value()
    copied = page.evaluate("() => navigator.clipboard.readText().catch(() => '')")
    assert copied in ("", link), "the clipboard holds something other than the link shown"

    # The link reopens the same view: the same precept and the same gap.
    page.goto(link, wait_until="domcontentloaded", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_function("([s, g]) => document.querySelector(s) && document.querySelector(s).textContent === g",
                           arg=[lead, gap], timeout=RENDER_TIMEOUT_MS)
    assert page.get_by_label("Band D precept increase in 2023/24 (£)", exact=True).input_value() == "20"

    # Go to the net benefit app by the bar of links, and read what is valued and what is not.
    page.evaluate(FOCUSABLE_JS)
    tab_to(page, page.get_by_role("link", name="Net benefit", exact=True))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"net_benefit\.ipynb"), timeout=RENDER_TIMEOUT_MS)
    net_benefit = next(c for c in CASES if c.notebook == "net_benefit.ipynb")
    page.locator(net_benefit.ready).first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    headline = page.locator(".planlib-headline").first
    enabled = [c for c in plan.commitments if c.enabled]
    valued = sum(bool(c.benefits) for c in enabled)
    words = headline.inner_text()
    assert f"{valued} of {len(enabled)} commitments have benefits valued in money" in words
    shown = page.inner_text("#rendered_cells")
    assert "would need to achieve" in shown
    assert all(c.title in shown for c in enabled), "a commitment is missing from the valued and not valued tables"

    # And the net benefit page's own checks.
    check_page(page, net_benefit.notebook)
    use_by_keyboard(page, net_benefit)
    check_zoom(page, net_benefit.notebook)
    assert page.record.external_requests() == [] and page.record.page_errors == []
