"""Who asks: a registrar (`asker=Asker(...)`, `roster ask --as`) sees their own requests and
fairness figures and colleagues' absences only as "unavailable"; a manager (None) sees everything.
Applied in the tool layer, so the offline renderer and Claude (mocked transport) get the same
limited results."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx2 as httpx  # the public HTTP client anthropic 2.x is built on
import pytest

from roster_pipeline.explain.assistant import Asker, ask, for_asker, run_tool
from roster_pipeline.explain.claude import ClaudeClient
from roster_pipeline.explain.cli import register_cli
from roster_pipeline.explain.demo import solved_sample
from roster_pipeline.explain.facts import RosterContext, request_outcomes
from roster_pipeline.explain.prompt_data import read_data_blocks

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> RosterContext:
    return solved_sample(tmp_path_factory.mktemp("access"))


def _on_leave(ctx: RosterContext, day: str) -> list[str]:
    """Registrars on approved leave on `day`, read from the leave table here (not via the tools)."""
    leave = ctx.department.table("leave")
    rows = leave[(leave["status"] == "approved") & (leave["start"].astype(str) <= day)]
    return sorted(str(r) for r in rows[rows["end"].astype(str) >= day]["registrar_id"])


def _case(ctx: RosterContext) -> tuple[str, str, list[str]]:
    """A registrar with a request on a day they work while colleagues are on approved leave."""
    for req in request_outcomes(ctx):
        away = _on_leave(ctx, req["date"])
        if req["worked"] and len(away) >= 2 and req["registrar_id"] not in away:
            return req["registrar_id"], req["date"], away
    raise AssertionError("the deterministic sample has no such day")


def _viewer(ctx: RosterContext, rid: str) -> str:
    """Another registrar who has fairness figures (one who worked this period)."""
    return next(
        r for r in sorted(ctx.department.registrars) if r != rid and r in set(ctx.assignments.registrar_id)
    )


def test_tool_results_are_limited_to_what_the_asker_may_see(ctx: RosterContext) -> None:
    rid, day, away = _case(ctx)
    args = {"registrar": rid, "date": day}
    manager = run_tool(ctx, "explain_assignment", args)["facts"]
    assert manager["on_approved_leave"] == away and manager["requests_that_day"]
    assert all(list(e["registrars"]) == [rid] for e in manager["fairness"].values())

    own = run_tool(ctx, "explain_assignment", args, asker=Asker(rid))["facts"]
    assert own["on_approved_leave"] == [] and own["unavailable"] == away
    assert own["requests_that_day"] == manager["requests_that_day"] and own["fairness"] == manager["fairness"]

    colleague = away[0]
    other = run_tool(ctx, "explain_assignment", args, asker=Asker(colleague))["facts"]
    assert other["on_approved_leave"] == [colleague] and other["unavailable"] == away[1:]
    assert other["requests_that_day"] == []
    assert other["fairness"] and all(e["registrars"] == {} for e in other["fairness"].values())
    assert "annual" not in json.dumps(other)  # no leave type either

    viewer = _viewer(ctx, rid)
    everyone = run_tool(ctx, "fairness_report", {})["fairness"]
    mine = run_tool(ctx, "fairness_report", {}, asker=Asker(viewer))["fairness"]
    assert all(len(e["registrars"]) > 1 for e in everyone.values())  # a manager sees everyone's
    assert {rule: list(e["registrars"]) for rule, e in mine.items()} == dict.fromkeys(everyone, [viewer])
    assert {rule: e["spread"] for rule, e in mine.items()} == {r: e["spread"] for r, e in everyone.items()}
    theirs = run_tool(ctx, "fairness_report", {"registrar": rid}, asker=Asker(viewer))["fairness"]
    assert all(e["registrars"] == {} for e in theirs.values())


def test_offline_answers_for_a_registrar(ctx: RosterContext) -> None:
    rid, day, away = _case(ctx)
    names = {r: reg.name for r, reg in ctx.department.registrars.items()}
    question = f"Why is {names[rid]} working on {day}?"
    manager = ask(question, ctx, today=TODAY)
    assert "On approved leave that day" in manager.text and "request that day" in manager.text
    colleague = ask(question, ctx, today=TODAY, asker=Asker(away[0]))
    assert colleague.offline and "request that day" not in colleague.text
    assert "Unavailable that day" in colleague.text and names[away[1]] in colleague.text
    assert "Nights fairness" not in colleague.text
    fair = ask("How fair is the roster?", ctx, today=TODAY, asker=Asker(rid))
    shown = [n for r, n in names.items() if n in fair.text]
    assert shown == [names[rid]]


def _message(content: list[dict[str, Any]], stop_reason: str) -> dict[str, Any]:
    return {
        "id": "msg_access", "type": "message", "role": "assistant", "model": "claude-access-test",
        "content": content, "stop_reason": stop_reason, "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 5},
    }  # fmt: skip


def test_claude_gets_only_what_the_asker_may_see(ctx: RosterContext) -> None:
    rid, day, away = _case(ctx)
    seen: list[dict[str, Any]] = []
    uses = [
        {"type": "tool_use", "id": "f", "name": "fairness_report", "input": {}},
        {"type": "tool_use", "id": "e", "name": "explain_assignment",
         "input": {"registrar": rid, "date": day}},
    ]  # fmt: skip
    replies = [_message(uses, "tool_use"), _message([{"type": "text", "text": "Done."}], "end_turn")]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json=replies[len(seen) - 1])

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = ClaudeClient(api_key="sk-ant-test-access", model="m", http_client=http, max_retries=0)
    viewer = _viewer(ctx, rid)
    answer = ask("How fair is it, and why is that shift theirs?", ctx, client=client, asker=Asker(viewer))
    assert not answer.offline and len(seen) == 2
    assert read_data_blocks(seen[0]["system"])["roster"]["asker"] == viewer
    results = [read_data_blocks(r["content"])["tool_result"] for r in seen[1]["messages"][-1]["content"]]
    fairness, explained = results[0]["fairness"], results[1]["facts"]
    assert {r for e in fairness.values() for r in e["registrars"]} == {viewer}
    assert explained["requests_that_day"] == [] and explained["unavailable"] == away
    assert all(e["registrars"] == {} for e in explained["fairness"].values())


def test_roster_ask_as(ctx: RosterContext, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="roster")
    register_cli(parser.add_subparsers(dest="command", required=True))
    folder: Path = ctx.extra["folder"]
    base = ["--department", str(folder / "department"), "--roster", str(folder / "roster.csv")]
    base += ["--weeks", "1", "--offline", "--json"]
    args = parser.parse_args(["ask", "How fair is the roster?", "--as", "R001", *base])
    assert args.func(args) == 0
    payload = json.loads(capsys.readouterr().out)
    fairness = payload["facts"][0]["result"]["fairness"]
    assert {r for e in fairness.values() for r in e["registrars"]} == {"R001"}
    unknown = parser.parse_args(["ask", "How fair is the roster?", "--as", "R999", *base])
    assert unknown.func(unknown) == 2
    assert "--as R999" in capsys.readouterr().err


def test_infeasibility_diagnoses_state_absences_only_as_unavailable() -> None:
    result = {
        "status": "INFEASIBLE",
        "diagnosis": [
            "cover-min: cover for the night (N-CEN) at site CEN on 2027-02-04 needs 2 registrars; only 1 is "
            "available: R002, R010 are on approved leave",
            "leave: R002 is on approved leave 2027-02-01..2027-02-07",
            "training: R003 has protected training 'ALS course' on 2027-02-03",
        ],
    }
    shown = for_asker("what_if", result, Asker("R001"))["diagnosis"]
    assert shown == [
        "cover-min: cover for the night (N-CEN) at site CEN on 2027-02-04 needs 2 registrars; only 1 is "
        "available: R002, R010 are unavailable",
        "leave: R002 is unavailable 2027-02-01..2027-02-07",
        "training: R003 is unavailable on 2027-02-03",
    ]
    assert for_asker("what_if", result, None) is result and "approved leave" in result["diagnosis"][1]
    why = for_asker("explain_assignment", {"counterfactual": {"binding": result["diagnosis"]}}, Asker("R001"))
    assert why["counterfactual"]["binding"] == shown


def _leave_table(ctx: RosterContext) -> list[tuple[str, str, str, str, str]]:
    """(registrar, start, end, status, reason) rows read from the leave table here, not via the tools."""
    leave = ctx.department.table("leave")
    return sorted(
        (str(r.registrar_id), str(r.start)[:10], str(r.end)[:10], str(r.status), str(r.reason))
        for r in leave.itertuples(index=False)
    )


def test_a_registrar_sees_their_own_leave_reasons_and_colleagues_only_as_unavailable(
    ctx: RosterContext,
) -> None:
    table = _leave_table(ctx)
    manager = run_tool(ctx, "leave_and_requests", {})
    assert [
        (r["registrar_id"], r["start"], r["end"], r["status"], r["reason"]) for r in manager["leave"]
    ] == table
    owner, start, end, _, reason = next(row for row in table if row[3] == "approved" and row[4])
    mine = run_tool(ctx, "leave_and_requests", {}, asker=Asker(owner))
    own = [r for r in mine["leave"] if r["registrar_id"] == owner]
    assert [(r["start"], r["end"], r["reason"]) for r in own] == [
        (s, e, why) for rid, s, e, _, why in table if rid == owner
    ]
    others = [r for r in mine["leave"] if r["registrar_id"] != owner]
    approved = [(rid, s, e) for rid, s, e, status, _ in table if rid != owner and status == "approved"]
    assert [(r["registrar_id"], r["start"], r["end"]) for r in others] == approved
    assert all(
        set(r) == {"registrar_id", "start", "end", "status"} and r["status"] == "unavailable" for r in others
    )
    assert {r["registrar_id"] for r in mine["requests"]} <= {owner}
    theirs = {why for rid, _, _, _, why in table if rid != owner} - {
        why for rid, *_, why in table if rid == owner
    }
    assert theirs and not [why for why in theirs if why in json.dumps(mine)]  # no colleague's reason
    assert "annual" not in json.dumps(others) and "Overseas" in json.dumps(manager)
    answer = ask("What leave do I have?", ctx, today=TODAY, asker=Asker(owner))
    assert reason in answer.text and "unavailable" not in answer.text
    everyone = ask("Who is on leave?", ctx, today=TODAY, asker=Asker(owner))
    assert reason in everyone.text and everyone.text.count("unavailable") == len(approved)
    assert not [why for why in theirs if why in answer.text + everyone.text]


def test_cover_candidates_for_a_registrar_hide_colleagues_requests_and_fairness(ctx: RosterContext) -> None:
    day = (ctx.horizon.start + dt.timedelta(days=4)).isoformat()  # the first Friday
    manager = run_tool(ctx, "cover_candidates", {"date": day, "kind": "night", "top": 4})
    nights = sorted(code for code, st in ctx.department.shift_types.items() if st.kind == "night")
    assert sorted(manager["shifts"]) == nights
    everyone = [c for ranked in manager["shifts"].values() for c in ranked]
    assert everyone and all({"soft_rules", "fairness"} <= set(c) for c in everyone)
    me = everyone[0]["registrar_id"]
    mine = run_tool(ctx, "cover_candidates", {"date": day, "kind": "night", "top": 4}, asker=Asker(me))
    for ranked in mine["shifts"].values():
        for c in ranked:
            assert ("fairness" in c) == (c["registrar_id"] == me), c
            assert ("soft_rules" in c) == (c["registrar_id"] == me), c
    answer = ask("Who can cover Friday night?", ctx, today=ctx.horizon.start)
    assert answer.offline and f"Who could cover on {day}" in answer.text
    assert answer.tool_calls == [
        {"name": "cover_candidates", "input": {"date": day, "kind": "night"}, "error": False}
    ]
