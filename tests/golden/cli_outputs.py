"""Golden outputs of the command line: what `planlib COMMAND` prints for the example plan.

Each case is a command line and the file under ``tests/golden/cli/`` that holds its standard
output. ``make golden`` rewrites them (``python -m tests.golden.regenerate``); review the diff
before committing it. They guard the restructuring of planlib: the same command must print the
same bytes unless a change is meant to alter what a person reads.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

CLI_GOLDEN = Path(__file__).resolve().parent / "cli"
SCENARIO = "data/west_midlands_2021/scenarios/precept_plus_15.yaml"
ROOT = Path(__file__).resolve().parents[2]

# name -> arguments after `planlib` (PLAN defaults to the example)
CASES: dict[str, list[str]] = {
    "run.txt": ["run"],
    "run_scenario.json": ["run", "-s", SCENARIO, "--format", "json"],
    "appraise.txt": ["appraise"],
    "appraise.csv": ["appraise", "--format", "csv"],
    "appraise_scenario.json": ["appraise", "-s", SCENARIO, "--samples", "2000", "--format", "json"],
    "implications.txt": ["implications"],
    "implications.json": ["implications", "--format", "json"],
    "implications_scenario.json": ["implications", "-s", SCENARIO, "--format", "json"],
    "check.txt": ["check"],
    "check.json": ["check", "--format", "json"],
    "optimise.txt": ["optimise"],
    "optimise.json": ["optimise", "--format", "json"],
    "optimise_weighted.json": ["optimise", "--objective", "weighted", "--format", "json"],
    "optimise_npv.txt": ["optimise", "--objective", "npv"],
    "optimise_cost_effectiveness.txt": ["optimise", "--objective", "cost-effectiveness"],
    "optimise_west_mercia.txt": ["optimise", "data/west_mercia_2021"],
    "consult.txt": ["consult"],
    "consult.json": ["consult", "--format", "json"],
    "horizon.txt": ["horizon"],
    "horizon.json": ["horizon", "--format", "json"],
    "validate.txt": ["validate"],
    "precept.txt": ["precept"],
    "precept.json": ["precept", "--format", "json"],
    "precept_west_mercia.txt": ["precept", "data/west_mercia_2021"],
    "run_west_mercia.txt": ["run", "data/west_mercia_2021"],
}


def cli_output(args: list[str]) -> tuple[int, str]:
    """Run ``planlib ARGS`` in this process from the repository root: (exit code, stdout)."""
    import os

    from planlib.cli import main

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(here)
    return result.exit_code, result.stdout
