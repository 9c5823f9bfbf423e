"""What the consultation says, for a person: the ``planlib consult`` report and its json.

:func:`planlib.consultation.analyse` computes the tables; :func:`summary_text` writes them as
the command line prints them and :func:`as_json` gives ``planlib consult --format json``.
Charts are in :mod:`planlib.charts.consultation`.

>>> from planlib.consultation import analyse
>>> from planlib.io.plan_folder import load_folder
>>> folder = load_folder(parts=["consultation"])
>>> results = analyse(folder.plan, folder.consultation)
>>> as_json(results)["responses"]
329
>>> print(summary_text(results).splitlines()[1])
  ! The responses are SYNTHETIC (made up for this example): no figure below is evidence.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from planlib.consultation import ConsultationResults, candidate_themes
from planlib.model.consultation import OUTSIDE, UNKNOWN
from planlib.formats import share
from planlib.present.labels import commitment_titles

AREA_LABELS = {OUTSIDE: "Outside the area", UNKNOWN: "Area not given"}
"""How :data:`~planlib.model.consultation.OUTSIDE` and :data:`~planlib.model.consultation.UNKNOWN`
are written for a reader."""


def _number(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 6)


def as_json(results: ConsultationResults) -> dict[str, Any]:
    """The summary ``planlib consult --format json`` prints: ``responses``, ``themes``, ``local_authorities``.

    Shares and weights are rounded to 6 decimals; a weight that cannot be computed is None.
    """
    return {
        "responses": int(len(results.coded)),
        "themes": [
            {"theme": r.theme, "responses": int(r.responses), "share": _number(r.share),
             "weighted_share": _number(r.weighted_share), "commitments": list(r.commitments),
             "examples": list(r.examples)}
            for r in results.themes.itertuples()
        ],
        "local_authorities": [
            {"local_authority": r.local_authority, "responses": int(r.responses),
             "population": None if math.isnan(r.population) else int(r.population),
             "weight": _number(r.weight)}
            for r in results.local_authorities.itertuples()
        ],
    }


def trace_table(results: ConsultationResults) -> pd.DataFrame:
    """The trace from themes to commitments for a reader: every theme and commitment by its title.

    Columns ``Theme``, ``Commitment`` and ``Through`` (the manifesto pledge, partner board or
    other evidence by which the commitment answers the theme, or "directly"); a theme
    no commitment answers has one row saying so.

    >>> from planlib.consultation import analyse
    >>> from planlib.io.plan_folder import load_folder
    >>> folder = load_folder(parts=["consultation"])
    >>> results = analyse(folder.plan, folder.consultation)
    >>> table = trace_table(results)
    >>> list(table.columns), set(table["Theme"]) == set(results.themes["title"])
    (['Theme', 'Commitment', 'Through'], True)
    """
    plan = results.plan
    evidence = {e.id: e.title for e in plan.evidence}
    titles = commitment_titles(plan)
    rows = []
    for theme in results.themes.itertuples():
        part = results.trace[results.trace["theme"] == theme.theme]
        if part.empty:
            rows.append((theme.title, "None: a gap in the plan", ""))
        for r in part.itertuples():
            through = "directly" if r.via == theme.theme else evidence.get(r.via, r.via)
            rows.append((theme.title, titles.get(r.commitment_id, r.commitment), through))
    return pd.DataFrame(rows, columns=["Theme", "Commitment", "Through"])


def _pct(x: float | None) -> str:
    return share(x, 0)


def summary_text(results: ConsultationResults) -> str:
    """The readable report ``planlib consult`` prints: themes, weights, trace and flags."""
    plan, consultation = results.plan, results.consultation
    statuses = sorted(set(consultation.responses["status"]))
    lines = [f"{plan.name}: consultation, {len(results.coded)} responses ({', '.join(statuses)}) coded by "
             f"{consultation.folder}/codebook.yaml"]
    if "synthetic" in statuses:
        lines.append("  ! The responses are SYNTHETIC (made up for this example): no figure below is evidence.")
    titles = commitment_titles(plan)
    lines += ["", f"{'theme':<56}{'responses':>10}{'share':>8}{'weighted':>10}  commitments"]
    for r in results.themes.itertuples():
        answered = "; ".join(titles.get(c, c) for c in r.commitments) if r.commitments else "NONE: a gap in the plan"
        lines.append(f"{r.title[:55]:<56}{r.responses:>10}{_pct(r.share):>8}{_pct(r.weighted_share):>10}  {answered}")
    lines += ["", "Weighted: each response counts with its local authority's weight (population share / response "
                  "share; Census 2021 populations).", "",
              f"{'local authority':<20}{'responses':>10}{'population':>12}{'pop. share':>11}{'resp. share':>12}{'weight':>8}"]
    for r in results.local_authorities.itertuples():
        population = "–" if math.isnan(r.population) else f"{r.population:,.0f}"
        weight = "–" if math.isnan(r.weight) else f"{r.weight:.2f}"
        flag = "  under-represented" if r.under_represented else ""
        lines.append(f"{r.local_authority:<20}{r.responses:>10}{population:>12}{_pct(r.population_share):>11}"
                     f"{_pct(r.response_share):>12}{weight:>8}{flag}")
    lines += ["", f"{'age band':<20}{'responses':>10}{'resp. share':>12}{'pop. share':>11}"]
    for r in results.ages.itertuples():
        flag = "  under-represented" if r.under_represented else ""
        lines.append(f"{r.age_band:<20}{r.responses:>10}{_pct(r.response_share):>12}{_pct(r.population_share):>11}{flag}")
    if consultation.age_profile is not None and (consultation.age_profile["status"] == "unverified").any():
        lines.append("  (population shares by age are unverified: see age_profile.csv)")
    lines.append("")
    if results.gaps:
        themes = dict(zip(results.themes["theme"], results.themes["title"]))
        lines.append(f"  ! Themes no commitment answers (gaps in the plan): {'; '.join(themes[t] for t in results.gaps)}")
    else:
        lines.append("Every theme is answered by at least one commitment.")
    if results.under_represented:
        lines.append(f"  ! Under-represented among the responses: {', '.join(results.under_represented)}")
    if results.no_evidence:
        lines.append(f"  ! Commitments that cite no evidence ({len(results.no_evidence)}): "
                     f"{'; '.join(titles.get(c, c) for c in results.no_evidence)}")
    uncoded = int((~results.coded[list(results.themes["theme"])].any(axis=1)).sum())
    candidates = candidate_themes(results.coded, results.themes["theme"])
    if len(candidates):
        lines += ["", f"Candidate themes the codebook may miss, from the {uncoded} responses coded to no theme "
                      "(TF-IDF and NMF; for an analyst to review, not findings):"]
        lines += [f"  {r.candidate}. {r.words} ({r.responses} responses)" for r in candidates.itertuples()]
    return "\n".join(lines)
