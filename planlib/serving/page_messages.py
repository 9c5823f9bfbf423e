"""What a page may send its kernel: the widget messages the apps use, and nothing else.

Voila itself passes on comm messages, ``kernel_info_request`` and ``shutdown_request`` (so a
page could stop its own kernel) on any channel, and a ``comm_open`` to any target. The filter
here (:class:`PageMessageFilter`, which :func:`planlib.serving.security.configure` sets as
Jupyter Server's kernel websocket connection) lets through only :data:`PAGE_MESSAGES` on the
shell channel, and only the widget manager's control comm; everything else is dropped and logged.

>>> refusal(PageMessage("shell", "execute_request"))
'execute_request is not a widget message'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

WIDGET_COMM_TARGETS = frozenset({"jupyter.widget.control"})
"""The comms a page may open: the widget manager's control comm, through which the page asks
the kernel for every widget's state (the apps' widgets are all made by the kernel)."""

PAGE_MESSAGES = frozenset({"comm_msg", "comm_close", "comm_open", "comm_info_request", "kernel_info_request"})
"""The messages a page may send its kernel, all on the shell channel. Recorded from the apps
in Chromium: ``kernel_info_request``, ``comm_open`` (the control comm), ``comm_msg`` and
``comm_close``; ``comm_info_request`` is the widget manager's fallback when the control comm
is missing. Never ``execute_request``, ``shutdown_request``, ``input_reply`` and the rest."""


@dataclass(frozen=True)
class PageMessage:
    """What a page sent its kernel: the channel, the message type and, for ``comm_open``, the comm target."""

    channel: str
    msg_type: str
    target: str = ""


def read_page_message(raw: bytes | str, subprotocol: str | None) -> PageMessage:
    """The channel, type and comm target of a websocket message from a page, read as Jupyter Server reads it.

    ``subprotocol`` is the websocket's (``v1.kernel.websocket.jupyter.org``, or None for the
    JSON protocol). Raises ValueError (or KeyError) if it cannot be read.

    >>> read_page_message('{"channel": "shell", "header": {"msg_type": "execute_request"}, "content": {}}', None)
    PageMessage(channel='shell', msg_type='execute_request', target='')
    """
    from jupyter_server.services.kernels.connection.base import (
        deserialize_binary_message,
        deserialize_msg_from_ws_v1,
    )

    if subprotocol == "v1.kernel.websocket.jupyter.org":
        channel, parts = deserialize_msg_from_ws_v1(raw)
        header = json.loads(parts[0])
        content = json.loads(parts[3]) if header.get("msg_type") == "comm_open" else {}
    else:
        message = deserialize_binary_message(raw) if isinstance(raw, bytes) else json.loads(raw)
        channel, header, content = message.get("channel") or "shell", message["header"], message.get("content") or {}
    target = content.get("target_name", "") if isinstance(content, dict) else ""
    return PageMessage(str(channel), str(header["msg_type"]), str(target))


def refusal(message: PageMessage) -> str | None:
    """Why a page may not send ``message`` to its kernel; None if it may.

    >>> refusal(PageMessage("shell", "comm_msg")) is None
    True
    >>> refusal(PageMessage("shell", "execute_request"))
    'execute_request is not a widget message'
    >>> refusal(PageMessage("shell", "comm_open", "jupyter.widget"))
    "a comm to 'jupyter.widget' (a page may open only the widget manager's control comm)"
    >>> refusal(PageMessage("control", "kernel_info_request"))
    'a message on the control channel (only shell)'
    """
    if message.channel != "shell":
        return f"a message on the {message.channel} channel (only shell)"
    if message.msg_type not in PAGE_MESSAGES:
        return f"{message.msg_type} is not a widget message"
    if message.msg_type == "comm_open" and message.target not in WIDGET_COMM_TARGETS:
        return f"a comm to {message.target!r} (a page may open only the widget manager's control comm)"
    return None


def page_message_filter_class() -> type:
    from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

    class PageMessageFilter(ZMQChannelsWebsocketConnection):
        """Jupyter Server's kernel websocket, passing on only the messages :func:`refusal` allows.

        Every refused message is dropped; the first of each kind on a connection is logged with
        the kernel and the address it came from."""

        def handle_incoming_message(self, incoming_msg: Any) -> None:
            try:
                message = read_page_message(incoming_msg, self.subprotocol)
                reason = refusal(message)
            except (ValueError, KeyError, IndexError, TypeError, AttributeError):
                message, reason = PageMessage("?", "unreadable"), "a message that cannot be read"
            if reason is None:
                super().handle_incoming_message(incoming_msg)
                return
            logged = self.__dict__.setdefault("_planlib_refused", set())
            if message.msg_type not in logged:
                logged.add(message.msg_type)
                handler = self.websocket_handler
                self.log.warning("Refused and dropped %s sent to kernel %s from %s (further ones on this "
                                 "connection are dropped silently)", reason, self.kernel_id,
                                 getattr(handler.request, "remote_ip", "?"))

    return PageMessageFilter
