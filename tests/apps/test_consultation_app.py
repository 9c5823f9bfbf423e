"""The consultation app, opened in a real browser as a board member would open it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import planlib
from planlib import consultation
from planlib.io.plan_folder import load_folder

from .conftest import RENDER_TIMEOUT_MS, Visit, VoilaServer
from .test_plan_overview import ERROR_MARKERS, laptop_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

URL = "voila/render/consultation.ipynb"


@pytest.fixture(scope="module")
def results() -> consultation.ConsultationResults:
    folder = load_folder(planlib.DEFAULT_PLAN, parts=["consultation"])
    return consultation.analyse(folder.plan, folder.consultation)


@pytest.fixture(scope="module")
def consultation_page(voila_server: VoilaServer, visit: Callable[..., Visit]) -> Visit:
    """The consultation app, opened once, after its charts and trace table have rendered."""

    def rendered(page) -> None:
        page.locator(".planlib-themes-chart svg").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        page.locator(".planlib-representation-chart svg").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        page.locator(".planlib-trace-table td").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        laptop_screenshot(page, "consultation_1366x768.png")

    return visit(voila_server.url + URL, until=rendered, screenshot="consultation.png")


def test_the_app_shows_themes_weights_and_the_trace(consultation_page: Visit, results, example_plan_for_apps):
    text = consultation_page.text
    assert example_plan_for_apps.name in text
    assert "These responses are synthetic" in text
    assert "What people raised: share of responses by theme" in text
    for theme in results.themes.itertuples():
        assert theme.title in text
        for commitment_id in theme.commitments:
            assert example_plan_for_apps.commitment(commitment_id).title in text
    # The weighting: Birmingham's census population and its flag, and young people flagged.
    assert "1,144,919" in text and "Under-represented" in text
    assert "Young people are under-represented among the responses." in text
    assert f"Commitments that cite no evidence ({len(results.no_evidence)})" in text
    candidates = consultation.candidate_themes(results.coded, results.themes["theme"])
    assert "Themes the codebook may miss" in text and candidates["words"].iloc[0] in text


def test_the_app_loads_nothing_from_outside_this_machine(consultation_page: Visit):
    assert consultation_page.requests, "the page made no requests at all: nothing was recorded"
    assert consultation_page.external_requests() == []


def test_the_app_shows_no_error_and_no_code(consultation_page: Visit):
    for marker in ERROR_MARKERS:
        assert marker not in consultation_page.text
    assert consultation_page.page_errors == [] and consultation_page.failed_requests == []
    assert "load_folder" not in consultation_page.served_html


def test_choosing_a_theme_redraws_the_chart_and_the_quotes(voila_server, visit, results):
    theme = results.themes.set_index("theme").loc["theme_drug_harm"]
    seen: dict[str, str] = {}

    def choose_drug_harm(page) -> None:
        page.locator(".planlib-theme-area-chart svg").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        page.locator(".widget-dropdown", has_text="Theme").locator("select").select_option(label=theme["title"])
        page.locator(".planlib-theme-area-chart svg text",
                     has_text=f"{theme['title']}: share of responses by local authority").first.wait_for(
            timeout=RENDER_TIMEOUT_MS)
        page.locator(".planlib-quotes", has_text=f"What people wrote: {theme['title']}").wait_for(
            timeout=RENDER_TIMEOUT_MS)
        seen["quotes"] = page.locator(".planlib-quotes").inner_text()
        laptop_screenshot(page, "consultation_theme_1366x768.png", scroll_to=".planlib-theme-area-chart")

    record = visit(voila_server.url + URL, until=choose_drug_harm)
    assert theme["examples"][0] in seen["quotes"]
    assert f"{theme['responses']} responses" in seen["quotes"]
    for marker in ERROR_MARKERS:
        assert marker not in record.text
    assert record.page_errors == [] and record.external_requests() == []
