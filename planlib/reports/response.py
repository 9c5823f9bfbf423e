"""The Commissioner's published response to the Police and Crime Panel's report on the draft plan.

The Panel reviews the draft plan and reports on it; the Commissioner must have regard to its
recommendations and publish a response (PRSRA 2011 s.28(3)). The template
``reports/panel_response.ipynb`` (:data:`planlib.io.paths.PANEL_RESPONSE_REPORT`) builds a
:class:`ResponseDocument` from a plan folder's ``panel_response.yaml`` and asks it for each
section of a paper in the form of the seed paper: purpose, summary, background, each
recommendation with the decision, the reason and the change it led to in the plan (commitments
and objectives by their titles, never their ids), the implications, what the Panel is asked to
note, and the source and status of every entry. :func:`write_response` runs the template with
papermill and writes ``panel_response.ipynb``, a self-contained ``panel_response.html`` and, on
request, an A4 ``panel_response.pdf`` (through :mod:`planlib.reports.rendering`).

>>> from planlib.io.paths import DEFAULT_PLAN
>>> doc = ResponseDocument.load(DEFAULT_PLAN)
>>> "<h1>" in doc.title().data and doc.document_title().startswith("The Commissioner's response")
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

from planlib.present.html import Html, bullet_list, escape, html_table, status_badge

DECISION_LABELS = {"accepted": "Accepted", "accepted_in_part": "Accepted in part", "not_accepted": "Not accepted"}
"""How each decision is written for a reader."""

FILE_STEM = "panel_response"

PARAMETERS = ("plan_path",)
"""The parameters the response template takes."""
"""The published response is written as ``panel_response.ipynb``, ``.html`` and ``.pdf``."""

_CSS = """
<style>
.response-decision { font-weight: 600; }
.response-accepted { color: #1e5631; }
.response-accepted_in_part { color: #1b4f72; }
.response-not_accepted { color: #7f1a1a; }
table.planlib th[scope=row] { background: #eef1f6; color: #12284c; width: 28%; }
table.planlib td, table.planlib th { overflow-wrap: anywhere; }
table.planlib td ul { margin: 0; padding-left: 12pt; }
section.recommendation { break-inside: avoid; page-break-inside: avoid; }
caption.response-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
</style>
"""


def _display(markup: str) -> Any:
    from IPython.display import HTML

    return HTML(markup)


def _version() -> str:
    from planlib import __version__

    return __version__


def long_date(day: dt.date) -> str:
    """A date as a reader writes it.

    >>> long_date(dt.date(2021, 11, 5))
    '5 November 2021'
    """
    return f"{day.day} {day:%B %Y}"


def decision_label(decision: str) -> Html:
    """The decision in words, coloured by a class (no response: said so).

    >>> decision_label("accepted_in_part")
    '<span class="response-decision response-accepted_in_part">Accepted in part</span>'
    >>> decision_label("")
    '<span class="response-decision response-not_accepted">No response yet</span>'
    """
    label = DECISION_LABELS.get(decision, "No response yet")
    css = decision if decision in DECISION_LABELS else "not_accepted"
    return Html(f'<span class="response-decision response-{css}">{html.escape(label)}</span>')


def _row_table(rows: list[tuple[str, object]], caption: str) -> str:
    """A two-column table whose first column heads each row (for screen readers and tagged PDFs)."""
    body = "\n".join(f'<tr><th scope="row">{html.escape(label)}</th><td>{escape(value)}</td></tr>' for label, value in rows)
    return f'<table class="planlib">\n<caption class="response-hidden">{html.escape(caption)}</caption>\n<tbody>\n{body}\n</tbody>\n</table>'


@dataclass
class ResponseDocument:
    """Everything the published response shows, read once from the plan folder.

    The template calls :meth:`load` and then one method per section; each returns an IPython
    HTML object, so that the notebook stays one line per cell.
    """

    plan_path: str
    plan: Any = field(repr=False)
    record: Any = field(repr=False)
    table: Any = field(repr=False)
    checksum: str = ""
    ran_at: str = ""

    @classmethod
    def load(cls, plan_path: str | os.PathLike[str]) -> ResponseDocument:
        """Read the plan and its ``panel_response.yaml``, each checked (a PlanError lists every problem).

        >>> from planlib.errors import PlanError
        >>> try:
        ...     ResponseDocument.load("tests/fixtures/minimal")
        ... except PlanError as exc:
        ...     print(exc.problems[0].message[:47])
        no record of the Panel's report and the Commiss
        """
        from planlib.io.plan_folder import load_folder
        from planlib.reports.rendering import plan_checksum
        from planlib.response import response_table

        folder = load_folder(plan_path, parts=["panel_response"])
        record = folder.panel_response
        ran_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
        return cls(str(plan_path), folder.plan, record, response_table(record, folder.plan),
                   plan_checksum(plan_path), ran_at)

    def document_title(self) -> str:
        """The document's title (the page's title and its one h1)."""
        return f"The Commissioner's response to the Police and Crime Panel on the {self.plan.name}"

    def _illustrative(self) -> bool:
        statuses = {self.record.report.status, *self.table["status"], *self.table["response_status"]}
        return "illustrative" in statuses

    # ---------------------------------------------------------------- sections

    def title(self) -> Any:
        """The heading: the plan, the title, the Panel's report and when the response was published."""
        r, p = self.record, self.plan
        published = (f"Published {long_date(r.published)}." if r.published is not None
                     else "Not yet published: this is the response in preparation.")
        warning = ('<p class="planlib-banner"><strong>Some entries of this response are illustrative</strong>: '
                   "they were written for an example and are not the Panel's or the Commissioner's own words. "
                   "The last section gives the source and status of every entry.</p>" if self._illustrative() else "")
        return _display(
            f'{_CSS}<header class="report-title"><p class="kicker">{html.escape(p.name)}, version {html.escape(p.version)}</p>'
            f"<h1>{html.escape(self.document_title())}</h1>"
            f"<p><strong>In response to:</strong> {html.escape(r.report.title)}, {long_date(r.report.date)}.</p>"
            f"<p>{html.escape(published)}</p>{warning}</header>"
        )

    def purpose(self) -> Any:
        """Why the paper is published."""
        r = self.record
        return _display(
            "<h2>Purpose</h2>"
            f"<p>To publish the Commissioner's response to each recommendation that the Police and Crime Panel "
            f"made in its report of {long_date(r.report.date)} on the draft {html.escape(self.plan.name)}, as "
            "section 28(3) of the Police Reform and Social Responsibility Act 2011 requires.</p>"
        )

    def summary(self) -> Any:
        """How many recommendations were accepted, in part and not, and a line for each."""
        from planlib.response import decision_counts

        n = decision_counts(self.record)
        total = len(self.record.recommendations)
        def few(k: int) -> str:
            return str(k) if k else "none"

        words = (f"The Panel made {total} recommendation{'s' if total != 1 else ''}. The Commissioner accepted "
                 f"{few(n['accepted'])}, accepted {few(n['accepted_in_part'])} in part and did not accept "
                 f"{few(n['not_accepted'])}.")
        missing = (f'<p class="warning">{n["no_response"]} recommendation{"s have" if n["no_response"] != 1 else " has"} '
                   "no response yet.</p>" if n["no_response"] else "")
        rows = [(row.title, decision_label(row.decision), row.change or "No change to the plan")
                for row in self.table.itertuples()]
        table = html_table(["Recommendation", "Decision", "Change to the plan"], rows, css_class="planlib",
                           caption="Each recommendation and the Commissioner's decision")
        return _display(f"<h2>Summary</h2><p>{html.escape(words)}</p>{missing}{table}")

    def background(self) -> Any:
        """The statutory duty and how the Panel reviewed the draft."""
        r = self.record
        meeting = (f"<p><strong>The Panel's meeting.</strong> {html.escape(r.report.meeting)}.</p>"
                   if r.report.meeting else "")
        intro = f"<p>{html.escape(r.introduction)}</p>" if r.introduction else ""
        return _display(
            "<h2>Background</h2>"
            "<p>The Commissioner must send the draft Police and Crime Plan to the Police and Crime Panel, which "
            "reviews it and may report or make recommendations on it. The Commissioner must have regard to the "
            "Panel's report and recommendations, and give and publish a response to them (Police Reform and "
            "Social Responsibility Act 2011, sections 5 and 28(3)).</p>"
            f"{meeting}{intro}"
        )

    def responses(self) -> Any:
        """Each recommendation with the decision, the reason and the change it led to in the plan."""
        parts = ["<h2>The Panel's recommendations and the Commissioner's response</h2>"]
        for number, row in enumerate(self.table.itertuples(), start=1):
            rows: list[tuple[str, object]] = [("The Panel's recommendation", row.text),
                                              ("Decision", decision_label(row.decision)),
                                              ("Reason", row.reason or "No response has been given.")]
            rows.append(("Change to the plan", row.change or "No change to the plan."))
            if row.commitments:
                rows.append(("Commitments changed", bullet_list(row.commitments)))
            if row.objectives:
                rows.append(("Objectives changed", bullet_list(row.objectives)))
            parts.append(f'<section class="recommendation"><h3>{number}. {html.escape(row.title)}</h3>'
                         f"{_row_table(rows, f'Recommendation {number}: {row.title}')}</section>")
        return _display("\n".join(parts))

    def implications(self) -> Any:
        """The financial, legal and equality implications of the response."""
        changed = sorted({c for row in self.table.itertuples() for c in row.commitments})
        money = (f"The changes touch {len(changed)} commitment{'s' if len(changed) != 1 else ''} of the plan, whose "
                 "resources by year the plan itself sets out; this response commits no spending of its own."
                 if changed else "The response changes no commitment of the plan and commits no spending.")
        return _display(
            "<h2>Financial, legal and equality implications</h2>"
            f"<p><strong>Financial.</strong> {html.escape(money)}</p>"
            "<p><strong>Legal.</strong> Publishing this response meets the Commissioner's duty to have regard to "
            "the Panel's report and recommendations and to publish a response (PRSRA 2011 s.28(3)).</p>"
            "<p><strong>Equality.</strong> The Commissioner has had regard to the public sector equality duty "
            "(Equality Act 2010 s.149) in responding; the plan's equality objectives change only where a change "
            "above says so.</p>"
        )

    def asked(self) -> Any:
        """What the Panel is asked to note."""
        return _display(
            "<h2>The Panel is asked to</h2>"
            + bullet_list(["note the Commissioner's response to each of its recommendations;",
                           "note the changes made to the plan as a result."])
        )

    def sources(self) -> Any:
        """The source and status of every entry of the record."""
        r = self.record
        rows: list[tuple[object, ...]] = [("The Panel's report", r.report.source, status_badge(r.report.status))]
        if r.published is not None and r.published_source:
            rows.append(("Date of publication", r.published_source, ""))
        for row in self.table.itertuples():
            rows.append((f"{row.title}: the recommendation", row.source, status_badge(row.status)))
            if row.decision:
                rows.append((f"{row.title}: the response", row.response_source, status_badge(row.response_status)))
        return _display("<h2>Sources of this record</h2>"
                        + html_table(["Entry", "Source", "Status"], rows, css_class="planlib", nowrap=[2],
                                     caption="Where each entry of the record comes from, and how far it is checked"))

    def footer(self) -> Any:
        """Provenance: the plan's version and checksum, planlib's version and when the document was made."""
        p = self.plan
        return _display(
            f'<footer class="report-footer"><p>Made from the plan folder of the {html.escape(p.name)} '
            f"(version {html.escape(p.version)}, files checksum {self.checksum}) and its panel_response.yaml "
            f"by planlib {_version()} at {self.ran_at}.</p></footer>"
        )


def write_response(plan_folder: str | os.PathLike[str], out_dir: str | os.PathLike[str], pdf: bool = False) -> list[Path]:
    """Write the Commissioner's published response to the Panel: ``panel_response.ipynb``, ``.html`` and maybe ``.pdf``.

    Parameters
    ----------
    plan_folder : path
        A plan folder with a valid ``panel_response.yaml``.
    out_dir : path
        Where the files go (made if missing); each is written atomically.
    pdf : bool
        Also print an A4 PDF with headless Chromium.

    Returns
    -------
    list of Path
        The files written, notebook first.

    Raises
    ------
    PlanError
        before anything runs, listing every problem of the plan or of ``panel_response.yaml``
        (file, line and field), or saying the folder has no ``panel_response.yaml``.

    Examples
    --------
    >>> from planlib.errors import PlanError
    >>> try:
    ...     write_response("no/such/folder", "out")
    ... except PlanError as exc:
    ...     print(exc.problems[0])
    no/such/folder: plan folder not found
    """
    import nbformat

    from planlib.io import write_atomic
    from planlib.io.paths import PANEL_RESPONSE_REPORT
    from planlib.reports.kernels import check_parameters, execute_notebook
    from planlib.reports.rendering import html_to_pdf, notebook_to_html

    title = ResponseDocument.load(plan_folder).document_title()  # bad input stops here, with file and line
    parameters = {"plan_path": str(Path(plan_folder).resolve())}
    check_parameters(parameters, PANEL_RESPONSE_REPORT, PARAMETERS)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    targets = {ext: out / f"{FILE_STEM}.{ext}" for ext in ("ipynb", "html", "pdf")}
    with tempfile.TemporaryDirectory(prefix="planlib-response-") as work:
        nb = execute_notebook(parameters, Path(work) / f"{FILE_STEM}.ipynb", work, template=PANEL_RESPONSE_REPORT)
    write_atomic(targets["ipynb"], nbformat.writes(nb))
    write_atomic(targets["html"], notebook_to_html(nb, title))
    written = [targets["ipynb"], targets["html"]]
    if pdf:
        html_to_pdf(targets["html"], targets["pdf"])
        written.append(targets["pdf"])
    return written
