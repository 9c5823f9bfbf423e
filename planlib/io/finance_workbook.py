"""A plan run with the finance a finance officer keeps in Excel: :func:`plan_with_finance_xlsx`.

The finance officer edits a copy of the finance template (:mod:`planlib.io.excel`) and wants
the plan's results with those figures, without Python (``planlib run PLAN --finance-xlsx FILE``).
:func:`write_plan_template` writes the plan's own template to start from;
:func:`plan_with_finance_xlsx` reads the workbook back against the plan's years, refuses a workbook written for another
period with one sentence that says so, puts the workbook's finance in place of the plan's and
runs the plan's cross-reference checks again, as applying a scenario does
(:meth:`planlib.Scenario.apply`). It lives in ``io`` because it opens a file; it sits beside
``io.excel`` rather than in it because it is about a plan, not about cells.

>>> import tempfile, pathlib, openpyxl, planlib
>>> from planlib.io.excel import write_finance_template
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> with tempfile.TemporaryDirectory() as folder:
...     path = pathlib.Path(folder) / "finance.xlsx"
...     write_finance_template(plan, path)
...     book = openpyxl.load_workbook(path)
...     book["series"]["E2"] = 600e6          # police_grant, 2023/24
...     book.save(path)
...     edited = plan_with_finance_xlsx(plan, path)
>>> edited.finance.police_grant.value("2023/24"), plan.finance.police_grant.value("2023/24")
(600000000.0, 580000000.0)
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from planlib.errors import PlanError, Problem
from planlib.io.problems import field_name
from planlib.model import reference_problems

if TYPE_CHECKING:
    from planlib.model import FinanceAssumptions, Plan

__all__ = ["plan_with_finance_xlsx", "write_plan_template"]

_TEMPLATE_HINT = "write this plan's own template with `planlib template PLAN --out FILE.xlsx` and copy the figures into it"


def plan_with_finance_xlsx(plan: Plan, path: str | os.PathLike[str]) -> Plan:
    """``plan`` with its finance assumptions replaced by those of a finance-template workbook.

    The workbook is read with the plan's years, so that a year left blank is named by its
    cell; a workbook whose years are not the plan's period is refused as a whole. The new plan
    is checked as a plan folder is on loading (its cross-references: a year outside the
    period, a tax base given twice...). The plan given is not changed.

    Parameters
    ----------
    plan : Plan
        The plan to run with the workbook's finance (its period gives the years wanted).
    path : str or os.PathLike
        The ``.xlsx`` workbook, laid out as the finance template.

    Returns
    -------
    Plan
        A new plan whose ``finance`` is the workbook's.

    Raises
    ------
    PlanError
        Listing every problem with the workbook: by sheet and cell (``series!E2``) for a bad
        cell or a missing sheet, by sheet and row name for a figure the plan's checks refuse,
        and one problem for a workbook written for another period.

    Examples
    --------
    >>> import tempfile, pathlib, planlib
    >>> from planlib.io.excel import write_finance_template
    >>> short = planlib.load_plan("tests/fixtures/minimal")          # 2021/22 to 2022/23
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)               # 2021/22 to 2024/25
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "short.xlsx"
    ...     write_finance_template(short, path)
    ...     try:
    ...         plan_with_finance_xlsx(plan, path)
    ...     except planlib.PlanError as exc:
    ...         print(exc.problems[0].message[:86])
    the workbook's figures are for 2021/22 to 2022/23, but the plan runs from 2021/22 to 2
    """
    from planlib.io.excel import load_finance_xlsx

    display = str(path)
    try:
        finance = load_finance_xlsx(path, years=plan.years)
    except PlanError as exc:
        try:
            loose = load_finance_xlsx(path)
        except PlanError:
            raise exc from None
        _refuse_other_period(display, loose, plan)  # the usual cause of missing years
        raise
    _refuse_other_period(display, finance, plan)
    changed = plan.model_copy(update={"finance": finance})
    problems = _new_reference_problems(display, plan, changed)
    if problems:
        raise PlanError(problems)
    return changed


def write_plan_template(plan: Plan, path: str | os.PathLike[str], *, replace: bool = False) -> None:
    """Write ``plan``'s finance as the finance template, never over a workbook someone has edited.

    Parameters
    ----------
    plan : Plan
        The plan whose finance to write (its period gives the year columns).
    path : str or os.PathLike
        The workbook to write; its name must end in ``.xlsx``.
    replace : bool, default False
        Replace ``path`` if it exists; otherwise an existing file is refused.

    Raises
    ------
    PlanError
        One problem naming ``path``: not an ``.xlsx`` name, already there, or not writable;
        or naming the finance when an assumption carries an ``id`` the template has no column for.

    Examples
    --------
    >>> import tempfile, pathlib, planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "finance.xlsx"
    ...     write_plan_template(plan, path)
    ...     try:
    ...         write_plan_template(plan, path)
    ...     except planlib.PlanError as exc:
    ...         print(exc.problems[0].message)
    the file exists: give another name, or replace it on purpose (planlib template --force)
    """
    from pathlib import Path

    from planlib.io.excel import write_finance_template

    display, target = str(path), Path(path)
    if target.suffix.casefold() != ".xlsx":
        raise PlanError([Problem(display, None, "", "a finance template is an Excel workbook: its name must end in .xlsx")])
    if target.exists() and not replace:
        raise PlanError([Problem(display, None, "", "the file exists: give another name, or replace it on purpose "
                                                    "(planlib template --force)")])
    try:
        write_finance_template(plan, target)
    except OSError as exc:
        raise PlanError([Problem(display, None, "", f"cannot write the workbook: {exc.strerror or exc}")]) from None
    except ValueError as exc:  # an assumption the template has no column for
        raise PlanError([Problem(display, None, "finance", str(exc))]) from None


def _refuse_other_period(display: str, finance: FinanceAssumptions, plan: Plan) -> None:
    """PlanError if the workbook's year columns hold figures outside the plan's period, or none
    at all for some of its years: the workbook was written for another plan or period."""
    given = sorted({year for series in finance.series().values() for year in series.values})
    wanted = list(plan.years)
    outside = [y for y in given if y not in wanted]
    absent = [y for y in wanted if y not in given]
    if not given or not (outside or absent):
        return
    span = f"{given[0]} to {given[-1]}" if len(given) > 1 else str(given[0])
    detail = (f"it has figures for {', '.join(map(str, outside))}, outside the plan's period" if outside
              else f"it has no figures for {', '.join(map(str, absent))}")
    raise PlanError([Problem(display, None, "", (
        f"the workbook's figures are for {span}, but the plan runs from {plan.period.first} to "
        f"{plan.period.last} ({detail}): it was written for another period; {_TEMPLATE_HINT}"))])


def _sheet_of(loc: tuple[str | int, ...], finance: FinanceAssumptions) -> tuple[str, str] | None:
    """The template sheet and row name a location under ``finance`` is about, if the template has one."""
    from planlib.io.excel.layout import (COLLECTION_FUND_BY_AUTHORITY, OTHER_GRANTS, SERIES, SERIES_FIELDS,
                                         TAX_BASE_BY_AUTHORITY, VALUE_FIELDS, VALUES)

    if len(loc) < 2 or loc[0] != "finance":
        return None
    name = str(loc[1])
    if name == "other_grants" and len(loc) > 2:
        return OTHER_GRANTS, str(loc[2])
    if name == "billing_authorities" and len(loc) > 3 and isinstance(loc[2], int) and loc[2] < len(
            finance.billing_authorities):
        sheet = COLLECTION_FUND_BY_AUTHORITY if loc[3] == "collection_fund" else TAX_BASE_BY_AUTHORITY
        return sheet, finance.billing_authorities[loc[2]].name
    if name in SERIES_FIELDS:
        return SERIES, name
    if name in VALUE_FIELDS:
        return VALUES, name
    return None


def _new_reference_problems(display: str, plan: Plan, changed: Plan) -> list[Problem]:
    """The cross-reference problems of ``changed`` that ``plan`` does not have, named in the workbook's terms."""
    found = reference_problems(changed)
    if not found:
        return []
    before = set(reference_problems(plan))
    raw = changed.model_dump(mode="json")
    problems = []
    for loc, message in found:
        if (loc, message) in before:
            continue
        where = _sheet_of(loc, changed.finance)
        if where is not None:
            sheet, row = where
            problems.append(Problem(display, None, sheet, f"{row}: {message}"))
        else:
            problems.append(Problem(display, None, field_name(loc, raw), message))
    return problems

