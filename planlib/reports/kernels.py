"""Running the report template: papermill in a new kernel, or in this process's kept kernel.

:func:`execute_notebook` runs the template (:data:`planlib.io.paths.SCENARIO_REPORT`) with
papermill after :func:`check_parameters` has checked the parameters' names against it; a kernel
that fails to start is tried once more. A fresh kernel costs seconds, most of it imports, so a
batch worker keeps one (:class:`WarmKernel`) and runs its reports there through the
``planlib-warm`` papermill engine.

>>> sorted(PARAMETERS)
['finance_xlsx', 'plan_path', 'samples', 'scenario_path', 'seed']
>>> kernel_failed_to_start(RuntimeError("Kernel died before replying to kernel_info"))
True
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from planlib.errors import PlanError, PlanlibError, Problem
from planlib.io.paths import SCENARIO_REPORT

PARAMETERS = ("plan_path", "scenario_path", "seed", "samples", "finance_xlsx")
"""The only parameters a report accepts; checked against the template before each run."""

EXECUTION_TIMEOUT_S = 600
"""Longest a single cell may run before the report fails."""

START_TIMEOUT_S = 60
"""Longest a kernel may take to start (one retry if it does not)."""

WARM_ENGINE = "planlib-warm"
"""Name of the papermill engine that runs reports in a kept kernel."""

_PRELOAD = ("import planlib.reports.content, planlib.results, planlib.appraisal, planlib.uncertainty, "
            "altair, pandas, numpy")
_RESET = "get_ipython().run_line_magic('reset', '-f')\nget_ipython().execution_count = 1"


def check_parameters(parameters: dict[str, Any], template: Path = SCENARIO_REPORT,
                     allowed: tuple[str, ...] = PARAMETERS, what: str = "report") -> None:
    """Raise PlanError unless every name is one the template declares (papermill.inspect_notebook)
    and one of ``allowed``; ``what`` names the kind of document in the message.

    Every document planlib writes from a papermill template checks its parameters here.
    """
    declared = _declared(str(template), Path(template).stat().st_mtime_ns)
    unknown = sorted((set(parameters) - declared) | (set(parameters) - set(allowed)))
    if unknown:
        raise PlanError([Problem(str(template), None, "parameters",
                                 f"unknown {what + ' ' if what else ''}parameter(s): {', '.join(unknown)}; "
                                 f"the template takes {', '.join(sorted(declared))}")])


@functools.lru_cache(maxsize=16)
def _declared(template: str, _mtime_ns: int) -> frozenset[str]:
    """The parameters ``template`` declares (read again only when the file changes)."""
    import papermill

    return frozenset(papermill.inspect_notebook(template))


def kernel_failed_to_start(exc: BaseException) -> bool:
    """Kernel start failures (papermill issues #239, #511): worth one retry."""
    text = f"{type(exc).__name__}: {exc}"
    return isinstance(exc, (RuntimeError, TimeoutError)) and any(
        w in text for w in ("Kernel died before replying", "Kernel didn't respond", "kernel_info", "Kernel not ready",
                            "Timeout waiting", "Kernel died", "Address already in use"))


def execute_notebook(parameters: dict[str, Any], output: Path, cwd: str, warm: bool = False,
                     template: Path = SCENARIO_REPORT) -> Any:
    """Execute ``template`` with papermill; a kernel that fails to start is tried once more.

    With ``warm``, the report runs in this process's kept kernel (:class:`WarmKernel`)
    through the ``planlib-warm`` papermill engine; otherwise in a fresh kernel. Every document
    planlib writes from a papermill template runs here.
    """
    import papermill

    engine = {"engine_name": WARM_ENGINE} if warm else {}
    if warm:
        _register_warm_engine()
    for attempt in (1, 2):
        try:
            return papermill.execute_notebook(
                str(template), str(output), parameters=parameters, kernel_name="python3",
                execution_timeout=EXECUTION_TIMEOUT_S, start_timeout=START_TIMEOUT_S,
                progress_bar=False, log_output=False, cwd=cwd, request_save_on_cell_execute=False, **engine,
            )
        except Exception as exc:  # noqa: BLE001 - retried only when the kernel did not start
            if warm:
                WARM.discard()  # the next report, or the retry, gets a new kernel
            if attempt == 1 and kernel_failed_to_start(exc):
                continue
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def error_text(exc: BaseException) -> str:
    """A short, traceback-free message for the index.

    >>> error_text(ValueError("bad"))
    'ValueError: bad'
    """
    try:
        from papermill.exceptions import PapermillExecutionError
    except ImportError:  # pragma: no cover
        PapermillExecutionError = ()  # type: ignore[assignment]
    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue}".strip()
    return f"{type(exc).__name__}: {exc}" if not isinstance(exc, PlanlibError) else str(exc)


# --------------------------------------------------------------------------- warm kernels


class WarmKernel:
    """One Python kernel kept for many reports in one process.

    A fresh kernel costs seconds, most of it imports. A warm kernel pays that once: before each
    report its namespace is cleared (``%reset -f``) and its cell counter set back to 1, so the
    report's outputs are those of a cold run (a test compares them). Modules stay imported;
    planlib keeps no state between reports other than caches of what it read. A kernel that a
    report left failed, or that died, is replaced.
    """

    def __init__(self) -> None:
        self.km: Any = None
        self.workdir: str | None = None
        self.reports = 0

    def start(self) -> None:
        """Launch the kernel process now (it boots while the caller does other work)."""
        if self.km is not None:
            return
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.workdir = tempfile.mkdtemp(prefix="planlib-kernel-")
        km = AsyncKernelManager(kernel_name="python3")
        self.km = km
        try:
            # No input history: after %reset the cell numbers start again at 1, and IPython's history
            # database would print "Session/line number was not unique" into a report.
            run_sync(km.start_kernel)(extra_arguments=["--HistoryManager.enabled=False"], cwd=self.workdir,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except BaseException:
            self.discard()
            raise

    def ready(self) -> Any:
        """The kernel manager of a live kernel with an empty namespace, started if need be."""
        from jupyter_core.utils import run_sync

        if self.km is not None and not run_sync(self.km.is_alive)():
            self.discard()
        fresh = self.km is None
        self.start()
        try:
            run_sync(self._run)((_PRELOAD + "\n" if fresh else "") + _RESET)
        except BaseException:
            self.discard()
            raise
        self.reports += 1
        return self.km

    async def _run(self, code: str) -> None:
        kc = self.km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=START_TIMEOUT_S)
            reply = await kc.execute_interactive(code, silent=True, store_history=False, allow_stdin=False,
                                                 timeout=START_TIMEOUT_S, output_hook=lambda msg: None)
            if reply["content"].get("status") != "ok":
                content = reply["content"]
                raise RuntimeError(f"Kernel not ready: {content.get('ename')}: {content.get('evalue')}")
        finally:
            kc.stop_channels()

    def kill(self) -> None:
        """Kill the kernel and its children at once and forget it (safe in a signal handler: no
        event loop, no messages; the kernel runs in a session of its own)."""
        import os
        import signal

        km, self.km = self.km, None
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except OSError:
                pass
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def discard(self) -> None:
        """Shut the kernel down (if any) and forget it."""
        from jupyter_core.utils import run_sync

        km, self.km = self.km, None
        if km is not None:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - a kernel that is already gone is fine
                pass
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


WARM = WarmKernel()
"""This process's kept kernel (each batch worker process has its own)."""


def _register_warm_engine() -> None:
    from papermill.engines import NBClientEngine, papermill_engines

    if WARM_ENGINE in papermill_engines._engines:
        return

    class WarmEngine(NBClientEngine):
        """papermill's nbclient engine, on the process's kept kernel instead of a new one."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None, start_timeout: int = 60,
                                     execution_timeout: int | None = None, **kwargs: Any) -> Any:
            import logging

            from papermill.clientwrap import PapermillNotebookClient

            km = WARM.ready()
            client = PapermillNotebookClient(
                nb_man, km=km, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                log=logging.getLogger("papermill"), log_output=log_output, stdout_file=stdout_file,
                stderr_file=stderr_file)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register(WARM_ENGINE, WarmEngine)
