"""The appraisal for people: the rows of ``planlib appraise`` (csv and json) and its text table.

Money is written by :mod:`planlib.formats` (``−£65.5m``), commitments by their titles.

>>> import planlib
>>> from planlib.appraisal import appraise
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> rows = appraisal_rows(appraise(plan, samples=500))
>>> list(rows.columns) == APPRAISAL_COLUMNS, rows["commitment"].iloc[-1]
(True, 'TOTAL')
>>> appraisal_text(rows, plan.name, 500, 1).splitlines()[2].split()[:3]
['commitment', 'PV', 'costs']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from planlib.formats import MISSING, money, share
from planlib.types import FinancialYear

if TYPE_CHECKING:
    import pandas as pd

APPRAISAL_COLUMNS = [
    "scenario", "commitment", "pv_costs", "pv_benefits", "npv", "npv_p5", "npv_p50", "npv_p95",
    "prob_npv_positive", "bcr", "bcr_p50", "fiscal_roi", "public_value_roi", "payback_year",
    "pv_fiscal", "pv_economic", "pv_social", "monetised", "samples", "seed",
]
"""The columns of ``planlib appraise --format csv`` (and the keys of its json), in order."""

TOTAL_TITLE = "All commitments"
"""How the appraisal's TOTAL row is written for a reader."""

TITLE_WIDTH = 60
"""Characters of a commitment's title shown in a row of the table (longer titles are cut with …)."""


def appraisal_rows(table: pd.DataFrame) -> pd.DataFrame:
    """One row per commitment (then TOTAL) with the columns of :data:`APPRAISAL_COLUMNS`, from
    the long appraisal (:func:`planlib.appraisal.appraise`): payback as a financial year, flags
    and counts as whole numbers."""
    wide = table.pivot(index="commitment", columns="measure", values="value")
    wide = wide.reindex(list(dict.fromkeys(table["commitment"]))).reset_index()
    wide.insert(0, "scenario", table["scenario"].iloc[0])
    wide["payback_year"] = [
        "" if value != value else str(FinancialYear(int(value))) for value in wide["payback_year"]
    ]
    for name in ("monetised", "samples", "seed"):
        wide[name] = wide[name].astype(int)
    return wide[APPRAISAL_COLUMNS]


def _title(text: str, width: int = TITLE_WIDTH) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def appraisal_text(rows: pd.DataFrame, plan_name: str, samples: int, seed: int,
                   titles: Mapping[str, str] | None = None) -> str:
    """The appraisal as ``planlib appraise`` prints it: one line per commitment, by its title.

    Parameters
    ----------
    rows : pandas.DataFrame
        :func:`appraisal_rows`.
    plan_name : str
        The plan's name, for the first line.
    samples, seed : int
        The Monte Carlo's draws and seed, said in the first line.
    titles : mapping, optional
        Commitment id -> title (:func:`planlib.present.labels.commitment_titles`); ids are
        shown where a title is not given.
    """
    titles = {"TOTAL": TOTAL_TITLE, **dict(titles or {})}
    w = TITLE_WIDTH + 2
    head = (f"{plan_name}: {rows['scenario'].iloc[0]}. Net benefit over the appraisal horizon, in "
            f"first-year prices, discounted (Green Book); intervals from {samples:,} draws, seed {seed}.")
    lines = [head, "", f"{'commitment':<{w}}{'PV costs':>10}{'PV benefits':>12}{'NPV p5':>10}{'NPV p50':>10}"
             f"{'NPV p95':>10}{'P(NPV>0)':>10}{'BCR':>7}{'payback':>9}"]
    for r in rows.itertuples():
        benefits = money(r.pv_benefits) if r.monetised else "not valued"
        bcr = f"{r.bcr:7.2f}" if r.monetised else f"{MISSING:>7}"
        lines.append(
            f"{_title(titles.get(r.commitment, r.commitment)):<{w}}{money(r.pv_costs):>10}{benefits:>12}"
            f"{money(r.npv_p5):>10}{money(r.npv_p50):>10}{money(r.npv_p95):>10}{share(r.prob_npv_positive, 0):>10}"
            f"{bcr}{(r.payback_year or MISSING):>9}")
    lines.append("")
    lines.append("Figures rest on assumptions marked illustrative or unverified in the plan; see its assumptions register.")
    return "\n".join(lines)
