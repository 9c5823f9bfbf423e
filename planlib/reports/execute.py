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
from typing import Any, Callable

from planlib.errors import PlanError, PlanlibError, Problem
from planlib.io import write_atomic
from planlib.io.plan_bundle import gather_file
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


Done = Callable[[int, ReportResult, dict[str, bytes]], None]
"""What a batch runner calls as each report ends: the job's number, its result and its files' bytes."""


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


def render_report(plan_path: str | os.PathLike[str], scenario_path: str | os.PathLike[str], *, seed: int,
                  samples: int = REPORT_SAMPLES, pdf: bool = False, slug: str | None = None, warm: bool = False,
                  finance_xlsx: str | os.PathLike[str] | None = None,
                  shown: dict[str, Any] | None = None) -> tuple[ReportResult, dict[str, bytes]]:
    """Run the template for one scenario in a temporary folder; its result and its files' bytes.

    The files are ``<slug>.ipynb``, ``<slug>.html`` and, with ``pdf``, ``<slug>.pdf`` (by name,
    in that order); nothing is written anywhere else, so that a batch's parent (or a Dask
    client) alone writes into the output folder. ``shown`` (the parameters as the client gave
    them) replaces, in the notebook, the parameters the report ran with: a report run from a
    plan folder shipped to a Dask worker names the client's files, not the worker's copies.

    Never raises for a failing report: the :class:`ReportResult` has status ``failed`` and the
    error, and no files. With ``warm``, the report runs in this process's kept kernel (see
    :class:`planlib.reports.kernels.WarmKernel`).
    """
    import nbformat

    started = time.perf_counter()
    name = scenario_label(scenario_path)
    slug = slugify(slug or name)
    result = ReportResult(scenario=name, scenario_path=str(scenario_path), slug=slug, status="failed")
    files: dict[str, bytes] = {}
    try:
        parameters = {"plan_path": str(Path(plan_path).resolve()), "scenario_path": str(Path(scenario_path).resolve()),
                      "seed": int(seed), "samples": int(samples)}
        if finance_xlsx is not None:
            parameters["finance_xlsx"] = str(Path(finance_xlsx).resolve())
        check_parameters(parameters)
        with tempfile.TemporaryDirectory(prefix="planlib-report-") as work:
            executed = Path(work) / f"{slug}.ipynb"
            nb = execute_notebook(parameters, executed, cwd=work, warm=warm)
            result.headline = headline_of(nb)
            if shown is not None:
                show_parameters(nb, shown)
            render_charts(nb)
            page = notebook_to_html(nb, f"{name}: scenario report")
            files[f"{slug}.ipynb"] = nbformat.writes(nb).encode("utf-8")
            files[f"{slug}.html"] = page.encode("utf-8")
            if pdf:
                html_file, pdf_file = Path(work) / f"{slug}.html", Path(work) / f"{slug}.pdf"
                write_atomic(html_file, files[f"{slug}.html"])
                html_to_pdf(html_file, pdf_file)
                files[f"{slug}.pdf"] = gather_file(pdf_file)[1]
        result.status = "ok"
        result.files = list(files)
    except Exception as exc:  # noqa: BLE001 - a report's failure is recorded, never raised
        result.error = error_text(exc)
        files = {}
    result.seconds = time.perf_counter() - started
    return result, files


def show_parameters(nb: Any, parameters: dict[str, Any]) -> None:
    """Record ``parameters`` in the executed notebook ``nb`` as papermill would have injected them
    (the injected cell's code and ``metadata.papermill.parameters``), outputs untouched."""
    from papermill.translators import translate_parameters

    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source = translate_parameters("python3", "python", parameters, "Parameters")
    nb.metadata.setdefault("papermill", {})["parameters"] = dict(parameters)


def write_report_files(out_dir: str | os.PathLike[str], files: dict[str, bytes]) -> list[str]:
    """Write a report's files (name to bytes) atomically into ``out_dir``; their names.

    Each name must stay inside the folder (:func:`slugify` made it so; this checks again).
    """
    out = Path(out_dir)
    targets = {name: _inside(out, name) for name in files}
    for name, data in files.items():
        write_atomic(targets[name], data)
    return list(files)


def check_replaceable(out_dir: str | os.PathLike[str], slug: str, scenario_path: str | os.PathLike[str]) -> None:
    """Refuse (PlanError) to write the report of ``scenario_path`` over a report in ``out_dir``
    with the same file name that another scenario file made.

    The scenario a report came from is read from its notebook (papermill's parameters). The
    same file again is a re-run and may replace its report; a report whose notebook is gone,
    unreadable or names another file is kept, and the message says what to do.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     check_replaceable(folder, "higher_precept", "a/higher_precept.yaml")  # nothing there yet
    """
    out = Path(out_dir)
    existing = [out / f"{slug}.{ext}" for ext in ("ipynb", "html", "pdf") if (out / f"{slug}.{ext}").exists()]
    if not existing:
        return
    wanted = str(Path(scenario_path).resolve())
    try:
        notebook = json.loads((out / f"{slug}.ipynb").read_text(encoding="utf-8"))  # nbformat would import jsonschema
        made_from = notebook["metadata"]["papermill"]["parameters"]["scenario_path"]
    except (OSError, ValueError, KeyError, TypeError):
        made_from = None
    if made_from == wanted:
        return
    source = f"the scenario file {made_from}" if made_from else "a scenario planlib cannot tell"
    raise PlanError([Problem(str(scenario_path), None, "report",
                             f"{existing[0]} is the report of {source}, not of this one; it is left as it is. "
                             "Choose another --out folder, or remove the old report first")])


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
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return save_report(out, *render_report(plan_path, scenario_path, seed=seed, samples=samples, pdf=pdf, slug=slug,
                                           warm=warm, finance_xlsx=finance_xlsx))


def save_report(out_dir: str | os.PathLike[str], result: ReportResult, files: dict[str, bytes]) -> ReportResult:
    """Write a report that rendered into ``out_dir`` (:func:`write_report_files`); ``result``,
    recorded as failed if its files cannot be written (never raised)."""
    if result.status == "ok":
        try:
            write_report_files(out_dir, files)
        except Exception as exc:  # noqa: BLE001 - a report's failure is recorded, never raised
            result.status, result.error, result.files = "failed", error_text(exc), []
    return result
