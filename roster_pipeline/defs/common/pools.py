"""Concurrency names shared by every domain: the warehouse pool and the run tags that limit runs."""

from __future__ import annotations

import os

from roster_pipeline.core.warehouse import is_postgres
from roster_pipeline.living.versions import department_key

# Assets that write the warehouse run in this pool: deploy/dagster.yaml keeps it to one step at a
# time (one writer on the DuckDB file); deploy/production/dagster.yaml allows parallel Postgres writers.
WAREHOUSE_POOL = "roster_warehouse"


def run_tags(environ: os._Environ[str] | dict[str, str] = os.environ) -> dict[str, str]:
    """Tags on every run that writes the warehouse: its engine (`roster/warehouse`, limited to one
    run at a time on DuckDB) and its department (`roster/department`, one run per department at a
    time in production, so a department's weeks go in order)."""
    engine = "postgres" if is_postgres(environ.get("ROSTER_WAREHOUSE_URL", "")) else "duckdb"
    department = department_key(environ.get("ROSTER_DEPARTMENT") or "out/sample")
    return {"roster/warehouse": engine, "roster/department": department}


WAREHOUSE_TAGS = run_tags()
