"""The scenario store's table, and the checks and database errors around it.

The table is defined on first use, so that SQLAlchemy loads only when a store is opened.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from planlib.errors import StoreError

if TYPE_CHECKING:
    import sqlalchemy as sa
    from sqlalchemy import exc as sa_exc

__all__ = ["MAX_AUTHOR_LENGTH", "TABLE_NAME"]

MAX_AUTHOR_LENGTH = 200
"""Longest author accepted, in characters."""

TABLE_NAME = "planlib_scenarios"

@cache
def _table() -> sa.Table:
    """The scenarios table (defined on first use, so that SQLAlchemy loads only with a store)."""
    import sqlalchemy as sa

    return sa.Table(
        TABLE_NAME,
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("author", sa.String(MAX_AUTHOR_LENGTH), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("scenario_yaml", sa.Text, nullable=False),
        # The guarantee that no two writers store the same version of a scenario.
        sa.UniqueConstraint("name", "version", name="uq_planlib_scenarios_name_version"),
        sa.CheckConstraint("version >= 1", name="ck_planlib_scenarios_version_positive"),
    )


# Execution option that marks a connection whose transaction will write (BEGIN IMMEDIATE on SQLite).
_WRITE_OPTION = "planlib_store_write"


def _check_author(author: Any) -> str:
    if not isinstance(author, str):
        raise StoreError(f"author must be text (the name of the person saving), got {type(author).__name__}")
    cleaned = author.strip()
    if not cleaned:
        raise StoreError("author must not be empty: give the name of the person saving the scenario")
    if len(cleaned) > MAX_AUTHOR_LENGTH:
        raise StoreError(f"author is {len(cleaned)} characters long; at most {MAX_AUTHOR_LENGTH} are allowed")
    if any(ch < " " or ch == "\x7f" for ch in cleaned):
        raise StoreError("author must be a single line of text without control characters")
    return cleaned


MAX_VERSION = 2**31 - 1
"""The highest version number the store can hold (its column is a 32-bit integer in PostgreSQL)."""


def _check_version(name: str, version: Any) -> int:
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_VERSION:
        shown = f"{version!r}" if not isinstance(version, int) or abs(version) < 10**20 else "a number far larger"
        raise StoreError(f"version must be a whole number from 1 to {MAX_VERSION:,}, got {shown}", name=name)
    return version


def _ranges(numbers: Iterable[int]) -> str:
    """Whole numbers written compactly: ``[1, 2, 3, 5]`` as ``"1-3, 5"``.

    >>> _ranges([5, 1, 3, 2])
    '1-3, 5'
    """
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(str(first) if first == last else f"{first}-{last}" for first, last in runs)


def _reason(error: sa_exc.DBAPIError) -> str:
    """The database's own message, first line only (PostgreSQL adds DETAIL and HINT lines)."""
    text = str(error.orig).strip()
    return text.splitlines()[0] if text else type(error.orig).__name__


def _is_transient(error: sa_exc.DBAPIError) -> bool:
    """Whether a database error means "another writer got there first; try again"."""
    from sqlalchemy import exc as sa_exc

    if isinstance(error, sa_exc.IntegrityError):
        return True
    if isinstance(error, sa_exc.OperationalError):
        text = str(error.orig).lower()
        # SQLite: the busy timeout ran out. PostgreSQL: serialisation failure or deadlock.
        code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        return "database is locked" in text or "database is busy" in text or code in ("40001", "40P01")
    return False
