"""Shared fixtures: the example plan is loaded once per test session, and every document a test
reads is rendered once per session, in the background.

Documents (the plan, the annual report, a variation, the panel response, scenario reports, the
analysis notebooks run on each plan folder) are rendered by a kernel through papermill, and
printed to PDF by Chromium: seconds each, most of the suite's time. A test module lists the
renders its tests read in ``RENDERS`` (:class:`Render`: a key naming the document and its
parameters, and a function that makes it in an empty folder). When the tests are collected,
the renders of every module whose selected tests use the ``documents`` fixture are started in
the background (:data:`RENDER_WORKERS` at a time, in the order the modules run), and a test
waits for the one it reads with ``documents.get(render)``. So

- each document is rendered once per session, whichever modules and tests read it (the HTML
  checks, the accessibility checks and the PDF checks read the same files), and
- rendering runs beside the other tests (on the core they leave idle) rather than after them.

Renders run in child processes (``python -m planlib.cli ...`` or :func:`run_python`) with the
environment the session started with, so that a test changing its own environment (a kernel
that fails to start, say) never reaches them. A render that fails fails the tests that read
it, with its output.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import planlib

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MINIMAL = FIXTURES / "minimal"

RENDER_WORKERS = max(1, int(os.environ.get("PLANLIB_TEST_RENDER_WORKERS", (os.cpu_count() or 2) - 1)))
"""Renders run at once in the background: one core fewer than the machine has (the tests
themselves run on the other), at least one."""

RENDER_TIMEOUT_S = 900
"""Longest one render may take (kernel start, papermill, Chromium) on a loaded machine."""


@pytest.fixture(scope="session")
def example_plan() -> planlib.Plan:
    return planlib.load_plan(planlib.DEFAULT_PLAN)


@pytest.fixture(scope="session")
def minimal_plan() -> planlib.Plan:
    return planlib.load_plan(MINIMAL)


@pytest.fixture
def plan_copy(tmp_path: Path):
    """Copy a plan folder (the minimal one by default) into a temporary folder to change it."""

    def make(source: Path = MINIMAL) -> Path:
        target = tmp_path / "plan"
        shutil.copytree(source, target)
        return target

    return make


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class Render:
    """One document to render: ``key`` names it and its parameters (two modules that give the
    same key share the render), ``make(folder)`` renders it into the empty ``folder``, where the
    tests read it."""

    key: str
    make: Callable[[Path], object]


class RenderFailed(AssertionError):
    """A child process that renders a document exited with an error."""


class Documents:
    """The session's renders: started in the background, each at most once (see the module).

    A test that needs a render still waiting in the queue makes it itself, at once; and while it
    waits for one that is being made, it makes the next render in the queue: so the tests' own
    process is never idle while renders remain, and the machine's cores stay busy.
    """

    def __init__(self, root: Path, workers: int) -> None:
        self.root = root
        self.env = dict(os.environ)  # the session's environment, whatever a test does to its own later
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="render")
        self._jobs: dict[str, Future[Any]] = {}
        self._renders: dict[str, tuple[Render, Path]] = {}
        self._lock = threading.Lock()
        self._running: set[Any] = set()
        self._closed = False

    def start(self, render: Render) -> Future[Any]:
        """Start ``render`` in the background unless it has been started already; its future."""
        with self._lock:
            if render.key not in self._jobs:
                folder = self.root / (re.sub(r"[^A-Za-z0-9_.-]+", "_", render.key) or "render")
                folder.mkdir(parents=True)
                self._renders[render.key] = (render, folder)
                self._jobs[render.key] = self._pool.submit(_made, render, folder)
            return self._jobs[render.key]

    def get(self, render: Render) -> Path:
        """The folder ``render`` made its document in, once made (started now if it was not yet)."""
        future = self.start(render)
        while not future.done() and not self._take(render.key) and self._take_next():
            pass  # made the next queued render while this one is being made elsewhere
        return self._jobs[render.key].result(timeout=RENDER_TIMEOUT_S * 4)

    def _take(self, key: str) -> bool:
        """Make the render ``key`` in this thread if it is still queued; whether it was."""
        with self._lock:
            if not self._jobs[key].cancel():  # being made, or made
                return False
            here: Future[Any] = Future()
            here.set_running_or_notify_cancel()  # so that nobody else takes it
            self._jobs[key] = here
            render, folder = self._renders[key]
        try:
            here.set_result(_made(render, folder))
        except Exception as exc:  # noqa: BLE001 - the tests that read it fail with it
            here.set_exception(exc)
        return True

    def _take_next(self) -> bool:
        """Make the first render still queued in this thread; whether there was one."""
        with self._lock:
            queued = [key for key, job in self._jobs.items() if not job.running() and not job.done()]
        return any(self._take(key) for key in queued[:1]) or (len(queued) > 1 and self._take_next())

    def run(self, args: list[str], *, expect: int | None = 0, cwd: Path = ROOT,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Run ``python ARGS`` (``-m module ...`` or ``-c code ...``) as a child process with the
        session's environment (and ``env``); RenderFailed unless it exits with ``expect`` (None:
        any code).

        The child is forked from a process that has imported planlib, papermill and pandas once
        (:func:`_forkserver`), so that it does not spend seconds importing them again.
        """
        if self._closed:
            raise RenderFailed("the test session has ended")
        with tempfile.TemporaryDirectory(prefix="planlib-run-") as logs:
            out_path, err_path = Path(logs) / "out", Path(logs) / "err"
            process = _forkserver().Process(target=_python_child, daemon=False,
                                            args=(args, str(cwd), {**self.env, **(env or {})}, str(out_path),
                                                  str(err_path)))
            with self._lock:
                process.start()
                self._running.add(process)
            try:
                process.join(timeout=RENDER_TIMEOUT_S)
                timed_out = process.exitcode is None
                if timed_out:
                    _kill(process)
                    process.join()
            finally:
                with self._lock:
                    self._running.discard(process)
            kill_group(process.pid)  # what it left running (a kernel whose parent was killed, say)
            out, err = (p.read_text(encoding="utf-8", errors="replace") if p.exists() else "" for p in (out_path, err_path))
        command = "python " + " ".join(a if len(a) < 200 else a[:60] + "..." for a in args)
        if timed_out:
            raise RenderFailed(f"{command} took over {RENDER_TIMEOUT_S} s:\n{out[-2000:]}\n{err[-4000:]}")
        done = subprocess.CompletedProcess(args, process.exitcode, out, err)
        if expect is not None and done.returncode != expect:
            raise RenderFailed(f"{command} exited {done.returncode}, not {expect}:\n{out[-2000:]}\n{err[-4000:]}")
        return done

    def close(self) -> None:
        """Cancel the renders not started and stop those running (the session is over)."""
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            running = list(self._running)
        for process in running:
            _kill(process)


def _made(render: Render, folder: Path) -> Path:
    render.make(folder)
    return folder


def _kill(process: Any) -> None:
    kill_group(process.pid)


def kill_group(pid: int | None) -> None:
    """SIGKILL the process group ``pid`` leads (a render's child, its kernels and browsers), if any."""
    import signal

    if pid is None:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


PRELOAD = ["planlib", "planlib.cli", "planlib.cli.document_commands", "planlib.cli.annual_commands",
           "planlib.cli.variation_commands", "planlib.cli.analysis_commands", "planlib.reports",
           "planlib.reports.publish", "planlib.reports.annual_report", "planlib.reports.variation",
           "planlib.reports.response", "planlib.reports.plan_document", "planlib.appraisal", "planlib.annual",
           "planlib.variation", "papermill", "nbformat", "nbclient", "jupyter_client", "pandas", "numpy", "scipy.stats",
           "altair", "pypdf"]
"""What the render children's parent imports once (each child would take seconds to import it)."""

_FORKSERVER: Any = None


def _forkserver() -> Any:
    """multiprocessing's forkserver context, its server having imported :data:`PRELOAD`."""
    global _FORKSERVER
    if _FORKSERVER is None:
        import multiprocessing

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        _FORKSERVER = context
    return _FORKSERVER


def _python_child(args: list[str], cwd: str, env: dict[str, str], out: str, err: str) -> None:
    """Run ``python ARGS`` in this (forked) process, as its own process group, and exit with its code
    (through multiprocessing, whose finalizers release what the command held: semaphores that the
    tests' process would otherwise report as leaked)."""
    import runpy
    import traceback

    os.setsid()
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    for fd, path in ((1, out), (2, err)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    code: Any = 0
    try:
        if args[0] == "-m":
            sys.argv = [args[1], *args[2:]]
            runpy.run_module(args[1], run_name="__main__", alter_sys=True)
        elif args[0] == "-c":
            sys.argv = ["-c", *args[2:]]
            exec(compile(args[1], "<string>", "exec"), {"__name__": "__main__"})  # noqa: S102 - the tests' own code
        else:
            raise ValueError(f"expected -m or -c, not {args[0]!r}")
    except SystemExit as stopped:
        code = stopped.code
    except BaseException:  # noqa: BLE001 - reported as python reports it, with exit code 1
        traceback.print_exc()
        code = 1
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    import atexit

    atexit._run_exitfuncs()  # as python does on the way out (multiprocessing then runs its finalizers)
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(code)


def planlib_cli(*args: str | os.PathLike[str], expect: int | None = 0,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``planlib ARGS`` in a child process (as a person runs it), for a :class:`Render`."""
    return session_documents().run(["-m", "planlib.cli", *map(str, args)], expect=expect, env=env)


def run_python(code: str, *args: str | os.PathLike[str], env: dict[str, str] | None = None,
               expect: int | None = 0) -> subprocess.CompletedProcess[str]:
    """``python -c CODE ARGS`` in a child process (``sys.argv[1:]`` are ARGS), for a :class:`Render`."""
    return session_documents().run(["-c", code, *map(str, args)], env=env, expect=expect)


_DOCUMENTS: Documents | None = None


def session_documents() -> Documents:
    global _DOCUMENTS
    if _DOCUMENTS is None:
        _DOCUMENTS = Documents(Path(tempfile.mkdtemp(prefix="planlib-documents-")), RENDER_WORKERS)
    return _DOCUMENTS


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start, in the order the tests will run, the renders of every module some selected test of
    which reads documents."""
    seen: set[Any] = set()
    for item in items:
        module = getattr(item, "module", None)
        if module is None or module in seen or "documents" not in getattr(item, "fixturenames", ()):
            continue
        seen.add(module)
        for render in getattr(module, "RENDERS", ()):
            session_documents().start(render)


def pytest_unconfigure(config: pytest.Config) -> None:
    global _DOCUMENTS
    if _DOCUMENTS is not None:
        _DOCUMENTS.close()
        shutil.rmtree(_DOCUMENTS.root, ignore_errors=True)
        _DOCUMENTS = None


@pytest.fixture(scope="session")
def documents() -> Documents:
    """The session's documents: ``documents.get(render)`` waits for a :class:`Render` and
    returns what it made (see the module's docstring)."""
    return session_documents()


# --------------------------------------------------------------------------- renders two modules share


def response_render(folder: Path) -> Render:
    """The published response to the Panel of ``folder`` with its PDF, as ``planlib publish
    --response --pdf`` writes it (for the embedded example, with no PLAN argument): the folder."""

    plan = [] if folder == planlib.DEFAULT_PLAN else [folder]
    return Render(f"response/{folder.name}/pdf",
                  lambda out: planlib_cli("publish", *plan, "--response", "--pdf", "--out", out))


def report_scenario(folder: Path) -> Path:
    """The scenario a plan folder's report is rendered for: the embedded example's "precept plus
    15" (tests read its figures), otherwise the plan's first scenario."""
    scenarios = sorted((folder / "scenarios").glob("*.yaml"))
    return next((s for s in scenarios if s.stem == "precept_plus_15"), scenarios[0])


REPORT_SEED = 3


def scenario_report_render(folder: Path) -> Render:
    """A scenario report (``report_scenario``) of ``folder`` with its PDF, as ``planlib report
    --pdf --seed 3`` writes it: the folder."""

    return Render(f"scenario-report/{folder.name}/seed{REPORT_SEED}/pdf",
                  lambda out: planlib_cli("report", folder, "-s", report_scenario(folder), "--out", out, "--pdf",
                                          "--seed", REPORT_SEED))


NOTEBOOK_RUN = """
import json, sys
import papermill
path, out, folder, cwd = sys.argv[1:]
error = None
try:
    papermill.execute_notebook(path, out, parameters={"plan_folder": folder}, kernel_name="python3", cwd=cwd,
                               progress_bar=False)
except papermill.PapermillExecutionError as stopped:
    error = {"ename": stopped.ename, "evalue": stopped.evalue}
with open(out + ".error.json", "w", encoding="utf-8") as handle:
    json.dump(error, handle)
"""


def notebook_render(path: Path, folder: Path) -> Render:
    """The notebook ``path`` run by papermill with ``plan_folder`` set to ``folder``, in a new
    kernel: the executed notebook (same name) and, in ``<name>.error.json``, the error that
    stopped it (null if none). tests/test_notebooks.py reads every such run and
    tests/test_notebook_export.py exports one to HTML."""
    return Render(f"notebook/{path.stem}/{folder.name}",
                  lambda out: run_python(NOTEBOOK_RUN, path, out / path.name, folder, path.parent))
