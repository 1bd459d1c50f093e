"""The production Dagster instance (deploy/production/dagster.yaml) on a real PostgreSQL cluster: the
daemon takes a backfill of three weeks, the queued run coordinator launches its runs one department
week at a time, in order, and the warehouse (Postgres too) holds each week once. A schedule started
on the instance is stored in Postgres."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from conftest import instance_env, new_database

from roster_pipeline.core.warehouse import open_warehouse
from roster_pipeline.planning.sample import write_sample

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WEEKS = ["2026-10-05", "2026-10-12", "2026-10-19"]


def _runs(instance_url: str) -> list[tuple[str, str]]:
    """(partition, status) of every run, in the order they were created."""
    with psycopg.connect(instance_url) as con:
        rows = con.execute(
            "SELECT r.status, t.value FROM runs r LEFT JOIN run_tags t "
            "ON t.run_id = r.run_id AND t.key = 'dagster/partition' ORDER BY r.id"
        ).fetchall()
    return [(partition, status) for status, partition in rows]


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


def test_the_daemon_runs_a_backfill_in_order_on_postgres(production: dict) -> None:
    started = _dagster(production, "schedule", "start", "weekly_planning_schedule", "-w", "workspace.yaml")
    assert started.returncode == 0, started.stderr[-2000:]
    with psycopg.connect(production["instance"]) as con:
        states = con.execute("SELECT selector_id, status FROM instigators").fetchall()
    assert [status for _, status in states] == ["RUNNING"]
    backfill = _dagster(
        production,
        "job",
        "backfill",
        "-w",
        "workspace.yaml",
        "-j",
        "weekly_roster_job",
        "--partitions",
        ",".join(f"sample|{week}" for week in WEEKS),
        "--noprompt",
    )
    assert backfill.returncode == 0, backfill.stderr[-2000:]
    daemon = subprocess.Popen(
        [str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"],
        cwd=ROOT,
        env=production["env"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 600
        while True:
            runs = _runs(production["instance"])
            finished = [r for r in runs if r[1] in ("SUCCESS", "FAILURE", "CANCELED")]
            if len(finished) == len(WEEKS):
                break
            assert daemon.poll() is None, "the daemon exited"
            assert time.monotonic() < deadline, f"backfill not done: {runs}"
            time.sleep(2)
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
    assert runs == [(f"sample|{week}", "SUCCESS") for week in WEEKS]  # queued, launched, done in order
    wh = open_warehouse(production["warehouse"])
    per_week = wh.query("SELECT week_start, count(*) AS n FROM solve_runs GROUP BY 1 ORDER BY 1")
    assert [str(w.date()) for w in per_week["week_start"]] == WEEKS and set(per_week["n"]) == {1}
    with psycopg.connect(production["instance"]) as con:
        query = (
            "SELECT key, value FROM run_tags "
            "WHERE key IN ('roster/warehouse', 'dagster/partition/department') GROUP BY key, value"
        )
        tags = dict(con.execute(query).fetchall())
    assert tags == {"roster/warehouse": "postgres", "dagster/partition/department": "sample"}
