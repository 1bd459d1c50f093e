"""Count rules: shifts of a type over the horizon or a rolling window, worked weekends."""

from __future__ import annotations

from itertools import accumulate

from roster_pipeline.core.rules import Rule
from roster_pipeline.validator.checks.common import Check, describe, fmt_days, selector, violation
from roster_pipeline.validator.facts import RosterFacts
from roster_pipeline.validator.report import Violation
from roster_pipeline.validator.values import DAY


def check_max_shifts_of_type(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Over the horizon: count of matching shifts above `max`."""
    match, limit = selector(rule.params["selector"]), int(rule.params["max"])
    what = describe(rule.params["selector"])
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        days = [w.day for w in f.timeline(rid, horizon_only=True) if match(w.shift)]
        if len(days) > limit:
            msg = f"{rid} works {len(days)} {what} in the horizon; the maximum is {limit}"
            out.append(violation(rule, rid, days, len(days) - limit, msg))
    return out


def check_max_shifts_in_window(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per rolling window: count of matching shifts above `max`."""
    match, limit, n = selector(rule.params["selector"]), int(rule.params["max"]), int(rule.params["days"])
    what = describe(rule.params["selector"])
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        prefix = list(accumulate((sum(1 for s in f.on(rid, d) if match(s)) for d in f.days), initial=0))
        for i, j in f.window_indices(n):
            count = prefix[j + 1] - prefix[i]
            if count > limit:
                days = f.days[i : j + 1]
                msg = f"{rid} works {count} {what} in the {n} days {fmt_days(days)}; the maximum is {limit}"
                out.append(violation(rule, rid, days, count - limit, msg))
    return out


def check_weekend_limit(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Worked horizon weekends above `max`, plus per sliding window of `window` weekends that ends in
    the horizon (history weekends included)."""
    params = rule.params
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        worked = [f.weekend_worked(rid, sat) for sat in f.weekends]
        if params.get("max") is not None and sum(worked) > int(params["max"]):
            saturdays = [sat for sat, w in zip(f.weekends, worked, strict=True) if w]
            msg = f"{rid} works {sum(worked)} weekends in the horizon; the maximum is {params['max']}"
            out.append(violation(rule, rid, saturdays, sum(worked) - int(params["max"]), msg))
        if params.get("window") is not None and params.get("max_in_window") is not None:
            n, limit = int(params["window"]), int(params["max_in_window"])
            # Windows ending in the horizon reach back into the history's weekends (spec §4).
            past = f.history_weekends
            known = (*past, *f.weekends)
            flags = [f.weekend_worked(rid, sat) for sat in past] + worked
            for k in range(max(0, len(past) - n + 1), len(known) - n + 1):
                count = sum(flags[k : k + n])
                if count > limit:
                    saturdays = known[k : k + n]
                    span = f"{saturdays[0]} to {saturdays[-1] + DAY}"
                    msg = f"{rid} works {count} of the {n} weekends {span}; the maximum is {limit}"
                    out.append(violation(rule, rid, saturdays, count - limit, msg))
    return out


def check_complete_weekends(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per weekend with its Sunday in the horizon and its Saturday a known day: 1 unit when exactly
    one of the two days is worked."""
    sundays = [d for d in f.horizon.days if d.weekday() == 6 and d - DAY >= f.known_start]
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        for sunday in sundays:
            saturday = sunday - DAY
            if f.works(rid, saturday) != f.works(rid, sunday):
                which = saturday if f.works(rid, saturday) else sunday
                msg = f"{rid} works only {which:%A} of the weekend {saturday} to {sunday}"
                out.append(violation(rule, rid, [which], 1, msg))
    return out


CHECKS: dict[str, Check] = {
    "max_shifts_of_type": check_max_shifts_of_type,
    "max_shifts_in_window": check_max_shifts_in_window,
    "weekend_limit": check_weekend_limit,
    "complete_weekends": check_complete_weekends,
}
