"""What an app page costs the browser while it loads and after: nothing animates for ever, and
the scenario explorer's page has few widget models to build.

A board meeting opens the same app on many screens at once, some of them old laptops. An
animation that runs for ever (Voila's turning spinner, a shimmering placeholder) makes the
browser draw a frame on every screen refresh for as long as it runs. Measured once on this
machine with twelve one-widget Voila pages opened at once, stopping the spinner cut the
browser's CPU time while they loaded from 50 to 39 seconds. The checks read the session's one
page load of each app (tests/apps/pages.py), as soon as its HTML had arrived and once it had
opened.
"""

from __future__ import annotations

import pytest

import planlib
from planlib.ui.scenario_explorer import ScenarioExplorer
from planlib.ui.shared_parts import PLAIN_KINDS, widgets_under

from .conftest import Visit

PAGES = ["overview", "compliance_page", "consultation_page", "net_benefit_page"]
"""The session's page loads (tests/apps/pages.py): one template, four apps."""


@pytest.mark.browser
@pytest.mark.parametrize("fixture", PAGES)
def test_nothing_animates_for_ever_while_an_app_loads_or_after(request: pytest.FixtureRequest, fixture: str):
    visit: Visit = request.getfixturevalue(fixture)
    assert visit.while_loading["loading"], "the loading message was not on the page as it arrived"
    assert visit.while_loading["animations"] == []
    assert visit.endless_animations == []


EXPLORER_MODELS = 330
"""The most widget models the scenario explorer's page may hold for the embedded plan (its 28
commitments): 564 before its texts, checkboxes and buttons shared their layouts and styles
(:mod:`planlib.ui.shared_parts`), 286 after. The page builds every one before it shows anything."""


def test_the_scenario_explorer_page_has_few_widget_models_and_none_closed():
    explorer = ScenarioExplorer(planlib.load_plan(planlib.DEFAULT_PLAN))
    models = list(widgets_under(explorer.widget))
    assert len(models) <= EXPLORER_MODELS
    assert all(model.comm is not None for model in models), "a closed model is still on the page"
    plain = [w for w in models if isinstance(w, PLAIN_KINDS)]
    assert len({w.layout.model_id for w in plain}) < len(plain) / 4
    explorer.precept[explorer.levers.precept_years[0]].value = 5.0  # the explorer still redraws
    assert explorer.result is not explorer.baseline
