"""The layers of planlib point down, and each unit stays small enough to hold one concept.

Every module of the package belongs to one layer (see the README's folder tour):

0. base: ``errors``, ``types``, ``formats`` (money, shares and years as people read them; error
   messages need them too), ``reference`` (packaged tables read with importlib.resources)
1. model: ``planlib.model``: frozen records and their cross-reference checks
2. io: ``planlib.io``: the only code that opens files
3. engines: finance, appraisal, uncertainty, scenario, levers, compliance, performance, timeline,
   consultation, horizon, implications, portfolio, results: records in, DataFrames or result
   records out
4. presentation: ``planlib.present`` (formats, text, HTML, json shapes) and ``planlib.charts``
5. faces: the CLI, the Voila apps' wiring (``planlib.ui``), the reports, serving, and the
   package's lazy public face (``planlib/__init__.py``)

A module may import its own layer and those below it. Every import counts: at the top of the
module, inside a function, under ``if TYPE_CHECKING:``, or through ``importlib.import_module``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "planlib"

BASE, MODEL, IO, ENGINES, PRESENTATION, FACES = range(6)
LAYER_NAMES = ["base", "model", "io", "engines", "presentation", "faces"]

ENGINE_MODULES = {
    "finance", "appraisal", "uncertainty", "scenario", "levers", "compliance", "performance",
    "timeline", "consultation", "horizon", "implications", "portfolio", "results", "precept", "variation",
    "annual", "response",
}
PRESENTATION_PACKAGES = {"present", "charts"}
FACE_MODULES = {"cli", "ui", "reports", "apps", "serving"}
BASE_MODULES = {"errors", "types", "reference", "formats"}

# libraries that draw, show widgets, write HTML or parse a command line: not below presentation
PRESENTATION_LIBRARIES = {"altair", "ipywidgets", "anywidget", "IPython", "html", "click", "vl_convert", "voila"}
MAX_LINES = 500


def layer_of(module: str) -> int:
    """The layer of a dotted planlib module name; KeyError for one with no layer."""
    parts = module.split(".")
    if parts == ["planlib"]:
        return FACES
    top = parts[1]
    if top in BASE_MODULES:
        return BASE
    if top == "model":
        return MODEL
    if top == "io":
        return IO
    if top in ENGINE_MODULES:
        return ENGINES
    if top in PRESENTATION_PACKAGES:
        return PRESENTATION
    if top in FACE_MODULES:
        return FACES
    raise KeyError(module)


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(name: str, package_root: Path) -> str:
    """The deepest existing planlib module of a dotted name (``planlib.io.write_atomic`` -> ``planlib.io``)."""
    parts = name.split(".")
    while len(parts) > 1:
        candidate = package_root.parent.joinpath(*parts)
        if candidate.with_suffix(".py").is_file() or (candidate / "__init__.py").is_file():
            return ".".join(parts)
        parts.pop()
    return parts[0]


def _typing_only_lines(tree: ast.Module) -> set[int]:
    """Lines inside ``if TYPE_CHECKING:`` blocks (imports there never run)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def imports_of(source: str, module: str, is_package: bool, package_root: Path = PACKAGE,
               *, runtime_only: bool = False) -> list[tuple[int, str]]:
    """Every import in ``source``, wherever it is written: (line, imported module name).

    With ``runtime_only``, imports under ``if TYPE_CHECKING:`` (for annotations, never run) are
    left out: they count for the layers but cannot make a cycle.

    Relative imports are resolved against ``module``; ``from planlib import x`` names the
    submodule ``planlib.x`` when there is one. ``importlib.import_module("...")`` and
    ``__import__("...")`` with a constant name count too.
    """
    found: list[tuple[int, str]] = []
    package = module if is_package else module.rpartition(".")[0]
    tree = ast.parse(source)
    skipped = _typing_only_lines(tree) if runtime_only else set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "planlib":
                for alias in node.names:
                    found.append((node.lineno, _resolve(f"{target}.{alias.name}", package_root)))
            else:
                found.append((node.lineno, target))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return [(line, _resolve(name, package_root) if name.startswith("planlib") else name) for line, name in found]


def prints_in(source: str) -> list[int]:
    """Lines that call ``print``."""
    return [n.lineno for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"]


FILE_CALLS = {"open", "read_text", "write_text", "read_bytes", "write_bytes", "read_csv", "read_excel", "load_workbook"}


def file_calls_in(source: str) -> list[tuple[int, str]]:
    """Lines that open, read or write a file themselves: ``open(...)``, ``path.read_text()``, ..."""
    found = []
    for n in ast.walk(ast.parse(source)):
        if isinstance(n, ast.Call):
            name = n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
            if name in FILE_CALLS:
                found.append((n.lineno, name))
    return found


def modules() -> dict[str, tuple[Path, str]]:
    return {module_name(p): (p, p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = modules()


def violations(mods: dict[str, tuple[Path, str]], package_root: Path = PACKAGE) -> list[str]:
    """Every import that breaks the layering, as ``module:line: message``."""
    found: list[str] = []
    for name, (path, source) in mods.items():
        try:
            own = layer_of(name)
        except KeyError:
            found.append(f"{name}: has no layer")
            continue
        for line, target in imports_of(source, name, path.name == "__init__.py", package_root):
            top = target.split(".")[0]
            if top == "planlib":
                try:
                    theirs = layer_of(target)
                except KeyError:
                    continue
                if theirs > own:
                    found.append(f"{name}:{line}: {LAYER_NAMES[own]} imports {target} ({LAYER_NAMES[theirs]})")
            elif top in PRESENTATION_LIBRARIES and own < PRESENTATION:
                found.append(f"{name}:{line}: {LAYER_NAMES[own]} imports {top}")
        if own < PRESENTATION:
            found += [f"{name}:{line}: {LAYER_NAMES[own]} prints" for line in prints_in(source)]
        if own in (MODEL, ENGINES, PRESENTATION):  # only planlib.io opens files
            found += [f"{name}:{line}: {LAYER_NAMES[own]} opens a file ({call})" for line, call in file_calls_in(source)]
    return found


def cycles(mods: dict[str, tuple[Path, str]], package_root: Path = PACKAGE) -> list[list[str]]:
    """Groups of planlib modules that import one another, directly or round a loop."""
    graph = {name: {t for _, t in imports_of(src, name, path.name == "__init__.py", package_root, runtime_only=True)
                    if t.startswith("planlib") and t != name and t in mods}
             for name, (path, src) in mods.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in graph:
        if v not in index:
            visit(v)
    return groups


def test_every_module_has_a_layer():
    unknown = []
    for name in MODULES:
        try:
            layer_of(name)
        except KeyError:
            unknown.append(name)
    assert unknown == [], f"modules with no layer (add them to tests/test_layers.py and the README): {unknown}"


def test_layers_import_only_downwards():
    assert violations(MODULES) == []


def test_no_modules_import_each_other():
    assert cycles(MODULES) == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_is_at_most_500_lines(name):
    lines = MODULES[name][1].count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines: it probably holds two concepts"


# ---------------------------------------------------------------- the checker cannot be fooled


def _fake_package(tmp_path: Path, files: dict[str, str]) -> tuple[dict[str, tuple[Path, str]], Path]:
    root = tmp_path / "planlib"
    for rel, text in {"__init__.py": "", "io/__init__.py": "", "model/__init__.py": "", **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    mods = {".".join(p.relative_to(tmp_path).with_suffix("").parts).removesuffix(".__init__"): (p, p.read_text())
            for p in sorted(root.rglob("*.py"))}
    return mods, root


@pytest.mark.parametrize("source, expected", [
    ("def f():\n    from planlib.cli import main\n", "engines imports planlib.cli (faces)"),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from planlib.charts import x\n", "engines imports planlib.charts (presentation)"),
    ("import importlib\ndef f():\n    return importlib.import_module('planlib.ui')\n", "engines imports planlib.ui (faces)"),
    ("def f():\n    import altair as alt\n", "engines imports altair"),
    ("from html import escape\n", "engines imports html"),
    ("def f():\n    print('x')\n", "engines prints"),
    ("from planlib import cli\n", "engines imports planlib.cli (faces)"),
    ("def f(path):\n    return path.read_text()\n", "engines opens a file (read_text)"),
    ("def f(path):\n    with open(path) as fh:\n        return fh.read()\n", "engines opens a file (open)"),
])
def test_the_checker_sees_every_kind_of_upward_import(tmp_path, source, expected):
    mods, root = _fake_package(tmp_path, {"finance.py": source, "cli.py": "", "charts/__init__.py": "x = 1\n", "ui/__init__.py": ""})
    found = violations(mods, root)
    assert any(expected in v for v in found), found


def test_the_checker_sees_a_cycle_hidden_in_a_function(tmp_path):
    mods, root = _fake_package(tmp_path, {
        "appraisal.py": "from planlib import uncertainty\n",
        "uncertainty.py": "def f():\n    from planlib.appraisal import npv\n",
    })
    assert cycles(mods, root) == [["planlib.appraisal", "planlib.uncertainty"]]


def test_an_import_for_annotations_only_makes_no_cycle_but_still_counts_for_the_layers(tmp_path):
    mods, root = _fake_package(tmp_path, {
        "model/plan.py": "from planlib.model.checks import problems\n",
        "model/checks.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from planlib.model.plan import Plan\n",
        "finance.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from planlib.cli import main\n",
        "cli.py": "",
    })
    assert cycles(mods, root) == []
    assert any("engines imports planlib.cli (faces)" in v for v in violations(mods, root))


def test_a_downward_import_is_allowed(tmp_path):
    mods, root = _fake_package(tmp_path, {"finance.py": "from planlib.model import Plan\nfrom planlib.io import x\n"})
    assert violations(mods, root) == []


# ---------------------------------------------------------------- lazy imports

HEAVY = ["sqlalchemy", "openpyxl", "scipy", "altair", "ipywidgets", "papermill", "sklearn", "dask", "nbconvert"]


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(out.split()) & set(HEAVY)


def test_import_planlib_loads_no_heavy_dependency():
    assert _loaded_after("import planlib") == set()


def test_loading_and_running_a_plan_loads_no_heavy_dependency():
    assert _loaded_after("import planlib\nplanlib.run(planlib.load_plan(planlib.DEFAULT_PLAN))") == set()


def test_planlib_help_loads_no_heavy_dependency():
    assert _loaded_after("import sys\nfrom planlib.cli import main\nsys.argv = ['planlib', '--help']\n"
                         "try:\n    main()\nexcept SystemExit:\n    pass") == set()


if __name__ == "__main__":  # python -m tests.test_layers: what is left to mend, one line each
    for problem in violations(MODULES):
        print(problem)
    for group in cycles(MODULES):
        print("cycle:", " <-> ".join(group))
    for name, (path, source) in MODULES.items():
        if source.count("\n") > MAX_LINES:
            print(f"{name}: {source.count(chr(10))} lines")
