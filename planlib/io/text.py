"""Reading one text file: UTF-8, at most :data:`MAX_FILE_BYTES`, never empty, never binary.

Every reader of planlib's input files starts here, so that each refuses the same things with
the same words.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as folder:
...     path = pathlib.Path(folder) / "notes.txt"
...     _ = path.write_bytes(b"caf\\xe9\\n")
...     text, problems = read_text(path, "notes.txt")
>>> text, [str(p) for p in problems]
(None, ['notes.txt:1: bytes that are not UTF-8 (byte 0xe9 at offset 3); save the file as UTF-8'])
"""

from __future__ import annotations

from pathlib import Path

from planlib.errors import Problem

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest input file accepted (10 MiB); bigger files are refused before they are parsed."""


def read_text(path: Path, display: str) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 text file, refusing empty, oversized and non-UTF-8 files.

    Returns the text (None if unreadable) and the problems found, each naming ``display``.

    >>> read_text(Path("no/such/file.yaml"), "file.yaml")[1][0].message
    'cannot read the file: No such file or directory'
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(display, None, "", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes (10 MiB)")]
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, None, "", f"cannot read the file: {exc.strerror or exc}")]
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
