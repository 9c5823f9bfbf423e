"""The accessible building blocks of the apps (planlib.ui.kit), without a browser.

The browser half (axe-core finds every control named, the keyboard moves them) is in
tests/apps/test_accessible_apps.py.
"""

from __future__ import annotations

import math
import re
from urllib.parse import unquote

import altair as alt
import pandas as pd
import pytest

from planlib.ui.kit import (DOWNLOAD_CSV, SHOW_TABLE, chart_block, csv_file_name, number_slider, table_block)


def _send(widget, **state) -> None:
    """Update a widget as the browser does: a comm ``update`` message handled by the kernel."""
    widget._handle_msg({"content": {"data": {"method": "update", "state": state, "buffer_paths": []}}, "buffers": []})


def _csv_from_link(markup: str) -> str:
    href = re.search(r'href="data:text/csv;charset=utf-8,([^"]*)"', markup).group(1)
    return unquote(href.replace("&amp;", "&"))


def test_the_slider_and_the_number_box_hold_one_value_whichever_moves():
    seen = []
    pair = number_slider("2023/24", 10.0, 0.0, 30.0, 0.5, unit="£", name="Band D precept increase in 2023/24")
    pair.observe(lambda change: seen.append((change["owner"], change["new"])), names="value")
    _send(pair.box, value=12.5)                      # typed into the box
    assert (pair.value, pair.slider.value) == (12.5, 12.5)
    _send(pair.slider, value=14.0)                   # the slider moved with the arrow keys
    assert (pair.value, pair.box.value) == (14.0, 14.0)
    pair.value = 9.5                                 # set from Python (a loaded scenario)
    assert (pair.slider.value, pair.box.value) == (9.5, 9.5)
    assert [new for owner, new in seen if owner is pair] == [12.5, 14.0, 9.5], "one change each, owned by the pair"


def test_both_parts_have_an_accessible_name_and_the_box_says_its_unit():
    pair = number_slider("Grant", 0.0, -5.0, 5.0, 0.5, unit="%", name="Change to the police grant")
    assert pair.slider.description == "Grant" and pair.slider.tooltip == "Change to the police grant"
    assert pair.box.description == "Change to the police grant (%)"
    assert "planlib-number-box" in pair.box._dom_classes
    assert not pair.slider.readout, "the number box is the readout"
    assert pair.slider.continuous_update is False


def test_whole_numbers_give_an_integer_pair_and_disabling_the_pair_disables_both():
    pair = number_slider("Officers", 450, 300, 500, 5, unit="officers")
    assert isinstance(pair.value, int) and pair.box.__class__.__name__ == "_IntBox"
    pair.disabled = True
    assert pair.slider.disabled and pair.box.disabled


@pytest.mark.parametrize("bad", ["12; import os", [1], {"a": 1}])
def test_a_value_of_the_wrong_type_sent_by_a_viewer_is_put_back_and_reported(bad):
    rejected = []
    pair = number_slider("2023/24", 10.0, 0.0, 30.0, 0.5)
    pair.on_rejected = lambda: rejected.append(True)
    pair.set_state({"value": bad})                   # never raises
    _send(pair.box, value=bad)
    assert pair.value == pair.slider.value == pair.box.value == 10.0
    assert len(rejected) == 2


def test_nan_set_on_the_pair_can_be_put_back():
    pair = number_slider("2023/24", 10.0, 0.0, 30.0, 0.5)
    pair.value = float("nan")
    assert math.isnan(pair.slider.value)
    pair.value = 10.0
    assert pair.slider.value == pair.box.value == 10.0


FIGURES = pd.DataFrame({"Financial year": ["2022/23", "2023/24"], "Budget gap": [2_400_000.0, -1_000_000.0]})


def test_a_table_block_is_an_accessible_table_with_a_caption_and_its_figures_as_csv():
    block = table_block(FIGURES, caption="Budget gap by year", csv_name="budget gap", money=["Budget gap"])
    assert "<caption>Budget gap by year</caption>" in block.value
    assert block.value.count('scope="col"') == 2
    assert '<td class="num">£2.4m</td>' in block.value and "−£1.0m" in block.value
    assert 'role="region" tabindex="0" aria-label="Budget gap by year"' in block.value, "a wide table scrolls by keyboard"
    assert DOWNLOAD_CSV in block.value and 'download="budget_gap.csv"' in block.value
    # The download holds the whole figures, not the rounded ones shown.
    assert _csv_from_link(block.value) == "Financial year,Budget gap\n2022/23,2400000.0\n2023/24,-1000000.0\n"


def test_plan_text_is_escaped_in_the_table_and_inert_in_the_csv():
    hostile = pd.DataFrame({"Commitment": ['<img src=x onerror="alert(1)">', "=cmd|' /C calc'!A0", "@SUM(1)"]})
    block = table_block(hostile, caption="<b>Caption</b>", csv_name="../../etc/passwd")
    assert "<img" not in block.value and "&lt;b&gt;Caption" in block.value
    assert 'download="etc_passwd.csv"' in block.value
    rows = _csv_from_link(block.value).splitlines()[1:]
    assert rows[1].startswith("'=") and rows[2].startswith("'@")
    assert csv_file_name("") == "figures.csv"


def test_a_chart_block_has_a_heading_a_description_the_table_alternative_and_a_download():
    chart = alt.Chart(FIGURES).mark_bar().encode(x="Financial year:O", y="Budget gap:Q")
    block = chart_block(chart, description="The gap is £2.4m in 2022/23 and closes by 2023/24.", table=FIGURES,
                        title="Budget gap by year", csv_name="budget_gap", money=["Budget gap"], css_class="gap")
    html_parts = [getattr(child, "value", "") for child in block.children]
    assert html_parts[0] == "<h3>Budget gap by year</h3>"
    assert "closes by 2023/24" in block.description_html.value
    assert f"<details class=\"planlib-figures\"><summary>{SHOW_TABLE}</summary>" in block.figures.value
    assert "<caption>Budget gap by year</caption>" in block.figures.value and "£2.4m" in block.figures.value
    assert DOWNLOAD_CSV in block.download.value
    assert block.chart.chart.to_dict()["description"].startswith("Budget gap by year. The gap is £2.4m")
    assert "gap" in block.chart._dom_classes

    block.update(chart=chart, description="Now balanced.", table=FIGURES.assign(**{"Budget gap": [0.0, 0.0]}))
    assert "Now balanced." in block.description_html.value and "£2.4m" not in block.figures.value
    assert block.chart.chart.to_dict()["description"] == "Budget gap by year. Now balanced."


def test_the_apps_charts_have_words_and_figures_and_their_tables_download(example_plan):
    """The plan overview, compliance and consultation apps build every chart as a kit chart block
    and offer their main tables as CSV (the browser test checks the page; this checks the parts)."""
    from planlib.ui.compliance import ComplianceApp
    from planlib.ui.consultation import ConsultationApp
    from planlib.ui.kit import ChartBlock
    from planlib.ui.overview import PlanOverview

    import planlib

    apps = [PlanOverview(example_plan), ComplianceApp(example_plan), ConsultationApp.for_plan(planlib.DEFAULT_PLAN)]
    for app, charts in zip(apps, (2, 2, 3)):  # the overview's horizon matrix needs the plan's register
        blocks = [w for w in _all_widgets(app.widget) if isinstance(w, ChartBlock)]
        assert len(blocks) == charts, type(app).__name__
        for block in blocks:
            assert len(re.sub(r"<[^>]+>", "", block.description_html.value)) > 40, "a description says something"
            assert SHOW_TABLE in block.figures.value and DOWNLOAD_CSV in block.download.value
    overview, compliance_app, consultation_app = apps
    assert _csv_from_link(overview.kpis_table.value).startswith("KPI,Unit,Baseline,")
    assert _csv_from_link(overview.commitments_table.value).startswith("Commitment,Section,")
    assert _csv_from_link(compliance_app._rag_html()).startswith("KPI,Baseline,Baseline year,")
    assert "Met" in _csv_from_link(compliance_app._checklist_html())
    assert _csv_from_link(consultation_app._trace_html()).startswith("Theme,Commitments that answer it")
    # The resources chart follows the filters: its words and figures too.
    overview.set_filter(workstream="review")
    words = overview.resources_block.description_html.value
    assert "Revenue cost of the" in words and f"of the {len(overview.selected_ids())} commitments shown" in words


def _all_widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _all_widgets(child)
