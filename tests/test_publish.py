"""planlib publish: the Police and Crime Plan itself, on every plan folder under data/.

Each plan is published once as a draft with its PDF (through the command line) and twice as
the final plan (HTML), once per test session and in the background (``RENDERS``, see
tests/conftest.py), and the files are read: every s.7(1) heading and every commitment in the
plan by its title, no commitment id, the draft marking on every PDF page and only in the draft,
the same document from the same inputs apart from the run time, and the accessibility checks
every document shares (tests/accessibility.py).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import planlib
from planlib.cli import main
from planlib.present.plan_document import DRAFT_MARK, STATUTORY_HEADINGS
from planlib.reports.plan_document import PlanDocument
from tests.conftest import Render, planlib_cli, response_render, run_python

ROOT = Path(__file__).resolve().parent.parent
PLAN_FOLDERS = sorted(p.parent for p in (ROOT / "data").glob("*/plan.yaml"))
SAMPLES = 2_000
"""Fewer draws than the default keep the tests quick; the seed still fixes them."""


def visible_text(markup: str) -> str:
    """The text a reader sees in a page: no style, no tags, entities decoded, spaces collapsed."""
    markup = re.sub(r"<(style|script)\b.*?</\1>", " ", markup, flags=re.DOTALL | re.IGNORECASE)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of a PDF (pdftotext), spaces collapsed."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def _draft(folder: Path) -> Render:
    """The draft with its PDF, through the command line as a person runs it."""
    return Render(f"publish/{folder.name}/draft/pdf",
                  lambda out: planlib_cli("publish", folder, "--out", out, "--stage", "draft", "--pdf"))


def _final(folder: Path, copy: int) -> Render:
    """The final plan (HTML), rendered twice (``copy`` 1 and 2) to compare the two."""
    code = ("import sys\nfrom planlib.reports.publish import publish_plan\n"
            "publish_plan(sys.argv[1], sys.argv[2], stage='final', samples=int(sys.argv[3]))")
    return Render(f"publish/{folder.name}/final/{SAMPLES}/{copy}", lambda out: run_python(code, folder, out, SAMPLES))


RENDERS = [*(render for folder in PLAN_FOLDERS for render in (_draft(folder), _final(folder, 1), _final(folder, 2))),
           response_render(planlib.DEFAULT_PLAN)]
"""Rendered once per session, in the background (tests/conftest.py): every test below reads these."""


@pytest.fixture(scope="module", params=PLAN_FOLDERS, ids=lambda p: p.name)
def published(request: pytest.FixtureRequest, documents) -> dict:
    folder = request.param
    plan = planlib.load_plan(folder)
    name = f"{plan.id}_plan"
    draft_dir = documents.get(_draft(folder))
    finals = [documents.get(_final(folder, i)) / f"{name}.html" for i in (1, 2)]
    return {"plan": plan, "draft_html": draft_dir / f"{name}.html", "draft_pdf": draft_dir / f"{name}.pdf",
            "finals": finals}


def test_the_files_are_written_with_the_plan_id(published):
    plan = published["plan"]
    for path in (published["draft_html"], published["draft_pdf"], *published["finals"]):
        assert path.is_file() and path.stat().st_size > 10_000, path
        assert path.name.startswith(f"{plan.id}_plan.")
    assert not list(published["draft_html"].parent.glob("*.tmp*")), "a temporary file was left behind"


def test_every_statutory_heading_and_every_commitment_title_is_in_the_html_and_the_pdf(published):
    plan = published["plan"]
    page = visible_text(published["finals"][0].read_text(encoding="utf-8"))
    pdf = " ".join(pdf_pages(published["draft_pdf"]))
    wanted = list(STATUTORY_HEADINGS.values()) + [c.title for c in plan.commitments if c.enabled]
    assert len(wanted) > 6 + 10
    for text in wanted:
        assert text in page, f"not in the HTML: {text}"
        assert " ".join(text.split()) in pdf, f"not in the PDF: {text}"
    for objective in plan.objectives:
        assert objective.title in page


def test_no_raw_commitment_id_is_shown(published):
    plan = published["plan"]
    page = visible_text(published["finals"][0].read_text(encoding="utf-8"))
    pdf = " ".join(pdf_pages(published["draft_pdf"]))
    for commitment in plan.commitments:
        pattern = re.compile(rf"(?<![\w-]){re.escape(commitment.id)}(?![\w-])")
        assert not pattern.search(page), f"the HTML shows the id {commitment.id}"
        assert not pattern.search(pdf), f"the PDF shows the id {commitment.id}"


def test_the_draft_marks_every_page_with_the_panel_meeting_and_the_final_plan_does_not(published):
    plan = published["plan"]
    meeting = min(e.start for e in plan.timeline if e.kind == "panel_meeting")
    mark = f"{DRAFT_MARK}, meeting on {meeting.day} {meeting:%B %Y}"
    assert mark in visible_text(published["draft_html"].read_text(encoding="utf-8"))
    pages = pdf_pages(published["draft_pdf"])
    assert len(pages) > 5
    unmarked = [i + 1 for i, text in enumerate(pages) if mark not in text]
    assert not unmarked, f"pages without the draft marking: {unmarked}"
    for final in published["finals"]:
        assert DRAFT_MARK not in final.read_text(encoding="utf-8")


def test_the_same_inputs_give_the_same_document_apart_from_the_run_time(published):
    first, second = (re.sub(r'<span class="run-time">[^<]*</span>', "", p.read_text(encoding="utf-8"))
                     for p in published["finals"])
    assert first == second
    assert "run-time" in published["finals"][0].read_text(encoding="utf-8")


def test_the_html_is_accessible_and_loads_nothing_from_the_internet(published):
    # the checks every document shares (axe-core in Chromium)
    from tests import accessibility

    markup = published["draft_html"].read_text(encoding="utf-8")
    assert accessibility.structure_problems(markup) == []
    assert accessibility.serious(accessibility.axe_violations(published["draft_html"])) == []


def test_the_pdf_is_tagged_with_bookmarks_for_the_statutory_sections(published):
    from tests import accessibility

    assert accessibility.pdf_problems(published["draft_pdf"], list(STATUTORY_HEADINGS.values())) == []
    info = subprocess.run(["pdfinfo", str(published["draft_pdf"])], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.MULTILINE)
    assert re.search(r"^Page size:.*\(A4\)", info, re.MULTILINE)


# --------------------------------------------------------------------------- without a kernel


@pytest.mark.parametrize("folder", PLAN_FOLDERS, ids=lambda p: p.name)
def test_every_commitment_says_its_net_benefit_or_what_it_would_take_to_break_even(folder):
    doc = PlanDocument.load(folder, samples=200)
    for c in doc.commitments:
        words = " ".join(doc.value_of(c))
        if c.benefits:
            assert "90% sure it lies between" in words and "would pay for itself if" in words, c.title
        else:
            assert "not valued in money" in words, c.title
            assert "would pay for itself" in words or "no cost to recover" in words, c.title


def test_a_foreword_in_plan_yaml_is_printed_escaped(tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(planlib.DEFAULT_PLAN, folder)
    with (folder / "plan.yaml").open("a", encoding="utf-8") as f:
        f.write('foreword: |\n  Safer streets <for all>.\n\n  A second paragraph.\n')
    doc = PlanDocument.load(folder, samples=200)
    page = doc.foreword().data
    assert "<h2 id=\"foreword\">Foreword</h2>" in page
    assert "<p>Safer streets &lt;for all&gt;.</p>" in page and "<p>A second paragraph.</p>" in page
    assert ("foreword", "Foreword") in doc.contents()


def test_a_final_plan_without_a_foreword_has_no_foreword_section_but_a_draft_has_its_slot():
    assert PlanDocument.load(planlib.DEFAULT_PLAN, samples=200).foreword().data == ""
    assert "will appear here" in PlanDocument.load(planlib.DEFAULT_PLAN, stage="draft", samples=200).foreword().data


def test_a_bad_plan_exits_1_with_its_problems_and_no_traceback(tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(planlib.DEFAULT_PLAN, folder)
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    (folder / "plan.yaml").write_text(text + "forword: misspelt\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["publish", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "plan.yaml" in result.output and "forword" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_stage_that_is_not_draft_or_final_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["publish", "--out", str(tmp_path), "--stage", "proof"])
    assert result.exit_code == 2 and "--stage" in result.output


def test_publish_response_writes_the_published_response_to_the_panel(documents):
    # the example's response as `planlib publish --response --pdf` wrote it, with no PLAN argument
    # (rendered once for this test and tests/test_panel_response.py)
    out = documents.get(response_render(planlib.DEFAULT_PLAN))
    pages = list(out.glob("*.html"))
    assert len(pages) == 1 and "response" in pages[0].name
    assert not list(out.glob("*_plan.html")), "--response writes the response, not the plan"
