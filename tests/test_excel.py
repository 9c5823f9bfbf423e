"""Excel in and out: the finance template, reading it back, and results workbooks.

Bad workbooks are made from the example template by one small change each (a binary fixture
per failure mode would hide what it changes); each must give a PlanError naming the sheet,
the cell and the Excel row, with a message that says what was expected.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Callable

import openpyxl
import pytest

import planlib
from planlib.errors import PlanError
from planlib.io.excel import (
    KEY_MEASURES,
    load_finance_xlsx,
    write_finance_template,
    write_results_xlsx,
)

from tests.conftest import FIXTURES, MINIMAL, ROOT

TEMPLATE = ROOT / "data" / "templates" / "finance_template.xlsx"
SCENARIOS = ROOT / "data" / "west_midlands_2021" / "scenarios"


@pytest.fixture(scope="module")
def template_bytes(tmp_path_factory: pytest.TempPathFactory, example_plan: planlib.Plan) -> bytes:
    path = tmp_path_factory.mktemp("template") / "finance.xlsx"
    write_finance_template(example_plan, path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory, example_plan: planlib.Plan):
    scenario = planlib.Scenario.from_yaml(SCENARIOS / "precept_plus_15.yaml")
    table = planlib.compare(example_plan, [scenario])
    path = tmp_path_factory.mktemp("results") / "results.xlsx"
    write_results_xlsx(table, path, plan=example_plan,
                       generated_at=dt.datetime(2024, 2, 1, 9, 30, tzinfo=dt.timezone.utc))
    return table, openpyxl.load_workbook(path)


def _cells(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}


# --------------------------------------------------------------------------- the template


def test_template_round_trip(tmp_path: Path, example_plan: planlib.Plan) -> None:
    path = tmp_path / "finance.xlsx"
    write_finance_template(example_plan, path)
    assert load_finance_xlsx(path) == example_plan.finance
    assert load_finance_xlsx(str(path)) == example_plan.finance


def test_round_trip_without_grants_and_from_finance_alone(tmp_path: Path, minimal_plan: planlib.Plan,
                                                          example_plan: planlib.Plan) -> None:
    path = tmp_path / "minimal.xlsx"
    write_finance_template(minimal_plan, path)
    assert load_finance_xlsx(path) == minimal_plan.finance
    no_grants = example_plan.finance.model_copy(update={"other_grants": {}})
    write_finance_template(no_grants, path)
    assert load_finance_xlsx(path) == no_grants


def test_committed_template_matches_a_regenerated_one(tmp_path: Path, example_plan: planlib.Plan) -> None:
    # If this fails after a deliberate change to the example's finance.yaml or to the layout,
    # regenerate: python -c "import planlib, planlib.io.excel as x; x.write_finance_template(
    #   planlib.load_plan(planlib.DEFAULT_PLAN), 'data/templates/finance_template.xlsx')"
    path = tmp_path / "finance.xlsx"
    write_finance_template(example_plan, path)
    committed, fresh = _cells(TEMPLATE), _cells(path)
    assert list(committed) == list(fresh)
    for sheet in fresh:
        assert committed[sheet] == fresh[sheet], f"sheet {sheet!r} differs from a regenerated template"


def test_committed_template_loads_as_the_example(example_plan: planlib.Plan) -> None:
    assert load_finance_xlsx(TEMPLATE) == example_plan.finance


def test_template_layout_is_documented(template_bytes: bytes, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(template_bytes)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["README", "settings", "series", "other_grants", "tax_base_by_authority",
                               "collection_fund_by_authority", "values", "year_details"]
    series = book["series"]
    assert [c.value for c in series[1]] == [
        "name", "unit", "2021/22", "2022/23", "2023/24", "2024/25", "status", "confidence", "source", "description",
    ]
    assert series["C2"].value == 528_700_000 and series["C2"].number_format == "#,##0"
    assert series.freeze_panes == "C2" and series["A1"].font.bold
    pay = next(row for row in series.iter_rows() if row[0].value == "pay_award")
    assert pay[3].value == 0.05 and pay[3].number_format == "0.00%"
    documented = {(row[0], row[1]) for row in book["README"].iter_rows(values_only=True)}
    assert ("year_details", "series") in documented and ("values", "year") in documented
    assert ("tax_base_by_authority", "(as series)") in documented
    # the example gives one total tax base: the billing authorities' sheets have headers and no rows
    authorities = book["tax_base_by_authority"]
    assert authorities["A1"].value == "name" and [c.value for c in authorities["A"][1:]] in ([], [None])


def test_interval_only_year_and_grant_details_round_trip(tmp_path: Path, example_plan: planlib.Plan) -> None:
    f = example_plan.finance
    grant = f.other_grants["moj_victims_grant"]
    values = dict(f.police_grant.values)
    values[planlib.FinancialYear("2024/25")] = values[planlib.FinancialYear("2024/25")].model_copy(
        update={"value": None, "low": 590e6, "high": 640e6, "distribution": "normal", "description": "a range"})
    grant_values = dict(grant.values)
    grant_values[planlib.FinancialYear("2023/24")] = grant_values[planlib.FinancialYear("2023/24")].model_copy(
        update={"status": "verified", "source": "MoJ allocation letter"})
    changed = f.model_copy(update={
        "police_grant": f.police_grant.model_copy(update={"values": values}),
        "other_grants": {**f.other_grants, "moj_victims_grant": grant.model_copy(update={"values": grant_values})},
        "officer_on_costs": f.officer_on_costs.model_copy(update={"distribution": "triangular"}),
    })
    path = tmp_path / "finance.xlsx"
    write_finance_template(changed, path)
    assert load_finance_xlsx(path) == changed


# --------------------------------------------------------------------------- bad workbooks

Change = Callable[[openpyxl.Workbook], None]


def _set(sheet: str, cell: str, value: object) -> Change:
    def change(book: openpyxl.Workbook) -> None:
        book[sheet][cell] = value
    return change


def _remove(sheet: str) -> Change:
    def change(book: openpyxl.Workbook) -> None:
        del book[sheet]
    return change


def _row_of(book: openpyxl.Workbook, sheet: str, name: str) -> int:
    return next(r for r in range(2, book[sheet].max_row + 1) if book[sheet].cell(r, 1).value == name)


def _set_in_row(sheet: str, name: str, column: str, value: object) -> Change:
    def change(book: openpyxl.Workbook) -> None:
        book[sheet][f"{column}{_row_of(book, sheet, name)}"] = value
    return change


# case -> (change, line, field, words the message must contain). Rows of the example template:
# series: 2 police_grant, 3 precept_increase, 9 pay_award, 12 planned_use_of_reserves;
# values: 2 precept_band_d_base, 4 officer_on_costs, 9 reserves_opening.
BAD: dict[str, tuple[Change, int | None, str, list[str]]] = {
    "text_in_number_cell": (_set("series", "D3", "abc"), 3, "series!D3", ["expected a number, got 'abc'"]),
    "unknown_series": (_set("series", "A2", "polise_grant"), 2, "series!A2",
                       ["unknown series 'polise_grant'", "did you mean 'police_grant'"]),
    "bad_year_header": (_set("series", "D1", "2021/23"), 1, "series!D1", ["'2021/23' is not a financial year"]),
    "year_header_read_as_date": (_set("series", "C1", dt.datetime(2021, 12, 1)), 1, "series!C1",
                                 ["expected a financial year such as 2021/22", "format the cell as text"]),
    "unknown_column": (_set("values", "L1", "comment"), 1, "values!L1", ["unknown column 'comment'"]),
    "missing_column": (_set("series", "I1", None), 1, "series!K1", ["missing column 'source'"]),
    "missing_sheet": (_remove("values"), None, "values", ["missing sheet 'values'"]),
    "negative_money": (_set("values", "C9", -5.0), 9, "values!C9", ["must not be negative", "-5"]),
    "negative_series_value": (_set("series", "C2", -1.0), 2, "series!C2", ["must not be negative"]),
    "share_typed_as_percent": (_set("series", "D9", 5), 9, "series!D9", ["a share must lie between 0 and 1", "0.05"]),
    "excel_error_value": (_set("series", "E2", "#DIV/0!"), 2, "series!E2", ["Excel error #DIV/0!"]),
    "formula_without_saved_result": (_set("series", "E2", "=C2*1.05"), 2, "series!E2", ["no saved result"]),
    "nan_typed_as_text": (_set("series", "D2", "NaN"), 2, "series!D2", ["finite number", "NaN"]),
    "boolean_in_number_cell": (_set("values", "C2", True), 2, "values!C2", ["expected a number, got TRUE"]),
    "bad_status": (_set("series", "G2", "verifed"), 2, "series!G2", ["expected a status", "'verifed'"]),
    "bad_confidence": (_set("series", "H2", 7), 2, "series!H2", ["whole number from 1 to 6", "7"]),
    "empty_source": (_set("series", "I2", None), 2, "series!I2", ["empty cell", "source"]),
    "low_above_high": (_set("values", "D4", 0.5), 4, "values!", ["low (0.5) is above high (0.4)"]),
    "dated_value_without_year": (_set("values", "B2", None), 2, "values!B2", ["needs the financial year"]),
    "undated_value_with_year": (_set("values", "B4", "2021/22"), 4, "values!B4", ["is not dated"]),
    "unknown_value": (_set("values", "A4", "oficer_on_costs"), 4, "values!A4", ["unknown value 'oficer_on_costs'"]),
    "series_on_values_sheet": (_set("values", "A4", "pay_award"), 4, "values!A4", ["is a year-by-year series", "'series'"]),
    "duplicate_series": (_set("series", "A3", "police_grant"), 3, "series!A3", ["appears twice", "row 2"]),
    "bad_grant_name": (_set("other_grants", "A2", "2nd grant"), 2, "other_grants!A2", ["not a valid grant name"]),
    "unknown_detail_series": (_set("year_details", "A2", "polce_grant"), 2, "year_details!A2",
                              ["unknown series 'polce_grant'", "did you mean 'police_grant'"]),
    "bad_detail_year": (_set("year_details", "B2", "2021-22"), 2, "year_details!B2", ["'2021-22' is not a financial year"]),
    "detail_for_a_year_with_no_value": (_set("series", "C2", None), 2, "year_details!B2",
                                        ["no value for police_grant 2021/22", "series!C2"]),
    "value_under_blank_header": (_set("series", "M5", 12.0), 5, "series!M5", ["column with no header"]),
    "missing_series_row": (_set_in_row("series", "tax_base", "A", None), 5, "series!A5", ["a name is required"]),
    "bad_price_base_year": (_set("settings", "B2", "2021"), 2, "settings!B2", ["'2021' is not a financial year"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_workbook_names_sheet_and_cell(case: str, template_bytes: bytes, tmp_path: Path) -> None:
    change, line, field, words = BAD[case]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(template_bytes)
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    with pytest.raises(PlanError) as caught:
        load_finance_xlsx(path)
    matching = [p for p in caught.value.problems if p.field.startswith(field) and p.line == line]
    assert matching, f"no problem at {field} line {line}: {caught.value}"
    assert any(all(w in p.message for w in words) for p in matching), str(caught.value)
    assert all(p.file == str(path) for p in caught.value.problems)


def test_with_the_plan_years_an_empty_year_cell_is_reported(template_bytes: bytes, tmp_path: Path,
                                                          example_plan: planlib.Plan) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(template_bytes)
    book = openpyxl.load_workbook(path)
    book["series"]["F6"] = None  # baseline_force_costs 2024/25
    book.save(path)
    load_finance_xlsx(path)  # a blank cell alone means no value for that year
    with pytest.raises(PlanError) as caught:
        load_finance_xlsx(path, years=example_plan.years)
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (6, "series!F6")
    assert "baseline_force_costs needs a value for every year" in problem.message
    assert load_finance_xlsx(TEMPLATE, years=[*example_plan.years]) == example_plan.finance


def test_every_problem_is_reported_not_only_the_first(template_bytes: bytes, tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(template_bytes)
    book = openpyxl.load_workbook(path)
    book["series"]["D3"] = "abc"
    book["series"]["A4"] = "polise_grant"
    book["values"]["C9"] = -1.0
    book["year_details"]["B2"] = "2021/23"
    book.save(path)
    with pytest.raises(PlanError) as caught:
        load_finance_xlsx(path)
    fields = {p.field for p in caught.value.problems}
    assert {"series!D3", "series!A4", "values!C9", "year_details!B2"} <= fields
    assert "problems:" in str(caught.value)


@pytest.mark.parametrize(
    "content, words",
    [
        (b"name,unit,2021/22\npolice_grant,GBP,528700000\n", ["not an Excel workbook", "text or CSV"]),
        (b"", ["not an Excel workbook"]),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ["old-format .xls"]),
        (b"PK\x03\x04 truncated", ["not an Excel workbook", "damaged"]),
    ],
    ids=["csv_renamed", "empty", "old_xls", "broken_zip"],
)
def test_a_file_that_is_not_a_workbook_gives_one_clear_problem(content: bytes, words: list[str], tmp_path: Path) -> None:
    path = tmp_path / "finance.xlsx"
    path.write_bytes(content)
    with pytest.raises(PlanError) as caught:
        load_finance_xlsx(path)
    [problem] = caught.value.problems
    assert problem.file == str(path) and problem.line is None
    assert all(w in problem.message for w in words), problem.message


def test_a_truncated_workbook_gives_one_clear_problem(template_bytes: bytes, tmp_path: Path) -> None:
    path = tmp_path / "finance.xlsx"
    path.write_bytes(template_bytes[: len(template_bytes) // 2])
    with pytest.raises(PlanError) as caught:
        load_finance_xlsx(path)
    [problem] = caught.value.problems
    assert "not an Excel workbook" in problem.message


def test_a_zip_that_is_not_a_workbook_and_a_missing_file(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "finance.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(PlanError, match="zip archive without a workbook"):
        load_finance_xlsx(path)
    with pytest.raises(PlanError, match="cannot read the file"):
        load_finance_xlsx(tmp_path / "nowhere.xlsx")


# --------------------------------------------------------------------------- results workbooks


def test_results_workbook_sheets_and_values(results) -> None:
    table, book = results
    assert book.sheetnames == ["about", "comparison", "baseline", "precept_plus_15"]
    baseline = book["baseline"]
    assert [c.value for c in baseline[1]] == ["Measure", "unit", "2021/22", "2022/23", "2023/24", "2024/25", "measure id"]
    rows = {row[-1].value: row for row in baseline.iter_rows(min_row=2)}
    assert list(rows) == list(dict.fromkeys(table["measure"]))
    # A person reads titles; the id stays in the last column for formulas and programs.
    assert rows["budget_gap"][0].value == "Budget gap (+ = shortfall)"
    assert rows["reserves_below_minimum"][0].value == "Reserves below the minimum (1 = yes)"
    assert not any("_" in row[0].value for row in rows.values())
    expected = table[(table.scenario == "baseline") & (table.measure == "budget_gap") & (table.year == "2023/24")]
    cell = rows["budget_gap"][4]
    assert cell.value == pytest.approx(float(expected["value"].iloc[0]), rel=1e-12)
    assert cell.value > 1e6  # exact pounds, displayed in £m
    assert cell.number_format.startswith("#,##0.0,,")
    assert rows["budget_gap"][1].value == "GBP (shown in £m)"
    assert rows["referendum_required"][2].value in (0, 1) and isinstance(rows["referendum_required"][2].value, int)
    assert baseline.freeze_panes == "C2" and baseline["A1"].font.bold
    assert baseline.column_dimensions["A"].width >= len("neighbourhood_officer_target")
    # every value of every scenario sheet equals the table
    for scenario, sheet in (("baseline", "baseline"), ("precept_plus_15", "precept_plus_15")):
        ws = book[sheet]
        years = [c.value for c in ws[1]][2:-1]
        for row in ws.iter_rows(min_row=2, values_only=True):
            wanted = table[(table.scenario == scenario) & (table.measure == row[-1])].set_index("year")["value"]
            for year, value in zip(years, row[2:-1]):
                assert value == pytest.approx(wanted[year], rel=1e-12, abs=1e-9)


def test_results_comparison_sheet(results) -> None:
    table, book = results
    ws = book["comparison"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Measure", "unit", "scenario"] and header[-1] == "measure id"
    assert "2022/23 change from baseline" in header
    rows = {(r[-1], r[2]): r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert {m for m, _ in rows} == set(KEY_MEASURES)
    assert rows[("budget_gap", "baseline")][0] == "Budget gap (+ = shortfall)"
    value_col = header.index("2022/23")
    diff_col = header.index("2022/23 change from baseline")

    def value(scenario: str, measure: str) -> float:
        rows_ = table[(table.scenario == scenario) & (table.measure == measure) & (table.year == "2022/23")]
        return float(rows_["value"].iloc[0])

    for measure in KEY_MEASURES:
        scn = rows[(measure, "precept_plus_15")]
        assert scn[value_col] == pytest.approx(value("precept_plus_15", measure), rel=1e-12)
        assert scn[diff_col] == pytest.approx(value("precept_plus_15", measure) - value("baseline", measure), rel=1e-9, abs=1e-6)
        assert rows[(measure, "baseline")][diff_col] == 0
    # the £15 rise in 2022/23 is above the £10 limit: flagged in the scenario, not the baseline
    assert rows[("referendum_required", "precept_plus_15")][value_col] == 1
    assert rows[("referendum_required", "precept_plus_15")][diff_col] == 1


def test_results_about_sheet(results) -> None:
    _, book = results
    about = {row[0]: row[1] for row in book["about"].iter_rows(values_only=True) if row[0]}
    assert about["planlib version"] == planlib.__version__
    assert about["generated"] == "2024-02-01T09:30:00+00:00"
    assert "illustrative" in about["illustrative figures"] and "assumptions" in about["illustrative figures"]
    assert about["precept_plus_15"] == "precept_plus_15"  # the sheet -> scenario table
    assert about["police_grant"].startswith("estimate (2021/22)")


def test_sheet_names_are_valid_and_unique(example_plan: planlib.Plan, tmp_path: Path) -> None:
    base = planlib.compare(example_plan, [])
    long = "a_very_long_scenario_name_that_goes_past_31_characters"
    names = ["baseline", long + "_one", long + "_two", "what/if:[x]*?", "About", "comparison"]
    table = __import__("pandas").concat([base.assign(scenario=n) for n in names], ignore_index=True)
    path = tmp_path / "results.xlsx"
    write_results_xlsx(table, path)
    book = openpyxl.load_workbook(path)
    sheets = book.sheetnames
    assert len(sheets) == 2 + len(names)
    assert len({s.casefold() for s in sheets}) == len(sheets)
    assert all(len(s) <= 31 and not set(s) & set("[]:*?/\\") for s in sheets)
    mapping = {row[0]: row[1] for row in book["about"].iter_rows(values_only=True)}
    assert {mapping[s] for s in sheets[2:]} == set(names)


def test_results_table_without_columns_is_refused(tmp_path: Path) -> None:
    import pandas as pd

    with pytest.raises(ValueError, match="lacks the column"):
        write_results_xlsx(pd.DataFrame({"scenario": ["x"]}), tmp_path / "r.xlsx")


def test_text_never_becomes_a_formula(example_plan: planlib.Plan, tmp_path: Path) -> None:
    table = planlib.compare(example_plan, []).assign(scenario="=HYPERLINK(\"http://x\")")
    path = tmp_path / "r.xlsx"
    write_results_xlsx(table, path)
    book = openpyxl.load_workbook(path)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)


# --------------------------------------------------------------------------- atomic writing


@pytest.mark.parametrize("writer", ["results", "template"])
def test_writing_is_atomic(writer: str, example_plan: planlib.Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"the previous workbook")

    def fail(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        if writer == "results":
            write_results_xlsx(planlib.compare(example_plan, []), path)
        else:
            write_finance_template(example_plan, path)
    assert path.read_bytes() == b"the previous workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


def test_a_new_workbook_gets_the_usual_permissions(example_plan: planlib.Plan, tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_finance_template(example_plan, tmp_path / "new.xlsx")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.xlsx").stat().st_mode & 0o777 == 0o644
    (tmp_path / "kept.xlsx").write_bytes(b"old")
    (tmp_path / "kept.xlsx").chmod(0o640)
    write_results_xlsx(planlib.compare(example_plan, []), tmp_path / "kept.xlsx")
    assert (tmp_path / "kept.xlsx").stat().st_mode & 0o777 == 0o640


# --------------------------------------------------------------------------- billing authorities


@pytest.fixture(scope="module")
def billing_plan(tmp_path_factory: pytest.TempPathFactory) -> planlib.Plan:
    folder = tmp_path_factory.mktemp("billing") / "plan"
    shutil.copytree(MINIMAL, folder)
    shutil.copy(FIXTURES / "billing_authorities" / "finance.yaml", folder / "finance.yaml")
    return planlib.load_plan(folder)


def test_billing_authorities_round_trip(tmp_path: Path, billing_plan: planlib.Plan) -> None:
    f = billing_plan.finance
    north = f.billing_authorities[0]
    year = planlib.FinancialYear("2022/23")
    base = north.tax_base.values[year].model_copy(update={"status": "verified", "source": "Northtown tax base report"})
    changed = f.model_copy(update={"billing_authorities": (
        north.model_copy(update={"tax_base": north.tax_base.model_copy(update={"values": {year: base}})}),
        *f.billing_authorities[1:])})
    path = tmp_path / "finance.xlsx"
    write_finance_template(billing_plan.model_copy(update={"finance": changed}), path)
    book = openpyxl.load_workbook(path)
    assert [row[0].value for row in book["tax_base_by_authority"].iter_rows(min_row=2)] == ["Northtown", "Southby"]
    assert book["tax_base_by_authority"]["D2"].value == 61000.1  # 2022/23
    assert book["collection_fund_by_authority"]["D2"].value == -5000  # a deficit
    assert [row[0].value for row in book["year_details"].iter_rows(min_row=2)] == ["tax_base_by_authority.Northtown"]
    series_names = [row[0].value for row in book["series"].iter_rows(min_row=2)]
    assert {"tax_base", "collection_fund", "pension_grant", "council_tax_support_grant"} <= set(series_names)
    assert "former_dclg_grant" not in series_names  # an optional line the plan does not give has no row
    assert load_finance_xlsx(path, years=billing_plan.years) == changed


def test_a_workbook_without_the_billing_authority_sheets_still_loads(template_bytes: bytes, tmp_path: Path,
                                                                     example_plan: planlib.Plan) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(template_bytes)
    book = openpyxl.load_workbook(path)
    del book["tax_base_by_authority"], book["collection_fund_by_authority"]
    book.save(path)
    assert load_finance_xlsx(path, years=example_plan.years) == example_plan.finance


def _billing_workbook(plan: planlib.Plan, tmp_path: Path, change: Change) -> Path:
    path = tmp_path / "billing.xlsx"
    write_finance_template(plan, path)
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    return path


# Rows of the billing workbook: series 7 tax_base (C: 2021/22, D: 2022/23), 8 collection_fund;
# tax_base_by_authority and collection_fund_by_authority 2 Northtown, 3 Southby.
BILLING_BAD: dict[str, tuple[Change, int | None, str, list[str]]] = {
    "both_tax_bases": (_set("series", "D7", 101_500.2), 7, "series!D7",
                       ["both a total tax_base and billing authorities' tax bases for 2022/23"]),
    "authority_lacks_a_year": (_set("tax_base_by_authority", "D3", None), 3, "tax_base_by_authority!A3",
                               ["no tax base for Southby in 2022/23"]),
    "fund_for_unknown_authority": (_set("collection_fund_by_authority", "A3", "Westham"), 3,
                                   "collection_fund_by_authority!A3", ["no billing authority 'Westham'"]),
    "total_fund_in_a_year_by_authority": (_set("series", "D8", 10.0), 8, "series!D8",
                                          ["give each billing authority's collection_fund"]),
    "negative_authority_tax_base": (_set("tax_base_by_authority", "D2", -1.0), 2, "tax_base_by_authority!D2",
                                    ["must not be negative"]),
}


@pytest.mark.parametrize("case", sorted(BILLING_BAD))
def test_bad_billing_authority_cells_are_named(case: str, billing_plan: planlib.Plan, tmp_path: Path) -> None:
    change, line, field, words = BILLING_BAD[case]
    path = _billing_workbook(billing_plan, tmp_path, change)
    with pytest.raises(PlanError) as caught:
        load_finance_xlsx(path, years=billing_plan.years)
    matching = [p for p in caught.value.problems if p.field == field and p.line == line]
    assert any(all(w in p.message for w in words) for p in matching), str(caught.value)



def test_every_measure_of_the_financial_plan_has_a_title() -> None:
    from planlib.finance import MEASURES
    from planlib.io.excel.results import MEASURE_TITLES

    assert set(MEASURES) == set(MEASURE_TITLES)


def test_the_comparison_workbook_as_bytes_names_scenarios_and_keeps_text_as_text(example_plan: planlib.Plan) -> None:
    import io

    import pandas as pd

    from planlib.io.excel.results import results_workbook_bytes

    base = planlib.compare(example_plan, [])
    hostile = '=HYPERLINK("http://example.invalid","click")'
    table = pd.concat([base.assign(scenario="Baseline"), base.assign(scenario="Precept plus 12 (v1)"),
                       base.assign(scenario=hostile)], ignore_index=True)
    book = openpyxl.load_workbook(io.BytesIO(results_workbook_bytes(table, plan=example_plan, baseline="Baseline")))
    assert book.sheetnames[:3] == ["about", "comparison", "Baseline"]
    header = [c.value for c in book["comparison"][1]]
    assert "2023/24 change from Baseline" in header
    cells = [c for row in book.worksheets for r in row.iter_rows() for c in r]
    assert all(c.data_type != "f" for c in cells), "no cell may hold a formula"
    assert any(c.value == hostile and c.data_type == "s" for c in cells)
