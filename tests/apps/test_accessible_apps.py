"""Every board app and the landing page as a keyboard and screen-reader user meets them (WCAG 2.2 AA).

Cheap by design: ONE page load per app in the session's Voila server and browser, which runs
axe-core (zero serious or critical violations), checks the skip link and the landmarks, Tabs
through every control (each reached, each with a visible focus), changes one control with the
keyboard alone and waits for the result to change, and finally narrows the window to a
1366x768 laptop at 200% zoom (683x384 CSS pixels) to check that the page does not scroll
sideways. Then the journey of issue 17's "Done when", with the keyboard alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import planlib
from planlib import apps
from tests.accessibility import axe_on_page, serious

from .conftest import ARTIFACTS, RENDER_TIMEOUT_MS, VIEWPORT, VoilaServer, recorded_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ZOOMED_LAPTOP = {"width": 1366 // 2, "height": 768 // 2}
"""A 1366x768 laptop at 200% zoom, in CSS pixels."""

KEY_WAIT_MS = 60_000
"""Milliseconds to wait for the app to answer a key (a kernel round trip on a loaded machine)."""

FOCUSABLE_JS = """() => {
  // Mark every control a keyboard user should reach: visible, enabled, not taken out of the tab order.
  const found = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
    .filter(e => !e.disabled && e.getAttribute('tabindex') !== '-1' && e.type !== 'hidden'
      && !e.closest('[inert], [aria-hidden="true"]')
      && e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0
      && getComputedStyle(e).visibility !== 'hidden');
  found.forEach((e, i) => { e.dataset.kb = String(i); });
  return found.map(e => e.tagName.toLowerCase() + ': ' + (e.getAttribute('aria-label') || e.textContent || e.value || '')
    .trim().slice(0, 50));
}"""

FOCUSED_JS = """() => {
  const e = document.activeElement;
  if (!e || !e.dataset || e.dataset.kb === undefined) return null;
  const s = getComputedStyle(e);
  const ring = (s.outlineStyle !== 'none' && s.outlineWidth !== '0px') || s.boxShadow !== 'none';
  return [e.dataset.kb, ring];
}"""

LANDMARKS_JS = """() => {
  // Landmarks a screen reader lists: shown ones (Voila's shell keeps an empty, hidden banner panel).
  const shown = s => [...document.querySelectorAll(s)].filter(e => e.getClientRects().length > 0);
  return {
  main: shown('main, [role=main]').length,
  banner: shown('header, [role=banner]').filter(h => !h.closest('main, [role=main], article, aside, nav, section')).length,
  nav: shown('nav, [role=navigation]').length,
  skip: (document.querySelector('a.planlib-skip') || {textContent: ''}).textContent.trim(),
  h1: document.querySelectorAll('h1').length,
  lang: document.documentElement.lang,
}; }"""

SIDEWAYS_JS = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
  const main = document.querySelector('#rendered_cells, main');
  done({page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        main: main ? main.scrollWidth - main.clientWidth : 0});
})))"""


@dataclass(frozen=True)
class Case:
    """How to use one app with the keyboard: the control to change and what answers it."""

    notebook: str
    ready: str
    """A selector that is visible once the app has drawn."""
    control: str
    """The accessible name (label) of the control to change."""
    keys: tuple[str, ...]
    """Keys pressed on it (text to type is given as ``type:TEXT``)."""
    result: str
    """A selector whose text changes in answer."""


CASES = [
    Case("plan_overview.ipynb", ".planlib-resources-chart svg", "Workstream", ("ArrowDown",), ".planlib-selection"),
    Case("scenario_explorer.ipynb", ".planlib-gap-chart svg", "Band D precept increase in 2023/24 (£)",
         ("Control+a", "type:20", "Enter"), ".planlib-headline .planlib-lead"),
    Case("net_benefit.ipynb", ".planlib-tornado-chart svg", "Commitment", ("ArrowDown",), ".planlib-tornado-chart"),
    Case("compliance_and_performance.ipynb", ".planlib-trajectory-chart svg", "KPI", ("ArrowDown",),
         ".planlib-trajectory-chart"),
    Case("consultation.ipynb", ".planlib-theme-area-chart svg", "Theme", ("ArrowDown",), ".planlib-quotes"),
]


IN_THE_JOURNEY = {"scenario_explorer.ipynb", "net_benefit.ipynb"}
"""Apps whose page the journey opens anyway: it makes their checks there, saving a page load each."""


def test_every_app_has_a_keyboard_case():
    assert sorted(case.notebook for case in CASES) == sorted(app.notebook for app in apps.APPS)


@pytest.fixture
def page(browser) -> Iterator[object]:
    context, page, record = recorded_page(browser, "about:blank", VIEWPORT)
    page.record = record
    try:
        yield page
    finally:
        context.close()


def _text(page, selector: str) -> str:
    return page.locator(selector).first.evaluate("e => e.textContent")


def _press(page, keys: tuple[str, ...]) -> None:
    for key in keys:
        if key.startswith("type:"):
            page.keyboard.type(key[len("type:"):])
        else:
            page.keyboard.press(key)


def tab_through(page, marked: int) -> tuple[set[str], list[str]]:
    """Press Tab until every marked control has had the focus (or twice round): the controls
    reached, and those that showed no focus ring."""
    reached: set[str] = set()
    no_ring: list[str] = []
    for _ in range(2 * marked + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused is not None:
            kb, ring = focused
            if not ring and kb not in reached:
                no_ring.append(kb)
            reached.add(kb)
        if len(reached) == marked:
            break
    return reached, no_ring


def tab_to(page, locator, limit: int = 400) -> None:
    """Move the focus to ``locator`` with the Tab key alone (fails if it is never reached)."""
    target = locator.evaluate("e => e.dataset.kb || (e.dataset.kb = 'target')")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.dataset.kb") == target:
            return
    pytest.fail(f"Tab never reached {locator}")


def check_page(page, name: str) -> None:
    """The checks every page shares: axe-core, landmarks, the skip link, every control by Tab."""
    problems = serious(axe_on_page(page))
    assert problems == [], f"{name}: axe-core finds serious or critical violations:\n" + "\n".join(problems)
    marks = page.evaluate(LANDMARKS_JS)
    assert marks["main"] == 1 and marks["banner"] == 1 and marks["nav"] >= 1, f"{name}: landmarks {marks}"
    assert marks["h1"] == 1 and marks["lang"] == "en-GB", f"{name}: {marks}"
    assert marks["skip"].startswith("Skip to the"), f"{name}: no skip link"

    # The skip link comes first and takes the focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "planlib-skip"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.matches('main, [role=main]')", timeout=10_000)

    controls = page.evaluate(FOCUSABLE_JS)
    reached, no_ring = tab_through(page, len(controls))
    missing = [controls[i] for i in range(len(controls)) if str(i) not in reached]
    assert missing == [], f"{name}: the Tab key never reaches {missing}"
    assert no_ring == [], f"{name}: no visible focus on {[controls[int(i)] for i in no_ring]}"


def check_zoom(page, name: str, restore: bool = False) -> None:
    """At 200% zoom on a 1366x768 laptop the page reflows: it does not scroll sideways."""
    page.set_viewport_size(ZOOMED_LAPTOP)
    sideways = page.evaluate(SIDEWAYS_JS)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{Path(name).stem}_200pc.png"))
    if restore:
        page.set_viewport_size(VIEWPORT)
    assert sideways == {"page": 0, "main": 0}, f"{name} scrolls sideways at 200% zoom: {sideways}"


def test_the_landing_page_is_accessible(voila_server: VoilaServer, page):
    page.goto(voila_server.url, wait_until="load", timeout=RENDER_TIMEOUT_MS)
    check_page(page, "the landing page")
    check_zoom(page, "landing.html")
    assert page.record.external_requests() == []


def use_by_keyboard(page, case: Case) -> str:
    """Change ``case``'s control with the keyboard alone and wait for the app to answer: the answer."""
    before = _text(page, case.result)
    tab_to(page, page.get_by_label(case.control, exact=True))
    _press(page, case.keys)
    page.wait_for_function("([s, before]) => document.querySelector(s) && document.querySelector(s).textContent !== before",
                           arg=[case.result, before], timeout=KEY_WAIT_MS)
    return _text(page, case.result)


def open_app(page, url: str, case: Case) -> None:
    page.goto(url, wait_until="domcontentloaded", timeout=RENDER_TIMEOUT_MS)
    page.locator(case.ready).first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)


@pytest.mark.parametrize("case", [c for c in CASES if c.notebook not in IN_THE_JOURNEY],
                         ids=[c.notebook for c in CASES if c.notebook not in IN_THE_JOURNEY])
def test_each_app_is_accessible_and_works_by_keyboard(voila_server: VoilaServer, page, case: Case):
    open_app(page, voila_server.url + "voila/render/" + case.notebook, case)
    check_page(page, case.notebook)
    use_by_keyboard(page, case)
    check_zoom(page, case.notebook)
    assert page.record.external_requests() == [] and page.record.page_errors == []


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
