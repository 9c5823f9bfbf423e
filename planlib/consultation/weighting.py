"""Weighting responses to the population: by local authority and by age band.

Weights per local authority are its share of the census population divided by its share of
the responses that name one of the plan's local authorities. A group whose weight is above
:data:`UNDER_REPRESENTED_WEIGHT` (or that sent no response) is under-represented.

>>> import planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> areas = [a.name for a in plan.local_authorities]
>>> coded = pd.DataFrame({"local_authority": [areas[0], areas[4], areas[4]]})
>>> response_weights(plan, coded).round(2).tolist()
[1.18, 0.11, 0.11]
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from planlib.model.consultation import AGE_BANDS, NO_AGE, OUTSIDE, UNKNOWN, YOUNG, Consultation
from planlib.model.plan import Plan

UNDER_REPRESENTED_WEIGHT = 1.5
"""A group whose share of the responses is less than two thirds of its share of the population
(weight above 1.5) is flagged as under-represented."""


def local_authority_weights(plan: Plan, coded: pd.DataFrame) -> pd.DataFrame:
    """Responses, population and weight for each local authority (then outside and unknown).

    ``weight`` = population share / response share, the shares taken over the plan's local
    authorities only (responses from outside the area or from an unknown one get no weight).
    It is NaN for an authority with no response. ``under_represented`` is True when the
    weight exceeds :data:`UNDER_REPRESENTED_WEIGHT` or the authority has no response.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> areas = [a.name for a in plan.local_authorities]
    >>> coded = pd.DataFrame({"local_authority": [areas[0], areas[4], "outside"]})
    >>> table = local_authority_weights(plan, coded).set_index("local_authority")
    >>> round(float(table.at[areas[0], "weight"]), 3), bool(table.at[areas[2], "under_represented"])
    (0.784, True)
    """
    counts = coded["local_authority"].value_counts()
    population = pd.Series({a.name: float(a.population) for a in plan.local_authorities})
    responses = counts.reindex(population.index, fill_value=0).astype("int64")
    known = int(responses.sum())
    table = pd.DataFrame({
        "local_authority": population.index,
        "responses": responses.to_numpy(),
        "population": population.to_numpy(),
    })
    table["response_share"] = table["responses"] / known if known else math.nan
    table["population_share"] = table["population"] / population.sum()
    share = table["response_share"].where(table["responses"] > 0)
    table["weight"] = table["population_share"] / share
    table["under_represented"] = (table["weight"] > UNDER_REPRESENTED_WEIGHT) | (table["responses"] == 0)
    others = pd.DataFrame({
        "local_authority": [OUTSIDE, UNKNOWN],
        "responses": [int(counts.get(OUTSIDE, 0)), int(counts.get(UNKNOWN, 0))],
        "population": [math.nan, math.nan], "response_share": [math.nan, math.nan],
        "population_share": [math.nan, math.nan], "weight": [math.nan, math.nan],
        "under_represented": [False, False],
    })
    return pd.concat([table, others], ignore_index=True)


def response_weights(plan: Plan, coded: pd.DataFrame) -> pd.Series:
    """Each response's weight: its local authority's weight, NaN outside the plan's local authorities."""
    weights = local_authority_weights(plan, coded).set_index("local_authority")["weight"]
    return coded["local_authority"].map(weights).astype("float64")


def age_table(consultation: Consultation, coded: pd.DataFrame | None = None) -> pd.DataFrame:
    """Responses by age band, with the population's share and a flag for under-represented bands.

    Shares are over residents who gave their age. ``weight`` and ``under_represented`` need an
    age profile (``age_profile.csv``); without one they are NaN and False.
    """
    table = consultation.responses if coded is None else coded
    counts = table["age_band"].value_counts()
    bands = list(AGE_BANDS) + list(NO_AGE)
    out = pd.DataFrame({"age_band": bands, "responses": [int(counts.get(b, 0)) for b in bands]})
    given = int(out.loc[out["age_band"].isin(AGE_BANDS), "responses"].sum())
    out["response_share"] = [n / given if given and b in AGE_BANDS else math.nan
                             for b, n in zip(out["age_band"], out["responses"])]
    profile = {} if consultation.age_profile is None else dict(
        zip(consultation.age_profile["age_band"], consultation.age_profile["population_share"]))
    out["population_share"] = [profile.get(b, math.nan) for b in out["age_band"]]
    out["weight"] = out["population_share"] / out["response_share"].where(out["responses"] > 0)
    out["under_represented"] = (out["weight"] > UNDER_REPRESENTED_WEIGHT) | (
        out["population_share"].notna() & (out["population_share"] > 0) & (out["responses"] == 0))
    out["young"] = out["age_band"].isin(YOUNG)
    return out


def by_group(coded: pd.DataFrame, theme_ids: Iterable[str], column: str) -> pd.DataFrame:
    """Responses coded to each theme in each group of ``column`` (local_authority, age_band...).

    Long form: ``group, theme, responses, group_responses, share`` (share of the group's
    responses coded to the theme).
    """
    rows = []
    for group, part in coded.groupby(column, sort=False):
        for theme in theme_ids:
            n = int(part[theme].sum())
            rows.append({"group": group, "theme": theme, "responses": n, "group_responses": len(part),
                         "share": n / len(part)})
    return pd.DataFrame(rows, columns=["group", "theme", "responses", "group_responses", "share"])
