"""One scenario report: run the template, write ``<slug>.ipynb``, ``<slug>.html`` and maybe a PDF.

:func:`execute_report` never raises for a failing report: its :class:`ReportResult` says
``failed`` and why. Every file appears only complete (written under a temporary name, then
renamed), and a report's file name (:func:`slugify`) cannot leave the output folder.

>>> slugify("../../x")
'x'
>>> slugify("higher_precept_2023")
'higher_precept_2023'
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planlib.errors import PlanError, PlanlibError, Problem
from planlib.io import write_atomic
from planlib.reports.content import REPORT_SAMPLES
from planlib.reports.kernels import check_parameters, error_text, execute_notebook
from planlib.reports.rendering import HEADLINE_TAG, html_to_pdf, notebook_to_html, render_charts

_SLUG_BAD = re.compile(r"[^A-Za-z0-9_.-]+")


def slugify(name: str, max_length: int = 64) -> str:
    """A file name made from a scenario name that cannot leave the output folder.

    Only letters, digits, ``_``, ``-`` and ``.`` are kept (others become ``_``); path parts,
    leading dots and underscores are dropped; at most ``max_length`` characters; never empty
    and never a reserved name (``index``, ``summary``).

    >>> slugify("a/b c"), slugify(".."), slugify("Precept +£15"), slugify("index")
    ('a_b_c', 'scenario', 'Precept_15', 'index_report')
    """
    text = _SLUG_BAD.sub("_", str(name).replace("..", "_"))
    text = text.strip("._-")[:max_length].strip("._-")
    if not text:
        return "scenario"
    if text.lower() in ("index", "summary"):
        return f"{text}_report"
    return text


def _inside(folder: Path, name: str) -> Path:
    """``folder / name`` after checking it stays inside ``folder`` (belt and braces)."""
    target = (folder / name).resolve()
    if target.parent != folder.resolve():
        raise PlanError([Problem(name, None, "name", "report name would write outside the output folder")])
    return target


@dataclass
class ReportResult:
    """The outcome of one report: where it went and its headline figures, or its error."""

    scenario: str
    scenario_path: str
    slug: str
    status: str  # "ok" or "failed"
    error: str = ""
    headline: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    seconds: float = 0.0


def scenario_label(scenario_path: str | os.PathLike[str]) -> str:
    """The scenario's name, or its file name when the file cannot be read."""
    from planlib.scenario import Scenario

    try:
        return Scenario.from_yaml(scenario_path).name
    except PlanlibError:
        return Path(scenario_path).stem


def headline_of(nb: Any) -> dict[str, Any]:
    """The figures the template's headline cell printed as JSON (empty if it has none).

    >>> headline_of({"cells": []})
    {}
    """
    for cell in nb["cells"]:
        if HEADLINE_TAG in cell.get("metadata", {}).get("tags", []):
            text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
            return json.loads(text)
    return {}


def execute_report(plan_path: str | os.PathLike[str], scenario_path: str | os.PathLike[str],
                   out_dir: str | os.PathLike[str], *, seed: int, samples: int = REPORT_SAMPLES,
                   pdf: bool = False, slug: str | None = None, warm: bool = False,
                   finance_xlsx: str | os.PathLike[str] | None = None) -> ReportResult:
    """Run the template for one scenario and write ``<slug>.ipynb``, ``.html`` and maybe ``.pdf``.

    With ``finance_xlsx`` (a filled-in finance template) the plan runs with that workbook's
    finance instead of its own, and the report names the workbook and its checksum.

    Never raises for a failing report: the :class:`ReportResult` has status ``failed`` and the
    error. Files appear only complete (temporary name, then rename). With ``warm``, the
    report runs in this process's kept kernel (see :class:`planlib.reports.kernels.WarmKernel`).
    """
    import nbformat

    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    name = scenario_label(scenario_path)
    slug = slugify(slug or name)
    result = ReportResult(scenario=name, scenario_path=str(scenario_path), slug=slug, status="failed")
    try:
        parameters = {"plan_path": str(Path(plan_path).resolve()), "scenario_path": str(Path(scenario_path).resolve()),
                      "seed": int(seed), "samples": int(samples)}
        if finance_xlsx is not None:
            parameters["finance_xlsx"] = str(Path(finance_xlsx).resolve())
        check_parameters(parameters)
        targets = {ext: _inside(out, f"{slug}.{ext}") for ext in ("ipynb", "html", "pdf")}
        with tempfile.TemporaryDirectory(prefix="planlib-report-") as work:
            executed = Path(work) / f"{slug}.ipynb"
            nb = execute_notebook(parameters, executed, cwd=work, warm=warm)
            result.headline = headline_of(nb)
            render_charts(nb)
            page = notebook_to_html(nb, f"{name}: scenario report")
            write_atomic(targets["ipynb"], nbformat.writes(nb))
            write_atomic(targets["html"], page)
            result.files = [targets["ipynb"].name, targets["html"].name]
            if pdf:
                html_to_pdf(targets["html"], targets["pdf"])
                result.files.append(targets["pdf"].name)
        result.status = "ok"
    except Exception as exc:  # noqa: BLE001 - a report's failure is recorded, never raised
        result.error = error_text(exc)
    result.seconds = time.perf_counter() - started
    return result
