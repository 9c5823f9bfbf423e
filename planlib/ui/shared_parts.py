"""Fewer widget models per page: plain texts, checkboxes and buttons share their layout and style.

Every ipywidgets widget comes with a layout model and most with a style model of their own, and
the page builds all of them before it shows anything: the scenario explorer's page held 564
models, 317 of them the layouts and styles of its texts, checkboxes and buttons, nearly all
alike. :func:`share_plain_parts` gives the widgets of those kinds under an app's root one
layout (and one style) for each distinct look, closes the ones they no longer need, and
freezes the shared ones: a later ``widget.layout.display = "none"`` would hide every widget
sharing it, so it raises instead (give that widget a layout of its own: ``widget.layout =
Layout(...)``).

Boxes keep their own layouts (an app shows and hides panels through them), and so does any
widget of another kind.

>>> import ipywidgets as widgets
>>> texts = [widgets.HTML("<p>a</p>"), widgets.HTML("<p>b</p>"), widgets.HTML(layout=widgets.Layout(width="90px"))]
>>> boxes = [widgets.Checkbox(description=d, layout=widgets.Layout(width="auto")) for d in "xyz"]
>>> root = widgets.VBox([*texts, *boxes])
>>> share_plain_parts(root)   # 1 + 2 of the texts' layouts and styles, 2 + 2 of the checkboxes'
7
>>> texts[0].layout is texts[1].layout is not texts[2].layout, boxes[0].style is boxes[2].style
(True, True)
>>> texts[0].layout.width = "10px"
Traceback (most recent call last):
...
TypeError: this layout is shared by several widgets: give the widget a layout of its own (widget.layout = Layout(...)) to change it
>>> texts[1].layout.width is None
True
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ipywidgets as widgets

PLAIN_KINDS = (widgets.HTML, widgets.Label, widgets.Checkbox, widgets.Button)
"""The widgets whose layout and style are shared: the many texts and ticks of a page, which apps
never restyle in place."""

_FROZEN = "_planlib_shared"


def _refuse_changes(part: widgets.Widget) -> None:
    """Make ``part`` (a layout or style) refuse any change to what the page shows of it."""
    synced = set(part.keys)

    kind, made = ("layout", "Layout(...)") if isinstance(part, widgets.Layout) else ("style", "{...}")

    def refuse(_part: Any, _proposal: Any) -> None:
        raise TypeError(f"this {kind} is shared by several widgets: give the widget a {kind} of its own "
                        f"(widget.{kind} = {made}) to change it")

    # A validator runs before the value is set (and sent to the page); an observer would run after.
    part._register_validator(refuse, tuple(sorted(synced - {
        "_model_module", "_model_module_version", "_model_name", "_view_module", "_view_module_version",
        "_view_name"})))
    setattr(part, _FROZEN, True)


def widgets_under(root: widgets.Widget) -> Iterator[widgets.Widget]:
    """``root`` and every widget under it (children, and widgets held in other synced traits), once each."""
    seen: set[str] = set()
    stack = [root]
    while stack:
        widget = stack.pop()
        if not isinstance(widget, widgets.Widget) or widget.model_id in seen:
            continue
        seen.add(widget.model_id)
        yield widget
        for name in widget.keys:
            value = getattr(widget, name, None)
            stack.extend(value if isinstance(value, (list, tuple)) else [value])


def _look(part: widgets.Widget) -> tuple[Any, ...]:
    """What a layout or style shows, as a key: its class and the state the page gets."""
    state = part.get_state()
    return (type(part), tuple(sorted((name, repr(value)) for name, value in state.items())))


def share_plain_parts(root: widgets.Widget) -> int:
    """Give the texts, labels, checkboxes and buttons under ``root`` one shared layout and style for
    each distinct look; returns how many layout and style models were closed.

    Call it once the app's widgets are built (and again after building more: parts already
    shared stay as they are). A layout or style held by anything else than these widgets is
    left alone.
    """
    tree = list(widgets_under(root))
    plain = [w for w in tree if isinstance(w, PLAIN_KINDS)]
    shared: dict[tuple[Any, ...], widgets.Widget] = {}
    replaced: dict[str, widgets.Widget] = {}
    for widget in plain:
        for trait in ("layout", "style"):
            part = getattr(widget, trait, None)
            if not isinstance(part, widgets.Widget) or part.comm is None:
                continue
            canonical = shared.setdefault(_look(part), part)
            if canonical is not part:
                setattr(widget, trait, canonical)
                replaced[part.model_id] = part
    for part in shared.values():
        if not getattr(part, _FROZEN, False):
            _refuse_changes(part)
    still_used = {getattr(w, trait).model_id for w in tree for trait in ("layout", "style")
                  if isinstance(getattr(w, trait, None), widgets.Widget)}
    closed = 0
    for model_id, part in replaced.items():
        if model_id not in still_used:
            part.close()
            closed += 1
    return closed
