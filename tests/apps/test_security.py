"""Who may reach the served apps, and what a page may send its kernel (planlib.serving.security).

The rules are tested in plain Python first. Then ONE server, started as ``planlib serve``
starts it but listening on every address (as a server for a board would) with a token and a
password set, is checked as an attacker and as a board member would: without the login, with a
forged ``Host`` header (DNS rebinding), and through a rendered app's own kernel websocket,
where an ``execute_request`` must not run while the page goes on working.
"""

from __future__ import annotations

import asyncio
import html
import http.client
import json
import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import psutil
import pytest
from click.testing import CliRunner
from jupyter_server.auth import passwd
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

import planlib
from planlib import apps
from planlib.cli import main
from planlib.serving.page_messages import PageMessage, read_page_message, refusal
from planlib.serving.security import QuietLog, allowed_names, check_login, configure, host_allowed
from tests.apps.conftest import (
    RENDER_TIMEOUT_MS,
    VIEWPORT,
    VoilaServer,
    free_port,
    recorded_page,
    voila_process,
)

TOKEN = "board-" + uuid.uuid4().hex
PASSWORD = "correct horse battery staple"
V1 = "v1.kernel.websocket.jupyter.org"

# --------------------------------------------------------------------------- the rules, no server

LOOPBACK, EVERYWHERE, LAN = "127.0.0.1", "0.0.0.0", "10.0.0.5"


@pytest.mark.parametrize(("host", "listen", "extra", "allowed"), [
    ("127.0.0.1:8866", LOOPBACK, "", True),
    ("localhost:8866", LOOPBACK, "", True),
    ("[::1]:8866", LOOPBACK, "", True),
    ("evil.example:8866", LOOPBACK, "", False),           # DNS rebinding of a loopback server
    ("localhost.evil.example", LOOPBACK, "", False),
    ("10.0.0.5:8866", LOOPBACK, "", False),
    ("", LOOPBACK, "", False),
    ("10.0.0.5:8866", LAN, "", True),
    ("10.0.0.6:8866", LAN, "", False),
    ("localhost:8866", LAN, "", False),                   # not listening on loopback
    ("apps.opcc.example", LAN, "apps.opcc.example", True),
    ("Apps.OPCC.example.:443", LAN, "apps.opcc.example", True),
    ("evil.example", LAN, "apps.opcc.example", False),
    ("192.168.1.20:8866", EVERYWHERE, "", True),          # an address cannot be rebound
    ("localhost:8866", EVERYWHERE, "", True),
    ("evil.example:8866", EVERYWHERE, "", False),
])
def test_only_the_servers_own_names_may_be_in_the_host_header(host, listen, extra, allowed):
    assert host_allowed(host, listen, allowed_names(listen, extra)) is allowed


def _message(msg_type: str, content: dict | None) -> dict:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": "probe", "username": "probe",
              "version": "5.3", "date": "2026-01-01T00:00:00Z"}
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content or {}}


def _v1(msg_type: str, channel: str = "shell", content: dict | None = None) -> bytes:
    """A message as the apps' pages send it (Jupyter's v1 websocket protocol)."""
    return serialize_msg_to_ws_v1(_message(msg_type, content), channel, pack=lambda part: json.dumps(part).encode())


def _legacy(msg_type: str, channel: str = "shell", content: dict | None = None) -> str:
    """A message in Jupyter's older JSON websocket protocol."""
    return json.dumps({"channel": channel, **_message(msg_type, content)})


@pytest.mark.parametrize("encode", [_v1, _legacy], ids=["v1", "json"])
@pytest.mark.parametrize(("msg_type", "channel", "content", "allowed"), [
    ("kernel_info_request", "shell", {}, True),
    ("comm_open", "shell", {"target_name": "jupyter.widget.control", "comm_id": "c", "data": {}}, True),
    ("comm_msg", "shell", {"comm_id": "c", "data": {"method": "update"}}, True),
    ("comm_close", "shell", {"comm_id": "c"}, True),
    ("comm_info_request", "shell", {}, True),
    ("execute_request", "shell", {"code": "import os"}, False),
    ("inspect_request", "shell", {"code": "os"}, False),
    ("shutdown_request", "control", {"restart": False}, False),   # Voila itself lets this through
    ("shutdown_request", "shell", {"restart": True}, False),
    ("kernel_info_request", "control", {}, False),
    ("input_reply", "stdin", {"value": "x"}, False),
    ("comm_open", "shell", {"target_name": "jupyter.widget", "comm_id": "c", "data": {}}, False),
])
def test_a_page_may_send_only_the_widget_messages_the_apps_use(encode, msg_type, channel, content, allowed):
    message = read_page_message(encode(msg_type, channel, content), V1 if encode is _v1 else None)
    assert (message.channel, message.msg_type) == (channel, msg_type)
    assert (refusal(message) is None) is allowed


def test_a_message_that_cannot_be_read_is_refused_by_the_filter():
    with pytest.raises((ValueError, KeyError, IndexError)):
        read_page_message(b"\x01" + b"\x00" * 7 + b"garbage", V1)
    assert refusal(PageMessage("shell", "comm_open", "")) is not None


@pytest.mark.parametrize(("args", "env", "words"), [
    (["--host", "0.0.0.0"], {}, "--host 0.0.0.0 lets other machines reach the apps, so board members must log in"),
    (["--host", "10.0.0.5"], {"JUPYTER_TOKEN": "short"}, "the token in JUPYTER_TOKEN has 5 characters"),
    (["--host", "0.0.0.0", "--password-file", "{plain}"], {}, "holds no hashed password"),
    (["--host", "0.0.0.0", "--token-file", "{missing}"], {}, "cannot read the file"),
])
def test_serve_refuses_a_host_beyond_loopback_without_a_good_login(tmp_path, monkeypatch, args, env, words):
    plain = tmp_path / "password.txt"
    plain.write_text("hunter2\n")
    args = [a.format(plain=plain, missing=tmp_path / "no-token") for a in args]
    for name in ("JUPYTER_TOKEN", "JUPYTER_TOKEN_FILE", "PLANLIB_PASSWORD_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    before = dict(os.environ)
    result = CliRunner().invoke(main, ["serve", *args])
    assert result.exit_code == 1, result.output
    assert words in result.output
    assert "Traceback" not in result.output
    assert dict(os.environ) == before  # the login travels to Voila alone, not into this process


def test_loopback_needs_no_login_and_a_login_is_read_from_files_not_arguments(tmp_path):
    assert not check_login("127.0.0.1", {}).required
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    login = check_login("0.0.0.0", {"JUPYTER_TOKEN_FILE": str(token_file)})
    assert login.token == TOKEN and TOKEN not in login.source
    assert not any(TOKEN in part for part in apps.voila_command(host="0.0.0.0"))


def test_the_log_keeps_what_an_operator_needs():
    import logging

    def shown(level: int, text: str) -> bool:
        return QuietLog().filter(logging.LogRecord("Voila", level, "", 0, text, None, None))

    assert not shown(logging.INFO, "Serving static files from /somewhere.")
    assert not shown(logging.WARNING, "Notebook plan_overview.ipynb is not trusted")
    assert shown(logging.INFO, "Voilà is running at:\nhttp://127.0.0.1:8866/")
    assert shown(logging.WARNING, "Notebook plan_overview.ipynb could not be read")
    assert shown(logging.ERROR, "Kernel started: but failed")
    hidden = logging.LogRecord("tornado.general", logging.WARNING, "", 0, "403 GET /x?token=%s&a=1 (::1)", ("abc",), None)
    assert QuietLog().filter(hidden) and hidden.getMessage() == "403 GET /x?token=[secret]&a=1 (::1)"
    assert not shown(logging.WARNING, "The websocket_ping_timeout (90000) cannot be longer than the "
                                      "websocket_ping_interval (30000).\nSetting websocket_ping_timeout=30000")


def test_a_page_on_a_loaded_server_keeps_its_kernel_connection():
    """Jupyter Server checks, each time it pings a page's kernel websocket, how long ago the page
    last answered, and drops the page if that is longer than the timeout. A timeout no longer
    than the interval drops every page whose ping timer fires late (a few milliseconds on a busy
    server): the lost-connection message on a board member's screen every 30 s."""
    from jupyter_server.base.websocket import WebSocketMixin
    from traitlets.config import Config

    class KernelSocket(WebSocketMixin):
        settings = dict(configure(Config()).Voila.tornado_settings)

    socket = KernelSocket()
    assert socket.ping_interval > 0
    assert socket.ping_timeout >= 2 * socket.ping_interval


HOSTILE = ['=HYPERLINK("http://evil.example","Open")', "+1+1", "-2+3", "@SUM(A1:A2)"]
"""Free text that a spreadsheet would take for a formula if it were written as one."""


@pytest.mark.parametrize("writer", ["results", "template"])
def test_no_workbook_turns_free_text_into_a_live_formula(writer: str, tmp_path: Path):
    import openpyxl

    from planlib.io.excel.template import write_finance_template

    plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    authorities = tuple(ba.model_copy(update={"name": f"{HOSTILE[i % 4]} {i}"})
                        for i, ba in enumerate(plan.finance.billing_authorities))
    plan = plan.model_copy(update={"name": HOSTILE[0], "police_area": HOSTILE[3],
                                   "finance": plan.finance.model_copy(update={"billing_authorities": authorities})})
    path = tmp_path / f"{writer}.xlsx"
    if writer == "results":
        planlib.write_results_xlsx(planlib.compare(plan, []).assign(scenario=HOSTILE[2]), path, plan=plan)
        written = {HOSTILE[0], HOSTILE[2]}
    else:
        write_finance_template(plan, path)
        written = {ba.name for ba in authorities}
    cells = [c for ws in openpyxl.load_workbook(path).worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {str(c.value) for c in cells if c.data_type == "s"}
    assert all(any(t.startswith(text) for t in texts) for text in written), written  # written, as text


MARKUP = "<img src=x onerror=alert(1)>"
"""Markup that would run script if an app showed it as HTML rather than as text."""


@pytest.fixture(scope="module")
def hostile_folder():
    folder = planlib.load_folder(planlib.DEFAULT_PLAN)

    def marked(records):
        return tuple(r.model_copy(update={"title": MARKUP + r.title}) for r in records)

    plan = folder.plan.model_copy(update={"name": MARKUP + folder.plan.name, "commitments": marked(folder.plan.commitments),
                                          "objectives": marked(folder.plan.objectives)})
    return plan, folder.horizon


def _shown_html(widget, seen: set[int] | None = None) -> Iterator[str]:
    """Every piece of HTML an app's widgets would put on the page."""
    import ipywidgets

    seen = set() if seen is None else seen
    if id(widget) in seen:
        return
    seen.add(id(widget))
    if isinstance(widget, (ipywidgets.HTML, ipywidgets.HTMLMath)):
        yield widget.value
    if isinstance(widget, ipywidgets.Output):
        yield from (str(output.get("data", {}).get("text/html", "")) for output in widget.outputs)
    for child in getattr(widget, "children", None) or ():
        yield from _shown_html(child, seen)


@pytest.mark.parametrize("app", ["overview", "scenario_explorer", "compliance", "net_benefit"])
def test_the_apps_show_plan_titles_as_text_never_as_markup(hostile_folder, app: str):
    from planlib.apps import header_html
    from planlib.ui.compliance import ComplianceApp
    from planlib.ui.net_benefit import NetBenefitExplorer
    from planlib.ui.overview import PlanOverview
    from planlib.ui.scenario_explorer import ScenarioExplorer

    plan, horizon = hostile_folder
    make = {"overview": lambda: PlanOverview(plan, horizon), "scenario_explorer": lambda: ScenarioExplorer(plan, None),
            "compliance": lambda: ComplianceApp(plan), "net_benefit": lambda: NetBenefitExplorer(plan, samples=100)}[app]
    shown = "\n".join([header_html(plan), *_shown_html(make().widget)])
    assert MARKUP not in shown
    assert html.escape(MARKUP, quote=False) in shown or html.escape(MARKUP) in shown  # shown, as text


# --------------------------------------------------------------------------- one guarded server


@dataclass
class GuardedServer:
    """The module's server: on every address, with a token and a password."""

    server: VoilaServer
    port: int
    token_file: Path

    def request(self, path: str, host: str | None = None, headers: dict[str, str] | None = None,
                method: str = "GET", body: str | None = None) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{self.port}")
        data = body.encode() if body is not None else None
        for name, value in {**(headers or {}), **({"Content-Length": str(len(data))} if data else {})}.items():
            connection.putheader(name, value)
        connection.endheaders(data)
        response = connection.getresponse()
        response.body = response.read().decode("utf-8", errors="replace")
        connection.close()
        return response

    def log_text(self) -> str:
        return self.server.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Iterator[GuardedServer]:
    folder = tmp_path_factory.mktemp("guarded")
    token_file, password_file = folder / "token", folder / "password"
    token_file.write_text(TOKEN + "\n")
    password_file.write_text(passwd(PASSWORD, algorithm="sha256") + "\n")
    port = free_port()
    log = artifacts / "voila_security.log"
    env = {**apps.voila_env(), "PLANLIB_STORE": str(folder / "scenarios.db"),
           "JUPYTER_TOKEN_FILE": str(token_file), "PLANLIB_PASSWORD_FILE": str(password_file)}
    env.pop("JUPYTER_TOKEN", None)
    # No preheated kernels: the test needs one kernel, and a pool would cost a core for a while.
    with voila_process(apps.voila_command(host="0.0.0.0", port=port, pool_size=0), env, log, timeout=60) as server:
        yield GuardedServer(server, port, token_file)

@pytest.mark.slow
def test_beyond_loopback_every_page_asks_for_the_login(guarded: GuardedServer):
    for path in ("/", "/voila/render/plan_overview.ipynb", "/voila/render/plan_overview.ipynb?token=wrong"):
        response = guarded.request(path)
        assert response.status == 302 and response.getheader("Location").startswith("/login"), path
    assert guarded.request(f"/?token={TOKEN}").status == 200
    assert guarded.request(f"/voila/files/plan_overview.png?token={TOKEN}").status == 403  # no files served beside the apps
    # The password works on the login form, and a wrong one does not.
    login_page = guarded.request("/login?next=%2Fvoila%2Frender%2Fplan_overview.ipynb")
    assert "Log in to the board apps" in login_page.body and 'lang="en-GB"' in login_page.body
    assert "http" not in login_page.body.replace('"http-equiv', "")  # nothing from elsewhere, no Jupyter links
    xsrf = next(part.split("=", 1)[1] for part in login_page.getheader("Set-Cookie").split(";")
                if part.strip().startswith("_xsrf="))
    form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"_xsrf={xsrf}"}
    right = guarded.request("/login", method="POST", headers=form, body=urlencode({"password": PASSWORD, "_xsrf": xsrf}))
    wrong = guarded.request("/login", method="POST", headers=form, body=urlencode({"password": "guess", "_xsrf": xsrf}))
    assert right.status == 302 and "username-" in (right.getheader("Set-Cookie") or "")
    assert wrong.status != 302
    # Neither secret is on the server's command line, where ps would show it.
    command = " ".join(psutil.Process(guarded.server.process.pid).cmdline())
    assert TOKEN not in command and PASSWORD not in command


@pytest.mark.parametrize(("listen", "env", "refused"), [
    ("0.0.0.0", {}, True),
    ("10.0.0.5", {"JUPYTER_TOKEN": ""}, True),
    ("0.0.0.0", {"JUPYTER_TOKEN": TOKEN}, False),
    ("127.0.0.1", {}, False),
])
def test_the_server_itself_refuses_to_serve_beyond_loopback_without_a_login(monkeypatch, caplog, listen, env, refused):
    # What Voila does with planlib's configuration, run directly (python -m planlib.apps) as well as by serve.
    from traitlets import Unicode
    from traitlets.config import Config, LoggingConfigurable

    class Server(LoggingConfigurable):
        ip = Unicode()

    for name in ("JUPYTER_TOKEN", "JUPYTER_TOKEN_FILE", "PLANLIB_PASSWORD_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    provider_class = configure(Config()).Voila.identity_provider_class
    if refused:
        with pytest.raises(SystemExit) as stopped:
            provider_class(parent=Server(ip=listen))
        assert stopped.value.code == 1
        assert "board members must log in" in caplog.text
    else:
        provider = provider_class(parent=Server(ip=listen))
        assert provider.auth_enabled is bool(env.get("JUPYTER_TOKEN")) and not provider.allow_password_change


@dataclass
class KernelReply:
    received: list[str]
    kernel_info_reply: bool


async def _probe_kernel(url: str, messages: list[str], reply_to: str) -> KernelReply:
    """Send ``messages`` on the kernel's websocket (JSON protocol), then wait for the reply to the
    kernel_info_request whose id is ``reply_to``: the kernel handles shell messages in order,
    so by then any message let through before it has run."""
    from tornado.websocket import websocket_connect

    socket = await websocket_connect(url)
    received: list[str] = []
    try:
        for message in messages:
            await socket.write_message(message)
        while True:
            raw = await asyncio.wait_for(socket.read_message(), timeout=60)
            if raw is None:
                return KernelReply(received, False)
            if not isinstance(raw, str):
                continue  # a message with binary buffers: never the reply awaited
            reply = json.loads(raw)
            received.append(reply["header"]["msg_type"])
            if reply["header"]["msg_type"] == "kernel_info_reply" and reply["parent_header"].get("msg_id") == reply_to:
                return KernelReply(received, True)
    finally:
        socket.close()


@pytest.mark.slow
@pytest.mark.browser
def test_a_rendered_apps_kernel_runs_no_code_sent_to_it_and_the_app_goes_on_working(
        guarded: GuardedServer, browser, tmp_path: Path):
    plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    partnership = [c for c in plan.commitments if c.workstream == "partnership"]
    context, page, record = recorded_page(browser, guarded.server.url, VIEWPORT)
    try:
        page.goto(f"{guarded.server.url}voila/render/plan_overview.ipynb?token={TOKEN}",
                  wait_until="domcontentloaded", timeout=RENDER_TIMEOUT_MS)
        page.locator(".planlib-resources-chart svg").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        kernel_socket = next(url for url in record.websockets if "/api/kernels/" in url)
        kernel_path = kernel_socket.split(f":{guarded.port}", 1)[1].split("?", 1)[0]

        # The attack: code that would leave a file, a shutdown, a comm of the attacker's choosing.
        planted = tmp_path / "planted.txt"
        info = json.loads(_legacy("kernel_info_request"))
        attack = [_legacy("execute_request", content={"code": f"open({str(planted)!r}, 'w').write('ran')",
                                                        "silent": False, "store_history": False,
                                                        "user_expressions": {}, "allow_stdin": False,
                                                        "stop_on_error": True}),
                  _legacy("shutdown_request", "control", {"restart": False}),
                  _legacy("shutdown_request", content={"restart": False}),
                  _legacy("comm_open", content={"target_name": "jupyter.widget", "comm_id": "x", "data": {}}),
                  json.dumps(info)]
        url = f"ws://127.0.0.1:{guarded.port}{kernel_path}?session_id={uuid.uuid4()}&token={TOKEN}"
        with ThreadPoolExecutor(1) as thread:  # Playwright's loop runs in this thread
            reply = thread.submit(asyncio.run, _probe_kernel(url, attack, info["header"]["msg_id"])).result()
        assert reply.kernel_info_reply, f"the kernel did not answer after the attack: {reply.received}"
        assert not planted.exists()
        assert "execute_reply" not in reply.received and "execute_input" not in reply.received

        # The page goes on working: a filter redraws the table through the same kernel.
        page.locator(".widget-dropdown", has_text="Workstream").locator("select").select_option(label="Partnership")
        page.locator(".planlib-selection", has_text=f"Showing {len(partnership)} of {len(plan.commitments)}").wait_for(
            timeout=RENDER_TIMEOUT_MS)
        # (Chromium sometimes reports an anywidget model that a redraw replaced before it started,
        # as the scenario explorer's test allows too.)
        assert [e for e in record.page_errors if "[anywidget] Failed to initialize model" not in e] == []
        assert record.external_requests() == []

        # A forged Host header gets 403 for the page and for the kernel's websocket alike.
        upgrade = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
                   "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
        evil, own = f"evil.example:{guarded.port}", f"127.0.0.1:{guarded.port}"
        assert guarded.request(f"/voila/render/plan_overview.ipynb?token={TOKEN}", host=evil).status == 403
        assert guarded.request(f"/?token={TOKEN}", host=evil).status == 403
        assert guarded.request(f"/?token={TOKEN}", host=own).status == 200
        assert guarded.request(f"{kernel_path}?token={TOKEN}", host=evil, headers=upgrade).status == 403
        assert guarded.request(f"{kernel_path}?token={TOKEN}", host=own, headers=upgrade).status == 101
    finally:
        context.close()

    log = guarded.log_text()
    assert "Refused and dropped execute_request is not a widget message" in log
    assert "Refused and dropped a message on the control channel" in log
    assert "Refused and dropped a comm to 'jupyter.widget'" in log
    assert "Host 'evil.example" in log


@pytest.mark.slow
def test_kernels_talk_over_ipc_and_the_log_says_only_what_an_operator_needs(guarded: GuardedServer):
    # Needs a kernel running: the test above renders one (a module server serves both).
    kernels = [child for child in psutil.Process(guarded.server.process.pid).children()
               if "ipykernel_launcher" in " ".join(child.cmdline())]
    if not kernels:
        guarded.request(f"/voila/render/plan_overview.ipynb?token={TOKEN}")
        kernels = [child for child in psutil.Process(guarded.server.process.pid).children()
                   if "ipykernel_launcher" in " ".join(child.cmdline())]
    command = kernels[0].cmdline()
    connection = json.loads(Path(command[command.index("-f") + 1]).read_text())
    assert connection["transport"] == "ipc"
    log = guarded.log_text()
    assert "without encryption" not in log
    assert "Voilà is running at" in log and f"Board members log in with a token ({guarded.token_file})" in log
    for routine in ("Kernel started", "Serving static files", "is not trusted", "Storing connection files"):
        assert routine not in log
    assert TOKEN not in log
