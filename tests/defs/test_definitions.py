"""The code location: each domain's Definitions stands alone, they merge into one, and the job-line
run config offers every request key with the use case's own defaults."""

from __future__ import annotations

import subprocess
import sys

import dagster as dg

from roster_pipeline.definitions import build_definitions
from roster_pipeline.defs.explain import definitions as explain
from roster_pipeline.defs.joblines import definitions as joblines
from roster_pipeline.defs.joblines.assets import JoblinesRequest
from roster_pipeline.defs.rosters import definitions as rosters
from roster_pipeline.defs.sql_models import definitions as sql_models
from roster_pipeline.defs.sql_models.assets import SQL_DIR
from roster_pipeline.joblines.request import plan_from_request

DOMAINS = {
    rosters: {"weekly_roster", "validated_department", "fairness_dashboard", "ingest/registrars"},
    sql_models: {"fairness_weekly", "fairness_cumulative", "cover_shortfalls", "request_satisfaction"},
    explain: {"weekly_manager_digest", "registrar_notices", "jobline_digest"},
    joblines: {"joblines/lines", "joblines/metrics", "joblines/capacity"},
}


def _keys(defs: dg.Definitions) -> set[str]:
    return {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}


def test_each_domain_loads_on_its_own_and_the_location_merges_them() -> None:
    merged = build_definitions()
    for domain, expected in DOMAINS.items():
        defs = domain.definitions()
        defs.resolve_all_job_defs()  # every job and its resources resolve without the other domains
        assert expected <= _keys(defs)
        assert expected <= _keys(merged)
    assert {"weekly_roster_job", "joblines_job"} <= {job.name for job in merged.resolve_all_job_defs()}


def test_job_line_run_config_has_every_weight_and_the_request_defaults() -> None:
    config = JoblinesRequest()
    assert set(config.weights.model_dump()) == {
        "affinity",
        "clumping",
        "attractiveness",
        "similar",
        "min_hamming",
    }
    # An empty run config asks for the same plan and settings as an empty request on the CLI.
    from_dagster = plan_from_request(config.as_request())
    from_cli = plan_from_request({})
    assert from_dagster[2] == from_cli[2]
    assert from_dagster[0].weeks == from_cli[0].weeks
    assert from_dagster[0].cohort.equals(from_cli[0].cohort)
    assert from_dagster[2].weights.min_hamming == 3 and from_dagster[2].time_limit == 420.0


def test_every_sql_file_is_an_asset_reading_its_tables() -> None:
    graph = sql_models.definitions().resolve_asset_graph()
    parents = {
        key.to_user_string(): {p.to_user_string() for p in graph.get(key).parent_keys}
        for key in graph.get_all_asset_keys()
        if key.to_user_string() != "weekly_roster"
    }
    # fact tables (written by weekly_roster) and other models, read off the SQL files by hand
    assert parents == {
        "cover_shortfalls": {"weekly_roster"},
        "fairness_weekly": {"weekly_roster"},
        "fairness_cumulative": {"fairness_weekly", "weekly_roster"},
        "fairness_spread_gini": {"fairness_weekly"},
        "request_satisfaction": {"weekly_roster"},
    }
    assert set(parents) == {file.stem for file in SQL_DIR.glob("*.sql")}


def test_a_run_process_does_not_import_what_only_some_runs_need() -> None:
    """Every Dagster run starts a process that imports the definitions: the workbook writer
    (openpyxl), the chart library (altair) and dagster-celery are imported only where used, which
    keeps the launch overhead per partition down (benchmarks/backfill.py)."""
    probe = "import sys, roster_pipeline.definitions; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", probe], capture_output=True, text=True, check=True
    )
    loaded = set(done.stdout.split())
    assert {"dagster", "ortools", "roster_pipeline.defs.rosters.dashboard"} <= loaded
    assert not {"openpyxl", "altair", "vl_convert", "dagster_celery", "celery"} & loaded
