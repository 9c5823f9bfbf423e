"""Reading one text file: an ordinary file, UTF-8, at most :data:`MAX_FILE_BYTES`, never empty, never binary.

Every reader of planlib's input files starts here, so that each refuses the same things with
the same words. A plan's files must be ordinary files: a FIFO (which would block a reader for
ever), a device such as ``/dev/zero`` (which never ends), a folder, a broken or looping link,
or (when the folder the file must stay inside is given) a link that leads out of the plan
folder, is refused without being read. At most ``MAX_FILE_BYTES + 1`` bytes are ever read,
whatever size the file claims.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as folder:
...     path = pathlib.Path(folder) / "notes.txt"
...     _ = path.write_bytes(b"caf\\xe9\\n")
...     text, problems = read_text(path, "notes.txt")
>>> text, [str(p) for p in problems]
(None, ['notes.txt:1: bytes that are not UTF-8 (byte 0xe9 at offset 3); save the file as UTF-8'])
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from planlib.errors import Problem

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest input file accepted (10 MiB); bigger files are refused before they are parsed."""

_ABSENT = (errno.ENOENT, errno.ENOTDIR)
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def is_absent(path: Path) -> bool:
    """True when nothing at all is at ``path``: not a file, not a folder, not even a broken link.

    A name that is there but cannot be read (a broken link, a file behind a folder without
    permission) is not absent: reading it says what is wrong, rather than treating it as missing.

    >>> is_absent(Path("no/such/file.yaml")), is_absent(Path("."))
    (True, False)
    """
    try:
        os.lstat(path)
    except OSError as exc:
        return exc.errno in _ABSENT
    return False


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not an ordinary file")


def _outside(path: Path, within: Path) -> bool:
    real, root = os.path.realpath(path), os.path.realpath(within)
    return os.path.commonpath([real, root]) != root


def file_problem(path: Path, within: Path | None = None) -> str | None:
    """Why ``path`` is not an ordinary file that may be read (None when it is one).

    ``within`` is the folder the file must stay inside (a plan folder): a link that leads out
    of it is refused, and the place it leads to is not named.

    >>> file_problem(Path("no/such/file.yaml"))
    'cannot read the file: No such file or directory'
    >>> file_problem(Path("."))
    'a folder, not a file'
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a link that leads round in a loop: make it an ordinary file"
        if exc.errno in _ABSENT and os.path.islink(path):
            return "a link to a file that does not exist (a broken link): make it an ordinary file"
        return f"cannot read the file: {exc.strerror or exc}"
    if within is not None and _outside(path, within):
        return "a link to a file outside the plan folder: a plan's files must be inside its folder"
    if not stat.S_ISREG(mode):
        return f"{_kind(mode)}, not a file"
    return None


def _read_bytes(path: Path, limit: int) -> bytes | str:
    """At most ``limit + 1`` bytes of ``path``, or why it cannot be read. Opened without blocking
    (a FIFO made since the check does not hang) and checked again once open."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return f"{_kind(info.st_mode)}, not a file"
        if info.st_size > limit:
            return f"file is {info.st_size:,} bytes; the limit is {limit:,} bytes ({limit / 2**20:g} MiB)"
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        return f"file is over {limit:,} bytes ({limit / 2**20:g} MiB), the limit"
    return data


def read_bytes(path: Path, *, within: Path | None = None, limit: int = MAX_FILE_BYTES) -> bytes | str:
    """The bytes of the ordinary file at ``path``, or why it cannot be read (see :func:`file_problem`).

    >>> read_bytes(Path("no/such/book.xlsx"))
    'cannot read the file: No such file or directory'
    """
    return file_problem(path, within) or _read_bytes(path, limit)


def read_text(path: Path, display: str, *, within: Path | None = None,
              limit: int = MAX_FILE_BYTES) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 text file, refusing what is not an ordinary file, and empty, oversized and non-UTF-8 files.

    Returns the text (None if unreadable) and the problems found, each naming ``display``.
    ``within`` is the folder the file must stay inside (see :func:`file_problem`); ``limit``
    the most bytes accepted.

    >>> read_text(Path("no/such/file.yaml"), "file.yaml")[1][0].message
    'cannot read the file: No such file or directory'
    """
    data = read_bytes(path, within=within, limit=limit)
    if isinstance(data, str):
        return None, [Problem(display, None, "", data)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [Problem(display, line, "", f"bytes that are not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8")]
    if not text.strip():
        return None, [Problem(display, None, "", "file is empty")]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, [Problem(display, line, "", "file contains a NUL byte: is it a text file?")]
    return text, []


def folder_problem(path: Path, within: Path | None = None) -> str | None:
    """Why ``path`` is not a folder whose files can be listed (None when it is one).

    >>> folder_problem(Path(".")) is None, folder_problem(Path("no/such"))
    (True, 'cannot read the folder: No such file or directory')
    """
    try:
        mode = os.stat(path).st_mode
        if within is not None and _outside(path, within):
            return "a link to a folder outside the plan folder: a plan's files must be inside its folder"
        if not stat.S_ISDIR(mode):
            return f"{_kind(mode)}, not a folder"
        os.listdir(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a link that leads round in a loop: make it an ordinary folder"
        return f"cannot read the folder: {exc.strerror or exc}"
    return None
