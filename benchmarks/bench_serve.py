"""A board meeting at once: 12 pages open the scenario explorer together, beside one page alone;
then what Voila's own page costs, and how fast the server alone serves 12 viewers.

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

Each crowd that follows is timed the same way, and after each the benchmark waits until its
server has refilled its pool, gone quiet and released the crowd's kernels (the crowd itself is
closed as soon as it is timed), so every crowd meets a server holding only its full pools:

- **The server alone** (same server): 12 viewers without a browser open the scenario explorer
  at once, then one alone. Each does what a page does against the server, at the protocol level
  (:func:`_viewer`): it fetches the app's page, reads its kernel's id from the page, opens the
  kernel's websocket (Jupyter's JSON protocol), asks for the kernel's info and, once it has it,
  opens the widget manager's control comm and asks it for every widget's state (ipywidgets 8's
  ``request_states``; only messages :mod:`planlib.serving.page_messages` lets through). It is timed
  until the reply with all the widget states (the charts' among them) has arrived: the part of a
  page's first chart that the server controls, which a board's browsers, each on its own
  machine, then turn into widgets and charts.
- **Voila's floor** (a second Voila, started as ``planlib serve`` starts it, with
  :func:`planlib.apps.voila_command` and :func:`planlib.apps.voila_env`, but serving only a
  one-cell "hello world" notebook, :data:`benchmarks.bench_apps.HELLO`, named so that its pool,
  like the explorer's, holds 12 kernels): 12 Chromium contexts open it at once, timed until its
  text is visible, then one alone; and 12 viewers without a browser open it at once. This is what
  Voila's own page (its JavaScript above all) costs on this machine, whatever the app.

For each browser crowd the CPU used while it loaded is split into the server (Voila), its
kernels, and Chromium by process type (the browser process, the renderers, the GPU process, the
network service): the browsers share this machine's two cores with the server, as a board's
would not. For the crowds without a browser, the benchmark's own process (which reads every
reply) is counted instead.

All the while the memory of ``planlib serve`` is sampled every :data:`SAMPLE_S` seconds: the
resident memory (RSS) of the ``planlib serve`` process and every process under it (Voila and all
its kernels). RSS counts the pages that processes share (Python's and the libraries' code) once
per process, so the sum over-states what the machine gives them; a proportional (PSS) total is
taken once, with the 12 explorer pages open and the pool refilled, for comparison.

Goal on 2 cores: every page's chart within 10 s and peak memory (while the 12 pages load and
the pool refills behind them) under 6 GiB. The harness's row shows the slowest of the 12
explorer pages against the page alone (a page that never draws counts as :data:`LOAD_TIMEOUT_S`);
:func:`details` prints every crowd's times (each one's, the median and maximum), the CPU while it
loaded, the memory by phase, a waiting kernel's size, and how many kernels the server released
before their page connected.

Each crowd takes minutes (the pool must be refilled between them), so each is run once, all of
them in the harness's warm-up call (:func:`_programme`), and later calls report its figures (as
:mod:`benchmarks.bench_reports` does). The whole run takes about ten minutes.
"""

from __future__ import annotations

import asyncio
import collections
import json
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

from benchmarks.bench_apps import (
    CHART,
    CHROMIUM,
    CHROMIUM_ARGS,
    HELLO,
    QUIET_CPU,
    _cpu_seconds,
    _family,
    _free_port,
)
from benchmarks.harness import Case
from planlib.io.paths import APPS_DIR

VIEWERS = 12
APP = "scenario_explorer"
HELLO_NOTEBOOK = "hello_scenario_explorer.ipynb"
"""The hello-world notebook's name in the second Voila: like the board app's, it ends in
``scenario_explorer.ipynb``, so its pool holds a kernel for each of the 12 viewers."""
HELLO_TEXT = ".hello"
GOAL_CHART_S = 10.0
GOAL_PEAK_GIB = 6.0
SAMPLE_S = 0.2
LOAD_TIMEOUT_S = 240
READY_TIMEOUT_S = 900


def _is_kernel(process: Any) -> bool:
    """Whether ``process`` is a kernel (``python -m ipykernel_launcher ...``)."""
    try:
        return any("ipykernel" in part for part in process.cmdline())
    except Exception:  # noqa: BLE001 - a process that has just ended is not a kernel
        return False


def _kernels(pid: int) -> list:
    """The kernel processes under the server."""
    return [process for process in _family(pid) if _is_kernel(process)]


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
                    kernels += _is_kernel(process)
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

        pss = rss = kernels = 0
        for process in _family(self.pid):
            try:
                info = process.memory_full_info()
                pss, rss = pss + getattr(info, "pss", info.uss), rss + info.rss
                kernels += _is_kernel(process)
            except psutil.Error:
                continue
        return pss, rss, kernels

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
    import psutil

    processes = []
    for process in _family(os.getpid()):
        try:
            if "chrom" in process.name().lower():
                processes.append(process)
        except psutil.Error:  # a process that has just ended is no longer Chromium's
            continue
    return processes


def _chromium_kind(process: Any) -> str:
    """What a Chromium process does, from its command line: ``browser`` (the main process),
    ``renderer``, ``gpu-process``, ``network`` (the network service) or another ``--type``."""
    kind, sub_type = "browser", ""
    for part in process.cmdline():
        if part.startswith("--type="):
            kind = part.removeprefix("--type=")
        elif part.startswith("--utility-sub-type="):
            sub_type = part.lower()
    return "network" if kind == "utility" and "network" in sub_type else kind


def _chromium_cpu(before: dict[int, float]) -> dict[str, float]:
    """CPU seconds Chromium's processes have used since ``before`` (by pid), by process type."""
    import psutil

    by_kind: collections.Counter[str] = collections.Counter()
    for process in _browser():
        try:
            by_kind[_chromium_kind(process)] += max(_cpu_seconds([process]) - before.get(process.pid, 0.0), 0.0)
        except psutil.Error:
            continue
    return dict(by_kind)


def _own_cpu() -> float:
    """CPU seconds this benchmark's own process has used."""
    times = os.times()
    return times.user + times.system


def _wait_released(pid: int, kernels_kept: int, timeout: float = 180.0) -> None:
    """Wait (at most ``timeout`` seconds) until the server has released the kernels of closed pages
    and holds only its pools' ``kernels_kept``."""
    deadline = time.monotonic() + timeout
    while len(_kernels(pid)) > kernels_kept and time.monotonic() < deadline:
        time.sleep(1.0)  # polling: the server releases a closed page's kernel within about a minute


def _stop(process: subprocess.Popen) -> None:
    process.terminate()  # planlib serve asks Voila to stop, which shuts its kernels down
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()


def _answering(url: str, process: subprocess.Popen, log: Path) -> None:
    """Wait (at most two minutes) until the server at ``url`` answers."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}): {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)  # polling until the server answers
    raise RuntimeError(f"the server at {url} did not answer within 120 s")


def _start(stack: ExitStack) -> tuple[str, subprocess.Popen, Path]:
    """``planlib serve --viewers 12`` on a free port; its address, process and log once it answers."""
    port = _free_port()
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-serve-")))
    env = {**os.environ, "PLANLIB_STORE": str(folder / "scenarios.db")}
    log = stack.enter_context(open(folder / "serve.log", "wb"))
    process = subprocess.Popen([sys.executable, "-m", "planlib.cli", "serve", "--viewers", str(VIEWERS),
                                "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    stack.callback(_stop, process)
    url = f"http://127.0.0.1:{port}/"
    _answering(url, process, folder / "serve.log")
    return url, process, folder / "serve.log"


def _start_hello(stack: ExitStack) -> tuple[str, subprocess.Popen]:
    """A second Voila, started as ``planlib serve`` starts it (12 viewers) but serving only the
    hello-world notebook; its address and process once it answers."""
    from planlib import apps

    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-serve-hello-")))
    (folder / "apps").mkdir()
    (folder / "apps" / HELLO_NOTEBOOK).write_text(json.dumps(HELLO))
    port = _free_port()
    command = apps.voila_command(port=port, viewers=VIEWERS)
    command[command.index(str(APPS_DIR))] = str(folder / "apps")
    log = stack.enter_context(open(folder / "voila.log", "wb"))
    process = subprocess.Popen(command, env=apps.voila_env(), stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    stack.callback(_stop, process)
    url = f"http://127.0.0.1:{port}/"
    _answering(url, process, folder / "voila.log")
    return url, process


async def _viewer(url: str) -> tuple[dict[str, float], tuple[int, int, int, int]]:
    """One viewer without a browser: what a page does against the server, at the protocol level.

    Fetches the app's page at ``url``, reads its kernel's id from the page's configuration, opens
    the kernel's websocket (Jupyter's JSON protocol, no subprotocol), asks for the kernel's info
    and, once it has it (as the page's kernel connection waits for it), opens the widget
    manager's control comm and asks for every widget's state.

    Returns
    -------
    dict of str to float, and tuple of int
        Seconds from the request until the page's HTML (``html``), the open websocket
        (``socket``), the kernel's info (``info``) and the widget states (``states``) arrived;
        and the widget models in the reply, how many of them are anywidget's, how many of those
        are charts (altair's JupyterChart, the anywidget models with a ``spec``) and the reply's
        size in bytes.
    """
    import re
    import uuid

    from ipywidgets._version import __control_protocol_version__
    from jupyter_server.services.kernels.connection.base import (
        deserialize_binary_message,
    )
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    from tornado.websocket import websocket_connect

    session = uuid.uuid4().hex

    def message(msg_type: str, content: dict, metadata: dict | None = None) -> tuple[str, str]:
        header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session, "username": "",
                  "date": "", "version": "5.3"}
        return header["msg_id"], json.dumps({"header": header, "parent_header": {}, "metadata": metadata or {},
                                             "content": content, "channel": "shell", "buffers": []})

    t0 = time.perf_counter()
    client = AsyncHTTPClient(force_instance=True)
    try:
        page = await client.fetch(url, connect_timeout=LOAD_TIMEOUT_S, request_timeout=LOAD_TIMEOUT_S)
    finally:
        client.close()
    marks = {"html": time.perf_counter() - t0}
    found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page.body.decode("utf-8", "replace"))
    if not found:
        raise RuntimeError("the page names no kernel")
    channels = f"{url.split('/voila/')[0].replace('http', 'ws', 1)}/api/kernels/{found[1]}/channels?session_id={session}"
    socket = await websocket_connect(HTTPRequest(channels, connect_timeout=LOAD_TIMEOUT_S,
                                                 request_timeout=LOAD_TIMEOUT_S))
    try:
        marks["socket"] = time.perf_counter() - t0
        info_id, request = message("kernel_info_request", {})
        await socket.write_message(request)
        comm = uuid.uuid4().hex
        while True:
            raw = await socket.read_message()
            if raw is None:
                raise RuntimeError("the kernel's websocket closed")
            reply = deserialize_binary_message(raw) if isinstance(raw, bytes) else json.loads(raw)
            kind, content = reply["header"]["msg_type"], reply.get("content") or {}
            if kind == "kernel_info_reply" and reply["parent_header"].get("msg_id") == info_id:
                marks["info"] = time.perf_counter() - t0
                await socket.write_message(message("comm_open", {"comm_id": comm, "target_name": "jupyter.widget.control",
                                                                 "data": {}}, {"version": __control_protocol_version__})[1])
                await socket.write_message(message("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}})[1])
            elif kind == "comm_close" and content.get("comm_id") == comm:
                raise RuntimeError("the kernel closed the widget control comm")
            elif (kind == "comm_msg" and content.get("comm_id") == comm
                  and content.get("data", {}).get("method") == "update_states"):
                marks["states"] = time.perf_counter() - t0
                states = content["data"]["states"].values()
                anywidgets = [s["state"] for s in states if s.get("model_module") == "anywidget"]
                return marks, (len(states), len(anywidgets), sum("spec" in s for s in anywidgets), len(raw))
    finally:
        socket.close()


class Server:
    """A Voila serving a crowd: its process, the kernels its pools keep and those it holds."""

    def __init__(self, process: subprocess.Popen, base: str, page: str, pool_kernels: int) -> None:
        self.process, self.url, self.pool_kernels = process, f"{base}voila/render/{page}", pool_kernels
        t0 = time.perf_counter()
        self.kernels = _wait_ready(process.pid, pool_kernels)
        self.ready_s = time.perf_counter() - t0


class Meeting:
    """The servers, the browser and the measurements of one run."""

    def __init__(self) -> None:
        from planlib.serving.kernels import pool_sizes

        self.stack = ExitStack()
        self.began = time.perf_counter()
        self.base, process, self.log = _start(self.stack)
        self.memory = Memory(process.pid)
        self.stack.callback(self.memory.stop)
        notebooks = [p.name for p in APPS_DIR.glob("*.ipynb")]
        self.serve = Server(process, self.base, f"{APP}.ipynb", sum(pool_sizes(VIEWERS, notebooks).values()))
        self.at_rest = _kernel_memory(process.pid)  # every pool full, nobody served yet
        self.hello: Server | None = None
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

    async def _pages(self, url: str, selector: str, count: int) -> tuple[list[float | None], list[Any]]:
        """Open ``url`` in ``count`` fresh browser contexts at once; each page's time until
        ``selector`` is visible (None if never), and the contexts, still open."""
        contexts = [await self.browser.new_context(viewport={"width": 1366, "height": 768}) for _ in range(count)]

        async def one(context: Any) -> float | None:
            page = await context.new_page()
            t0 = time.perf_counter()
            try:
                await page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_S * 1000)
                await page.locator(selector).first.wait_for(state="visible", timeout=LOAD_TIMEOUT_S * 1000)
            except Exception:  # noqa: BLE001 - a page that never draws is counted, not fatal
                return None
            return time.perf_counter() - t0

        times = await asyncio.gather(*(one(c) for c in contexts))
        return list(times), contexts

    async def _close(self, contexts: list[Any]) -> None:
        for context in contexts:
            await context.close()

    async def _viewers(self, url: str, count: int, label: str) -> tuple[list[float | None], list[Any]]:
        """``count`` viewers without a browser at once (:func:`_viewer`); each one's time until its
        widget states arrived (None if never). What they received is kept in :attr:`figures`."""

        async def one() -> Any:
            try:
                return await asyncio.wait_for(_viewer(url), LOAD_TIMEOUT_S)
            except Exception as error:  # noqa: BLE001 - a viewer that gets no states is counted, not fatal
                return error

        results = await asyncio.gather(*(one() for _ in range(count)))
        served = [r for r in results if not isinstance(r, BaseException)]
        self.figures[f"viewers {label}"] = ([marks for marks, _ in served], [got for _, got in served],
                                            [f"{type(e).__name__}: {e}" for e in results if isinstance(e, BaseException)])
        return [None if isinstance(r, BaseException) else r[0]["states"] for r in results], []

    def crowd(self, label: str, server: Server, visit: Any, keep_open: bool = False) -> list[float | None]:
        """Time one crowd (``visit``, a coroutine that opens it and returns each visitor's time and
        what to close), with the CPU used meanwhile; then wait until ``server`` has refilled its pool
        (the crowd kept open meanwhile if ``keep_open``, as a board's pages would be), close the
        crowd, and wait until the server has released its kernels."""
        pid = server.process.pid
        self.memory.phase = f"{label}: loading" if server is self.serve else "between"
        t0 = time.perf_counter()
        server_cpu, browser_cpu, own_cpu = _cpu_by_pid(_family(pid)), _cpu_by_pid(_browser()), _own_cpu()
        times, handles = self._run(visit)
        family = _family(pid)
        kernels = [p for p in family if _is_kernel(p)]
        self.figures[f"cpu {label}"] = (_cpu_since([p for p in family if p not in kernels], server_cpu),
                                        _cpu_since(kernels, server_cpu), _chromium_cpu(browser_cpu),
                                        _own_cpu() - own_cpu, time.perf_counter() - t0)
        if not keep_open:
            self._run(self._close(handles))
        if server is self.serve:
            self.memory.phase = f"{label}: refilling"
        server.kernels = _wait_ready(pid, len(times), known=server.kernels)  # a kernel for each visitor
        if label == f"{VIEWERS} pages":
            self.figures["pss"] = self.memory.proportional()
        if keep_open:
            self._run(self._close(handles))
        self.memory.phase = "between"
        _wait_released(pid, server.pool_kernels)  # the next crowd meets a server with only its pools
        self.figures[f"wall {label}"] = time.perf_counter() - t0
        return times

    def start_hello(self) -> None:
        """Start the second Voila, serving the hello-world notebook, and wait for its pool."""
        base, process = _start_hello(self.stack)
        self.hello = Server(process, base, HELLO_NOTEBOOK, VIEWERS)

    def close(self) -> None:
        self.stack.close()


_MEETING: list[Meeting] = []
_RESULTS: dict[str, list[float | None]] = {}
_ERRORS: list[str] = []

EXPLORER_PAGES, EXPLORER_PAGE = f"{VIEWERS} pages", "1 page"
EXPLORER_VIEWERS, EXPLORER_VIEWER = f"{VIEWERS} viewers without a browser", "1 viewer without a browser"
HELLO_PAGES, HELLO_PAGE = f"{VIEWERS} hello pages", "1 hello page"
HELLO_VIEWERS = f"{VIEWERS} hello viewers without a browser"
TIMED = {EXPLORER_PAGES: "first chart", EXPLORER_PAGE: "first chart", EXPLORER_VIEWERS: "widget states",
         EXPLORER_VIEWER: "widget states", HELLO_PAGES: "hello text", HELLO_PAGE: "hello text",
         HELLO_VIEWERS: "widget states"}
"""Every crowd, in the order they are run, and what each visitor is timed until."""


def _programme() -> None:
    """Every crowd, once, in order: the scenario explorer's pages (the harness's row), its viewers
    without a browser, then Voila's floor on the hello-world server."""
    if _RESULTS:
        return
    if not _MEETING:
        _MEETING.append(Meeting())
        import atexit

        atexit.register(_MEETING[0].close)
    meeting = _MEETING[0]
    serve = meeting.serve
    _RESULTS[EXPLORER_PAGES] = meeting.crowd(EXPLORER_PAGES, serve, meeting._pages(serve.url, CHART, VIEWERS),
                                             keep_open=True)
    _RESULTS[EXPLORER_PAGE] = meeting.crowd(EXPLORER_PAGE, serve, meeting._pages(serve.url, CHART, 1), keep_open=True)
    try:  # the figures beside the harness's row: a failure here is reported, not fatal to the row
        _RESULTS[EXPLORER_VIEWERS] = meeting.crowd(EXPLORER_VIEWERS, serve,
                                                   meeting._viewers(serve.url, VIEWERS, EXPLORER_VIEWERS))
        _RESULTS[EXPLORER_VIEWER] = meeting.crowd(EXPLORER_VIEWER, serve, meeting._viewers(serve.url, 1, EXPLORER_VIEWER))
        meeting.start_hello()
        hello = meeting.hello
        _RESULTS[HELLO_PAGES] = meeting.crowd(HELLO_PAGES, hello, meeting._pages(hello.url, HELLO_TEXT, VIEWERS))
        _RESULTS[HELLO_PAGE] = meeting.crowd(HELLO_PAGE, hello, meeting._pages(hello.url, HELLO_TEXT, 1))
        _RESULTS[HELLO_VIEWERS] = meeting.crowd(HELLO_VIEWERS, hello, meeting._viewers(hello.url, VIEWERS, HELLO_VIEWERS))
    except Exception as error:  # noqa: BLE001 - reported under the table
        _ERRORS.append(f"{type(error).__name__}: {error}")
    meeting.figures["run"] = time.perf_counter() - meeting.began


def _once(label: str) -> Callable[[], float]:
    """Run every crowd on the first call; every call reports the slowest of ``label``'s times."""

    def measured() -> float:
        _programme()
        drawn = [t for t in _RESULTS[label] if t is not None]
        return max(drawn) if drawn else float(LOAD_TIMEOUT_S)

    return measured


def cases() -> list[Case]:
    return [Case(f"first chart: {APP}, slowest of {VIEWERS} at once (serve --viewers {VIEWERS})",
                 _once(EXPLORER_PAGES), f"first chart: {APP}, one page alone", _once(EXPLORER_PAGE),
                 goal=f"every chart within {GOAL_CHART_S:.0f} s, peak under {GOAL_PEAK_GIB:.0f} GiB",
                 min_runs=1, budget_s=0.0)]


def _crowd_lines(meeting: Meeting, label: str, times: list[float | None]) -> list[str]:
    """A crowd's times (each, the median and maximum), what it received and the CPU it took."""
    timed = TIMED.get(label, "done")
    drawn = sorted(t for t in times if t is not None)
    missing = len(times) - len(drawn)
    if drawn:
        lines = [f"  {label}: {timed} median {statistics.median(drawn):.1f} s, max {max(drawn):.1f} s"
                 f" ({', '.join(f'{t:.1f}' for t in drawn)})"
                 + (f"; {missing} never got to the {timed} within {LOAD_TIMEOUT_S} s" if missing else "")]
    else:
        lines = [f"  {label}: none got to its {timed} within {LOAD_TIMEOUT_S} s"]
    if f"viewers {label}" in meeting.figures:
        marks, received, errors = meeting.figures[f"viewers {label}"]
        if marks:
            lines.append("    median from the request: page HTML {:.2f} s, websocket open {:.2f} s, kernel info {:.2f} s, "
                         "widget states {:.2f} s".format(*(statistics.median(m[k] for m in marks)
                                                            for k in ("html", "socket", "info", "states"))))
            models, anywidgets, charts, size = received[0]
            lines.append(f"    each reply: {models} widget models ({anywidgets} anywidget, {charts} of them charts), "
                         f"{size / 2**20:.1f} MiB" + ("" if len(set(received)) == 1 else " (the first viewer's)"))
        for text, times_seen in collections.Counter(errors).most_common(3):
            lines.append(f"    {times_seen} x failed: {text[:120]}")
    if f"cpu {label}" in meeting.figures:
        server_cpu, kernel_cpu, chromium, own_cpu, wall = meeting.figures[f"cpu {label}"]
        where = "the hello-world Voila" if label in (HELLO_PAGES, HELLO_PAGE, HELLO_VIEWERS) else "Voila"
        cpu = f"    CPU while they loaded ({wall:.0f} s): {where} {server_cpu:.1f} s, its kernels {kernel_cpu:.1f} s (refills included)"
        if f"viewers {label}" in meeting.figures:
            cpu += f", the benchmark's own process {own_cpu:.1f} s"
        else:
            kinds = ", ".join(f"{kind} {seconds:.1f}" for kind, seconds in sorted(chromium.items(), key=lambda kv: -kv[1])
                              if seconds >= 0.05)
            cpu += f", Chromium {sum(chromium.values()):.1f} s ({kinds})"
        lines.append(cpu)
    return lines


def details() -> list[str]:
    """Every crowd's times, the median and maximum, the CPU meanwhile, and the server's memory, as lines to print."""
    if not _MEETING:
        return []
    meeting = _MEETING[0]
    gib = 2.0**30
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    head = (f"planlib serve --viewers {VIEWERS}: {meeting.serve.pool_kernels} kernels preheated in "
            f"{meeting.serve.ready_s:.0f} s; one Chromium, one context per visitor; load average {load} "
            f"(1, 5, 15 min); the whole run took {meeting.figures.get('run', 0) / 60:.0f} min")
    lines = [head]
    for label, times in _RESULTS.items():
        if label == HELLO_PAGES and meeting.hello is not None:
            lines.append(f"Voila's floor: a second Voila serving a one-widget hello-world page, {VIEWERS} kernels "
                         f"preheated in {meeting.hello.ready_s:.0f} s")
        lines += _crowd_lines(meeting, label, times)
    for error in _ERRORS:
        lines.append(f"  the crowds after the explorer's pages stopped: {error[:300]}")
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
    crowd = _RESULTS.get(EXPLORER_PAGES, [])
    drawn = [t for t in crowd if t is not None]
    every = bool(crowd) and len(drawn) == len(crowd) and max(drawn) <= GOAL_CHART_S
    verdict = (f"slowest {max(drawn):.1f} s" if len(drawn) == len(crowd) and drawn
               else f"{len(crowd) - len(drawn)} of {len(crowd)} never drew")
    slowest = {label: max(t for t in _RESULTS[label] if t is not None) for label in (EXPLORER_PAGES, EXPLORER_VIEWERS, HELLO_PAGES)
               if label in _RESULTS and any(t is not None for t in _RESULTS[label])}
    if len(slowest) == 3:
        lines.append(f"  the slowest of {VIEWERS} at once: the server alone gave its viewers the explorer's widget states in "
                     f"{slowest[EXPLORER_VIEWERS]:.1f} s; in Chromium on this machine Voila's hello-world page took "
                     f"{slowest[HELLO_PAGES]:.1f} s and the explorer's first chart {slowest[EXPLORER_PAGES]:.1f} s")
    lines.append(f"  goal with {VIEWERS} pages at once: every chart within {GOAL_CHART_S:.0f} s: "
                 f"{'met' if every else 'NOT met'} ({verdict}); peak under {GOAL_PEAK_GIB:.0f} GiB: "
                 f"{'met' if 0 < peak < GOAL_PEAK_GIB else 'NOT met'} ({peak:.2f} GiB RSS)")
    return lines
