"""Themes and the plan: which commitments answer each theme, and topics the codebook may miss.

Each theme is traced to the enabled commitments whose evidence cites it, directly or through an
evidence entry whose ``themes`` lists it (:func:`trace`); a theme that no commitment answers is
a gap in the plan. :func:`candidate_themes` proposes topics, among the responses no theme
caught, that an analyst may want to add to the codebook (scikit-learn, imported when used).

>>> import planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> theme = next(e.id for e in plan.evidence if e.kind == "consultation_theme")
>>> table = trace(plan, [theme])
>>> set(table["theme"]) == {theme} and set(table["commitment_id"]) <= {c.id for c in plan.commitments}
True
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from planlib.model.plan import Plan


def trace(plan: Plan, theme_ids: Iterable[str]) -> pd.DataFrame:
    """The enabled commitments that answer each theme, and through which evidence.

    A commitment answers a theme when it cites the theme's evidence entry (``via`` is the
    theme itself) or an entry whose ``themes`` lists it (``via`` is that entry). Long form:
    ``theme, commitment_id, commitment, via``; one row per theme and commitment (the first
    evidence it cites that leads to the theme).
    """
    leads_to: dict[str, set[str]] = {}
    for e in plan.evidence:
        leads_to[e.id] = {e.id, *e.themes}
    rows = []
    for theme in theme_ids:
        for c in plan.commitments:
            if not c.enabled:
                continue
            via = next((e for e in c.evidence if theme in leads_to.get(e, {e})), None)
            if via is not None:
                rows.append({"theme": theme, "commitment_id": c.id, "commitment": c.title, "via": via})
    return pd.DataFrame(rows, columns=["theme", "commitment_id", "commitment", "via"])


def commitments_without_evidence(plan: Plan) -> list[str]:
    """Ids of the enabled commitments that cite no evidence at all."""
    return [c.id for c in plan.commitments if c.enabled and not c.evidence]


def candidate_themes(coded: pd.DataFrame, theme_ids: Iterable[str], *, candidates: int = 4, words: int = 6,
                     seed: int = 0) -> pd.DataFrame:
    """Candidate new themes for an analyst to review: topics of the responses no theme caught.

    The texts of the responses coded to no theme are weighted by TF-IDF (English stop words
    left out; words and pairs of words used in at least two responses) and factorised by
    non-negative matrix factorisation (NMF) into ``candidates`` topics. A topic is a
    suggestion, not a finding: an analyst reads its words and quotes and decides whether the
    codebook needs a theme, or a phrase added to one it has.

    Parameters
    ----------
    coded : pandas.DataFrame
        From :func:`code_responses`.
    theme_ids : iterable of str
        The codebook's themes (columns of ``coded``).
    candidates, words : int
        How many topics to propose, and how many of each topic's top words to show.
    seed : int
        Seed of the factorisation (the same seed gives the same topics).

    Returns
    -------
    pandas.DataFrame
        One row per topic, largest first: ``candidate`` (1, 2...), ``words`` (its top words,
        comma-separated), ``responses`` (uncoded responses for which it is the main topic) and
        ``examples`` (up to two of their quotes). Empty when too few responses are uncoded.

    Examples
    --------
    >>> coded = pd.DataFrame({"text": ["Speeding cars on our road", "Cars speeding past the school",
    ...                                "Fly-tipping rubbish in the alley", "Rubbish and fly-tipping everywhere"],
    ...                       "t": [False] * 4})
    >>> table = candidate_themes(coded, ["t"], candidates=2, words=2)
    >>> sorted(("speeding" in w, "tipping" in w) for w in table["words"])  # one topic each
    [(False, True), (True, False)]
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    columns = ["candidate", "words", "responses", "examples"]
    uncoded = coded.loc[~coded[list(theme_ids)].any(axis=1), "text"].reset_index(drop=True)
    if len(uncoded) < max(2, candidates):
        return pd.DataFrame(columns=columns)
    vectoriser = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), min_df=2)
    try:
        matrix = vectoriser.fit_transform(uncoded)
    except ValueError:  # no word is used in two responses
        return pd.DataFrame(columns=columns)
    candidates = min(candidates, *matrix.shape)
    model = NMF(n_components=candidates, init="nndsvda", random_state=seed, max_iter=500)
    weights = model.fit_transform(matrix)
    vocabulary = vectoriser.get_feature_names_out()
    main_topic = weights.argmax(axis=1)
    rows = []
    for k, component in enumerate(model.components_):
        top = [vocabulary[i] for i in component.argsort()[::-1] if component[i] > 0]
        single = [w for w in top if " " not in w]  # a pair's words are shown as words
        members = [i for i in range(len(uncoded)) if main_topic[i] == k and weights[i, k] > 0]
        rows.append({"words": ", ".join(single[:words]), "responses": len(members),
                     "examples": [uncoded[i] for i in members[:2]]})
    table = pd.DataFrame(rows, columns=columns[1:]).sort_values("responses", ascending=False, kind="stable")
    table.insert(0, "candidate", range(1, len(table) + 1))
    return table[table["responses"] > 0].reset_index(drop=True)
