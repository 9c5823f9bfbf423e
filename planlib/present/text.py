"""What the command line writes that is not one engine's table: paths, counts, the verdict of
``planlib validate``, the lines of ``planlib batch``, and tables as CSV or json text.

The text tables of each subject are beside their subject (:mod:`planlib.present.finance`,
:mod:`planlib.present.appraisal`, ...); this module holds what they and the command line share.

>>> plural(1, "problem"), plural(3, "problem"), plural(2, "gap")
('1 problem', '3 problems', '2 gaps')
>>> problems_found("plans/draft", 2)
'plans/draft: 2 problems found'
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pandas as pd

    from planlib.model import Plan


def plural(count: int, noun: str) -> str:
    """``count`` and ``noun``, with an s unless the count is one: ``1 problem``, ``2 problems``."""
    return f"{count} {noun}{'s' if count != 1 else ''}"


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as the user would write it: relative to the working folder when inside it.

    >>> display_path(Path.cwd() / "plan"), display_path("/elsewhere/plan") == os.path.relpath("/elsewhere/plan")
    ('plan', False)
    """
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if not relative.startswith("..") else str(path)


def problems_found(shown: str, count: int) -> str:
    """The last line of ``planlib validate`` on a folder with problems."""
    return f"{shown}: {plural(count, 'problem')} found"


def plan_is_valid(shown: str, plan: Plan, checked: Sequence[str] = ()) -> str:
    """What ``planlib validate`` says of a valid plan: its name, period and size, and the side
    files it also checked.

    >>> import planlib
    >>> print(plan_is_valid("plan", planlib.load_plan(planlib.DEFAULT_PLAN), ["horizon.yaml"]))  # doctest: +ELLIPSIS
    plan: valid: ... 2021/22 to 2024/25: ... objectives, ... commitments, ... KPIs, ... grants; also checked horizon.yaml
    """
    return (f"{shown}: valid: {plan.name}, {plan.period.first} to {plan.period.last}: "
            f"{len(plan.objectives)} objectives, {len(plan.commitments)} commitments, "
            f"{len(plan.kpis)} KPIs, {len(plan.grants)} grants"
            + (f"; also checked {', '.join(checked)}" if checked else ""))


class _Report(Protocol):
    scenario: str
    slug: str
    status: str
    error: str | None


def batch_lines(results: Iterable[_Report], out_dir: Path) -> list[str]:
    """One line per report of ``planlib batch``: its status and scenario, then its file or its error.

    >>> from types import SimpleNamespace as R
    >>> batch_lines([R(scenario="a", slug="a", status="ok", error=None),
    ...              R(scenario="b", slug="b", status="failed", error="no kernel\\ndetails")], Path("out"))
    ['ok     a: out/a.html', 'failed b: no kernel']
    """
    return [f"{r.status:<6} {r.scenario}: " + (r.error.splitlines()[0] if r.error else f"{out_dir / r.slug}.html")
            for r in results]


def batch_summary(results: Sequence[_Report], out_dir: Path) -> str:
    """The last line of ``planlib batch``: where the index is and how many reports succeeded."""
    succeeded = sum(r.status == "ok" for r in results)
    return f"wrote {out_dir / 'index.html'}: {succeeded} of {len(results)} reports succeeded"


def json_text(data: Any, *, ascii: bool = True) -> str:
    """``data`` as the command line prints json: indented by one space; with ``ascii=False``
    characters such as £ and − are written as themselves, not escaped.

    >>> print(json_text({"money": "£1m"}, ascii=False))
    {
     "money": "£1m"
    }
    """
    return json.dumps(data, indent=1, ensure_ascii=ascii)


def table_json(table: pd.DataFrame, *, digits: int | None = None) -> str:
    """A table as a json list of records; with ``digits``, floats rounded to that many decimal
    places (``DataFrame.to_json``'s ``double_precision``), else written in full.

    >>> import pandas as pd
    >>> print(table_json(pd.DataFrame({"a": [1 / 3]}), digits=3))
    [
     {
      "a": 0.333
     }
    ]
    """
    if digits is None:
        return json_text(table.to_dict(orient="records"))
    return json_text(json.loads(table.to_json(orient="records", double_precision=digits)))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""How a text cell begins that a spreadsheet would run as a formula (OWASP's CSV injection list)."""


def table_csv(table: pd.DataFrame, *, float_format: str | None = None) -> str:
    """A table as CSV text: no index, ``\\n`` line ends, floats in ``float_format`` when given.

    Text a spreadsheet would run as a formula (a scenario or commitment title beginning ``=``,
    ``+``, ``-`` or ``@``) is made inert with a leading apostrophe; numbers are left alone.

    >>> import pandas as pd
    >>> table_csv(pd.DataFrame({"a": [0.5], "b": ["x"]}))
    'a,b\\n0.5,x\\n'
    >>> print(table_csv(pd.DataFrame({"Name": ["=HYPERLINK(1)", "Victims"], "Cost": [-2.5, 3.0]})), end="")
    Name,Cost
    '=HYPERLINK(1),-2.5
    Victims,3.0
    """
    from pandas.api.types import is_numeric_dtype

    safe = table.copy()
    for column in safe.columns:
        if not is_numeric_dtype(safe[column]):
            safe[column] = [f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START) else v
                            for v in safe[column]]
    return safe.to_csv(index=False, lineterminator="\n", float_format=float_format)
