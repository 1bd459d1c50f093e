"""Leave rules: approved leave, requested leave and protected training windows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from data_contracts.cells import is_blank
from roster_pipeline.core.domain import as_date
from roster_pipeline.core.rules import Rule
from roster_pipeline.validator.checks.common import Check, hhmm, violation
from roster_pipeline.validator.department import Registrar, minute_of_day, span_minutes
from roster_pipeline.validator.facts import RosterFacts
from roster_pipeline.validator.report import Violation
from roster_pipeline.validator.values import row_weight

DEFAULT_LEAVE_WEIGHT = 10


def check_approved_leave(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per horizon shift starting on a day of approved leave."""
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        leave = f.approved_leave.get(rid, set())
        for w in f.timeline(rid, horizon_only=True):
            if w.day in leave:
                msg = f"{rid} works {w.shift.code} on {w.day} during approved leave"
                out.append(violation(rule, rid, [w.day], 1, msg))
    return out


def check_requested_leave(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per horizon shift on a day of requested leave, priced by the leave row's weight."""
    # Interpretation: overlapping requested-leave rows each count (one unit per row and shift).
    # The leave `reason` is private and never appears in messages.
    scope = {r.registrar_id for r in f.scope(rule)}
    out = []
    for row in f.table("leave"):
        rid = str(row["registrar_id"]).strip()
        if str(row["status"]).strip() != "requested" or rid not in scope:
            continue
        first, last = as_date(row["start"]), as_date(row["end"])
        weight = row_weight(row.get("weight"), DEFAULT_LEAVE_WEIGHT)
        for w in f.timeline(rid, horizon_only=True):
            if first <= w.day <= last:
                msg = f"{rid} works {w.shift.code} on {w.day} during requested leave (weight {weight})"
                out.append(violation(rule, rid, [w.day], 1, msg, price=weight))
    return out


@dataclass(frozen=True)
class TrainingWindow:
    """A protected training window in absolute minutes."""

    name: str
    day: dt.date
    start: int
    end: int

    def describe(self) -> str:
        label = f"'{self.name}'" if self.name else "training"
        return f"{label} on {self.day} {hhmm(self.start % 1440)}-{hhmm(self.end % 1440)}"


def _training_windows(f: RosterFacts, reg: Registrar) -> list[TrainingWindow]:
    """Windows protecting `reg`: its own rows and rows for its grade, a skill it holds, or ALL."""
    out = []
    for row in f.table("training"):
        rid, group = row.get("registrar_id"), row.get("group")
        if is_blank(rid):
            group = str(group).strip()
            if group != "ALL" and group != reg.grade and group not in reg.skills:
                continue
        elif str(rid).strip() != reg.registrar_id:
            continue
        day = as_date(row["date"])
        start, end = minute_of_day(row["start"]), minute_of_day(row["end"])
        absolute = day.toordinal() * 1440 + start
        length = span_minutes(start, end)  # may pass midnight, as for shifts
        name = "" if is_blank(row.get("name")) else str(row["name"])
        out.append(TrainingWindow(name, day, absolute, absolute + length))
    return out


def check_training(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per horizon shift overlapping a protected window (open intervals: touching is fine)."""
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        windows = _training_windows(f, reg)
        for w in f.timeline(rid, horizon_only=True):
            hits = [t for t in windows if w.start < t.end and t.start < w.end]
            if hits:
                msg = (
                    f"{rid} works {w.shift.code} on {w.day} ({hhmm(w.shift.start)}-{hhmm(w.shift.end)}), "
                    f"overlapping protected {hits[0].describe()}"
                )
                out.append(violation(rule, rid, [w.day], 1, msg))
    return out


CHECKS: dict[str, Check] = {
    "approved_leave": check_approved_leave,
    "requested_leave": check_requested_leave,
    "training": check_training,
}
