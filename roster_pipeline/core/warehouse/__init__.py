"""The roster warehouse: DuckDB (one file, the embedded default) or Postgres (production), behind one
`Warehouse` interface. `open_warehouse` picks the engine from a location; `location_from_env` reads
`ROSTER_WAREHOUSE_URL` (a `postgresql://` URL) and falls back to the DuckDB file `ROSTER_DUCKDB`."""

from __future__ import annotations

import os

from roster_pipeline.core.warehouse.duckdb_engine import DuckDBWarehouse
from roster_pipeline.core.warehouse.postgres_engine import PostgresWarehouse, to_postgres
from roster_pipeline.core.warehouse.schema import (
    APPEND_ONLY,
    FACT_TABLES,
    TABLES,
    AppendOnlyError,
    ReadOnlyQueryError,
    Warehouse,
    columns,
    refuse_writes,
)

DEFAULT_DUCKDB = "out/warehouse.duckdb"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

__all__ = [
    "APPEND_ONLY",
    "DEFAULT_DUCKDB",
    "FACT_TABLES",
    "TABLES",
    "AppendOnlyError",
    "DuckDBWarehouse",
    "PostgresWarehouse",
    "ReadOnlyQueryError",
    "Warehouse",
    "columns",
    "is_postgres",
    "location_from_env",
    "open_warehouse",
    "refuse_writes",
    "to_postgres",
]


def is_postgres(location: str) -> bool:
    return location.startswith(POSTGRES_SCHEMES)


def open_warehouse(location: str) -> Warehouse:
    """A Postgres warehouse for a `postgresql://` URL, else the DuckDB file at `location`."""
    return PostgresWarehouse(location) if is_postgres(location) else DuckDBWarehouse(location)


def location_from_env(explicit: str | None = None) -> str:
    """`explicit` (a command's `--warehouse`) when given, else `ROSTER_WAREHOUSE_URL`, else the DuckDB
    file `ROSTER_DUCKDB`, else the default file."""
    return (
        explicit
        or os.environ.get("ROSTER_WAREHOUSE_URL")
        or os.environ.get("ROSTER_DUCKDB")
        or DEFAULT_DUCKDB
    )
