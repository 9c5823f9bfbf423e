"""Notebooks are committed clean and run top to bottom, on every plan folder there is.

The notebooks in ``notebooks/`` take the plan folder as a papermill parameter (``plan_folder``);
the board apps in ``voila_apps/`` take it from ``planlib serve --plan`` through the environment
(:func:`planlib.io.paths.served_plan`). Both are run here on each example plan under ``data/``
(found, not named) and on the minimal test plan, which has no scenarios, consultation, horizon
register or lever declaration.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import nbformat
import papermill
import pytest
from nbclient import NotebookClient

import planlib
from planlib.io.paths import SERVED_PLAN_VARIABLE
from tests.conftest import MINIMAL, ROOT

EXAMPLE_TEXT = {"01_finance_scenarios.ipynb": "precept_plus_15",
                "02_net_benefit.ipynb": "10,000 Monte Carlo draws, seed 20211122",
                "03_consultation.ipynb": "329 responses (synthetic)",
                "04_portfolio.ipynb": "statutory duties kept: True"}
"""Text each notebook's outputs must contain on the embedded example: evidence that it ran on it."""

NEEDS = {"03_consultation.ipynb": "consultation"}
"""A part of the plan folder a notebook cannot do without: on a plan that lacks it, the notebook
stops at once with planlib's own message naming it."""

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "voila_apps").glob("*.ipynb"))
ANALYSIS = [p for p in NOTEBOOKS if p.parent.name == "notebooks"]
APPS = [p for p in NOTEBOOKS if p.parent.name == "voila_apps"]

PLAN_FOLDERS = sorted(p.parent for p in (ROOT / "data").glob("*/plan.yaml")) + [MINIMAL]
"""Every plan folder under data/ (the examples), and the minimal test plan."""


def _folder_id(folder: Path) -> str:
    return folder.name


def _outputs_text(nb: nbformat.NotebookNode) -> str:
    """Every output's text and HTML, and the state of its widgets (an app's heading is often in one)."""
    parts = [json.dumps(nb.metadata.get("widgets", {}), ensure_ascii=False)]
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            parts.append(output.get("text", ""))
            parts += [str(v) for k, v in output.get("data", {}).items() if k in ("text/plain", "text/html")]
    return "\n".join(parts)


def _errors(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_there_are_notebooks_and_plan_folders():
    assert any(p.name == "01_finance_scenarios.ipynb" for p in NOTEBOOKS)
    assert planlib.DEFAULT_PLAN in PLAN_FOLDERS and MINIMAL in PLAN_FOLDERS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs_and_with_kernel_metadata(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert nb["metadata"]["language_info"]["name"] == "python"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs", []) == [] and cell.get("execution_count") is None, path.name


@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: p.name)
def test_an_analysis_notebook_takes_the_plan_folder_as_a_papermill_parameter(path: Path):
    parameters = papermill.inspect_notebook(str(path))
    assert "plan_folder" in parameters
    assert parameters["plan_folder"]["default"] == "None"  # None: the embedded example


@pytest.mark.parametrize("path", APPS, ids=lambda p: p.name)
def test_a_board_app_reads_the_served_plan_and_names_no_plan_folder(path: Path):
    code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                     if c["cell_type"] == "code")
    assert "served_plan()" in code
    assert "DEFAULT_PLAN" not in code and "data/" not in code


@pytest.mark.slow
@pytest.mark.parametrize("folder", PLAN_FOLDERS, ids=_folder_id)
@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom_on_the_plan_folder(path: Path, folder: Path, tmp_path: Path):
    out = tmp_path / path.name
    plan = planlib.load_plan(folder)
    missing = NEEDS.get(path.name)
    if missing is not None and not (folder / missing).exists():
        with pytest.raises(papermill.PapermillExecutionError) as stopped:
            papermill.execute_notebook(str(path), str(out), parameters={"plan_folder": str(folder)},
                                       kernel_name="python3", cwd=str(path.parent), progress_bar=False)
        assert stopped.value.ename == "PlanError" and f"no {missing} folder" in stopped.value.evalue
        return
    papermill.execute_notebook(str(path), str(out), parameters={"plan_folder": str(folder)},
                               kernel_name="python3", cwd=str(path.parent), progress_bar=False)
    nb = nbformat.read(out, as_version=4)
    assert _errors(nb) == []
    text = _outputs_text(nb)
    assert f"{plan.name}, plan version {plan.version}" in text  # it read the folder it was given
    if folder == planlib.DEFAULT_PLAN:
        assert EXAMPLE_TEXT[path.name] in text


@pytest.mark.slow
@pytest.mark.parametrize("folder", PLAN_FOLDERS, ids=_folder_id)
@pytest.mark.parametrize("path", APPS, ids=lambda p: p.name)
def test_board_app_runs_on_the_served_plan_folder(path: Path, folder: Path, tmp_path: Path, monkeypatch):
    """As Voila runs it: in voila_apps/, in a kernel that inherits PLANLIB_PLAN from the server."""
    monkeypatch.setenv(SERVED_PLAN_VARIABLE, str(folder.resolve()))
    monkeypatch.setenv("PLANLIB_STORE", f"sqlite:///{tmp_path / 'scenarios.db'}")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    assert _errors(nb) == []
    text = _outputs_text(nb)
    plan = planlib.load_plan(folder)
    assert html.escape(plan.name) in text  # the app's heading names the plan it was given
