"""The distributed executor for real: a Redis broker (Debian's redis-server), two dagster-celery
workers, and the production instance on PostgreSQL. Two departments' weeks are materialised at once
with ROSTER_EXECUTOR=celery: every step runs in a worker, and the Postgres warehouse holds each
department's weeks once."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from servers import free_port, instance_env, new_database

from roster_pipeline.core.warehouse import open_warehouse
from roster_pipeline.planning.sample import write_sample

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WEEKS = ["2026-10-05", "2026-10-12"]
DEPARTMENTS = ("ed", "icu")
SELECTION = "not group:dashboards and not group:joblines and not group:repairs and not group:explanations"


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        assert process.poll() is None, "redis-server exited"
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.2)


@pytest.fixture
def broker(tmp_path: Path):
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def cluster(tmp_path: Path, postgres_server: str, broker: str):
    departments = tmp_path / "departments"
    for seed, name in enumerate(DEPARTMENTS, start=7):
        start = dt.date.fromisoformat(WEEKS[0])
        write_sample(departments / name, registrars=12, sites=2, weeks=2, start=start, seed=seed)
    warehouse_url = new_database(postgres_server)
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",  # as an activated virtual environment
        **instance_env(tmp_path / "home", new_database(postgres_server)),
        "ROSTER_DEPARTMENT": str(departments),
        "ROSTER_WAREHOUSE_URL": warehouse_url,
        "ROSTER_EXECUTOR": "celery",
        "ROSTER_CELERY_BROKER": f"{broker}/0",
        "ROSTER_CELERY_BACKEND": f"{broker}/1",
        "ROSTER_TIME_LIMIT": "0.5",
        "ROSTER_WORKERS": "1",
        "ROSTER_FIRST_WEEK": WEEKS[0],
    }
    workers = [  # each in its own process group: stopping it stops its celery processes too
        subprocess.Popen(
            ["bash", str(ROOT / "deploy" / "celery-worker.sh"), name, "-c", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for name in ("w1", "w2")
    ]
    try:
        yield {"env": env, "warehouse": warehouse_url, "instance": env["DAGSTER_PG_DB"]}
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)


def _materialise(env: dict[str, str], department: str) -> subprocess.Popen:
    command = [
        str(BIN / "dagster"),
        "asset",
        "materialize",
        "-m",
        "roster_pipeline.definitions",
        "--select",
        SELECTION,
        "--partition-range",
        f"{department}|{WEEKS[0]}...{department}|{WEEKS[-1]}",
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_two_departments_through_two_celery_workers(cluster: dict) -> None:
    runs = [_materialise(cluster["env"], department) for department in DEPARTMENTS]  # at once
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err[-3000:]
    wh = open_warehouse(cluster["warehouse"])
    stored = wh.query(
        "SELECT department, week_start, count(*) AS n FROM solve_runs GROUP BY 1, 2 ORDER BY 1, 2"
    )
    assert [(d, str(w.date()), n) for d, w, n in stored.itertuples(index=False)] == [
        (d, w, 1) for d in DEPARTMENTS for w in WEEKS
    ]
    assignments = wh.query("SELECT department, count(*) AS n FROM roster_assignments GROUP BY 1 ORDER BY 1")
    assert list(assignments["department"]) == list(DEPARTMENTS) and (assignments["n"] > 0).all()
    models = wh.query("SELECT DISTINCT department FROM fairness_weekly ORDER BY 1")
    assert list(models["department"]) == list(DEPARTMENTS)
    env = cluster["env"]
    url = f"postgresql://{env['DAGSTER_PG_USER']}@{env['DAGSTER_PG_HOST']}:{env['DAGSTER_PG_PORT']}/{cluster['instance']}"
    delegated = "WHERE dagster_event_type = 'ENGINE_EVENT' AND event LIKE '%in celery worker%'"
    with psycopg.connect(url) as con:
        steps = con.execute("SELECT count(*) FROM event_logs WHERE dagster_event_type = 'STEP_SUCCESS'")
        succeeded = steps.fetchone()[0]
        events = [row[0] for row in con.execute(f"SELECT event FROM event_logs {delegated}").fetchall()]
    workers = {worker for event in events for worker in ("w1@", "w2@") if worker in event}
    assert succeeded > 0 and len(events) == succeeded  # every step that succeeded ran in a celery worker
    assert workers and workers <= {"w1@", "w2@"}
