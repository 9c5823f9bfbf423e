"""Publishing the Police and Crime Plan: run its template, write ``<plan id>_plan.html`` and maybe a PDF.

:func:`publish_plan` runs ``reports/plan_document.ipynb`` (:data:`PLAN_TEMPLATE`) with papermill
after checking the parameters' names against it (:data:`PARAMETERS`), turns the executed
notebook into one self-contained HTML page and, on request, prints it to an A4 PDF; every file
appears only complete (:func:`planlib.io.write_atomic`). What the document says is
:class:`planlib.reports.plan_document.PlanDocument`.

>>> PLAN_TEMPLATE.name, PARAMETERS
('plan_document.ipynb', ('plan_path', 'stage', 'seed', 'samples'))
>>> document_name("testshire_2025")
'testshire_2025_plan'
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from planlib.errors import PlanError, Problem
from planlib.io import write_atomic
from planlib.io.paths import REPORTS_DIR
from planlib.reports.execute import slugify
from planlib.reports.kernels import check_parameters, error_text, execute_notebook
from planlib.reports.plan_document import DOCUMENT_SAMPLES, STAGES, draft_mark

PLAN_TEMPLATE = REPORTS_DIR / "plan_document.ipynb"
"""The papermill template of the published plan."""

PARAMETERS = ("plan_path", "stage", "seed", "samples")
"""The only parameters the plan's template accepts; checked against it before each run."""


def document_name(plan_id: str) -> str:
    """The file name (without extension) of a plan's published document: ``<plan id>_plan``."""
    return f"{slugify(plan_id)}_plan"


def publish_plan(plan_path: str | os.PathLike[str], out_dir: str | os.PathLike[str], *, stage: str = "final",
                 pdf: bool = False, seed: int | None = None, samples: int = DOCUMENT_SAMPLES) -> list[Path]:
    """Write the Police and Crime Plan of the folder ``plan_path`` into ``out_dir``.

    Parameters
    ----------
    plan_path : path
        A plan folder (it is read and checked first: a bad plan raises PlanError).
    out_dir : path
        Created if missing; receives ``<plan id>_plan.html`` and, with ``pdf``, ``.pdf``.
    stage : ``"draft"`` or ``"final"``
        A draft marks every page "Draft for the Police and Crime Panel" with the Panel's meeting date.
    seed, samples : int
        The appraisal's Monte Carlo draws: the same seed gives the same document.

    Returns
    -------
    list of Path
        The files written.
    """

    from planlib.io.plan_files import load_plan
    from planlib.reports.rendering import html_to_pdf, notebook_to_html
    from planlib.uncertainty import DEFAULT_SEED

    if stage not in STAGES:
        raise PlanError([Problem("--stage", None, "stage", f"expected one of {', '.join(STAGES)}, got {stage!r}")])
    plan = load_plan(plan_path)
    parameters = {"plan_path": str(Path(plan_path).resolve()), "stage": stage,
                  "seed": int(DEFAULT_SEED if seed is None else seed), "samples": int(samples)}
    check_parameters(parameters, PLAN_TEMPLATE, PARAMETERS, what="document")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    name = document_name(plan.id)
    with tempfile.TemporaryDirectory(prefix="planlib-publish-") as work:
        try:
            nb = execute_notebook(parameters, Path(work) / f"{name}.ipynb", cwd=work, template=PLAN_TEMPLATE)
        except Exception as exc:  # noqa: BLE001 - a failing template is a message naming it, never a traceback
            raise PlanError([Problem(str(PLAN_TEMPLATE), None, "document", error_text(exc))]) from None
    written = [out / f"{name}.html"]
    running_head = draft_mark(plan) if stage == "draft" else ""
    write_atomic(written[0], notebook_to_html(nb, plan.name, running_head=running_head))
    if pdf:
        written.append(out / f"{name}.pdf")
        html_to_pdf(written[0], written[1])
    return written
