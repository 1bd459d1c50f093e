"""Who asks, and what they may see. Applied to every tool result before it reaches Claude or the
offline renderer.

No asker (None) is a roster manager or administrator: every result in full. A registrar (`Asker`)
sees the roster itself and aggregate figures (penalties, fairness spreads), their own leave (with
its reason), requests and fairness figures, and colleagues' absences only as "unavailable": never a
colleague's leave type or reason, a leave they have only requested, their requests, their
fairness figures, or who changed their roster and why."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

OWN_CHANGES_ONLY = "You can see who changed your own roster, not a colleague's."


@dataclass(frozen=True)
class Asker:
    """A registrar asking about the roster (`roster ask --as R001`)."""

    registrar_id: str


def for_asker(name: str, result: dict[str, Any], asker: Asker | None) -> dict[str, Any]:
    """The part of tool `name`'s `result` that `asker` may see (all of it for None)."""
    if asker is None:
        return result
    out = copy.deepcopy(result)
    me = asker.registrar_id
    if name == "fairness_report":
        out["fairness"] = own_fairness(out["fairness"], me)
    elif name == "cover_candidates":
        for ranked in out["shifts"].values():
            for candidate in ranked:
                if candidate["registrar_id"] != me:  # a colleague's requests and fairness stay theirs
                    candidate.pop("soft_rules", None)
                    candidate.pop("soft_penalty", None)
                    candidate.pop("fairness", None)
    elif name == "leave_and_requests":
        out["leave"] = [row if row["registrar_id"] == me else unavailable_row(row) for row in out["leave"]]
        out["leave"] = [row for row in out["leave"] if row is not None]
        out["requests"] = [r for r in out["requests"] if r["registrar_id"] == me]
    elif name == "roster_changes" and out["registrar_id"] != me:
        return {"registrar_id": out["registrar_id"], "changes": [], "refused": OWN_CHANGES_ONLY}
    elif name == "explain_assignment" and "facts" in out:
        facts = out["facts"]
        away = facts.pop("on_approved_leave", [])
        facts["on_approved_leave"] = [rid for rid in away if rid == me]
        facts["unavailable"] = [rid for rid in away if rid != me]
        facts["requests_that_day"] = [r for r in facts["requests_that_day"] if r["registrar_id"] == me]
        facts["fairness"] = own_fairness(facts.get("fairness", {}), me)
    for part in (out, out.get("counterfactual") or {}):
        for key in ("diagnosis", "binding"):
            if isinstance(part.get(key), list):
                part[key] = [as_unavailable(str(line)) for line in part[key]]
    return out


# The solver's infeasibility diagnosis names absences ("R002 is on approved leave ...", "R003 has
# protected training 'ALS' ..."): a registrar is told only that a colleague is unavailable.
_ABSENCE = re.compile(r"\b(is|are) on approved leave\b|\bhas protected training '[^']*'")


def as_unavailable(line: str) -> str:
    """`line` with every absence stated only as "unavailable"."""
    return _ABSENCE.sub(lambda m: f"{m.group(1)} unavailable" if m.group(1) else "is unavailable", line)


def unavailable_row(row: dict[str, str]) -> dict[str, str] | None:
    """A colleague's leave row as they may see it: approved absences as dates, "unavailable"."""
    if row["status"] != "approved":
        return None
    return {
        "registrar_id": row["registrar_id"],
        "start": row["start"],
        "end": row["end"],
        "status": "unavailable",
    }


def own_fairness(fairness: dict[str, Any], registrar_id: str) -> dict[str, Any]:
    """A fairness report with only `registrar_id`'s figures per rule (the spread is an aggregate)."""
    return {
        rule: {**entry, "registrars": {k: v for k, v in entry["registrars"].items() if k == registrar_id}}
        for rule, entry in fairness.items()
    }
