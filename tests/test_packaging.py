"""Set-up files agree with each other, and packaged reference data with its source."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version

import pytest
import yaml

import planlib

from tests.conftest import ROOT

SHARED_REFERENCE = ROOT.parent / "shared" / "reference"


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_names_every_dependency_of_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed: set[str] = set()
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            listed |= {_name(r) for r in entry.get("pip", []) if not r.startswith("-")}
        else:
            listed.add(_name(entry))
    assert wanted - listed == set(), "environment.yml lacks these dependencies of pyproject.toml"
    assert "python" in listed


def test_version_comes_from_the_package_metadata():
    assert planlib.__version__ == version("planlib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert planlib.__version__ == project["version"]


def test_fixed_top_level_layout_exists():
    for name in ("planlib", "notebooks", "voila_apps", "reports", "data", "tests", "benchmarks",
                 "environment.yml", "pyproject.toml", "Makefile", "README.md", ".ci/run"):
        assert (ROOT / name).exists(), name


def test_readme_opens_with_the_two_set_up_commands():
    text = (ROOT / "README.md").read_text()
    first_section = text.split("\n## ", 2)[1]
    assert first_section.startswith("Set up and run")
    commands = re.findall(r"^make \w+$", first_section, flags=re.M)
    assert commands == ["make app", "make test"]


@pytest.mark.skipif(not SHARED_REFERENCE.exists(), reason="the shared reference folder is not beside this clone")
def test_packaged_statutory_requirements_match_the_shared_reference():
    packaged = (ROOT / "planlib" / "reference" / "statutory_plan_requirements.csv").read_bytes()
    assert packaged == (SHARED_REFERENCE / "statutory_plan_requirements.csv").read_bytes()


@pytest.mark.skipif(not SHARED_REFERENCE.exists(), reason="the shared reference folder is not beside this clone")
@pytest.mark.parametrize("name", ["green_book_discount_rates.csv", "green_book_optimism_bias_generic.csv"])
def test_packaged_green_book_tables_match_the_shared_reference(name):
    assert (ROOT / "planlib" / "reference" / name).read_bytes() == (SHARED_REFERENCE / name).read_bytes()
