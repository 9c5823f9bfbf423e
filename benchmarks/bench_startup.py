"""Start-up: ``import planlib`` and ``planlib --help`` in a new Python, against the floor of a
new Python that imports pandas, pydantic and yaml (what the plan model and finance need anyway).

Each run starts a fresh interpreter, so nothing is cached in the process; the subject and its
floor run in alternation in the same benchmark run (goal: at most 1.3x the floor).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from benchmarks.harness import Case

FLOOR = "import pandas, pydantic, yaml"


def _python(code: str) -> None:
    subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL)


def _planlib_help() -> None:
    exe = shutil.which("planlib", path=os.path.dirname(sys.executable)) or shutil.which("planlib")
    subprocess.run([exe, "--help"], check=True, stdout=subprocess.DEVNULL)


def cases() -> list[Case]:
    floor = lambda: _python(FLOOR)  # noqa: E731
    return [
        Case("import planlib (new process)", lambda: _python("import planlib"),
             f"python -c '{FLOOR}'", floor, goal="<= 1.3x", budget_s=4, min_runs=7),
        Case("planlib --help (new process)", _planlib_help,
             f"python -c '{FLOOR}'", floor, goal="<= 1.3x", budget_s=4, min_runs=7),
        Case("import planlib; run(load_plan(example))",
             lambda: _python("import planlib; planlib.run(planlib.load_plan(planlib.DEFAULT_PLAN))"),
             f"python -c '{FLOOR}'", floor, goal="", budget_s=4, min_runs=5),
    ]
