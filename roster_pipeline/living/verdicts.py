"""What the living roster's verdicts (swaps, cover recommendations) say about the validator's
findings: a broken rule in words, an absence only as "unavailable", and fairness deviations in the
units people count (shifts, or hours)."""

from __future__ import annotations

import datetime as dt

from roster_pipeline.validator import FairnessResult

ABSENCE_TYPES = ("approved_leave", "requested_leave", "training")


def reason(rule_id: str, rule_type: str, registrar_id: str | None, dates: tuple[dt.date, ...]) -> str:
    """A rule broken for a registrar (None: cover) on dates; an absence only as "unavailable"."""
    when = ", ".join(d.isoformat() for d in dates[:3]) + (" ..." if len(dates) > 3 else "")
    who = registrar_id or "cover"
    if rule_type in ABSENCE_TYPES:
        return f"{who} is unavailable on {when}"
    return f"{rule_id} ({rule_type}) for {who} on {when}"


def deviation(result: FairnessResult | None, registrar_id: str) -> float:
    """A registrar's deviation from their fair share under one fairness rule, in shifts or hours
    (the validator counts thousandths of a shift, or of a minute); 0 without the rule."""
    if result is None:
        return 0.0
    scale = 60_000 if result.measure == "hours" else 1000
    return result.deviations.get(registrar_id, 0) / scale
