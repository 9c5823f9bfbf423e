"""Notebooks are committed clean and run top to bottom, on every plan folder there is.

The notebooks in ``notebooks/`` take the plan folder as a papermill parameter (``plan_folder``);
the board apps in ``voila_apps/`` take it from ``planlib serve --plan`` through the environment
(:func:`planlib.io.paths.served_plan`). The notebooks are run here on each example plan under
``data/`` (found, not named) and on the minimal test plan, which has no scenarios, consultation,
horizon register or lever declaration; the apps are run on each of them in the browser (see the
note at the end).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill
import pytest

import planlib
from tests.conftest import MINIMAL, ROOT, Render, notebook_render

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


def _run(path: Path, folder: Path) -> Render:
    """``path`` run by papermill with ``plan_folder`` set to ``folder`` (tests/conftest.py)."""
    return notebook_render(path, folder)


RENDERS = [_run(path, folder) for folder in PLAN_FOLDERS for path in ANALYSIS]
"""Every analysis notebook on every plan folder: run once per session, in the background
(tests/conftest.py), while other tests run."""


@pytest.mark.slow
@pytest.mark.parametrize("folder", PLAN_FOLDERS, ids=_folder_id)
@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom_on_the_plan_folder(path: Path, folder: Path, documents):
    out = documents.get(_run(path, folder)) / path.name
    error = json.loads(Path(f"{out}.error.json").read_text(encoding="utf-8"))
    plan = planlib.load_plan(folder)
    missing = NEEDS.get(path.name)
    if missing is not None and not (folder / missing).exists():
        assert error is not None, "the notebook ran on a plan without its " + missing
        assert error["ename"] == "PlanError" and f"no {missing} folder" in error["evalue"]
        return
    assert error is None, error
    nb = nbformat.read(out, as_version=4)
    assert _errors(nb) == []
    text = _outputs_text(nb)
    assert f"{plan.name}, plan version {plan.version}" in text  # it read the folder it was given
    if folder == planlib.DEFAULT_PLAN:
        assert EXAMPLE_TEXT[path.name] in text


# The board apps in voila_apps/ are run on every plan folder as Voila's kernel runs them:
# tests/apps/test_every_plan.py runs each app's cells on each plan folder other than the example
# (and a folder made by planlib new) and checks it names the plan, shows no error and draws its
# charts, and opens each app in the browser on the minimal plan; each app's own tests open it on
# the example. Running them here too, with nbclient, proved nothing more (no error output, the
# plan's name shown) and cost a kernel for each app and folder.
