"""Shift history before the horizon and year-to-date totals: the `history` and `history_totals` tables."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pandas as pd

from roster_pipeline.core.domain import Horizon, ShiftType, as_date
from roster_pipeline.planning.sample.base import COLUMNS, DraftRegistrar
from roster_pipeline.planning.sample.cover import shift_types_for

# History rotation: one 7-day pattern per week, by weekday (0 = Monday) -> shift prefix.
HISTORY_WEEKS: tuple[dict[int, str], ...] = (
    {0: "D", 1: "D", 2: "D", 3: "D", 4: "D"},
    {0: "E", 1: "E", 2: "E", 3: "E", 5: "LD"},
    {0: "N", 1: "N", 2: "N", 3: "N"},
    {1: "D", 2: "D", 3: "E", 5: "LD", 6: "LD"},
    {0: "D", 1: "D", 4: "N", 5: "N", 6: "N"},
    {0: "E", 1: "E", 3: "D", 4: "D"},
)
HISTORY_DAYS = 14


def history_rows(rng: random.Random, registrars: list[DraftRegistrar], start: dt.date) -> list[tuple]:
    """The 14 days before `start` from a rotating weekly pattern, thinned for part-timers.

    Every kept shift respects >= 11 h rest, >= 48 h rest after nights, <= 4 nights and <= 6 days in a
    row, and registrars work 1 weekend in 2 (a third of them the last one, so the first week's
    weekends can be covered; none who are away in the first week, whose weekend may be all that is
    left for their contract hours), so the history is compliant under both shipped packs.
    """
    types = shift_types_for(registrars)
    rows: list[tuple] = []
    first_day = start - dt.timedelta(days=HISTORY_DAYS)
    first_week = {start + dt.timedelta(days=d) for d in range(7)}
    for index, reg in enumerate(registrars):
        # Away in the first week: the weekend may be all that is left for their contract hours.
        away_first_week = bool(first_week & set(reg.away))
        previous: tuple[dt.date, ShiftType] | None = None
        run_days = run_nights = 0
        for offset in range(HISTORY_DAYS):
            day = first_day + dt.timedelta(days=offset)
            pattern = HISTORY_WEEKS[(index + offset // 7) % len(HISTORY_WEEKS)]
            prefix = pattern.get(day.weekday())
            site = reg.sites[-1] if offset >= 7 and index % 2 else reg.home
            shift = types.get(f"{prefix}-{site}") if prefix else None
            keep = shift is not None and day not in reg.away and rng.random() < reg.fte + 0.1
            if day.weekday() >= 5 and (offset >= 7) != (index % 3 == 0 and not away_first_week):
                keep = False  # 1 weekend in 2; a third of the registrars work the last one
            if keep and _history_allows(previous, day, shift, run_days, run_nights):
                rows.append((reg.rid, day.isoformat(), shift.code))
                run_days += 1
                run_nights = run_nights + 1 if shift.kind == "night" else 0
                previous = (day, shift)
            else:
                run_days = run_nights = 0
    return rows


def _history_allows(
    previous: tuple[dt.date, ShiftType] | None, day: dt.date, shift: ShiftType, run_days: int, run_nights: int
) -> bool:
    if previous is None:
        return True
    last_day, last_shift = previous
    rest = shift.interval(day)[0] - last_shift.interval(last_day)[1]
    needed = 48 if last_shift.kind == "night" and shift.kind != "night" else 11
    if rest < dt.timedelta(hours=needed):
        return False
    return run_days < 6 and not (shift.kind == "night" and run_nights >= 4)


def history_totals(
    rng: random.Random,
    registrars: list[DraftRegistrar],
    history: list[tuple],
    types: dict[str, ShiftType],
    horizon: Horizon,
) -> pd.DataFrame:
    """Year-to-date totals (history included) and small zero-mean fairness balances."""
    counts: dict[str, Counter[str]] = {r.rid: Counter() for r in registrars}
    weekends: dict[str, set[dt.date]] = {r.rid: set() for r in registrars}
    for rid, day_text, code in history:
        day, shift = as_date(day_text), types[code]
        counts[rid]["nights"] += shift.kind == "night"
        counts[rid]["minutes"] += shift.minutes
        if day.weekday() >= 5:
            weekends[rid].add(day - dt.timedelta(days=day.weekday() - 5))
    prior_weeks = 24
    present = [any(d not in r.away for d in horizon.days) for r in registrars]
    balances = {
        key: _balances(rng, present, spread, step)
        for key, spread, step in (("n", 1.0, 0.1), ("w", 1.0, 0.1), ("p", 0.3, 0.1), ("h", 4.0, 0.5))
    }
    rows = []
    for i, reg in enumerate(registrars):
        nights = round(reg.fte * prior_weeks * 0.9 + balances["n"][i]) + counts[reg.rid]["nights"]
        weekend_count = round(reg.fte * prior_weeks * 0.4 + balances["w"][i]) + len(weekends[reg.rid])
        hours = round(reg.contract_hours * prior_weeks * 0.9 + counts[reg.rid]["minutes"] / 60, 1)
        extra = (rng.randint(0, 3), hours, *(balances[key][i] for key in "nwph"))
        rows.append((reg.rid, nights, weekend_count, *extra))
    return pd.DataFrame(rows, columns=COLUMNS["history_totals"])


def _balances(rng: random.Random, present: list[bool], spread: float, step: float) -> list[float]:
    """Zero-mean balances in [-spread, spread] on a `step` grid.

    A registrar away for the whole horizon gets 0: with no available day its fairness deviation equals
    its balance and cannot move, so a large balance would pin every colleague's FTE-adjusted spread.
    """
    values = [rng.uniform(-spread, spread) for _ in present]
    kept = [v for v, here in zip(values, present, strict=True) if here]
    mean = sum(kept) / len(kept) if kept else 0.0
    return [
        round(round(max(-spread, min(spread, v - mean)) / step) * step, 2) if here else 0.0
        for v, here in zip(values, present, strict=True)
    ]
