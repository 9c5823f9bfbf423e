"""The annual report: progress in one year against the plan, as a board paper (HTML and A4 PDF).

The template ``reports/annual_report.ipynb`` builds an :class:`AnnualReport` from the plan
folder and the year (:meth:`AnnualReport.load`) and asks it for each section in the order of a
board paper (seed 000): purpose, summary, background, progress against the objectives and the
equality objectives (seed 000 para 33), spend against plan, the grants paid, the statement on
the National Crime and Policing Measures, the financial, legal and equality implications and
what the Board is asked to note. The figures come from :mod:`planlib.annual`, the words from
:mod:`planlib.present.annual`. :func:`write_annual_report` runs the template with papermill and
writes ``annual_report_<year>.ipynb``, a self-contained ``.html`` and, on request, a ``.pdf``,
each atomically.

>>> from planlib.io.paths import DEFAULT_PLAN
>>> report = AnnualReport.load(DEFAULT_PLAN, "2022/23")
>>> "Annual report 2022/23" in report.title().data
True
"""

from __future__ import annotations

import datetime as dt
import html
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planlib.io.paths import REPORTS_DIR
from planlib.reports.kernels import check_parameters, execute_notebook

ANNUAL_REPORT = REPORTS_DIR / "annual_report.ipynb"
"""The annual report template."""

PARAMETERS = ("plan_path", "year")
"""The only parameters the annual report takes; checked against the template before each run."""

def _display(markup: str) -> Any:
    from IPython.display import HTML

    return HTML(markup)


def _version() -> str:
    from planlib import __version__

    return __version__


def _section(title: str, body: str, anchor: str) -> Any:
    return _display(f'<section id="{anchor}"><h2>{html.escape(title)}</h2>{body}</section>')


def _para(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def report_name(year: str) -> str:
    """The report's file name without extension: ``annual_report_2022-23``.

    >>> report_name("2022/23")
    'annual_report_2022-23'
    """
    return "annual_report_" + str(year).replace("/", "-")


@dataclass
class AnnualReport:
    """What the annual report of one year shows, computed once from the plan folder and the year."""

    plan_path: str
    plan: Any = field(repr=False)
    progress: Any = field(repr=False)
    ran_at: str = ""

    @classmethod
    def load(cls, plan_path: str | os.PathLike[str], year: str) -> AnnualReport:
        """Read the plan and compute the year's progress; PlanError if either is invalid."""
        from planlib.annual import annual_progress
        from planlib.io.plan_files import load_plan

        plan = load_plan(plan_path)
        progress = annual_progress(plan, year)
        ran_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
        return cls(str(plan_path), plan, progress, ran_at)

    @property
    def year(self) -> str:
        return str(self.progress.year)

    # ---------------------------------------------------------------- the paper

    def title(self) -> Any:
        """The paper's heading: whose report, for which year, of which plan."""
        p = self.plan
        return _display(
            f'<header class="report-title"><p class="kicker">Police and Crime Commissioner for '
            f"{html.escape(p.police_area)}: report to the Strategic Policing and Crime Board</p>"
            f"<h1>Annual report {html.escape(self.year)}: progress against {html.escape(p.name)}</h1>"
            f'<p class="meta">Plan version {html.escape(p.version)}; financial year {html.escape(self.year)}.</p>'
            "</header>")

    def purpose(self) -> Any:
        """Why the paper is written."""
        return _section("Purpose", _para(
            f"To report progress in {self.year} against each objective and each equality objective of "
            f"{self.plan.name}: every KPI's latest figure against its trajectory, with its status and "
            "commentary; spend against plan where actual spend is known; the crime and disorder reduction "
            "grants paid; and the statement on the force's contribution to the National Crime and Policing "
            "Measures."), "purpose")

    def summary(self) -> Any:
        """The paper's main points in a few lines."""
        from planlib.present.annual import summary_points
        from planlib.present.html import bullet_list

        return _section("Summary", bullet_list(summary_points(self.progress, self.plan.name)), "summary")

    def background(self) -> Any:
        """What the plan is and how its performance is measured."""
        from planlib.performance import AMBER_SHARE

        p = self.plan
        return _section("Background", _para(
            f"{p.name} runs from {p.period.first} to {p.period.last}. The Commissioner's objectives are measured "
            f"by {len(p.kpis)} KPIs, each with a baseline, a target and a trajectory between them. A figure is "
            f"green when it is on its trajectory or better, amber when it is behind by no more than "
            f"{AMBER_SHARE:.0%} of the whole planned change, and red when it is further behind. Each figure is "
            "shown with the commentary recorded beside it, and with the status of its source.") + _para(
            "The Equality Act 2010 specific duties ask the Commissioner to set equality objectives and to publish "
            "information each year on progress against them; this report is that information (seed paper "
            "para 33)."), "background")

    def _objective_block(self, objective_id: str, title: str, section: str) -> str:
        from planlib.present.annual import kpi_table

        rows = self.progress.kpis[self.progress.kpis["objective_id"] == objective_id]
        return (f"<h3>{html.escape(title)}</h3>"
                f'<p class="meta">Section: {html.escape(section)}</p>'
                + kpi_table(rows, self.year))

    def objectives(self) -> Any:
        """Every objective's KPIs: latest figure, trajectory, target, status and commentary."""
        from planlib.present.annual import objectives_table

        o = self.progress.objectives
        body = objectives_table(o) + "".join(
            self._objective_block(r["objective_id"], r["objective"], r["section"]) for _, r in o.iterrows())
        return _section("Progress against the objectives", body, "objectives")

    def equality_objectives(self) -> Any:
        """The equality objectives' KPIs, and the commitments that serve them with their equality impact."""
        from planlib.present.annual import equality_table

        o = self.progress.objectives
        marked = o[o["equality_objective"]]
        if marked.empty:
            body = _para("The plan marks none of its objectives as an equality objective (equality_objective in "
                         "plan.yaml), so there is no progress against equality objectives to report. The expected "
                         "effect of each commitment on people with protected characteristics is below.")
        else:
            body = "".join(self._objective_block(r["objective_id"], r["objective"], r["section"])
                           for _, r in marked.iterrows())
        return _section("Progress against the equality objectives", body + equality_table(self.progress.equality),
                        "equality-objectives")

    def spend(self) -> Any:
        """Spend against plan by commitment, where actual spend is given."""
        from planlib.present.annual import spend_table

        return _section("Spend against plan", spend_table(self.progress.spend, self.year), "spend")

    def grants(self) -> Any:
        """The crime and disorder reduction grants paid in the year (s.7(1)(f))."""
        from planlib.present.annual import grants_table

        return _section("Grants paid", grants_table(self.progress.grants, self.year), "grants")

    def national_measures(self) -> Any:
        """The statement on the force's contribution to the National Crime and Policing Measures."""
        from planlib.present.annual import national_measures_statement

        return _section("The National Crime and Policing Measures", national_measures_statement(self.progress),
                        "national-measures")

    def implications(self) -> Any:
        """The financial, legal and equality implications, and what the Board is asked to note."""
        from planlib.formats import money

        s, g = self.progress.spend, self.progress.grants
        financial = (f"Actual non-pay and capital spend given for {len(s)} commitments is "
                     f"{money(s['actual_gbp'].sum())} against {money(s['planned_gbp'].sum())} planned, a "
                     f"difference of {money(s['variance_gbp'].sum())}. " if not s.empty else
                     "No actual spend by commitment is given, so no variance against plan is reported. ")
        financial += f"Crime and disorder reduction grants paid in {self.year}: {money(g['amount_gbp'].sum())}."
        legal = ("The Police Reform and Social Responsibility Act 2011 asks the Commissioner to report each year "
                 "on the exercise of the Commissioner's functions and the progress made against the objectives "
                 "of the plan (s.12). The Elected Local Policing Bodies (Specified Information) (Amendment) "
                 "Order 2021 asks for the statement on the National Crime and Policing Measures above.")
        equality = ("The Equality Act 2010 specific duties ask for information each year on progress against the "
                    "equality objectives: the section on the equality objectives gives it.")
        note = (f"The Board is asked to note progress in {self.year} against the objectives and the equality "
                "objectives, the spend against plan and the grants paid, and the statement on the National Crime "
                "and Policing Measures, before the report is published.")
        return _display(
            '<section id="implications"><h2>Financial implications</h2>' + _para(financial)
            + "<h2>Legal implications</h2>" + _para(legal)
            + "<h2>Equality implications</h2>" + _para(equality)
            + "<h2>Recommendation</h2>" + _para(note) + "</section>")

    def footer(self) -> Any:
        """Where the figures come from: the plan, its files' checksum, planlib's version, when it ran."""
        from planlib.reports.rendering import plan_checksum

        p = self.plan
        return _display(
            '<footer class="report-footer"><p>'
            f"{html.escape(p.name)}, version {html.escape(p.version)}, plan files checksum "
            f"<code>sha256:{plan_checksum(self.plan_path)}</code>. Figures for {html.escape(self.year)} from "
            f"kpi_actuals.csv, commitment_actuals.csv and grants.yaml. planlib version {_version()}. "
            f"Ran at {self.ran_at}.</p></footer>")


# --------------------------------------------------------------------------- running the template


def write_annual_report(folder: str | os.PathLike[str], year: str, out_dir: str | os.PathLike[str],
                        pdf: bool = False) -> list[Path]:
    """Write the annual report of ``year`` for the plan ``folder`` into ``out_dir``; the paths written.

    ``annual_report_<year>.ipynb`` and ``.html`` always, ``.pdf`` with ``pdf``; each appears only
    complete. Raises PlanError (every problem of the plan, or a year outside it) before any
    kernel starts.
    """
    import nbformat

    from planlib.annual import check_year
    from planlib.io import write_atomic
    from planlib.io.plan_files import load_plan
    from planlib.present.annual import ANNUAL_CSS
    from planlib.reports.rendering import html_to_pdf, notebook_to_html

    plan = load_plan(folder)
    fy = str(check_year(plan, year))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    parameters = {"plan_path": str(Path(folder).resolve()), "year": fy}
    check_parameters(parameters, ANNUAL_REPORT, PARAMETERS)
    name = report_name(fy)
    targets = {ext: out / f"{name}.{ext}" for ext in ("ipynb", "html", "pdf")}
    with tempfile.TemporaryDirectory(prefix="planlib-annual-") as work:
        nb = execute_notebook(parameters, Path(work) / f"{name}.ipynb", cwd=work, template=ANNUAL_REPORT)
        page = notebook_to_html(nb, f"Annual report {fy}: {plan.name}")
        page = page.replace("</head>", f"<style>{ANNUAL_CSS}</style>\n</head>", 1)
        write_atomic(targets["ipynb"], nbformat.writes(nb))
        write_atomic(targets["html"], page)
        written = [targets["ipynb"], targets["html"]]
        if pdf:
            html_to_pdf(targets["html"], targets["pdf"])
            written.append(targets["pdf"])
    return written
