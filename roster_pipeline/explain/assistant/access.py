"""Who asks, and what they may see. Applied to every tool result before it reaches Claude or the
offline renderer.

No asker (None) is a roster manager or administrator: every result in full. A registrar (`Asker`)
sees the roster itself and aggregate figures (penalties, fairness spreads), their own requests and
fairness figures, and colleagues' absences only as "unavailable": never a colleague's leave, its
type or reason, their requests, or their fairness figures."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any


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
    elif name == "explain_assignment" and "facts" in out:
        facts = out["facts"]
        away = facts.pop("on_approved_leave", [])
        facts["on_approved_leave"] = [rid for rid in away if rid == me]
        facts["unavailable"] = [rid for rid in away if rid != me]
        facts["requests_that_day"] = [r for r in facts["requests_that_day"] if r["registrar_id"] == me]
        facts["fairness"] = own_fairness(facts.get("fairness", {}), me)
    return out


def own_fairness(fairness: dict[str, Any], registrar_id: str) -> dict[str, Any]:
    """A fairness report with only `registrar_id`'s figures per rule (the spread is an aggregate)."""
    return {
        rule: {**entry, "registrars": {k: v for k, v in entry["registrars"].items() if k == registrar_id}}
        for rule, entry in fairness.items()
    }
