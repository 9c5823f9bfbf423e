"""The session's one page load of each board app, which gathers what every test of the app reads.

Opening an app costs a kernel (and the server's pool then runs the notebook again to refill),
so each app of the session's server is opened once here (session fixtures, re-exported by
conftest.py), and :func:`~tests.apps.conftest.visit` takes that page through named steps, in
order:

1. ``opened``: once the app has drawn, what the tests of its first screen read (and the page's
   text, the HTML the server sent, screenshots);
2. for the apps the keyboard journey does not open (tests/apps/keyboard.py): ``accessibility``
   (axe-core, landmarks, the skip link, every control by Tab) on the page as it opened, and
   ``keyboard`` (one control changed with the keyboard alone);
3. the app's own interaction with the mouse (``filter``, ``pick``, ``choose``): what it showed
   after, with the page's text;
4. ``zoom`` (200% on a laptop: the page must not scroll sideways), last, as it narrows the window.

The tests read a step with ``page.after(name)``: a step that failed fails only those tests.
Each step waits for its own conditions, so it does not matter what an earlier step left
selected; what the app showed when it opened is read in ``opened``, before any step.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import planlib
from planlib.ui import FRIENDLY_ERROR

from .conftest import ARTIFACTS, RENDER_TIMEOUT_MS, Visit, VoilaServer
from .keyboard import accessibility_steps

LAPTOP = {"width": 1366, "height": 768}
"""The screen the board members' laptops have: every app must read well on it."""

ERROR_MARKERS = ("Traceback", "Error loading script", "JavaScript Error", "There was an error", FRIENDLY_ERROR,
                 "not one of the choices")

KNIFE = "kpi_knife_crime"
"""A KPI with figures by local authority, picked in the compliance app."""

DRUG_HARM = "theme_drug_harm"
"""The theme chosen in the consultation app."""

OVERVIEW_QUERY = "?template=lab"
"""The plan overview is opened with a query asking for Voila's stock template, which would bring
back its links to a CDN: the server must ignore it (tests/apps/test_offline.py reads the page
the server sent), and the app's every check is made on the page as served all the same.
Asking in the session's one load of the app saves the kernel a request of its own would cost."""

OTHER_COMMITMENT = "violence_reduction_partnership"
"""The commitment picked in the net benefit app after the one it opens on."""


def laptop_screenshot(page, name: str, scroll_to: str | None = None) -> None:
    """Save what a 1366x768 laptop screen shows (scrolled to ``scroll_to``) in test-artifacts/."""
    page.set_viewport_size(LAPTOP)
    if scroll_to:
        page.locator(scroll_to).first.evaluate("element => element.scrollIntoView({block: 'start'})")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def _with_accessibility(notebook: str, own: dict[str, object]) -> dict[str, object]:
    """The app's own steps between the accessibility and keyboard steps and the zoom."""
    first, last = accessibility_steps(notebook)
    return {**first, **own, **last}


def _visible(page, selector: str, **kwargs) -> None:
    page.locator(selector, **kwargs).first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)


# --------------------------------------------------------------------------- plan overview


@pytest.fixture(scope="session")
def overview(voila_server: VoilaServer, visit: Callable[..., Visit], example_plan_for_apps: planlib.Plan) -> Visit:
    """The plan overview app: its charts and commitments table drawn (``opened``: the table's
    text, and the horizon risk matrix's words and register), the accessibility steps, and
    ``filter`` (Workstream: Partnership picked with the mouse; ``after``: the table)."""
    plan = example_plan_for_apps
    partnership = [c for c in plan.commitments if c.workstream == "partnership"]
    other = next(c for c in plan.commitments if c.workstream != "partnership")

    def rendered(page) -> dict[str, str]:
        _visible(page, ".vega-embed svg, .vega-embed canvas")
        _visible(page, "table.planlib-table td", has_text=plan.commitments[0].title)
        _visible(page, ".planlib-resources-chart svg")
        matrix = page.locator(".planlib-horizon-chart svg")
        page.locator(".planlib-horizon-chart svg text", has_text="Horizon scanning: likelihood and impact").first.wait_for(
            state="attached", timeout=RENDER_TIMEOUT_MS)
        laptop_screenshot(page, "plan_overview_1366x768.png")
        return {"table": page.locator(".planlib-commitments-table").inner_text(),
                "horizon chart": " ".join(matrix.first.locator("text").all_text_contents()),
                "horizon table": page.locator(".planlib-horizon-table").inner_text()}

    def filter_by_workstream(page) -> dict[str, str]:
        table = page.locator(".planlib-commitments-table")
        page.locator(".widget-dropdown", has_text="Workstream").locator("select").select_option(label="Partnership")
        page.locator(".planlib-selection", has_text=f"Showing {len(partnership)} of {len(plan.commitments)}").wait_for(
            timeout=RENDER_TIMEOUT_MS)
        page.locator(".planlib-resources-chart svg text", has_text="Workstream: Partnership").first.wait_for(
            timeout=RENDER_TIMEOUT_MS)
        table.locator("td", has_text=other.title).first.wait_for(state="detached", timeout=RENDER_TIMEOUT_MS)
        laptop_screenshot(page, "plan_overview_filtered_1366x768.png", scroll_to=".planlib-filters")
        return {"after": table.inner_text()}

    return visit(voila_server.url + "voila/render/plan_overview.ipynb" + OVERVIEW_QUERY, until=rendered,
                 screenshot="plan_overview.png",
                 steps=_with_accessibility("plan_overview.ipynb", {"filter": filter_by_workstream}))


# --------------------------------------------------------------------------- compliance and performance


@pytest.fixture(scope="session")
def compliance_page(voila_server: VoilaServer, visit: Callable[..., Visit], example_plan_for_apps: planlib.Plan) -> Visit:
    """The compliance and performance app: its checklist, trajectory and Gantt charts drawn
    (``opened``: the local-authority breakdown of the first KPI), the accessibility steps, then
    ``pick`` (the knife crime KPI picked with the mouse; ``after``: the breakdown)."""
    kpi = next(k for k in example_plan_for_apps.kpis if k.id == KNIFE)

    def rendered(page) -> dict[str, str]:
        _visible(page, ".planlib-checklist td", has_text="Having regard to the Strategic Policing Requirement")
        _visible(page, ".planlib-trajectory-chart svg")
        _visible(page, ".planlib-gantt-chart svg text", has_text="How the plan was made")
        laptop_screenshot(page, "compliance_and_performance_1366x768.png")
        return {"breakdown": page.locator(".planlib-breakdown").inner_text()}

    def pick(page) -> dict[str, str]:
        page.locator(".widget-dropdown", has_text="KPI").locator("select").select_option(label=kpi.title)
        page.locator(".planlib-trajectory-chart svg text", has_text=kpi.title).first.wait_for(timeout=RENDER_TIMEOUT_MS)
        page.locator(".planlib-breakdown td", has_text="Birmingham").first.wait_for(timeout=RENDER_TIMEOUT_MS)
        laptop_screenshot(page, "compliance_kpi_1366x768.png", scroll_to=".planlib-trajectory-chart")
        return {"after": page.locator(".planlib-breakdown").inner_text()}

    return visit(voila_server.url + "voila/render/compliance_and_performance.ipynb", until=rendered,
                 screenshot="compliance_and_performance.png",
                 steps=_with_accessibility("compliance_and_performance.ipynb", {"pick": pick}))


# --------------------------------------------------------------------------- consultation


@pytest.fixture(scope="session")
def consultation_page(voila_server: VoilaServer, visit: Callable[..., Visit]) -> Visit:
    """The consultation app: its charts and trace table drawn, the accessibility steps, then
    ``choose`` (the drug harm theme chosen with the mouse; ``quotes``: what people wrote)."""
    from planlib import consultation
    from planlib.io.plan_folder import load_folder

    folder = load_folder(planlib.DEFAULT_PLAN, parts=["consultation"])
    title = consultation.analyse(folder.plan, folder.consultation).themes.set_index("theme").loc[DRUG_HARM, "title"]

    def rendered(page) -> None:
        _visible(page, ".planlib-themes-chart svg")
        _visible(page, ".planlib-representation-chart svg")
        _visible(page, ".planlib-trace-table td")
        laptop_screenshot(page, "consultation_1366x768.png")

    def choose(page) -> dict[str, str]:
        page.locator(".widget-dropdown", has_text="Theme").locator("select").select_option(label=title)
        page.locator(".planlib-theme-area-chart svg text",
                     has_text=f"{title}: share of responses by local authority").first.wait_for(timeout=RENDER_TIMEOUT_MS)
        page.locator(".planlib-quotes", has_text=f"What people wrote: {title}").wait_for(timeout=RENDER_TIMEOUT_MS)
        laptop_screenshot(page, "consultation_theme_1366x768.png", scroll_to=".planlib-theme-area-chart")
        return {"quotes": page.locator(".planlib-quotes").inner_text()}

    return visit(voila_server.url + "voila/render/consultation.ipynb", until=rendered, screenshot="consultation.png",
                 steps=_with_accessibility("consultation.ipynb", {"choose": choose}))


# --------------------------------------------------------------------------- net benefit


def first_pick(plan: planlib.Plan) -> str:
    """The commitment the net benefit app opens on (the first whose benefits are monetised)."""
    return next(c.id for c in plan.commitments if c.enabled and c.benefits)


def only_inputs(plan: planlib.Plan) -> tuple[str, str]:
    """An input label the switching table shows for the first pick and not for
    :data:`OTHER_COMMITMENT`, and one shown for that one and not the first."""
    from planlib.ui.net_benefit import NetBenefitExplorer

    app = NetBenefitExplorer(plan, samples=200)  # for the labels the page should show
    first, other = app.input_labels(first_pick(plan)), app.input_labels(OTHER_COMMITMENT)
    return (next(label for name, label in first.items() if name not in other),
            next(label for name, label in other.items() if name not in first))


def tornado_title(page, title: str) -> object:
    return page.locator(".planlib-tornado-chart svg text", has_text=f"What moves the net present value of: {title}").first


@pytest.fixture(scope="session")
def net_benefit_page(voila_server: VoilaServer, visit: Callable[..., Visit], example_plan_for_apps: planlib.Plan) -> Visit:
    """The net benefit app: its charts and tables drawn (``opened``: the switching values of the
    commitment it opens on), then ``pick`` (another commitment picked with the mouse: the
    switching values and the headline after). Its keyboard checks are the journey's."""
    plan = example_plan_for_apps
    first, other = plan.commitment(first_pick(plan)), plan.commitment(OTHER_COMMITMENT)
    other_only = only_inputs(plan)[1]

    def rendered(page) -> dict[str, str]:
        _visible(page, ".planlib-interval-chart svg")
        tornado_title(page, first.title).wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        _visible(page, "table.planlib-switching td")
        laptop_screenshot(page, "net_benefit_1366x768.png")
        return {"switching": page.locator("table.planlib-switching").inner_text()}

    def pick(page) -> dict[str, str]:
        page.locator(".widget-dropdown", has_text="Commitment").locator("select").select_option(label=other.title)
        tornado_title(page, other.title).wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        page.locator("table.planlib-switching td", has_text=other_only).first.wait_for(timeout=RENDER_TIMEOUT_MS)
        seen = {"switching": page.locator("table.planlib-switching").inner_text(),
                "headline": page.locator(".planlib-picked").inner_text()}
        laptop_screenshot(page, "net_benefit_picked_1366x768.png", scroll_to=".planlib-picked")
        return seen

    return visit(voila_server.url + "voila/render/net_benefit.ipynb", until=rendered, screenshot="net_benefit.png",
                 steps={"pick": pick})
