"""Accessible building blocks of the board apps: a slider with a number box, a chart with its
figures, a table that downloads as CSV.

Every app builds its controls, charts and tables from these parts, so that they look and behave
the same everywhere and meet WCAG 2.2 AA:

- :func:`number_slider`: a slider paired with a labelled number box kept in step (SC 2.5.7: no
  value needs dragging; arrow keys move the slider, a figure can be typed in the box). Both have
  an accessible name: the box through its own (visually hidden) label, the slider's handle
  through the label beside it (planlib's Voila template names each ``noUi-handle`` after its
  slider's label, which ipywidgets does not do).
- :func:`chart_block`: an altair chart with a text description of what it shows, a "Show the
  figures as a table" disclosure holding an accessible table of the figures, and a "Download
  the figures (CSV)" link (SC 1.1.1: a text alternative; 1.4.1: colour is not the only carrier).
- :func:`table_block`: an accessible table with a caption and the same CSV download.

The download is a ``data:`` address built here: the browser saves the file itself, with no
round trip to the server, no file written and nothing fetched from elsewhere. A cell of text
that a spreadsheet would read as a formula (``=``, ``+``, ``@``...) is written with a leading
apostrophe so that opening the file runs nothing.

>>> import pandas as pd
>>> block = table_block(pd.DataFrame({"Year": ["2022/23"], "Gap": [1_200_000.0]}),
...                     caption="Budget gap", csv_name="budget gap", money=["Gap"])
>>> "<caption>Budget gap</caption>" in block.value and "£1.2m" in block.value
True
>>> 'download="budget_gap.csv"' in block.value
True
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote

import altair as alt
import ipywidgets as widgets
import pandas as pd
import traitlets

from planlib.formats import money as format_money
from planlib.present.text import table_csv
from planlib.ui import chart_widget, log, readable

SHOW_TABLE = "Show the figures as a table"
DOWNLOAD_CSV = "Download the figures (CSV)"
_CURRENCY = {"£", "$", "€"}


class Guarded:
    """A widget that turns a value its own type refuses (sent by a viewer) into a message.

    ipywidgets applies a viewer's change in ``set_state``; a value of the wrong type raises
    there, before any observer runs, and would only reach the kernel's log. Here it is logged,
    the viewer's control is put back to the value in use, and ``on_rejected`` (if set) is called,
    to show a message.
    """

    on_rejected: Callable[[], None] | None = None

    def set_state(self, sync_data: dict[str, Any]) -> None:
        try:
            super().set_state(sync_data)  # type: ignore[misc]
        except Exception:  # noqa: BLE001 - a viewer's bad value must not escape as a traceback
            log.warning("rejected a value sent to %s: %r", type(self).__name__, sync_data, exc_info=True)
            self.send_state()  # type: ignore[attr-defined]
            if self.on_rejected is not None:
                self.on_rejected()


class _FloatSlider(Guarded, widgets.FloatSlider):
    pass


class _IntSlider(Guarded, widgets.IntSlider):
    pass


class _FloatBox(Guarded, widgets.BoundedFloatText):
    pass


class _IntBox(Guarded, widgets.BoundedIntText):
    pass


class NumberSlider(widgets.HBox):
    """A labelled slider and number box that hold one value (see :func:`number_slider`).

    Use it as a slider: ``.value``, ``.observe(callback, names="value")`` (the change's owner
    is this widget), ``.disabled``, ``.set_state({"value": ...})``; ``.slider`` and ``.box``
    are its two parts, ``.on_rejected`` is called when a viewer sends a value neither accepts.
    """

    value = traitlets.Any()
    disabled = traitlets.Bool(False)

    def __init__(self, slider: widgets.Widget, box: widgets.Widget, unit: str = "") -> None:
        self.slider, self.box = slider, box
        parts: list[widgets.Widget] = [slider]
        if unit in _CURRENCY:
            parts.append(widgets.HTML(f'<span class="planlib-unit" aria-hidden="true">{html.escape(unit)}</span>'))
            parts.append(box)
        else:
            parts.append(box)
            if unit:
                parts.append(widgets.HTML(f'<span class="planlib-unit">{html.escape(unit)}</span>'))
        super().__init__(parts, layout=widgets.Layout(align_items="center", flex="0 0 auto"))
        self.add_class("planlib-number-slider")
        self.value = slider.value
        self._syncing = False
        for part in (self, slider, box):
            part.observe(self._sync, names="value")
        widgets.dlink((self, "disabled"), (slider, "disabled"))
        widgets.dlink((self, "disabled"), (box, "disabled"))

    def _sync(self, change: Mapping[str, Any]) -> None:
        """Keep the three values in step (registered first, so the parts agree before any
        observer of the pair runs). NaN counts as equal to itself, so a bad value can be put back."""
        if self._syncing:
            return
        self._syncing = True
        try:
            for part in (self.slider, self.box, self):
                if part is not change["owner"] and not _same(part.value, change["new"]):
                    part.value = change["new"]
        finally:
            self._syncing = False

    @property
    def description(self) -> str:
        """The visible label (the slider's description)."""
        return self.slider.description

    @property
    def on_rejected(self) -> Callable[[], None] | None:
        return self.slider.on_rejected

    @on_rejected.setter
    def on_rejected(self, callback: Callable[[], None] | None) -> None:
        self.slider.on_rejected = callback
        self.box.on_rejected = callback

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """A value sent for the pair goes to the slider (guarded); the rest to the box itself."""
        sync_data = dict(sync_data)
        if "value" in sync_data:
            self.slider.set_state({"value": sync_data.pop("value")})
        if sync_data:
            super().set_state(sync_data)


def _same(a: Any, b: Any) -> bool:
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


def number_slider(description: str, value: float, min: float, max: float, step: float, *,  # noqa: A002
                  unit: str = "", readout_format: str = ".2f", name: str = "",
                  label_width: str = "70px", slider_width: str = "210px") -> NumberSlider:
    """A slider paired with a labelled number box kept in step, both with an accessible name.

    Parameters
    ----------
    description : str
        The visible label, beside the slider (e.g. "2022/23" or "Grant").
    value, min, max, step : float or int
        As for an ipywidgets slider; whole numbers throughout give an integer slider and box.
    unit : str, optional
        The unit, shown beside the number box: a currency sign before it, other units after it
        ("%", "officers").
    readout_format : str
        The slider's number format (Python format mini-language), for the slider's value text.
    name : str, optional
        The accessible name of both parts when ``description`` alone would be ambiguous
        ("Band D increase in 2022/23"); ``description`` by default. It is also the slider
        label's tooltip.
    label_width, slider_width : str
        CSS widths of the label and of the slider track.

    Returns
    -------
    NumberSlider

    Examples
    --------
    >>> officers = number_slider("Officers", 450, 0, 450, 10, unit="officers")
    >>> officers.box.value = 380          # typed into the box
    >>> officers.value, officers.slider.value
    (380, 380)
    >>> officers.value = 400              # set from Python
    >>> officers.box.value
    400
    >>> precept = number_slider("2022/23", 10.0, 0.0, 30.0, 0.5, unit="£",
    ...                         name="Band D increase in 2022/23")
    >>> precept.box.description
    'Band D increase in 2022/23 (£)'
    """
    integer = all(isinstance(x, int) and not isinstance(x, bool) for x in (value, min, max, step))
    slider_kind, box_kind = (_IntSlider, _IntBox) if integer else (_FloatSlider, _FloatBox)
    if integer and readout_format == ".2f":
        readout_format = "d"
    accessible = name or description
    slider = slider_kind(value=value, min=min, max=max, step=step, description=description, readout=False,
                         readout_format=readout_format, continuous_update=False, tooltip=accessible,
                         layout=widgets.Layout(width=f"calc({label_width} + {slider_width})"),
                         style={"description_width": label_width})
    box_label = f"{accessible} ({unit})" if unit else accessible
    box = box_kind(value=value, min=min, max=max, step=step, description=box_label,
                   layout=widgets.Layout(width="90px"), style={"description_width": "0px"})
    box.add_class("planlib-number-box")  # its label is visually hidden by the template's style
    return NumberSlider(slider, box, unit)


# ----------------------------------------------------------------------------- tables


def _cell(value: Any, formatter: Callable[[Any], str] | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if formatter is not None:
        return formatter(value)
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    return str(value)


def table_html(table: pd.DataFrame, caption: str = "", formats: Mapping[str, Callable[[Any], str]] | None = None) -> str:
    """An accessible HTML table of ``table``: a caption, header cells with ``scope``, figures
    aligned right, every cell escaped.

    Parameters
    ----------
    table : DataFrame
        Columns titled for a reader; the index is not shown.
    caption : str
        What the table holds.
    formats : mapping, optional
        Column title -> a function writing its values (``planlib.formats.money`` for money).

    Examples
    --------
    >>> print(table_html(pd.DataFrame({"Theme": ["<b>"], "Responses": [12]}), caption="Themes"))
    <table class="planlib-table planlib-kit-table">
    <caption>Themes</caption>
    <thead><tr><th scope="col">Theme</th><th scope="col" class="num">Responses</th></tr></thead>
    <tbody>
    <tr><td>&lt;b&gt;</td><td class="num">12</td></tr>
    </tbody>
    </table>
    """
    formats = dict(formats or {})
    numeric = {c for c in table.columns if c in formats or pd.api.types.is_numeric_dtype(table[c])}
    numeric -= {c for c in table.columns if pd.api.types.is_bool_dtype(table[c])}
    lines = ['<table class="planlib-table planlib-kit-table">']
    if caption:
        lines.append(f"<caption>{html.escape(caption)}</caption>")
    num = ' class="num"'
    heads = "".join(f'<th scope="col"{num if c in numeric else ""}>{html.escape(str(c))}</th>' for c in table.columns)
    lines.append(f"<thead><tr>{heads}</tr></thead>")
    lines.append("<tbody>")
    for row in table.itertuples(index=False, name=None):
        cells = "".join(f'<td{num if c in numeric else ""}>{html.escape(_cell(v, formats.get(c)))}</td>'
                        for c, v in zip(table.columns, row))
        lines.append(f"<tr>{cells}</tr>")
    if table.empty:
        lines.append(f'<tr><td colspan="{max(len(table.columns), 1)}">Nothing to show.</td></tr>')
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def csv_text(table: pd.DataFrame) -> str:
    """``table`` as CSV text, with text a spreadsheet would run as a formula made inert
    (:func:`planlib.present.text.table_csv`).

    >>> print(csv_text(pd.DataFrame({"Name": ["=HYPERLINK(1)", "Victims"], "Cost": [-2.5, 3.0]})), end="")
    Name,Cost
    '=HYPERLINK(1),-2.5
    Victims,3.0
    """
    return table_csv(table)


def csv_file_name(name: str) -> str:
    """A safe file name for a download: letters, digits, ``_`` and ``-``, ending ``.csv``.

    >>> csv_file_name("Budget gap: 2022/23 <b>"), csv_file_name("")
    ('Budget_gap_2022_23_b.csv', 'figures.csv')
    """
    stem = re.sub(r"[^A-Za-z0-9-]+", "_", name.removesuffix(".csv")).strip("_")[:80]
    return f"{stem or 'figures'}.csv"


def download_link(table: pd.DataFrame, csv_name: str, text: str = DOWNLOAD_CSV) -> str:
    """A link that saves ``table`` as a CSV file in the browser (a ``data:`` address; nothing
    is fetched or written on the server).

    >>> download_link(pd.DataFrame({"A": [1]}), "a")
    '<a class="planlib-download" download="a.csv" href="data:text/csv;charset=utf-8,A%0A1%0A">Download the figures (CSV)</a>'
    """
    href = "data:text/csv;charset=utf-8," + quote(csv_text(table), safe="")
    return (f'<a class="planlib-download" download="{html.escape(csv_file_name(csv_name))}" '
            f'href="{html.escape(href)}">{html.escape(text)}</a>')


def _formats(money: Iterable[str], formats: Mapping[str, Callable[[Any], str]] | None) -> dict[str, Callable[[Any], str]]:
    return {**{c: format_money for c in money}, **dict(formats or {})}


class TableBlock(widgets.HTML):
    """An accessible table with its caption and a CSV download (see :func:`table_block`)."""

    def show(self, table: pd.DataFrame, csv: pd.DataFrame | None = None) -> None:
        """Show ``table`` (and offer ``csv``, by default the same figures) in place of the last."""
        self.table = table
        region = (f'<div class="planlib-table-scroll" role="region" tabindex="0" '
                  f'aria-label="{html.escape(self.caption or "Table")}">'
                  f"{table_html(table, self.caption, self.formats)}</div>")
        self.value = region + f'<p class="planlib-download-line">{download_link(table if csv is None else csv, self.csv_name)}</p>'


def table_block(table: pd.DataFrame, *, caption: str, csv_name: str, money: Iterable[str] = (),
                formats: Mapping[str, Callable[[Any], str]] | None = None,
                csv: pd.DataFrame | None = None) -> TableBlock:
    """An accessible table with a caption and a "Download the figures (CSV)" link.

    Parameters
    ----------
    table : DataFrame
        The figures, with columns titled for a reader.
    caption : str
        What the table holds.
    csv_name : str
        The downloaded file's name (made safe; ``.csv`` added).
    money : iterable of str
        Columns of pounds, written by :func:`planlib.formats.money` on the page; the CSV keeps
        them whole.
    formats : mapping, optional
        Other columns' formatters.
    csv : DataFrame, optional
        What the download holds, if not ``table`` itself.

    Returns
    -------
    TableBlock
        An HTML widget; ``.show(new_table)`` redraws it.

    Examples
    --------
    >>> block = table_block(pd.DataFrame({"Year": ["2022/23"]}), caption="Years", csv_name="years")
    >>> block.show(pd.DataFrame({"Year": ["2023/24"]}))
    >>> "2023/24" in block.value and "2022/23" not in block.value
    True
    """
    block = TableBlock()
    block.caption, block.csv_name, block.formats = caption, csv_name, _formats(money, formats)
    block.add_class("planlib-table-block")
    block.show(table, csv)
    return block


# ----------------------------------------------------------------------------- charts


class ChartBlock(widgets.VBox):
    """A chart with its description, its figures as a table and a CSV download (see :func:`chart_block`).

    ``.chart`` is the live chart widget; :meth:`update` redraws any of the three.
    """

    def update(self, chart: alt.TopLevelMixin | None = None, description: str | None = None,
               table: pd.DataFrame | None = None, csv: pd.DataFrame | None = None) -> None:
        """Redraw the chart, the description or the table (whichever are given) in place."""
        if description is not None:
            self.description = description
            self.description_html.value = f'<p class="planlib-chart-description">{html.escape(description)}</p>'
        if chart is not None:
            self.chart.chart = _described(readable(chart), self.title, self.description)
        if table is not None:
            self.table = table
            self.figures.value = (f'<details class="planlib-figures"><summary>{SHOW_TABLE}</summary>'
                                  f'<div class="planlib-table-scroll">{table_html(table, self.title, self.formats)}</div>'
                                  f"</details>")
            self.download.value = f'<p class="planlib-download-line">{download_link(table if csv is None else csv, self.csv_name)}</p>'


def _described(chart: alt.TopLevelMixin, title: str, description: str) -> alt.TopLevelMixin:
    """The chart with its description as the SVG's accessible name (Vega's ``description``)."""
    try:
        return chart.properties(description=f"{title}. {description}" if title else description)
    except Exception:  # noqa: BLE001 - a chart type without properties keeps its own name
        return chart


def chart_block(chart: alt.TopLevelMixin, *, description: str, table: pd.DataFrame, title: str, csv_name: str,
                money: Iterable[str] = (), formats: Mapping[str, Callable[[Any], str]] | None = None,
                csv: pd.DataFrame | None = None, css_class: str = "planlib-chart", level: int = 3) -> ChartBlock:
    """An altair chart with a text description, a "Show the figures as a table" disclosure and a
    "Download the figures (CSV)" link.

    Parameters
    ----------
    chart : altair chart
        Drawn live, offline, as SVG (:func:`planlib.ui.chart_widget`).
    description : str
        One or two sentences: what the chart shows and its key figures, for anyone who cannot
        see it (also the chart's accessible name).
    table : DataFrame
        The chart's figures with columns titled for a reader.
    title : str
        The chart's heading (at ``level``) and the table's caption.
    csv_name : str
        The downloaded file's name.
    money, formats, csv
        As for :func:`table_block`.
    css_class : str
        A class for the chart widget, to find it by.
    level : int
        The heading level of the title (0: no heading, when the section's heading names the chart).

    Returns
    -------
    ChartBlock

    Examples
    --------
    >>> import altair as alt
    >>> figures = pd.DataFrame({"Financial year": ["2022/23", "2023/24"], "Budget gap": [2.0e6, -1.0e6]})
    >>> chart = alt.Chart(figures).mark_bar().encode(x="Financial year:O", y="Budget gap:Q")
    >>> block = chart_block(chart, description="The gap closes by 2023/24.", table=figures,
    ...                     title="Budget gap by year", csv_name="budget_gap", money=["Budget gap"])
    >>> SHOW_TABLE in block.figures.value and "−£1.0m" in block.figures.value
    True
    >>> block.update(description="The gap stays open.")
    >>> "stays open" in block.description_html.value
    True
    """
    block = ChartBlock()
    block.title, block.description, block.csv_name = title, description, csv_name
    block.formats = _formats(money, formats)
    block.chart = chart_widget(_described(chart, title, description), css_class)
    block.description_html, block.figures, block.download = widgets.HTML(), widgets.HTML(), widgets.HTML()
    block.update(description=description, table=table, csv=csv)
    heading = [widgets.HTML(f"<h{level}>{html.escape(title)}</h{level}>")] if level and title else []
    block.children = [*heading, block.description_html, block.chart, block.figures, block.download]
    block.add_class("planlib-chart-block")
    return block
