"""What every planlib chart shares: the vega-embed options, the palette and the year axis.

Colours come from the Okabe-Ito palette, which people with the common colour-vision
deficiencies can tell apart.

>>> year_axis(["2021/22", "2022/23"]).to_dict()["title"]
'Financial year'
>>> millions(2_500_000)
2.5
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

EMBED_OPTIONS = {"actions": False}
"""vega-embed options for every chart: no action menu (no export to external websites)."""

BLUE, ORANGE, GREEN, PINK, GREY = "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#999999"
SKY, VERMILION, YELLOW, BLACK = "#56B4E9", "#D55E00", "#F0E442", "#000000"
"""The Okabe-Ito colours, by name."""

ZERO_LINE = "#444"
"""The colour of a rule drawn at zero."""


def year_axis(years: Sequence[str], *, title: str = "Financial year") -> alt.X:
    """The x axis of a chart by financial year: ordinal, in the order given, labels upright."""
    return alt.X("year:O", title=title, sort=list(years), axis=alt.Axis(labelAngle=0))


def millions(pounds: float) -> float:
    """Pounds as millions of pounds, the unit of every money axis."""
    return pounds / 1e6
