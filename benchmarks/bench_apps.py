"""Board apps in Chromium: time to first chart with preheated kernels, and slider to redraw.

One Voila server is started as ``planlib serve`` starts it (:func:`planlib.apps.voila_command`
and :func:`planlib.apps.voila_env`, on a free port, preheated kernels: one per notebook), serving
a copy of every app in ``voila_apps/`` and a one-cell "hello world" notebook. Each app's page
is opened in headless Chromium and timed from the request until its first chart is visible;
its baseline is the hello-world page in the same server, timed until its text is visible
(Voila's own floor), so the ratio shows what the app itself adds (goal: first chart within 3 s).

A preheated page takes its notebook's waiting kernel and Voila starts another, which runs the
notebook again. Before the next load the benchmark waits until that refill has happened: a new
kernel process exists and the server and its kernels have gone quiet (:func:`_wait_refilled`),
so every timed load really meets a preheated kernel.

The slider case presses the right-arrow key on the 2023/24 precept slider of the scenario
explorer and times, in the page (``performance.now()``), how long the budget-gap chart takes to
change; its baseline is the same key press on a bare ipywidgets slider echoing its value. The
Python side of the same change is :mod:`benchmarks.bench_ui`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import Callable

from benchmarks.harness import Case
from planlib import apps
from planlib.io.paths import APPS_DIR

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
CHART = ".vega-embed svg, .vega-embed canvas"
APPS = tuple(sorted(p.stem for p in APPS_DIR.glob("*.ipynb")))
GOAL_S = 3.0
QUIET_CPU = 0.15
"""The server and its kernels count as quiet when together they use less than this share of one
core over a second."""

HELLO = {
    "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
               "source": "import ipywidgets as w\nw.HTML('<p class=\"hello\">Hello, board</p>')"}],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                 "language_info": {"name": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}
SLIDER = {
    **HELLO,
    "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
               "source": ("import ipywidgets as w\ns = w.FloatSlider(value=15, min=0, max=30, step=0.5, description='x')\n"
                          "out = w.HTML('<p class=\"echo\">15.0</p>')\n"
                          "s.observe(lambda c: setattr(out, 'value', f'<p class=\"echo\">{c[\"new\"]:.1f}</p>'), 'value')\n"
                          "w.VBox([s, out])")}],
}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _family(pid: int) -> list:
    import psutil

    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _cpu_seconds(processes: list) -> float:
    import psutil

    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def _wait_refilled(pid: int, known: set[int] | None, timeout: float = 300.0) -> set[int]:
    """Wait until a process not in ``known`` has joined the server's family (the refill's kernel;
    ``known=None`` skips this) and the family has used under :data:`QUIET_CPU` of a core over a
    second; the pids of the family."""
    deadline = time.monotonic() + timeout
    while known is not None and not {p.pid for p in _family(pid)} - known:
        if time.monotonic() > deadline:
            raise RuntimeError("Voila started no kernel to refill its pool")
        time.sleep(0.1)  # polling for the new kernel
    while True:
        family = _family(pid)
        before = _cpu_seconds(family)
        time.sleep(1.0)  # the window over which the CPU use is measured
        if 0 <= _cpu_seconds(family) - before < QUIET_CPU and len(_family(pid)) == len(family):
            return {p.pid for p in family}
        if time.monotonic() > deadline:
            raise RuntimeError("Voila's kernels did not settle")


def _start(folder: Path, stack: ExitStack) -> tuple[str, subprocess.Popen]:
    port = _free_port()
    command = apps.voila_command(port=port, pool_size=1)
    command[command.index(str(APPS_DIR))] = str(folder)
    log = stack.enter_context(tempfile.TemporaryFile())
    process = subprocess.Popen(command, env=apps.voila_env(), stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    stack.callback(lambda: (process.terminate(), process.wait(timeout=30)))
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(0.2)  # polling until the server answers
    else:
        raise RuntimeError("Voila did not start for the benchmark")
    return url, process


def cases() -> list[Case]:
    from playwright.sync_api import sync_playwright

    stack = ExitStack()
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
    for name in APPS:
        shutil.copy(APPS_DIR / f"{name}.ipynb", folder / f"{name}.ipynb")
    (folder / "hello.ipynb").write_text(json.dumps(HELLO))
    (folder / "slider.ipynb").write_text(json.dumps(SLIDER))
    base, server = _start(folder, stack)
    state = {"pids": _wait_refilled(server.pid, None)}  # every pool has run its notebook once
    playwright = stack.enter_context(sync_playwright())
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    stack.callback(browser.close)

    def press(url: str, slider: str, changed: str) -> Callable[[], float]:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        stack.callback(page.close)
        page.goto(url)
        handle = page.locator(slider).first
        handle.wait_for(state="visible", timeout=120_000)
        page.locator(changed).first.wait_for(state="attached", timeout=120_000)
        keys = iter(["ArrowRight", "ArrowLeft"] * 1000)

        def once() -> float:
            page.evaluate(
                """(sel) => { const w = window.__t = {t0: null, done: null, before: (document.querySelector(sel) || {}).innerHTML};
                document.addEventListener('keydown', () => { if (w.t0 === null) w.t0 = performance.now(); }, {capture: true, once: true});
                const poll = () => { const el = document.querySelector(sel);
                  if (w.t0 !== null && el && el.innerHTML !== w.before) { w.done = performance.now(); return; }
                  requestAnimationFrame(poll); };
                requestAnimationFrame(poll); }""", changed)
            handle.focus()
            handle.press(next(keys))
            page.wait_for_function("() => window.__t.done !== null", timeout=10_000)
            return page.evaluate("() => window.__t.done - window.__t.t0") / 1e3

        return once

    slider_cases = []
    if "scenario_explorer" in APPS:  # its pages are opened first, and the pools refill before any load is timed
        explorer = press(f"{base}voila/render/scenario_explorer.ipynb",
                         ".planlib-precept:has-text('2023/24') .noUi-handle", ".planlib-gap-chart svg")
        bare = press(f"{base}voila/render/slider.ipynb", ".noUi-handle", ".echo")
        slider_cases.append(Case("slider to redraw: scenario explorer (browser)", explorer,
                                 "slider to echo: bare ipywidgets (browser)", bare,
                                 goal="redraw within 250 ms", min_runs=15, budget_s=0.0))

    def first(url: str, selector: str) -> Callable[[], float]:
        def load() -> float:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            try:
                t0 = time.perf_counter()
                page.goto(url, wait_until="commit")
                page.locator(selector).first.wait_for(state="visible", timeout=120_000)
                elapsed = time.perf_counter() - t0
            finally:
                page.close()
            state["pids"] = _wait_refilled(server.pid, state["pids"])  # not timed
            return elapsed

        return load

    state["pids"] = _wait_refilled(server.pid, state["pids"] if slider_cases else None)
    cases = [Case(f"first chart: {name} (preheated)", first(f"{base}voila/render/{name}.ipynb", CHART),
                  "hello world (preheated)", first(f"{base}voila/render/hello.ipynb", ".hello"),
                  goal=f"under {GOAL_S:.0f} s", min_runs=3, budget_s=0.0)
             for name in APPS]
    cases += slider_cases

    import atexit

    atexit.register(stack.close)  # the server and browser stay up until every case has run
    return cases
