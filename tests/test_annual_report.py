"""planlib annual-report: progress in a year against the plan, on every plan folder under data/.

Each plan's report for the second year of its period is written once with its PDF (through the
command line) and once more as HTML, once per test session and in the background (``RENDERS``,
see tests/conftest.py), and the files are read: every KPI figure with the RAG
status the KPI engine gives it and the commentary kept with it, the six National Crime and
Policing Measures, titles and never ids, the same document from the same inputs apart from the
run time, and the accessibility checks every document shares (tests/accessibility.py). A year
outside the plan and a figure without commentary are refused with clear messages.
"""

from __future__ import annotations

import functools
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import planlib
from planlib.annual import NATIONAL_MEASURES, annual_progress, latest_figures
from planlib.cli import main
from planlib.performance import performance_table
from planlib.present.labels import RAG_LABELS
from planlib.reports.annual_report import report_name
from tests import accessibility
from tests.conftest import Render, planlib_cli, run_python

ROOT = Path(__file__).resolve().parent.parent
PLAN_FOLDERS = sorted(p.parent for p in (ROOT / "data").glob("*/plan.yaml"))
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"


def visible_text(markup: str) -> str:
    """The text a reader sees in a page: no style, no tags, entities decoded, spaces collapsed."""
    markup = re.sub(r"<(style|script)\b.*?</\1>", " ", markup, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def kpi_rows(markup: str) -> list[list[str]]:
    """The cells (visible text) of every body row of the KPI tables."""
    rows = []
    for table in re.findall(r'<table class="planlib annual-kpis">.*?</table>', markup, re.S):
        body = table.split("<tbody>", 1)[1]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            rows.append([visible_text(c) for c in re.findall(r"<td\b[^>]*>(.*?)</td>", row, re.S)])
    return rows


@functools.lru_cache
def report_year(folder: Path) -> str:
    return str(planlib.load_plan(folder).years[1])


def _with_pdf(folder: Path) -> Render:
    """The report of the plan's second year with its PDF, through the command line."""
    year = report_year(folder)
    return Render(f"annual/{folder.name}/{year}/pdf",
                  lambda out: planlib_cli("annual-report", folder, "--year", year, "--out", out, "--pdf"))


def _again(folder: Path) -> Render:
    """The same report once more (HTML), to compare the two."""
    code = ("import sys\nfrom planlib.reports.annual_report import write_annual_report\n"
            "write_annual_report(sys.argv[1], sys.argv[2], sys.argv[3])")
    year = report_year(folder)
    return Render(f"annual/{folder.name}/{year}/html", lambda out: run_python(code, folder, year, out))


RENDERS = [render for folder in PLAN_FOLDERS for render in (_with_pdf(folder), _again(folder))]
"""Rendered once per session, in the background (tests/conftest.py): every test below reads these."""


@pytest.fixture(scope="module", params=PLAN_FOLDERS, ids=lambda p: p.name)
def written(request: pytest.FixtureRequest, documents) -> dict:
    folder = request.param
    plan = planlib.load_plan(folder)
    year = report_year(folder)
    name = report_name(year)
    first = documents.get(_with_pdf(folder))
    return {"plan": plan, "year": year, "html": first / f"{name}.html", "pdf": first / f"{name}.pdf",
            "again": documents.get(_again(folder)) / f"{name}.html"}


def test_the_files_are_written(written):
    name = report_name(written["year"])
    assert written["html"].name == f"{name}.html" and written["pdf"].stat().st_size > 0
    assert (written["html"].parent / f"{name}.ipynb").exists()


def test_rag_statuses_equal_the_kpi_engines(written):
    plan, year = written["plan"], written["year"]
    engine = performance_table(plan).set_index(["kpi_id", "year"])["rag"]
    progress = annual_progress(plan, year)
    shown = progress.kpis[progress.kpis["year"] != ""]
    assert not shown.empty
    for _, row in shown.iterrows():
        assert row["year"] <= year
        assert row["rag"] == engine.loc[(row["kpi_id"], row["year"])]
    # ... and the page writes each KPI's status as the engine's label
    titles = {k.title: k.id for k in plan.kpis}
    rows = kpi_rows(written["html"].read_text())
    equality = progress.objectives.loc[progress.objectives["equality_objective"], "objective_id"]
    assert len(rows) == len(progress.kpis) + progress.kpis["objective_id"].isin(equality).sum()  # shown again
    for cells in rows:
        kpi_id = next(i for t, i in titles.items() if cells[0].startswith(t))
        kpi_year = cells[1]
        if kpi_year == "–":
            assert cells[5] == RAG_LABELS["no data"]
        else:
            assert cells[5] == RAG_LABELS[engine.loc[(kpi_id, kpi_year)]], cells


def test_every_figure_is_shown_with_its_commentary(written):
    plan = written["plan"]
    commentary = {(a.kpi_id, str(a.period)): a.commentary for a in plan.kpi_actuals if not a.local_authority}
    titles = {k.title: k.id for k in plan.kpis}
    figures = 0
    for cells in kpi_rows(written["html"].read_text()):
        if cells[1] == "–":
            assert cells[2] == "–" and "No figure" in cells[6]
            continue
        kpi_id = next(i for t, i in titles.items() if cells[0].startswith(t))
        text = commentary[(kpi_id, cells[1])]
        assert text and cells[6].startswith(text), (cells, text)
        figures += 1
    assert figures > 0


def test_the_six_national_measures_are_stated(written):
    page = visible_text(written["html"].read_text())
    pdf = " ".join(subprocess.run(["pdftotext", str(written["pdf"]), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    assert "Elected Local Policing Bodies (Specified Information) (Amendment) Order 2021" in page
    progress = annual_progress(written["plan"], written["year"])
    for key, words in NATIONAL_MEASURES.items():
        assert f"{words}." in page, words
        assert words.split(",")[0] in pdf
        applies = any(k.national_measure == key for k in written["plan"].kpis)
        assert bool(progress.national_measures.set_index("measure_id").loc[key, "applies"]) == applies
        sentence = re.search(re.escape(f"{words}.") + r" (Applies locally|Not measured locally)", page)
        assert sentence and sentence.group(1) == ("Applies locally" if applies else "Not measured locally")


def test_titles_not_ids(written):
    plan = written["plan"]
    page = visible_text(written["html"].read_text())
    ids = ({o.id for o in plan.objectives} | {k.id for k in plan.kpis} | {c.id for c in plan.commitments}
           | {g.id for g in plan.grants} | {s.id for s in plan.sections} | {plan.id})
    shown = sorted(i for i in ids if re.search(rf"(?<![\w/.]){re.escape(i)}(?![\w.])", page))
    assert shown == []
    for objective in plan.objectives:
        assert html.unescape(objective.title) in page


def test_spend_and_grants_of_the_year(written):
    plan, year = written["plan"], written["year"]
    page = visible_text(written["html"].read_text())
    progress = annual_progress(plan, year)
    for _, s in progress.spend.iterrows():
        assert s["commitment"] in page and s["commentary"] in page
    if progress.spend.empty:
        assert "gives no actual spend by commitment" in page
    for _, g in progress.grants.iterrows():
        assert g["purpose"] in page
    assert len(progress.grants) == sum(1 for g in plan.grants if g.amounts.get(progress.year))


def test_the_same_inputs_give_the_same_document(written):
    def without_run_time(path: Path) -> str:
        return re.sub(r"Ran at [0-9T:+-]+", "Ran at", path.read_text())

    assert without_run_time(written["html"]) == without_run_time(written["again"])


def test_the_document_is_accessible(written):
    markup = written["html"].read_text()
    assert accessibility.structure_problems(markup) == []
    assert accessibility.pdf_problems(written["pdf"], ["Progress against the objectives",
                                                       "The National Crime and Policing Measures"]) == []


@pytest.mark.browser
def test_axe_finds_no_serious_violation(written):
    assert accessibility.serious(accessibility.axe_violations(written["html"])) == []


# --------------------------------------------------------------------------- without a kernel


@pytest.mark.parametrize("folder", PLAN_FOLDERS, ids=lambda p: p.name)
@pytest.mark.parametrize("year", ["2030/31", "1999/00"])
def test_a_year_outside_the_plan_exits_with_a_clear_message(folder, year, tmp_path):
    plan = planlib.load_plan(folder)
    result = CliRunner().invoke(main, ["annual-report", str(folder), "--year", year, "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{year} is not a year of the plan ({plan.period.first} to {plan.period.last})" in result.output
    assert "Traceback" not in result.output and not any(tmp_path.iterdir())


def test_a_year_that_is_not_a_financial_year_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["annual-report", "--year", "2022", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "--year" in result.output and "Traceback" not in result.output


def test_a_figure_without_commentary_is_a_validation_problem_with_file_and_line(tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(MINIMAL, folder)
    path = folder / "kpi_actuals.csv"
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace("test commentary", "")
    path.write_text("\n".join(lines) + "\n")
    problems = [str(p) for p in planlib.validate(folder)]
    assert problems == [f"{folder}/kpi_actuals.csv:3: commentary: empty cell: a value is required"]
    result = CliRunner().invoke(main, ["annual-report", str(folder), "--year", "2021/22", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "kpi_actuals.csv:3: commentary" in result.output


def test_an_old_kpi_actuals_file_without_the_column_is_refused_naming_it(tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(MINIMAL, folder)
    path = folder / "kpi_actuals.csv"
    rows = [line.split(",") for line in path.read_text().splitlines()]
    path.write_text("\n".join(",".join(r[:4] + r[5:]) for r in rows) + "\n")
    assert [str(p) for p in planlib.validate(folder)] == [f"{folder}/kpi_actuals.csv:1: missing column: commentary"]


@pytest.mark.parametrize("folder", PLAN_FOLDERS, ids=lambda p: p.name)
def test_the_latest_figure_is_the_last_in_or_before_the_year(folder):
    plan = planlib.load_plan(folder)
    table = performance_table(plan)
    table = table[table["rag"] != "no data"]
    for year in plan.years:
        latest = latest_figures(plan, year).set_index("kpi_id")
        for kpi in plan.kpis:
            mine = table[(table["kpi_id"] == kpi.id) & (table["year"] <= str(year))]
            expected = mine["year"].iloc[-1] if not mine.empty else ""
            assert latest.loc[kpi.id, "year"] == expected


def test_spend_against_plan_sets_actual_beside_the_commitments_cost_line(tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(MINIMAL, folder)
    plan = planlib.load_plan(folder)
    commitment = next(c for c in plan.commitments if c.costs)
    line = commitment.costs[0]
    (folder / "commitment_actuals.csv").write_text(
        "commitment_id,year,non_pay_gbp,capital_gbp,commentary,source,status\n"
        f"{commitment.id},{line.year},1000,500,under plan,test,illustrative\n")
    spend = annual_progress(planlib.load_plan(folder), str(line.year)).spend
    assert spend["commitment"].tolist() == [commitment.title]
    assert spend["planned_gbp"].iloc[0] == line.non_pay_gbp + line.capital_gbp
    assert spend["variance_gbp"].iloc[0] == 1500 - (line.non_pay_gbp + line.capital_gbp)
    (folder / "commitment_actuals.csv").write_text(
        "commitment_id,year,non_pay_gbp,capital_gbp,commentary,source,status\n"
        "no_such_commitment,2021/22,1000,0,x,test,illustrative\n")
    assert [p.message for p in planlib.validate(folder)] == ["unknown commitment 'no_such_commitment'"]
