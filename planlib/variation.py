"""A variation of a Police and Crime Plan: what changed between two versions of one plan.

:func:`compare_plans` takes the plan as it was and the plan as varied and returns a
:class:`Variation`: the objectives, commitments, KPIs, grants and finance assumptions added,
removed or changed (``items``), field by field (``fields``), each commitment's resources by
year before and after (``commitment_costs``, from :func:`planlib.finance.commitment_costs`) and
the medium-term financial plan's money by year before and after (``money``, from
:func:`planlib.finance.mtfp_arrays`), with the change in the budget gap. The Commissioner sends
these details to the Chief Constable (PRSRA 2011 s.5; seed 000 para 5).

Two plans are versions of one plan when they have the same id and police area and their
periods overlap (:func:`version_problems`); otherwise :func:`compare_plans` raises
:class:`planlib.errors.PlanError` saying why.

Records in, tidy DataFrames out: before and after are the values as the plans hold them (ids
included); :mod:`planlib.present.variation` writes them for a reader, by title.

>>> import planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> variation = compare_plans(plan, plan)
>>> variation.unchanged, len(variation.items), float(variation.gap_change().abs().sum())
(True, 0, 0.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planlib.errors import PlanError, Problem
from planlib.finance import commitment_costs, mtfp_arrays
from planlib.model import Plan

KINDS = ("objective", "commitment", "kpi", "grant", "finance")
"""What a variation compares, in the order a reader meets them."""

_COLLECTIONS = {"objective": "objectives", "commitment": "commitments", "kpi": "kpis", "grant": "grants"}

COMPARED = frozenset({"id", "version", "objectives", "commitments", "kpis", "grants", "finance"})
"""The plan fields compared item by item; any other field that differs is listed in ``other``."""

COST_MEASURES = ("revenue_gbp", "capital_gbp", "officer_fte", "staff_fte")
"""A commitment's resources by year that a variation sets before and after."""

MONEY_MEASURES = ("total_funding", "total_cost", "commitment_revenue", "commitment_capital", "budget_gap",
                  "reserves_closing", "precept_band_d", "referendum_required")
"""The medium-term financial plan's measures that a variation sets before and after
(``commitment_revenue`` is the revenue cost of the commitments in the plan, included in ``total_cost``)."""

TOLERANCE = 1e-6
"""Differences smaller than this (pounds, FTE) are no change: rounding, not a variation."""

_LIST_KEYS = ("year", "id", "name")
"""A list of records is compared record by record when each has a distinct one of these keys."""

_COST_UNITS = {"non_pay_gbp": "GBP", "capital_gbp": "GBP", "officer_fte": "FTE", "staff_fte": "FTE"}


@dataclass(frozen=True)
class Variation:
    """What changed between two versions of one plan (see :func:`compare_plans`).

    Attributes
    ----------
    old, new : Plan
        The plan as it was and as varied.
    items : DataFrame
        ``kind, item_id, title, change``: one row per objective, commitment, KPI, grant or
        finance assumption added, removed or changed (``change``), in :data:`KINDS` order and the
        plans' own order; ``title`` is the record's title (a grant's recipient; a finance
        assumption's field name).
    fields : DataFrame
        ``kind, item_id, field, before, after, unit``: every field that differs in a changed
        item, as a dotted path (``costs.2022/23.source``, ``target.value``); ``unit`` is the
        unit of a figure where the plan gives one (``GBP``, ``FTE``, a KPI's unit), else None.
    commitment_costs : DataFrame
        ``commitment_id, title, year, measure, before, after, change`` for every commitment in
        either plan (in the plan), every year of either period and :data:`COST_MEASURES`; a
        commitment not in a plan costs 0 in that plan's years; a year outside a plan's period
        is NaN.
    money : DataFrame
        ``year, measure, before, after, change`` for :data:`MONEY_MEASURES` over the years of
        either period (NaN outside a plan's period).
    other : tuple of str
        Other fields of the plan that differ (``timeline``, ``assumptions``, ...), not compared
        item by item.
    """

    old: Plan
    new: Plan
    items: pd.DataFrame
    fields: pd.DataFrame
    commitment_costs: pd.DataFrame
    money: pd.DataFrame
    other: tuple[str, ...]

    @property
    def unchanged(self) -> bool:
        """True when nothing compared differs: no item, no money, no other field."""
        changed_money = (self.money["change"].abs() > TOLERANCE).any()
        changed_costs = (self.commitment_costs["change"].abs() > TOLERANCE).any()
        return self.items.empty and not changed_money and not changed_costs and not self.other

    def of_kind(self, kind: str, change: str | None = None) -> pd.DataFrame:
        """The rows of ``items`` of one kind (and one change: added, removed, changed)."""
        rows = self.items[self.items["kind"] == kind]
        return rows if change is None else rows[rows["change"] == change]

    def fields_of(self, kind: str, item_id: str) -> pd.DataFrame:
        """The changed fields of one item."""
        f = self.fields
        return f[(f["kind"] == kind) & (f["item_id"] == item_id)]

    def measure(self, name: str) -> pd.DataFrame:
        """One money measure by year: ``before, after, change`` indexed by year."""
        return self.money[self.money["measure"] == name].set_index("year")[["before", "after", "change"]]

    def gap_change(self) -> pd.Series:
        """The change in the budget gap by year (positive: the variation widens the gap)."""
        return self.measure("budget_gap")["change"]

    def changed_costs(self) -> pd.DataFrame:
        """The rows of ``commitment_costs`` of the commitments whose resources changed in any year."""
        costs = self.commitment_costs
        moved = costs.loc[costs["change"].abs() > TOLERANCE, "commitment_id"].unique()
        return costs[costs["commitment_id"].isin(moved)]


def version_problems(old: Plan, new: Plan) -> list[tuple[str, str]]:
    """Why two plans are not versions of one plan, as ``(field, message)`` pairs (none if they are).

    They must have the same ``id`` and ``police_area``, and periods that overlap.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> version_problems(plan, plan)
    []
    >>> other = plan.model_copy(update={"id": "another_plan"})
    >>> [field for field, _ in version_problems(plan, other)]
    ['id']
    """
    problems = []
    if old.id != new.id:
        problems.append(("id", f"the two folders hold different plans, '{old.name}' (id {old.id}) and '{new.name}' "
                               f"(id {new.id}): a variation compares two versions of one plan, with the same id"))
    if old.police_area != new.police_area:
        problems.append(("police_area", f"the plans are for different police areas, {old.police_area} and "
                                        f"{new.police_area}"))
    if new.period.last < old.period.first or old.period.last < new.period.first:
        problems.append(("period", f"the periods do not overlap: {old.period.first} to {old.period.last} and "
                                   f"{new.period.first} to {new.period.last}"))
    return problems


def compare_plans(old: Plan, new: Plan) -> Variation:
    """The details of the variation from ``old`` to ``new`` (see :class:`Variation`).

    Parameters
    ----------
    old, new : Plan
        Two versions of one plan: the same id and police area, overlapping periods.

    Raises
    ------
    PlanError
        When they are not versions of one plan, with every reason (file ``plan.yaml``).

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> first, *rest = plan.commitments
    >>> line = first.costs[0].model_copy(update={"non_pay_gbp": first.costs[0].non_pay_gbp + 250_000})
    >>> varied = plan.model_copy(update={"commitments": (first.model_copy(update={"costs": (line, *first.costs[1:])}),
    ...                                                  *rest)})
    >>> variation = compare_plans(plan, varied)
    >>> variation.items[["kind", "change"]].values.tolist()
    [['commitment', 'changed']]
    >>> change = variation.gap_change()
    >>> float(change[str(line.year)])
    250000.0
    """
    problems = version_problems(old, new)
    if problems:
        raise PlanError([Problem("plan.yaml", None, field, message) for field, message in problems])
    items, fields = [], []
    for kind, collection in _COLLECTIONS.items():
        _compare_records(kind, getattr(old, collection), getattr(new, collection), items, fields)
    _compare_finance(old, new, items, fields)
    return Variation(
        old=old, new=new,
        items=pd.DataFrame(items, columns=["kind", "item_id", "title", "change"]),
        fields=pd.DataFrame(fields, columns=["kind", "item_id", "field", "before", "after", "unit"]),
        commitment_costs=_cost_changes(old, new),
        money=_money_changes(old, new),
        other=tuple(name for name in type(old).model_fields
                    if name not in COMPARED and getattr(old, name) != getattr(new, name)),
    )


# --------------------------------------------------------------------------- records, field by field


def _title(kind: str, record: Any) -> str:
    return record.recipient if kind == "grant" else record.title


def _compare_records(kind: str, old: tuple[Any, ...], new: tuple[Any, ...], items: list[tuple[Any, ...]],
                     fields: list[tuple[Any, ...]]) -> None:
    """Items of one collection added, removed or changed; the fields of each changed one."""
    before = {r.id: r for r in old}
    after = {r.id: r for r in new}
    for record in new:
        if record.id not in before:
            items.append((kind, record.id, _title(kind, record), "added"))
        elif record != before[record.id]:
            diffs = _field_changes(kind, before[record.id], record)
            items.append((kind, record.id, _title(kind, record), "changed"))
            fields.extend((kind, record.id, *diff) for diff in diffs)
    for record in old:
        if record.id not in after:
            items.append((kind, record.id, _title(kind, record), "removed"))


def _compare_finance(old: Plan, new: Plan, items: list[tuple[Any, ...]], fields: list[tuple[Any, ...]]) -> None:
    """The finance assumptions added, removed or changed, one item per field of ``finance.yaml``."""
    before = old.finance.model_dump(mode="json")
    after = new.finance.model_dump(mode="json")
    for name in type(old.finance).model_fields:
        a, b = before.get(name), after.get(name)
        if a == b:
            continue
        change = "added" if a in (None, {}, []) else "removed" if b in (None, {}, []) else "changed"
        items.append(("finance", name, name, change))
        flat_a, flat_b = _flatten(a, name), _flatten(b, name)
        for path in _paths(flat_a, flat_b):
            if flat_a.get(path) != flat_b.get(path):
                fields.append(("finance", name, path, flat_a.get(path), flat_b.get(path),
                               _unit(path, flat_b if path in flat_b else flat_a)))


def _field_changes(kind: str, old: Any, new: Any) -> list[tuple[str, Any, Any, str | None]]:
    """``(field, before, after, unit)`` for every field that differs between two versions of a record."""
    a, b = _flatten(old.model_dump(mode="json")), _flatten(new.model_dump(mode="json"))
    changes = []
    for path in _paths(a, b):
        if a.get(path) != b.get(path):
            changes.append((path, a.get(path), b.get(path), _record_unit(kind, path, new)))
    return changes


def _paths(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Paths of both, in the order of ``a`` then those only in ``b``."""
    return list(a) + [p for p in b if p not in a]


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """A record dump as ``{dotted path: value}``: dicts by key, lists of keyed records by key.

    >>> _flatten({"a": {"b": 1}, "costs": [{"year": "2021/22", "x": 2}], "tags": ["p", "q"]})
    {'a.b': 1, 'costs.2021/22.x': 2, 'tags': ('p', 'q')}
    """
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        key = next((k for k in _LIST_KEYS if all(k in v for v in value)), None)
        if key is not None and len({str(v[key]) for v in value}) == len(value):
            return _flatten({str(v[key]): {k: x for k, x in v.items() if k != key} for v in value}, prefix)
    return {prefix: tuple(value) if isinstance(value, list) else value}


def _unit(path: str, flat: dict[str, Any]) -> str | None:
    """The unit of a figure: the ``unit`` field nearest to it in the record, if any."""
    if path.rsplit(".", 1)[-1] not in ("value", "low", "high"):
        return None
    parts = path.split(".")
    for end in range(len(parts) - 1, 0, -1):
        unit = flat.get(".".join([*parts[:end], "unit"]))
        if isinstance(unit, str):
            return unit
    return None


def _record_unit(kind: str, path: str, record: Any) -> str | None:
    """The unit of a field of an objective, commitment, KPI or grant that holds a figure."""
    last = path.rsplit(".", 1)[-1]
    if kind == "commitment" and path.startswith("costs."):
        return _COST_UNITS.get(last)
    if kind == "kpi" and (path in ("baseline.value", "target.value") or path.startswith("trajectory.")):
        return record.unit
    if kind == "grant" and path.startswith("amounts."):
        return "GBP"
    return None


# --------------------------------------------------------------------------- money


def _union_years(old: Plan, new: Plan) -> list[str]:
    return [str(y) for y in sorted(set(old.years) | set(new.years))]


def _long_costs(plan: Plan) -> pd.Series:
    costs = commitment_costs(plan, enabled_only=True)
    costs = costs[costs["measure"].isin(COST_MEASURES)]
    return costs.set_index(["commitment_id", "year", "measure"])["value"]


def _cost_changes(old: Plan, new: Plan) -> pd.DataFrame:
    """Every commitment's resources by year in both plans (see :attr:`Variation.commitment_costs`)."""
    years = _union_years(old, new)
    titles = {c.id: c.title for c in old.commitments if c.enabled}
    titles.update({c.id: c.title for c in new.commitments if c.enabled})
    order = [c.id for c in new.commitments if c.enabled] + [c.id for c in old.commitments
                                                             if c.enabled and c.id not in {n.id for n in new.commitments if n.enabled}]
    index = pd.MultiIndex.from_product([order, years, COST_MEASURES], names=["commitment_id", "year", "measure"])
    table = pd.DataFrame(index=index)
    for column, plan in (("before", old), ("after", new)):
        in_period = index.get_level_values("year").isin([str(y) for y in plan.years])
        values = _long_costs(plan).reindex(index).fillna(0.0)
        table[column] = np.where(in_period, values, np.nan)
    table["change"] = table["after"] - table["before"]
    table = table.reset_index()
    table.insert(1, "title", table["commitment_id"].map(titles))
    return table


def _money_changes(old: Plan, new: Plan) -> pd.DataFrame:
    """The MTFP's measures by year before and after (see :attr:`Variation.money`)."""
    years = _union_years(old, new)
    frames = []
    for column, plan in (("before", old), ("after", new)):
        arrays = mtfp_arrays(plan)
        revenue = commitment_costs(plan, enabled_only=True)
        arrays["commitment_revenue"] = (revenue[revenue["measure"] == "revenue_gbp"].groupby("year", sort=False)["value"]
                                        .sum().reindex([str(y) for y in plan.years]).fillna(0.0).to_numpy())
        plan_years = [str(y) for y in plan.years]
        frame = pd.DataFrame({m: arrays[m] for m in MONEY_MEASURES}, index=plan_years).reindex(years)
        frames.append(frame.stack(future_stack=True).rename(column))
    table = pd.concat(frames, axis=1)
    table.index.names = ["year", "measure"]
    table["change"] = table["after"] - table["before"]
    table = table.reset_index()
    table["measure"] = pd.Categorical(table["measure"], MONEY_MEASURES, ordered=True)
    table = table.sort_values(["measure", "year"], kind="stable").reset_index(drop=True)
    table["measure"] = table["measure"].astype(str)
    return table[["year", "measure", "before", "after", "change"]]


def years_of(variation: Variation) -> list[str]:
    """Every financial year of either version, in order.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> years_of(compare_plans(plan, plan)) == [str(y) for y in plan.years]
    True
    """
    return _union_years(variation.old, variation.new)


__all__ = ["COST_MEASURES", "KINDS", "MONEY_MEASURES", "TOLERANCE", "Variation", "compare_plans",
           "version_problems", "years_of"]
