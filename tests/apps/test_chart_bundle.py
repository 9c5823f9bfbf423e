"""The chart bundle reaches a served page once, by address, rather than inside every chart widget.

A kernel of planlib's server gives its chart widgets a module of a few lines that imports the
bundle from the server (planlib.serving.chart_bundle); anywhere else (JupyterLab, reports, these
tests' own process) the widgets carry the bundle itself, as before.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from planlib.charts.base import (
    _offline_bundle_name,
    bundle_importer,
    enable_offline_widgets,
)
from planlib.io.cache import cached_file
from planlib.serving import chart_bundle

from .conftest import RENDER_TIMEOUT_MS, VIEWPORT, VoilaServer, recorded_page

IMPORTER_MARK = "planlib: the offline chart bundle"
"""Words of the module the widgets carry when served (planlib.charts.base.bundle_importer)."""

BUNDLE_MARK = "const __default={render}"
"""Words of the bundle itself (its default export, near its end), the same in a websocket frame."""


# --------------------------------------------------------------------------- the kernel's side


@pytest.fixture
def fresh_chart_class(monkeypatch, tmp_path):
    """altair's chart widget class as a new kernel has it (not yet offline), with an empty cache."""
    from altair.jupyter import JupyterChart

    monkeypatch.setenv("PLANLIB_CACHE", str(tmp_path))
    monkeypatch.delenv(chart_bundle.SERVED_VARIABLE, raising=False)
    monkeypatch.setattr(JupyterChart, "_is_offline", False)
    monkeypatch.setattr(JupyterChart, "_esm", JupyterChart._esm)
    return JupyterChart


def test_a_served_kernels_charts_import_the_bundle_from_the_server(fresh_chart_class, tmp_path):
    (tmp_path / _offline_bundle_name()).write_text("export default {render() {}};")
    enable_offline_widgets(served_at=chart_bundle.ROUTE)
    assert fresh_chart_class._esm == bundle_importer(chart_bundle.ROUTE + _offline_bundle_name())
    assert len(fresh_chart_class._esm) < 1000


def test_the_live_charts_follow_the_servers_word_in_the_environment(fresh_chart_class, tmp_path, monkeypatch):
    import altair as alt
    import pandas as pd

    from planlib.ui import live_chart

    (tmp_path / _offline_bundle_name()).write_text("export default {render() {}};")
    monkeypatch.setenv(chart_bundle.SERVED_VARIABLE, chart_bundle.ROUTE)
    widget = live_chart(alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().encode(x="x:Q"))
    assert IMPORTER_MARK in widget._esm and _offline_bundle_name() in widget._esm


def test_outside_the_server_the_charts_carry_the_bundle(fresh_chart_class, tmp_path):
    (tmp_path / _offline_bundle_name()).write_text("export default {render() {}};")
    enable_offline_widgets(served_at=chart_bundle.served_at())  # this process was not started by the server
    assert fresh_chart_class._esm == "export default {render() {}};"


def test_a_served_kernel_that_cannot_keep_the_bundle_sends_it_inline(fresh_chart_class, tmp_path, monkeypatch):
    """The server serves the bundle from the cache: if the cache cannot hold it, the address would not answer."""
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    monkeypatch.setenv("PLANLIB_CACHE", str(not_a_folder))

    def build(cls, offline=True):
        cls._esm, cls._is_offline = "built here", True

    monkeypatch.setattr(fresh_chart_class, "enable_offline", classmethod(build))
    enable_offline_widgets(served_at=chart_bundle.ROUTE)
    assert fresh_chart_class._esm == "built here"


def test_the_server_puts_the_bundle_in_an_empty_cache_before_its_first_kernel(monkeypatch, tmp_path):
    """On a new machine the first pool's kernels would each carry the whole bundle: the server
    builds it into the cache as it starts (in a process of its own)."""
    monkeypatch.setenv("PLANLIB_CACHE", str(tmp_path))
    assert cached_file(_offline_bundle_name()) is None
    assert chart_bundle.ensure_cached()
    bundle = cached_file(_offline_bundle_name())
    assert bundle is not None and BUNDLE_MARK in bundle.read_text()


def test_the_route_serves_every_bundle_name_and_nothing_else():
    assert chart_bundle.BUNDLE_NAME.fullmatch(_offline_bundle_name())
    for name in ("scenarios.db", "jupyter-chart-x.json", ".jupyter-chart-x.js", "jupyter-chart-../x.js"):
        assert not chart_bundle.BUNDLE_NAME.fullmatch(name)


# --------------------------------------------------------------------------- the server and a page


@pytest.fixture(scope="module")
def explorer_load(voila_server: VoilaServer, browser: object) -> dict[str, object]:
    """The scenario explorer opened once on the session's server, with every websocket frame it received."""
    url = voila_server.url + "voila/render/scenario_explorer.ipynb"
    context, page, record = recorded_page(browser, url, VIEWPORT)
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda payload: frames.append(payload if isinstance(payload, str) else payload.decode("utf-8", "replace"))))
    try:
        page.goto(url, wait_until="domcontentloaded", timeout=RENDER_TIMEOUT_MS)
        page.wait_for_function("document.querySelectorAll('.vega-embed svg').length >= 2", timeout=RENDER_TIMEOUT_MS)
        charts = page.locator(".vega-embed svg").count()
        marks = page.locator(".vega-embed svg [class*='mark-'] path").count()
    finally:
        context.close()
    return {"record": record, "frames": frames, "charts": charts, "marks": marks}


def bundle_address(server: VoilaServer) -> str:
    return server.url + chart_bundle.ROUTE + _offline_bundle_name()


@pytest.mark.browser
@pytest.mark.slow
def test_a_served_pages_chart_widgets_carry_the_small_module_not_the_bundle(explorer_load):
    frames = explorer_load["frames"]
    assert any(IMPORTER_MARK in frame for frame in frames)
    assert not any(BUNDLE_MARK in frame for frame in frames)
    bundle = cached_file(_offline_bundle_name())
    assert bundle is not None and BUNDLE_MARK in bundle.read_text()  # the mark would be found if it were sent
    assert sum(len(frame) for frame in frames) < bundle.stat().st_size  # the whole page's state, under one bundle


@pytest.mark.browser
@pytest.mark.slow
def test_a_served_page_fetches_the_bundle_once_and_draws_its_charts(voila_server, explorer_load):
    record = explorer_load["record"]
    assert record.requests.count(bundle_address(voila_server)) == 1
    assert explorer_load["charts"] >= 2 and explorer_load["marks"] > 0
    assert record.page_errors == [] and record.external_requests() == []
    assert not any(chart_bundle.ROUTE in url for url in record.failed_requests)


@pytest.mark.browser
@pytest.mark.slow
def test_the_bundle_address_answers_with_javascript_a_browser_may_keep(voila_server, explorer_load):
    with urllib.request.urlopen(bundle_address(voila_server), timeout=60) as response:
        body, headers = response.read(), response.headers
    assert body == Path(cached_file(_offline_bundle_name())).read_bytes()
    assert headers["Content-Type"].startswith("text/javascript")
    assert "immutable" in headers["Cache-Control"] and headers["ETag"]
    request = urllib.request.Request(bundle_address(voila_server), method="HEAD")
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.headers["ETag"] == headers["ETag"] and response.read() == b""


@pytest.mark.slow
@pytest.mark.parametrize("name", ["jupyter-chart-not-built.js", "scenarios.db", "..%2Fscenarios.db",
                                  "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd"])
def test_the_bundle_route_serves_nothing_else(voila_server, name):
    status, _body = voila_server.get(chart_bundle.ROUTE + name)
    assert status == 404


@pytest.mark.browser
@pytest.mark.slow
def test_the_bundle_route_keeps_the_servers_host_check(voila_server, explorer_load):
    import http.client

    port = int(voila_server.url.rstrip("/").rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.putrequest("GET", "/" + chart_bundle.ROUTE + _offline_bundle_name(), skip_host=True)
    connection.putheader("Host", f"rebound.example:{port}")
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    assert status == 403



IMPORTER_PAGE = """<!doctype html><title>A page</title>
<script id="jupyter-config-data" type="application/json">{"baseUrl": "/board/apps/"}</script>"""


@pytest.mark.browser
@pytest.mark.parametrize(("page_html", "bundle_path"), [
    (IMPORTER_PAGE, "/board/apps/planlib/charts/"),  # under a prefix, as behind JupyterHub (the README)
    ("<!doctype html><title>A page</title>", "/planlib/charts/"),  # no configuration: the server's root
], ids=["base-url", "no-page-config"])
def test_the_widgets_module_imports_the_bundle_under_the_pages_base_url(browser, page_html, bundle_path):
    """The module the widgets carry finds the bundle under the base URL the page's configuration gives."""
    name = _offline_bundle_name()
    fetched = []

    def answer(route):
        fetched.append(route.request.url)
        route.fulfill(body="export default {render: 'drawn'};", content_type="text/javascript")

    context = browser.new_context()
    try:
        context.route("http://apps.test/board/apps/voila/render/app.ipynb",
                      lambda route: route.fulfill(body=page_html, content_type="text/html"))
        context.route(f"http://apps.test{bundle_path}{name}", answer)
        page = context.new_page()
        page.goto("http://apps.test/board/apps/voila/render/app.ipynb")
        imported = page.evaluate("""async (module) => {
            const load = () => import(URL.createObjectURL(new Blob([module], {type: "text/javascript"})));
            const [one, two] = [await load(), await load()];  // two charts, as anywidget loads them
            return [one.default.render, one.default === two.default];
        }""", bundle_importer(chart_bundle.ROUTE + name))
    finally:
        context.close()
    assert imported == ["drawn", True]
    assert fetched == [f"http://apps.test{bundle_path}{name}"]  # once for both


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("app", ["overview", "net_benefit_page", "compliance_page", "consultation_page"])
def test_every_apps_page_fetches_the_bundle_once(request, voila_server, app):
    """The session's one load of each other app (tests/apps/pages.py): its charts shared one fetch."""
    visit = request.getfixturevalue(app)
    assert visit.requests.count(bundle_address(voila_server)) == 1
