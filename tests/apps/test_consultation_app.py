"""The consultation app, opened in a real browser as a board member would open it.

The app is opened once for the session (``consultation_page``, tests/apps/pages.py): these
tests read what it showed when it opened, and after a theme was chosen.
"""

from __future__ import annotations

import pytest

import planlib
from planlib import consultation
from planlib.io.plan_folder import load_folder

from .conftest import Visit
from .pages import DRUG_HARM, ERROR_MARKERS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def results() -> consultation.ConsultationResults:
    folder = load_folder(planlib.DEFAULT_PLAN, parts=["consultation"])
    return consultation.analyse(folder.plan, folder.consultation)


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


def test_choosing_a_theme_redraws_the_chart_and_the_quotes(consultation_page: Visit, results):
    theme = results.themes.set_index("theme").loc[DRUG_HARM]
    seen = consultation_page.after("choose")
    assert theme["examples"][0] in seen["quotes"]
    assert f"{theme['responses']} responses" in seen["quotes"]
    for marker in ERROR_MARKERS:
        assert marker not in seen["text"]
    assert consultation_page.page_errors == [] and consultation_page.external_requests() == []
