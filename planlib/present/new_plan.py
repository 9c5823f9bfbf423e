"""What is left to fill in a plan: the checklist ``planlib new`` prints under the folder it made.

The checklist lists the statutory requirements the compliance check (:func:`planlib.compliance.check`)
finds not met, with what each is missing; the commitments with no cost lines and those with no
KPI; whether the plan names the commitment the scenario explorer's officers lever moves
(``levers.officer_commitment``); and how many entries still have a placeholder source (one that
begins ``placeholder:``, as every number of a new plan does). Plans, commitments and KPIs are
named by their titles.

>>> import planlib
>>> text = checklist(planlib.load_plan(planlib.DEFAULT_PLAN), "my_plan")
>>> for line in text.splitlines()[:4]:
...     print(line)
What is left to fill in my_plan
<BLANKLINE>
Commitments without KPIs (give their kpis in commitments.yaml, defined in kpis.yaml):
  - Respond to HMICFRS and other inspectorate recommendations
"""

from __future__ import annotations

import re
import shlex
import textwrap
from collections import Counter
from typing import Any

from pydantic import BaseModel

from planlib.compliance import check
from planlib.io.yaml_text import PLACEHOLDER
from planlib.model import Plan, YearSeries

WIDTH = 100

FIELD_FILES = {
    "finance": "finance.yaml", "commitments": "commitment_costs.csv", "kpis": "kpis.yaml",
    "kpi_actuals": "kpi_actuals.csv", "grants": "grants.yaml", "grants_statement": "grants.yaml",
    "timeline": "timeline.yaml", "panel_notice": "timeline.yaml", "assumptions": "assumptions.yaml",
    "unit_costs": "unit_costs.csv", "local_authorities": "local_authorities.csv", "appraisal": "appraisal.yaml",
}
"""The file a person edits to replace a placeholder, by the plan field that holds it (else ``plan.yaml``)."""

_PLACEHOLDER_START = PLACEHOLDER.split(":")[0] + ":"
_ID = re.compile(r"(?<![\w.\-])[A-Za-z][\w.\-]*(?<!\.)")


def _titles(plan: Plan) -> dict[str, str]:
    """The title of everything a requirement's missing items may name by id."""
    titles = {o.id: o.title for o in plan.objectives}
    titles.update({c.id: c.title for c in plan.commitments})
    titles.update({k.id: k.title for k in plan.kpis})
    titles.update({g.id: f"grant to {g.recipient}" for g in plan.grants})
    titles.update({e.id: e.title for e in plan.timeline})
    return titles


def titled(text: str, titles: dict[str, str]) -> str:
    """``text`` with each id of ``titles`` replaced by its title in quotes.

    >>> titled("objective o1 has no commitment in the plan", {"o1": "Reduce neighbourhood crime"})
    'objective "Reduce neighbourhood crime" has no commitment in the plan'
    """
    return _ID.sub(lambda m: f'"{titles[m.group(0)]}"' if m.group(0) in titles else m.group(0), text)


def _count_placeholders(value: Any) -> int:
    """Entries (numbers with their provenance, cost lines, KPIs, events) whose source is a placeholder."""
    if isinstance(value, YearSeries):
        return sum(_count_placeholders(v) for v in value.values.values())
    if isinstance(value, BaseModel):
        source = getattr(value, "source", None)
        if isinstance(source, str) and source.startswith(_PLACEHOLDER_START):
            return 1
        return sum(_count_placeholders(getattr(value, name)) for name in type(value).model_fields)
    if isinstance(value, (tuple, list)):
        return sum(_count_placeholders(v) for v in value)
    if isinstance(value, dict):
        return sum(_count_placeholders(v) for v in value.values())
    return 0


def placeholder_counts(plan: Plan) -> dict[str, int]:
    """How many entries still have a placeholder source, by the file a person edits.

    >>> import planlib
    >>> placeholder_counts(planlib.load_plan(planlib.DEFAULT_PLAN))
    {}
    """
    counts: Counter[str] = Counter()
    for name in type(plan).model_fields:
        found = _count_placeholders(getattr(plan, name))
        if found:
            counts[FIELD_FILES.get(name, "plan.yaml")] += found
    return dict(counts)


def _wrapped(text: str, indent: int, hanging: int) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=" " * indent, subsequent_indent=" " * hanging,
                         break_long_words=False, break_on_hyphens=False)


def checklist(plan: Plan, shown: str) -> str:
    """What is left to fill in ``plan`` (the folder shown as ``shown``), as text for a terminal.

    Parameters
    ----------
    plan : Plan
    shown : str
        The plan folder as the user gave it, named in the text and in the commands it suggests.

    Returns
    -------
    str
    """
    titles = _titles(plan)
    every = check(plan)
    results = [r for r in every if r.status != "met"]
    no_costs = [c.title for c in plan.commitments if not c.costs]
    no_kpis = [c.title for c in plan.commitments if not c.kpis]
    placeholders = placeholder_counts(plan)
    no_lever = plan.levers is None or plan.levers.officer_commitment is None
    lines = [f"What is left to fill in {shown}", ""]
    if not (results or no_costs or no_kpis or placeholders or no_lever):
        lines += _wrapped("Nothing: every statutory requirement is met, every commitment has costs and KPIs, "
                          "the officers lever has its commitment, and no source is a placeholder.", 0, 0)
        return "\n".join(lines)
    if results:
        lines.append(f"Statutory requirements not met ({len(results)} of {len(every)}; "
                     f"`planlib check {shlex.quote(shown)}` shows each with its evidence):")
        for r in results:
            lines += _wrapped(f"{r.id}  {r.requirement}", 2, 7)
            for gap in r.missing:
                lines += _wrapped(f"missing: {titled(gap, titles)}", 7, 16)
        lines.append("")
    for heading, names in (("Commitments without costs (add their rows to commitment_costs.csv):", no_costs),
                           ("Commitments without KPIs (give their kpis in commitments.yaml, defined in kpis.yaml):",
                            no_kpis)):
        if names:
            lines.append(heading)
            lines += [line for name in names for line in _wrapped(f"- {name}", 2, 4)]
            lines.append("")
    if no_lever:
        lines += _wrapped("The officers lever: no commitment named (levers.officer_commitment in plan.yaml, "
                          "commented there), so the scenario explorer offers no officers lever.", 0, 2)
        lines.append("")
    if placeholders:
        total = sum(placeholders.values())
        where = ", ".join(f"{file} {count}" for file, count in placeholders.items())
        entries = "1 entry still has" if total == 1 else f"{total} entries still have"
        lines += _wrapped(f"Placeholders: {entries} a source that begins "
                          f"\"{_PLACEHOLDER_START}\" ({where}). Replace each with the real figure, its source "
                          "and its status (search the folder for \"placeholder:\").", 0, 2)
    return "\n".join(lines).rstrip("\n")


def new_plan_text(plan: Plan, shown: str) -> str:
    """What ``planlib new`` prints: the folder it made, then the :func:`checklist`.

    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> new_plan_text(plan, "new_plan").startswith(f"Created new_plan: {plan.name}, ")
    True
    """
    return (f"Created {shown}: {plan.name}, {plan.period.first} to {plan.period.last}. It validates; every "
            f"number in it is a placeholder marked illustrative.\n\n{checklist(plan, shown)}")
