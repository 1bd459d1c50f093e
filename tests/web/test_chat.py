"""The assistant over HTTP within the asker's rights: offline, and with Claude behind a mocked HTTP
transport (the real anthropic SDK), where the tool results sent to the model are checked."""

from __future__ import annotations

import json
from typing import Any

import httpx2 as httpx  # the HTTP client anthropic 2.x is built on
from web_site import SICK_REASON, Site

from roster_pipeline.explain.claude import ClaudeClient
from roster_pipeline.explain.prompt_data import read_data_blocks


def _ask(site: Site, question: str) -> dict[str, Any]:
    reply = site.client.post("/api/chat", json={"question": question}, headers={"X-CSRF-Token": site.csrf()})
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_chat_needs_a_session_and_a_csrf_token(site: Site) -> None:
    assert site.client.post("/api/chat", json={"question": "hi"}).status_code == 401
    site.login("alex")
    assert site.client.post("/api/chat", json={"question": "hi"}).status_code == 403


def test_a_registrar_asking_about_a_colleagues_leave_hears_only_unavailable(site: Site) -> None:
    site.login("alex")
    colleague = site.client.get("/api/roster", params={"registrar": "R002"}).json()["absences"][0]["name"]
    answer = _ask(site, f"Why is {colleague} off this week? What is the reason for the leave?")
    assert answer["offline"] is True and "can't tell you why a colleague is away" in answer["text"]
    assert SICK_REASON not in answer["text"] and "sick" not in answer["text"].lower()
    page = site.client.post("/chat", data={"question": "Show R002's leave", "csrf_token": site.csrf()})
    assert page.status_code == 200 and SICK_REASON not in page.text


def test_the_manager_is_told_the_reason(site: Site) -> None:
    site.login("morgan")
    answer = _ask(site, "Show R002's leave and requests")
    assert SICK_REASON in answer["text"]


def _message(content: list[dict[str, Any]], stop_reason: str) -> dict[str, Any]:
    return {
        "id": "msg_web",
        "type": "message",
        "role": "assistant",
        "model": "claude-web-test",
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 5},
    }


def test_claude_receives_a_colleagues_leave_only_as_unavailable(site: Site) -> None:
    seen: list[dict[str, Any]] = []
    use = {"type": "tool_use", "id": "l", "name": "leave_and_requests", "input": {"registrar": "R002"}}
    replies = [
        _message([use], "tool_use"),
        _message([{"type": "text", "text": "She is unavailable."}], "end_turn"),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json=replies[len(seen) - 1])

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = ClaudeClient(api_key="sk-ant-test-web", model="m", http_client=http, max_retries=0)
    site.client.app.state.config.claude = lambda: client
    site.login("alex")
    answer = _ask(site, "Why is Charlotte away on Wednesday?")
    assert answer["offline"] is False and answer["text"] == "She is unavailable." and len(seen) == 2
    sent = json.dumps(seen)
    assert SICK_REASON not in sent and "sk-ant-test-web" not in sent
    result = read_data_blocks(seen[1]["messages"][-1]["content"][0]["content"])["tool_result"]
    assert result["leave"] and {row["status"] for row in result["leave"]} == {"unavailable"}
