"""Where the scenario store is: a database URL given, named by ``PLANLIB_STORE``, or in the user's data folder.

``ScenarioStore(url)`` takes any SQLAlchemy database URL, for example
``sqlite:////srv/opcc/scenarios.db`` for a file or
``postgresql+psycopg://finance@dbhost/opcc`` for a shared PostgreSQL server (install a
PostgreSQL driver such as ``psycopg`` for that). With no URL, :func:`default_url` decides:

1. the environment variable ``PLANLIB_STORE``, if set: either a full SQLAlchemy URL
   (anything containing ``://``) or the path of an SQLite file (``~`` is expanded);
2. otherwise the SQLite file ``planlib/scenarios.db`` in the user's data folder:
   ``$XDG_DATA_HOME/planlib/scenarios.db`` when ``XDG_DATA_HOME`` is set to an absolute path,
   else ``~/.local/share/planlib/scenarios.db``; on Windows
   ``%LOCALAPPDATA%\\planlib\\scenarios.db``.

The folder of an SQLite file is created if it is missing. The table (``planlib_scenarios``)
is created on first use.

>>> default_url({"PLANLIB_STORE": "~/opcc/scenarios.db", "HOME": "/home/me"})
'sqlite:////home/me/opcc/scenarios.db'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from planlib.errors import StoreError

ENVIRONMENT_VARIABLE = "PLANLIB_STORE"
"""The environment variable that names the default store: an SQLAlchemy URL or a file path."""


def default_url(environ: Mapping[str, str] | None = None) -> str:
    """The database URL used when :class:`~planlib.io.store.ScenarioStore` is given none.

    Parameters
    ----------
    environ : mapping, optional
        The environment to read (``os.environ`` by default).

    Returns
    -------
    str
        ``PLANLIB_STORE`` if it is a URL; ``sqlite:///`` and its path if it is a path; otherwise
        the SQLite file ``planlib/scenarios.db`` in the user's data folder (see the module notes).

    Examples
    --------
    >>> default_url({"PLANLIB_STORE": "postgresql+psycopg://finance@dbhost/opcc"})
    'postgresql+psycopg://finance@dbhost/opcc'
    >>> default_url({"PLANLIB_STORE": "/srv/opcc/scenarios.db"})
    'sqlite:////srv/opcc/scenarios.db'
    >>> default_url({"XDG_DATA_HOME": "/data/me", "HOME": "/home/me"})
    'sqlite:////data/me/planlib/scenarios.db'
    >>> default_url({"HOME": "/home/me"})
    'sqlite:////home/me/.local/share/planlib/scenarios.db'
    """
    env = os.environ if environ is None else environ
    configured = env.get(ENVIRONMENT_VARIABLE, "").strip()
    if "://" in configured:
        return configured
    if configured:
        path = _expand_home(configured, env)
    else:
        path = _data_home(env) / "planlib" / "scenarios.db"
    return f"sqlite:///{path.absolute()}"


def _expand_home(text: str, env: Mapping[str, str]) -> Path:
    if text == "~" or text.startswith(("~/", "~\\")):
        home = env.get("HOME") or env.get("USERPROFILE")
        return Path(home, text[2:]) if home else Path(text).expanduser()
    return Path(text)


def _data_home(env: Mapping[str, str]) -> Path:
    if os.name == "nt" and env.get("LOCALAPPDATA"):  # pragma: no cover - Windows
        return Path(env["LOCALAPPDATA"])
    xdg = env.get("XDG_DATA_HOME", "")
    # The XDG specification says a relative XDG_DATA_HOME is to be ignored.
    if xdg and Path(xdg).is_absolute():
        return Path(xdg)
    return _expand_home("~/.local/share", env)


def make_sqlite_folder(database: str | None) -> None:
    """Create the folder of the SQLite file ``database`` if it is missing (nothing for memory or ``file:`` URIs).

    Raises
    ------
    StoreError
        If the folder cannot be created.

    Examples
    --------
    >>> make_sqlite_folder(":memory:")
    >>> make_sqlite_folder("/proc/no/such/scenarios.db")
    Traceback (most recent call last):
    ...
    planlib.errors.StoreError: cannot create the folder '/proc/no/such' for the scenario store: No such file or directory
    """
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    folder = Path(database).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder {str(folder)!r} for the scenario store: "
                         f"{exc.strerror or exc}") from None
