"""A backfill of 2 departments x 3 weeks through the daemon, on each warehouse engine.

Postgres (production instance, parallel writers, a process per step): departments run side by side,
each department's weeks in order. DuckDB (the embedded default with deploy/dagster.yaml): runs are
serialised by the `roster/warehouse=duckdb` limit (each run's steps in the run's own process, as runs cannot
overlap anyway). Either way every department week is stored exactly once, and running the same
backfill again changes no row.

Two departments are enough to see them side by side (or serialised), and three weeks cross a roster
period (2 weeks here): the second week starts from the first week's stored lookahead, the third
starts a new period. A run costs about 12 s here and twice that in CI (mostly the run process's
start, contracts, checks and SQL models, not the 0.3 s solve), so the test keeps to 6 runs a
backfill: 3 x 4 weeks took 30 of CI's 90 minutes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from servers import instance_env, new_database

from roster_pipeline.core.warehouse import FACT_TABLES, open_warehouse
from roster_pipeline.planning.sample import write_sample

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEPARTMENTS = ("cardio", "icu")
WEEKS = ["2026-10-05", "2026-10-12", "2026-10-19"]
REGISTRARS = 14
VOLATILE = ("run_id", "seconds")  # solve_runs columns that differ between identical runs


def _setup(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> dict:
    departments = tmp_path / "departments"
    for seed, name in enumerate(DEPARTMENTS, start=11):
        start = dt.date.fromisoformat(WEEKS[0])
        folder = departments / name
        write_sample(folder, registrars=REGISTRARS, sites=1, weeks=len(WEEKS), start=start, seed=seed)
    env = {
        **os.environ,
        "ROSTER_DEPARTMENT": str(departments),
        "ROSTER_TIME_LIMIT": "0.3",
        "ROSTER_WORKERS": "1",
        "ROSTER_FIRST_WEEK": WEEKS[0],
        # 2-week roster periods: at 0.3 s a week the default 4-week period's first solves find no
        # roster and fall back to the week alone (20 of CI's 50 minutes); this test is of the platform
        "ROSTER_PERIOD_WEEKS": "2",
    }
    home = tmp_path / "home"
    if engine == "postgres":
        server = request.getfixturevalue("postgres_server")
        env.update(instance_env(home, new_database(server)))
        env["ROSTER_WAREHOUSE_URL"] = location = new_database(server)
        env["ROSTER_EXECUTOR"] = "multiprocess"  # parallel steps inside each run
    else:
        home.mkdir()
        shutil.copy(ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")  # sqlite storage
        env["DAGSTER_HOME"] = str(home)
        env.pop("ROSTER_WAREHOUSE_URL", None)
        env["ROSTER_DUCKDB"] = location = str(tmp_path / "warehouse.duckdb")
        env["ROSTER_EXECUTOR"] = "in_process"
    return {"env": env, "home": home, "warehouse": location, "log": tmp_path / "daemon.log"}


def _backfill(setup: dict, total: int) -> list[dg.RunRecord]:
    """Queue the backfill and run the daemon until the instance holds `total` finished runs; the
    records of this backfill's runs."""
    keys = ",".join(f"{d}|{w}" for d in DEPARTMENTS for w in WEEKS)
    command = [str(BIN / "dagster"), "job", "backfill", "-w", "workspace.yaml", "-j", "weekly_roster_job"]
    queued = subprocess.run(
        [*command, "--partitions", keys, "--noprompt"],
        cwd=ROOT,
        env=setup["env"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert queued.returncode == 0, queued.stderr[-2000:]
    log = setup["log"].open("a")
    daemon = subprocess.Popen(
        [str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"],
        cwd=ROOT,
        env=setup["env"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    expected = len(DEPARTMENTS) * len(WEEKS)
    try:
        deadline = time.monotonic() + 1200
        while True:
            records = _records(setup)
            done = [r for r in records if r.dagster_run.is_finished]
            if len(records) == total and len(done) == total:
                return sorted(records, key=lambda r: r.create_timestamp)[total - expected :]
            assert daemon.poll() is None, f"the daemon exited: {setup['log'].read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"{len(done)} of {total} runs finished"
            time.sleep(3)
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
        log.close()


def _records(setup: dict) -> list[dg.RunRecord]:
    with pytest.MonkeyPatch.context() as env:
        for name, value in setup["env"].items():
            if name.startswith("DAGSTER_"):
                env.setenv(name, value)
        with dg.DagsterInstance.get() as instance:
            return list(instance.get_run_records())


def _failures(setup: dict, records: list[dg.RunRecord]) -> str:
    """The error messages of the failed runs (for the assertion message)."""
    failed = [r.dagster_run for r in records if r.dagster_run.status != dg.DagsterRunStatus.SUCCESS]
    with pytest.MonkeyPatch.context() as env:
        for name, value in setup["env"].items():
            if name.startswith("DAGSTER_"):
                env.setenv(name, value)
        with dg.DagsterInstance.get() as instance:
            return "\n".join(
                f"{run.tags.get('dagster/partition')}: {event.message or ''} "
                f"{event.dagster_event.event_specific_data if event.dagster_event else ''}"[:1500]
                for run in failed
                for event in instance.all_logs(run.run_id)
                if event.dagster_event and event.dagster_event.is_failure
            )


def _snapshot(location: str) -> dict[str, pd.DataFrame]:
    wh = open_warehouse(location)
    frames = {t: wh.query(f"SELECT * FROM {t}") for t in FACT_TABLES}
    frames = {t: f.drop(columns=[c for c in VOLATILE if c in f]) for t, f in frames.items()}
    return {t: f.sort_values(list(f.columns)).reset_index(drop=True) for t, f in frames.items()}


def _overlapping(records: list[dg.RunRecord]) -> int:
    """How many pairs of runs were running at the same time."""
    spans = [(r.start_time, r.end_time) for r in records]
    return sum(a[0] < b[1] and b[0] < a[1] for i, a in enumerate(spans) for b in spans[i + 1 :])


@pytest.mark.parametrize("engine", ["postgres", "duckdb"])
def test_a_backfill_of_two_departments_loses_nothing_and_reruns_identically(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    setup = _setup(engine, tmp_path, request)
    expected = len(DEPARTMENTS) * len(WEEKS)
    records = _backfill(setup, expected)
    assert {r.dagster_run.status for r in records} == {dg.DagsterRunStatus.SUCCESS}, _failures(setup, records)
    by_department: dict[str, list[tuple[str, float, float]]] = {}
    for r in records:
        department, week = r.dagster_run.tags["dagster/partition"].split("|")
        by_department.setdefault(department, []).append((week, r.start_time, r.end_time))
    for department, spans in by_department.items():  # each department's weeks ran one after another, in order
        spans.sort(key=lambda span: span[1])
        assert [w for w, _, _ in spans] == WEEKS, department
        assert all(a[2] <= b[1] for a, b in zip(spans, spans[1:], strict=False)), department
    if engine == "postgres":
        assert _overlapping(records) > 0  # departments side by side
        assert {r.dagster_run.tags["roster/warehouse"] for r in records} == {"postgres"}
    else:
        assert _overlapping(records) == 0  # one DuckDB writer at a time
    first = _snapshot(setup["warehouse"])
    per_week = first["solve_runs"].groupby(["department", "week_start"]).size()
    assert len(per_week) == len(DEPARTMENTS) * len(WEEKS) and set(per_week) == {1}
    cells = first["roster_assignments"][["department", "registrar_id", "date"]]
    assert not cells.duplicated().any() and len(cells) > 0
    assert len(first["fairness_ledger"]) == REGISTRARS * len(DEPARTMENTS) * len(WEEKS)
    versions = open_warehouse(setup["warehouse"]).query("SELECT version_id FROM roster_versions")
    assert len(versions) == len(DEPARTMENTS) * len(WEEKS)

    again_records = _backfill(setup, 2 * expected)  # the same backfill again
    assert {r.dagster_run.status for r in again_records} == {dg.DagsterRunStatus.SUCCESS}
    again = _snapshot(setup["warehouse"])
    for table in FACT_TABLES:
        pd.testing.assert_frame_equal(again[table], first[table], obj=table)
    assert len(open_warehouse(setup["warehouse"]).query("SELECT version_id FROM roster_versions")) == len(
        versions
    )
