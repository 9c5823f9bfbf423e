"""Every command works on every plan folder: both examples under ``data/``, the minimal fixture
and a plan just made by ``planlib new``, parametrised (a new example under ``data/`` joins
automatically).

A command either succeeds or says clearly why not (exit 1 with a message naming what is
missing); it never shows a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import planlib
from planlib.cli import main

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
PLAN_FOLDERS = sorted(p.parent for p in (ROOT / "data").glob("*/plan.yaml")) + [MINIMAL]
NEW = Path("planlib-new")
"""Stands for the folder ``planlib new`` makes (in a temporary folder, once per session)."""

# command -> (extra arguments, side file it needs or None)
COMMANDS: dict[str, tuple[list[str], str | None]] = {
    "validate": ([], None),
    "run": ([], None),
    "precept": ([], None),
    "check": ([], None),
    "appraise": (["--samples", "500"], None),
    "optimise": ([], None),
    "horizon": ([], "horizon.yaml"),
    "implications": ([], "implications.yaml"),
    "consult": ([], "consultation"),
}


def _id(folder: Path) -> str:
    return folder.name


@pytest.fixture(scope="session")
def new_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plan folder made by ``planlib new``, with billing authorities."""
    target = tmp_path_factory.mktemp("new") / "testshire"
    code, out = _invoke(["new", str(target), "--area", "Testshire", "--first-year", "2025/26", "--years", "3",
                         "--billing-authority", "Northtown", "--billing-authority", "Southtown"])
    assert code == 0, out
    return target


@pytest.fixture(params=[*PLAN_FOLDERS, NEW], ids=_id)
def folder(request: pytest.FixtureRequest, new_plan: Path) -> Path:
    return new_plan if request.param == NEW else request.param


def _invoke(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return result.exit_code, result.output


def test_there_are_two_examples_and_the_minimal_plan():
    assert len(PLAN_FOLDERS) >= 3 and planlib.DEFAULT_PLAN in PLAN_FOLDERS


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_command_works_on_the_plan(command: str, folder: Path):
    extra, needs = COMMANDS[command]
    code, out = _invoke([command, str(folder), *extra])
    assert "Traceback" not in out and "unexpected error" not in out, out
    if needs is not None and not (folder / needs).exists():
        assert code == 1 and needs.rstrip("/") in out, out
        return
    if command == "check":
        assert code in (0, 1), out  # 1: a requirement is unmet, and the table says which
        assert "s7a" in out
        return
    assert code == 0, out
    if command in ("run", "precept", "appraise", "optimise"):
        assert planlib.load_plan(folder).name in out


def test_the_precept_schedule_is_json_for_every_year(folder: Path):
    import json

    code, out = _invoke(["precept", str(folder), "--format", "json"])
    assert code == 0, out
    schedule = json.loads(out)
    plan = planlib.load_plan(folder)
    assert [year["year"] for year in schedule] == [str(y) for y in plan.years]
    for year in schedule:
        assert set(year["bands"]) == set("ABCDEFGH") and year["bands"]["D"] == year["band_d"]


def test_the_finance_template_can_be_written_and_run(folder: Path, tmp_path: Path):
    book = tmp_path / "finance.xlsx"
    code, out = _invoke(["template", str(folder), "--out", str(book)])
    assert code == 0 and book.is_file(), out
    code, out = _invoke(["run", str(folder), "--finance-xlsx", str(book), "--format", "csv"])
    baseline_code, baseline = _invoke(["run", str(folder), "--format", "csv"])
    assert code == 0 and baseline_code == 0, out
    assert out == baseline  # the plan's own finance, through Excel and back, gives the same figures


@pytest.mark.slow
def test_a_scenario_report_is_written_for_the_plan(folder: Path, tmp_path: Path):
    plan = planlib.load_plan(folder)
    last = str(plan.years[-1])
    scenario = tmp_path / "precept_up.yaml"
    scenario.write_text("name: precept_up\ndescription: One pound more on Band D in the last year\n"
                        "source: test (illustrative)\n"
                        f"changes:\n  finance.precept_increase: {{{last}: "
                        f"{plan.finance.precept_increase.value(last) + 1}}}\n", encoding="utf-8")
    code, out = _invoke(["report", str(folder), "-s", str(scenario), "--out", str(tmp_path / "out")])
    assert code == 0, out
    page = (tmp_path / "out" / "precept_up.html").read_text(encoding="utf-8")
    assert plan.name in page and "Traceback" not in page
