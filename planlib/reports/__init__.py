"""Scenario reports: the papermill template, one report, a batch with an index page.

The template ``reports/scenario_report.ipynb`` is thin: it builds a :class:`ScenarioReport`
and asks it for each section. :func:`execute_report` runs the template with papermill in a
fresh kernel and writes ``<slug>.ipynb``, a self-contained ``<slug>.html`` (charts inline as
SVG through vl-convert, no script or style from the internet) and, on request, ``<slug>.pdf``
(headless Chromium printing the HTML on A4). :func:`run_batch` runs many in a bounded pool of
processes, or on a Dask cluster, and writes ``index.html`` and ``summary.csv``. Every file is
written atomically; a failing scenario never stops the others.

>>> slugify("../../x")
'x'
>>> slugify("precept_plus_15")
'precept_plus_15'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from planlib.errors import PlanError, PlanlibError, Problem

from planlib.io.paths import SCENARIO_REPORT as TEMPLATE
"""The papermill template (in the repository's ``reports/`` folder)."""

PARAMETERS = ("plan_path", "scenario_path", "seed", "samples")
"""The only parameters a report accepts; checked against the template before each run."""

EXECUTION_TIMEOUT_S = 600
"""Longest a single cell may run before the report fails."""

START_TIMEOUT_S = 60
"""Longest a kernel may take to start (one retry if it does not)."""

HEADLINE_TAG = "planlib-headline"
"""Cell tag of the template's headline cell: its JSON output feeds the index; not shown in HTML."""

REPORT_SAMPLES = 10_000

_SLUG_BAD = re.compile(r"[^A-Za-z0-9_.-]+")


def slugify(name: str, max_length: int = 64) -> str:
    """A file name made from a scenario name that cannot leave the output folder.

    Only letters, digits, ``_``, ``-`` and ``.`` are kept (others become ``_``); path parts,
    leading dots and underscores are dropped; at most ``max_length`` characters; never empty
    and never a reserved name (``index``, ``summary``).

    >>> slugify("a/b c"), slugify(".."), slugify("Precept +£15"), slugify("index")
    ('a_b_c', 'scenario', 'Precept_15', 'index_report')
    """
    text = _SLUG_BAD.sub("_", str(name).replace("..", "_"))
    text = text.strip("._-")[:max_length].strip("._-")
    if not text:
        return "scenario"
    if text.lower() in ("index", "summary"):
        return f"{text}_report"
    return text


def _inside(folder: Path, name: str) -> Path:
    """``folder / name`` after checking it stays inside ``folder`` (belt and braces)."""
    target = (folder / name).resolve()
    if target.parent != folder.resolve():
        raise PlanError([Problem(name, None, "name", "report name would write outside the output folder")])
    return target


# --------------------------------------------------------------------------- checksums and provenance


def plan_checksum(plan_path: str | os.PathLike[str]) -> str:
    """SHA-256 over the plan folder's files (names and contents, sorted), first 16 hex digits.

    The ``scenarios/`` subfolder is left out: a report names its own scenario's checksum.
    """
    root = Path(plan_path)
    digest = hashlib.sha256()
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()
                                                 and "scenarios" not in p.relative_to(root).parts
                                                 and not p.name.startswith("."))
    for file in files:
        digest.update(file.relative_to(root).as_posix().encode() if file != root else file.name.encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def file_checksum(path: str | os.PathLike[str]) -> str:
    """SHA-256 of one file, first 16 hex digits."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


# --------------------------------------------------------------------------- the report's content

def _money_m(value: float) -> str:
    return f"£{value / 1e6:,.1f}m"


def _table_html(headers: list[str], rows: Iterable[Iterable[Any]], numeric_from: int = 1, caption: str = "") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            cls = ' class="num"' if i >= numeric_from else ""
            cells.append(f"<td{cls}>{html.escape(str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table class="planlib">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


@dataclass
class ScenarioReport:
    """Everything a scenario report shows, computed once from the plan, scenario and seed.

    The template calls :meth:`load` and then one method per section; each returns an IPython
    display object (HTML or SVG), so that the notebook stays a few lines per cell.
    """

    plan_path: str
    scenario_path: str
    seed: int
    samples: int
    baseline: Any = field(repr=False)
    scenario: Any = field(repr=False)
    result: Any = field(repr=False)
    table: Any = field(repr=False)
    ran_at: str = ""

    @classmethod
    def load(cls, plan_path: str, scenario_path: str, seed: int, samples: int = REPORT_SAMPLES) -> ScenarioReport:
        """Read the plan and scenario and compute the MTFP and the appraisal."""
        from planlib.io import load_plan
        from planlib.results import compare, run
        from planlib.scenario import Scenario

        baseline = load_plan(plan_path)
        scenario = Scenario.from_yaml(scenario_path)
        scenario.apply(baseline)  # raises PlanError listing every change that cannot be applied
        result = run(baseline, scenario, samples=int(samples), seed=int(seed))
        table = compare(baseline, [scenario])
        ran_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
        return cls(str(plan_path), str(scenario_path), int(seed), int(samples), baseline, scenario, result, table, ran_at)

    # ---------------------------------------------------------------- numbers for the index

    def headline(self) -> dict[str, Any]:
        """The figures the batch index shows: budget gap over the period and total NPV."""
        from planlib.appraisal import TOTAL

        gap = self.result.measure("budget_gap")
        app = self.result.appraisal
        total = app[app["commitment"] == TOTAL].set_index("measure")["value"]
        return {
            "scenario": self.scenario.name,
            "plan_id": self.baseline.id,
            "plan_version": self.baseline.version,
            "budget_gap_total": float(gap.sum()),
            "budget_gap_last_year": float(gap.iloc[-1]),
            "npv": float(total["npv"]),
            "npv_p5": float(total["npv_p5"]),
            "npv_p50": float(total["npv_p50"]),
            "npv_p95": float(total["npv_p95"]),
            "prob_npv_positive": float(total["prob_npv_positive"]),
            "seed": self.seed,
            "samples": self.samples,
        }

    # ---------------------------------------------------------------- sections

    def title(self) -> Any:
        from IPython.display import HTML

        s, p = self.scenario, self.baseline
        return HTML(
            f'<header class="report-title"><p class="kicker">{html.escape(p.name)}, version {html.escape(p.version)}</p>'
            f"<h1>Scenario report: {html.escape(s.name)}</h1>"
            f"<p><strong>What it tests.</strong> {html.escape(s.description)}</p>"
            f"<p><strong>Source of its figures.</strong> {html.escape(s.source)}</p>"
            f'<p class="meta">Seed {self.seed}; {self.samples:,} Monte Carlo draws; planlib {_version()}.</p></header>'
        )

    def changes(self) -> Any:
        """The scenario's changes, and the main measures against the baseline."""
        from IPython.display import HTML

        rows = []
        for path, value in self.scenario.changes.items():
            if isinstance(value, dict):
                shown = "; ".join(f"{year}: {v:,.4g}" if isinstance(v, (int, float)) else f"{year}: {v}"
                                  for year, v in value.items())
            else:
                shown = f"{value:,.4g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
            rows.append((path, shown))
        changes = _table_html(["Changed input", "New value"], rows, numeric_from=2, caption="The scenario's changes to the baseline plan")
        wide = self.table.pivot_table(index=["measure", "scenario"], columns="year", values="value", sort=False)
        years = list(wide.columns)
        diff_rows = []
        for measure, label in (("budget_gap", "Budget gap"), ("reserves_closing", "Reserves at year end"),
                               ("precept_band_d", "Band D precept (£)"), ("total_cost", "Total revenue cost")):
            base = wide.loc[(measure, "baseline")]
            scen = wide.loc[(measure, self.scenario.name)]
            fmt = (lambda v: f"{v:,.2f}") if measure == "precept_band_d" else (lambda v: f"{v / 1e6:,.1f}")
            diff_rows.append((f"{label}: baseline", *[fmt(base[y]) for y in years]))
            diff_rows.append((f"{label}: scenario", *[fmt(scen[y]) for y in years]))
            diff_rows.append((f"{label}: change", *[fmt(scen[y] - base[y]) for y in years]))
        against = _table_html(["£m unless stated", *map(str, years)], diff_rows,
                              caption="The scenario against the baseline")
        return HTML(changes + against)

    def mtfp_table(self) -> Any:
        from IPython.display import HTML

        from planlib.finance import HEADLINE, finance_warnings, format_headline

        wide = self.result.wide()
        years = list(wide.columns)
        rows = [(label, *[format_headline(measure, wide.at[measure, y]) for y in years]) for measure, label in HEADLINE]
        notes = [f"{warning}." for warning in finance_warnings(wide)]
        warn = "".join(f'<p class="warning">{html.escape(n)}</p>' for n in notes)
        return HTML(_table_html(["Measure", *map(str, years)], rows,
                                caption=f"Medium-term financial plan under {self.scenario.name}") + warn)

    def budget_gap_chart(self) -> Any:
        from planlib import charts

        return svg(charts.budget_gap_chart(self.table, width=560, height=240))

    def reserves_chart(self) -> Any:
        from planlib import charts

        return svg(charts.reserves_chart(self.table, width=560, height=240))

    def net_benefit_table(self) -> Any:
        from IPython.display import HTML

        from planlib.charts import appraisal_wide

        wide = appraisal_wide(self.result.appraisal)
        rows = []
        for r in wide.to_dict("records"):
            rows.append((r["commitment"], _money_m(r["pv_costs"]),
                         _money_m(r["pv_benefits"]) if r["monetised"] else "not valued",
                         _money_m(r["npv_p5"]), _money_m(r["npv_p50"]), _money_m(r["npv_p95"]),
                         f"{r['prob_npv_positive']:.0%}"))
        return HTML(_table_html(["Commitment", "PV costs", "PV benefits", "NPV p5", "NPV p50", "NPV p95", "P(NPV>0)"], rows,
                                caption=f"Net benefit, Green Book discounting; 90% intervals from {self.samples:,} draws, seed {self.seed}"))

    def net_benefit_chart(self) -> Any:
        from planlib import charts

        return svg(charts.npv_interval_chart(self.result.appraisal, width=420))

    def statutory_coverage(self) -> Any:
        from IPython.display import HTML

        from planlib.tables import function_coverage

        coverage = function_coverage(self.result.plan)
        rows = [(r.function_id, r.function, r.commitments, "yes" if r.served else "NOT SERVED")
                for r in coverage.itertuples()]
        served = int(coverage["served"].sum())
        return HTML(f"<p>{served} of {len(coverage)} of the Commissioner's functions are served by a commitment in this scenario.</p>"
                    + _table_html(["Id", "Function", "Commitments", "Served"], rows, numeric_from=2))

    def implications(self) -> Any:
        """The wider financial implications of the plan under the scenario (seed 000 para 30), parts (a) to (g)."""
        from IPython.display import HTML

        from planlib import implications

        head = "<h2>Financial implications</h2>"
        try:
            settings = implications.load_settings(self.plan_path, self.baseline)
        except PlanError as exc:
            return HTML(head + f'<p class="warning">Not shown: {html.escape(str(exc))}</p>')
        table = implications.implications(self.result.plan, settings)
        return HTML(head + "<p>What the plan under this scenario means, year by year, for the precept, the Chief "
                    "Constable's budget, treasury management, fees and charges, commissioning and grants, "
                    "financial delegations and external income. Money in £m, cash; the rates and thresholds "
                    "are illustrative or unverified (see implications.yaml).</p>" + implications.report_html(table))

    def assumptions(self) -> Any:
        from IPython.display import HTML

        rows = []
        for a in self.result.plan.assumptions:
            if a.value is not None:
                value = f"{a.value:,.4g}"
            else:
                value = f"{a.low:,.4g} to {a.high:,.4g}"
            rows.append((a.id or "", value, a.unit, a.status, a.confidence, a.source))
        return HTML(_table_html(["Assumption", "Value (90% interval)", "Unit", "Status", "Confidence", "Source"], rows,
                                numeric_from=1))

    def footer(self) -> Any:
        from IPython.display import HTML

        p = self.baseline
        return HTML(
            '<footer class="report-footer"><p>'
            f"Plan <code>{html.escape(p.id)}</code>, version {html.escape(p.version)}, files checksum "
            f"<code>sha256:{plan_checksum(self.plan_path)}</code>. "
            f"Scenario <code>{html.escape(self.scenario.name)}</code>, file checksum "
            f"<code>sha256:{file_checksum(self.scenario_path)}</code>. "
            f"Seed {self.seed}; {self.samples:,} draws. planlib version {_version()}. "
            f"Ran at {self.ran_at}.</p></footer>"
        )


def _version() -> str:
    from planlib import __version__

    return __version__


class ChartOutput:
    """An Altair chart as a notebook output that loads nothing: its Vega-Lite spec, which
    :func:`render_charts` turns into inline SVG with vl-convert after the kernel has run.

    Converting outside the kernel lets a batch worker keep one warm vl-convert engine for all
    its reports instead of starting one in every kernel (seconds each). JupyterLab renders the
    spec with its own bundled Vega, offline, if the executed notebook is opened directly.
    """

    def __init__(self, chart: Any) -> None:
        self.spec = chart.to_dict(validate=False)  # planlib builds the charts; the schema check costs seconds per kernel
        title = self.spec.get("title", "")
        self.title = title.get("text", "") if isinstance(title, dict) else str(title)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {VEGALITE_MIME: self.spec, "text/plain": f"<chart: {self.title}>"}


def svg(chart: Any) -> ChartOutput:
    """A chart output for the report template (see :class:`ChartOutput`)."""
    return ChartOutput(chart)


def _vegalite_mime() -> str:
    import altair as alt

    return f"application/vnd.vegalite.v{alt.SCHEMA_VERSION.lstrip('v').split('.')[0]}+json"


VEGALITE_MIME = "application/vnd.vegalite.v6+json"
"""The mimetype of chart outputs (Vega-Lite major version of Altair 6)."""


def render_charts(nb: Any) -> int:
    """Add an ``image/svg+xml`` rendering (vl-convert, no network) to every chart output; how many."""
    import vl_convert

    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            spec = next((v for k, v in data.items() if k.startswith("application/vnd.vegalite.")), None)
            if spec is not None and "image/svg+xml" not in data:
                data["image/svg+xml"] = vl_convert.vegalite_to_svg(dict(spec))
                count += 1
    return count


# --------------------------------------------------------------------------- one report


@dataclass
class ReportResult:
    """The outcome of one report: where it went and its headline figures, or its error."""

    scenario: str
    scenario_path: str
    slug: str
    status: str  # "ok" or "failed"
    error: str = ""
    headline: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    seconds: float = 0.0


def check_parameters(parameters: dict[str, Any], template: Path = TEMPLATE) -> None:
    """Raise PlanError unless every name is one the template declares (papermill.inspect_notebook)."""
    import papermill

    declared = set(papermill.inspect_notebook(str(template)))
    unknown = sorted(set(parameters) - declared) + sorted(set(parameters) - set(PARAMETERS))
    if unknown:
        raise PlanError([Problem(str(template), None, "parameters",
                                 f"unknown report parameter(s): {', '.join(sorted(set(unknown)))}; "
                                 f"the template takes {', '.join(sorted(declared))}")])


def _kernel_failed_to_start(exc: BaseException) -> bool:
    """Kernel start failures (papermill issues #239, #511): worth one retry."""
    text = f"{type(exc).__name__}: {exc}"
    return isinstance(exc, (RuntimeError, TimeoutError)) and any(
        w in text for w in ("Kernel died before replying", "Kernel didn't respond", "kernel_info", "Kernel not ready",
                            "Timeout waiting", "Kernel died", "Address already in use"))


def _execute(parameters: dict[str, Any], output: Path, cwd: str, warm: bool = False) -> Any:
    """Execute the template with papermill; a kernel that fails to start is tried once more.

    With ``warm``, the report runs in this process's kept kernel (:class:`WarmKernel`)
    through the ``planlib-warm`` papermill engine; otherwise in a fresh kernel.
    """
    import papermill

    engine = {"engine_name": WARM_ENGINE} if warm else {}
    if warm:
        _register_warm_engine()
    for attempt in (1, 2):
        try:
            return papermill.execute_notebook(
                str(TEMPLATE), str(output), parameters=parameters, kernel_name="python3",
                execution_timeout=EXECUTION_TIMEOUT_S, start_timeout=START_TIMEOUT_S,
                progress_bar=False, log_output=False, cwd=cwd, **engine,
            )
        except Exception as exc:  # noqa: BLE001 - retried only when the kernel did not start
            if warm:
                _WARM.discard()  # the next report, or the retry, gets a new kernel
            if attempt == 1 and _kernel_failed_to_start(exc):
                continue
            raise
    raise AssertionError("unreachable")  # pragma: no cover


# --------------------------------------------------------------------------- warm kernels

WARM_ENGINE = "planlib-warm"
"""Name of the papermill engine that runs reports in a kept kernel."""

_PRELOAD = "import planlib.reports, planlib.results, planlib.appraisal, planlib.uncertainty, altair, pandas, numpy"
_RESET = "get_ipython().run_line_magic('reset', '-f')\nget_ipython().execution_count = 1"


class WarmKernel:
    """One Python kernel kept for many reports in one process.

    A fresh kernel costs seconds, most of it imports. A warm kernel pays that once: before each
    report its namespace is cleared (``%reset -f``) and its cell counter set back to 1, so the
    report's outputs are those of a cold run (a test compares them). Modules stay imported;
    planlib keeps no state between reports other than caches of what it read. A kernel that a
    report left failed, or that died, is replaced.
    """

    def __init__(self) -> None:
        self.km: Any = None
        self.workdir: str | None = None
        self.reports = 0

    def start(self) -> None:
        """Launch the kernel process now (it boots while the caller does other work)."""
        if self.km is not None:
            return
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.workdir = tempfile.mkdtemp(prefix="planlib-kernel-")
        km = AsyncKernelManager(kernel_name="python3")
        self.km = km
        try:
            # No input history: after %reset the cell numbers start again at 1, and IPython's history
            # database would print "Session/line number was not unique" into a report.
            run_sync(km.start_kernel)(extra_arguments=["--HistoryManager.enabled=False"], cwd=self.workdir,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except BaseException:
            self.discard()
            raise

    def ready(self) -> Any:
        """The kernel manager of a live kernel with an empty namespace, started if need be."""
        from jupyter_core.utils import run_sync

        if self.km is not None and not run_sync(self.km.is_alive)():
            self.discard()
        fresh = self.km is None
        self.start()
        try:
            run_sync(self._run)((_PRELOAD + "\n" if fresh else "") + _RESET)
        except BaseException:
            self.discard()
            raise
        self.reports += 1
        return self.km

    async def _run(self, code: str) -> None:
        kc = self.km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=START_TIMEOUT_S)
            reply = await kc.execute_interactive(code, silent=True, store_history=False, allow_stdin=False,
                                                 timeout=START_TIMEOUT_S, output_hook=lambda msg: None)
            if reply["content"].get("status") != "ok":
                content = reply["content"]
                raise RuntimeError(f"Kernel not ready: {content.get('ename')}: {content.get('evalue')}")
        finally:
            kc.stop_channels()

    def discard(self) -> None:
        """Shut the kernel down (if any) and forget it."""
        from jupyter_core.utils import run_sync

        km, self.km = self.km, None
        if km is not None:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - a kernel that is already gone is fine
                pass
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


_WARM = WarmKernel()
"""This process's kept kernel (each batch worker process has its own)."""


def _register_warm_engine() -> None:
    from papermill.engines import NBClientEngine, papermill_engines

    if WARM_ENGINE in papermill_engines._engines:
        return

    class WarmEngine(NBClientEngine):
        """papermill's nbclient engine, on the process's kept kernel instead of a new one."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None, start_timeout: int = 60,
                                     execution_timeout: int | None = None, **kwargs: Any) -> Any:
            import logging

            from papermill.clientwrap import PapermillNotebookClient

            km = _WARM.ready()
            client = PapermillNotebookClient(
                nb_man, km=km, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                log=logging.getLogger("papermill"), log_output=log_output, stdout_file=stdout_file,
                stderr_file=stderr_file)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register(WARM_ENGINE, WarmEngine)


def _error_text(exc: BaseException) -> str:
    """A short, traceback-free message for the index."""
    try:
        from papermill.exceptions import PapermillExecutionError
    except ImportError:  # pragma: no cover
        PapermillExecutionError = ()  # type: ignore[assignment]
    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue}".strip()
    return f"{type(exc).__name__}: {exc}" if not isinstance(exc, PlanlibError) else str(exc)


def _headline_of(nb: Any) -> dict[str, Any]:
    for cell in nb.cells:
        if HEADLINE_TAG in cell.get("metadata", {}).get("tags", []):
            text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
            return json.loads(text)
    return {}


REPORT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10.5pt; line-height: 1.4;
       color: #1b1b1b; max-width: 182mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 18pt; margin: 0 0 6pt 0; color: #12284c; }
h2 { font-size: 13.5pt; color: #12284c; border-bottom: 1.5pt solid #12284c; padding-bottom: 2pt; margin: 16pt 0 6pt 0;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11.5pt; margin: 10pt 0 4pt 0; break-after: avoid; }
p { margin: 4pt 0; }
.kicker { color: #555; font-size: 9.5pt; text-transform: uppercase; letter-spacing: .04em; }
.meta, .report-footer { color: #444; font-size: 9pt; }
.report-footer { border-top: 1pt solid #999; margin-top: 14pt; padding-top: 4pt; }
.warning { color: #8a1c00; font-weight: bold; }
table.planlib { border-collapse: collapse; margin: 6pt 0 10pt 0; font-size: 8.8pt; width: 100%;
                break-inside: auto; }
table.planlib caption { text-align: left; font-weight: bold; margin-bottom: 3pt; font-size: 9.5pt; }
table.planlib th { background: #12284c; color: #fff; text-align: left; padding: 2.5pt 4pt; font-weight: 600; }
table.planlib td { border-bottom: .5pt solid #ccc; padding: 2pt 4pt; vertical-align: top; }
table.planlib td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.planlib tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
svg { max-width: 100%; height: auto; break-inside: avoid; page-break-inside: avoid; }
.jp-RenderedSVG, .output_svg { break-inside: avoid; page-break-inside: avoid; }
code { font-size: 8.8pt; overflow-wrap: anywhere; }
.jp-InputPrompt, .jp-OutputPrompt, .prompt, .anchor-link { display: none; }
"""

_EXTERNAL = re.compile(r"""<(script|link)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//[^>]*>(\s*</script>)?""", re.I)


def notebook_to_html(nb: Any, title: str) -> str:
    """A self-contained HTML page of an executed report: no code, nothing from the internet.

    The nbconvert ``basic`` template gives the cells' outputs only; the page around them and
    its style are ours, so no MathJax, require.js or font is linked from a CDN.
    """
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {HEADLINE_TAG, "parameters", "injected-parameters"}
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, template_name="basic", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    body = _EXTERNAL.sub("", body)
    return ("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{REPORT_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def html_to_pdf(html_path: Path, pdf_path: Path, timeout: float = 120) -> None:
    """Print an HTML file to an A4 PDF with headless Chromium (written atomically)."""
    from planlib.io import write_atomic

    browser = next((b for b in (os.environ.get("PLANLIB_CHROMIUM"), shutil.which("chromium"),
                                shutil.which("chromium-browser"), shutil.which("google-chrome")) if b), None)
    if browser is None:
        raise PlanError([Problem(str(pdf_path), None, "pdf", "no Chromium found to print the PDF (set PLANLIB_CHROMIUM)")])
    with tempfile.TemporaryDirectory(prefix="planlib-chromium-") as profile:
        tmp = Path(profile) / "out.pdf"
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                   "--no-first-run", "--disable-extensions", "--disable-background-networking",
                   f"--user-data-dir={profile}", "--no-pdf-header-footer", "--print-to-pdf-no-header",
                   f"--print-to-pdf={tmp}", html_path.resolve().as_uri()]
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise RuntimeError(f"Chromium did not print the PDF (exit {done.returncode}): "
                               f"{done.stderr.decode(errors='replace')[-400:]}")
        write_atomic(pdf_path, tmp.read_bytes())


def scenario_label(scenario_path: str | os.PathLike[str]) -> str:
    """The scenario's name, or its file name when the file cannot be read."""
    from planlib.scenario import Scenario

    try:
        return Scenario.from_yaml(scenario_path).name
    except PlanlibError:
        return Path(scenario_path).stem


def execute_report(plan_path: str | os.PathLike[str], scenario_path: str | os.PathLike[str],
                   out_dir: str | os.PathLike[str], *, seed: int, samples: int = REPORT_SAMPLES,
                   pdf: bool = False, slug: str | None = None, warm: bool = False) -> ReportResult:
    """Run the template for one scenario and write ``<slug>.ipynb``, ``.html`` and maybe ``.pdf``.

    Never raises for a failing report: the :class:`ReportResult` has status ``failed`` and the
    error. Files appear only complete (temporary name, then rename). With ``warm``, the
    report runs in this process's kept kernel (see :class:`WarmKernel`).
    """
    import nbformat

    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    name = scenario_label(scenario_path)
    slug = slugify(slug or name)
    result = ReportResult(scenario=name, scenario_path=str(scenario_path), slug=slug, status="failed")
    try:
        parameters = {"plan_path": str(Path(plan_path).resolve()), "scenario_path": str(Path(scenario_path).resolve()),
                      "seed": int(seed), "samples": int(samples)}
        check_parameters(parameters)
        targets = {ext: _inside(out, f"{slug}.{ext}") for ext in ("ipynb", "html", "pdf")}
        with tempfile.TemporaryDirectory(prefix="planlib-report-") as work:
            executed = Path(work) / f"{slug}.ipynb"
            nb = _execute(parameters, executed, cwd=work, warm=warm)
            result.headline = _headline_of(nb)
            render_charts(nb)
            page = notebook_to_html(nb, f"{name}: scenario report")
            from planlib.io import write_atomic

            write_atomic(targets["ipynb"], nbformat.writes(nb))
            write_atomic(targets["html"], page)
            result.files = [targets["ipynb"].name, targets["html"].name]
            if pdf:
                html_to_pdf(targets["html"], targets["pdf"])
                result.files.append(targets["pdf"].name)
        result.status = "ok"
    except Exception as exc:  # noqa: BLE001 - a report's failure is recorded, never raised
        result.error = _error_text(exc)
    result.seconds = time.perf_counter() - started
    return result


def _execute_job(job: dict[str, Any]) -> ReportResult:
    """One batch job (a plain dict, so that it pickles for processes and Dask workers)."""
    return execute_report(**job)


# --------------------------------------------------------------------------- the batch


def batch_jobs(plan_path: str | os.PathLike[str], out_dir: str | os.PathLike[str],
               scenario_paths: Iterable[str | os.PathLike[str]] = (), *, seed: int,
               samples: int = REPORT_SAMPLES, pdf: bool = False) -> list[dict[str, Any]]:
    """One job per scenario (every ``PLAN/scenarios/*.yaml`` by default), with unique slugs."""
    paths = [Path(p) for p in scenario_paths] or sorted((Path(plan_path) / "scenarios").glob("*.yaml"))
    if not paths:
        raise PlanError([Problem(str(plan_path), None, "scenarios", "no scenario files to report on")])
    jobs, used = [], set()
    for path in paths:
        slug = slugify(scenario_label(path))
        base, n = slug, 2
        while slug.lower() in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug.lower())
        jobs.append({"plan_path": str(plan_path), "scenario_path": str(path), "out_dir": str(out_dir),
                     "seed": seed, "samples": samples, "pdf": pdf, "slug": slug, "warm": True})
    return jobs


def _progress(total: int, enabled: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="reports", unit="report", disable=not enabled, file=sys.stderr)


def run_batch(plan_path: str | os.PathLike[str], out_dir: str | os.PathLike[str],
              scenario_paths: Iterable[str | os.PathLike[str]] = (), *, seed: int,
              samples: int = REPORT_SAMPLES, workers: int | None = None, scheduler: str | None = None,
              pdf: bool = False, progress: bool = True) -> list[ReportResult]:
    """Run a report per scenario in parallel and write ``index.html`` and ``summary.csv``.

    ``workers`` processes (default: the number of cores) run at most that many reports at a
    time; with ``scheduler`` (``tcp://HOST:PORT``) the same jobs go to a Dask cluster instead.
    A failing report is listed in the index with its error and does not stop the others.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jobs = batch_jobs(plan_path, out, scenario_paths, seed=seed, samples=samples, pdf=pdf)
    bar = _progress(len(jobs), progress)
    results: dict[int, ReportResult] = {}

    def done(i: int, res: ReportResult) -> None:
        results[i] = res
        bar.update(1)

    try:
        if scheduler:
            _run_dask(jobs, scheduler, done)
        else:
            _run_pool(jobs, workers or os.cpu_count() or 1, done)
    finally:
        bar.close()
    ordered = [results[i] for i in range(len(jobs))]
    write_index(out, ordered, plan_path, seed)
    write_summary(out, plan_path, ordered)
    return ordered


def _failed(job: dict[str, Any], exc: BaseException) -> ReportResult:
    return ReportResult(scenario=job["slug"], scenario_path=job["scenario_path"], slug=job["slug"],
                        status="failed", error=_error_text(exc))


def _warm_worker() -> None:
    """Prepare a pool worker: launch its kept kernel, then import and warm vl-convert while it boots."""
    from multiprocessing import util

    try:
        _WARM.start()
    except Exception:  # noqa: BLE001 - a failing initializer would break the whole pool: the first
        pass           # report starts the kernel again, retries once, and records the error
    util.Finalize(_WARM, _WARM.discard, exitpriority=10)  # shut the kernel down when the worker exits
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401
    import vl_convert

    vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": [{"a": 1}]},
                                "encoding": {"x": {"field": "a", "type": "quantitative"}}})


def _run_pool(jobs: list[dict[str, Any]], workers: int, done: Callable[[int, ReportResult], None]) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    if workers <= 1 or len(jobs) == 1:
        try:
            for i, job in enumerate(jobs):
                done(i, _execute_job(job))
        finally:
            _WARM.discard()
        return
    # forkserver: no fork of a process that may hold threads (tqdm, zmq); cheaper than spawn.
    context = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context,
                             initializer=_warm_worker) as pool:
        futures = {pool.submit(_execute_job, job): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            i = futures[future]
            try:
                done(i, future.result())
            except Exception as exc:  # noqa: BLE001 - a worker that died is one failed report
                done(i, _failed(jobs[i], exc))


def _run_dask(jobs: list[dict[str, Any]], scheduler: str, done: Callable[[int, ReportResult], None]) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - dask[distributed] is a dependency
        raise PlanError([Problem("--scheduler", None, "scheduler", f"Dask distributed is not installed: {exc}")]) from None
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise PlanError([Problem("--scheduler", None, "scheduler", f"cannot reach the Dask scheduler at {scheduler}: {exc}")]) from None
    try:
        # Dask runs tasks in threads of its workers: each report gets its own kernel there.
        futures = {client.submit(_execute_job, {**job, "warm": False}, pure=False, retries=0, key=f"planlib-report-{job['slug']}-{i}-{time.time_ns()}"): i
                   for i, job in enumerate(jobs)}
        for future in as_completed(list(futures)):
            i = futures[future]
            try:
                done(i, future.result())
            except Exception as exc:  # noqa: BLE001 - a lost worker is one failed report
                done(i, _failed(jobs[i], exc))
    finally:
        client.close()


# --------------------------------------------------------------------------- index and summary


def write_index(out: Path, results: list[ReportResult], plan_path: str | os.PathLike[str], seed: int) -> Path:
    """``index.html``: every report with its status, headline budget gap and NPV (or its error)."""
    from planlib import __version__
    from planlib.io import write_atomic

    rows = []
    for r in results:
        if r.status == "ok":
            link = f'<a href="{html.escape(r.slug)}.html">{html.escape(r.scenario)}</a>'
            extra = "".join(f' · <a href="{html.escape(f)}">{html.escape(Path(f).suffix[1:].upper())}</a>'
                            for f in r.files if not f.endswith(".html"))
            h = r.headline
            gap = _money_m(h["budget_gap_total"]) if "budget_gap_total" in h else ""
            npv = (f"{_money_m(h['npv_p50'])} ({_money_m(h['npv_p5'])} to {_money_m(h['npv_p95'])})"
                   if "npv_p50" in h else "")
            rows.append(f'<tr class="ok"><td>{link}{extra}</td><td>ok</td><td class="num">{gap}</td>'
                        f'<td class="num">{npv}</td><td></td></tr>')
        else:
            rows.append(f'<tr class="failed"><td>{html.escape(r.scenario)}<br><small>{html.escape(r.scenario_path)}</small></td>'
                        f'<td>failed</td><td></td><td></td><td class="error">{html.escape(r.error)}</td></tr>')
    failed = sum(r.status != "ok" for r in results)
    when = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    page = (
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<title>Scenario reports</title>\n"
        f"<style>{REPORT_CSS} tr.failed td {{ background: #fdecea; }} td.error {{ color: #8a1c00; white-space: pre-wrap; }}</style>\n"
        "</head>\n<body>\n<h1>Scenario reports</h1>\n"
        f"<p>{len(results) - failed} of {len(results)} reports succeeded{'; ' + str(failed) + ' failed' if failed else ''}. "
        f"Plan folder <code>{html.escape(str(plan_path))}</code>; seed {seed}; planlib version {__version__}; ran at {when}.</p>\n"
        '<table class="planlib"><thead><tr><th>Scenario</th><th>Status</th><th>Budget gap over the period</th>'
        "<th>NPV p50 (90% interval)</th><th>Error</th></tr></thead><tbody>\n"
        + "\n".join(rows) + "\n</tbody></table>\n</body>\n</html>\n"
    )
    target = out / "index.html"
    write_atomic(target, page)
    return target


def write_summary(out: Path, plan_path: str | os.PathLike[str], results: list[ReportResult]) -> Path | None:
    """``summary.csv``: :func:`planlib.compare` over every scenario whose report succeeded."""
    from planlib.io import load_plan, write_atomic
    from planlib.results import compare
    from planlib.scenario import Scenario

    plan = load_plan(plan_path)
    scenarios: dict[str, Scenario] = {}
    for r in results:
        if r.status == "ok":  # two files with one scenario name: the first is summarised
            scenario = Scenario.from_yaml(r.scenario_path)
            scenarios.setdefault(scenario.name, scenario)
    scenarios = list(scenarios.values())  # type: ignore[assignment]
    table = compare(plan, scenarios)
    target = out / "summary.csv"
    write_atomic(target, table.to_csv(index=False, lineterminator="\n"))
    return target


def results_json(results: list[ReportResult]) -> str:
    """The batch outcome as JSON (for scripts)."""
    return json.dumps([asdict(r) for r in results], indent=1)
