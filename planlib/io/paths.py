"""Where planlib's own files live: the embedded example plan, the report templates, the apps.

The one module that knows the layout of the repository around the package; everything else
asks it. It also says which plan folder the board apps show (:func:`served_plan`): the one
``planlib serve --plan DIR`` was given, passed to the apps' kernels in the environment.

>>> DEFAULT_PLAN.parent.name, REPORTS_DIR.name, APPS_DIR.name
('data', 'reports', 'voila_apps')
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
"""The ``planlib`` package folder."""

ROOT = PACKAGE_DIR.parent
"""The repository (or source tree) that holds the package, the example data and the apps."""

DEFAULT_PLAN = ROOT / "data" / "west_midlands_2021"
"""The embedded example plan, the default PLAN of every command."""

REPORTS_DIR = ROOT / "reports"
"""The papermill report templates."""

SCENARIO_REPORT = REPORTS_DIR / "scenario_report.ipynb"
"""The scenario report template."""

PANEL_RESPONSE_REPORT = REPORTS_DIR / "panel_response.ipynb"
"""The template of the Commissioner's published response to the Police and Crime Panel."""

APPS_DIR = ROOT / "voila_apps"
"""The notebooks Voila serves as board apps (only these are served)."""

VOILA_TEMPLATES_DIR = PACKAGE_DIR / "templates"
"""The Jupyter data folder that holds planlib's offline Voila template."""

SERVED_PLAN_VARIABLE = "PLANLIB_PLAN"
"""The environment variable through which ``planlib serve`` tells the apps' kernels (which
inherit the server's environment) the plan folder to show."""


def served_plan(environ: Mapping[str, str] | None = None) -> Path:
    """The plan folder the board apps show: ``$PLANLIB_PLAN`` if set, else the embedded example.

    ``planlib serve --plan DIR`` sets the variable (to an absolute path, as the apps run in
    ``voila_apps/``) after checking that ``DIR`` is a valid plan.

    Parameters
    ----------
    environ : mapping, optional
        The environment to read; ``os.environ`` by default.

    Examples
    --------
    >>> served_plan({}) == DEFAULT_PLAN
    True
    >>> served_plan({"PLANLIB_PLAN": "/srv/plans/our_plan"}).as_posix()
    '/srv/plans/our_plan'
    """
    value = (os.environ if environ is None else environ).get(SERVED_PLAN_VARIABLE, "").strip()
    return Path(value) if value else DEFAULT_PLAN
