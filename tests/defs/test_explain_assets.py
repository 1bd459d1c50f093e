"""Digest assets on a real weekly solve: written to the warehouse idempotently, markdown in the
metadata, labelled template digests without an API key."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from roster_pipeline.definitions import build_definitions
from roster_pipeline.defs.common.resources import DepartmentSource, SolverSettings, WarehouseResource
from roster_pipeline.defs.explain.assets import (
    ClaudeResource,
    registrar_notices,
    weekly_manager_digest,
)
from roster_pipeline.defs.rosters.assets import weekly_roster
from roster_pipeline.explain.cli import register_cli
from roster_pipeline.planning.sample import write_sample

WEEK = "2026-10-05"


@pytest.fixture()
def resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    folder = write_sample(
        tmp_path / "sample", registrars=20, sites=2, weeks=1, start=dt.date(2026, 10, 5), seed=7
    )
    return {
        "department": DepartmentSource(path=str(folder)),
        "warehouse": WarehouseResource(duckdb_path=str(tmp_path / "warehouse.duckdb")),
        "solver": SolverSettings(time_limit=2.0, workers=2, seed=0, first_week=WEEK),
        "claude": ClaudeResource(),
    }


def test_digest_assets_write_the_warehouse_and_show_markdown(
    resources: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assets = [weekly_roster, weekly_manager_digest, registrar_notices]
    for _ in range(2):  # a re-run replaces the week's rows
        result = dg.materialize(assets, partition_key=WEEK, resources=resources, instance=instance)
        assert result.success
    digest = result.asset_materializations_for_node("weekly_manager_digest")[0].metadata
    assert digest["source"].value == "template"
    assert digest["digest"].value.startswith("_Template digest")
    con = duckdb.connect(resources["warehouse"].duckdb_path, read_only=True)
    try:
        rows = con.execute("SELECT kind, count(*) FROM digests GROUP BY kind ORDER BY kind").fetchall()
        facts = json.loads(con.execute("SELECT facts_json FROM digests WHERE kind = 'manager'").fetchone()[0])
        calls = con.execute("SELECT count(*) FROM llm_calls").fetchone()[0]
    finally:
        con.close()
    assert rows == [("manager", 1), ("registrar", 20)]
    assert facts["week_start"] == WEEK and facts["hard_rules"]["violations"] == 0
    assert calls == 0  # no key: no model calls
    # `roster ask --warehouse` reads the week's roster from the same warehouse
    parser = argparse.ArgumentParser(prog="roster")
    register_cli(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(
        ["ask", "Why is Dr Smith on nights?", "--warehouse", resources["warehouse"].duckdb_path,
         "--department", resources["department"].path, "--start", WEEK, "--weeks", "1",
         "--time-limit", "3", "--json"]
    )  # fmt: skip
    assert args.func(args) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["offline"] and payload["tool_calls"][0]["input"]["registrar"] == "R001"


def test_explain_defs_merge_with_the_pipeline() -> None:
    defs = build_definitions()  # definitions.py merges defs/explain/definitions.py in
    defs.resolve_all_job_defs()
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"weekly_manager_digest", "registrar_notices", "jobline_digest"} <= keys
    # the yearly digest runs with the job lines it explains, never in the weekly roster job
    yearly = {
        k.to_user_string() for k in defs.resolve_job_def("joblines_job").asset_layer.executable_asset_keys
    }
    weekly = {
        k.to_user_string()
        for k in defs.resolve_job_def("weekly_roster_job").asset_layer.executable_asset_keys
    }
    assert "jobline_digest" in yearly and "jobline_digest" not in weekly
