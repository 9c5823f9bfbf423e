"""Who may reach the served apps, and what a page may send to its kernel.

:func:`configure` sets Voila up with everything below; :func:`planlib.apps.main` calls it, so
``planlib serve`` and ``python -m planlib.apps`` are served the same way.

- **A login off this machine.** Served on an address other than loopback, the apps need a
  login: a token or a password set by the operator (Jupyter Server's own mechanism; see
  :func:`read_login`). ``planlib serve`` refuses such a host without one (:func:`check_login`),
  and so does the server itself. On loopback nobody logs in, unless a token or password is
  given. Secrets travel in the environment or in files, never on the command line, where
  ``ps`` would show them.
- **The Host header.** A request whose ``Host`` is not a name of this server is refused with
  403 (:func:`host_allowed`): a page on another site whose name has been pointed at this
  machine (DNS rebinding) can neither read the apps nor drive their kernels.
- **What a page may send.** A page may send its kernel only the widget messages the apps use;
  anything else (``execute_request`` above all) is dropped and logged
  (:mod:`planlib.serving.page_messages`).
- **Kernels over IPC.** Kernels talk to the server over Unix sockets in the server's private
  connection folder rather than TCP ports that anyone on the machine could reach.
- **A quiet start.** The log shows where the apps are, how board members log in, warnings and
  errors; routine lines are left out (:class:`QuietLog`).

>>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
(True, True, False)
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import os
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from planlib.errors import PlanlibError
from planlib.serving.page_messages import page_message_filter_class

TOKEN_VARIABLE = "JUPYTER_TOKEN"
"""Environment variable holding the login token (Jupyter Server's own)."""

TOKEN_FILE_VARIABLE = "JUPYTER_TOKEN_FILE"
"""Environment variable naming a file that holds the login token (Jupyter Server's own)."""

PASSWORD_FILE_VARIABLE = "PLANLIB_PASSWORD_FILE"
"""Environment variable naming a file that holds a hashed password (from
``jupyter_server.auth.passwd()``)."""

ALLOWED_HOSTS_VARIABLE = "PLANLIB_ALLOWED_HOSTS"
"""Environment variable: further names (comma-separated) under which board members reach the
server, such as ``apps.opcc.example`` behind a proxy."""

MIN_TOKEN_LENGTH = 16
"""Shortest token accepted: a short token can be guessed."""

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
WILDCARD_ADDRESSES = frozenset({"", "0.0.0.0", "::", "*"})

SETUP_HELP = "see 'Serving beyond this machine' in the README"

log = logging.getLogger("planlib.serving")


# --------------------------------------------------------------------------- hosts


def _bare_host(host: str) -> str:
    """``host`` without a port, brackets or a final dot, in lower case.

    >>> _bare_host("[::1]:8866"), _bare_host("Apps.Example.:80"), _bare_host("10.0.0.5")
    ('::1', 'apps.example', '10.0.0.5')
    """
    host = host.strip().lower()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_loopback(host: str) -> bool:
    """True if ``host`` (an address to listen on, or a Host header) is this machine alone.

    >>> [is_loopback(h) for h in ("127.0.0.1", "::1", "[::1]:8866", "localhost", "10.0.0.5", "", "0.0.0.0")]
    [True, True, True, True, False, False, False]
    """
    bare = _bare_host(host)
    if bare in LOOPBACK_NAMES or bare.endswith(".localhost"):
        return True
    address = _ip(bare)
    return bool(address and address.is_loopback)


def allowed_names(listen: str, extra: str = "") -> frozenset[str]:
    """The host names (not addresses) that requests may carry for a server listening on ``listen``.

    The loopback names when it listens on loopback or on every address; the machine's own names
    when it listens beyond loopback; the names in ``extra`` (comma-separated, as in
    :data:`ALLOWED_HOSTS_VARIABLE`) always.

    >>> sorted(allowed_names("127.0.0.1", "apps.opcc.example"))
    ['apps.opcc.example', 'ip6-localhost', 'localhost', 'localhost.localdomain']
    >>> "localhost" in allowed_names("10.0.0.5")
    False
    """
    names = {_bare_host(name) for name in extra.split(",") if name.strip()}
    bare = _bare_host(listen)
    if is_loopback(bare) or bare in WILDCARD_ADDRESSES:
        names |= LOOPBACK_NAMES
    if not is_loopback(bare):
        names |= {name for name in (_bare_host(socket.gethostname()), _bare_host(socket.getfqdn()))
                  if not is_loopback(name) or bare in WILDCARD_ADDRESSES}
        if _ip(bare) is None and bare not in WILDCARD_ADDRESSES:
            names.add(bare)  # listening on a name: that name
    return frozenset(names - {""})


def host_allowed(host_header: str, listen: str, names: frozenset[str]) -> bool:
    """May a request with this ``Host`` header reach a server listening on ``listen``?

    A name must be one of ``names`` (see :func:`allowed_names`): any other name may be a
    DNS-rebinding page. An address must be one the server answers on: loopback addresses on
    loopback, the listening address itself, or any address when it listens on all of them (an
    address cannot be rebound).

    >>> names = allowed_names("127.0.0.1")
    >>> [host_allowed(h, "127.0.0.1", names) for h in ("127.0.0.1:8866", "localhost:8866", "evil.example:8866", "")]
    [True, True, False, False]
    >>> host_allowed("10.0.0.5:8866", "10.0.0.5", allowed_names("10.0.0.5")), host_allowed("10.0.0.6", "10.0.0.5", frozenset())
    (True, False)
    """
    bare, listening = _bare_host(host_header), _bare_host(listen)
    if not bare:
        return False
    address = _ip(bare)
    if address is None:
        return bare in names
    if listening in WILDCARD_ADDRESSES:
        return True
    if is_loopback(listening):
        return address.is_loopback
    return address == _ip(listening)


# --------------------------------------------------------------------------- login


@dataclass(frozen=True)
class Login:
    """How board members log in: a token, a hashed password, both or neither.

    Attributes
    ----------
    token : str
        The token ("" for none).
    hashed_password : str
        A hash from ``jupyter_server.auth.passwd()`` ("" for none).
    source : str
        Where they came from, in words for the log (never the secret itself).
    """

    token: str = ""
    hashed_password: str = ""
    source: str = ""

    @property
    def required(self) -> bool:
        """True if a board member must log in."""
        return bool(self.token or self.hashed_password)


def _read_secret(path: str, variable: str) -> str:
    from planlib.io.text import read_text

    text, problems = read_text(Path(path), path, limit=64 * 1024)
    if problems:
        raise PlanlibError(f"{problems[0]} (the file named by {variable})")
    return text.strip()


def _check_hash(hashed: str, path: str) -> str:
    algorithm = hashed.split(":", 1)[0]
    if ":" not in hashed or algorithm not in hashlib.algorithms_available | {"argon2"}:
        raise PlanlibError(
            f"{path}: holds no hashed password: write one with "
            "python -c \"from jupyter_server.auth import passwd; print(passwd())\" > FILE "
            "(it asks for the password twice)")
    return hashed


def read_login(env: Mapping[str, str]) -> Login:
    """The login set in the environment ``env``.

    The token comes from :data:`TOKEN_VARIABLE` or else the file named by
    :data:`TOKEN_FILE_VARIABLE` (Jupyter Server's own names); the hashed password from the file
    named by :data:`PASSWORD_FILE_VARIABLE`. Surrounding whitespace is dropped.

    Raises
    ------
    PlanlibError
        If a file cannot be read, a token is shorter than :data:`MIN_TOKEN_LENGTH` characters,
        or the password file holds no hash.

    Examples
    --------
    >>> read_login({}).required
    False
    >>> login = read_login({"JUPYTER_TOKEN": "x" * 24})
    >>> login.required, login.source
    (True, 'a token (JUPYTER_TOKEN)')
    >>> read_login({"JUPYTER_TOKEN": "short"})
    Traceback (most recent call last):
    ...
    planlib.errors.PlanlibError: the token in JUPYTER_TOKEN has 5 characters; use at least 16 (python -c "import secrets; print(secrets.token_urlsafe(32))")
    """
    token, sources = "", []
    if env.get(TOKEN_VARIABLE, "").strip():
        token, where = env[TOKEN_VARIABLE].strip(), TOKEN_VARIABLE
    elif env.get(TOKEN_FILE_VARIABLE):
        token, where = _read_secret(env[TOKEN_FILE_VARIABLE], TOKEN_FILE_VARIABLE), env[TOKEN_FILE_VARIABLE]
    if token:
        if len(token) < MIN_TOKEN_LENGTH:
            raise PlanlibError(
                f"the token in {where} has {len(token)} characters; use at least {MIN_TOKEN_LENGTH} "
                "(python -c \"import secrets; print(secrets.token_urlsafe(32))\")")
        sources.append(f"a token ({where})")
    hashed = ""
    if env.get(PASSWORD_FILE_VARIABLE):
        path = env[PASSWORD_FILE_VARIABLE]
        hashed = _check_hash(_read_secret(path, PASSWORD_FILE_VARIABLE), path)
        sources.append(f"a password ({path})")
    return Login(token=token, hashed_password=hashed, source=" or ".join(sources))


def login_environment(token_file: str | os.PathLike[str] | None = None,
                      password_file: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The environment variables that bring ``planlib serve --token-file/--password-file`` to Voila.

    >>> login_environment(password_file="/etc/planlib/board.pass")
    {'PLANLIB_PASSWORD_FILE': '/etc/planlib/board.pass'}
    """
    env = {}
    if token_file is not None:
        env[TOKEN_FILE_VARIABLE] = str(Path(token_file).absolute())
    if password_file is not None:
        env[PASSWORD_FILE_VARIABLE] = str(Path(password_file).absolute())
    return env


def check_login(host: str, env: Mapping[str, str]) -> Login:
    """Refuse to serve beyond this machine without a login; return the login (see :func:`read_login`).

    Raises
    ------
    PlanlibError
        If ``host`` is not loopback and ``env`` sets no token or password, or a secret is bad.

    Examples
    --------
    >>> check_login("127.0.0.1", {}).required
    False
    >>> check_login("0.0.0.0", {})
    Traceback (most recent call last):
    ...
    planlib.errors.PlanlibError: --host 0.0.0.0 lets other machines reach the apps, so board members must log in, and no login is set: give --token-file FILE (a long random token) or --password-file FILE (a hashed password), or set JUPYTER_TOKEN; see 'Serving beyond this machine' in the README
    """
    login = read_login(env)
    if not login.required and not is_loopback(host):
        err = PlanlibError(
            f"--host {host} lets other machines reach the apps, so board members must log in, and no "
            "login is set: give --token-file FILE (a long random token) or --password-file FILE "
            f"(a hashed password), or set {TOKEN_VARIABLE}; {SETUP_HELP}")
        err.field, err.value = "--host", host
        raise err
    return login


# --------------------------------------------------------------------------- in the server


LOGIN_PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in: the board apps</title>
<style>body {{ font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem; color: #1b1b1b; }}
label {{ display: block; font-weight: 600; margin: 1rem 0 .25rem; }}
input {{ font-size: 1rem; padding: .5rem; width: 100%; box-sizing: border-box; }}
button {{ margin-top: 1rem; font-size: 1rem; padding: .5rem 1.25rem; }} .problem {{ color: #8a1c00; font-weight: 600; }}</style>
</head><body><main>
<h1>Log in to the board apps</h1>
<p>Type the password or token that the office of the Police and Crime Commissioner gave you.</p>{problem}
<form action="{action}" method="post">{xsrf}
<label for="password">Password or token</label>
<input type="password" id="password" name="password" autocomplete="current-password" required autofocus>
<button type="submit">Log in</button>
</form></main></body></html>"""
"""planlib's login page, in place of Jupyter Server's (which speaks to a Jupyter user of tokens,
``jupyter server list`` and password set-up): plain words, nothing loaded from elsewhere."""


def _login_handler_class() -> type:
    import html

    from voila.voila_identity_provider import VoilaLoginHandler

    class PlanlibLoginHandler(VoilaLoginHandler):
        """Jupyter Server's login form handler with :data:`LOGIN_PAGE` as its page."""

        def _render(self, message: Any = None) -> None:
            from tornado.escape import url_escape

            problem = '\n<p class="problem" role="alert">That password or token is not right.</p>' if message else ""
            action = f"{self.base_url}login?next={url_escape(self.get_argument('next', default=self.base_url))}"
            self.write(LOGIN_PAGE.format(problem=problem, action=html.escape(action),
                                         xsrf=self.xsrf_form_html()))

    return PlanlibLoginHandler


def _identity_provider_class() -> type:
    from jupyter_server.auth.identity import PasswordIdentityProvider
    from tornado import web
    from traitlets import default

    class PlanlibIdentityProvider(PasswordIdentityProvider):
        """Jupyter Server's token and password login, with the login read by :func:`read_login`
        (never a token made up on the spot), no password change from the page, and the Host check."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**{**kwargs, "login_handler_class": _login_handler_class()})
            self._login  # refuse at once to serve beyond loopback without a login  # noqa: B018

        @default("token")
        def _token_default(self) -> str:
            return self._login.token

        @default("hashed_password")
        def _hashed_password_default(self) -> str:
            return self._login.hashed_password

        @default("need_token")
        def _need_token_default(self) -> bool:
            return False

        @default("allow_password_change")
        def _allow_password_change_default(self) -> bool:
            return False

        @cached_property
        def _login(self) -> Login:
            listen = getattr(self.parent, "ip", "")
            try:
                login = check_login(listen, os.environ)
            except PlanlibError as exc:
                self.log.critical("%s", exc)
                raise SystemExit(1) from None
            if login.required:
                self.log.info("Board members log in with %s.", login.source)
            else:
                self.log.info("No login: only this machine can reach the apps.")
            return login

        @cached_property
        def _names(self) -> frozenset[str]:
            return allowed_names(getattr(self.parent, "ip", ""), os.environ.get(ALLOWED_HOSTS_VARIABLE, ""))

        def get_user(self, handler: Any) -> Any:
            request = handler.request
            if not host_allowed(request.host, getattr(self.parent, "ip", ""), self._names):
                self.log.warning("Refused %s %s from %s: Host %r is not a name of this server "
                                 "(add it to %s if board members use it)", request.method, request.path,
                                 request.remote_ip, request.host, ALLOWED_HOSTS_VARIABLE)
                handler.current_user = handler._jupyter_current_user = None  # as Jupyter's own Host check
                # A plain answer (Finish): Jupyter's error page cannot be drawn for a websocket.
                handler.clear()
                handler.set_status(403)
                handler.set_header("Content-Type", "text/plain; charset=UTF-8")
                raise web.Finish("403: this server does not answer to that name.\n")
            return super().get_user(handler)

    return PlanlibIdentityProvider


_TOKEN_IN_ADDRESS = re.compile(r"([?&]token=)[^&\s]+")


class QuietLog(logging.Filter):
    """Leave routine lines out of the server's log; keep where it runs, the login, warnings and errors.

    >>> quiet = QuietLog()
    >>> quiet.filter(logging.LogRecord("Voila", logging.INFO, "", 0, "Kernel started: %s", ("abc",), None))
    False
    >>> quiet.filter(logging.LogRecord("Voila", logging.WARNING, "", 0, "Kernel died", None, None))
    True
    """

    ROUTINE = ("Using ", "Storing connection files", "Serving static files", "Kernel started:",
               "Kernel shutdown:", "Culling kernels with idle", "Kernel pool of ", "Connecting to kernel",
               "Starting buffering for", "Discarding ", "Notebook ", "Adapting from protocol version",
               "301 ", "302 ", "304 ")  # redirects to the login page and cached files, request by request
    """How the routine lines start (the notebooks' "is not trusted": Voila runs them whatever
    their signature, so the warning says nothing to an operator)."""

    PING_SETTINGS = "The websocket_ping_timeout ("
    """tornado's warning that the ping timeout is longer than the interval. Jupyter Server pings
    the kernel websocket itself, with its own ``ws_ping_interval`` and ``ws_ping_timeout`` in
    milliseconds; tornado reads the same handler properties as its own (seconds) settings and
    warns about a pair that only Jupyter Server uses, and that is right for it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "token=" in message:  # tornado logs some requests' addresses whole
            record.msg, record.args = _TOKEN_IN_ADDRESS.sub(r"\1[secret]", message), None
        if record.levelno > logging.WARNING:
            return True
        if record.levelno == logging.WARNING:
            return not ((message.startswith("Notebook ") and message.endswith("is not trusted"))
                        or message.startswith(self.PING_SETTINGS))
        return not message.startswith(self.ROUTINE)


def _log_request(handler: Any) -> None:
    from jupyter_server.log import log_request

    if handler.get_status() == 503:
        return  # the busy page: planlib.serving.kernels logs it as a warning, without the request's headers
    log_request(handler, record_prometheus_metrics=False)


def configure(config: Any) -> Any:
    """Set up a Voila ``traitlets.config.Config`` as this module describes; returns it.

    Examples
    --------
    >>> from traitlets.config import Config
    >>> config = configure(Config())
    >>> config.KernelManager.transport, config.Voila.auto_token
    ('ipc', True)
    """
    config.Voila.identity_provider_class = _identity_provider_class()
    # With auto_token, Voila leaves the token to the identity provider (otherwise it forces "");
    # ours never makes one up, so loopback without a token stays open as before.
    config.Voila.auto_token = True
    config.Voila.kernel_websocket_connection_class = page_message_filter_class()
    # Unix sockets beside each kernel's connection file, in Voila's private connection folder.
    config.KernelManager.transport = "ipc"
    # Voila serves images beside the notebooks at /voila/files/ without a login; the apps use none.
    config.VoilaConfiguration.file_allowlist = []
    # Jupyter Server's request log, which hides tokens in addresses (tornado's would log them).
    # The kernel websocket's keep-alive keeps Jupyter Server's defaults: a ping every 30 s and the
    # page dropped after 90 s without an answer. A timeout equal to the interval drops every page
    # whose ping timer fires a millisecond late, as it does on a loaded server (see QuietLog for
    # the warning tornado gives about these settings).
    config.Voila.tornado_settings = {"log_function": _log_request}
    config.Voila.logging_config = {
        "filters": {"planlib_quiet": {"()": f"{__name__}.QuietLog"}},
        "handlers": {"console": {"filters": ["planlib_quiet"]}},
        # tornado's own warnings (refused requests, errors) through the same filter, tokens hidden
        "loggers": {"tornado": {"level": "WARNING", "handlers": ["console"], "propagate": False}},
    }
    return config
