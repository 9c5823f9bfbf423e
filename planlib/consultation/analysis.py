"""Everything the consultation says about a plan: :func:`analyse` and its :class:`ConsultationResults`.

Responses are coded (:mod:`~planlib.consultation.coding`), weighted by local authority and age
(:mod:`~planlib.consultation.weighting`) and traced to the commitments that answer each theme
(:mod:`~planlib.consultation.themes`); a weighted theme share is the share of responses coded
to the theme when each response counts with its local authority's weight.

>>> from planlib.io.plan_folder import load_folder
>>> folder = load_folder(parts=["consultation"])
>>> results = analyse(folder.plan, folder.consultation)
>>> len(results.coded), results.gaps
(329, [])
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from planlib.consultation.coding import code_responses
from planlib.consultation.themes import commitments_without_evidence, trace
from planlib.consultation.weighting import (
    UNDER_REPRESENTED_WEIGHT,
    age_table,
    by_group,
    local_authority_weights,
    response_weights,
)
from planlib.model.consultation import Consultation
from planlib.model.plan import Plan

EXAMPLES_PER_THEME = 3
"""How many quotes :func:`analyse` keeps for each theme."""


def _examples(coded: pd.DataFrame, theme: str, count: int = EXAMPLES_PER_THEME) -> list[str]:
    """Quotes for a theme: the first responses coded to it, preferring those short enough to read aloud."""
    texts = coded.loc[coded[theme], "text"]
    ordered = sorted(range(len(texts)), key=lambda i: (len(texts.iloc[i]) > 200, i))
    return [texts.iloc[i] for i in ordered[:count]]


@dataclass(frozen=True)
class ConsultationResults:
    """Everything :func:`analyse` found; each table is a DataFrame.

    Attributes
    ----------
    coded : responses with a True/False column per theme (:func:`code_responses`)
    themes : one row per theme: ``theme, title, kind, responses, share, weighted_share,
        commitments`` (list of ids), ``examples`` (list of quotes), ``gap`` (no commitment answers it)
    local_authorities : :func:`local_authority_weights`
    ages : :func:`age_table`
    by_local_authority, by_age : :func:`by_group`
    trace : :func:`trace`
    no_evidence : ids of commitments that cite no evidence
    """

    plan: Plan
    consultation: Consultation
    coded: pd.DataFrame
    themes: pd.DataFrame
    local_authorities: pd.DataFrame
    ages: pd.DataFrame
    by_local_authority: pd.DataFrame
    by_age: pd.DataFrame
    trace: pd.DataFrame
    no_evidence: list[str]

    @property
    def gaps(self) -> list[str]:
        """Themes that no enabled commitment answers."""
        return list(self.themes.loc[self.themes["gap"], "theme"])

    @property
    def under_represented(self) -> list[str]:
        """Local authorities and age bands under-represented among the responses, young people first."""
        young = self.ages[self.ages["young"]]
        population, responses = young["population_share"].sum(min_count=1), young["response_share"].sum(min_count=1)
        # No young respondent at all, against a known young population, is the clearest case.
        flagged = (["young people (under 25)"]
                   if population > 0 and (responses == 0 or population / responses > UNDER_REPRESENTED_WEIGHT) else [])
        ages = self.ages[self.ages["under_represented"]].sort_values("young", ascending=False, kind="stable")
        las = self.local_authorities[self.local_authorities["under_represented"]]
        return flagged + [f"people aged {b}" for b in ages["age_band"]] + list(las["local_authority"])


def analyse(plan: Plan, consultation: Consultation) -> ConsultationResults:
    """Code the responses and compute every table: themes, weights, groups, trace, flags.

    Examples
    --------
    >>> from planlib.io.plan_folder import load_folder
    >>> folder = load_folder(parts=["consultation"])
    >>> results = analyse(folder.plan, folder.consultation)
    >>> results.gaps
    []
    >>> int(results.local_authorities["responses"].sum())
    329
    """
    coded = code_responses(consultation)
    theme_ids = consultation.codebook.theme_ids
    weights = response_weights(plan, coded)
    known = weights.notna()
    traced = trace(plan, theme_ids)
    titles = {e.id: e.title for e in plan.evidence}
    kinds = {e.id: e.kind for e in plan.evidence}
    total = len(coded)
    rows = []
    for theme in theme_ids:
        n = int(coded[theme].sum())
        weighted = float((weights[known] * coded.loc[known, theme]).sum() / weights[known].sum()) if known.any() else math.nan
        commitments = list(traced.loc[traced["theme"] == theme, "commitment_id"])
        rows.append({"theme": theme, "title": titles.get(theme, theme), "kind": kinds.get(theme, ""),
                     "responses": n, "share": n / total if total else math.nan, "weighted_share": weighted,
                     "commitments": commitments, "examples": _examples(coded, theme), "gap": not commitments})
    themes = pd.DataFrame(rows)
    return ConsultationResults(
        plan=plan, consultation=consultation, coded=coded, themes=themes,
        local_authorities=local_authority_weights(plan, coded), ages=age_table(consultation, coded),
        by_local_authority=by_group(coded, theme_ids, "local_authority"),
        by_age=by_group(coded, theme_ids, "age_band"), trace=traced,
        no_evidence=commitments_without_evidence(plan),
    )
