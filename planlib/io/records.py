"""One YAML file read into one pydantic record, every problem named by file, line and field.

For the files that sit beside a plan and are read by their own command (the horizon scan,
the financial implications settings...): :func:`read_yaml_record` reads and checks one file,
:func:`load_side_file` also runs the checks the model alone cannot make and raises
:class:`~planlib.errors.PlanError` listing everything found.

>>> import tempfile, pathlib
>>> from pydantic import BaseModel
>>> class Size(BaseModel):
...     width: float
>>> with tempfile.TemporaryDirectory() as folder:
...     _ = (pathlib.Path(folder) / "size.yaml").write_text("width: 3\\n")
...     load_side_file(folder, "size.yaml", Size, "no size.yaml", lambda record, data, display: [])
Size(width=3.0)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from planlib.errors import PlanError, Problem, YamlProblem
from planlib.io.problems import validation_problems
from planlib.io.text import read_text
from planlib.io.yaml import LineDict, parse_yaml


def read_yaml_record(path: Path, display: str, model: type[Any]) -> tuple[Any, Any, list[Problem]]:
    """Read one YAML file that is not part of the plan proper (the plan loader ignores it) into ``model``.

    Returns ``(record, data, problems)``: the pydantic record (None if there is any problem),
    the parsed YAML (to find the line of a later check) and every problem, each naming the
    file, the line and the field.

    >>> from pydantic import BaseModel
    >>> class Size(BaseModel):
    ...     width: float
    >>> read_yaml_record(Path("no/such.yaml"), "such.yaml", Size)[2][0].message
    'cannot read the file: No such file or directory'
    """
    text, problems = read_text(path, display)
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


def load_side_file(folder: str | os.PathLike[str], file_name: str, model: type[Any], missing: str,
                   check: Callable[[Any, Any, str], list[Problem]]) -> Any:
    """Read and check ``folder/file_name``, a YAML file beside the plan that its own command reads.

    ``missing`` is the message when the file is not there; ``check(record, data, display)``
    returns the problems the model alone cannot see (references to the plan, say). Raises
    :class:`~planlib.errors.PlanError` listing every problem with file, line and field.

    >>> from pydantic import BaseModel
    >>> load_side_file("no/such", "size.yaml", BaseModel, "there is no size.yaml", lambda *args: [])
    Traceback (most recent call last):
    ...
    planlib.errors.PlanError: 1 problem:
    no/such/size.yaml: there is no size.yaml
    """
    display = f"{str(folder).rstrip('/') or '.'}/{file_name}"
    path = Path(folder) / file_name
    if not path.exists():
        raise PlanError([Problem(display, None, "", missing)])
    record, data, problems = read_yaml_record(path, display, model)
    if record is not None:
        problems = check(record, data, display)
    if problems:
        raise PlanError(problems)
    return record
