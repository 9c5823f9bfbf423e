"""Charts of the consultation: what people raised, where, and who responded.

Each takes the :class:`~planlib.consultation.ConsultationResults` of
:func:`planlib.consultation.analyse` and returns an altair chart; the colours are Okabe-Ito's
blue for shares as the responses came in and orange for shares weighted to the population.

>>> from planlib.consultation import analyse
>>> from planlib.io.plan_folder import load_folder
>>> folder = load_folder(parts=["consultation"])
>>> representation_chart(analyse(folder.plan, folder.consultation)).to_dict()["title"]["text"]
'Who responded, against the census population'
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from planlib.consultation import ConsultationResults
from planlib.model.consultation import OUTSIDE, UNKNOWN
from planlib.present.consultation import AREA_LABELS


SHARE_COLOURS = ("#0072B2", "#E69F00")
"""Okabe-Ito blue for shares as the responses came in, orange for shares weighted to the population."""


def _subtitle(results: ConsultationResults) -> str:
    statuses = set(results.consultation.responses["status"])
    note = "synthetic responses, made up for this example: not evidence" if statuses == {"synthetic"} else \
        f"{', '.join(sorted(statuses))} responses"
    return f"{len(results.coded)} {note}"


def themes_chart(results: ConsultationResults, *, width: int = 420, row_height: int = 34) -> alt.Chart:
    """Share of responses coded to each theme, as received and weighted by local authority.

    Examples
    --------
    >>> from planlib.consultation import analyse
    >>> from planlib.io.plan_folder import load_folder
    >>> folder = load_folder(parts=["consultation"])
    >>> results = analyse(folder.plan, folder.consultation)
    >>> themes_chart(results).to_dict()["title"]["text"]
    'What people raised: share of responses by theme'
    """
    themes = results.themes
    labels = ("As received", "Weighted to the population")
    data = pd.concat([
        pd.DataFrame({"title": themes["title"], "measure": labels[0], "share": themes["share"],
                      "responses": themes["responses"]}),
        pd.DataFrame({"title": themes["title"], "measure": labels[1], "share": themes["weighted_share"],
                      "responses": themes["responses"]}),
    ], ignore_index=True)
    order = list(themes.sort_values("share", ascending=False)["title"])
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("title:N", title=None, sort=order, axis=alt.Axis(labelLimit=330)),
        yOffset=alt.YOffset("measure:N", sort=list(labels)),
        x=alt.X("share:Q", title="Share of responses", axis=alt.Axis(format="%", tickCount=6),
                scale=alt.Scale(domainMin=0)),
        color=alt.Color("measure:N", title=None, sort=list(labels),
                        scale=alt.Scale(domain=list(labels), range=list(SHARE_COLOURS)),
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
        tooltip=[alt.Tooltip("title:N", title="Theme"), alt.Tooltip("measure:N", title="Share"),
                 alt.Tooltip("share:Q", title="Value", format=".1%"),
                 alt.Tooltip("responses:Q", title="Responses coded to it")],
    ).properties(
        title=alt.Title("What people raised: share of responses by theme", subtitle=_subtitle(results), anchor="start"),
        width=width, height=row_height * len(themes),
    )


def theme_by_area_chart(results: ConsultationResults, theme: str, *, width: int = 420, height: int = 240) -> alt.LayerChart:
    """Share of each local authority's responses coded to ``theme``, with the overall share as a line.

    Examples
    --------
    >>> from planlib.consultation import analyse
    >>> from planlib.io.plan_folder import load_folder
    >>> folder = load_folder(parts=["consultation"])
    >>> results = analyse(folder.plan, folder.consultation)
    >>> theme = results.themes["theme"].iloc[0]
    >>> theme_by_area_chart(results, theme).to_dict()["title"]["text"].endswith(": share of responses by local authority")
    True
    """
    if theme not in results.consultation.codebook.theme_ids:
        raise ValueError(f"unknown theme {theme!r}")
    areas = [a.name for a in results.plan.local_authorities] + [OUTSIDE, UNKNOWN]
    data = results.by_local_authority[results.by_local_authority["theme"] == theme]
    data = data.set_index("group").reindex(areas).dropna(subset=["share"]).rename_axis("area").reset_index()
    data["area"] = data["area"].replace(AREA_LABELS)
    areas = [AREA_LABELS.get(a, a) for a in areas]
    row = results.themes.set_index("theme").loc[theme]
    overall = pd.DataFrame({"share": [row["share"]], "label": [f"All responses: {row['share']:.0%}"]})
    bars = alt.Chart(data).mark_bar(color=SHARE_COLOURS[0]).encode(
        x=alt.X("area:N", title=None, sort=areas, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("share:Q", title="Share of the area's responses", axis=alt.Axis(format="%"),
                scale=alt.Scale(domainMin=0)),
        tooltip=[alt.Tooltip("area:N", title="Local authority"), alt.Tooltip("share:Q", title="Share", format=".1%"),
                 alt.Tooltip("responses:Q", title="Responses coded to the theme"),
                 alt.Tooltip("group_responses:Q", title="Responses from the area")],
    )
    rule = alt.Chart(overall).mark_rule(color="#000000", strokeDash=[4, 3]).encode(
        y="share:Q", tooltip=alt.Tooltip("label:N", title="Overall"))
    return alt.layer(bars, rule).properties(
        title=alt.Title(f"{row['title']}: share of responses by local authority",
                        subtitle="Dashed line: the share over all responses", anchor="start"),
        width=width, height=height,
    )


def representation_chart(results: ConsultationResults, *, width: int = 420, height: int = 240) -> alt.Chart:
    """Each local authority's share of the responses against its share of the census population.

    Examples
    --------
    >>> from planlib.consultation import analyse
    >>> from planlib.io.plan_folder import load_folder
    >>> folder = load_folder(parts=["consultation"])
    >>> results = analyse(folder.plan, folder.consultation)
    >>> representation_chart(results).to_dict()["title"]["text"]
    'Who responded, against the census population'
    """
    table = results.local_authorities.dropna(subset=["population"])
    labels = ("Share of the responses", "Share of the population (Census 2021)")
    data = pd.concat([
        pd.DataFrame({"area": table["local_authority"], "measure": labels[0], "share": table["response_share"],
                      "weight": table["weight"]}),
        pd.DataFrame({"area": table["local_authority"], "measure": labels[1], "share": table["population_share"],
                      "weight": table["weight"]}),
    ], ignore_index=True)
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("area:N", title=None, sort=list(table["local_authority"]), axis=alt.Axis(labelAngle=-30)),
        xOffset=alt.XOffset("measure:N", sort=list(labels)),
        y=alt.Y("share:Q", title="Share", axis=alt.Axis(format="%")),
        color=alt.Color("measure:N", title=None, sort=list(labels),
                        scale=alt.Scale(domain=list(labels), range=list(SHARE_COLOURS)),
                        legend=alt.Legend(orient="bottom", direction="horizontal", labelLimit=0)),
        tooltip=[alt.Tooltip("area:N", title="Local authority"), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("share:Q", title="Share", format=".1%"), alt.Tooltip("weight:Q", title="Weight", format=".2f")],
    ).properties(
        title=alt.Title("Who responded, against the census population",
                        subtitle="Weight = population share / response share; above 1.5 is under-represented",
                        anchor="start"),
        width=width, height=height,
    )
