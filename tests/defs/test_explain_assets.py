"""Digest assets on a real weekly solve: written to the warehouse idempotently, markdown in the
metadata, labelled template digests without an API key, and with a (fake) key over a mocked
transport the key appears in no log, run config, asset metadata or warehouse row."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import httpx2 as httpx  # the public HTTP client anthropic 2.x is built on
import pytest

from roster_pipeline.definitions import build_definitions
from roster_pipeline.defs.common.resources import DepartmentSource, SolverSettings, WarehouseResource
from roster_pipeline.defs.explain.assets import (
    ClaudeResource,
    registrar_notices,
    weekly_manager_digest,
)
from roster_pipeline.defs.explain.resources import explain_resources
from roster_pipeline.defs.rosters.assets import weekly_roster
from roster_pipeline.explain.cli import register_cli
from roster_pipeline.planning.sample import write_sample

WEEK = "2026-10-05"
FAKE_KEY = "sk-ant-fake-LEAKCHECK-7f3a9c"
SENT_KEYS: list[str] = []


def _reply(request: httpx.Request) -> httpx.Response:
    """Every Messages API call answered with one bullet; records the key header it carried."""
    SENT_KEYS.append(next((v for v in request.headers.values() if FAKE_KEY in v), ""))
    return httpx.Response(200, json={
        "id": "m", "type": "message", "role": "assistant", "model": "claude-leak-test",
        "content": [{"type": "text", "text": "- R001 is rostered as listed."}],
        "stop_reason": "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": 40, "output_tokens": 8},
    })  # fmt: skip


class MockedClaude(ClaudeResource):
    """The real resource and client; only the HTTP transport is mocked."""

    def http_client(self) -> Any:
        return httpx.Client(transport=httpx.MockTransport(_reply))


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
        result = dg.materialize(
            assets, partition_key=f"sample|{WEEK}", resources=resources, instance=instance
        )
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


def test_the_api_key_leaks_nowhere(
    resources: dict, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    assert explain_resources()["claude"].api_key == dg.EnvVar("ANTHROPIC_API_KEY")
    SENT_KEYS.clear()
    # the resource configured at launch, as from the launchpad: the run config carries the EnvVar
    resources["claude"] = MockedClaude.configure_at_launch()
    claude_config = {"api_key": {"env": "ANTHROPIC_API_KEY"}, "model": "claude-leak-test"}
    instance = dg.DagsterInstance.ephemeral()
    with caplog.at_level(logging.DEBUG):
        result = dg.materialize(
            [weekly_roster, weekly_manager_digest, registrar_notices],
            partition_key=f"sample|{WEEK}",
            resources=resources,
            instance=instance,
            run_config={"resources": {"claude": {"config": claude_config}}},
        )
    assert result.success
    assert SENT_KEYS and all(SENT_KEYS)  # every request carried the key, in a header
    metadata = [
        m.metadata
        for node in ("weekly_manager_digest", "registrar_notices")
        for m in result.asset_materializations_for_node(node)
    ]
    assert metadata[0]["source"].value == "claude"
    run = instance.get_run_by_id(result.run_id)
    events = [str(record) for record in instance.all_logs(result.run_id)]
    con = duckdb.connect(resources["warehouse"].duckdb_path, read_only=True)
    try:
        tables = [row[0] for row in con.execute("SHOW TABLES").fetchall()]
        rows = [str(con.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables]
    finally:
        con.close()
    assert "digests" in tables and "llm_calls" in tables
    out, err = capfd.readouterr()
    places = {
        "logs": caplog.text + out + err,
        "events": "\n".join(events),
        "run config": json.dumps(run.run_config, default=str) + json.dumps(result.dagster_run.run_config),
        "metadata": str(metadata),
        "warehouse": "\n".join(rows),
    }
    assert {place: FAKE_KEY in text for place, text in places.items()} == dict.fromkeys(places, False)
    assert "ANTHROPIC_API_KEY" in places["run config"]  # the run config names the variable only
