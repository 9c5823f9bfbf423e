"""A plan folder as a whole: the plan, and the side files beside it, read and checked together.

Beside the plan's own files (:mod:`planlib.io.plan_files`) a folder may hold four parts that
the plan loader leaves alone and that are checked against the plan:

==================  ========================  =====================================================
part                in the folder             record
==================  ========================  =====================================================
``horizon``         ``horizon.yaml``          :class:`~planlib.model.horizon.HorizonRegister`
``implications``    ``implications.yaml``     :class:`~planlib.model.implications.ImplicationSettings`
``consultation``    ``consultation/``         :class:`~planlib.model.consultation.Consultation`
``panel_response``  ``panel_response.yaml``   :class:`~planlib.model.panel_response.PanelResponse`
==================  ========================  =====================================================

:func:`load_folder` reads them all into a :class:`~planlib.model.plan_folder.PlanFolder`, and
:func:`validate` lists every problem of the plan and of its side files: a folder that
``validate`` accepts is one that every command accepts.

>>> folder = load_folder(DEFAULT_PLAN)
>>> len(folder.plan.commitments), len(folder.horizon.horizon), len(folder.consultation.responses)
(28, 9, 329)
>>> side_file_names(folder)
['horizon.yaml', 'implications.yaml', 'consultation/', 'panel_response.yaml']
>>> validate(DEFAULT_PLAN)
[]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from planlib.errors import PlanError, Problem
from planlib.io.consultation import FOLDER, load_consultation
from planlib.io.paths import DEFAULT_PLAN
from planlib.io.plan_files import load_plan
from planlib.io.side_files import (HORIZON_FILE, IMPLICATIONS_FILE, PANEL_RESPONSE_FILE, load_horizon,
                                   load_implications, load_panel_response)
from planlib.io.text import is_absent
from planlib.model.plan import Plan
from planlib.model.plan_folder import PlanFolder

PARTS: dict[str, str] = {"horizon": HORIZON_FILE, "implications": IMPLICATIONS_FILE, "consultation": f"{FOLDER}/",
                         "panel_response": PANEL_RESPONSE_FILE}
"""Each side part of a plan folder and its name in the folder, in the order they are read."""

_READERS: dict[str, Callable[[str | os.PathLike[str], Plan], Any]] = {
    "horizon": load_horizon, "implications": load_implications, "consultation": load_consultation,
    "panel_response": load_panel_response,
}


def _read(path: str | os.PathLike[str], parts: Collection[str] | None) -> tuple[PlanFolder | None, list[Problem]]:
    """The folder, or None and every problem: the plan's first; the side parts only once the plan is valid."""
    unknown = sorted(set(parts or ()) - set(PARTS))
    if unknown:
        raise ValueError(f"unknown part {', '.join(map(repr, unknown))} of a plan folder (expected {', '.join(PARTS)})")
    try:
        plan = load_plan(path)
    except PlanError as exc:
        return None, exc.problems
    read: dict[str, Any] = {}
    problems: list[Problem] = []
    for part, name in PARTS.items():
        if parts is not None and part not in parts:
            continue
        if parts is None and is_absent(Path(path) / name.rstrip("/")):
            continue
        try:
            read[part] = _READERS[part](path, plan)
        except PlanError as exc:
            problems += exc.problems
    if problems:
        return None, problems
    return PlanFolder(plan, **read), []


def load_folder(path: str | os.PathLike[str] = DEFAULT_PLAN, *, parts: Collection[str] | None = None) -> PlanFolder:
    """Load the plan folder at ``path`` with its side files, each checked against the plan.

    Parameters
    ----------
    path : path
        The plan folder.
    parts : collection of str, optional
        The side parts to read, of ``horizon``, ``implications``, ``consultation`` and ``panel_response`` (see
        :data:`PARTS`); each must be in the folder, and the others are left out (None). By
        default every part the folder has is read, and none is required.

    Raises
    ------
    PlanError
        listing every problem of the plan, or, when the plan is valid, of its side parts, each
        with file, line and field.
    ValueError
        for a part that is not one of :data:`PARTS`.

    Examples
    --------
    >>> folder = load_folder(DEFAULT_PLAN, parts=["horizon"])
    >>> folder.horizon.horizon[0].score, folder.implications is None
    (20, True)
    >>> try:
    ...     load_folder("no/such/folder")
    ... except PlanError as exc:
    ...     print(exc)
    1 problem:
    no/such/folder: plan folder not found
    """
    folder, problems = _read(path, parts)
    if problems or folder is None:
        raise PlanError(problems)
    return folder


def validate(path: str | os.PathLike[str] = DEFAULT_PLAN) -> list[Problem]:
    """Every problem with the plan folder at ``path`` and its side files; an empty list when it is valid.

    The problems are those of the plan when it has any (the side files are checked against a
    valid plan only), else those of ``horizon.yaml``, ``implications.yaml``,
    ``consultation/`` and ``panel_response.yaml``, in that order. Never raises for bad data: problems name the file, the
    line and the field.

    >>> [str(p) for p in validate("no/such/folder")]
    ['no/such/folder: plan folder not found']
    """
    return _read(path, None)[1]


def side_file_names(folder: PlanFolder) -> list[str]:
    """The names of the side files ``folder`` holds, as ``planlib validate`` lists what it also checked.

    >>> side_file_names(load_folder(DEFAULT_PLAN, parts=["consultation"]))
    ['consultation/']
    """
    return [name for part, name in PARTS.items() if getattr(folder, part) is not None]
