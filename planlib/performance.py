"""The performance framework: KPIs against their trajectories, and how the Chief Constable reports.

A KPI runs from its baseline to its target along a trajectory: straight lines through any
milestones the plan gives (``trajectory`` in kpis.yaml), a straight line from baseline to target
when it gives none, and the target itself after the target year. Each observed value
(kpi_actuals.csv) gets a RAG status against the value expected for its year, in the KPI's own
direction (``up``: higher is better; ``down``: lower is better):

- green: on the trajectory or better;
- amber: worse, by no more than :data:`AMBER_SHARE` of the whole planned change
  (|target − baseline|);
- red: worse by more than that.

Local-authority figures have no targets of their own: :func:`local_authority_breakdown` shows
each authority's share of the force-wide figure and whether it improved on the year before.

How the Chief Constable reports (PRSRA 2011 s.7(1)(d)) is the plan's ``reporting``: the forum and
the frequency; :func:`next_report_due` gives the next date. The statute sets no frequency.

>>> import planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> kpi = plan.kpis[0]
>>> expected_value(kpi, "2021/22"), rag(kpi, 52, "2021/22")
(112.5, 'amber')
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from planlib.model import Kpi, Plan, ReportingArrangements
from planlib.types import FinancialYear

AMBER_SHARE = 0.25
"""How far behind its trajectory a KPI may be and still be amber, as a share of the whole
planned change from baseline to target. planlib's choice: no national standard sets it."""

RAG_ORDER = ("red", "amber", "green", "no data")
"""Every RAG status, worst first (their labels are :data:`planlib.present.labels.RAG_LABELS`)."""

MONTHS_BETWEEN_REPORTS = {"monthly": 1, "every_two_months": 2, "quarterly": 3, "every_six_months": 6, "annual": 12}


def _points(kpi: Kpi) -> list[tuple[int, float]]:
    points = [(kpi.baseline.period.start, kpi.baseline.value)]
    points += [(year.start, value) for year, value in sorted(kpi.trajectory.items())]
    points.append((kpi.target.by.start, kpi.target.value))
    return points


def expected_value(kpi: Kpi, year: str | FinancialYear) -> float:
    """The value ``kpi`` should have in ``year`` on its trajectory; NaN before the baseline year.

    Examples
    --------
    >>> from planlib.model import Kpi
    >>> k = Kpi(id="k", title="t", unit="u", direction="up", frequency="annual", owner="opcc",
    ...         baseline={"value": 0, "period": "2020/21"}, target={"value": 100, "by": "2024/25"},
    ...         source="s", status="illustrative")
    >>> expected_value(k, "2021/22"), expected_value(k, "2026/27"), expected_value(k, "2019/20")
    (25.0, 100.0, nan)
    """
    start = FinancialYear(year).start
    points = _points(kpi)
    if start < points[0][0]:
        return math.nan
    if start >= points[-1][0]:
        return float(points[-1][1])
    for (y0, v0), (y1, v1) in zip(points, points[1:]):
        if y0 <= start <= y1:
            return float(v0 + (v1 - v0) * (start - y0) / (y1 - y0))
    raise AssertionError("unreachable: the points cover every year from the baseline on")  # pragma: no cover


def better_by(kpi: Kpi, actual: float, expected: float) -> float:
    """How far ``actual`` is better than ``expected`` in the KPI's direction (negative: worse).

    >>> from planlib.model import Kpi
    >>> down = Kpi(id="k", title="t", unit="u", direction="down", frequency="annual", owner="opcc",
    ...            baseline={"value": 50, "period": "2019/20"}, target={"value": 45, "by": "2024/25"},
    ...            source="s", status="illustrative")
    >>> better_by(down, 46, 48), better_by(down, 52, 48)
    (2.0, -4.0)
    """
    return float(actual - expected) if kpi.direction == "up" else float(expected - actual)


def rag(kpi: Kpi, actual: float, year: str | FinancialYear, amber_share: float = AMBER_SHARE) -> str:
    """The RAG status of ``actual`` for ``year``: green, amber or red; "no data" at or before the baseline.

    Examples
    --------
    >>> from planlib.model import Kpi
    >>> up = Kpi(id="k", title="t", unit="%", direction="up", frequency="annual", owner="opcc",
    ...          baseline={"value": 60, "period": "2020/21"}, target={"value": 80, "by": "2024/25"},
    ...          source="s", status="illustrative")
    >>> [rag(up, v, "2022/23") for v in (71, 70, 65, 64.9)]
    ['green', 'green', 'amber', 'red']
    """
    if not 0 <= amber_share <= 1:
        raise ValueError(f"amber_share must be between 0 and 1 (got {amber_share!r})")
    if FinancialYear(year) <= kpi.baseline.period:
        return "no data"
    gap = better_by(kpi, actual, expected_value(kpi, year))
    if gap >= 0:
        return "green"
    planned_change = abs(kpi.target.value - kpi.baseline.value)
    return "amber" if -gap <= amber_share * planned_change else "red"


def performance_table(plan: Plan, amber_share: float = AMBER_SHARE) -> pd.DataFrame:
    """Every force-wide KPI actual with its expected value, the gap and its RAG status.

    Returns
    -------
    pandas.DataFrame
        Columns ``kpi_id``, ``kpi``, ``unit``, ``direction``, ``year``, ``actual``,
        ``expected``, ``better_by`` (positive: better than the trajectory), ``rag``, ``source``,
        ``status``; years in order within each KPI, KPIs in the plan's order.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> table = performance_table(plan)
    >>> row = table[(table.kpi_id == plan.kpis[0].id) & (table.year == "2022/23")].iloc[0]
    >>> float(row.expected), float(row.better_by), row.rag
    (225.0, 75.0, 'green')
    """
    kpis = {k.id: k for k in plan.kpis}
    order = {k.id: i for i, k in enumerate(plan.kpis)}
    rows = []
    for act in plan.kpi_actuals:
        if act.local_authority or act.kpi_id not in kpis:
            continue
        kpi = kpis[act.kpi_id]
        expected = expected_value(kpi, act.period)
        rows.append({
            "kpi_id": kpi.id, "kpi": kpi.title, "unit": kpi.unit, "direction": kpi.direction,
            "year": str(act.period), "actual": act.value, "expected": expected,
            "better_by": better_by(kpi, act.value, expected) if not math.isnan(expected) else math.nan,
            "rag": rag(kpi, act.value, act.period, amber_share), "source": act.source, "status": act.status,
            "_order": order[kpi.id],
        })
    columns = ["kpi_id", "kpi", "unit", "direction", "year", "actual", "expected", "better_by", "rag", "source", "status"]
    if not rows:
        return pd.DataFrame(columns=columns)
    table = pd.DataFrame(rows).sort_values(["_order", "year"], kind="stable")
    return table[columns].reset_index(drop=True)


def latest_rag(plan: Plan, amber_share: float = AMBER_SHARE) -> pd.DataFrame:
    """Each KPI's latest force-wide actual after its baseline year and its RAG status.

    KPIs with no such actual have rag "no data". Columns: ``kpi_id``, ``kpi``, ``unit``,
    ``direction``, ``baseline``, ``baseline_year``, ``target``, ``target_year``, ``year``,
    ``actual``, ``expected``, ``better_by``, ``rag``, ``owner``, ``frequency``, ``status``.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> table = latest_rag(plan).set_index("kpi_id")
    >>> [str(v) for v in table.loc[plan.kpis[1].id, ["year", "actual", "expected", "rag"]]]
    ['2023/24', '57.0', '59.0', 'red']
    """
    table = performance_table(plan, amber_share)
    table = table[table["rag"] != "no data"]
    rows = []
    for kpi in plan.kpis:
        mine = table[table["kpi_id"] == kpi.id]
        base = {"kpi_id": kpi.id, "kpi": kpi.title, "unit": kpi.unit, "direction": kpi.direction,
                "baseline": kpi.baseline.value, "baseline_year": str(kpi.baseline.period),
                "target": kpi.target.value, "target_year": str(kpi.target.by),
                "owner": kpi.owner, "frequency": kpi.frequency, "status": kpi.status}
        if mine.empty:
            rows.append({**base, "year": "", "actual": math.nan, "expected": math.nan, "better_by": math.nan,
                         "rag": "no data"})
        else:
            last = mine.iloc[-1]
            rows.append({**base, "year": last["year"], "actual": last["actual"], "expected": last["expected"],
                         "better_by": last["better_by"], "rag": last["rag"]})
    return pd.DataFrame(rows)


def trajectory_table(plan: Plan, kpi_id: str) -> pd.DataFrame:
    """The expected path and the force-wide actuals of one KPI, long form for a chart
    (:func:`planlib.charts.trajectory_chart`).

    Columns ``year``, ``series`` ("Trajectory" or "Actual"), ``value``, ``rag`` (actuals only).
    The trajectory covers every year from the baseline to the later of the target and the last
    actual. KeyError if the plan has no such KPI.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> table = trajectory_table(plan, plan.kpis[0].id)
    >>> table[table.series == "Trajectory"].value.tolist()
    [0.0, 112.5, 225.0, 337.5, 450.0]
    """
    kpi = next((k for k in plan.kpis if k.id == kpi_id), None)
    if kpi is None:
        raise KeyError(f"no KPI {kpi_id!r} in plan {plan.id!r}")
    actuals = [a for a in plan.kpi_actuals if a.kpi_id == kpi_id and not a.local_authority]
    last = max([kpi.target.by, *(a.period for a in actuals)])
    rows = [{"year": str(y), "series": "Trajectory", "value": expected_value(kpi, y), "rag": ""}
            for y in FinancialYear.range(kpi.baseline.period, last)]
    rows += [{"year": str(a.period), "series": "Actual", "value": a.value, "rag": rag(kpi, a.value, a.period)}
             for a in sorted(actuals, key=lambda a: a.period)]
    return pd.DataFrame(rows, columns=["year", "series", "value", "rag"])


def local_authority_breakdown(plan: Plan, kpi_id: str) -> pd.DataFrame:
    """A KPI's figures by local authority, where kpi_actuals.csv has them.

    Columns ``local_authority``, ``year``, ``value``, ``share_of_force`` (of the force-wide
    figure for the same year; NaN without one), ``change`` (on the authority's previous year,
    as a share; NaN for its first year) and ``trend``: "improving", "worsening" or "no change"
    in the KPI's direction, "–" for a first year. Empty when there are no such figures.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> table = local_authority_breakdown(plan, kpis_with_local_figures(plan)[0])
    >>> set(table.local_authority) == {a.name for a in plan.local_authorities}
    True
    """
    kpi = next((k for k in plan.kpis if k.id == kpi_id), None)
    if kpi is None:
        raise KeyError(f"no KPI {kpi_id!r} in plan {plan.id!r}")
    force = {a.period: a.value for a in plan.kpi_actuals if a.kpi_id == kpi_id and not a.local_authority}
    local = sorted((a for a in plan.kpi_actuals if a.kpi_id == kpi_id and a.local_authority),
                   key=lambda a: (a.local_authority, a.period))
    rows, previous = [], {}
    for a in local:
        before = previous.get(a.local_authority)
        change = (a.value - before) / before if before not in (None, 0) else math.nan
        if before is None:
            trend = "–"
        else:
            gain = better_by(kpi, a.value, before)
            trend = "improving" if gain > 0 else "worsening" if gain < 0 else "no change"
        total = force.get(a.period)
        rows.append({"local_authority": a.local_authority, "year": str(a.period), "value": a.value,
                     "share_of_force": a.value / total if total else math.nan, "change": change, "trend": trend})
        previous[a.local_authority] = a.value
    return pd.DataFrame(rows, columns=["local_authority", "year", "value", "share_of_force", "change", "trend"])


def kpis_with_local_figures(plan: Plan) -> list[str]:
    """Ids of the KPIs that have figures by local authority, in the plan's order.

    >>> import planlib
    >>> len(kpis_with_local_figures(planlib.load_plan(planlib.DEFAULT_PLAN)))
    2
    """
    having = {a.kpi_id for a in plan.kpi_actuals if a.local_authority}
    return [k.id for k in plan.kpis if k.id in having]


# --------------------------------------------------------------------------- reporting (s.7(1)(d))


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][month - 1]
    return dt.date(year, month, min(day.day, last))


def report_dates(reporting: ReportingArrangements, until: dt.date) -> list[dt.date]:
    """The dates of the Chief Constable's reports from the first up to ``until`` (inclusive).

    A report falls on the first report's day of the month, or the month's last day if shorter.

    >>> from planlib.model import ReportingArrangements
    >>> r = ReportingArrangements(forum="Board", frequency="quarterly", first_report="2021-11-30",
    ...                           source="s", status="illustrative")
    >>> [str(d) for d in report_dates(r, dt.date(2022, 6, 1))]
    ['2021-11-30', '2022-02-28', '2022-05-30']
    """
    step = MONTHS_BETWEEN_REPORTS[reporting.frequency]
    dates, n = [], 0
    while (day := _add_months(reporting.first_report, step * n)) <= until:
        dates.append(day)
        n += 1
    return dates


def next_report_due(reporting: ReportingArrangements, today: dt.date) -> dt.date:
    """The first report date on or after ``today``.

    >>> from planlib.model import ReportingArrangements
    >>> r = ReportingArrangements(forum="Board", frequency="monthly", first_report="2021-12-14",
    ...                           source="s", status="illustrative")
    >>> next_report_due(r, dt.date(2022, 3, 15)), next_report_due(r, dt.date(2021, 6, 1))
    (datetime.date(2022, 4, 14), datetime.date(2021, 12, 14))
    """
    if today <= reporting.first_report:
        return reporting.first_report
    step = MONTHS_BETWEEN_REPORTS[reporting.frequency]
    months = (today.year - reporting.first_report.year) * 12 + today.month - reporting.first_report.month
    n = max(0, months // step - 1)
    while (day := _add_months(reporting.first_report, step * n)) < today:
        n += 1
    return day

