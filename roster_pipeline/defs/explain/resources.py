"""The Claude resource of the explanation assets."""

import os
from typing import Any

import dagster as dg

from roster_pipeline.explain.claude import DEFAULT_MODEL, ClaudeClient


class ClaudeResource(dg.ConfigurableResource):
    """The Claude client. `api_key` blank means: read ANTHROPIC_API_KEY at run time (so the key is
    never part of run config); no key at all means template digests."""

    api_key: str = ""
    model: str = DEFAULT_MODEL
    timeout: float = 60.0
    max_retries: int = 2

    def client(self, on_call: Any = None) -> ClaudeClient:
        key = self.api_key or os.environ.get("ANTHROPIC_API_KEY", "")
        return ClaudeClient(
            api_key=key, model=self.model, timeout=self.timeout, max_retries=self.max_retries, on_call=on_call
        )


def explain_resources() -> dict[str, dg.ConfigurableResource]:
    """The Claude resource, its model from ROSTER_CLAUDE_MODEL (the key is read at run time)."""
    return {"claude": ClaudeResource(model=os.environ.get("ROSTER_CLAUDE_MODEL") or DEFAULT_MODEL)}
