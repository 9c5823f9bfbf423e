"""A button that downloads a file the kernel makes when it is pressed (an Excel workbook, say).

The file is made only when asked for (so a slider move never pays for it), sent to the browser
over the widget's own channel and saved there from memory: nothing is written on the server and
nothing is fetched from elsewhere. A failure to make the file becomes a short message beside
the button, never an error.

>>> button = DownloadButton(label="Download the comparison (Excel)", file_name="comparison.xlsx",
...                         make=lambda: b"PK...")
>>> button.label, button.file_name
('Download the comparison (Excel)', 'comparison.xlsx')
>>> reply = button.reply()
>>> reply["name"], reply["data"]
('comparison.xlsx', 'UEsuLi4=')
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

log = logging.getLogger("planlib.ui.download")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
"""The media type of an Excel workbook."""

_ESM = r"""
export default {
  render({ model, el }) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "jupyter-button planlib-download-button";
    const status = document.createElement("span");
    status.className = "planlib-download-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    const label = () => { button.textContent = model.get("label"); };
    label();
    model.on("change:label", label);
    button.addEventListener("click", () => {
      status.textContent = "Preparing the file…";
      button.disabled = true;
      model.send({ event: "download" });
    });
    model.on("msg:custom", (msg) => {
      button.disabled = false;
      if (!msg || msg.event !== "file") { return; }
      if (msg.error) { status.textContent = msg.error; return; }
      const bytes = Uint8Array.from(atob(msg.data), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: msg.type }));
      const a = document.createElement("a");
      a.href = url;
      a.download = msg.name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      status.textContent = `Downloaded ${msg.name}.`;
    });
    const row = document.createElement("div");
    row.className = "planlib-download-row";
    row.append(button, status);
    el.append(row);
  },
};
"""

_CSS = """
.planlib-download-row { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; margin: 6px 0; font-size: 13px; }
.planlib-download-button { width: auto; padding: 0 12px; }
.planlib-download-button:focus { outline: 3px solid #ffbf47; outline-offset: 1px; }
.planlib-download-status { color: #1b4f72; }
"""


class DownloadButton(anywidget.AnyWidget):
    """A button that downloads the bytes ``make()`` returns, as ``file_name``, when pressed.

    Parameters
    ----------
    label : str
        The button's text (its accessible name), e.g. "Download the comparison (Excel)".
    file_name : str
        The name the browser saves the file under (letters, digits, ``_``, ``-`` and ``.``).
    make : callable
        Makes the file's bytes; called on each press.
    media_type : str, optional
        The file's media type (Excel by default).
    """

    _esm = _ESM
    _css = _CSS
    label = traitlets.Unicode("Download").tag(sync=True)

    def __init__(self, *, label: str, file_name: str, make: Callable[[], bytes], media_type: str = XLSX) -> None:
        super().__init__(label=label)
        self.file_name = re.sub(r"[^A-Za-z0-9_.\-]+", "_", file_name) or "download"
        self.make = make
        self.media_type = media_type
        self.on_msg(self._on_msg)

    def reply(self) -> dict[str, Any]:
        """The message that carries the file to the browser (or says why it could not be made)."""
        try:
            data = self.make()
        except Exception:  # noqa: BLE001 - a viewer sees a short message, the log the reason
            log.exception("could not make %s", self.file_name)
            return {"event": "file", "error": "Sorry, the file could not be made. The problem has been logged."}
        return {"event": "file", "name": self.file_name, "type": self.media_type,
                "data": base64.b64encode(data).decode("ascii")}

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "download":
            self.send(self.reply())
