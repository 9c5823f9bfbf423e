"""The portfolio optimiser's answer for people: the ``planlib optimise`` text table and its json.

Money is written by :mod:`planlib.formats` (``−£10.6m``), commitments by their titles.

>>> import planlib
>>> from planlib.portfolio import optimise
>>> res = optimise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500, frontier=False)
>>> text_table(res, "Example").splitlines()[0]
'Example: baseline. Best affordable portfolio, maximising the total NPV at the median (p50).'
>>> sorted(portfolio_json(res))
['commitments', 'envelope_by_year', 'objective_value', 'selected']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planlib.formats import MISSING, money, share

if TYPE_CHECKING:
    from planlib.portfolio.result import PortfolioResult

OBJECTIVE_WORDS = {
    "npv_p50": "total NPV at the median (p50)",
    "npv_p5": "total of the commitments' 5th-percentile NPVs (cautious)",
    "weighted": "priority-weighted NPV (benefits times the objectives' weights, less costs)",
}
"""What each objective of :data:`planlib.portfolio.OBJECTIVES` maximises, in words."""

TITLE_WIDTH = 60
"""Characters of a commitment's title shown in a row of the table (longer titles are cut with …)."""


def _title(text: str, width: int = TITLE_WIDTH) -> str:
    """``text`` in a column of ``width`` characters, cut with an ellipsis if it is longer.

    >>> _title("Campaign for fair funding", 12)
    'Campaign fo…'
    """
    return text if len(text) <= width else text[:width - 1] + "…"


def _headline(result: PortfolioResult, plan_name: str, scenario: str) -> list[str]:
    chosen = int(result.commitments["selected"].sum())
    proved = (f"; proved within {result.gap:.2%} of the best possible." if result.gap > 1e-9
              else ", proved the best possible.")
    return [f"{plan_name}: {scenario}. Best affordable portfolio, maximising the {OBJECTIVE_WORDS[result.objective]}.",
            f"Value: {money(result.objective_value)} (present value, first-year prices). "
            f"{chosen} of {len(result.commitments)} commitments chosen" + proved]


def _by_year(result: PortfolioResult) -> list[str]:
    years = list(result.envelope)
    lines = [f"{'':<32}" + "".join(f"{y:>10}" for y in years)]
    for label, column in (("Envelope", "envelope"), ("Mandatory commitments", "mandatory_cost"),
                          ("Optional commitments chosen", "optional_cost"), ("Headroom left", "headroom_left")):
        lines.append(f"{label:<32}" + "".join(f"{money(v):>10}" for v in result.by_year[column]))
    return lines


def _commitment_rows(result: PortfolioResult) -> list[str]:
    table = result.commitments
    chosen, out = table[table["selected"]], table[~table["selected"]]
    w = TITLE_WIDTH + 2
    lines = [f"{'chosen':<{w}}{'starts':>9}{'NPV':>10}{'cost':>10}"]
    for r in chosen.itertuples():
        late = f" (+{r.delay_years})" if r.delay_years else ""
        mark = " statutory" if r.mandatory else ""
        lines.append(f"{_title(r.title):<{w}}{r.start_year:>9}{money(r.npv):>10}{money(r.cost_total):>10}{late}{mark}")
    if len(out):
        lines += ["", f"{'left out':<{w}}{'NPV':>10}{'needs':>10}  (NPV at which it would be chosen)"]
        enabled = {c.id for c in result.plan.commitments if c.enabled}
        titles = {c.id: c.title for c in result.plan.commitments}
        for r in out.itertuples():
            if r.npv != r.npv:   # no option at all: it needs a commitment that is switched off
                off = ", ".join(titles.get(d, d) for d in r.depends_on if d not in enabled)
                lines.append(f"{_title(r.title):<{w}}{MISSING:>10}{'cannot':>10}  (it needs {off}, which is switched off)")
                continue
            needs = "no fit" if r.npv_to_enter != r.npv_to_enter else money(r.npv_to_enter)
            lines.append(f"{_title(r.title):<{w}}{money(r.npv):>10}{needs:>10}")
    return lines


def text_table(result: PortfolioResult, plan_name: str, scenario: str = "baseline") -> str:
    """The answer as ``planlib optimise`` prints it: money by year, then each commitment by title.

    Parameters
    ----------
    result : PortfolioResult
        What :func:`planlib.portfolio.optimise` returned.
    plan_name, scenario : str
        The plan's name and the scenario's, for the first line.
    """
    lines = [*_headline(result, plan_name, scenario), "", *_by_year(result), "", *_commitment_rows(result)]
    frontier = result.frontier
    if len(frontier):
        lines += ["", "Efficient frontier (envelope as a share of the one above: best value)"]
        lines.append("  " + "  ".join(
            f"{share(r.envelope_share, 0)}: " + ("no fit" if not r.feasible else money(r.objective_value))
            for r in frontier.itertuples()))
    lines += ["", "NPVs rest on assumptions marked illustrative or unverified in the plan; "
              "commitments whose benefits are not valued count their costs only."]
    return "\n".join(lines)


def portfolio_json(result: PortfolioResult) -> dict[str, Any]:
    """The answer as the ``planlib optimise --format json`` document (ids, pounds as numbers)."""
    years = list(result.envelope)
    return {
        "selected": list(result.selected),
        "objective_value": float(result.objective_value),
        "envelope_by_year": {y: float(v) for y, v in result.envelope.items()},
        "commitments": [
            {
                "id": row["id"],
                # null, not NaN (which is not JSON), for a commitment with no option: one
                # that depends on a commitment the plan or scenario switches off
                "npv": float(row["npv"]) if row["npv"] == row["npv"] else None,
                "cost_by_year": {y: float(row[f"cost_{y}"]) for y in years},
                "mandatory": bool(row["mandatory"]),
                "depends_on": list(row["depends_on"]),
                "selected": bool(row["selected"]),
                "start_year": row["start_year"] if isinstance(row["start_year"], str) else None,
            }
            for row in result.commitments.to_dict(orient="records")
        ],
    }
