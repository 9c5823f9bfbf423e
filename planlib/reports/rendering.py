"""Every document's pages: accessible HTML (charts as figures with their data), tagged PDFs.

The one place that makes a planlib document readable by everyone (WCAG 2.2 AA, the Public
Sector Bodies Accessibility Regulations 2018) and printable. Every document uses it:

- :func:`page_html` ``(title, body, extra_css="", *, running_head="")``: the whole page, with
  ``lang="en-GB"``, the title, the style (:data:`REPORT_CSS`: A4, page numbers, long text that
  wraps, no web fonts), the body inside ``<main>`` and ``scope`` on every header cell.
- :func:`svg` ``(chart, description, table="")`` in a papermill template: a chart output that
  :func:`render_charts` turns, after the kernel has run, into an accessible figure
  (:func:`figure_html`); the data table defaults to the one :func:`spec_data_table` reads from
  the chart itself.
- :func:`chart_figure` ``(chart, description, table="")`` in Python that builds HTML directly:
  the same figure, rendered at once.
- :func:`data_table` ``(headers, rows, caption, row_headers=True)``: a table with header cells
  for columns (and the first cell of each row), for a chart's data or anything else.
- :func:`notebook_to_html` ``(nb, title)``: an executed template as one self-contained page.
- :func:`html_to_pdf` ``(html_path, pdf_path)``: an A4 PDF printed by headless Chromium,
  tagged (headings, tables and figures in its structure tree), with bookmarks for the
  headings, fonts embedded, and the data tables of the figures printed open.

The checksums a footer shows (:func:`plan_checksum`, :func:`file_checksum`) are here too.

>>> spec = {"mark": "point", "title": {"text": "Budget gap"}}
>>> class Chart:
...     def to_dict(self, validate=True):
...         return spec
>>> sorted(svg(Chart(), "The gap closes by 2024/25.")._repr_mimebundle_())
['application/vnd.planlib.figure+json', 'application/vnd.vegalite.v6+json', 'text/plain']
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from planlib.errors import PlanError, Problem
from planlib.formats import MINUS
from planlib.io import write_atomic

HEADLINE_TAG = "planlib-headline"
"""Cell tag of the template's headline cell: its JSON output feeds the index; not shown in HTML."""

VEGALITE_MIME = "application/vnd.vegalite.v6+json"
"""The mimetype of chart outputs (Vega-Lite major version of Altair 6)."""

FIGURE_MIME = "application/vnd.planlib.figure+json"
"""The mimetype that carries a chart's title, text description and data table to :func:`render_charts`."""


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
    """An Altair chart as a notebook output that loads nothing: its Vega-Lite spec, with its text
    description and data table, which :func:`render_charts` turns into an accessible figure
    (inline SVG, :func:`figure_html`) after the kernel has run.

    Converting outside the kernel lets a batch worker keep one warm vl-convert engine for all
    its reports instead of starting one in every kernel (seconds each). JupyterLab renders the
    spec with its own bundled Vega, offline, if the executed notebook is opened directly.
    """

    def __init__(self, chart: Any, description: str = "", table: str = "") -> None:
        self.spec = chart.to_dict(validate=False)  # planlib builds the charts; the schema check costs seconds per kernel
        self.title = chart_title(self.spec)
        self.description = description
        self.table = table

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {VEGALITE_MIME: self.spec, "text/plain": f"<chart: {self.title}>",
                FIGURE_MIME: {"title": self.title, "description": self.description, "table": self.table}}


def svg(chart: Any, description: str = "", table: str = "") -> ChartOutput:
    """A chart output for a papermill template: an accessible figure once rendered.

    Parameters
    ----------
    chart : altair.Chart
        Any Altair chart (layered and concatenated charts too).
    description : str
        What the chart shows, in a sentence or two a person who cannot see it reads instead
        (plain text: it is escaped). The figure's caption.
    table : str
        The chart's data as an HTML table (:func:`data_table`); by default the table
        :func:`spec_data_table` reads from the chart.

    Examples
    --------
    >>> import altair as alt, pandas as pd
    >>> out = svg(alt.Chart(pd.DataFrame({"year": ["2021/22"], "gap": [1.5]})).mark_bar()
    ...           .encode(x="year:O", y="gap:Q"), "A gap of £1.5m.")
    >>> out._repr_mimebundle_()[FIGURE_MIME]["description"]
    'A gap of £1.5m.'
    """
    return ChartOutput(chart, description, table)


def chart_title(spec: dict[str, Any]) -> str:
    """The title of a Vega-Lite spec (empty if it has none).

    >>> chart_title({"title": {"text": "Budget gap"}}), chart_title({"title": "Reserves"}), chart_title({})
    ('Budget gap', 'Reserves', '')
    """
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text)


def _number(value: Any) -> str:
    """A figure in a chart's data table: thousands separated, a true minus sign."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    if value != value:
        return ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace("-", MINUS)


_CHANNELS = ("x", "y", "xOffset", "yOffset", "color", "x2", "y2", "theta", "size", "shape", "text")


def _views(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every single view of a (layered or concatenated) spec."""
    for key in ("layer", "hconcat", "vconcat", "concat"):
        if key in spec:
            return [v for sub in spec[key] for v in _views(sub)]
    return [spec]


def spec_data_table(spec: dict[str, Any], caption: str = "") -> str:
    """The data of a chart as a table, read from its Vega-Lite spec: the view with the most rows,
    one column for each field it encodes (titled as its axis, legend or tooltip titles it).

    A default only: a document that knows its figures in money should pass its own
    :func:`data_table` with money written by :mod:`planlib.formats`.

    >>> spec = {"data": {"values": [{"year": "2021/22", "v": -1.5}]},
    ...         "encoding": {"x": {"field": "year", "title": "Year"}, "y": {"field": "v", "title": "Gap (£m)"}}}
    >>> print(spec_data_table(spec, "The data"))
    <table class="planlib chart-data">
    <caption>The data</caption>
    <thead><tr><th scope="col">Year</th><th scope="col" class="num">Gap (£m)</th></tr></thead>
    <tbody>
    <tr><th scope="row">2021/22</th><td class="num">−1.5</td></tr>
    </tbody>
    </table>
    """
    datasets = spec.get("datasets", {})
    best: tuple[list[dict[str, Any]], list[tuple[str, str]]] = ([], [])
    for view in _views(spec):
        data = view.get("data", spec.get("data", {})) or {}
        rows = data.get("values") if "values" in data else datasets.get(data.get("name", ""), [])
        fields: dict[str, str] = {}
        encoding = view.get("encoding", {})
        encoded = [e for c in _CHANNELS if isinstance(e := encoding.get(c), dict) and e.get("field")]
        for enc in sorted(encoded, key=lambda e: e.get("type") == "quantitative"):  # categories first
            fields.setdefault(enc["field"], enc.get("title") or enc["field"])
        tips = encoding.get("tooltip", [])
        for tip in tips if isinstance(tips, list) else [tips]:
            if isinstance(tip, dict) and tip.get("field"):
                if tip["field"] in fields and tip.get("title"):
                    fields[tip["field"]] = tip["title"]
                fields.setdefault(tip["field"], tip.get("title") or tip["field"])
        if rows and fields and len(rows) > len(best[0]):
            best = (rows, list(fields.items()))
    rows, fields = best
    if not rows:
        return ""
    headers = [title for _, title in fields]
    return data_table(headers, [[row.get(name) for name, _ in fields] for row in rows], caption)


def data_table(headers: list[str], rows: list[list[Any]], caption: str = "", row_headers: bool = True) -> str:
    """An accessible table: a header cell (``scope="col"``) per column and, with ``row_headers``,
    the first cell of each row as its header (``scope="row"``). Text is escaped; numbers are
    written with a true minus (pass money already written by :func:`planlib.formats.money`).

    >>> print(data_table(["Year", "Gap"], [["2021/22", "−£1.5m"]], row_headers=False))
    <table class="planlib chart-data">
    <thead><tr><th scope="col">Year</th><th scope="col" class="num">Gap</th></tr></thead>
    <tbody>
    <tr><td>2021/22</td><td class="num">−£1.5m</td></tr>
    </tbody>
    </table>
    """
    def cell(value: Any, first: bool) -> str:
        text = html.escape(_number(value))
        numeric = isinstance(value, (int, float)) or bool(re.match(r"^[−\-]?£?[\d.,]+[mk%]?$", str(value)))
        if first and row_headers:
            return f'<th scope="row">{text}</th>'
        return f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>"

    def figures(i: int) -> bool:
        return bool(rows) and (i > 0 or not row_headers) and all('class="num"' in cell(r[i], i == 0) for r in rows)

    lines = ['<table class="planlib chart-data">'] + ([f"<caption>{html.escape(caption)}</caption>"] if caption else [])
    num = ' class="num"'
    lines.append("<thead><tr>" + "".join(f'<th scope="col"{num if figures(i) else ""}>{html.escape(str(h))}</th>'
                                         for i, h in enumerate(headers)) + "</tr></thead>")
    lines.append("<tbody>")
    lines.extend("<tr>" + "".join(cell(v, i == 0) for i, v in enumerate(row)) + "</tr>" for row in rows)
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def figure_html(svg_text: str, title: str, description: str, table: str) -> str:
    """An accessible figure: the chart (SVG, inline as an image whose text alternative is its
    title), its description as the caption, and its data in a table behind "Show the data"
    (printed open in the PDF). ``title`` and ``description`` are escaped; ``table`` is markup.

    >>> page = figure_html("<svg/>", "Gap", "It falls.", "<table></table>")
    >>> page.startswith('<figure class="planlib-figure">'), 'alt="Chart: Gap"' in page, "<figcaption>" in page
    (True, True, True)
    """
    encoded = base64.b64encode(svg_text.encode("utf-8")).decode("ascii")
    name = title or "the chart"
    caption = f"<strong>{html.escape(title)}.</strong> " if title else ""
    data = (f'<details class="chart-data"><summary>Show the data of {html.escape(name)}</summary>{table}</details>'
            if table else "")
    return (f'<figure class="planlib-figure"><img src="data:image/svg+xml;base64,{encoded}" alt="Chart: {html.escape(name)}">'
            f"<figcaption>{caption}{html.escape(description)}</figcaption>{data}</figure>")


def _figure_of(spec: dict[str, Any], svg_text: str, meta: dict[str, Any]) -> str:
    title = meta.get("title") or chart_title(spec)
    table = meta.get("table") or spec_data_table(spec, f"The data of {title}" if title else "")
    return figure_html(svg_text, title, meta.get("description", ""), table)


def chart_figure(chart: Any, description: str, table: str = "") -> str:
    """An Altair chart as an accessible figure at once (:func:`figure_html`), for code that builds
    HTML itself rather than through a template's outputs. Rendered by vl-convert (no network).

    >>> import altair as alt, pandas as pd
    >>> chart = alt.Chart(pd.DataFrame({"a": [1]}), title="Dots").mark_point().encode(x="a:Q")
    >>> '<th scope="col">a</th>' in chart_figure(chart, "One dot.")
    True
    """
    import vl_convert

    spec = chart.to_dict(validate=False)
    return _figure_of(spec, vl_convert.vegalite_to_svg(spec), {"description": description, "table": table})


_SVGS: dict[str, str] = {}


def _svg_of(spec: dict[str, Any]) -> str:
    """The SVG of a Vega-Lite spec, drawn once per process: a batch's reports often share a chart
    (the net benefit of the commitments a scenario leaves alone), and vl-convert takes up to
    seconds for one."""
    import vl_convert

    key = json.dumps(spec, sort_keys=True)
    if key not in _SVGS:
        if len(_SVGS) >= 64:
            _SVGS.clear()
        _SVGS[key] = vl_convert.vegalite_to_svg(spec)
    return _SVGS[key]


def render_charts(nb: Any) -> int:
    """Turn every chart output into an accessible figure (``text/html``, :func:`figure_html`) with
    its SVG (vl-convert, no network); how many."""
    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            spec = next((v for k, v in data.items() if k.startswith("application/vnd.vegalite.")), None)
            if spec is not None and "image/svg+xml" not in data:
                data["image/svg+xml"] = _svg_of(dict(spec))
                data["text/html"] = _figure_of(dict(spec), data["image/svg+xml"], dict(data.get(FIGURE_MIME, {})))
                count += 1
    return count


# --------------------------------------------------------------------------- pages

REPORT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
        @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8.5pt; color: #333;
                        font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; } }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10.5pt; line-height: 1.4;
       color: #1b1b1b; max-width: 182mm; margin: 0 auto; padding: 8mm 0; overflow-wrap: break-word; }
h1 { font-size: 18pt; margin: 0 0 6pt 0; color: #12284c; }
h2 { font-size: 13.5pt; color: #12284c; border-bottom: 1.5pt solid #12284c; padding-bottom: 2pt; margin: 16pt 0 6pt 0;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11.5pt; margin: 10pt 0 4pt 0; break-after: avoid; page-break-after: avoid; }
h4 { font-size: 10.5pt; margin: 8pt 0 3pt 0; break-after: avoid; page-break-after: avoid; }
p { margin: 4pt 0; }
a { color: #1d4f91; }
.kicker { color: #444; font-size: 9.5pt; text-transform: uppercase; letter-spacing: .04em; }
.meta, .report-footer { color: #444; font-size: 9pt; }
.report-footer { border-top: 1pt solid #999; margin-top: 14pt; padding-top: 4pt; }
.warning { color: #8a1c00; font-weight: bold; }
table.planlib { border-collapse: collapse; margin: 6pt 0 10pt 0; font-size: 8.8pt; width: 100%; max-width: 100%;
                break-inside: auto; }
table.planlib caption { text-align: left; font-weight: bold; margin-bottom: 3pt; font-size: 9.5pt; }
table.planlib th { background: #12284c; color: #fff; text-align: left; padding: 2.5pt 4pt; font-weight: 600; }
table.planlib tbody th { background: transparent; color: inherit; font-weight: normal; border-bottom: .5pt solid #ccc;
                         vertical-align: top; }
table.planlib td { border-bottom: .5pt solid #ccc; padding: 2pt 4pt; vertical-align: top; }
table.planlib td { overflow-wrap: break-word; word-break: normal; }
.money { white-space: nowrap; }
table.planlib th { overflow-wrap: normal; word-break: normal; hyphens: manual; }
table.planlib td.num, table.planlib th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums;
                                             overflow-wrap: normal; }
table.planlib tr { break-inside: avoid; page-break-inside: avoid; }
.planlib-status { font-weight: 600; white-space: nowrap; padding: 0 3pt; border-radius: 2pt; }
.planlib-status-verified { background: #dcefe3; color: #1e5631; }
.planlib-status-estimate { background: #dfeaf6; color: #1b4f72; }
.planlib-status-illustrative { background: #fde7c8; color: #6b3d00; }
.planlib-status-unverified { background: #f8d3d1; color: #7f1a1a; }
.planlib-banner { border-left: 3pt solid #e69f00; padding-left: 4pt; }
thead { display: table-header-group; }
figure.planlib-figure { margin: 8pt 0 12pt 0; }
figure.planlib-figure img { display: block; max-width: 100%; height: auto; break-inside: avoid; page-break-inside: avoid; }
figure.planlib-figure figcaption { font-size: 9.5pt; margin: 3pt 0; }
details.chart-data summary { font-size: 9pt; color: #1d4f91; cursor: pointer; }
details.chart-data table.planlib { font-size: 8.4pt; }
.summary-box { border: 1pt solid #12284c; padding: 4pt 8pt; margin: 6pt 0; }
ol.recommendations li, ol.numbered li { margin: 3pt 0; }
svg { max-width: 100%; height: auto; break-inside: avoid; page-break-inside: avoid; }
.jp-RenderedSVG, .output_svg, .jp-RenderedImage { break-inside: avoid; page-break-inside: avoid; }
code { font-size: 8.8pt; overflow-wrap: anywhere; }
.jp-InputPrompt, .jp-OutputPrompt, .prompt, .anchor-link { display: none; }
@media print {
  details::details-content { content-visibility: visible; display: block; }
  details.chart-data summary { display: none; }
  a { color: inherit; text-decoration: none; }
}
"""
"""The style of every document's pages (A4, page numbers, long text that wraps, no web fonts)."""

_EXTERNAL = re.compile(r"""<(script|link)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//[^>]*>(\s*</script>)?""", re.I)
_TH = re.compile(r"<th(?=[\s>])(?![^>]*\bscope=)")
_SECTION = re.compile(r"<(thead|tbody|tfoot)\b.*?</\1>", re.S | re.I)


def scoped_headers(markup: str) -> str:
    """Every ``<th>`` given a ``scope``: ``col`` in a table's head, ``row`` in its body.

    >>> scoped_headers("<table><thead><tr><th>Year</th></tr></thead><tbody><tr><th>Gap</th></tr></tbody></table>")
    '<table><thead><tr><th scope="col">Year</th></tr></thead><tbody><tr><th scope="row">Gap</th></tr></tbody></table>'
    """
    def section(match: re.Match[str]) -> str:
        scope = "col" if match.group(1).lower() == "thead" else "row"
        return _TH.sub(f'<th scope="{scope}"', match.group(0))

    return _TH.sub('<th scope="col"', _SECTION.sub(section, markup))


_MONEY = re.compile(MINUS + r"£[\d.,]+[mk]?")
_LONG_WORD = re.compile(r"\S{30,}")


def readable_text(markup: str) -> str:
    """The text between tags made to fit a printed page: negative money kept on one line
    ("−£0.4m" never split after its minus sign), and a long word in a table cell (a file name,
    an address) given places to break after ``/``, ``_``, ``.`` or ``-``, so that the column
    holding it never pushes the table wider than the page.

    >>> readable_text('<p>against −£0.4m</p>')
    '<p>against <span class="money">−£0.4m</span></p>'
    >>> readable_text('<td>home_office_cost_components.csv</td>')
    '<td>home_<wbr>office_<wbr>cost_<wbr>components.<wbr>csv</td>'
    """
    def long_word(match: re.Match[str]) -> str:
        return re.sub(r"([/_.\-])(?=[^/_.\-])", r"\1<wbr>", match.group(0))

    def cell(match: re.Match[str]) -> str:
        return re.sub(r">([^<]+)<", lambda m: ">" + _LONG_WORD.sub(long_word, m.group(1)) + "<", match.group(0))

    markup = re.sub(r"<td\b[^>]*>.*?</td>", cell, markup, flags=re.S)
    return re.sub(r">([^<]+)<", lambda m: ">" + _MONEY.sub(lambda n: f'<span class="money">{n.group(0)}</span>',
                                                          m.group(1)) + "<", markup)


def _css_string(text: str) -> str:
    """``text`` as a CSS string (for a running head)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ") + '"'


def page_html(title: str, body: str, extra_css: str = "", *, running_head: str = "") -> str:
    """A whole HTML page in the report style around ``body`` (markup); ``title`` is escaped.

    The page is in British English (``lang="en-GB"``), its body inside ``<main>``, every header
    cell has a ``scope`` (:func:`scoped_headers`), negative money never breaks after its minus
    and long words break (:func:`readable_text`) and each printed page is numbered. A
    ``running_head`` (such as "Draft for the Police and Crime Panel, 14 October 2021") is printed
    at the top of every PDF page.

    >>> page = page_html("A & B", "<p>x</p>", running_head="Draft")
    >>> page.splitlines()[5], '<html lang="en-GB">' in page, "<main>" in page, '@top-center { content: "Draft"' in page
    ('<title>A &amp; B</title>', True, True, True)
    """
    head_css = (f"@page {{ @top-center {{ content: {_css_string(running_head)}; font-size: 9pt; font-weight: bold; "
                'color: #8a1c00; font-family: "DejaVu Sans", Arial, sans-serif; } }' if running_head else "")
    main = body if re.search(r"<main\b", body) else f"<main>\n{body}\n</main>"
    return ("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{REPORT_CSS}{head_css}{extra_css}</style>\n</head>\n<body>\n"
            f"{readable_text(scoped_headers(main))}\n</body>\n</html>\n")


@functools.lru_cache(maxsize=1)
def _html_exporter() -> Any:
    """nbconvert's exporter for the reports, made once per process (its templates compile once:
    most of a page's time in a batch otherwise)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {HEADLINE_TAG, "parameters", "injected-parameters"}
    config.TagRemovePreprocessor.enabled = True
    return HTMLExporter(config=config, template_name="basic", exclude_input=True,
                        exclude_input_prompt=True, exclude_output_prompt=True)


def notebook_to_html(nb: Any, title: str, *, running_head: str = "") -> str:
    """A self-contained HTML page of an executed report: no code, nothing from the internet.

    The nbconvert ``basic`` template gives the cells' outputs only; the page around them and
    its style are ours (:func:`page_html`), so no MathJax, require.js or font is linked from a CDN.
    """
    body, _ = _html_exporter().from_notebook_node(nb)
    body = re.sub(r'<a class="anchor-link" href="#[^"]*">¶</a>', "", body)
    return page_html(title, _EXTERNAL.sub("", body), running_head=running_head)


def html_to_pdf(html_path: Path, pdf_path: Path, timeout: float = 120) -> None:
    """Print an HTML file to an A4 PDF with headless Chromium (written atomically).

    The PDF is tagged (Chromium's default: headings, tables, figures with their text
    alternatives in the structure tree, ``Lang`` from the page), has a bookmark for every
    heading (``--generate-pdf-document-outline``), embeds its fonts, and is numbered by the
    style's page margin boxes rather than Chromium's own header and footer.
    """
    browser = next((b for b in (os.environ.get("PLANLIB_CHROMIUM"), shutil.which("chromium"),
                                shutil.which("chromium-browser"), shutil.which("google-chrome")) if b), None)
    if browser is None:
        raise PlanError([Problem(str(pdf_path), None, "pdf", "no Chromium found to print the PDF (set PLANLIB_CHROMIUM)")])
    with tempfile.TemporaryDirectory(prefix="planlib-chromium-") as profile:
        tmp = Path(profile) / "out.pdf"
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                   "--no-first-run", "--disable-extensions", "--disable-background-networking",
                   "--disable-component-update", f"--user-data-dir={profile}", "--no-pdf-header-footer",
                   "--print-to-pdf-no-header", "--generate-pdf-document-outline",
                   f"--print-to-pdf={tmp}", html_path.resolve().as_uri()]
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise RuntimeError(f"Chromium did not print the PDF (exit {done.returncode}): "
                               f"{done.stderr.decode(errors='replace')[-400:]}")
        write_atomic(pdf_path, tmp.read_bytes())
