"""Commands that write scenario reports: report (one) and batch (many, in parallel or on Dask)."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from planlib.cli.base import (FINANCE_XLSX_OPTION, PDF_OPTION, PLAN_ARGUMENT, SEED_OPTION, _friendly, _load,
                               _seed, _shown, main)
from planlib.errors import PlanError


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
    """One scenario report via papermill: OUT/<name>.ipynb, .html and, with --pdf, .pdf.

    A report of another scenario file with the same name already in OUT is never replaced:
    the command says so and exits 1 before any kernel starts.
    """
    from planlib.errors import Problem
    from planlib.io.atomic import check_out_folder
    from planlib.reports import execute_report
    from planlib.reports.execute import check_replaceable, slugify
    from planlib.scenario import Scenario

    plan_path = _shown(plan)
    loaded = _load(plan, finance_xlsx)  # clear errors before any kernel starts
    scenario = Scenario.from_yaml(scenario_file)
    scenario.apply(loaded)
    check_out_folder(out_dir)
    check_replaceable(out_dir, slugify(scenario.name), scenario_file)
    result = execute_report(plan_path, scenario_file, out_dir, seed=_seed(seed), pdf=pdf, finance_xlsx=finance_xlsx)
    if result.status != "ok":
        raise PlanError([Problem(str(scenario_file), None, "report", result.error)])
    for name in result.files:
        click.echo(f"wrote {out_dir / name}", err=True)


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt("SIGTERM")


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
    previous = signal.signal(signal.SIGTERM, _interrupt)  # kill -TERM stops the batch as Ctrl-C does
    try:
        results = run_batch(plan_path, out_dir, scenario_files, seed=_seed(seed), workers=workers,
                            scheduler=scheduler, pdf=pdf, progress=sys.stderr.isatty(), finance_xlsx=finance_xlsx)
    except KeyboardInterrupt as stop:
        click.echo("planlib batch: stopped; the reports already written are complete, the others were not "
                   "started or were abandoned, and no index was written", err=True)
        sys.exit(128 + (signal.SIGTERM if stop.args == ("SIGTERM",) else signal.SIGINT))
    finally:
        signal.signal(signal.SIGTERM, previous)
    for line in batch_lines(results, out_dir):
        click.echo(line)
    click.echo(batch_summary(results, out_dir), err=True)
    if any(r.status != "ok" for r in results):
        sys.exit(1)
