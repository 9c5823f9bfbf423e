"""``planlib serve``: Voila runs until Ctrl-C, then stops cleanly and leaves nothing behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ctrl_c_stops_the_server_cleanly(unused_port: int):
    port = unused_port
    process = subprocess.Popen(
        [sys.executable, "-c", f"import sys, planlib.apps as a; sys.exit(a.serve(port={port}))"],
        start_new_session=True,  # its own process group, as under a terminal
        # A shell running this in the background may have set SIGINT to "ignore"; a terminal doesn't.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"http://127.0.0.1:{port}/"):
            assert process.poll() is None, process.stdout.read().decode(errors="replace")
            assert time.monotonic() < deadline, "Voila did not answer within 60 s"
            time.sleep(0.1)  # polling interval; the loop waits for the server to answer

        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        code = process.wait(timeout=30)
        output = process.stdout.read().decode(errors="replace")

        assert code == 0, output
        assert "Traceback" not in output
        assert not _group_alive(process.pid), "Voila was left running after Ctrl-C"
        assert not _answers(f"http://127.0.0.1:{port}/")
    finally:
        if _group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --------------------------------------------------------------------------- the plan the apps show


@pytest.mark.parametrize("bad, words", [
    ("no_such_folder", "plan folder not found"),
    ("invalid", "levers.officer_commitment: unknown commitment 'C99'"),
], ids=["missing folder", "invalid plan"])
def test_a_bad_plan_is_refused_with_a_clear_message_before_the_server_starts(bad, words, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from planlib import apps
    from planlib.cli import main
    from tests.conftest import MINIMAL

    if bad == "invalid":
        shutil.copytree(MINIMAL, tmp_path / bad)
        with (tmp_path / bad / "plan.yaml").open("a", encoding="utf-8") as f:
            f.write("levers:\n  officer_commitment: C99\n")
    started = []
    monkeypatch.setattr(apps, "serve", lambda **kwargs: started.append(kwargs) or 0)
    result = CliRunner().invoke(main, ["serve", "--plan", str(tmp_path / bad)])
    assert result.exit_code == 1 and started == []
    assert words in result.output and "Traceback" not in result.output


def test_the_plan_folder_reaches_the_apps_kernels_through_the_environment(monkeypatch):
    from click.testing import CliRunner

    from planlib import apps
    from planlib.cli import main
    from planlib.io.paths import DEFAULT_PLAN, SERVED_PLAN_VARIABLE, served_plan
    from tests.conftest import MINIMAL

    started = []
    monkeypatch.setattr(apps, "serve", lambda **kwargs: started.append(kwargs) or 0)
    assert CliRunner().invoke(main, ["serve", "--plan", str(MINIMAL), "--port", "8871"]).exit_code == 0
    env = apps.voila_env({}, plan=started[0]["plan"])
    assert served_plan(env) == MINIMAL.resolve()
    assert CliRunner().invoke(main, ["serve"]).exit_code == 0  # default: the embedded example
    assert served_plan(apps.voila_env({}, plan=started[1]["plan"])) == DEFAULT_PLAN.resolve()
    assert served_plan({}) == DEFAULT_PLAN and SERVED_PLAN_VARIABLE not in apps.voila_env({})


def test_serve_plan_shows_that_plan_in_the_apps(unused_port: int, tmp_path):
    from tests.conftest import MINIMAL

    port = unused_port
    process = subprocess.Popen(
        [sys.executable, "-c", "from planlib.cli import main; main()", "serve", "--plan", str(MINIMAL),
         "--port", str(port), "--pool-size", "0"],
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PLANLIB_STORE": f"sqlite:///{tmp_path / 'scenarios.db'}"},
    )
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"http://127.0.0.1:{port}/"):
            assert process.poll() is None, process.stdout.read().decode(errors="replace")
            assert time.monotonic() < deadline, "Voila did not answer within 60 s"
            time.sleep(0.1)  # polling interval; the loop waits for the server to answer
        pages = {}
        for app in ("plan_overview", "consultation"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/{app}.ipynb", timeout=180) as response:
                pages[app] = response.read().decode("utf-8", errors="replace")
        assert all("Minimal test plan" in page for page in pages.values())
        assert not any("West Midlands" in page for page in pages.values())
        assert "This plan has no consultation to show" in pages["consultation"]
    finally:
        if _group_alive(process.pid):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --------------------------------------------------------------------------- how many viewers to expect


@pytest.mark.parametrize("args, viewers, flag", [
    (["--viewers", "12"], 12, "--PlanlibKernelManager.viewers=12"),
    ([], None, None),
], ids=["twelve viewers", "default"])
def test_serve_viewers_reaches_the_kernel_manager(args, viewers, flag, monkeypatch):
    from click.testing import CliRunner

    from planlib import apps
    from planlib.cli import main

    started = []
    monkeypatch.setattr(apps, "serve", lambda **kwargs: started.append(kwargs) or 0)
    assert CliRunner().invoke(main, ["serve", *args]).exit_code == 0
    assert started[0]["viewers"] == viewers
    command = apps.voila_command(viewers=started[0]["viewers"])
    assert (flag in command) if flag else not any("viewers" in part for part in command)


@pytest.mark.parametrize("viewers", [0, 101, True, 2.5])
def test_a_number_of_viewers_out_of_range_is_refused(viewers):
    from click.testing import CliRunner

    from planlib import apps
    from planlib.cli import main

    with pytest.raises(ValueError, match="viewers must be a whole number from 1 to 100"):
        apps.voila_command(viewers=viewers)
    if isinstance(viewers, int) and not isinstance(viewers, bool):
        result = CliRunner().invoke(main, ["serve", "--viewers", str(viewers)])
        assert result.exit_code == 2 and "--viewers" in result.output and "Traceback" not in result.output


def test_the_pools_and_the_cap_follow_the_viewers():
    from planlib.io.paths import APPS_DIR
    from planlib.serving.kernels import BOARD_APP, page_kernel_cap, pool_sizes

    notebooks = sorted(path.name for path in APPS_DIR.glob("*.ipynb"))
    sizes = pool_sizes(12, notebooks)
    assert BOARD_APP in notebooks and sizes[BOARD_APP] == 12
    assert {name: size for name, size in sizes.items() if name != BOARD_APP} == dict.fromkeys(
        [name for name in notebooks if name != BOARD_APP], 1)
    assert page_kernel_cap(12) == 24 and page_kernel_cap(1) == 10


def test_the_culler_passes_over_a_kernel_shut_down_since_it_listed_them():
    """The culler lists the kernels, then checks each in turn, waiting between them: a kernel shut
    down meanwhile (a closed page's, released) must be passed over, not logged as an error with
    its traceback (seen in the 12-viewer bench's log)."""
    import asyncio
    import concurrent.futures
    import tempfile

    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    from planlib.serving.kernels import kernel_manager_factory

    manager_class = kernel_manager_factory(voila_kernel_manager_factory)(AsyncMappingKernelManager, False, 0)

    async def cull_a_kernel_gone() -> None:
        manager = manager_class(root_dir=tempfile.gettempdir())
        assert "gone" not in manager._kernels
        await manager.cull_kernel_if_idle("gone")

    # In a thread of its own: the session's browser (Playwright) may be running an event loop in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, cull_a_kernel_gone()).result()
