"""The batch's pool of worker processes, which stops when the batch stops, however it stops.

Each worker keeps one kernel for all its reports and returns each report's files as bytes;
only the batch itself writes into the output folder. So that nothing outlives the command:

- every worker is the batch's own child and dies with it (Linux ``PR_SET_PDEATHSIG``), even
  when the batch is killed with ``kill -9``; a kernel notices its worker has gone within a
  second (ipykernel's parent poller) and exits; multiprocessing's resource tracker exits when
  the last of them has gone;
- on ``kill -TERM`` or Ctrl-C (:class:`KeyboardInterrupt` in the batch) each worker is asked to
  stop: it kills its kernel and removes its temporary folder at once, and one that does not
  stop within :data:`STOP_TIMEOUT_S` is killed; the batch's temporary folder goes too;
- each worker's temporary files (its kernel's folder, its reports' work) live under one folder
  of the batch's own, given to the workers and their kernels as ``TMPDIR``.

>>> parent_death_signal_supported() in (True, False)
True
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from typing import Any, Callable

from planlib.reports.execute import Done, ReportResult, render_report
from planlib.reports.kernels import WARM

STOP_TIMEOUT_S = 10
"""How long a worker asked to stop may take before it is killed."""

_OWN_TEMP: list[str] = []


def parent_death_signal_supported() -> bool:
    """Whether this system can kill a process when its parent dies (Linux ``prctl``)."""
    return sys.platform.startswith("linux")


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux; elsewhere nothing)."""
    if not parent_death_signal_supported():
        return
    import ctypes

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop_worker(signum: int, _frame: Any) -> None:
    """A worker asked to stop: its kernel killed and its temporary folder removed, then gone."""
    WARM.kill()
    for folder in _OWN_TEMP:
        shutil.rmtree(folder, ignore_errors=True)
    os._exit(128 + signum)


def start_worker(batch_pid: int, temp_root: str) -> None:
    """Prepare a pool worker: die with its parent, keep its temporary files under ``temp_root``,
    stop cleanly on SIGTERM, then launch its kept kernel and warm vl-convert while it boots."""
    die_with_parent()
    if os.getppid() != batch_pid or not _alive(batch_pid):  # the batch died before the signal was asked for
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the batch, which stops the workers
    own = tempfile.mkdtemp(prefix="worker-", dir=temp_root)
    _OWN_TEMP.append(own)
    tempfile.tempdir = own
    os.environ["TMPDIR"] = own  # the kernel's and Chromium's temporary files too
    signal.signal(signal.SIGTERM, _stop_worker)
    _warm_worker()


def _warm_worker() -> None:
    """Launch the worker's kept kernel, then import and warm vl-convert while it boots."""
    from multiprocessing import util

    try:
        WARM.start()
    except Exception:  # noqa: BLE001 - a failing initializer would break the whole pool: the first
        pass           # report starts the kernel again, retries once, and records the error
    util.Finalize(WARM, WARM.discard, exitpriority=10)  # shut the kernel down when the worker exits
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401
    import vl_convert

    vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": [{"a": 1}]},
                                "encoding": {"x": {"field": "a", "type": "quantitative"}}})


def render_job(job: dict[str, Any]) -> tuple[ReportResult, dict[str, bytes]]:
    """One batch job (a plain dict, so that it pickles): the report's result and files' bytes."""
    return render_report(**job)


def run_pool(jobs: list[dict[str, Any]], workers: int, done: Done,
             failed: Callable[[dict[str, Any], BaseException], ReportResult]) -> None:
    """Run ``jobs`` in ``workers`` processes (in this process if one), calling ``done`` with each
    job's index, result and files as each finishes; stop every worker if interrupted."""
    if workers <= 1 or len(jobs) == 1:
        try:
            for i, job in enumerate(jobs):
                done(i, *render_job(job))
        except BaseException:
            WARM.kill()  # interrupted: no time for a polite shutdown
            raise
        WARM.discard()
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    temp_root = tempfile.mkdtemp(prefix="planlib-batch-")
    # spawn: each worker is this process's own child (so that it can die with it), and no fork of
    # a process that may hold threads (tqdm, zmq). A forkserver would be no quicker: it imports
    # nothing the workers need, and its children outlive the batch until the last of them exits.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context,
                               initializer=start_worker, initargs=(os.getpid(), temp_root))
    try:
        futures = {pool.submit(render_job, job): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            i = futures[future]
            try:
                result, files = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker that died is one failed report
                result, files = failed(jobs[i], exc), {}
            done(i, result, files)
    except BaseException:
        stop_workers(pool)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        shutil.rmtree(temp_root, ignore_errors=True)


def stop_workers(pool: Any) -> None:
    """Ask every worker of ``pool`` to stop (SIGTERM), kill those that do not within
    :data:`STOP_TIMEOUT_S`, and let the pool go without waiting for its queued jobs."""
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        try:
            process.terminate()
        except (OSError, ValueError):
            pass
    for process in processes:
        process.join(STOP_TIMEOUT_S)
        if process.is_alive():
            process.kill()
            process.join(STOP_TIMEOUT_S)
    pool.shutdown(wait=False, cancel_futures=True)
