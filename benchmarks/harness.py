"""A small harness: time a function and its baseline side by side, report the ratio."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Case:
    """One comparison: ``subject`` is what we measure, ``baseline`` what we compare it with."""

    name: str
    subject: Callable[[], object]
    baseline_name: str
    baseline: Callable[[], object]
    """A callable that returns a float reports its own time in seconds (a time measured inside
    a browser, say); otherwise the harness times the call."""
    goal: str = ""
    min_runs: int = 5
    budget_s: float = 1.5
    """Runs at least ``min_runs`` times, and keeps running until ``budget_s`` seconds have passed."""


def best_time(fn: Callable[[], object], budget_s: float = 1.5, min_runs: int = 5) -> tuple[float, int]:
    """Median of repeated runs within a time budget (after one warm-up run): seconds, runs."""
    fn()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < min_runs or time.perf_counter() - start < budget_s:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if len(times) >= 1000:
            break
    return statistics.median(times), len(times)


def interleaved(subject: Callable[[], object], baseline: Callable[[], object], budget_s: float = 1.5,
                min_runs: int = 5) -> tuple[float, float, int]:
    """Medians of ``subject`` and ``baseline`` timed in alternation (after one warm-up run each),
    so that a change in the machine's load affects both alike: seconds, seconds, runs each."""
    subject(), baseline()
    subject_times: list[float] = []
    baseline_times: list[float] = []
    start = time.perf_counter()
    while len(subject_times) < min_runs or time.perf_counter() - start < 2 * budget_s:
        for fn, times in ((baseline, baseline_times), (subject, subject_times)):
            t0 = time.perf_counter()
            reported = fn()
            elapsed = time.perf_counter() - t0
            times.append(reported if isinstance(reported, float) else elapsed)
        if len(subject_times) >= 1000:
            break
    return statistics.median(subject_times), statistics.median(baseline_times), len(subject_times)


def run(cases: list[Case]) -> list[dict[str, object]]:
    """Measure every case, subject and baseline in alternation, and return rows for printing."""
    rows = []
    for case in cases:
        subject_s, base_s, runs = interleaved(case.subject, case.baseline, case.budget_s, case.min_runs)
        rows.append({
            "benchmark": case.name,
            "time_ms": subject_s * 1e3,
            "runs": runs,
            "baseline": case.baseline_name,
            "baseline_ms": base_s * 1e3,
            "ratio": subject_s / base_s,
            "goal": case.goal,
        })
    return rows


def print_rows(rows: list[dict[str, object]]) -> None:
    name = max([len("benchmark"), *(len(str(r["benchmark"])) for r in rows)])
    base = max([len("baseline"), *(len(str(r["baseline"])) for r in rows)])
    head = f"{'benchmark':<{name}} {'median':>10} {'baseline':<{base}} {'median':>10} {'ratio':>7}  goal"
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['benchmark']:<{name}} {r['time_ms']:>8.2f}ms {r['baseline']:<{base}} "
              f"{r['baseline_ms']:>8.2f}ms {r['ratio']:>6.2f}x  {r['goal']}")
