"""The README is true: its Python example runs, and its tour of the library names every module
that exists and only modules that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PACKAGE = ROOT / "planlib"


def _tour() -> str:
    return README[README.index("### The library's layers"):README.index("## The command line")]


@pytest.mark.slow
def test_the_python_example_runs(tmp_path, monkeypatch):
    import planlib

    block = re.search(r"From Python:\n\n```python\n(.*?)```", README, re.S).group(1)
    (tmp_path / "data").symlink_to(ROOT / "data", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLANLIB_STORE", str(tmp_path / "scenarios.db"))
    planlib.write_finance_template(planlib.load_plan(planlib.DEFAULT_PLAN), "my_inputs.xlsx")
    namespace: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert namespace["problems"] == []
    assert namespace["version"] == 1
    assert namespace["folder"].horizon is not None
    assert (tmp_path / "results.xlsx").is_file() and (tmp_path / "copy_of_plan").is_dir()


def _rows() -> list[list[Path]]:
    """The concept table's rows, each as the planlib paths its backticked names stand for.

    A bare file name stands in the folder named before it in the same row (``io/excel/`` then
    ``cells.py``), or at the top of the package.
    """
    tour = _tour()
    table = tour[tour.index("Where to find a concept"):]
    rows = []
    for row in table.splitlines():
        if not row.startswith("| ") or row.startswith("| concept"):
            continue
        folder = ""
        paths = []
        for name in re.findall(r"`([a-z_/]+(?:\.py|/))`", row.split("|")[2]):
            if "/" in name:
                folder = name if name.endswith("/") else name.rsplit("/", 1)[0] + "/"
                paths.append(PACKAGE / name)
            else:
                paths.append(PACKAGE / folder / name if folder and (PACKAGE / folder / name).exists() else PACKAGE / name)
        rows.append(paths)
    return rows


def test_every_module_the_tour_names_exists():
    named = [path for row in _rows() for path in row]
    assert len(named) > 40
    assert [str(p.relative_to(PACKAGE)) for p in named if not p.exists()] == []


def test_every_module_is_in_the_tour():
    named = {path for row in _rows() for path in row}
    absent = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__init__.py":
            path = path.parent
            if path == PACKAGE or path in named:
                continue
        elif path in named:
            continue
        absent.append(path.relative_to(PACKAGE).as_posix())
    assert absent == [], f"modules the README's tour does not name: {absent}"
