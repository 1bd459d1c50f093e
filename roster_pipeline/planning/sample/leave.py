"""Leave (approved, requested, declined) and preferences: the `leave` and `preferences` tables."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from roster_pipeline.core.domain import Horizon, as_date
from roster_pipeline.planning.sample.base import (
    SHIFT_TEMPLATES,
    WEEKDAY_SHIFTS,
    WEEKEND_SHIFTS,
    DraftRegistrar,
    days_between,
)

LEAVE_REASONS = {
    "annual": ("Family holiday", "Overseas trip", "Rest after nights block", "Visiting family in Perth"),
    "study": ("Primary exam preparation", "Fellowship exam", "Conference (ASM)", "Research course"),
    "parental": ("Parental leave",),
    "other": ("Moving house", "Sister's wedding", "Graduation ceremony", "Court attendance"),
}
PREFERENCE_NOTES = {
    "day_off": ("Child's school concert", "Medical appointment", "Friend's wedding", "Exam revision day"),
    "avoid": ("Childcare pick-up", "Partner on nights", "Sleep study follow-up", "Course in the evenings"),
    "prefer": ("Wants more ward experience", "Swapping for a later day off", "Consolidating hours"),
}


def _leave_block(rng: random.Random, leave_type: str, horizon: Horizon) -> tuple[dt.date, dt.date]:
    if leave_type == "parental":
        first = horizon.start - dt.timedelta(days=28)
        return first, first + dt.timedelta(days=16 * 7 - 1)
    length = rng.choice((5, 7, 9)) if leave_type == "annual" else rng.randint(2, 4)
    mondays = [d for d in horizon.days if d.weekday() == 0] or [horizon.start]
    first = rng.choice(mondays) + dt.timedelta(days=rng.choice((0, 0, 2)))
    return first, first + dt.timedelta(days=length - 1)


def approved_leave(rng: random.Random, registrars: list[DraftRegistrar], horizon: Horizon) -> list[tuple]:
    """Approved blocks for ~12 % of registrars, at most ~1 in 6 of a site away on any day."""
    wanted = max(1, round(0.12 * len(registrars)))
    site_size = Counter(r.home for r in registrars)
    away: Counter[tuple[str, dt.date]] = Counter()
    candidates = registrars[1:]  # Dr Smith stays available
    rng.shuffle(candidates)
    rows: list[tuple] = []
    for reg in candidates:
        if len(rows) >= wanted:
            break
        leave_type = (
            "parental" if not rows and len(registrars) >= 30 else rng.choice(("annual", "annual", "study"))
        )
        first, last = _leave_block(rng, leave_type, horizon)
        days = [d for d in days_between(first, last) if d in horizon]
        if any(away[(reg.home, d)] >= max(1, site_size[reg.home] // 6) for d in days):
            continue
        away.update((reg.home, d) for d in days)
        reg.away.update(days_between(first, last))
        reason = rng.choice(LEAVE_REASONS[leave_type])
        rows.append((reg.rid, first.isoformat(), last.isoformat(), leave_type, "approved", None, reason))
    return rows


def other_leave(rng: random.Random, registrars: list[DraftRegistrar], horizon: Horizon) -> list[tuple]:
    """A few requested leave rows (priced by weight) and two declined ones."""
    free = [r for r in registrars[1:] if not r.away]
    picks = rng.sample(free, min(len(free), max(3, round(0.06 * len(registrars))) + 2))
    rows: list[tuple] = []
    days = list(horizon.days[2:]) or list(horizon.days)
    for i, reg in enumerate(picks):
        first = rng.choice(days)
        if i < len(picks) - 2:
            last = min(horizon.end, first + dt.timedelta(days=rng.randint(0, 2)))
            leave_type = rng.choice(("annual", "other"))
            weight = rng.choice((10, 15, 20))
            tail = (leave_type, "requested", weight, rng.choice(LEAVE_REASONS[leave_type]))
        else:
            last = first + dt.timedelta(days=4)
            tail = ("annual", "declined", None, "Declined: three colleagues already away that week")
        rows.append((reg.rid, first.isoformat(), last.isoformat(), *tail))
    return rows


def leave_days_by_registrar(leave: list[tuple]) -> dict[str, set[dt.date]]:
    out: dict[str, set[dt.date]] = {}
    for rid, first, last, _type, status, _weight, _reason in leave:
        if status != "declined":
            out.setdefault(rid, set()).update(days_between(as_date(first), as_date(last)))
    return out


def _shifts_on(day: dt.date) -> tuple[str, ...]:
    return WEEKEND_SHIFTS if day.weekday() >= 5 else WEEKDAY_SHIFTS


def preference_rows(
    rng: random.Random, registrars: list[DraftRegistrar], horizon: Horizon, blocked: dict[str, set[dt.date]]
) -> list[tuple]:
    """One or two preferences each: day off, avoid nights for a few days, prefer a kind, avoid a shift."""
    kinds = {prefix: kind for prefix, _, _, kind in SHIFT_TEMPLATES}
    rows: list[tuple] = []
    for reg in registrars:
        free = [d for d in horizon.days[2:] if d not in reg.away and d not in blocked.get(reg.rid, set())]
        for _ in range(1 if rng.random() < 0.6 else 2):
            if not free:
                break
            day = free.pop(rng.randrange(len(free)))
            draw = rng.random()
            if draw < 0.35:
                row = (day, day, "day_off", None, rng.randint(3, 8), "day_off")
            elif draw < 0.6:
                last = min(horizon.end, day + dt.timedelta(days=rng.randint(2, 6)))
                row = (day, last, "avoid", "night", rng.randint(2, 6), "avoid")
            elif draw < 0.85:
                row = (day, day, "prefer", kinds[rng.choice(_shifts_on(day))], rng.randint(2, 5), "prefer")
            else:
                code = f"{rng.choice(_shifts_on(day))}-{rng.choice(reg.sites)}"
                row = (day, day, "avoid", code, rng.randint(2, 4), "avoid")
            first, last, request, shift, weight, note_kind = row
            free = [d for d in free if not first <= d <= last]
            end = None if last == first else last.isoformat()
            note = rng.choice(PREFERENCE_NOTES[note_kind])
            rows.append((reg.rid, first.isoformat(), end, request, shift, weight, note))
    return rows
