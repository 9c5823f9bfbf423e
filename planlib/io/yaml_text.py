"""Writing YAML by hand, with comments: quoted text, numbers, comment blocks and year series.

``yaml_dump`` writes data; a new plan's files (:mod:`planlib.io.plan_template`,
:mod:`planlib.io.finance_template`) are written for a person to read and fill, so they are
built line by line with a comment beside each field. These helpers keep that text valid YAML
that :func:`planlib.io.yaml.parse_yaml` reads back.

>>> from planlib.io.yaml import parse_yaml
>>> lines = series("police_grant", "Core grant.", "GBP", "placeholder: the grant report",
...                {"2021/22": 150e6, "2022/23": 154.5e6})
>>> parse_yaml("\\n".join(lines))["police_grant"]["values"]["2022/23"]
154500000.0
>>> quoted('Dyfed-Powys "new"')
'"Dyfed-Powys \\\\"new\\\\""'
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping

WIDTH = 100
"""The widest line a comment block is wrapped to."""

PLACEHOLDER = "placeholder: replace with "
"""How the source of every number of a new plan begins, so that a reader (and the checklist) sees
what is still to be replaced."""


def quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (JSON's string syntax, which YAML reads too).

    >>> quoted("Testshire")
    '"Testshire"'
    """
    return json.dumps(text, ensure_ascii=False)


def number(value: float) -> str:
    """A number as YAML reads it back exactly: always with a decimal point (``150000000.0``).

    >>> number(150e6), number(0.36), number(10)
    ('150000000.0', '0.36', '10.0')
    """
    return repr(float(value))


def comment(text: str, indent: int = 0) -> list[str]:
    """``text`` as ``#`` lines wrapped to :data:`WIDTH`; a blank line in ``text`` starts a new paragraph.

    >>> comment("What the grant is.", 2)
    ['  # What the grant is.']
    """
    prefix = " " * indent + "# "
    lines: list[str] = []
    for paragraph in text.split("\n\n"):
        if lines:
            lines.append(prefix.rstrip())
        lines += textwrap.wrap(paragraph, WIDTH, initial_indent=prefix, subsequent_indent=prefix,
                               break_long_words=False, break_on_hyphens=False)
    return lines


def series(name: str, description: str, unit: str, source: str, values: Mapping[str, float], *,
           indent: int = 0, confidence: int = 6) -> list[str]:
    """A YearSeries block: its description, unit, source, status ``illustrative``, confidence, values.

    >>> series("pay_award", "Pay rise.", "share", "placeholder: x", {"2021/22": 0.0})[-1]
    '    2021/22: 0.0'
    """
    pad = " " * indent
    lines = [f"{pad}{name}:",
             f"{pad}  description: {quoted(description)}",
             f"{pad}  unit: {quoted(unit)}",
             f"{pad}  source: {quoted(source)}",
             f"{pad}  status: illustrative",
             f"{pad}  confidence: {confidence}",
             f"{pad}  values:"]
    lines += [f"{pad}    {year}: {number(value)}" for year, value in values.items()]
    return lines


def assumption(name: str, description: str, unit: str, source: str, value: float, *,
               year: str | None = None, confidence: int = 6) -> list[str]:
    """A single number with its provenance (an Assumption; a DatedValue when ``year`` is given).

    >>> assumption("minimum_reserves", "Prudent minimum.", "GBP", "placeholder: x", 10e6)[2]
    '  value: 10000000.0'
    """
    lines = [f"{name}:", f"  description: {quoted(description)}"]
    if year is not None:
        lines.append(f"  year: {quoted(year)}")
    return lines + [f"  value: {number(value)}",
                    f"  unit: {quoted(unit)}",
                    f"  source: {quoted(source)}",
                    "  status: illustrative",
                    f"  confidence: {confidence}"]
