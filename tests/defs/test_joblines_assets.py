"""Job-line assets: one clinical-year partition materialised into a DuckDB warehouse."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb

from roster_pipeline.defs.common.resources import WarehouseResource
from roster_pipeline.defs.joblines.assets import (
    coming_year,
    joblines_assets,
    joblines_monthly_schedule,
)
from roster_pipeline.defs.joblines.definitions import definitions as joblines_definitions
from roster_pipeline.joblines.data import sample_catalogue


def test_materialise_one_year(tmp_path) -> None:
    catalogue = tmp_path / "catalogue.csv"
    sample_catalogue().assign(min_staffing=0).to_csv(catalogue, index=False)
    path = tmp_path / "w.duckdb"
    config = {"pgy1": 3, "pgy2": 1, "catalogue": str(catalogue), "time_limit": 15, "workers": 1}
    config["deterministic"] = True
    result = dg.materialize(
        [joblines_assets],
        partition_key="2027",
        resources={"warehouse": WarehouseResource(duckdb_path=str(path))},
        run_config={"ops": {"joblines_assets": {"config": config}}},
    )
    assert result.success
    (check,) = result.get_asset_check_evaluations()
    assert (check.check_name, check.passed, check.metadata["lines"].value) == (
        "gx_joblines_complete",
        True,
        4,
    )
    con = duckdb.connect(str(path))
    try:
        assert con.execute("SELECT count(DISTINCT line_id) FROM joblines_lines").fetchone()[0] == 4
        status, violations = con.execute("SELECT status, violations FROM joblines_metrics").fetchone()
        assert status in ("OPTIMAL", "FEASIBLE") and violations == 0
        recorded = con.execute(
            "SELECT seed, workers, time_limit, deterministic FROM joblines_metrics"
        ).fetchone()
        assert recorded == (0, 1, 15.0, True)  # what the solve needs to be reproduced
        assert con.execute("SELECT count(*) FROM joblines_compliance WHERE NOT ok").fetchone()[0] == 0
        assert con.execute("SELECT sum(headcount) FROM joblines_term_view").fetchone()[0] == 20
        assert con.execute("SELECT count(*) FROM joblines_capacity").fetchone()[0] == 200
        assert set(
            r[0] for r in con.execute("SELECT DISTINCT clinical_year FROM joblines_lines").fetchall()
        ) == {"2027"}
    finally:
        con.close()


def test_definitions_and_schedule() -> None:
    defs = joblines_definitions()
    job = defs.resolve_job_def("joblines_job")
    written = {key.to_user_string() for key in job.asset_layer.executable_asset_keys}
    names = ("lines", "term_view", "capacity", "compliance", "metrics")
    assert written == {f"joblines/{name}" for name in names}
    assert coming_year(dt.datetime(2026, 11, 1)) == "2027"
    context = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2026, 11, 1, 5))
    request = joblines_monthly_schedule(context)
    assert request.partition_key == "2027"


def test_a_bad_request_fails_cleanly_and_writes_nothing(tmp_path) -> None:
    path = tmp_path / "w.duckdb"
    config = {"catalogue": str(tmp_path / "missing.csv"), "time_limit": 5, "workers": 1}
    result = dg.materialize(
        [joblines_assets],
        partition_key="2027",
        resources={"warehouse": WarehouseResource(duckdb_path=str(path))},
        run_config={"ops": {"joblines_assets": {"config": config}}},
        raise_on_error=False,
    )
    assert not result.success
    (failure,) = result.get_step_failure_events()
    assert failure.step_failure_data.error.cls_name == "Failure"
    description = failure.step_failure_data.user_failure_data.description
    assert description.startswith("job-line request for 2027: request cohort, terms, catalogue")
    assert "missing.csv" in description and not path.exists()
