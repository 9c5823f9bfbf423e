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
