"""The rule-based offline assistant: classifies a question (show, why, what-if, fairness, leave), reads
registrar, date, shift kind and numbers from it, runs the same tools Claude would, and renders the
results. Used without a key, with --offline, or when the API fails."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from roster_pipeline.explain import resolve as rs
from roster_pipeline.explain.assistant.access import Asker, for_asker
from roster_pipeline.explain.assistant.render import (
    Answer,
    render_absence,
    render_changes,
    render_cover,
    render_explanation,
    render_fairness,
    render_leave,
    render_schedule,
    render_what_if,
)
from roster_pipeline.explain.assistant.tools import run_tool, safe_tool
from roster_pipeline.explain.facts import RosterContext
from roster_pipeline.explain.whatif import Change, WhatIfError, what_if


def classify(question: str) -> str:
    """The kind of question: changes, what_if, explain, cover, fairness, leave, show or unknown."""
    q = question.lower()
    if "who changed" in q or "changed my" in q or "why was my" in q:
        return "changes"
    if (
        "what if" in q
        or "what changes if" in q
        or "what happens if" in q
        or q.startswith("suppose")
        or "if we need" in q
    ):
        return "what_if"
    if q.startswith("why") or "why is" in q or "explain" in q:
        return "explain"
    if "cover" in q and ("who" in q or "can" in q):
        return "cover"
    if "fair" in q:
        return "fairness"
    if any(w in q for w in ("leave", "request", "day off", "days off", "holiday")):
        return "leave"
    if any(w in q for w in ("show", "schedule", "roster", "who is on", "who's on", "shifts")):
        return "show"
    return "unknown"


# a registrar asking why a colleague is away (their leave, its type or reason): refused politely
PRIVATE_ASK = re.compile(
    r"\b(why|reason|what for|sick|ill|illness|leave type)\b.*\b(off|away|leave|absent|sick)\b|"
    r"\b(off|away|leave|absent)\b.*\b(why|reason|what for)\b",
    re.IGNORECASE,
)
COLLEAGUE_PRIVATE = (
    "I'm sorry, I can't tell you why a colleague is away: their leave and its reason are private to "
    "them and their managers. I can tell you when they are unavailable."
)


def ask_offline(
    question: str, ctx: RosterContext, today: dt.date | None = None, asker: Asker | None = None
) -> Answer:
    """Rule-based answers for show / why / what-if / fairness questions, from tool results limited
    to what `asker` may see (None: a manager)."""
    kind = classify(question)
    label = "_Offline answer (rule-based parser; no language model). Every figure is computed._\n\n"
    colleague = rs.find_registrar(ctx, question) if asker is not None else None
    if colleague and colleague != asker.registrar_id and PRIVATE_ASK.search(question):
        result = run_tool(ctx, "leave_and_requests", {"registrar": colleague}, today, asker)
        call = {"name": "leave_and_requests", "input": {"registrar": colleague}, "error": False}
        text = label + COLLEAGUE_PRIVATE + "\n\n" + render_leave(ctx, result)
        return Answer(text, [{"tool": "leave_and_requests", "result": result}], [call])
    if kind == "show":
        return _offline_show(question, ctx, today, label, asker)
    if kind == "explain":
        return _offline_explain(question, ctx, today, label, asker)
    if kind == "what_if":
        return _offline_what_if(question, ctx, today, label, asker)
    if kind == "fairness":
        rid = rs.find_registrar(ctx, question)
        args = {"registrar": rid} if rid else {}
        result = run_tool(ctx, "fairness_report", args, today, asker)
        call = {"name": "fairness_report", "input": args, "error": False}
        text = label + render_fairness(ctx, result["fairness"])
        return Answer(text, [{"tool": "fairness_report", "result": result}], [call])
    if kind == "cover":
        return _offline_cover(question, ctx, today, label, asker)
    if kind == "changes":
        return _offline_changes(question, ctx, today, label, asker)
    if kind == "leave":
        mine = asker is not None and re.search(r"\b(my|me|I)\b", question) is not None
        rid = asker.registrar_id if mine and asker else rs.find_registrar(ctx, question)
        args = {"registrar": rid} if rid else {}
        result = run_tool(ctx, "leave_and_requests", args, today, asker)
        call = {"name": "leave_and_requests", "input": args, "error": False}
        return Answer(
            label + render_leave(ctx, result), [{"tool": "leave_and_requests", "result": result}], [call]
        )
    return Answer(
        label + "I can show the schedule (by week, registrar or site), explain why someone works a "
        "shift, run a what-if (cover, leave or a rule), or report fairness. Try: \"Show me next week's "
        'schedule", "Why is Dr Smith on nights?", "What if we need 3 people on Friday?"'
    )


def _offline_absence(
    ctx: RosterContext, rid: str, day: dt.date, today: dt.date | None, label: str, asker: Asker | None
) -> Answer:
    """'What changes if R002 is sick on Tuesday?': the repair a sick call would get."""
    args = {"registrar": rid, "start": day.isoformat()}
    result, is_error = safe_tool(ctx, "absence_repair", args, today, asker)
    call = {"name": "absence_repair", "input": args, "error": is_error}
    if is_error:
        return Answer(label + result["error"], [], [call])
    return Answer(label + render_absence(result), [{"tool": "absence_repair", "result": result}], [call])


def _offline_changes(
    question: str, ctx: RosterContext, today: dt.date | None, label: str, asker: Asker | None
) -> Answer:
    """'Who changed my Saturday and why?': the audit log's changed cells of that day."""
    mine = asker is not None and re.search(r"\b(my|me|I)\b", question) is not None
    rid = asker.registrar_id if mine and asker else rs.find_registrar(ctx, question)
    if rid is None:
        return Answer(label + "Whose roster? I could not match a registrar in the question.")
    args: dict[str, Any] = {"registrar": rid}
    day = rs.date_in(ctx, question, today)
    if day is not None:
        args["start"] = day.isoformat()
    result, is_error = safe_tool(ctx, "roster_changes", args, today, asker)
    call = {"name": "roster_changes", "input": args, "error": is_error}
    if is_error:
        return Answer(label + result["error"], [], [call])
    return Answer(label + render_changes(result), [{"tool": "roster_changes", "result": result}], [call])


def _offline_show(
    question: str, ctx: RosterContext, today: dt.date | None, label: str, asker: Asker | None
) -> Answer:
    args: dict[str, Any] = {}
    week = rs.week_start(ctx, question, today)
    if week is not None:
        args["week"] = week.isoformat()
    rid = rs.find_registrar(ctx, question)
    if rid:
        args["registrar"] = rid
    sites = rs.sites_in(ctx, question)
    if sites:
        args["site"] = sites[0]
    result, is_error = safe_tool(ctx, "show_schedule", args, today, asker)
    call = {"name": "show_schedule", "input": args, "error": is_error}
    if is_error:
        return Answer(label + result["error"], [], [call])
    text = label + render_schedule(ctx, result, rid)
    return Answer(text, [{"tool": "show_schedule", "result": result}], [call])


def _offline_cover(
    question: str, ctx: RosterContext, today: dt.date | None, label: str, asker: Asker | None
) -> Answer:
    day = rs.date_in(ctx, question, today)
    if day is None:
        return Answer(label + "Which day? I could not read a date in the question.")
    codes = [c for c in ctx.department.shift_types if re.search(rf"\b{re.escape(c)}\b", question)]
    args: dict[str, Any] = {"date": day.isoformat()}
    if codes:
        args["shift"] = codes[0]
    else:
        args["kind"] = rs.kind_in(question) or "day"
    result, is_error = safe_tool(ctx, "cover_candidates", args, today, asker)
    call = {"name": "cover_candidates", "input": args, "error": is_error}
    if is_error:
        return Answer(label + result["error"], [], [call])
    return Answer(label + render_cover(ctx, result), [{"tool": "cover_candidates", "result": result}], [call])


def _offline_explain(
    question: str, ctx: RosterContext, today: dt.date | None, label: str, asker: Asker | None
) -> Answer:
    rid = rs.find_registrar(ctx, question)
    if rid is None:
        return Answer(label + "Which registrar? I could not match a name in the question.")
    args: dict[str, Any] = {"registrar": rid}
    day = rs.date_in(ctx, question, today)
    if day is not None:
        args["date"] = day.isoformat()
    kind = rs.kind_in(question)
    if kind is not None:
        args["kind"] = kind
    result, is_error = safe_tool(ctx, "explain_assignment", args, today, asker)
    call = {"name": "explain_assignment", "input": args, "error": is_error}
    if is_error:
        return Answer(label + result["error"], [], [call])
    return Answer(
        label + render_explanation(ctx, result, rid, kind),
        [{"tool": "explain_assignment", "result": result}],
        [call],
    )


def _offline_what_if(
    question: str, ctx: RosterContext, today: dt.date | None, label: str, asker: Asker | None
) -> Answer:
    q = question.lower()
    day = rs.date_in(ctx, question, today)
    rid = rs.find_registrar(ctx, question)
    if rid and day is not None and ("sick" in q or "unavailable" in q):
        return _offline_absence(ctx, rid, day, today, label, asker)
    if rid and ("leave" in q or "off" in q or "away" in q or "sick" in q):
        if day is None:
            return Answer(label + "On which day? I could not find a date in the question.")
        changes = [Change("leave", registrar_id=rid, start=day, end=day)]
        assumption = ""
    else:
        people = rs.number_in(question)
        if day is None or people is None:
            return Answer(label + "I read this as a cover change but need a day and a number of people.")
        kind = rs.kind_in(question) or "night"
        sites = rs.sites_in(ctx, question) or list(ctx.department.sites)
        codes = sorted(c for c, s in ctx.department.shift_types.items() if s.kind == kind and s.site in sites)
        if not codes:
            return Answer(label + f"No {kind} shift at {', '.join(sites)}.")
        changes = [Change("cover", date=day, shift=code, people=people) for code in codes]
        assumption = (
            ""
            if rs.kind_in(question)
            else "No shift was named, so I applied it to the night shift at every site "
            f"({', '.join(codes)}). "
            "Name a shift (day, evening, long day) or a site to change that.\n\n"
        )
    try:
        outcome = what_if(ctx, changes)
    except WhatIfError as exc:
        return Answer(label + str(exc))
    result = for_asker("what_if", outcome.to_dict(), asker)
    call = {"name": "what_if", "input": {"changes": [c.describe() for c in changes]}, "error": False}
    text = label + assumption + render_what_if(ctx, result)
    return Answer(text, [{"tool": "what_if", "result": result}], [call])
