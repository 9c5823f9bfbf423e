"""The net benefit app's chosen commitment in the page address (planlib.ui.view_link).

The scenario explorer's link is tested with the explorer (tests/apps/test_scenario_explorer.py).
"""

from __future__ import annotations

import pytest

import planlib
from planlib.ui.net_benefit import NetBenefitExplorer


@pytest.fixture(scope="module")
def app() -> NetBenefitExplorer:
    return NetBenefitExplorer(planlib.load_plan(planlib.DEFAULT_PLAN), samples=1_000)


def test_the_link_follows_the_chosen_commitment_and_reopens_it(app: NetBenefitExplorer):
    first = app.commitment
    other = next(c for c in app.commitment_ids if c != first)
    assert app.link.query == ""  # the app's own first view is the bare address
    app.pick(other)
    assert app.link.query == f"commitment={other}"
    again = NetBenefitExplorer(app.plan, samples=1_000)
    again.link.open_link("?" + app.link.query + "&utm_source=email")
    assert again.commitment == other and again.picker.value == other and again.messages.value == ""
    app.pick(first)
    assert app.link.query == ""


@pytest.mark.parametrize("query", ["commitment=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "commitment=a&commitment=b",
                                   "commitment=" + "x" * 3000, "commitment=../../etc/passwd"])
def test_a_bad_link_keeps_the_first_view_with_a_short_message(app: NetBenefitExplorer, query: str):
    first = app.commitment
    app.messages.clear()
    app.link.open_link(query)
    assert app.commitment == first
    assert "This link could not be used" in app.messages.value and "<script>" not in app.messages.value
