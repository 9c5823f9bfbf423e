"""Run every benchmark module (``bench_*.py``), or those named (``apps`` or ``bench_apps``), and print the ratios."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import benchmarks
from benchmarks.harness import print_rows, run


def main(argv: list[str]) -> int:
    wanted = {name if name.startswith("bench_") else f"bench_{name}" for arg in argv for name in arg.split()}
    known = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    unknown = sorted(wanted - set(known))
    if unknown:
        print(f"no benchmark {', '.join(unknown)}; there are {', '.join(known)}", file=sys.stderr)
        return 2
    cases = []
    for module in known:
        if wanted and module not in wanted:
            continue
        cases += importlib.import_module(f"benchmarks.{module}").cases()
    print_rows(run(cases))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
