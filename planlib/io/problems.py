"""From the model's complaints to a person's: locations become file, line and field.

The model and its cross-reference checks know no files: pydantic reports a location such as
``("commitments", 3, "benefits", 0, "volume")`` and the checks return ``(location, message)``
pairs. This module turns them into :class:`~planlib.errors.Problem` records that name the file
and line the value was read from (:class:`Origins`), the field by the ids people use
(:func:`field_name`) and what was expected, in words (:func:`pydantic_message`).

>>> from planlib.io.yaml import parse_yaml
>>> data = parse_yaml("commitments:\\n  - id: C04\\n    name: x\\n")
>>> origins = Origins()
>>> origins.record(data, (), "commitments.yaml")
>>> loc = ("commitments", 0, "name")
>>> origins.find(loc), field_name(loc, data)
(('commitments.yaml', 3), 'commitments.C04.name')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from planlib.errors import Problem
from planlib.io.yaml import LineDict, LineList, Loc, yaml_line


@dataclass
class Origins:
    """Where each part of the data came from: a path into it -> (file, line).

    ``files`` names the file of a top-level field that has no place recorded (a field that
    is missing altogether); ``default_file`` is used for anything else.
    """

    places: dict[Loc, tuple[str, int]] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)
    default_file: str = ""

    def record(self, node: Any, loc: Loc, display: str) -> None:
        """Note the line of every key and item of YAML ``node`` read from ``display``, under ``loc``."""
        if isinstance(node, LineDict):
            for key, value in node.items():
                self.places[(*loc, key)] = (display, node.key_lines[key])
                self.record(value, (*loc, key), display)
        elif isinstance(node, LineList):
            for i, value in enumerate(node):
                self.places[(*loc, i)] = (display, node.item_lines[i])
                self.record(value, (*loc, i), display)

    def find(self, loc: Loc) -> tuple[str, int | None]:
        """The file and line of the deepest part of ``loc`` that has a place.

        >>> Origins(files={"finance": "finance.yaml"}, default_file="plan.yaml").find(("finance", "tax_base"))
        ('finance.yaml', None)
        """
        for n in range(len(loc), 0, -1):
            if loc[:n] in self.places:
                return self.places[loc[:n]]
        return self.files.get(str(loc[0]) if loc else "", self.default_file), None


def field_name(loc: Loc, raw: Any) -> str:
    """Render a location as ``commitments.C04.benefits[0].volume``, naming items by their id.

    >>> field_name(("commitments", 0, "benefits", 1), {"commitments": [{"id": "C04", "benefits": [{}, {}]}]})
    'commitments.C04.benefits[1]'
    """
    parts: list[str] = []
    node: Any = raw
    for key in loc:
        if isinstance(key, int):
            item = node[key] if isinstance(node, list) and key < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            if isinstance(ident, str) and ident:
                parts.append(f".{ident}")
            else:
                parts.append(f"[{key}]")
            node = item
        else:
            parts.append(f".{key}" if parts else str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts).lstrip(".")


_TYPE_NAMES = {LineDict: "a mapping", LineList: "a list", dict: "a mapping", list: "a list"}
_EXPECTED = {
    "float_type": "expected a number", "int_type": "expected a whole number",
    "string_type": "expected text", "bool_type": "expected true or false",
    "list_type": "expected a list", "tuple_type": "expected a list",
    "dict_type": "expected a mapping", "model_type": "expected a mapping of field: value",
    "model_attributes_type": "expected a mapping of field: value",
    "date_type": "expected a date (YYYY-MM-DD)", "date_from_datetime_parsing": "expected a date (YYYY-MM-DD)",
}


def _cut(text: str, most: int = 60) -> str:
    """``text`` cut short for a message: a value read from a file may be thousands of characters.

    >>> _cut("'" + "x" * 100 + "'")[-8:]
    'xxxx ...'
    """
    return text if len(text) <= most else text[:most - 4] + " ..."


def pydantic_message(err: Mapping[str, Any]) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) in words for the person who wrote the file.

    >>> pydantic_message({"type": "float_type", "input": [1], "msg": "Input should be a valid number"})
    'expected a number (got a list)'
    >>> pydantic_message({"type": "value_error", "input": 3, "msg": "Value error, share must lie between 0 and 1"})
    'share must lie between 0 and 1'
    """
    kind = err["type"]
    given = err.get("input")
    shown = _TYPE_NAMES.get(type(given)) or _cut(repr(given))
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; data/README.md lists the fields)"
    if kind == "missing":
        return "required field is missing"
    if kind == "finite_number":
        return f"must be a finite number, not NaN or infinity (got {shown})"
    if kind == "greater_than_equal" and err.get("ctx", {}).get("ge") == 0:
        return f"must not be negative (got {shown})"
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]} (got {shown})"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind == "literal_error":
        msg += f" (got {shown})"
    return msg


def loc_without_markers(loc: Loc) -> Loc:
    """A pydantic location without the markers it adds (``[key]``, union branches) that are not in the data.

    >>> loc_without_markers(("finance", "police_grant", "values", "[key]"))
    ('finance', 'police_grant', 'values')
    """
    return tuple(x for x in loc if not (isinstance(x, str) and x.startswith("[")))


def problem_order(p: Problem) -> tuple[Any, ...]:
    """Sort key of problems: by file, then line (whole-file problems first), field and message.

    >>> [p.line for p in sorted([Problem("a", 3, "", "x"), Problem("a", None, "", "y")], key=problem_order)]
    [None, 3]
    """
    return (p.file, p.line or 0, p.field, p.message)


def validation_problems(errors: list[Any], display: str, data: Any) -> list[Problem]:
    """The errors of a pydantic ``ValidationError`` about YAML ``data`` read from ``display``, sorted, without repeats.

    >>> from pydantic import BaseModel, ValidationError
    >>> from planlib.io.yaml import parse_yaml
    >>> class Size(BaseModel):
    ...     width: float
    >>> data = parse_yaml("width: [1, 2]\\n")
    >>> try:
    ...     Size.model_validate(data)
    ... except ValidationError as exc:
    ...     print(*validation_problems(exc.errors(), "size.yaml", data))
    size.yaml:1: width: expected a number (got a list)
    """
    found = set()
    for err in errors:
        loc = loc_without_markers(tuple(err["loc"]))
        found.add(Problem(display, yaml_line(data, loc), field_name(loc, data), pydantic_message(err)))
    return sorted(found, key=problem_order)
