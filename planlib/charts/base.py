"""What every planlib chart shares: the vega-embed options, the palette and the year axis.

Colours come from the Okabe-Ito palette, which people with the common colour-vision
deficiencies can tell apart.

>>> year_axis(["2021/22", "2022/23"]).to_dict()["title"]
'Financial year'
>>> millions(2_500_000)
2.5
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import altair as alt

from planlib.io.cache import cached_file, read_cached, write_cached

EMBED_OPTIONS = {"actions": False}
"""vega-embed options for every chart: no action menu (no export to external websites)."""

BLUE, ORANGE, GREEN, PINK, GREY = "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#999999"
SKY, VERMILION, YELLOW, BLACK = "#56B4E9", "#D55E00", "#F0E442", "#000000"
"""The Okabe-Ito colours, by name."""

ZERO_LINE = "#444"
"""The colour of a rule drawn at zero."""


NOTEBOOK_RENDERER = "planlib"
"""The name of the altair renderer :func:`enable_notebook_charts` turns on."""


def notebook_mimebundle(spec: dict[str, Any], **_options: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A chart as a notebook shows it live and as an exported notebook keeps it.

    Two forms of the one chart: the Vega-Lite specification, which JupyterLab draws live with the
    Vega it bundles, and the same chart drawn as SVG by vl-convert (no browser, no internet),
    which ``jupyter nbconvert --to html`` writes into the page, so that the exported HTML shows
    every chart with nothing loaded from elsewhere; the metadata give the image its text
    (:func:`chart_name`), which planlib's export template (``planlib_offline``) writes as its
    ``alt``.

    >>> import altair as alt, pandas as pd
    >>> chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().encode(x="x:Q")
    >>> bundle, metadata = notebook_mimebundle(chart.properties(title="Counts").to_dict())
    >>> sorted(bundle), bundle["image/svg+xml"].lstrip().startswith("<svg"), metadata
    (['application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain'], True, {'image/svg+xml': {'alt': 'Counts'}})
    """
    from altair.utils.mimebundle import spec_to_mimebundle

    svg = spec_to_mimebundle(spec, format="svg", mode="vega-lite", engine="vl-convert")
    svg_text = (svg[0] if isinstance(svg, tuple) else svg)["image/svg+xml"]
    name = chart_name(spec)
    bundle = {"application/vnd.vegalite.v5+json": spec, "image/svg+xml": svg_text, "text/plain": f"Chart: {name}"}
    return bundle, {"image/svg+xml": {"alt": name}}


def chart_name(spec: dict[str, Any]) -> str:
    """What a chart is, in words: its title, subtitle and description (the text of its image).

    >>> chart_name({"title": {"text": "Budget gap", "subtitle": "£m"}, "description": "It closes."})
    'Budget gap: £m. It closes.'
    """
    title = spec.get("title") or ""
    if isinstance(title, dict):
        subtitle = title.get("subtitle") or ""
        subtitle = " ".join(subtitle) if isinstance(subtitle, list) else str(subtitle)
        text = title.get("text") or ""
        text = " ".join(text) if isinstance(text, list) else str(text)
        title = f"{text}: {subtitle}" if subtitle else text
    words = ". ".join(part for part in (str(title), str(spec.get("description") or "")) if part)
    return words or "Chart"


def enable_notebook_charts() -> None:
    """Show altair charts in notebooks as :func:`notebook_mimebundle` gives them: live in Jupyter,
    static SVG in an HTML export; offline both ways. (The board apps draw their charts as live
    widgets instead: :func:`planlib.ui.live_chart`.)
    """
    if NOTEBOOK_RENDERER not in alt.renderers.names():
        alt.renderers.register(NOTEBOOK_RENDERER, notebook_mimebundle)
    alt.renderers.enable(NOTEBOOK_RENDERER)


def enable_offline_widgets(served_at: str | None = None) -> None:
    """Let live chart widgets (altair's ``JupyterChart``) draw offline, with Vega from vl-convert.

    altair builds that JavaScript bundle by starting vl-convert's JavaScript engine in the
    process, which costs every board app's kernel seconds of work and some 80 MiB that stay with
    it. The bundle is the same for given versions of altair, Vega-Lite and vl-convert, so it is
    built once and kept in planlib's cache (:mod:`planlib.io.cache`) under a name made of those
    versions and a digest of altair's own source; a kernel that finds it there uses it as is.

    Parameters
    ----------
    served_at : str, optional
        Where planlib's server sends the cached bundle to browsers: a path under the server's
        base URL, ending in ``/`` (the board apps' kernels alone are given one, by
        :mod:`planlib.serving.chart_bundle`). Each widget then carries a module of a few
        hundred bytes (:func:`bundle_importer`) instead of the bundle (some 900 KB): every chart
        of a page imports the same address, which the browser fetches, parses and runs once
        for the page, rather than once per chart. Without it (JupyterLab, exported notebooks,
        tests), or if the cache cannot hold the bundle, every widget carries the bundle itself.
    """
    from altair.jupyter import JupyterChart

    if getattr(JupyterChart, "_is_offline", False):
        return
    name = _offline_bundle_name()
    served = bool(served_at and name and cached_file(name))  # the server can send it
    if not served:
        bundle = read_cached(name) if name else None
        if bundle is None:
            JupyterChart.enable_offline()  # builds it
            if name:
                write_cached(name, JupyterChart._esm)
                served = bool(served_at and cached_file(name))
        else:
            JupyterChart._esm = bundle  # what enable_offline() would have built, from the cache
    JupyterChart._is_offline = True
    if served:  # the widgets import it from the server
        JupyterChart._esm = bundle_importer(f"{served_at}{name}")


def bundle_importer(address: str) -> str:
    """A JavaScript module that stands for the chart bundle served at ``address``.

    ``address`` is a path under the server's base URL, which the module reads from the page's
    Jupyter configuration (``baseUrl``, as Voila writes it; ``/`` without one). Each chart widget
    loads its module separately, but the browser imports a given address once per page: the
    bundle is fetched, parsed and run once, however many charts the page has.

    >>> module = bundle_importer("planlib/charts/jupyter-chart-1.js")
    >>> '"planlib/charts/jupyter-chart-1.js"' in module, module.rstrip().endswith("export default bundle.default;")
    (True, True)
    """
    return (
        "// planlib: the offline chart bundle, imported once per page from planlib's server\n"
        'const config = document.getElementById("jupyter-config-data");\n'
        'const baseUrl = (config && JSON.parse(config.textContent || "{}").baseUrl) || "/";\n'
        f"const bundle = await import(new URL({json.dumps(address)}, new URL(baseUrl, document.baseURI)).href);\n"
        "export default bundle.default;\n"
    )


def _offline_bundle_name() -> str | None:
    """The cache name of the offline chart bundle for the installed libraries (None if unknown)."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    from altair.jupyter.jupyter_chart import load_js_src
    from altair.utils._importers import vl_version_for_vl_convert

    try:
        vl_convert = version("vl-convert-python")
    except PackageNotFoundError:
        return None
    digest = hashlib.sha256(load_js_src().encode()).hexdigest()[:16]
    return f"jupyter-chart-altair{alt.__version__}-vl{vl_version_for_vl_convert()}-vlc{vl_convert}-{digest}.js"


def year_axis(years: Sequence[str], *, title: str = "Financial year") -> alt.X:
    """The x axis of a chart by financial year: ordinal, in the order given, labels upright."""
    return alt.X("year:O", title=title, sort=list(years), axis=alt.Axis(labelAngle=0))


def millions(pounds: float) -> float:
    """Pounds as millions of pounds, the unit of every money axis."""
    return pounds / 1e6
