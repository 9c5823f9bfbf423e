"""The optimiser's answer in sentences: what it was asked, why it leaves out what it leaves out,
and what it leaves unspent and why (shared by ``planlib optimise``, the scenario explorer's
"Suggest a portfolio" panel and the portfolio notebook).

The facts come from :class:`planlib.portfolio.PortfolioResult`: each commitment's ``valued``
(some benefit is valued in money), ``pledged``, ``no_cost``, and for one left out the
commitments keeping it would push out (``displaces``; None if it cannot be kept at all), the
years it does not fit in what is left (``short_in``) and, where it cannot be kept, by how much
it would go over (``over_by``).

>>> import planlib
>>> res = planlib.optimise(planlib.load_plan(planlib.DEFAULT_PLAN), objective="npv_p50", samples=500)
>>> lead(res)[0].startswith("18 of 28 commitments have no valued benefits, so maximising net present value")
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from planlib.formats import money
from planlib.portfolio.problem import TRADE_OFF_LIMIT, WEIGHT_OBJECTIVES
from planlib.present.text import plural

if TYPE_CHECKING:
    from planlib.portfolio.result import PortfolioResult

OBJECTIVE_LABELS = {
    "pledges": "Deliver the pledges within budget",
    "cost_effectiveness": "Most of the plan for the money (cost-effectiveness)",
    "npv_p50": "Highest net present value (median)",
    "npv_p5": "Highest net present value, cautious (5th percentiles)",
    "weighted": "Highest priority-weighted net present value",
}
"""Each objective of :data:`planlib.portfolio.OBJECTIVES`, as a board member reads it."""

OBJECTIVE_WORDS = {
    "pledges": "keep the statutory duties and the Commissioner's pledges, and fund as much of the rest of the "
               "plan as the money allows, giving up the commitments that count least (each commitment counts "
               "its objective's priority weight)",
    "cost_effectiveness": "keep the statutory duties and fund the commitments that give the most priority weight "
                          "for the money (each commitment counts its objective's priority weight; pledges are not "
                          "protected); where two choices count the same, the one with the higher net present value",
    "npv_p50": "maximise the total net present value at the median (p50)",
    "npv_p5": "maximise the total of the commitments' 5th-percentile net present values (cautious)",
    "weighted": "maximise the priority-weighted net present value (benefits times the objectives' weights, less costs)",
}
"""What each objective does, in words (follows "Best affordable portfolio: ...")."""

CLI_NAMES = {"pledges": "pledges", "cost-effectiveness": "cost_effectiveness", "npv": "npv_p50",
             "cautious-npv": "npv_p5", "weighted-npv": "weighted"}
"""The plain names ``planlib optimise --objective`` takes, and the objective each means (the
objectives' own names are taken too)."""

SMALL = 50_000.0
"""Money left unspent below this (it reads as £0.0m) is not worth a sentence."""


def joined(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``.

    >>> joined(["A", "B", "C"]), joined(["A"]), joined([])
    ('A, B and C', 'A', '')
    """
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def _titles(result: PortfolioResult, ids: Sequence[str]) -> list[str]:
    titles = {c.id: c.title for c in result.plan.commitments}
    return [titles.get(i, i) for i in ids]


def _choose_instead(objective: str) -> str:
    if objective == "pledges":
        return ("Choose “Most of the plan for the money” to see what the pledges cost in other commitments, or "
                "“Highest net present value” for the commitments whose benefits are valued.")
    if objective == "cost_effectiveness":
        return "Choose “Deliver the pledges within budget” to keep the pledges."
    return ("Choose “Deliver the pledges within budget” to keep the pledges and close the budget gap at the least "
            "cost to the objectives' priority weights, or “Most of the plan for the money” for cost-effectiveness "
            "where benefits are not valued.")


def lead(result: PortfolioResult) -> list[str]:
    """The sentences that open the answer: what drives it (benefits not valued, the pledges) and
    which other objective answers another question. Plain text, one sentence or two each."""
    t = result.commitments
    n, unvalued = len(t), int((~t["valued"]).sum())
    out = t[~t["selected"] & t["npv"].notna()]
    pledges_out = _titles(result, out.loc[out["pledged"], "id"])
    if result.objective not in WEIGHT_OBJECTIVES:
        dropped = out[~out["valued"]]
        if not len(dropped):
            return ["Every commitment left out has valued benefits: the answer weighs them against the costs. "
                    + _choose_instead(result.objective)] if len(out) else []
        sentences = [(f"{unvalued} of {n} commitments have no valued benefits, so maximising net present value "
                      f"counts only their costs and leaves out every one it may: {len(dropped)} here.")]
        valued_out = len(out) - len(dropped)
        if valued_out:
            sentences.append(f"The other {valued_out} left out have benefits valued at less than their costs on "
                             "the plan's figures.")
        if pledges_out:
            pledges = int(t["pledged"].sum())
            among = f": {pledges_out[0]}" if len(pledges_out) == 1 else f", among them {pledges_out[0]}"
            how_many = (f"all {pledges} of the Commissioner's pledges" if len(pledges_out) == pledges else
                        f"{len(pledges_out)} of the Commissioner's {pledges} pledges")
            sentences.append(f"It leaves out {how_many}{among}.")
        return [*sentences, _choose_instead(result.objective)]
    sentences = []
    if unvalued:
        sentences.append(f"{unvalued} of {n} commitments have no valued benefits, so this answer does not rest on "
                         "net present values: each commitment counts its objective's priority weight (1 unless the "
                         "plan sets one).")
    statutory, pledged = int(t["mandatory"].sum()), int((t["pledged"] & ~t["mandatory"]).sum())
    if result.objective == "pledges" and result.pledges_over:
        over = joined([f"{money(v)} in {y}" for y, v in result.pledges_over.items()])
        given_up = _titles(result, out.loc[out["pledged"], "id"])
        kept = int((t["selected"] & t["pledged"]).sum())
        sentences.append(f"The statutory duties and all {int(t['pledged'].sum())} pledges together cost more than the "
                         f"headroom, by {over}, so it keeps as many pledges as fit ({kept}), giving up "
                         f"{joined(given_up)}, then funds as much of the rest as the money allows.")
    elif result.objective == "pledges":
        duties = plural(statutory, "statutory duty").replace("dutys", "duties")
        sentences.append(f"It keeps the {duties} and the Commissioner's {plural(pledged, 'pledge')}"
                         if pledged else "The plan marks no commitment as a pledge (pledged: true in "
                         f"commitments.yaml), so it keeps the {duties}")
        sentences[-1] += (", then funds as much of the rest as the money allows, giving up what counts least."
                          if pledged else " and funds as much of the rest as the money allows.")
        blocked = _titles(result, t.loc[~t["selected"] & t["pledged"] & t["npv"].isna(), "id"])
        if blocked:
            sentences.append(f"The pledge{'s' if len(blocked) > 1 else ''} {joined(blocked)} cannot be "
                             "kept: each needs a commitment that is switched off.")
    elif pledges_out:
        sentences.append(f"Pledges are not protected: it leaves out {len(pledges_out)} of them "
                         f"({joined(pledges_out)}). " + _choose_instead(result.objective))
    return sentences


def gap_sentence(result: PortfolioResult) -> str:
    """The budget gap as planned and whether the answer closes it (every year within the envelope).

    >>> import planlib
    >>> res = planlib.optimise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500, frontier=False)
    >>> gap_sentence(res).split(" (the budget gap)")[0]
    'As planned, the commitments cost more than the headroom by £12.6m in 2023/24 and £10.5m in 2024/25'
    """
    b = result.by_year
    short = [(y, g) for y, g in zip(b["year"], b["gap_before"]) if g > SMALL]
    if not short:
        return "As planned, every year's commitments fit within the headroom: there is no gap to close."
    parts = joined([f"{money(g)} in {y}" for y, g in short])
    saved = joined([f"{money(p - c)} in {y}" for y, p, c in zip(b["year"], b["plan_cost"], b["chosen_cost"])
                    if y in dict(short)])
    return (f"As planned, the commitments cost more than the headroom by {parts} (the budget gap). "
            f"This answer fits every year within the headroom, spending {saved} less than planned.")


def unspent_sentence(result: PortfolioResult) -> str:
    """What the answer leaves unspent, year by year, and why (a sentence; it says so when nothing
    worth mentioning is left).

    >>> import planlib
    >>> res = planlib.optimise(planlib.load_plan(planlib.DEFAULT_PLAN), objective="npv_p50", samples=500)
    >>> unspent_sentence(res).split(" because")[1][:60]
    ' the 17 commitments left out that would fit in it have negat'
    """
    b = result.by_year
    left = [(y, v) for y, v in zip(b["year"], b["headroom_left"]) if v >= SMALL]
    if not left:
        return "Nothing worth mentioning is left unspent."
    amounts = joined([f"{money(v)} in {y}" for y, v in left])
    t = result.commitments
    out = t[~t["selected"] & t["npv"].notna()]
    tail = " Money left unspent adds to reserves at the year's end."
    if not len(out):
        return f"Every commitment is funded; {amounts} is left over, the plan's own surplus." + tail
    fits = out[out["displaces"].map(lambda d: d is not None and len(d) == 0)]
    if result.objective not in WEIGHT_OBJECTIVES and len(fits):
        unvalued = int((~fits["valued"]).sum())
        why = (f" ({unvalued} of them have no valued benefits)" if unvalued else "")
        return (f"{amounts} is left unspent because the {len(fits)} commitments left out that would fit in it have "
                f"negative net present values{why}, and this objective funds nothing that lowers the total."
                + tail)
    left_by_year = dict(zip(b["year"], b["headroom_left"]))
    years = sorted({y for ys in out["short_in"] for y in ys})
    where = joined([f"{y} ({money(left_by_year[y])} left)" for y in years])
    which = ("the one commitment left out does not fit in what is left: it costs" if len(out) == 1 else
             f"none of the {len(out)} commitments left out fits in what is left: each costs")
    return (f"{amounts} is left unspent because {which} more than that in {where}, and a commitment is funded "
            "for its whole profile or not at all." + tail)


def left_out_reason(result: PortfolioResult, row: Any) -> str:
    """Why one commitment (a row of ``result.commitments``, left out) is left out, in words.

    >>> import planlib
    >>> res = planlib.optimise(planlib.load_plan(planlib.DEFAULT_PLAN), samples=500)
    >>> left_out = res.commitments[~res.commitments["selected"].astype(bool)]
    >>> row = left_out.loc[left_out["cost_total"].idxmax()]      # the dearest commitment left out
    >>> left_out_reason(res, row)
    'does not fit: with the statutory duties and the pledges it would exceed the headroom in 2023/24 by £3.9m and in 2024/25 by £1.7m'
    """
    if not row.get("weighed", True):
        return (f"left out: what the money buys instead counts for more (what keeping a commitment would take is "
                f"worked out for the {TRADE_OFF_LIMIT} left out nearest to being chosen)")
    enabled = {c.id for c in result.plan.commitments if c.enabled}
    if row["npv"] != row["npv"]:
        off = joined(_titles(result, [d for d in row["depends_on"] if d not in enabled]))
        return f"cannot be chosen: it needs {off}, which is switched off"
    if row["displaces"] is None:
        over = joined([f"in {y} by {money(v)}" for y, v in row["over_by"].items()])
        kept = "the statutory duties and the pledges" if result.objective == "pledges" else "the statutory duties"
        return (f"does not fit: with {kept} it would exceed the headroom"
                + (f" {over}" if over else ", or a rule, in some year"))
    pushed = joined(_titles(result, row["displaces"]))
    if result.objective in WEIGHT_OBJECTIVES:
        if not row["displaces"]:
            return "counts for nothing: its objective's priority weight is 0"
        return f"keeping it would mean leaving out {pushed}, which count for more"
    more = row["npv_to_enter"] - row["npv"]
    benefits = "its benefits are not valued; " if not row["valued"] else ""
    instead = f", in place of {pushed}" if pushed else ""
    brings = row.get("brings") or []
    needs = f", with {joined(_titles(result, brings))}, which it needs" if brings else ""
    return (f"{benefits}it would be chosen if its benefits were worth {money(more)} more (present value)"
            f"{needs}{instead}")


NEEDS_NOTE = ("“needs”: the net present value at which a commitment would be chosen. A commitment whose benefits "
              "are not valued counts its costs only, so its benefits would have to be worth at least its cost "
              "(more where it would push others out).")
"""What the "needs" column of the NPV answers means, in words."""
