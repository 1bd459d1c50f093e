"""Minimal-disruption repair of a published roster after events (the `roster repair` use case; the
CLI, Dagster and the web service call `repair`).

Events are applied in the order they were reported. Each batch (events reported at the same moment)
is one repair at its `reported_at`: everything before that moment is frozen (past days; on the day
itself, a shift that has started), the event days and `WINDOW_DAYS` either side may change, and the
minimal-change model (solver/changes.py) restores cover first, then makes the cheapest changes by
notice, then minds the soft goals. When cover cannot be restored in that window it is widened to
every day not frozen; a shift still uncovered then has no legal cover, and the output says why (for
every registrar, the rule that stops them, from the cover recommender).

Every changed cell gets a reason: the registrar's own event, or what undoing the change would break
(the independent validator's verdict on the roster with that one cell put back).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import groupby
from typing import Any

import pandas as pd

from roster_pipeline.core.domain import Department, Horizon
from roster_pipeline.core.rules import RulePack
from roster_pipeline.living.events import (
    ABSENCES,
    Applied,
    Cell,
    Event,
    apply_events,
    open_days,
    public_absence,
    roster_cells,
    started_before,
)
from roster_pipeline.living.recommend import recommend_cover
from roster_pipeline.living.verdicts import reason as rule_reason
from roster_pipeline.solver.changes import ChangeRequest, ChangeSolution, solve_changes
from roster_pipeline.validator import validate_roster
from roster_pipeline.validator.report import ValidationReport

WINDOW_DAYS = 2  # days either side of an event's days that a repair may change first


@dataclass(frozen=True)
class RepairSettings:
    """The budget of each repair (deterministic seconds by default, so re-runs give equal rosters)."""

    time_limit: float = 6.0
    seed: int = 0
    deterministic: bool = True
    minimise_changes: bool = True  # False: a full re-solve of the unfrozen days, for comparison
    hint_published: bool | None = None  # a full re-solve starts from the published roster (default no)


@dataclass
class CellChange:
    """One (registrar, day) whose shift a repair changed ('' = off), with why and the notice given."""

    registrar_id: str
    date: dt.date
    before: str
    after: str
    notice_days: int
    short_notice: bool
    cause: str  # event ids
    reason: str  # what colleagues may read
    own_reason: str  # what the registrar concerned reads (their own event's type and note)

    def as_dict(self) -> dict[str, Any]:
        return {
            "registrar_id": self.registrar_id, "date": self.date.isoformat(), "before": self.before,
            "after": self.after, "notice_days": self.notice_days, "short_notice": self.short_notice,
            "cause": self.cause, "reason": self.reason,
        }  # fmt: skip


@dataclass
class Uncovered:
    """A cover minimum no legal roster meets, and what stops each registrar."""

    date: dt.date
    shift: str
    skill: str | None
    short: int
    why: list[str]
    proven: bool  # the repair proved no roster in its window meets this minimum

    def as_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "shift": self.shift, "skill": self.skill,
                "short": self.short, "proven": self.proven, "why": self.why}  # fmt: skip


@dataclass
class Batch:
    """One repair at one moment."""

    reported_at: dt.datetime
    events: list[str]
    window: tuple[dt.date, dt.date] | None
    widened: bool
    status: str
    changes: int
    stages: list[dict[str, Any]]
    seconds: float


@dataclass
class RepairOutcome:
    """The repaired roster, its changes and notices-to-be, and the validator's verdict."""

    status: str
    roster: pd.DataFrame
    department: Department  # with every event applied: what the roster is judged against
    changes: list[CellChange] = field(default_factory=list)
    uncovered: list[Uncovered] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # events with no day left to change
    report: ValidationReport | None = None
    seconds: float = 0.0

    @property
    def hard_violations(self) -> int:
        return self.report.hard_violations if self.report else 0

    def summary(self) -> dict[str, Any]:
        hard = [v for v in self.report.violations if v.hard] if self.report else []
        return {
            "status": self.status,
            "changed_assignments": len(self.changes),
            "short_notice_changes": sum(c.short_notice for c in self.changes),
            "changed_registrars": len({c.registrar_id for c in self.changes}),
            "uncovered": [u.as_dict() for u in self.uncovered],
            "hard_violations": self.hard_violations,
            "hard_violations_besides_cover": sum(v.rule_type != "cover_limits" for v in hard),
            "seconds": round(self.seconds, 3),
            "events_applied": [e for b in self.batches for e in b.events],
            "events_skipped": self.skipped,
            "batches": [b.__dict__ | {"reported_at": str(b.reported_at)} for b in self.batches],
            "changes": [c.as_dict() for c in self.changes],
        }


def frame(cells: Mapping[Cell, str]) -> pd.DataFrame:
    rows = sorted((rid, day, code) for (rid, day), code in cells.items())
    return pd.DataFrame(rows, columns=["registrar_id", "date", "shift"])


def day_costs(pack: RulePack, horizon: Horizon, now: dt.datetime) -> dict[dt.date, int]:
    """The price of changing a cell on each day, by the notice it gives (the pack's policy)."""
    policy = pack.changes
    return {
        day: policy.short_notice_change_cost if (day - now.date()).days < policy.change_notice_days
        else policy.change_cost
        for day in horizon.days
    }  # fmt: skip


def repair(
    department: Department,
    pack: RulePack,
    horizon: Horizon,
    roster: pd.DataFrame,
    events: Iterable[Event],
    settings: RepairSettings = RepairSettings(),
    now: dt.datetime | None = None,
) -> RepairOutcome:
    """Apply `events` to the published `roster` batch by batch (one batch at `now`, if given)."""
    began = time.perf_counter()
    events = sorted(events, key=lambda e: (e.reported_at, e.event_id))
    published = roster_cells(roster)
    current = dict(published)
    batches: list[Batch] = []
    changes: dict[Cell, CellChange] = {}
    skipped: list[str] = []
    applied = Applied(department)
    groups = (
        [(now, events)] if now else [(t, list(g)) for t, g in groupby(events, key=lambda e: e.reported_at)]
    )
    seen: list[Event] = []
    report: ValidationReport | None = None
    statuses: list[str] = []
    for moment, batch in groups:
        assert moment is not None
        seen += [_at(e, moment) for e in batch]
        applied = apply_events(department, horizon, seen, current)
        live = [e for e in seen[len(seen) - len(batch) :] if open_days(e, horizon, current, department)]
        skipped += [e.event_id for e in batch if e.event_id not in {x.event_id for x in live}]
        if not live:
            continue
        solution, window, widened = _repair_batch(applied, pack, horizon, current, live, moment, settings)
        statuses.append(solution.status)
        before = current
        current = roster_cells(solution.assignments) if solution.feasible else current
        explained, report = _explain(applied, pack, horizon, before, current, live, moment)
        for change in explained:
            key = (change.registrar_id, change.date)
            first = changes.get(key)
            change.before = first.before if first else change.before
            changes[key] = change
        batches.append(
            Batch(moment, [e.event_id for e in live], window, widened, solution.status, len(explained),
                  [s.as_dict() for s in solution.stages], round(solution.seconds, 3))
        )  # fmt: skip
    final = frame(current)
    if report is None or not batches or batches[-1].reported_at != groups[-1][0]:
        report = validate_roster(applied.department, pack, horizon, final)
    kept = [c for c in changes.values() if c.before != c.after]
    proven = all(b.stages[0]["status"] == "OPTIMAL" for b in batches)
    uncovered = _uncovered(applied, pack, horizon, final, groups[-1][0] if groups else None, proven)
    status = (
        "OPTIMAL" if statuses and all(s == "OPTIMAL" for s in statuses) else (statuses or ["UNCHANGED"])[-1]
    )
    return RepairOutcome(
        status=status if not uncovered else f"{status} (uncovered)",
        roster=final,
        department=applied.department,
        changes=sorted(kept, key=lambda c: (c.date, c.registrar_id)),
        uncovered=uncovered,
        batches=batches,
        skipped=skipped,
        report=report,
        seconds=time.perf_counter() - began,
    )


def _at(event: Event, moment: dt.datetime) -> Event:
    """The event as seen at the repair moment (a later moment freezes more of it)."""
    return event if event.reported_at >= moment else replace(event, reported_at=moment)


def _repair_batch(
    applied: Applied,
    pack: RulePack,
    horizon: Horizon,
    current: dict[Cell, str],
    live: list[Event],
    moment: dt.datetime,
    settings: RepairSettings,
) -> tuple[ChangeSolution, tuple[dt.date, dt.date], bool]:
    """One repair at `moment`: the events' neighbourhood first, every unfrozen day if cover is left short."""
    dept = applied.department
    unfrozen = [d for d in horizon.days if d >= moment.date()]
    days = {d for e in live for d in open_days(e, horizon, current, dept)}
    near = {d + dt.timedelta(days=k) for d in days for k in range(-WINDOW_DAYS, WINDOW_DAYS + 1)}
    window = sorted(near & set(unfrozen)) if settings.minimise_changes else unfrozen
    first = moment.date()
    pinned = {
        (rid, first)
        for rid in dept.registrars
        if started_before(dept, current.get((rid, first)), first, moment)
    }
    late = {  # shifts already started on the day of the repair: nobody newly works them
        (rid, first, code)
        for rid in dept.registrars
        for code in dept.shift_types
        if started_before(dept, code, first, moment) and current.get((rid, first)) != code
    }
    costs = day_costs(pack, horizon, moment)
    widened = False
    while True:
        request = ChangeRequest(
            current, frozenset(window), costs, frozenset(pinned), frozenset(applied.blocked | late)
        )
        solution = solve_changes(
            dept, pack, horizon, request, settings.time_limit, settings.seed, settings.deterministic,
            settings.minimise_changes, settings.hint_published,
        )  # fmt: skip
        if (solution.feasible and not solution.uncovered) or len(window) == len(unfrozen):
            return solution, (window[0], window[-1]), widened
        window, widened = unfrozen, True


def _violations(report: ValidationReport) -> dict[tuple, Any]:
    return {(v.rule_id, v.registrar_id, v.dates): v for v in report.violations}


def _explain(
    applied: Applied,
    pack: RulePack,
    horizon: Horizon,
    before: Mapping[Cell, str],
    after: Mapping[Cell, str],
    live: list[Event],
    moment: dt.datetime,
) -> tuple[list[CellChange], ValidationReport]:
    """Each changed cell with its reason: the registrar's own event, else what undoing it breaks;
    and the validator's report on `after`."""
    dept = applied.department
    report = validate_roster(dept, pack, horizon, frame(after))
    base = _violations(report)
    own = {
        (str(e.registrar_id), d): e
        for e in live
        if e.type in (*ABSENCES, "training")
        for d in open_days(e, horizon, dict(before), dept)
    }
    out = []
    for rid, day in sorted(set(before) | set(after), key=lambda c: (c[1], c[0])):
        old, new = before.get((rid, day), ""), after.get((rid, day), "")
        if old == new:
            continue
        notice = (day - moment.date()).days
        short = notice < pack.changes.change_notice_days
        event = own.get((rid, day))
        if event is not None:
            public = public_absence(rid, day) if event.type in ABSENCES else event.public_label()
            out.append(
                CellChange(rid, day, old, new, notice, short, event.event_id, public, event.private_label())
            )
            continue
        undone = dict(after)
        if old:
            undone[rid, day] = old
        else:
            undone.pop((rid, day), None)
        broken = _broken(base, _violations(validate_roster(dept, pack, horizon, frame(undone))))
        cause = _cause(broken, live, before) or ",".join(e.event_id for e in live)
        text = "; ".join(_say(v) for v in broken[:2]) or "no rule needs it (an equally cheap choice)"
        reason = f"without it: {text}"
        out.append(CellChange(rid, day, old, new, notice, short, cause, reason, reason))
    return out, report


def _broken(base: dict[tuple, Any], undone: dict[tuple, Any]) -> list[Any]:
    """Violations the undone roster adds (hard first, then by added penalty)."""
    worse = [v for key, v in undone.items() if key not in base or v.units > base[key].units]
    return sorted(worse, key=lambda v: (not v.hard, -v.penalty, v.rule_id))


def _say(violation: Any) -> str:
    """A violation in words a colleague may read (cover messages name shifts only)."""
    if violation.rule_type.startswith("cover"):
        return violation.message
    if violation.registrar_id is None or not violation.dates:
        return f"{violation.rule_id} ({violation.rule_type})"
    return rule_reason(violation.rule_id, violation.rule_type, violation.registrar_id, violation.dates)


def _cause(broken: list[Any], live: list[Event], before: Mapping[Cell, str]) -> str:
    """The events behind a broken cover: who left that shift, or the extra cover asked for it."""
    ids = []
    for violation in broken:
        if not violation.rule_type.startswith("cover"):
            ids += [e.event_id for e in live if e.registrar_id and e.registrar_id == violation.registrar_id]
            continue
        words = violation.message.split()
        for event in live:
            days = set(event.days) & set(violation.dates)
            asked = event.type == "extra_cover" and str(event.shift) in words
            left = event.type in ABSENCES and any(
                before.get((str(event.registrar_id), d)) in words for d in days
            )
            if days and (asked or left):
                ids.append(event.event_id)
    return ",".join(dict.fromkeys(ids))


def _uncovered(
    applied: Applied,
    pack: RulePack,
    horizon: Horizon,
    final: pd.DataFrame,
    moment: dt.datetime | None,
    proven: bool,
) -> list[Uncovered]:
    """Cover minimums the repaired roster misses on days not frozen, with what stops each registrar."""
    if moment is None:
        return []
    dept = applied.department
    skills = {rid: set(r.skills) for rid, r in dept.registrars.items()}
    out = []
    for demand in dept.cover_demands(horizon):
        if demand.date < moment.date() or demand.min == 0:
            continue
        on = final[(final["date"] == demand.date) & (final["shift"] == demand.shift)]["registrar_id"]
        have = sum(1 for rid in on if demand.skill is None or demand.skill in skills[rid])
        if have >= demand.min:
            continue
        candidates = recommend_cover(
            dept,
            pack,
            horizon,
            final,
            demand.date,
            demand.shift,
            top=len(dept.registrars),
            today=moment.date(),
        )
        stops = Counter(_rule_of(r) for c in candidates if not c.legal for r in c.reasons[:1])
        why = [f"{n} registrars: {rule}" for rule, n in stops.most_common(6)]
        if not proven:
            why.insert(0, "no roster meeting it was found in the time limit (not proven impossible)")
        out.append(Uncovered(demand.date, demand.shift, demand.skill, demand.min - have, why, proven))
    return out


def _rule_of(text: str) -> str:
    """The rule a candidate's reason names (its text before ' for '), or the reason's kind."""
    if " is unavailable" in text:
        return "unavailable"
    if " already works " in text:
        return "already works another shift that day"
    return text.split(" for ")[0]
