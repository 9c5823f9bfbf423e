"""Every board app renders every plan folder, in the browser, as ``planlib serve --plan`` serves it.

The embedded example is tested app by app elsewhere; here each other plan folder under
``data/``, the minimal fixture and a plan just made by ``planlib new`` are served by a Voila of their own (no preheated kernels, so
that the extra servers stay light), and each app is opened in Chromium: it must name the plan
it was given, show no error, and ask nothing of the internet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import planlib

from .conftest import RENDER_TIMEOUT_MS, ROOT, VoilaServer, Visit, running_voila
from .test_plan_overview import ERROR_MARKERS

MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
OTHER_PLANS = sorted(p.parent for p in (ROOT / "data").glob("*/plan.yaml") if p.parent != planlib.DEFAULT_PLAN) + [MINIMAL]
NEW = Path("planlib-new")
"""Stands for a folder made by ``planlib new`` (in a temporary folder)."""
APPS = sorted(p.stem for p in (ROOT / "voila_apps").glob("*.ipynb"))

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _id(folder: Path) -> str:
    return folder.name


@pytest.fixture(scope="module", params=[*OTHER_PLANS, NEW], ids=_id)
def served(request: pytest.FixtureRequest, artifacts: Path,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, VoilaServer]]:
    """A Voila serving the apps on one plan folder, for every app of that folder."""
    folder: Path = request.param
    if folder == NEW:
        from planlib.io.new_plan import new_plan_folder
        from planlib.io.new_plan_settings import new_plan_settings

        folder = new_plan_folder(tmp_path_factory.mktemp("new") / "testshire",
                                 new_plan_settings("Testshire", "2025/26", 3, ["Northtown", "Southtown"]))
    store = tmp_path_factory.mktemp("store") / "scenarios.db"
    with running_voila(artifacts / f"voila_{folder.name}.log", str(store), pool_size=0, plan=folder) as server:
        yield folder, server


def test_there_is_another_plan_than_the_example():
    assert len(OTHER_PLANS) >= 2 and MINIMAL in OTHER_PLANS


@pytest.mark.parametrize("app", APPS)
def test_the_app_renders_the_served_plan(served: tuple[Path, VoilaServer], app: str, visit: Callable[..., Visit]):
    folder, server = served
    plan = planlib.load_plan(folder)

    def rendered(page: object) -> None:
        page.get_by_text(plan.name).first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        # the app's widgets, or the banner an app shows when the plan lacks what it draws
        page.locator(".jupyter-widgets, .planlib-banner").first.wait_for(state="attached", timeout=RENDER_TIMEOUT_MS)

    record = visit(server.url + f"voila/render/{app}.ipynb", until=rendered, screenshot=f"{folder.name}_{app}.png")
    assert plan.name in record.text
    for marker in ERROR_MARKERS:
        assert marker not in record.text, (marker, record.text[:2000])
    assert record.page_errors == [], (record.page_errors, record.console[-20:])
    assert record.external_requests() == []
