"""A plan's objectives, commitments and statutory functions as tables for a reader.

:func:`objectives_table` and :func:`commitments_table` give
DataFrames with snake_case columns and raw numbers (for code and charts); :func:`for_display`
writes such a table for a reader (labels, "Yes"/"No", thousands separators, headings) and
:func:`to_html` as an escaped HTML ``<table>``. The cost of each commitment by year is
:func:`planlib.finance.commitment_costs`.

>>> import planlib
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> len(commitments_table(plan)) == len(plan.commitments)
True
"""

from __future__ import annotations

import html

import pandas as pd

from planlib.finance import commitment_costs
from planlib.model import Plan
from planlib.present.labels import COLUMN_LABELS, COMMISSIONING_LABELS, OWNER_LABELS, WORKSTREAM_LABELS

COMMITMENT_SUMMARY_COLUMNS = [
    "commitment", "section_number", "workstream", "owner", "commissioning", "mandatory",
    "enabled", "revenue_gbp", "capital_gbp", "peak_officer_fte",
]
"""The columns of :func:`commitments_table` that an overview shows (one screen wide)."""

OBJECTIVE_SUMMARY_COLUMNS = ["section_number", "section", "objective"]
"""The columns of :func:`objectives_table` that an overview shows."""


def objectives_table(plan: Plan) -> pd.DataFrame:
    """The plan's objectives with the section each belongs to.

    Parameters
    ----------
    plan : Plan

    Returns
    -------
    pandas.DataFrame
        One row per objective, ordered by section number then as in the plan, with columns
        ``section_number``, ``section`` (its title), ``objective_id`` and ``objective`` (its
        title).

    Examples
    --------
    >>> import planlib
    >>> table = objectives_table(planlib.load_plan(planlib.DEFAULT_PLAN))
    >>> list(table.columns)
    ['section_number', 'section', 'objective_id', 'objective']
    >>> table["section_number"].is_monotonic_increasing
    True
    """
    sections = {s.id: s for s in plan.sections}
    rows = [
        {
            "section_number": sections[o.section].number,
            "section": sections[o.section].title,
            "objective_id": o.id,
            "objective": o.title,
        }
        for o in plan.objectives
    ]
    table = pd.DataFrame(rows, columns=["section_number", "section", "objective_id", "objective"])
    table = table.sort_values("section_number", kind="stable", ignore_index=True)
    return table.astype({"section_number": "int64"})


def commitments_table(plan: Plan) -> pd.DataFrame:
    """The plan's commitments with where they sit in the plan and what they cost in total.

    Parameters
    ----------
    plan : Plan

    Returns
    -------
    pandas.DataFrame
        One row per commitment, in the plan's order, with columns ``commitment_id``,
        ``commitment`` (its title), ``section_number``, ``section``, ``objective_id``,
        ``objective``, ``workstream``, ``owner``, ``commissioning``, ``mandatory``,
        ``enabled``, ``revenue_gbp`` and ``capital_gbp`` (totals over the plan period, in
        pounds) and ``peak_officer_fte`` (the most police officer posts in any one year).

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> table = commitments_table(plan)
    >>> list(table.columns[:3])
    ['commitment_id', 'commitment', 'section_number']
    >>> total = commitment_costs(plan).query("measure == 'revenue_gbp'")["value"].sum()
    >>> bool(abs(table["revenue_gbp"].sum() - total) < 0.01)
    True
    """
    sections = {s.id: s for s in plan.sections}
    objectives = {o.id: o for o in plan.objectives}
    costs = commitment_costs(plan)
    totals = costs.pivot_table(index="commitment_id", columns="measure", values="value", aggfunc="sum")
    peaks = costs.query("measure == 'officer_fte'").groupby("commitment_id")["value"].max()
    rows = []
    for c in plan.commitments:
        objective = objectives[c.objective_id]
        section = sections[objective.section]
        rows.append(
            {
                "commitment_id": c.id,
                "commitment": c.title,
                "section_number": section.number,
                "section": section.title,
                "objective_id": objective.id,
                "objective": objective.title,
                "workstream": c.workstream,
                "owner": c.owner,
                "commissioning": c.commissioning,
                "mandatory": c.mandatory,
                "enabled": c.enabled,
                "revenue_gbp": float(totals.at[c.id, "revenue_gbp"]),
                "capital_gbp": float(totals.at[c.id, "capital_gbp"]),
                "peak_officer_fte": float(peaks[c.id]),
            }
        )
    columns = [
        "commitment_id", "commitment", "section_number", "section", "objective_id", "objective",
        "workstream", "owner", "commissioning", "mandatory", "enabled",
        "revenue_gbp", "capital_gbp", "peak_officer_fte",
    ]
    table = pd.DataFrame(rows, columns=columns)
    return table.astype(
        {
            "section_number": "int64",
            "mandatory": "bool",
            "enabled": "bool",
            "revenue_gbp": "float64",
            "capital_gbp": "float64",
            "peak_officer_fte": "float64",
        }
    )


def for_display(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table from this module, written for a reader.

    Workstreams, commissioning approaches and owners named by id (:data:`OWNER_LABELS`) get
    their labels, flags become "Yes"/"No", money
    is shown in whole pounds with thousands separators, FTE to one decimal place, and columns
    get the headings in :data:`COLUMN_LABELS`. The result is text, for showing, not sums.

    Examples
    --------
    >>> raw = pd.DataFrame({"workstream": ["police_collaboration"], "mandatory": [True],
    ...                     "revenue_gbp": [1234567.4], "peak_officer_fte": [12.0]})
    >>> for_display(raw).to_dict("records")
    [{'Workstream': 'Police collaboration', 'Statutory duty': 'Yes', 'Revenue (£)': '1,234,567', 'Peak officers (FTE)': '12.0'}]
    """
    shown = table.copy()
    for column in shown.columns:
        if column == "workstream":
            shown[column] = shown[column].map(WORKSTREAM_LABELS).fillna(shown[column])
        elif column == "owner":
            shown[column] = shown[column].map(lambda owner: OWNER_LABELS.get(owner, owner))
        elif column == "commissioning":
            shown[column] = shown[column].map(COMMISSIONING_LABELS).fillna(shown[column])
        elif column in ("mandatory", "enabled"):
            shown[column] = shown[column].map({True: "Yes", False: "No"})
        elif column.endswith("_gbp"):
            shown[column] = shown[column].map(lambda x: f"{x:,.0f}")
        elif column.endswith("_fte"):
            shown[column] = shown[column].map(lambda x: f"{x:,.1f}")
    return shown.rename(columns=COLUMN_LABELS)


def to_html(table: pd.DataFrame, columns: list[str] | None = None) -> str:
    """A table from this module as an HTML ``<table>``, written for a reader.

    Parameters
    ----------
    table : pandas.DataFrame
        A table from this module (snake_case column names).
    columns : list of str, optional
        The columns to show, in this order; all of them by default.

    Returns
    -------
    str
        HTML of a ``<table class="planlib-table">`` without an index column, formatted by
        :func:`for_display`; cells of numeric columns have ``class="num"`` (to align them
        right). Every cell is escaped, so text from a plan file cannot inject markup.

    Examples
    --------
    >>> raw = pd.DataFrame({"commitment": ["<b>Safer streets</b>"], "revenue_gbp": [2.5e6]})
    >>> print(to_html(raw))
    <table class="planlib-table">
    <thead><tr><th>Commitment</th><th class="num">Revenue (£)</th></tr></thead>
    <tbody>
    <tr><td>&lt;b&gt;Safer streets&lt;/b&gt;</td><td class="num">2,500,000</td></tr>
    </tbody>
    </table>
    """
    raw = table if columns is None else table[columns]
    numeric = [
        pd.api.types.is_numeric_dtype(raw[c]) and not pd.api.types.is_bool_dtype(raw[c])
        for c in raw.columns
    ]
    shown = for_display(raw)

    def cell(tag: str, text: object, is_number: bool) -> str:
        attr = ' class="num"' if is_number else ""
        return f"<{tag}{attr}>{html.escape(str(text))}</{tag}>"

    head = "".join(cell("th", c, n) for c, n in zip(shown.columns, numeric))
    body = [
        "<tr>" + "".join(cell("td", v, n) for v, n in zip(row, numeric)) + "</tr>"
        for row in shown.itertuples(index=False)
    ]
    return "\n".join(
        ['<table class="planlib-table">', f"<thead><tr>{head}</tr></thead>", "<tbody>", *body,
         "</tbody>", "</table>"]
    )
