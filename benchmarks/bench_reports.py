"""`planlib batch` of 20 generated scenarios, against a sequential loop of the papermill command.

The scenarios are the kinds a board weighs, five levels each, written into a temporary folder:
precept increases, police grant settlements, pay awards and neighbourhood officer numbers.

The baseline is what an analyst would script without planlib: for each scenario, run
``papermill reports/scenario_report.ipynb out.ipynb -p plan_path ... -p scenario_path ... -p seed 1``
one after the other (a notebook each, no HTML). The subject is ``planlib.reports.run_batch`` with
its default pool (one worker per core, each keeping one kernel for all its reports), which also
writes the HTML pages, the index and summary.csv. Goal: at least 5x on 2 cores.

Each side takes minutes, so each is run once: the harness's warm-up call does the measured run
and later calls report that time (a callable returning a float reports its own time). Both runs
happen in the same ``make bench``, one after the other, so the ratio is measured under the same
load.
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

SEED = 1
YEARS = ("2022/23", "2023/24", "2024/25")
LEVELS = range(1, 6)


def scenario_texts() -> dict[str, str]:
    """Twenty scenario files of the example plan by name: five levels of four kinds of change."""
    def yearly(values: list[float]) -> str:
        return "{" + ", ".join(f"{y}: {v}" for y, v in zip(YEARS, values)) + "}"

    kinds = {
        "precept": lambda n: ("finance.precept_increase", yearly([5 * n] * 3)),
        "grant": lambda n: ("finance.police_grant", "{" + f"2023/24: {574.2e6 * (0.98 + 0.01 * n):.6g}, "
                            f"2024/25: {605.88e6 * (0.98 + 0.01 * n):.6g}" + "}"),
        "pay": lambda n: ("finance.pay_award", yearly([round(0.03 + 0.01 * n, 3)] * 3)),
        "officers": lambda n: ("commitments.neighbourhood_policing_450.costs.officer_fte", yearly([100 * n, 150 * n, 200 * n])),
    }
    texts = {}
    for kind, change in kinds.items():
        for n in LEVELS:
            path, value = change(n)
            texts[f"{kind}_{n}"] = (f"name: {kind}_{n}\ndescription: A generated {kind} scenario, level {n}.\n"
                                    f"source: benchmarks/bench_reports.py\nchanges:\n  {path}: {value}\n")
    return texts


def _once(fn: Callable[[Path], object]) -> Callable[[], float]:
    """Run ``fn`` (on a folder of the generated scenarios) on the first call and return its time
    in seconds on every call."""
    measured: list[float] = []

    def timed() -> float:
        if not measured:
            with tempfile.TemporaryDirectory(prefix="bench-reports-") as folder:
                scenarios = Path(folder) / "scenarios"
                scenarios.mkdir()
                for name, text in scenario_texts().items():
                    (scenarios / f"{name}.yaml").write_text(text, encoding="utf-8")
                t0 = time.perf_counter()
                fn(scenarios)
                measured.append(time.perf_counter() - t0)
        return measured[0]

    return timed


def batch(scenarios: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as out:
        results = reports.run_batch(DEFAULT_PLAN, out, sorted(scenarios.glob("*.yaml")), seed=SEED, progress=False)
        failed = [r for r in results if r.status != "ok"]
        if failed:
            raise RuntimeError(f"batch failed: {failed[0].scenario}: {failed[0].error}")


def papermill_loop(scenarios: Path) -> None:
    papermill = Path(sys.executable).with_name("papermill")
    with tempfile.TemporaryDirectory(prefix="bench-papermill-") as out:
        for scenario in sorted(scenarios.glob("*.yaml")):
            subprocess.run(
                [str(papermill), str(SCENARIO_REPORT), str(Path(out) / f"{scenario.stem}.ipynb"),
                 "-p", "plan_path", str(DEFAULT_PLAN), "-p", "scenario_path", str(scenario),
                 "-p", "seed", str(SEED), "--no-progress-bar"],
                check=True, capture_output=True,
            )


def cases() -> list[Case]:
    return [Case(
        name=f"planlib batch, {len(scenario_texts())} generated scenarios ({os.cpu_count()} cores)",
        subject=_once(batch),
        baseline_name="papermill command, sequential loop",
        baseline=_once(papermill_loop),
        goal=">= 5x faster on 2 cores (ratio <= 0.2)",
        min_runs=1,
        budget_s=0,
    )]
