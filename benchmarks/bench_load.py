"""Loading and checking the example plan, against only parsing its files (the floor)."""

from __future__ import annotations

import csv
import io

import yaml

import planlib
from benchmarks.harness import Case


def _parse_only() -> None:
    # What any loader must do at least: read the YAML with libyaml and the CSV rows.
    for path in sorted(planlib.DEFAULT_PLAN.iterdir()):
        if path.suffix == ".yaml":
            yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
        elif path.suffix == ".csv":
            list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))


def cases() -> list[Case]:
    return [
        Case("load_plan(example) with checks", lambda: planlib.load_plan(planlib.DEFAULT_PLAN),
             "yaml+csv parse only", _parse_only, goal=""),
    ]
