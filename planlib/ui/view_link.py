"""A link that reopens what a board member is looking at: an app's view in the page address.

The scenario explorer's settings and the net benefit app's chosen commitment travel in the
query string of the page address (``?precept-2023-24=20&grant=1.5&drop=<commitment id>``).
Only what differs from the baseline is written, so the baseline's link is the bare address.

Reading a link trusts nothing in it: a query string longer than :data:`MAX_QUERY_LENGTH`, a key
given twice, a number that is not a plain decimal, a value outside its control's range or off its
steps, an unknown commitment or a statutory duty dropped opens the **baseline** with a short
message saying why (never echoing the value, never an error); keys the app does not know are
ignored. Nothing in a link becomes code, a file path or SQL.

Voila passes the query string to the kernel; with preheated kernels the notebook reads it with
:func:`planlib.ui.page_request.query_string`, which waits for the visitor's request. The notebook hands it
to :func:`when_page_opens`, which waits in a background thread when the kernel was preheated (a
cell that waited would run into Voila's cell timeout) and applies the link when it comes.

:class:`LinkControl` is the "Copy a link to this view" control: a button that copies the
link to the clipboard, the link itself as selectable text (so it can be copied by hand where
the clipboard is not allowed), and the page address kept in step with the view
(``history.replaceState``), all in the browser with nothing loaded from elsewhere.

>>> import planlib
>>> from planlib.levers import baseline_settings
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> year = str(plan.years[2])
>>> settings = baseline_settings(plan)
>>> explorer_query(plan, settings)
''
>>> moved = settings.replace(precept_increase={**settings.precept_increase, year: 20.0}, grant_change_pct=1.5)
>>> query = explorer_query(plan, moved)
>>> query == f"precept-{year.replace('/', '-')}=20&grant=1.5"
True
>>> explorer_settings(plan, query) == (moved, None)
True
>>> explorer_settings(plan, "grant=99")[1]
'This link could not be used (the change to the police grant must be between -5 and 5), so the app shows the baseline plan.'
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

import anywidget
import traitlets

from planlib.errors import LinkError
from planlib.levers import (
    GRANT_CHANGE_RANGE,
    GRANT_STEP,
    OFFICER_STEP,
    PAY_CHANGE_RANGE,
    PAY_STEP,
    PRECEPT_STEP,
    Settings,
    baseline_settings,
    funding_problem,
    levers,
)
from planlib.model import Plan
from planlib.ui.page_request import preheated

log = logging.getLogger("planlib.ui.view_link")

MAX_QUERY_LENGTH = 2000
"""Longest query string read, in characters (browsers and servers keep addresses far longer)."""

MAX_FIELDS = 60
"""Most ``key=value`` pairs read from one query string."""

_NUMBER = re.compile(r"^-?\d{1,4}(\.\d{1,4})?$")
_ID_LIST = re.compile(r"^[A-Za-z0-9_.\-]{1,64}(,[A-Za-z0-9_.\-]{1,64})*$")
_SAFE_QUERY = re.compile(r"^[A-Za-z0-9_.,%=&+\-]*$")


def unusable(reason: str, what: str = "the baseline plan") -> str:
    """The message shown when a link cannot be used."""
    return f"This link could not be used ({reason}), so the app shows {what}."


def _fields(query: Any) -> dict[str, str]:
    """The query string's keys and values; LinkError if it is too long, garbled or repeats a key."""
    if query is None:
        return {}
    if not isinstance(query, str):
        raise LinkError("it is not text")
    query = query.removeprefix("?")
    if len(query) > MAX_QUERY_LENGTH:
        raise LinkError(f"it is longer than {MAX_QUERY_LENGTH} characters")
    try:
        pairs = parse_qsl(query, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise LinkError("it is garbled or has too many parts") from None
    fields: dict[str, str] = {}
    for key, value in pairs:
        if key in fields:
            raise LinkError("it gives the same setting twice")
        fields[key] = value
    return fields


def _number(text: str, low: float, high: float, step: float, what: str) -> float:
    if not _NUMBER.match(text):
        raise LinkError(f"{what} must be a number")
    value = float(text)
    if not math.isfinite(value) or not low <= value <= high:
        raise LinkError(f"{what} must be between {low:g} and {high:g}")
    if abs(value / step - round(value / step)) > 1e-9:
        raise LinkError(f"{what} must be a multiple of {step:g}")
    return value


def _ids(text: str, what: str) -> list[str]:
    if not _ID_LIST.match(text):
        raise LinkError(f"{what} is not a list of commitments")
    return text.split(",")


def _year_key(year: Any) -> str:
    return "precept-" + str(year).replace("/", "-")


def _number_text(value: float) -> str:
    return f"{value:g}"


def explorer_query(plan: Plan, settings: Settings) -> str:
    """The query string of the scenario explorer's ``settings``: what differs from the baseline.

    Keys: ``precept-YYYY-YY`` (the Band D increase of a year, £), ``grant`` (%), ``pay``
    (percentage points), ``officers``, ``drop`` and ``fund`` (optional commitments dropped, and
    those the plan leaves out but the settings fund, as comma-separated ids).
    """
    base = baseline_settings(plan)
    fields: list[tuple[str, str]] = []
    for year, value in settings.precept_increase.items():
        if value != base.precept_increase.get(year):
            fields.append((_year_key(year), _number_text(value)))
    if settings.grant_change_pct != base.grant_change_pct:
        fields.append(("grant", _number_text(settings.grant_change_pct)))
    if settings.pay_award_change_pp != base.pay_award_change_pp:
        fields.append(("pay", _number_text(settings.pay_award_change_pp)))
    if settings.neighbourhood_officers is not None and settings.neighbourhood_officers != base.neighbourhood_officers:
        fields.append(("officers", str(int(settings.neighbourhood_officers))))
    dropped = [cid for cid, funded in settings.funded.items() if not funded and base.funded.get(cid, True)]
    added = [cid for cid, funded in settings.funded.items() if funded and not base.funded.get(cid, True)]
    if dropped:
        fields.append(("drop", ",".join(dropped)))
    if added:
        fields.append(("fund", ",".join(added)))
    return urlencode(fields, safe=",")


def explorer_settings(plan: Plan, query: Any) -> tuple[Settings, str | None]:
    """The settings a link gives the scenario explorer, and a message if it could not be used.

    A link that cannot be used gives the baseline settings and a short message saying why.

    Parameters
    ----------
    plan : Plan
        The baseline plan.
    query : str or None
        The page address's query string (with or without its ``?``); None or empty is the baseline.

    Returns
    -------
    tuple
        ``(settings, message)``; ``message`` is None when the link was used as it is.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> settings, message = explorer_settings(plan, "grant=1.5&utm_source=mail")
    >>> settings.grant_change_pct, message
    (1.5, None)
    >>> explorer_settings(plan, "pay=<script>")[1]
    'This link could not be used (the change to the pay awards must be a number), so the app shows the baseline plan.'
    """
    base = baseline_settings(plan)
    try:
        return _explorer_settings(plan, base, _fields(query)), None
    except LinkError as exc:
        return base, unusable(str(exc))


def _explorer_settings(plan: Plan, base: Settings, fields: dict[str, str]) -> Settings:
    lv = levers(plan)
    precept = dict(base.precept_increase)
    for year in lv.precept_years:
        if _year_key(year) in fields:
            precept[year] = _number(fields[_year_key(year)], 0.0, lv.precept_max, PRECEPT_STEP,
                                    f"the Band D increase for {year}")
    grant, pay, officers = base.grant_change_pct, base.pay_award_change_pp, base.neighbourhood_officers
    if "grant" in fields:
        grant = _number(fields["grant"], *GRANT_CHANGE_RANGE, GRANT_STEP, "the change to the police grant")
    if "pay" in fields:
        pay = _number(fields["pay"], *PAY_CHANGE_RANGE, PAY_STEP, "the change to the pay awards")
    if "officers" in fields:
        if officers is None:
            raise LinkError("this plan has no officers setting")
        officers = int(_number(fields["officers"], lv.neighbourhood_min, lv.neighbourhood_max, OFFICER_STEP,
                               "the number of neighbourhood officers"))
    funded = dict(base.funded)
    for key, value in (("drop", False), ("fund", True)):
        if key in fields:
            for cid in _ids(fields[key], f"the {'dropped' if key == 'drop' else 'funded'} list"):
                if cid in lv.mandatory:
                    raise LinkError("it drops a statutory duty, which is always funded")
                if cid not in funded:
                    raise LinkError("it names a commitment this plan does not have")
                funded[cid] = value
    if funding_problem(plan, funded):
        raise LinkError("it drops a commitment that another commitment it funds depends on")
    return base.replace(precept_increase=precept, grant_change_pct=grant, pay_award_change_pp=pay,
                        neighbourhood_officers=officers, funded=funded)


def commitment_query(commitment_id: str | None) -> str:
    """The query string of the net benefit app's chosen commitment (empty for none).

    >>> commitment_query("victim_services")
    'commitment=victim_services'
    """
    return urlencode({"commitment": commitment_id}) if commitment_id else ""


def commitment_from_query(query: Any, choices: Sequence[str]) -> tuple[str | None, str | None]:
    """The commitment a link chooses in the net benefit app, and a message if it could not be used.

    Returns ``(None, None)`` when the link chooses none; ``(None, message)`` when it cannot be
    used (the app then opens as it would with no link).

    >>> commitment_from_query("commitment=b&x=1", ["a", "b"])
    ('b', None)
    >>> commitment_from_query("commitment=../../etc", ["a", "b"])[1]
    'This link could not be used (it names a commitment this plan does not have), so the app shows its first view.'
    """
    try:
        fields = _fields(query)
        wanted = fields.get("commitment")
        if wanted is None:
            return None, None
        if wanted not in choices:
            raise LinkError("it names a commitment this plan does not have")
        return wanted, None
    except LinkError as exc:
        return None, unusable(str(exc), "its first view")


def commitment_link(explorer: Any) -> LinkControl:
    """The net benefit app's "Copy a link to this view" control, following the commitment chosen.

    ``explorer`` is a :class:`planlib.ui.net_benefit.NetBenefitExplorer` (its ``commitment``
    trait is the choice shown in detail, ``select`` chooses one, ``messages`` shows a message).
    The link names the commitment only when it is not the one the app opens on. The control's
    ``open(query)`` shows the commitment a page address's query string chooses; a link that
    cannot be used leaves the app's first view and says why.

    >>> class App(traitlets.HasTraits):
    ...     commitment = traitlets.Unicode("a")
    ...     commitment_ids = ["a", "b"]
    ...     def select(self, cid): self.commitment = cid
    >>> app = App()
    >>> link = commitment_link(app)
    >>> link.query, link.open_link("commitment=b"), link.query
    ('', None, 'commitment=b')
    """
    first = explorer.commitment
    link = LinkControl(query="")

    def follow(change: dict[str, Any]) -> None:
        link.query = "" if change["new"] == first else commitment_query(change["new"])

    def open_link(query: str | None) -> None:
        wanted, message = commitment_from_query(query, list(explorer.commitment_ids))
        if wanted is not None:
            explorer.select(wanted)
        if message:
            explorer.messages.show(message, "warning")

    explorer.observe(follow, names="commitment")
    link.open_link = open_link  # type: ignore[attr-defined]
    return link


def when_page_opens(read_query: Callable[[], str | None], apply: Callable[[str | None], None]) -> None:
    """Call ``apply(read_query())`` once the visitor's request has come.

    ``read_query`` is :func:`planlib.ui.page_request.query_string`: in a kernel Voila preheated it waits for
    the request, which may come long after the notebook ran, so it is waited for in a background
    thread (a cell that waited would run into Voila's cell timeout); otherwise (a kernel started
    for the request, a notebook run outside Voila) it answers at once and ``apply`` runs now.
    A failure is logged, never raised.

    >>> seen = []
    >>> when_page_opens(lambda: "grant=1", seen.append)
    >>> seen
    ['grant=1']
    """

    def run() -> None:
        try:
            apply(read_query())
        except Exception:  # noqa: BLE001 - a link must never break the page
            log.exception("could not open the page's link")

    if preheated():
        threading.Thread(target=run, name="planlib-view-link", daemon=True).start()
    else:
        run()


_LINK_ESM = r"""
const SAFE = /^[A-Za-z0-9_.,%=&+\-]*$/;
let counter = 0;
export default {
  render({ model, el }) {
    const id = `planlib-link-${Date.now()}-${counter++}`;
    const wrap = document.createElement("div");
    wrap.className = "planlib-link";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "jupyter-button planlib-link-button";
    button.textContent = "Copy a link to this view";
    const label = document.createElement("label");
    label.htmlFor = id;
    label.className = "planlib-link-label";
    label.textContent = "Link to this view";
    const box = document.createElement("input");
    box.type = "text";
    box.readOnly = true;
    box.id = id;
    box.className = "planlib-link-text";
    box.addEventListener("focus", () => box.select());
    const status = document.createElement("span");
    status.className = "planlib-link-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    const query = () => { const q = model.get("query") || ""; return SAFE.test(q) ? q : ""; };
    const update = () => {
      const q = query();
      const path = window.location.pathname + (q ? "?" + q : "");
      box.value = window.location.origin + path;
      status.textContent = "";
      if (model.get("update_address")) {
        try { window.history.replaceState(window.history.state, "", path + window.location.hash); } catch (e) { /* kept as is */ }
      }
    };
    button.addEventListener("click", async () => {
      update();
      box.focus();
      box.select();
      let copied = false;
      try {
        if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(box.value); copied = true; }
      } catch (e) { copied = false; }
      if (!copied) { try { copied = document.execCommand("copy"); } catch (e) { copied = false; } }
      status.textContent = copied ? "Link copied: paste it into an email or a paper."
                                  : "Select the link above and copy it (Ctrl+C).";
    });
    model.on("change:query", update);
    update();
    const row = document.createElement("div");
    row.className = "planlib-link-row";
    row.append(button, status);
    wrap.append(label, box, row);
    el.append(wrap);
  },
};
"""

_LINK_CSS = """
.planlib-link { display: flex; flex-direction: column; gap: 4px; max-width: 470px; margin: 6px 0; font-size: 13px; }
.planlib-link-label { font-weight: 600; }
.planlib-link-text { width: 100%; box-sizing: border-box; font: inherit; padding: 3px 6px; border: 1px solid #767676; }
.planlib-link-row { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.planlib-link-button { width: auto; padding: 0 12px; }
.planlib-link-status { color: #1b4f72; }
.planlib-link-text:focus, .planlib-link-button:focus { outline: 3px solid #ffbf47; outline-offset: 1px; }
"""


class LinkControl(anywidget.AnyWidget):
    """The "Copy a link to this view" control: the button, the link as text, the page address.

    Set :attr:`query` (made by :func:`explorer_query` or :func:`commitment_query`) whenever the
    view changes; the browser shows the link (its own address with that query string), copies
    it when the button is pressed, and, with :attr:`update_address`, puts it in the address bar
    without reloading. A query that is not made of the characters those functions write is
    not used.

    >>> control = LinkControl(query="grant=1.5")
    >>> control.query
    'grant=1.5'
    """

    _esm = _LINK_ESM
    _css = _LINK_CSS
    query = traitlets.Unicode("").tag(sync=True)
    update_address = traitlets.Bool(True).tag(sync=True)

    @traitlets.validate("query")
    def _safe_query(self, proposal: dict[str, Any]) -> str:
        value = proposal["value"]
        return value if _SAFE_QUERY.match(value) and len(value) <= MAX_QUERY_LENGTH else ""
