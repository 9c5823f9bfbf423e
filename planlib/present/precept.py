"""The precept schedule for a person: the text of ``planlib precept`` and its json.

The precept engine (:mod:`planlib.precept`) works the figures to the penny; this module writes
them: pounds and pence through :func:`planlib.formats.pounds` (``£1,234.50``, ``−£1.50``), tax
bases in Band D equivalents to two decimals.

>>> import planlib
>>> from planlib.precept import schedule
>>> years = schedule(planlib.load_plan(planlib.DEFAULT_PLAN), "2022/23")
>>> records(years)[0]["bands"]["A"], records(years)[0]["total_precept"]
(125.03, 137522537.9)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planlib.formats import pounds

if TYPE_CHECKING:
    from planlib.precept import PreceptYear


def records(years: list[PreceptYear]) -> list[dict[str, Any]]:
    """The schedule as ``planlib precept --format json`` prints it, one object per year, money in pounds:
    ``{year, band_d, bands: {A..H}, billing_authorities: [{name, tax_base, council_tax, collection_fund,
    precept}], tax_base, council_tax_requirement, collection_fund, total_precept, band_d_increase,
    referendum_limit, referendum_required}``.

    ``billing_authorities`` is empty in a year whose tax base is given as one total.

    >>> import planlib
    >>> from planlib.precept import schedule
    >>> first = records(schedule(planlib.load_plan(planlib.DEFAULT_PLAN)))[0]
    >>> first["year"], first["band_d"], first["billing_authorities"], first["referendum_required"]
    ('2021/22', 177.55, [], False)
    """
    return [
        {
            "year": str(y.year),
            "band_d": float(y.band_d),
            "bands": {band: float(amount) for band, amount in y.bands.items()},
            "billing_authorities": [
                {"name": a.name, "tax_base": a.tax_base, "council_tax": float(a.council_tax),
                 "collection_fund": float(a.collection_fund), "precept": float(a.precept)}
                for a in y.billing_authorities
            ],
            "tax_base": y.tax_base,
            "council_tax_requirement": float(y.council_tax_requirement),
            "collection_fund": float(y.collection_fund),
            "total_precept": float(y.total_precept),
            "band_d_increase": float(y.band_d_increase),
            "referendum_limit": float(y.referendum_limit),
            "referendum_required": y.referendum_required,
        }
        for y in years
    ]


def _base(value: float) -> str:
    return f"{value:,.2f}"


def year_text(y: PreceptYear) -> list[str]:
    """The lines of one year's schedule: Band D and the referendum check, bands A-H, billing authorities, totals.

    >>> import planlib
    >>> from planlib.precept import schedule
    >>> print("\\n".join(year_text(schedule(planlib.load_plan(planlib.DEFAULT_PLAN), "2021/22")[0])[:2]))
    Precept 2021/22
    Band D £177.55: an increase of £15.00 on the year before, within the referendum limit of £15.00
    """
    verdict = (f"ABOVE the referendum limit of {pounds(y.referendum_limit)}: a referendum would be required"
               if y.referendum_required else f"within the referendum limit of {pounds(y.referendum_limit)}")
    lines = [f"Precept {y.year}",
             f"Band D {pounds(y.band_d)}: an increase of {pounds(y.band_d_increase)} on the year before, {verdict}",
             "",
             "  " + "".join(f"{band:>11}" for band in y.bands),
             "  " + "".join(f"{pounds(amount):>11}" for amount in y.bands.values()),
             ""]
    width = max([len("billing authority"), len("total"), *(len(a.name) for a in y.billing_authorities)]) + 2
    if y.billing_authorities:
        lines.append(f"  {'billing authority':<{width}}{'tax base':>14}{'council tax':>18}"
                     f"{'collection fund':>17}{'precept':>18}")
        for a in y.billing_authorities:
            lines.append(f"  {a.name:<{width}}{_base(a.tax_base):>14}{pounds(a.council_tax):>18}"
                         f"{pounds(a.collection_fund):>17}{pounds(a.precept):>18}")
        council_tax = sum(a.council_tax for a in y.billing_authorities)
        lines.append(f"  {'total':<{width}}{_base(y.tax_base):>14}{pounds(council_tax):>18}"
                     f"{pounds(y.collection_fund):>17}{pounds(y.total_precept):>18}")
        if y.collection_fund != sum(a.collection_fund for a in y.billing_authorities):
            lines.append("  (the collection fund is given in total only, not by billing authority)")
        lines.append("")
    else:
        lines.append(f"  Tax base: {_base(y.tax_base)} Band D equivalents, given as one total (not by billing authority)")
    lines += [
        f"  Council tax requirement (Band D x tax base): {pounds(y.council_tax_requirement)}",
        f"  Collection fund surplus (+) or deficit (−):  {pounds(y.collection_fund)}",
        f"  Total precept:                               {pounds(y.total_precept)}",
    ]
    return lines


def text_table(years: list[PreceptYear], plan_name: str) -> str:
    """The precept schedule of each year, one block after another, for ``planlib precept``.

    Tax bases are in Band D equivalent properties; every amount is in pounds and pence,
    each billing authority's council tax rounded to the penny on its own.
    """
    lines = [f"{plan_name}: precept schedule (Band D, bands A-H, billing authorities; tax bases in Band D "
             "equivalents, amounts to the penny)", ""]
    for y in years:
        lines += year_text(y)
        lines.append("")
    return "\n".join(lines)
