"""Data contracts for department tables (docs/engine-spec.md, section 1).

Pure pandas/pandera: no Dagster imports, so the CLI, tests and the pipeline share one contract.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from data_contracts.cross import cross_table_problems
from data_contracts.models import REQUIRED_TABLES, TABLE_MODELS, TABLES
from data_contracts.problems import ContractError, Problem
from data_contracts.tables import check_table

__all__ = [
    "REQUIRED_TABLES",
    "TABLES",
    "TABLE_MODELS",
    "ContractError",
    "Problem",
    "validate_department",
]


def validate_department(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Validate and coerce department tables, raising one `ContractError` listing every problem.

    Table names and headers are matched trimmed and lower-cased; unknown tables are problems,
    extra columns are kept, and a frame with no columns and no rows counts as an absent table.
    Problem rows count the header as row 1 (first data row = row 2, as in Excel and as the line
    number of a CSV). Fully blank rows are dropped.

    Returns the present tables with every declared column (missing optional ones blank): dates
    as `datetime.date`, times as zero-padded 'HH:MM' strings, `|`-lists trimmed, blanks as NaN,
    required integers as int64 and other numbers as float64.
    """
    given = {str(name).strip().lower(): frame for name, frame in tables.items() if not _is_empty(frame)}
    problems = [
        Problem(name, None, None, f"unknown table; expected one of {', '.join(TABLES)}")
        for name in given
        if name not in TABLE_MODELS
    ]
    problems += [
        Problem(name, None, None, "required table is missing")
        for name in REQUIRED_TABLES
        if name not in given
    ]
    checks = {name: check_table(name, given[name]) for name in TABLES if name in given}
    for name, check in checks.items():
        problems += check.problems
        if name in REQUIRED_TABLES and check.frame.empty:
            problems.append(Problem(name, None, None, "required table has no data rows"))
    # Tables missing a required column are left out of cross-table checks (as referrer or reference).
    problems += cross_table_problems({name: c.frame for name, c in checks.items() if not c.missing})
    if problems:
        raise ContractError(sorted(problems, key=_problem_order))
    return {name: check.frame.reset_index(drop=True) for name, check in checks.items()}


def _is_empty(frame: pd.DataFrame | None) -> bool:
    """A table with no columns and no rows (e.g. an empty CSV file) counts as absent."""
    return frame is None or (frame.empty and len(frame.columns) == 0)


def _problem_order(problem: Problem) -> tuple[int, int]:
    """Tables in spec order (unknown last), table/column-level problems first, then by row."""
    table = TABLES.index(problem.table) if problem.table in TABLES else len(TABLES)
    return table, problem.row or 0
