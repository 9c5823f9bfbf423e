"""Serving the board apps: Voila on ``voila_apps/``, offline, sources stripped.

Board members open the apps in a browser on a locked-down police network, so the server is
started in a way that nothing it serves loads from the internet and no code or traceback is
shown:

- only the notebooks in :data:`~planlib.io.paths.APPS_DIR` are served;
- sources are stripped and tracebacks hidden (a failing cell shows a short error instead);
- pages use planlib's own Voila template (:data:`TEMPLATE`, found under
  :data:`~planlib.io.paths.VOILA_TEMPLATES_DIR`), which is Voila's ``lab`` template without
  the Font Awesome and Mermaid links it would otherwise fetch from a CDN;
- the template and theme cannot be overridden from the URL (``?template=lab`` would bring the
  CDN links back);
- Voila fails if the port is taken (rather than moving to another one);
- each app keeps kernels preheated for the viewers expected (``viewers``), a closed page's
  kernel is released within a minute, and pages beyond a cap are told the server is busy
  (:mod:`planlib.serving.kernels`).

Voila finds templates only in Jupyter's data folders, so the template is put on
``JUPYTER_PATH``: run the command with ``env=voila_env()``. Without it Voila still starts but
cannot render an app (``TemplateNotFound: index.html.j2``): it fails closed, never falling
back to the stock template and its CDN links.

The apps show any plan folder: ``voila_env(plan=DIR)`` sets ``PLANLIB_PLAN``, which the apps'
kernels inherit and read through :func:`planlib.io.paths.served_plan` (the embedded example
when it is not set). :func:`check_plan` refuses a folder that is missing or not a valid plan
before anything starts.

The front door is planlib's own: at the server's root, in place of Voila's list of files, a
landing page (the template's ``tree`` page) with the plan's name and period and one card per app
(:data:`APPS`) saying what question it answers; each app page says "Loading the scenario
explorer..." while it starts. The words reach the template through Voila's page configuration
(:func:`page_config_hook`), so Voila runs through :func:`main`, which sets that hook.

>>> cmd = voila_command(port=8870)
>>> cmd[1:4] == ["-m", "planlib.apps", str(APPS_DIR)]
True
>>> f"--Voila.config_file_paths={CONFIG_DIR}" in cmd
True
"""

from __future__ import annotations

import functools
import html
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from planlib.errors import PlanError
from planlib.io.paths import APPS_DIR, SERVED_PLAN_VARIABLE, VOILA_TEMPLATES_DIR, served_plan

if TYPE_CHECKING:
    from planlib.model import Plan

CONFIG_DIR = APPS_DIR.parent
"""The folder of ``voila.json``, Voila's configuration for the board apps (beside
:data:`~planlib.io.paths.APPS_DIR`, the folder of notebooks that Voila serves and nothing else)."""

TEMPLATE = "planlib"
"""The name of planlib's offline Voila template."""

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8866
MAX_VIEWERS = 100
"""The most viewers ``planlib serve --viewers`` accepts (each preheated kernel holds a few hundred MiB)."""

log = logging.getLogger("planlib.apps")


@dataclass(frozen=True)
class App:
    """A board app as the landing page offers it.

    Attributes
    ----------
    notebook : str
        Its notebook in :data:`~planlib.io.paths.APPS_DIR`.
    title : str
        Its name, in plain words.
    question : str
        The question it answers, for a board member choosing where to go.
    loading : str
        What the page says while the app starts.
    """

    notebook: str
    title: str
    question: str
    loading: str


APPS = (
    App("plan_overview.ipynb", "Plan overview",
        "What does the plan promise, who delivers each commitment, and what does it cost?",
        "Loading the plan overview..."),
    App("scenario_explorer.ipynb", "Scenario explorer",
        "If the precept, the police grant, pay awards or officer numbers change, does the plan still balance?",
        "Loading the scenario explorer..."),
    App("net_benefit.ipynb", "Net benefit",
        "Which commitments are worth what they cost, how sure can we be, and what would the others need to achieve?",
        "Loading the net benefit app..."),
    App("compliance_and_performance.ipynb", "Compliance and performance",
        "Does the plan meet every legal requirement, and is performance on track against its targets?",
        "Loading compliance and performance..."),
    App("consultation.ipynb", "Consultation",
        "What did the public tell us, area by area, and which commitments answer it?",
        "Loading the consultation app..."),
)
"""The board apps, in the order the landing page shows them."""


def voila_command(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, pool_size: int | None = None,
                  viewers: int | None = None) -> list[str]:
    """The command line that serves the board apps with Voila.

    Parameters
    ----------
    host : str
        Address to listen on; the loopback address by default, so that only this machine can
        connect.
    port : int
        TCP port to listen on.
    pool_size : int, optional
        Preheated kernels kept ready for each app alike (0 turns preheating off), in place of
        the sizes that ``viewers`` gives.
    viewers : int, optional
        People expected to open the apps at once (1 to 100; 1 by default, from ``voila.json``):
        the scenario explorer, the app a board opens together, keeps this many kernels ready
        and every other app one; at most ``max(10, 2 x viewers)`` pages hold kernels at once,
        beyond which an app page says the server is busy (HTTP 503). See
        :mod:`planlib.serving.kernels`.

    Returns
    -------
    list of str
        Arguments for :func:`subprocess.run` and the like. Run them with ``env=voila_env()``.

    Raises
    ------
    ValueError
        If ``port`` is not a whole number from 1 to 65535, or ``host`` is empty or contains
        whitespace.

    Examples
    --------
    >>> cmd = voila_command(host="127.0.0.1", port=8867)
    >>> cmd[cmd.index("--port") + 1], "--Voila.ip=127.0.0.1" in cmd
    ('8867', True)
    >>> voila_command(port=0)
    Traceback (most recent call last):
    ...
    ValueError: port must be a whole number from 1 to 65535, not 0
    >>> "--PlanlibKernelManager.viewers=12" in voila_command(viewers=12)
    True
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ValueError(f"port must be a whole number from 1 to 65535, not {port!r}")
    if not host or any(ch.isspace() for ch in host):
        raise ValueError(f"host must be an address such as 127.0.0.1, not {host!r}")
    if pool_size is not None and (isinstance(pool_size, bool) or not isinstance(pool_size, int) or not 0 <= pool_size <= 8):
        raise ValueError(f"pool size must be a whole number from 0 to 8, not {pool_size!r}")
    if viewers is not None and (isinstance(viewers, bool) or not isinstance(viewers, int) or not 1 <= viewers <= MAX_VIEWERS):
        raise ValueError(f"viewers must be a whole number from 1 to {MAX_VIEWERS}, not {viewers!r}")
    command = [
        sys.executable,
        "-m",
        "planlib.apps",  # Voila, with planlib's page configuration (main)
        str(APPS_DIR),
        "--no-browser",
        "--port",
        str(port),
        f"--Voila.ip={host}",
        # The rest of the settings (template, sources stripped, tracebacks hidden, preheated
        # kernels, cell timeout, culling of idle kernels) are in voila.json beside voila_apps/.
        f"--Voila.config_file_paths={CONFIG_DIR}",
    ]
    if pool_size is not None:
        command.append(f"--VoilaConfiguration.default_pool_size={pool_size}")
        command.append(f"--VoilaConfiguration.preheat_kernel={pool_size > 0}")
    if viewers is not None:
        command.append(f"--PlanlibKernelManager.viewers={viewers}")
    return command


def page_config_hook(page_config: dict, base_url: str = "", settings: object = None, log: object = None,
                     voila_configuration: object = None, notebook_path: str = "", **_: object) -> dict:
    """Voila's page configuration with planlib's words for the template (Voila's ``page_config_hook``).

    Adds ``page_config["planlib"]``: the served plan's name, police area and period (``plan``,
    None if it cannot be read), every app of :data:`APPS` (``apps``) and the app being opened
    (``current``, None on the landing page). The plan is read once, from
    :func:`planlib.io.paths.served_plan`, in the server's process.

    Examples
    --------
    >>> config = page_config_hook({}, notebook_path="scenario_explorer.ipynb")
    >>> config["planlib"]["current"]["loading"]
    'Loading the scenario explorer...'
    >>> len(config["planlib"]["apps"]) == len(APPS) and config["planlib"]["plan"]["period"].count("/") == 2
    True
    """
    by_notebook = {app.notebook: app for app in APPS}
    current = by_notebook.get(Path(notebook_path or "").name)
    page_config["planlib"] = {"plan": _served_plan_facts(), "apps": [asdict(app) for app in APPS],
                              "current": asdict(current) if current else None}
    return page_config


@functools.lru_cache(maxsize=1)
def _served_plan_facts() -> dict[str, str] | None:
    """The served plan's name, police area, period and version; None (logged) if it cannot be read."""
    from planlib.io import load_plan

    try:
        plan = load_plan(served_plan())
    except Exception:  # noqa: BLE001 - the landing page still lists the apps, which say what is wrong
        log.exception("could not read the served plan for the landing page")
        return None
    return {"name": plan.name, "police_area": plan.police_area,
            "period": f"{plan.period.first} to {plan.period.last}", "version": str(plan.version)}


def main(argv: list[str] | None = None) -> None:
    """Run Voila (its command-line arguments) with :func:`page_config_hook`: what
    ``python -m planlib.apps`` does, and so :func:`voila_command` and ``planlib serve``."""
    from traitlets.config import Config
    from voila.app import Voila

    from planlib.serving import kernels

    kernels.install()  # pools sized from --viewers, no culled pooled kernel, prompt release, a cap
    config = Config()
    config.VoilaConfiguration.page_config_hook = page_config_hook
    from planlib.serving import security

    security.configure(config)  # login off loopback, the Host check, widget messages only, IPC kernels, a quiet log
    from planlib.serving import chart_bundle

    # the chart bundle served once to each page, and the kernels told to point their charts at it
    chart_bundle.serving_class(Voila).launch_instance(argv=argv, config=config)


def voila_env(base: Mapping[str, str] | None = None, plan: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The environment in which to run :func:`voila_command`.

    A copy of ``base`` (the current environment by default) with
    :data:`~planlib.io.paths.VOILA_TEMPLATES_DIR` (a Jupyter data folder holding planlib's Voila
    template, ``voila/templates/planlib``) first on ``JUPYTER_PATH``, so that Voila finds
    planlib's offline template before any other; and, with ``plan``, ``PLANLIB_PLAN`` set to
    that folder as an absolute path (the apps run in ``voila_apps/``), which the apps' kernels
    read through :func:`planlib.io.paths.served_plan`.

    Examples
    --------
    >>> env = voila_env({"JUPYTER_PATH": "/opt/jupyter"})
    >>> env["JUPYTER_PATH"] == os.pathsep.join([str(VOILA_TEMPLATES_DIR), "/opt/jupyter"])
    True
    >>> "PLANLIB_PLAN" in env
    False
    >>> voila_env({}, plan="/srv/plans/our_plan")["PLANLIB_PLAN"] == str(Path("/srv/plans/our_plan").resolve())
    True
    """
    env = dict(os.environ if base is None else base)
    paths = [str(VOILA_TEMPLATES_DIR)]
    if env.get("JUPYTER_PATH"):
        paths.append(env["JUPYTER_PATH"])
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    if plan is not None:
        env[SERVED_PLAN_VARIABLE] = str(Path(plan).resolve())
    return env


def check_plan(plan: str | os.PathLike[str]) -> None:
    """Refuse a plan folder the apps could not show, before a server starts.

    The folder must exist and be a valid plan with valid side files, as ``planlib validate``
    checks it.

    Raises
    ------
    PlanError
        Listing every problem, each with its file and line where there is one.

    Examples
    --------
    >>> check_plan("/no/such/folder")
    Traceback (most recent call last):
    ...
    planlib.errors.PlanError: 1 problem:
    /no/such/folder: plan folder not found
    """
    from planlib.io.plan_folder import validate

    problems = validate(plan)
    if problems:
        raise PlanError(problems)


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, pool_size: int | None = None,
          plan: str | os.PathLike[str] | None = None, viewers: int | None = None,
          environment: Mapping[str, str] | None = None) -> int:
    """Serve the board apps until Voila stops, the user presses Ctrl-C or the service is stopped.

    Parameters
    ----------
    host, port, pool_size, viewers : str, int, int, int
        Where to listen, how many preheated kernels to keep and how many people to expect at
        once, as for :func:`voila_command`.
    plan : path, optional
        The plan folder the apps show (the embedded example by default); check it first with
        :func:`check_plan`.
    environment : mapping, optional
        The environment Voila starts from (this process's by default), e.g. with the login
        variables of :func:`planlib.serving.security.login_environment` added; this process's
        own environment is left as it is.

    Returns
    -------
    int
        Voila's exit code; 0 after a clean Ctrl-C or SIGTERM.

    Notes
    -----
    Voila runs in a session of its own. Ctrl-C (or a SIGTERM from a service manager) reaches
    this process, which asks Voila to stop with SIGTERM; Voila shuts its kernels down before
    it exits, and this function waits for that rather than leaving it running.
    """
    # Voila runs in a session of its own: Ctrl-C reaches this process only, which then asks Voila
    # to stop (SIGTERM), so kernels still being preheated are shut down by Voila rather than
    # interrupted mid-import.
    process = subprocess.Popen(voila_command(host=host, port=port, pool_size=pool_size, viewers=viewers),
                               env=voila_env(environment, plan=plan),
                               stderr=subprocess.PIPE, start_new_session=True)
    stopping = threading.Event()
    relay = threading.Thread(target=_relay_log, args=(process.stderr, stopping), daemon=True)
    relay.start()
    forward_term = threading.current_thread() is threading.main_thread()
    if forward_term:
        def on_term(signum: int, frame: object) -> None:
            stopping.set()
            process.terminate()

        previous = signal.signal(signal.SIGTERM, on_term)
    try:
        code = process.wait()
        return 0 if stopping.is_set() else code
    except KeyboardInterrupt:
        stopping.set()
        _stop(process)
        return 0  # the user asked it to stop, and it has stopped
    finally:
        if forward_term:
            signal.signal(signal.SIGTERM, previous)
        if process.poll() is None:  # an unexpected error here: do not leave Voila behind
            _stop(process)
        relay.join(timeout=5)


def _relay_log(stream: IO[bytes], stopping: threading.Event) -> None:
    """Copy Voila's log to ours; once a stop is under way, swallow Python tracebacks.

    Voila can raise while it shuts down kernels that are still being preheated ("Kernel does not
    exist"); its kernels exit with it all the same (they watch their parent). A traceback there
    is no use to whoever pressed Ctrl-C, so it becomes one line.
    """
    block: list[str] = []  # a traceback being read: held until it ends, then shown or not
    for raw in iter(stream.readline, b""):
        line = raw.decode(errors="replace")
        if line.startswith("Traceback (most recent call last):"):
            block = [line]
            continue
        if block and line.startswith((" ", "\t")):
            block.append(line)
            continue
        if block:
            block.append(line)  # the exception's own line ends the traceback
            if stopping.is_set():
                sys.stderr.write("[planlib] Voila reported an error while stopping; the apps have stopped.\n")
            else:
                sys.stderr.writelines(block)
            block = []
            continue
        sys.stderr.write(line)
        sys.stderr.flush()
    if block:
        sys.stderr.writelines(block)


def _stop(process: subprocess.Popen[bytes]) -> int:
    """Ask Voila to stop (SIGTERM: it shuts its kernels down first) and wait; kill it if it hangs."""
    if process.poll() is None:
        process.terminate()
    try:
        code = process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        code = process.wait()
    return 0 if code in (0, -signal.SIGINT, -signal.SIGTERM) else code


def header_html(plan: Plan, subtitle: str = "") -> str:
    """The heading of a board app: the plan's name, police area and period.

    Parameters
    ----------
    plan : Plan
    subtitle : str, optional
        What this app shows, e.g. "Plan overview".

    Returns
    -------
    str
        HTML; every piece of text from the plan is escaped.

    Examples
    --------
    >>> import planlib
    >>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    >>> html_text = header_html(plan, "Plan overview")
    >>> html_text.startswith('<div class="planlib-header"') and str(plan.period.first) in html_text
    True

    A ``div``, not a ``header``: the page's banner is the template's bar of links between the apps.
    """
    facts = [plan.police_area, f"{plan.period.first} to {plan.period.last}", f"version {plan.version}"]
    lines = ['<div class="planlib-header">']
    if subtitle:
        lines.append(f'<p class="planlib-app-name">{html.escape(subtitle)}</p>')
    lines.append(f"<h1>{html.escape(plan.name)}</h1>")
    lines.append(f"<p>{html.escape(' · '.join(facts))}</p>")
    lines.append("</div>")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
