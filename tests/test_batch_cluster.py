"""`planlib batch --scheduler` on a Dask cluster that shares nothing with the client but the network.

One cluster for the module: a ``dask scheduler`` and two ``dask worker`` processes, each started
in a folder of its own with its own ``TMPDIR`` and ``HOME``. The client's plan folder is a copy
in a folder the workers cannot see (a mount namespace lays an empty file system over it, where
the system allows; the client also names it by a path relative to its own working folder,
which does not exist in theirs). One batch of two scenarios runs there, and the worker that
starts a report first is killed in the middle of it: its report is done again on the other.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

EXAMPLE = ROOT / "data" / "west_midlands_2021"
SCENARIOS = ("precept_plus_15.yaml", "pay_award_plus_2.yaml")
TIMEOUT_S = 600
DASK = str(Path(sys.executable).with_name("dask"))


def _can_hide(folder: Path) -> bool:
    """Whether this system lets a process lay an empty file system over ``folder`` for itself."""
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                           f"mount -t tmpfs none '{folder}' && test -z \"$(ls -A '{folder}')\""],
                          capture_output=True, check=False) if shutil.which("unshare") else None
    return done is not None and done.returncode == 0


def _start(command: list[str], home: Path, hide: Path | None) -> subprocess.Popen[bytes]:
    """A cluster process in ``home`` (its working folder, HOME and TMPDIR under it), in a
    session of its own; with ``hide``, that folder is empty for it and its children."""
    (home / "tmp").mkdir(parents=True)
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(home / "tmp"),
           "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"}  # a lost report is tried once elsewhere
    if hide is not None:
        quoted = " ".join("'" + part.replace("'", "'\\''") + "'" for part in command)
        command = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                   f"mount -t tmpfs none '{hide}' && exec {quoted}"]
    log = open(home / "log", "wb")  # noqa: SIM115 - the process writes it until the module ends
    return subprocess.Popen(command, cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def _wait_for(condition, what: str, timeout: float = TIMEOUT_S, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(every)  # polling a condition
    return found


def _stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """The client's folder (a copy of the example plan and two scenarios), the scheduler's
    address, the workers' folders and processes, and whether the plan is hidden from them."""
    root = tmp_path_factory.mktemp("cluster")
    client = root / "client"
    shutil.copytree(EXAMPLE, client / "plan", ignore=shutil.ignore_patterns("scenarios"))
    (client / "mine").mkdir()
    for name in SCENARIOS:
        shutil.copy(EXAMPLE / "scenarios" / name, client / "mine" / name)
    hidden = _can_hide(client)
    scheduler_file = root / "scheduler" / "scheduler.json"
    processes = [_start([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                         "--scheduler-file", str(scheduler_file)], root / "scheduler", None)]
    try:
        address = _wait_for(lambda: scheduler_file.exists() and json.loads(scheduler_file.read_text() or "{}").get("address"),
                            "the scheduler", timeout=120)
        workers = {}
        for name in ("w1", "w2"):
            folder = root / name
            workers[name] = (folder, _start([DASK, "worker", address, "--name", name, "--nthreads", "1", "--no-nanny",
                                             "--no-dashboard", "--local-directory", str(folder / "tmp")],
                                            folder, client if hidden else None))
            processes.append(workers[name][1])
        from distributed import Client

        with Client(address, timeout="60s") as probe:
            probe.wait_for_workers(2, timeout=120)
            if hidden:  # the workers see an empty folder where the client's plan is
                seen = probe.run(lambda: os.listdir(client))
                assert all(listing == [] for listing in seen.values()), seen
        yield {"client": client, "address": address, "workers": workers, "hidden": hidden}
    finally:
        for process in processes:
            _stop(process)


def _running_report(workers) -> str:
    """The name of a worker that is in the middle of a report (its kernel running), or ''."""
    for name, (folder, process) in workers.items():
        if process.poll() is None and any(folder.glob("tmp/**/planlib-report-*")):
            return name
    return ""


@pytest.fixture(scope="module")
def batch(cluster):
    """``planlib batch --scheduler`` run in the client's folder with relative paths; the worker
    that starts a report first is killed mid-report. The command's result, and the name and
    folder of the killed worker."""
    client = cluster["client"]
    command = [sys.executable, "-m", "planlib.cli", "batch", "plan", "--out", "out", "--pdf", "--seed", "4",
               "--scheduler", cluster["address"], *[a for name in SCENARIOS for a in ("-s", f"mine/{name}")]]
    process = subprocess.Popen(command, cwd=client, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        killed = _wait_for(lambda: _running_report(cluster["workers"]) or process.poll() is not None,
                           "a worker to start a report")
        assert killed is not True, "the batch ended before a worker could be killed"
        _stop(cluster["workers"][killed][1])  # the worker, mid-report
        out, err = process.communicate(timeout=TIMEOUT_S)
    finally:
        if process.poll() is None:
            process.kill()
    return {"exit_code": process.returncode, "output": out + err, "killed": killed,
            "others": [n for n in cluster["workers"] if n != killed]}


@pytest.mark.slow
def test_a_batch_runs_on_workers_that_cannot_read_the_clients_disk(cluster, batch):
    client, out = cluster["client"], cluster["client"] / "out"
    assert batch["exit_code"] == 0, batch["output"]
    slugs = [Path(n).stem for n in SCENARIOS]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["index.html", "summary.csv", *[f"{s}.{ext}" for s in slugs for ext in ("html", "ipynb", "pdf")]])
    assert all((out / f"{s}.pdf").read_bytes().startswith(b"%PDF") for s in slugs)
    for slug in slugs:  # the report names the client's files, as a report run on the client would
        nb = json.loads((out / f"{slug}.ipynb").read_text(encoding="utf-8"))
        shown = nb["metadata"]["papermill"]["parameters"]
        assert shown["plan_path"] == str((client / "plan").resolve())
        assert shown["scenario_path"] == str((client / "mine" / f"{slug}.yaml").resolve())
        assert f"{slug}.yaml" in (out / f"{slug}.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('class="ok"') == 2 and 'class="failed"' not in index


@pytest.mark.slow
def test_the_workers_wrote_nothing_outside_their_temporary_folders(cluster, batch):
    for name in batch["others"]:
        folder = cluster["workers"][name][0]
        assert not [p for p in (folder / "tmp").rglob("planlib-*")]  # their work folders were removed
        reports = [p for p in folder.rglob("*") if p.suffix in (".html", ".ipynb", ".pdf", ".csv")]
        assert reports == []  # the reports went back to the client, not onto the workers' disks


@pytest.mark.slow
def test_a_worker_killed_mid_report_costs_nothing_but_time(cluster, batch):
    """The killed worker's report was done again on the other worker (the scheduler's
    allowed-failures is 1: once elsewhere), and the batch did not notice."""
    assert cluster["workers"][batch["killed"]][1].poll() is not None
    assert cluster["workers"][batch["others"][0]][1].poll() is None
    assert "failed" not in batch["output"]


def test_a_report_whose_workers_all_died_fails_with_a_plain_message():
    """Past the scheduler's allowed failures the report fails alone, in words (no Dask internals)."""
    from distributed.scheduler import KilledWorker

    from planlib.reports.batch import _failed
    from planlib.reports.cluster import _lost

    job = {"slug": "precept_plus_15", "scenario_path": "s/precept_plus_15.yaml"}
    result = _failed(job, _lost(KilledWorker("planlib-report-precept_plus_15-0", None, 1)))
    assert result.status == "failed"
    assert result.error == ("every Dask worker that ran this report died before it finished (it was tried 2 times); "
                            "the other reports are not affected")
    assert "failed" in _failed(job, _lost(ValueError("x"))).status


def test_a_shipped_plan_lays_out_as_it_was_and_refuses_names_outside(tmp_path):
    from planlib.errors import PlanError
    from planlib.io.plan_bundle import gather_folder, lay_out
    from planlib.reports.rendering import plan_checksum

    copy = lay_out(gather_folder(EXAMPLE), tmp_path / "copy")
    assert plan_checksum(copy) == plan_checksum(EXAMPLE)
    for name in ("../x", "/etc/x", "a/../../x", "a//b", "./a", "a\\b", ""):
        with pytest.raises(PlanError, match="plain relative path"):
            lay_out({name: b"x"}, tmp_path / "bad")
    assert not (tmp_path / "x").exists()
