"""The ``planlib`` command line: parse the arguments, call planlib, print what planlib.present writes.

Exit codes: 0 success; 1 invalid input (a clear message naming file, line and field, never a
traceback); 2 wrong usage. ``--debug`` shows the traceback of an unexpected error.

Each command imports what it needs when it runs, so that ``planlib --help`` loads click and
little else. :mod:`planlib.cli.base` holds the group and what the commands share; the commands
are in :mod:`~planlib.cli.plan_commands`, :mod:`~planlib.cli.analysis_commands` and
:mod:`~planlib.cli.serving_commands`, :mod:`~planlib.cli.report_commands` and the others (importing them registers them with the group).
"""

from __future__ import annotations

from planlib.cli import analysis_commands, annual_commands, document_commands, plan_commands, report_commands, serving_commands, variation_commands  # noqa: F401 - registers the commands
from planlib.cli.base import main

__all__ = ["main"]
