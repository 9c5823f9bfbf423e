"""The scenario explorer board app: move the levers of the financial plan, see what balances.

A board member sets the Band D precept increase for each remaining year (the referendum limit
beside it, flagged when exceeded), the change to the police grant settlement, the change to
pay awards, how many officers of the uplift are in neighbourhood posts by the end of the plan,
and which optional commitments are funded (statutory duties are always funded). The app says
plainly whether the plan balances, draws the budget gap and reserves by year against the
baseline and any saved scenarios, lists the funded commitments, and saves the settings as a
named scenario in the shared :class:`~planlib.ScenarioStore` (or loads a saved one back). Its
"Suggest a portfolio" panel asks :func:`planlib.optimise` for the best affordable commitments
and start years within the funding of the current settings, and saves the suggestion as a
scenario (the settings' changes plus the portfolio's), which is then added to the comparison.

The settings are a :class:`Settings`; :func:`scenario_changes` turns them into the sparse
changes of a :class:`~planlib.Scenario` (only what differs from the baseline, so the baseline
settings give a scenario with no changes) and :func:`settings_from_scenario` reads a saved
scenario back, refusing one the controls cannot show exactly. :class:`ScenarioExplorer` holds
the widgets; ``voila_apps/scenario_explorer.ipynb`` only creates and shows it.

Every value a viewer can send through the widget protocol is checked: a value a control's
own type refuses (text for a slider) is logged, the control is put back and a short message
shown; a value it accepts but the plan cannot use (NaN, a mandatory commitment switched off,
an unknown commitment) likewise. No text a viewer types becomes code, a file path or SQL: a
scenario name must match the identifier pattern and is stored as data.

>>> import planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> settings = baseline_settings(plan)
>>> scenario_changes(plan, settings)
{}
>>> higher = settings.replace(precept_increase={**settings.precept_increase, "2022/23": 12.0})
>>> scenario_changes(plan, higher)
{'finance.precept_increase': {'2022/23': 12.0}}
"""

from __future__ import annotations

import dataclasses
import html
import logging
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import pandas as pd

import planlib
from planlib import charts
from planlib.apps import header_html
from planlib.errors import PlanError
from planlib.finance import commitment_costs
from planlib.model import Plan, YearSeries
from planlib.portfolio import PortfolioInfeasible, PortfolioResult, optimise
from planlib.scenario import Scenario
from planlib.store import ScenarioStore, StoreError
from planlib.ui import Messages, live_chart, log_to_server, money, safe, validate_choice, validate_number

log = logging.getLogger("planlib.ui.scenario_explorer")

PRECEPT_MAX = 30.0
"""The largest Band D increase (£ a year) the precept sliders offer (twice the largest recent
limit), or more if the plan itself has a larger one (see :func:`levers`)."""

PRECEPT_STEP = 0.5
GRANT_CHANGE_RANGE = (-5.0, 5.0)
"""Change to the police grant forecast, in per cent."""

GRANT_STEP = 0.5
PAY_CHANGE_RANGE = (-3.0, 3.0)
"""Change to each year's pay award, in percentage points."""

PAY_STEP = 0.5
NEIGHBOURHOOD_COMMITMENT = "neighbourhood_policing_450"
"""The commitment whose officers the neighbourhood slider phases."""

NEIGHBOURHOOD_STEP = 5
BALANCE_TOLERANCE = 50_000.0
"""A gap smaller than this shows as £0.0m, so it counts as balanced (and a surplus likewise)."""

MAX_COMPARED = 5
"""How many saved scenarios can be compared at once (the chart has eight distinct colours)."""

MAX_AUTHOR_LENGTH = 100
SAVED_ROWS_SHOWN = 8
BASELINE_LABEL = "Baseline"
CURRENT_LABEL = "Your settings"
CURRENT_NAME = "your_settings"
SCENARIO_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$")
NAME_RULE = ("A scenario name starts with a letter and has only letters, digits, '_', '-' and '.', "
             "at most 64 characters (for example precept_plus_12).")


# --------------------------------------------------------------------------- settings


@dataclasses.dataclass(frozen=True)
class Settings:
    """What the controls are set to.

    Attributes
    ----------
    precept_increase : dict
        Band D increase (£) for each remaining year, by financial year text (``"2022/23"``).
    grant_change_pct : float
        Per cent added to the police grant forecast in each forecast year.
    pay_award_change_pp : float
        Percentage points added to the pay award of each remaining year.
    neighbourhood_officers : int or None
        Officers in neighbourhood posts at the end of the plan (None: no such control).
    funded : dict
        Optional commitment id -> whether it is funded.
    """

    precept_increase: Mapping[str, float]
    grant_change_pct: float = 0.0
    pay_award_change_pp: float = 0.0
    neighbourhood_officers: int | None = None
    funded: Mapping[str, bool] = dataclasses.field(default_factory=dict)

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes``."""
        return dataclasses.replace(self, **changes)


@dataclasses.dataclass(frozen=True)
class Levers:
    """Which years and commitments the controls of a plan act on (see :func:`levers`)."""

    precept_years: tuple[str, ...]
    grant_years: tuple[str, ...]
    pay_years: tuple[str, ...]
    optional: tuple[str, ...]
    mandatory: tuple[str, ...]
    neighbourhood: str | None
    neighbourhood_min: int
    neighbourhood_max: int
    precept_max: float = PRECEPT_MAX


def levers(plan: Plan) -> Levers:
    """The years and commitments the explorer's controls change in ``plan``.

    The precept and pay award can change in every year after the first (whose budget is set);
    the police grant in the years after the last settlement marked ``verified`` (the forecast
    years). The neighbourhood slider runs from the officers in post at the end of the first
    year to a third above the target.

    >>> import planlib
    >>> lv = levers(planlib.load_plan(planlib.DEFAULT_PLAN))
    >>> lv.precept_years, lv.grant_years
    (('2022/23', '2023/24', '2024/25'), ('2023/24', '2024/25'))
    >>> lv.neighbourhood_min, lv.neighbourhood_max
    (180, 600)
    """
    years = [str(y) for y in plan.years]
    open_years = tuple(years[1:]) if len(years) > 1 else tuple(years)
    grant = plan.finance.police_grant
    settled = [str(y) for y, entry in grant.values.items() if entry.status == "verified"]
    grant_years = tuple(y for y in years if not settled or y > max(settled)) or open_years
    ids = {c.id for c in plan.commitments}
    in_post = plan.finance.neighbourhood_officers_in_post
    neighbourhood = NEIGHBOURHOOD_COMMITMENT if NEIGHBOURHOOD_COMMITMENT in ids else None
    low = high = 0
    if neighbourhood is not None and in_post.values:
        # The slider's grid of steps runs through the baseline's figure, so it can be reached again.
        values = {str(y): entry.central for y, entry in in_post.values.items()}
        first = values.get(str(plan.years[0]), min(values.values()))
        base_end = values.get(str(plan.years[-1]), max(values.values()))
        top = plan.finance.neighbourhood_officer_target.central * 4 / 3
        low = int(round(base_end - NEIGHBOURHOOD_STEP * math.floor((base_end - first) / NEIGHBOURHOOD_STEP)))
        high = int(round(base_end + NEIGHBOURHOOD_STEP * max(0, math.ceil((top - base_end) / NEIGHBOURHOOD_STEP))))
        if high <= low or base_end != round(base_end):
            neighbourhood = None
    # A slider clamps its value to its range: never let it quietly change the plan's own figure.
    largest = max((plan.finance.precept_increase.value(y) for y in open_years), default=0.0)
    precept_max = max(PRECEPT_MAX, math.ceil(largest / PRECEPT_STEP) * PRECEPT_STEP)
    return Levers(
        precept_max=precept_max,
        precept_years=open_years,
        grant_years=grant_years,
        pay_years=open_years,
        optional=tuple(c.id for c in plan.commitments if not c.mandatory),
        mandatory=tuple(c.id for c in plan.commitments if c.mandatory),
        neighbourhood=neighbourhood,
        neighbourhood_min=low,
        neighbourhood_max=high,
    )


def _in_post(plan: Plan) -> dict[str, float]:
    series = plan.finance.neighbourhood_officers_in_post
    return {str(y): series.value(y) for y in series.years()}


def baseline_settings(plan: Plan) -> Settings:
    """The settings that reproduce ``plan`` unchanged.

    >>> import planlib
    >>> s = baseline_settings(planlib.load_plan(planlib.DEFAULT_PLAN))
    >>> s.precept_increase, s.neighbourhood_officers
    ({'2022/23': 10.0, '2023/24': 15.0, '2024/25': 13.0}, 450)
    """
    lv = levers(plan)
    in_post = _in_post(plan)
    end = None
    if lv.neighbourhood is not None:
        end = int(round(in_post.get(str(plan.years[-1]), max(in_post.values(), default=0.0))))
    enabled = {c.id: c.enabled for c in plan.commitments}
    return Settings(
        precept_increase={y: plan.finance.precept_increase.value(y) for y in lv.precept_years},
        neighbourhood_officers=end,
        funded={cid: enabled[cid] for cid in lv.optional},
    )


def _neighbourhood_changes(plan: Plan, lv: Levers, end: int) -> dict[str, Any]:
    """Phase ``end`` officers in post by the last year, in the baseline's proportions.

    Each remaining year's number in post moves by the same share of the change at the end; the
    commitment's costed average FTE moves by the mean of the change at the start and at the
    end of the year (as its baseline figures are the mean of the year-end numbers).
    """
    in_post = _in_post(plan)
    years = [str(y) for y in plan.years]
    first = in_post.get(years[0], 0.0)
    base_end = in_post.get(years[-1], first)
    span = base_end - first
    delta = {years[0]: 0.0}
    new_in_post = {}
    for year in years[1:]:
        base = in_post.get(year, base_end)
        share = (base - first) / span if span > 0 else 1.0
        delta[year] = (end - base_end) * share
        new_in_post[year] = round(base + delta[year], 1)
    commitment = next(c for c in plan.commitments if c.id == lv.neighbourhood)
    fte = {str(line.year): line.officer_fte for line in commitment.costs}
    new_fte = {}
    for before, year in zip(years, years[1:]):
        new_fte[year] = round(max(0.0, fte.get(year, 0.0) + (delta[before] + delta[year]) / 2), 1)
    return {
        f"commitments.{lv.neighbourhood}.costs.officer_fte": new_fte,
        "finance.neighbourhood_officers_in_post": new_in_post,
    }


def scenario_changes(plan: Plan, settings: Settings) -> dict[str, Any]:
    """The sparse scenario changes that ``settings`` make to ``plan``: only what differs.

    Parameters
    ----------
    plan : Plan
        The baseline.
    settings : Settings
        Values already checked (see :meth:`ScenarioExplorer.settings`).

    Returns
    -------
    dict
        Dotted path -> value or ``{year: value}``, as :class:`~planlib.Scenario` takes them.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> s = baseline_settings(plan).replace(grant_change_pct=-1.0)
    >>> scenario_changes(plan, s)
    {'finance.police_grant': {'2023/24': 574200000.0, '2024/25': 605880000.0}}
    """
    lv = levers(plan)
    f = plan.finance
    changes: dict[str, Any] = {}
    precept = {y: float(v) for y, v in settings.precept_increase.items()
               if abs(v - f.precept_increase.value(y)) > 1e-9}
    if precept:
        changes["finance.precept_increase"] = precept
    if settings.grant_change_pct:
        factor = 1 + settings.grant_change_pct / 100
        changes["finance.police_grant"] = {y: round(f.police_grant.value(y) * factor, 2) for y in lv.grant_years}
    if settings.pay_award_change_pp:
        step = settings.pay_award_change_pp / 100
        changes["finance.pay_award"] = {y: round(max(0.0, f.pay_award.value(y) + step), 6) for y in lv.pay_years}
    funded = {c.id: c.enabled for c in plan.commitments}
    for cid in lv.optional:
        wanted = bool(settings.funded.get(cid, funded[cid]))
        if wanted != funded[cid]:
            changes[f"commitments.{cid}.enabled"] = wanted
    base_end = baseline_settings(plan).neighbourhood_officers
    neighbourhood_funded = lv.neighbourhood is not None and settings.funded.get(lv.neighbourhood, True)
    if neighbourhood_funded and settings.neighbourhood_officers is not None and settings.neighbourhood_officers != base_end:
        changes.update(_neighbourhood_changes(plan, lv, settings.neighbourhood_officers))
    return changes


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return set(map(str, a)) == set(map(str, b)) and all(_same(a[k], b.get(k, b.get(str(k)))) for k in a)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def _effective(plan: Plan, changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` without the values that equal the baseline's (they change nothing)."""
    funded = {c.id: c for c in plan.commitments}
    out: dict[str, Any] = {}
    for path, value in changes.items():
        parts = path.split(".")
        if parts[0] == "finance" and len(parts) == 2 and isinstance(value, dict):
            series = getattr(plan.finance, parts[1], None)
            if isinstance(series, YearSeries):
                kept = {}
                for year, item in value.items():
                    try:
                        base = series.value(str(year))
                    except (KeyError, ValueError):
                        base = None
                    if base is None or not _same(item, base):
                        kept[str(year)] = item
                if kept:
                    out[path] = kept
                continue
        if parts[0] == "commitments" and len(parts) >= 3 and parts[1] in funded:
            commitment = funded[parts[1]]
            if parts[2:] == ["enabled"] and value is commitment.enabled:
                continue
            if len(parts) == 4 and parts[2] == "costs" and isinstance(value, dict):
                lines = {str(line.year): getattr(line, parts[3], None) for line in commitment.costs}
                kept = {str(y): v for y, v in value.items() if lines.get(str(y)) is None or not _same(v, lines[str(y)])}
                if kept:
                    out[path] = kept
                continue
        out[path] = value
    return out


def _on_step(value: float, step: float) -> float:
    return round(round(value / step) * step, 6)


def settings_from_scenario(plan: Plan, scenario: Scenario) -> Settings:
    """The settings that give ``scenario``; ValueError if the controls cannot show it exactly.

    A scenario saved by the explorer always loads. One written by hand loads if every change
    is one the controls make (a precept path, a uniform change to the grant or pay award...).

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> s = planlib.Scenario.from_yaml(planlib.DEFAULT_PLAN / "scenarios" / "pay_award_plus_2.yaml")
    >>> settings_from_scenario(plan, s).pay_award_change_pp
    2.0
    >>> s = planlib.Scenario(name="x", description="d", source="s", changes={"finance.tax_base": {"2024/25": 1e6}})
    >>> settings_from_scenario(plan, s)
    Traceback (most recent call last):
    ...
    ValueError: Scenario 'x' changes finance.tax_base in a way these controls cannot show: it can be compared but not loaded.
    """
    lv = levers(plan)
    base = baseline_settings(plan)
    f = plan.finance
    changes = {k: v for k, v in scenario.changes.items()}

    def year_map(path: str) -> dict[str, Any]:
        value = changes.get(path)
        return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}

    precept = dict(base.precept_increase)
    for year, value in year_map("finance.precept_increase").items():
        if year in precept and isinstance(value, (int, float)) and not isinstance(value, bool):
            precept[year] = _on_step(float(value), PRECEPT_STEP)
    grant = 0.0
    grants = year_map("finance.police_grant")
    first = next((y for y in lv.grant_years if y in grants), None)
    if first is not None and isinstance(grants[first], (int, float)):
        grant = _on_step((grants[first] / f.police_grant.value(first) - 1) * 100, GRANT_STEP)
    pay = 0.0
    pays = year_map("finance.pay_award")
    first = next((y for y in lv.pay_years if y in pays), None)
    if first is not None and isinstance(pays[first], (int, float)):
        pay = _on_step((pays[first] - f.pay_award.value(first)) * 100, PAY_STEP)
    officers = base.neighbourhood_officers
    posts = year_map("finance.neighbourhood_officers_in_post")
    last = str(plan.years[-1])
    if officers is not None and isinstance(posts.get(last), (int, float)):
        officers = int(_on_step(posts[last], NEIGHBOURHOOD_STEP))
    funded = dict(base.funded)
    for cid in lv.optional:
        value = changes.get(f"commitments.{cid}.enabled")
        if isinstance(value, bool):
            funded[cid] = value
    settings = Settings(precept_increase=precept, grant_change_pct=grant, pay_award_change_pp=pay,
                        neighbourhood_officers=officers, funded=funded)
    in_range = (all(0 <= v <= lv.precept_max for v in precept.values())
                and GRANT_CHANGE_RANGE[0] <= grant <= GRANT_CHANGE_RANGE[1]
                and PAY_CHANGE_RANGE[0] <= pay <= PAY_CHANGE_RANGE[1]
                and (officers is None or lv.neighbourhood_min <= officers <= lv.neighbourhood_max))
    wanted = _effective(plan, changes)
    rebuilt = _effective(plan, scenario_changes(plan, settings))
    differ = sorted(p for p in set(wanted) | set(rebuilt) if not _same(wanted.get(p), rebuilt.get(p)))
    if differ or not in_range:
        what = ", ".join(differ[:4]) + (f" and {len(differ) - 4} more" if len(differ) > 4 else "")
        reason = f"changes {what} in a way these controls cannot show" if differ else "has a value beyond the controls"
        raise ValueError(f"Scenario {scenario.name!r} {reason}: it can be compared but not loaded.")
    return settings


# --------------------------------------------------------------------------- words


def _years_phrase(years: list[str]) -> str:
    if len(years) <= 1:
        return "".join(years)
    return ", ".join(years[:-1]) + " and " + years[-1]


def balance_sentence(gap: Mapping[str, float] | pd.Series) -> str:
    """Whether the plan balances, in a sentence a board member reads at a glance.

    ``gap`` is the budget gap by financial year (positive: a shortfall), as from
    ``planlib.run(plan).measure("budget_gap")``.

    >>> balance_sentence(pd.Series({"2022/23": 1e3, "2023/24": 13.3e6, "2024/25": 10.8e6}))
    'The plan does not balance in 2023/24 and 2024/25: a shortfall of £13.3m and £10.8m.'
    >>> balance_sentence(pd.Series({"2022/23": -2e6, "2023/24": 20e3}))
    'The plan balances in every year.'
    """
    short = {str(year): float(value) for year, value in gap.items() if value >= BALANCE_TOLERANCE}
    if not short:
        return "The plan balances in every year."
    amounts = _years_phrase([money(v) for v in short.values()])
    return f"The plan does not balance in {_years_phrase(list(short))}: a shortfall of {amounts}."


def _gbp(value: float) -> str:
    return f"£{value:,.2f}"


def describe(plan: Plan, settings: Settings) -> str:
    """What ``settings`` change, in words, for a saved scenario's description.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> describe(plan, baseline_settings(plan))
    'As the baseline plan: no changes.'
    >>> describe(plan, baseline_settings(plan).replace(grant_change_pct=1.5, pay_award_change_pp=-0.5))
    'Police grant +1.5% on the forecast for 2023/24 to 2024/25; pay awards -0.5 percentage points a year from 2022/23.'
    """
    lv = levers(plan)
    base = baseline_settings(plan)
    titles = {c.id: c.title for c in plan.commitments}
    parts = []
    moved = [y for y in lv.precept_years if abs(settings.precept_increase[y] - base.precept_increase[y]) > 1e-9]
    if moved:
        parts.append("Band D increase " + ", ".join(
            f"{_gbp(settings.precept_increase[y])} in {y} (baseline {_gbp(base.precept_increase[y])})" for y in moved))
    if settings.grant_change_pct:
        parts.append(f"police grant {settings.grant_change_pct:+.1f}% on the forecast for "
                     f"{lv.grant_years[0]} to {lv.grant_years[-1]}")
    if settings.pay_award_change_pp:
        parts.append(f"pay awards {settings.pay_award_change_pp:+.1f} percentage points a year from {lv.pay_years[0]}")
    if settings.neighbourhood_officers is not None and settings.neighbourhood_officers != base.neighbourhood_officers \
            and settings.funded.get(lv.neighbourhood or "", True):
        parts.append(f"{settings.neighbourhood_officers} neighbourhood officers in post by the end of "
                     f"{plan.years[-1]} (baseline {base.neighbourhood_officers})")
    dropped = [titles[c] for c in lv.optional if not settings.funded.get(c, True) and base.funded[c]]
    added = [titles[c] for c in lv.optional if settings.funded.get(c, False) and not base.funded[c]]
    if dropped:
        parts.append("not funded: " + "; ".join(dropped))
    if added:
        parts.append("also funded: " + "; ".join(added))
    if not parts:
        return "As the baseline plan: no changes."
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


# --------------------------------------------------------------------------- guarded widgets


class _Guarded:
    """A widget that turns a value its own type refuses (sent by a viewer) into a message.

    ipywidgets applies a viewer's change in ``set_state``; a value of the wrong type raises
    there, before any observer runs, and would only reach the kernel's log. Here it is logged,
    the viewer's control is put back to the value in use, and ``on_rejected`` shows a message.
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


class _FloatSlider(_Guarded, widgets.FloatSlider):
    pass


class _IntSlider(_Guarded, widgets.IntSlider):
    pass


class _Checkbox(_Guarded, widgets.Checkbox):
    pass


class _Text(_Guarded, widgets.Text):
    pass


class _Dropdown(_Guarded, widgets.Dropdown):
    pass


# --------------------------------------------------------------------------- the app

_STYLE = """
<style>
.planlib-explorer { max-width: 1300px; }
.planlib-explorer h2 { font-size: 1.15em; margin: 0.5em 0 0.2em 0; line-height: 1.3; }
.planlib-explorer h3 { font-size: 1em; margin: 0.5em 0 0 0; line-height: 1.3; }
.planlib-explorer .planlib-header h1 { font-size: 1.7em; }
.planlib-headline { padding: 6px 14px; border-left: 6px solid #2e7d32; background: #edf6ee;
  border-radius: 3px; font-size: 14.5px; line-height: 1.45; }
.planlib-headline.planlib-short { border-color: #a4262c; background: #fbeceb; }
.planlib-headline p { margin: 2px 0; }
.planlib-headline .planlib-lead { font-weight: 600; font-size: 16px; }
table.planlib-figures { border-collapse: collapse; font-size: 13px; line-height: 1.35; }
table.planlib-figures th, table.planlib-figures td { padding: 3px 10px; border-bottom: 1px solid #ddd;
  text-align: left; vertical-align: top; }
table.planlib-figures th { font-weight: 600; background: #f4f4f4; }
table.planlib-figures .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.planlib-flag { color: #a4262c; font-weight: 600; }
.planlib-good { color: #2e7d32; }
.planlib-explorer .planlib-note { color: #555; font-size: 12.5px; line-height: 1.35; margin: 0 0 4px 0; }
.planlib-readout { font-size: 13px; line-height: 1.3; display: inline-block; }
.planlib-cost { font-size: 13px; text-align: right; font-variant-numeric: tabular-nums; }
.planlib-status { font-size: 12.5px; color: #555; }
</style>
"""


Figures = dict[str, dict[str, float]]
"""Finance results as plain numbers: measure -> financial year -> value."""

CHART_WIDTH, CHART_HEIGHT = 470, 200


def _measures(finance: pd.DataFrame) -> Figures:
    """A finance table (``scenario, year, measure, value, unit``) as measure -> year -> value.

    Plain dictionaries: reading them is far quicker than filtering the DataFrame for every
    figure, which matters in a callback that runs on every slider move.

    >>> import planlib
    >>> figures = _measures(planlib.run(planlib.load_plan(planlib.DEFAULT_PLAN)).finance)
    >>> round(figures["budget_gap"]["2023/24"] / 1e6, 1)
    13.3
    """
    figures: Figures = {}
    for measure, year, value in zip(finance["measure"].tolist(), finance["year"].tolist(), finance["value"].tolist()):
        figures.setdefault(measure, {})[year] = value
    return figures


def _label_for(name: str, version: int) -> str:
    return f"{name} (v{version})"


class ScenarioExplorer:
    """The scenario explorer: controls, headline figures, charts, comparison, save and load.

    Parameters
    ----------
    plan : Plan
        The baseline plan.
    store : ScenarioStore, optional
        Where scenarios are saved; without one, saving and loading say so.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The whole app, to display.
    result : planlib.Result
        The results of the current settings.
    on_control_change, set_funded, on_reset, on_save, on_compare, on_load, on_clear_comparison, on_refresh_list
        The callbacks a viewer triggers (a control's observer, ``set_funded(commitment_id,
        funded)``, the buttons; ``on_suggest`` and ``on_save_suggestion`` too, for the
        suggestion panel). Each checks its input; a bad value or a failure is logged and shown
        as a short message, never raised.

    Examples
    --------
    >>> import planlib
    >>> explorer = ScenarioExplorer(planlib.load_plan(planlib.DEFAULT_PLAN))
    >>> explorer.precept["2023/24"].value = 20.0
    >>> bool(explorer.result.measure("budget_gap")["2023/24"] < 13.3e6)
    True
    """

    def __init__(self, plan: Plan, store: ScenarioStore | None = None) -> None:
        log_to_server()
        self.plan = plan
        self.store = store
        self.levers = levers(plan)
        self.baseline = planlib.run(plan)
        self.result = self.baseline
        self._titles = {c.id: c.title for c in plan.commitments}
        self._quiet = False
        # Saved scenarios in the comparison: (name, version) -> (finance table, figures).
        self._compared: dict[tuple[str, int], tuple[pd.DataFrame, Figures]] = {}
        self._figures: dict[str, Figures] = {BASELINE_LABEL: _measures(self.baseline.finance),
                                             CURRENT_LABEL: _measures(self.baseline.finance)}
        self._chart_keys: dict[str, tuple[Any, ...]] = {}
        self._chart_specs: dict[str, dict[str, Any]] = {}
        self._saved = pd.DataFrame()

        self.messages = Messages()
        self.compare_messages = Messages()
        self.store_messages = Messages()
        # The callbacks a viewer can trigger: each checks what it is sent, and any error is
        # logged and shown as a short message (never raised to the widget machinery).
        on_controls, on_compare, on_store = safe(self.messages), safe(self.compare_messages), safe(self.store_messages)
        self.on_control_change = on_controls(self._on_control_change)
        self.set_funded = on_controls(self._set_funded)
        self.on_reset = on_controls(self._reset)
        self.on_save = on_store(self._save)
        self.on_compare = on_compare(self._compare)
        self.on_load = on_compare(self._load_into_controls)
        self.on_clear_comparison = on_compare(self._clear_comparison)
        self.on_refresh_list = on_compare(self._refresh_list)
        self.portfolio_messages = Messages()
        on_portfolio = safe(self.portfolio_messages)
        self.on_suggest = on_portfolio(self._suggest)
        self.on_save_suggestion = on_portfolio(self._save_suggestion)
        # The last suggestion: the result, and the changes of the settings it was made for.
        self._suggestion: tuple[PortfolioResult, dict[str, Any]] | None = None
        self._build_controls()
        self._build_portfolio()
        self._build_outputs()
        self._last_good = baseline_settings(plan)
        self.refresh()
        safe(self.compare_messages)(self._refresh_saved)()
        self.widget = self._layout()

    # ------------------------------------------------------------------ controls

    def _guard(self, control: _Guarded, messages: Messages) -> None:
        control.on_rejected = lambda: messages.show(
            "That value could not be used, so the control was put back. Please try another value.", "error")

    def _build_controls(self) -> None:
        lv = self.levers
        base = baseline_settings(self.plan)
        style = {"description_width": "70px"}
        self.precept: dict[str, widgets.FloatSlider] = {}
        self.precept_readout: dict[str, widgets.HTML] = {}
        for year in lv.precept_years:
            slider = _FloatSlider(value=base.precept_increase[year], min=0.0, max=lv.precept_max, step=PRECEPT_STEP,
                                  description=year, readout=False, continuous_update=False,
                                  layout=widgets.Layout(width="280px", min_width="280px"), style=style)
            slider.add_class("planlib-precept")
            self.precept[year] = slider
            self.precept_readout[year] = widgets.HTML()
        self.grant = _FloatSlider(value=0.0, min=GRANT_CHANGE_RANGE[0], max=GRANT_CHANGE_RANGE[1], step=GRANT_STEP,
                                  description="Grant", readout=False, continuous_update=False,
                                  layout=widgets.Layout(width="280px", min_width="280px"), style=style)
        self.grant_readout = widgets.HTML()
        self.pay = _FloatSlider(value=0.0, min=PAY_CHANGE_RANGE[0], max=PAY_CHANGE_RANGE[1], step=PAY_STEP,
                                description="Pay award", readout=False, continuous_update=False,
                                layout=widgets.Layout(width="280px", min_width="280px"), style=style)
        self.pay_readout = widgets.HTML()
        self.officers: widgets.IntSlider | None = None
        self.officers_readout = widgets.HTML()
        if lv.neighbourhood is not None and base.neighbourhood_officers is not None:
            self.officers = _IntSlider(value=base.neighbourhood_officers, min=lv.neighbourhood_min,
                                       max=lv.neighbourhood_max, step=NEIGHBOURHOOD_STEP, description="Officers",
                                       readout=False, continuous_update=False, layout=widgets.Layout(width="280px", min_width="280px"), style=style)
        self.funded: dict[str, widgets.Checkbox] = {}
        self.commitment_cost: dict[str, widgets.HTML] = {}
        self.commitment_status: dict[str, widgets.HTML] = {}
        for c in self.plan.commitments:
            box = _Checkbox(value=True if c.mandatory else c.enabled, description=c.title, indent=False,
                            disabled=c.mandatory, layout=widgets.Layout(width="auto"))
            self.funded[c.id] = box
            self.commitment_cost[c.id] = widgets.HTML()
            self.commitment_status[c.id] = widgets.HTML()

        self._control_ids: dict[str, str] = {}
        sliders: list[_Guarded] = [*self.precept.values(), self.grant, self.pay]
        if self.officers is not None:
            sliders.append(self.officers)
        for control in [*sliders, *self.funded.values()]:
            self._guard(control, self.messages)
            control.observe(self.on_control_change, names="value")
        for cid, box in self.funded.items():
            self._control_ids[box.model_id] = cid

        self.scenario_name = _Text(placeholder="e.g. precept_plus_12", description="Name",
                                   layout=widgets.Layout(width="320px"), style={"description_width": "90px"})
        self.author = _Text(placeholder="who is saving it", description="Your name",
                            layout=widgets.Layout(width="320px"), style={"description_width": "90px"})
        self.save_button = widgets.Button(description="Save scenario", button_style="primary",
                                          layout=widgets.Layout(width="140px"))
        self.saved_choice = _Dropdown(options=[], description="Saved scenario", layout=widgets.Layout(width="440px"),
                                      style={"description_width": "110px"})
        self.compare_button = widgets.Button(description="Add to comparison", layout=widgets.Layout(width="160px"))
        self.load_button = widgets.Button(description="Load into controls", layout=widgets.Layout(width="160px"))
        self.clear_button = widgets.Button(description="Clear comparison", layout=widgets.Layout(width="160px"))
        self.refresh_button = widgets.Button(description="Refresh list", layout=widgets.Layout(width="110px"))
        self.reset_button = widgets.Button(description="Back to the baseline", layout=widgets.Layout(width="180px"))
        for control in (self.scenario_name, self.author):
            self._guard(control, self.store_messages)
        self._guard(self.saved_choice, self.compare_messages)
        self.save_button.on_click(self.on_save)
        self.compare_button.on_click(self.on_compare)
        self.load_button.on_click(self.on_load)
        self.clear_button.on_click(self.on_clear_comparison)
        self.refresh_button.on_click(self.on_refresh_list)
        self.reset_button.on_click(self.on_reset)

    def _build_outputs(self) -> None:
        self.headline = widgets.HTML(layout=widgets.Layout(margin="0 0 8px 0"))
        self.by_year = widgets.HTML()
        self.funded_summary = widgets.HTML()
        self.comparison = widgets.HTML()
        self.saved_table = widgets.HTML()
        table = self._comparison_table()
        self.gap_chart = live_chart(charts.budget_gap_chart(table, width=CHART_WIDTH, height=CHART_HEIGHT))
        self.reserves_chart = live_chart(charts.reserves_chart(table, width=CHART_WIDTH, height=CHART_HEIGHT))
        self.gap_chart.add_class("planlib-gap-chart")
        self.reserves_chart.add_class("planlib-reserves-chart")

    def _layout(self) -> widgets.VBox:
        lv = self.levers
        header = widgets.HTML(_STYLE + header_html(self.plan, "Scenario explorer"))

        def note(text: str) -> widgets.HTML:
            return widgets.HTML(f'<p class="planlib-note">{html.escape(text)}</p>')

        def line(control: widgets.Widget, readout: widgets.HTML) -> widgets.HBox:
            readout.layout = widgets.Layout(flex="1 1 auto", min_width="0", margin="0 0 0 8px")
            return widgets.HBox([control, readout], layout=widgets.Layout(align_items="center"))

        rows: list[widgets.Widget] = [
            widgets.HTML("<h2>Your settings</h2>"),
            widgets.HTML("<h3>Band D precept increase</h3>"),
            note("The rise in the police precept on a Band D home each year. Above the referendum "
                 "limit a local referendum would be needed."),
        ]
        rows += [line(self.precept[y], self.precept_readout[y]) for y in lv.precept_years]
        rows += [
            widgets.HTML("<h3>Police grant settlement</h3>"),
            note(f"Change to the government grant forecast for {lv.grant_years[0]} to {lv.grant_years[-1]}."),
            line(self.grant, self.grant_readout),
            widgets.HTML("<h3>Pay award</h3>"),
            note(f"Change to each year's pay award for officers and staff from {lv.pay_years[0]}."),
            line(self.pay, self.pay_readout),
        ]
        if self.officers is not None:
            rows += [
                widgets.HTML("<h3>Officer uplift into neighbourhoods</h3>"),
                note(f"Officers in neighbourhood posts by the end of {self.plan.years[-1]}; the years "
                     "between are phased as in the plan."),
                line(self.officers, self.officers_readout),
            ]
        rows += [self.messages, self.reset_button]
        controls = widgets.VBox(rows, layout=widgets.Layout(width="560px", min_width="560px", padding="0 24px 0 0"))
        results = widgets.VBox([
            widgets.HTML("<h2>Budget gap and reserves</h2>"),
            self.gap_chart, self.reserves_chart,
        ], layout=widgets.Layout(flex="1 1 auto", min_width="0"))
        top = widgets.HBox([controls, results], layout=widgets.Layout(align_items="flex-start"))
        by_year = widgets.VBox([widgets.HTML("<h2>Figures by year</h2>"), self.by_year])

        grid_items: list[widgets.Widget] = [
            widgets.HTML("<b>Commitment</b>"),
            widgets.HTML('<div class="planlib-cost"><b>Cost over the plan</b></div>'),
            widgets.HTML("<b>Status</b>"),
        ]
        for cid in [*lv.optional, *lv.mandatory]:
            grid_items += [self.funded[cid], self.commitment_cost[cid], self.commitment_status[cid]]
        grid = widgets.GridBox(grid_items, layout=widgets.Layout(
            grid_template_columns="minmax(0, 1fr) 150px 200px", grid_gap="0 16px", width="100%",
            max_width="1100px"))
        commitments = widgets.VBox([
            widgets.HTML("<h2>Commitments</h2>"),
            note("Untick an optional commitment to drop it from the plan. Statutory duties are always "
                 "funded and cannot be dropped. Costs are revenue, with the pay of the posts."),
            self.funded_summary, grid,
        ])
        suggest = widgets.VBox([
            widgets.HTML("<h2>Suggest a portfolio</h2>"),
            note("The best affordable set of commitments for the funding of your settings: statutory duties "
                 "kept, a commitment that depends on another only with it, and each year's cost within the "
                 "headroom (funding less the costs that are not commitments). Commitments may start later than "
                 "planned. The NPVs rest on illustrative assumptions, and many benefits are not valued."),
            widgets.HBox([self.portfolio_objective, self.suggest_button],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
            self.portfolio_messages, self.suggestion,
            widgets.HBox([self.suggestion_name, self.suggestion_author, self.save_suggestion_button],
                         layout=widgets.Layout(flex_flow="row wrap", margin="4px 0 0 0")),
        ])
        compare = widgets.VBox([
            widgets.HTML("<h2>Comparison</h2>"),
            note("The baseline, your settings and any saved scenarios you add (they are drawn on the charts "
                 "too). Budget gap: total revenue cost less total funding; a positive gap is a shortfall."),
            self.comparison,
            widgets.HBox([self.saved_choice, self.refresh_button, self.compare_button, self.load_button,
                          self.clear_button], layout=widgets.Layout(flex_flow="row wrap", margin="8px 0 0 0")),
            self.compare_messages,
        ])
        save = widgets.VBox([
            widgets.HTML("<h2>Save your settings</h2>"),
            note("Save the settings as a named scenario for the finance team and the board. Saving under a "
                 "name already used adds a new version and keeps the earlier ones."),
            widgets.HBox([self.scenario_name, self.author, self.save_button],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self.store_messages, self.saved_table,
        ])
        return widgets.VBox(
            [header, self.headline, top, by_year, commitments, suggest, compare, save],
            layout=widgets.Layout(padding="0 8px"),
        ).add_class("planlib-explorer")

    # ------------------------------------------------------------------ reading the controls

    def settings(self) -> Settings:
        """The checked values of the controls; ValueError with a reader's message if one is bad."""
        precept = {y: round(validate_number(s.value, 0.0, self.levers.precept_max, f"The Band D increase for {y}"), 2)
                   for y, s in self.precept.items()}
        grant = validate_number(self.grant.value, *GRANT_CHANGE_RANGE, "The change to the police grant (%)")
        pay = validate_number(self.pay.value, *PAY_CHANGE_RANGE, "The change to the pay award (percentage points)")
        officers = None
        if self.officers is not None:
            officers = int(round(validate_number(self.officers.value, self.levers.neighbourhood_min,
                                                 self.levers.neighbourhood_max, "The number of neighbourhood officers")))
        funded = {}
        for cid in self.levers.optional:
            value = self.funded[cid].value
            if not isinstance(value, bool):
                raise ValueError("A commitment is either funded or not.")
            funded[cid] = value
        return Settings(precept_increase=precept, grant_change_pct=round(grant, 2),
                        pay_award_change_pp=round(pay, 2), neighbourhood_officers=officers, funded=funded)

    def scenario(self, name: str = CURRENT_NAME, settings: Settings | None = None) -> Scenario:
        """The current settings (or ``settings``) as a named :class:`~planlib.Scenario`."""
        settings = self.settings() if settings is None else settings
        return Scenario(name=name, description=describe(self.plan, settings),
                        source=f"set in the scenario explorer board app (planlib {planlib.__version__})",
                        changes=scenario_changes(self.plan, settings))

    # ------------------------------------------------------------------ callbacks

    def _on_control_change(self, change: Mapping[str, Any]) -> None:
        if self._quiet:
            return
        owner = change.get("owner") if isinstance(change, Mapping) else None
        new = change.get("new") if isinstance(change, Mapping) else None
        try:
            self._check(owner, new)
            settings = self.settings()
        except ValueError:
            self._restore(self._last_good)
            raise
        self.messages.clear()
        self._update(settings)

    def _check(self, owner: Any, new: Any) -> None:
        if owner is not None and getattr(owner, "model_id", None) in self._control_ids:
            self._set_funded(self._control_ids[owner.model_id], new, _apply=False)
            return
        for year, slider in self.precept.items():
            if owner is slider:
                validate_number(new, 0.0, self.levers.precept_max, f"The Band D increase for {year}")
                return
        if owner is self.grant:
            validate_number(new, *GRANT_CHANGE_RANGE, "The change to the police grant (%)")
        elif owner is self.pay:
            validate_number(new, *PAY_CHANGE_RANGE, "The change to the pay award (percentage points)")
        elif owner is self.officers and owner is not None:
            validate_number(new, self.levers.neighbourhood_min, self.levers.neighbourhood_max,
                            "The number of neighbourhood officers")
        else:
            raise ValueError("That control is not part of this app.")

    def _set_funded(self, commitment_id: Any, funded: Any, *, _apply: bool = True) -> None:
        cid = validate_choice(commitment_id, list(self.funded), "The commitment")
        if not isinstance(funded, bool):
            raise ValueError("A commitment is either funded or not.")
        if cid in self.levers.mandatory and not funded:
            raise ValueError(f"“{self._titles[cid]}” is a statutory duty: it is always funded and cannot be dropped.")
        if _apply:
            self.funded[cid].value = funded

    def _restore(self, settings: Settings) -> None:
        """Put every control back to ``settings`` without recomputing."""
        self._quiet = True
        try:
            for year, slider in self.precept.items():
                slider.value = settings.precept_increase[year]
            self.grant.value = settings.grant_change_pct
            self.pay.value = settings.pay_award_change_pp
            if self.officers is not None and settings.neighbourhood_officers is not None:
                self.officers.value = settings.neighbourhood_officers
            for cid, box in self.funded.items():
                box.value = settings.funded.get(cid, True)
        finally:
            self._quiet = False

    def apply_settings(self, settings: Settings) -> None:
        """Set every control to ``settings`` and redraw once."""
        self._restore(settings)
        self._update(self.settings())

    def _reset(self, _button: Any = None) -> None:
        self.apply_settings(baseline_settings(self.plan))
        self.messages.show("The controls are back to the baseline plan.")

    def refresh(self) -> None:
        """Recompute from the controls and redraw (a bad control value shows a message)."""
        safe(self.messages)(lambda: self._update(self.settings()))()

    # ------------------------------------------------------------------ recompute and redraw

    def _update(self, settings: Settings) -> None:
        result = planlib.run(self.plan, self.scenario(CURRENT_NAME, settings))
        self.result = result
        self._last_good = settings
        self._figures[CURRENT_LABEL] = _measures(result.finance)
        current = self._figures[CURRENT_LABEL]
        self._show_readouts(settings, current)
        self._show_headline(current)
        self._show_commitments(result, settings)
        self._redraw("gap", self.gap_chart, charts.budget_gap_chart, "budget_gap")
        self._redraw("reserves", self.reserves_chart, charts.reserves_chart, "reserves_closing")
        self.comparison.value = self._comparison_html()

    def _show_readouts(self, settings: Settings, m: Figures) -> None:
        for year in self.levers.precept_years:
            increase = settings.precept_increase[year]
            limit = m["referendum_limit"][year]
            if increase > limit + 1e-9:
                text = (f'<b>{_gbp(increase)}</b> <span class="planlib-flag">above the {_gbp(limit)} limit: '
                        "referendum needed</span>")
            else:
                text = f'<b>{_gbp(increase)}</b> <span class="planlib-good">within the {_gbp(limit)} limit</span>'
            self.precept_readout[year].value = f'<span class="planlib-readout">{text}</span>'
        grant = m["police_grant"]
        years = self.levers.grant_years
        amounts = ", ".join(money(grant[y]) for y in years)
        self.grant_readout.value = (f'<span class="planlib-readout"><b>{settings.grant_change_pct:+.1f}%</b>: '
                                    f"{amounts}</span>")
        awards = self.result.plan.finance.pay_award
        shown = ", ".join(f"{awards.value(y) * 100:.2f}%".replace(".00%", "%") for y in self.levers.pay_years)
        self.pay_readout.value = (f'<span class="planlib-readout"><b>{settings.pay_award_change_pp:+.1f} points</b>: '
                                  f"{shown}</span>")
        if self.officers is not None:
            target = int(self.plan.finance.neighbourhood_officer_target.central)
            funded = settings.funded.get(self.levers.neighbourhood or "", True)
            if not funded:
                text = '<span class="planlib-flag">commitment dropped</span>'
            else:
                text = f"<b>{settings.neighbourhood_officers}</b> in post (target {target})"
            self.officers_readout.value = f'<span class="planlib-readout">{text}</span>'
            self.officers.disabled = not funded

    def _show_headline(self, m: Figures) -> None:
        gap, closing, minimum = m["budget_gap"], m["reserves_closing"], m["minimum_reserves"]
        increase, limit = m["precept_increase"], m["referendum_limit"]
        years = list(gap)
        short = any(v >= BALANCE_TOLERANCE for v in gap.values())
        lines = [f'<p class="planlib-lead">{html.escape(balance_sentence(gap))}</p>']
        above = [y for y in self.levers.precept_years if increase[y] > limit[y] + 1e-9]
        if above:
            lines.append('<p class="planlib-flag">' + html.escape(
                "A referendum would be needed: the Band D increase is above the limit in "
                + _years_phrase([f"{y} ({_gbp(increase[y])} against {_gbp(limit[y])})" for y in above]) + ".") + "</p>")
        low = [y for y in years if closing[y] < minimum[y]]
        last = years[-1]
        if low:
            lines.append('<p class="planlib-flag">' + html.escape(
                f"Reserves fall below the {money(minimum[low[0]])} minimum in {_years_phrase(low)} "
                f"(to {money(closing[low[0]])} in {low[0]}).") + "</p>")
        else:
            lines.append("<p>" + html.escape(
                f"Reserves stay above the {money(minimum[last])} minimum, ending at {money(closing[last])} "
                f"in {last}" + (" after meeting the shortfall." if short else ".")) + "</p>")
        kind = "planlib-short" if short or above or low else ""
        self.headline.value = f'<div class="planlib-headline {kind}" role="status">{"".join(lines)}</div>'
        self.by_year.value = self._by_year_html(m)

    def _by_year_html(self, m: Figures) -> str:
        years = list(m["budget_gap"])
        gap, base_gap = m["budget_gap"], self._figures[BASELINE_LABEL]["budget_gap"]
        increase, limit, band_d = m["precept_increase"], m["referendum_limit"], m["precept_band_d"]
        closing, minimum, officers = m["reserves_closing"], m["minimum_reserves"], m["officers_neighbourhood"]

        def gap_cell(value: float, plain: bool = False) -> str:
            if value >= BALANCE_TOLERANCE:
                return f'<td class="num{"" if plain else " planlib-flag"}">{money(value)} shortfall</td>'
            if value <= -BALANCE_TOLERANCE:
                return f'<td class="num">{money(-value)} surplus</td>'
            return f'<td class="num{"" if plain else " planlib-good"}">balanced</td>'

        def row(label: str, cells: list[str], css: str = "") -> str:
            return f'<tr class="{css}"><td>{label}</td>{"".join(cells)}</tr>'

        rows = ["<tr><th>By year</th>" + "".join(f'<th class="num">{y}</th>' for y in years) + "</tr>",
                row("Budget gap", [gap_cell(gap[y]) for y in years], "planlib-gap-row"),
                row("Budget gap in the baseline", [gap_cell(base_gap[y], plain=True) for y in years])]
        cells = []
        for y in years:
            flag = increase[y] > limit[y] + 1e-9
            mark = ' planlib-flag" title="Above the referendum limit' if flag else ""
            cells.append(f'<td class="num{mark}">+{_gbp(increase[y])} (limit {_gbp(limit[y])})</td>')
        rows += [row("Band D increase", cells),
                 row("Band D precept", [f'<td class="num">{_gbp(band_d[y])}</td>' for y in years]),
                 row(f"Reserves at year end (minimum {money(minimum[years[-1]])})",
                     [f'<td class="num{" planlib-flag" if closing[y] < minimum[y] else ""}">{money(closing[y])}</td>'
                      for y in years]),
                 row("Neighbourhood officers in post", [f'<td class="num">{officers[y]:,.0f}</td>' for y in years]
                     if self._last_good.funded.get(self.levers.neighbourhood or "", True)
                     else [f'<td class="num planlib-flag" colspan="{len(years)}">commitment dropped</td>'])]
        status = self.plan.finance.referendum_limit.status
        note = ("" if status == "verified" else
                f'<p class="planlib-note">The referendum limits are {html.escape(status)} figures: check them '
                "before relying on the referendum flags.</p>")
        return f'<table class="planlib-figures planlib-by-year">{"".join(rows)}</table>{note}'

    def _show_commitments(self, result: planlib.Result, settings: Settings) -> None:
        costs = commitment_costs(result.plan)
        revenue = costs[costs["measure"] == "revenue_gbp"].groupby("commitment_id", sort=False)["value"].sum()
        funded_total = 0.0
        dropped = []
        for c in self.plan.commitments:
            funded = True if c.mandatory else settings.funded.get(c.id, c.enabled)
            self.commitment_cost[c.id].value = f'<div class="planlib-cost">{money(revenue.get(c.id, 0.0))}</div>'
            if c.mandatory:
                status = "Statutory duty (locked)"
            elif funded:
                status = "Funded"
            else:
                status = '<span class="planlib-flag">Dropped</span>'
                dropped.append(c.title)
            self.commitment_status[c.id].value = f'<div class="planlib-status">{status}</div>'
            if funded:
                funded_total += revenue.get(c.id, 0.0)
        count = len(self.plan.commitments) - len(dropped)
        text = (f"<b>{count} of {len(self.plan.commitments)} commitments funded</b>, costing "
                f"{money(funded_total)} in revenue over {self.plan.years[0]} to {self.plan.years[-1]} "
                "(officer and staff pay included).")
        if dropped:
            text += " Dropped: " + "; ".join(html.escape(t) for t in dropped) + "."
        self.funded_summary.value = f'<p class="planlib-funded-summary">{text}</p>'

    def _comparison_table(self) -> pd.DataFrame:
        """The baseline, the current settings and the compared scenarios, long, labelled for display."""
        frames = [self.baseline.finance.assign(scenario=BASELINE_LABEL),
                  self.result.finance.assign(scenario=CURRENT_LABEL)]
        frames += [frame for frame, _ in self._compared.values()]
        return pd.concat(frames, ignore_index=True)

    def _redraw(self, key: str, chart_widget: Any, build: Callable[..., Any], measure: str) -> None:
        """Redraw a chart in place; cheap when only the figures changed.

        A new set of scenarios (or of minimum reserves) rebuilds the chart from the comparison
        table, with its validated specification. A slider move changes only the figures: the
        specification is kept and only its data rows (the dataset with the columns ``scenario,
        year, value_m``, which :func:`planlib.charts.budget_gap_chart` and
        :func:`planlib.charts.reserves_chart` draw) are replaced. Rebuilding and re-validating a
        chart is most of the time a redraw would otherwise take.
        """
        labels = tuple(self._figures)
        structure = (labels, tuple(tuple(self._figures[label]["minimum_reserves"].values()) for label in labels))
        spec = self._chart_specs.get(key)
        if spec is not None and self._chart_keys.get(key) == structure:
            values = [{"scenario": label, "year": year, "value_m": value / 1e6}
                      for label in labels for year, value in self._figures[label][measure].items()]
            datasets = {name: (values if data and set(data[0]) == {"scenario", "year", "value_m"} else data)
                        for name, data in spec["datasets"].items()}
            spec = {**spec, "datasets": datasets}
            chart_widget.spec = spec
        else:
            chart_widget.chart = build(self._comparison_table(), width=CHART_WIDTH, height=CHART_HEIGHT)
            spec = chart_widget.spec
        self._chart_specs[key] = spec
        self._chart_keys[key] = structure

    def _comparison_html(self) -> str:
        years = [str(y) for y in self.plan.years]
        last = years[-1]
        head = ("<tr><th>Scenario</th>" + "".join(f'<th class="num">Gap {y}</th>' for y in years)
                + f'<th class="num">Total gap</th><th class="num">Reserves end {last}</th>'
                + f'<th class="num">Band D {last}</th><th>Referendum needed</th></tr>')
        body = []
        for label, m in self._figures.items():
            gaps = [m["budget_gap"][y] for y in years]
            referendum = [y for y in years if m["referendum_required"][y] > 0]
            cells = "".join(f'<td class="num{" planlib-flag" if g >= BALANCE_TOLERANCE else ""}">{money(g)}</td>'
                            for g in gaps)
            reserves = m["reserves_closing"][last]
            below = reserves < m["minimum_reserves"][last]
            body.append(
                f"<tr><td>{html.escape(label)}</td>{cells}<td class=\"num\">{money(sum(gaps))}</td>"
                f'<td class="num{" planlib-flag" if below else ""}">{money(reserves)}</td>'
                f'<td class="num">{_gbp(m["precept_band_d"][last])}</td>'
                f'<td class="{"planlib-flag" if referendum else ""}">{html.escape(_years_phrase(referendum)) or "No"}</td></tr>'
            )
        return f'<table class="planlib-figures planlib-comparison">{head}{"".join(body)}</table>'

    # ------------------------------------------------------------------ the store

    def _require_store(self) -> ScenarioStore:
        if self.store is None:
            raise ValueError("Scenarios cannot be saved or loaded here: no scenario store is available.")
        return self.store

    def _refresh_saved(self, select: tuple[str, int] | None = None) -> None:
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
        self._saved = saved
        options = [(f"{row.name} · version {row.version} · {row.author}", (row.name, int(row.version)))
                   for row in saved.itertuples()]
        values = [value for _, value in options]
        wanted = select if select in values else self.saved_choice.value
        self.saved_choice.options = options
        if wanted in values:
            self.saved_choice.value = wanted
        elif values:
            self.saved_choice.value = values[-1]
        if saved.empty:
            self.saved_table.value = '<p class="planlib-note">No scenarios have been saved yet.</p>'
            return
        recent = saved.sort_values("saved_at", ascending=False, kind="stable").head(SAVED_ROWS_SHOWN)
        rows = "".join(
            f"<tr><td>{html.escape(r.name)}</td><td class=\"num\">{r.version}</td><td>{html.escape(r.author)}</td>"
            f"<td>{r.saved_at.strftime('%-d %b %Y %H:%M')}</td><td>{html.escape(r.description)}</td></tr>"
            for r in recent.itertuples()
        )
        more = len(saved) - len(recent)
        note = f'<p class="planlib-note">And {more} older saved versions.</p>' if more > 0 else ""
        self.saved_table.value = (
            "<h3>Recently saved</h3><table class=\"planlib-figures planlib-saved\"><tr><th>Name</th>"
            '<th class="num">Version</th><th>Saved by</th><th>Saved (UTC)</th><th>What it changes</th></tr>'
            f"{rows}</table>{note}")

    def _save(self, _button: Any = None) -> None:
        store = self._require_store()
        name, author = _checked_name(self.scenario_name.value), _checked_author(self.author.value)
        version = _save_in(store, self.scenario(name), author, "scenario")
        self._refresh_saved(select=(name, version))
        kept = " (the earlier versions are kept)" if version > 1 else ""
        self.store_messages.show(f"Saved “{name}” as version {version}{kept}.")

    def _refresh_list(self, _button: Any = None) -> None:
        self._require_store()
        self._refresh_saved()
        count = len(self._saved)
        self.compare_messages.show(f"{count} saved version{'' if count == 1 else 's'} listed.")

    def _chosen(self) -> tuple[str, int]:
        choices = [value for _, value in self.saved_choice.options] if self.saved_choice.options else []
        value = self.saved_choice.value
        if value is None or value not in choices:
            raise ValueError("Please choose a saved scenario first.")
        name, version = value
        return name, version

    def _load(self, name: str, version: int) -> Scenario:
        try:
            return self._require_store().load(name, version)
        except (StoreError, PlanError):
            log.exception("cannot load scenario %r version %r", name, version)
            raise ValueError(f"Scenario “{name}” version {version} could not be read from the store.") from None

    def _compare(self, _button: Any = None) -> None:
        name, version = self._chosen()
        if (name, version) in self._compared:
            self.compare_messages.show(f"“{name}” version {version} is already in the comparison.")
            return
        if len(self._compared) >= MAX_COMPARED:
            raise ValueError(f"At most {MAX_COMPARED} saved scenarios can be compared at once: clear the comparison first.")
        scenario = self._load(name, version)
        try:
            finance = planlib.run(self.plan, scenario).finance
        except PlanError:
            log.warning("saved scenario %r version %r does not apply to this plan", name, version, exc_info=True)
            raise ValueError(f"Scenario “{name}” version {version} does not fit this plan, so it cannot be compared.") from None
        label = _label_for(name, version)
        self._compared[(name, version)] = (finance.assign(scenario=label), _measures(finance))
        self._figures[label] = self._compared[(name, version)][1]
        self._update(self._last_good)
        self.compare_messages.show(f"Added “{name}” version {version} to the comparison.")

    def _clear_comparison(self, _button: Any = None) -> None:
        self._compared.clear()
        self._figures = {BASELINE_LABEL: self._figures[BASELINE_LABEL], CURRENT_LABEL: self._figures[CURRENT_LABEL]}
        self._update(self._last_good)
        self.compare_messages.show("The comparison shows the baseline and your settings.")

    def _load_into_controls(self, _button: Any = None) -> None:
        name, version = self._chosen()
        scenario = self._load(name, version)
        settings = settings_from_scenario(self.plan, scenario)
        self.apply_settings(settings)
        self.scenario_name.value = name
        self.compare_messages.show(f"Loaded “{name}” version {version} into the controls.")

    # ------------------------------------------------------------------ suggest a portfolio

    def _build_portfolio(self) -> None:
        self.portfolio_objective = _Dropdown(options=[(label, key) for key, label in PORTFOLIO_OBJECTIVES.items()], value="npv_p50",
                                             description="Maximise", layout=widgets.Layout(width="420px"),
                                             style={"description_width": "70px"})
        self.suggest_button = widgets.Button(description="Suggest a portfolio", button_style="primary",
                                             layout=widgets.Layout(width="180px"))
        self.suggestion = widgets.HTML()
        self.suggestion_name = _Text(placeholder="e.g. suggested_portfolio", description="Name",
                                     layout=widgets.Layout(width="320px"), style={"description_width": "90px"})
        self.suggestion_author = _Text(placeholder="your name", description="Your name",
                                       layout=widgets.Layout(width="320px"), style={"description_width": "90px"})
        self.save_suggestion_button = widgets.Button(description="Save suggestion as a scenario", disabled=True,
                                                     layout=widgets.Layout(width="230px"))
        for control in (self.portfolio_objective, self.suggestion_name, self.suggestion_author):
            self._guard(control, self.portfolio_messages)
        self.suggest_button.on_click(self.on_suggest)
        self.save_suggestion_button.on_click(self.on_save_suggestion)

    def _suggest(self, _button: Any = None) -> None:
        objective = validate_choice(self.portfolio_objective.value, list(PORTFOLIO_OBJECTIVES), "The objective")
        settings = self._last_good
        # The optimiser chooses the commitments: start from the plan's own, with the other settings.
        base = baseline_settings(self.plan)
        changes = scenario_changes(self.plan, settings.replace(funded=base.funded))
        scenario = Scenario(name=CURRENT_NAME, description="The explorer's settings", source="scenario explorer",
                            changes=changes)
        try:
            result = optimise(self.plan, scenario, objective=objective)
        except PortfolioInfeasible as exc:
            self._suggestion = None
            self.save_suggestion_button.disabled = True
            self.suggestion.value = ""
            raise ValueError(f"No portfolio is affordable with these settings: {exc}".replace(
                "no affordable portfolio: ", "")) from None
        self._suggestion = (result, changes)
        self.suggestion.value = suggestion_html(result)
        self.save_suggestion_button.disabled = self.store is None
        self.portfolio_messages.show("Suggested for your settings as they are now. Save it to compare it with "
                                     "others; moving the controls does not change it.")

    def _save_suggestion(self, _button: Any = None) -> None:
        store = self._require_store()
        if self._suggestion is None:
            raise ValueError("Ask for a suggestion first.")
        name, author = _checked_name(self.suggestion_name.value), _checked_author(self.suggestion_author.value)
        result, changes = self._suggestion
        version = _save_in(store, result.to_scenario(name, base_changes=changes), author, "suggestion")
        self._refresh_saved(select=(name, version))
        text = f"Saved the suggestion as “{name}” version {version}"
        try:
            self._compare()
            text += ", and added it to the comparison."
        except ValueError as exc:
            text += f". {exc}"
        self.portfolio_messages.show(text)


PORTFOLIO_OBJECTIVES = {
    "npv_p50": "Total NPV at the median (p50)",
    "npv_p5": "Cautious: total of the 5th-percentile NPVs",
    "weighted": "Priority-weighted NPV (objectives' weights)",
}
"""What the "suggest a portfolio" panel can maximise (value -> label)."""


def _checked_name(name: Any) -> str:
    """A scenario name typed by a viewer, checked; ValueError with a reader's message."""
    if not isinstance(name, str) or not SCENARIO_NAME.match(name.strip()):
        raise ValueError(NAME_RULE)
    if name.strip().lower() == "baseline":
        raise ValueError("“baseline” is the plan itself: please choose another name.")
    return name.strip()


def _save_in(store: ScenarioStore, scenario: Scenario, author: str, what: str) -> int:
    """Save ``scenario`` and return its version; a store that fails becomes a reader's message."""
    try:
        return store.save(scenario, author)
    except StoreError:
        log.exception("cannot save %s %r", what, scenario.name)
        raise ValueError(f"The {what} could not be saved: the scenario store is not available just now. "
                         "Please try again, or tell the finance team.") from None


def _checked_author(author: Any) -> str:
    if not isinstance(author, str) or not author.strip():
        raise ValueError("Please give your name, so that others know who saved the scenario.")
    author = author.strip()
    if len(author) > MAX_AUTHOR_LENGTH or any(ch < " " or ch == "\x7f" for ch in author):
        raise ValueError(f"Your name must be one line of at most {MAX_AUTHOR_LENGTH} characters.")
    return author


def suggestion_html(result: PortfolioResult) -> str:
    """The optimiser's suggestion for a board member: what is in, when, what it costs against the
    envelope, and what each commitment left out would need to be chosen."""
    table = result.commitments
    chosen = table[table["selected"]]
    optional = chosen[~chosen["mandatory"]]
    out = table[~table["selected"]]
    years = list(result.envelope)
    proved = (f" (proved within {result.gap:.2%} of the best possible)" if result.gap > 1e-9 else "")
    lead = (f'<p class="planlib-lead">Suggested: {len(chosen)} of {len(table)} commitments, with all '
            f'{int(chosen["mandatory"].sum())} statutory duties kept. {html.escape(PORTFOLIO_OBJECTIVES[result.objective])}: '
            f"{money(result.objective_value)}{proved}.</p>")
    rows = ["<tr><th>£m</th>" + "".join(f'<th class="num">{y}</th>' for y in years) + "</tr>"]
    for label, column in (("Headroom for commitments", "envelope"), ("Statutory duties", "mandatory_cost"),
                          ("Optional commitments chosen", "optional_cost"), ("Left over", "headroom_left")):
        rows.append(f"<tr><td>{label}</td>" + "".join(f'<td class="num">{money(v)}</td>' for v in result.by_year[column])
                    + "</tr>")
    items = []
    for r in optional.itertuples():
        when = (f"starts {r.start_year}, {r.delay_years} year{'s' if r.delay_years != 1 else ''} later than planned"
                if r.delay_years else f"starts {r.start_year} as planned")
        items.append(f"<li><b>{html.escape(r.title)}</b>: {when}; NPV {money(r.npv)}, costing {money(r.cost_total)}</li>")
    kept = "<ul>" + "".join(items) + "</ul>" if items else "<p>No optional commitment: only the statutory duties.</p>"
    left = []
    enabled = {c.id for c in result.plan.commitments if c.enabled}
    for r in out.itertuples():
        if r.npv != r.npv:   # no option at all: it needs a commitment that is switched off
            off = ", ".join(d for d in r.depends_on if d not in enabled)
            left.append(f"<li>{html.escape(r.title)}: cannot be chosen, as it needs {html.escape(off)}, "
                        "which is switched off</li>")
            continue
        needs = ("cannot fit within the headroom" if r.npv_to_enter != r.npv_to_enter
                 else f"would be chosen at an NPV of {money(r.npv_to_enter)} or more")
        left.append(f"<li>{html.escape(r.title)}: NPV {money(r.npv)}, {needs}</li>")
    dropped = ("<h3>Left out</h3><ul>" + "".join(left) + "</ul>") if left else ""
    return (f'<div class="planlib-suggestion">{lead}<table class="planlib-figures planlib-suggestion-years">'
            f'{"".join(rows)}</table><h3>Optional commitments chosen</h3>{kept}{dropped}</div>')


def open_store() -> ScenarioStore | None:
    """The shared scenario store (``PLANLIB_STORE`` or the default), or None if it cannot be opened.

    The app still runs without a store; saving and loading then say that they are unavailable.
    """
    try:
        return ScenarioStore()
    except StoreError:
        log.exception("cannot open the scenario store")
        return None

