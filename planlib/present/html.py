"""HTML for a person to read: tables, badges, cards, lists, banners and the apps' style.

Pure functions from text and figures to escaped markup, shared by the board apps
(:mod:`planlib.ui`) and the scenario reports (:mod:`planlib.reports`). Every piece of text is
escaped unless it is :class:`Html`, markup this module (or its caller) built on purpose. Money
in cells is written by :mod:`planlib.formats`.

>>> print(html_table(["Name", "Cost"], [["<b>", money_cell(1_234_567)]], numeric=[1]))
<table class="planlib-table">
<thead><tr><th>Name</th><th class="num">Cost</th></tr></thead>
<tbody>
<tr><td>&lt;b&gt;</td><td class="num">£1.2m</td></tr>
</tbody>
</table>
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from planlib.formats import MINUS, money
from planlib.present.labels import RAG_LABELS

STATUS_LABELS = {
    "verified": "Verified",
    "estimate": "Estimate",
    "illustrative": "Illustrative",
    "unverified": "Unverified",
}
"""How each status of a number is written for a reader (in this order: best first)."""

COMPLIANCE_LABELS = {"met": ("Met", "verified"), "partial": ("Partial", "illustrative"), "unmet": ("Unmet", "unverified")}
"""How each compliance status is written, and the badge colour (class) it borrows."""


class Html(str):
    """Markup built on purpose (escaped where it holds plan text): not escaped again."""


def escape(text: object) -> str:
    """``text`` as HTML text; :class:`Html` is returned as it is.

    >>> escape("<b>"), escape(Html("<b>x</b>"))
    ('&lt;b&gt;', '<b>x</b>')
    """
    return text if isinstance(text, Html) else html.escape(str(text))


def badge(label: str, kind: str) -> Html:
    """A coloured label: ``kind`` is a status class (verified, estimate, illustrative, unverified).

    >>> badge("Gap", "unverified")
    '<span class="planlib-status planlib-status-unverified">Gap</span>'
    """
    return Html(f'<span class="planlib-status planlib-status-{html.escape(kind)}">{html.escape(label)}</span>')


def status_badge(status: str) -> Html:
    """A coloured label for the status of a number (verified, estimate, illustrative, unverified).

    >>> status_badge("illustrative")
    '<span class="planlib-status planlib-status-illustrative">Illustrative</span>'
    """
    return badge(STATUS_LABELS.get(status, str(status)), status if status in STATUS_LABELS else "unverified")


def compliance_badge(status: str) -> Html:
    """A coloured label for met, partial or unmet.

    >>> compliance_badge("partial")
    '<span class="planlib-status planlib-status-illustrative">Partial</span>'
    """
    label, kind = COMPLIANCE_LABELS.get(status, (status, "unverified"))
    return badge(label, kind)


def rag_badge(status: str) -> Html:
    """A coloured label for a RAG status.

    >>> rag_badge("no data")
    '<span class="planlib-rag planlib-rag-no-data">No data</span>'
    """
    css = status.replace(" ", "-") if status in RAG_LABELS else "no-data"
    return Html(f'<span class="planlib-rag planlib-rag-{css}">{html.escape(RAG_LABELS.get(status, status))}</span>')


def html_table(headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: Iterable[int] = (),
               css_class: str = "planlib-table", empty: str = "Nothing to show.", nowrap: Iterable[int] = (),
               caption: str = "") -> str:
    """An HTML table; every cell is escaped unless it is :class:`Html`.

    Parameters
    ----------
    headers : sequence of str
    rows : iterable of sequences
        One sequence of cells per row, as many as ``headers``.
    numeric : iterable of int
        Positions of the columns to align right (figures).
    css_class : str
        Class of the table (several separated by spaces).
    empty : str
        Shown in a single row when there are no rows.
    nowrap : iterable of int
        Positions of the columns whose cells must not wrap (short phrases such as a year).
    caption : str
        The table's caption (none if empty).

    Examples
    --------
    >>> print(html_table(["Year"], [], caption="Gap <m>", css_class="planlib"))
    <table class="planlib">
    <caption>Gap &lt;m&gt;</caption>
    <thead><tr><th>Year</th></tr></thead>
    <tbody>
    <tr><td colspan="1">Nothing to show.</td></tr>
    </tbody>
    </table>
    """
    numeric, nowrap = set(numeric), set(nowrap)

    def cell(tag: str, value: object, position: int) -> str:
        classes = " ".join(c for c, cols in (("num", numeric), ("nowrap", nowrap)) if position in cols)
        attr = f' class="{classes}"' if classes else ""
        return f"<{tag}{attr}>{escape(value)}</{tag}>"

    head = "".join(cell("th", h, i) for i, h in enumerate(headers))
    body = ["<tr>" + "".join(cell("td", v, i) for i, v in enumerate(row)) + "</tr>" for row in rows]
    if not body:
        body = [f'<tr><td colspan="{len(headers)}">{html.escape(empty)}</td></tr>']
    top = [f'<table class="{html.escape(css_class)}">'] + ([f"<caption>{html.escape(caption)}</caption>"] if caption else [])
    return "\n".join([*top, f"<thead><tr>{head}</tr></thead>", "<tbody>", *body, "</tbody>", "</table>"])


def bullet_list(items: Iterable[object]) -> Html:
    """An escaped ``<ul>`` of ``items`` (empty text when there are none).

    >>> bullet_list(["a & b"]), bullet_list([])
    ('<ul><li>a &amp; b</li></ul>', '')
    """
    items = list(items)
    if not items:
        return Html("")
    return Html("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")


def lines(items: Iterable[str]) -> Html:
    """Items one to a line (``<br>`` between them); an en dash when there are none.

    >>> lines(["a", "<b>"]), lines([])
    ('a<br>&lt;b&gt;', '–')
    """
    items = list(items)
    return Html("<br>".join(html.escape(i) for i in items) if items else "–")


def money_cell(value: float | None) -> str:
    """Money for a table: £1.2m, with small non-zero sums shown as "under £0.1m", not £0.0m.

    >>> money_cell(1_234_567), money_cell(30_000), money_cell(-30_000), money_cell(0)
    ('£1.2m', 'under £0.1m', 'under −£0.1m', '£0.0m')
    """
    if value is not None and value == value and 0 < abs(value) < 50_000:
        return "under £0.1m" if value > 0 else f"under {MINUS}£0.1m"
    return money(value)


def cards(figures: Iterable[tuple[str, str]]) -> str:
    """Headline figures as a row of cards: ``(value, label)`` pairs, both escaped.

    >>> cards([("£1.2m", "gap <2024>")])
    '<div class="planlib-cards"><div class="planlib-card"><div class="planlib-figure">£1.2m</div><div class="planlib-card-label">gap &lt;2024&gt;</div></div></div>'
    """
    body = "".join(
        f'<div class="planlib-card"><div class="planlib-figure">{html.escape(value)}</div>'
        f'<div class="planlib-card-label">{html.escape(label)}</div></div>'
        for value, label in figures
    )
    return f'<div class="planlib-cards">{body}</div>'


def heading(title: str, level: int = 2, css_class: str = "") -> str:
    """A heading, escaped.

    >>> heading("Costs & benefits"), heading("x", 3, "planlib-picked")
    ('<h2>Costs &amp; benefits</h2>', '<h3 class="planlib-picked">x</h3>')
    """
    attr = f' class="{html.escape(css_class)}"' if css_class else ""
    return f"<h{level}{attr}>{html.escape(title)}</h{level}>"


def paragraph(text: object, css_class: str = "", strong: bool = False) -> str:
    """A paragraph of text (escaped unless :class:`Html`), in bold if ``strong``.

    >>> paragraph("a < b", "planlib-note"), paragraph("Gap", strong=True)
    ('<p class="planlib-note">a &lt; b</p>', '<p><strong>Gap</strong></p>')
    """
    attr = f' class="{html.escape(css_class)}"' if css_class else ""
    body = f"<strong>{escape(text)}</strong>" if strong else escape(text)
    return f"<p{attr}>{body}</p>"


def note(text: str) -> str:
    """The short explanation under a section's heading."""
    return paragraph(text, "planlib-note")


def banner(text: object, strong: bool = False) -> str:
    """A paragraph a reader must not miss (an orange bar at its left)."""
    return paragraph(text, "planlib-banner", strong)


def label_with_description(label: str, description: str) -> Html:
    """A label in bold, with its description (if any) in small type under it.

    >>> label_with_description("Volume", "Robberies <prevented>")
    '<strong>Volume</strong><br><small>Robberies &lt;prevented&gt;</small>'
    """
    text = f"<strong>{html.escape(label)}</strong>"
    if description:
        text += f"<br><small>{html.escape(description)}</small>"
    return Html(text)


APP_CSS = """
<style>
.planlib-app { color: #1f1f1f; font-size: 14px; max-width: 1320px; }
.planlib-app .widget-html-content { line-height: 1.45; }
.planlib-app h2 { color: #1b4f72; font-size: 1.3em; margin: 14px 0 4px 0;
  border-bottom: 2px solid #1b4f72; padding-bottom: 2px; }
.planlib-app h3 { font-size: 1.05em; margin: 10px 0 2px 0; }
.planlib-app .planlib-note { color: #4a4a4a; margin: 2px 0 6px 0; max-width: 95ch; }
.planlib-app p { margin: 2px 0 6px 0; }
.planlib-app table.planlib-table { border-collapse: collapse; margin: 2px 0 8px 0; }
.planlib-app table.planlib-table th { text-align: left; vertical-align: bottom; font-weight: 600;
  border-bottom: 1px solid #8c8c8c; padding: 4px 8px; }
.planlib-app table.planlib-table td { text-align: left; vertical-align: top; padding: 3px 8px;
  border-bottom: 1px solid #e3e3e3; }
.planlib-app table.planlib-table tbody tr:nth-child(even) { background: #f7f7f7; }
.planlib-app table.planlib-table .num { text-align: right; white-space: nowrap; }
.planlib-app table.planlib-table .nowrap { white-space: nowrap; }
.planlib-app table.planlib-coverage td:nth-child(2) { width: 32%; }
.planlib-app table.planlib-table ul { margin: 0; padding-left: 1.1em; }
.planlib-app .planlib-cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 4px 0 6px 0; }
.planlib-app .planlib-card { border: 1px solid #cfd8e3; border-radius: 6px; padding: 6px 12px;
  min-width: 120px; background: #fbfcfe; }
.planlib-app .planlib-figure { font-size: 1.4em; font-weight: 600; color: #1b4f72; }
.planlib-app .planlib-card-label { color: #4a4a4a; }
.planlib-app .planlib-status { display: inline-block; padding: 0 6px; border-radius: 3px;
  font-size: 0.9em; font-weight: 600; white-space: nowrap; }
.planlib-app .planlib-status-verified { background: #dcefe3; color: #1e5631; }
.planlib-app .planlib-status-estimate { background: #dfeaf6; color: #1b4f72; }
.planlib-app .planlib-status-illustrative { background: #fde7c8; color: #6b3d00; }
.planlib-app .planlib-status-unverified { background: #f8d3d1; color: #7f1a1a; }
.planlib-app .planlib-rag { display: inline-block; padding: 0 6px; border-radius: 3px; font-weight: 600;
  font-size: 0.9em; white-space: nowrap; }
.planlib-app .planlib-rag-green { background: #dcefe3; color: #1e5631; }
.planlib-app .planlib-rag-amber { background: #fde7c8; color: #6b3d00; }
.planlib-app .planlib-rag-red { background: #f8d3d1; color: #7f1a1a; }
.planlib-app .planlib-rag-no-data { background: #eeeeee; color: #4a4a4a; }
.planlib-app .planlib-banner { background: #fff5e6; border-left: 5px solid #e69f00;
  padding: 6px 12px; margin: 4px 0 8px 0; max-width: 110ch; }
.planlib-app .planlib-filters { align-items: flex-end; gap: 6px 16px; }
.planlib-app .planlib-message { font-weight: 600; margin: 2px 0; }
</style>
"""
"""Styles of the board apps' widgets, scoped to ``.planlib-app`` (widget HTML sits outside the
notebook's rendered-HTML styles, so the template's table styles do not reach it)."""
