"""Fixtures for testing the board apps as a person uses them.

One Voila server (started with :func:`planlib.apps.voila_command`, exactly as ``planlib serve``
starts it) and one headless Chromium serve the whole test session. Pages are visited through
:func:`visit`, which records every request the page makes, its console messages and script
errors, so that tests can assert that nothing left the machine, and which can go on to take
the page through named steps (a filter, a pick, the keyboard checks) in the same load.

Opening an app costs a kernel (and the server's pool runs the notebook again to refill), so
each app is opened as few times as possible: tests/apps/pages.py holds the session's one page
load of each app, whose steps gather what every test of that app reads.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import planlib
from planlib import apps

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("PLANLIB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})

SERVER_START_TIMEOUT = 60.0
"""Seconds to wait for Voila to answer (it imports Jupyter Server and its extensions)."""

VIEWPORT = {"width": 1280, "height": 900}

_CONTENT_HEIGHT_JS = """() => Math.max(document.documentElement.scrollHeight,
    ...[...document.querySelectorAll('*')].map(e => e.scrollHeight))"""

RENDER_TIMEOUT_MS = 90_000
"""Milliseconds to wait for an app to render (kernel start, imports, running every cell)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing is listening on at the moment."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class VoilaServer:
    """A running Voila server: where it listens and where it logs."""

    url: str
    log: Path
    process: subprocess.Popen[bytes]

    def get(self, path: str) -> tuple[int, str]:
        """GET ``path`` from the server: the status code and the body as text."""
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=120) as response:
                return response.status, response.read().decode("utf-8", errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", errors="replace")


def _wait_until_answering(server: VoilaServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            pytest.fail(
                f"Voila exited with code {server.process.returncode} before answering; "
                f"its log ({server.log}) ends:\n{_log_tail(server.log)}"
            )
        try:
            with urllib.request.urlopen(server.url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(
                f"Voila did not answer at {server.url} within {timeout:.0f} s; "
                f"its log ({server.log}) ends:\n{_log_tail(server.log)}"
            )
        time.sleep(0.1)  # polling interval, not synchronisation: the loop waits for an answer


@pytest.fixture
def unused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    return free_port()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots and logs (``test-artifacts/``, not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@contextmanager
def voila_process(command: list[str], env: dict[str, str], log: Path,
                  timeout: float = SERVER_START_TIMEOUT) -> Iterator[VoilaServer]:
    """Voila started with ``command`` (from :func:`planlib.apps.voila_command`, whose port it
    reads) in ``env``, its output in ``log``; yielded once it answers on 127.0.0.1, stopped after."""
    port = command[command.index("--port") + 1]
    with log.open("wb") as log_file:
        process = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, cwd=ROOT)
    server = VoilaServer(url=f"http://127.0.0.1:{port}/", log=log, process=process)
    try:
        _wait_until_answering(server, timeout)
        yield server
    finally:
        # SIGTERM makes Voila shut its kernels down before it exits.
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_voila(log: Path, store: str, pool_size: int | None = None,
                  plan: Path | None = None) -> Iterator[VoilaServer]:
    """Voila as ``planlib serve`` runs it, on a free port, with saved scenarios in ``store``
    (and, with ``plan``, as ``planlib serve --plan`` runs it on that plan folder)."""
    command = apps.voila_command(host="127.0.0.1", port=free_port(), pool_size=pool_size)
    with voila_process(command, {**apps.voila_env(plan=plan), "PLANLIB_STORE": store}, log) as server:
        yield server


@pytest.fixture(scope="session")
def voila_server(artifacts: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    """Voila serving ``voila_apps/`` as ``planlib serve`` does, for the session.

    Saved scenarios go to a store in a temporary folder, never the tester's own.
    """
    store = tmp_path_factory.mktemp("store") / "scenarios.db"
    with running_voila(artifacts / "voila.log", str(store)) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the session; the test fails (never skips) if it is missing."""
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium is needed for the app tests but {CHROMIUM} was not found. "
            "Install it (Debian/Ubuntu: `apt-get install chromium`; .ci/run does this) "
            "or set PLANLIB_CHROMIUM to its path.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


def is_local(url: str) -> bool:
    """True for an address on this machine, or content the page holds (``data:``, ``blob:``).

    A ``blob:`` URL is judged by the origin that made it (``blob:http://127.0.0.1:8866/...``).
    """
    if url.startswith("data:"):
        return True
    parts = urlsplit(url[len("blob:"):] if url.startswith("blob:") else url)
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname in LOCAL_HOSTS


ENDLESS_ANIMATIONS_JS = """() => document.getAnimations()
    .filter(a => a.playState === 'running' && a.effect && a.effect.getComputedTiming().iterations === Infinity)
    .map(a => `${a.animationName || a.id || 'animation'} on ${a.effect.target ? a.effect.target.className.baseVal ?? a.effect.target.className : '?'}`)"""
"""The page's animations that run forever (a spinner, a shimmer), each named with its element's class.

Such an animation costs the browser a frame on every screen refresh for as long as it runs:
on a board member's old laptop, or twelve pages on one machine, that is time taken from
loading the app."""


@dataclass
class Visit:
    """What happened while a page was open: its requests, messages and errors."""

    url: str
    requests: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    served_html: str = ""
    text: str = ""
    while_loading: dict[str, Any] = field(default_factory=dict)
    """Read as soon as the page's HTML had arrived: whether the loading message was there, and
    the animations running forever (:data:`ENDLESS_ANIMATIONS_JS`)."""
    endless_animations: list[str] = field(default_factory=list)
    """The animations running forever once the page had opened."""
    seen: dict[str, dict[str, Any]] = field(default_factory=dict)
    """What ``until`` (``"opened"``) and each step returned, with the page's text after the step."""
    failed: dict[str, BaseException] = field(default_factory=dict)
    """The steps that failed, with what stopped them."""

    def external_requests(self) -> list[str]:
        """Requests (and websockets) the page made to anywhere but this machine."""
        return [url for url in [*self.requests, *self.websockets] if not is_local(url)]

    def after(self, step: str) -> dict[str, Any]:
        """What ``step`` saw (``"opened"``: what ``until`` returned); raises what stopped it if it failed."""
        if step in self.failed:
            raise self.failed[step]
        return self.seen[step]


Step = Callable[[object], "dict[str, Any] | None"]
"""A step of a visit: it acts on the open page and returns what it saw (or None)."""


def recorded_page(browser: object, url: str, viewport: dict[str, int]) -> tuple[object, object, Visit]:
    """A new browser context and page whose requests, sockets, console and errors are recorded.

    Anything bound elsewhere than this machine is refused, so a regression fails the same way
    with or without an internet connection (and never reaches the internet from a test).
    Close the returned context when done.
    """
    record = Visit(url=url)
    context = browser.new_context(viewport=dict(viewport), locale="en-GB")
    context.route(lambda target: not is_local(target), lambda route: route.abort())
    page = context.new_page()
    page.on("request", lambda request: record.requests.append(request.url))
    page.on("websocket", lambda ws: record.websockets.append(ws.url))
    page.on("console", lambda message: record.console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: record.page_errors.append(str(error)))
    page.on("requestfailed", lambda request: record.failed_requests.append(request.url))
    return context, page, record


def full_screenshot(page: object, name: str) -> None:
    """Save the whole page, however long, as ``test-artifacts/NAME``."""
    # Voila scrolls inside #rendered_cells, so a "full page" screenshot would stop at the
    # window's edge: make the window as tall as the tallest scrolled content.
    height = page.evaluate(_CONTENT_HEIGHT_JS)
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(height, 16_000)})
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


@pytest.fixture(scope="session")
def visit(browser: object) -> Callable[..., Visit]:
    """Open a URL in a fresh browser page, call ``until(page)``, and return what happened.

    ``until`` waits for whatever shows the page is ready (a chart, a table cell) and may return
    what it read (kept as ``seen["opened"]``). ``screenshot`` names a PNG to save in
    ``test-artifacts/``. ``steps`` (name: function of the page) then run in order in the same
    page, each with the window at :data:`VIEWPORT`: what each returns, and the page's text
    after it, are kept in ``seen[name]``; a step that fails is kept in ``failed[name]``
    (:meth:`Visit.after` raises it in the test that reads it) and the next steps still run.
    The page is closed afterwards.
    """

    def _visit(url: str, until: Callable[[object], Any], screenshot: str | None = None,
               steps: Mapping[str, Step] | None = None) -> Visit:
        context, page, record = recorded_page(browser, url, VIEWPORT)
        try:
            response = page.goto(url, wait_until="domcontentloaded", timeout=RENDER_TIMEOUT_MS)
            record.while_loading = page.evaluate(
                f"() => ({{loading: !!document.querySelector('#loading'), animations: ({ENDLESS_ANIMATIONS_JS})()}})")
            record.seen["opened"] = until(page) or {}
            record.endless_animations = page.evaluate(ENDLESS_ANIMATIONS_JS)
            record.served_html = response.text() if response is not None else ""
            record.text = page.inner_text("body")
            if screenshot:
                full_screenshot(page, screenshot)
            for name, step in (steps or {}).items():
                try:
                    page.set_viewport_size(dict(VIEWPORT))
                    record.seen[name] = {**(step(page) or {})}
                    record.seen[name].setdefault("text", page.inner_text("body"))
                except (Exception, pytest.fail.Exception) as stopped:  # noqa: BLE001 - fails the tests that read it
                    record.failed[name] = stopped
        finally:
            context.close()
        return record

    return _visit


@pytest.fixture(scope="session")
def example_plan_for_apps() -> planlib.Plan:
    """The plan the apps show (the embedded default)."""
    return planlib.load_plan(planlib.DEFAULT_PLAN)


# The session's one page load of each app (overview, compliance_page, consultation_page, net_benefit_page).
from .pages import compliance_page, consultation_page, net_benefit_page, overview  # noqa: F401
