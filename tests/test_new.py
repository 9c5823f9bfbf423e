"""`planlib new DIR`: a plan folder that validates, every number a placeholder, and a checklist of what is left.

The folder validates and loads back unchanged after ``save_plan``; ``planlib check`` on it lists
what is missing, and the checklist ``planlib new`` prints names the same requirements, with
commitments by their titles. A folder that holds anything is refused and left as it was; a bad
option exits 2 naming the option; nothing half-written is ever left behind.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

import planlib
from planlib.cli import main
from planlib.compliance import check
from planlib.errors import PlanError
from planlib.io import FILES, load_plan, save_plan
from planlib.io.new_plan import new_plan_folder
from planlib.io.new_plan_settings import new_plan_settings
from planlib.model import DEFAULT_APPRAISAL, Objective, YearSeries
from planlib.present.new_plan import checklist

AUTHORITIES = ["Herefordshire", "Shropshire", "Telford and Wrekin", "Worcestershire"]


def _new(path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["new", str(path), *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("new") / "west_mercia"
    code, out = _new(folder, "--area", "West Mercia", "--first-year", "2021/22", "--years", "4")
    assert code == 0, out
    return folder, out


def _records(value):
    """Every record of a plan that carries a status (numbers, cost lines, KPIs, events), the series' years included."""
    if isinstance(value, YearSeries):
        yield from (r for v in value.values.values() for r in _records(v))
    elif isinstance(value, BaseModel):
        if "status" in type(value).model_fields:
            yield value
        else:
            for name in type(value).model_fields:
                yield from _records(getattr(value, name))
    elif isinstance(value, (tuple, list)):
        yield from (r for v in value for r in _records(v))
    elif isinstance(value, dict):
        yield from (r for v in value.values() for r in _records(v))


# --------------------------------------------------------------------------- the folder


@pytest.mark.parametrize("years, authorities", [(1, []), (4, []), (4, AUTHORITIES), (10, AUTHORITIES[:2])])
def test_the_new_folder_validates(tmp_path, years, authorities):
    folder = new_plan_folder(tmp_path / "plan", new_plan_settings("Dyfed-Powys", "2024/25", years, authorities))
    assert planlib.validate(folder) == []
    plan = load_plan(folder)
    assert [str(y) for y in plan.years][0] == "2024/25" and len(plan.years) == years
    assert plan.police_area == "Dyfed-Powys" and plan.id == "dyfed_powys_2024"
    assert [ba.name for ba in plan.finance.billing_authorities] == authorities
    assert (plan.finance.tax_base is None) == bool(authorities)
    assert plan.finance.tax_base_years() == set(plan.years)


def test_it_holds_the_required_files_with_every_field_commented(made):
    folder, _ = made
    assert {f.name for f in FILES if f.required} <= {p.name for p in folder.iterdir()}
    for name in ("plan.yaml", "finance.yaml"):
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if re.match(r"^[a-z_]+:", line):  # a top-level field: a comment above it, or one beside it
                above = next((x for x in reversed(lines[:i]) if x.strip()), "")
                assert above.startswith("#") or "#" in line or name == "plan.yaml" and line.startswith(
                    ("police_area", "description")), f"{name}: {line} has no comment"


def test_every_number_is_illustrative_with_a_placeholder_source(made):
    plan = load_plan(made[0])
    assert plan.appraisal == DEFAULT_APPRAISAL  # no appraisal.yaml: planlib's own settings, flagged as such
    records = [r for name in type(plan).model_fields if name != "appraisal" for r in _records(getattr(plan, name))]
    assert len(records) > 40
    assert {r.status for r in records} == {"illustrative"}
    assert all(r.source.startswith("placeholder: replace with ") for r in records)


def test_the_statutory_requirements_are_listed_in_the_files(made):
    folder, _ = made
    text = "".join((folder / name).read_text(encoding="utf-8") for name in ("plan.yaml", "commitments.yaml",
                                                                            "timeline.yaml"))
    for requirement in ("s7a", "s7f", "f01", "f14", "p01", "p06", "e01"):
        assert re.search(rf"^#\s+{requirement}  \S", text, re.M), requirement


def test_it_loads_back_unchanged_after_save_plan(made, tmp_path):
    plan = load_plan(made[0])
    save_plan(plan, tmp_path / "copy")
    assert load_plan(tmp_path / "copy") == plan


def test_the_finance_runs(made):
    result = CliRunner().invoke(main, ["run", str(made[0])])
    assert result.exit_code == 0, result.output
    assert "Budget gap" in result.output


# --------------------------------------------------------------------------- the checklist


def test_check_lists_what_is_missing_and_the_checklist_names_the_same(made):
    folder, out = made
    result = CliRunner().invoke(main, ["check", str(folder), "--format", "json"])
    assert result.exit_code == 1
    unmet = [r for r in json.loads(result.output) if r["status"] != "met"]
    assert {r["id"] for r in unmet} >= {"s7d", "s7f", "f03", "f11", "p01", "e01"}
    for r in unmet:
        assert re.search(rf"^  {r['id']}  ", out, re.M), r["id"]
        for gap in r["missing"]:
            assert " ".join(gap.split()[:4]) in " ".join(out.split()), gap
    met = {r["id"] for r in json.loads(result.output)} - {r["id"] for r in unmet}
    assert {"s7a", "s7b", "s7c", "s7e", "f01", "f02"} <= met
    assert not any(re.search(rf"^  {m}  ", out, re.M) for m in met)


def test_the_checklist_names_commitments_by_title_not_id(made):
    _, out = made
    without_costs = out[out.index("Commitments without costs"):out.index("Commitments without KPIs")]
    assert "- Commission services for victims of crime" in without_costs
    assert "Add officers to neighbourhood policing" not in without_costs  # it has costs
    assert "Commission services for victims of crime" in out[out.index("Commitments without KPIs"):]
    assert "pledge_victims" not in out and "pledge_policing" not in out
    assert re.search(r"Placeholders: \d+ entries still have a source", out)


def test_missing_items_name_objectives_by_title(made):
    plan = load_plan(made[0])
    second = Objective(id="o2_victims", title="Support victims of crime", section=plan.sections[0].id)
    text = checklist(plan.model_copy(update={"objectives": (*plan.objectives, second)}), "x")
    assert 'objective "Support victims of crime" has no commitment in the plan' in " ".join(text.split())
    assert 'objective "Support victims of crime" has no KPI' in " ".join(text.split())
    assert "o2_victims" not in text


def test_filling_the_commented_blocks_meets_their_requirements(made, tmp_path):
    folder = tmp_path / "filled"
    folder.mkdir()
    for source in made[0].iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    _uncomment(folder / "plan.yaml", "# reporting:", "# strategic_policing_requirement:")
    _uncomment(folder / "timeline.yaml", "# panel_notice:", "  # - id: step_chief_constable_consulted")
    grants = (folder / "grants.yaml").read_text(encoding="utf-8").replace("grants: []\n", "")
    (folder / "grants.yaml").write_text(grants, encoding="utf-8")
    _uncomment(folder / "grants.yaml", "# grants:")
    assert planlib.validate(folder) == []
    status = {r.id: r.status for r in check(load_plan(folder))}
    assert {k: status[k] for k in ("s7d", "s7f", "f11", "p01", "p02", "p03", "p04", "p05", "p06")} == dict.fromkeys(
        ("s7d", "s7f", "f11", "p01", "p02", "p03", "p04", "p05", "p06"), "met")
    assert status["e01"] == "partial"  # one annual report of the four


def _uncomment(path: Path, *starts: str) -> None:
    """Uncomment each commented block that begins with a line equal to one of ``starts``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for start in starts:
        i = lines.index(start)
        indent = len(start) - len(start.lstrip())
        while i < len(lines) and lines[i].startswith(" " * indent + "# "):
            lines[i] = lines[i][:indent] + lines[i][indent + 2:]
            i += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- refusals


def test_a_folder_that_is_not_empty_is_refused_and_left_untouched(tmp_path):
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "plan.yaml").write_text("id: mine\n", encoding="utf-8")
    code, out = _new(folder, "--area", "Gwent", "--first-year", "2025/26")
    assert code == 1
    assert "is not empty" in out and "never overwrites" in out
    assert [p.name for p in folder.iterdir()] == ["plan.yaml"]
    assert (folder / "plan.yaml").read_text(encoding="utf-8") == "id: mine\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan"]  # no temporary folder left beside it


def test_a_file_is_refused(tmp_path):
    target = tmp_path / "plan"
    target.write_text("notes\n", encoding="utf-8")
    code, out = _new(target, "--area", "Gwent", "--first-year", "2025/26")
    assert code == 1 and "is not a folder" in out
    assert target.read_text(encoding="utf-8") == "notes\n"


def test_an_empty_folder_is_used_and_parents_are_made(tmp_path):
    (tmp_path / "empty").mkdir()
    assert _new(tmp_path / "empty", "--area", "Gwent", "--first-year", "2025")[0] == 0
    assert planlib.validate(tmp_path / "empty") == []
    assert _new(tmp_path / "plans" / "gwent", "--area", "Gwent", "--first-year", "2025/26")[0] == 0
    assert planlib.validate(tmp_path / "plans" / "gwent") == []


def test_nothing_is_left_when_writing_fails(tmp_path, monkeypatch):
    from planlib.errors import Problem
    from planlib.io import new_plan

    monkeypatch.setattr(new_plan, "validate", lambda path: [Problem("plan.yaml", 1, "id", "broken template")])
    with pytest.raises(PlanError, match="broken template"):
        new_plan_folder(tmp_path / "plan", new_plan_settings("Gwent", "2025/26"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, option, words", [
    (["--area", ""], "--area", "the police area is empty"),
    (["--area", "  "], "--area", "the police area is empty"),
    (["--area", "Line\nbreak"], "--area", "control character"),
    (["--first-year", "2021/23"], "--first-year", "is not a financial year"),
    (["--first-year", "21/22"], "--first-year", "is not a financial year"),
    (["--years", "0"], "--years", "1 to 10 financial years (got 0)"),
    (["--years", "11"], "--years", "1 to 10 financial years (got 11)"),
    (["--first-year", "1950/51"], "--first-year", "1950/51 is before 2000/01, the first year a plan may cover"),
    (["--first-year", "2098/99"], "--years", "a plan of 4 years from 2098/99 runs past 2099/00"),
    (["--billing-authority", "Dudley", "--billing-authority", " dudley"], "--billing-authority", "'dudley' is given twice"),
    (["--billing-authority", ""], "--billing-authority", "name is empty"),
])
def test_a_bad_option_exits_2_naming_it(tmp_path, args, option, words):
    defaults = {"--area": "Gwent", "--first-year": "2025/26"}
    given = [a for a in args if a.startswith("--")]
    base = [x for k, v in defaults.items() if k not in given for x in (k, v)]
    code, out = _new(tmp_path / "plan", *base, *args)
    assert code == 2, out
    assert f"{option}: " in out and words in out
    assert "Traceback" not in out
    assert not (tmp_path / "plan").exists()


def test_every_bad_option_is_reported_at_once(tmp_path):
    code, out = _new(tmp_path / "plan", "--area", "", "--first-year", "2021/23", "--years", "0")
    assert code == 2
    assert all(option in out for option in ("--area:", "--first-year:", "--years:"))


def test_the_area_is_required(tmp_path):
    code, out = _new(tmp_path / "plan")
    assert code == 2 and "--area" in out
