"""Every error planlib raises on purpose, and the problems it collects.

Validation collects :class:`Problem` records rather than stopping at the first, so that
``planlib validate`` and the apps can list them all; :class:`PlanError` carries the list.

Every exception is a :class:`PlanlibError` and carries its facts as fields, not only as text:
``file``, ``line``, ``field`` and ``value`` where they apply (None where they do not), so that
a face can place the message beside the input it is about.

>>> p = Problem("commitments.yaml", 12, "commitments.C04.objective_id", "unknown objective 'O9'")
>>> str(p)
"commitments.yaml:12: commitments.C04.objective_id: unknown objective 'O9'"
>>> err = ScenarioError("finance.pay_award", "expected a number, got 'x'", value="x")
>>> isinstance(err, PlanlibError), isinstance(err, ValueError), err.field, err.value
(True, True, 'finance.pay_award', 'x')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "LinkError",
    "PlanError",
    "PlanlibError",
    "PortfolioInfeasible",
    "Problem",
    "ScenarioError",
    "StoreError",
    "YamlProblem",
]


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters but tab and line feed."""


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
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        # A file name, key or column read from a hostile file may hold control characters:
        # shown escaped, so that a terminal shows them rather than acts on them.
        return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def _restore(cls: type[PlanlibError], args: tuple[Any, ...], state: dict[str, Any]) -> PlanlibError:
    """An error rebuilt from its message and fields, without calling its constructor."""
    err = cls.__new__(cls, *args)
    err.args = args
    err.__dict__.update(state)
    return err


class PlanlibError(Exception):
    """Base class of every error planlib raises on purpose.

    The fields below are None unless the error knows them; subclasses set those that apply.
    An error pickles with its fields (so that it crosses process boundaries intact).

    Attributes
    ----------
    file : str or None
        The file the error is about, as the user gave it.
    line : int or None
        The 1-based line in ``file``.
    field : str or None
        Dotted path of the field concerned.
    value : object
        The offending value.

    Examples
    --------
    >>> import pickle
    >>> err = pickle.loads(pickle.dumps(StoreError("no version 4", name="x", version=4)))
    >>> err.name, err.version, str(err), err.file
    ('x', 4, 'no version 4', None)
    """

    file: str | None = None
    line: int | None = None
    field: str | None = None
    value: Any = None

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.args, dict(self.__dict__)))


class PlanError(PlanlibError):
    """A plan (or another input) is invalid; ``problems`` lists everything found.

    When every problem is about one file, ``file`` names it; with one problem, ``line`` and
    ``field`` are its own.

    >>> err = PlanError([Problem("plan.yaml", 3, "period.first", "'2021/23' is not a financial year")])
    >>> print(err)
    1 problem:
    plan.yaml:3: period.first: '2021/23' is not a financial year
    >>> err.file, err.line, err.field
    ('plan.yaml', 3, 'period.first')
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''}:"
        super().__init__("\n".join([head, *map(str, self.problems)]))
        files = {p.file for p in self.problems}
        if len(files) == 1:
            self.file = files.pop()
        if count == 1:
            self.line = self.problems[0].line
            self.field = self.problems[0].field or None


class YamlProblem(PlanlibError):
    """A YAML file that cannot be read; carries the line (None when it concerns the whole text).

    >>> err = YamlProblem(4, "duplicate key 'a'")
    >>> err.line, err.message, str(err)
    (4, "duplicate key 'a'", "duplicate key 'a'")
    """

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class ScenarioError(PlanlibError, ValueError):
    """One change that cannot be applied; ``path`` is the change's key.

    Also a :class:`ValueError`, as it always was. ``field`` is the same dotted path as ``path``;
    ``value`` is the value the change gives, when the raiser passes it.

    >>> err = ScenarioError("commitments.C01.enabled", "expected true or false, got 'maybe'")
    >>> err.path, err.field, err.message
    ('commitments.C01.enabled', 'commitments.C01.enabled', "expected true or false, got 'maybe'")
    """

    def __init__(self, path: str, message: str, *, value: Any = None) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.field = path
        self.value = value


class StoreError(PlanlibError):
    """A scenario cannot be saved to or loaded from the store.

    Parameters
    ----------
    message : str
        What went wrong and, for a missing scenario, what the store holds.
    name : str, optional
        The scenario name concerned.
    version : int, optional
        The version concerned.

    Examples
    --------
    >>> err = StoreError("no saved scenario is named 'x'", name="x")
    >>> err.name, str(err)
    ('x', "no saved scenario is named 'x'")
    """

    def __init__(self, message: str, *, name: str | None = None, version: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.name = name
        self.version = version


class LinkError(PlanlibError, ValueError):
    """Why a link to an app's view cannot be used, in words for a reader (never holding the
    link's own text, so that nothing a link carries is echoed on the page).

    >>> str(LinkError("it gives the same setting twice"))
    'it gives the same setting twice'
    """


class PortfolioInfeasible(PlanlibError):
    """No portfolio meets every rule; the message says which and by how much.

    ``shortfall`` maps financial year to the amount (GBP) by which the commitments that must be
    in exceed the envelope (empty when another rule is the cause).

    >>> err = PortfolioInfeasible("no affordable portfolio", {"2022/23": 1.5e6})
    >>> err.shortfall, err.message
    ({'2022/23': 1500000.0}, 'no affordable portfolio')
    """

    def __init__(self, message: str, shortfall: Mapping[str, float] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.shortfall = dict(shortfall or {})
