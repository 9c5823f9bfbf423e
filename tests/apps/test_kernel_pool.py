"""The kernels behind the served pages (planlib/serving/kernels.py), on one server with short timers.

The server culls kernels idle for 3 s, looking every second; a page's kernel is released 20 s
after it was handed out if no page connects, 3 s after its page closes; at most 2 pages hold
kernels. Only the plan overview keeps a preheated kernel (the other apps are denied a pool, so
that starting the server preheats one kernel, not five).

- A pooled kernel that has waited past the idle timeout, handed to a page, is not culled in the
  moment before its page connects (Voila culled it at the next look: the dead page of the issue).
  A plain GET never connects, so it shows this deterministically, and then its quick release.
  While it and a second page hold the 2 places, a third page is the busy page (HTTP 503),
  accessible and offline.
- A page whose kernel dies says so, with a reload button that brings the app back; a closed
  page's kernel is released.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from planlib import apps
from tests.apps.conftest import RENDER_TIMEOUT_MS, VIEWPORT, VoilaServer, free_port, recorded_page, voila_process
from tests.conftest import MINIMAL

pytestmark = pytest.mark.slow

CONNECT_TIMEOUT = 20
POOLED = "plan_overview.ipynb"
NOT_POOLED = ["scenario_explorer", "net_benefit", "compliance_and_performance", "consultation"]
SETTINGS = [
    "--MappingKernelManager.cull_idle_timeout=3",
    "--MappingKernelManager.cull_interval=1",
    f"--PlanlibKernelManager.connect_timeout={CONNECT_TIMEOUT}",
    "--PlanlibKernelManager.release_after=3",
    "--VoilaKernelManager.fill_delay=1",
    "--PlanlibKernelManager.max_page_kernels=2",
    *[f"--VoilaKernelManager.preheat_denylist={name}" for name in NOT_POOLED],
]
WAIT = 120.0
"""Seconds to wait for a log line (a kernel to preheat, on a shared machine)."""


@pytest.fixture(scope="module")
def server(artifacts: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    log = artifacts / "voila_kernel_pool.log"
    store = tmp_path_factory.mktemp("pool_store") / "scenarios.db"
    command = apps.voila_command(port=free_port(), viewers=1) + SETTINGS
    env = {**apps.voila_env(plan=MINIMAL), "PLANLIB_STORE": f"sqlite:///{store}"}
    with voila_process(command, env, log) as running:
        yield running


def log_match(server: VoilaServer, pattern: str, after: int = 0, timeout: float = WAIT) -> tuple[re.Match, int]:
    """Wait for a line matching ``pattern`` in the server's log after offset ``after``: the match
    and the offset just past it."""
    compiled = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while True:
        text = server.log.read_text(errors="replace")
        found = compiled.search(text, after)
        if found:
            return found, found.end()
        assert server.process.poll() is None, f"the server stopped; its log ends:\n{text[-3000:]}"
        assert time.monotonic() < deadline, f"no log line like {pattern!r} within {timeout:.0f} s:\n{text[-3000:]}"
        time.sleep(0.2)  # polling interval: the loop waits for the line


def kernel_of(page_html: str) -> str:
    return re.search(r'"kernelId": "([0-9a-f-]{36})"', page_html).group(1)


def kernel_exists(server: VoilaServer, kernel_id: str) -> bool:
    try:
        with urllib.request.urlopen(f"{server.url}api/kernels/{kernel_id}", timeout=30) as response:
            return json.load(response)["id"] == kernel_id
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return False
        raise


def gone(server: VoilaServer, kernel_id: str, timeout: float = 30) -> None:
    """Wait until the server no longer has the kernel (it is being shut down)."""
    deadline = time.monotonic() + timeout
    while kernel_exists(server, kernel_id):
        assert time.monotonic() < deadline, f"kernel {kernel_id} still exists {timeout:.0f} s after its release"
        time.sleep(0.2)  # polling interval: the loop waits for the shutdown


def test_a_pooled_kernel_past_the_idle_timeout_survives_its_hand_out_and_the_cap_turns_a_third_page_away(
        server: VoilaServer, browser, artifacts: Path):
    from tests.accessibility import axe_on_page, serious, structure_problems

    waited, offset = log_match(server, r"Kernel ([0-9a-f-]{36}) has waited in its pool longer than the idle timeout")
    # A page takes one of the 2 places (its kernel starts for it and runs the app: no pool)...
    status, page_html = server.get("voila/render/consultation.ipynb")
    assert status == 200
    second = kernel_of(page_html)
    # ...a plain GET (no page ever connects) takes the pooled kernel that has waited too long...
    status, page_html = server.get(f"voila/render/{POOLED}")
    assert status == 200 and "Minimal test plan" in page_html
    pooled = kernel_of(page_html)
    assert pooled == waited.group(1)
    # ...so a third is told the server is busy, politely, in the template's style.
    status, busy = server.get("voila/render/consultation.ipynb")
    assert status == 503
    assert "The server is busy: try again in a minute" in busy and "kernelId" not in busy
    assert structure_problems(busy) == []
    context, page, record = recorded_page(browser, server.url, VIEWPORT)
    try:
        response = page.goto(f"{server.url}voila/render/net_benefit.ipynb", wait_until="load")
        assert response.status == 503  # (the places are held for 20 s after their pages were served)
        assert page.get_by_role("heading", level=1).inner_text() == "The server is busy: try again in a minute"
        assert page.get_by_role("link", name="Try again").is_visible()
        assert serious(axe_on_page(page)) == []
        page.screenshot(path=str(artifacts / "server_busy.png"))
    finally:
        context.close()
    assert record.external_requests() == []

    # Voila's culler looks every second: without the fix it culls the pooled kernel at its next
    # look after the hand-out. With it, the kernel waits for its page, then goes as none came.
    ended, offset = log_match(server, rf"(Culling '\w+' kernel '\w+' \({pooled}\)|Released kernel {pooled}: .*)",
                              after=offset, timeout=CONNECT_TIMEOUT + 30)
    assert ended.group(0).startswith("Released"), ended.group(0)
    assert f"no page connected to it in {CONNECT_TIMEOUT} s" in ended.group(0)
    log_match(server, rf"Released kernel {second}: no page connected", timeout=CONNECT_TIMEOUT + 30)
    gone(server, pooled)
    gone(server, second)


def test_a_page_whose_kernel_dies_says_so_and_reloads_and_a_closed_page_frees_its_kernel(
        server: VoilaServer, browser, artifacts: Path):
    import psutil

    context, page, record = recorded_page(browser, server.url, VIEWPORT)
    try:
        response = page.goto(f"{server.url}voila/render/{POOLED}", wait_until="domcontentloaded",
                             timeout=RENDER_TIMEOUT_MS)
        header = page.locator(".planlib-header h1", has_text="Minimal test plan")
        chart = page.locator(".vega-embed svg").first  # drawn by the widgets: the page is connected
        chart.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        kernel_id = kernel_of(response.text())
        kernel_process = next(p for p in psutil.Process(server.process.pid).children(recursive=True)
                              if any(f"kernel-{kernel_id}.json" in part for part in p.cmdline()))
        assert page.locator(".planlib-lost").count() == 0

        kernel_process.kill()
        lost = page.get_by_role("alert").filter(has_text="This page has lost its connection to the server")
        lost.wait_for(state="visible", timeout=30_000)
        button = page.get_by_role("button", name="Reload the page")
        assert button.is_visible()
        page.screenshot(path=str(artifacts / "kernel_lost.png"))

        with page.expect_navigation(timeout=RENDER_TIMEOUT_MS) as reloaded:
            button.click()
        chart.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        assert header.is_visible() and page.locator(".planlib-lost").count() == 0
        new_kernel = kernel_of(reloaded.value.text())
        assert new_kernel != kernel_id and kernel_exists(server, new_kernel)
        log_match(server, rf"Released kernel {kernel_id}: its page closed 3 s ago")
    finally:
        context.close()
    log_match(server, rf"Released kernel {new_kernel}: its page closed 3 s ago", timeout=30)
    gone(server, new_kernel)
    assert record.external_requests() == []
