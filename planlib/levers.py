"""The levers of the financial plan: what a board member can move, and the scenario it makes.

A board member sets the Band D precept increase for each remaining year, the change to the
police grant forecast, the change to pay awards, how many officers of the uplift are in
neighbourhood posts by the end of the plan, and which optional commitments are funded
(statutory duties always are). Those values are a :class:`Settings`; :func:`levers` says which
years and commitments they act on in a plan; :func:`scenario_changes` turns settings into the
sparse changes of a :class:`~planlib.scenario.Scenario` (only what differs from the baseline, so
the baseline's settings give a scenario with no changes); :func:`settings_from_scenario` reads
a saved scenario back, refusing one the levers cannot show exactly.

The officers lever moves the officers of one commitment, the one that carries the
neighbourhood officers. Only the plan can say which that is: it declares it in ``plan.yaml``
(``levers: {officer_commitment: ...}``, checked like any other cross-reference), and
:func:`officer_commitment` reads the declaration. A plan that declares none has no officers
lever; the other levers work on any plan.

>>> from planlib.io import DEFAULT_PLAN, load_plan
>>> plan = load_plan(DEFAULT_PLAN)
>>> settings = baseline_settings(plan)
>>> scenario_changes(plan, settings)
{}
>>> higher = settings.replace(precept_increase={**settings.precept_increase, "2022/23": 12.0})
>>> scenario_changes(plan, higher)
{'finance.precept_increase': {'2022/23': 12.0}}
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from planlib.errors import ScenarioError
from planlib.model import Plan, YearSeries
from planlib.scenario import Scenario

PRECEPT_MAX = 30.0
"""The largest Band D increase (£ a year) the precept lever offers (twice the largest recent
limit), or more if the plan itself has a larger one (see :func:`levers`)."""

PRECEPT_STEP = 0.5
"""The step of the precept lever (£)."""

GRANT_CHANGE_RANGE = (-5.0, 5.0)
"""Change to the police grant forecast, in per cent."""

GRANT_STEP = 0.5
"""The step of the grant lever (per cent)."""

PAY_CHANGE_RANGE = (-3.0, 3.0)
"""Change to each year's pay award, in percentage points."""

PAY_STEP = 0.5
"""The step of the pay lever (percentage points)."""

OFFICER_STEP = 5
"""The step of the officers lever (officers)."""

BALANCE_TOLERANCE = 50_000.0
"""A gap smaller than this shows as £0.0m, so it counts as balanced (and a surplus likewise)."""


@dataclasses.dataclass(frozen=True)
class Settings:
    """What the levers are set to.

    Attributes
    ----------
    precept_increase : dict
        Band D increase (£) for each remaining year, by financial year text (``"2022/23"``).
    grant_change_pct : float
        Per cent added to the police grant forecast in each forecast year.
    pay_award_change_pp : float
        Percentage points added to the pay award of each remaining year.
    neighbourhood_officers : int or None
        Officers in neighbourhood posts at the end of the plan (None: no officers lever).
    funded : dict
        Optional commitment id -> whether it is funded.

    Examples
    --------
    >>> Settings(precept_increase={"2022/23": 10.0}).replace(grant_change_pct=1.0).grant_change_pct
    1.0
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
    """Which years and commitments the levers of a plan act on (see :func:`levers`).

    ``neighbourhood`` is the commitment the officers lever phases (None: no officers lever),
    which runs from ``neighbourhood_min`` to ``neighbourhood_max``. ``officers_declared`` says
    whether the plan names that commitment at all (without it there is no officers lever).
    """

    precept_years: tuple[str, ...]
    grant_years: tuple[str, ...]
    pay_years: tuple[str, ...]
    optional: tuple[str, ...]
    mandatory: tuple[str, ...]
    neighbourhood: str | None
    neighbourhood_min: int
    neighbourhood_max: int
    precept_max: float = PRECEPT_MAX
    officers_declared: bool = False


def officer_commitment(plan: Plan) -> str | None:
    """The commitment that carries the neighbourhood officers, as the plan declares it (None: none).

    It is ``levers.officer_commitment`` in ``plan.yaml``; validation has checked that it names
    a commitment of the plan.

    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> plan = load_plan(DEFAULT_PLAN)
    >>> officer_commitment(plan) == plan.levers.officer_commitment
    True
    >>> officer_commitment(plan.model_copy(update={"levers": None})) is None
    True
    """
    declared = plan.levers.officer_commitment if plan.levers is not None else None
    return declared if declared in {c.id for c in plan.commitments} else None


def _officer_range(plan: Plan) -> tuple[int, int] | None:
    """The officers lever's range, on a grid of steps through the baseline's figure (None: no lever)."""
    in_post = plan.finance.neighbourhood_officers_in_post
    if not in_post.values:
        return None
    values = {str(y): entry.central for y, entry in in_post.values.items()}
    first = values.get(str(plan.years[0]), min(values.values()))
    base_end = values.get(str(plan.years[-1]), max(values.values()))
    top = plan.finance.neighbourhood_officer_target.central * 4 / 3
    low = int(round(base_end - OFFICER_STEP * math.floor((base_end - first) / OFFICER_STEP)))
    high = int(round(base_end + OFFICER_STEP * max(0, math.ceil((top - base_end) / OFFICER_STEP))))
    if high <= low or base_end != round(base_end):
        return None
    return low, high


def levers(plan: Plan) -> Levers:
    """The years and commitments the levers change in ``plan``.

    The precept and pay award can change in every year after the first (whose budget is set);
    the police grant in the years after the last settlement marked ``verified`` (the forecast
    years). The officers lever (only when the plan declares its :func:`officer_commitment`)
    runs from the officers in post at the end of the first year to a third above the target.

    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> lv = levers(load_plan(DEFAULT_PLAN))
    >>> lv.precept_years, lv.grant_years
    (('2022/23', '2023/24', '2024/25'), ('2023/24', '2024/25'))
    >>> lv.neighbourhood_min, lv.neighbourhood_max
    (180, 600)
    """
    years = [str(y) for y in plan.years]
    open_years = tuple(years[1:]) if len(years) > 1 else tuple(years)
    settled = [str(y) for y, entry in plan.finance.police_grant.values.items() if entry.status == "verified"]
    grant_years = tuple(y for y in years if not settled or y > max(settled)) or open_years
    neighbourhood = officer_commitment(plan)
    span = _officer_range(plan) if neighbourhood is not None else None
    low, high = span or (0, 0)
    # A slider clamps its value to its range: never let it quietly change the plan's own figure.
    largest = max((plan.finance.precept_increase.value(y) for y in open_years), default=0.0)
    return Levers(
        precept_max=max(PRECEPT_MAX, math.ceil(largest / PRECEPT_STEP) * PRECEPT_STEP),
        precept_years=open_years,
        grant_years=grant_years,
        pay_years=open_years,
        optional=tuple(c.id for c in plan.commitments if not c.mandatory),
        mandatory=tuple(c.id for c in plan.commitments if c.mandatory),
        neighbourhood=neighbourhood if span is not None else None,
        neighbourhood_min=low,
        neighbourhood_max=high,
        officers_declared=neighbourhood is not None,
    )


def _in_post(plan: Plan) -> dict[str, float]:
    series = plan.finance.neighbourhood_officers_in_post
    return {str(y): series.value(y) for y in series.years()}


def baseline_settings(plan: Plan) -> Settings:
    """The settings that reproduce ``plan`` unchanged.

    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> s = baseline_settings(load_plan(DEFAULT_PLAN))
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


def funding_problem(plan: Plan, funded: Mapping[str, bool]) -> str | None:
    """Why ``funded`` cannot be shown, in a reader's words, or None if it can: a commitment funded
    while one it depends on is dropped. The rule is the plan's and every scenario's (a commitment
    never counts without what it depends on, and nothing is dropped unasked), said here with titles.

    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> plan = load_plan(DEFAULT_PLAN)
    >>> funding_problem(plan, baseline_settings(plan).funded) is None
    True
    >>> needed = next(d for c in plan.commitments for d in c.depends_on if d in levers(plan).optional)
    >>> "fund both, or drop both" in funding_problem(plan, {needed: False})
    True
    """
    on = {c.id: (c.mandatory or bool(funded.get(c.id, c.enabled))) for c in plan.commitments}
    titles = {c.id: c.title for c in plan.commitments}
    for c in plan.commitments:
        dropped = [d for d in c.depends_on if on[c.id] and not on.get(d, True)]
        if dropped:
            needed = titles[dropped[0]]
            if c.mandatory:
                return f"“{c.title}”, a statutory duty, depends on “{needed}”, so “{needed}” cannot be dropped."
            return (f"“{c.title}” depends on “{needed}”, so it cannot be funded while “{needed}” is dropped: "
                    "fund both, or drop both.")
    return None


def officer_changes(plan: Plan, commitment_id: str, end: int) -> dict[str, Any]:
    """Phase ``end`` officers in post by the last year, in the baseline's proportions.

    Each remaining year's number in post moves by the same share of the change at the end; the
    officer FTE costed to the commitment ``commitment_id`` moves by the mean of the change at
    the start and at the end of the year (as its baseline figures are the mean of the year-end
    numbers).

    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> plan = load_plan(DEFAULT_PLAN)
    >>> changes = officer_changes(plan, officer_commitment(plan), 380)
    >>> changes["finance.neighbourhood_officers_in_post"]["2024/25"]
    380.0
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
    commitment = plan.commitment(commitment_id)
    fte = {str(line.year): line.officer_fte for line in commitment.costs}
    new_fte = {}
    for before, year in zip(years, years[1:]):
        new_fte[year] = round(max(0.0, fte.get(year, 0.0) + (delta[before] + delta[year]) / 2), 1)
    return {
        f"commitments.{commitment_id}.costs.officer_fte": new_fte,
        "finance.neighbourhood_officers_in_post": new_in_post,
    }


def grant_changes(plan: Plan, years: tuple[str, ...], change_pct: float) -> dict[str, float]:
    """The police grant of ``years`` moved by ``change_pct`` per cent (to the penny).

    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> grant_changes(load_plan(DEFAULT_PLAN), ("2023/24",), -1.0)
    {'2023/24': 574200000.0}
    """
    factor = 1 + change_pct / 100
    return {y: round(plan.finance.police_grant.value(y) * factor, 2) for y in years}


def pay_changes(plan: Plan, years: tuple[str, ...], change_pp: float) -> dict[str, float]:
    """Each pay award of ``years`` moved by ``change_pp`` percentage points (never below nought).

    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> pay_changes(load_plan(DEFAULT_PLAN), ("2022/23",), 1.0)
    {'2022/23': 0.06}
    """
    step = change_pp / 100
    return {y: round(max(0.0, plan.finance.pay_award.value(y) + step), 6) for y in years}


def scenario_changes(plan: Plan, settings: Settings) -> dict[str, Any]:
    """The sparse scenario changes that ``settings`` make to ``plan``: only what differs.

    Parameters
    ----------
    plan : Plan
        The baseline.
    settings : Settings
        Values already checked (within the levers' ranges).

    Returns
    -------
    dict
        Dotted path -> value or ``{year: value}``, as :class:`~planlib.scenario.Scenario` takes them.

    Examples
    --------
    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> plan = load_plan(DEFAULT_PLAN)
    >>> s = baseline_settings(plan).replace(grant_change_pct=-1.0)
    >>> scenario_changes(plan, s)
    {'finance.police_grant': {'2023/24': 574200000.0, '2024/25': 605880000.0}}
    """
    lv = levers(plan)
    changes: dict[str, Any] = {}
    precept = {y: float(v) for y, v in settings.precept_increase.items()
               if abs(v - plan.finance.precept_increase.value(y)) > 1e-9}
    if precept:
        changes["finance.precept_increase"] = precept
    if settings.grant_change_pct:
        changes["finance.police_grant"] = grant_changes(plan, lv.grant_years, settings.grant_change_pct)
    if settings.pay_award_change_pp:
        changes["finance.pay_award"] = pay_changes(plan, lv.pay_years, settings.pay_award_change_pp)
    funded = {c.id: c.enabled for c in plan.commitments}
    for cid in lv.optional:
        wanted = bool(settings.funded.get(cid, funded[cid]))
        if wanted != funded[cid]:
            changes[f"commitments.{cid}.enabled"] = wanted
    base_end = baseline_settings(plan).neighbourhood_officers
    end = settings.neighbourhood_officers
    if lv.neighbourhood is not None and settings.funded.get(lv.neighbourhood, True) and end is not None \
            and end != base_end:
        changes.update(officer_changes(plan, lv.neighbourhood, end))
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
    commitments = {c.id: c for c in plan.commitments}
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
        if parts[0] == "commitments" and len(parts) >= 3 and parts[1] in commitments:
            commitment = commitments[parts[1]]
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


def _year_map(changes: Mapping[str, Any], path: str) -> dict[str, Any]:
    value = changes.get(path)
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def _first_number(values: Mapping[str, Any], years: tuple[str, ...]) -> tuple[str, float] | None:
    first = next((y for y in years if y in values), None)
    if first is None or isinstance(values[first], bool) or not isinstance(values[first], (int, float)):
        return None
    return first, float(values[first])


def _read_settings(plan: Plan, lv: Levers, base: Settings, changes: Mapping[str, Any]) -> Settings:
    """The settings nearest to ``changes`` on the levers' steps (not yet checked to give them)."""
    precept = dict(base.precept_increase)
    for year, value in _year_map(changes, "finance.precept_increase").items():
        if year in precept and isinstance(value, (int, float)) and not isinstance(value, bool):
            precept[year] = _on_step(float(value), PRECEPT_STEP)
    grant = pay = 0.0
    found = _first_number(_year_map(changes, "finance.police_grant"), lv.grant_years)
    if found is not None:
        grant = _on_step((found[1] / plan.finance.police_grant.value(found[0]) - 1) * 100, GRANT_STEP)
    found = _first_number(_year_map(changes, "finance.pay_award"), lv.pay_years)
    if found is not None:
        pay = _on_step((found[1] - plan.finance.pay_award.value(found[0])) * 100, PAY_STEP)
    officers = base.neighbourhood_officers
    posts = _year_map(changes, "finance.neighbourhood_officers_in_post")
    last = str(plan.years[-1])
    if officers is not None and isinstance(posts.get(last), (int, float)):
        officers = int(_on_step(posts[last], OFFICER_STEP))
    funded = dict(base.funded)
    for cid in lv.optional:
        value = changes.get(f"commitments.{cid}.enabled")
        if isinstance(value, bool):
            funded[cid] = value
    return Settings(precept_increase=precept, grant_change_pct=grant, pay_award_change_pp=pay,
                    neighbourhood_officers=officers, funded=funded)


def settings_from_scenario(plan: Plan, scenario: Scenario) -> Settings:
    """The settings that give ``scenario``; :class:`~planlib.errors.ScenarioError` if the levers
    cannot show it exactly (its ``field`` is the first change they cannot show).

    A scenario made from settings always loads. One written by hand loads if every change is
    one the levers make (a precept path, a uniform change to the grant or pay award...).

    >>> from planlib.io import DEFAULT_PLAN, load_plan
    >>> plan = load_plan(DEFAULT_PLAN)
    >>> higher = {y: round(plan.finance.pay_award.value(y) + 0.02, 6) for y in levers(plan).pay_years}
    >>> s = Scenario(name="pay", description="d", source="s", changes={"finance.pay_award": higher})
    >>> settings_from_scenario(plan, s).pay_award_change_pp
    2.0
    >>> s = Scenario(name="x", description="d", source="s", changes={"finance.tax_base": {"2024/25": 1e6}})
    >>> settings_from_scenario(plan, s)
    Traceback (most recent call last):
    ...
    planlib.errors.ScenarioError: Scenario 'x' changes finance.tax_base in a way these controls cannot show: it can be compared but not loaded.
    """
    lv = levers(plan)
    changes = dict(scenario.changes)
    settings = _read_settings(plan, lv, baseline_settings(plan), changes)
    officers = settings.neighbourhood_officers
    in_range = (all(0 <= v <= lv.precept_max for v in settings.precept_increase.values())
                and GRANT_CHANGE_RANGE[0] <= settings.grant_change_pct <= GRANT_CHANGE_RANGE[1]
                and PAY_CHANGE_RANGE[0] <= settings.pay_award_change_pp <= PAY_CHANGE_RANGE[1]
                and (officers is None or lv.neighbourhood_min <= officers <= lv.neighbourhood_max))
    wanted = _effective(plan, changes)
    rebuilt = _effective(plan, scenario_changes(plan, settings))
    differ = sorted(p for p in set(wanted) | set(rebuilt) if not _same(wanted.get(p), rebuilt.get(p)))
    if differ or not in_range:
        what = ", ".join(differ[:4]) + (f" and {len(differ) - 4} more" if len(differ) > 4 else "")
        reason = f"changes {what} in a way these controls cannot show" if differ else "has a value beyond the controls"
        raise ScenarioError(differ[0] if differ else "changes",
                            f"Scenario {scenario.name!r} {reason}: it can be compared but not loaded.")
    return settings
