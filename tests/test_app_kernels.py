"""The board apps' kernels stay light: what they import, the chart bundle from the cache, the page's
query string read without Voila.

Every page of an app holds a kernel, and a board meeting opens a dozen at once, so a library an
app does not use must not be imported by it (``make bench BENCH=serve`` measures the kernels).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from planlib.charts.base import _offline_bundle_name, enable_offline_widgets
from planlib.ui.page_request import query_string

# libraries an app's kernel does not need until a viewer asks for what uses them (a workbook,
# a suggestion), or never (Voila's server, nbconvert, the chart bundler)
NOT_AT_IMPORT = ("openpyxl", "scipy", "voila", "nbconvert", "papermill", "dask", "distributed", "vl_convert",
                 "sqlalchemy")
APP_MODULES = ("planlib.ui.scenario_explorer", "planlib.ui.net_benefit", "planlib.ui.overview",
               "planlib.ui.compliance", "planlib.ui.consultation", "planlib.ui.page_request", "planlib.apps")


@pytest.mark.slow
def test_the_apps_wiring_imports_no_library_an_app_uses_only_on_request():
    code = (f"import sys\nfor m in {APP_MODULES!r}: __import__(m)\n"
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                timeout=300).stdout.split())
    assert "planlib" in loaded and "ipywidgets" in loaded  # the check itself ran
    assert sorted(loaded & set(NOT_AT_IMPORT)) == []


@pytest.fixture
def fresh_chart_class(monkeypatch, tmp_path):
    """altair's chart widget class as a new kernel has it (not yet offline), with an empty cache."""
    from altair.jupyter import JupyterChart

    monkeypatch.setenv("PLANLIB_CACHE", str(tmp_path))
    monkeypatch.setattr(JupyterChart, "_is_offline", False)
    monkeypatch.setattr(JupyterChart, "_esm", JupyterChart._esm)
    return JupyterChart


def test_a_kernel_takes_the_chart_bundle_from_the_cache_without_building_it(fresh_chart_class, tmp_path,
                                                                            monkeypatch):
    (tmp_path / _offline_bundle_name()).write_text("export default {render() {}};")

    def build(*args, **kwargs):
        raise AssertionError("the bundle was built again")

    monkeypatch.setattr(fresh_chart_class, "enable_offline", classmethod(build))
    enable_offline_widgets()
    assert fresh_chart_class._is_offline and fresh_chart_class._esm == "export default {render() {}};"


def test_the_first_kernel_builds_the_bundle_and_keeps_it_for_the_next(fresh_chart_class, tmp_path, monkeypatch):
    def build(cls, offline=True):
        cls._esm, cls._is_offline = "built once", True

    monkeypatch.setattr(fresh_chart_class, "enable_offline", classmethod(build))
    enable_offline_widgets()
    assert (tmp_path / _offline_bundle_name()).read_text() == "built once"


def test_a_preheated_kernel_reads_its_visitors_query_string_from_the_servers_socket():
    from websockets.sync.server import serve

    request = {"QUERY_STRING": "precept-2023-24=20&grant=1.5", "SERVER_NAME": "127.0.0.1"}
    paths = []

    def handler(socket):
        paths.append(socket.request.path)
        socket.send(json.dumps(request))

    with serve(handler, "127.0.0.1", 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.socket.getsockname()[1]
        env = {"VOILA_PREHEAT": "True", "VOILA_APP_PORT": str(port), "VOILA_KERNEL_ID": "k-1", "VOILA_SERVER_URL": "/"}
        assert query_string(env) == "precept-2023-24=20&grant=1.5"
        server.shutdown()
    assert paths == ["/voila/query/k-1"]
    assert env["SERVER_NAME"] == "127.0.0.1"


def test_a_query_socket_that_cannot_be_reached_leaves_the_page_at_its_baseline():
    env = {"VOILA_PREHEAT": "True", "VOILA_APP_PORT": "9", "VOILA_KERNEL_ID": "k-1"}  # nothing listens on port 9
    assert query_string(env) is None
