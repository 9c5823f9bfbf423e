"""The kernels of the served apps: preheated pools sized for the audience, no dead page, a cap.

Voila keeps a pool of preheated kernels for each app: each has already run its app, so a
visitor's page appears at once. :class:`PlanlibKernelManager` is mixed into Voila's pooling
kernel manager (:func:`kernel_manager_factory`, which :func:`planlib.apps.main` installs) and
adds what a board meeting needs:

- **Pools sized from the audience** (``--viewers N``, :func:`pool_sizes`): the scenario
  explorer, the app a board opens together, keeps N kernels ready; every other app keeps one
  (they are opened one person at a time, and each kernel holds a few hundred MiB). A pool is
  refilled as pages take its kernels, one kernel at a time (``preheat_concurrency``) and
  ``fill_delay`` seconds (15) after a page took one, so that a board opening the apps together has
  both cores for its first seconds and one after (as the server starts, one per core:
  ``startup_concurrency``).
- **No dead page.** A kernel waiting in a pool is never culled, however long it has waited. When
  a page takes it, its idle clock starts again, so the culler cannot stop it in the second
  between the page's HTML and the page's connection (the race Voila leaves open: a kernel that
  waited longer than the idle timeout was culled as it was handed out). A pooled kernel that died
  or was restarted while it waited is replaced rather than handed out.
- **Kernels released promptly.** A page's kernel is released ``release_after`` seconds (40) after
  its page closes or loses its connection (long enough for the page's client to reconnect on a
  busy machine), and ``connect_timeout`` seconds (180) after it was handed out if no page ever
  connects (a plain GET of an app, a crawler, ``curl``: generous, since a page that loads its
  scripts slowly must not find its kernel gone; the cap bounds what such requests can hold). The
  culler looks every ``cull_interval`` seconds (10 in ``voila.json``), so a closed page's kernel
  goes within a minute. A connected page's kernel is never culled.
- **A word when ready**: once every pool is full and its kernels have run their apps, the log
  says "The apps are ready, with preheated kernels: ..." (each app and its number); a board can
  be let in from then.
- **A cap** (:func:`page_kernel_cap`): at most ``max(10, 2 N)`` kernels held by pages at once
  (two apps open per expected viewer, and never fewer than 10). Beyond it an app page is the
  template's polite ``503.html`` ("The server is busy: try again in a minute", HTTP 503). With
  the pools, the server holds at most ``N + (apps - 1) + max(10, 2 N)`` kernels.

Settings live under ``PlanlibKernelManager`` in ``voila.json`` or on Voila's command line
(``--PlanlibKernelManager.viewers=12``, which :func:`planlib.apps.voila_command` writes).

>>> pool_sizes(12, ["plan_overview.ipynb", "scenario_explorer.ipynb"])
{'plan_overview.ipynb': 1, 'scenario_explorer.ipynb': 12}
>>> page_kernel_cap(12), page_kernel_cap(1)
(24, 10)
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tornado.web import HTTPError
from traitlets import Float, Integer, default
from traitlets.config import LoggingConfigurable

BOARD_APP = "scenario_explorer.ipynb"
"""The app a board opens together: its pool holds a kernel for every expected viewer."""

MIN_PAGE_KERNELS = 10
"""The cap on page kernels is never below this, however few viewers are expected."""


def pool_sizes(viewers: int, notebooks: Iterable[str]) -> dict[str, int]:
    """Preheated kernels to keep ready for each app, for ``viewers`` people expected at once.

    The board app (:data:`BOARD_APP`) gets one per viewer; every other app gets one (none
    when no viewer is expected).

    Examples
    --------
    >>> pool_sizes(3, ["consultation.ipynb", "scenario_explorer.ipynb"])
    {'consultation.ipynb': 1, 'scenario_explorer.ipynb': 3}
    >>> pool_sizes(0, ["scenario_explorer.ipynb"])
    {'scenario_explorer.ipynb': 0}
    """
    return {name: viewers if name.endswith(BOARD_APP) else min(viewers, 1) for name in notebooks}


def page_kernel_cap(viewers: int) -> int:
    """The most kernels that pages may hold at once: two apps per viewer, at least 10.

    Examples
    --------
    >>> page_kernel_cap(4), page_kernel_cap(30)
    (10, 60)
    """
    return max(MIN_PAGE_KERNELS, 2 * viewers)


@dataclass
class PageKernel:
    """A kernel handed to a page: when, and whether a page has connected to it."""

    handed_at: datetime
    connected: bool = False
    left_at: datetime | None = None


def _utcnow() -> datetime:
    from jupyter_server._tz import utcnow

    return utcnow()


class PlanlibKernelManager(LoggingConfigurable):
    """The pool, release and cap rules, mixed into Voila's kernel manager (see the module)."""

    viewers = Integer(1, config=True, help="People expected to open the apps at once (sizes the pools and the cap).")
    max_page_kernels = Integer(None, allow_none=True, config=True,
                               help="Most kernels held by pages at once; by default max(10, 2 x viewers).")
    connect_timeout = Float(180.0, config=True,
                            help="Seconds a page's kernel waits for its page to connect before it is released.")
    release_after = Float(40.0, config=True,
                          help="Seconds after its page closes (or loses its connection) that a kernel is released.")
    preheat_concurrency = Integer(1, config=True, help="Kernels preheated at the same time once the apps are ready.")
    startup_concurrency = Integer(0, config=True,
                                  help="Kernels preheated at the same time as the server starts (0: one per core).")

    @default("kernel_pools_config")
    def _kernel_pools_from_viewers(self) -> dict[str, Any]:
        """Voila's pools: one size for every app from ``default_pool_size`` when it is set (as
        ``--pool-size`` does), otherwise :func:`pool_sizes` for :attr:`viewers`."""
        voila = self.parent.voila_configuration
        configured = "default_pool_size" in self.parent.config.get("VoilaConfiguration", {})
        env = getattr(self, "default_env_variables", {})
        if configured:
            return {"default": {"pool_size": max(voila.default_pool_size, 0), "kernel_env_variables": env}}
        from pathlib import Path

        names = [str(p.relative_to(self.parent.root_dir)) for p in Path(self.parent.root_dir).rglob("*.ipynb")]
        config = {name: {"pool_size": size} for name, size in pool_sizes(self.viewers, names).items()}
        config["default"] = {"pool_size": min(self.viewers, 1), "kernel_env_variables": env}
        return config

    def __init__(self, **kwargs: Any) -> None:
        self._pages: dict[str, PageKernel] = {}
        self._stale: set[str] = set()  # pooled kernels restarted while they waited
        self._long_waits: set[str] = set()  # pooled kernels logged as kept past the idle timeout
        self._reserved = 0  # pages being given a kernel right now
        self._slots: dict[bool, asyncio.Semaphore] | None = None  # for starting up (True), then refilling
        self._ready = False  # every pool filled once and its apps run
        super().__init__(**kwargs)
        pools = getattr(self, "_pools", {})
        self._ready = not any(pools.values())
        if not self._ready:
            self._ready_task = asyncio.get_event_loop().create_task(self._say_when_ready(pools))

    async def _say_when_ready(self, pools: dict[str, list]) -> None:
        """Log once, when every pool has been filled and its apps run, that the apps are ready."""
        sizes = {name: len(pool) for name, pool in pools.items() if pool}
        for pool in [list(pool) for pool in pools.values()]:
            for task in pool:
                try:
                    await (await task)["task"]
                except Exception:  # noqa: BLE001 - a kernel that failed to preheat is replaced when taken
                    self.log.warning("A kernel failed to preheat; the page that takes its place starts another")
        self._ready = True
        self.log.info("The apps are ready, with preheated kernels: %s",
                      ", ".join(f"{name.removesuffix('.ipynb')} {size}" for name, size in sorted(sizes.items())))

    # ------------------------------------------------------------------ the cap

    @property
    def page_kernel_limit(self) -> int:
        """The cap on kernels held by pages (:attr:`max_page_kernels` or :func:`page_kernel_cap`)."""
        return self.max_page_kernels if self.max_page_kernels is not None else page_kernel_cap(self.viewers)

    def _reserve_page_kernel(self) -> None:
        if len(self._pages) + self._reserved >= self.page_kernel_limit:
            self.log.warning("The server is busy: pages hold %d kernels, the cap; a visitor was asked to try "
                             "again in a minute", len(self._pages))
            raise HTTPError(503, reason="The server is busy")
        self._reserved += 1

    def _hand_to_page(self, kernel_id: str) -> None:
        now = _utcnow()
        self._pages[kernel_id] = PageKernel(handed_at=now)
        self.log.info("Kernel %s handed to a page (%d of at most %d)", kernel_id, len(self._pages),
                      self.page_kernel_limit)
        kernel = self._kernels.get(kernel_id)
        if kernel is not None:
            # Its idle clock starts now: the time it waited in the pool is not the page's idleness.
            kernel.last_activity = now

    # ------------------------------------------------------------------ pages take kernels

    async def get_rendered_notebook(self, notebook_name: str, extra_kernel_env_variables: dict | None = None,
                                    **kwargs: Any) -> tuple[Any, list[str], str]:
        """A preheated kernel (and its rendered app) for a page; never one that died waiting."""
        self._reserve_page_kernel()
        try:
            while True:
                task, cache, kernel_id = await super().get_rendered_notebook(
                    notebook_name, extra_kernel_env_variables or {}, **kwargs)
                if await self._usable(kernel_id) or not self.get_pool_size(notebook_name):
                    break
                self.log.warning("A preheated kernel of %s stopped while it waited; another is used", notebook_name)
                await self._discard(kernel_id)
            self._hand_to_page(kernel_id)
            return task, cache, kernel_id
        finally:
            self._reserved -= 1

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        """A kernel for a page when no preheated one is kept (the page runs the app itself)."""
        self._reserve_page_kernel()
        try:
            kernel_id = await super().start_kernel(*args, **kwargs)
            self._hand_to_page(kernel_id)
            return kernel_id
        finally:
            self._reserved -= 1

    async def _usable(self, kernel_id: str) -> bool:
        if kernel_id in self._stale or kernel_id not in self:
            return False
        return bool(await self.get_kernel(kernel_id).is_alive())

    async def _discard(self, kernel_id: str) -> None:
        self._stale.discard(kernel_id)
        if kernel_id in self:
            try:
                await self.shutdown_kernel(kernel_id, now=True)
            except Exception:  # noqa: BLE001 - it is gone either way; the page gets another
                self.log.exception("could not shut down kernel %s", kernel_id)

    # ------------------------------------------------------------------ preheating

    async def _initialize(self, notebook_path: str, kernel_id: str | None = None, **kwargs: Any) -> dict:
        """Preheat a kernel (start it and run its app), a few at a time."""
        if self._slots is None:
            starting = self.startup_concurrency or os.cpu_count() or 1
            self._slots = {True: asyncio.Semaphore(max(starting, 1)),
                           False: asyncio.Semaphore(max(self.preheat_concurrency, 1))}
        slots = self._slots[not self._ready]
        await slots.acquire()
        try:
            content = await super()._initialize(notebook_path, kernel_id, **kwargs)
        except BaseException:
            slots.release()
            raise
        content["task"].add_done_callback(lambda _task: slots.release())
        started = content["kernel_id"]
        self.get_kernel(started).add_restart_callback(_marker(self._stale, started), "restart")
        return content

    def _pooled_kernel_ids(self) -> set[str]:
        """Kernels started and waiting in a pool."""
        waiting = set()
        for pool in getattr(self, "_pools", {}).values():
            for task in pool:
                if task.done() and not task.cancelled() and task.exception() is None:
                    waiting.add(task.result()["kernel_id"])
        return waiting

    def _note_long_wait(self, kernel_id: str) -> None:
        """Log, once, that a pooled kernel has waited longer than the idle timeout (and is kept)."""
        kernel = self._kernels.get(kernel_id)
        if kernel is None or kernel_id in self._long_waits or self.cull_idle_timeout <= 0:
            return
        if _utcnow() - kernel.last_activity > timedelta(seconds=self.cull_idle_timeout):
            self._long_waits.add(kernel_id)
            self.log.info("Kernel %s has waited in its pool longer than the idle timeout: kept for a page", kernel_id)

    # ------------------------------------------------------------------ connections and release

    def notify_connect(self, kernel_id: str) -> None:
        super().notify_connect(kernel_id)
        page = self._pages.get(kernel_id)
        if page is not None:
            page.connected, page.left_at = True, None

    def notify_disconnect(self, kernel_id: str) -> None:
        super().notify_disconnect(kernel_id)
        page = self._pages.get(kernel_id)
        if page is not None and not self._kernel_connections.get(kernel_id, 0):
            page.left_at = _utcnow()

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
        self._pages.pop(kernel_id, None)
        self._stale.discard(kernel_id)
        self._long_waits.discard(kernel_id)
        return await super().shutdown_kernel(kernel_id, *args, **kwargs)

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """Never cull a pooled kernel; release a page's kernel soon after its page has gone."""
        if kernel_id in self._pooled_kernel_ids():
            self._note_long_wait(kernel_id)
            return None
        page = self._pages.get(kernel_id)
        kernel = self._kernels.get(kernel_id)
        if kernel is None:
            # Shut down since the culler listed the kernels (a page's release, a pool's
            # replacement): nothing left to cull. Jupyter Server's own check would fail on it
            # and log the failure as an error with its traceback.
            return None
        if page is None or getattr(kernel, "execution_state", None) == "dead":
            return await super().cull_kernel_if_idle(kernel_id)
        if self._kernel_connections.get(kernel_id, 0) or kernel.execution_state == "busy":
            return None
        since = max(page.left_at or page.handed_at, kernel.last_activity)
        limit = self.release_after if page.connected else self.connect_timeout
        if _utcnow() - since > timedelta(seconds=limit):
            why = f"its page closed {limit:.0f} s ago" if page.connected else f"no page connected to it in {limit:.0f} s"
            self.log.info("Released kernel %s: %s", kernel_id, why)
            await self.shutdown_kernel(kernel_id)
        return None


def _marker(stale: set[str], kernel_id: str) -> Callable[[], None]:
    return lambda: stale.add(kernel_id)


def install() -> None:
    """Make Voila build its kernel manager through :func:`kernel_manager_factory` (in this
    process; :func:`planlib.apps.main` calls it before Voila starts). Calling it again does nothing.

    Voila has no setting for its pooling class (``multi_kernel_manager_class`` is the class it
    pools *around*), so its factory is wrapped where Voila's application looks it up.
    """
    import voila.app

    current = voila.app.voila_kernel_manager_factory
    if not getattr(current, "planlib_rules", False):
        wrapped = kernel_manager_factory(current)
        wrapped.planlib_rules = True  # type: ignore[attr-defined]
        voila.app.voila_kernel_manager_factory = wrapped


def kernel_manager_factory(voila_factory: Callable[..., type]) -> Callable[..., type]:
    """Wrap Voila's ``voila_kernel_manager_factory`` so that its kernel managers carry
    :class:`PlanlibKernelManager`'s rules.

    Examples
    --------
    >>> from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    >>> from voila.voila_kernel_manager import voila_kernel_manager_factory
    >>> cls = kernel_manager_factory(voila_kernel_manager_factory)(AsyncMappingKernelManager, True, 1)
    >>> [c.__name__ for c in cls.__mro__[:3]]
    ['PlanlibKernelManager', 'PlanlibKernelManager', 'VoilaKernelManager']
    """

    def factory(base_class: type, preheat_kernel: bool, default_pool_size: int, **kwargs: Any) -> type:
        voila_class = voila_factory(base_class, preheat_kernel, default_pool_size, **kwargs)
        return type("PlanlibKernelManager", (PlanlibKernelManager, voila_class), {})

    return factory
