"""Commands on a plan and its money: validate, run, appraise, template, precept, check, new."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from planlib.errors import PlanError
from planlib.present.text import json_text

if TYPE_CHECKING:
    pass

from planlib.cli.base import (FINANCE_XLSX_OPTION, FORMAT_OPTION, PLAN_ARGUMENT, _friendly, _load,
                               _plan_and_scenario, _scenario_option, _scenarios, _seed, _shown, _table_or_json, main)


@main.command("validate")
@PLAN_ARGUMENT
@_friendly
def validate_command(plan: Path | None) -> None:
    """Check a plan folder and list every problem as file:line: field: message.

    Exits 1 if there is any problem, 0 if the plan is valid.
    """
    from planlib.io.plan_folder import load_folder, side_file_names
    from planlib.present.text import plan_is_valid, problems_found

    shown = _shown(plan)
    try:
        folder = load_folder(shown)
    except PlanError as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        click.echo(problems_found(shown, len(exc.problems)), err=True)
        sys.exit(1)
    click.echo(plan_is_valid(shown, folder.plan, side_file_names(folder)))


@main.command("run")
@PLAN_ARGUMENT
@click.option("-s", "--scenario", "scenario_files", multiple=True, type=click.Path(path_type=Path),
              help="A scenario file (YAML); repeat for several.")
@FORMAT_OPTION
@click.option("--xlsx", "xlsx_out", type=click.Path(path_type=Path), default=None,
              help="Also write an Excel workbook: a sheet per scenario and a comparison sheet.")
@FINANCE_XLSX_OPTION
@_friendly
def run_command(plan: Path | None, scenario_files: tuple[Path, ...], output_format: str, xlsx_out: Path | None,
                finance_xlsx: Path | None) -> None:
    """The medium-term financial plan for the baseline and each scenario."""
    from planlib.present.finance import finance_table
    from planlib.present.text import table_csv, table_json
    from planlib.results import compare

    loaded = _load(plan, finance_xlsx)
    table = compare(loaded, _scenarios(scenario_files, loaded))
    if output_format == "csv":
        click.echo(table_csv(table), nl=False)
    elif output_format == "json":
        click.echo(table_json(table))
    else:
        click.echo(finance_table(table, loaded.name))
    if xlsx_out is not None:
        from planlib.io.excel import write_results_xlsx

        try:
            write_results_xlsx(table, xlsx_out, plan=loaded)
        except OSError as exc:
            raise click.ClickException(f"cannot write {xlsx_out}: {exc.strerror or exc}") from None
        click.echo(f"wrote {xlsx_out}", err=True)


@main.command("appraise")
@PLAN_ARGUMENT
@_scenario_option("A scenario file (YAML) to apply first.")
@click.option("--samples", type=click.IntRange(100, 5_000_000), default=None,
              help="Monte Carlo draws (default 10,000).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Random seed (default 20211122): the same seed gives the same output, byte for byte.")
@FORMAT_OPTION
@FINANCE_XLSX_OPTION
@_friendly
def appraise_command(plan: Path | None, scenario_file: Path | None, samples: int | None, seed: int | None,
                     output_format: str, finance_xlsx: Path | None) -> None:
    """Net benefit of the commitments whose benefits are valued, with 90% intervals and the financial
    and economic cases; the cost of the others and what each would need to achieve. Never a sum of both."""
    from planlib.appraisal import appraisal_cases, appraise
    from planlib.cli.analysis_commands import progress_bar
    from planlib.present.appraisal import appraisal_rows, cases_text
    from planlib.present.labels import commitment_titles
    from planlib.present.text import table_csv, table_json
    from planlib.uncertainty import DEFAULT_SAMPLES

    _shown_plan, _baseline, loaded, name = _plan_and_scenario(plan, scenario_file, finance_xlsx)
    samples = DEFAULT_SAMPLES if samples is None else samples
    seed = _seed(seed)
    with progress_bar() as progress:
        if output_format == "table":
            cases = appraisal_cases(loaded, samples, seed, progress)
        else:
            table = appraise(loaded, name, samples, seed, progress)
    if output_format == "table":
        click.echo(cases_text(cases, loaded.name, name, commitment_titles(loaded)))
        return
    rows = appraisal_rows(table)
    if output_format == "csv":
        click.echo(table_csv(rows, float_format="%.10g"), nl=False)
    else:
        click.echo(table_json(rows, digits=10))


@main.command("template")
@PLAN_ARGUMENT
@click.option("--out", "out_file", required=True, type=click.Path(path_type=Path, dir_okay=False), metavar="FILE.xlsx",
              help="The workbook to write.")
@click.option("--force", is_flag=True, help="Replace FILE.xlsx if it exists.")
@_friendly
def template_command(plan: Path | None, out_file: Path, force: bool) -> None:
    """Write the plan's finance as the Excel finance template, to edit and run with --finance-xlsx."""
    import shlex

    from planlib.io.finance_workbook import write_plan_template

    write_plan_template(_load(plan), out_file, replace=force)
    where = "" if plan is None else f" {shlex.quote(str(plan))}"
    click.echo(f"wrote {out_file}; edit it in Excel, then: planlib run{where} --finance-xlsx {shlex.quote(str(out_file))}",
               err=True)


@main.command("precept")
@PLAN_ARGUMENT
@click.option("--year", default=None, metavar="YYYY/YY", help="One financial year of the plan (default: every year).")
@_table_or_json("table: readable; json: a list (one per year) of {year, band_d, bands, billing_authorities, "
                "council_tax_requirement, total_precept, ...} in pounds.")
@_friendly
def precept_command(plan: Path | None, year: str | None, output_format: str) -> None:
    """The precept schedule: Band D, bands A-H, each billing authority's tax base and precept, the totals."""
    from planlib.precept import schedule
    from planlib.present.precept import records, text_table
    from planlib.types import FinancialYear

    loaded = _load(plan)
    if year is not None:
        try:
            wanted = FinancialYear(year.strip())
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--year") from None
        if wanted not in loaded.years:
            raise click.BadParameter(f"{wanted} is not a year of the plan ({loaded.period.first} to "
                                     f"{loaded.period.last})", param_hint="--year")
        year = str(wanted)
    years = schedule(loaded, year)
    if output_format == "json":
        click.echo(json_text(records(years), ascii=False))
    else:
        click.echo(text_table(years, loaded.name))


@main.command("check")
@PLAN_ARGUMENT
@_table_or_json("table: readable; json: a list of {id, kind, requirement, basis, status, evidence, missing, note}.")
@click.option("--panel-notice-days", type=click.IntRange(0, 365), default=None,
              help="Days before its meeting the Panel must have the draft (p03). The statute sets no number; "
                   "default: the plan's panel_notice, else 14.")
@_friendly
def check_command(plan: Path | None, output_format: str, panel_notice_days: int | None) -> None:
    """Statutory compliance: every requirement with its evidence; exit 1 if any is not met."""
    from planlib.compliance import all_met, check
    from planlib.io.side_files import panel_response_if_any
    from planlib.present.compliance import format_results

    loaded = _load(plan)
    results = check(loaded, panel_notice_days=panel_notice_days,
                    panel_response=panel_response_if_any(_shown(plan), loaded))
    if output_format == "json":
        click.echo(json_text([r.as_dict() for r in results]))
    else:
        click.echo(format_results(results, loaded.name))
    if not all_met(results):
        sys.exit(1)


@main.command("new")
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--area", required=True, help="The police area, as the plan's title names it.")
@click.option("--first-year", default=None, metavar="YYYY/YY", help="e.g. 2021/22 or 2021 (default: the current year).")
@click.option("--years", type=int, default=4, show_default=True, help="Financial years the plan covers (1 to 10).")
@click.option("--billing-authority", "billing_authorities", multiple=True, metavar="NAME",
              help="A council that collects council tax for the area; repeat for each (none: one total tax base).")
@_friendly
def new_command(directory: Path, area: str, first_year: str | None, years: int, billing_authorities: tuple[str, ...]) -> None:
    """Create a plan folder DIR that validates, every number a placeholder, and print what is left to fill.

    DIR must be new or empty: nothing is ever overwritten (exit 1). A bad option exits 2."""
    from planlib.io import load_plan
    from planlib.io.new_plan import new_plan_folder, new_plan_settings
    from planlib.present.new_plan import new_plan_text

    try:
        settings = new_plan_settings(area, first_year, years, billing_authorities)
    except PlanError as exc:
        lines = [f"--{p.field.replace('_', '-')}: {p.message}" for p in exc.problems]
        raise click.UsageError("\n".join(lines), ctx=click.get_current_context()) from None
    click.echo(new_plan_text(load_plan(new_plan_folder(directory, settings)), str(directory)))
