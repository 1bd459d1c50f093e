"""The assistant's eight read-only tools: their schema for Claude and their implementations, which
read computed facts (the roster, the validator's report, counterfactual and what-if re-solves on
copies). Results carry registrar ids, never names or private notes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from roster_pipeline.explain import resolve as rs
from roster_pipeline.explain.assistant.access import Asker, for_asker
from roster_pipeline.explain.assistant.living_tools import (
    ABSENCE_TOOL,
    CHANGES_TOOL,
    absence_repair,
    roster_changes,
)
from roster_pipeline.explain.counterfactual import explain_assignment
from roster_pipeline.explain.facts import (
    RosterContext,
    fairness_report,
    leave_of,
    request_outcomes,
    schedule,
    summary,
)
from roster_pipeline.explain.whatif import Change, WhatIfError, what_if
from roster_pipeline.living.recommend import OpenShiftError, recommend_cover

TOOLS: list[dict[str, Any]] = [
    {
        "name": "show_schedule",
        "description": "Roster assignments, filtered by week (Monday date or 'next week'), registrar "
        "id and/or site code.",
        "input_schema": {
            "type": "object",
            "properties": {
                "week": {"type": "string", "description": "YYYY-MM-DD Monday, 'this week', 'next week'"},
                "registrar": {"type": "string", "description": "registrar id, e.g. R001"},
                "site": {"type": "string"},
            },
        },
    },
    {
        "name": "explain_assignment",
        "description": "Why a registrar works a shift: cover, leave, eligible colleagues, requests, "
        "fairness, and a counterfactual re-solve forbidding the assignment (cost change per rule, or the "
        "binding rules if no roster exists without it). Give a date, or a shift kind to take the first.",
        "input_schema": {
            "type": "object",
            "properties": {
                "registrar": {"type": "string"},
                "date": {"type": "string", "description": "YYYY-MM-DD"},
                "kind": {"type": "string", "enum": ["day", "evening", "night", "long-day", "on-call"]},
            },
            "required": ["registrar"],
        },
    },
    {
        "name": "what_if",
        "description": "Apply one change to a copy of the inputs, re-solve, and return who moves and "
        "the penalties before and after. change=cover needs date, shift (code) and people; "
        "change=leave needs registrar, start (and end); change=rule needs rule_id and param+value, or "
        "enabled=false.",
        "input_schema": {
            "type": "object",
            "properties": {
                "change": {"type": "string", "enum": ["cover", "leave", "rule"]},
                "date": {"type": "string"},
                "shift": {"type": "string"},
                "people": {"type": "integer", "minimum": 0, "maximum": 50},
                "registrar": {"type": "string"},
                "start": {"type": "string"},
                "end": {"type": "string"},
                "rule_id": {"type": "string"},
                "param": {"type": "string"},
                "value": {"type": "number"},
                "enabled": {"type": "boolean"},
            },
            "required": ["change"],
        },
    },
    {
        "name": "fairness_report",
        "description": "Fairness per measure (nights, weekends, public holidays, hours): this period, "
        "fair share, carried balance, deviation and rank; optionally for one registrar.",
        "input_schema": {"type": "object", "properties": {"registrar": {"type": "string"}}},
    },
    {
        "name": "cover_candidates",
        "description": "Who could cover one open shift: registrars ranked legal first, with the rules "
        "that stop or bend each, the chain of other changes a candidate needs, and the notice. Give a "
        "date and a shift code (or a shift kind, to take every shift of that kind that day).",
        "input_schema": {
            "type": "object",
            "properties": {
                "date": {"type": "string", "description": "YYYY-MM-DD"},
                "shift": {"type": "string", "description": "shift code"},
                "kind": {"type": "string", "enum": ["day", "evening", "night", "long-day", "on-call"]},
                "top": {"type": "integer", "minimum": 1, "maximum": 10},
            },
            "required": ["date"],
        },
    },
    {
        "name": "leave_and_requests",
        "description": "Leave (dates, type, status and reason) and day requests with whether the roster "
        "honours them; optionally for one registrar. A registrar asking sees only their own; colleagues' "
        "approved absences come back as 'unavailable' with dates only.",
        "input_schema": {"type": "object", "properties": {"registrar": {"type": "string"}}},
    },
    ABSENCE_TOOL,
    CHANGES_TOOL,
]
TOOL_NAMES = tuple(t["name"] for t in TOOLS)


class ToolInputError(ValueError):
    """Invalid tool input; returned to the model as an error result, never raised to the user."""


def _date(value: Any, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ToolInputError(f"{what} must be YYYY-MM-DD, got {value!r}") from exc


def _registrar(ctx: RosterContext, value: Any) -> str:
    try:
        return rs.registrar_id(ctx, str(value))
    except rs.ResolveError as exc:
        raise ToolInputError(str(exc)) from exc


def run_tool(
    ctx: RosterContext,
    name: str,
    args: dict[str, Any],
    today: dt.date | None = None,
    asker: Asker | None = None,
) -> dict[str, Any]:
    """Run one tool on validated input, its result limited to what `asker` may see (None: a manager,
    everything). Results carry ids, never names or private notes."""
    return for_asker(name, _run(ctx, name, args, today), asker)


def _run(ctx: RosterContext, name: str, args: dict[str, Any], today: dt.date | None) -> dict[str, Any]:
    """One tool's full result."""
    if not isinstance(args, dict):
        raise ToolInputError("tool input must be an object")
    if name == "show_schedule":
        week = None
        if args.get("week"):
            week = rs.week_start(ctx, str(args["week"]), today)
            if week is None:
                raise ToolInputError(f"unknown week {args['week']!r}")
        rid = _registrar(ctx, args["registrar"]) if args.get("registrar") else None
        site = str(args["site"]).upper() if args.get("site") else None
        if site is not None and site not in ctx.department.sites:
            raise ToolInputError(f"unknown site {site!r}; sites: {list(ctx.department.sites)}")
        rows = schedule(ctx, week, rid, site)
        return {"week_start": week.isoformat() if week else None, "assignments": rows, "count": len(rows)}
    if name == "explain_assignment":
        rid = _registrar(ctx, args.get("registrar", ""))
        rows = schedule(ctx, None, rid)
        if args.get("date"):
            day = _date(args["date"], "date")
            rows = [r for r in rows if r["date"] == day.isoformat()]
        if args.get("kind"):
            rows = [r for r in rows if r["kind"] == args["kind"]]
        if not rows:
            return {"registrar_id": rid, "assignment": None, "message": "no such assignment in the roster"}
        first = rows[0]
        result = explain_assignment(ctx, rid, dt.date.fromisoformat(first["date"]), first["shift"])
        result["all_matching"] = [f"{r['date']} {r['shift']}" for r in rows]
        return result
    if name == "what_if":
        return what_if(ctx, [_change(ctx, args)]).to_dict()
    if name == "fairness_report":
        rid = _registrar(ctx, args["registrar"]) if args.get("registrar") else None
        return {"summary": summary(ctx), "fairness": fairness_report(ctx, rid)}
    if name == "cover_candidates":
        return _cover(ctx, args, today)
    if name == "leave_and_requests":
        rid = _registrar(ctx, args["registrar"]) if args.get("registrar") else None
        return {"registrar_id": rid, "leave": leave_of(ctx, rid), "requests": request_outcomes(ctx, rid)}
    if name == "absence_repair":
        start = _date(args.get("start"), "start")
        end = _date(args["end"], "end") if args.get("end") else start
        if start not in ctx.horizon or end < start:
            raise ToolInputError(f"{start}..{end} is not a span of days inside the roster")
        shift = str(args["shift"]) if args.get("shift") else None
        if shift is not None and shift not in ctx.department.shift_types:
            raise ToolInputError(f"unknown shift {shift!r}")
        return absence_repair(
            ctx, _registrar(ctx, args.get("registrar", "")), start, min(end, ctx.horizon.end), shift
        )
    if name == "roster_changes":
        start = _date(args["start"], "start") if args.get("start") else None
        end = _date(args["end"], "end") if args.get("end") else None
        return roster_changes(ctx, _registrar(ctx, args.get("registrar", "")), start, end)
    raise ToolInputError(f"unknown tool {name!r}; tools: {TOOL_NAMES}")


def _cover(ctx: RosterContext, args: dict[str, Any], today: dt.date | None) -> dict[str, Any]:
    """Ranked cover candidates for the shift (or every shift of a kind) on a date."""
    day = _date(args.get("date"), "date")
    if day not in ctx.horizon:
        raise ToolInputError(f"{day} is outside the roster")
    types = ctx.department.shift_types
    if args.get("shift"):
        if str(args["shift"]) not in types:
            raise ToolInputError(f"unknown shift {args['shift']!r}; shifts: {sorted(types)}")
        codes = [str(args["shift"])]
    else:
        codes = sorted(code for code, st in types.items() if st.kind == args.get("kind"))
        if not codes:
            raise ToolInputError("give a shift code, or a shift kind that the department has")
    top = args.get("top") if isinstance(args.get("top"), int) else 3
    shifts = {
        code: [
            c.as_dict()
            for c in recommend_cover(
                ctx.department, ctx.pack, ctx.horizon, ctx.assignments, day, code, top=top, today=today
            )
        ]
        for code in codes
    }
    return {"date": day.isoformat(), "shifts": shifts}


def _change(ctx: RosterContext, args: dict[str, Any]) -> Change:
    """The what_if tool's input as a validated Change."""
    kind = args.get("change")
    if kind == "cover":
        shift = str(args.get("shift", ""))
        if shift not in ctx.department.shift_types:
            raise ToolInputError(f"unknown shift {shift!r}; shifts: {sorted(ctx.department.shift_types)}")
        people = args.get("people")
        if not isinstance(people, int) or not 0 <= people <= 50:
            raise ToolInputError("people must be an integer 0..50")
        day = _date(args.get("date"), "date")
        if day not in ctx.horizon:
            raise ToolInputError(f"{day} is outside the roster")
        return Change("cover", date=day, shift=shift, people=people)
    if kind == "leave":
        start = _date(args.get("start"), "start")
        end = _date(args["end"], "end") if args.get("end") else start
        return Change("leave", registrar_id=_registrar(ctx, args.get("registrar", "")), start=start, end=end)
    if kind == "rule":
        if args.get("enabled") is False:
            return Change("rule", rule_id=str(args.get("rule_id")), enabled=False)
        if "value" not in args or not isinstance(args["value"], int | float):
            raise ToolInputError("a rule change needs a numeric value")
        return Change(
            "rule", rule_id=str(args.get("rule_id")), param=str(args.get("param")), value=args["value"]
        )
    raise ToolInputError("change must be cover, leave or rule")


def safe_tool(
    ctx: RosterContext,
    name: str,
    args: dict[str, Any],
    today: dt.date | None = None,
    asker: Asker | None = None,
) -> tuple[dict[str, Any], bool]:
    """(result, is_error): bad input and what-if errors come back as error results."""
    try:
        return run_tool(ctx, name, args, today, asker), False
    except (ToolInputError, WhatIfError, rs.ResolveError, OpenShiftError) as exc:
        return {"error": str(exc)}, True
