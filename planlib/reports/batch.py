"""Many scenario reports at once: a bounded pool of processes or a Dask cluster, then an index.

:func:`run_batch` makes one job per scenario (:func:`batch_jobs`), runs them in ``workers``
processes (each keeping one kernel for all its reports) or on a Dask cluster, and writes
``index.html`` (:func:`write_index`) and ``summary.csv`` (:func:`write_summary`). A failing
scenario is listed in the index with its error and never stops the others.

>>> from planlib.reports.execute import ReportResult
>>> print(results_json([ReportResult("a", "a.yaml", "a", "failed", error="E")]))
[
 {
  "scenario": "a",
  "scenario_path": "a.yaml",
  "slug": "a",
  "status": "failed",
  "error": "E",
  "headline": {},
  "files": [],
  "seconds": 0.0
 }
]
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterable

from planlib.errors import PlanError, Problem
from planlib.io import write_atomic
from planlib.formats import money
from planlib.present.html import html_table
from planlib.present.text import table_csv
from planlib.reports.content import REPORT_SAMPLES
from planlib.reports.execute import ReportResult, save_report, scenario_label, slugify
from planlib.reports.kernels import error_text
from planlib.reports.rendering import page_html


def batch_jobs(plan_path: str | os.PathLike[str], out_dir: str | os.PathLike[str],
               scenario_paths: Iterable[str | os.PathLike[str]] = (), *, seed: int,
               samples: int = REPORT_SAMPLES, pdf: bool = False,
               finance_xlsx: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """One job per scenario (every ``PLAN/scenarios/*.yaml`` by default), with unique slugs; with
    ``finance_xlsx``, every report runs with that workbook's finance."""
    paths = [Path(p) for p in scenario_paths] or sorted((Path(plan_path) / "scenarios").glob("*.yaml"))
    if not paths:
        raise PlanError([Problem(str(plan_path), None, "scenarios", "no scenario files to report on")])
    jobs, used = [], {"baseline"}  # the comparison's name for the plan as it stands
    for path in paths:
        slug = slugify(scenario_label(path))
        base, n = slug, 2
        while slug.lower() in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug.lower())
        jobs.append({"plan_path": str(plan_path), "scenario_path": str(path),
                     "seed": seed, "samples": samples, "pdf": pdf, "slug": slug, "warm": True,
                     **({"finance_xlsx": str(finance_xlsx)} if finance_xlsx is not None else {})})
    return jobs


def _progress(total: int, enabled: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="reports", unit="report", disable=not enabled, file=sys.stderr)


def run_batch(plan_path: str | os.PathLike[str], out_dir: str | os.PathLike[str],
              scenario_paths: Iterable[str | os.PathLike[str]] = (), *, seed: int,
              samples: int = REPORT_SAMPLES, workers: int | None = None, scheduler: str | None = None,
              pdf: bool = False, progress: bool = True,
              finance_xlsx: str | os.PathLike[str] | None = None) -> list[ReportResult]:
    """Run a report per scenario in parallel and write ``index.html`` and ``summary.csv``.

    With ``finance_xlsx`` (a filled-in finance template) every report, and the summary, use
    that workbook's finance instead of the plan's; the index names the workbook.

    ``workers`` processes (default: the number of cores) run at most that many reports at a
    time (:mod:`planlib.reports.pool`); with ``scheduler`` (``tcp://HOST:PORT``) the same jobs go
    to a Dask cluster instead, the plan shipped to the workers as data
    (:mod:`planlib.reports.cluster`). Either way only this process writes into ``out_dir``,
    each report's files as it finishes. The output folder is checked first
    (:func:`planlib.io.atomic.check_out_folder`). A failing report is listed in the index with
    its error and does not stop the others. The workers are started afresh (multiprocessing's
    spawn): a script that calls this needs the usual ``if __name__ == "__main__":`` guard.
    """
    from planlib.io.atomic import check_out_folder

    out = check_out_folder(out_dir)
    jobs = batch_jobs(plan_path, out, scenario_paths, seed=seed, samples=samples, pdf=pdf, finance_xlsx=finance_xlsx)
    bar = _progress(len(jobs), progress)
    results: dict[int, ReportResult] = {}

    def done(i: int, res: ReportResult, files: dict[str, bytes]) -> None:
        results[i] = save_report(out, res, files)  # a report that cannot be written is one failed report
        bar.update(1)

    try:
        if scheduler:
            from planlib.reports.cluster import run_on_cluster

            run_on_cluster(jobs, scheduler, done, _failed)
        else:
            from planlib.reports.pool import run_pool

            run_pool(jobs, workers or os.cpu_count() or 1, done, _failed)
    finally:
        bar.close()
    ordered = [results[i] for i in range(len(jobs))]
    write_index(out, ordered, plan_path, seed, finance_xlsx=finance_xlsx)
    write_summary(out, plan_path, ordered, finance_xlsx=finance_xlsx)
    return ordered


def _failed(job: dict[str, Any], exc: BaseException | str) -> ReportResult:
    return ReportResult(scenario=job["slug"], scenario_path=job["scenario_path"], slug=job["slug"],
                        status="failed", error=exc if isinstance(exc, str) else error_text(exc))


# --------------------------------------------------------------------------- index and summary


def _comparison(plan_path: str | os.PathLike[str], results: list[ReportResult],
                finance_xlsx: str | os.PathLike[str] | None = None) -> tuple[Any, Any, dict[str, Any]]:
    """The plan (with the workbook's finance, if any), :func:`planlib.results.compare` over every
    scenario whose report succeeded and whose file still reads, and those scenarios by report slug.

    Two scenarios with one name (two files, or one file given twice) are both compared: the
    first keeps its name and each later one takes its report's file name (``name-2``), which is
    unique; so does a scenario named ``baseline``, the comparison's name for the plan itself.
    """
    from planlib.errors import PlanlibError
    from planlib.io import load_plan
    from planlib.io.finance_workbook import plan_with_finance_xlsx
    from planlib.results import BASELINE, compare
    from planlib.scenario import Scenario

    plan = load_plan(plan_path)
    if finance_xlsx is not None:
        plan = plan_with_finance_xlsx(plan, finance_xlsx)
    by_slug: dict[str, Any] = {}
    names = {BASELINE.lower()}
    for r in results:
        if r.status != "ok":
            continue
        try:
            scenario = Scenario.from_yaml(r.scenario_path)
        except PlanlibError:
            continue
        if scenario.name.lower() in names:
            scenario = scenario.model_copy(update={"name": r.slug})
        names.add(scenario.name.lower())
        by_slug[r.slug] = scenario
    return plan, compare(plan, list(by_slug.values())), by_slug


def _index_row(r: ReportResult, title: str, figures: tuple[str, str, str], errors: bool = True) -> str:
    """One report's row of the index: its title, links and figures against the baseline, or its
    error (the error column only when ``errors``: some report failed)."""
    if r.status != "ok":
        return (f'<tr class="failed"><th scope="row">{html.escape(title)}<br><small>{html.escape(r.scenario_path)}</small></th>'
                f'<td>failed</td><td></td><td></td><td></td><td></td><td class="error">{html.escape(r.error)}</td></tr>')
    link = f'<a href="{html.escape(r.slug)}.html">{html.escape(title)}</a>'
    kinds = {".pdf": "PDF", ".ipynb": "notebook"}
    extra = "".join(f' (<a href="{html.escape(f)}">{kinds.get(Path(f).suffix, Path(f).suffix[1:])}</a>)'
                    for f in r.files if not f.endswith(".html"))
    h = r.headline
    gap = money(h["budget_gap_total"]) if "budget_gap_total" in h else ""
    npv = f"{money(h['npv_p50'])} ({money(h['npv_p5'])} to {money(h['npv_p95'])})" if "npv_p50" in h else ""
    change, referendum, _ = figures
    return (f'<tr class="ok"><th scope="row">{link}{extra}</th><td>ok</td><td class="num">{gap}</td>'
            f'<td class="num">{change}</td><td>{html.escape(referendum)}</td><td class="num">{npv}</td>'
            + ("<td></td>" if errors else "") + "</tr>")


def _by_scenario(table: Any) -> dict[str, tuple[float, list[str]]]:
    """Each scenario's budget gap over the period and the years a referendum would be required."""
    out = {}
    for name, rows in table.groupby("scenario", sort=False):
        gap = rows[rows["measure"] == "budget_gap"]["value"].sum()
        ref = rows[(rows["measure"] == "referendum_required") & (rows["value"] > 0)]["year"]
        out[str(name)] = (float(gap), [str(y) for y in ref])
    return out


def write_index(out: Path, results: list[ReportResult], plan_path: str | os.PathLike[str], seed: int,
                finance_xlsx: str | os.PathLike[str] | None = None) -> Path:
    """``index.html``, a board paper over the batch: every scenario (titled by its description)
    beside the baseline, with its budget gap, referendum position and NPV, a link to its own
    paper, or its error."""
    from planlib import __version__
    from planlib.reports.content import scenario_title
    from planlib.reports.rendering import file_checksum

    plan, table, by_slug = _comparison(plan_path, results, finance_xlsx)
    figures = _by_scenario(table)
    base_gap, base_ref = figures.get("baseline", (0.0, []))
    years = list(dict.fromkeys(table["year"]))

    def title(r: ReportResult) -> str:
        scenario = by_slug.get(r.slug)
        return scenario_title(scenario.description, scenario.name) if scenario is not None else r.scenario

    def against(r: ReportResult) -> tuple[str, str, str]:
        scenario = by_slug.get(r.slug)
        if scenario is None or scenario.name not in figures:
            return "", "", ""
        gap, ref = figures[scenario.name]
        return money(gap - base_gap), ", ".join(ref) or "none", scenario.name

    failed = sum(r.status != "ok" for r in results)
    area = html.escape(plan.police_area)
    ok = [r for r in results if r.status == "ok"]
    over = [title(r) for r in ok if (f := figures.get(against(r)[2])) and f[1]]
    worst = max(ok, key=lambda r: figures.get(against(r)[2], (-1e18, []))[0], default=None)
    gap_rows = []
    for name, rows in table[table["measure"] == "budget_gap"].groupby("scenario", sort=False):
        label = "Baseline (the plan as it stands)" if name == "baseline" else next(
            (title(r) for r in ok if by_slug.get(r.slug) is not None and by_slug[r.slug].name == name), str(name))
        gap_rows.append((label, *[money(v) for v in rows["value"]]))
    headers = ["Scenario", "Status", "Budget gap over the period", "Change from the baseline", "Referendum required",
               "NPV of the valued commitments, median (90% interval)", *(["Error"] if failed else [])]
    body = (
        f'<header><p class="kicker">Office of the Police and Crime Commissioner for {area}: board paper</p>'
        f"<h1>Scenarios for the {html.escape(plan.name)}</h1></header>\n"
        "<h2>Purpose of paper</h2>"
        f"<p>To set before the Board {len(results)} scenarios for the medium-term finances of the "
        f"{html.escape(plan.name)}, each beside the plan as it stands (the baseline), with a paper on each.</p>\n"
        "<h2>Summary</h2>"
        f"<p>In the baseline the budget gap over the period is {money(base_gap)} and the Band D increase is "
        + (f"above the referendum limit in {', '.join(base_ref)}" if base_ref else "within the referendum limit in every year")
        + ". " + (f"The largest gap is under “{html.escape(title(worst))}”: "
                  f"{money(figures[against(worst)[2]][0])}. " if worst is not None and against(worst)[2] else "")
        + (f"A referendum would be required under {len(over)} of them." if over else "")
        + (f" {failed} of the reports failed; their errors are listed." if failed else "") + "</p>\n"
        '<table class="planlib"><caption>Each scenario beside the baseline</caption><thead><tr>'
        + "".join(f"<th>{h}</th>" for h in headers) + "</tr></thead><tbody>\n"
        f'<tr class="baseline"><th scope="row">Baseline (the plan as it stands)</th><td></td>'
        f'<td class="num">{money(base_gap)}</td><td class="num">{money(0.0)}</td><td>{", ".join(base_ref) or "none"}</td>'
        "<td></td>" + ("<td></td>" if failed else "") + "</tr>\n"
        + "\n".join(_index_row(r, title(r), against(r), bool(failed)) for r in results) + "\n</tbody></table>\n"
        "<h2>Background</h2>"
        f"<p>The {html.escape(plan.name)} runs from {plan.period.first} to {plan.period.last}. Each scenario "
        "changes a few of the plan's inputs and leaves the rest as they are; its own paper says what it changes, "
        "why, and where its figures come from.</p>\n"
        "<h2>Analysis</h2>"
        + html_table(["Scenario", *map(str, years)], gap_rows, numeric=range(1, len(years) + 1), css_class="planlib",
                     caption="Budget gap by financial year (positive is a shortfall)") + "\n"
        "<h2>Financial implications</h2><p>Each scenario's paper sets out its implications for the precept, the "
        "Chief Constable's budget, treasury management, fees and charges, commissioning and grants, financial "
        "delegations and external income.</p>\n"
        "<h2>Legal implications</h2><p>A Band D increase above the year's referendum limit needs a referendum "
        "(Local Government Finance Act 1992, Chapter 4ZA); the summary gives the years for each scenario.</p>\n"
        "<h2>Equality implications</h2><p>Each paper lists the commitments its scenario changes with their "
        "assessed equality impact (Equality Act 2010, s.149).</p>\n"
        "<h2>Recommendations</h2><p>The Board is asked to note the scenarios and their effect on the budget gap "
        "and the precept, and to decide which, if any, to take forward into the budget and the plan.</p>\n"
        f'<footer class="report-footer"><p>{len(results) - failed} of {len(results)} reports succeeded'
        f"{'; ' + str(failed) + ' failed' if failed else ''}. "
        f"Plan folder <code>{html.escape(str(plan_path))}</code>; "
        + (f"finance from the workbook <code>{html.escape(Path(finance_xlsx).name)}</code> "
           f"(sha256:{file_checksum(finance_xlsx)}); " if finance_xlsx is not None else "")
        + f"seed {seed}; planlib version {__version__}; ran at {_now()}.</p></footer>"
    )
    css = " tr.failed td, tr.failed th { background: #fdecea; } td.error { color: #8a1c00; white-space: pre-wrap; }"
    target = out / "index.html"
    write_atomic(target, page_html(f"Scenarios for the {plan.name}", body, css))
    return target


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def write_summary(out: Path, plan_path: str | os.PathLike[str], results: list[ReportResult],
                  finance_xlsx: str | os.PathLike[str] | None = None) -> Path | None:
    """``summary.csv``: :func:`planlib.results.compare` over every scenario whose report succeeded
    (the plan with the workbook's finance, if ``finance_xlsx`` is given)."""
    _, table, _ = _comparison(plan_path, results, finance_xlsx)
    target = out / "summary.csv"
    write_atomic(target, table_csv(table))  # a scenario named "=..." stays text
    return target


def results_json(results: list[ReportResult]) -> str:
    """The batch outcome as JSON (for scripts)."""
    return json.dumps([asdict(r) for r in results], indent=1)
