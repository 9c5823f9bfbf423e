"""The offline chart bundle, sent to each page once instead of inside every chart.

Every live chart of the board apps is a widget whose JavaScript (altair's ``JupyterChart`` with
Vega, some 900 KB, built once and kept in planlib's cache: :func:`planlib.charts.base.enable_offline_widgets`)
would otherwise travel inside the widget's state: twice over the kernel's websocket for a page
with two charts, and parsed and run by the browser once per chart. Served by planlib's server,
the apps do better:

- the server answers ``<base URL>planlib/charts/<bundle name>`` (:data:`ROUTE`) with the bundle
  from the cache, as JavaScript that the browser may keep for a year (the name changes with
  the versions it was built from, so a kept copy is never stale); no other name is served;
- the server tells its kernels so (:data:`SERVED_VARIABLE` in their environment, which they
  inherit from it), and a kernel told so gives its chart widgets a module of a few lines that
  imports that address: the browser fetches, parses and runs the bundle once per page, however
  many charts it has.

JupyterLab, exported notebooks, papermill reports and tests outside the server are never told,
so their charts carry the bundle as before. The route is guarded as the pages are (the Host
check, and the login off loopback: :mod:`planlib.serving.security`), though the bundle is only
the public JavaScript of Vega and altair, and holds nothing of the plan.

>>> served_at({SERVED_VARIABLE: ROUTE}), served_at({})
('planlib/charts/', None)
>>> bool(BUNDLE_NAME.fullmatch("jupyter-chart-altair6.3.0-vlv6_4-vlc1.9.0-d4cdddb5b1c0344c.js"))
True
>>> bool(BUNDLE_NAME.fullmatch("../secrets.js")), bool(BUNDLE_NAME.fullmatch("scenarios.db"))
(False, False)
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from typing import Any

from planlib.io.cache import cached_file

ROUTE = "planlib/charts/"
"""Where the server answers with the chart bundle, under its base URL."""

SERVED_VARIABLE = "PLANLIB_CHART_BUNDLE_ROUTE"
"""Set by planlib's server in its own environment, which its kernels inherit: the route under
which it serves the chart bundle (:data:`ROUTE`)."""

BUNDLE_NAME = re.compile(r"jupyter-chart-[A-Za-z0-9._+-]{1,200}\.js")
"""The names of chart bundles in planlib's cache (:func:`planlib.charts.base._offline_bundle_name`):
the only files the route serves."""

CACHE_SECONDS = 365 * 24 * 3600
"""How long a browser may keep the bundle without asking again: a year (its name changes with
what it was built from)."""


def served_at(environ: Mapping[str, str] | None = None) -> str | None:
    """The route under which this kernel's server serves the chart bundle; None outside planlib's server.

    ``environ`` is this process's environment by default.
    """
    env = os.environ if environ is None else environ
    return ROUTE if env.get(SERVED_VARIABLE) == ROUTE else None


BUILD_BUNDLE = "from planlib.charts.base import enable_offline_widgets; enable_offline_widgets()"
"""What :func:`ensure_cached` runs in a process of its own: builds the bundle into the cache,
or finds it there."""


def ensure_cached(timeout: float = 600.0) -> bool:
    """Make sure the chart bundle is in planlib's cache before the server starts its kernels;
    whether it is.

    On a machine where no kernel has built it yet, the first pool's kernels would otherwise each
    carry the whole bundle in their charts. It is built in a process of its own (vl-convert's
    JavaScript engine and its memory do not stay with the server); a bundle already cached is
    only found there. A failure is no error: the kernels then build it, as outside the server.
    """
    import subprocess
    import sys

    try:
        subprocess.run([sys.executable, "-c", BUILD_BUNDLE], check=True, timeout=timeout,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return False
    return True


def handler_class() -> type:
    """The tornado handler that answers :data:`ROUTE` with a cached chart bundle (404 for any other name)."""
    from jupyter_server.base.handlers import JupyterHandler
    from tornado import web

    class ChartBundleHandler(JupyterHandler):
        """The chart bundle, from planlib's cache, as JavaScript a browser keeps for a year.

        A Jupyter Server handler, so the server's Host check and login apply as to the pages.
        """

        @web.authenticated
        def get(self, name: str) -> None:
            self._send(name, body=True)

        @web.authenticated
        def head(self, name: str) -> None:
            self._send(name, body=False)

        def compute_etag(self) -> str | None:
            return getattr(self, "_etag", None)  # of the bundle, for HEAD as for GET

        def _send(self, name: str, body: bool) -> None:
            path = cached_file(name) if BUNDLE_NAME.fullmatch(name) else None
            if path is None:
                raise web.HTTPError(404)
            try:
                content = path.read_bytes()
            except OSError as error:
                raise web.HTTPError(404) from error
            self._etag = f'"{hashlib.sha1(content).hexdigest()}"'
            self.set_header("Content-Type", "text/javascript; charset=utf-8")
            self.set_header("Cache-Control", f"public, max-age={CACHE_SECONDS}, immutable")
            self.set_header("X-Content-Type-Options", "nosniff")
            if body:
                self.write(content)
            else:
                self.set_header("Content-Length", str(len(content)))

    return ChartBundleHandler


def serving_class(voila_class: type) -> type:
    """``voila_class`` (Voila's application) serving the chart bundle and telling its kernels so.

    :func:`planlib.apps.main` launches Voila through it. The variable is set as the server
    starts, before its first kernel, in the server's own environment.

    Examples
    --------
    >>> from voila.app import Voila
    >>> served = serving_class(Voila)
    >>> issubclass(served, Voila), served.__name__
    (True, 'Voila')
    """

    class Voila(voila_class):  # the same name: Voila's settings (--Voila.port, voila.json) apply
        def start(self) -> None:
            ensure_cached()  # before the first kernel, which would otherwise carry the bundle itself
            os.environ[SERVED_VARIABLE] = ROUTE
            super().start()

        def init_handlers(self) -> list[Any]:
            from jupyter_server.utils import url_path_join

            route = url_path_join(self.server_url, ROUTE, r"([^/]+)")
            return [(route, handler_class()), *super().init_handlers()]

    Voila.__qualname__ = "Voila"
    return Voila
