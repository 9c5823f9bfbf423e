"""Board apps in Chromium: time to first chart (cold and preheated) and slider-to-redraw latency.

Each app is measured beside a one-cell "hello world" Voila notebook served the same way in the
same run, so the ratio shows what the app itself adds to Voila's own cost. Two Voila servers
run side by side: one with preheated kernels (as ``planlib serve`` runs by default) and one
without (``--pool-size 0``). After a preheated page is used, the pool refills in the
background; the benchmark waits for the refill (:data:`REFILL_S`) before the next preheated
load, so that every preheated load really meets a warm kernel.

The slider case presses the right-arrow key on the 2023/24 precept slider of the scenario
explorer and times, in the page (``performance.now()``), how long the budget-gap chart takes to
change; its baseline is the same key press on a bare ipywidgets slider echoing its value.
Times are taken in the browser and reported to the harness, not the time of the Python calls.
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

from benchmarks.harness import Case
from planlib import apps
from planlib.io.paths import APPS_DIR

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
CHART = ".vega-embed svg, .vega-embed canvas"
APPS = ("plan_overview", "scenario_explorer", "net_benefit")
REFILL_S = 12.0
"""Seconds to let a preheated pool re-run its notebook after a page took its kernel."""

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


def _start(folder: Path, pool_size: int, stack: ExitStack) -> str:
    port = _free_port()
    command = apps.voila_command(port=port, pool_size=pool_size)
    command[command.index(str(APPS_DIR))] = str(folder)
    log = stack.enter_context(tempfile.TemporaryFile())
    process = subprocess.Popen(command, env=apps.voila_env(), stdout=log, stderr=subprocess.STDOUT)
    stack.callback(lambda: (process.terminate(), process.wait(timeout=30)))
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    else:
        raise RuntimeError("Voila did not start for the benchmark")
    return url


def cases() -> list[Case]:
    from playwright.sync_api import sync_playwright

    stack = ExitStack()
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
    for name in APPS:
        shutil.copy(APPS_DIR / f"{name}.ipynb", folder / f"{name}.ipynb")
    (folder / "hello.ipynb").write_text(json.dumps(HELLO))
    (folder / "slider.ipynb").write_text(json.dumps(SLIDER))
    cold = _start(folder, 0, stack)
    warm = _start(folder, 1, stack)
    time.sleep(REFILL_S * 2)  # let every pool run its notebook once before measuring
    playwright = stack.enter_context(sync_playwright())
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    stack.callback(browser.close)

    def first(url: str, selector: str, preheated: bool):
        def load() -> float:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            try:
                t0 = time.perf_counter()
                page.goto(url, wait_until="commit")
                page.locator(selector).first.wait_for(state="visible", timeout=120_000)
                elapsed = time.perf_counter() - t0
            finally:
                page.close()
            if preheated:
                time.sleep(REFILL_S)  # not timed: the pool refills before the next load
            return elapsed

        return load

    cases = []
    for name in APPS:
        for label, base, preheated in (("cold", cold, False), ("preheated", warm, True)):
            cases.append(Case(
                f"first chart: {name} ({label})", first(f"{base}voila/render/{name}.ipynb", CHART, preheated),
                f"hello world ({label})", first(f"{base}voila/render/hello.ipynb", ".hello", preheated),
                goal="under 3 s preheated" if preheated else "", min_runs=2 if preheated else 3, budget_s=0.0,
            ))

    def press(url: str, slider: str, changed: str):
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

    explorer = press(f"{warm}voila/render/scenario_explorer.ipynb",
                     ".planlib-precept:has-text('2023/24') .noUi-handle", ".planlib-gap-chart svg")
    bare = press(f"{warm}voila/render/slider.ipynb", ".noUi-handle", ".echo")
    cases.append(Case("slider to redraw: scenario explorer", explorer, "slider to echo: bare ipywidgets", bare,
                      goal="redraw within 250 ms", min_runs=15, budget_s=0.0))

    import atexit

    atexit.register(stack.close)  # servers and browser stay up until every case has run
    return cases
