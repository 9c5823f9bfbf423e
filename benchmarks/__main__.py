"""Run every benchmark module (``bench_*.py``), or those named (``apps`` or ``bench_apps``), and print the ratios.

A module may also offer ``details()``, lines printed under the table once every case has run
(``bench_serve``: each page's time, the median and maximum, and the server's memory).
"""

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
    cases, modules = [], []
    for module in known:
        if wanted and module not in wanted:
            continue
        modules.append(importlib.import_module(f"benchmarks.{module}"))
        cases += modules[-1].cases()
    print_rows(run(cases))
    for module in modules:
        for line in getattr(module, "details", list)():
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
