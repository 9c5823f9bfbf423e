"""The only code that opens files: plan folders, YAML and CSV, problems with file and line, atomic writes.

Each concept has its module; this package gathers the names most callers need.

=======================  ====================================================================
``io.paths``             where the example plan, the report templates and the apps live
``io.text``              reading one UTF-8 text file, with size and encoding checks
``io.yaml``              the safe YAML loader that keeps line numbers; YAML that reads back
``io.tabular``           CSV files read against their columns (:class:`CsvSpec`)
``io.problems``          the model's locations turned into file, line and field
``io.records``           one YAML file beside the plan read into one record
``io.atomic``            :func:`write_atomic`, for text and bytes
``io.plan_files``        the plan folder's own files: :func:`load_plan`, :func:`save_plan`,
                         :func:`validate`
``io.excel``             Excel workbooks (loads openpyxl; not imported here)
``io.store``             the scenario store (loads SQLAlchemy; not imported here)
=======================  ====================================================================

>>> plan = load_plan(DEFAULT_PLAN)
>>> len(plan.commitments), validate(DEFAULT_PLAN)
(28, [])
"""

from __future__ import annotations

from planlib.errors import YamlProblem  # callers that catch it next to parse_yaml
from planlib.io.atomic import write_atomic
from planlib.io.paths import DEFAULT_PLAN
from planlib.io.plan_files import FILES, PlanFile, load_plan, save_plan
from planlib.io.plan_folder import validate  # the plan and its side files
from planlib.io.records import read_yaml_record
from planlib.io.tabular import RENAMED_COLUMNS, CsvSpec, csv_dump, parse_csv
from planlib.io.text import MAX_FILE_BYTES, read_text
from planlib.io.yaml import MAX_YAML_NODES, LineDict, LineList, parse_yaml, yaml_dump, yaml_line

__all__ = [
    "DEFAULT_PLAN",
    "FILES",
    "MAX_FILE_BYTES",
    "MAX_YAML_NODES",
    "RENAMED_COLUMNS",
    "CsvSpec",
    "LineDict",
    "LineList",
    "PlanFile",
    "YamlProblem",
    "csv_dump",
    "load_plan",
    "parse_csv",
    "parse_yaml",
    "read_text",
    "read_yaml_record",
    "save_plan",
    "validate",
    "write_atomic",
    "yaml_dump",
    "yaml_line",
]
