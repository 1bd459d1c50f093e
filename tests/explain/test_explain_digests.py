"""Digests: template and Claude-written (mocked transport), labelled, never failing because of the
model, and a registrar's notice never showing anyone else's leave reasons or requests."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import httpx2 as httpx  # the public HTTP client anthropic 2.x is built on (its declared dependency)
import pytest

from roster_pipeline.explain.claude import ClaudeClient
from roster_pipeline.explain.demo import solved_sample
from roster_pipeline.explain.digests import (
    CLAUDE_LABEL,
    TEMPLATE_LABEL,
    manager_digest,
    manager_digest_facts,
    registrar_notice,
    registrar_notice_facts,
)
from roster_pipeline.explain.facts import RosterContext
from roster_pipeline.validator import ValidationReport, Violation

KEY = "sk-ant-test-digest-SECRET"


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> RosterContext:
    return solved_sample(tmp_path_factory.mktemp("digests"))


def _client(handler: Any) -> ClaudeClient:
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return ClaudeClient(api_key=KEY, model="claude-digest-test", http_client=http, max_retries=0)


def test_template_manager_digest_has_the_computed_facts(ctx: RosterContext) -> None:
    digest = manager_digest(ctx, previous={"soft_penalty": 0, "shifts": 0, "fairness_spreads": {}})
    facts = digest.facts
    assert digest.source == "template" and digest.markdown.startswith(TEMPLATE_LABEL)
    assert facts["hard_rules"]["violations"] == ctx.report.hard_violations
    assert facts["soft_penalty"] == ctx.report.soft_penalty
    assert f"{ctx.report.requests_honoured} of {ctx.report.requests_total}" in digest.markdown
    assert facts["changes_from_last_week"]["soft_penalty"] == ctx.report.soft_penalty
    assert facts["fatigue_hot_spots"] and "Fatigue-risk hot spots" in digest.markdown


def test_extra_sections_carry_future_job_line_facts(ctx: RosterContext) -> None:
    facts = manager_digest_facts(ctx, extra_sections={"Job lines": {"PGY1-A": {"filled": 3}}})
    assert facts["extra_sections"]["Job lines"]["PGY1-A"]["filled"] == 3


def test_claude_digest_is_labelled_grounded_and_pseudonymised(ctx: RosterContext) -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: Any) -> Any:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json={
            "id": "m", "type": "message", "role": "assistant", "model": "claude-digest-test",
            "content": [{"type": "text", "text": "- R001 is rostered as listed."}],
            "stop_reason": "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": 50, "output_tokens": 9},
        })  # fmt: skip

    client = _client(handler)
    digest = manager_digest(ctx, client=client)
    assert digest.source == "claude"
    assert digest.markdown.startswith(CLAUDE_LABEL.format(model="claude-digest-test"))
    assert "Dr Alex Smith (R001) is rostered" in digest.markdown and "Computed facts" in digest.markdown
    body = seen[0]
    assert body["model"] == "claude-digest-test" and "Use ONLY the JSON facts" in body["system"]
    sent = json.dumps(body)
    assert all(reg.name not in sent for reg in ctx.department.registrars.values())
    assert client.records[0].output_tokens == 9 and KEY not in str(client.records)


def test_claude_failure_gives_the_labelled_template(ctx: RosterContext) -> None:
    def handler(request: Any) -> Any:
        return httpx.Response(500, json={"type": "error", "error": {"type": "api_error", "message": "down"}})

    digest = registrar_notice(ctx, "R001", client=_client(handler))
    assert digest.source == "template" and TEMPLATE_LABEL in digest.markdown
    assert "Claude was unavailable" in digest.markdown


def test_registrar_notice_shows_only_their_own_private_data(ctx: RosterContext) -> None:
    leave = ctx.department.table("leave")
    prefs = ctx.department.table("preferences")
    for rid in ("R001", "R003"):
        digest = registrar_notice(ctx, rid)
        text = digest.markdown + json.dumps(digest.facts, default=str)
        others_reasons = {str(r) for r in leave.loc[leave["registrar_id"] != rid, "reason"].dropna()}
        others_notes = {str(n) for n in prefs.loc[prefs["registrar_id"] != rid, "note"].dropna()}
        own = {str(n) for n in prefs.loc[prefs["registrar_id"] == rid, "note"].dropna()}
        assert not [r for r in others_reasons | others_notes if r in text and r not in own]
        assert {r["registrar_id"] for r in digest.facts["requests"]} <= {rid}
        assert {s["date"] for s in digest.facts["shifts"]} == {
            d.isoformat() for r, d, _ in ctx.assignments.itertuples(index=False) if r == rid
        }


def test_registrar_notice_matches_hard_issues_on_the_registrar_id_not_a_prefix(ctx: RosterContext) -> None:
    day = ctx.horizon.start
    violations = [
        Violation("H-rest", "min_rest", True, rid, (day,), 1, 0, f"{rid} has too little rest on {day}")
        for rid in ("R1", "R10", "R100")
    ]
    violations.append(Violation("H-cover", "cover", True, None, (day,), 1, 0, "cover short: R1 asked off"))
    planted = dataclasses.replace(ctx)
    planted.__dict__["report"] = ValidationReport(violations, rule_types={})  # the cached report
    for rid in ("R1", "R10", "R100"):
        facts = registrar_notice_facts(planted, rid)
        assert facts["hard_rule_issues"] == [f"{rid} has too little rest on {day}"]
