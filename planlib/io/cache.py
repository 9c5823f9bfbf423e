"""Text kept between runs in the user's cache folder: work that is the same every time, done once.

Each board app's kernel needs the JavaScript that draws its charts offline, which vl-convert
builds by starting a JavaScript engine inside the kernel: seconds of work and tens of MiB that
stay with every kernel. Kept here under a name that says what it was built from (the library
versions), it is built once per machine and read by every kernel after.

The folder is ``$PLANLIB_CACHE`` if set, else ``$XDG_CACHE_HOME/planlib``, else
``~/.cache/planlib``. A missing, unreadable or unwritable cache is no error: the caller builds
the text again.

>>> import os, tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     os.environ[CACHE_VARIABLE] = folder
...     before = read_cached("example-1.0.txt")
...     write_cached("example-1.0.txt", "made once")
...     after = read_cached("example-1.0.txt")
...     del os.environ[CACHE_VARIABLE]
>>> before, after
(None, 'made once')
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from planlib.io.atomic import write_atomic

CACHE_VARIABLE = "PLANLIB_CACHE"
"""The environment variable that names the cache folder."""

MAX_CACHED_BYTES = 32 * 2**20
"""A cached text larger than this is not read (it is not one planlib wrote)."""

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,200}$")


def cache_folder(environ: Mapping[str, str] | None = None) -> Path:
    """The folder of planlib's cache.

    >>> str(cache_folder({"PLANLIB_CACHE": "/tmp/c"})), str(cache_folder({"XDG_CACHE_HOME": "/x", "HOME": "/h"}))
    ('/tmp/c', '/x/planlib')
    """
    env = os.environ if environ is None else environ
    if env.get(CACHE_VARIABLE):
        return Path(env[CACHE_VARIABLE])
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "planlib"
    return Path(env.get("HOME") or Path.home()) / ".cache" / "planlib"


def _path(name: str) -> Path:
    if not _NAME.match(name) or ".." in name:
        raise ValueError(f"not a cache file name: {name!r}")
    return cache_folder() / name


def cached_file(name: str) -> Path | None:
    """The file that holds the text cached under ``name``, or None if there is none.

    For a text served as it is (the chart bundle, which planlib's server sends to browsers) or
    whose presence is all that matters, without reading it.

    >>> cached_file("no-such-entry-0.txt") is None
    True
    """
    path = _path(name)
    try:
        if not path.is_file() or not 0 < path.stat().st_size <= MAX_CACHED_BYTES:
            return None
    except OSError:
        return None
    return path


def read_cached(name: str) -> str | None:
    """The text cached under ``name``, or None if there is none (or it cannot be read).

    >>> read_cached("no-such-entry-0.txt") is None
    True
    """
    path = cached_file(name)
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text or None


def write_cached(name: str, text: str) -> None:
    """Keep ``text`` under ``name`` (atomically, so a reader never sees half of it); a cache that
    cannot be written is skipped silently, since the text can always be built again."""
    try:
        write_atomic(_path(name), text)
    except OSError:
        pass
