"""One YAML file read into one pydantic record, every problem named by file, line and field.

For the files that sit beside a plan and are read by their own command (the horizon scan,
the financial implications settings...): :func:`read_yaml_record` reads and checks one file
and returns the record with every problem found; :mod:`planlib.io.side_files` adds the checks
against the plan.

>>> import tempfile, pathlib
>>> from pydantic import BaseModel
>>> class Size(BaseModel):
...     width: float
>>> with tempfile.TemporaryDirectory() as folder:
...     _ = (pathlib.Path(folder) / "size.yaml").write_text("width: 3\\n")
...     record, data, problems = read_yaml_record(pathlib.Path(folder) / "size.yaml", "size.yaml", Size)
>>> record, problems
(Size(width=3.0), [])
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planlib.errors import Problem, YamlProblem
from planlib.io.problems import validation_problems
from planlib.io.text import read_text
from planlib.io.yaml import LineDict, parse_yaml


def read_yaml_record(path: Path, display: str, model: type[Any], *,
                     within: Path | None = None) -> tuple[Any, Any, list[Problem]]:
    """Read one YAML file that is not part of the plan proper (the plan loader ignores it) into ``model``.

    Returns ``(record, data, problems)``: the pydantic record (None if there is any problem),
    the parsed YAML (to find the line of a later check) and every problem, each naming the
    file, the line and the field. ``within`` is the folder the file must stay inside
    (:func:`~planlib.io.text.file_problem`).

    >>> from pydantic import BaseModel
    >>> class Size(BaseModel):
    ...     width: float
    >>> read_yaml_record(Path("no/such.yaml"), "such.yaml", Size)[2][0].message
    'cannot read the file: No such file or directory'
    """
    text, problems = read_text(path, display, within=within)
    if text is None:
        return None, None, problems
    try:
        data = parse_yaml(text)
    except YamlProblem as exc:
        return None, None, [Problem(display, exc.line, "", exc.message)]
    if not isinstance(data, LineDict):
        return None, data, [Problem(display, getattr(data, "line", 1), "", "expected a mapping of field: value at the top of the file")]
    try:
        return model.model_validate(data), data, []
    except ValidationError as exc:
        return None, data, validation_problems(exc.errors(), display, data)
