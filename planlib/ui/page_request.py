"""The visitor's request as a preheated kernel learns it: the page address's query string.

A kernel Voila preheated ran its app before anyone asked for the page. When a visitor's request
takes it, Voila sends the request's details (the query string among them, as CGI-style variables
such as ``QUERY_STRING``) to the kernel over a websocket, ``voila/query/<kernel id>`` on the
server, which the kernel opens and waits on. :func:`query_string` is that wait, as
``voila.utils.get_query_string`` does it (Voila 0.5), without importing Voila: ``voila.utils``
brings Voila's server, nbconvert and JupyterLab's server into every kernel, some 20 MiB that a
board app never uses. Outside a preheated kernel (a kernel started for the request, a notebook
run outside Voila) the answer is at hand and nothing waits.

>>> query_string({"QUERY_STRING": "grant=1.5"})
'grant=1.5'
>>> query_string({}) is None
True
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, MutableMapping

log = logging.getLogger("planlib.ui")

OPEN_TIMEOUT_S = 5.0
"""How long the kernel tries to reach the server's query socket (as Voila does)."""


def preheated(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this kernel was preheated by Voila (its visitor's request still to come), by
    Voila's own rule for its ``VOILA_PREHEAT`` variable.

    >>> preheated({"VOILA_PREHEAT": "True"}), preheated({"VOILA_PREHEAT": "False"}), preheated({})
    (True, False, False)
    """
    env = os.environ if environ is None else environ
    return env.get("VOILA_PREHEAT", "False") != "False"


def query_url(environ: Mapping[str, str]) -> str:
    """The server's websocket that sends this kernel its visitor's request (Voila's own defaults).

    >>> query_url({"VOILA_APP_PORT": "8870", "VOILA_KERNEL_ID": "k1"})
    'ws://127.0.0.1:8870/voila/query/k1'
    """
    protocol = environ.get("VOILA_WS_PROTOCOL", "ws")
    host = environ.get("VOILA_APP_IP", "127.0.0.1")
    port = environ.get("VOILA_APP_PORT", "8866")
    base = environ.get("VOILA_WS_BASE_URL", environ.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{host}:{port}{base}voila/query/{environ.get('VOILA_KERNEL_ID')}"


def query_string(environ: MutableMapping[str, str] | None = None) -> str | None:
    """The query string of the page this kernel serves; in a preheated kernel, once the visitor's
    request has come (it waits: call it from a background thread, as
    :func:`planlib.ui.view_link.when_page_opens` does).

    The request's details are added to ``environ`` (``os.environ`` by default), as Voila's own
    helper adds them. A server that cannot be reached leaves them as they were (logged).
    """
    env = os.environ if environ is None else environ
    if preheated(env):
        from websockets.exceptions import WebSocketException
        from websockets.sync.client import connect  # Voila's own dependency, small

        url = query_url(env)
        try:
            with connect(url, open_timeout=OPEN_TIMEOUT_S) as socket:
                request = json.loads(socket.recv())
        except (OSError, ValueError, WebSocketException) as exc:
            log.warning("could not read the visitor's request from %s: %s", url, exc)
        else:
            env.update({str(k): str(v) for k, v in request.items()})
    return env.get("QUERY_STRING")
