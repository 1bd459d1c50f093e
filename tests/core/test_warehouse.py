"""The warehouse engines against one contract: each test runs on DuckDB and on a real PostgreSQL
cluster (conftest's `warehouse` fixture), and the Postgres privileges are tested with real roles."""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import psycopg
import pytest

from roster_pipeline.cli import main
from roster_pipeline.core.warehouse import (
    APPEND_ONLY,
    FACT_TABLES,
    AppendOnlyError,
    Warehouse,
    open_warehouse,
)
from roster_pipeline.core.warehouse.roles import Roles, provision

WEEK = dt.date(2027, 2, 1)


def assignments(week: dt.date, registrars: list[str], shift: str = "D") -> pd.DataFrame:
    days = [week + dt.timedelta(days=d) for d in range(7)]
    rows = [
        {
            "registrar_id": r,
            "date": pd.Timestamp(day),
            "shift": shift,
            "site": "A",
            "start_at": pd.Timestamp(day) + pd.Timedelta(hours=8),
            "end_at": pd.Timestamp(day) + pd.Timedelta(hours=18),
            "hours": 10.0,
        }
        for r in registrars
        for day in days
    ]
    return pd.DataFrame(rows)


def run(week: dt.date, status: str = "OPTIMAL") -> pd.DataFrame:
    return pd.DataFrame([{"status": status, "objective": 12.0, "seed": 0, "hard_violations": 0}])


def table(wh: Warehouse, name: str) -> pd.DataFrame:
    frame = wh.query(f"SELECT * FROM {name}")
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def test_a_week_is_replaced_and_a_rerun_is_row_identical(warehouse: Warehouse) -> None:
    first = {"roster_assignments": assignments(WEEK, ["R1", "R2"]), "solve_runs": run(WEEK)}
    counts = warehouse.replace_week("ed", WEEK, first)
    assert counts["roster_assignments"] == 14 and counts["solve_runs"] == 1 and counts["cover_status"] == 0
    before = {name: table(warehouse, name) for name in FACT_TABLES}
    warehouse.replace_week("ed", WEEK, first)
    for name in FACT_TABLES:
        pd.testing.assert_frame_equal(table(warehouse, name), before[name])
    warehouse.replace_week("ed", WEEK, {"roster_assignments": assignments(WEEK, ["R3"])})
    assert sorted(set(table(warehouse, "roster_assignments").registrar_id)) == ["R3"]
    assert table(warehouse, "solve_runs").empty  # a table not given is cleared for the week


def test_other_weeks_and_departments_are_left_alone(warehouse: Warehouse) -> None:
    later = WEEK + dt.timedelta(days=7)
    warehouse.replace_week("ed", WEEK, {"roster_assignments": assignments(WEEK, ["R1"])})
    warehouse.replace_week("ed", later, {"roster_assignments": assignments(later, ["R2"])})
    warehouse.replace_week("ed", later, {"roster_assignments": assignments(later, ["R3"])})
    warehouse.replace_week("icu", later, {"roster_assignments": assignments(later, ["R9"])})
    rows = table(warehouse, "roster_assignments")
    assert rows.groupby(["department", "registrar_id"]).size().to_dict() == {
        ("ed", "R1"): 7,
        ("ed", "R3"): 7,
        ("icu", "R9"): 7,
    }  # a department's week is its own partition


def test_a_failed_write_leaves_the_previous_rows(warehouse: Warehouse) -> None:
    warehouse.replace_week(
        "ed", WEEK, {"roster_assignments": assignments(WEEK, ["R1"]), "solve_runs": run(WEEK)}
    )
    before = {name: table(warehouse, name) for name in FACT_TABLES}
    broken = assignments(WEEK, ["R9"]).assign(date="not a date")  # fails inside the transaction
    with pytest.raises(Exception):  # noqa: B017 - each engine raises its own conversion error
        warehouse.replace_week(
            "ed", WEEK, {"solve_runs": run(WEEK, "FEASIBLE"), "roster_assignments": broken}
        )
    for name in FACT_TABLES:
        pd.testing.assert_frame_equal(table(warehouse, name), before[name])


def test_rows_come_back_typed_alike(warehouse: Warehouse) -> None:
    warehouse.replace_week(
        "ed", WEEK, {"roster_assignments": assignments(WEEK, ["R1"]), "solve_runs": run(WEEK)}
    )
    rows = warehouse.query("SELECT * FROM roster_assignments WHERE week_start = ? ORDER BY date", [WEEK])
    assert len(rows) == 7 and rows["date"].iloc[0] == pd.Timestamp(WEEK)
    assert str(rows["date"].dtype).startswith("datetime64") and rows["hours"].dtype == float
    runs = warehouse.query("SELECT objective, bound, hard_violations FROM solve_runs")
    assert runs["objective"].iloc[0] == 12.0 and pd.isna(runs["bound"].iloc[0])
    mean = warehouse.query("SELECT avg(hours) AS mean, count(*) AS n FROM roster_assignments")
    assert float(mean["mean"].iloc[0]) == 10.0 and int(mean["n"].iloc[0]) == 7


def test_a_table_made_from_a_frame_keeps_its_types(warehouse: Warehouse) -> None:
    lines = pd.DataFrame({"line": [1, 2], "term": ["T1", "T2"], "start": [dt.date(2027, 1, 4)] * 2})
    assert warehouse.replace_rows({"clinical_year": "2027"}, {"joblines_lines": lines}) == {
        "joblines_lines": 2
    }
    warehouse.replace_rows({"clinical_year": "2027"}, {"joblines_lines": lines.head(1)})
    warehouse.replace_rows({"clinical_year": "2028"}, {"joblines_lines": lines})
    rows = warehouse.query("SELECT * FROM joblines_lines ORDER BY clinical_year, line")
    assert rows[["line", "clinical_year"]].values.tolist() == [[1, "2027"], [1, "2028"], [2, "2028"]]
    assert "joblines_lines" in warehouse.table_names()


def test_models_are_rebuilt_and_append_only_tables_refuse_it(warehouse: Warehouse) -> None:
    warehouse.replace_week("ed", WEEK, {"roster_assignments": assignments(WEEK, ["R1", "R2"])})
    sql = "SELECT registrar_id, count(*) AS shifts FROM roster_assignments GROUP BY registrar_id"
    assert warehouse.build_model("shifts_per_registrar", sql) == 2
    assert warehouse.build_model("shifts_per_registrar", sql + " HAVING count(*) > 100") == 0
    with pytest.raises(AppendOnlyError):
        warehouse.build_model("audit_log", "SELECT 1 AS x")
    with pytest.raises(AppendOnlyError):
        warehouse.replace_rows({"version_id": "V1"}, {"notices": pd.DataFrame({"x": [1]})})


def test_concurrent_writers_lose_and_duplicate_nothing(warehouse: Warehouse) -> None:
    """Eight writers at once: four weeks, each written twice concurrently (a backfill re-run racing
    the first run). Every week ends with exactly one copy of its rows."""
    weeks = [WEEK + dt.timedelta(days=7 * k) for k in range(4)]

    def write(week: dt.date) -> None:
        open_warehouse(location(warehouse)).replace_week(
            "ed", week, {"roster_assignments": assignments(week, ["R1", "R2", "R3"]), "solve_runs": run(week)}
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, weeks + weeks))
    per_week = warehouse.query(
        "SELECT week_start, count(*) AS n, count(DISTINCT registrar_id || CAST(date AS VARCHAR)) AS cells "
        "FROM roster_assignments GROUP BY week_start ORDER BY week_start"
    )
    assert per_week["n"].tolist() == [21] * 4 and per_week["cells"].tolist() == [21] * 4
    assert len(warehouse.query("SELECT * FROM solve_runs")) == 4


def location(wh: Warehouse) -> str:
    return getattr(wh, "url", None) or wh.path


def audit_row(actor: str) -> pd.DataFrame:
    row = {name: None for name, _ in APPEND_ONLY["audit_log"]}
    return pd.DataFrame([{**row, "actor": actor, "action": "manual", "recorded_at": pd.Timestamp(WEEK)}])


def role_url(admin_url: str, role: str) -> str:
    return admin_url.replace("postgres@", f"{role}@", 1)


def test_postgres_roles_keep_the_audit_log_insert_only(postgres_url: str) -> None:
    """After provisioning, the pipeline's role and the web service's role can add audit rows but
    neither can update, delete or truncate them; the reader cannot write fact tables; and even the
    administrator's own UPDATE or DELETE is refused by the table's trigger."""
    roles = Roles()
    provision(postgres_url, roles)
    writer = open_warehouse(role_url(postgres_url, roles.writer))
    reader = open_warehouse(role_url(postgres_url, roles.reader))
    writer.replace_week("ed", WEEK, {"roster_assignments": assignments(WEEK, ["R1"])})
    writer.append({"audit_log": audit_row("pipeline")})
    reader.append({"audit_log": audit_row("web")})
    assert sorted(reader.query("SELECT actor FROM audit_log")["actor"]) == ["pipeline", "web"]
    assert len(reader.query("SELECT * FROM roster_assignments")) == 7  # reads what the writer made
    assert reader.query("SELECT count(*) AS n FROM web_users")["n"].iloc[0] == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # password hashes stay the web's
        writer.query("SELECT * FROM web_users")
    for url in (writer.url, reader.url, postgres_url):
        for statement in (
            "UPDATE audit_log SET actor = 'mallory'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ):
            with psycopg.connect(url) as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(statement)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        reader.replace_week("ed", WEEK, {"roster_assignments": assignments(WEEK, ["R2"])})
    assert sorted(reader.query("SELECT actor FROM audit_log")["actor"]) == ["pipeline", "web"]
    assert sorted(set(reader.query("SELECT registrar_id FROM roster_assignments")["registrar_id"])) == ["R1"]
    assert provision(postgres_url, roles)  # idempotent: a second run changes nothing and succeeds


def test_cli_provisions_roles_without_printing_secrets(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ROSTER_WAREHOUSE_ADMIN_URL", postgres_url)
    monkeypatch.setenv("ROSTER_WRITER_PASSWORD", "writer-secret-1")
    assert main(["warehouse", "provision", "--writer", "etl", "--reader", "web"]) == 0
    out, err = capsys.readouterr()
    tables = len(APPEND_ONLY)  # each revoked, then granted: 4 schema-wide statements besides
    assert json.loads(out) == {"writer": "etl", "reader": "web", "grants": 4 + 2 * tables}
    assert "secret" not in out + err and postgres_url not in out + err
    writer_url = postgres_url.replace("postgres@", "etl:writer-secret-1@", 1)
    open_warehouse(writer_url).append({"audit_log": audit_row("etl")})
    assert main(["warehouse", "tables", "--warehouse", writer_url]) == 0
    assert {"table": "audit_log", "rows": 1} in [
        json.loads(line) for line in capsys.readouterr().out.splitlines()
    ]
    monkeypatch.delenv("ROSTER_WAREHOUSE_ADMIN_URL")
    assert main(["warehouse", "provision"]) == 2
    assert "ROSTER_WAREHOUSE_ADMIN_URL" in capsys.readouterr().err


def test_cli_tables_refuses_a_missing_file_and_writes_nothing(tmp_path, capsys) -> None:
    missing = tmp_path / "none.duckdb"
    assert main(["warehouse", "tables", "--warehouse", str(missing)]) == 2
    assert "no warehouse at" in capsys.readouterr().err and not missing.exists()
