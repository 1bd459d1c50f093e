"""Rest rules: minimum rest between shifts, forbidden successions, days off per window."""

from __future__ import annotations

from roster_pipeline.core.rules import Rule
from roster_pipeline.validator.checks.common import (
    Check,
    fmt_days,
    fmt_hours,
    fmt_number,
    longest_run,
    selector,
    violation,
)
from roster_pipeline.validator.facts import RosterFacts
from roster_pipeline.validator.report import Violation
from roster_pipeline.validator.values import exact


def check_min_rest(f: RosterFacts, rule: Rule) -> list[Violation]:
    """1 unit per ordered pair (a, b) on different dates with start_b - end_a < hours; b in horizon."""
    limit = 60 * exact(rule.params["hours"])
    minimum = f"the minimum is {fmt_number(rule.params['hours'])} h"
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        worked = f.timeline(rid)
        for j, b in enumerate(worked):
            if b.day < f.horizon.start:
                continue
            for a in reversed(worked[:j]):
                if b.start - a.start >= 1440 + limit:  # a lasts at most 24 h: no earlier pair is short
                    break
                gap = b.start - a.end
                if a.day == b.day or gap >= limit:
                    continue
                what = f"{fmt_hours(gap)} h rest" if gap >= 0 else "overlapping shifts"
                pair = f"{a.shift.code} on {a.day} and {b.shift.code} on {b.day}"
                msg = f"{rid} has {what} between {pair}; {minimum}"
                out.append(violation(rule, rid, [a.day, b.day], 1, msg))
    return out


def check_forbidden_succession(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per day pair (d, d+1), d+1 in the horizon, with a `from` shift on d and a `to` shift on d+1."""
    frm, to = selector(rule.params["from"]), selector(rule.params["to"])
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        for i in range(max(0, f.h0 - 1), len(f.days) - 1):
            day, nxt = f.days[i], f.days[i + 1]
            first = "/".join(s.code for s in f.on(rid, day) if frm(s))
            second = "/".join(s.code for s in f.on(rid, nxt) if to(s))
            if first and second:
                msg = f"{rid} works {first} on {day} followed by {second} on {nxt}, which is not allowed"
                out.append(violation(rule, rid, [day, nxt], 1, msg))
    return out


def check_days_off_per_window(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per fixed horizon window (or rolling window ending in the horizon): missing days off, plus 1 if
    no long-enough off run."""
    params = rule.params
    n, need = int(params["window_days"]), int(params["min_days_off"])
    run = int(params.get("min_consecutive_off") or 0)
    if params.get("rolling", False):  # every window ending in the horizon, history included
        starts = [first for first, _ in f.window_indices(n)]
    else:  # fixed windows from the horizon start
        starts = list(range(f.h0, len(f.days) - n + 1, n))
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        off = [not w for w in f.flags(rid)]
        for i in starts:
            window, days = off[i : i + n], f.days[i : i + n]
            if sum(window) < need:
                msg = f"{rid} has {sum(window)} day(s) off in {fmt_days(days)}; at least {need} are required"
                out.append(violation(rule, rid, days, need - sum(window), msg))
            if run and longest_run(window) < run:
                msg = f"{rid} has no {run} consecutive days off in {fmt_days(days)}"
                out.append(violation(rule, rid, days, 1, msg))
    return out


CHECKS: dict[str, Check] = {
    "min_rest": check_min_rest,
    "forbidden_succession": check_forbidden_succession,
    "days_off_per_window": check_days_off_per_window,
}
