"""Every board app runs on every plan folder, as ``planlib serve --plan`` serves it.

The embedded example is tested app by app in the browser elsewhere. Here, on each other plan
folder under ``data/``, the minimal fixture and a plan just made by ``planlib new``:

- every app notebook is run in this process as Voila's kernel runs it (``PLANLIB_PLAN`` set as
  ``planlib serve --plan`` sets it, in ``voila_apps/``, each cell in order, what it displays
  kept): it must name the plan it was given, show no error and log none, name nothing on the
  internet, and every chart must draw (Vega itself, through vl-convert, on that plan's figures);
- and on one of them, :data:`IN_THE_BROWSER` (the minimal fixture, which lacks the most, so
  its apps show their banners and empty states), a Voila of its own (no preheated kernels) serves
  the apps and each is opened in Chromium: it must name the plan, show no error, raise no script
  error and ask nothing of the internet.

Opening every app on every plan in the browser cost a cold kernel for each (15 page loads and
three servers, about four minutes of the suite) and proved nothing the two parts above do not:
the page each app draws in the browser is the same code on every plan, and what differs from
plan to plan (the figures, the charts, the banners) is checked in Python on every plan.
"""

from __future__ import annotations

import ast
import html
import json
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import planlib
from planlib.io.paths import APPS_DIR

from .conftest import RENDER_TIMEOUT_MS, ROOT, Visit, VoilaServer, running_voila
from .pages import ERROR_MARKERS
from .test_offline import external_urls

MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
OTHER_PLANS = sorted(p.parent for p in (ROOT / "data").glob("*/plan.yaml") if p.parent != planlib.DEFAULT_PLAN) + [MINIMAL]
NEW = Path("planlib-new")
"""Stands for a folder made by ``planlib new`` (in a temporary folder)."""
APPS = sorted(p.stem for p in (ROOT / "voila_apps").glob("*.ipynb"))
IN_THE_BROWSER = MINIMAL
"""The plan folder whose apps are also opened in Chromium."""


def _id(folder: Path) -> str:
    return folder.name


def test_there_is_another_plan_than_the_example():
    assert len(OTHER_PLANS) >= 2 and MINIMAL in OTHER_PLANS and IN_THE_BROWSER in OTHER_PLANS


@pytest.fixture(scope="module")
def new_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plan folder made by ``planlib new``."""
    from planlib.io.new_plan import new_plan_folder
    from planlib.io.new_plan_settings import new_plan_settings

    return new_plan_folder(tmp_path_factory.mktemp("new") / "testshire",
                           new_plan_settings("Testshire", "2025/26", 3, ["Northtown", "Southtown"]))


# --------------------------------------------------------------------------- every app on every plan, in Python


def run_app(notebook: Path) -> list[object]:
    """Run the code cells of the app ``notebook`` in order, in one namespace, as its kernel does:
    what they display (``display(...)`` and each cell's last expression)."""
    shown: list[object] = []
    namespace = {"__name__": "__main__", "display": lambda *objects, **_: shown.extend(objects)}
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse("".join(cell["source"]))
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, notebook.name, "exec"), namespace)  # noqa: S102 - the project's own notebook
        if last is not None:
            value = eval(compile(ast.Expression(last.value), notebook.name, "eval"), namespace)
            if value is not None:
                shown.append(value)
    return shown


def _widgets(widget) -> Iterator[object]:
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from _widgets(child)


def shown_parts(shown: list[object]) -> tuple[str, list[object]]:
    """The HTML of everything shown (each HTML output and each widget's text), and the charts."""
    import altair as alt
    import ipywidgets as widgets

    texts, charts = [], []
    for obj in shown:
        if isinstance(getattr(obj, "data", None), str):  # IPython.display.HTML
            texts.append(obj.data)
        if isinstance(obj, widgets.Widget):
            for widget in _widgets(obj):
                if isinstance(widget, alt.JupyterChart):
                    charts.append(widget.chart)
                for name in ("value", "description", "placeholder"):
                    if isinstance(getattr(widget, name, None), str):
                        texts.append(getattr(widget, name))
                texts += [str(label) for label in getattr(widget, "_options_labels", ()) or ()]
    return "\n".join(texts), charts


def draw(chart) -> str:
    """The chart drawn by Vega (vl-convert), as the browser draws it: its SVG."""
    import vl_convert
    from altair.utils._importers import vl_version_for_vl_convert

    spec = chart.to_dict()  # checked against the Vega-Lite schema
    assert external_urls(json.dumps({k: v for k, v in spec.items() if k != "$schema"})) == []
    return vl_convert.vegalite_to_svg(spec, vl_version=vl_version_for_vl_convert())


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize("plan_folder", [*OTHER_PLANS, NEW], ids=_id)
def test_the_app_runs_on_the_plan_as_served(plan_folder: Path, app: str, new_folder: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture):
    folder = new_folder if plan_folder == NEW else plan_folder
    plan = planlib.load_plan(folder)
    monkeypatch.setenv("PLANLIB_PLAN", str(folder.resolve()))  # as apps.voila_env(plan=...) sets it
    monkeypatch.setenv("PLANLIB_STORE", f"sqlite:///{tmp_path / 'scenarios.db'}")
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.chdir(APPS_DIR)
    with caplog.at_level(logging.WARNING):
        markup, charts = shown_parts(run_app(APPS_DIR / f"{app}.ipynb"))
        svgs = [draw(chart) for chart in charts]
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup))
    assert plan.name in text, text[:2000]
    for marker in ERROR_MARKERS:
        assert marker not in text, (marker, text[:2000])
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert external_urls(markup) == []
    assert all(svg.lstrip().startswith("<svg") for svg in svgs)
    if app != "consultation" or (folder / "consultation").exists():  # else the app says there is none to show
        assert charts, "the app drew no chart"


# --------------------------------------------------------------------------- every app on one plan, in the browser


@pytest.fixture(scope="module")
def served(artifacts: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    """A Voila serving the apps on :data:`IN_THE_BROWSER`, for every app."""
    store = tmp_path_factory.mktemp("store") / "scenarios.db"
    with running_voila(artifacts / f"voila_{IN_THE_BROWSER.name}.log", str(store), pool_size=0,
                       plan=IN_THE_BROWSER) as server:
        yield server


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("app", APPS)
def test_the_app_renders_the_served_plan_in_the_browser(served: VoilaServer, app: str, visit: Callable[..., Visit]):
    plan = planlib.load_plan(IN_THE_BROWSER)

    def rendered(page: object) -> None:
        page.get_by_text(plan.name).first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        # the app's widgets, or the banner an app shows when the plan lacks what it draws
        page.locator(".jupyter-widgets, .planlib-banner").first.wait_for(state="attached", timeout=RENDER_TIMEOUT_MS)

    record = visit(served.url + f"voila/render/{app}.ipynb", until=rendered,
                   screenshot=f"{IN_THE_BROWSER.name}_{app}.png")
    assert plan.name in record.text
    for marker in ERROR_MARKERS:
        assert marker not in record.text, (marker, record.text[:2000])
    assert record.page_errors == [], (record.page_errors, record.console[-20:])
    assert record.external_requests() == []
