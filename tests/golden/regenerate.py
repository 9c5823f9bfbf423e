"""Regenerate the golden finance results of the example scenarios: ``make golden``.

Run it only when a change to the finance engine or the example plan is meant to change the
numbers; review the diff of tests/golden/*.csv before committing it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import planlib
from planlib.io import write_atomic

GOLDEN = Path(__file__).resolve().parent
SCENARIOS = planlib.DEFAULT_PLAN / "scenarios"


def golden_tables() -> dict[str, "object"]:
    """Scenario name -> its finance table, for the baseline and every example scenario."""
    plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    tables = {"baseline": planlib.run(plan).finance}
    for file in sorted(SCENARIOS.glob("*.yaml")):
        scenario = planlib.Scenario.from_yaml(file)
        tables[scenario.name] = planlib.run(plan, scenario).finance
    return tables


def main() -> int:
    for name, table in golden_tables().items():
        write_atomic(GOLDEN / f"{name}.finance.csv", table.to_csv(index=False, lineterminator="\n", float_format="%.10g"))
        print(f"wrote tests/golden/{name}.finance.csv")
    from tests.golden.cli_outputs import CASES, CLI_GOLDEN, cli_output

    CLI_GOLDEN.mkdir(exist_ok=True)
    for name, args in CASES.items():
        code, out = cli_output(args)
        write_atomic(CLI_GOLDEN / name, out)
        print(f"wrote tests/golden/cli/{name} (planlib {' '.join(args)}: exit {code})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
