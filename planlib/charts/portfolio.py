"""Charts of the optimiser's result: the efficient frontier and the chosen portfolio's cost by year.

Both take tables of :class:`planlib.portfolio.PortfolioResult` (``frontier`` and ``by_year``).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from planlib.charts.base import BLACK, BLUE, GREY, VERMILION, year_axis


def frontier_chart(frontier: pd.DataFrame, *, width: int = 480, height: int = 260,
                   objective: str = "NPV (p50)") -> alt.LayerChart:
    """The efficient frontier: the best portfolio's value for envelopes from 80% to 120% (£m).

    ``frontier`` is :attr:`planlib.portfolio.PortfolioResult.frontier`. Envelopes in which no
    portfolio fits are left out; the envelope given (100%) is ringed.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"envelope_share": [0.9, 1.0, 1.1], "envelope_total": [90e6, 100e6, 110e6],
    ...                   "objective_value": [5e6, 6e6, 6.5e6], "selected_count": [3, 4, 4], "feasible": [True] * 3})
    >>> frontier_chart(f).to_dict()["title"]["text"]
    'Efficient frontier'
    """
    data = frontier[frontier["feasible"]].assign(
        envelope_m=lambda d: d["envelope_total"] / 1e6, value_m=lambda d: d["objective_value"] / 1e6,
        share=lambda d: (d["envelope_share"] * 100).round(0))
    x = alt.X("envelope_m:Q", title="Envelope over the plan (£m)", scale=alt.Scale(zero=False), axis=alt.Axis(format=",.0f"))
    y = alt.Y("value_m:Q", title=f"Best {objective} (£m)", scale=alt.Scale(zero=False), axis=alt.Axis(format=",.1f"))
    tooltip = [alt.Tooltip("share:Q", title="Envelope (% of given)"), alt.Tooltip("envelope_m:Q", title="Envelope (£m)", format=",.1f"),
               alt.Tooltip("value_m:Q", title=f"Best {objective} (£m)", format=",.1f"),
               alt.Tooltip("selected_count:Q", title="Commitments chosen")]
    line = alt.Chart(data).mark_line(point=True, color=BLUE).encode(x=x, y=y, tooltip=tooltip)
    given = alt.Chart(data[data["envelope_share"].round(2) == 1.0]).mark_point(
        size=220, shape="circle", filled=False, color=VERMILION, strokeWidth=2).encode(x=x, y=y, tooltip=tooltip)
    return alt.layer(line, given).properties(
        title=alt.Title("Efficient frontier", subtitle="Best value of an affordable portfolio as the envelope "
                        "moves from 80% to 120% (ringed: the envelope given)", anchor="start"),
        width=width, height=height)


PARTS = {"mandatory_cost": "Statutory duties", "pledged_cost": "Pledges", "other_cost": "Other commitments chosen"}
"""The parts of the chosen portfolio's cost, stacked in this order (a ``by_year`` without
``pledged_cost`` stacks statutory duties and ``optional_cost``)."""


def portfolio_cost_chart(by_year: pd.DataFrame, *, width: int = 480, height: int = 260) -> alt.LayerChart:
    """The chosen portfolio's cost by year (statutory duties, pledges and other commitments,
    stacked, £m) against the envelope.

    ``by_year`` is :attr:`planlib.portfolio.PortfolioResult.by_year`.

    >>> import pandas as pd
    >>> b = pd.DataFrame({"year": ["2021/22"], "envelope": [5e6], "mandatory_cost": [1e6], "optional_cost": [3e6]})
    >>> portfolio_cost_chart(b).to_dict()["title"]["text"]
    'Portfolio cost against the envelope'
    """
    years = list(by_year["year"])
    names = PARTS if "pledged_cost" in by_year else {"mandatory_cost": "Statutory duties",
                                                     "optional_cost": "Optional commitments chosen"}
    order = list(names.values())
    parts = by_year.melt(id_vars="year", value_vars=list(names), var_name="part", value_name="value")
    parts = parts.assign(value_m=parts["value"] / 1e6, part=parts["part"].map(names),
                         rank=parts["part"].map({k: i for i, k in enumerate(names)}))
    bars = alt.Chart(parts).mark_bar().encode(
        x=year_axis(years),
        y=alt.Y("sum(value_m):Q", title="Revenue cost (£m)", axis=alt.Axis(format=",.1f")),
        color=alt.Color("part:N", title="", sort=order, scale=alt.Scale(domain=order, range=[GREY, VERMILION, BLUE][:len(order)])),
        order=alt.Order("rank:Q", sort="ascending"),
        tooltip=[alt.Tooltip("year:O", title="Financial year"), alt.Tooltip("part:N", title="Part"),
                 alt.Tooltip("value_m:Q", title="£m", format=",.1f")])
    envelope = by_year.assign(envelope_m=by_year["envelope"] / 1e6)
    ticks = alt.Chart(envelope).mark_tick(color=BLACK, thickness=3, size=40).encode(
        x=alt.X("year:O", sort=years), y="envelope_m:Q",
        tooltip=[alt.Tooltip("year:O", title="Financial year"), alt.Tooltip("envelope_m:Q", title="Headroom (£m)", format=",.1f")])
    return alt.layer(bars, ticks).properties(
        title=alt.Title("Portfolio cost against the envelope",
                        subtitle="Black marks: the headroom, the most the commitments may cost", anchor="start"),
        width=width, height=height)
