"""A notebook exported to HTML keeps its charts, offline, as a finance officer exports it.

The finance officer runs ``jupyter nbconvert --to html`` on an executed notebook and sends the
file. planlib's notebooks draw charts with :func:`planlib.charts.enable_notebook_charts` (the
Vega-Lite chart for Jupyter and the same chart as SVG), and ``make install`` sets nbconvert's
HTML template to ``planlib_offline`` (``planlib/templates/nbconvert/``), which leaves out the
scripts JupyterLab's template fetches from the internet. One notebook is exported: the run of
the finance notebook on the example that tests/test_notebooks.py reads too (the session renders
it once, in the background: tests/conftest.py), exported to HTML in the background as well; the
export must name no address on the internet that a browser would load and must hold a described
SVG image for every chart.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import pytest

import planlib
from tests.conftest import Render, notebook_render, session_documents

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "01_finance_scenarios.ipynb"
VEGA_LITE = "application/vnd.vegalite.v5+json"
XML_NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink", "http://www.w3.org/1999/xhtml"}
SVG_IMAGE = re.compile(r'<img\b[^>]*\bsrc="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"[^>]*>')


def _export(out: Path) -> None:
    """The session's run of :data:`NOTEBOOK` on the example, exported to HTML by ``jupyter
    nbconvert --to html`` in ``out`` (``finance.ipynb`` and ``finance.html``)."""
    made = session_documents().get(RUN) / NOTEBOOK.name
    error = json.loads(Path(f"{made}.error.json").read_text(encoding="utf-8"))
    assert error is None, f"the notebook stopped: {error}"
    shutil.copyfile(made, out / "finance.ipynb")
    session_documents().run(["-m", "nbconvert", "--to", "html", "finance.ipynb"], cwd=out)  # jupyter nbconvert


RUN = notebook_render(NOTEBOOK, planlib.DEFAULT_PLAN)
EXPORT = Render("notebook-export/01_finance_scenarios/html", _export)
RENDERS = [RUN, EXPORT]


def _without_comments(page: str) -> str:
    """The page without CSS and HTML comments (JupyterLab's stylesheets cite web pages in comments)."""
    return re.sub(r"<!--.*?-->", "", re.sub(r"/\*.*?\*/", "", page, flags=re.S), flags=re.S)


@pytest.mark.slow
def test_an_exported_notebook_shows_every_chart_as_svg_with_nothing_from_the_internet(documents):
    folder = documents.get(EXPORT)
    executed = folder / "finance.ipynb"
    page = (folder / "finance.html").read_text(encoding="utf-8")

    outputs = [o for cell in json.loads(executed.read_text(encoding="utf-8"))["cells"] for o in cell.get("outputs", [])]
    charts = [o for o in outputs if VEGA_LITE in o.get("data", {})]
    assert len(charts) >= 2, "the notebook draws the budget gap and reserves charts"
    assert all("image/svg+xml" in o["data"] for o in charts), "every chart carries its SVG"
    assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)

    images = SVG_IMAGE.findall(page)
    assert len(images) == len(charts), "an SVG image in the page for every chart"
    for encoded, tag in zip(images, SVG_IMAGE.finditer(page)):
        assert base64.b64decode(encoded).decode("utf-8").lstrip().startswith("<svg")
        alt = re.search(r'\balt="([^"]*)"', tag.group(0))
        assert alt and alt.group(1) not in ("", "Chart", "No description has been provided for this image")
    assert 'alt="Budget gap by financial year' in page

    readable = _without_comments(page)
    addresses = set(re.findall(r"""https?://[^\s"'<>)]+""", readable)) - XML_NAMESPACES
    assert addresses == set(), f"the exported page names addresses on the internet: {sorted(addresses)}"
    assert not re.search(r"""<script[^>]+src=["'](?!data:)[^"']+""", page), "no script is loaded from anywhere"
