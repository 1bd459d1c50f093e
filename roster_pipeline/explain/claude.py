"""A thin wrapper over the anthropic SDK: model, timeout, retries, and a record of every call's
model, prompt hash and token usage. The API key comes from ANTHROPIC_API_KEY (or the caller) and is
never logged, printed, or stored in a record."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_MODEL = "claude-sonnet-4-5"
DEFAULT_TIMEOUT = 60.0
DEFAULT_RETRIES = 2


@dataclass
class CallRecord:
    """One Messages API call, as written to the `llm_calls` table."""

    called_at: str
    purpose: str
    model: str
    prompt_sha256: str
    input_tokens: int
    output_tokens: int
    seconds: float
    stop_reason: str
    error: str = ""


class ClaudeUnavailable(RuntimeError):
    """No key, or the API failed after retries: callers fall back to the offline path."""


def prompt_hash(request: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


class ClaudeClient:
    """Messages API calls with usage recording. `http_client` lets tests inject a mock transport."""

    def __init__(
        self,
        api_key: str | None = None,
        model: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_RETRIES,
        http_client: Any = None,
        on_call: Callable[[CallRecord], None] | None = None,
        max_tokens: int = 1500,
    ) -> None:
        self._api_key = api_key if api_key is not None else os.environ.get("ANTHROPIC_API_KEY", "")
        self.model = model or os.environ.get("ROSTER_CLAUDE_MODEL") or DEFAULT_MODEL
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_tokens = max_tokens
        self.records: list[CallRecord] = []
        self._on_call = on_call
        self._http_client = http_client
        self._sdk: Any = None

    def __repr__(self) -> str:  # never show the key
        key = "set" if self.available else "unset"
        return f"ClaudeClient(model={self.model!r}, timeout={self.timeout}, key={key})"

    @property
    def available(self) -> bool:
        return bool(self._api_key)

    def _client(self) -> Any:
        if self._sdk is None:
            import anthropic  # optional and heavy (about 2 s): only a call with a key needs it

            kwargs: dict[str, Any] = {
                "api_key": self._api_key,
                "timeout": self.timeout,
                "max_retries": self.max_retries,
            }
            if self._http_client is not None:
                kwargs["http_client"] = self._http_client
            self._sdk = anthropic.Anthropic(**kwargs)
        return self._sdk

    def create(
        self,
        system: str,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None = None,
        purpose: str = "",
    ) -> Any:
        """One `messages.create` call; raises ClaudeUnavailable on any failure."""
        if not self.available:
            raise ClaudeUnavailable("ANTHROPIC_API_KEY is not set")
        request: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "system": system,
            "messages": messages,
        }
        if tools:
            request["tools"] = tools
        began = time.perf_counter()
        record = CallRecord(
            called_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            purpose=purpose,
            model=self.model,
            prompt_sha256=prompt_hash(request),
            input_tokens=0,
            output_tokens=0,
            seconds=0.0,
            stop_reason="",
        )
        try:
            response = self._client().messages.create(**request)
        except Exception as exc:  # noqa: BLE001 - any API failure means: fall back
            record.error = type(exc).__name__
            record.seconds = time.perf_counter() - began
            self._record(record)
            log.warning("Claude call failed (%s); using the offline fallback", type(exc).__name__)
            raise ClaudeUnavailable(type(exc).__name__) from exc
        usage = getattr(response, "usage", None)
        record.input_tokens = int(getattr(usage, "input_tokens", 0) or 0)
        record.output_tokens = int(getattr(usage, "output_tokens", 0) or 0)
        record.stop_reason = str(getattr(response, "stop_reason", "") or "")
        record.seconds = time.perf_counter() - began
        self._record(record)
        return response

    def _record(self, record: CallRecord) -> None:
        self.records.append(record)
        log.info("claude call %s", json.dumps(asdict(record)))
        if self._on_call is not None:
            self._on_call(record)
