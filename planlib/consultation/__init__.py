"""Consultation evidence: responses coded to themes, weighted by local authority, traced to commitments.

The consultation (:class:`~planlib.model.consultation.Consultation`) is read from a plan
folder's ``consultation/`` by :func:`planlib.io.plan_folder.load_folder`. This package
computes what it says, one concept a module:

- :mod:`~planlib.consultation.coding`: responses coded to themes by transparent phrase rules
  (:func:`code_text`, :func:`code_responses`), and :func:`precision_recall` against hand coding
- :mod:`~planlib.consultation.weighting`: weights by local authority and age band
- :mod:`~planlib.consultation.themes`: the trace from themes to commitments, and
  :func:`candidate_themes`, topics the codebook may miss
- :mod:`~planlib.consultation.analysis`: :func:`analyse`, every table at once

What a person reads is written by :mod:`planlib.present.consultation`, and the charts are in
:mod:`planlib.charts.consultation`.

>>> from planlib.io.plan_folder import load_folder
>>> folder = load_folder(parts=["consultation"])
>>> results = analyse(folder.plan, folder.consultation)
>>> len(results.coded)
329
>>> themes = code_text("Knife crime near the school", results.consultation.codebook)
>>> len(themes), set(themes) <= set(results.consultation.codebook.theme_ids)
(2, True)
"""

from __future__ import annotations

from planlib.consultation.analysis import EXAMPLES_PER_THEME, ConsultationResults, analyse
from planlib.consultation.coding import code_responses, code_text, precision_recall
from planlib.consultation.themes import candidate_themes, commitments_without_evidence, trace
from planlib.consultation.weighting import (
    UNDER_REPRESENTED_WEIGHT,
    age_table,
    by_group,
    local_authority_weights,
    response_weights,
)

__all__ = [
    "EXAMPLES_PER_THEME",
    "UNDER_REPRESENTED_WEIGHT",
    "ConsultationResults",
    "age_table",
    "analyse",
    "by_group",
    "candidate_themes",
    "code_responses",
    "code_text",
    "commitments_without_evidence",
    "local_authority_weights",
    "precision_recall",
    "response_weights",
    "trace",
]
