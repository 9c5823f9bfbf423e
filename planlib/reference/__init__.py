"""Reference data packaged with planlib (see README.md in this folder for sources)."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def statutory_requirements() -> tuple[dict[str, str], ...]:
    """The statutory requirements of a Police and Crime Plan, one dict per row.

    Columns: ``id, kind, requirement, basis``; kinds are ``plan_content`` (s.7(1)(a)-(f)),
    ``function`` (f01-f14), ``process`` (p01-p06) and ``equality`` (e01).

    >>> ids = [r["id"] for r in statutory_requirements()]
    >>> ids[:3], "f14" in ids
    (['s7a', 's7b', 's7c'], True)
    """
    text = resources.files(__name__).joinpath("statutory_plan_requirements.csv").read_text("utf-8")
    return tuple(csv.DictReader(text.splitlines()))


def statutory_function_ids() -> frozenset[str]:
    """Ids of the Commissioner's statutory and other functions (f01-f14).

    >>> sorted(statutory_function_ids())[:2]
    ['f01', 'f02']
    """
    return frozenset(r["id"] for r in statutory_requirements() if r["kind"] == "function")


def _rows(name: str) -> tuple[dict[str, str], ...]:
    text = resources.files(__name__).joinpath(name).read_text("utf-8")
    return tuple(csv.DictReader(text.splitlines()))


@cache
def discount_schedule() -> tuple[dict[str, str], ...]:
    """The Green Book discount-rate schedule: ``from_year, to_year, standard, health, ...``.

    >>> discount_schedule()[0]["standard"], discount_schedule()[1]["from_year"]
    ('0.035', '31')
    """
    return _rows("green_book_discount_rates.csv")


@cache
def optimism_bias_generic() -> tuple[dict[str, str], ...]:
    """The Green Book's generic optimism-bias table (upper and lower bounds by project type).

    >>> [r["capex_upper"] for r in optimism_bias_generic()][:2]
    ['0.51', '0.24']
    """
    return _rows("green_book_optimism_bias_generic.csv")
