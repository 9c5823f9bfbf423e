"""The YAML files beside a plan: the horizon scanning register and the implications settings.

``horizon.yaml`` (:class:`~planlib.model.horizon.HorizonRegister`) and ``implications.yaml``
(:class:`~planlib.model.implications.ImplicationSettings`) sit in a plan folder; the plan
loader leaves them alone, and :mod:`planlib.io.plan_folder` reads them with the plan.
:func:`load_horizon` and :func:`load_implications` read one each, check it against a plan and
raise :class:`~planlib.errors.PlanError` listing every problem with file, line and field;
:func:`side_file_problems` turns the model's ``(location, message)`` pairs into such problems.

>>> import planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> load_horizon(planlib.DEFAULT_PLAN, plan).horizon[0].score
20
>>> load_implications(planlib.DEFAULT_PLAN, plan).capital_financing.interest_rate.central
0.025
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Callable, TypeVar

from planlib.errors import PlanError, Problem
from planlib.io.problems import field_name
from planlib.io.records import read_yaml_record
from planlib.io.text import is_absent
from planlib.io.yaml import Loc, yaml_line
from planlib.model.horizon import HorizonRegister, horizon_problems
from planlib.model.implications import ImplicationSettings, settings_problems
from planlib.model.panel_response import PanelResponse, panel_response_problems
from planlib.model.plan import Plan

HORIZON_FILE = "horizon.yaml"
"""The horizon scanning register's file in a plan folder."""

IMPLICATIONS_FILE = "implications.yaml"
"""The financial implications settings' file in a plan folder."""

PANEL_RESPONSE_FILE = "panel_response.yaml"
"""The Police and Crime Panel's report on the draft plan and the Commissioner's response, in a plan folder."""

NO_HORIZON = "no horizon scanning register: add horizon.yaml to the plan folder"
NO_IMPLICATIONS = "no financial implications settings: add implications.yaml to the plan folder (see data/README.md)"
NO_PANEL_RESPONSE = ("no record of the Panel's report and the Commissioner's response: add panel_response.yaml to the "
                     "plan folder (see data/README.md)")

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
R = TypeVar("R")


def _field_part(loc: Loc, names: Any) -> Loc:
    """The part of ``loc`` a field names: down to the last record field or named item.

    A position in a list of plain values (the second commitment an item names) and a key that
    is not a name (a year of a series) are shown by the line, not in the field.
    """
    node, keep = names, 0
    for n, key in enumerate(loc):
        if isinstance(key, int):
            item = node[key] if isinstance(node, list) and 0 <= key < len(node) else None
            if not isinstance(item, dict):
                break
            node = item
        else:
            if not _NAME.match(str(key)):
                break
            node = node.get(key) if isinstance(node, dict) else None
        keep = n + 1
    return loc[:keep]


def side_file_problems(found: list[tuple[Loc, str]], data: Any, display: str, names: Any = None) -> list[Problem]:
    """The ``(location, message)`` pairs of a check as problems of the YAML ``data`` read from ``display``.

    The line is that of the deepest part of the location found in ``data`` (None without data);
    the field names items by their id, from ``names`` (by default ``data`` itself).

    >>> from planlib.io.yaml import parse_yaml
    >>> data = parse_yaml("horizon:\\n  - id: a\\n    commitments:\\n      - C01\\n      - C99\\n")
    >>> print(*side_file_problems([(("horizon", 0, "commitments", 1), "unknown commitment 'C99'")], data, "horizon.yaml"))
    horizon.yaml:5: horizon.a.commitments: unknown commitment 'C99'
    """
    names = data if names is None else names
    return [Problem(display, yaml_line(data, loc) if data is not None else None, field_name(_field_part(loc, names), names),
                    message)
            for loc, message in found]


def load_side_file(folder: str | os.PathLike[str], file_name: str, model: type[R], missing: str,
                   check: Callable[[R], list[tuple[Loc, str]]]) -> R:
    """Read ``folder/file_name`` into ``model`` and run ``check`` on it (references to the plan, say).

    ``missing`` is the message when the file is not there. Raises
    :class:`~planlib.errors.PlanError` listing every problem with file, line and field.

    >>> load_side_file("no/such", HORIZON_FILE, HorizonRegister, NO_HORIZON, lambda register: [])
    Traceback (most recent call last):
    ...
    planlib.errors.PlanError: 1 problem:
    no/such/horizon.yaml: no horizon scanning register: add horizon.yaml to the plan folder
    """
    display = f"{str(folder).rstrip('/') or '.'}/{file_name}"
    path = Path(folder) / file_name
    if is_absent(path):
        raise PlanError([Problem(display, None, "", missing)])
    record, data, problems = read_yaml_record(path, display, model, within=Path(folder))
    if record is not None:
        problems = side_file_problems(check(record), data, display)
    if problems:
        raise PlanError(problems)
    return record


def load_horizon(folder: str | os.PathLike[str], plan: Plan) -> HorizonRegister:
    """Read ``horizon.yaml`` from a plan folder and check it against ``plan``.

    Raises
    ------
    PlanError
        listing every problem (file, line, field), including commitments the plan lacks.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> try:
    ...     load_horizon("no/such/folder", plan)
    ... except planlib.PlanError as exc:
    ...     print(exc.problems[0].message)
    no horizon scanning register: add horizon.yaml to the plan folder
    """
    return load_side_file(folder, HORIZON_FILE, HorizonRegister, NO_HORIZON,
                          lambda register: horizon_problems(register, plan))


def load_implications(folder: str | os.PathLike[str], plan: Plan) -> ImplicationSettings:
    """Read ``implications.yaml`` from a plan folder and check it against ``plan``'s period.

    Raises
    ------
    PlanError
        listing every problem with file, line and field.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> sorted(load_implications(planlib.DEFAULT_PLAN, plan).fees_and_charges)
    ['firearms_licensing', 'other_fees', 'special_police_services']
    """
    return load_side_file(folder, IMPLICATIONS_FILE, ImplicationSettings, NO_IMPLICATIONS,
                          lambda settings: settings_problems(settings, plan))


def load_panel_response(folder: str | os.PathLike[str], plan: Plan) -> PanelResponse:
    """Read ``panel_response.yaml`` from a plan folder and check it against ``plan``.

    Raises
    ------
    PlanError
        listing every problem with file, line and field: a recommendation without a response,
        a change naming a commitment the plan lacks, a publication date the timeline does not have.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> record = load_panel_response(planlib.DEFAULT_PLAN, plan)
    >>> record.unanswered()
    []
    """
    return load_side_file(folder, PANEL_RESPONSE_FILE, PanelResponse, NO_PANEL_RESPONSE,
                          lambda record: panel_response_problems(record, plan))


def panel_response_if_any(folder: str | os.PathLike[str], plan: Plan) -> PanelResponse | None:
    """``panel_response.yaml`` of a plan folder checked against ``plan``, or None when the folder has none.

    The statutory check reads it when it is there (requirement p04) and keeps to the timeline
    when it is not. Raises :class:`~planlib.errors.PlanError` for a file with problems.

    >>> import planlib
    >>> panel_response_if_any("no/such/folder", planlib.load_plan(planlib.DEFAULT_PLAN)) is None
    True
    """
    if is_absent(Path(folder) / PANEL_RESPONSE_FILE):
        return None
    return load_panel_response(folder, plan)
