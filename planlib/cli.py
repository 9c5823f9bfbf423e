"""The ``planlib`` command line.

Exit codes: 0 success; 1 invalid input (a clear message naming file, line and field, never a
traceback); 2 wrong usage. ``--debug`` shows the traceback of an unexpected error.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from planlib import __version__
from planlib.errors import PlanError, PlanlibError, Problem
from planlib.finance import HEADLINE, finance_warnings, format_headline
from planlib.io import DEFAULT_PLAN, load_plan, validate
from planlib.types import FinancialYear

if TYPE_CHECKING:
    import pandas as pd

    from planlib.model import Plan


def _display(path: Path) -> str:
    """A path as the user would write it: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


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


PLAN_ARGUMENT = click.argument(
    "plan", required=False, default=None, type=click.Path(path_type=Path, file_okay=True, dir_okay=True)
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="planlib")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
def main(debug: bool) -> None:
    """The Police and Crime Plan workbench.

    PLAN is a plan folder; it defaults to the embedded example, data/west_midlands_2021.
    """


@main.command("validate")
@PLAN_ARGUMENT
@_friendly
def validate_command(plan: Path | None) -> None:
    """Check a plan folder and list every problem as file:line: field: message.

    Exits 1 if there is any problem, 0 if the plan is valid.
    """
    shown = str(plan) if plan is not None else _display(DEFAULT_PLAN)
    problems = validate(shown)
    checked: list[str] = []
    if not problems:
        loaded = load_plan(shown)
        checked, problems = _side_file_problems(shown, loaded)
    if problems:
        for problem in problems:
            click.echo(str(problem))
        count = len(problems)
        click.echo(f"{shown}: {count} problem{'s' if count != 1 else ''} found", err=True)
        sys.exit(1)
    click.echo(
        f"{shown}: valid: {loaded.name}, {loaded.period.first} to {loaded.period.last}: "
        f"{len(loaded.objectives)} objectives, {len(loaded.commitments)} commitments, "
        f"{len(loaded.kpis)} KPIs, {len(loaded.grants)} grants"
        + (f"; also checked {', '.join(checked)}" if checked else "")
    )


def _side_file_problems(folder: str, plan: Plan) -> tuple[list[str], list[Problem]]:
    """Check the plan folder's optional parts that the plan loader leaves to their own commands:
    the horizon scanning register, the financial implications settings, the consultation."""
    from planlib.consultation import load_consultation
    from planlib.horizon import load_horizon
    from planlib.implications import load_settings

    root = Path(folder)
    parts = [("horizon.yaml", load_horizon), ("implications.yaml", load_settings), ("consultation/", load_consultation)]
    checked, problems = [], []
    for name, load in parts:
        if (root / name.rstrip("/")).exists():
            checked.append(name)
            try:
                load(folder, plan)
            except PlanError as exc:
                problems += exc.problems
    return checked, problems


def _finance_table(table: "pd.DataFrame", plan_name: str) -> str:
    """A readable block per scenario: headline measures as rows, years as columns."""
    lines = []
    for scenario, rows in table.groupby("scenario", sort=False):
        wide = rows.pivot(index="measure", columns="year", values="value")
        years = list(wide.columns)
        lines.append(f"{plan_name}: {scenario}")
        lines.append(f"{'':<32}" + "".join(f"{y:>11}" for y in years))
        for measure, label in HEADLINE:
            lines.append(f"{label:<32}" + "".join(f"{format_headline(measure, wide.at[measure, y]):>11}" for y in years))
        lines.extend(f"  ! {warning}" for warning in finance_warnings(wide))
        lines.append("")
    return "\n".join(lines)


FORMAT_OPTION = click.option(
    "--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table",
    show_default=True, help="table: readable, years as columns, money in £m; csv/json: the long form.",
)


@main.command("run")
@PLAN_ARGUMENT
@click.option("-s", "--scenario", "scenario_files", multiple=True, type=click.Path(path_type=Path),
              help="A scenario file (YAML); repeat for several.")
@FORMAT_OPTION
@click.option("--xlsx", "xlsx_out", type=click.Path(path_type=Path), default=None,
              help="Also write an Excel workbook: a sheet per scenario and a comparison sheet.")
@_friendly
def run_command(plan: Path | None, scenario_files: tuple[Path, ...], output_format: str, xlsx_out: Path | None) -> None:
    """The medium-term financial plan for the baseline and each scenario."""
    import json

    from planlib.errors import PlanError
    from planlib.results import compare
    from planlib.scenario import Scenario

    loaded = load_plan(str(plan) if plan is not None else _display(DEFAULT_PLAN))
    scenarios, problems = [], []
    for file in scenario_files:
        try:
            scenario = Scenario.from_yaml(file)
            problems += scenario.problems(loaded)
            scenarios.append(scenario)
        except PlanError as exc:
            problems += exc.problems
    if problems:
        raise PlanError(problems)
    table = compare(loaded, scenarios)
    if output_format == "csv":
        click.echo(table.to_csv(index=False, lineterminator="\n"), nl=False)
    elif output_format == "json":
        click.echo(json.dumps(table.to_dict(orient="records"), indent=1))
    else:
        click.echo(_finance_table(table, loaded.name))
    if xlsx_out is not None:
        from planlib.excel import write_results_xlsx

        try:
            write_results_xlsx(table, xlsx_out, plan=loaded)
        except OSError as exc:
            raise click.ClickException(f"cannot write {xlsx_out}: {exc.strerror or exc}") from None
        click.echo(f"wrote {xlsx_out}", err=True)


APPRAISAL_COLUMNS = [
    "scenario", "commitment", "pv_costs", "pv_benefits", "npv", "npv_p5", "npv_p50", "npv_p95",
    "prob_npv_positive", "bcr", "bcr_p50", "fiscal_roi", "public_value_roi", "payback_year",
    "pv_fiscal", "pv_economic", "pv_social", "monetised", "samples", "seed",
]


def _appraisal_rows(table: "pd.DataFrame") -> "pd.DataFrame":
    """One row per commitment (then TOTAL) with the columns of :data:`APPRAISAL_COLUMNS`."""
    wide = table.pivot(index="commitment", columns="measure", values="value")
    wide = wide.reindex(list(dict.fromkeys(table["commitment"]))).reset_index()
    wide.insert(0, "scenario", table["scenario"].iloc[0])
    wide["payback_year"] = [
        "" if value != value else str(FinancialYear(int(value))) for value in wide["payback_year"]
    ]
    for name in ("monetised", "samples", "seed"):
        wide[name] = wide[name].astype(int)
    return wide[APPRAISAL_COLUMNS]


def _appraisal_text(rows: "pd.DataFrame", plan_name: str, samples: int, seed: int) -> str:
    head = (f"{plan_name}: {rows['scenario'].iloc[0]}. Net benefit over the appraisal horizon, £m in "
            f"first-year prices, discounted (Green Book); intervals from {samples:,} draws, seed {seed}.")
    lines = [head, "", f"{'commitment':<42}{'PV costs':>10}{'PV benefits':>12}{'NPV p5':>10}{'NPV p50':>10}"
             f"{'NPV p95':>10}{'P(NPV>0)':>10}{'BCR':>7}{'payback':>9}"]
    for r in rows.itertuples():
        benefits = f"{r.pv_benefits / 1e6:>12,.1f}" if r.monetised else f"{'not valued':>12}"
        lines.append(
            f"{r.commitment[:41]:<42}{r.pv_costs / 1e6:>10,.1f}{benefits}{r.npv_p5 / 1e6:>10,.1f}"
            f"{r.npv_p50 / 1e6:>10,.1f}{r.npv_p95 / 1e6:>10,.1f}{r.prob_npv_positive:>10.0%}"
            f"{(format(r.bcr, '7.2f') if r.monetised else '      -')}{(r.payback_year or '-'):>9}")
    lines.append("")
    lines.append("Figures rest on assumptions marked illustrative or unverified in the plan; see its assumptions register.")
    return "\n".join(lines)


@main.command("appraise")
@PLAN_ARGUMENT
@click.option("-s", "--scenario", "scenario_file", type=click.Path(path_type=Path), default=None,
              help="A scenario file (YAML) to apply first.")
@click.option("--samples", type=click.IntRange(100, 5_000_000), default=None,
              help="Monte Carlo draws (default 10,000).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Random seed (default 20211122): the same seed gives the same output, byte for byte.")
@FORMAT_OPTION
@_friendly
def appraise_command(plan: Path | None, scenario_file: Path | None, samples: int | None, seed: int | None,
                     output_format: str) -> None:
    """Net benefit per commitment and in total, with 90% intervals."""
    import json

    from planlib.appraisal import appraise
    from planlib.uncertainty import DEFAULT_SAMPLES, DEFAULT_SEED

    _shown, _baseline, loaded, name = _plan_and_scenario(plan, scenario_file)
    samples = DEFAULT_SAMPLES if samples is None else samples
    seed = DEFAULT_SEED if seed is None else seed
    rows = _appraisal_rows(appraise(loaded, name, samples, seed))
    if output_format == "csv":
        click.echo(rows.to_csv(index=False, lineterminator="\n", float_format="%.10g"), nl=False)
    elif output_format == "json":
        records = json.loads(rows.to_json(orient="records", double_precision=10))
        click.echo(json.dumps(records, indent=1))
    else:
        click.echo(_appraisal_text(rows, loaded.name, samples, seed))


@main.command("serve")
@click.option("--port", default=8866, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--pool-size", type=click.IntRange(0, 8), default=None,
              help="Preheated kernels kept ready per app (0: none); default from voila.json (1).")
@_friendly
def serve_command(port: int, host: str, pool_size: int | None) -> None:
    """Serve the board apps in voila_apps/ with Voila (open http://HOST:PORT/)."""
    from planlib.apps import serve, voila_command

    try:
        voila_command(host=host, port=port, pool_size=pool_size)  # checks them before anything starts
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--host/--port") from None
    sys.exit(serve(host=host, port=port, pool_size=pool_size))


def _report_seed(seed: int | None) -> int:
    from planlib.uncertainty import DEFAULT_SEED

    return DEFAULT_SEED if seed is None else seed


SEED_OPTION = click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
                           help="Random seed (default 20211122): the same seed gives the same figures.")
PDF_OPTION = click.option("--pdf", is_flag=True, help="Also print each report to an A4 PDF (headless Chromium).")


@main.command("report")
@PLAN_ARGUMENT
@click.option("-s", "--scenario", "scenario_file", required=True, type=click.Path(path_type=Path),
              help="The scenario file (YAML) to report on.")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the report (created if missing).")
@PDF_OPTION
@SEED_OPTION
@_friendly
def report_command(plan: Path | None, scenario_file: Path, out_dir: Path, pdf: bool, seed: int | None) -> None:
    """One scenario report via papermill: OUT/<name>.ipynb, .html and, with --pdf, .pdf."""
    from planlib.errors import PlanError, Problem
    from planlib.reports import execute_report
    from planlib.scenario import Scenario

    plan_path = str(plan) if plan is not None else _display(DEFAULT_PLAN)
    loaded = load_plan(plan_path)  # clear errors before any kernel starts
    Scenario.from_yaml(scenario_file).apply(loaded)
    result = execute_report(plan_path, scenario_file, out_dir, seed=_report_seed(seed), pdf=pdf)
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
@_friendly
def batch_command(plan: Path | None, out_dir: Path, scenario_files: tuple[Path, ...], workers: int | None,
                  scheduler: str | None, pdf: bool, seed: int | None) -> None:
    """Many scenario reports in parallel, with OUT/index.html and OUT/summary.csv.

    A failing scenario does not stop the others; it is listed in the index with its error,
    and the command exits 1.
    """
    from planlib.reports import run_batch

    plan_path = str(plan) if plan is not None else _display(DEFAULT_PLAN)
    load_plan(plan_path)
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
        raise click.BadParameter("give the scheduler as tcp://HOST:PORT", param_hint="--scheduler")
    results = run_batch(plan_path, out_dir, scenario_files, seed=_report_seed(seed), workers=workers,
                        scheduler=scheduler, pdf=pdf, progress=sys.stderr.isatty())
    failed = [r for r in results if r.status != "ok"]
    for r in results:
        click.echo(f"{r.status:<6} {r.scenario}: " + (r.error.splitlines()[0] if r.error else f"{out_dir / r.slug}.html"))
    click.echo(f"wrote {out_dir / 'index.html'}: {len(results) - len(failed)} of {len(results)} reports succeeded", err=True)
    if failed:
        sys.exit(1)


def _plan_and_scenario(plan: Path | None, scenario_file: Path | None) -> tuple[Any, Any, str, str]:
    """The plan folder as shown, the baseline, the plan with the scenario applied, and the scenario's name."""
    from planlib.scenario import Scenario

    shown = str(plan) if plan is not None else _display(DEFAULT_PLAN)
    baseline = load_plan(shown)
    if scenario_file is None:
        return shown, baseline, baseline, "baseline"
    scenario = Scenario.from_yaml(scenario_file)
    return shown, baseline, scenario.apply(baseline), scenario.name


@main.command("horizon")
@PLAN_ARGUMENT
@click.option("-s", "--scenario", "scenario_file", type=click.Path(path_type=Path), default=None,
              help="A scenario file (YAML) to apply first: items it leaves unanswered become gaps.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: readable; json: a list of {id, title, likelihood, impact, score, commitments, gap}.")
@_friendly
def horizon_command(plan: Path | None, scenario_file: Path | None, output_format: str) -> None:
    """The horizon scanning register (PLAN/horizon.yaml), ranked by likelihood x impact, with gaps flagged."""
    import json

    from planlib import horizon

    shown, baseline, applied, name = _plan_and_scenario(plan, scenario_file)
    table = horizon.rank(horizon.load_horizon(shown, baseline), applied)
    if output_format == "json":
        click.echo(json.dumps(horizon.records(table), indent=1))
    else:
        click.echo(horizon.text_table(table, baseline.name, name))


@main.command("check")
@PLAN_ARGUMENT
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: readable; json: a list of {id, kind, requirement, basis, status, evidence, missing, note}.")
@click.option("--panel-notice-days", type=click.IntRange(0, 365), default=None,
              help="Days before its meeting the Panel must have the draft (p03). The statute sets no number; "
                   "default: the plan's panel_notice, else 14.")
@_friendly
def check_command(plan: Path | None, output_format: str, panel_notice_days: int | None) -> None:
    """Statutory compliance: every requirement with its evidence; exit 1 if any is not met."""
    import json

    from planlib import compliance

    loaded = load_plan(str(plan) if plan is not None else _display(DEFAULT_PLAN))
    results = compliance.check(loaded, panel_notice_days=panel_notice_days)
    if output_format == "json":
        click.echo(json.dumps([r.as_dict() for r in results], indent=1))
    else:
        click.echo(compliance.format_results(results, loaded.name))
    if not compliance.all_met(results):
        sys.exit(1)


@main.command("implications")
@PLAN_ARGUMENT
@click.option("-s", "--scenario", "scenario_file", type=click.Path(path_type=Path), default=None,
              help="A scenario file (YAML) to apply first.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: readable, by part and year; json: an object with keys a to g, "
                   "each a list of {year, measure, value, unit, note}.")
@_friendly
def implications_command(plan: Path | None, scenario_file: Path | None, output_format: str) -> None:
    """The plan's wider financial implications by year (seed 000 para 30): (a) precept, (b) the Chief
    Constable's budget, (c) treasury, (d) fees and charges, (e) commissioning and grants, (f) delegations,
    (g) external income."""
    import json

    from planlib import implications

    shown, baseline, applied, name = _plan_and_scenario(plan, scenario_file)
    table = implications.implications(applied, implications.load_settings(shown, baseline))
    if output_format == "json":
        click.echo(json.dumps(implications.as_json(table), indent=1, ensure_ascii=False))
    else:
        click.echo(implications.text_table(table, baseline.name, name))


@main.command("consult")
@PLAN_ARGUMENT
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: readable; json: responses, themes and local_authorities.")
@_friendly
def consult_command(plan: Path | None, output_format: str) -> None:
    """Consultation themes, weighting by local authority, and the trace to commitments.

    Reads PLAN/consultation/ (responses.csv, codebook.yaml, age_profile.csv).
    """
    import json

    from planlib.consultation import analyse, load_consultation, summary_text

    plan_path = str(plan) if plan is not None else _display(DEFAULT_PLAN)
    loaded = load_plan(plan_path)
    results = analyse(loaded, load_consultation(plan_path, loaded))
    if output_format == "json":
        click.echo(json.dumps(results.to_json(), indent=1, ensure_ascii=False))
    else:
        click.echo(summary_text(results))


@main.command("optimise")
@PLAN_ARGUMENT
@click.option("-s", "--scenario", "scenario_file", type=click.Path(path_type=Path), default=None,
              help="A scenario file (YAML) to apply first: its funding sets the envelope.")
@click.option("--objective", type=click.Choice(["npv_p50", "npv_p5", "weighted"]), default="npv_p50",
              show_default=True, help="npv_p50: median NPV; npv_p5: 5th percentiles (cautious); "
                                      "weighted: benefits weighted by the objectives' priority weights.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: readable; json: selected, objective_value, envelope_by_year and commitments.")
@_friendly
def optimise_command(plan: Path | None, scenario_file: Path | None, objective: str, output_format: str) -> None:
    """The best affordable set of commitments, and when each starts (statutory duties kept).

    Exits 1, saying by how much and in which year, if the mandatory commitments alone exceed
    the envelope (the headroom: funding less the costs that are not commitments).
    """
    import json

    from planlib.portfolio import optimise, text_table

    _shown, baseline, applied, name = _plan_and_scenario(plan, scenario_file)
    result = optimise(applied, objective=objective)
    if output_format == "json":
        click.echo(json.dumps(result.to_json(), indent=1, ensure_ascii=False))
    else:
        click.echo(text_table(result, baseline.name, name))


if __name__ == "__main__":  # pragma: no cover
    main()
