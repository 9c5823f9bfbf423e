"""Coding responses to themes: transparent phrase rules, and how well they match hand coding.

For each theme of the codebook, the words of its exclusions are taken out of the text, and the
response is coded to the theme if any of its phrases is left (:func:`code_text`). A response
with pre-coded themes keeps them (:func:`code_responses`). :func:`precision_recall` measures
a coding against one done by hand.

>>> from planlib.model.consultation import Codebook
>>> book = Codebook(source="s", status="illustrative", themes=[{"id": "violence", "phrases": ["knife*"]}])
>>> code_text("Knives and knifepoint robberies", book)
{'violence': 'knife*'}
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from planlib.model.consultation import WORD, Codebook, Consultation, normalise


def _regex(phrase: str) -> str:
    words = WORD.findall(normalise(phrase))
    parts = [re.escape(w[:-1]) + r"[a-z0-9]*" if w.endswith("*") else re.escape(w) for w in words]
    return r"\b" + " ".join(parts) + r"\b"


@dataclass(frozen=True)
class _CompiledTheme:
    id: str
    phrases: tuple[tuple[str, re.Pattern[str]], ...]
    exclusions: re.Pattern[str] | None


_COMPILED: dict[Codebook, tuple[_CompiledTheme, ...]] = {}


def _compiled(codebook: Codebook) -> tuple[_CompiledTheme, ...]:
    if codebook not in _COMPILED:
        _COMPILED[codebook] = tuple(
            _CompiledTheme(
                t.id,
                tuple((p, re.compile(_regex(p))) for p in t.phrases),
                re.compile("|".join(_regex(e) for e in t.exclusions)) if t.exclusions else None,
            )
            for t in codebook.themes
        )
    return _COMPILED[codebook]


def code_text(text: str, codebook: Codebook) -> dict[str, str]:
    """The themes ``text`` is coded to, each with the first of its phrases that matched.

    For each theme, the words of its exclusions are masked first; then any of its phrases
    left in the text codes the response to it. Several themes, or none, may match.

    >>> book = Codebook(source="s", status="illustrative", themes=[
    ...     {"id": "violence", "phrases": ["violen*", "knife"], "exclusions": ["domestic violence"]},
    ...     {"id": "abuse", "phrases": ["domestic violence"]}])
    >>> code_text("Domestic violence is rising", book)
    {'abuse': 'domestic violence'}
    >>> code_text("Knife crime and domestic violence; violent streets", book)
    {'violence': 'violen*', 'abuse': 'domestic violence'}
    """
    plain = normalise(text)
    found: dict[str, str] = {}
    for theme in _compiled(codebook):
        masked = theme.exclusions.sub(" # ", plain) if theme.exclusions is not None else plain
        for phrase, pattern in theme.phrases:
            if pattern.search(masked):
                found[theme.id] = phrase
                break
    return found


def code_responses(consultation: Consultation) -> pd.DataFrame:
    """Every response with a True/False column per theme, ``coded_by`` and ``matched``.

    ``coded_by`` is ``analyst`` for a response with pre-coded themes (kept as they are) and
    ``codebook`` otherwise; ``matched`` says which phrase coded each theme
    (``<theme id>: <phrase>; ...``), so that an analyst can check the rules.

    >>> from planlib.io.plan_folder import load_folder
    >>> coded = code_responses(load_folder(parts=["consultation"]).consultation)
    >>> sorted(set(coded["coded_by"]))
    ['analyst', 'codebook']
    """
    table = consultation.responses.copy()
    theme_ids = consultation.codebook.theme_ids
    coded_by, matched, flags = [], [], []
    for row in table.itertuples():
        if row.precoded:
            found = {t: "pre-coded" for t in row.precoded}
            coded_by.append("analyst")
        else:
            found = code_text(row.text, consultation.codebook)
            coded_by.append("codebook")
        matched.append("; ".join(f"{t}: {p}" for t, p in found.items()))
        flags.append([t in found for t in theme_ids])
    table["coded_by"] = coded_by
    table["matched"] = matched
    theme_flags = pd.DataFrame(flags, columns=theme_ids, index=table.index, dtype=bool)
    return pd.concat([table, theme_flags], axis=1)


def precision_recall(predicted: pd.DataFrame, expected: pd.DataFrame, theme_ids: Iterable[str]) -> pd.DataFrame:
    """Per theme: true and false positives, false negatives, precision and recall of a coding.

    ``predicted`` and ``expected`` hold a True/False column per theme, rows in the same order.
    Precision is NaN when nothing was coded to the theme; recall is NaN when nothing should be.

    >>> p = pd.DataFrame({"t": [True, True, False, False]})
    >>> e = pd.DataFrame({"t": [True, False, True, False]})
    >>> precision_recall(p, e, ["t"])[["precision", "recall"]].to_dict("records")
    [{'precision': 0.5, 'recall': 0.5}]
    """
    rows = []
    for theme in theme_ids:
        got, want = predicted[theme].to_numpy(bool), expected[theme].to_numpy(bool)
        tp, fp, fn = int((got & want).sum()), int((got & ~want).sum()), int((~got & want).sum())
        rows.append({"theme": theme, "true_positives": tp, "false_positives": fp, "false_negatives": fn,
                     "precision": tp / (tp + fp) if tp + fp else math.nan,
                     "recall": tp / (tp + fn) if tp + fn else math.nan})
    return pd.DataFrame(rows)
