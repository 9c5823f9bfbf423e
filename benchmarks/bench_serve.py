"""A board meeting at once: 12 pages open the scenario explorer together, beside one page alone.

The server is started as an operator would start it, ``planlib serve --viewers 12`` on a free
loopback port (with a scenario store of its own in a temporary folder), and the benchmark waits
until its pools are ready: the server's process family holds as many kernel processes as
:func:`planlib.serving.kernels.pool_sizes` keeps for 12 viewers (12 for the scenario explorer,
one for every other app: Voila preheats them one at a time, each appearing once the one before
has run its app) and the family has gone quiet (under :data:`QUIET_CPU` of a core over a second).

Then one headless Chromium with 12 browser contexts (12 separate visitors: no shared cookies
or cache) opens the scenario explorer in all 12 at the same moment, and each page is timed from
its request until its first chart is visible. The pages stay open while the server refills the
pool behind them, as a board's would during a meeting; they are closed once it has, and the
server is given up to three minutes to release their kernels. The baseline is one page alone,
opened in a fresh context after that, in the same run.

All the while the server's memory is sampled every :data:`SAMPLE_S` seconds: the resident
memory (RSS) of the ``planlib serve`` process and every process under it (Voila and all its
kernels). RSS counts the pages that processes share (Python's and the libraries' code) once per
process, so the sum over-states what the machine gives them; a proportional (PSS) total is taken
once, with the 12 pages open and the pool refilled, for comparison.

Goal on 2 cores: every page's chart within 10 s and peak memory (while the 12 pages load and
the pool refills behind them) under 6 GiB. The harness's row shows the slowest of the 12 against
the page alone (a page that never draws counts as :data:`LOAD_TIMEOUT_S`); :func:`details`
prints every page's time, the median and maximum, the memory by phase, a waiting kernel's size,
and how many kernels the server released before their page connected.

Each side takes minutes (the pool must be refilled between them), so each is run once: the
harness's warm-up call does the measured run and later calls report its figure (as
:mod:`benchmarks.bench_reports` does).
"""

from __future__ import annotations

import asyncio
import collections
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Callable

from benchmarks.bench_apps import CHART, CHROMIUM, CHROMIUM_ARGS, _cpu_seconds, _family, _free_port
from benchmarks.harness import Case
from planlib.io.paths import APPS_DIR

VIEWERS = 12
APP = "scenario_explorer"
GOAL_CHART_S = 10.0
GOAL_PEAK_GIB = 6.0
SAMPLE_S = 0.2
QUIET_CPU = 0.15
"""The server and its kernels count as quiet when together they use less than this share of one
core over a second."""
LOAD_TIMEOUT_S = 240
READY_TIMEOUT_S = 900


def _kernels(pid: int) -> list:
    """The kernel processes under the server (``python -m ipykernel_launcher ...``)."""
    kernels = []
    for process in _family(pid):
        try:
            if any("ipykernel" in part for part in process.cmdline()):
                kernels.append(process)
        except Exception:  # noqa: BLE001 - a process that has just ended is not a kernel
            continue
    return kernels


class Memory:
    """The server's memory, sampled in a background thread: the family's summed RSS by phase."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.phase = "start-up"
        self.peaks: dict[str, float] = {}
        self.kernels_at_peak: dict[str, int] = {}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-serve-memory", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            total, kernels = 0, 0
            for process in _family(self.pid):
                try:
                    total += process.memory_info().rss
                    kernels += any("ipykernel" in part for part in process.cmdline())
                except psutil.Error:
                    continue
            phase = self.phase
            if total > self.peaks.get(phase, 0):
                self.peaks[phase], self.kernels_at_peak[phase] = total, kernels
            self.samples += 1
            self._stop.wait(SAMPLE_S)

    def proportional(self) -> tuple[float, float, int]:
        """The family's summed PSS and RSS now (bytes), and how many kernels it holds."""
        import psutil

        pss = rss = 0
        for process in _family(self.pid):
            try:
                info = process.memory_full_info()
                pss, rss = pss + getattr(info, "pss", info.uss), rss + info.rss
            except psutil.Error:
                continue
        return pss, rss, len(_kernels(self.pid))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def _wait_ready(pid: int, kernels_wanted: int, known: set[int] | None = None, timeout: float = READY_TIMEOUT_S) -> set[int]:
    """Wait until the server holds ``kernels_wanted`` kernels (or, given ``known``, that many new
    ones beyond those) and its family has gone quiet; the pids of its kernels then."""
    deadline = time.monotonic() + timeout
    while True:
        pids = {p.pid for p in _kernels(pid)}
        enough = len(pids - known) >= kernels_wanted if known is not None else len(pids) >= kernels_wanted
        if enough:
            family = _family(pid)
            before = _cpu_seconds(family)
            time.sleep(1.0)  # the window over which the CPU use is measured
            if 0 <= _cpu_seconds(family) - before < QUIET_CPU:
                return {p.pid for p in _kernels(pid)}
        else:
            time.sleep(0.5)  # polling for the pool's next kernel
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server's pools did not fill in {timeout:.0f} s "
                               f"({len(pids)} kernels, {kernels_wanted} wanted)")


def _kernel_memory(pid: int) -> list[tuple[int, int]]:
    """RSS and USS of each of the server's kernels (bytes)."""
    import psutil

    sizes = []
    for kernel in _kernels(pid):
        try:
            info = kernel.memory_full_info()
            sizes.append((info.rss, info.uss))
        except psutil.Error:
            continue
    return sizes


def _cpu_by_pid(processes: list) -> dict[int, float]:
    return {p.pid: _cpu_seconds([p]) for p in processes}


def _cpu_since(processes: list, before: dict[int, float]) -> float:
    """CPU seconds ``processes`` have used since ``before`` (by pid; a new process from its start;
    one that has ended since is left out)."""
    return sum(max(_cpu_seconds([p]) - before.get(p.pid, 0.0), 0.0) for p in processes)


def _browser() -> list:
    """Chromium's processes (started by this benchmark's Playwright driver)."""
    return [p for p in _family(os.getpid()) if "chrom" in p.name().lower()]


def _wait_released(pid: int, kernels_kept: int, timeout: float = 180.0) -> None:
    """Wait (at most ``timeout`` seconds) until the server has released the kernels of closed pages
    and holds only its pools' ``kernels_kept``."""
    deadline = time.monotonic() + timeout
    while len(_kernels(pid)) > kernels_kept and time.monotonic() < deadline:
        time.sleep(1.0)  # polling: the server releases a closed page's kernel within about a minute


def _start(stack: ExitStack) -> tuple[str, subprocess.Popen, Path]:
    """``planlib serve --viewers 12`` on a free port; its address, process and log once it answers."""
    port = _free_port()
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-serve-")))
    env = {**os.environ, "PLANLIB_STORE": str(folder / "scenarios.db")}
    log = stack.enter_context(open(folder / "serve.log", "wb"))
    process = subprocess.Popen([sys.executable, "-m", "planlib.cli", "serve", "--viewers", str(VIEWERS),
                                "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)

    def stop() -> None:
        process.terminate()  # planlib serve asks Voila to stop, which shuts its kernels down
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()

    stack.callback(stop)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"planlib serve exited ({process.returncode}): {(folder / 'serve.log').read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return url, process, folder / "serve.log"
        except OSError:
            time.sleep(0.2)  # polling until the server answers
    raise RuntimeError("planlib serve did not answer within 120 s")


class Meeting:
    """The server, the browser and the measurements of one run."""

    def __init__(self) -> None:
        from planlib.serving.kernels import pool_sizes

        self.stack = ExitStack()
        self.base, self.server, self.log = _start(self.stack)
        self.memory = Memory(self.server.pid)
        self.stack.callback(self.memory.stop)
        notebooks = [p.name for p in APPS_DIR.glob("*.ipynb")]
        self.pool_kernels = sum(pool_sizes(VIEWERS, notebooks).values())
        t0 = time.perf_counter()
        self.kernels = _wait_ready(self.server.pid, self.pool_kernels)
        self.ready_s = time.perf_counter() - t0
        self.at_rest = _kernel_memory(self.server.pid)  # every pool full, nobody served yet
        self.url = f"{self.base}voila/render/{APP}.ipynb"
        self.loop = asyncio.new_event_loop()  # the browser's own, in a thread of its own (bench_apps drives
        threading.Thread(target=self.loop.run_forever, name="bench-serve-browser", daemon=True).start()  # its sync API)
        self.browser = self._run(self._launch())
        self.stack.callback(self._stop_browser)
        self.figures: dict[str, Any] = {}

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def _stop_browser(self) -> None:
        try:
            self._run(self.browser.close())
            self._run(self.playwright.stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)

    async def _launch(self) -> Any:
        from playwright.async_api import async_playwright

        self.playwright = await async_playwright().start()
        return await self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)

    async def _open(self, count: int) -> tuple[list[float | None], list[Any]]:
        contexts = [await self.browser.new_context(viewport={"width": 1366, "height": 768}) for _ in range(count)]

        async def one(context: Any) -> float | None:
            page = await context.new_page()
            t0 = time.perf_counter()
            try:
                await page.goto(self.url, wait_until="commit", timeout=LOAD_TIMEOUT_S * 1000)
                await page.locator(CHART).first.wait_for(state="visible", timeout=LOAD_TIMEOUT_S * 1000)
            except Exception:  # noqa: BLE001 - a page that never draws is counted, not fatal
                return None
            return time.perf_counter() - t0

        times = await asyncio.gather(*(one(c) for c in contexts))
        return list(times), contexts

    async def _close(self, contexts: list[Any]) -> None:
        for context in contexts:
            await context.close()

    def pages(self, count: int, label: str) -> list[float | None]:
        """Open ``count`` pages at once and time each page's first chart; keep them open until the
        pool has refilled behind them, then close them."""
        self.memory.phase = f"{label}: loading"
        server_cpu, browser_cpu, t0 = _cpu_by_pid(_family(self.server.pid)), _cpu_by_pid(_browser()), time.perf_counter()
        times, contexts = self._run(self._open(count))
        family = _family(self.server.pid)
        kernels = [p for p in family if p.pid in {k.pid for k in _kernels(self.server.pid)}]
        self.figures[f"cpu {label}"] = (_cpu_since([p for p in family if p not in kernels], server_cpu),
                                        _cpu_since(kernels, server_cpu),
                                        _cpu_since(_browser(), browser_cpu), time.perf_counter() - t0)
        self.memory.phase = f"{label}: refilling"
        self.kernels = _wait_ready(self.server.pid, count, known=self.kernels)
        if count > 1:
            self.figures["pss"] = self.memory.proportional()
        self._run(self._close(contexts))
        self.memory.phase = "between"
        _wait_released(self.server.pid, self.pool_kernels)  # the next load meets a server with only its pools
        return times

    def close(self) -> None:
        self.stack.close()


_MEETING: list[Meeting] = []
_RESULTS: dict[str, list[float | None]] = {}


def _meeting() -> Meeting:
    if not _MEETING:
        _MEETING.append(Meeting())
        import atexit

        atexit.register(_MEETING[0].close)
    return _MEETING[0]


def _once(label: str, count: int, summary: Callable[[list[float]], float]) -> Callable[[], float]:
    """Open ``count`` pages on the first call; every call reports ``summary`` of their times."""

    def measured() -> float:
        if label not in _RESULTS:
            _RESULTS[label] = _meeting().pages(count, label)
        drawn = [t for t in _RESULTS[label] if t is not None]
        return summary(drawn) if drawn else float(LOAD_TIMEOUT_S)

    return measured


def cases() -> list[Case]:
    return [Case(f"first chart: {APP}, slowest of {VIEWERS} at once (serve --viewers {VIEWERS})",
                 _once(f"{VIEWERS} pages", VIEWERS, max),
                 f"first chart: {APP}, one page alone", _once("1 page", 1, max),
                 goal=f"every chart within {GOAL_CHART_S:.0f} s, peak under {GOAL_PEAK_GIB:.0f} GiB",
                 min_runs=1, budget_s=0.0)]


def details() -> list[str]:
    """Every page's time, the median and maximum, and the server's memory, as lines to print."""
    if not _MEETING:
        return []
    meeting = _MEETING[0]
    gib = 2.0**30
    lines = [f"planlib serve --viewers {VIEWERS}: {meeting.pool_kernels} kernels preheated in {meeting.ready_s:.0f} s; "
             f"one Chromium, one context per visitor; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"]
    for label, times in _RESULTS.items():
        drawn = sorted(t for t in times if t is not None)
        missing = len(times) - len(drawn)
        if drawn:
            lines.append(f"  {label}: first chart median {statistics.median(drawn):.1f} s, max {max(drawn):.1f} s"
                         f" ({', '.join(f'{t:.1f}' for t in drawn)})"
                         + (f"; {missing} never drew within {LOAD_TIMEOUT_S} s" if missing else ""))
        else:
            lines.append(f"  {label}: no page drew its chart within {LOAD_TIMEOUT_S} s")
        if f"cpu {label}" in meeting.figures:
            server_cpu, kernel_cpu, browser_cpu, wall = meeting.figures[f"cpu {label}"]
            lines.append(f"    CPU while they loaded ({wall:.0f} s): Voila {server_cpu:.0f} s, its kernels {kernel_cpu:.0f} s "
                         f"(refills included), Chromium {browser_cpu:.0f} s (the browsers share this machine's cores)")
    if meeting.at_rest:
        mib = 2.0**20
        lines.append(f"  a waiting kernel (all {len(meeting.at_rest)} at rest): median RSS "
                     f"{statistics.median(r for r, _ in meeting.at_rest) / mib:.0f} MiB, "
                     f"USS {statistics.median(u for _, u in meeting.at_rest) / mib:.0f} MiB")
    try:
        log = meeting.log.read_text(errors="replace")
    except OSError:
        log = ""
    released = log.count("no page connected to it")
    if released:
        lines.append(f"  the server released {released} kernels whose page had not connected in time (see its log)")
    warnings = collections.Counter(line.split("|", 1)[-1].strip()[:90] for line in log.splitlines()
                                   if ("WARNING" in line or "ERROR" in line) and line.split("|", 1)[-1].strip())
    for text, times in warnings.most_common(4):
        lines.append(f"  server log, {times} x: {text}")
    peaks = meeting.memory.peaks
    for phase, peak in peaks.items():
        lines.append(f"  server memory, {phase}: peak {peak / gib:.2f} GiB RSS summed over the server and "
                     f"{meeting.memory.kernels_at_peak[phase]} kernels")
    if "pss" in meeting.figures:
        pss, rss, kernels = meeting.figures["pss"]
        lines.append(f"  with the 12 pages open and the pool refilled: {kernels} kernels, {pss / gib:.2f} GiB PSS "
                     f"({rss / gib:.2f} GiB RSS)")
    peak = max((v for phase, v in peaks.items() if phase.startswith(f"{VIEWERS} pages")), default=0.0) / gib
    crowd = _RESULTS.get(f"{VIEWERS} pages", [])
    drawn = [t for t in crowd if t is not None]
    every = bool(crowd) and len(drawn) == len(crowd) and max(drawn) <= GOAL_CHART_S
    verdict = (f"slowest {max(drawn):.1f} s" if len(drawn) == len(crowd) and drawn
               else f"{len(crowd) - len(drawn)} of {len(crowd)} never drew")
    lines.append(f"  goal with {VIEWERS} pages at once: every chart within {GOAL_CHART_S:.0f} s: "
                 f"{'met' if every else 'NOT met'} ({verdict}); peak under {GOAL_PEAK_GIB:.0f} GiB: "
                 f"{'met' if 0 < peak < GOAL_PEAK_GIB else 'NOT met'} ({peak:.2f} GiB RSS)")
    return lines
