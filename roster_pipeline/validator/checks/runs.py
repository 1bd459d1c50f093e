"""Run rules: consecutive worked days, days off and days of one kind (with the rest after them)."""

from __future__ import annotations

from collections.abc import Iterator

from roster_pipeline.core.rules import Rule
from roster_pipeline.validator.checks.common import (
    Check,
    describe,
    flag_runs,
    fmt_days,
    fmt_hours,
    fmt_number,
    hhmm,
    selector,
    violation,
)
from roster_pipeline.validator.facts import RosterFacts, Selector, Worked
from roster_pipeline.validator.report import Violation
from roster_pipeline.validator.values import exact


def _max_run_violations(
    f: RosterFacts, rule: Rule, rid: str, flags: list[bool], limit: int, what: str
) -> Iterator[Violation]:
    """One violation per run with `limit + 1`-day windows ending in the horizon, a unit per window."""
    for i, j in flag_runs(flags):
        units = j - max(i + limit, f.h0) + 1
        if units > 0:
            days = f.days[i : j + 1]
            msg = f"{rid} works {len(days)} days in a row{what} ({fmt_days(days)}); the maximum is {limit}"
            yield violation(rule, rid, days, units, msg)


def check_max_consecutive_days(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per window of max+1 consecutive known days, ending in the horizon, all worked."""
    limit = int(rule.params["max"])
    out: list[Violation] = []
    for reg in f.scope(rule):
        out.extend(_max_run_violations(f, rule, reg.registrar_id, f.flags(reg.registrar_id), limit, ""))
    return out


def _short_runs(f: RosterFacts, flags: list[bool], minimum: int) -> Iterator[tuple[int, int]]:
    """Maximal runs shorter than `minimum` with a known day before and a horizon day after (a run
    wholly in history is judged by the horizon holding the day that closes it)."""
    for i, j in flag_runs(flags):
        if j - i + 1 < minimum and i > 0 and j < len(flags) - 1 and j + 1 >= f.h0:
            yield i, j


def check_min_consecutive_days(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per maximal run of worked days shorter than `min` (border runs exempt)."""
    minimum = int(rule.params["min"])
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        for i, j in _short_runs(f, f.flags(rid), minimum):
            days = f.days[i : j + 1]
            run = f"{len(days)} day(s) in a row ({fmt_days(days)})"
            msg = f"{rid} works only {run}; the minimum is {minimum}"
            out.append(violation(rule, rid, days, 1, msg))
    return out


def check_min_consecutive_days_off(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per maximal run of days off shorter than `min` (border runs exempt)."""
    minimum = int(rule.params["min"])
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        off = [not w for w in f.flags(rid)]
        for i, j in _short_runs(f, off, minimum):
            days = f.days[i : j + 1]
            run = f"{len(days)} day(s) in a row ({fmt_days(days)})"
            msg = f"{rid} is off only {run}; the minimum is {minimum}"
            out.append(violation(rule, rid, days, 1, msg))
    return out


def check_max_consecutive_days_off(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per window of max+1 consecutive known days, ending in the horizon, with no shift."""
    limit = int(rule.params["max"])
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        off = [not w for w in f.flags(rid)]
        for i, j in flag_runs(off):
            units = j - max(i + limit, f.h0) + 1  # windows whose last day is in the horizon
            if units > 0:
                days = f.days[i : j + 1]
                msg = f"{rid} is off {len(days)} days in a row ({fmt_days(days)}); the maximum is {limit}"
                out.append(violation(rule, rid, days, units, msg))
    return out


def check_run_shortfall(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per maximal run of matching days (a selector shift worked; with `off`, none worked) shorter than
    `min` with a known day before it and its closing day in the horizon: `min - length` units."""
    minimum = int(rule.params["min"])
    match = selector(rule.params.get("selector"))
    off = bool(rule.params.get("off"))
    what = describe(rule.params.get("selector"))
    what = f"without {what}" if off else f"with {what}"
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        flags = [worked != off for worked in f.flags(rid, match)]
        for i, j in _short_runs(f, flags, minimum):
            days = f.days[i : j + 1]
            run = f"{len(days)} day(s) in a row {what} ({fmt_days(days)})"
            msg = f"{rid} has only {run}; the minimum is {minimum}"
            out.append(violation(rule, rid, days, minimum - len(days), msg))
    return out


def check_max_consecutive_kind(f: RosterFacts, rule: Rule) -> list[Violation]:
    """(a) windows of max+1 matching days; (b) rest after a run of matching days."""
    params = rule.params
    match, limit = selector(params["selector"]), int(params["max"])
    what = describe(params["selector"])
    out: list[Violation] = []
    for reg in f.scope(rule):
        flags = f.flags(reg.registrar_id, match)
        # Interpretation: like max_consecutive_days, only windows ending in the horizon count.
        out.extend(_max_run_violations(f, rule, reg.registrar_id, flags, limit, f" with {what}"))
        if params.get("rest_hours") is not None:
            out.extend(_rest_after_runs(f, rule, reg.registrar_id, flags, match, what))
    return out


def _rest_after_runs(
    f: RosterFacts, rule: Rule, rid: str, flags: list[bool], match: Selector, what: str
) -> Iterator[Violation]:
    """Part (b) of max_consecutive_kind: shifts starting too soon after a run of matching days."""
    rest = 60 * exact(rule.params["rest_hours"])
    min_run = int(rule.params.get("min_run", 1))
    worked = f.timeline(rid, horizon_only=True)
    for i, e in flag_runs(flags):
        # Interpretation: run length counts known days only; e >= h0 - 1 and e + 1 in the horizon.
        if e - i + 1 < min_run or e < f.h0 - 1 or e + 1 >= len(flags):
            continue
        last_day = f.days[e]
        # Interpretation: end(e) is the latest end of the matching shifts starting on day e.
        run_end = max(Worked.of(last_day, s).end for s in f.on(rid, last_day) if match(s))
        for b in worked:
            if b.start >= run_end + rest:
                break
            if b.day > last_day:
                gap = b.start - run_end
                when = f"{fmt_hours(gap)} h after" if gap >= 0 else f"{fmt_hours(-gap)} h before the end of"
                msg = (
                    f"{rid} starts {b.shift.code} on {b.day} at {hhmm(b.shift.start)}, {when} a run of "
                    f"{e - i + 1} day(s) of {what} ending {last_day}; at least "
                    f"{fmt_number(rule.params['rest_hours'])} h rest is required"
                )
                yield violation(rule, rid, [last_day, b.day], 1, msg)


CHECKS: dict[str, Check] = {
    "max_consecutive_days": check_max_consecutive_days,
    "min_consecutive_days": check_min_consecutive_days,
    "min_consecutive_days_off": check_min_consecutive_days_off,
    "max_consecutive_days_off": check_max_consecutive_days_off,
    "run_shortfall": check_run_shortfall,
    "max_consecutive_kind": check_max_consecutive_kind,
}
