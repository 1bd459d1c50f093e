"""The production Dagster instance (deploy/production/dagster.yaml) on a real PostgreSQL cluster: a
schedule started on the instance is stored in Postgres, and the daemon's scheduler, sensor, backfill
and run-queue loops report to it there. Backfills through this instance's daemon:
tests/defs/test_backfill.py."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from servers import instance_env, new_database

from roster_pipeline.planning.sample import write_sample

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WEEKS = ["2026-10-05", "2026-10-12", "2026-10-19"]
DAEMONS = {"SCHEDULER", "SENSOR", "BACKFILL", "QUEUED_RUN_COORDINATOR"}


@pytest.fixture
def production(tmp_path: Path, postgres_server: str) -> dict:
    sample = tmp_path / "sample"
    write_sample(sample, registrars=20, sites=2, weeks=4, start=dt.date.fromisoformat(WEEKS[0]), seed=7)
    home = tmp_path / "home"
    instance_url, warehouse_url = new_database(postgres_server), new_database(postgres_server)
    env = {
        **os.environ,
        **instance_env(home, instance_url),
        "ROSTER_DEPARTMENT": str(sample),
        "ROSTER_WAREHOUSE_URL": warehouse_url,
        "ROSTER_TIME_LIMIT": "0.5",
        "ROSTER_WORKERS": "1",
        "ROSTER_FIRST_WEEK": WEEKS[0],
    }
    return {"env": env, "instance": instance_url, "warehouse": warehouse_url}


def _dagster(production: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "dagster"), *args],
        cwd=ROOT,
        env=production["env"],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_schedule_and_the_daemon_live_in_postgres(production: dict) -> None:
    started = _dagster(production, "schedule", "start", "weekly_planning_schedule", "-w", "workspace.yaml")
    assert started.returncode == 0, started.stderr[-2000:]
    with psycopg.connect(production["instance"]) as con:
        states = con.execute("SELECT selector_id, status FROM instigators").fetchall()
    assert [status for _, status in states] == ["RUNNING"]
    daemon = subprocess.Popen(
        [str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"],
        cwd=ROOT,
        env=production["env"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while not _heartbeats(production["instance"]) >= DAEMONS:
            assert daemon.poll() is None, "the daemon exited"
            assert time.monotonic() < deadline, f"daemons reporting: {_heartbeats(production['instance'])}"
            time.sleep(2)
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)


def _heartbeats(instance_url: str) -> set[str]:
    """The daemon loops that have reported to the instance's Postgres storage."""
    with psycopg.connect(instance_url) as con:
        return {kind for (kind,) in con.execute("SELECT daemon_type FROM daemon_heartbeats").fetchall()}


def test_the_warehouse_pool_is_set_before_the_first_run(production: dict) -> None:
    """deploy/init-pools.sh stores the pool's limit, so concurrent first runs never race to insert it
    (dagster-io/dagster#33552: a UniqueViolation failed one of two celery runs in CI)."""
    with psycopg.connect(production["instance"]) as con:
        rows = con.execute(
            'SELECT concurrency_key, "limit", using_default_limit FROM concurrency_limits'
        ).fetchall()
        slots = con.execute(
            "SELECT count(*) FROM concurrency_slots WHERE concurrency_key = 'roster_warehouse'"
        )
        slot_count = slots.fetchone()[0]
    assert rows == [("roster_warehouse", 4, False)]
    assert slot_count == 4
