"""The annual report's words and tables: progress, spend, grants and the national measures statement.

Pure functions from :class:`planlib.annual.AnnualProgress` to escaped HTML; titles, never ids.
Every KPI figure is shown in the same row as its commentary (the text kept with it in
``kpi_actuals.csv``), and its RAG status is written as a word as well as a colour.

>>> import planlib
>>> from planlib.annual import annual_progress
>>> progress = annual_progress(planlib.load_plan(planlib.DEFAULT_PLAN), "2022/23")
>>> "Reduce murder and other homicide" in national_measures_statement(progress)
True
"""

from __future__ import annotations

import html
import math
from typing import Any

from planlib.formats import count, money
from planlib.present.html import Html, html_table, rag_badge, status_badge
from planlib.present.labels import RAG_LABELS

ANNUAL_CSS = """
.planlib-rag { font-weight: 600; white-space: nowrap; padding: 0 3pt; border-radius: 2pt; }
.planlib-rag-green { background: #dcefe3; color: #1e5631; }
.planlib-rag-amber { background: #fde7c8; color: #6b3d00; }
.planlib-rag-red { background: #f8d3d1; color: #7f1a1a; }
.planlib-rag-no-data { background: #e8e8e8; color: #333; }
.commentary { font-size: 8.6pt; }
.unit { color: #555; font-size: 8pt; }
table.annual-kpis td:first-child { width: 26%; }
table.annual-kpis td:last-child { width: 34%; }
td.nowrap, th.nowrap { white-space: nowrap; }
"""
"""The annual report's style beside the report style: RAG labels and commentary cells."""

NO_COMMENTARY = "No commentary given with this figure."
"""Shown, as a warning, where a figure has no commentary (only a plan built in Python can lack one:
kpi_actuals.csv refuses a figure without it)."""


def figure(value: float, unit: str = "") -> str:
    """A KPI figure with its unit: ``3,600 offences a year``, ``57.5 percent of calls``; "–" if none.

    >>> figure(3600, "offences a year"), figure(float("nan"))
    ('3,600 offences a year', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{count(value)} {unit}".strip()


def _commentary(row: Any, year: str) -> Html:
    if not row["year"]:
        return Html(f'<span class="commentary">No figure after the baseline year by {html.escape(year)}.</span>')
    text = str(row["commentary"]).strip()
    if not text:
        return Html(f'<span class="warning">{html.escape(NO_COMMENTARY)}</span>')
    return Html(f'{html.escape(text)} {status_badge(str(row["status"]))}')


def kpi_table(rows: Any, year: str, caption: str = "") -> str:
    """The KPIs of one objective (rows of :attr:`AnnualProgress.kpis`): figure, trajectory, status, commentary.

    >>> import pandas as pd
    >>> row = {"kpi": "Burglary", "unit": "crimes", "year": "2022/23", "actual": 90.0, "expected": 95.0,
    ...        "target": 80.0, "target_year": "2024/25", "rag": "green", "commentary": "Fell <a lot>",
    ...        "status": "illustrative"}
    >>> html_text = kpi_table(pd.DataFrame([row]), "2022/23")
    >>> "Fell &lt;a lot&gt;" in html_text and "Green" in html_text and "95" in html_text
    True
    """
    body = []
    for _, r in rows.iterrows():
        body.append((Html(f'{html.escape(r["kpi"])}<br><span class="unit">{html.escape(r["unit"])}</span>'),
                     r["year"] or "–", figure(r["actual"]), figure(r["expected"]),
                     Html(f"{html.escape(figure(r['target']))}<br>by {html.escape(r['target_year'])}"),
                     rag_badge(r["rag"]),
                     Html(f'<span class="commentary">{_commentary(r, year)}</span>')))
    return html_table(["KPI and unit", "Year", "Figure", "Trajectory", "Target", "Status", "Commentary"], body,
                      numeric=[2, 3, 4], css_class="planlib annual-kpis", caption=caption, nowrap=[1, 2, 3, 4, 5],
                      empty="No KPI measures this objective.")


def rag_summary(counts: dict[str, int]) -> str:
    """``2 green, 1 amber, 0 red`` (and how many have no figure yet).

    >>> rag_summary({"green": 2, "amber": 1, "red": 0, "no_data": 1})
    '2 green, 1 amber, 0 red; 1 with no figure yet'
    """
    text = f"{counts['green']} green, {counts['amber']} amber, {counts['red']} red"
    return text + (f"; {counts['no_data']} with no figure yet" if counts.get("no_data") else "")


def objectives_table(objectives: Any) -> str:
    """One row per objective: its section, how many KPIs measure it and their statuses."""
    body = [(o["objective"], o["section"], o["kpis"], o["green"], o["amber"], o["red"], o["no_data"])
            for _, o in objectives.iterrows()]
    return html_table(["Objective", "Section", "KPIs", "Green", "Amber", "Red", "No figure"], body,
                      numeric=range(2, 7), css_class="planlib", caption="KPI statuses by objective")


def spend_table(spend: Any, year: str) -> str:
    """Actual against planned non-pay and capital spend by commitment; a sentence when none is given."""
    if spend.empty:
        return (f"<p>The plan gives no actual spend by commitment for {html.escape(year)} "
                "(commitment_actuals.csv), so spend is not set against the plan here.</p>")
    body = [(s["commitment"], money(s["planned_gbp"]), money(s["actual_gbp"]), money(s["variance_gbp"]),
             Html(f'<span class="commentary">{html.escape(s["commentary"] or NO_COMMENTARY)} '
                  f'{status_badge(s["status"])}</span>'))
            for _, s in spend.iterrows()]
    total = (Html("<strong>Total</strong>"), money(spend["planned_gbp"].sum()), money(spend["actual_gbp"].sum()),
             money(spend["variance_gbp"].sum()), "")
    return html_table(["Commitment", "Planned", "Actual", "Actual less planned", "Commentary"], [*body, total],
                      numeric=[1, 2, 3], css_class="planlib",
                      caption=f"Non-pay and capital spend against plan, {year}")


def grants_table(grants: Any, year: str) -> str:
    """The crime and disorder reduction grants paid in the year, with their conditions."""
    if grants.empty:
        return f"<p>The plan records no crime and disorder reduction grant paid in {html.escape(year)}.</p>"
    body = [(g["recipient"], g["purpose"], Html(f'{html.escape(money(g["amount_gbp"]))}<br>{status_badge(g["status"])}'),
             "; ".join(g["conditions"]) or "–")
            for _, g in grants.iterrows()]
    return html_table(["Recipient", "Purpose", "Amount", "Conditions"], body,
                      numeric=[2], css_class="planlib",
                      caption=f"Crime and disorder reduction grants paid in {year}")


EQUALITY_LABELS = {"positive": "Positive", "neutral": "Neutral", "negative": "Negative", "mixed": "Mixed",
                   "not_assessed": "Not assessed"}
"""How each equality impact rating is written."""


def equality_table(equality: Any) -> str:
    """The commitments' expected effect on people with protected characteristics, equality objectives first.

    >>> import pandas as pd
    >>> row = {"commitment": "Refuges", "objective": "Victims", "equality_objective": True, "rating": "positive",
    ...        "groups": ["women"], "notes": ""}
    >>> "Positive" in equality_table(pd.DataFrame([row]))
    True
    """
    body = [(e["commitment"], e["objective"] + (" (an equality objective)" if e["equality_objective"] else ""),
             EQUALITY_LABELS.get(e["rating"], e["rating"]), ", ".join(e["groups"]) or "–", e["notes"] or "–")
            for _, e in equality.iterrows()]
    return html_table(["Commitment", "Objective", "Impact", "Groups", "Notes"], body, css_class="planlib",
                      caption="Each commitment's expected effect on equality", nowrap=[2])


def _measure_sentence(m: Any, kpis: Any, progress_year: str) -> str:
    if not m["applies"]:
        return (f"<p><strong>{html.escape(m['measure'])}.</strong> Not measured locally: no KPI of the plan "
                "reports this measure, so the plan sets no local target for it and its figures cannot show the "
                "force's contribution.</p>")
    parts = []
    for kpi_id in m["kpi_ids"]:
        r = kpis[kpis["kpi_id"] == kpi_id].iloc[0]
        if not r["year"]:
            parts.append(f"{html.escape(r['kpi'])}: no figure after the baseline year by {progress_year}.")
            continue
        parts.append(f"{html.escape(r['kpi'])}: {html.escape(figure(r['actual'], r['unit']))} in "
                     f"{html.escape(r['year'])} against {html.escape(figure(r['expected'], r['unit']))} on the "
                     f"trajectory ({RAG_LABELS[r['rag']].lower()}). {html.escape(str(r['commentary']).strip())}")
    return (f"<p><strong>{html.escape(m['measure'])}.</strong> Applies locally: "
            + " ".join(f"{p}" for p in parts) + "</p>")


def national_measures_statement(progress: Any) -> str:
    """The statement on the force's contribution to the six National Crime and Policing Measures."""
    from planlib.annual import NATIONAL_MEASURES_BASIS

    kpis = progress.latest
    measures = progress.national_measures
    applying = int(measures["applies"].sum())
    intro = (f"<p>Commissioners must publish a statement on the force's contribution to the National Crime and "
             f"Policing Measures ({html.escape(NATIONAL_MEASURES_BASIS)}). {applying} of the six measures "
             f"apply locally: a KPI of the plan reports them. Each is set out below with what its KPIs show "
             f"at {html.escape(str(progress.year))}.</p>")
    body = [(m["measure"], "Yes" if m["applies"] else "No", "; ".join(m["kpis"]) or "–",
             rag_summary(m) if m["applies"] else "–") for _, m in measures.iterrows()]
    table = html_table(["Measure", "Applies", "KPIs", "Statuses"], body, css_class="planlib", nowrap=[1],
                       caption="The National Crime and Policing Measures")
    return intro + table + "".join(_measure_sentence(m, kpis, html.escape(str(progress.year)))
                                  for _, m in measures.iterrows())


def summary_points(progress: Any, plan_name: str) -> list[str]:
    """The summary's points in plain words (escaped text, not markup)."""
    latest = progress.latest
    counts = {"green": int((latest.rag == "green").sum()), "amber": int((latest.rag == "amber").sum()),
              "red": int((latest.rag == "red").sum()), "no_data": int((latest.rag == "no data").sum())}
    points = [f"Of the {len(latest)} KPIs of {plan_name}, the latest figures by {progress.year} are "
              f"{rag_summary(counts)}."]
    if not progress.spend.empty:
        s = progress.spend
        points.append(f"Actual non-pay and capital spend is given for {len(s)} commitments: "
                      f"{money(s['actual_gbp'].sum())} against {money(s['planned_gbp'].sum())} planned.")
    else:
        points.append("No actual spend by commitment is given for the year.")
    points.append(f"{len(progress.grants)} crime and disorder reduction grants were paid, "
                  f"{money(progress.grants['amount_gbp'].sum())} in all.")
    points.append(f"{int(progress.national_measures['applies'].sum())} of the six National Crime and Policing "
                  "Measures apply locally.")
    return points
