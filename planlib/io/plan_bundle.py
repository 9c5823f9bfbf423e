"""A plan folder as data: its files gathered into a dict of bytes, and laid out again elsewhere.

A Dask worker on another machine cannot read the client's disk. The client gathers what a
report reads (the plan folder, the scenario file, a finance workbook) with
:func:`gather_folder` and :func:`gather_file`; the worker lays them out in a temporary folder of
its own with :func:`lay_out` and reads them there. Names are relative POSIX paths; a name that
would leave the folder is refused on both sides.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as folder:
...     root = pathlib.Path(folder)
...     _ = (root / "plan").mkdir(), (root / "plan" / "sub").mkdir()
...     _ = (root / "plan" / "plan.yaml").write_bytes(b"name: x\\n")
...     _ = (root / "plan" / "sub" / "a.csv").write_bytes(b"a\\n1\\n")
...     bundle = gather_folder(root / "plan")
...     copy = lay_out(bundle, root / "copy")
...     sorted(bundle), (copy / "sub" / "a.csv").read_bytes()
(['plan.yaml', 'sub/a.csv'], b'a\\n1\\n')
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from planlib.errors import PlanError, Problem
from planlib.io.text import MAX_FILE_BYTES

MAX_BUNDLE_BYTES = 256 * 1024 * 1024
"""Largest plan folder shipped to a worker (256 MiB in all); each file at most
:data:`planlib.io.text.MAX_FILE_BYTES`, or a workbook at most :data:`MAX_WORKBOOK_BYTES`."""

MAX_WORKBOOK_BYTES = 50 * 1024 * 1024
"""Largest single file :func:`gather_file` ships (a finance workbook may be binary and larger than text)."""


def _refuse(where: str, message: str) -> PlanError:
    return PlanError([Problem(where, None, "", message)])


def _read_regular(path: Path, where: str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (never a device, FIFO or folder)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _refuse(where, f"cannot read the file: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(where, "is not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _refuse(where, f"file is over {limit:,} bytes")
    return data


def gather_folder(folder: str | os.PathLike[str]) -> dict[str, bytes]:
    """Every regular file under ``folder`` by its relative POSIX name, as bytes.

    Hidden files and folders (names starting with ``.``) and Python caches are left out, as
    are links that lead outside the folder or to anything but a regular file; a file over
    :data:`planlib.io.text.MAX_FILE_BYTES`, or a folder over :data:`MAX_BUNDLE_BYTES` in all,
    is refused with PlanError.

    Parameters
    ----------
    folder : str or os.PathLike
        The plan folder.

    Returns
    -------
    dict of str to bytes
        ``{"plan.yaml": b"...", "consultation/responses.csv": b"...", ...}``, sorted by name.

    Examples
    --------
    >>> from planlib.io.paths import DEFAULT_PLAN
    >>> bundle = gather_folder(DEFAULT_PLAN)
    >>> "plan.yaml" in bundle and any(name.startswith("scenarios/") for name in bundle)
    True
    """
    root = Path(folder)
    if not root.is_dir():
        raise _refuse(str(folder), "plan folder not found (or not a folder)")
    real_root = root.resolve()
    files: dict[str, bytes] = {}
    total = 0
    for current, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__"
                         and not os.path.islink(os.path.join(current, d)))
        for name in sorted(names):
            path = Path(current) / name
            if name.startswith(".") or (path.is_symlink() and real_root not in path.resolve().parents):
                continue
            relative = path.relative_to(root).as_posix()
            try:
                data = _read_regular(path, relative, MAX_FILE_BYTES)
            except PlanError:
                if path.is_symlink() or not path.is_file():
                    continue  # a link or special file the plan's readers would refuse by name
                raise
            total += len(data)
            if total > MAX_BUNDLE_BYTES:
                raise _refuse(str(folder), f"plan folder is over {MAX_BUNDLE_BYTES:,} bytes in all")
            files[relative] = data
    return dict(sorted(files.items()))


def gather_file(path: str | os.PathLike[str]) -> tuple[str, bytes]:
    """One file (a scenario, a finance workbook) as its name and bytes.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "higher_precept.yaml").write_bytes(b"name: higher_precept")
    ...     gather_file(Path(folder) / "higher_precept.yaml")
    ('higher_precept.yaml', b'name: higher_precept')
    """
    file = Path(path)
    return file.name, _read_regular(file, str(path), MAX_WORKBOOK_BYTES)


def _safe_name(name: str) -> PurePosixPath:
    """``name`` as a relative path that stays inside its folder, or PlanError."""
    relative = PurePosixPath(name)
    if (not name or relative.is_absolute() or "\\" in name or "\x00" in name
            or any(part in ("", ".", "..") for part in relative.parts) or str(relative) != name):
        raise _refuse(repr(name), "a bundled file's name must be a plain relative path inside its folder")
    return relative


def lay_out(files: dict[str, bytes], folder: str | os.PathLike[str]) -> Path:
    """Write ``files`` (name to bytes, as :func:`gather_folder` gives) under ``folder``; the folder.

    ``folder`` is created if missing; a name that is absolute, has ``..`` or is otherwise not
    a plain relative path is refused (PlanError) before anything is written.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     lay_out({"../x": b""}, folder)
    Traceback (most recent call last):
    planlib.errors.PlanError: 1 problem:
    '../x': a bundled file's name must be a plain relative path inside its folder
    """
    root = Path(folder)
    names = {name: _safe_name(name) for name in files}
    root.mkdir(parents=True, exist_ok=True)
    for name, relative in names.items():
        target = root.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as handle:
            handle.write(files[name])
    return root
