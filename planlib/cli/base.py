"""What every command shares: the ``planlib`` group, turning planlib's errors into messages
and exit codes, reading PLAN and the scenarios, and the common options.

Exit codes: 0 success; 1 invalid input (a clear message naming file, line and field, never a
traceback); 2 wrong usage. ``--debug`` shows the traceback of an unexpected error.
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
from planlib.present.text import display_path

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
