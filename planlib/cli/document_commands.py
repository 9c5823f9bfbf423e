"""Commands that write the documents an office of the Commissioner publishes: publish."""

from __future__ import annotations

from pathlib import Path

import click

from planlib.cli.base import (
    PDF_OPTION,
    PLAN_ARGUMENT,
    SEED_OPTION,
    _friendly,
    _load,
    _shown,
    main,
)


@main.command("publish")
@PLAN_ARGUMENT
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the document (created if missing).")
@click.option("--stage", type=click.Choice(["draft", "final"]), default="final", show_default=True,
              help="draft: every page marked 'Draft for the Police and Crime Panel' with the Panel's meeting date.")
@click.option("--response", is_flag=True,
              help="Write the Commissioner's published response to the Panel's report instead of the plan.")
@PDF_OPTION
@SEED_OPTION
@_friendly
def publish_command(plan: Path | None, out_dir: Path, stage: str, response: bool, pdf: bool, seed: int | None) -> None:
    """The Police and Crime Plan itself: OUT/<plan id>_plan.html and, with --pdf, .pdf."""
    from planlib.errors import PlanError, Problem

    plan_path = _shown(plan)
    _load(plan)  # a bad plan exits 1 with its problems before any kernel starts
    if response:
        try:
            from planlib.reports.response import write_response
        except ImportError:
            raise PlanError([Problem(plan_path, None, "--response", "the published response to the Police and "
                                     "Crime Panel is not available in this version of planlib")]) from None
        written = write_response(plan_path, out_dir, pdf=pdf)
    else:
        from planlib.reports.publish import publish_plan

        written = publish_plan(plan_path, out_dir, stage=stage, pdf=pdf, seed=seed)
    for path in written:
        click.echo(f"wrote {path}", err=True)
