"""Concurrency names shared by every domain: the warehouse pool and the run tag that limits writers."""

# Assets that write the warehouse run one at a time in this pool (one writer on the DuckDB file).
WAREHOUSE_POOL = "roster_warehouse"
# Runs that write the warehouse carry this tag; deploy/dagster.yaml limits it to one run at a time.
WAREHOUSE_TAGS = {"roster/warehouse": "duckdb"}
