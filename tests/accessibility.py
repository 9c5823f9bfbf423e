"""Accessibility checks every document's tests share: axe-core in Chromium, headings, PDFs.

- :func:`axe_violations` opens an HTML file (or a served URL) in the system Chromium through
  Playwright, offline, injects ``node_modules/axe-core/axe.min.js`` (``make test`` installs
  it with npm, pinned in ``package-lock.json``) and returns axe's WCAG 2.x A and AA violations,
  with two of its own: a table wider than the page, and any request for something outside the
  page; :func:`serious` keeps those that are serious or critical.
- :func:`axe_on_page` runs the same check on a page already open in a Playwright browser (the
  app tests' session browser), once whatever the page draws has been drawn.
- :func:`structure_problems`: one h1, no heading level skipped, ``lang="en-GB"``, a ``scope``
  on every header cell, every chart a figure with a caption and a data table, nothing loaded
  from the internet.
- :func:`pdf_problems`: the PDF is tagged (``pdfinfo``), has bookmarks for its headings and
  embeds every font (``pdffonts``).

A missing Chromium, axe-core or poppler is a failure, never a skip: these checks are the proof
that what planlib publishes meets WCAG 2.2 AA.

>>> structure_problems('<html lang="en-GB"><body><h1>A</h1><h3>B</h3></body></html>')
['heading level skipped: h1 to h3 ("B")']
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERIOUS = {"serious", "critical"}

_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'<>)]*""")
_W3C = re.compile(r"^(?:https?:)?//www\.w3\.org/")


def _require(path: Path, what: str, how: str) -> None:
    if not path.exists():
        raise AssertionError(f"{what} is missing ({path}): {how}")


def axe_violations(target: str | Path, tags: list[str] | None = None) -> list[dict[str, Any]]:
    """axe-core's violations of an HTML file or URL: each ``{id, impact, help, nodes: [{target, html}]}``.

    Every request other than the page itself and ``data:`` URIs is refused, so that the check
    also proves the page loads nothing from elsewhere (a refused request shows in the result
    as ``{"id": "external-request", ...}``).

    The browser runs in a child process: Playwright's sync API cannot start while another one
    (the app tests' session browser) is running in this process.
    """
    import json
    import sys

    _require(Path(CHROMIUM), "Chromium", "apt-get install -y chromium")
    _require(AXE, "axe-core", "run `make test` (npm ci installs it from package-lock.json)")
    url = target if isinstance(target, str) and "://" in target else Path(target).resolve().as_uri()
    code = ("import json, sys\nfrom tests.accessibility import _axe_here\n"
            "print(json.dumps(_axe_here(sys.argv[1], json.loads(sys.argv[2]))))")
    done = subprocess.run([sys.executable, "-c", code, url, json.dumps(tags)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent, timeout=600)
    if done.returncode != 0:
        raise AssertionError(f"axe-core could not run on {url}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _axe_here(url: str, tags: list[str] | None = None) -> list[dict[str, Any]]:
    """axe-core in this process (see :func:`axe_violations`, which runs it in a child process)."""
    from playwright.sync_api import sync_playwright

    refused: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()

            origin = re.match(r"^(https?://[^/]+)/", url)

            def route(r: Any) -> None:
                wanted = r.request.url
                if (wanted.split("#")[0] == url.split("#")[0] or wanted.startswith("data:")
                        or (origin and wanted.startswith(origin.group(1) + "/"))):
                    r.continue_()
                else:
                    refused.append(wanted)
                    r.abort()

            page.route("**/*", route)
            page.goto(url, wait_until="load")
            page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
            result = page.evaluate(
                "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});"
                " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                " nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 200)}))})); }",
                tags or WCAG_TAGS)
            wide = page.evaluate(
                "() => [...document.querySelectorAll('table')].filter(t => t.getBoundingClientRect().width >"
                " document.querySelector('main, body').clientWidth + 1).map(t => t.outerHTML.slice(0, 200))")
        finally:
            browser.close()
    if wide:
        result.append({"id": "table-wider-than-page", "impact": "serious", "help": "a table is wider than the page",
                       "nodes": [{"target": ["table"], "html": w} for w in wide]})
    if refused:
        result.append({"id": "external-request", "impact": "critical", "help": "the page loads from elsewhere",
                       "nodes": [{"target": [u], "html": ""} for u in refused]})
    return result


def axe_on_page(page: Any, tags: list[str] | None = None) -> list[dict[str, Any]]:
    """axe-core's violations of the page open in ``page`` (a Playwright page), as :func:`axe_violations`
    gives them (without its request and table checks, which the app tests make their own way)."""
    _require(AXE, "axe-core", "run `make test` (npm ci installs it from package-lock.json)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 200)}))})); }",
        tags or WCAG_TAGS)


def serious(violations: list[dict[str, Any]]) -> list[str]:
    """The serious and critical violations, one line each (rule, help, first elements)."""
    return [f"{v['impact']}: {v['id']}: {v['help']}: " + "; ".join(n["html"][:100] for n in v["nodes"][:3])
            for v in violations if v.get("impact") in SERIOUS]


def headings(markup: str) -> list[tuple[int, str]]:
    """The page's headings in order, as (level, text).

    >>> headings("<h1>A</h1><h2 id='x'>B <small>c</small></h2>")
    [(1, 'A'), (2, 'B c')]
    """
    return [(int(level), re.sub(r"<[^>]+>", "", text).strip())
            for level, text in re.findall(r"<h([1-6])\b[^>]*>(.*?)</h\1>", markup, re.S | re.I)]


def external_urls(markup: str) -> list[str]:
    """Every internet address in a page other than the W3C namespaces (xmlns of SVG and XHTML)."""
    return sorted({u for u in _URL.findall(markup) if not _W3C.match(u)})


def structure_problems(markup: str) -> list[str]:
    """What makes a planlib HTML document fall short of its shape: see the module's docstring."""
    problems = []
    if not re.search(r'<html\b[^>]*\blang="en-GB"', markup):
        problems.append('no <html lang="en-GB">')
    found = headings(markup)
    h1 = [t for level, t in found if level == 1]
    if len(h1) != 1:
        problems.append(f"{len(h1)} h1 headings, not one: {h1}")
    for (before, _), (level, text) in zip(found, found[1:]):
        if level > before + 1:
            problems.append(f'heading level skipped: h{before} to h{level} ("{text}")')
    unscoped = re.findall(r"<th(?=[\s>])(?![^>]*\bscope=)[^>]*>", markup)
    if unscoped:
        problems.append(f"{len(unscoped)} header cells without scope")
    for figure in re.findall(r"<figure\b.*?</figure>", markup, re.S):
        if "<figcaption>" not in figure or "<table" not in figure:
            problems.append("a figure without its caption or data table: " + figure[:120])
    charts = len(re.findall(r"<img\b[^>]*data:image/svg", markup)) + len(re.findall(r"<svg\b", markup))
    figures = len(re.findall(r"<figure\b", markup))
    if charts > figures:
        problems.append(f"{charts} charts but {figures} figures")
    for url in external_urls(markup):
        problems.append(f"refers to {url}")
    if re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=[\"']?(https?:)?//", markup, re.I):
        problems.append("loads something from the internet")
    return problems


def pdf_problems(pdf: str | Path, expected_bookmarks: list[str] = ()) -> list[str]:
    """What makes a PDF fall short: untagged, no bookmarks (or without ``expected_bookmarks``),
    a font not embedded."""
    from pypdf import PdfReader

    for tool in ("pdfinfo", "pdffonts"):
        if shutil.which(tool) is None:
            raise AssertionError(f"{tool} is missing: apt-get install -y poppler-utils")
    problems = []
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    if not re.search(r"^Tagged:\s+yes", info, re.M):
        problems.append("pdfinfo does not say Tagged: yes")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    for line in fonts:
        # columns: name type [type...] encoding emb sub uni object ID; emb is the fifth from the end
        if line.split()[-5] != "yes":
            problems.append(f"font not embedded: {line.split()[0]}")
    titles = bookmark_titles(PdfReader(str(pdf)).outline)
    if not titles:
        problems.append("no bookmarks")
    for title in expected_bookmarks:
        if title not in titles:
            problems.append(f"no bookmark {title!r}")
    return problems


def bookmark_titles(outline: Any) -> list[str]:
    """Every bookmark title of a pypdf outline, depth first."""
    titles: list[str] = []
    for item in outline:
        if isinstance(item, list):
            titles.extend(bookmark_titles(item))
        else:
            titles.append(str(item.title))
    return titles


def pdf_structure_tags(pdf: str | Path) -> set[str]:
    """The kinds of element in a PDF's structure tree (``H1``, ``Table``, ``Figure``...)."""
    from pypdf import PdfReader

    root = PdfReader(str(pdf)).trailer["/Root"]
    found: set[str] = set()
    stack = [root["/StructTreeRoot"]] if "/StructTreeRoot" in root else []
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/S" in node:
                found.add(str(node["/S"]).lstrip("/"))
            kids = node.get("/K")
            if kids is not None:
                stack.extend(kids if isinstance(kids, list) else [kids])
        elif isinstance(node, list):
            stack.extend(node)
    return found
