"""The command that writes the details of a variation: vary."""

from __future__ import annotations

from pathlib import Path

import click

from planlib.cli.base import PDF_OPTION, _friendly, main


@main.command("vary")
@click.argument("old_plan", type=click.Path(path_type=Path, file_okay=False))
@click.argument("new_plan", type=click.Path(path_type=Path, file_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the paper (created if missing).")
@PDF_OPTION
@_friendly
def vary_command(old_plan: Path, new_plan: Path, out_dir: Path, pdf: bool) -> None:
    """The details of a variation, as sent to the Chief Constable: what OLD_PLAN's next version NEW_PLAN adds,
    removes and changes, with the money by year before and after.

    Writes OUT/<plan id>_variation_<old version>_to_<new version>.ipynb, .html and, with --pdf, .pdf;
    prints what changed. Exits 1 if the two folders are not versions of the same plan.
    """
    from planlib.present.variation import variation_text
    from planlib.reports.variation import load_versions, write_variation
    from planlib.variation import compare_plans

    old, new = load_versions(old_plan, new_plan)  # clear errors before any kernel starts
    for line in variation_text(compare_plans(old, new)):
        click.echo(line)
    for path in write_variation(old_plan, new_plan, out_dir, pdf=pdf):
        click.echo(f"wrote {path}", err=True)
