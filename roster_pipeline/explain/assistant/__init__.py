"""`roster ask`: answer questions about a roster from computed facts.

With a Claude client, Claude chooses among eight read-only tools that run our code (show_schedule,
explain_assignment, what_if, fairness_report, leave_and_requests, cover_candidates, absence_repair,
roster_changes) and writes the answer from their results; names are pseudonymised on the way out
and put back on the way in. Without a key, or if the API fails, a rule-based parser answers the
same kinds of question from the same tools. Claude writes; the solver decides. Nothing here
publishes or changes a roster: what-ifs and repairs work on copies.
"""

from roster_pipeline.explain.assistant.access import Asker, for_asker
from roster_pipeline.explain.assistant.loop import MAX_TOOL_ROUNDS, SYSTEM_PROMPT, ask, ask_claude
from roster_pipeline.explain.assistant.offline import ask_offline, classify
from roster_pipeline.explain.assistant.render import (
    Answer,
    render_explanation,
    render_fairness,
    render_schedule,
    render_what_if,
)
from roster_pipeline.explain.assistant.tools import TOOL_NAMES, TOOLS, ToolInputError, run_tool, safe_tool

__all__ = [
    "MAX_TOOL_ROUNDS",
    "SYSTEM_PROMPT",
    "TOOLS",
    "TOOL_NAMES",
    "Answer",
    "Asker",
    "ToolInputError",
    "ask",
    "ask_claude",
    "ask_offline",
    "classify",
    "for_asker",
    "render_explanation",
    "render_fairness",
    "render_schedule",
    "render_what_if",
    "run_tool",
    "safe_tool",
]
