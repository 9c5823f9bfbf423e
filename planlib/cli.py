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
from typing import Any, Callable

import click

from planlib import __version__
from planlib.errors import PlanlibError
from planlib.io import DEFAULT_PLAN, load_plan, validate


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
    if problems:
        for problem in problems:
            click.echo(str(problem))
        count = len(problems)
        click.echo(f"{shown}: {count} problem{'s' if count != 1 else ''} found", err=True)
        sys.exit(1)
    loaded = load_plan(shown)
    click.echo(
        f"{shown}: valid: {loaded.name}, {loaded.period.first} to {loaded.period.last}: "
        f"{len(loaded.objectives)} objectives, {len(loaded.commitments)} commitments, "
        f"{len(loaded.kpis)} KPIs, {len(loaded.grants)} grants"
    )


@main.command("serve")
@click.option("--port", default=8866, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@_friendly
def serve_command(port: int, host: str) -> None:
    """Serve the board apps in voila_apps/ with Voila (open http://HOST:PORT/)."""
    from planlib.apps import serve

    sys.exit(serve(host=host, port=port))


if __name__ == "__main__":  # pragma: no cover
    main()
