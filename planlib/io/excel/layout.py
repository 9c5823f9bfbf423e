"""The layout of the finance template: its sheets, their columns, and which finance fields go where.

Shared by the writer (:mod:`planlib.io.excel.template`) and the reader
(:mod:`planlib.io.excel.reading`), so that what one writes the other reads.

>>> DATA_SHEETS
('settings', 'series', 'other_grants', 'values', 'year_details')
>>> SERIES_FIELDS[:2], "tax_base" in SERIES_FIELDS, "cost_per_officer" in VALUE_FIELDS
(('police_grant', 'precept_increase'), True, True)
"""

from __future__ import annotations

import re
import typing

from planlib.model import DatedValue, Distribution, FinanceAssumptions, Quantity, SignedYearSeries, YearSeries
from planlib.types import Status

SETTINGS = "settings"
SERIES = "series"
OTHER_GRANTS = "other_grants"
VALUES = "values"
YEAR_DETAILS = "year_details"
README = "README"
DATA_SHEETS = (SETTINGS, SERIES, OTHER_GRANTS, VALUES, YEAR_DETAILS)
"""The sheets :func:`load_finance_xlsx` reads; every one must be present."""

STATUSES: tuple[str, ...] = typing.get_args(Status)
"""The statuses a figure may have (verified, estimate, illustrative, unverified)."""
DISTRIBUTIONS: tuple[str, ...] = typing.get_args(Distribution)
"""The distributions an interval may be given (normal, lognormal, uniform, triangular)."""
GRANT_PREFIX = "other_grants."
"""How a grant is named on the ``year_details`` sheet: ``other_grants.<name>``."""
ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$")
"""A grant's name: a letter, then letters, digits, ``_``, ``-`` or ``.`` (at most 64)."""


def _fields_of(*kinds: type) -> tuple[str, ...]:
    return tuple(
        name for name, info in FinanceAssumptions.model_fields.items() if info.annotation in kinds
    )


SERIES_FIELDS = _fields_of(YearSeries, SignedYearSeries)
"""FinanceAssumptions fields held on the ``series`` sheet, in model order."""
VALUE_FIELDS = _fields_of(Quantity, DatedValue)
"""FinanceAssumptions fields held on the ``values`` sheet, in model order."""
DATED_FIELDS = frozenset(_fields_of(DatedValue))
"""Values that belong to a financial year (their ``year`` cell is required)."""
SIGNED_FIELDS = frozenset(_fields_of(SignedYearSeries))
"""Series that may be negative."""

SERIES_LEFT = ("name", "unit")
SERIES_RIGHT = ("status", "confidence", "source", "description")
VALUES_COLUMNS = ("name", "year", "value", "low", "high", "distribution", "unit", "status",
                  "confidence", "source", "description")
DETAIL_COLUMNS = ("series", "year", "low", "high", "distribution", "status", "confidence",
                  "source", "description")
SETTINGS_COLUMNS = ("setting", "value", "meaning")
OPTIONAL_COLUMNS = frozenset({"description", "low", "high", "distribution", "meaning"})
"""Columns a sheet may leave out."""
SETTINGS_MEANING = {
    "price_base_year": "the financial year whose prices baseline_force_costs are given in "
                       "(the finance engine uprates them by non_pay_inflation in later years)",
}
"""Each setting of the ``settings`` sheet and what it means."""
