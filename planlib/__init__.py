"""planlib: the Police and Crime Plan workbench library.

The public names load lazily, on first use, so that ``import planlib`` and ``planlib --help``
stay quick: a finance officer who only runs the medium-term financial plan never pays for
SQLAlchemy, openpyxl, SciPy's optimiser or altair.

>>> import planlib
>>> planlib.__version__ == __import__("importlib.metadata").metadata.version("planlib")
True
>>> plan = planlib.load_plan(planlib.DEFAULT_PLAN)
>>> str(plan.period.first), len(plan.years)
('2021/22', 4)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> the module that defines it (imported on first use)
_PUBLIC: dict[str, str] = {
    "DEFAULT_PLAN": "planlib.io.paths",
    "FinancialYear": "planlib.types",
    "Plan": "planlib.model",
    "PlanError": "planlib.errors",
    "PlanlibError": "planlib.errors",
    "Problem": "planlib.errors",
    "StoreError": "planlib.errors",
    "Result": "planlib.results",
    "compare": "planlib.results",
    "run": "planlib.results",
    "Scenario": "planlib.scenario",
    "ScenarioStore": "planlib.scenario",
    "load_finance_xlsx": "planlib.io.excel",
    "plan_with_finance_xlsx": "planlib.io.finance_workbook",
    "write_finance_template": "planlib.io.excel",
    "write_results_xlsx": "planlib.io.excel",
    "load_folder": "planlib.io.plan_folder",
    "load_plan": "planlib.io",
    "save_plan": "planlib.io",
    "validate": "planlib.io",
    "optimise": "planlib.portfolio",
}

__all__ = sorted([*_PUBLIC, "__version__"])

if TYPE_CHECKING:  # for readers and type checkers; at run time the names load on first use
    from planlib.errors import PlanError, PlanlibError, Problem
    from planlib.model import Plan
    from planlib.types import FinancialYear


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("planlib")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _version()
    elif name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
    else:
        raise AttributeError(f"module 'planlib' has no attribute {name!r}")
    globals()[name] = value  # the next use is a plain lookup
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
