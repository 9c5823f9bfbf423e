"""The layout of the finance template: its sheets, their columns, and which finance fields go where.

Shared by the writer (:mod:`planlib.io.excel.template`) and the reader
(:mod:`planlib.io.excel.reading`), so that what one writes the other reads.

>>> DATA_SHEETS, AUTHORITY_SHEETS
(('settings', 'series', 'other_grants', 'values', 'year_details'), ('tax_base_by_authority', 'collection_fund_by_authority'))
>>> SERIES_FIELDS[:2], "tax_base" in OPTIONAL_SERIES, "cost_per_officer" in VALUE_FIELDS
(('police_grant', 'former_dclg_grant'), True, True)
"""

from __future__ import annotations

import re
import typing
from typing import Any

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
TAX_BASE_BY_AUTHORITY = "tax_base_by_authority"
COLLECTION_FUND_BY_AUTHORITY = "collection_fund_by_authority"
AUTHORITY_SHEETS = (TAX_BASE_BY_AUTHORITY, COLLECTION_FUND_BY_AUTHORITY)
"""Sheets read when present (a workbook without them has no billing authorities): one row per
billing authority, laid out as the ``series`` sheet and named by the authority."""

STATUSES: tuple[str, ...] = typing.get_args(Status)
"""The statuses a figure may have (verified, estimate, illustrative, unverified)."""
DISTRIBUTIONS: tuple[str, ...] = typing.get_args(Distribution)
"""The distributions an interval may be given (normal, lognormal, uniform, triangular)."""
GRANT_PREFIX = "other_grants."
"""How a grant is named on the ``year_details`` sheet: ``other_grants.<name>``."""
ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$")
"""A grant's name: a letter, then letters, digits, ``_``, ``-`` or ``.`` (at most 64)."""


def _kind(annotation: Any) -> Any:
    """The type of a field, without the ``| None`` of an optional one."""
    args = typing.get_args(annotation)
    if type(None) in args:
        (kind,) = [a for a in args if a is not type(None)]
        return kind
    return annotation


def _fields_of(*kinds: type) -> tuple[str, ...]:
    return tuple(
        name for name, info in FinanceAssumptions.model_fields.items() if _kind(info.annotation) in kinds
    )


SERIES_FIELDS = _fields_of(YearSeries, SignedYearSeries)
"""FinanceAssumptions fields held on the ``series`` sheet, in model order."""
OPTIONAL_SERIES = frozenset(
    name for name in SERIES_FIELDS if not FinanceAssumptions.model_fields[name].is_required()
)
"""Series a workbook may leave out: the optional funding lines, the total tax base (a plan may
give it by billing authority instead) and the total collection fund."""
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
