"""Hypothesis profiles. `ci` (the default: `.ci/run` and `make test` set no CI variable) is
derandomised with no deadline, so every run tries the same inputs. Hypothesis refuses an example
database with `derandomize=True`, so a failure found is recorded in the repository as an
`@example(...)` decorator on its test. `dev` (`HYPOTHESIS_PROFILE=dev`) searches randomly and keeps
its finds in the local, ignored `.hypothesis/` folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from servers import ROOT, free_port, new_database

from roster_pipeline.core.warehouse import Warehouse, open_warehouse

settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("dev" if os.environ.get("HYPOTHESIS_PROFILE") == "dev" else "ci")


# ---- Warehouses: every warehouse test runs on DuckDB and on a real, throwaway PostgreSQL cluster
# (deploy/local-postgres.sh: as root it runs as the unprivileged `postgres` user). No test is skipped
# for lack of a server: without PostgreSQL's binaries the Postgres cases fail.
@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The superuser URL of a PostgreSQL cluster started for this test session."""
    folder = Path(tempfile.mkdtemp(prefix="roster-pg-"))
    folder.chmod(0o755)  # the cluster's owner (`postgres` when tests run as root) must reach it
    data = folder / "data"
    script = ROOT / "deploy" / "local-postgres.sh"
    started = subprocess.run(
        ["bash", str(script), "start", str(data), str(free_port())], capture_output=True, text=True
    )
    if started.returncode != 0:
        pytest.fail(f"PostgreSQL did not start: {started.stderr.strip()}", pytrace=False)
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run(["bash", str(script), "stop", str(data)], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A new, empty database on the session's cluster."""
    return new_database(postgres_server)


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh warehouse's location on each engine: a DuckDB file, or a Postgres database URL."""
    if request.param == "duckdb":
        return str(tmp_path / "warehouse.duckdb")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def warehouse(warehouse_location: str) -> Warehouse:
    return open_warehouse(warehouse_location)
