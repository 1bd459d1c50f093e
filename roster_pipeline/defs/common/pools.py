"""Concurrency names shared by every domain: the warehouse pool and the run tags that limit runs."""

from __future__ import annotations

import os

from roster_pipeline.core.warehouse import is_postgres

# Assets that write the warehouse run in this pool: deploy/dagster.yaml keeps it to one step at a
# time (one writer on the DuckDB file); deploy/production/dagster.yaml allows parallel Postgres writers.
WAREHOUSE_POOL = "roster_warehouse"


def run_tags(environ: os._Environ[str] | dict[str, str] = os.environ) -> dict[str, str]:
    """The tag on every run that writes the warehouse: its engine (`roster/warehouse`; DuckDB runs
    are limited to one at a time). A department week's run also carries Dagster's own
    `dagster/partition/department` tag, which production limits to one run per department."""
    engine = "postgres" if is_postgres(environ.get("ROSTER_WAREHOUSE_URL", "")) else "duckdb"
    return {"roster/warehouse": engine}


WAREHOUSE_TAGS = run_tags()
