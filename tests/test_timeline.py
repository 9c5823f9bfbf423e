"""The plan-making timeline: order checks with file and line, the table, the Gantt chart."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

import planlib
from planlib import timeline
from planlib.charts import gantt_chart
from planlib.cli import main


def _example_copy(tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(planlib.DEFAULT_PLAN, folder)
    return folder


@pytest.mark.parametrize(("event", "new_date", "words"), [
    ("ev_panel_report", "2021-10-01", "the Panel reported before the draft was sent to the Panel"),
    ("ev_response_published", "2021-10-10", "the response was published before the Panel reported"),
    ("ev_panel_meeting", "2021-09-30", "the Panel met on the draft before it was sent to the Panel"),
])
def test_an_impossible_order_is_a_validation_error_naming_file_and_line(tmp_path, monkeypatch, event, new_date, words):
    folder = _example_copy(tmp_path)
    path = folder / "timeline.yaml"
    text = path.read_text()
    block = text.index(f"  - id: {event}\n")
    start = text.index("    start: ", block)
    line_end = text.index("\n", start)
    path.write_text(text[:start] + f"    start: {new_date}" + text[line_end:])
    line = text[:start].count("\n") + 1  # the line of the event's start date
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "plan"])
    assert result.exit_code == 1
    expected = f"plan/timeline.yaml:{line}: timeline.{event}.start: impossible order: {words}"
    assert any(row.startswith(expected) for row in result.output.splitlines()), result.output
    assert "Traceback" not in result.output


def test_a_report_on_the_same_day_as_the_meeting_is_allowed(example_plan):
    events = {e.id: e for e in example_plan.timeline}
    assert events["ev_panel_report"].start == events["ev_panel_meeting"].start
    assert planlib.validate() == []


def test_timeline_table_is_in_date_order_and_marks_statutory_steps(example_plan):
    table = timeline.timeline_table(example_plan)
    assert len(table) == len(example_plan.timeline)
    assert list(table["start"]) == sorted(table["start"])
    rows = table.set_index("id")
    assert bool(rows.at["ev_draft_to_panel", "statutory"]) and not bool(rows.at["ev_public_survey", "statutory"])
    # The survey of 26 July to 6 September 2021, both days counted.
    assert rows.at["ev_public_survey", "days"] == 43 and bool(rows.at["ev_public_survey", "is_phase"])
    assert set(table["phase"]) <= set(timeline.PHASES.values())


def test_a_short_survey_is_flagged(example_plan):
    import datetime as dt

    short = example_plan.model_copy(update={"timeline": tuple(
        e.model_copy(update={"end": dt.date(2021, 8, 20)}) if e.kind == "survey" else e for e in example_plan.timeline)})
    assert timeline.process_warnings(short) == [
        "ev_public_survey: the public survey runs 25 days, under the six weeks planned (seed 000 para 18)"]


def test_gantt_chart_draws_phases_and_marks_statutory_points(example_plan):
    spec = gantt_chart(example_plan).to_dict()
    bars, marks, labels = (spec["datasets"][layer["data"]["name"]] for layer in spec["layer"])
    assert {row["id"] for row in bars} >= {"ev_public_survey", "ev_roundtables", "ev_youth_engagement"}
    assert all(row["step"] == "Statutory step" for row in marks if row["kind"] in ("draft_to_panel", "panel_report"))
    assert {row["requirement"] for row in labels} >= {"p03", "p04", "p01, p05, e01"}
    # By default the chart stops at the first annual report after issue: the later ones are left out.
    shown = {row["id"] for row in bars + marks}
    assert "ev_annual_report_2021_22" in shown and "ev_annual_report_2024_25" not in shown
    everything = gantt_chart(example_plan, until=example_plan.timeline[-1].start).to_dict()
    assert any(row["id"] == "ev_annual_report_2024_25"
               for layer in everything["layer"] for row in everything["datasets"][layer["data"]["name"]]
               if "id" in row)


def test_a_plan_with_no_timeline_gives_an_empty_table_and_chart(example_plan):
    bare = example_plan.model_copy(update={"timeline": ()})
    table = timeline.timeline_table(bare)
    assert table.empty and str(table["start"].dtype).startswith("datetime64")
    assert gantt_chart(bare).to_dict()["title"]["text"] == "How the plan was made"
    assert timeline.process_warnings(bare) == []
