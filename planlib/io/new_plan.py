"""Writing a new plan folder: all of it or nothing, and never over a folder that holds anything.

:func:`new_plan_folder` writes the commented files of :mod:`planlib.io.plan_template` into a
temporary folder beside the target, checks that they validate, and renames the folder into
place in one step. If anything fails, the temporary folder is removed and nothing is left
half-written; a target that is a file, or a folder that is not empty, is refused and left as it
was.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as parent:
...     folder = new_plan_folder(pathlib.Path(parent) / "testshire", new_plan_settings("Testshire", "2021/22"))
...     sorted(p.name for p in folder.iterdir())[:3], sorted(p.name for p in pathlib.Path(parent).iterdir())
(['README.md', 'commitment_costs.csv', 'commitments.yaml'], ['testshire'])
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from planlib.errors import PlanError, Problem
from planlib.io.atomic import write_atomic
from planlib.io.new_plan_settings import NewPlanSettings, new_plan_settings
from planlib.io.plan_folder import validate
from planlib.io.plan_template import plan_folder_files

__all__ = ["NewPlanSettings", "new_plan_folder", "new_plan_settings"]


def _refusal(target: Path, shown: str) -> Problem | None:
    """Why ``target`` cannot become the new plan folder, or None when it can."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        return Problem(shown, None, "", "is not a folder: planlib new makes a new folder here and overwrites nothing")
    if target.is_dir() and any(target.iterdir()):
        return Problem(shown, None, "", "is not empty: planlib new never overwrites a folder; give a new or "
                                        "empty folder")
    return None


def new_plan_folder(path: str | os.PathLike[str], settings: NewPlanSettings) -> Path:
    """Make a new plan folder at ``path`` that validates, with every field commented.

    Parameters
    ----------
    path : str or os.PathLike
        The folder to create. It must not exist, or be an empty folder; its parent folders are
        created if need be.
    settings : NewPlanSettings
        The checked options (:func:`new_plan_settings`).

    Returns
    -------
    Path
        The new folder.

    Raises
    ------
    PlanError
        If ``path`` is a file or a folder that is not empty (nothing is written), or, a fault of
        planlib's, if the files it made do not validate (nothing is left behind).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as parent:
    ...     (pathlib.Path(parent) / "notes.txt").write_text("keep me")
    ...     try:
    ...         new_plan_folder(parent, new_plan_settings("Gwent", "2025/26"))
    ...     except PlanError as exc:
    ...         print(exc.problems[0].message[:12], sorted(p.name for p in pathlib.Path(parent).iterdir()))
    7
    is not empty ['notes.txt']
    """
    target = Path(path)
    shown = str(path)
    refusal = _refusal(target, shown)
    if refusal is not None:
        raise PlanError([refusal])
    files = plan_folder_files(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.{secrets.token_hex(6)}.new"
    staging.mkdir()
    try:
        for name, text in files.items():
            write_atomic(staging / name, text)
        problems = validate(staging)
        if problems:  # planlib's own templates are wrong: say so rather than leave a broken plan
            raise PlanError(problems)
        _move_into_place(staging, target, shown)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _move_into_place(staging: Path, target: Path, shown: str) -> None:
    """Rename ``staging`` to ``target`` in one step; an empty ``target`` folder is replaced, any other refused."""
    try:
        os.rename(staging, target)  # POSIX replaces an empty folder and refuses one that is not empty
        return
    except OSError:
        refusal = _refusal(target, shown)  # something appeared there while the files were written
        if refusal is not None or not target.is_dir():
            raise PlanError([refusal or Problem(shown, None, "", "cannot be created")]) from None
    target.rmdir()  # an empty folder, on a system whose rename does not replace one (Windows)
    os.rename(staging, target)
