"""Names of saved scenarios: ordinary words, checked, compared and turned into an id.

A board member saves a scenario under a name such as "Precept plus 12" or "Option B (Panel,
January)". The store keeps that name exactly as checked here, as data (a bound SQL parameter;
never code, a file path or SQL text); the scenario record inside keeps an identifier made from
it (:func:`scenario_id`), which is what file names and result tables use.

What a name may hold: letters of any alphabet, digits, spaces and common punctuation
(``. , : ' ’ ( ) - – — _ & / + ! ? % £ $ € #``); it starts with a letter or a digit (so that
no spreadsheet reads it as a formula), is at most :data:`MAX_NAME_LENGTH` characters, and has no
control characters. Runs of spaces become one space and the text is put in Unicode NFC form.

Two names that differ only in case or spacing are the same scenario (:func:`name_key`): saving
"precept  PLUS 12" when "Precept plus 12" exists adds a version of "Precept plus 12", which
keeps the spelling it was first saved under.

>>> check_scenario_name("  Precept   plus 12 ")
'Precept plus 12'
>>> name_key("Precept plus 12") == name_key("precept  PLUS 12")
True
>>> scenario_id("Précept plus 12 (Panel)")
'precept_plus_12_panel'
>>> check_scenario_name("=HYPERLINK(1)")
Traceback (most recent call last):
...
ValueError: A scenario name starts with a letter or a digit.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

MAX_NAME_LENGTH = 64
"""Longest scenario name, in characters (the store's column holds 64)."""

PUNCTUATION = frozenset(".,:'’()-–—_&/+!?%£$€# ")
"""The punctuation (and the space) a scenario name may hold besides letters and digits."""

RESERVED = ("baseline",)
"""Names a saved scenario may not take (the plan itself is the baseline)."""

NAME_RULE = (f"A scenario name is ordinary words: letters, digits, spaces and common punctuation "
             f"(. , : ' ( ) - & / + ! ? % £), starting with a letter or a digit, at most "
             f"{MAX_NAME_LENGTH} characters (for example “Precept plus 12”).")
"""What a reader is told a name may be."""


def check_scenario_name(name: Any) -> str:
    """``name`` tidied (spaces collapsed, NFC form) if it may name a saved scenario.

    Parameters
    ----------
    name : str
        The name as typed.

    Returns
    -------
    str
        The name to store.

    Raises
    ------
    ValueError
        With a reader's message saying what is wrong (never echoing the name).

    Examples
    --------
    >>> check_scenario_name("Option B – Panel’s view")
    'Option B – Panel’s view'
    >>> check_scenario_name("two\\nlines")
    Traceback (most recent call last):
    ...
    ValueError: A scenario name is one line of text: it cannot hold control characters such as a line break or a tab.
    """
    if not isinstance(name, str):
        raise ValueError(NAME_RULE)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch != " " for ch in name):
        raise ValueError("A scenario name is one line of text: it cannot hold control characters "
                         "such as a line break or a tab.")
    tidy = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip()
    if not tidy:
        raise ValueError("Please give the scenario a name.")
    if len(tidy) > MAX_NAME_LENGTH:
        raise ValueError(f"A scenario name is at most {MAX_NAME_LENGTH} characters; this one has {len(tidy)}.")
    if unicodedata.category(tidy[0])[0] not in ("L", "N"):
        raise ValueError("A scenario name starts with a letter or a digit.")
    if not all(_word_character(ch) or ch in PUNCTUATION for ch in tidy):
        raise ValueError(NAME_RULE)
    if name_key(tidy) in RESERVED:
        raise ValueError(f"“{tidy}” is the plan itself: please choose another name.")
    return tidy


def _word_character(ch: str) -> bool:
    """A letter of any alphabet, an accent on one, or a digit."""
    return unicodedata.category(ch)[0] in ("L", "M", "N")


def name_key(name: str) -> str:
    """What two names must share to be the same scenario: case and spacing do not count.

    >>> name_key(" Precept  Plus 12")
    'precept plus 12'
    """
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip().casefold()


def scenario_id(name: str) -> str:
    """An identifier for the scenario record made from its name (letters, digits and ``_``).

    Accents are dropped and other alphabets, which an identifier cannot hold, leave
    ``scenario``; an identifier starts with a letter.

    >>> scenario_id("2024 budget"), scenario_id("Сценарий"), scenario_id("precept_plus_12")
    ('s_2024_budget', 'scenario', 'precept_plus_12')
    """
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    if not slug:
        return "scenario"
    if not slug[0].isalpha():
        slug = f"s_{slug}"
    return slug[:64].rstrip("_")
