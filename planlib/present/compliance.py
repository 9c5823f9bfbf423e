"""The statutory compliance check for people: a table of the results and the ``planlib check`` text.

>>> import planlib
>>> from planlib.compliance import check
>>> text = format_results(check(planlib.load_plan(planlib.DEFAULT_PLAN)), "Example")
>>> text.splitlines()[-1]
'27 of 27 requirements met; 0 partial; 0 unmet'
"""

from __future__ import annotations

import textwrap

import pandas as pd

from planlib.compliance import Result


def results_table(results: list[Result]) -> pd.DataFrame:
    """The results as a DataFrame: one row per requirement; evidence and missing joined by "; ".

    >>> import planlib
    >>> from planlib.compliance import check
    >>> table = results_table(check(planlib.load_plan(planlib.DEFAULT_PLAN)))
    >>> list(table.columns)
    ['id', 'kind', 'requirement', 'status', 'evidence', 'missing', 'note', 'basis']
    """
    rows = [{"id": r.id, "kind": r.kind, "requirement": r.requirement, "status": r.status,
             "evidence": "; ".join(r.evidence), "missing": "; ".join(r.missing), "note": r.note, "basis": r.basis}
            for r in results]
    return pd.DataFrame(rows, columns=["id", "kind", "requirement", "status", "evidence", "missing", "note", "basis"])


def format_results(results: list[Result], plan_name: str, width: int = 100) -> str:
    """The results as text for a terminal: one line per requirement, what is missing below it.

    >>> print(format_results([Result("p04", "process", "A response is published", "b", "unmet",
    ...                              missing=("a published response",))], "Plan"))
    Plan
    <BLANKLINE>
    p04  UNMET    A response is published
                 missing: a published response
    <BLANKLINE>
    0 of 1 requirements met; 0 partial; 1 unmet
    """
    marks = {"met": "met    ", "partial": "PARTIAL", "unmet": "UNMET  "}
    lines = [plan_name, ""]
    for r in results:
        lines.append(f"{r.id}  {marks[r.status]}  {textwrap.shorten(r.requirement, width - 16)}")
        for gap in r.missing:
            lines.extend(textwrap.wrap(f"missing: {gap}", width, initial_indent=" " * 13, subsequent_indent=" " * 22))
        if r.id == "p03" or (r.note and r.status != "met"):
            lines.extend(textwrap.wrap(r.note, width, initial_indent=" " * 13, subsequent_indent=" " * 13))
    counts = {s: sum(r.status == s for r in results) for s in ("met", "partial", "unmet")}
    lines += ["", f"{counts['met']} of {len(results)} requirements met; {counts['partial']} partial; {counts['unmet']} unmet"]
    return "\n".join(lines)
