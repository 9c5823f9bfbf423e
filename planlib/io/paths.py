"""Where planlib's own files live: the embedded example plan, the report templates, the apps.

The one module that knows the layout of the repository around the package; everything else
asks it.

>>> DEFAULT_PLAN.name, REPORTS_DIR.name, APPS_DIR.name
('west_midlands_2021', 'reports', 'voila_apps')
"""

from __future__ import annotations

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

APPS_DIR = ROOT / "voila_apps"
"""The notebooks Voila serves as board apps (only these are served)."""

VOILA_TEMPLATES_DIR = PACKAGE_DIR / "templates"
"""The Jupyter data folder that holds planlib's offline Voila template."""
