"""Every scenario report and batch index is accessible (WCAG 2.2 AA) and offline; every PDF tagged.

axe-core runs in the system Chromium with nothing from the internet (:mod:`tests.accessibility`);
a report is made for a scenario of each plan folder under ``data/`` (once per test session, in the
background: tests/conftest.py), and the batch index over it.
"""

from __future__ import annotations

import shutil

import pytest

from planlib import reports
from planlib.reports.execute import headline_of
from tests.accessibility import (axe_violations, external_urls, headings, pdf_problems, pdf_structure_tags, serious,
                                 structure_problems)
from tests.conftest import REPORT_SEED, ROOT, report_scenario, scenario_report_render

PLANS = sorted(p.parent for p in (ROOT / "data").glob("*/plan.yaml"))
BOARD_PAPER = ["Purpose of paper", "Summary", "Background", "Analysis", "Financial implications", "Legal implications",
               "Equality implications", "Recommendations"]

pytestmark = [pytest.mark.slow, pytest.mark.browser]


RENDERS = [scenario_report_render(plan) for plan in PLANS]
"""A report with its PDF for a scenario of each plan folder, as ``planlib report --pdf`` writes it:
rendered once per session, in the background (tests/conftest.py), also for tests/test_reports.py."""


@pytest.fixture(scope="module", params=PLANS, ids=lambda p: p.name)
def report(request, documents, tmp_path_factory):
    """The report and its PDF on a scenario of a plan folder, the batch index over it, and the folder."""
    import nbformat

    plan = request.param
    scenario = report_scenario(plan)
    out = documents.get(scenario_report_render(plan))
    name = reports.scenario_label(scenario)
    slug = reports.slugify(name)
    headline = headline_of(nbformat.read(out / f"{slug}.ipynb", as_version=4))
    result = reports.ReportResult(name, str(scenario), slug, "ok", headline=headline,
                                  files=[f"{slug}.{ext}" for ext in ("ipynb", "html", "pdf")])
    index = reports.write_index(tmp_path_factory.mktemp(plan.name), [result], plan, REPORT_SEED)
    shutil.copy(out / f"{slug}.html", index.parent)  # the index links to it
    return out / f"{slug}.html", out / f"{slug}.pdf", index, plan


def test_report_has_no_serious_or_critical_axe_violations(report):
    page, *_ = report
    assert serious(axe_violations(page)) == []


def test_index_has_no_serious_or_critical_axe_violations(report):
    _, _, index, _ = report
    assert serious(axe_violations(index)) == []


def test_report_and_index_have_the_shape_of_an_accessible_board_paper(report):
    page, _, index, folder = report
    for path in (page, index):
        markup = path.read_text(encoding="utf-8")
        assert structure_problems(markup) == [], path.name
        assert [t for level, t in headings(markup) if level == 2][:len(BOARD_PAPER)] == BOARD_PAPER
        assert external_urls(markup) == []
    markup = page.read_text(encoding="utf-8")
    # every chart, described, with its data: the MTFP, the budget gap and, where a commitment's benefits are
    # valued in money, the net benefit (a plan with none says so in words instead of drawing an empty chart)
    valued, _ = reports.ScenarioReport.load(str(folder), str(report_scenario(folder)), seed=REPORT_SEED,
                                            samples=100).cases.counts
    charts = 2 + bool(valued)
    assert markup.count("<figure") == charts and markup.count("<figcaption>") == charts


def test_report_pdf_is_tagged_with_bookmarks_fonts_and_page_numbers(report):
    from pypdf import PdfReader

    _, pdf, *_ = report
    assert pdf_problems(pdf, BOARD_PAPER) == []
    assert {"H1", "H2", "H3", "Table", "TH", "Figure"} <= pdf_structure_tags(pdf)
    reader = PdfReader(pdf)
    pages = len(reader.pages)
    assert f"Page 1 of {pages}" in reader.pages[0].extract_text()
    assert f"Page {pages} of {pages}" in reader.pages[-1].extract_text()
    assert str(reader.trailer["/Root"].get("/Lang")) == "en-GB"


def test_axe_finds_what_a_careless_page_gets_wrong(tmp_path):
    """The checker is not blind: an image without a text alternative on a page without a language."""
    page = tmp_path / "careless.html"
    page.write_text("<!DOCTYPE html><html><head><title>x</title></head><body><h1>x</h1>"
                    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></body></html>', encoding="utf-8")
    found = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "html-has-lang"} <= found
    assert serious(axe_violations(page))


def test_a_page_that_loads_from_the_internet_is_caught(tmp_path):
    page = tmp_path / "online.html"
    page.write_text('<!DOCTYPE html><html lang="en-GB"><head><title>x</title>'
                    '<link rel="stylesheet" href="https://example.org/x.css"></head><body><h1>x</h1></body></html>',
                    encoding="utf-8")
    assert any("example.org" in p for p in structure_problems(page.read_text(encoding="utf-8")))
    assert "external-request" in {v["id"] for v in axe_violations(page)}
