"""planlib: the Police and Crime Plan workbench library.

>>> import planlib
>>> planlib.__version__ == __import__("importlib.metadata").metadata.version("planlib")
True
"""

from importlib.metadata import PackageNotFoundError, version

from planlib.errors import PlanError, PlanlibError, Problem
from planlib.excel import load_finance_xlsx, write_finance_template, write_results_xlsx
from planlib.io import DEFAULT_PLAN, load_plan, save_plan, validate
from planlib.model import Plan
from planlib.portfolio import optimise
from planlib.results import Result, compare, run
from planlib.scenario import Scenario
from planlib.store import ScenarioStore, StoreError
from planlib.types import FinancialYear

try:
    __version__ = version("planlib")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "0+unknown"

__all__ = [
    "DEFAULT_PLAN",
    "FinancialYear",
    "Plan",
    "PlanError",
    "PlanlibError",
    "Problem",
    "Result",
    "Scenario",
    "ScenarioStore",
    "StoreError",
    "__version__",
    "compare",
    "load_finance_xlsx",
    "load_plan",
    "optimise",
    "run",
    "save_plan",
    "validate",
    "write_finance_template",
    "write_results_xlsx",
]
