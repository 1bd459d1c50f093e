"""Hours rules: shift length, rolling and average weekly hours, contract hours, total minutes."""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import accumulate

from roster_pipeline.core.rules import Rule
from roster_pipeline.validator.checks.common import (
    Check,
    ceil_hours,
    fmt_days,
    fmt_hours,
    fmt_number,
    violation,
)
from roster_pipeline.validator.facts import RosterFacts
from roster_pipeline.validator.report import Violation
from roster_pipeline.validator.values import exact


def check_max_shift_length(f: RosterFacts, rule: Rule) -> list[Violation]:
    """1 unit per horizon shift longer than `hours`."""
    limit = 60 * exact(rule.params["hours"])
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        for w in f.timeline(rid, horizon_only=True):
            if w.shift.minutes > limit:
                msg = (
                    f"{rid} works {w.shift.code} on {w.day} lasting {fmt_hours(w.shift.minutes)} h; "
                    f"the maximum is {fmt_number(rule.params['hours'])} h"
                )
                out.append(violation(rule, rid, [w.day], 1, msg))
    return out


def _daily_minutes(f: RosterFacts, rid: str) -> list[int]:
    """Worked minutes per known day (attributed to the start date)."""
    return [sum(s.minutes for s in f.on(rid, day)) for day in f.days]


def check_max_hours_rolling(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per rolling window: ceil((minutes - 60*hours) / 60) units when positive."""
    limit = 60 * exact(rule.params["hours"])
    n = int(rule.params["days"])
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        prefix = list(accumulate(_daily_minutes(f, rid), initial=0))
        for i, j in f.window_indices(n):
            minutes = prefix[j + 1] - prefix[i]
            units = ceil_hours(minutes - limit)
            if units:
                days = f.days[i : j + 1]
                msg = (
                    f"{rid} works {fmt_hours(minutes)} h in the {n} days {fmt_days(days)}; "
                    f"the maximum is {fmt_number(rule.params['hours'])} h"
                )
                out.append(violation(rule, rid, days, units, msg))
    return out


def _horizon_minutes(f: RosterFacts, rid: str) -> int:
    return sum(w.shift.minutes for w in f.timeline(rid, horizon_only=True))


def check_max_avg_weekly_hours(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Over the horizon: ceil((minutes - floor(60*hours*H/7)) / 60) units when positive."""
    n_days = len(f.horizon.days)
    limit = math.floor(60 * exact(rule.params["hours"]) * n_days / 7)
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        minutes = _horizon_minutes(f, rid)
        units = ceil_hours(minutes - limit)
        if units:
            average = fmt_hours(Fraction(minutes * 7, n_days))
            msg = (
                f"{rid} works {fmt_hours(minutes)} h over {n_days} days, {average} h a week on average; "
                f"the maximum average is {fmt_number(rule.params['hours'])} h"
            )
            out.append(violation(rule, rid, f.horizon.days, units, msg))
    return out


def _outside_units(minutes: int, lo: int | None, hi: int | None) -> int:
    """Started hours below `lo` plus started hours above `hi` (a missing bound never counts)."""
    short = 0 if lo is None else max(0, lo - minutes)
    over = 0 if hi is None else max(0, minutes - hi)
    return ceil_hours(short) + ceil_hours(over)


def check_contract_hours(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Hours below floor(T*min_fraction) or above ceil(T*max_fraction), in started hours."""
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        available = f.available_days(rid)
        target = reg.contract_hours * 60 * available / 7
        lo = math.floor(target * exact(rule.params["min_fraction"]))
        hi = math.ceil(target * exact(rule.params["max_fraction"]))
        minutes = _horizon_minutes(f, rid)
        units = _outside_units(minutes, lo, hi)
        if units:
            side = "below" if minutes < lo else "above"
            msg = (
                f"{rid} works {fmt_hours(minutes)} h, {side} the contracted range "
                f"{fmt_hours(lo)}-{fmt_hours(hi)} h for {available} available days"
            )
            out.append(violation(rule, rid, f.horizon.days, units, msg))
    return out


def check_total_minutes(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Horizon minutes outside [min_minutes, max_minutes], in started hours."""
    out = []
    lo, hi = (
        None if rule.params.get(k) is None else int(rule.params[k]) for k in ("min_minutes", "max_minutes")
    )
    for reg in f.scope(rule):
        rid = reg.registrar_id
        minutes = _horizon_minutes(f, rid)
        units = _outside_units(minutes, lo, hi)
        if units:
            bound = f"minimum {lo}" if lo is not None and minutes < lo else f"maximum {hi}"
            msg = f"{rid} works {minutes} minutes in the period; the {bound} minutes"
            out.append(violation(rule, rid, f.horizon.days, units, msg))
    return out


CHECKS: dict[str, Check] = {
    "max_shift_length": check_max_shift_length,
    "max_hours_rolling": check_max_hours_rolling,
    "max_avg_weekly_hours": check_max_avg_weekly_hours,
    "contract_hours": check_contract_hours,
    "total_minutes": check_total_minutes,
}
