"""The scenario explorer: the class in plain pytest, then the app in a real browser.

The first half drives :class:`planlib.ui.scenario_explorer.ScenarioExplorer` directly, as the
widget protocol would: controls are set, bad values are sent, scenarios are saved to a
temporary store. The second half starts its own Voila server (so that ``PLANLIB_STORE`` can
point at a temporary SQLite file) and uses the app as a board member would: the keyboard on
the precept slider, the Save button, the list of saved scenarios.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import planlib
from planlib.errors import StoreError
from planlib.levers import baseline_settings
from planlib.ui.scenario_explorer import ScenarioExplorer
from tests.apps.conftest import (
    ARTIFACTS,
    RENDER_TIMEOUT_MS,
    Visit,
    VoilaServer,
    recorded_page,
    running_voila,
)
from tests.conftest import MINIMAL

PLAN = planlib.load_plan(planlib.DEFAULT_PLAN)
OFFICERS = "neighbourhood_policing_450"  # the commitment that carries the neighbourhood officers
LAPTOP = {"width": 1366, "height": 768}
ERROR_MARKERS = ("Traceback", "Error loading script", "JavaScript Error", "There was an error", "Exception")


def gap(explorer: ScenarioExplorer, year: str) -> float:
    return float(explorer.result.measure("budget_gap")[year])


def chart_value(explorer: ScenarioExplorer, chart: str, scenario: str, year: str) -> float:
    """A value as the chart widget will draw it (from the specification sent to the browser)."""
    widget = explorer.gap_chart if chart == "gap" else explorer.reserves_chart
    for rows in widget.spec["datasets"].values():
        for row in rows:
            if row.get("scenario") == scenario and row.get("year") == year:
                return row["value_m"]
    raise AssertionError(f"no {scenario} {year} in the {chart} chart")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[planlib.ScenarioStore]:
    with planlib.ScenarioStore(f"sqlite:///{tmp_path / 'scenarios.db'}") as s:
        yield s


@pytest.fixture
def explorer(store: planlib.ScenarioStore) -> ScenarioExplorer:
    return ScenarioExplorer(PLAN, store)


# --------------------------------------------------------------------------- the class, no browser


def test_the_baseline_says_plainly_that_the_plan_does_not_balance(explorer: ScenarioExplorer):
    assert "The plan does not balance in 2023/24 and 2024/25: a shortfall of £12.6m and £10.5m." in explorer.headline.value
    assert explorer.scenario().changes == {}
    pd.testing.assert_frame_equal(explorer.result.finance.drop(columns="scenario"),
                                  planlib.run(PLAN).finance.drop(columns="scenario"))
    assert "28 of 28 commitments funded" in explorer.funded_summary.value
    assert math.isclose(chart_value(explorer, "gap", "Your settings", "2023/24"), gap(explorer, "2023/24") / 1e6)


def test_a_higher_precept_narrows_the_gap_by_the_extra_precept_income(explorer: ScenarioExplorer):
    before = gap(explorer, "2023/24"), gap(explorer, "2024/25")
    explorer.precept["2023/24"].value = 20.0  # £5 more on Band D from 2023/24
    tax_base = planlib.run(PLAN).measure("tax_base")
    assert gap(explorer, "2023/24") == pytest.approx(before[0] - 5 * tax_base["2023/24"])
    assert gap(explorer, "2024/25") == pytest.approx(before[1] - 5 * tax_base["2024/25"])
    assert "a shortfall of £8.8m and £6.7m" in explorer.headline.value
    assert chart_value(explorer, "gap", "Your settings", "2023/24") == pytest.approx(gap(explorer, "2023/24") / 1e6)
    assert chart_value(explorer, "gap", "Baseline", "2023/24") == pytest.approx(before[0] / 1e6)
    # Above the £15 limit: flagged beside the slider and in the headline.
    assert "above the £15.00 limit" in explorer.precept_readout["2023/24"].value
    assert "A referendum would be needed" in explorer.headline.value
    assert "Gap 2023/24" in explorer.comparison.value and "£8.8m" in explorer.comparison.value


def test_enough_precept_balances_the_plan(explorer: ScenarioExplorer):
    explorer.precept["2022/23"].value = 15.0
    explorer.precept["2023/24"].value = 30.0
    assert "The plan balances in every year." in explorer.headline.value
    gap_row = re.search(r'<tr class="planlib-gap-row">.*?</tr>', explorer.by_year.value).group(0)
    assert "shortfall" not in gap_row and "surplus" in gap_row
    explorer.precept["2022/23"].value = 10.0
    explorer.precept["2023/24"].value = 15.0
    explorer.grant.value = 5.0  # enough grant balances it too, with no referendum
    assert "The plan balances in every year." in explorer.headline.value
    assert "planlib-short" not in explorer.headline.value and "referendum" not in explorer.headline.value


def test_grant_pay_and_officers_move_the_gap_the_right_way(explorer: ScenarioExplorer):
    base = gap(explorer, "2024/25")
    explorer.grant.value = -2.0
    assert gap(explorer, "2024/25") == pytest.approx(base + 0.02 * PLAN.finance.police_grant.value("2024/25"))
    assert gap(explorer, "2022/23") == pytest.approx(float(planlib.run(PLAN).measure("budget_gap")["2022/23"]))
    explorer.grant.value = 0.0
    explorer.pay.value = 1.0
    assert gap(explorer, "2024/25") > base
    explorer.pay.value = 0.0
    explorer.officers.value = 380
    assert gap(explorer, "2024/25") < base
    assert explorer.result.measure("officers_neighbourhood")["2024/25"] == 380
    assert "<b>380</b> in post" in explorer.officers_readout.value


def test_dropping_a_commitment_lists_it_and_saves_its_cost(explorer: ScenarioExplorer):
    base = gap(explorer, "2023/24")
    explorer.funded["victims_services"].value = False
    assert gap(explorer, "2023/24") < base
    assert "27 of 28 commitments funded" in explorer.funded_summary.value
    assert "Dropped: Commission services that help victims of crime cope and recover" in explorer.funded_summary.value
    assert "Dropped" in explorer.commitment_status["victims_services"].value
    explorer.on_reset()
    assert gap(explorer, "2023/24") == pytest.approx(base)
    assert explorer.funded["victims_services"].value is True


def test_dropping_the_neighbourhood_commitment_locks_its_slider(explorer: ScenarioExplorer):
    explorer.funded[OFFICERS].value = False
    assert explorer.officers.disabled
    assert "commitment dropped" in explorer.officers_readout.value
    officers_row = re.search(r"<tr[^>]*><td>Neighbourhood officers in post</td>.*?</tr>", explorer.by_year.value).group(0)
    assert "commitment dropped" in officers_row and "450" not in officers_row


def _widgets(widget) -> Iterator[object]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _widgets(child)


def test_the_officers_slider_moves_the_commitment_the_plan_declares(explorer: ScenarioExplorer):
    assert PLAN.levers.officer_commitment == OFFICERS and explorer.levers.neighbourhood == OFFICERS
    assert not any("planlib-no-officers-lever" in getattr(w, "_dom_classes", ()) for w in _widgets(explorer.widget))


def test_a_plan_that_declares_no_officer_commitment_has_no_officers_slider_and_says_why(store):
    explorer = ScenarioExplorer(planlib.load_plan(MINIMAL), store)
    assert explorer.plan.levers is None and explorer.officers is None
    notes = [w.value for w in _widgets(explorer.widget) if "planlib-no-officers-lever" in getattr(w, "_dom_classes", ())]
    assert len(notes) == 1 and "does not say which of its commitments carries the neighbourhood officers" in notes[0]
    explorer.precept[explorer.levers.precept_years[-1]].value = 20.0  # the other levers work
    assert explorer.scenario().changes == {"finance.precept_increase": {explorer.levers.precept_years[-1]: 20.0}}


def _message(explorer: ScenarioExplorer) -> str:
    return re.sub(r"<[^>]+>", "", explorer.messages.value)


BAD_VALUES = {
    "text for a slider, through the widget protocol": lambda e: e.precept["2023/24"].set_state({"value": "12; import os"}),
    "NaN for a slider": lambda e: setattr(e.precept["2023/24"], "value", float("nan")),
    "a huge number sent to the observer": lambda e: e.on_control_change({"owner": e.grant, "new": 1e308, "name": "value"}),
    "text sent to the observer": lambda e: e.on_control_change({"owner": e.pay, "new": "DROP TABLE scenarios", "name": "value"}),
    "infinity for the officers": lambda e: e.on_control_change({"owner": e.officers, "new": float("inf"), "name": "value"}),
    "an unknown commitment": lambda e: e.set_funded("no_such_commitment", False),
    "a commitment id that is not text": lambda e: e.set_funded(["victims_services"], False),
    "a statutory duty switched off": lambda e: setattr(e.funded["budget_precept_mtfp"], "value", False),
    "text for a checkbox, through the widget protocol": lambda e: e.funded["victims_services"].set_state({"value": "no"}),
    "an unknown control": lambda e: e.on_control_change({"owner": object(), "new": 1.0, "name": "value"}),
    "not a change at all": lambda e: e.on_control_change("value=3"),
}


@pytest.mark.parametrize("send", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_a_bad_value_shows_a_short_message_and_changes_nothing(explorer: ScenarioExplorer, send):
    before = explorer.result.finance.copy()
    settings = explorer.settings()
    send(explorer)  # never raises
    text = _message(explorer)
    assert text and len(text) < 200
    assert "planlib-error" in explorer.messages.value
    assert not any(marker in text for marker in ERROR_MARKERS)
    pd.testing.assert_frame_equal(explorer.result.finance, before)
    assert explorer.settings() == settings, "the control was not put back"
    explorer.precept["2022/23"].value = 11.0  # the next good value works and clears the message
    assert explorer.messages.value == ""
    assert explorer.result.measure("precept_increase")["2022/23"] == 11.0


STORE_BAD_VALUES = {
    "a choice beyond the saved list": ("compare_messages", lambda e: e.store_panel.saved_choice.set_state({"index": 99})),
    "a number for the scenario name": ("store_messages", lambda e: e.store_panel.scenario_name.set_state({"value": 12})),
    "a list for the author": ("store_messages", lambda e: e.store_panel.author.set_state({"value": ["x"]})),
}


@pytest.mark.parametrize("where, send", STORE_BAD_VALUES.values(), ids=STORE_BAD_VALUES.keys())
def test_a_bad_value_for_the_store_controls_shows_a_short_message(explorer: ScenarioExplorer, store, where, send):
    send(explorer)  # never raises
    shown = getattr(explorer, where).value
    assert "planlib-error" in shown and "put back" in shown
    assert explorer.store_panel.scenario_name.value == "" and explorer.store_panel.saved_choice.value is None
    explorer.on_save()  # the name is still empty: refused, nothing saved
    assert store.list().empty


def test_a_statutory_duty_says_why_it_cannot_be_dropped(explorer: ScenarioExplorer):
    explorer.set_funded("budget_precept_mtfp", False)
    assert "is a statutory duty" in _message(explorer)
    assert explorer.funded["budget_precept_mtfp"].disabled


def test_save_lists_the_scenario_with_its_author_and_versions(explorer: ScenarioExplorer, store):
    explorer.precept["2022/23"].value = 12.5
    explorer.funded["active_citizens_fund"].value = False
    explorer.store_panel.scenario_name.value = "  Precept   plus 12 "
    explorer.store_panel.author.value = "  A. Finance Officer "
    explorer.on_save()
    assert "Saved “Precept plus 12” as version 1." in explorer.store_messages.value
    saved = store.list()
    assert saved[["name", "version", "author"]].values.tolist() == [["Precept plus 12", 1, "A. Finance Officer"]]
    description = saved.at[0, "description"]
    assert "Band D increase £12.50 in 2022/23 (baseline £10.00)" in description
    assert "not funded: Small grants for community groups through the Active Citizens Fund" in description
    assert "Precept plus 12" in explorer.store_panel.saved_table.value and "A. Finance Officer" in explorer.store_panel.saved_table.value
    assert explorer.store_panel.saved_choice.value == ("Precept plus 12", 1)
    assert 'download="saved_scenarios.csv"' in explorer.store_panel.saved_table.value  # the list as CSV
    assert "Precept%20plus%2012%2C1%2CA.%20Finance%20Officer" in explorer.store_panel.saved_table.value
    explorer.on_save()
    assert "as version 2 (the earlier versions are kept)" in explorer.store_messages.value
    assert store.list()["version"].tolist() == [1, 2]
    # The record inside keeps an identifier made from the name, for file names and result tables.
    assert store.load("Precept plus 12") == explorer.scenario("precept_plus_12")
    # Differing only in capitals or spaces is the same scenario, kept under its first spelling.
    explorer.store_panel.scenario_name.value = "precept PLUS  12"
    explorer.on_save()
    assert "Saved as version 3 of “Precept plus 12”" in explorer.store_messages.value
    assert store.list()["name"].tolist() == ["Precept plus 12"] * 3
    assert explorer.store_panel.saved_choice.value == ("Precept plus 12", 3)


@pytest.mark.parametrize("name", ["Option B – the Panel’s view (Jan)", "2024 budget", "Précept + 12 £", "Сценарий 2",
                                  "x'; DROP TABLE scenarios; --".replace(";", ",")])
def test_a_scenario_name_may_be_ordinary_words_in_any_alphabet(explorer: ScenarioExplorer, store, name: str):
    explorer.store_panel.scenario_name.value = name
    explorer.store_panel.author.value = "J. Smith"
    explorer.on_save()
    assert "planlib-error" not in explorer.store_messages.value, explorer.store_messages.value
    assert store.list()["name"].tolist() == [name]
    assert re.fullmatch(r"[a-z][a-z0-9_]*", store.load(name).name)
    explorer.on_load()
    assert f"Loaded “{html.escape(name)}” version 1" in explorer.compare_messages.value


@pytest.mark.parametrize("name, says", [
    ("", "Please give the scenario a name"), ("   ", "Please give the scenario a name"),
    ("../../etc/passwd", "starts with a letter or a digit"), ("=HYPERLINK(\"http://x\")", "starts with a letter"),
    ("x'; DROP TABLE scenarios; --", "ordinary words"), ("a" * 65, "at most 64 characters"),
    ("Baseline", "the plan itself"), ("<script>alert(1)</script>", "starts with a letter"),
    ("a<b>c</b>", "ordinary words"), ("two\nlines", "control characters"), ("tab\there", "control characters"),
    ("bell\x07", "control characters"), ("right\u202eleft", "control characters"),
])
def test_a_bad_scenario_name_is_refused_with_a_clear_message(explorer: ScenarioExplorer, store, name: str, says: str):
    explorer.store_panel.scenario_name.value = name
    explorer.store_panel.author.value = "J. Smith"
    explorer.on_save()
    assert "planlib-error" in explorer.store_messages.value and says in explorer.store_messages.value
    assert "<script>" not in explorer.store_messages.value and "<b>" not in explorer.store_messages.value
    assert store.list().empty


@pytest.mark.parametrize("author", ["", "  ", "two\nlines", "x" * 101])
def test_a_scenario_needs_an_author(explorer: ScenarioExplorer, store, author: str):
    explorer.store_panel.scenario_name.value = "grant_flat"
    explorer.store_panel.author.value = author
    explorer.on_save()
    assert "planlib-error" in explorer.store_messages.value and "name" in explorer.store_messages.value
    assert store.list().empty


def test_load_puts_the_controls_back_and_compare_adds_the_scenario(explorer: ScenarioExplorer, store):
    explorer.precept["2024/25"].value = 14.5
    explorer.grant.value = 1.5
    explorer.pay.value = -0.5
    explorer.officers.value = 400
    explorer.funded["horizon_scanning"].value = False
    wanted, wanted_gap = explorer.settings(), explorer.result.measure("budget_gap")
    explorer.store_panel.scenario_name.value = "mixed"
    explorer.store_panel.author.value = "J. Smith"
    explorer.on_save()
    explorer.on_reset()
    assert explorer.settings() == baseline_settings(PLAN)
    explorer.on_load()
    assert explorer.settings() == wanted
    pd.testing.assert_series_equal(explorer.result.measure("budget_gap"), wanted_gap)
    assert "Loaded “mixed” version 1" in explorer.compare_messages.value
    explorer.on_reset()
    explorer.on_compare()
    assert "mixed (v1)" in explorer.comparison.value
    assert chart_value(explorer, "gap", "mixed (v1)", "2024/25") == pytest.approx(wanted_gap["2024/25"] / 1e6)
    assert chart_value(explorer, "reserves", "mixed (v1)", "2024/25") == pytest.approx(
        explorer._figures["mixed (v1)"]["reserves_closing"]["2024/25"] / 1e6)
    explorer.precept["2022/23"].value = 10.5  # the compared scenario stays on the chart as the controls move
    assert chart_value(explorer, "gap", "mixed (v1)", "2024/25") == pytest.approx(wanted_gap["2024/25"] / 1e6)
    explorer.on_compare()
    assert "already in the comparison" in explorer.compare_messages.value
    explorer.on_clear_comparison()
    assert "mixed (v1)" not in explorer.comparison.value


def test_a_hand_written_scenario_is_compared_but_not_loaded_if_the_controls_cannot_show_it(explorer, store):
    phased = planlib.Scenario.from_yaml(planlib.DEFAULT_PLAN / "scenarios" / "neighbourhood_uplift_phased.yaml")
    store.save(phased, "Finance team")  # by someone else, after the app opened
    explorer.on_refresh_list()
    assert "1 saved version listed" in explorer.compare_messages.value
    explorer.on_load()
    assert "can be compared but not loaded" in explorer.compare_messages.value
    assert explorer.settings() == baseline_settings(PLAN)
    explorer.on_compare()
    assert "neighbourhood_uplift_phased (v1)" in explorer.comparison.value


def test_without_a_store_the_app_still_runs_and_says_why_it_cannot_save():
    explorer = ScenarioExplorer(PLAN, store=None)
    explorer.store_panel.scenario_name.value = "x"
    explorer.store_panel.author.value = "J. Smith"
    explorer.on_save()
    assert "no scenario store is available" in explorer.store_messages.value
    explorer.on_compare()
    assert "choose a saved scenario" in explorer.compare_messages.value
    explorer.precept["2022/23"].value = 11.0
    assert explorer.result.measure("precept_increase")["2022/23"] == 11.0


class BrokenStore:
    """A store whose database has gone away."""

    def list(self) -> pd.DataFrame:
        raise StoreError("cannot read the scenario store sqlite:////srv/secret/scenarios.db: disk I/O error")

    def save(self, scenario, author, *, name=None) -> int:
        raise StoreError("cannot write to the scenario store sqlite:////srv/secret/scenarios.db: disk I/O error")


def test_a_failing_store_gives_a_friendly_message_without_its_location():
    explorer = ScenarioExplorer(PLAN, store=BrokenStore())
    assert "cannot be read just now" in explorer.store_panel.saved_table.value
    explorer.store_panel.scenario_name.value = "x"
    explorer.store_panel.author.value = "J. Smith"
    explorer.on_save()
    assert "could not be saved" in explorer.store_messages.value
    assert "/srv/secret" not in explorer.store_messages.value


# --------------------------------------------------------------------------- suggest a portfolio


@pytest.fixture(scope="module")
def baseline_portfolio() -> planlib.portfolio.PortfolioResult:
    return planlib.optimise(PLAN)


def test_a_suggestion_keeps_the_statutory_duties_and_saves_as_a_scenario(explorer, store, baseline_portfolio):
    assert explorer.suggestion_panel.save_suggestion_button.disabled
    explorer.on_suggest()
    text = explorer.suggestion_panel.suggestion.value
    assert f"Suggested: {len(baseline_portfolio.selected)} of 28 commitments" in text
    assert "all 11 statutory duties kept" in text
    assert not explorer.suggestion_panel.save_suggestion_button.disabled
    explorer.suggestion_panel.suggestion_name.value = "suggested_portfolio"
    explorer.suggestion_panel.suggestion_author.value = "Finance officer"
    explorer.on_save_suggestion()
    assert "Saved the suggestion as “suggested_portfolio” version 1, and added it to the comparison." in \
        explorer.portfolio_messages.value
    saved = store.load("suggested_portfolio")
    # the saved scenario is exactly the optimiser's answer for the baseline: nothing else changed
    assert saved.changes == baseline_portfolio.scenario_changes()
    assert "suggested_portfolio (v1)" in explorer.comparison.value


def test_a_suggestion_uses_the_funding_of_the_current_settings(explorer):
    explorer.grant.value = -5.0
    explorer.on_suggest()
    result, changes = explorer.suggestion_panel.last
    base = planlib.optimise(PLAN, frontier=False)
    grant = PLAN.finance.police_grant
    for year in ("2023/24", "2024/25"):    # the forecast years the grant slider changes
        assert result.envelope[year] == pytest.approx(base.envelope[year] - 0.05 * grant.value(year), abs=1.0)
    assert result.envelope["2022/23"] == pytest.approx(base.envelope["2022/23"])
    assert "finance.police_grant" in changes


def test_a_dropped_commitment_is_still_offered_to_the_optimiser(explorer, baseline_portfolio):
    explorer.set_funded("neighbourhood_policing_450", False)
    explorer.on_suggest()
    result, changes = explorer.suggestion_panel.last
    assert "commitments.neighbourhood_policing_450.enabled" not in changes
    assert result.selected == baseline_portfolio.selected


def test_no_affordable_portfolio_says_when_and_by_how_much(explorer):
    explorer.grant.value = -5.0
    explorer.pay.value = 3.0
    for slider in explorer.precept.values():
        slider.value = 0.0
    explorer.on_suggest()
    message = _message_of(explorer.portfolio_messages)
    assert message.startswith("No portfolio is affordable with these settings: the mandatory commitments alone "
                              "exceed the envelope in 2023/24")
    assert "too much" in message and "Traceback" not in message
    assert explorer.suggestion_panel.suggestion.value == "" and explorer.suggestion_panel.save_suggestion_button.disabled


@pytest.mark.parametrize("where, send", [
    ("portfolio_objective", "import os"),
    ("suggestion_name", "../../etc/passwd"),
])
def test_bad_values_in_the_suggestion_panel_are_refused(explorer, store, where, send):
    explorer.on_suggest()
    if where == "portfolio_objective":
        explorer.suggestion_panel.portfolio_objective.set_state({"index": 99})    # as a tampered browser would
        assert "could not be used" in explorer.portfolio_messages.value
        assert explorer.suggestion_panel.portfolio_objective.value == "pledges"
        return
    explorer.suggestion_panel.suggestion_name.value = send
    explorer.suggestion_panel.suggestion_author.value = "Someone"
    explorer.on_save_suggestion()
    assert "A scenario name starts with a letter or a digit" in explorer.portfolio_messages.value
    assert store.list().empty


def test_saving_before_asking_for_a_suggestion_says_so(explorer, store):
    explorer.suggestion_panel.suggestion_name.value = "early"
    explorer.suggestion_panel.suggestion_author.value = "Someone"
    explorer.on_save_suggestion()
    assert "Ask for a suggestion first." in explorer.portfolio_messages.value
    assert store.list().empty


def _message_of(messages) -> str:
    return re.sub(r"<[^>]+>", "", messages.value)


# --------------------------------------------------------------------------- downloads


def test_every_table_downloads_as_csv_and_the_comparison_as_an_excel_workbook(explorer: ScenarioExplorer, store):
    import base64
    import io
    from urllib.parse import unquote

    import openpyxl

    explorer.precept["2023/24"].value = 20.0
    explorer.store_panel.scenario_name.value = "Precept plus 20 – board’s view"
    explorer.store_panel.author.value = "J. Smith"
    explorer.on_save()
    explorer.on_compare()
    downloads = {"figures_by_year.csv": explorer.by_year_download.value,
                 "scenario_comparison.csv": explorer.comparison_download.value,
                 "budget_gap.csv": explorer.gap_block.download.value,
                 "reserves_closing.csv": explorer.reserves_block.download.value,
                 "commitments.csv": explorer.commitments_download.value}
    for name, link in downloads.items():
        assert f'download="{name}"' in link and 'href="data:text/csv' in link, name
    comparison = unquote(re.search(r'href="data:text/csv;charset=utf-8,([^"]*)"', downloads["scenario_comparison.csv"]).group(1))
    assert comparison.splitlines()[0].startswith("Scenario,Gap 2021/22 (£)")
    assert [line.split(",")[0] for line in comparison.splitlines()[1:]] == [
        "Baseline", "Your settings", "Precept plus 20 – board’s view (v1)"]
    listed = unquote(re.search(r'href="data:text/csv;charset=utf-8,([^"]*)"', downloads["commitments.csv"]).group(1))
    assert listed.splitlines()[0] == "Commitment,Revenue cost over the plan (£),Status"
    assert len(listed.splitlines()) == 1 + len(PLAN.commitments) and "Statutory duty (locked)" in listed
    assert "Your settings: " in explorer.gap_block.description_html.value and "£8.8m in 2023/24" in explorer.gap_block.description_html.value
    reply = explorer.workbook_button.reply()
    assert reply["name"] == f"{PLAN.id}_scenario_comparison.xlsx" and "error" not in reply
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(reply["data"])))
    assert book.sheetnames[:3] == ["about", "comparison", "Baseline"]
    rows = list(book["comparison"].iter_rows(min_row=2, values_only=True))
    assert {r[2] for r in rows} == {"Baseline", "Your settings", "Precept plus 20 – board’s view (v1)"}
    gap = next(r for r in rows if r[-1] == "budget_gap" and r[2] == "Your settings")
    assert gap[0] == "Budget gap (+ = shortfall)" and gap[5] == pytest.approx(gap_of(explorer, "2023/24"))
    assert not any(isinstance(r[0], str) and "_" in r[0] for r in rows), "measures by title, not id"


def gap_of(explorer: ScenarioExplorer, year: str) -> float:
    return float(explorer.result.measure("budget_gap")[year])


def test_a_workbook_that_cannot_be_made_is_a_short_message(explorer: ScenarioExplorer, monkeypatch):
    monkeypatch.setattr(explorer.workbook_button, "make", lambda: 1 / 0)
    assert explorer.workbook_button.reply() == {
        "event": "file", "error": "Sorry, the file could not be made. The problem has been logged."}


# --------------------------------------------------------------------------- a link to the view


def _moved(explorer: ScenarioExplorer) -> None:
    explorer.precept["2023/24"].value = 20.0
    explorer.grant.value = 1.5
    explorer.pay.value = -0.5
    explorer.officers.value = 400
    explorer.funded["horizon_scanning"].value = False


def test_a_link_reopens_the_same_view_and_the_baseline_link_is_the_bare_address(explorer: ScenarioExplorer):
    assert explorer.link.query == ""
    _moved(explorer)
    query = explorer.link.query
    assert query == "precept-2023-24=20&grant=1.5&pay=-0.5&officers=400&drop=horizon_scanning"
    again = ScenarioExplorer(PLAN)
    again.open_link(query)
    assert again.settings() == explorer.settings()
    pd.testing.assert_series_equal(again.result.measure("budget_gap"), explorer.result.measure("budget_gap"))
    assert again.link.query == query and again.link_messages.value == ""
    assert f"?{query}" != "?" and again.precept["2023/24"].value == 20.0
    again.open_link("?" + query + "&utm_source=email&view=old")  # unknown keys are ignored
    assert again.settings() == explorer.settings() and again.link_messages.value == ""
    explorer.on_reset()
    assert explorer.link.query == ""


HOSTILE_LINKS = {
    "script in a number": "grant=<script>alert(1)</script>",
    "out of range": "precept-2023-24=31",
    "off the step": "precept-2023-24=15.25",
    "not finite": "pay=nan",
    "exponent": "grant=1e3",
    "repeated key": "grant=1&grant=2",
    "statutory duty dropped": f"drop={next(c.id for c in PLAN.commitments if c.mandatory)}",
    "unknown commitment": "drop=../../etc/passwd",
    "sql in a list": "drop=x';DROP TABLE planlib_scenarios;--",
    "too long": "grant=1&" + "x=" + "a" * 3000,
    "too many parts": "&".join(f"k{i}=1" for i in range(200)),
    "bad percent-encoding": "grant=%ff%fe",
    "not text": 12,
}


@pytest.fixture(scope="module")
def one_explorer() -> ScenarioExplorer:
    """One app for the many bad links (each test moves it away from the baseline first)."""
    return ScenarioExplorer(PLAN)


@pytest.mark.parametrize("query", HOSTILE_LINKS.values(), ids=HOSTILE_LINKS.keys())
def test_a_bad_or_hostile_link_opens_the_baseline_with_a_short_message(one_explorer: ScenarioExplorer, query):
    explorer = one_explorer
    _moved(explorer)  # even from other settings, a bad link shows the baseline
    explorer.open_link(query)
    assert explorer.settings() == baseline_settings(PLAN)
    assert explorer.link.query == ""
    message = _message_of(explorer.link_messages)
    assert message.startswith("This link could not be used (") and message.endswith("so the app shows the baseline plan.")
    assert len(message) < 160 and "<script>" not in explorer.link_messages.value and "DROP" not in message
    assert "Traceback" not in explorer.link_messages.value and explorer.messages.value == ""
    explorer.precept["2023/24"].value = 16.0  # the viewer moves on: the message goes
    assert explorer.link_messages.value == ""


def test_the_link_control_keeps_only_the_characters_a_link_is_made_of(explorer: ScenarioExplorer):
    explorer.link.query = "grant=1\"><img src=x onerror=alert(1)>"
    assert explorer.link.query == ""


# --------------------------------------------------------------------------- the app in a browser

URL_PATH = "voila/render/scenario_explorer.ipynb"
LEAD = ".planlib-headline .planlib-lead"
GAP_BARS = ".planlib-gap-chart svg [aria-roledescription='bar']"

ARM_TIMER = """() => {
  // Time from the key going down to the headline figure and the budget-gap chart changing.
  const chartHtml = () => { const s = document.querySelector('.planlib-gap-chart svg'); return s ? s.innerHTML : ''; };
  const lead = () => { const l = document.querySelector('%(lead)s'); return l ? l.textContent : ''; };
  const w = window.__redraw = {lead0: lead(), chart0: chartHtml(), t0: null, figure: null, chart: null};
  document.addEventListener('keydown', () => { if (w.t0 === null) w.t0 = performance.now(); },
                            {capture: true, once: true});
  const poll = () => {
    const now = performance.now();
    if (w.t0 !== null && w.figure === null && lead() !== w.lead0) w.figure = now;
    const c = chartHtml();
    if (w.t0 !== null && w.chart === null && c !== w.chart0 && c.includes('aria-roledescription="bar"')) w.chart = now;
    if (w.figure === null || w.chart === null) requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}""" % {"lead": LEAD}


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('explorer_store') / 'scenarios.db'}"


@pytest.fixture(scope="module")
def explorer_server(store_url: str, artifacts: Path) -> Iterator[VoilaServer]:
    """Voila as ``planlib serve`` runs it, but with ``PLANLIB_STORE`` set to a temporary store.

    The session's server (``voila_server`` in conftest.py) preheats kernels, which would disturb
    the redraw timings measured here, so this module starts its own.
    """
    # No preheated kernels: a pool refilling in the background (running the notebook again)
    # would slow the redraw being measured. The session server preheats them.
    with running_voila(artifacts / "voila_scenario_explorer.log", store_url, pool_size=0) as server:
        yield server


@pytest.fixture(scope="module")
def app(explorer_server: VoilaServer, browser) -> Iterator[tuple[object, Visit]]:
    """The app open in one page at laptop size, after its first chart has drawn its bars."""
    url = explorer_server.url + URL_PATH
    context, page, record = recorded_page(browser, url, LAPTOP)
    try:
        response = page.goto(url, wait_until="domcontentloaded", timeout=RENDER_TIMEOUT_MS)
        record.served_html = response.text() if response is not None else ""
        page.locator(GAP_BARS).first.wait_for(state="attached", timeout=RENDER_TIMEOUT_MS)
        page.locator(".planlib-reserves-chart svg").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        yield page, record
    finally:
        context.close()


def _screenshot(page, name: str, full: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    if not full:
        page.screenshot(path=str(ARTIFACTS / name))
        return
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": LAPTOP["width"], "height": min(height, 16_000)})
    try:
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    finally:
        page.set_viewport_size(dict(LAPTOP))


def _bar(page, scenario: str, year: str) -> str:
    labels = page.locator(GAP_BARS).evaluate_all("bars => bars.map(b => b.getAttribute('aria-label'))")
    found = [label for label in labels if f"Financial year: {year};" in label and f"Scenario: {scenario};" in label]
    assert len(found) == 1, labels
    return found[0]


@pytest.mark.browser
@pytest.mark.slow
def test_the_app_opens_on_a_laptop_screen_with_the_plan_and_its_gap(app):
    page, record = app
    text = page.inner_text("body")
    assert PLAN.name in text and f"{PLAN.period.first} to {PLAN.period.last}" in text
    assert "The plan does not balance in 2023/24 and 2024/25: a shortfall of £12.6m and £10.5m." in text
    assert "Budget gap by financial year" in text and "Reserves at year end" in text
    for marker in ERROR_MARKERS:
        assert marker not in text
    # The first screen of a 1366x768 laptop shows the verdict, the precept sliders and the gap chart.
    for selector in (LEAD, ".planlib-precept", ".planlib-gap-chart svg"):
        box = page.locator(selector).first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= LAPTOP["height"], selector
    _screenshot(page, "scenario_explorer.png")
    _screenshot(page, "scenario_explorer_full.png", full=True)


@pytest.mark.browser
@pytest.mark.slow
def test_the_keyboard_moves_the_precept_slider_and_the_gap_chart_and_figure_follow(app, artifacts: Path):
    page, _ = app
    assert "Budget gap (£m): 12.6" in _bar(page, "Your settings", "2023/24")
    handle = page.locator(".planlib-precept", has_text="2023/24").locator(".noUi-handle")
    timings = []
    for expected_value, expected_gap in (("15.5", "12.2"), ("16.0", "11.8"), ("16.5", "11.4")):
        page.evaluate(ARM_TIMER)
        handle.focus()
        handle.press("ArrowRight")
        page.wait_for_function("() => window.__redraw.figure !== null && window.__redraw.chart !== null",
                               timeout=10_000)
        t = page.evaluate("() => window.__redraw")
        timings.append({"figure_ms": round(t["figure"] - t["t0"], 1), "chart_ms": round(t["chart"] - t["t0"], 1)})
        assert handle.get_attribute("aria-valuenow") == expected_value
        assert f"£{expected_gap}m" in page.inner_text(LEAD)
        assert f"Budget gap (£m): {expected_gap}" in _bar(page, "Your settings", "2023/24")
        assert "Budget gap (£m): 12.6" in _bar(page, "Baseline", "2023/24")
    readout = page.locator(".planlib-precept", has_text="2023/24").locator("xpath=..").inner_text()
    assert "above the £15.00 limit" in readout
    assert "A referendum would be needed" in page.inner_text(".planlib-headline")
    # Measured, not asserted: the speed goal is a redraw within 250 ms of the key (see the report).
    (artifacts / "scenario_explorer_redraw_ms.json").write_text(json.dumps(timings, indent=1))
    print("slider to redraw (ms):", timings)
    _screenshot(page, "scenario_explorer_moved.png")


@pytest.mark.browser
@pytest.mark.slow
def test_save_a_scenario_and_see_it_listed_and_compared(app, store_url: str):
    page, _ = app
    page.get_by_placeholder("e.g. Precept plus 12").fill("Board: precept £16.50")
    page.get_by_placeholder("who is saving it").fill("Board member")
    page.get_by_role("button", name="Save scenario").click()
    page.get_by_text("Saved “Board: precept £16.50” as version 1.").wait_for(timeout=10_000)
    listed = page.locator("table.planlib-saved")
    assert "Board: precept £16.50" in listed.inner_text() and "Board member" in listed.inner_text()
    with planlib.ScenarioStore(store_url) as store:
        saved = store.list()
    assert saved[["name", "version", "author"]].values.tolist() == [["Board: precept £16.50", 1, "Board member"]]
    page.get_by_role("button", name="Add to comparison").click()
    page.locator("table.planlib-comparison", has_text="Board: precept £16.50 (v1)").wait_for(timeout=10_000)
    page.locator(GAP_BARS).nth(3 * 4 - 1).wait_for(state="attached", timeout=10_000)
    assert "Budget gap (£m): 11.4" in _bar(page, "Board: precept £16.50 (v1)", "2023/24")
    _screenshot(page, "scenario_explorer_saved.png", full=True)


@pytest.mark.browser
@pytest.mark.slow
def test_a_bad_name_gets_a_message_not_a_traceback(app, store_url: str):
    page, _ = app
    page.get_by_placeholder("e.g. Precept plus 12").fill("../../etc/passwd")
    page.get_by_role("button", name="Save scenario").click()
    page.get_by_text("A scenario name starts with a letter or a digit").wait_for(timeout=10_000)
    with planlib.ScenarioStore(store_url) as store:
        assert store.list()["name"].tolist() == ["Board: precept £16.50"]


@pytest.mark.browser
@pytest.mark.slow
def test_suggest_a_portfolio_and_save_it_as_a_scenario(app, store_url: str):
    page, _ = app
    page.get_by_role("button", name="Suggest a portfolio").click()
    lead = page.locator(".planlib-suggestion .planlib-lead")
    lead.wait_for(timeout=60_000)
    assert "statutory duties kept" in lead.inner_text()
    by_year = page.locator("table.planlib-suggestion-years").inner_text()
    assert "Headroom for commitments" in by_year and "Statutory duties" in by_year and "2024/25" in by_year
    page.get_by_placeholder("e.g. Suggested portfolio").fill("Suggested portfolio")
    page.get_by_placeholder("your name").fill("Board member")
    page.get_by_role("button", name="Save suggestion as a scenario").click()
    page.get_by_text("Saved the suggestion as “Suggested portfolio” version 1").wait_for(timeout=10_000)
    page.locator("table.planlib-comparison", has_text="Suggested portfolio (v1)").wait_for(timeout=10_000)
    with planlib.ScenarioStore(store_url) as store:
        saved = store.load("Suggested portfolio")
    # The saved scenario is the app's settings (whatever earlier tests left them at) plus the
    # optimiser's answer for them, as planlib.optimise gives it.
    portfolio = {k: v for k, v in saved.changes.items() if k.endswith((".enabled", ".start_year"))}
    settings = {k: v for k, v in saved.changes.items() if k not in portfolio}
    expected = planlib.optimise(PLAN, planlib.Scenario(name="settings", description="d", source="s", changes=settings),
                                frontier=False)
    assert portfolio == expected.scenario_changes()
    assert all(f"commitments.{c.id}.enabled" not in portfolio for c in PLAN.commitments if c.mandatory)
    _screenshot(page, "scenario_explorer_suggestion.png", full=True)


@pytest.mark.browser
@pytest.mark.slow
def test_the_app_shows_no_error_no_code_and_loads_nothing_from_outside(app):
    page, record = app
    text = page.inner_text("body")
    for marker in ERROR_MARKERS:
        assert marker not in text
    assert record.page_errors == []
    assert record.requests, "the page made no requests at all: nothing was recorded"
    assert record.external_requests() == []
    assert record.failed_requests == []
    assert "ScenarioExplorer" not in record.served_html and "import planlib" not in record.served_html


@pytest.mark.browser
@pytest.mark.slow
def test_a_link_reopens_the_view_and_a_hostile_link_opens_the_baseline(voila_server: VoilaServer, browser):
    """On the session's server, whose kernels are preheated as planlib serve's are: the query
    string reaches the kernel after the notebook has run (voila.utils.get_query_string)."""
    query = "precept-2023-24=20&grant=1.5&drop=horizon_scanning&utm_source=email"
    url = voila_server.url + URL_PATH
    context, page, record = recorded_page(browser, url + "?" + query, LAPTOP)
    try:
        page.goto(url + "?" + query, wait_until="domcontentloaded", timeout=RENDER_TIMEOUT_MS)
        lead = page.locator(LEAD)
        lead.filter(has_text="£0.1m").wait_for(timeout=RENDER_TIMEOUT_MS)  # 2023/24: £12.6m less £5 x tax base...
        assert "The plan does not balance in 2023/24: a shortfall of £0.1m." in lead.inner_text()
        box = page.locator(".planlib-link-text")
        expected = "precept-2023-24=20&grant=1.5&drop=horizon_scanning"  # the unknown key is dropped
        page.wait_for_function("q => window.location.search === '?' + q", arg=expected, timeout=30_000)
        assert box.input_value() == url + "?" + expected
        page.get_by_role("button", name="Copy a link to this view").click()
        page.locator(".planlib-link-status").filter(has_text="Link").wait_for(timeout=10_000)
        page.get_by_role("button", name="Back to the baseline").click()
        page.wait_for_function("() => window.location.search === ''", timeout=30_000)
        assert box.input_value() == url
        # A hostile link: the baseline, a short message, no error, and the address made bare.
        page.goto(url + "?grant=%3Cscript%3Ealert(1)%3C%2Fscript%3E&precept-2023-24=20",
                  wait_until="domcontentloaded", timeout=RENDER_TIMEOUT_MS)
        page.get_by_text("This link could not be used (the change to the police grant must be a number)").wait_for(
            timeout=RENDER_TIMEOUT_MS)
        assert "a shortfall of £12.6m and £10.5m" in page.inner_text(LEAD)
        message = page.get_by_text("This link could not be used").bounding_box()
        assert message is not None and message["y"] + message["height"] <= LAPTOP["height"], "seen on the first screen"
        page.wait_for_function("() => window.location.search === ''", timeout=30_000)
        _screenshot(page, "scenario_explorer_hostile_link.png")
        assert record.page_errors == [] or all("[anywidget] Failed to initialize model" in e for e in record.page_errors)
        assert record.external_requests() == []
    finally:
        context.close()
