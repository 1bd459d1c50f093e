"""The Dagster pipeline end to end on a small sample department (real solves, real DuckDB files).

Weeks 2026-10-05..2026-10-19 are planned: partitions only exist up to four weeks after today, so the
tests use past weeks. Solves run on one worker with a fixed seed and a deterministic time limit, so
reruns reproduce rosters; no test reads the wall clock or depends on what a search happened to find.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import psycopg
import pytest
from servers import free_port, new_database

from data_contracts import validate_department
from roster_pipeline.core.department_io import read_tables
from roster_pipeline.core.domain import Horizon, frame_hash
from roster_pipeline.core.rules import load_pack
from roster_pipeline.core.warehouse import FACT_TABLES, DuckDBWarehouse, open_warehouse
from roster_pipeline.definitions import defs
from roster_pipeline.defs.common.partitions import partition_key
from roster_pipeline.defs.common.resources import DepartmentSource, SolverSettings, WarehouseResource
from roster_pipeline.defs.rosters.schedules import weekly_planning_schedule
from roster_pipeline.defs.sql_models.assets import referenced_tables
from roster_pipeline.planning.sample import write_sample
from roster_pipeline.planning.weekly import department_for_week
from roster_pipeline.validator import validate_roster

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WEEKS = ["2026-10-05", "2026-10-12", "2026-10-19"]
DEPARTMENT = "sample"  # the sample's folder name: partitions are department|week
TIME_LIMIT = 0.5
PERIOD_WEEKS = 2  # roster periods of 2 weeks: at 0.5 s a week a 2-week solve finds a roster, 3 weeks not
JOB = "weekly_roster_job"
VOLATILE = ("run_id", "seconds")  # solve_runs columns that differ between identical runs


def _home(path: Path) -> Path:
    """A DAGSTER_HOME with telemetry off."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return path


def _resources(department: Path, database: Path) -> dict:
    return {
        "department": DepartmentSource(path=str(department)),
        "warehouse": WarehouseResource(duckdb_path=str(database)),
        "solver": SolverSettings(
            time_limit=TIME_LIMIT,
            workers=1,
            seed=0,
            deterministic=True,
            first_week=WEEKS[0],
            roster_period_weeks=PERIOD_WEEKS,
        ),
    }


def _env(department: Path, database: Path, home: Path) -> dict[str, str]:
    _home(home)
    return {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "ROSTER_DEPARTMENT": str(department),
        "ROSTER_DUCKDB": str(database),
        "ROSTER_TIME_LIMIT": str(TIME_LIMIT),
        "ROSTER_WORKERS": "1",
        "ROSTER_SEED": "0",
        "ROSTER_DETERMINISTIC": "1",
        "ROSTER_FIRST_WEEK": WEEKS[0],
        "ROSTER_PERIOD_WEEKS": str(PERIOD_WEEKS),
    }


def _table(database: Path, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def _snapshot(database: Path) -> dict[str, pd.DataFrame]:
    return {t: _table(database, f"SELECT * FROM {t} ORDER BY ALL") for t in FACT_TABLES}


def _run(week: str, resources: dict, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    """The weekly job for the sample department's `week` (partition key sample|week)."""
    job = defs.resolve_job_def(JOB)
    return job.execute_in_process(
        partition_key=partition_key(DEPARTMENT, week),
        resources=resources,
        instance=instance,
        raise_on_error=False,
    )


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pipeline") / "sample"
    write_sample(out, registrars=20, sites=2, weeks=4, start=dt.date.fromisoformat(WEEKS[0]), seed=7)
    return out


@pytest.fixture(scope="module")
def week_by_week(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Three weeks planned one run at a time, in process, on a DAGSTER_HOME instance."""
    base = tmp_path_factory.mktemp("week_by_week")
    home, database = _home(base / "home"), base / "warehouse.duckdb"
    resources = _resources(sample, database)
    results = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(home))
        with dg.DagsterInstance.get() as instance:
            for week in WEEKS:
                result = _run(week, resources, instance)
                assert result.success, week
                results.append(result)
    return {"database": database, "home": home, "results": results, "snapshot": _snapshot(database)}


def test_definitions_assets_jobs_and_sql_lineage() -> None:
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"ingest/registrars", "ingest/partners", "validated_department", "weekly_roster"} <= keys
    assert {"fairness_weekly", "fairness_cumulative", "fairness_spread_gini", "fairness_dashboard"} <= keys
    graph = defs.resolve_asset_graph()
    parents = {k.to_user_string() for k in graph.get(dg.AssetKey("fairness_cumulative")).parent_keys}
    assert parents == {"fairness_weekly", "weekly_roster"}
    assert defs.resolve_job_def(JOB).name == JOB


def test_sqlglot_reads_tables_not_ctes_or_comments() -> None:
    sql = (
        "-- from not_a_table\n"
        "with x as (select * from fairness_ledger) select * from x join solve_runs using (week_start)"
    )
    assert referenced_tables(sql) == ("fairness_ledger", "solve_runs")


def test_schedule_plans_the_week_four_weeks_ahead() -> None:
    when = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=11)))
    context = dg.build_schedule_context(
        repository_def=defs.get_repository_def(), scheduled_execution_time=when
    )
    requests = weekly_planning_schedule.evaluate_tick(context).run_requests
    assert [r.partition_key for r in requests] == ["sample|2026-12-21"]  # one run per department


def test_weeks_carry_history_and_ledger(week_by_week: dict) -> None:
    snap = week_by_week["snapshot"]
    runs = snap["solve_runs"]
    assert [str(d.date()) for d in pd.to_datetime(runs["week_start"])] == WEEKS
    assert (runs["hard_violations"] == 0).all() and runs["status"].isin(["OPTIMAL", "FEASIBLE"]).all()
    assert runs["input_hash"].str.len().gt(0).all() and runs["rule_pack_version"].notna().all()
    # 2-week roster periods from the first week: each week solved to its period's end
    assert runs.sort_values("week_start")["lookahead_weeks"].tolist() == [1, 0, 1]
    ledger = snap["fairness_ledger"].sort_values(["registrar_id", "week_start"])
    for _, rows in ledger.groupby("registrar_id"):
        # cumulative counts grow by exactly each week's count
        assert (rows["cum_nights"].diff().dropna() == rows["nights"].iloc[1:].to_numpy()).all()
        assert (rows["cum_hours"].diff().dropna() == rows["hours"].iloc[1:].to_numpy()).all()
    # every week's assignments lie inside its week
    a = snap["roster_assignments"]
    offset = (pd.to_datetime(a["date"]) - pd.to_datetime(a["week_start"])).dt.days
    assert offset.between(0, 6).all()
    # each week's ledger hours are the hours of that week's assignments (0 for a registrar with none)
    worked = a.groupby(["week_start", "registrar_id"])["hours"].sum()
    ledger_hours = ledger.set_index(["week_start", "registrar_id"])["hours"]
    expected = worked.reindex(ledger_hours.index, fill_value=0.0)
    pd.testing.assert_series_equal(ledger_hours, expected, check_names=False, check_dtype=False)
    last = week_by_week["results"][-1]
    checks = {e.check_name: e.passed for e in last.get_asset_check_evaluations()}
    names = ("no_hard_violations", "cover_met", "contracts_hold", "gx_roster_week", "gx_fairness_ledger")
    assert [checks[name] for name in names] == [True] * 5
    gx = next(e for e in last.get_asset_check_evaluations() if e.check_name == "gx_roster_week")
    assert gx.metadata["expectations"].value == 10 and gx.metadata["failed_expectations"].value == 0


def test_a_week_starts_from_the_roster_looked_ahead_to(week_by_week: dict, sample: Path) -> None:
    """A period's first week stores its lookahead solve's roster of the next week; that roster is
    legal on the first week's roster, and the next week's own roster is no worse at the pack's first
    level (cover targets, requests, leave, fairness), as the independent validator judges both."""
    snap = week_by_week["snapshot"]
    ahead = snap["lookahead_assignments"]
    weeks = [dt.date.fromisoformat(w) for w in WEEKS]
    stored = {d.date() for d in pd.to_datetime(ahead["week_start"])}
    assert stored == {weeks[0], weeks[2]}  # 2-week periods: the second week looks nowhere ahead
    first = ahead[pd.to_datetime(ahead["week_start"]).dt.date == weeks[0]]
    offset = (pd.to_datetime(first["date"]) - pd.Timestamp(weeks[1])).dt.days
    assert offset.between(0, 6).all()
    assignments = snap["roster_assignments"]
    dated = pd.to_datetime(assignments["week_start"]).dt.date
    earlier = assignments[dated == weeks[0]][["registrar_id", "date", "shift"]]
    department = department_for_week(validate_department(read_tables(sample)), weeks[1], earlier, None)
    pack, week = load_pack("au-vic"), Horizon(weeks[1], 1)
    looked_ahead = validate_roster(department, pack, week, first[["registrar_id", "date", "shift"]])
    planned = validate_roster(department, pack, week, assignments[dated == weeks[1]])
    assert looked_ahead.hard_violations == 0 and planned.hard_violations == 0
    soft = [r for r in pack.rules if not r.hard]
    level = min(r.priority for r in soft)
    first_level = [r.id for r in soft if r.priority == level]
    assert sum(planned.penalty_by_rule[r] for r in first_level) <= sum(
        looked_ahead.penalty_by_rule[r] for r in first_level
    )


def _cells(frame: pd.DataFrame) -> set[tuple[str, str, str]]:
    rows = frame[["registrar_id", "date", "shift"]].itertuples(index=False)
    return {(r, str(pd.Timestamp(d).date()), s) for r, d, s in rows}


def test_each_planned_week_is_recorded_as_a_draft_version(week_by_week: dict) -> None:
    database, snap = week_by_week["database"], week_by_week["snapshot"]
    versions = _table(database, "SELECT * FROM roster_versions ORDER BY version_id")
    runs = snap["solve_runs"].sort_values("week_start")
    assert list(versions["version_id"]) == ["V0001", "V0002", "V0003"]
    assert list(pd.to_datetime(versions["horizon_start"]).dt.date.astype(str)) == WEEKS
    assert set(versions["cause"]) == {"solve"} and list(versions["run_id"]) == list(runs["run_id"])
    assert list(versions["input_hash"]) == list(runs["input_hash"])
    states = _table(database, "SELECT version_id, state FROM version_states ORDER BY version_id")
    assert list(states["state"]) == ["draft"] * 3
    kept = _table(database, "SELECT version_id, registrar_id, date, shift FROM version_assignments")
    planned = snap["roster_assignments"]
    for version_id, week in zip(
        versions["version_id"], pd.to_datetime(versions["horizon_start"]), strict=True
    ):
        mine = kept[kept["version_id"] == version_id]
        theirs = planned[pd.to_datetime(planned["week_start"]) == week]
        assert _cells(mine) == _cells(theirs) and len(mine) == len(theirs) > 0


def _fairness_by_hand(ledger: pd.DataFrame) -> pd.DataFrame:
    """fairness_weekly recomputed in pandas: share = fte x available days over the week's sum."""
    frame = ledger.sort_values(["week_start", "registrar_id"]).reset_index(drop=True)
    weight = frame["fte"] * frame["available_days"]
    frame["share"] = weight / weight.groupby(frame["week_start"]).transform("sum")
    for column in ("nights", "weekends", "hours"):
        total = frame.groupby("week_start")[column].transform("sum")
        frame[f"{column}_deviation"] = frame[column] - frame["share"] * total
    frame["hours_per_fte"] = frame["hours"] / frame["fte"]
    return frame


def _gini(values: pd.Series) -> float:
    x = values.to_numpy(dtype=float)
    return float(abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean()))


def test_sql_models_and_dashboard_match_the_fact_tables(week_by_week: dict, sample: Path) -> None:
    snap, database = week_by_week["snapshot"], week_by_week["database"]
    hand = _fairness_by_hand(snap["fairness_ledger"])
    model = _table(database, "SELECT * FROM fairness_weekly ORDER BY week_start, registrar_id")
    columns = ["share", "nights_deviation", "weekends_deviation", "hours_deviation"]
    pd.testing.assert_frame_equal(model[columns], hand[columns], check_dtype=False, atol=1e-9)
    # the last week's dashboard numbers against the same figures computed here
    week = hand[hand["week_start"] == hand["week_start"].max()]
    run = snap["solve_runs"].iloc[-1]
    meta = week_by_week["results"][-1].asset_materializations_for_node("fairness_dashboard")[0].metadata
    for column in ("nights", "weekends", "hours"):
        spread = week[f"{column}_deviation"].max() - week[f"{column}_deviation"].min()
        assert meta[f"{column}_spread"].value == round(spread, 3)  # rounded as a manager reads it
    assert meta["gini_hours"].value == round(_gini(week["hours_per_fte"]), 3)
    assert run["requests_total"] > 0  # the sample week has requests (no requests: the key is left out)
    honoured = 100.0 * run["requests_honoured"] / run["requests_total"]
    assert meta["requests_honoured_pct"].value == round(honoured, 3)
    assert meta["hard_violations"].value == 0 and meta["objective"].value == round(run["objective"], 3)
    cover = snap["cover_status"]
    below = cover[(cover["week_start"] == run["week_start"]) & (cover["assigned"] < cover["min"])]
    assert meta["cover_below_min"].value == len(below)
    shifts = snap["roster_assignments"]
    shifts = shifts[shifts["week_start"] == run["week_start"]]
    assert meta["dagster/row_count"].value == len(shifts) > 0
    # every assignment of the week is in the calendar: its registrar's row (by name) has the shift code
    registrars = pd.read_csv(sample / "registrars.csv", dtype=str)
    names = dict(zip(registrars["registrar_id"], registrars["name"], strict=True))
    calendar = {line.split("|")[1].strip(): line for line in meta["calendar"].value.splitlines()[2:]}
    for registrar, shift in shifts[["registrar_id", "shift"]].itertuples(index=False):
        assert f" {shift} " in calendar[names[registrar]], (registrar, shift)


def test_rerunning_a_week_replaces_exactly_its_rows(
    week_by_week: dict, sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(week_by_week["database"], database)
    monkeypatch.setenv("DAGSTER_HOME", str(_home(tmp_path / "home")))
    with dg.DagsterInstance.get() as instance:
        assert _run(WEEKS[1], _resources(sample, database), instance).success
    after = _snapshot(database)
    for table in FACT_TABLES:
        columns = [c for c in after[table].columns if c not in VOLATILE]
        pd.testing.assert_frame_equal(after[table][columns], week_by_week["snapshot"][table][columns])
    # the same roster again: the draft version already recorded is kept, nothing new is written
    assert len(_table(database, "SELECT * FROM roster_versions")) == 3
    assert len(_table(database, "SELECT * FROM version_states")) == 3


def test_a_week_without_its_previous_week_fails(sample: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(_home(tmp_path / "home")))
    database = tmp_path / "empty.duckdb"
    with dg.DagsterInstance.get() as instance:
        result = _run(WEEKS[2], _resources(sample, database), instance)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "2026-10-12 has not been solved" in failure.event_specific_data.error.message
    assert _table(database, "SELECT count(*) AS n FROM solve_runs")["n"].iloc[0] == 0


def _broken_copy(sample: Path, tmp_path: Path) -> Path:
    bad = tmp_path / "bad"
    shutil.copytree(sample, bad)
    (bad / "department.xlsx").unlink()
    leave = pd.read_csv(bad / "leave.csv", dtype=str, keep_default_na=False)
    leave.loc[0, "end"] = "2026-01-01"
    leave.to_csv(bad / "leave.csv", index=False)
    prefs = pd.read_csv(bad / "preferences.csv", dtype=str, keep_default_na=False)
    prefs.loc[0, "registrar_id"] = "R999"
    prefs.to_csv(bad / "preferences.csv", index=False)
    return bad


def _failure_text(result: dg.ExecuteInProcessResult) -> str:
    return "\n".join(e.event_specific_data.error.message for e in result.all_events if e.is_step_failure)


def test_bad_department_fails_contracts_and_leaves_warehouse_unchanged(
    week_by_week: dict, sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(week_by_week["database"], database)
    bad = _broken_copy(sample, tmp_path)
    monkeypatch.setenv("DAGSTER_HOME", str(_home(tmp_path / "home")))
    with dg.DagsterInstance.get() as instance:
        result = _run(WEEKS[1], _resources(bad, database), instance)
        assert not result.success
        text = _failure_text(result)
        assert "leave row 2, column end: end 2026-01-01 is before start" in text
        # the run page shows the problems as a table (table, row, column, message)
        failure = next(e for e in result.all_events if e.is_step_failure)
        metadata = failure.event_specific_data.user_failure_data.metadata
        assert metadata["problem_count"].value == 2
        rows = [
            (r.data["table"], r.data["row"], r.data["column"]) for r in metadata["problems"].value.records
        ]
        assert rows == [("leave", "2", "end"), ("preferences", "2", "registrar_id")]
        assert not result.asset_materializations_for_node("weekly_roster")
        # fix the per-table problem: the cross-table check (unknown registrar) still stops the run
        leave = pd.read_csv(sample / "leave.csv", dtype=str, keep_default_na=False)
        leave.to_csv(bad / "leave.csv", index=False)
        result = _run(WEEKS[1], _resources(bad, database), instance)
        assert not result.success
        text = _failure_text(result)
        assert "preferences row 2, column registrar_id" in text and "R999" in text
        failure = next(e for e in result.all_events if e.is_step_failure)
        assert failure.step_key == "ingest_department"
    after = _snapshot(database)
    for table in FACT_TABLES:
        pd.testing.assert_frame_equal(after[table], week_by_week["snapshot"][table])


@pytest.fixture(scope="module")
def cli_backfill(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """`dagster asset materialize --partition-range` over three weeks, as a user types it."""
    base = tmp_path_factory.mktemp("cli")
    database, home = base / "warehouse.duckdb", base / "home"
    env = _env(sample, database, home)
    command = [
        str(BIN / "dagster"),
        "asset",
        "materialize",
        "-m",
        "roster_pipeline.definitions",
        "--select",
        # the dashboard runs one week per run (see the next test); job lines are yearly
        "not group:dashboards and not group:joblines and not group:repairs",
        "--partition-range",
        f"{DEPARTMENT}|{WEEKS[0]}...{DEPARTMENT}|{WEEKS[-1]}",
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return {"database": database, "home": home, "env": env, "command": command}


def test_cli_backfill_matches_week_by_week_and_is_repeatable(cli_backfill: dict, week_by_week: dict) -> None:
    database = cli_backfill["database"]
    first = _snapshot(database)
    assert len(first["solve_runs"]) == 3
    assert len(first["fairness_ledger"]) == 3 * 20
    # one worker, fixed seed, deterministic time limit: the CLI backfill solves the same rosters
    for table in FACT_TABLES:
        columns = [c for c in first[table].columns if c not in VOLATILE]
        pd.testing.assert_frame_equal(first[table][columns], week_by_week["snapshot"][table][columns])
    again = subprocess.run(
        cli_backfill["command"],
        cwd=ROOT,
        env=cli_backfill["env"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    second = _snapshot(database)
    for table in FACT_TABLES:
        columns = [c for c in second[table].columns if c not in VOLATILE]
        pd.testing.assert_frame_equal(second[table][columns], first[table][columns])
    assert list(_table(database, "SELECT version_id FROM roster_versions ORDER BY 1")["version_id"]) == [
        "V0001",
        "V0002",
        "V0003",
    ]  # the repeated backfill recorded no new version


def _latest_metadata(home: Path, asset: str) -> dict[str, dict]:
    """Partition -> metadata of `asset`'s latest materialisation per partition in the instance at `home`."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        records = instance.fetch_materializations(dg.AssetKey(asset), limit=1000).records
    latest: dict[str, dict] = {}
    for record in sorted(records, key=lambda r: r.storage_id):
        event = record.asset_materialization
        latest[str(event.partition)] = {k: v.value for k, v in event.metadata.items()}
    return latest


def test_a_range_run_records_each_weeks_own_numbers(cli_backfill: dict) -> None:
    """One run plans three weeks; each week's roster materialisation carries that week's own solve
    (its input hash and objective as solve_runs holds them), not the range's last week."""
    roster = _latest_metadata(cli_backfill["home"], "weekly_roster")
    runs = _table(cli_backfill["database"], "SELECT * FROM solve_runs")
    runs = runs.set_index(pd.to_datetime(runs["week_start"]).dt.date.astype(str))
    for week in WEEKS:
        key = f"{DEPARTMENT}|{week}"
        assert roster[key]["input_hash"] == runs.loc[week, "input_hash"]
        assert roster[key]["objective"] == pytest.approx(runs.loc[week, "objective"])
    assert len({roster[f"{DEPARTMENT}|{w}"]["input_hash"] for w in WEEKS}) == len(WEEKS)


def test_the_weekly_job_backfills_one_week_per_run() -> None:
    """Dagster's ranged job backfills of a multi-partitioned job tag every range run with the first
    key's dimensions (each run would plan that one key), so the weekly job must stay one week per run:
    its backfill policy is its assets' smallest, the dashboard's."""
    policy = defs.resolve_job_def(JOB).backfill_policy
    assert policy.max_partitions_per_run == 1


def _postgres_snapshot(url: str) -> dict[str, pd.DataFrame]:
    wh = open_warehouse(url)
    frames = {t: wh.query(f"SELECT * FROM {t}") for t in FACT_TABLES}
    return {t: f.sort_values(list(f.columns)).reset_index(drop=True) for t, f in frames.items()}


def test_cli_backfill_into_postgres_gives_the_duckdb_rows(
    cli_backfill: dict, postgres_server: str, tmp_path: Path
) -> None:
    """The same command with ROSTER_WAREHOUSE_URL set: the warehouse and Dagster's own run, event and
    schedule storage on Postgres (dagster-postgres). Every table has the DuckDB run's rows, models
    included, and a re-run changes no row."""
    warehouse_url, instance_url = new_database(postgres_server), new_database(postgres_server)
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        "storage:\n  postgres:\n    postgres_url: {env: DAGSTER_PG_URL}\ntelemetry:\n  enabled: false\n"
    )
    env = {
        **cli_backfill["env"],
        "DAGSTER_HOME": str(home),
        # psycopg2, which dagster-postgres is written for: with psycopg 3 installed, SQLAlchemy 2.1
        # takes it for a plain postgresql:// URL and Dagster's NOTIFY statement fails
        "DAGSTER_PG_URL": instance_url.replace("postgresql://", "postgresql+psycopg2://", 1),
        "ROSTER_WAREHOUSE_URL": warehouse_url,
    }
    for attempt in range(2):
        done = subprocess.run(
            cli_backfill["command"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr[-3000:]
        if attempt == 0:
            first = _postgres_snapshot(warehouse_url)
    again = _postgres_snapshot(warehouse_url)
    duck = {
        t: f.sort_values(list(f.columns)).reset_index(drop=True)
        for t, f in _snapshot(cli_backfill["database"]).items()
    }
    for table in FACT_TABLES:
        columns = [c for c in first[table].columns if c not in VOLATILE]
        pd.testing.assert_frame_equal(again[table][columns], first[table][columns], obj=table)
        pd.testing.assert_frame_equal(
            first[table][columns], duck[table][columns], check_dtype=False, obj=table
        )
    pg, dk = open_warehouse(warehouse_url), DuckDBWarehouse(cli_backfill["database"])
    for model in ("fairness_weekly", "fairness_cumulative", "fairness_spread_gini", "request_satisfaction"):
        assert len(pg.query(f"SELECT * FROM {model}")) == len(dk.query(f"SELECT * FROM {model}")) > 0, model
    assert list(pg.query("SELECT version_id FROM roster_versions ORDER BY 1")["version_id"]) == [
        "V0001",
        "V0002",
        "V0003",
    ]
    with psycopg.connect(instance_url) as con:  # Dagster's runs are in Postgres, not in DAGSTER_HOME
        runs = con.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall()
    assert dict(runs) == {"SUCCESS": 2}


def test_webserver_graphql_lists_assets_and_materialisations(cli_backfill: dict) -> None:
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "dagster-webserver"), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env=cli_backfill["env"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/server_info", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None, "webserver exited"
            assert time.monotonic() < deadline, "webserver did not start"
            time.sleep(0.5)
        query = """
        { assetNodes { assetKey { path } }
          assetOrError(assetKey: {path: ["weekly_roster"]}) {
            ... on Asset { assetMaterializations(limit: 10) { partition runId } } } }
        """
        request = urllib.request.Request(
            f"{base}/graphql",
            data=json.dumps({"query": query}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            data = json.loads(response.read())["data"]
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
    keys = {"/".join(node["assetKey"]["path"]) for node in data["assetNodes"]}
    assert {"weekly_roster", "fairness_dashboard", "ingest/registrars", "fairness_weekly"} <= keys
    partitions = {m["partition"] for m in data["assetOrError"]["assetMaterializations"]}
    assert {f"{DEPARTMENT}|{week}" for week in WEEKS} <= partitions


def test_a_week_after_a_broken_week_fails(sample: Path, tmp_path: Path, monkeypatch) -> None:
    database = tmp_path / "broken.duckdb"
    broken = pd.DataFrame([{"status": "FEASIBLE", "hard_violations": 2, "input_hash": "x"}])
    DuckDBWarehouse(database).replace_week(
        DEPARTMENT, dt.date.fromisoformat(WEEKS[0]), {"solve_runs": broken}
    )
    monkeypatch.setenv("DAGSTER_HOME", str(_home(tmp_path / "home")))
    with dg.DagsterInstance.get() as instance:
        result = _run(WEEKS[1], _resources(sample, database), instance)
    assert not result.success
    assert "week 2026-10-05 is not a valid roster (status FEASIBLE, hard violations 2)" in _failure_text(
        result
    )
    assert _table(database, "SELECT count(*) AS n FROM solve_runs")["n"].iloc[0] == 1


def test_department_for_week_adds_history_without_touching_the_source(sample: Path) -> None:
    tables = validate_department(read_tables(sample))
    source_history = tables["history"].copy()
    week = dt.date(2026, 10, 12)
    earlier = pd.DataFrame(
        {
            "registrar_id": ["R001", "R002"],
            "date": [dt.date(2026, 10, 5), dt.date(2026, 10, 11)],
            "shift": ["x", "y"],
        }
    )
    ledger = pd.DataFrame(
        [
            {
                "registrar_id": "R001",
                "nights": 1,
                "cum_nights": 7,
                "nights_balance": -0.5,
                "hours": 8.0,
                "cum_hours": 80.0,
            }
        ]
    )
    dept = department_for_week(tables, week, earlier, ledger)
    history = dept.table("history")
    assert history["date"].min() >= week - dt.timedelta(days=14) and history["date"].max() < week
    # warehouse weeks replace the source history on the days they cover
    assert set(history[history["date"] >= dt.date(2026, 10, 5)]["shift"]) == {"x", "y"}
    assert dept.history_total("R001", "nights") == 7 and dept.history_total("R001", "nights_balance") == -0.5
    assert dept.history_total("R001", "hours") == 80.0
    pd.testing.assert_frame_equal(tables["history"], source_history)


def test_the_week_hash_does_not_depend_on_the_order_rows_come_back_in(sample: Path) -> None:
    """A warehouse may return the previous week's rows in another physical order after a re-run
    (Postgres reuses the space of deleted rows); the week's department, and so its input hash, must
    be the same either way."""
    tables = validate_department(read_tables(sample))
    week = dt.date(2026, 10, 12)
    earlier = pd.DataFrame(
        {
            "registrar_id": ["R001", "R002", "R003", "R001"],
            "date": [dt.date(2026, 10, 5), dt.date(2026, 10, 5), dt.date(2026, 10, 6), dt.date(2026, 10, 11)],
            "shift": ["D", "N", "E", "N"],
        }
    )
    ledger = pd.DataFrame(
        {
            "registrar_id": ["R001", "R002", "R003"],
            "cum_nights": [3, 1, 2],
            "nights_balance": [0.25, -0.5, 0.0],
            "cum_hours": [80.0, 72.0, 76.0],
        }
    )
    in_order = department_for_week(tables, week, earlier, ledger)
    shuffled = department_for_week(
        tables, week, earlier.iloc[[3, 1, 0, 2]], ledger.iloc[[2, 0, 1]].reset_index(drop=True)
    )
    assert frame_hash(shuffled.tables) == frame_hash(in_order.tables)
    assert list(in_order.table("history_totals")["registrar_id"]) == ["R001", "R002", "R003"]
