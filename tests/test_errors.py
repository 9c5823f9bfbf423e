"""Every exception of planlib lives in planlib.errors, is a PlanlibError and keeps its fields."""

from __future__ import annotations

import ast
import builtins
import inspect
import pickle
from pathlib import Path

import pytest

import planlib
from planlib import errors
from planlib.errors import (
    PlanError,
    PlanlibError,
    PortfolioInfeasible,
    Problem,
    ScenarioError,
    StoreError,
    YamlProblem,
)

PACKAGE = Path(planlib.__file__).resolve().parent

BUILTIN_EXCEPTIONS = {name for name, value in vars(builtins).items()
                      if isinstance(value, type) and issubclass(value, BaseException)}
PLANLIB_EXCEPTIONS = {name for name, value in vars(errors).items()
                      if isinstance(value, type) and issubclass(value, BaseException)}


def _base_name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def test_every_exception_class_is_defined_in_planlib_errors():
    """No module but planlib/errors.py defines a class on an exception, builtin or planlib's."""
    exception_names = BUILTIN_EXCEPTIONS | PLANLIB_EXCEPTIONS
    elsewhere = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and {_base_name(b) for b in node.bases} & exception_names:
                elsewhere.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {node.name}")
    assert not elsewhere, "exceptions outside planlib/errors.py:\n" + "\n".join(elsewhere)


def test_every_exception_in_planlib_errors_is_a_planlib_error():
    classes = [value for value in vars(errors).values()
               if isinstance(value, type) and issubclass(value, BaseException)]
    assert {c.__name__ for c in classes} >= {"PlanError", "YamlProblem", "ScenarioError", "StoreError",
                                             "PortfolioInfeasible"}
    assert all(issubclass(c, PlanlibError) for c in classes)
    assert all(c.__module__ == "planlib.errors" for c in classes)
    assert set(errors.__all__) == {c.__name__ for c in classes} | {"Problem"}


def test_scenario_error_is_still_a_value_error():
    with pytest.raises(ValueError, match="expected a number"):
        raise ScenarioError("finance.pay_award", "expected a number, got 'x'")


def test_the_public_store_error_is_the_one_in_planlib_errors():
    assert planlib.StoreError is StoreError
    assert planlib.PlanlibError is PlanlibError


PROBLEM = Problem("plan.yaml", 3, "period.first", "'2021/23' is not a financial year")

CASES = [
    # (error, message, fields it keeps)
    (PlanError([PROBLEM]), "1 problem:\n" + str(PROBLEM),
     {"problems": [PROBLEM], "file": "plan.yaml", "line": 3, "field": "period.first"}),
    (PlanError([PROBLEM, Problem("kpis.yaml", None, "", "empty")]), f"2 problems:\n{PROBLEM}\nkpis.yaml: empty",
     {"file": None, "line": None, "field": None}),
    (YamlProblem(7, "duplicate key 'a'"), "duplicate key 'a'",
     {"line": 7, "message": "duplicate key 'a'", "file": None}),
    (YamlProblem(None, "the YAML is nested too deeply"), "the YAML is nested too deeply", {"line": None}),
    (ScenarioError("commitments.C1.enabled", "expected true or false, got 'x'"), "expected true or false, got 'x'",
     {"path": "commitments.C1.enabled", "field": "commitments.C1.enabled", "message": "expected true or false, got 'x'",
      "value": None}),
    (ScenarioError("finance.pay_award", "expected a number", value="x"), "expected a number",
     {"field": "finance.pay_award", "value": "x"}),
    (StoreError("scenario 'a' has no version 4", name="a", version=4), "scenario 'a' has no version 4",
     {"message": "scenario 'a' has no version 4", "name": "a", "version": 4}),
    (StoreError("cannot open the store"), "cannot open the store", {"name": None, "version": None}),
    (PortfolioInfeasible("no affordable portfolio", {"2022/23": 2.5e6}), "no affordable portfolio",
     {"shortfall": {"2022/23": 2.5e6}, "message": "no affordable portfolio"}),
    (PortfolioInfeasible("no portfolio meets every rule"), "no portfolio meets every rule", {"shortfall": {}}),
]


@pytest.mark.parametrize("error, message, fields", CASES, ids=lambda x: type(x).__name__ if isinstance(x, Exception) else "")
def test_each_error_keeps_its_message_and_fields(error, message, fields):
    assert isinstance(error, PlanlibError)
    assert str(error) == message
    assert {name: getattr(error, name) for name in fields} == fields
    for name in ("file", "line", "field", "value"):  # every error answers these, None when unknown
        assert hasattr(error, name)


@pytest.mark.parametrize("error, message, fields", CASES, ids=lambda x: type(x).__name__ if isinstance(x, Exception) else "")
def test_each_error_pickles_with_its_fields(error, message, fields):
    """An error raised in a worker process reaches the parent whole."""
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and str(copy) == message
    assert {name: getattr(copy, name) for name in fields} == fields


def test_constructors_keep_their_signatures():
    signatures = {cls.__name__: str(inspect.signature(cls)) for cls in
                  (PlanError, YamlProblem, ScenarioError, StoreError, PortfolioInfeasible)}
    assert signatures == {
        "PlanError": "(problems: 'list[Problem]') -> 'None'",
        "YamlProblem": "(line: 'int | None', message: 'str') -> 'None'",
        "ScenarioError": "(path: 'str', message: 'str', *, value: 'Any' = None) -> 'None'",
        "StoreError": "(message: 'str', *, name: 'str | None' = None, version: 'int | None' = None) -> 'None'",
        "PortfolioInfeasible": "(message: 'str', shortfall: 'Mapping[str, float] | None' = None) -> 'None'",
    }
