"""The scenario explorer's store panel: save the settings as a named scenario, list, choose and load saved ones.

Saved scenarios go to the shared :class:`~planlib.io.store.ScenarioStore`. A scenario name a
viewer types is ordinary words ("Precept plus 12": letters of any alphabet, digits, spaces and
common punctuation, see :mod:`planlib.io.store_names`), is stored as data and escaped wherever
it is shown: no text a viewer types becomes code, a file path or SQL. A name that differs from
a saved one only in case or spacing saves a new version of that one. A store that fails (its
database gone away) becomes a short message without its location; the app still runs without
a store.

>>> check_name(" Precept  plus 12 "), check_author("  A. Finance Officer ")
('Precept plus 12', 'A. Finance Officer')
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pandas as pd

from planlib.errors import PlanError, StoreError
from planlib.io.store_names import check_scenario_name, scenario_id
from planlib.scenario import ScenarioStore
from planlib.scenario import Scenario
from planlib.ui import Messages
from planlib.ui.kit import download_link
from planlib.ui.scenario_controls import Dropdown, guard, note, text_box

log = logging.getLogger("planlib.ui.scenario_explorer")

MAX_AUTHOR_LENGTH = 100
SAVED_ROWS_SHOWN = 8
NAME_PLACEHOLDER = "e.g. Precept plus 12"


def check_name(name: Any) -> str:
    """A scenario name typed by a viewer, tidied and checked; ValueError with a reader's message.

    The id of the scenario record saved under it is :func:`~planlib.io.store_names.scenario_id`.
    """
    return check_scenario_name(name)


def check_author(author: Any) -> str:
    """Who is saving, as a viewer typed it, checked; ValueError with a reader's message."""
    if not isinstance(author, str) or not author.strip():
        raise ValueError("Please give your name, so that others know who saved the scenario.")
    author = author.strip()
    if len(author) > MAX_AUTHOR_LENGTH or any(ch < " " or ch == "\x7f" for ch in author):
        raise ValueError(f"Your name must be one line of at most {MAX_AUTHOR_LENGTH} characters.")
    return author


def save_in(store: ScenarioStore, scenario: Scenario, author: str, what: str, name: str | None = None) -> int:
    """Save ``scenario`` (under ``name``, in ordinary words, if given) and return its version;
    a store that fails becomes a reader's message."""
    try:
        return store.save(scenario, author, name=name)
    except StoreError:
        log.exception("cannot save %s %r", what, scenario.name)
        raise ValueError(f"The {what} could not be saved: the scenario store is not available just now. "
                         "Please try again, or tell the finance team.") from None


def open_store() -> ScenarioStore | None:
    """The shared scenario store (``PLANLIB_STORE`` or the default), or None if it cannot be opened.

    The app still runs without a store; saving and loading then say that they are unavailable.
    """
    try:
        return ScenarioStore()
    except StoreError:
        log.exception("cannot open the scenario store")
        return None


def _saved_html(saved: pd.DataFrame) -> str:
    if saved.empty:
        return '<p class="planlib-note">No scenarios have been saved yet.</p>'
    recent = saved.sort_values("saved_at", ascending=False, kind="stable").head(SAVED_ROWS_SHOWN)
    rows = "".join(
        f"<tr><td>{html.escape(r.name)}</td><td class=\"num\">{r.version}</td><td>{html.escape(r.author)}</td>"
        f"<td>{r.saved_at.strftime('%-d %b %Y %H:%M')}</td><td>{html.escape(r.description)}</td></tr>"
        for r in recent.itertuples()
    )
    more = len(saved) - len(recent)
    extra = f'<p class="planlib-note">And {more} older saved versions.</p>' if more > 0 else ""
    listing = saved.rename(columns={"name": "Name", "version": "Version", "author": "Saved by",
                                    "saved_at": "Saved (UTC)", "description": "What it changes"})
    listing["Saved (UTC)"] = listing["Saved (UTC)"].dt.strftime("%Y-%m-%d %H:%M")
    extra += f'<p class="planlib-download-line">{download_link(listing, "saved_scenarios")}</p>'
    return ("<h3>Recently saved</h3><table class=\"planlib-figures planlib-saved\"><tr><th>Name</th>"
            '<th class="num">Version</th><th>Saved by</th><th>Saved (UTC)</th><th>What it changes</th></tr>'
            f"{rows}</table>{extra}")


class StorePanel:
    """Saving the settings, and the list of saved scenarios to choose from.

    Parameters
    ----------
    store : ScenarioStore or None
        Where scenarios are saved; without one, saving and loading say so.

    Attributes
    ----------
    scenario_name, author : Text
        The name to save under and who is saving (``messages`` says how it went).
    saved_choice : Dropdown
        The saved scenario chosen, ``(name, version)`` (``compare_messages`` is under it).
    saved_table : ipywidgets.HTML
        The most recently saved versions.
    """

    def __init__(self, store: ScenarioStore | None) -> None:
        self.store = store
        self.messages = Messages()
        self.compare_messages = Messages()
        self.scenario_name = text_box(NAME_PLACEHOLDER, "Name")
        self.author = text_box("who is saving it", "Your name")
        self.save_button = widgets.Button(description="Save scenario", button_style="primary",
                                          layout=widgets.Layout(width="140px"))
        self.saved_choice = Dropdown(options=[], description="Saved scenario", layout=widgets.Layout(width="440px"),
                                     style={"description_width": "110px"})
        self.compare_button = widgets.Button(description="Add to comparison", layout=widgets.Layout(width="160px"))
        self.load_button = widgets.Button(description="Load into controls", layout=widgets.Layout(width="160px"))
        self.clear_button = widgets.Button(description="Clear comparison", layout=widgets.Layout(width="160px"))
        self.refresh_button = widgets.Button(description="Refresh list", layout=widgets.Layout(width="110px"))
        self.saved_table = widgets.HTML()
        self.saved = pd.DataFrame()
        for control in (self.scenario_name, self.author):
            guard(control, self.messages)
        guard(self.saved_choice, self.compare_messages)

    def require_store(self) -> ScenarioStore:
        """The store; ValueError with a reader's message if there is none."""
        if self.store is None:
            raise ValueError("Scenarios cannot be saved or loaded here: no scenario store is available.")
        return self.store

    def refresh(self, select: tuple[str, int] | None = None) -> None:
        """List the saved scenarios, choosing ``select`` (or the current choice) in the dropdown."""
        if self.store is None:
            self.saved_table.value = '<p class="planlib-note">No scenario store is available, so scenarios cannot be saved.</p>'
            return
        try:
            saved = self.store.list()
        except StoreError:
            log.exception("cannot list the scenario store")
            self.saved_table.value = '<p class="planlib-note">The saved scenarios cannot be read just now.</p>'
            return
        self.saved = saved
        options = [(f"{row.name} · version {row.version} · {row.author}", (row.name, int(row.version)))
                   for row in saved.itertuples()]
        values = [value for _, value in options]
        wanted = select if select in values else self.saved_choice.value
        self.saved_choice.options = options
        if wanted in values:
            self.saved_choice.value = wanted
        elif values:
            self.saved_choice.value = values[-1]
        self.saved_table.value = _saved_html(saved)

    def save(self, make: Callable[[str], Scenario]) -> None:
        """Save the scenario ``make(name)`` under the name and author typed, and say so."""
        store = self.require_store()
        name, author = check_name(self.scenario_name.value), check_author(self.author.value)
        version = save_in(store, make(scenario_id(name)), author, "scenario", name=name)
        saved_as = self.saved_name(name)
        self.refresh(select=(saved_as, version))
        kept = " (the earlier versions are kept)" if version > 1 else ""
        if saved_as != name:
            self.messages.show(f"Saved as version {version} of “{saved_as}”: names that differ only in capitals "
                               f"or spaces are one scenario{kept}.")
        else:
            self.messages.show(f"Saved “{name}” as version {version}{kept}.")

    def saved_name(self, name: str) -> str:
        """The spelling ``name`` is saved under (a name differing only in case or spacing is one scenario)."""
        try:
            return self.require_store().saved_name(name) or name
        except StoreError:
            log.exception("cannot read the scenario store")
            return name

    def refresh_list(self) -> None:
        """List the saved scenarios again (others may have saved some) and say how many there are."""
        self.require_store()
        self.refresh()
        count = len(self.saved)
        self.compare_messages.show(f"{count} saved version{'' if count == 1 else 's'} listed.")

    def chosen(self) -> tuple[str, int]:
        """The ``(name, version)`` chosen; ValueError if none is."""
        choices = [value for _, value in self.saved_choice.options] if self.saved_choice.options else []
        value = self.saved_choice.value
        if value is None or value not in choices:
            raise ValueError("Please choose a saved scenario first.")
        name, version = value
        return name, version

    def load(self, name: str, version: int) -> Scenario:
        """A saved scenario; ValueError with a reader's message if it cannot be read."""
        try:
            return self.require_store().load(name, version)
        except (StoreError, PlanError):
            log.exception("cannot load scenario %r version %r", name, version)
            raise ValueError(f"Scenario “{name}” version {version} could not be read from the store.") from None

    def choose_row(self) -> widgets.HBox:
        """The saved scenarios to choose from, with the buttons that act on the one chosen."""
        return widgets.HBox([self.saved_choice, self.refresh_button, self.compare_button, self.load_button,
                             self.clear_button], layout=widgets.Layout(flex_flow="row wrap", margin="8px 0 0 0"))

    def save_box(self) -> widgets.VBox:
        """The "Save your settings" block."""
        return widgets.VBox([
            widgets.HTML("<h2>Save your settings</h2>"),
            note("Save the settings as a named scenario for the finance team and the board. Saving under a "
                 "name already used adds a new version and keeps the earlier ones."),
            widgets.HBox([self.scenario_name, self.author, self.save_button],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self.messages, self.saved_table,
        ])
