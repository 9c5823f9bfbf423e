"""The accessibility checks every board app's page gets (WCAG 2.2 AA), as a keyboard and
screen-reader user meets it, run on a page already open in the session's browser:

- :func:`check_page`: axe-core (zero serious or critical violations), the landmarks, the skip
  link, and every control reached by Tab with a visible focus;
- :func:`use_by_keyboard`: one control changed with the keyboard alone, and the app answers;
- :func:`check_zoom`: a 1366x768 laptop at 200% zoom (683x384 CSS pixels), where the page must
  not scroll sideways.

:data:`CASES` says, for each app, which control to change and what answers it. The app pages
of tests/apps/pages.py run these checks as steps of their one page load, and the keyboard
journey of tests/apps/test_accessible_apps.py on the pages it opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.accessibility import axe_on_page, serious

from .conftest import ARTIFACTS, VIEWPORT

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


def use_by_keyboard(page, case: Case) -> str:
    """Change ``case``'s control with the keyboard alone and wait for the app to answer: the answer."""
    before = _text(page, case.result)
    tab_to(page, page.get_by_label(case.control, exact=True))
    _press(page, case.keys)
    page.wait_for_function("([s, before]) => document.querySelector(s) && document.querySelector(s).textContent !== before",
                           arg=[case.result, before], timeout=KEY_WAIT_MS)
    return _text(page, case.result)


def case_of(notebook: str) -> Case:
    """The keyboard case of the app ``notebook``."""
    return next(case for case in CASES if case.notebook == notebook)


def accessibility_steps(notebook: str) -> tuple[dict[str, object], dict[str, object]]:
    """The steps of an app's page load (see tests/apps/pages.py) that make every check above on
    ``notebook``'s page, in the order the checks were made on a page of their own: first
    ``accessibility`` (on the page as it opened) and ``keyboard``; last, after the app's own
    steps, ``zoom`` (the window narrowed, at the end, as a person zooming in would)."""
    case = case_of(notebook)

    def accessibility(page) -> None:
        page.locator(case.ready).first.wait_for(state="visible", timeout=KEY_WAIT_MS)
        check_page(page, case.notebook)

    return ({"accessibility": accessibility, "keyboard": lambda page: {"answer": use_by_keyboard(page, case)}},
            {"zoom": lambda page: check_zoom(page, case.notebook)})
