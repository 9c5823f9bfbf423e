"""A batch on a Dask distributed cluster whose workers share nothing with the client but the network.

The client gathers the plan folder, each scenario file and any finance workbook as bytes
(:mod:`planlib.io.plan_bundle`) and sends them with each report's task; the worker lays them
out in a temporary folder of its own, renders the report there (:func:`render_shipped`) and
returns the files' bytes, which the client writes into its own output folder. The notebook
names the client's files, as a report run on the client would.

A worker that dies mid-report costs only that report: the scheduler gives the task to
another worker, up to its ``distributed.scheduler.allowed-failures`` setting (1 is one retry
elsewhere; Dask's default is 3); past that the report fails with a plain message
(:func:`lost_worker_text`). A task that raises is retried once (``retries=1``).

>>> lost_worker_text(2)
'every Dask worker that ran this report died before it finished (it was tried 2 times); the other reports are not affected'
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from planlib.errors import PlanError, PlanlibError, Problem
from planlib.reports.execute import Done, ReportResult, render_report


def lost_worker_text(tries: int | None) -> str:
    """The index's message for a report whose every worker died."""
    times = f" (it was tried {tries} times)" if tries else ""
    return (f"every Dask worker that ran this report died before it finished{times}; "
            "the other reports are not affected")


def render_shipped(job: dict[str, Any]) -> tuple[ReportResult, dict[str, bytes]]:
    """On a worker: lay out the shipped plan folder, scenario and workbook in a temporary
    folder, render the report there and return its result and files' bytes."""
    from planlib.io.plan_bundle import lay_out

    with tempfile.TemporaryDirectory(prefix="planlib-shipped-") as work:
        root = Path(work)
        plan = lay_out(job["plan_files"], root / "plan")
        name, data = job["scenario_file"]
        scenario = lay_out({name: data}, root / "scenario") / name
        workbook = None
        if job.get("finance_file") is not None:
            name, data = job["finance_file"]
            workbook = lay_out({name: data}, root / "finance") / name
        return render_report(plan, scenario, seed=job["seed"], samples=job["samples"], pdf=job["pdf"],
                             slug=job["slug"], warm=False, finance_xlsx=workbook, shown=job["shown"])


def shipped_jobs(jobs: list[dict[str, Any]]) -> list[dict[str, Any] | PlanlibError]:
    """Each local job as a job that carries its files (or the error reading them)."""
    from planlib.io.plan_bundle import gather_file, gather_folder

    plans: dict[str, dict[str, bytes]] = {}
    shipped: list[dict[str, Any] | PlanlibError] = []
    for job in jobs:
        try:
            plan_files = plans.get(job["plan_path"]) or plans.setdefault(job["plan_path"], gather_folder(job["plan_path"]))
            finance = job.get("finance_xlsx")
            shown = {"plan_path": str(Path(job["plan_path"]).resolve()),
                     "scenario_path": str(Path(job["scenario_path"]).resolve()),
                     "seed": int(job["seed"]), "samples": int(job["samples"]),
                     **({"finance_xlsx": str(Path(finance).resolve())} if finance is not None else {})}
            shipped.append({"plan_files": plan_files, "scenario_file": gather_file(job["scenario_path"]),
                            "finance_file": gather_file(finance) if finance is not None else None,
                            "seed": job["seed"], "samples": job["samples"], "pdf": job["pdf"], "slug": job["slug"],
                            "shown": shown})
        except PlanlibError as exc:
            shipped.append(exc)
    return shipped


def run_on_cluster(jobs: list[dict[str, Any]], scheduler: str, done: Done,
                   failed: Callable[[dict[str, Any], BaseException | str], ReportResult]) -> None:
    """Run ``jobs`` on the Dask cluster at ``scheduler``, calling ``done`` with each job's index,
    result (its scenario path the client's) and files as each finishes."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - dask[distributed] is a dependency
        raise PlanError([Problem("--scheduler", None, "scheduler", f"Dask distributed is not installed: {exc}")]) from None
    shipped = shipped_jobs(jobs)
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise PlanError([Problem("--scheduler", None, "scheduler",
                                 f"cannot reach the Dask scheduler at {scheduler}: {exc}")]) from None
    try:
        futures = {}
        for i, job in enumerate(shipped):
            if isinstance(job, PlanlibError):
                done(i, failed(jobs[i], job), {})
                continue
            key = f"planlib-report-{job['slug']}-{i}-{time.time_ns()}"
            futures[client.submit(render_shipped, job, pure=False, retries=1, key=key)] = i
        for future in as_completed(list(futures)):
            i = futures[future]
            try:
                result, files = future.result()
                result.scenario_path = jobs[i]["scenario_path"]
            except Exception as exc:  # noqa: BLE001 - a lost worker is one failed report
                result, files = failed(jobs[i], _lost(exc)), {}
            done(i, result, files)
    finally:
        client.close()


def _lost(exc: BaseException) -> BaseException | str:
    """A worker's death in words; any other error as it is."""
    from distributed.scheduler import KilledWorker

    if isinstance(exc, KilledWorker):
        tries = getattr(exc, "allowed_failures", None)
        return lost_worker_text(tries + 1 if isinstance(tries, int) else None)
    return exc


__all__ = ["lost_worker_text", "render_shipped", "run_on_cluster", "shipped_jobs"]
