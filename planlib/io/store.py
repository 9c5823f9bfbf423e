"""Saved scenarios: every version of every scenario, kept in a database.

A :class:`ScenarioStore` keeps each scenario's YAML (exactly as :meth:`Scenario.to_yaml`
writes it) with its name, description, author and the time it was saved (UTC). Saving a
scenario under a name that already exists adds the next version (1, 2, 3...); no version is
ever overwritten or deleted, so a board paper can always cite "higher_precept, version 3".

Where the store is
------------------
``ScenarioStore(url)`` takes any SQLAlchemy database URL (an SQLite file or a shared PostgreSQL
server); with no URL, :func:`~planlib.io.store_location.default_url` decides, from the
environment variable ``PLANLIB_STORE`` or the user's data folder (see
:mod:`planlib.io.store_location`). The folder of an SQLite file is created if it is missing.
The table (``planlib_scenarios``) is created on first use.

Several writers at once
-----------------------
Several processes (one Voila kernel per board member, notebooks, batch runs) may save at the
same time without losing or duplicating a version:

- the table has a ``UNIQUE (name, version)`` constraint, so two writers can never both store
  the same version; a writer that loses the race (``IntegrityError``) rolls back and tries
  again with the next number, a bounded number of times (``save_attempts``) with a short,
  growing, random pause, then raises :class:`StoreError`;
- on SQLite each save runs in ``BEGIN IMMEDIATE``, which takes the database's write lock
  before reading the latest version, so writers queue for one another (waiting up to
  ``busy_timeout`` seconds) instead of failing with "database is locked". Reads use a plain
  ``BEGIN`` and do not block one another. The default rollback journal is kept (not WAL),
  because WAL does not work on network drives.

Names, descriptions and authors are only ever passed to the database as bound parameters.
A name is ordinary words ("Precept plus 12"), checked by :mod:`planlib.io.store_names`; two
names that differ only in case or spacing are one scenario, kept under its first spelling.

Examples
--------
>>> from planlib import Scenario, ScenarioStore
>>> store = ScenarioStore("sqlite://")  # in memory here; a file or PostgreSQL in practice
>>> scenario = Scenario(name="higher_precept", description="Band D +£15 each year",
...                     source="finance officer's proposal",
...                     changes={"finance.precept_increase": {"2022/23": 15}})
>>> store.save(scenario, author="A. Finance Officer")
1
>>> revised = scenario.model_copy(update={"description": "Band D +£15, revised"})
>>> store.save(revised, author="A. Finance Officer")
2
>>> store.list()[["name", "version", "author", "description"]]
             name  version              author            description
0  higher_precept        1  A. Finance Officer  Band D +£15 each year
1  higher_precept        2  A. Finance Officer   Band D +£15, revised
>>> store.load("higher_precept") == revised
True
>>> store.load("higher_precept", version=1) == scenario
True
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from planlib.errors import PlanError, StoreError
from planlib.io.store_location import default_url, make_sqlite_folder
from planlib.io.store_names import check_scenario_name, name_key
from planlib.io.store_table import (_WRITE_OPTION, TABLE_NAME, _check_author, _check_version,
                                    _is_transient, _ranges, _reason, _table)

if TYPE_CHECKING:  # SQLAlchemy loads when a store is opened, not when planlib is imported
    import sqlalchemy as sa

LIST_COLUMNS = ("name", "version", "author", "saved_at", "description")
"""The columns of :meth:`ScenarioStore.list`, in order."""

class ScenarioStore:
    """Versioned, shared storage of scenarios in an SQL database (SQLite or PostgreSQL).

    Parameters
    ----------
    url : str, optional
        An SQLAlchemy database URL; by default :func:`default_url` (``PLANLIB_STORE`` or the
        user's data folder).
    scenario_type : type, optional
        The scenario class kept (:attr:`scenario_type`); ``planlib.ScenarioStore`` keeps
        :class:`planlib.Scenario` objects.
    busy_timeout : float, optional
        SQLite only: seconds a writer waits for another writer's lock before giving up.
    save_attempts : int, optional
        How many times :meth:`save` tries when other writers keep taking the next version.

    Raises
    ------
    StoreError
        If the URL is not valid, its database driver is not installed, or the database cannot
        be opened.

    Examples
    --------
    >>> from planlib import Scenario, ScenarioStore
    >>> with ScenarioStore("sqlite://") as store:
    ...     store.list().columns.tolist()
    ['name', 'version', 'author', 'saved_at', 'description']
    """

    scenario_type: ClassVar[Any] = None
    """The scenario class saved and given back (:class:`planlib.Scenario` in ``planlib.ScenarioStore``):
    a pydantic record with ``name``, ``to_yaml()`` and ``from_yaml_text(text, display)``."""

    def __init__(self, url: str | None = None, *, scenario_type: Any = None, busy_timeout: float = 30.0,
                 save_attempts: int = 20) -> None:
        self._scenario_type = scenario_type or self.scenario_type
        if self._scenario_type is None:
            raise TypeError("a scenario store needs the scenario class it keeps: use planlib.ScenarioStore")
        import sqlalchemy as sa
        from sqlalchemy import exc as sa_exc

        if save_attempts < 1:
            raise ValueError("save_attempts must be at least 1")
        raw = default_url() if url is None else url
        try:
            parsed = sa.make_url(raw)
        except sa_exc.ArgumentError:
            raise StoreError(f"{raw!r} is not a database URL: expected one such as "
                             "sqlite:////path/to/scenarios.db or postgresql+psycopg://user@host/db") from None
        self._url = parsed
        self._save_attempts = save_attempts
        self._busy_timeout_ms = max(0, int(busy_timeout * 1000))
        self._sqlite = parsed.get_backend_name() == "sqlite"
        if self._sqlite:
            make_sqlite_folder(parsed.database)
        try:
            self._engine = sa.create_engine(parsed)
        except (ImportError, sa_exc.ArgumentError, sa_exc.NoSuchModuleError) as exc:
            raise StoreError(f"cannot open the scenario store {self.url}: {exc} "
                             "(is the database driver installed?)") from None
        if self._sqlite:
            sa.event.listen(self._engine, "connect", self._on_sqlite_connect)
            sa.event.listen(self._engine, "begin", self._on_sqlite_begin)
        self._create_table()

    # ------------------------------------------------------------------ set-up

    @property
    def url(self) -> str:
        """The database URL, with any password hidden."""
        return self._url.render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"ScenarioStore({self.url!r})"

    def close(self) -> None:
        """Close the store's database connections (it reopens them if used again)."""
        self._engine.dispose()

    def __enter__(self) -> ScenarioStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _on_sqlite_connect(self, dbapi_connection: Any, _record: Any) -> None:
        # Take over BEGIN from the sqlite3 module (which would not emit it for SELECT or DDL),
        # so that _on_sqlite_begin decides the kind of transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms:d}")
        finally:
            cursor.close()

    @staticmethod
    def _on_sqlite_begin(connection: sa.Connection) -> None:
        # A writer takes the write lock before it reads the latest version, so writers queue
        # (waiting up to busy_timeout) instead of failing on upgrade from a read lock.
        immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @contextmanager
    def _transaction(self, *, write: bool, action: str) -> Iterator[sa.Connection]:
        """A connection in a transaction, committed on success; database failures as StoreError."""
        from sqlalchemy import exc as sa_exc

        try:
            with self._engine.connect() as connection:
                if write:
                    connection.execution_options(**{_WRITE_OPTION: True})
                with connection.begin():
                    yield connection
        except sa_exc.DBAPIError as exc:
            if write and _is_transient(exc):
                raise  # the caller decides whether to try again
            raise StoreError(f"cannot {action} the scenario store {self.url}: {_reason(exc)}") from exc

    def _create_table(self) -> None:
        # Several processes may open a new store at once. On SQLite the check and the CREATE run
        # in one BEGIN IMMEDIATE transaction; on PostgreSQL the loser of the race fails and then
        # finds the table the winner made.
        from sqlalchemy import exc as sa_exc

        if self._table_exists():
            return  # the usual case: no need to take the write lock
        try:
            with self._transaction(write=True, action="open") as connection:
                _table().metadata.create_all(connection, checkfirst=True)
        except (sa_exc.DBAPIError, StoreError) as exc:
            if self._table_exists():
                return
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot open the scenario store {self.url}: {_reason(exc)}") from exc

    def _table_exists(self) -> bool:
        import sqlalchemy as sa
        from sqlalchemy import exc as sa_exc

        try:
            with self._engine.connect() as connection:
                return sa.inspect(connection).has_table(TABLE_NAME)
        except sa_exc.DBAPIError:
            return False  # _create_table reports the reason

    @staticmethod
    def _pause(attempt: int) -> None:
        # Full jitter so that writers that collided do not collide again in step.
        time.sleep(random.SystemRandom().uniform(0, min(0.5, 0.01 * 2**attempt)))

    # ------------------------------------------------------------------ saving

    def _next_version(self, connection: sa.Connection, name: str) -> int:
        import sqlalchemy as sa

        latest = connection.execute(
            sa.select(sa.func.max(_table().c.version)).where(_table().c.name == name)
        ).scalar_one()
        return (latest or 0) + 1

    def save(self, scenario: Any, author: str, *, name: str | None = None) -> int:
        """Store ``scenario`` as the next version of its name and return that version.

        Earlier versions are kept unchanged. Safe to call from several processes at once.

        Parameters
        ----------
        scenario : Scenario
            The scenario to keep; its YAML (:meth:`Scenario.to_yaml`) is stored.
        author : str
            Who is saving it: non-empty text of at most 200 characters on one line.
        name : str, optional
            The name to save it under, in ordinary words ("Precept plus 12"; see
            :mod:`planlib.io.store_names`); by default the scenario's own ``name``. A name that
            differs from a saved one only in case or spacing adds a version of the saved one,
            under its first spelling (:meth:`saved_name` says which).

        Returns
        -------
        int
            The version number given to this save: 1 for a new name, then 2, 3...

        Raises
        ------
        StoreError
            If the name or the author is not acceptable, the database cannot be written, or
            other writers kept taking the next version for ``save_attempts`` tries.

        Examples
        --------
        >>> from planlib import Scenario, ScenarioStore
        >>> store = ScenarioStore("sqlite://")
        >>> s = Scenario(name="grant_flat", description="Grant held flat", source="test")
        >>> store.save(s, author="J. Smith"), store.save(s, author="J. Smith")
        (1, 2)
        >>> store.save(s, author="J. Smith", name="Grant held  FLAT"), store.save(s, "J. Smith", name="Grant held flat")
        (1, 2)
        >>> store.save(s, author="  ")
        Traceback (most recent call last):
        ...
        planlib.errors.StoreError: author must not be empty: give the name of the person saving the scenario
        """
        import sqlalchemy as sa
        from sqlalchemy import exc as sa_exc

        if not isinstance(scenario, self._scenario_type):
            raise TypeError(f"save() takes a planlib Scenario, got {type(scenario).__name__}")
        author = _check_author(author)
        try:
            wanted = check_scenario_name(scenario.name if name is None else name)
        except ValueError as exc:
            raise StoreError(str(exc), name=name) from None
        text = scenario.to_yaml()
        try:
            readable = self._scenario_type.from_yaml_text(text, f"scenario {scenario.name}") == scenario
        except PlanError:
            readable = False
        if not readable:
            raise StoreError(f"scenario {scenario.name!r} does not read back unchanged from YAML, "
                             "so it was not saved", name=scenario.name)
        for attempt in range(self._save_attempts):
            try:
                with self._transaction(write=True, action="write to") as connection:
                    stored_name = self._same_name(connection, wanted) or wanted
                    version = self._next_version(connection, stored_name)
                    connection.execute(sa.insert(_table()).values(
                        name=stored_name,
                        version=version,
                        author=author,
                        saved_at=datetime.now(UTC),
                        description=scenario.description,
                        scenario_yaml=text,
                    ))
                return version
            except sa_exc.DBAPIError as exc:  # only transient errors reach here (see _transaction)
                last_error = exc
                if attempt + 1 < self._save_attempts:
                    self._pause(attempt)
        raise StoreError(
            f"could not save scenario {scenario.name!r} after {self._save_attempts} attempt"
            f"{'s' if self._save_attempts != 1 else ''} because "
            f"others were writing to the store at the same moment (last error: {_reason(last_error)}); "
            "please try again",
            name=scenario.name,
        ) from last_error

    @staticmethod
    def _same_name(connection: sa.Connection, name: str) -> str | None:
        """The saved name that ``name`` matches when case and spacing are ignored, if any."""
        import sqlalchemy as sa

        key = name_key(name)
        names = connection.execute(sa.select(_table().c.name).distinct()).scalars().all()
        if name in names:
            return name
        return next((saved for saved in sorted(names) if name_key(saved) == key), None)

    def saved_name(self, name: str) -> str | None:
        """The name a scenario called ``name`` is saved under (case and spacing ignored), or None.

        Examples
        --------
        >>> from planlib import Scenario, ScenarioStore
        >>> store = ScenarioStore("sqlite://")
        >>> _ = store.save(Scenario(name="p12", description="d", source="s"), "J. Smith", name="Precept plus 12")
        >>> store.saved_name("precept PLUS  12"), store.saved_name("Precept plus 13")
        ('Precept plus 12', None)
        """
        if not isinstance(name, str):
            return None
        with self._transaction(write=False, action="read") as connection:
            return self._same_name(connection, name)

    # ------------------------------------------------------------------ reading

    def list(self) -> pd.DataFrame:
        """Every saved version, one row each, sorted by name then version.

        Returns
        -------
        pandas.DataFrame
            Columns ``name, version, author, saved_at, description``; ``saved_at`` is a UTC
            timestamp. An empty store gives an empty frame with the same columns.

        Examples
        --------
        >>> from planlib import Scenario, ScenarioStore
        >>> ScenarioStore("sqlite://").list()
        Empty DataFrame
        Columns: [name, version, author, saved_at, description]
        Index: []
        """
        import sqlalchemy as sa

        query = sa.select(*(_table().c[column] for column in LIST_COLUMNS))
        with self._transaction(write=False, action="read") as connection:
            rows = connection.execute(query).all()
        frame = pd.DataFrame([tuple(row) for row in rows], columns=list(LIST_COLUMNS))
        frame = frame.astype({"name": "str", "version": "int64", "author": "str", "description": "str"})
        # SQLite hands back naive datetimes (stored as UTC); PostgreSQL hands back aware ones.
        frame["saved_at"] = pd.to_datetime(frame["saved_at"], utc=True).astype("datetime64[us, UTC]")
        # Sorted here rather than in SQL: database collations order text differently.
        return frame.sort_values(["name", "version"], kind="stable", ignore_index=True)

    def load(self, name: str, version: int | None = None) -> Any:
        """One saved scenario: the latest version of ``name``, or the version given.

        Parameters
        ----------
        name : str
            The name it was saved under (case and spacing do not count).
        version : int, optional
            Which version; the latest when omitted.

        Returns
        -------
        Scenario

        Raises
        ------
        StoreError
            If there is no such name or version; the message lists what the store holds.

        Examples
        --------
        >>> from planlib import Scenario, ScenarioStore
        >>> store = ScenarioStore("sqlite://")
        >>> _ = store.save(Scenario(name="grant_flat", description="Grant held flat", source="test"), "J. Smith")
        >>> store.load("grant_flat").description
        'Grant held flat'
        >>> store.load("grant_flat", version=4)
        Traceback (most recent call last):
        ...
        planlib.errors.StoreError: scenario 'grant_flat' has no version 4; its saved versions are 1
        >>> store.load("grant_up")
        Traceback (most recent call last):
        ...
        planlib.errors.StoreError: no saved scenario is named 'grant_up'; saved scenarios: grant_flat (version 1)
        """
        import sqlalchemy as sa

        if not isinstance(name, str):
            raise StoreError(f"a scenario name is text, got {type(name).__name__}")
        if version is not None:
            version = _check_version(name, version)
        with self._transaction(write=False, action="read") as connection:
            name = self._same_name(connection, name) or name
            query = sa.select(_table().c.version, _table().c.scenario_yaml).where(_table().c.name == name)
            query = query.order_by(_table().c.version.desc()).limit(1) if version is None \
                else query.where(_table().c.version == version)
            row = connection.execute(query).first()
            if row is None:
                raise self._missing(connection, name, version)
        return self._scenario_type.from_yaml_text(row.scenario_yaml, f"store:{name}@{row.version}")

    def _missing(self, connection: sa.Connection, name: str, version: int | None) -> StoreError:
        import sqlalchemy as sa

        versions = connection.execute(
            sa.select(_table().c.name, _table().c.version)
        ).all()
        held: dict[str, list[int]] = {}
        for held_name, held_version in versions:
            held.setdefault(held_name, []).append(held_version)
        if name in held:
            found = held[name]
            return StoreError(f"scenario {name!r} has no version {version}; its saved versions are "
                              f"{_ranges(found)}", name=name, version=version)
        if not held:
            return StoreError(f"no saved scenario is named {name!r}; the store {self.url} is empty",
                              name=name, version=version)
        shown = sorted(held)[:30]
        listing = ", ".join(
            f"{n} (version{'s' if len(held[n]) > 1 else ''} {_ranges(held[n])})" for n in shown
        )
        if len(held) > len(shown):
            listing += f" and {len(held) - len(shown)} more (see ScenarioStore.list())"
        return StoreError(f"no saved scenario is named {name!r}; saved scenarios: {listing}",
                          name=name, version=version)
