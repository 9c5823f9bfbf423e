"""Nothing the apps are built from or serve refers to the internet.

Police networks are locked down: a page that loads a font, a script or a style from a CDN
fails, slowly, and tells the CDN that the app was opened. The browser test
(:mod:`test_plan_overview`) records what a page really requests; these tests look for
addresses in the files and in the HTML the server sends, so a new reference is caught even
on a page no test opens.
"""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from planlib import apps
from planlib.io.paths import APPS_DIR

ROOT = Path(__file__).resolve().parents[2]
ABSOLUTE_URL = re.compile(r"""\b(?:https?|wss?)://[^\s"'`<>()\\]+""", re.IGNORECASE)
# Scheme-relative addresses ("//host/path") load too, where HTML or CSS expects an address.
RELATIVE_URL = re.compile(r"""(?:url\(\s*|(?:src|href)\s*=\s*)["']?(//[^\s"'`<>()\\]+)""", re.IGNORECASE)

# XML namespace names are identifiers written as URLs; browsers never fetch them.
NAMESPACES = frozenset({
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/XML/1998/namespace",
})
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})

# Prose that is read, never loaded: documentation and reference tables that cite sources.
PROSE_SUFFIXES = frozenset({".md", ".rst", ".txt", ".csv"})
SKIPPED_PARTS = frozenset({"__pycache__", ".ipynb_checkpoints"})


def external_urls(text: str) -> list[str]:
    """Every address in ``text`` that points off this machine (namespace names excepted)."""
    found = []
    for url in [*ABSOLUTE_URL.findall(text), *RELATIVE_URL.findall(text)]:
        url = url.rstrip(".,;:")
        if url in NAMESPACES:
            continue
        host = urlsplit(url).hostname
        if host in LOCAL_HOSTS:
            continue
        found.append(url)
    return found


def css_without_comments(css: str) -> str:
    """A stylesheet without its comments (which cite web pages but load nothing)."""
    return re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)


def python_code_strings(source: str) -> str:
    """The string literals of a Python module that are code, not docstrings.

    A URL in a docstring or a comment documents something; one in a string the code uses
    might be fetched.
    """
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return "\n".join(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    )


def checked_files() -> list[Path]:
    folders = [ROOT / "planlib", APPS_DIR]
    return sorted(
        path
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file()
        and not SKIPPED_PARTS & set(path.parts)
        and path.suffix not in PROSE_SUFFIXES | {".pyc"}
    )


def test_the_offline_template_is_among_the_checked_files():
    # Guards the scan itself: if the template moved, the test below would pass vacuously.
    names = {p.name for p in checked_files()}
    assert {"index.html.j2", "page.html", "plan_overview.ipynb", "apps.py"} <= names


@pytest.mark.parametrize("path", checked_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_file_references_no_external_url(path: Path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        text = python_code_strings(text)
    elif path.suffix == ".css":
        text = css_without_comments(text)
    assert external_urls(text) == []


@pytest.mark.parametrize("path", sorted(APPS_DIR.glob("*.ipynb")), ids=lambda p: p.name)
def test_app_notebook_is_committed_clean(path: Path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    assert notebook["metadata"]["language_info"]["name"] == "python"
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, "clear the outputs"


def test_the_url_finder_finds_what_would_load():
    page = (
        '<link href="https://cdn.jsdelivr.net/npm/x.css"><svg xmlns="http://www.w3.org/2000/svg">'
        "<style>@import url(//fonts.example.org/a.css);</style>"
        '<a href="http://127.0.0.1:8866/voila/">apps</a>'
    )
    assert external_urls(page) == ["https://cdn.jsdelivr.net/npm/x.css", "//fonts.example.org/a.css"]


@pytest.mark.browser
@pytest.mark.slow
def test_served_pages_reference_no_external_url(voila_server, overview):
    # The app as rendered and sent (outputs included), the list of apps, an error page.
    pages = {"plan_overview": overview.served_html}
    for name, path in {"list of apps": "", "error page": "voila/render/no_such_app.ipynb"}.items():
        status, pages[name] = voila_server.get(path)
        assert status in (200, 404), f"{name}: HTTP {status}"
    # The stylesheets those pages link (a stylesheet can @import fonts from the internet).
    stylesheets = {
        href for html in pages.values() for href in re.findall(r'href="(/[^"]+\.css[^"]*)"', html)
    }
    assert stylesheets, "found no stylesheet links: the page structure changed"
    for href in stylesheets:
        status, css = voila_server.get(href)
        assert status == 200, f"{href}: HTTP {status}"
        pages[href.split("?")[0]] = css_without_comments(css)
    assert {name: external_urls(html) for name, html in pages.items()} == {name: [] for name in pages}
    assert "/voila/templates/planlib/static/" in overview.served_html, "not planlib's template"


@pytest.mark.browser
@pytest.mark.slow
def test_a_url_cannot_switch_back_to_the_stock_template(overview):
    # ?template=lab would bring back Voila's Font Awesome link to a CDN. The session's overview
    # is opened with it (tests/apps/pages.py), and drew as the other overview tests check.
    assert overview.url.endswith("/voila/render/plan_overview.ipynb?template=lab")
    assert "/voila/templates/planlib/static/" in overview.served_html
    assert external_urls(overview.served_html) == []


def test_voila_command_serves_only_the_apps_safely():
    command = apps.voila_command(host="127.0.0.1", port=8877)
    assert command[command.index("-m") + 1] == "planlib.apps"  # Voila, with planlib's page configuration
    assert str(APPS_DIR) in command and "--no-browser" in command
    assert f"--Voila.config_file_paths={apps.CONFIG_DIR}" in command
    config = json.loads((apps.CONFIG_DIR / "voila.json").read_text())
    voila = config["VoilaConfiguration"]
    assert voila["strip_sources"] is True and voila["show_tracebacks"] is False
    assert voila["template"] == apps.TEMPLATE
    assert voila["allow_template_override"] == "NO" and voila["allow_theme_override"] == "NO"
    assert voila["preheat_kernel"] is True and config["PlanlibKernelManager"]["viewers"] >= 1  # kernels kept ready
    assert config["VoilaExecutor"]["timeout"] > 0
    # Once a cell has run, Voila waits this long for its output; on a loaded server (a pool
    # refilling while a board's pages load) nbclient's 4 s default gave up early ("Timeout
    # waiting for IOPub output" in the 12-viewer bench), and output arriving after is lost: a
    # preheated kernel whose page would lack its app.
    assert config["VoilaExecutor"]["iopub_timeout"] >= 30
    assert config["MappingKernelManager"]["cull_idle_timeout"] > 0
    cold = apps.voila_command(port=8877, pool_size=0)
    assert "--VoilaConfiguration.preheat_kernel=False" in cold


@pytest.mark.browser
@pytest.mark.slow
def test_the_served_app_shows_no_source_code(overview):
    # The app as the server sent it to the session's browser (a GET of its own would cost a kernel).
    html = overview.served_html
    assert "/voila/templates/planlib/static/" in html, "not the app page planlib's template makes"
    assert "import planlib" not in html and "planlib.load_plan" not in html
    first_data_dir = apps.voila_env()["JUPYTER_PATH"].split(os.pathsep)[0]
    assert (Path(first_data_dir) / "voila" / "templates" / apps.TEMPLATE / "index.html.j2").is_file()


@pytest.mark.browser
@pytest.mark.slow
def test_the_browser_check_catches_a_page_that_reaches_out(visit):
    # Guards the browser test itself: a page that loads from the internet is caught (and the
    # request is refused, so the test never depends on, or reaches, the internet).
    page = (
        "data:text/html,<title>t</title>"
        '<link rel="stylesheet" href="https://cdn.example.org/x.css">'
        '<img id="logo" src="https://images.example.org/logo.png">'
    )
    record = visit(page, until=lambda p: p.wait_for_load_state("load"))
    assert sorted(record.external_requests()) == [
        "https://cdn.example.org/x.css",
        "https://images.example.org/logo.png",
    ]
    assert sorted(record.failed_requests) == sorted(record.external_requests())


@pytest.mark.slow
def test_the_landing_page_links_every_app(voila_server, visit):
    """The front door a board member opens links every notebook of voila_apps/ by its title, and
    only those, with the plan's name in the page's title."""
    names = sorted(p.name for p in APPS_DIR.glob("*.ipynb"))
    assert len(names) >= 5 and sorted(app.notebook for app in apps.APPS) == names

    def listed(page):
        page.wait_for_function("n => document.querySelectorAll('.planlib-card a').length >= n",
                               arg=len(names), timeout=60_000)
        listed.links = page.eval_on_selector_all(".planlib-card a", "links => links.map(a => a.pathname)")
        listed.title = page.title()

    record = visit(voila_server.url, until=listed)
    assert sorted(listed.links) == sorted(f"/voila/render/{name}" for name in names)
    for app in apps.APPS:
        assert app.title in record.text and app.question in record.text
    assert listed.title.startswith("Board apps: ")
    assert record.external_requests() == [] and record.page_errors == []
