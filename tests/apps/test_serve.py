"""``planlib serve``: Voila runs until Ctrl-C, then stops cleanly and leaves nothing behind."""

from __future__ import annotations

import os
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
