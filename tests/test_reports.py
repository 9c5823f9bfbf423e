"""Scenario reports: the template, `planlib report`, `planlib batch` and its Dask path."""

from __future__ import annotations

import base64
import csv
import html
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import planlib
from planlib import reports
from planlib.cli import main
from planlib.io.paths import SCENARIO_REPORT
from planlib.formats import MINUS
from tests.conftest import ROOT, Render, kill_group, planlib_cli, run_python, scenario_report_render, session_documents

EXAMPLE = ROOT / "data" / "west_midlands_2021"
PLANS = sorted(p.parent for p in (ROOT / "data").glob("*/plan.yaml"))
SCENARIOS = EXAMPLE / "scenarios"
URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'<>)]*""")
ALLOWED_URL = re.compile(r"^(?:https?:)?//www\.w3\.org/")


def external_urls(text: str) -> list[str]:
    """Every internet address in a page other than the W3C namespaces (xmlns of SVG and XHTML)."""
    return sorted({u for u in URL.findall(text) if not ALLOWED_URL.match(u)})


# --------------------------------------------------------------------------- fast tests


@pytest.mark.parametrize("name, slug", [
    ("precept_plus_15", "precept_plus_15"),
    ("../../x", "x"),
    ("/etc/passwd", "etc_passwd"),
    ("..", "scenario"),
    ("", "scenario"),
    ("a\nb'\"c", "a_b_c"),
    ("index", "index_report"),
    ("x" * 200, "x" * 64),
])
def test_slug_is_a_plain_file_name(name, slug):
    assert reports.slugify(name) == slug
    assert "/" not in slug and not slug.startswith(".")


def test_template_declares_the_parameters_and_kernel():
    import papermill

    declared = papermill.inspect_notebook(str(SCENARIO_REPORT))
    assert set(declared) == set(reports.PARAMETERS)
    nb = json.loads(SCENARIO_REPORT.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert nb["metadata"]["language_info"]["name"] == "python"
    source = "".join("".join(c["source"]) for c in nb["cells"])
    assert "ipywidgets" not in source and "widgets." not in source  # no widgets in reports (papermill #723)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs", []) == [] and cell.get("execution_count") is None


def test_unknown_parameter_is_refused_before_any_kernel_starts():
    with pytest.raises(planlib.PlanError, match="unknown report parameter.*evil"):
        reports.check_parameters({"plan_path": "p", "evil": "__import__('os')"})


def test_report_refuses_a_missing_scenario_with_a_clear_message(tmp_path):
    result = CliRunner().invoke(main, ["report", str(EXAMPLE), "-s", str(tmp_path / "no.yaml"), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "scenario file not found" in result.output
    assert "Traceback" not in result.output


def test_plan_checksum_changes_with_the_files(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "plan")
    before = reports.plan_checksum(tmp_path / "plan")
    assert before == reports.plan_checksum(EXAMPLE)
    with open(tmp_path / "plan" / "finance.yaml", "a", encoding="utf-8") as handle:
        handle.write("\n# changed\n")
    assert reports.plan_checksum(tmp_path / "plan") != before


def test_implications_section_shows_the_scenarios_precept():
    report = reports.ScenarioReport.load(str(EXAMPLE), str(SCENARIOS / "precept_plus_15.yaml"), seed=1, samples=100)
    text = report.implications().data
    assert "<h2>Financial implications</h2>" in text and "(a) The policing precept" in text
    assert "(f) Financial delegations" in text
    # Band D in 2022/23 under the scenario: £177.55 in 2021/22 + £15 (the baseline has + £10: £187.55).
    assert "£192.55" in text and "£187.55" not in text


def test_money_in_a_report_is_written_one_way_with_a_true_minus():
    """Money goes through planlib.formats: "−£58.7m", never "£-58.7m"; commitments by title."""
    report = reports.ScenarioReport.load(str(EXAMPLE), str(SCENARIOS / "precept_plus_15.yaml"), seed=1, samples=200)
    table = report.net_benefit_table().data
    assert f"{MINUS}£" in table and "£-" not in table
    assert "Put 450 officers from the national uplift into neighbourhood policing" in table
    assert ">neighbourhood_policing_450<" not in table
    against = report.analysis().data  # the scenario against the baseline (was changes(), before the board paper)
    assert f"{MINUS}£3.7m" in against and "£-" not in against and "£192.55" in against
    summary = report.summary().data
    assert f"{MINUS}£12.7m" in summary and "£-" not in summary


@pytest.mark.parametrize("plan_folder", PLANS, ids=lambda p: p.name)
def test_a_report_is_a_board_paper_titled_by_its_scenario(plan_folder):
    """The form of the seed paper: purpose, summary against the baseline, background, analysis, the
    financial, legal and equality implications, recommendations; titled by the scenario's description."""
    from planlib.reports.content import scenario_title

    scenario_path = sorted((plan_folder / "scenarios").glob("*.yaml"))[0]
    report = reports.ScenarioReport.load(str(plan_folder), str(scenario_path), seed=1, samples=100)
    scenario = report.scenario
    title = report.title().data
    assert f"<h1>{html.escape(scenario_title(scenario.description))}</h1>" in title
    assert scenario.name not in title  # titles, never ids
    sections = [report.purpose(), report.summary(), report.background(), report.analysis(), report.implications(),
                report.statutory_coverage(), report.equality(), report.recommendations()]
    text = "".join(s.data for s in sections)
    order = ["Purpose of paper", "Summary", "Background", "Analysis", "Financial implications",
             "Legal implications", "Equality implications", "Recommendations"]
    positions = [text.index(f"<h2>{heading}</h2>") for heading in order]
    assert positions == sorted(positions)
    summary = report.summary().data
    assert "Baseline" in summary and "Scenario" in summary and "referendum" in summary
    assert "The Board is asked to" in text and "decide whether" in text
    assert not re.search(r">\s*(finance|commitments|assumptions)\.[a-z_]+", text)  # changed inputs by their labels


@pytest.mark.parametrize("description, title", [
    ("Band D rises by £15. In 2022/23 this is above the limit.", "Band D rises by £15"),
    ("The £9.84 (3.94%) rise, not £14.84.", "The £9.84 (3.94%) rise, not £14.84"),
    ("One sentence only", "One sentence only"),
])
def test_a_scenario_is_titled_by_the_first_sentence_of_its_description(description, title):
    from planlib.reports.content import scenario_title

    assert scenario_title(description, "id") == title


def test_the_assumptions_section_is_the_one_provenance_table():
    from planlib.present.assumptions import assumption_table

    report = reports.ScenarioReport.load(str(EXAMPLE), str(SCENARIOS / "precept_plus_15.yaml"), seed=1, samples=100)
    text = report.assumptions().data
    table = assumption_table(report.result.plan)
    assert f"{len(table)} numbers behind" in text
    assert "Volume: robberies prevented a year" in text and "planlib-status-illustrative" in text
    assert "GDP deflator" in text and "Optimism bias by grade" in text


def test_index_writes_money_with_a_true_minus(tmp_path):
    result = reports.ReportResult("s", "s.yaml", "s", "ok", headline={
        "budget_gap_total": -65_500_000.0, "npv_p50": -58_700_000.0, "npv_p5": -66_100_000.0, "npv_p95": 1_200_000.0})
    page = reports.write_index(tmp_path, [result], EXAMPLE, 1).read_text(encoding="utf-8")
    page = re.sub(r"<[^>]+>", "", page)  # negative money is wrapped so that it never breaks after its minus
    assert f"{MINUS}£65.5m" in page and f"{MINUS}£58.7m ({MINUS}£66.1m to £1.2m)" in page and "£-" not in page


def test_index_is_a_board_paper_with_the_baseline_beside_every_scenario(tmp_path):
    path = SCENARIOS / "precept_plus_15.yaml"
    result = reports.ReportResult("precept_plus_15", str(path), "precept_plus_15", "ok",
                                  headline={"budget_gap_total": 9.8e6, "npv_p50": -1e6, "npv_p5": -2e6, "npv_p95": 0.0})
    page = reports.write_index(tmp_path, [result], EXAMPLE, 1).read_text(encoding="utf-8")
    assert page.count("<h1>") == 1 and "Error" not in page  # no error column when nothing failed and "<h1>Scenarios for the West Midlands Police and Crime Plan" in page
    for heading in ("Purpose of paper", "Summary", "Background", "Analysis", "Financial implications",
                    "Legal implications", "Equality implications", "Recommendations"):
        assert f"<h2>{heading}</h2>" in page
    assert ">Band D rises by £15 in each year from 2022/23</a>" in page  # titled by its description
    assert "Baseline (the plan as it stands)" in page and "2022/23, 2024/25" in page  # its referendum years
    assert f'<span class="money">{MINUS}£12.7m</span>' in page  # the change from the baseline, on one line


def _twin(tmp_path: Path, folder: str, name: str = "precept_plus_15", change: int = 15) -> Path:
    """A scenario file named ``name`` in ``tmp_path/folder`` (a precept change of ``change``)."""
    path = tmp_path / folder / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"name: {name}\ndescription: Precept by {change}.\nsource: s\n"
                    f"changes:\n  finance.precept_increase: {{2023/24: {change}}}\n", encoding="utf-8")
    return path


def test_scenarios_with_one_name_are_both_in_the_summary_and_the_index(tmp_path):
    """Two files with one scenario name, and a scenario named baseline: each keeps its own row."""
    paths = [_twin(tmp_path, "a", change=5), _twin(tmp_path, "b", change=25), _twin(tmp_path, "c", name="baseline")]
    jobs = reports.batch_jobs(EXAMPLE, tmp_path, paths, seed=1)
    assert [job["slug"] for job in jobs] == ["precept_plus_15", "precept_plus_15-2", "baseline-2"]
    results = [reports.ReportResult(p.stem, str(p), job["slug"], "ok") for p, job in zip(paths, jobs)]
    with open(reports.write_summary(tmp_path, EXAMPLE, results), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = list(dict.fromkeys(r["scenario"] for r in rows))
    assert names == ["baseline", "precept_plus_15", "precept_plus_15-2", "baseline-2"]
    band_d = {r["scenario"]: r["value"] for r in rows if r["measure"] == "precept_band_d" and r["year"] == "2024/25"}
    assert len({band_d["precept_plus_15"], band_d["precept_plus_15-2"], band_d["baseline"]}) == 3  # not one copied
    index = reports.write_index(tmp_path, results, EXAMPLE, 1).read_text(encoding="utf-8")
    assert index.count('<tr class="ok">') == 3
    assert ">Precept by 5</a>" in index and ">Precept by 25</a>" in index
    assert 'href="precept_plus_15-2.html"' in index and 'href="baseline-2.html"' in index


def _old_report(out: Path, made_from: str) -> None:
    """A report notebook in ``out`` that papermill made from the scenario file ``made_from``."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"parameters": {"scenario_path": made_from}}
    out.mkdir(parents=True, exist_ok=True)
    (out / "precept_plus_15.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")


def test_report_never_replaces_the_report_of_another_scenario_file(tmp_path):
    first, second = _twin(tmp_path, "a"), _twin(tmp_path, "b", change=25)
    _old_report(tmp_path / "out", str(first.resolve()))
    before = (tmp_path / "out" / "precept_plus_15.ipynb").read_bytes()
    result = CliRunner().invoke(main, ["report", str(EXAMPLE), "-s", str(second), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert f"is the report of the scenario file {first.resolve()}, not of this one" in result.output
    assert "Choose another --out folder" in result.output and "Traceback" not in result.output
    assert (tmp_path / "out" / "precept_plus_15.ipynb").read_bytes() == before
    reports.execute.check_replaceable(tmp_path / "out", "precept_plus_15", first)  # the same file may run again


def _read_only(folder: Path) -> str | None:
    """Why ``folder/x`` cannot be used, checked on a read-only file system mounted over ``folder``
    for one process (None where the system does not allow such a mount)."""
    import subprocess
    import sys

    code = ("import sys\nfrom planlib.errors import PlanError\nfrom planlib.io.atomic import check_out_folder\n"
            "try:\n    check_out_folder(sys.argv[1])\nexcept PlanError as exc:\n    print(exc)\n")
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                           'mount -t tmpfs -o ro none "$1" && exec "$2" -c "$3" "$1/x"', "sh", str(folder),
                           sys.executable, code], capture_output=True, text=True, check=False) if shutil.which("unshare") else None
    return done.stdout if done is not None and done.returncode == 0 else None


@pytest.mark.parametrize("where, reason", [
    ("note.txt/reports", "note.txt is a file, not a folder"),
    ("read-only", "Read-only file system"),
])
def test_an_unusable_out_folder_is_refused_before_any_report_runs(tmp_path, where, reason):
    (tmp_path / "note.txt").write_text("x", encoding="utf-8")
    if where == "read-only":
        (tmp_path / where).mkdir()
        message = _read_only(tmp_path / where)
        if message is None:
            pytest.skip("no mount namespace here to make a read-only file system")
        assert reason in message and "--out: cannot use" in message
        return
    for command in (["batch", str(EXAMPLE)], ["report", str(EXAMPLE), "-s", str(SCENARIOS / "precept_plus_15.yaml")]):
        result = CliRunner().invoke(main, [*command, "--out", str(tmp_path / where)])
        assert result.exit_code == 1 and reason in result.output and "Traceback" not in result.output, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["note.txt"]


# --------------------------------------------------------------------------- one batch, many checks


def _batch(root: Path) -> None:
    """A batch of two good scenarios (one in a folder whose name has quotes and a newline), one
    whose change cannot be applied, and one with a hostile name; the command's exit code and
    output are kept in ``exit_code`` and ``output`` beside it."""
    odd = root / "it's a \"quoted\"\nfolder"
    odd.mkdir()
    shutil.copy(SCENARIOS / "precept_plus_10.yaml", odd / "precept_plus_10.yaml")
    bad = root / "bad_change.yaml"
    bad.write_text("name: bad_change\ndescription: d\nsource: s\nchanges:\n  finance.no_such_input: 3\n", encoding="utf-8")
    hostile = root / "hostile.yaml"
    hostile.write_text("name: ../../x\ndescription: d\nsource: s\nchanges: {}\n", encoding="utf-8")
    out = root / "out" / "reports"
    done = planlib_cli("batch", EXAMPLE, "--out", out, "--workers", "2", "--seed", "7",
                       "-s", SCENARIOS / "precept_plus_15.yaml", "-s", odd / "precept_plus_10.yaml",
                       "-s", bad, "-s", hostile, expect=None)
    (root / "exit_code").write_text(str(done.returncode), encoding="utf-8")
    (root / "output").write_text(done.stdout + done.stderr, encoding="utf-8")


BATCH = Render("batch/west_midlands_2021/odd-bad-hostile/seed7", _batch)
RENDERS = [BATCH, scenario_report_render(EXAMPLE)]
"""Rendered once per session, in the background (tests/conftest.py); the scenario report also
for tests/test_accessibility.py."""


@pytest.fixture(scope="module")
def batch(documents):
    """The batch's folder, its output folder, and the command's exit code and output."""
    root = documents.get(BATCH)
    return (root, root / "out" / "reports", int((root / "exit_code").read_text(encoding="utf-8")),
            (root / "output").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_batch_exits_1_when_any_report_fails(batch):
    _, _, exit_code, output = batch
    assert exit_code == 1, output
    assert "Traceback" not in output


@pytest.mark.slow
def test_batch_writes_a_page_per_good_scenario_and_an_index(batch):
    _, out, *_ = batch
    for slug in ("precept_plus_15", "precept_plus_10"):
        assert (out / f"{slug}.html").is_file() and (out / f"{slug}.ipynb").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="precept_plus_15.html"' in index and 'href="precept_plus_10.html"' in index
    assert index.count('class="ok"') == 2 and index.count('class="failed"') == 2
    assert "£" in index and "NPV" in index
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*"))


@pytest.mark.slow
def test_failing_scenario_is_listed_with_its_error(batch):
    _, out, *_ = batch
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "bad_change" in index and "no_such_input" in index
    assert not (out / "bad_change.html").exists()


@pytest.mark.slow
def test_hostile_name_writes_nothing_outside_out(batch):
    root, out, *_ = batch
    written = {p for p in root.rglob("*") if p.is_file()}
    outside = {p for p in written if out not in p.parents and p.parent != root and "folder" not in p.parent.name}
    assert outside == set()
    assert not (root / "x.html").exists() and not (root / "out" / "x.html").exists()
    assert "../../x" in (out / "index.html").read_text(encoding="utf-8") or "hostile" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_summary_is_compare_over_the_scenarios(batch):
    _, out, *_ = batch
    with open(out / "summary.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["scenario", "year", "measure", "value", "unit"]
    assert {r["scenario"] for r in rows} == {"baseline", "precept_plus_15", "precept_plus_10"}


@pytest.mark.slow
def test_report_pages_are_offline_and_state_their_provenance(batch):
    _, out, *_ = batch
    plan = planlib.load_plan(EXAMPLE)
    for page in [out / "index.html", *out.glob("precept_*.html")]:
        text = page.read_text(encoding="utf-8")
        assert external_urls(text) == [], page.name
        assert not re.search(r"<script[^>]*\bsrc=", text)
        assert f"planlib version {planlib.__version__}" in text
    text = (out / "precept_plus_15.html").read_text(encoding="utf-8")
    charts = [base64.b64decode(b).decode("utf-8") for b in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", text)]
    assert len(charts) == 3 and all(c.startswith("<svg") for c in charts)  # charts inline, as SVG
    assert all(external_urls(c) == [] for c in charts)
    assert "precept_plus_15" in text and plan.version in text and "Seed 7" in text
    assert f"sha256:{reports.plan_checksum(EXAMPLE)}" in text
    for section in ("Medium-term financial plan", "Budget gap", "Net benefit", "Statutory functions",
                    "Appendix: assumptions", "Financial implications"):  # the board paper's appendix (was "Assumptions")
        assert section in text
    assert "import " not in text  # inputs hidden


@pytest.mark.slow
def test_quoted_path_reached_the_kernel_intact(batch):
    root, out, *_ = batch
    nb = json.loads((out / "precept_plus_10.ipynb").read_text(encoding="utf-8"))
    injected = next(c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    namespace: dict[str, object] = {}
    exec("".join(injected["source"]), namespace)  # the code papermill wrote for the kernel
    assert namespace["scenario_path"] == str(root / "it's a \"quoted\"\nfolder" / "precept_plus_10.yaml")
    assert namespace["seed"] == 7


# --------------------------------------------------------------------------- PDF and the scheduler option
# (a batch on a real Dask cluster: tests/test_batch_cluster.py)


@pytest.mark.slow
def test_report_with_pdf(documents):
    from pypdf import PdfReader

    out = documents.get(scenario_report_render(EXAMPLE))  # planlib report -s precept_plus_15.yaml --pdf --seed 3
    assert {p.name for p in out.iterdir()} == {"precept_plus_15.ipynb", "precept_plus_15.html", "precept_plus_15.pdf"}
    reader = PdfReader(out / "precept_plus_15.pdf")
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595) < 2 and abs(float(box.height) - 842) < 2  # A4
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Band D rises by £15 in each year from 2022/23" in text  # titled by its description (was its name)
    assert "referendum would be required" in text
    assert f"planlib version {planlib.__version__}" in text


def test_bad_scheduler_address_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["batch", str(EXAMPLE), "--out", str(tmp_path), "--scheduler", "localhost"])
    assert result.exit_code == 2
    assert "tcp://HOST:PORT" in result.output


# --------------------------------------------------------------------------- kept kernels, retries, kills

TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)?")


def _cells(path):
    """Each cell's source, execution count and outputs, with run times blanked."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    text = json.dumps([(c.source, c.get("execution_count"), c.get("outputs", [])) for c in nb.cells], sort_keys=True)
    return json.loads(TIMESTAMP.sub("<time>", text))


_WARM = """
import json, sys
from dataclasses import asdict
from planlib import reports
from planlib.reports import kernels
plan, first, second, root = sys.argv[1:]
cold = reports.execute_report(plan, second, root + "/cold", seed=5, samples=2000)
try:
    warm = [reports.execute_report(plan, s, root + f"/warm{i}", seed=5, samples=2000, warm=True)
            for i, s in enumerate((first, second, first))]
    served = kernels.WARM.reports
finally:
    kernels.WARM.discard()
print(json.dumps({"cold": asdict(cold), "warm": [asdict(w) for w in warm], "served": served}))
"""
WARM = Render("kernels/warm-after-another", lambda root: (root / "results.json").write_text(run_python(
    _WARM, EXAMPLE, SCENARIOS / "precept_plus_15.yaml", SCENARIOS / "pay_award_plus_2.yaml", root).stdout.splitlines()[-1]))
"""In a new process: a report in a new kernel, then three in one kept kernel (the first scenario, the
report run cold, the first again)."""


@pytest.mark.slow
def test_warm_kernel_gives_the_outputs_of_a_cold_run(documents):
    """A report run in a kept kernel after another report equals the same report in a new kernel."""
    root = documents.get(WARM)
    results = json.loads((root / "results.json").read_text(encoding="utf-8"))
    cold, warm = results["cold"], results["warm"]
    assert results["served"] == 3  # one kernel served all three
    assert cold["status"] == "ok" and [w["status"] for w in warm] == ["ok"] * 3, (cold["error"], [w["error"] for w in warm])
    cold_cells = _cells(root / "cold" / "pay_award_plus_2.ipynb")
    warm_cells = _cells(root / "warm1" / "pay_award_plus_2.ipynb")
    # the same report run twice in the kept kernel: the same cells and outputs both times
    assert _cells(root / "warm0" / "precept_plus_15.ipynb") == _cells(root / "warm2" / "precept_plus_15.ipynb")
    assert [c[1] for c in warm_cells if c[1] is not None][0] == 1  # the counter starts again at 1
    assert warm_cells == cold_cells
    cold_page = TIMESTAMP.sub("<time>", (root / "cold" / "pay_award_plus_2.html").read_text(encoding="utf-8"))
    warm_page = TIMESTAMP.sub("<time>", (root / "warm1" / "pay_award_plus_2.html").read_text(encoding="utf-8"))
    assert warm_page == cold_page
    assert warm[1]["headline"] == cold["headline"]


FLAKY_KERNEL = '''
import os, sys
log, mode, connection = sys.argv[1], sys.argv[2], sys.argv[3]
with open(log, "a") as f:
    f.write("start\\n")
starts = sum(1 for _ in open(log))
if mode == "always" or starts == 1:
    sys.exit(3)  # dies before it answers, as a kernel that fails to start does
os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", connection])
'''


def _flaky_kernel(root, mode):
    """A ``python3`` kernelspec (found first through JUPYTER_PATH) that fails to start once, or always."""
    import sys

    script = root / "flaky_kernel.py"
    script.write_text(FLAKY_KERNEL, encoding="utf-8")
    log = root / f"starts-{mode}.log"
    spec = root / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(script), str(log), mode, "{connection_file}"],
        "display_name": "flaky", "language": "python"}), encoding="utf-8")
    return root / "jupyter", log


_EXECUTE = """
import json, sys
from dataclasses import asdict
from planlib import reports
from planlib.reports import kernels
plan, scenario, out, warm = sys.argv[1:]
try:
    result = reports.execute_report(plan, scenario, out, seed=1, samples=500, warm=warm == "warm")
finally:
    kernels.WARM.discard()
print(json.dumps(asdict(result)))
"""


def _flaky(mode: str, warm: bool) -> Render:
    """In a new process whose kernelspec fails to start (``mode``: once or always), a report in a new
    kernel or the kept one: its result in ``result.json``, the kernel's starts in its log."""

    def make(root: Path) -> None:
        jupyter_path, _ = _flaky_kernel(root, mode)
        done = run_python(_EXECUTE, EXAMPLE, SCENARIOS / "pay_award_plus_2.yaml", root / "out",
                          "warm" if warm else "new", env={"JUPYTER_PATH": str(jupyter_path)})
        (root / "result.json").write_text(done.stdout.splitlines()[-1], encoding="utf-8")

    return Render(f"kernels/flaky-{mode}/{'kept' if warm else 'new'}", make)


@pytest.mark.slow
@pytest.mark.parametrize("warm", [False, True], ids=["new-kernel", "kept-kernel"])
def test_kernel_that_fails_to_start_is_tried_once_more(documents, warm):
    root = documents.get(_flaky("once", warm))
    result = json.loads((root / "result.json").read_text(encoding="utf-8"))
    assert (root / "starts-once.log").read_text().count("start") == 2
    assert result["status"] == "ok", result["error"]
    assert (root / "out" / "pay_award_plus_2.html").is_file()


@pytest.mark.slow
def test_kernel_that_never_starts_fails_the_report_after_one_retry(documents):
    root = documents.get(_flaky("always", False))
    result = json.loads((root / "result.json").read_text(encoding="utf-8"))
    assert (root / "starts-always.log").read_text().count("start") == 2
    assert result["status"] == "failed"
    assert "Kernel died" in result["error"]
    assert not list((root / "out").iterdir())  # nothing half-made is left


def _unlaunchable(root: Path) -> None:
    """``planlib batch`` with two workers whose kernelspec names a program that does not exist."""
    spec = root / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({"argv": [str(root / "no-such-python"), "{connection_file}"],
                                                  "display_name": "missing", "language": "python"}), encoding="utf-8")
    done = planlib_cli("batch", EXAMPLE, "--out", root / "out", "--workers", "2",
                       "-s", SCENARIOS / "precept_plus_10.yaml", "-s", SCENARIOS / "pay_award_plus_2.yaml",
                       expect=None, env={"JUPYTER_PATH": str(root / "jupyter")})
    (root / "exit_code").write_text(str(done.returncode), encoding="utf-8")
    (root / "stderr").write_text(done.stderr, encoding="utf-8")


UNLAUNCHABLE = Render("kernels/unlaunchable/batch", _unlaunchable)


@pytest.mark.slow
def test_a_kernel_that_cannot_be_launched_fails_each_report_with_its_error(documents):
    """The pool's workers launch their kernels early; a launch that fails must not break the pool."""
    root = documents.get(UNLAUNCHABLE)
    assert (root / "exit_code").read_text() == "1", (root / "stderr").read_text()
    index = (root / "out" / "index.html").read_text(encoding="utf-8")
    assert index.count('<tr class="failed">') == 2
    index = index.replace("<wbr>", "")  # long words in a table cell may break (at "/", "_", "." or "-")
    assert "no-such-python" in index and "BrokenProcessPool" not in index


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder``, hidden ones too, with its size and modification time."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _interrupted(signum: int) -> Render:
    """``planlib batch`` of three scenarios on two workers, sent ``signum`` (to the command's
    process alone, as a user or a service manager would) as its first report lands in ``out``.
    What ran under it, what was left running (processes that are neither gone nor zombies) once
    it exited, ``out`` then and after the rest had gone, and what its TMPDIR holds."""

    def make(root: Path) -> None:
        import signal
        import subprocess
        import sys
        import time

        import psutil

        out, tmp = root / "out", root / "tmp"
        tmp.mkdir()
        command = [sys.executable, "-m", "planlib.cli", "batch", str(EXAMPLE), "--out", str(out), "--workers", "2",
                   "--seed", "1", *[a for s in ("precept_plus_15", "precept_plus_10", "pay_award_plus_2")
                                    for a in ("-s", str(SCENARIOS / f"{s}.yaml"))]]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True, env={**session_documents().env, "TMPDIR": str(tmp)})
        family: list[psutil.Process] = []
        try:
            deadline = time.monotonic() + 300
            while not (out.is_dir() and any(p.suffix == ".ipynb" and not p.name.startswith(".") for p in out.iterdir())):
                assert process.poll() is None, "the batch ended before it could be stopped"
                assert time.monotonic() < deadline, "no report appeared in 300 s"
                time.sleep(0.05)  # polling for the first report
            family = psutil.Process(process.pid).children(recursive=True)
            commands = [" ".join(_cmdline(p)) for p in family]
            os.kill(process.pid, signum)
            _, stderr = process.communicate(timeout=120)
            then = _files(out)

            def running() -> list[psutil.Process]:
                alive = []
                for p in family:
                    try:
                        if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                            alive.append(p)
                    except psutil.NoSuchProcess:
                        pass
                return alive

            deadline = time.monotonic() + 30
            while running() and time.monotonic() < deadline:
                time.sleep(0.1)  # polling for the batch's processes to go
            left = []
            for p in running():
                try:
                    left.append(" ".join(p.cmdline())[:200])
                except psutil.Error:
                    pass
            report = {"exit_code": process.returncode, "stderr": stderr[-2000:], "family": [p.pid for p in family],
                      "kernels": sum("ipykernel" in c for c in commands),
                      "left": left, "then": then, "after": _files(out), "temp": sorted(p.name for p in tmp.iterdir())}
            (root / "report.json").write_text(json.dumps(report), encoding="utf-8")
        finally:
            kill_group(process.pid)
            for p in family:
                try:
                    p.kill()
                except psutil.Error:
                    pass
            process.wait()

    return Render(f"batch/west_midlands_2021/interrupted-{signum}", make)


def _cmdline(process) -> list[str]:
    try:
        return process.cmdline()
    except Exception:  # noqa: BLE001 - a process that has gone has no command line
        return []


INTERRUPTED = {signum: _interrupted(signum) for signum in (9, 15)}
RENDERS += [WARM, _flaky("once", False), _flaky("once", True), _flaky("always", False), UNLAUNCHABLE,
            *INTERRUPTED.values()]
"""The kernels' and the batch's behaviours below, each made in its own process in the background."""


@pytest.mark.slow
@pytest.mark.parametrize("signum", [9, 15], ids=["kill-9", "kill-TERM"])
def test_an_interrupted_batch_stops_everything_and_writes_nothing_more(documents, signum):
    """``kill -9`` or ``kill -TERM`` of the command alone: its forkserver, resource tracker, workers
    and their kernels all go too (none found running afterwards), nothing more is written in
    ``--out``, and after TERM its temporary folders are gone too."""
    report = json.loads((documents.get(INTERRUPTED[signum]) / "report.json").read_text(encoding="utf-8"))
    assert report["kernels"] >= 1 and len(report["family"]) >= 4, report  # forkserver, tracker, workers, kernels
    assert report["left"] == [], report
    assert report["after"] == report["then"]
    if signum == 15:
        assert report["exit_code"] == 143, report["stderr"]
        assert "stopped" in report["stderr"] and "Traceback" not in report["stderr"]
        assert [name for name in report["temp"] if name.startswith("planlib")] == [], report["temp"]
    else:
        assert report["exit_code"] == -9


@pytest.mark.slow
def test_killed_batch_leaves_no_half_written_report(documents):
    """Kill the batch (SIGKILL, no clean-up possible) as its first report lands: every report
    file that exists is complete; temporary files are hidden and never a report's name."""
    import nbformat

    out = documents.get(INTERRUPTED[9]) / "out"
    visible = [p for p in out.iterdir() if not p.name.startswith(".")]
    assert visible
    assert not (out / "index.html").exists()
    for path in visible:
        if path.suffix == ".ipynb":
            nbformat.validate(nbformat.read(path, as_version=4))
        elif path.suffix == ".html":
            assert path.read_text(encoding="utf-8").rstrip().endswith("</html>"), path.name
        else:
            assert path.suffix in {".pdf", ".csv"}, path.name
    assert all(p.name.endswith(".tmp") for p in out.iterdir() if p.name.startswith("."))
