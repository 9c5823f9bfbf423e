"""The compliance and performance app, opened in a real browser as a board member would open it.

The app is opened once for the session (``compliance_page``, tests/apps/pages.py): these tests
read what it showed when it opened, and after a KPI was picked; the tests at the end build the
app without a browser.
"""

from __future__ import annotations

import pytest

from planlib import compliance, performance

from .conftest import Visit
from .pages import ERROR_MARKERS, KNIFE
from .test_offline import external_urls


@pytest.mark.browser
@pytest.mark.slow
def test_the_checklist_shows_every_requirement_with_its_evidence(compliance_page: Visit, example_plan_for_apps):
    plan = example_plan_for_apps
    text = compliance_page.text
    assert plan.name in text
    results = compliance.check(plan)
    assert f"{len(results)} of {len(results)}" in text and "statutory requirements met" in text
    for r in results:
        assert r.requirement in text, r.id
    # Evidence is the plan's own elements, by title: a grant, a dated step, the reporting arrangements.
    from planlib.ui.compliance import evidence_titles

    titles = evidence_titles(plan)
    assert titles[plan.grants[0].id] in text and titles["ev_panel_meeting"] in text
    assert "ev_panel_meeting" not in text
    assert "The statute sets no number of days" in text
    assert "Strategic Policing and Crime Board" in text
    # the example's period ended on 31 March 2025, so no report is due under it any more
    assert "no further report is due under this plan" in text and "Next report due" not in text


@pytest.mark.browser
@pytest.mark.slow
def test_the_kpis_show_their_rag_status(compliance_page: Visit, example_plan_for_apps):
    text = compliance_page.text
    latest = performance.latest_rag(example_plan_for_apps)
    for kpi in example_plan_for_apps.kpis:
        assert kpi.title in text
    counts = latest["rag"].value_counts()
    assert f"{counts['green']}\nKPIs green" in text and f"{counts['red']}\nKPIs red" in text
    for label in ("Green", "Amber", "Red", "No data"):
        assert label in text


@pytest.mark.browser
@pytest.mark.slow
def test_the_page_loads_nothing_from_outside_this_machine_and_shows_no_error(compliance_page: Visit):
    assert compliance_page.requests, "the page made no requests at all: nothing was recorded"
    assert compliance_page.external_requests() == []
    assert external_urls(compliance_page.served_html) == []
    for marker in ERROR_MARKERS:
        assert marker not in compliance_page.text
    assert compliance_page.page_errors == [] and compliance_page.failed_requests == []
    assert "ComplianceApp" not in compliance_page.served_html and "load_plan" not in compliance_page.served_html


@pytest.mark.browser
@pytest.mark.slow
def test_picking_a_kpi_redraws_its_trajectory_and_local_authorities(compliance_page: Visit):
    before, after = compliance_page.after("opened")["breakdown"], compliance_page.after("pick")
    assert "No figures by local authority" in before  # the first KPI has none
    # Birmingham: 1,702 knife crimes in 2021/22 and 1,656 in 2022/23, when the force recorded 3,600 (46%).
    birmingham = next(line for line in after["after"].splitlines() if line.startswith("Birmingham"))
    assert birmingham.split("\t") == ["Birmingham", "1,702", "1,656", "46%", "\u22122.7%", "improving"]
    for marker in ERROR_MARKERS:
        assert marker not in after["text"]
    assert compliance_page.page_errors == [] and compliance_page.external_requests() == []


def test_a_kpi_the_list_does_not_offer_gets_a_message(example_plan_for_apps):
    # Without a browser: the app's own check of a value sent for the KPI list.
    from planlib.ui.compliance import ComplianceApp

    app = ComplianceApp(example_plan_for_apps)
    shown = app.kpi.value
    for bad in ["__import__('os').system('id')", "../../etc/passwd", 42, None, ["kpi_homicides"], "kpi_crown_court_backlog"]:
        app.messages.clear()
        app.show_kpi(bad)
        assert "not one of the choices" in app.messages.value, bad
        assert app.kpi.value == shown
    app.show_kpi(KNIFE)
    assert app.messages.value == "" and app.kpi.value == KNIFE and "Birmingham" in app.breakdown.value


def test_a_short_survey_and_an_unmet_requirement_are_shown(example_plan_for_apps):
    # Without a browser: what the app shows for a plan with gaps.
    import datetime as dt

    from planlib.ui.compliance import ComplianceApp

    plan = example_plan_for_apps
    gaps = plan.model_copy(update={
        "reporting": None,
        "timeline": tuple(e.model_copy(update={"end": dt.date(2021, 8, 20)}) if e.kind == "survey" else e
                          for e in plan.timeline)})
    html_shown = "".join(getattr(w, "value", "") for w in _html_widgets(ComplianceApp(gaps).widget))
    assert "26 of 27" in html_shown and "Unmet" in html_shown
    assert "the means by which the Chief Constable reports" in html_shown
    assert "The plan does not say how the Chief Constable reports" in html_shown
    assert "the public survey runs 25 days, under the six weeks planned" in html_shown


def _html_widgets(widget):
    """Every widget under ``widget`` (depth first)."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _html_widgets(child)


def test_a_plan_with_no_kpi_figures_and_no_timeline_still_opens(example_plan_for_apps):
    # Without a browser: kpi_actuals.csv and timeline.yaml are optional in a plan folder; the app
    # must say there is nothing to draw instead of failing.
    from planlib.ui.compliance import NO_ACTUALS, NO_TIMELINE, ComplianceApp

    bare = example_plan_for_apps.model_copy(update={"kpi_actuals": (), "timeline": ()})
    app = ComplianceApp(bare)
    values = (getattr(w, "value", None) for w in _html_widgets(app.widget))
    html_shown = "".join(v for v in values if isinstance(v, str))  # the KPI list's value is None: nothing offered
    assert NO_ACTUALS in html_shown and NO_TIMELINE in html_shown
    assert app.kpi_choices() == [] and app.kpi.disabled
    assert "KPIs with no figure yet" in html_shown and "20 of 27" in html_shown
    app.show_kpi("kpi_homicides")
    assert "not one of the choices" in app.messages.value
