"""Nothing in the library knows an example plan: no id, file or name of any plan under data/.

There are 41 offices; planlib must work on any of their plans. Whatever an app needs to know
about a plan comes from the plan's own files (``levers: officer_commitment`` in ``plan.yaml``,
say), never from an id written into planlib. This test reads every example plan folder under
``data/`` (each folder with a ``plan.yaml``; a new example is covered as soon as it exists) and
fails if any of its ids, file names or names appears anywhere in ``planlib/`` (code, docstrings,
doctests, templates, packaged reference files).

What counts as one of an example's words:

- the folder's name and the names of its scenario files;
- every ``id`` in its YAML files (objectives, sections, commitments, KPIs, grants, assumptions,
  evidence, timeline events, horizon items, consultation themes...) that contains an underscore
  or a digit and is at least four characters long. Ids that are ordinary words (``minimal``,
  ``violence``) or as short as ``s1`` would match ordinary code, so they are left out; every id
  of the examples today has an underscore;
- the plan's ``name`` and ``police_area`` and the names of its local authorities, as whole words.

No id is exempt: an example's ids must differ from the field names of planlib's own records
and from the ids ``planlib new`` writes into every new plan (both are checked below), so that
library code naming a field or a template id never names an example. The one allowed
mention is the embedded default itself, ``DEFAULT_PLAN`` in
``planlib/io/paths.py``. Doctests may load ``planlib.DEFAULT_PLAN`` and show the numbers it
gives, but take any id they need from the plan they loaded rather than writing it out. Numbers
are not checked: a figure such as 450 is too common to tell apart.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

import planlib.model
from tests.conftest import ROOT

LIBRARY = ROOT / "planlib"
TEXT_SUFFIXES = {".py", ".j2", ".html", ".htm", ".css", ".js", ".json", ".md", ".csv", ".yaml", ".yml", ".txt", ".tpl"}
EXAMPLES = sorted(p.parent for p in (ROOT / "data").glob("*/plan.yaml"))


def _ids(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and isinstance(item, (str, int)):
                yield str(item)
            yield from _ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _ids(item)


def _own_field_names() -> set[str]:
    """Every field name of planlib's records: planlib's own vocabulary."""
    names: set[str] = set()
    for value in vars(planlib.model).values():
        if isinstance(value, type) and issubclass(value, BaseModel):
            names |= set(value.model_fields)
    return names


def _new_plan_ids() -> set[str]:
    """The ids ``planlib new`` writes into a new plan (its optional blocks, written as comments, too)."""
    from planlib.io.new_plan_settings import new_plan_settings
    from planlib.io.plan_template import plan_folder_files

    settings = new_plan_settings("Testshire", "2021/22", 4, ["Northtown", "Southtown"])
    text = "\n".join(plan_folder_files(settings).values())
    return set(re.findall(r"\bid:\s*([A-Za-z0-9_]+)", text)) - {settings.plan_id}


def example_words(folder: Path) -> tuple[set[str], set[str]]:
    """The ids and file names (matched as identifiers) and the names (matched as words) of one example."""
    ids = {folder.name} | {p.stem for p in (folder / "scenarios").glob("*.yaml")}
    for path in sorted(folder.rglob("*.yaml")):
        ids |= set(_ids(yaml.safe_load(path.read_text(encoding="utf-8"))))
    ids = {i for i in ids if re.search(r"[_0-9]", i) and len(i) >= 4}
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    names = {plan["name"], plan["police_area"]}
    if (folder / "local_authorities.csv").exists():
        with (folder / "local_authorities.csv").open(encoding="utf-8", newline="") as f:
            names |= {row["name"] for row in csv.DictReader(f)}
    return ids, {n for n in names if n}


def _pattern(ids: set[str], names: set[str]) -> re.Pattern[str]:
    by_length = sorted(ids, key=len, reverse=True)
    identifiers = r"(?<![A-Za-z0-9_])(?:" + "|".join(map(re.escape, by_length)) + r")(?![A-Za-z0-9_])"
    words = r"\b(?:" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")\b"
    return re.compile(identifiers + "|" + words)


def _allowed(path: Path, line: str) -> bool:
    """The embedded default plan, named once where the repository's layout is known."""
    return path == LIBRARY / "io" / "paths.py" and line.startswith("DEFAULT_PLAN = ")


def mentions(folder: Path) -> list[str]:
    """``file:line: word`` for every mention of the example at ``folder`` in planlib/."""
    pattern = _pattern(*example_words(folder))
    found = []
    for path in sorted(LIBRARY.rglob("*")):
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES or "__pycache__" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _allowed(path, line):
                continue
            for match in pattern.finditer(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
    return found


def test_there_is_an_example_to_check():
    assert planlib.DEFAULT_PLAN in EXAMPLES


def test_the_words_of_an_example_are_its_ids_files_and_names():
    ids, names = example_words(planlib.DEFAULT_PLAN)
    plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    assert planlib.DEFAULT_PLAN.name in ids and {c.id for c in plan.commitments} <= ids
    assert {k.id for k in plan.kpis} <= ids and {g.id for g in plan.grants} <= ids
    assert plan.police_area in names
    pattern = _pattern(ids, names)
    commitment = plan.commitments[0].id
    assert pattern.search(f'plan.commitment("{commitment}")')
    assert not pattern.search(f"{commitment}_extra") and not pattern.search(f"x{commitment}")


@pytest.mark.parametrize("folder", EXAMPLES, ids=lambda p: p.name)
def test_no_example_id_is_a_field_name_or_an_id_planlib_new_writes(folder: Path):
    ids, _ = example_words(folder)
    assert ids & _own_field_names() == set()
    assert ids & _new_plan_ids() == set()


@pytest.mark.parametrize("folder", EXAMPLES, ids=lambda p: p.name)
def test_no_id_file_or_name_of_the_example_appears_in_planlib(folder: Path):
    found = mentions(folder)
    assert found == [], f"planlib/ names the example {folder.name}:\n" + "\n".join(found)
