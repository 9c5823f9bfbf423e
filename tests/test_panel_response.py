"""The Panel's report on the draft plan and the Commissioner's response (issue 16, section 2).

A recommendation without a response is a validation problem with file and line; the statutory
check's requirement p04 reads the record; the published response lists every recommendation by
its title with the decision, the reason and the change it led to.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import planlib
from planlib.cli import main
from planlib.compliance import check
from planlib.io.side_files import PANEL_RESPONSE_FILE, load_panel_response
from planlib.reports.response import DECISION_LABELS, ResponseDocument, write_response
from planlib.response import decision_counts, response_table
from tests.conftest import MINIMAL, ROOT, response_render

PLANS = sorted(p.parent for p in (ROOT / "data").glob(f"*/{PANEL_RESPONSE_FILE}"))
"""Every plan folder under data/ that keeps the Panel's report and the response."""

RECORD = """\
report:
  title: Panel report on the draft plan
  date: 2021-10-18
  source: test
  status: illustrative
recommendations:
  - id: R1
    title: Measure every priority
    text: Give every priority a measure.
    source: test
    status: illustrative
    response:
      decision: accepted
      reason: Measures make scrutiny possible.
      change:
        text: A measure for every objective.
        commitments: [C01]
      source: test
      status: illustrative
  - id: R2
    title: Fix the precept for four years
    text: Fix the precept.
    source: test
    status: illustrative
"""


def _write(folder: Path, text: str) -> Path:
    path = folder / PANEL_RESPONSE_FILE
    path.write_text(text, encoding="utf-8")
    return path


def test_every_example_plan_keeps_a_record():
    assert {p.name for p in PLANS} >= {"west_midlands_2021", "west_mercia_2021"}


@pytest.mark.parametrize("folder", PLANS, ids=lambda p: p.name)
def test_the_examples_record_validates_and_answers_every_recommendation(folder):
    assert planlib.validate(folder) == []
    plan = planlib.load_plan(folder)
    record = load_panel_response(folder, plan)
    assert record.recommendations and record.unanswered() == []
    counts = decision_counts(record)
    assert counts["no_response"] == 0 and sum(counts.values()) == len(record.recommendations)
    for rec in record.recommendations:  # every entry carries its source and status
        assert rec.source and rec.status and rec.response.source and rec.response.status


def test_a_recommendation_without_a_response_is_an_error_with_file_and_line(plan_copy):
    folder = plan_copy()
    _write(folder, RECORD)
    problems = planlib.validate(folder)
    assert [(p.file, p.line, p.field) for p in problems] == [
        (f"{folder}/{PANEL_RESPONSE_FILE}", 20, "recommendations.R2")]
    assert "no response to recommendation 'R2' (Fix the precept for four years)" in problems[0].message
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{PANEL_RESPONSE_FILE}:20: recommendations.R2: no response to recommendation 'R2'" in result.output


@pytest.mark.parametrize("edit, line, field, words", [
    (("commitments: [C01]", "commitments: [C99]"), 17, "recommendations.R1.response.change.commitments",
     "unknown commitment 'C99'"),
    (("decision: accepted", "decision: agreed"), 13, "recommendations.R1.response.decision", "accepted"),
    (("      change:\n        text: A measure for every objective.\n        commitments: [C01]\n", ""), 13,
     "recommendations.R1.response.decision", "names the change it led to"),
    (("  - id: R2\n", "  - id: R1\n"), 20, "recommendations.R1.id", "duplicate id 'R1'"),
])
def test_other_problems_of_the_record_name_file_line_and_field(plan_copy, edit, line, field, words):
    folder = plan_copy()
    answered = RECORD + "    response: {decision: not_accepted, reason: Set yearly., source: test, status: illustrative}\n"
    assert edit[0] in answered
    _write(folder, answered.replace(edit[0], edit[1], 1))
    problems = planlib.validate(folder)
    assert any(p.line == line and p.field == field and words in p.message for p in problems), problems


def test_the_response_date_must_be_the_timelines(plan_copy):
    folder = plan_copy(ROOT / "data" / "west_midlands_2021")
    path = folder / PANEL_RESPONSE_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("published: 2021-11-05", "published: 2021-11-06"),
                    encoding="utf-8")
    problems = planlib.validate(folder)
    assert [p.field for p in problems] == ["published"]
    assert "5 November 2021 (ev_response_published)" in problems[0].message


@pytest.mark.parametrize("folder", PLANS, ids=lambda p: p.name)
def test_p04_reads_the_record(folder):
    plan = planlib.load_plan(folder)
    record = load_panel_response(folder, plan)
    p04 = next(r for r in check(plan, panel_response=record) if r.id == "p04")
    assert p04.status == "met"
    assert p04.evidence[0].startswith(f"panel_response.yaml: {len(record.recommendations)} of "
                                      f"{len(record.recommendations)} recommendations answered")
    # one recommendation left unanswered: p04 is partial and names it by its title
    first = record.recommendations[0]
    unanswered = record.model_copy(update={"recommendations": (first.model_copy(update={"response": None}),
                                                               *record.recommendations[1:])})
    p04 = next(r for r in check(plan, panel_response=unanswered) if r.id == "p04")
    assert p04.status == "partial" and p04.missing == (f"a response to recommendation {first.id} ({first.title})",)
    # planlib check reads the folder's record
    result = CliRunner().invoke(main, ["check", str(folder), "--format", "json"])
    assert "panel_response.yaml:" in result.output


def test_without_a_record_p04_keeps_to_the_timeline(minimal_plan, example_plan):
    p04 = next(r for r in check(example_plan) if r.id == "p04")
    assert p04.evidence == ("ev_panel_report", "ev_response_published") and p04.status == "met"
    assert next(r for r in check(minimal_plan) if r.id == "p04").status == "unmet"


def _html(doc: ResponseDocument) -> str:
    sections = ("title", "purpose", "summary", "background", "responses", "implications", "asked", "sources", "footer")
    return "".join(getattr(doc, name)().data for name in sections)


@pytest.mark.parametrize("folder", PLANS, ids=lambda p: p.name)
def test_the_document_lists_every_recommendation_by_title_with_decision_reason_and_change(folder):
    import html

    doc = ResponseDocument.load(folder)
    page = _html(doc)
    assert page.count("<h1>") == 1
    sections = page.split('<section class="recommendation">')[1:]
    assert len(sections) == len(doc.record.recommendations)
    table = response_table(doc.record, doc.plan)
    for section, row, rec in zip(sections, table.itertuples(), doc.record.recommendations):
        assert f"{html.escape(row.title)}</h3>" in section
        assert DECISION_LABELS[row.decision] in section
        assert html.escape(row.reason) in section
        assert html.escape(row.change or "No change to the plan.") in section
        for title in (*row.commitments, *row.objectives):
            assert html.escape(title) in section
        change = rec.response.change
        for ref in (*(change.commitments if change else ()), *(change.objectives if change else ())):
            assert not re.search(rf"\b{re.escape(ref)}\b", section), f"raw id {ref} shown"
        assert not re.search(rf">\s*{re.escape(rec.id)}\b", section), f"recommendation id {rec.id} shown"


def test_the_same_inputs_give_the_same_document_apart_from_the_run_time():
    first, second = (ResponseDocument.load(PLANS[0]) for _ in range(2))
    second.ran_at = first.ran_at
    assert _html(first) == _html(second)


def test_a_folder_without_a_record_is_refused_with_a_message(tmp_path):
    with pytest.raises(planlib.PlanError) as caught:
        write_response(MINIMAL, tmp_path / "out")
    assert "add panel_response.yaml to the plan folder" in str(caught.value)
    assert not (tmp_path / "out").exists()


RENDERS = [response_render(folder) for folder in PLANS]
"""The published response of each plan with its PDF, as ``planlib publish --response --pdf`` writes it:
rendered once per session, in the background (tests/conftest.py), also for tests/test_publish.py."""


@pytest.mark.slow
@pytest.mark.parametrize("folder", PLANS, ids=lambda p: p.name)
def test_write_response_writes_a_tagged_pdf_with_every_title(folder, documents):
    from tests.accessibility import axe_violations, pdf_problems, serious, structure_problems

    out = documents.get(response_render(folder))
    files = [out / name for name in ("panel_response.ipynb", "panel_response.html", "panel_response.pdf")]
    assert sorted(p.name for p in out.iterdir()) == sorted(f.name for f in files)
    page = files[1].read_text(encoding="utf-8")
    assert 'lang="en-GB"' in page and not re.search(r"""(src|href)=["']?https?://""", page)
    assert structure_problems(page) == []
    assert serious(axe_violations(files[1])) == []
    assert pdf_problems(files[2]) == []  # tagged, fonts embedded (fails, never skips, without poppler-utils)
    info = subprocess.run(["pdfinfo", str(files[2])], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Tagged:\s+yes", info)
    text = " ".join(subprocess.run(["pdftotext", str(files[2]), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for rec in load_panel_response(folder, planlib.load_plan(folder)).recommendations:
        assert " ".join(rec.title.split()) in text
        assert DECISION_LABELS[rec.response.decision] in text
