"""Charts of the net benefit appraisal: each commitment's NPV with its 90% interval, and the
tornado of what moves one commitment's NPV.

Both take tables from :mod:`planlib.appraisal`; money in titles and subtitles is written by
:func:`planlib.formats.money`.

>>> from planlib.appraisal import tornado
>>> t = tornado(lambda v: -1e6 * (v["a"] * 2 + v["b"]), {"a": (0, 1, 2), "b": (0, 1, 5)})
>>> tornado_chart(t, "Example", central_npv=-3e6).to_dict()["title"]["subtitle"][1]
'Line: NPV with every input central (−£3.0m).'
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from planlib.charts.base import BLACK, BLUE, GREY, VERMILION, ZERO_LINE
from planlib.formats import money

MONETISED_COLOURS = (BLUE, GREY)
"""Okabe-Ito blue for commitments whose benefits are monetised, grey for those counted at cost only."""

MONETISED_LABELS = ("Benefits monetised", "Benefits not monetised (costs only)")

TORNADO_COLOURS = (VERMILION, BLUE)
"""Okabe-Ito vermilion for an input at its 5th percentile, blue for its 95th."""

TORNADO_ENDS = ("Input at its 5th percentile", "Input at its 95th percentile")
"""How the two ends of a tornado bar are named in the legend."""

_INTERVAL_MEASURES = ("npv", "npv_p5", "npv_p50", "npv_p95", "prob_npv_positive", "bcr_p50", "monetised")


def appraisal_wide(table: pd.DataFrame, scenario: str | None = None) -> pd.DataFrame:
    """One row per commitment (the group rows included) from an appraisal table, long or wide.

    Parameters
    ----------
    table : pandas.DataFrame
        Long (``scenario, commitment, measure, value, unit``), as from
        :func:`planlib.appraisal.appraise` or ``res.appraisal``; or wide, one column per
        measure, as from :func:`planlib.appraisal.appraisal_table`.
    scenario : str, optional
        Which scenario of a long table holding several; needed only then.

    Returns
    -------
    pandas.DataFrame
        Columns ``commitment`` and one per measure, in the table's order of commitments.

    Examples
    --------
    >>> long = pd.DataFrame({"scenario": "baseline", "commitment": ["a", "a"],
    ...                      "measure": ["npv", "bcr"], "value": [-1.0, 0.5], "unit": ""})
    >>> appraisal_wide(long).to_dict("records")
    [{'commitment': 'a', 'npv': -1.0, 'bcr': 0.5}]
    """
    if "measure" not in table.columns:
        missing = [m for m in _INTERVAL_MEASURES if m not in table.columns]
        if "commitment" not in table.columns or missing:
            raise ValueError(f"the table lacks {['commitment', *missing]}: pass planlib.appraisal.appraise(...) "
                             "or res.appraisal")
        return table.reset_index(drop=True)
    if "scenario" in table.columns:
        scenarios = list(dict.fromkeys(table["scenario"]))
        if scenario is None and len(scenarios) > 1:
            raise ValueError(f"the table holds several scenarios ({', '.join(scenarios)}): choose one with scenario=")
        if scenario is not None:
            if scenario not in scenarios:
                raise ValueError(f"no scenario {scenario!r} in the table; it has {', '.join(scenarios)}")
            table = table[table["scenario"] == scenario]
    order = list(dict.fromkeys(table["commitment"]))
    wide = table.pivot(index="commitment", columns="measure", values="value").reindex(order)
    wide.columns.name = None
    return wide[list(dict.fromkeys(table["measure"]))].reset_index()


def _labelled(data: pd.DataFrame, key: str, titles: dict[str, str]) -> pd.DataFrame:
    """``data`` with a ``label`` column: the title of each ``key``, the id added where titles repeat."""
    data = data.assign(label=[titles.get(k, k) for k in data[key]])
    repeated = data["label"].duplicated(keep=False)
    data.loc[repeated, "label"] = data.loc[repeated, "label"] + " (" + data.loc[repeated, key] + ")"
    return data


def _interval_rows(data: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    """The rows of :func:`npv_interval_chart`: one per commitment, £m, highest median NPV first."""
    if data.empty:
        raise ValueError("the appraisal has no commitments to draw (none has valued benefits)")
    data = _labelled(data, "commitment", titles)
    for name in ("npv", "npv_p5", "npv_p50", "npv_p95"):
        data[f"{name}_m"] = data[name] / 1e6
    data["benefits"] = [MONETISED_LABELS[0] if m > 0 else MONETISED_LABELS[1] for m in data["monetised"]]
    data = data.sort_values("npv_p50", ascending=False, kind="stable")
    return data[["commitment", "label", "benefits", "npv_m", "npv_p5_m", "npv_p50_m", "npv_p95_m",
                 "prob_npv_positive", "bcr_p50"]]


def _interval_subtitle(left_out: int) -> list[str]:
    """What the rules and points mean, and how many commitments are not drawn because their benefits are not valued."""
    key = "Rule: 5th to 95th percentile of NPV; point: median."
    if not left_out:
        return [key]
    one = left_out == 1
    return [key, f"{left_out} commitment{'' if one else 's'} whose benefits {'is' if one else 'are'} not valued "
                 f"{'is' if one else 'are'} not drawn: {'its' if one else 'their'} NPV would be minus "
                 f"{'its' if one else 'their'} costs, not a judgement of {'its' if one else 'their'} value."]


def npv_interval_chart(table: pd.DataFrame, *, scenario: str | None = None, titles: dict[str, str] | None = None,
                       width: int = 520, row_height: int = 18, valued_only: bool = True) -> alt.LayerChart:
    """Net present value of each commitment whose benefits are valued, with its 90% interval (£m).

    One row per commitment, highest median NPV at the top: a rule from the 5th to the 95th
    percentile of NPV and a point at the median. By default only the commitments whose benefits
    are valued (measure ``monetised`` = 1) are drawn, and the subtitle says how many are left
    out; with ``valued_only=False`` the others are drawn grey and the legend says that only
    their costs count. No total is drawn or stated: a sum over both groups would misread.
    Hovering over a row shows the median, the interval, the chance the benefits outweigh the
    costs and the median BCR.

    Parameters
    ----------
    table : pandas.DataFrame
        The appraisal, long (``scenario, commitment, measure, value, unit``, as from
        :func:`planlib.appraisal.appraise` or ``res.appraisal``) or wide (as from
        :func:`planlib.appraisal.appraisal_table`). It must hold ``npv_p5``, ``npv_p50``,
        ``npv_p95``, ``prob_npv_positive``, ``bcr_p50``, ``npv`` and ``monetised``.
    scenario : str, optional
        Which scenario to draw when a long table holds several.
    titles : dict, optional
        Label to show for each commitment id (such as its title); ids are shown otherwise.
    width, row_height : int
        Width of the plotting area, and height of each commitment's row, in pixels.
    valued_only : bool
        Draw only the commitments whose benefits are valued (the default).

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> import planlib
    >>> from planlib.appraisal import appraise
    >>> table = appraise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=1_000)
    >>> spec = npv_interval_chart(table).to_dict()
    >>> spec["title"]["text"]
    'Net present value of each commitment whose benefits are valued, with its 90% interval'
    >>> spec["layer"][0]["encoding"]["x"]["title"]
    'Net present value (£m)'
    """
    from planlib.appraisal import GROUPS

    wide = appraisal_wide(table, scenario)
    wide = wide[~wide["commitment"].isin(GROUPS)]
    left_out = int((wide["monetised"] <= 0).sum()) if valued_only else 0
    data = _interval_rows(wide[wide["monetised"] > 0] if valued_only else wide, titles or {})
    subtitle = _interval_subtitle(left_out)
    y = alt.Y("label:N", title=None, sort=list(data["label"]), axis=alt.Axis(labelLimit=320))
    shown = 1 if valued_only else 2  # no legend entry for a group that is not drawn
    colour = alt.Color("benefits:N", title=None, scale=alt.Scale(domain=list(MONETISED_LABELS[:shown]),
                                                                 range=list(MONETISED_COLOURS[:shown])),
                       legend=alt.Legend(orient="bottom", direction="horizontal"))
    tooltip = [
        alt.Tooltip("label:N", title="Commitment"),
        alt.Tooltip("npv_p50_m:Q", title="Median NPV (£m)", format=",.2f"),
        alt.Tooltip("npv_p5_m:Q", title="5th percentile (£m)", format=",.2f"),
        alt.Tooltip("npv_p95_m:Q", title="95th percentile (£m)", format=",.2f"),
        alt.Tooltip("prob_npv_positive:Q", title="Chance the benefits outweigh the costs", format=".1%"),
        alt.Tooltip("bcr_p50:Q", title="Median BCR", format=",.2f"),
        alt.Tooltip("npv_m:Q", title="NPV, all inputs central (£m)", format=",.2f"),
        alt.Tooltip("benefits:N", title="Benefits"),
    ]
    base = alt.Chart(data).encode(y=y, color=colour, tooltip=tooltip)
    x = alt.X("npv_p5_m:Q", title="Net present value (£m)", axis=alt.Axis(format=",.0f"),
              scale=alt.Scale(zero=True, nice=True))
    rules = base.mark_rule(strokeWidth=2).encode(x=x, x2="npv_p95_m:Q")
    points = base.mark_point(filled=True, size=45, opacity=1).encode(x="npv_p50_m:Q")
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=ZERO_LINE).encode(x="x:Q")
    return (rules + points + zero).properties(
        title=alt.Title("Net present value of each commitment whose benefits are valued, with its 90% interval"
                        if valued_only else "Net present value of each commitment, with its 90% interval", subtitle=subtitle,
                        anchor="start"),
        width=width, height=row_height * len(data),
    )


def tornado_chart(tornado_table: pd.DataFrame, title: str, *, central_npv: float | None = None,
                  labels: dict[str, str] | None = None, width: int = 520, row_height: int = 26) -> alt.LayerChart:
    """Tornado chart: how far one commitment's NPV moves as each input goes from its low to its high end (£m).

    One horizontal bar per input, from the NPV with the input at its low end (``output_low``)
    to the NPV with it at its high end (``output_high``), the others central; the largest swing
    is at the top. The ends are marked in two colours, so the reader sees which way each input
    pushes the NPV. A rule marks the central NPV (every input central).

    Parameters
    ----------
    tornado_table : pandas.DataFrame
        Columns ``input, low, high, output_low, output_high, swing``, as from
        :func:`planlib.appraisal.commitment_tornado` or :func:`planlib.appraisal.tornado`.
    title : str
        The chart's title (say which commitment).
    central_npv : float, optional
        NPV with every input central, in pounds; read from ``tornado_table.attrs["central_npv"]``
        when not given, and not drawn when neither is there.
    labels : dict, optional
        Label to show for each input (such as a short description); ids are shown otherwise.
    width, row_height : int
        Width of the plotting area, and height of each input's row, in pixels.

    Returns
    -------
    altair.LayerChart
        With a message in place of bars when the table is empty (a commitment whose benefits are
        not monetised has no inputs to vary).

    Examples
    --------
    >>> from planlib.appraisal import tornado
    >>> t = tornado(lambda v: 1e6 * (v["a"] * 2 + v["b"]), {"a": (0, 1, 2), "b": (0, 1, 5)})
    >>> spec = tornado_chart(t, "Example", central_npv=3e6).to_dict()
    >>> spec["title"]["text"], spec["layer"][0]["encoding"]["y"]["sort"]
    ('Example', ['b', 'a'])
    """
    columns = ("input", "low", "high", "output_low", "output_high", "swing")
    missing = [c for c in columns if c not in tornado_table.columns]
    if missing:
        raise ValueError(f"the tornado table lacks {missing}: pass planlib.appraisal.commitment_tornado(...)")
    if central_npv is None:
        central_npv = tornado_table.attrs.get("central_npv")
    subtitle = "Bar: NPV as the input moves from its 5th to its 95th percentile, the others central."
    if central_npv is not None:
        subtitle = [subtitle, f"Line: NPV with every input central ({money(central_npv)})."]
    if tornado_table.empty:
        message = pd.DataFrame({"text": ["No monetised benefits: no input to vary."]})
        text = alt.Chart(message).mark_text(align="left", x=0, y=10, fontSize=13).encode(text="text:N")
        return alt.layer(text).properties(title=alt.Title(title, anchor="start"), width=width, height=row_height)
    heading = alt.Title(title, subtitle=subtitle, anchor="start")

    data = _tornado_rows(tornado_table, labels or {})
    y = alt.Y("label:N", title=None, sort=list(data["label"]), axis=alt.Axis(labelLimit=320))
    layers = [_tornado_bars(data, y), _tornado_ends(data, y)]
    if central_npv is not None:
        centre = pd.DataFrame({"x": [central_npv / 1e6], "label": [f"Central NPV {money(central_npv)}"]})
        layers.append(alt.Chart(centre).mark_rule(color=BLACK, strokeDash=[4, 3])
                      .encode(x="x:Q", tooltip=alt.Tooltip("label:N", title="Central")))
    return alt.layer(*layers).properties(title=heading, width=width, height=row_height * len(data))


def _tornado_rows(tornado_table: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """The rows of :func:`tornado_chart`: one per input, in £m, the largest swing first."""
    data = _labelled(tornado_table.sort_values("swing", ascending=False, kind="stable"), "input", labels)
    for name in ("output_low", "output_high", "swing"):
        data[f"{name}_m"] = data[name] / 1e6
    return data[["input", "label", "low", "high", "output_low_m", "output_high_m", "swing_m"]]


def _tornado_bars(data: pd.DataFrame, y: alt.Y) -> alt.Chart:
    """A grey bar per input from its NPV at the low end to its NPV at the high end."""
    tooltip = [
        alt.Tooltip("label:N", title="Input"),
        alt.Tooltip("low:Q", title="Low end (5th percentile)", format=",.4~g"),
        alt.Tooltip("high:Q", title="High end (95th percentile)", format=",.4~g"),
        alt.Tooltip("output_low_m:Q", title="NPV at the low end (£m)", format=",.2f"),
        alt.Tooltip("output_high_m:Q", title="NPV at the high end (£m)", format=",.2f"),
        alt.Tooltip("swing_m:Q", title="Swing (£m)", format=",.2f"),
    ]
    return (
        alt.Chart(data)
        .mark_bar(color="#BBBBBB", height=alt.RelativeBandSize(0.6))
        .encode(y=y, x=alt.X("output_low_m:Q", title="Net present value (£m)", axis=alt.Axis(format=",.1f"),
                              scale=alt.Scale(zero=False, nice=True)),
                x2="output_high_m:Q", tooltip=tooltip)
    )


def _tornado_ends(data: pd.DataFrame, y: alt.Y) -> alt.Chart:
    """A mark at each end of each bar, coloured and shaped by which end it is."""
    ends = data.melt(id_vars=["input", "label"], value_vars=["output_low_m", "output_high_m"],
                     var_name="end", value_name="npv_m")
    ends["end"] = ends["end"].map(dict(zip(["output_low_m", "output_high_m"], TORNADO_ENDS)))
    return (
        alt.Chart(ends)
        .mark_point(filled=True, size=70, opacity=1)
        .encode(y=y, x="npv_m:Q",
                color=alt.Color("end:N", title=None,
                                scale=alt.Scale(domain=list(TORNADO_ENDS), range=list(TORNADO_COLOURS)),
                                legend=alt.Legend(orient="bottom", direction="horizontal")),
                shape=alt.Shape("end:N", title=None,
                                scale=alt.Scale(domain=list(TORNADO_ENDS), range=["circle", "square"])),
                tooltip=[alt.Tooltip("label:N", title="Input"), alt.Tooltip("end:N", title="End"),
                         alt.Tooltip("npv_m:Q", title="NPV (£m)", format=",.2f")])
    )
