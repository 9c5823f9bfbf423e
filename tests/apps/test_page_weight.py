"""What an app page costs the browser while it loads and after: nothing animates for ever.

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

from .conftest import Visit

pytestmark = [pytest.mark.browser]

PAGES = ["overview", "compliance_page", "consultation_page", "net_benefit_page"]
"""The session's page loads (tests/apps/pages.py): one template, four apps."""


@pytest.mark.parametrize("fixture", PAGES)
def test_nothing_animates_for_ever_while_an_app_loads_or_after(request: pytest.FixtureRequest, fixture: str):
    visit: Visit = request.getfixturevalue(fixture)
    assert visit.while_loading["loading"], "the loading message was not on the page as it arrived"
    assert visit.while_loading["animations"] == []
    assert visit.endless_animations == []
