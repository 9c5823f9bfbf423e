"""Errors and problems: every message names the file, line and field it is about.

Validation collects :class:`Problem` records rather than stopping at the first, so that
``planlib validate`` and the apps can list them all; :class:`PlanError` carries the list.

>>> p = Problem("commitments.yaml", 12, "commitments.C04.objective_id", "unknown objective 'O9'")
>>> str(p)
"commitments.yaml:12: commitments.C04.objective_id: unknown objective 'O9'"
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file.

    Parameters
    ----------
    file : str
        The file's path as the user gave it (or relative to the plan folder).
    line : int or None
        1-based line number, or None when the problem concerns the whole file.
    field : str
        Dotted path to the field, e.g. ``commitments.C04.benefits[0].volume``; may be empty.
    message : str
        What is wrong and what was expected.
    """

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class PlanlibError(Exception):
    """Base class of every error planlib raises on purpose."""


class PlanError(PlanlibError):
    """A plan (or another input) is invalid; ``problems`` lists everything found.

    >>> err = PlanError([Problem("plan.yaml", 3, "period.first", "'2021/23' is not a financial year")])
    >>> print(err)
    1 problem:
    plan.yaml:3: period.first: '2021/23' is not a financial year
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''}:"
        super().__init__("\n".join([head, *map(str, self.problems)]))

