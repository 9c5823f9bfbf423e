"""Run every benchmark module (``bench_*.py``) and print the ratios."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import benchmarks
from benchmarks.harness import print_rows, run


def main(argv: list[str]) -> int:
    wanted = set(argv)
    cases = []
    for module in sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")):
        if wanted and module not in wanted:
            continue
        cases += importlib.import_module(f"benchmarks.{module}").cases()
    print_rows(run(cases))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
