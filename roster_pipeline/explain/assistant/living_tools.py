"""The assistant's living-roster tools: "what changes if Dr X is sick on Tuesday?" answered by the
same minimal-disruption repair a sick call would get (`living.repair.repair`), on the roster in
hand (nothing recorded; the reasons are the public ones, an absence is "unavailable"); and "who
changed my Saturday and why?" from the append-only audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from roster_pipeline.explain.facts import RosterContext
from roster_pipeline.living.audit import audit_log
from roster_pipeline.living.events import Event
from roster_pipeline.living.repair import RepairSettings, repair

ABSENCE_TOOL: dict[str, Any] = {
    "name": "absence_repair",
    "description": "What changes if a registrar cannot work from start to end (sick, unavailable): the "
    "minimal-disruption repair of the published roster, as a sick call reported at the start of the "
    "first day would get. Returns each changed assignment (registrar, date, before, after, notice, "
    "reason), the shifts left uncovered with why, and the hard violations left. Nothing is recorded.",
    "input_schema": {
        "type": "object",
        "properties": {
            "registrar": {"type": "string"},
            "start": {"type": "string", "description": "YYYY-MM-DD"},
            "end": {"type": "string", "description": "YYYY-MM-DD (default: start)"},
            "shift": {"type": "string", "description": "only this shift code on those days"},
        },
        "required": ["registrar", "start"],
    },
}


def absence_repair(
    ctx: RosterContext, registrar_id: str, start: dt.date, end: dt.date, shift: str | None = None
) -> dict[str, Any]:
    """The repair of the context's roster if `registrar_id` were unavailable `start..end`, reported
    at midnight before `start` (so nothing of those days has started)."""
    reported = dt.datetime.combine(start, dt.time())
    event = Event("what-if", "unavailable", registrar_id, start, end, reported, shift=shift)
    settings = RepairSettings(seed=ctx.seed, deterministic=True)
    outcome = repair(ctx.department, ctx.pack, ctx.horizon, ctx.assignments, [event], settings)
    summary = outcome.summary()
    return {
        "event": event.public_label(),
        "status": summary["status"],
        "changed_assignments": summary["changed_assignments"],
        "changes": [
            {
                k: c[k]
                for k in ("registrar_id", "date", "before", "after", "notice_days", "short_notice", "reason")
            }
            for c in summary["changes"]
        ],
        "uncovered": summary["uncovered"],
        "hard_violations": summary["hard_violations"],
        "seconds": summary["seconds"],
    }


CHANGES_TOOL: dict[str, Any] = {
    "name": "roster_changes",
    "description": "Who changed a registrar's roster, when and why, from the append-only audit log: "
    "each changed assignment with its date, before and after, the version, who recorded it, the "
    "cause (event ids, swap, manual) and the reason. Optionally between two dates. A registrar may "
    "ask only about their own roster.",
    "input_schema": {
        "type": "object",
        "properties": {
            "registrar": {"type": "string"},
            "start": {"type": "string", "description": "YYYY-MM-DD"},
            "end": {"type": "string", "description": "YYYY-MM-DD (default: start)"},
        },
        "required": ["registrar"],
    },
}


def roster_changes(
    ctx: RosterContext, registrar_id: str, start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, Any]:
    """The audit log's changed assignments of `registrar_id` (dates `start..end` if given), oldest first;
    the warehouse is the context's `extra["warehouse"]` (`roster ask --warehouse`)."""
    wh = ctx.extra.get("warehouse")
    if wh is None:
        return {"registrar_id": registrar_id, "changes": [], "message": "no audit log: ask with --warehouse"}
    between = (start, end or start) if start else None
    rows = audit_log(wh, registrar_id=registrar_id, between=between)
    changes = [
        {
            "date": str(row["date"])[:10],
            "before": row["shift_before"] or "",
            "after": row["shift_after"] or "",
            "version_id": row["version_id"],
            "recorded_at": str(row["recorded_at"]),
            "by": row["actor"],
            "cause": row["cause"],
            "reason": row["reason"] or "",
        }  # fmt: skip
        for row in rows.to_dict("records")
        if row["action"] == "created"
    ]
    return {"registrar_id": registrar_id, "changes": changes}
