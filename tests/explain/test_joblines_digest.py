"""Job-line digest: per line its rotations, category coverage and the independent checker's reasons;
the labelled template offline, Claude over a mocked transport (pseudonymised, minimal, recorded),
and the Dagster asset writing the warehouse idempotently. No test touches the network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import httpx2 as httpx  # the public HTTP client anthropic 2.x is built on (its declared dependency)
import pandas as pd
import pytest

from roster_pipeline.defs.common.resources import WarehouseResource
from roster_pipeline.defs.explain.assets import ClaudeResource
from roster_pipeline.defs.explain.assets import jobline_digest as jobline_digest_asset
from roster_pipeline.defs.joblines.assets import joblines_assets, output_frames
from roster_pipeline.explain.claude import ClaudeClient
from roster_pipeline.explain.digests import CLAUDE_LABEL, TEMPLATE_LABEL
from roster_pipeline.explain.jobline_digest import CatalogueMismatch, jobline_digest, load_catalogue
from roster_pipeline.explain.prompt_data import read_data_blocks
from roster_pipeline.joblines.data import sample_catalogue
from roster_pipeline.joblines.request import run

KEY = "sk-ant-test-joblines-SECRET"
MODEL = "claude-jobline-test"
YEAR = "2027"


@pytest.fixture(scope="module")
def catalogue_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("joblines") / "catalogue.csv"
    sample_catalogue().assign(min_staffing=0).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def frames(catalogue_csv: Path) -> dict[str, Any]:
    outcome = run({"pgy1": 3, "pgy2": 1, "catalogue": str(catalogue_csv), "time_limit": 10, "workers": 1})
    out = output_frames(outcome)
    return {
        "lines": out["lines"],
        "compliance": out["compliance"],
        "metrics": out["metrics"].iloc[0].to_dict(),
        "catalogue": load_catalogue(str(catalogue_csv)),
    }


def _digests(frames: dict[str, Any], client: ClaudeClient | None = None, **changes: Any) -> list[Any]:
    args = {**frames, **changes}
    return jobline_digest(YEAR, args["lines"], args["compliance"], args["metrics"], args["catalogue"], client)


def _client(handler: Any) -> ClaudeClient:
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return ClaudeClient(api_key=KEY, model=MODEL, http_client=http, max_retries=0)


def test_offline_digest_gives_rotations_categories_and_the_checkers_reasons(frames: dict[str, Any]) -> None:
    year, *per_line = _digests(frames)
    assert year.source == "template" and year.markdown.startswith(TEMPLATE_LABEL)
    assert year.key == YEAR and year.facts["status"] == frames["metrics"]["status"]
    lines, compliance, catalogue = frames["lines"], frames["compliance"], frames["catalogue"]
    assert [d.key for d in per_line] == [f"{YEAR}/{lid}" for lid in sorted(lines.line_id.unique())]
    assert year.facts["compliant_lines"] == 4 and all(d.facts["compliant"] for d in per_line)
    categories = dict(zip(catalogue.rotation_id, catalogue.categories, strict=True))
    for digest in per_line:
        lid = digest.key.split("/")[1]
        assert digest.source == "template" and digest.markdown.startswith(TEMPLATE_LABEL)
        assert f"### {lid} (PGY" in year.markdown and "compliant" in digest.markdown
        rows = lines[lines.line_id == lid].sort_values("term")
        for row in rows.itertuples(index=False):  # every rotation with its categories
            assert f"| {row.rotation_id} | {row.specialty} / {row.subspecialty} |" in digest.markdown
        checks = compliance[compliance.line_id == lid]
        assert len(digest.facts["rules"]) == len(checks) > 10
        for check in checks.itertuples(index=False):  # why compliant: the checker's value and limit
            assert f"ok: {check.rule}: {check.value} ({check.limit})" in digest.markdown
        required = checks.loc[checks.rule == "AMC8 categories", "limit"].iloc[0].removeprefix("covers ")
        coverage = digest.facts["categories_covered_by"]
        assert set(coverage) == set(required)
        for cat, sources in coverage.items():
            expected = [r for r in rows.rotation_id if cat in categories[r].split(";")]
            assert sources and [s.split(" ")[0] for s in sources] == expected
        assert "AMC1 clinical weeks" in digest.facts["at_limit"]  # 47 of >= 47: binding on every line


def test_a_broken_rule_is_shown_as_the_reason_it_is_not_compliant(frames: dict[str, Any]) -> None:
    compliance = frames["compliance"].copy()
    target = compliance.index[(compliance.line_id == "P1-001") & (compliance.rule == "AMC7 clinical team")]
    compliance.loc[target, "ok"] = False
    year, first, *_ = _digests(frames, compliance=compliance)
    assert year.facts["compliant_lines"] == 3 and not first.facts["compliant"]
    assert "NOT COMPLIANT" in first.markdown and "Why it is not compliant" in first.markdown
    assert "BROKEN: AMC7 clinical team" in first.markdown


def test_a_catalogue_that_does_not_match_the_lines_is_refused(frames: dict[str, Any]) -> None:
    used = frames["lines"].rotation_id.iloc[0]
    catalogue = frames["catalogue"].copy()
    catalogue.loc[catalogue.rotation_id == used, "subspecialty"] = "something else"
    with pytest.raises(CatalogueMismatch, match=used):
        _digests(frames, catalogue=catalogue)


def test_an_infeasible_year_gives_its_status_and_diagnosis() -> None:
    metrics = {
        "status": "INFEASIBLE",
        "gap": float("nan"),
        "diagnosis": '["no roster: capacity"]',
        "dropped": "[]",
    }
    (year,) = jobline_digest(
        YEAR, pd.DataFrame(), pd.DataFrame(columns=["rule", "ok"]), metrics, sample_catalogue()
    )
    assert year.facts["lines"] == 0 and year.facts["gap"] is None
    assert (
        "## Job lines 2027: INFEASIBLE" in year.markdown
        and "**Diagnosis**: no roster: capacity" in year.markdown
    )


def test_claude_writes_the_overview_from_pseudonymised_minimal_facts(frames: dict[str, Any]) -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: Any) -> Any:
        seen.append(json.loads(request.content))
        return _overview(request)

    client = _client(handler)
    year, *per_line = _digests(frames, client=client)
    first_line = sorted(frames["lines"].line_id.unique())[0]
    assert year.source == "claude" and year.markdown.startswith(CLAUDE_LABEL.format(model=MODEL))
    assert f"- {first_line} covers every category it needs." in year.markdown
    assert "**Computed facts**" in year.markdown and "Why it is compliant" in year.markdown
    assert all(d.source == "template" for d in per_line)  # per-line sections are the computed facts
    assert len(seen) == 1
    body = seen[0]
    assert body["model"] == MODEL and "independent checker" in body["system"]
    sent = json.dumps(body)
    assert not [lid for lid in frames["lines"].line_id.unique() if lid in sent]  # pseudonyms only
    facts = read_data_blocks(body["messages"][0]["content"])["facts"]
    assert [entry["line"] for entry in facts["per_line"]] == ["L001", "L002", "L003", "L004"]
    assert set(facts["per_line"][0]) == {
        "line",
        "pgy",
        "rotations",
        "categories",
        "rules_met",
        "broken",
        "at_limit",
    }
    content = body["messages"][0]["content"]  # no more than the overview needs: no per-rule rows
    assert not [key for key in ('"rules"', '"value"', '"limit"', '"specialty"') if key in content]
    record = client.records[0]
    assert (record.model, record.input_tokens, record.output_tokens) == (MODEL, 50, 9)
    assert record.purpose == "digest:jobline" and len(record.prompt_sha256) == 64
    assert KEY not in str(client.records) and KEY not in repr(client)


def test_api_failure_gives_the_labelled_template(frames: dict[str, Any]) -> None:
    def handler(request: Any) -> Any:
        return httpx.Response(
            529, json={"type": "error", "error": {"type": "overloaded_error", "message": "x"}}
        )

    client = _client(handler)
    year, *_ = _digests(frames, client=client)
    assert year.source == "template" and year.markdown.startswith(TEMPLATE_LABEL)
    assert "Claude was unavailable" in year.markdown and "Why it is compliant" in year.markdown
    assert client.records[0].error


def _overview(request: Any) -> Any:
    return httpx.Response(200, json={
        "id": "m", "type": "message", "role": "assistant", "model": MODEL,
        "content": [{"type": "text", "text": "- L001 covers every category it needs."}],
        "stop_reason": "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": 50, "output_tokens": 9},
    })  # fmt: skip


class MockedClaude(ClaudeResource):
    """The Claude resource over a mocked transport."""

    def client(self, on_call: Any = None) -> ClaudeClient:
        return _client(_overview)


def test_asset_writes_the_warehouse_idempotently_and_shows_markdown(
    catalogue_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    path = tmp_path / "w.duckdb"
    resources = {"warehouse": WarehouseResource(duckdb_path=str(path)), "claude": ClaudeResource()}
    request = {"pgy1": 3, "pgy2": 1, "catalogue": str(catalogue_csv), "time_limit": 10, "workers": 1}
    run_config = {
        "ops": {
            "joblines_assets": {"config": request},
            "jobline_digest": {"config": {"catalogue": str(catalogue_csv)}},
        }
    }
    instance = dg.DagsterInstance.ephemeral()
    for _ in range(2):  # a re-run replaces the year's rows
        result = dg.materialize(
            [joblines_assets, jobline_digest_asset],
            partition_key=YEAR,
            resources=resources,
            run_config=run_config,
            instance=instance,
        )
        assert result.success
    metadata = result.asset_materializations_for_node("jobline_digest")[0].metadata
    assert metadata["source"].value == "template" and metadata["llm_calls"].value == 0
    assert (
        metadata["digest"].value.startswith(TEMPLATE_LABEL)
        and "Why it is compliant" in metadata["digest"].value
    )
    assert metadata["lines"].value == metadata["compliant_lines"].value == 4
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "SELECT clinical_year, kind, line_id, source FROM jobline_digests ORDER BY line_id NULLS FIRST"
        ).fetchall()
        facts = json.loads(
            con.execute("SELECT facts_json FROM jobline_digests WHERE line_id IS NULL").fetchone()[0]
        )
        calls = con.execute("SELECT count(*) FROM jobline_llm_calls").fetchone()[0]
        lines = [
            r[0] for r in con.execute("SELECT DISTINCT line_id FROM joblines_lines ORDER BY 1").fetchall()
        ]
    finally:
        con.close()
    assert rows == [(YEAR, "jobline", None, "template")] + [
        (YEAR, "jobline", lid, "template") for lid in lines
    ]
    assert facts["clinical_year"] == YEAR and len(facts["per_line"]) == 4 and calls == 0

    # with Claude (mocked transport): the year row is Claude's, its call is recorded with its usage
    result = dg.materialize(
        [jobline_digest_asset],
        partition_key=YEAR,
        resources={**resources, "claude": MockedClaude()},
        run_config={"ops": {"jobline_digest": run_config["ops"]["jobline_digest"]}},
        instance=instance,
    )
    assert result.success
    con = duckdb.connect(str(path), read_only=True)
    try:
        sources = con.execute("SELECT source, count(*) FROM jobline_digests GROUP BY 1 ORDER BY 1").fetchall()
        calls = con.execute(
            "SELECT clinical_year, kind, purpose, model, input_tokens, output_tokens, length(prompt_sha256) "
            "FROM jobline_llm_calls"
        ).fetchall()
    finally:
        con.close()
    assert sources == [("claude", 1), ("template", 4)]
    assert calls == [(YEAR, "jobline", "digest:jobline", MODEL, 50, 9, 64)]


def test_asset_without_job_lines_fails_clearly(tmp_path: Path) -> None:
    resources = {
        "warehouse": WarehouseResource(duckdb_path=str(tmp_path / "empty.duckdb")),
        "claude": ClaudeResource(),
    }
    result = dg.materialize(
        [jobline_digest_asset], partition_key=YEAR, resources=resources, raise_on_error=False
    )
    assert not result.success
    failure = [e for e in result.all_events if e.is_step_failure][0]
    assert "materialise joblines first" in str(failure.event_specific_data.error)


def test_template_per_line_markdown_is_deterministic(frames: dict[str, Any]) -> None:
    first = [d.markdown for d in _digests(frames)]
    assert first == [d.markdown for d in _digests(frames)]
