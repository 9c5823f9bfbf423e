"""Scenario files: read and check a scenario's YAML, every problem named by file and line.

A scenario file names itself, says what it tests and where its figures came from, and lists its
``changes`` (see :mod:`planlib.scenario` for what they may change). This module reads the file
or its text into the record type it is given (the engine's :class:`~planlib.scenario.Scenario`;
io knows no engine), keeps the line of each change for later messages, and writes a scenario
back as YAML that reads back unchanged.

>>> from pydantic import BaseModel
>>> class Named(BaseModel):
...     name: str
...     changes: dict = {}
>>> record, lines = scenario_from_text("name: x\\nchanges:\\n  finance.pay_award: {2022/23: 0.04}\\n", "x.yaml", Named)
>>> record.name, lines.change_lines
('x', {'finance.pay_award': 3})
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from planlib.errors import PlanError, Problem, YamlProblem
from planlib.io.text import is_absent, read_text
from planlib.io.yaml import LineDict, parse_yaml, yaml_dump

MAX_SCENARIO_BYTES = 1024 * 1024
"""Largest scenario file accepted (1 MiB)."""

R = TypeVar("R", bound=BaseModel)


@dataclass(frozen=True)
class ScenarioLines:
    """Where a scenario was read from, for messages about its changes.

    Attributes
    ----------
    file : str
        The file as the user gave it (or another name for text, such as ``store:x@2``).
    line : int or None
        The line of ``changes:`` (or of the top of the file).
    change_lines : dict
        Change path -> the line it is written on.
    """

    file: str
    line: int | None = None
    change_lines: dict[str, int] = field(default_factory=dict)

    def of(self, path: str) -> int | None:
        """The line of the change ``path`` (the line of ``changes:`` if it has none of its own).

        >>> ScenarioLines("x.yaml", 4, {"finance.pay_award": 5}).of("finance.tax_base")
        4
        """
        return self.change_lines.get(path, self.line)


def read_scenario(path: str | os.PathLike[str], model: type[R]) -> tuple[R, ScenarioLines]:
    """Read and check a scenario file into ``model``; PlanError naming the file and line otherwise.

    >>> from pydantic import BaseModel
    >>> read_scenario("no/such.yaml", BaseModel)
    Traceback (most recent call last):
    ...
    planlib.errors.PlanError: 1 problem:
    no/such.yaml: scenario file not found
    """
    display = str(path)
    file = Path(path)
    if is_absent(file):
        raise PlanError([Problem(display, None, "", "scenario file not found")])
    text, problems = read_text(file, display, limit=MAX_SCENARIO_BYTES)
    if text is None:
        raise PlanError(problems)
    return scenario_from_text(text, display, model)


def _message(err: Any, key: str) -> str:
    if err["type"] == "missing":
        return "required field is missing"
    if err["type"] == "string_pattern_mismatch" and key == "name":
        return ("a scenario name starts with a letter and has only letters, digits, "
                "'_', '-' and '.' (at most 64): it is used in file names")
    if err["type"] == "extra_forbidden":
        return "unknown field (a scenario has name, description, source and changes)"
    return err["msg"].removeprefix("Value error, ")


def scenario_from_text(text: str, display: str, model: type[R]) -> tuple[R, ScenarioLines]:
    """Parse scenario YAML ``text`` into ``model``; ``display`` names it in messages.

    Returns the record and where its changes were written; raises
    :class:`~planlib.errors.PlanError` listing every problem with its line.

    >>> from pydantic import BaseModel
    >>> class Named(BaseModel):
    ...     name: int
    >>> scenario_from_text("name: x\\n", "x.yaml", Named)
    Traceback (most recent call last):
    ...
    planlib.errors.PlanError: 1 problem:
    x.yaml:1: name: Input should be a valid integer, unable to parse string as an integer
    """
    try:
        data = parse_yaml(text)
    except YamlProblem as exc:
        raise PlanError([Problem(display, exc.line, "", exc.message)]) from None
    if not isinstance(data, LineDict):
        raise PlanError([Problem(display, 1, "", "expected a mapping with name, description, source and changes")])
    changes = data.get("changes")
    try:
        record = model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else ""
            line = data.key_lines.get(key, data.line)
            if key == "changes" and len(err["loc"]) > 1 and isinstance(changes, LineDict):
                line = changes.key_lines.get(str(err["loc"][1]), line)
            problems.append(Problem(display, line, ".".join(map(str, err["loc"])), _message(err, key)))
        raise PlanError(problems) from None
    lines = ScenarioLines(display, data.key_lines.get("changes", data.line),
                          dict(changes.key_lines) if isinstance(changes, LineDict) else {})
    return record, lines


def scenario_yaml(record: BaseModel) -> str:
    """``record`` as YAML text that :func:`scenario_from_text` reads back unchanged.

    >>> from pydantic import BaseModel
    >>> class Named(BaseModel):
    ...     name: str
    >>> scenario_yaml(Named(name="x"))
    'name: x\\n'
    """
    return yaml_dump(record.model_dump(mode="json"))
