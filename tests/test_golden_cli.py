"""The command line prints, byte for byte, the committed golden outputs for the example plan.

A restructuring must leave these unchanged; a change that is meant to alter what a person reads
regenerates them on purpose with ``make golden`` and the diff is reviewed and committed.
"""

from __future__ import annotations

import pytest

from tests.golden.cli_outputs import CASES, CLI_GOLDEN, cli_output


def test_every_case_has_a_golden_file():
    assert sorted(p.name for p in CLI_GOLDEN.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_output_matches_its_golden_file(name):
    code, out = cli_output(CASES[name])
    assert code in (0, 1), out
    expected = (CLI_GOLDEN / name).read_text(encoding="utf-8")
    assert out == expected, f"planlib {' '.join(CASES[name])} differs from tests/golden/cli/{name}; run `make golden` and review the diff if the change is meant"
