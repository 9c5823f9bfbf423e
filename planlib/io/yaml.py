"""YAML with line numbers: a safe loader that remembers where each key and item was written.

Mappings come back as :class:`LineDict` and sequences as :class:`LineList`, so that a problem
found later (by the model or a cross-reference check) can name the line it is about. The
loader refuses anchors and aliases, duplicate keys, whole numbers of more than
:data:`MAX_INTEGER_DIGITS` digits and files with more than :data:`MAX_YAML_NODES` values, and
reads numbers as YAML 1.2 does (``590.0e6`` is a number).
:func:`yaml_dump` writes YAML that the loader reads back unchanged.

>>> data = parse_yaml("commitments:\\n  - id: C01\\n    name: Safer streets\\n")
>>> data["commitments"][0]["name"], yaml_line(data, ("commitments", 0, "name"))
('Safer streets', 3)
>>> parse_yaml(yaml_dump({"a": "1e3", "b": 1e3}))
{'a': '1e3', 'b': 1000.0}
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from planlib.errors import YamlProblem
from planlib.types import refuse_control_characters

MAX_YAML_NODES = 200_000
"""Most YAML nodes (values, keys, lists, mappings) accepted in one file."""

MAX_INTEGER_DIGITS = 30
"""Most digits of a whole number (a pound figure of 30 digits is already a million times the
world's wealth); longer ones are refused with their line before Python is asked to convert them."""

Loc = tuple[Any, ...]
"""A path into parsed data: keys and list positions, e.g. ``("commitments", 3, "costs")``."""


class LineDict(dict):
    """A mapping read from YAML that remembers the line of each key.

    >>> data = parse_yaml("a: 1\\nb: 2\\n")
    >>> isinstance(data, LineDict), data.line, data.key_lines
    (True, 1, {'a': 1, 'b': 2})
    """

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    """A sequence read from YAML that remembers the line of each item.

    >>> data = parse_yaml("- x\\n- y\\n")
    >>> isinstance(data, LineList), data.item_lines
    (True, [1, 2])
    """

    line: int = 0
    item_lines: list[int]


# YAML 1.2 numbers: PyYAML (YAML 1.1) reads 590.0e6 or 1e6 as text, which would be a type error.
_FLOAT_RE = re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


class _PlanLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe YAML loader that refuses aliases and duplicate keys and records line numbers.

    libyaml (C) parses when it is installed, Python otherwise; construction is ours either way.
    """

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._nodes = 0

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # An alias is the same node met a second time: refusing it here stops "billion laughs"
        # expansions before they start, whatever the parser.
        if node in self.constructed_objects or node in self.recursive_objects:
            raise YamlProblem(
                node.start_mark.line + 1,
                "anchors and aliases (&name, *name) are not allowed: the value anchored here is reused; write it out in full",
            )
        self._nodes += 1
        if self._nodes > MAX_YAML_NODES:
            raise YamlProblem(node.start_mark.line + 1, f"more than {MAX_YAML_NODES:,} values in one file")
        return super().construct_object(node, deep)

    def construct_yaml_map(self, node: yaml.MappingNode) -> Any:
        data = LineDict()
        data.line = node.start_mark.line + 1
        data.key_lines = {}
        yield data
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise YamlProblem(key_node.start_mark.line + 1, f"a key must be text, not {type(key).__name__}")
            key = str(key) if not isinstance(key, str) else key
            try:
                refuse_control_characters(key)
            except ValueError as exc:
                raise YamlProblem(key_node.start_mark.line + 1, f"a key {exc}") from None
            if key in data:
                raise YamlProblem(
                    key_node.start_mark.line + 1,
                    f"duplicate key {key!r} (first on line {data.key_lines[key]}); "
                    "only one value may be given",
                )
            data[key] = self.construct_object(value_node, deep=True)
            data.key_lines[key] = key_node.start_mark.line + 1

    def construct_yaml_seq(self, node: yaml.SequenceNode) -> Any:
        data = LineList()
        data.line = node.start_mark.line + 1
        data.item_lines = [n.start_mark.line + 1 for n in node.value]
        yield data
        data.extend(self.construct_object(n, deep=True) for n in node.value)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        # Python refuses to convert more than 4,300 digits, and a figure of 400 digits overflows
        # a float: no number in a plan needs more than MAX_INTEGER_DIGITS.
        digits = sum(c.isdigit() for c in str(node.value))
        if digits > MAX_INTEGER_DIGITS:
            raise YamlProblem(node.start_mark.line + 1, f"a whole number of {digits:,} digits is far too long "
                              f"(at most {MAX_INTEGER_DIGITS}); no figure of a plan needs so many")
        return super().construct_yaml_int(node)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        return float(super().construct_yaml_float(node))

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        # 2021-13-14 looks like a date to the resolver but is none: say so, with the line.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise YamlProblem(node.start_mark.line + 1, f"{node.value!r} is not a real date ({exc})") from None


_PlanLoader.add_constructor("tag:yaml.org,2002:map", _PlanLoader.construct_yaml_map)
_PlanLoader.add_constructor("tag:yaml.org,2002:seq", _PlanLoader.construct_yaml_seq)
_PlanLoader.add_constructor("tag:yaml.org,2002:int", _PlanLoader.construct_yaml_int)
_PlanLoader.add_constructor("tag:yaml.org,2002:float", _PlanLoader.construct_yaml_float)
_PlanLoader.add_constructor("tag:yaml.org,2002:timestamp", _PlanLoader.construct_yaml_timestamp)
# Replace the YAML 1.1 float resolver with one that also reads 1e6 and 590.0e6 as numbers.
_PlanLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:float"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PlanLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_RE, list("-+0123456789."))
# Integers keep priority: they are resolved first by the inherited int resolver.
for _first in list("-+0123456789"):
    _resolvers = _PlanLoader.yaml_implicit_resolvers.get(_first, [])
    _resolvers.sort(key=lambda r: r[0] != "tag:yaml.org,2002:int")


def parse_yaml(text: str) -> Any:
    """Parse YAML text safely, keeping line numbers.

    Raises :class:`~planlib.errors.YamlProblem` for syntax errors, aliases, duplicate keys and
    files with more than :data:`MAX_YAML_NODES` values.

    >>> data = parse_yaml("a: 1\\nb:\\n  - 590.0e6\\n  - 1e3\\n")
    >>> data, data.key_lines["b"], data["b"].item_lines
    ({'a': 1, 'b': [590000000.0, 1000.0]}, 2, [3, 4])
    >>> parse_yaml("a: 1\\na: 2\\n")
    Traceback (most recent call last):
    ...
    planlib.errors.YamlProblem: duplicate key 'a' (first on line 1); only one value may be given
    """
    try:
        loader = _PlanLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        raise YamlProblem(line, f"YAML syntax error: {what}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, f"YAML error: {exc}") from None
    except RecursionError:
        raise YamlProblem(None, "the YAML is nested too deeply") from None


def yaml_line(data: Any, loc: Loc) -> int | None:
    """The line of the deepest part of ``loc`` found in YAML read by :func:`parse_yaml`.

    >>> data = parse_yaml("items:\\n  - id: a\\n    size: 3\\n")
    >>> yaml_line(data, ("items", 0, "size")), yaml_line(data, ("items", 0, "colour"))
    (3, 2)
    """
    line = getattr(data, "line", None)
    node = data
    for key in loc:
        if isinstance(node, LineDict) and key in node:
            line, node = node.key_lines[key], node[key]
        elif isinstance(node, LineList) and isinstance(key, int) and 0 <= key < len(node):
            line, node = node.item_lines[key], node[key]
        else:
            break
    return line


class _PlanDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Writes YAML that :class:`_PlanLoader` reads back unchanged: text such as ``1e3`` that
    the loader would read as a number is quoted."""


_PlanDumper.yaml_implicit_resolvers = {k: list(v) for k, v in _PlanLoader.yaml_implicit_resolvers.items()}


def yaml_dump(data: Any) -> str:
    """``data`` (plain dicts, lists, text and numbers) as block YAML that :func:`parse_yaml` reads back unchanged.

    Keys keep their order; text that would read as a number is quoted.

    >>> print(yaml_dump({"name": "x", "size": "1e3", "years": [2021, 2022]}), end="")
    name: x
    size: '1e3'
    years:
    - 2021
    - 2022
    """
    return yaml.dump(data, Dumper=_PlanDumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)
