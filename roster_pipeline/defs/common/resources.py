"""Configurable resources: where the department comes from, the warehouse, and solver settings.

Every field can be set from an environment variable (see `default_resources`), or in the launchpad.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pandas as pd

from roster_pipeline.core.department_io import read_tables
from roster_pipeline.core.warehouse import DuckDBWarehouse, Warehouse


class DepartmentSource(dg.ConfigurableResource):
    """The department workbook (`.xlsx`) or a folder of `<table>.csv` files."""

    path: str

    def read_raw(self) -> dict[str, pd.DataFrame]:
        return read_tables(self.path)


class WarehouseResource(dg.ConfigurableResource):
    """The roster warehouse. `kind` is `duckdb` (a file, the default); `postgres` is reserved for a
    `Warehouse` implementation on `postgres_url` (not written yet)."""

    kind: str = "duckdb"
    duckdb_path: str = "out/warehouse.duckdb"
    postgres_url: str = ""

    def open(self) -> Warehouse:
        if self.kind == "duckdb":
            return DuckDBWarehouse(self.duckdb_path)
        raise NotImplementedError(f"warehouse kind {self.kind!r} is not implemented (only 'duckdb')")


class SolverSettings(dg.ConfigurableResource):
    """CP-SAT settings recorded with every weekly solve.

    `deterministic` stops on deterministic time, so a re-run or backfill of a week reproduces the
    same roster. `first_week` is the Monday planning starts from (blank: the first partition); that
    week uses the department's own history tables, later weeks the warehouse's."""

    rule_pack: str = "au-vic"
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    deterministic: bool = True
    first_week: str = ""


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def default_resources() -> dict[str, dg.ConfigurableResource]:
    """Resources from ROSTER_* environment variables, read when the definitions load."""
    return {
        "department": DepartmentSource(path=_env("ROSTER_DEPARTMENT", "out/sample")),
        "warehouse": WarehouseResource(
            kind=_env("ROSTER_WAREHOUSE", "duckdb"),
            duckdb_path=str(Path(_env("ROSTER_DUCKDB", "out/warehouse.duckdb"))),
            postgres_url=_env("ROSTER_POSTGRES_URL", ""),
        ),
        "solver": SolverSettings(
            rule_pack=_env("ROSTER_RULES", "au-vic"),
            time_limit=float(_env("ROSTER_TIME_LIMIT", "30")),
            workers=int(_env("ROSTER_WORKERS", "2")),
            seed=int(_env("ROSTER_SEED", "0")),
            deterministic=_env("ROSTER_DETERMINISTIC", "1") not in ("0", "false", "no"),
            first_week=_env("ROSTER_FIRST_WEEK", ""),
        ),
    }
