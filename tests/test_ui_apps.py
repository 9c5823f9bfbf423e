"""The plan overview and net benefit apps, driven as a viewer would, without a browser.

The widgets are built on the example plan; filters and the commitment picker are moved
programmatically and through the widget protocol (the messages a browser sends), and values a
browser could send but the app does not offer get a short message, never an exception.
"""

from __future__ import annotations

import html
import logging

import ipywidgets as widgets
import pytest

import planlib
from planlib import appraisal
from planlib.io.plan_folder import load_folder
from planlib.present import tables
from planlib.present.assumptions import assumption_table
from planlib.formats import money
from planlib.ui import FRIENDLY_ERROR
from planlib.ui import net_benefit as net_benefit_module
from planlib.ui import overview as overview_module
from planlib.ui.net_benefit import NetBenefitExplorer
from planlib.compliance import function_coverage
from planlib.ui.overview import ALL, PlanOverview

BAD_VALUES = ["__import__('os').system('id')", "../../etc/passwd", "'; DROP TABLE scenarios; --", 42, 3.5,
              True, ["governance"], {"a": 1}, " ", "all", "GOVERNANCE"]
"""Values a viewer could send through the widget protocol that no control offers."""


def _send(widget, **state) -> None:
    """Update a widget as the browser does: a comm ``update`` message handled by the kernel."""
    widget._handle_msg({"content": {"data": {"method": "update", "state": state, "buffer_paths": []}}, "buffers": []})


def _force_value(dropdown, value) -> None:
    """Make a dropdown hold ``value`` without its own validation and call the app's callback.

    Simulates a value that got past the widget library (a later version, a crafted message):
    the app's callback must still refuse it. The app's callbacks are the observers wrapped by
    :func:`planlib.ui.safe` (they carry ``__wrapped__``).
    """
    old = dropdown._trait_values["value"]
    dropdown._trait_values["value"] = value
    callbacks = [o for o in dropdown._trait_notifiers["value"]["change"] if hasattr(o, "__wrapped__")]
    assert callbacks, "the app registered no callback on this widget"
    for callback in callbacks:
        callback({"name": "value", "old": old, "new": value, "owner": dropdown, "type": "change"})


def _chart_data(chart_widget) -> list[dict]:
    spec = chart_widget.chart.to_dict()
    return spec["datasets"][spec["data"]["name"]] if "data" in spec else [
        row for layer in spec["layer"] for row in spec["datasets"].get(layer.get("data", {}).get("name", ""), [])]


def _disabled(plan: planlib.Plan, commitment_id: str) -> planlib.Plan:
    commitments = tuple(c.model_copy(update={"enabled": False}) if c.id == commitment_id else c
                        for c in plan.commitments)
    return plan.model_copy(update={"commitments": commitments})


# --------------------------------------------------------------------------- plan overview


@pytest.fixture
def overview(example_plan: planlib.Plan) -> PlanOverview:
    return PlanOverview(example_plan)


def test_overview_starts_with_every_commitment(overview: PlanOverview, example_plan: planlib.Plan):
    assert overview.selected_ids() == [c.id for c in example_plan.commitments]
    assert "Showing all 28 commitments" in overview.selection.value
    for c in example_plan.commitments:
        assert html.escape(c.title) in overview.commitments_table.value
    assert "planlib-app" in overview.widget._dom_classes
    # Money as a board paper writes it.
    biggest = tables.commitments_table(example_plan).nlargest(1, "revenue_gbp").iloc[0]
    assert money(biggest["revenue_gbp"]) in overview.commitments_table.value


@pytest.mark.parametrize("name, value, column", [
    ("workstream", "partnership", "workstream"),
    ("owner", "opcc", "owner"),
    ("section", "s5_governance", "section_id"),
])
def test_each_filter_keeps_only_the_matching_commitments(overview: PlanOverview, name, value, column):
    table = overview.commitments
    before = _chart_data(overview.resources_chart)
    overview.set_filter(**{name: value})
    ids = overview.selected_ids()
    expected = list(table.loc[table[column] == value, "commitment_id"])
    assert ids == expected and 0 < len(ids) < len(table)
    shown = overview.commitments_table.value
    for row in table.itertuples():
        assert (html.escape(row.commitment) in shown) == (row.commitment_id in ids)
    assert f"Showing {len(ids)} of {len(table)} commitments" in overview.selection.value
    # The chart is redrawn with the selection's revenue only.
    after = _chart_data(overview.resources_chart)
    revenue = overview.costs.query("measure == 'revenue_gbp' and commitment_id in @ids")["value"].sum()
    assert sum(r["revenue_gbp_m"] for r in after) == pytest.approx(revenue / 1e6)
    assert after != before
    assert overview.messages.value == ""


def test_filters_combine_and_show_all_clears_them(overview: PlanOverview):
    overview.set_filter(workstream="partnership", owner="opcc")
    ids = overview.selected_ids()
    table = overview.commitments.set_index("commitment_id")
    assert ids and all(table.at[i, "workstream"] == "partnership" and table.at[i, "owner"] == "opcc" for i in ids)
    overview.show_all.click()
    assert overview.workstream.value == overview.owner.value == overview.section.value == ALL
    assert len(overview.selected_ids()) == len(overview.commitments)


def test_a_filter_that_matches_nothing_says_so(overview: PlanOverview):
    overview.set_filter(workstream="influence", section="s1_policing")
    assert overview.selected_ids() == []
    assert "No commitment matches" in overview.selection.value
    assert "No commitment matches these filters." in overview.commitments_table.value
    assert all(r["revenue_gbp_m"] == 0 for r in _chart_data(overview.resources_chart))
    assert overview.messages.value == ""


def test_kpis_follow_the_commitments_shown(overview: PlanOverview, example_plan: planlib.Plan):
    assert all(html.escape(k.title) in overview.kpis_table.value for k in example_plan.kpis)
    overview.set_filter(section="s3_collaboration")
    linked = {k for c in example_plan.commitments if c.id in overview.selected_ids() for k in c.kpis}
    for k in example_plan.kpis:
        assert (html.escape(k.title) in overview.kpis_table.value) == (k.id in linked)
    assert "Illustrative" in overview.kpis_table.value


def test_the_filters_move_through_the_widget_protocol(overview: PlanOverview):
    labels = [label for label, _ in overview.workstream.options]
    _send(overview.workstream, index=labels.index("Influence"))
    assert overview.workstream.value == "influence"
    assert "Campaign for fair funding" in overview.commitments_table.value
    assert "Put 450 officers" not in overview.commitments_table.value


def test_an_index_out_of_range_is_refused_before_the_app_sees_it(overview: PlanOverview):
    before = overview.commitments_table.value
    _send(overview.workstream, index=999)  # ipywidgets refuses it (and logs it in the kernel)
    assert overview.workstream.value == ALL and overview.commitments_table.value == before


def test_no_selection_sent_through_the_protocol_is_refused_and_undone(overview: PlanOverview):
    overview.set_filter(owner="opcc")
    before = overview.commitments_table.value
    _send(overview.owner, index=None)  # the widget allows "nothing selected"; the app does not
    assert "The owner is not one of the choices offered." in overview.messages.value
    assert overview.owner.value == "opcc" and overview.commitments_table.value == before


@pytest.mark.parametrize("value", BAD_VALUES)
def test_bad_filter_values_get_a_short_message(overview: PlanOverview, value, caplog):
    before = overview.commitments_table.value
    with caplog.at_level(logging.WARNING, logger="planlib.ui"):
        overview.set_filter(owner=value)
    assert "The owner is not one of the choices offered." in overview.messages.value
    assert overview.owner.value == ALL and overview.commitments_table.value == before
    assert "Traceback" not in overview.messages.value
    assert any("rejected input" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("value", BAD_VALUES)
def test_a_bad_value_that_reaches_the_callback_is_refused(overview: PlanOverview, value):
    before = overview.commitments_table.value
    _force_value(overview.section, value)
    assert overview.section.value == ALL, "the filter is put back to what the page shows"
    assert "The section is not one of the choices offered." in overview.messages.value
    assert overview.commitments_table.value == before


def test_a_failure_while_redrawing_is_logged_and_shown_briefly(overview: PlanOverview, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("internal detail the viewer must not see")

    overview.set_filter(workstream="review")
    before = overview.commitments_table.value
    monkeypatch.setattr(overview_module.charts, "resources_chart", broken)
    with caplog.at_level(logging.ERROR, logger="planlib.ui"):
        overview.workstream.value = "governance"
    assert FRIENDLY_ERROR in overview.messages.value
    assert "internal detail" not in overview.messages.value
    assert any(r.exc_info for r in caplog.records)
    # The page still agrees with itself: the filter is back on what the tables show.
    assert overview.workstream.value == "review" and overview.commitments_table.value == before
    # A working change afterwards clears the message.
    monkeypatch.undo()
    overview.workstream.value = "partnership"
    assert overview.messages.value == ""


def test_function_coverage_lists_the_commitments_serving_each_function(example_plan: planlib.Plan):
    coverage = function_coverage(example_plan).set_index("function_id")
    assert list(coverage.index) == [f"f{i:02d}" for i in range(1, 15)]
    assert "police_pension_forfeiture" in coverage.at["f09", "commitment_ids"]
    for c in example_plan.commitments:
        for f in c.functions:
            assert c.id in coverage.at[f, "commitment_ids"]
    assert (coverage["commitments"] == coverage["commitment_ids"].map(len)).all()


def test_a_function_no_commitment_serves_is_shown_as_not_yet_served(example_plan: planlib.Plan):
    plan = _disabled(example_plan, "police_pension_forfeiture")  # the only commitment serving f09
    coverage = function_coverage(plan).set_index("function_id")
    assert not coverage.at["f09", "served"] and coverage.at["f09", "commitments"] == 0
    app = PlanOverview(plan)
    assert "13 of 14" in app.widget.children[1].children[1].value
    coverage_section = next(w for w in app.widget.children if isinstance(w, widgets.VBox)
                            and "Statutory functions covered" in w.children[0].value)
    assert "Not yet served" in coverage_section.children[-1].value


def test_plan_text_is_escaped(example_plan: planlib.Plan):
    first = example_plan.commitments[0].model_copy(update={"title": "<img src=x onerror=alert(1)>"})
    plan = example_plan.model_copy(update={"commitments": (first, *example_plan.commitments[1:])})
    app = PlanOverview(plan)
    assert "<img" not in app.commitments_table.value
    assert "&lt;img src=x onerror=alert(1)&gt;" in app.commitments_table.value


def test_overview_ranks_the_register_it_is_given(example_plan: planlib.Plan):
    folder = load_folder(parts=["horizon"])
    app = PlanOverview(folder.plan, folder.horizon)
    assert app.horizon is not None and len(app.horizon) == len(folder.horizon.horizon)
    section = next(w for w in app.widget.children if isinstance(w, widgets.VBox)
                   and "Horizon scanning" in w.children[0].value)
    assert "planlib-horizon-table" in section.children[-1]._dom_classes
    first = app.horizon.iloc[0]
    assert html.escape(first["title"]) in app._horizon_html()
    for commitment in first["answered_by"]:  # commitments by title, not id
        assert html.escape(example_plan.commitment(commitment).title) in app._horizon_html()


def test_overview_without_a_register_says_so(example_plan: planlib.Plan):
    app = PlanOverview(example_plan)
    assert app.horizon is None
    section = next(w for w in app.widget.children if isinstance(w, widgets.VBox)
                   and "Horizon scanning" in w.children[0].value)
    assert "no horizon scanning register" in section.children[-1].value


def test_overview_works_on_the_minimal_plan(minimal_plan: planlib.Plan):
    app = PlanOverview(minimal_plan)
    assert len(app.selected_ids()) == len(minimal_plan.commitments)
    assert app.messages.value == ""


# --------------------------------------------------------------------------- net benefit


@pytest.fixture(scope="module")
def explorer() -> NetBenefitExplorer:
    return NetBenefitExplorer(planlib.load_plan(planlib.DEFAULT_PLAN), samples=2_000, seed=7)


@pytest.fixture
def fresh(explorer: NetBenefitExplorer) -> NetBenefitExplorer:
    """The module's explorer, back on its first commitment with no message."""
    explorer.pick("neighbourhood_policing_450")
    explorer.messages.clear()
    return explorer


def _tornado_title(app: NetBenefitExplorer) -> str:
    return app.tornado_chart.chart.to_dict()["title"]["text"]


def test_the_intervals_are_the_appraisal_with_the_same_draws(explorer: NetBenefitExplorer, example_plan):
    expected = appraisal.appraisal_table(example_plan, samples=2_000, seed=7)
    assert explorer.table.equals(expected)
    spec = explorer.interval_chart.chart.to_dict()
    labels = {row["label"] for rows in spec["datasets"].values() for row in rows if "label" in row}
    valued = [c for c in example_plan.commitments if c.enabled and c.benefits]
    assert labels == {c.title for c in valued}  # the commitments whose benefits are not valued are not drawn


def test_the_page_opens_with_the_valued_apart_from_the_rest(explorer: NetBenefitExplorer, example_plan):
    from planlib.formats import money
    n_valued, n_other = explorer.cases.counts
    banner = explorer.widget.children[1].value
    assert f"{n_valued} of {n_valued + n_other} commitments have benefits valued in money" in banner
    assert money(explorer.cases.valued_total["npv_p50"]) in banner
    assert f"The other {n_other} cost {money(explorer.cases.not_valued_total['pv_costs'])}" in banner
    body = explorer.table[~explorer.table.commitment.isin(("VALUED", "NOT_VALUED"))]
    assert money(body["npv"].sum()) not in banner  # never the sum of both
    page = str([getattr(w, "value", "") for w in _all_widgets(explorer.widget)])
    for words in ("Financial return on investment", "public money saved for each £1 spent", "Payback period",
                  "Net present public value", "Public value benefit-cost ratio", "To pay for itself it would need",
                  "Chance the benefits outweigh the costs", "Download the figures (CSV)"):
        assert words in page, words


def _all_widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _all_widgets(child)


def test_a_commitment_can_be_chosen_by_id_and_the_choice_observed(fresh: NetBenefitExplorer):
    seen = []
    fresh.observe(lambda change: seen.append(change["new"]), names="commitment")
    assert fresh.select("violence_reduction_partnership") is True
    assert fresh.commitment == fresh.picker.value == "violence_reduction_partnership" and seen == [fresh.commitment]
    assert fresh.select("no_such_commitment") is False
    assert fresh.commitment == "violence_reduction_partnership" and seen == ["violence_reduction_partnership"]
    fresh.unobserve_all("commitment")


def test_it_opens_on_a_commitment_with_monetised_benefits(fresh: NetBenefitExplorer):
    assert fresh.picked == "neighbourhood_policing_450"
    assert _tornado_title(fresh).endswith("Put 450 officers from the national uplift into neighbourhood policing")
    assert "Volume: robberies prevented a year" in fresh.switching_table.value


def test_picking_another_commitment_redraws_everything(fresh: NetBenefitExplorer):
    before = (_tornado_title(fresh), fresh.switching_table.value, fresh.assumptions_table.value,
              fresh.headline.value)
    fresh.pick("violence_reduction_partnership")
    after = (_tornado_title(fresh), fresh.switching_table.value, fresh.assumptions_table.value, fresh.headline.value)
    assert all(a != b for a, b in zip(before, after))
    assert fresh.picked == "violence_reduction_partnership"
    assert "Violence Reduction Partnership" in _tornado_title(fresh)
    tornado, switching = fresh.sensitivity("violence_reduction_partnership")
    spec = fresh.tornado_chart.chart.to_dict()
    bars = spec["datasets"][spec["layer"][0]["data"]["name"]]
    assert len(bars) == len(tornado)
    assert fresh.switching_table.value.count("<tr>") == len(switching) + 1
    assert fresh.messages.value == ""


def test_the_picker_moves_through_the_widget_protocol(fresh: NetBenefitExplorer):
    ids = [value for _, value in fresh.picker.options]
    _send(fresh.picker, index=ids.index("victims_services"))
    assert fresh.picked == "victims_services"
    assert "Commission services that help victims" in _tornado_title(fresh)
    before = fresh.switching_table.value
    _send(fresh.picker, index=None)
    assert "The commitment is not one of the choices offered." in fresh.messages.value
    assert fresh.picker.value == fresh.picked == "victims_services" and fresh.switching_table.value == before


@pytest.mark.parametrize("value", BAD_VALUES + [None, "TOTAL", ""])
def test_bad_commitments_get_a_short_message(fresh: NetBenefitExplorer, value, caplog):
    before = fresh.switching_table.value
    with caplog.at_level(logging.WARNING, logger="planlib.ui"):
        fresh.pick(value)
    assert "The commitment is not one of the choices offered." in fresh.messages.value
    assert fresh.picked == "neighbourhood_policing_450" and fresh.switching_table.value == before
    assert any("rejected input" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("value", BAD_VALUES)
def test_a_bad_commitment_that_reaches_the_callback_is_refused(fresh: NetBenefitExplorer, value):
    before = fresh.switching_table.value
    _force_value(fresh.picker, value)
    assert fresh.picker.value == fresh.picked == "neighbourhood_policing_450"
    assert "The commitment is not one of the choices offered." in fresh.messages.value
    assert fresh.switching_table.value == before


def test_a_failure_while_picking_is_logged_and_shown_briefly(fresh: NetBenefitExplorer, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("internal detail the viewer must not see")

    before = fresh.switching_table.value
    monkeypatch.setattr(net_benefit_module, "commitment_tornado", broken)
    with caplog.at_level(logging.ERROR, logger="planlib.ui"):
        fresh.pick("fraud_and_cyber_crime")
    assert FRIENDLY_ERROR in fresh.messages.value and "internal detail" not in fresh.messages.value
    assert any(r.exc_info for r in caplog.records)
    assert fresh.picker.value == fresh.picked == "neighbourhood_policing_450"
    assert fresh.switching_table.value == before
    monkeypatch.undo()
    fresh.pick("victims_services")
    assert fresh.messages.value == "" and "victims" in _tornado_title(fresh)


def test_statuses_are_shown_next_to_every_number(fresh: NetBenefitExplorer, example_plan: planlib.Plan):
    table = fresh.provenance("neighbourhood_policing_450")
    assert set(table["status"]) == {"verified", "estimate", "illustrative", "unverified"}
    shown = fresh.assumptions_table.value
    assert shown.count("planlib-status-illustrative") >= (table["status"] == "illustrative").sum()
    assert "planlib-status-unverified" in shown and "11 of them are illustrative or unverified" in shown
    # Every assumption a benefit line uses is listed with its source.
    used = {ref for line in example_plan.commitment("neighbourhood_policing_450").benefits
            for ref in line.assumption_refs().values()}
    for ref in used:
        assert html.escape(example_plan.assumption(ref).source) in shown
    # And the page-wide caution says how many numbers are illustrative.
    banner = fresh.widget.children[1].value
    assert "illustrative" in banner and "not evidence" in banner


def test_the_numbers_behind_it_are_the_one_provenance_table(fresh: NetBenefitExplorer, example_plan):
    table = fresh.provenance("violence_reduction_partnership")
    pv_costs = fresh.table.set_index("commitment").at["violence_reduction_partnership", "pv_costs"]
    assert table.equals(assumption_table(example_plan, "violence_reduction_partnership", pv_costs=pv_costs))
    assert {"GDP deflator", "Optimism bias by grade"} <= set(table["number"])
    assert any(n.startswith("Cost lines, ") for n in table["number"])


def test_money_in_the_apps_has_a_true_minus(fresh: NetBenefitExplorer):
    assert "−£" in fresh.widget.children[1].value and "£-" not in fresh.widget.children[1].value
    assert "£-" not in fresh.headline.value


def test_a_commitment_without_monetised_benefits_says_so(fresh: NetBenefitExplorer):
    fresh.pick("hold_to_account_spcb")
    assert "not monetised" in fresh.headline.value and "to pay for itself it would need benefits worth" in fresh.headline.value
    spec = fresh.tornado_chart.chart.to_dict()
    assert "No monetised benefits" in str(spec)
    assert "Present value of costs" in fresh.switching_table.value


def test_switching_values_put_the_most_sensitive_input_first(fresh: NetBenefitExplorer):
    _, switching = fresh.sensitivity("neighbourhood_policing_450")
    smallest = switching.loc[switching["change_pct"].abs().idxmin(), "input"]
    first_row = fresh.switching_table.value.split("<tbody>")[1].split("</tr>")[0]
    assert html.escape(fresh.input_labels("neighbourhood_policing_450")[smallest]) in first_row


@pytest.mark.parametrize("samples, seed", [(0, 1), (10**9, 1), ("5000", 1), (True, 1), (5_000, -1), (5_000, 1.5)])
def test_the_app_refuses_bad_settings(example_plan: planlib.Plan, samples, seed):
    with pytest.raises(ValueError, match="samples|seed"):
        NetBenefitExplorer(example_plan, samples=samples, seed=seed)


def test_net_benefit_works_on_the_minimal_plan(minimal_plan: planlib.Plan):
    app = NetBenefitExplorer(minimal_plan, samples=200)
    assert app.picked in app.commitment_ids and app.messages.value == ""
