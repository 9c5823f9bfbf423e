"""The command that serves the board apps: serve."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from planlib.errors import PlanError

from planlib.cli.base import _friendly, _shown, main


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
