"""Commands that analyse a plan against its side files and options: horizon, implications,
consult, optimise."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from planlib.present.text import json_text

from planlib.cli.base import (PLAN_ARGUMENT, _friendly, _plan_and_scenario, _scenario_option, _shown, _table_or_json, main)


@contextlib.contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress bar on stderr for long work, only when stderr is a terminal (as ``batch`` shows
    one): yields ``progress(step, done, total)`` for the engines to call, or None."""
    if not sys.stderr.isatty():
        yield None
        return
    from tqdm.auto import tqdm

    bar: Any = tqdm(total=1, file=sys.stderr, leave=False, unit="step")

    def progress(step: str, done: int, total: int) -> None:
        if bar.desc.rstrip(": ") != step:
            bar.set_description(step, refresh=False)
            bar.reset(total=max(total, 1))
        bar.total = max(total, 1)
        bar.n = done
        bar.refresh()

    try:
        yield progress
    finally:
        bar.close()


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
@click.option("--objective", type=click.Choice(["pledges", "cost-effectiveness", "npv", "cautious-npv", "weighted-npv",
                                               "cost_effectiveness", "npv_p50", "npv_p5", "weighted"]),
              default="pledges", show_default=True,
              help="pledges: keep the statutory duties and the pledges, and as much of the rest as the money allows, "
                   "by the objectives' priority weights; cost-effectiveness: the most priority weight for the money, "
                   "pledges not protected; npv: the highest median net present value; cautious-npv: the highest "
                   "total of 5th percentiles; weighted-npv: benefits weighted by the objectives' priority weights.")
@_table_or_json("table: readable; json: selected, objective_value, envelope_by_year and commitments.")
@_friendly
def optimise_command(plan: Path | None, scenario_file: Path | None, objective: str, output_format: str) -> None:
    """The best affordable set of commitments, and when each starts (statutory duties kept).

    Exits 1, saying by how much and in which year, if the mandatory commitments alone exceed
    the envelope (the headroom: funding less the costs that are not commitments).
    """
    from planlib.portfolio import optimise
    from planlib.present.portfolio import portfolio_json, text_table
    from planlib.present.portfolio_words import CLI_NAMES

    _shown_plan, baseline, applied, name = _plan_and_scenario(plan, scenario_file)
    with progress_bar() as progress:
        result = optimise(applied, objective=CLI_NAMES.get(objective, objective), progress=progress)
    if output_format == "json":
        click.echo(json_text(portfolio_json(result), ascii=False))
    else:
        click.echo(text_table(result, baseline.name, name))
