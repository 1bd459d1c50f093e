"""The Claude resource of the explanation assets."""

import os
from typing import Any

import dagster as dg

from roster_pipeline.explain.claude import DEFAULT_MODEL, ClaudeClient

KEY_VARIABLE = "ANTHROPIC_API_KEY"


class ClaudeResource(dg.ConfigurableResource):
    """The Claude client. Give `api_key` as `dg.EnvVar("ANTHROPIC_API_KEY")` (as `explain_resources`
    does), so run config and the UI show the variable's name, never its value; None means template
    digests. The key is never read from the environment behind the resource's back."""

    api_key: str | None = None
    model: str = DEFAULT_MODEL
    timeout: float = 60.0
    max_retries: int = 2

    def http_client(self) -> Any:
        """The HTTP client the SDK uses: None for its own (tests return one with a mock transport)."""
        return None

    def client(self, on_call: Any = None) -> ClaudeClient:
        return ClaudeClient(
            api_key=self.api_key or "",
            model=self.model,
            timeout=self.timeout,
            max_retries=self.max_retries,
            http_client=self.http_client(),
            on_call=on_call,
        )


def explain_resources() -> dict[str, dg.ConfigurableResource]:
    """The Claude resource, its model from ROSTER_CLAUDE_MODEL. The key is an EnvVar (resolved when a
    run starts) when ANTHROPIC_API_KEY is set where the definitions load; otherwise there is no key and
    the digests are templates (an unset EnvVar would fail the run instead)."""
    model = os.environ.get("ROSTER_CLAUDE_MODEL") or DEFAULT_MODEL
    if os.environ.get(KEY_VARIABLE):
        return {"claude": ClaudeResource(api_key=dg.EnvVar(KEY_VARIABLE), model=model)}
    return {"claude": ClaudeResource(model=model)}
