"""The ``planlib`` command line: parse the arguments, call planlib, print what planlib.present writes.

Exit codes: 0 success; 1 invalid input (a clear message naming file, line and field, never a
traceback); 2 wrong usage. ``--debug`` shows the traceback of an unexpected error.

Each command imports what it needs when it runs, so that ``planlib --help`` loads click and
little else.
"""

from __future__ import annotations

import functools
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from planlib import __version__
from planlib.errors import PlanError, PlanlibError
from planlib.present.text import display_path, json_text

if TYPE_CHECKING:
    from planlib.model import Plan
    from planlib.scenario import Scenario


def _friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn planlib errors into a message and exit code 1; hide tracebacks unless --debug."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return command(*args, **kwargs)
        except PlanlibError as exc:
            if debug:
                traceback.print_exc()
            click.echo(str(exc), err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
            if debug:
                traceback.print_exc()
            click.echo(f"planlib: unexpected error: {type(exc).__name__}: {exc}", err=True)
            click.echo("Run again with --debug for the details, and please report it.", err=True)
            sys.exit(1)

    return wrapper


def _shown(plan: Path | None) -> str:
    """The plan folder as the user gave it, or the embedded example as a path they could type."""
    if plan is not None:
        return str(plan)
    from planlib.io.paths import DEFAULT_PLAN

    return display_path(DEFAULT_PLAN)


def _load(plan: Path | None, finance_xlsx: Path | None = None) -> Plan:
    """The plan, with the finance of the workbook ``finance_xlsx`` (a filled-in finance template) if given."""
    from planlib.io import load_plan
    from planlib.io.finance_workbook import plan_with_finance_xlsx

    loaded = load_plan(_shown(plan))
    return loaded if finance_xlsx is None else plan_with_finance_xlsx(loaded, finance_xlsx)


def _plan_and_scenario(plan: Path | None, scenario_file: Path | None,
                       finance_xlsx: Path | None = None) -> tuple[str, Plan, Plan, str]:
    """The plan folder as shown, the baseline, the plan with the scenario applied, and the scenario's name."""
    from planlib.scenario import Scenario

    shown = _shown(plan)
    baseline = _load(plan, finance_xlsx)
    if scenario_file is None:
        return shown, baseline, baseline, "baseline"
    scenario = Scenario.from_yaml(scenario_file)
    return shown, baseline, scenario.apply(baseline), scenario.name


def _scenarios(files: tuple[Path, ...], plan: Plan) -> list[Scenario]:
    """The scenario files, each read and checked against ``plan``; PlanError listing every problem of them all."""
    from planlib.scenario import Scenario

    scenarios, problems = [], []
    for file in files:
        try:
            scenario = Scenario.from_yaml(file)
            problems += scenario.problems(plan)
            scenarios.append(scenario)
        except PlanError as exc:
            problems += exc.problems
    if problems:
        raise PlanError(problems)
    return scenarios


PLAN_ARGUMENT = click.argument(
    "plan", required=False, default=None, type=click.Path(path_type=Path, file_okay=True, dir_okay=True)
)
FORMAT_OPTION = click.option(
    "--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table",
    show_default=True, help="table: readable, years as columns, money in £m; csv/json: the long form.",
)
SEED_OPTION = click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
                           help="Random seed (default 20211122): the same seed gives the same figures.")
PDF_OPTION = click.option("--pdf", is_flag=True, help="Also print each report to an A4 PDF (headless Chromium).")
FINANCE_XLSX_OPTION = click.option("--finance-xlsx", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
                                   help="Use the finance of this workbook (a finance template filled in: see "
                                        "`planlib template`) instead of the plan's finance.yaml.")


def _scenario_option(help_text: str) -> Callable[..., Any]:
    return click.option("-s", "--scenario", "scenario_file", type=click.Path(path_type=Path), default=None,
                        help=help_text)


def _table_or_json(help_text: str) -> Callable[..., Any]:
    return click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table",
                        show_default=True, help=help_text)


def _seed(seed: int | None) -> int:
    from planlib.uncertainty import DEFAULT_SEED

    return DEFAULT_SEED if seed is None else seed


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="planlib")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
def main(debug: bool) -> None:
    """The Police and Crime Plan workbench.

    PLAN is a plan folder; it defaults to the embedded example plan in data/.
    """


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
    """Net benefit per commitment and in total, with 90% intervals."""
    from planlib.appraisal import appraise
    from planlib.present.appraisal import appraisal_rows, appraisal_text
    from planlib.present.labels import commitment_titles
    from planlib.present.text import table_csv, table_json
    from planlib.uncertainty import DEFAULT_SAMPLES

    _shown_plan, _baseline, loaded, name = _plan_and_scenario(plan, scenario_file, finance_xlsx)
    samples = DEFAULT_SAMPLES if samples is None else samples
    seed = _seed(seed)
    rows = appraisal_rows(appraise(loaded, name, samples, seed))
    if output_format == "csv":
        click.echo(table_csv(rows, float_format="%.10g"), nl=False)
    elif output_format == "json":
        click.echo(table_json(rows, digits=10))
    else:
        click.echo(appraisal_text(rows, loaded.name, samples, seed, commitment_titles(loaded)))


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


@main.command("serve")
@click.option("--plan", "plan", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="The plan folder the apps show (default: the embedded example).")
@click.option("--port", default=8866, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--pool-size", type=click.IntRange(0, 8), default=None,
              help="Preheated kernels kept ready per app (0: none); default from voila.json (1).")
@_friendly
def serve_command(plan: Path | None, port: int, host: str, pool_size: int | None) -> None:
    """Serve the board apps in voila_apps/ with Voila, showing the plan folder DIR (open http://HOST:PORT/)."""
    from planlib.apps import check_plan, serve, voila_command

    try:
        voila_command(host=host, port=port, pool_size=pool_size)  # checks them before anything starts
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--host/--port") from None
    shown = _shown(plan)
    check_plan(shown)  # a missing or invalid plan exits 1 here, before Voila starts
    sys.exit(serve(host=host, port=port, pool_size=pool_size, plan=shown))


@main.command("report")
@PLAN_ARGUMENT
@click.option("-s", "--scenario", "scenario_file", required=True, type=click.Path(path_type=Path),
              help="The scenario file (YAML) to report on.")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the report (created if missing).")
@PDF_OPTION
@SEED_OPTION
@FINANCE_XLSX_OPTION
@_friendly
def report_command(plan: Path | None, scenario_file: Path, out_dir: Path, pdf: bool, seed: int | None,
                   finance_xlsx: Path | None) -> None:
    """One scenario report via papermill: OUT/<name>.ipynb, .html and, with --pdf, .pdf."""
    from planlib.errors import Problem
    from planlib.reports import execute_report
    from planlib.scenario import Scenario

    plan_path = _shown(plan)
    loaded = _load(plan, finance_xlsx)  # clear errors before any kernel starts
    Scenario.from_yaml(scenario_file).apply(loaded)
    result = execute_report(plan_path, scenario_file, out_dir, seed=_seed(seed), pdf=pdf, finance_xlsx=finance_xlsx)
    if result.status != "ok":
        raise PlanError([Problem(str(scenario_file), None, "report", result.error)])
    for name in result.files:
        click.echo(f"wrote {out_dir / name}", err=True)


@main.command("batch")
@PLAN_ARGUMENT
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the reports, index.html and summary.csv (created if missing).")
@click.option("-s", "--scenario", "scenario_files", multiple=True, type=click.Path(path_type=Path),
              help="A scenario file (YAML); repeat for several. Default: every PLAN/scenarios/*.yaml.")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Reports run at the same time (default: the number of cores).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run the reports on a Dask distributed cluster, e.g. tcp://10.0.0.5:8786.")
@PDF_OPTION
@SEED_OPTION
@FINANCE_XLSX_OPTION
@_friendly
def batch_command(plan: Path | None, out_dir: Path, scenario_files: tuple[Path, ...], workers: int | None,
                  scheduler: str | None, pdf: bool, seed: int | None, finance_xlsx: Path | None) -> None:
    """Many scenario reports in parallel, with OUT/index.html and OUT/summary.csv.

    A failing scenario does not stop the others; it is listed in the index with its error,
    and the command exits 1.
    """
    from planlib.present.text import batch_lines, batch_summary
    from planlib.reports import run_batch

    plan_path = _shown(plan)
    _load(plan, finance_xlsx)
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
        raise click.BadParameter("give the scheduler as tcp://HOST:PORT", param_hint="--scheduler")
    results = run_batch(plan_path, out_dir, scenario_files, seed=_seed(seed), workers=workers,
                        scheduler=scheduler, pdf=pdf, progress=sys.stderr.isatty(), finance_xlsx=finance_xlsx)
    for line in batch_lines(results, out_dir):
        click.echo(line)
    click.echo(batch_summary(results, out_dir), err=True)
    if any(r.status != "ok" for r in results):
        sys.exit(1)


@main.command("horizon")
@PLAN_ARGUMENT
@_scenario_option("A scenario file (YAML) to apply first: items it leaves unanswered become gaps.")
@_table_or_json("table: readable; json: a list of {id, title, likelihood, impact, score, commitments, gap}.")
@_friendly
def horizon_command(plan: Path | None, scenario_file: Path | None, output_format: str) -> None:
    """The horizon scanning register (PLAN/horizon.yaml), ranked by likelihood x impact, with gaps flagged."""
    from planlib.horizon import rank
    from planlib.io.plan_folder import load_folder
    from planlib.present.horizon import records, text_table
    from planlib.present.labels import commitment_titles

    shown, baseline, applied, name = _plan_and_scenario(plan, scenario_file)
    table = rank(load_folder(shown, parts=["horizon"]).horizon, applied)
    if output_format == "json":
        click.echo(json_text(records(table)))
    else:
        click.echo(text_table(table, baseline.name, name, commitment_titles(applied)))


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
    from planlib.present.compliance import format_results

    loaded = _load(plan)
    results = check(loaded, panel_notice_days=panel_notice_days)
    if output_format == "json":
        click.echo(json_text([r.as_dict() for r in results]))
    else:
        click.echo(format_results(results, loaded.name))
    if not all_met(results):
        sys.exit(1)


@main.command("implications")
@PLAN_ARGUMENT
@_scenario_option("A scenario file (YAML) to apply first.")
@_table_or_json("table: readable, by part and year; json: an object with keys a to g, "
                "each a list of {year, measure, value, unit, note}.")
@_friendly
def implications_command(plan: Path | None, scenario_file: Path | None, output_format: str) -> None:
    """The plan's wider financial implications by year (seed 000 para 30): (a) precept, (b) the Chief
    Constable's budget, (c) treasury, (d) fees and charges, (e) commissioning and grants, (f) delegations,
    (g) external income."""
    from planlib.implications import implications
    from planlib.io.plan_folder import load_folder
    from planlib.present.implications import as_json, text_table

    shown, baseline, applied, name = _plan_and_scenario(plan, scenario_file)
    table = implications(applied, load_folder(shown, parts=["implications"]).implications)
    if output_format == "json":
        click.echo(json_text(as_json(table), ascii=False))
    else:
        click.echo(text_table(table, baseline.name, name))


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


@main.command("consult")
@PLAN_ARGUMENT
@_table_or_json("table: readable; json: responses, themes and local_authorities.")
@_friendly
def consult_command(plan: Path | None, output_format: str) -> None:
    """Consultation themes, weighting by local authority, and the trace to commitments.

    Reads PLAN/consultation/ (responses.csv, codebook.yaml, age_profile.csv).
    """
    from planlib.consultation import analyse
    from planlib.io.plan_folder import load_folder
    from planlib.present.consultation import as_json, summary_text

    folder = load_folder(_shown(plan), parts=["consultation"])
    results = analyse(folder.plan, folder.consultation)
    if output_format == "json":
        click.echo(json_text(as_json(results), ascii=False))
    else:
        click.echo(summary_text(results))


@main.command("optimise")
@PLAN_ARGUMENT
@_scenario_option("A scenario file (YAML) to apply first: its funding sets the envelope.")
@click.option("--objective", type=click.Choice(["npv_p50", "npv_p5", "weighted"]), default="npv_p50",
              show_default=True, help="npv_p50: median NPV; npv_p5: 5th percentiles (cautious); "
                                      "weighted: benefits weighted by the objectives' priority weights.")
@_table_or_json("table: readable; json: selected, objective_value, envelope_by_year and commitments.")
@_friendly
def optimise_command(plan: Path | None, scenario_file: Path | None, objective: str, output_format: str) -> None:
    """The best affordable set of commitments, and when each starts (statutory duties kept).

    Exits 1, saying by how much and in which year, if the mandatory commitments alone exceed
    the envelope (the headroom: funding less the costs that are not commitments).
    """
    from planlib.portfolio import optimise
    from planlib.present.portfolio import portfolio_json, text_table

    _shown_plan, baseline, applied, name = _plan_and_scenario(plan, scenario_file)
    result = optimise(applied, objective=objective)
    if output_format == "json":
        click.echo(json_text(portfolio_json(result), ascii=False))
    else:
        click.echo(text_table(result, baseline.name, name))


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


if __name__ == "__main__":  # pragma: no cover
    main()
