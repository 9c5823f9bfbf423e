"""The annual report command: ``planlib annual-report [PLAN] --year Y --out DIR [--pdf]``.

Importing this module registers the command with the ``planlib`` group. The plan is read and
the year checked before any kernel starts: an invalid plan exits 1 with its problems, a year
outside the plan exits 2 naming the plan's years.
"""

from __future__ import annotations

from pathlib import Path

import click

from planlib.cli.base import PDF_OPTION, PLAN_ARGUMENT, _friendly, _load, _shown, main


@main.command("annual-report")
@PLAN_ARGUMENT
@click.option("--year", required=True, metavar="YYYY/YY",
              help="The financial year to report on, such as 2022/23 (a year of the plan).")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the report (created if missing).")
@PDF_OPTION
@_friendly
def annual_report_command(plan: Path | None, year: str, out_dir: Path, pdf: bool) -> None:
    """The annual report of year Y: progress against the objectives and equality objectives, every KPI
    figure with its status and commentary, spend against plan, grants paid and the National Crime and
    Policing Measures statement: OUT/annual_report_<year>.ipynb, .html and, with --pdf, .pdf."""
    from planlib.reports.annual_report import write_annual_report
    from planlib.types import FinancialYear

    loaded = _load(plan)  # clear errors before any kernel starts
    try:
        wanted = FinancialYear(year.strip())
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--year") from None
    if wanted not in loaded.years:
        raise click.BadParameter(f"{wanted} is not a year of the plan ({loaded.period.first} to "
                                 f"{loaded.period.last})", param_hint="--year")
    for path in write_annual_report(_shown(plan), str(wanted), out_dir, pdf=pdf):
        click.echo(f"wrote {path}", err=True)
