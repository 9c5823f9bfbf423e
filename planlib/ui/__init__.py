"""Shared wiring of the board apps: safe callbacks, messages, sections, live charts.

The apps in ``voila_apps/`` are thin notebooks; how they react lives in this package, one
module per app (:mod:`planlib.ui.overview`, :mod:`planlib.ui.net_benefit`,
:mod:`planlib.ui.compliance`, :mod:`planlib.ui.consultation`, the scenario explorer's
``planlib.ui.scenario_*``). What they show is written by :mod:`planlib.present` (money by
:mod:`planlib.formats`, tables, badges and cards by :mod:`planlib.present.html`) and
drawn by :mod:`planlib.charts`. Everything a viewer can send through the widget protocol
passes through :func:`safe` or a ``validate_*`` function: a bad value or a failure is logged
on the server and shown as a short, friendly message, never as a traceback. No text a viewer
types becomes code, a file path or SQL.

>>> validate_choice("partnership", ["governance", "partnership"], "The workstream")
'partnership'
"""

from __future__ import annotations

import functools
import html
import logging
import math
import sys
from typing import Any, Callable

import altair as alt
import ipywidgets as widgets

from planlib.charts.base import EMBED_OPTIONS, enable_offline_widgets
from planlib.present.html import heading, note as note_html
from planlib.serving import chart_bundle

log = logging.getLogger("planlib.ui")

FRIENDLY_ERROR = "Sorry, that could not be done. The problem has been logged; please try another value."


def log_to_server() -> None:
    """Send the apps' log (``planlib.ui``) to the kernel's own stderr, which Voila writes to its log.

    Inside a kernel ``sys.stderr`` is a stream to the browser, and a logger with no handler of
    its own falls back to it, so a logged error would go to the page (or, from a widget
    callback, nowhere). Calling this twice adds one handler only.
    """
    logger = logging.getLogger("planlib.ui")
    if sys.__stderr__ is None or any(getattr(h, "planlib_server_log", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.__stderr__)
    handler.planlib_server_log = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)


def enable_charts() -> None:
    """Render altair charts offline (Vega from the local vl-convert bundle, not a CDN)."""
    enable_offline_widgets(served_at=chart_bundle.served_at())
    alt.renderers.enable("jupyter", offline=True, embed_options=EMBED_OPTIONS)


class Messages(widgets.HTML):
    """A line of status or error text under a control panel."""

    def show(self, text: str, kind: str = "info") -> None:
        """Show ``text`` (escaped); ``kind`` is info, warning or error."""
        colour = {"info": "#1b4f72", "warning": "#7d5100", "error": "#a4262c"}.get(kind, "#1b4f72")
        self.value = f'<p class="planlib-message planlib-{kind}" style="color:{colour}">{html.escape(text)}</p>'

    def clear(self) -> None:
        self.value = ""


def safe(messages: Messages) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a widget callback: any error is logged and shown as a friendly message.

    A :class:`ValueError` raised on purpose (a value out of range, say) shows its own message,
    which must be written for a reader; anything else shows :data:`FRIENDLY_ERROR`.

    >>> m = Messages()
    >>> @safe(m)
    ... def handler(change):
    ...     raise ValueError("The precept increase must be between £0 and £30.")
    >>> handler({"new": 99})
    >>> "between £0 and £30" in m.value
    True
    """

    def decorate(callback: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(callback)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return callback(*args, **kwargs)
            except ValueError as exc:
                log.warning("rejected input in %s: %s", callback.__name__, exc)
                messages.show(str(exc), "error")
            except Exception:  # noqa: BLE001 - a viewer must never see a traceback
                log.exception("error in %s", callback.__name__)
                messages.show(FRIENDLY_ERROR, "error")
            return None

        return wrapper

    return decorate


def validate_number(value: Any, low: float, high: float, what: str) -> float:
    """``value`` as a finite number within ``[low, high]``, or ValueError with a reader's message.

    >>> validate_number(12, 0, 30, "The Band D increase")
    12.0
    >>> validate_number("1; import os", 0, 30, "The Band D increase")
    Traceback (most recent call last):
    ...
    ValueError: The Band D increase must be a number.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} must be a number.")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(f"{what} must be between {low:g} and {high:g}.")
    return number


def validate_choice(value: Any, choices: list[str] | tuple[str, ...], what: str) -> str:
    """``value`` if it is one of ``choices``; ValueError otherwise.

    >>> validate_choice("a", ["a", "b"], "The commitment")
    'a'
    """
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{what} is not one of the choices offered.")
    return value


def live_chart(chart: alt.TopLevelMixin) -> alt.JupyterChart:
    """A chart widget that can be redrawn in place (``widget.chart = new_chart``), offline.

    Its JavaScript is the bundle from planlib's cache (not built again in every kernel); in an
    app served by planlib's server, a short module that imports the bundle the server serves,
    once for the whole page (:mod:`planlib.serving.chart_bundle`).
    """
    enable_offline_widgets(served_at=chart_bundle.served_at())
    return alt.JupyterChart(chart, embed_options=EMBED_OPTIONS)


def readable(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """``chart`` with type large enough to read on a laptop screen (Vega's defaults are 10-11 px)."""
    return (chart.configure_axis(labelFontSize=12, titleFontSize=12)
            .configure_legend(labelFontSize=12, titleFontSize=12, labelLimit=320)
            .configure_title(fontSize=15, subtitleFontSize=12.5, subtitleColor="#333333"))


def chart_widget(chart: alt.TopLevelMixin, css_class: str) -> alt.JupyterChart:
    """A live chart (:func:`live_chart`) drawn as SVG, with a CSS class to find it by.

    SVG stays sharp at any zoom and its words are text a reader can select and a test can read.
    """
    widget = live_chart(readable(chart))
    widget.embed_options = {**EMBED_OPTIONS, "renderer": "svg"}
    widget.add_class(css_class)
    return widget


def section(title: str, *children: widgets.Widget, note: str = "") -> widgets.VBox:
    """A titled block of the page, with a short note under its title."""
    parts: list[widgets.Widget] = [widgets.HTML(heading(title))]
    if note:
        parts.append(widgets.HTML(note_html(note)))
    return widgets.VBox([*parts, *children], layout=widgets.Layout(margin="0 0 16px 0"))
