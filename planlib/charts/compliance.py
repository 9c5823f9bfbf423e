"""Chart of the statutory functions the plan's commitments serve (the plan overview's coverage).

It draws the table of :func:`planlib.compliance.function_coverage`.

>>> import planlib
>>> from planlib.compliance import function_coverage
>>> chart = function_coverage_chart(function_coverage(planlib.load_plan(planlib.DEFAULT_PLAN)))
>>> len(chart.layer)
2
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from planlib.charts.base import GREEN, VERMILION

COVERAGE_COLOURS = (GREEN, VERMILION)
"""Okabe-Ito green for a statutory function some commitment serves, vermilion for one none does."""

COVERAGE_LABELS = ("Served by a commitment", "Not yet served")


def function_coverage_chart(coverage: pd.DataFrame, *, width: int = 360, row_height: int = 22) -> alt.LayerChart:
    """How many commitments serve each statutory function; functions that none serves stand out.

    Parameters
    ----------
    coverage : pandas.DataFrame
        One row per function with columns ``function_id``, ``function`` (its name) and
        ``commitments`` (how many commitments serve it), as from
        :func:`planlib.compliance.function_coverage`.
    width, row_height : int
        Width of the plotting area, and height of each function's row, in pixels.

    Returns
    -------
    altair.LayerChart
        Horizontal bars, green where at least one commitment serves the function; a function
        none serves gets a vermilion "Not yet served" label at zero.

    Examples
    --------
    >>> table = pd.DataFrame({"function_id": ["f01", "f02"], "function": ["Community safety", "Victims"],
    ...                       "commitments": [3, 0]})
    >>> spec = function_coverage_chart(table).to_dict()
    >>> spec["title"]["text"]
    'Statutory functions served by the commitments'
    """
    missing = [c for c in ("function_id", "function", "commitments") if c not in coverage.columns]
    if missing:
        raise ValueError(f"the coverage table lacks {missing}: pass planlib.present.compliance.function_coverage(plan)")
    data = coverage[["function_id", "function", "commitments"]].copy()
    data["label"] = data["function_id"] + " " + data["function"]
    data["status"] = [COVERAGE_LABELS[0] if n > 0 else COVERAGE_LABELS[1] for n in data["commitments"]]
    data["note"] = ["" if n > 0 else "Not yet served" for n in data["commitments"]]
    order = list(data["label"])
    served = int((data["commitments"] > 0).sum())
    # Long function names are cut on the axis (with an ellipsis); the bar and the note carry the
    # whole name as their tooltip, and the figures table beside the chart has it in full.
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=420))
    colour = alt.Color("status:N", title=None,
                       scale=alt.Scale(domain=list(COVERAGE_LABELS), range=list(COVERAGE_COLOURS)),
                       legend=alt.Legend(orient="bottom", direction="horizontal"))
    tooltip = [alt.Tooltip("label:N", title="Function"), alt.Tooltip("commitments:Q", title="Commitments serving it"),
               alt.Tooltip("status:N", title="Status")]
    bars = alt.Chart(data).mark_bar(height=alt.RelativeBandSize(0.7)).encode(
        y=y, x=alt.X("commitments:Q", title="Commitments serving the function",
                     axis=alt.Axis(format="d", tickMinStep=1), scale=alt.Scale(domainMin=0)),
        color=colour, tooltip=tooltip)
    notes = alt.Chart(data).mark_text(align="left", dx=4, color=COVERAGE_COLOURS[1], fontWeight="bold").encode(
        y=y, x=alt.datum(0), text="note:N", tooltip=tooltip)
    return alt.layer(bars, notes).properties(
        title=alt.Title("Statutory functions served by the commitments",
                        subtitle=f"{served} of {len(data)} functions served by at least one commitment in the plan",
                        anchor="start"),
        width=width, height=row_height * len(data),
    )
