"""The command that serves the board apps: serve."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from planlib.apps import DEFAULT_HOST, DEFAULT_PORT
from planlib.cli.base import _friendly, _shown, main


@main.command("serve")
@click.option("--plan", "plan", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="The plan folder the apps show (default: the embedded example).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option("--pool-size", type=click.IntRange(0, 8), default=None,
              help="Preheated kernels kept ready for every app alike (0: none), in place of the sizes --viewers gives.")
@click.option("--viewers", type=click.IntRange(1, 100), default=None, metavar="N",
              help="People expected to open the apps at once (default 1): the scenario explorer keeps N kernels "
                   "ready, the other apps one each; beyond 2N pages (at least 10) the server says it is busy.")
@click.option("--token-file", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help="A file holding the login token board members use (or set JUPYTER_TOKEN); needed off loopback "
                   "unless --password-file is given.")
@click.option("--password-file", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help="A file holding the hashed login password (from jupyter_server.auth.passwd()).")
@_friendly
def serve_command(plan: Path | None, port: int, host: str, pool_size: int | None, viewers: int | None,
                  token_file: Path | None, password_file: Path | None) -> None:
    """Serve the board apps in voila_apps/ with Voila, showing the plan folder DIR (open http://HOST:PORT/)."""
    from planlib.apps import check_plan, serve, voila_command

    try:
        voila_command(host=host, port=port, pool_size=pool_size, viewers=viewers)  # checked before anything starts
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--host/--port") from None
    from planlib.serving.security import check_login, login_environment

    # files, not arguments: ps shows no secret; this process's own environment is left alone
    environment = {**os.environ, **login_environment(token_file, password_file)}
    check_login(host, environment)  # off loopback without a login, exit 1 here
    shown = _shown(plan)
    check_plan(shown)  # a missing or invalid plan exits 1 here, before Voila starts
    sys.exit(serve(host=host, port=port, pool_size=pool_size, plan=shown, viewers=viewers, environment=environment))
