"""The details of a variation, as sent to the Chief Constable: the paper and the files it is written to.

The template ``reports/variation.ipynb`` (:data:`TEMPLATE`) builds a :class:`VariationPaper`
from the two plan folders and asks it for each section of the board paper (the sections are
written by :mod:`planlib.present.variation`). :func:`write_variation` checks that the two
folders are versions of one plan before any kernel starts, runs the template with papermill
and writes ``<name>.ipynb``, a self-contained ``<name>.html`` and, on request, an A4
``<name>.pdf``, named from the plan id and the two versions (:func:`variation_name`), each file
written atomically.

>>> sorted(PARAMETERS)
['new_plan_path', 'old_plan_path']
>>> variation_name("west_x_2021", "1.0", "1.1 (draft)")
'west_x_2021_variation_1.0_to_1.1_draft'
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planlib.errors import PlanError, Problem
from planlib.io import write_atomic
from planlib.io.paths import REPORTS_DIR
from planlib.reports.execute import slugify
from planlib.reports.kernels import check_parameters, execute_notebook
from planlib.reports.rendering import html_to_pdf, notebook_to_html, plan_checksum, render_charts

TEMPLATE = REPORTS_DIR / "variation.ipynb"
"""The papermill template of the variation paper."""

PARAMETERS = ("old_plan_path", "new_plan_path")
"""The only parameters the template accepts; checked against it before each run."""


def variation_name(plan_id: str, old_version: str, new_version: str) -> str:
    """The files' name: the plan id and the two versions, safe as a file name."""
    return re.sub(r"_+", "_", slugify(f"{plan_id}_variation_{old_version}_to_{new_version}", max_length=120))


def _display(markup: str) -> Any:
    from IPython.display import HTML

    return HTML(markup)


def _version() -> str:
    from planlib import __version__

    return __version__


def load_versions(old_folder: str | os.PathLike[str], new_folder: str | os.PathLike[str]) -> tuple[Any, Any]:
    """Both plans, after checking that they are versions of one plan.

    Raises
    ------
    PlanError
        A folder is not a valid plan (every problem, with file and line), or the two are not
        versions of one plan (same id and police area, overlapping periods), naming both folders.
    """
    from planlib.io.plan_files import load_plan
    from planlib.variation import version_problems

    old, new = load_plan(old_folder), load_plan(new_folder)
    problems = version_problems(old, new)
    if problems:
        where = f"{Path(old_folder) / 'plan.yaml'} and {Path(new_folder) / 'plan.yaml'}"
        raise PlanError([Problem(where, None, name, f"not versions of the same plan: {message}")
                         for name, message in problems])
    return old, new


@dataclass
class VariationPaper:
    """The variation paper: the two plans, what changed, when it ran; one method per section."""

    old_plan_path: str
    new_plan_path: str
    variation: Any = field(repr=False)
    ran_at: str = ""

    @classmethod
    def load(cls, old_plan_path: str | os.PathLike[str], new_plan_path: str | os.PathLike[str]) -> VariationPaper:
        """Read both folders, check they are versions of one plan, and compare them."""
        from planlib.variation import compare_plans

        old, new = load_versions(old_plan_path, new_plan_path)
        ran_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
        return cls(str(old_plan_path), str(new_plan_path), compare_plans(old, new), ran_at)

    def title(self) -> Any:
        """The paper's heading."""
        from planlib.present.variation import title_html

        return _display(title_html(self.variation))

    def section(self, name: str) -> Any:
        """One section of the paper by its function's name in :mod:`planlib.present.variation` (``summary``)."""
        from planlib.present import variation as present

        return _display(getattr(present, f"{name}_html")(self.variation))

    def footer(self) -> Any:
        """Where the figures come from: both versions and their files' checksums, planlib's version, the time."""
        rows = []
        for label, plan, path in (("Before", self.variation.old, self.old_plan_path),
                                  ("After", self.variation.new, self.new_plan_path)):
            rows.append(f"{label}: {html.escape(plan.name)}, version {html.escape(plan.version)}, files checksum "
                        f"<code>sha256:{plan_checksum(path)}</code>.")
        return _display('<footer class="report-footer"><p>' + " ".join(rows)
                        + f" planlib version {_version()}. Ran at {self.ran_at}.</p></footer>")


def write_variation(old_folder: str | os.PathLike[str], new_folder: str | os.PathLike[str],
                    out_dir: str | os.PathLike[str], pdf: bool = False) -> list[Path]:
    """Write the variation paper: ``<name>.ipynb``, ``<name>.html`` and, with ``pdf``, ``<name>.pdf``.

    Parameters
    ----------
    old_folder, new_folder : path
        The plan folder as it was and as varied.
    out_dir : path
        Where the files go (created if missing).
    pdf : bool
        Also print the paper on A4 with headless Chromium.

    Returns
    -------
    list of Path
        The files written, in that order.

    Raises
    ------
    PlanError
        A folder is invalid, or the two are not versions of one plan (before any kernel starts).
    """
    import nbformat

    old, new = load_versions(old_folder, new_folder)
    name = variation_name(new.id, old.version, new.version)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    parameters = {"old_plan_path": str(Path(old_folder).resolve()), "new_plan_path": str(Path(new_folder).resolve())}
    check_parameters(parameters, TEMPLATE, PARAMETERS, what="")
    targets = {ext: out / f"{name}.{ext}" for ext in ("ipynb", "html", "pdf")}
    with tempfile.TemporaryDirectory(prefix="planlib-variation-") as work:
        nb = execute_notebook(parameters, Path(work) / f"{name}.ipynb", cwd=work, template=TEMPLATE)
        render_charts(nb)
        page = notebook_to_html(nb, f"Variation of the {new.name}: version {old.version} to {new.version}")
        write_atomic(targets["ipynb"], nbformat.writes(nb))
        write_atomic(targets["html"], page)
        written = [targets["ipynb"], targets["html"]]
        if pdf:
            html_to_pdf(targets["html"], targets["pdf"])
            written.append(targets["pdf"])
    return written
