"""Writing a file atomically: to a temporary file in the same folder, then renamed over the target.

A reader (or a crash) never sees a half-written file: the target holds either the old content
or the new. :func:`write_atomic` is the one way planlib writes a file, text or bytes.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as folder:
...     path = pathlib.Path(folder) / "out" / "note.txt"
...     write_atomic(path, "first\\n")
...     write_atomic(path, b"second\\n")
...     path.read_text(), sorted(p.name for p in path.parent.iterdir())
('second\\n', ['note.txt'])
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8, line endings as given, or bytes) to ``path`` atomically.

    The folder is created if need be. The temporary file has the usual permissions of a new
    file (0o666 less the umask), or those of the file it replaces; it is removed if anything
    fails, and the target is then left as it was.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    content : str or bytes
        What to write.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "a.csv"
    ...     write_atomic(path, "x,y\\r\\n1,2\\r\\n")
    ...     path.read_bytes()
    b'x,y\\r\\n1,2\\r\\n'
    """
    target = Path(path)
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            try:
                os.fchmod(handle.fileno(), stat.S_IMODE(target.stat().st_mode))
            except FileNotFoundError:
                pass
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def check_out_folder(folder: str | os.PathLike[str], option: str = "--out") -> Path:
    """Make sure ``folder`` is a folder planlib can write in, before any work starts; the folder.

    It is created if missing. A path that is a file or lies under one, a folder that cannot be
    made, or one where a file cannot be created (no permission, a read-only file system) is
    refused with PlanError naming ``option`` and the reason.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     note = pathlib.Path(folder) / "note.txt"
    ...     _ = note.write_text("x")
    ...     check_out_folder(note / "reports")
    Traceback (most recent call last):
    planlib.errors.PlanError: 1 problem:
    --out: cannot use .../note.txt/reports as the output folder: .../note.txt is a file, not a folder
    """
    from planlib.errors import PlanError, Problem

    target = Path(folder)

    def refuse(reason: str) -> PlanError:
        return PlanError([Problem(option, None, "", f"cannot use {target} as the output folder: {reason}")])

    existing = next((p for p in (target, *target.parents) if p.exists() or p.is_symlink()), None)
    if existing is not None and not existing.is_dir():
        raise refuse(f"{existing} is a file, not a folder")
    try:
        target.mkdir(parents=True, exist_ok=True)
        probe = target / f".planlib-write-check.{secrets.token_hex(6)}.tmp"
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        probe.unlink()
    except OSError as exc:
        raise refuse(f"{exc.strerror or exc}") from None
    return target
