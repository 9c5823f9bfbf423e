"""Turning an executed report into pages: charts as SVG, a self-contained HTML page, a PDF.

The template's charts are :class:`ChartOutput` objects: the kernel writes their Vega-Lite spec
and :func:`render_charts` converts them to inline SVG with vl-convert afterwards (no network).
:func:`notebook_to_html` writes the page with planlib's own style (:data:`REPORT_CSS`) and
nothing from the internet; :func:`html_to_pdf` prints it on A4 with headless Chromium. The
checksums the footer shows (:func:`plan_checksum`, :func:`file_checksum`) are here too.

>>> spec = {"mark": "point", "title": {"text": "Budget gap"}}
>>> class Chart:
...     def to_dict(self, validate=True):
...         return spec
>>> sorted(svg(Chart())._repr_mimebundle_())
['application/vnd.vegalite.v6+json', 'text/plain']
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from planlib.errors import PlanError, Problem
from planlib.io import write_atomic

HEADLINE_TAG = "planlib-headline"
"""Cell tag of the template's headline cell: its JSON output feeds the index; not shown in HTML."""

VEGALITE_MIME = "application/vnd.vegalite.v6+json"
"""The mimetype of chart outputs (Vega-Lite major version of Altair 6)."""


# --------------------------------------------------------------------------- checksums


def plan_checksum(plan_path: str | os.PathLike[str]) -> str:
    """SHA-256 over the plan folder's files (names and contents, sorted), first 16 hex digits.

    The ``scenarios/`` subfolder is left out: a report names its own scenario's checksum.

    >>> from planlib.io.paths import DEFAULT_PLAN
    >>> len(plan_checksum(DEFAULT_PLAN))
    16
    """
    root = Path(plan_path)
    digest = hashlib.sha256()
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()
                                                 and "scenarios" not in p.relative_to(root).parts
                                                 and not p.name.startswith("."))
    for file in files:
        digest.update(file.relative_to(root).as_posix().encode() if file != root else file.name.encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def file_checksum(path: str | os.PathLike[str]) -> str:
    """SHA-256 of one file, first 16 hex digits."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


# --------------------------------------------------------------------------- charts


class ChartOutput:
    """An Altair chart as a notebook output that loads nothing: its Vega-Lite spec, which
    :func:`render_charts` turns into inline SVG with vl-convert after the kernel has run.

    Converting outside the kernel lets a batch worker keep one warm vl-convert engine for all
    its reports instead of starting one in every kernel (seconds each). JupyterLab renders the
    spec with its own bundled Vega, offline, if the executed notebook is opened directly.
    """

    def __init__(self, chart: Any) -> None:
        self.spec = chart.to_dict(validate=False)  # planlib builds the charts; the schema check costs seconds per kernel
        title = self.spec.get("title", "")
        self.title = title.get("text", "") if isinstance(title, dict) else str(title)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {VEGALITE_MIME: self.spec, "text/plain": f"<chart: {self.title}>"}


def svg(chart: Any) -> ChartOutput:
    """A chart output for the report template (see :class:`ChartOutput`)."""
    return ChartOutput(chart)


def render_charts(nb: Any) -> int:
    """Add an ``image/svg+xml`` rendering (vl-convert, no network) to every chart output; how many."""
    import vl_convert

    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            spec = next((v for k, v in data.items() if k.startswith("application/vnd.vegalite.")), None)
            if spec is not None and "image/svg+xml" not in data:
                data["image/svg+xml"] = vl_convert.vegalite_to_svg(dict(spec))
                count += 1
    return count


# --------------------------------------------------------------------------- pages

REPORT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10.5pt; line-height: 1.4;
       color: #1b1b1b; max-width: 182mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 18pt; margin: 0 0 6pt 0; color: #12284c; }
h2 { font-size: 13.5pt; color: #12284c; border-bottom: 1.5pt solid #12284c; padding-bottom: 2pt; margin: 16pt 0 6pt 0;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11.5pt; margin: 10pt 0 4pt 0; break-after: avoid; }
p { margin: 4pt 0; }
.kicker { color: #555; font-size: 9.5pt; text-transform: uppercase; letter-spacing: .04em; }
.meta, .report-footer { color: #444; font-size: 9pt; }
.report-footer { border-top: 1pt solid #999; margin-top: 14pt; padding-top: 4pt; }
.warning { color: #8a1c00; font-weight: bold; }
table.planlib { border-collapse: collapse; margin: 6pt 0 10pt 0; font-size: 8.8pt; width: 100%;
                break-inside: auto; }
table.planlib caption { text-align: left; font-weight: bold; margin-bottom: 3pt; font-size: 9.5pt; }
table.planlib th { background: #12284c; color: #fff; text-align: left; padding: 2.5pt 4pt; font-weight: 600; }
table.planlib td { border-bottom: .5pt solid #ccc; padding: 2pt 4pt; vertical-align: top; }
table.planlib td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.planlib tr { break-inside: avoid; page-break-inside: avoid; }
.planlib-status { font-weight: 600; white-space: nowrap; padding: 0 3pt; border-radius: 2pt; }
.planlib-status-verified { background: #dcefe3; color: #1e5631; }
.planlib-status-estimate { background: #dfeaf6; color: #1b4f72; }
.planlib-status-illustrative { background: #fde7c8; color: #6b3d00; }
.planlib-status-unverified { background: #f8d3d1; color: #7f1a1a; }
.planlib-banner { border-left: 3pt solid #e69f00; padding-left: 4pt; }
thead { display: table-header-group; }
svg { max-width: 100%; height: auto; break-inside: avoid; page-break-inside: avoid; }
.jp-RenderedSVG, .output_svg { break-inside: avoid; page-break-inside: avoid; }
code { font-size: 8.8pt; overflow-wrap: anywhere; }
.jp-InputPrompt, .jp-OutputPrompt, .prompt, .anchor-link { display: none; }
"""
"""The style of report pages and the batch index (A4, printable, no web fonts)."""

_EXTERNAL = re.compile(r"""<(script|link)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//[^>]*>(\s*</script>)?""", re.I)


def page_html(title: str, body: str, extra_css: str = "") -> str:
    """A whole HTML page in the report style around ``body`` (markup); ``title`` is escaped.

    >>> page_html("A & B", "<p>x</p>").splitlines()[4]
    '<title>A &amp; B</title>'
    """
    return ("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{REPORT_CSS}{extra_css}</style>\n</head>\n<body>\n"
            f"{body}\n</body>\n</html>\n")


def notebook_to_html(nb: Any, title: str) -> str:
    """A self-contained HTML page of an executed report: no code, nothing from the internet.

    The nbconvert ``basic`` template gives the cells' outputs only; the page around them and
    its style are ours, so no MathJax, require.js or font is linked from a CDN.
    """
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {HEADLINE_TAG, "parameters", "injected-parameters"}
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, template_name="basic", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    return page_html(title, _EXTERNAL.sub("", body))


def html_to_pdf(html_path: Path, pdf_path: Path, timeout: float = 120) -> None:
    """Print an HTML file to an A4 PDF with headless Chromium (written atomically)."""
    browser = next((b for b in (os.environ.get("PLANLIB_CHROMIUM"), shutil.which("chromium"),
                                shutil.which("chromium-browser"), shutil.which("google-chrome")) if b), None)
    if browser is None:
        raise PlanError([Problem(str(pdf_path), None, "pdf", "no Chromium found to print the PDF (set PLANLIB_CHROMIUM)")])
    with tempfile.TemporaryDirectory(prefix="planlib-chromium-") as profile:
        tmp = Path(profile) / "out.pdf"
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                   "--no-first-run", "--disable-extensions", "--disable-background-networking",
                   f"--user-data-dir={profile}", "--no-pdf-header-footer", "--print-to-pdf-no-header",
                   f"--print-to-pdf={tmp}", html_path.resolve().as_uri()]
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise RuntimeError(f"Chromium did not print the PDF (exit {done.returncode}): "
                               f"{done.stderr.decode(errors='replace')[-400:]}")
        write_atomic(pdf_path, tmp.read_bytes())
