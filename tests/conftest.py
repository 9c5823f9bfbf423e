"""Shared fixtures: the example plan is loaded once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import planlib

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MINIMAL = FIXTURES / "minimal"


@pytest.fixture(scope="session")
def example_plan() -> planlib.Plan:
    return planlib.load_plan(planlib.DEFAULT_PLAN)


@pytest.fixture(scope="session")
def minimal_plan() -> planlib.Plan:
    return planlib.load_plan(MINIMAL)


@pytest.fixture
def plan_copy(tmp_path: Path):
    """Copy a plan folder (the minimal one by default) into a temporary folder to change it."""

    def make(source: Path = MINIMAL) -> Path:
        target = tmp_path / "plan"
        shutil.copytree(source, target)
        return target

    return make
