"""How the fields and values of a variation are written for a reader: labels, and titles for ids.

A :class:`planlib.variation.Variation` holds each changed field as a dotted path with the
values the plans hold (ids included); :func:`field_label` names the field and
:func:`value_text` writes a value, by title where it is an id (an objective, a commitment, a
KPI, a piece of evidence, a section, a statutory function), with money through
:mod:`planlib.formats`.

>>> field_label("commitment", "costs.2022/23.source"), field_label("kpi", "target.value")
('Resources 2022/23: source', 'Target')
>>> field_label("finance", "police_grant.values.2022/23.value")
'Police grant, 2022/23'
>>> value_pair(1_200_000, 1_240_000, "GBP")
('£1.20m', '£1.24m')
"""

from __future__ import annotations

import math
from typing import Any

from planlib.formats import count, money, pounds, share
from planlib.model import Plan
from planlib.present.labels import COMMISSIONING_LABELS, WORKSTREAM_LABELS, owner_label

KIND_LABELS = {"objective": ("objective", "objectives"), "commitment": ("commitment", "commitments"),
               "kpi": ("KPI", "KPIs"), "grant": ("grant", "grants"), "finance": ("finance assumption", "finance assumptions")}
"""Each kind of item, singular and plural, as a reader says it."""

_COMMON = {"title": "Title", "description": "Description", "source": "Source", "status": "Status of the figures",
           "confidence": "Confidence grade", "owner": "Owner", "kpis": "KPIs", "functions": "Commissioner's functions"}
_LABELS = {
    "objective": {"section": "Section of the plan", "weight": "Priority weight"},
    "commitment": {"objective_id": "Objective", "workstream": "Workstream", "evidence": "Evidence it answers",
                   "commissioning": "Commissioning", "mandatory": "Statutory duty", "pledged": "Commissioner's pledge", "enabled": "In the plan",
                   "benefits": "Benefits", "equality_impact.rating": "Equality impact",
                   "equality_impact.groups": "Groups affected", "equality_impact.notes": "Equality impact notes",
                   "depends_on": "Depends on"},
    "kpi": {"unit": "Unit", "direction": "Direction", "baseline.value": "Baseline", "baseline.period": "Baseline year",
            "target.value": "Target", "target.by": "Target year", "frequency": "Reported",
            "national_measure": "National Crime and Policing Measure"},
    "grant": {"recipient": "Recipient", "purpose": "Purpose", "commitment_id": "Commitment",
              "conditions": "Conditions"},
}
_COST_PARTS = {"non_pay_gbp": "non-pay cost", "capital_gbp": "capital", "officer_fte": "officers (FTE)",
               "staff_fte": "staff (FTE)", "source": "source", "status": "status", "confidence": "confidence grade"}

FINANCE_LABELS = {
    "price_base_year": "Price base year", "police_grant": "Police grant", "former_dclg_grant": "Former DCLG grant",
    "council_tax_support_grant": "Council tax support grants", "pension_grant": "Police pension grant",
    "other_grants": "Other grants", "precept_band_d_base": "Band D precept before the plan",
    "precept_increase": "Band D precept increase", "referendum_limit": "Referendum limit", "tax_base": "Tax base",
    "collection_fund": "Collection fund", "billing_authorities": "Billing authorities",
    "baseline_force_costs": "Baseline force costs", "officer_fte": "Core officers (FTE)",
    "cost_per_officer": "Cost per officer", "officer_on_costs": "Officer on-costs", "staff_fte": "Core staff (FTE)",
    "cost_per_staff": "Cost per member of staff", "staff_on_costs": "Staff on-costs", "pay_award": "Pay award",
    "non_pay_inflation": "Non-pay inflation", "uplift_target_officers": "Uplift target (officers)",
    "neighbourhood_officer_target": "Neighbourhood officer target",
    "neighbourhood_officers_in_post": "Neighbourhood officers in post", "reserves_opening": "Opening reserves",
    "minimum_reserves": "Minimum reserves", "planned_use_of_reserves": "Planned use of reserves",
}
"""How each finance assumption (a field of ``finance.yaml``) is named."""

OTHER_LABELS = {"name": "the plan's name", "police_area": "the police area", "description": "the plan's description",
                "period": "the plan period", "election_date": "the election date", "sections": "the plan's sections",
                "assumptions": "the assumptions register", "kpi_actuals": "the KPI actuals",
                "grants_statement": "the statement on grants", "timeline": "the plan-making timeline",
                "panel_notice": "the Panel's notice period", "reporting": "how the Chief Constable reports",
                "strategic_policing_requirement": "the statement on the Strategic Policing Requirement",
                "evidence": "the evidence register", "unit_costs": "the unit costs of crime",
                "local_authorities": "the local authorities", "appraisal": "the appraisal settings",
                "levers": "the scenario explorer's levers"}
"""How the other parts of a plan are named when a variation changes them."""


def humanise(name: str) -> str:
    """A field name as words: ``non_pay_inflation`` -> ``Non pay inflation``.

    >>> humanise("home_office_grant")
    'Home office grant'
    """
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def finance_label(name: str) -> str:
    """The name of a finance assumption (a field of ``finance.yaml``)."""
    return FINANCE_LABELS.get(name, humanise(name))


def field_label(kind: str, path: str) -> str:
    """What a changed field is called, from its kind of item and its dotted path."""
    parts = path.split(".")
    if kind == "finance":
        rest = [p for p in parts[1:] if p not in ("values", "value")]
        label = finance_label(parts[0])
        tail = [p if "/" in p or p[:1].isupper() else p.replace("_", " ") for p in rest]
        return ", ".join([label, *tail[:-1]]) + (f": {tail[-1]}" if tail and "/" not in tail[-1] else
                                                 f", {tail[-1]}" if tail else "")
    if kind == "commitment" and parts[0] == "costs" and len(parts) == 3:
        return f"Resources {parts[1]}: {_COST_PARTS.get(parts[2], humanise(parts[2]).lower())}"
    if kind == "kpi" and parts[0] == "trajectory":
        return f"Trajectory, {parts[1]}"
    if kind == "grant" and parts[0] == "amounts":
        return f"Amount, {parts[1]}"
    return _LABELS.get(kind, {}).get(path) or _COMMON.get(path) or humanise(path.replace(".", " "))


def _titles(plan: Plan) -> dict[str, dict[str, str]]:
    from planlib.reference import statutory_requirements

    return {
        "objective_id": {o.id: o.title for o in plan.objectives},
        "section": {s.id: s.title for s in plan.sections},
        "kpis": {k.id: k.title for k in plan.kpis},
        "depends_on": {c.id: c.title for c in plan.commitments},
        "commitment_id": {c.id: c.title for c in plan.commitments},
        "evidence": {e.id: e.title for e in plan.evidence},
        "functions": {r["id"]: r["requirement"] for r in statutory_requirements() if r["kind"] == "function"},
    }


def _number(value: float, unit: str | None) -> str:
    unit = unit or ""
    if unit == "GBP":
        return money(value, thousands=True)
    if unit.startswith("GBP"):
        return pounds(value)
    if unit.startswith("share"):
        return share(value, 2)
    return f"{count(value)} {unit}".strip()


def value_text(value: Any, unit: str | None = None, plan: Plan | None = None, path: str = "") -> str:
    """A field's value as a reader sees it: ids as titles, money as money, lists joined.

    Parameters
    ----------
    value : object
        The value as the plan holds it (a dump: str, number, bool, tuple, dict or None).
    unit : str, optional
        The unit of a figure (``GBP``, ``FTE``, a KPI's unit).
    plan : Plan, optional
        The plan the value belongs to, to turn ids into titles.
    path : str
        The field's dotted path (its last part says what kind of id it holds).

    Examples
    --------
    >>> value_text(None), value_text(True), value_text(("a", "b")), value_text(2_500_000, "GBP")
    ('none', 'yes', 'a; b', '£2.5m')
    >>> value_text("police_collaboration", path="workstream"), value_text(12.5, "percent of respondents")
    ('Police collaboration', '12.5 percent of respondents')
    """
    if value is None or value == () or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return _number(float(value), unit) if not (isinstance(value, float) and math.isnan(value)) else "none"
    key = path.rsplit(".", 1)[-1]
    if isinstance(value, tuple):
        if value and all(isinstance(v, dict) for v in value):  # benefit lines: their outcomes
            return "; ".join(str(v.get("outcome", "")) for v in value)
        return "; ".join(value_text(v, unit, plan, path) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_text(v, unit, plan, k)}" for k, v in value.items())
    text = str(value)
    if key == "workstream":
        return WORKSTREAM_LABELS.get(text, text)
    if key == "commissioning":
        return COMMISSIONING_LABELS.get(text, text)
    if key == "owner":
        return owner_label(text)
    if key in ("national_measure",):
        return humanise(text)
    if plan is not None and key in ("objective_id", "section", "kpis", "depends_on", "commitment_id", "evidence",
                                    "functions"):
        return _titles(plan)[key].get(text, text)
    return text


def value_pair(before: Any, after: Any, unit: str | None = None) -> tuple[str, str]:
    """Two figures written so that, when they differ, they read differently (more digits if needed).

    >>> value_pair(600_000_000, 600_040_000, "GBP")
    ('£600.00m', '£600.04m')
    """
    a, b = value_text(before, unit), value_text(after, unit)
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (before, after))
    if numbers and unit == "GBP" and a == b and before != after:
        for digits in (2, 3, 4):
            a, b = money(before, digits, thousands=True), money(after, digits, thousands=True)
            if a != b:
                break
    return a, b
