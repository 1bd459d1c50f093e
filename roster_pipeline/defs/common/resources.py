"""Configurable resources: where the department comes from, the warehouse, and solver settings.

Every field can be set from an environment variable (see `default_resources`), or in the launchpad.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pandas as pd

from roster_pipeline.core.department_io import departments_at, is_department, read_tables
from roster_pipeline.core.warehouse import DEFAULT_DUCKDB, Warehouse, is_postgres, open_warehouse


class DepartmentSource(dg.ConfigurableResource):
    """Where departments come from: one department (a workbook `.xlsx` or a folder of `<table>.csv`
    files), or a folder holding one such folder or workbook per department."""

    path: str

    def location(self, department: str | None = None) -> str:
        """The department's workbook or folder. A source that is one department serves it under
        whatever name its partitions give it; a folder of departments serves each by its name."""
        found = {} if department is None or is_department(self.path) else departments_at(self.path)
        if not found:  # one department (or none: reading it says what is missing)
            return self.path
        if department not in found:
            known = ", ".join(found) or "none"
            raise FileNotFoundError(f"no department {department!r} in {self.path} (found: {known})")
        return str(found[department])

    def read_raw(self, department: str | None = None) -> dict[str, pd.DataFrame]:
        return read_tables(self.location(department))


class WarehouseResource(dg.ConfigurableResource):
    """The roster warehouse: Postgres when the environment variable `url_env` (ROSTER_WAREHOUSE_URL)
    holds a `postgresql://` URL, else the DuckDB file `duckdb_path`. The URL is read when the
    warehouse opens, never stored in config, so a password in it stays out of the UI and run records."""

    duckdb_path: str = DEFAULT_DUCKDB
    url_env: str = "ROSTER_WAREHOUSE_URL"

    def location(self) -> str:
        return os.environ.get(self.url_env) or self.duckdb_path

    def engine(self) -> str:
        return "postgres" if is_postgres(self.location()) else "duckdb"

    def open(self) -> Warehouse:
        return open_warehouse(self.location())


class SolverSettings(dg.ConfigurableResource):
    """CP-SAT settings recorded with every weekly solve.

    `deterministic` stops on deterministic time, so a re-run or backfill of a week reproduces the
    same roster. `first_week` is the Monday planning starts from (blank: the first partition); that
    week uses the department's own history tables, later weeks the warehouse's. `roster_period_weeks`:
    roster periods of that many weeks from the first week; each week is solved with the weeks to
    the end of its period and only the week kept, so fairness is balanced at each period's end
    (planning.weekly.lookahead_for). With `roster_period_weeks` 0, each week is solved with
    `lookahead_weeks` following weeks instead."""

    rule_pack: str = "au-vic"
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    deterministic: bool = True
    first_week: str = ""
    lookahead_weeks: int = 1
    roster_period_weeks: int = 4


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def default_resources() -> dict[str, dg.ConfigurableResource]:
    """Resources from ROSTER_* environment variables, read when the definitions load."""
    return {
        "department": DepartmentSource(path=_env("ROSTER_DEPARTMENT", "out/sample")),
        "warehouse": WarehouseResource(duckdb_path=str(Path(_env("ROSTER_DUCKDB", DEFAULT_DUCKDB)))),
        "solver": SolverSettings(
            rule_pack=_env("ROSTER_RULES", "au-vic"),
            time_limit=float(_env("ROSTER_TIME_LIMIT", "30")),
            workers=int(_env("ROSTER_WORKERS", "2")),
            seed=int(_env("ROSTER_SEED", "0")),
            deterministic=_env("ROSTER_DETERMINISTIC", "1") not in ("0", "false", "no"),
            first_week=_env("ROSTER_FIRST_WEEK", ""),
            lookahead_weeks=int(_env("ROSTER_LOOKAHEAD_WEEKS", "1")),
            roster_period_weeks=int(_env("ROSTER_PERIOD_WEEKS", "4")),
        ),
    }
