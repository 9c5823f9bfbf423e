"""Excel, closed loop: `planlib template`, then `run`, `appraise`, `report` and `batch` with `--finance-xlsx`.

The finance officer writes the plan's finance template, edits a cell in Excel (openpyxl here)
and gets the plan's results with the workbook's figures, without Python. A bad workbook exits 1
naming the sheet and cell, never with a traceback; a workbook written for another period is
refused in one sentence.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

import planlib
from planlib.cli import main
from planlib.reports import ScenarioReport, batch_jobs, file_checksum, write_index, write_summary
from planlib.reports.execute import ReportResult
from tests.conftest import FIXTURES, MINIMAL, ROOT

EXAMPLE = ROOT / "data" / "west_midlands_2021"
SCENARIO = EXAMPLE / "scenarios" / "precept_plus_15.yaml"


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def measure(result: Result, name: str, year: str, scenario: str = "baseline") -> float:
    """One figure of `planlib run --format csv`."""
    rows = csv.DictReader(io.StringIO(result.stdout))
    return next(float(r["value"]) for r in rows if (r["scenario"], r["year"], r["measure"]) == (scenario, year, name))


def row_of(sheet: openpyxl.worksheet.worksheet.Worksheet, name: str) -> int:
    """The Excel row whose first cell is ``name``."""
    return next(cell.row for cell in sheet["A"] if cell.value == name)


def column_of(sheet: openpyxl.worksheet.worksheet.Worksheet, header: str) -> str:
    return next(cell.column_letter for cell in sheet[1] if cell.value == header)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plan's finance template, written by `planlib template`."""
    path = tmp_path_factory.mktemp("template") / "finance.xlsx"
    result = cli("template", EXAMPLE, "--out", path)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def edited(template: Path, tmp_path: Path):
    """A copy of the template with some cells changed: ``edited({"series": {"E2": 6e8}})``."""

    def make(cells: dict[str, dict[str, object]], drop: tuple[str, ...] = (), name: str = "edited.xlsx") -> Path:
        book = openpyxl.load_workbook(template)
        for sheet, changes in cells.items():
            for ref, value in changes.items():
                book[sheet][ref] = value
        for sheet in drop:
            del book[sheet]
        path = tmp_path / name
        book.save(path)
        return path

    return make


def police_grant_cell(template: Path, year: str) -> str:
    series = openpyxl.load_workbook(template)["series"]
    return f"{column_of(series, year)}{row_of(series, 'police_grant')}"


# --------------------------------------------------------------------------- template


def test_template_then_run_gives_the_plans_own_figures(template: Path) -> None:
    """The closed loop changes nothing until a cell is changed: the workbook is the plan's finance."""
    plain = cli("run", EXAMPLE, "--format", "csv")
    looped = cli("run", EXAMPLE, "--finance-xlsx", template, "--format", "csv")
    assert looped.exit_code == 0, looped.output
    assert looped.stdout == plain.stdout


def test_template_says_what_to_do_next_and_does_not_replace_a_file(template: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine.xlsx"
    first = cli("template", "--out", out)
    assert first.exit_code == 0, first.output
    assert f"wrote {out}" in first.stderr and f"then: planlib run --finance-xlsx {out}" in first.stderr
    assert openpyxl.load_workbook(out).sheetnames[:3] == ["README", "settings", "series"]
    out.write_bytes(b"the officer's own edits")
    again = cli("template", "--out", out)
    assert again.exit_code == 1 and "the file exists" in again.output and "--force" in again.output
    assert "Traceback" not in again.output
    assert out.read_bytes() == b"the officer's own edits"
    forced = cli("template", "--out", out, "--force")
    assert forced.exit_code == 0 and out.read_bytes() != b"the officer's own edits"


def test_template_wants_an_xlsx_name(tmp_path: Path) -> None:
    result = cli("template", "--out", tmp_path / "finance.xls")
    assert result.exit_code == 1 and "must end in .xlsx" in result.output
    assert not (tmp_path / "finance.xls").exists()


# --------------------------------------------------------------------------- run


def test_changed_police_grant_shows_in_run(template: Path, edited) -> None:
    workbook = edited({"series": {police_grant_cell(template, "2023/24"): 600_000_000}})
    plain = cli("run", EXAMPLE, "--format", "csv")
    result = cli("run", EXAMPLE, "--finance-xlsx", workbook, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert measure(result, "police_grant", "2023/24") == 600_000_000
    assert measure(plain, "police_grant", "2023/24") != 600_000_000
    assert measure(result, "police_grant", "2022/23") == measure(plain, "police_grant", "2022/23")
    # funding rises by the change, so the budget gap falls by it
    change = 600_000_000 - measure(plain, "police_grant", "2023/24")
    assert measure(result, "budget_gap", "2023/24") == pytest.approx(measure(plain, "budget_gap", "2023/24") - change)
    table = cli("run", EXAMPLE, "--finance-xlsx", workbook)
    assert table.exit_code == 0 and "£600.0m" in table.stdout


def test_scenarios_apply_on_top_of_the_workbook(template: Path, edited) -> None:
    workbook = edited({"series": {police_grant_cell(template, "2023/24"): 600_000_000}})
    result = cli("run", EXAMPLE, "--finance-xlsx", workbook, "-s", SCENARIO, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert measure(result, "police_grant", "2023/24", "precept_plus_15") == 600_000_000


def test_python_gets_the_same_plan(template: Path, edited, example_plan: planlib.Plan) -> None:
    workbook = edited({"series": {police_grant_cell(template, "2024/25"): 650_000_000}})
    plan = planlib.plan_with_finance_xlsx(example_plan, workbook)
    assert plan.finance.police_grant.value("2024/25") == 650_000_000
    assert example_plan.finance.police_grant.value("2024/25") != 650_000_000  # the baseline is not changed
    assert plan.commitments == example_plan.commitments


def test_a_billing_authoritys_tax_base_edited_in_excel_changes_the_precept(plan_copy, tmp_path: Path) -> None:
    """The template carries the tax base by billing authority; a change there reaches the precept income."""
    folder = plan_copy()
    shutil.copy(FIXTURES / "billing_authorities" / "finance.yaml", folder / "finance.yaml")
    path = tmp_path / "authorities.xlsx"
    assert cli("template", folder, "--out", path).exit_code == 0
    book = openpyxl.load_workbook(path)
    sheet = book["tax_base_by_authority"]
    cell = f"{column_of(sheet, '2022/23')}{row_of(sheet, 'Northtown')}"
    sheet[cell] = sheet[cell].value + 1000
    book.save(path)
    plain = cli("run", folder, "--format", "csv")
    edited = cli("run", folder, "--finance-xlsx", path, "--format", "csv")
    assert edited.exit_code == 0, edited.output
    assert measure(edited, "tax_base", "2022/23") == pytest.approx(measure(plain, "tax_base", "2022/23") + 1000)
    band_d = measure(plain, "precept_band_d", "2022/23")
    assert measure(edited, "precept_income", "2022/23") == pytest.approx(
        measure(plain, "precept_income", "2022/23") + 1000 * band_d)
    assert measure(edited, "tax_base", "2021/22") == measure(plain, "tax_base", "2021/22")


def test_a_problem_the_plans_checks_find_is_named_by_sheet_and_row(example_plan: planlib.Plan) -> None:
    from planlib.io.finance_workbook import _sheet_of

    finance = example_plan.finance
    assert _sheet_of(("finance", "police_grant", "values"), finance) == ("series", "police_grant")
    assert _sheet_of(("finance", "cost_per_officer"), finance) == ("values", "cost_per_officer")
    grant = next(iter(finance.other_grants))
    assert _sheet_of(("finance", "other_grants", grant, "values"), finance) == ("other_grants", grant)
    assert _sheet_of(("commitments", 0, "objective_id"), finance) is None


# --------------------------------------------------------------------------- bad workbooks


BAD = [
    pytest.param({"series": {"police_grant 2023/24": "lots"}}, (), ["series!{cell}", "expected a number, got 'lots'"],
                 id="text-in-a-number-cell"),
    pytest.param({}, ("values",), ["values", "missing sheet 'values'"], id="missing-sheet"),
    pytest.param({"series": {"police_grant 2023/24": -5}}, (), ["series!{cell}", "negative"], id="negative-grant"),
    pytest.param({"series": {"police_grant 2023/24": None}}, (), ["series!{cell}", "2023/24"], id="blank-year"),
]


@pytest.mark.parametrize("command", [["run"], ["appraise", "--samples", "100"]])
@pytest.mark.parametrize("cells, drop, words", BAD)
def test_bad_workbook_exits_1_naming_the_sheet_and_cell(template: Path, edited, command, cells, drop, words) -> None:
    cell = police_grant_cell(template, "2023/24")
    cells = {sheet: {(cell if ref == "police_grant 2023/24" else ref): v for ref, v in refs.items()}
             for sheet, refs in cells.items()}
    workbook = edited(cells, drop)
    result = cli(*command, EXAMPLE, "--finance-xlsx", workbook)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "unexpected error" not in result.output
    assert str(workbook) in result.output
    for word in words:
        assert word.format(cell=cell).casefold() in result.output.casefold(), result.output
    assert result.stdout == ""  # nothing printed as if it were a result


def test_a_file_that_is_not_a_workbook_exits_1(tmp_path: Path) -> None:
    text = tmp_path / "finance.xlsx"
    text.write_text("name,2021/22\npolice_grant,1\n", encoding="utf-8")
    result = cli("run", EXAMPLE, "--finance-xlsx", text)
    assert result.exit_code == 1 and "not an Excel workbook" in result.output and "Traceback" not in result.output
    missing = cli("run", EXAMPLE, "--finance-xlsx", tmp_path / "none.xlsx")
    assert missing.exit_code == 1 and "cannot read the file" in missing.output


def test_a_workbook_for_another_period_is_refused(tmp_path: Path) -> None:
    short = tmp_path / "minimal.xlsx"  # 2021/22 to 2022/23; the example runs to 2024/25
    assert cli("template", MINIMAL, "--out", short).exit_code == 0
    result = cli("run", EXAMPLE, "--finance-xlsx", short)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "2 problems" not in result.output and "no column" not in result.output  # one sentence, not one a cell
    assert re.search(r"figures are for 2021/22 to 2022/23, but the plan runs from 2021/22 to 2024/25", result.output)
    assert "another period" in result.output and "planlib template" in result.output


def test_a_workbook_with_years_beyond_the_period_is_refused(template: Path) -> None:
    result = cli("run", MINIMAL, "--finance-xlsx", template)
    assert result.exit_code == 1
    assert "2023/24, 2024/25, outside the plan's period" in result.output and "another period" in result.output


# --------------------------------------------------------------------------- appraise, report, batch


def test_appraise_uses_the_workbooks_cost_per_officer(template: Path, edited) -> None:
    values = openpyxl.load_workbook(template)["values"]
    cell = f"{column_of(values, 'value')}{row_of(values, 'cost_per_officer')}"
    workbook = edited({"values": {cell: values[cell].value * 1.5}})

    def pv_costs(*extra: str | Path) -> float:
        result = cli("appraise", EXAMPLE, "--samples", "200", "--format", "json", *extra)
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout)
        return sum(r["pv_costs"] for r in rows if r["commitment"] in ("VALUED", "NOT_VALUED"))

    assert pv_costs("--finance-xlsx", template) == pytest.approx(pv_costs())
    assert pv_costs("--finance-xlsx", workbook) > pv_costs() * 1.001


def test_report_states_the_workbook_and_its_checksum(template: Path, edited) -> None:
    workbook = edited({"series": {police_grant_cell(template, "2023/24"): 600_000_000}}, name="board_finance.xlsx")
    report = ScenarioReport.load(str(EXAMPLE), str(SCENARIO), seed=1, samples=100, finance_xlsx=workbook)
    assert report.baseline.finance.police_grant.value("2023/24") == 600_000_000
    footer = report.footer().data
    assert "board_finance.xlsx" in footer and f"sha256:{file_checksum(workbook)}" in footer
    assert str(workbook.parent) not in footer  # the file's name, not where it sat on someone's disc
    assert "board_finance.xlsx" in report.title().data
    plain = ScenarioReport.load(str(EXAMPLE), str(SCENARIO), seed=1, samples=100)
    assert "workbook" not in plain.footer().data and "workbook" not in plain.title().data


def test_report_refuses_a_bad_workbook_before_any_kernel_starts(template: Path, edited, tmp_path: Path) -> None:
    workbook = edited({}, ("series",))
    result = cli("report", EXAMPLE, "-s", SCENARIO, "--out", tmp_path / "out", "--finance-xlsx", workbook)
    assert result.exit_code == 1 and "missing sheet 'series'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_batch_passes_the_workbook_to_every_report_and_names_it(template: Path, edited, tmp_path: Path) -> None:
    workbook = edited({"series": {police_grant_cell(template, "2023/24"): 600_000_000}})
    jobs = batch_jobs(EXAMPLE, tmp_path, [SCENARIO], seed=1, finance_xlsx=workbook)
    assert [job["finance_xlsx"] for job in jobs] == [str(workbook)]
    summary = write_summary(tmp_path, EXAMPLE, [ReportResult("precept_plus_15", str(SCENARIO), "p", "ok")],
                            finance_xlsx=workbook).read_text(encoding="utf-8")
    assert "baseline,2023/24,police_grant,600000000.0,GBP" in summary
    assert "precept_plus_15,2023/24,police_grant,600000000.0,GBP" in summary
    assert "finance_xlsx" not in batch_jobs(EXAMPLE, tmp_path, [SCENARIO], seed=1)[0]
    page = write_index(tmp_path, [ReportResult("s", "s.yaml", "s", "failed", error="E")], EXAMPLE, 1,
                       finance_xlsx=template).read_text(encoding="utf-8")
    assert f"finance from the workbook <code>{template.name}</code> (sha256:{file_checksum(template)})" in page


@pytest.mark.slow
def test_report_runs_with_the_workbook(template: Path, edited, tmp_path: Path) -> None:
    workbook = edited({"series": {police_grant_cell(template, "2023/24"): 600_000_000}}, name="board_finance.xlsx")
    out = tmp_path / "out"
    result = cli("report", EXAMPLE, "-s", SCENARIO, "--out", out, "--seed", "7", "--finance-xlsx", workbook)
    assert result.exit_code == 0, result.output
    page = (out / "precept_plus_15.html").read_text(encoding="utf-8")
    assert "£600.0m" in page
    assert "board_finance.xlsx" in page and f"sha256:{file_checksum(workbook)}" in page
    notebook = json.loads((out / "precept_plus_15.ipynb").read_text(encoding="utf-8"))
    assert notebook["metadata"]["papermill"]["parameters"]["finance_xlsx"] == str(workbook.resolve())
