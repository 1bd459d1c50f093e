"""The events sensor and the repair job on a real Dagster instance: new rows in the department's
events table start one repair run; the run records an amended draft of the published version with
audit rows and notices; the same events again start nothing and record nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import dagster as dg
import pytest

from roster_pipeline.core.department_io import load_department
from roster_pipeline.core.warehouse import DuckDBWarehouse
from roster_pipeline.defs.common.resources import DepartmentSource, SolverSettings, WarehouseResource
from roster_pipeline.defs.living.repairs import amended_roster_versions, events_sensor
from roster_pipeline.living.versions import Provenance, approve, create_version, department_key, publish

from factories import HORIZON_WEEK, PACK_SPEC, WEEK_PACK, WEEK_ROSTER, write_week

EVENTS = (
    "event_id,type,registrar_id,start,end,shift,site,count,reported_at,note\n"
    "E1,sick,R2,2027-02-03,2027-02-03,,,,2027-02-03 06:00,Gastroenteritis\n"
)
NOW = dt.datetime(2026, 12, 1, 9)


@pytest.fixture
def setup(tmp_path: Path) -> dict:
    folder = write_week(tmp_path / "ward")
    (folder / "events.csv").write_text(EVENTS, encoding="utf-8")
    pack_file = tmp_path / "pack.yaml"
    pack_file.write_text(json.dumps(PACK_SPEC), encoding="utf-8")
    database = tmp_path / "warehouse.duckdb"
    resources = {
        "department": DepartmentSource(path=str(folder)),
        "warehouse": WarehouseResource(duckdb_path=str(database)),
        "solver": SolverSettings(rule_pack=str(pack_file), seed=0),
    }
    return {"folder": folder, "wh": DuckDBWarehouse(database), "resources": resources}


def publish_week(setup: dict) -> str:
    wh, folder = setup["wh"], setup["folder"]
    version = create_version(
        wh, department_key(folder), WEEK_ROSTER, HORIZON_WEEK, Provenance("officer", "manual"), NOW
    )
    approve(wh, version.version_id, "officer", NOW)
    outcome = publish(wh, version.version_id, "officer", NOW, load_department(folder), WEEK_PACK)
    assert outcome.published
    return version.version_id


def tick(setup: dict, instance: dg.DagsterInstance, cursor: str | None = None):
    resources = {k: setup["resources"][k] for k in ("department", "warehouse")}
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources)
    return events_sensor(context)


def test_sensor_waits_for_a_published_version(setup: dict) -> None:
    with dg.instance_for_test() as instance:
        result = tick(setup, instance)
    assert isinstance(result, dg.SkipReason)
    assert "no published roster version" in result.skip_message


def test_new_events_start_one_repair_that_records_an_amended_draft(setup: dict) -> None:
    parent = publish_week(setup)
    wh = setup["wh"]
    with dg.instance_for_test() as instance:
        first = tick(setup, instance)
        assert isinstance(first, dg.SensorResult) and len(first.run_requests) == 1
        assert isinstance(tick(setup, instance, first.cursor), dg.SkipReason)  # nothing new
        run = dg.materialize([amended_roster_versions], resources=setup["resources"], instance=instance)
        assert run.success
        again = dg.materialize([amended_roster_versions], resources=setup["resources"], instance=instance)
        assert again.success
    versions = wh.query("SELECT version_id, parent_id, cause FROM roster_versions ORDER BY version_id")
    assert versions.values.tolist() == [["V0001", "", "manual"], ["V0002", parent, "repair"]]
    states = wh.query("SELECT state FROM version_states WHERE version_id = 'V0002'")
    assert list(states["state"]) == ["draft"]
    cells = wh.query(
        "SELECT registrar_id, date, shift_before, shift_after, cause FROM audit_log "
        "WHERE version_id = 'V0002' ORDER BY registrar_id"
    )
    assert len(cells) == 2 and list(cells["cause"]) == ["E1", "E1"]
    r2 = cells[cells["registrar_id"] == "R2"].iloc[0]
    assert (str(r2["date"])[:10], r2["shift_before"], r2["shift_after"]) == ("2027-02-03", "D", "")
    notices = wh.query("SELECT registrar_id FROM notices WHERE version_id = 'V0002'")
    assert sorted(notices["registrar_id"]) == sorted(cells["registrar_id"])  # each changed one told, once
    assert int(wh.query("SELECT count(*) AS n FROM notices")["n"].iloc[0]) == 2


def test_changed_events_start_another_run(setup: dict) -> None:
    publish_week(setup)
    with dg.instance_for_test() as instance:
        first = tick(setup, instance)
        (setup["folder"] / "events.csv").write_text(
            EVENTS + "E2,unavailable,R3,2027-02-05,2027-02-05,,,,2027-02-04 12:00,\n", encoding="utf-8"
        )
        second = tick(setup, instance, first.cursor)
    assert isinstance(second, dg.SensorResult) and second.cursor != first.cursor
    assert second.run_requests[0].run_key == second.cursor
