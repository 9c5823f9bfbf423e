"""`planlib batch` over every example scenario, against a sequential loop of the papermill command.

The baseline is what an analyst would script without planlib: for each scenario, run
``papermill reports/scenario_report.ipynb out.ipynb -p plan_path ... -p scenario_path ... -p seed 1``
one after the other. The subject is ``planlib.reports.run_batch`` with its default pool (one
worker per core, each keeping one kernel for all its reports), which also writes the HTML pages,
the index and summary.csv. Goal: at least 1.8x on 2 cores; stretch 5x.

Each side takes tens of seconds, so each is run once: the harness's warm-up call does the
measured run and later calls report that time (a callable returning a float reports its own
time). Both runs happen in the same ``make bench``, one after the other, so the ratio is
measured under the same load.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from benchmarks.harness import Case
from planlib import reports
from planlib.io.paths import DEFAULT_PLAN, SCENARIO_REPORT

SCENARIOS = sorted((Path(DEFAULT_PLAN) / "scenarios").glob("*.yaml"))
SEED = 1


def _once(fn: Callable[[], object]) -> Callable[[], float]:
    """Run ``fn`` on the first call and return its time in seconds on every call."""
    measured: list[float] = []

    def timed() -> float:
        if not measured:
            t0 = time.perf_counter()
            fn()
            measured.append(time.perf_counter() - t0)
        return measured[0]

    return timed


def batch() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as out:
        results = reports.run_batch(DEFAULT_PLAN, out, SCENARIOS, seed=SEED, progress=False)
        failed = [r for r in results if r.status != "ok"]
        if failed:
            raise RuntimeError(f"batch failed: {failed[0].error}")


def papermill_loop() -> None:
    papermill = Path(sys.executable).with_name("papermill")
    with tempfile.TemporaryDirectory(prefix="bench-papermill-") as out:
        for scenario in SCENARIOS:
            subprocess.run(
                [str(papermill), str(SCENARIO_REPORT), str(Path(out) / f"{scenario.stem}.ipynb"),
                 "-p", "plan_path", str(DEFAULT_PLAN), "-p", "scenario_path", str(scenario),
                 "-p", "seed", str(SEED), "--no-progress-bar"],
                check=True, capture_output=True,
            )


def cases() -> list[Case]:
    return [Case(
        name=f"planlib batch, {len(SCENARIOS)} scenarios ({os.cpu_count()} cores)",
        subject=_once(batch),
        baseline_name="papermill command, sequential loop",
        baseline=_once(papermill_loop),
        goal=">= 1.8x faster on 2 cores (ratio <= 0.56)",
        min_runs=1,
        budget_s=0,
    )]
