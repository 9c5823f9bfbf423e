"""planlib vary: the details of a variation, on every example plan under data/.

Each test varies a copy of an example (a commitment's cost, a commitment added and one removed,
a KPI's target, a grant) and checks that the variation names what changed, by title, with the
change by year; the same folder twice is no change; two different plans exit 1 with a clear
message. The paper itself (papermill, HTML, PDF) is written once per example and once more to
compare, once per test session and in the background (``RENDERS``, see tests/conftest.py).
"""

from __future__ import annotations

import csv
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import planlib
from planlib.cli import main
from planlib.present.variation import document_html, variation_text
from planlib.variation import compare_plans
from tests.conftest import Render, planlib_cli, session_documents

ROOT = Path(__file__).resolve().parent.parent
PLAN_FOLDERS = sorted(p.parent for p in (ROOT / "data").glob("*/plan.yaml"))
DELTA = 250_000.0


@pytest.fixture(params=PLAN_FOLDERS, ids=lambda p: p.name)
def folder(request: pytest.FixtureRequest) -> Path:
    return request.param


def _text(markup: str) -> str:
    """What a reader sees of some HTML: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _ids(plan: planlib.Plan) -> set[str]:
    """The ids a reader must never see: those of objectives, commitments, KPIs, grants and evidence
    (those with an underscore or a digit, which no title word has)."""
    ids = {r.id for group in (plan.objectives, plan.commitments, plan.kpis, plan.grants, plan.evidence) for r in group}
    return {i for i in ids if "_" in i or any(ch.isdigit() for ch in i)}


def _raw_ids(text: str, plan: planlib.Plan) -> list[str]:
    return sorted(i for i in _ids(plan) if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text))


def _vary_cost(source: Path, target: Path) -> tuple[str, str]:
    """Copy a plan folder and add DELTA to the non-pay cost of one commitment in one year (the
    second cost line of the commitment with the most lines); the commitment's id and the year."""
    shutil.copytree(source, target)
    path = target / "commitment_costs.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    ids = [r[0] for r in body]
    chosen = max(dict.fromkeys(ids), key=ids.count)
    row = [r for r in body if r[0] == chosen][min(1, ids.count(chosen) - 1)]
    column = header.index("non_pay_gbp")
    row[column] = str(float(row[column]) + DELTA)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    plan_file = target / "plan.yaml"
    plan_file.write_text(re.sub(r"^version: .*$", 'version: "2.0 (varied)"', plan_file.read_text(encoding="utf-8"),
                                count=1, flags=re.M), encoding="utf-8")
    return chosen, row[header.index("year")]


def _invoke(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_the_examples_are_found():
    assert len(PLAN_FOLDERS) >= 2 and planlib.DEFAULT_PLAN in PLAN_FOLDERS


def test_one_commitment_cost_changed_names_it_and_the_change_by_year(folder: Path, tmp_path: Path):
    chosen, year = _vary_cost(folder, tmp_path / "new")
    old, new = planlib.load_plan(folder), planlib.load_plan(tmp_path / "new")
    variation = compare_plans(old, new)
    title = new.commitment(chosen).title
    assert variation.items[["kind", "item_id", "change"]].values.tolist() == [["commitment", chosen, "changed"]]
    revenue = variation.changed_costs().query("measure == 'revenue_gbp'").set_index("year")["change"]
    assert set(variation.changed_costs()["commitment_id"]) == {chosen}
    assert revenue.to_dict() == {str(y): (DELTA if str(y) == year else 0.0) for y in new.years}
    assert variation.gap_change().to_dict() == revenue.to_dict()
    lines = variation_text(variation)
    assert f"  {title}: revenue cost £250k in {year}" in lines
    text = _text(document_html(variation))
    assert title in text
    years = [str(y) for y in new.years]
    cells = ["£250k" if y == year else "£0k" for y in years]
    assert f"Revenue: change {' '.join(cells)} £250k" in text  # the commitment's own table, years then total
    assert f"Budget gap (positive: a shortfall): change {' '.join(cells)} £250k" in text
    assert not _raw_ids(text, new)


def _independent_commitment(plan: planlib.Plan) -> planlib.model.Commitment:
    """A commitment nothing else refers to (no grant, dependency or lever; not a statutory duty)."""
    used = {g.commitment_id for g in plan.grants} | {d for c in plan.commitments for d in c.depends_on}
    used |= {plan.levers.officer_commitment} if plan.levers else set()
    return next(c for c in plan.commitments if c.id not in used and not c.mandatory and c.costs)


def test_a_commitment_added_and_one_removed(folder: Path):
    old = planlib.load_plan(folder)
    gone = _independent_commitment(old)
    added = old.commitments[0].model_copy(update={"id": "added_for_the_test", "title": "A new helpline for victims",
                                                  "mandatory": False, "depends_on": ()})
    new = type(old).model_validate({**old.model_dump(), "commitments": [
        c.model_dump() for c in (*old.commitments, added) if c.id != gone.id]})
    variation = compare_plans(old, new)
    rows = variation.items[["item_id", "title", "change"]].values.tolist()
    assert rows == [["added_for_the_test", "A new helpline for victims", "added"], [gone.id, gone.title, "removed"]]
    costs = variation.commitment_costs.query("measure == 'revenue_gbp'")
    removed = costs[costs.commitment_id == gone.id]
    assert (removed["after"] == 0).all() and removed["before"].sum() > 0
    assert (costs[costs.commitment_id == "added_for_the_test"]["before"] == 0).all()
    text = _text(document_html(variation))
    assert "A new helpline for victims" in text and gone.title in text
    assert "Commitment added" in text and "Commitment removed" in text
    assert not _raw_ids(text, old) and not _raw_ids(text, new)


def test_a_kpi_target_changed(folder: Path):
    old = planlib.load_plan(folder)
    kpi = old.kpis[0]
    step = 1.0 if kpi.direction == "up" else -1.0
    changed = kpi.model_copy(update={"target": kpi.target.model_copy(update={"value": kpi.target.value + step})})
    new = old.model_copy(update={"kpis": (changed, *old.kpis[1:])})
    variation = compare_plans(old, new)
    assert variation.items[["kind", "title", "change"]].values.tolist() == [["kpi", kpi.title, "changed"]]
    fields = variation.fields_of("kpi", kpi.id)
    assert fields[["field", "before", "after"]].values.tolist() == [["target.value", kpi.target.value,
                                                                      kpi.target.value + step]]
    text = _text(document_html(variation))
    assert f"{kpi.title} Target" in text
    assert variation.gap_change().abs().sum() == 0 and not _raw_ids(text, new)


def test_a_grant_changed(folder: Path):
    old = planlib.load_plan(folder)
    grant = old.grants[0]
    year = sorted(grant.amounts)[0]
    amounts = {**grant.amounts, year: grant.amounts[year] + 100_000}
    changed = grant.model_copy(update={"amounts": amounts, "conditions": (*grant.conditions, "Report each quarter")})
    new = old.model_copy(update={"grants": (changed, *old.grants[1:])})
    variation = compare_plans(old, new)
    assert variation.items[["kind", "title", "change"]].values.tolist() == [["grant", grant.recipient, "changed"]]
    assert set(variation.fields_of("grant", grant.id)["field"]) == {f"amounts.{year}", "conditions"}
    text = _text(document_html(variation))
    assert f"Amount, {year}" in text and "Report each quarter" in text and grant.recipient in text
    assert not _raw_ids(text, new)


def test_the_same_folder_twice_is_no_change(folder: Path):
    plan = planlib.load_plan(folder)
    variation = compare_plans(plan, plan)
    assert variation.unchanged and variation.items.empty and variation.fields.empty
    assert variation_text(variation)[-1] == "There is no change."
    assert "There is no change" in _text(document_html(variation))


def test_two_different_plans_exit_1_with_a_clear_message(tmp_path: Path):
    first, second = PLAN_FOLDERS[:2]
    code, out, err = _invoke(["vary", str(first), str(second), "--out", str(tmp_path / "out")])
    assert code == 1, out + err
    assert "not versions of the same plan" in err and "different plans" in err and "police areas" in err
    assert planlib.load_plan(first).name in err and planlib.load_plan(second).name in err
    assert "Traceback" not in out + err and not (tmp_path / "out").exists()


def test_an_invalid_folder_exits_1_naming_the_file(tmp_path: Path):
    shutil.copytree(planlib.DEFAULT_PLAN, tmp_path / "new")
    (tmp_path / "new" / "plan.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    code, out, err = _invoke(["vary", str(planlib.DEFAULT_PLAN), str(tmp_path / "new"), "--out", str(tmp_path / "o")])
    assert code == 1 and "plan.yaml" in err and "Traceback" not in out + err


def _paper(folder: Path) -> Render:
    """``planlib vary`` with --pdf from ``folder`` to a copy of it with one cost changed
    (:func:`_vary_cost`, in ``new/``): the paper is in ``out/``."""

    def make(root: Path) -> None:
        _vary_cost(folder, root / "new")
        planlib_cli("vary", folder, root / "new", "--out", root / "out", "--pdf")

    return Render(f"variation/{folder.name}/cost/pdf", make)


def _again(folder: Path) -> Render:
    """The same command on the same two folders once more, without --pdf, to compare the papers."""

    def make(root: Path) -> None:
        first = session_documents().get(_paper(folder))  # started before this one: never waits in the queue
        planlib_cli("vary", folder, first / "new", "--out", root)

    return Render(f"variation/{folder.name}/cost/again", make)


RENDERS = [render for folder in PLAN_FOLDERS for render in (_paper(folder), _again(folder))]
"""Rendered once per session, in the background (tests/conftest.py), in this order."""


def _stem(plan: planlib.Plan) -> str:
    return f"{plan.id}_variation_1.0_example_to_2.0_varied"


@pytest.mark.slow
def test_the_paper_html_and_pdf(folder: Path, documents, tmp_path: Path):
    """The command on a copy with one cost changed: the PDF exists, is tagged, names the commitment
    and the change, shows no raw id; the HTML is the same again apart from the run time."""
    from tests.accessibility import pdf_problems, structure_problems

    root = documents.get(_paper(folder))
    chosen, year = _vary_cost(folder, tmp_path / "new")  # what the render changed (the same again)
    new = planlib.load_plan(root / "new")
    stem = _stem(new)
    pdf, page = root / "out" / f"{stem}.pdf", root / "out" / f"{stem}.html"
    assert pdf.is_file() and page.is_file(), sorted(p.name for p in (root / "out").iterdir())
    assert pdf_problems(pdf, ["Financial implications"]) == []
    words = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                    check=True).stdout.split())
    assert new.commitment(chosen).title in words and "£250k" in words and year in words
    assert not _raw_ids(words, new)
    markup = page.read_text(encoding="utf-8")
    assert structure_problems(markup) == []
    assert new.commitment(chosen).title in _text(markup) and not _raw_ids(_text(markup), new)
    again = documents.get(_again(folder))

    def timeless(text: str) -> str:
        return re.sub(r"Ran at [0-9T:+-]+", "", text)

    assert timeless((again / f"{stem}.html").read_text(encoding="utf-8")) == timeless(markup)


@pytest.mark.slow
@pytest.mark.browser
def test_the_paper_has_no_serious_accessibility_violation(documents):
    from tests.accessibility import axe_violations, serious

    root = documents.get(_paper(planlib.DEFAULT_PLAN))
    page = root / "out" / f"{_stem(planlib.load_plan(root / 'new'))}.html"
    assert serious(axe_violations(page)) == []
