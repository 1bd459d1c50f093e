"""Rest rules: minimum rest between shifts, forbidden successions, days off per window."""

from __future__ import annotations

import datetime as dt

from roster_pipeline.core.rules import Rule
from roster_pipeline.solver.constraints.common import DAY_MINUTES, Poster, rolling_windows
from roster_pipeline.solver.model import ONE_DAY, RosterModel, negate


def post_min_rest(m: RosterModel, rule: Rule) -> None:
    rest = int(round(60 * float(rule.params["hours"])))
    max_len = max(s.minutes for s in m.shifts.values())
    max_offset = (rest + max_len) // DAY_MINUTES + 1
    conflicts = [
        (a.code, b.code, offset)
        for a in m.shifts.values()
        for b in m.shifts.values()
        for offset in range(1, max_offset + 1)
        if offset * DAY_MINUTES + b.start - (a.start + a.minutes) < rest
    ]
    for rid in m.registrars_for(rule):
        for day in m.horizon.days:
            for code_a, code_b, offset in conflicts:
                first = day - dt.timedelta(days=offset)
                if first < m.known_start:
                    continue
                m.forbid(rule, [m.shift_lit(rid, first, code_a), m.shift_lit(rid, day, code_b)])


def post_forbidden_succession(m: RosterModel, rule: Rule) -> None:
    """A `from` shift on d and a `to` shift on d+1: one unit per day pair (one shift a day).

    Hard, the pair is one at-most-one over both days' literals (no auxiliary variables and a
    clique the LP sees); soft, one AND of the two days' ORs.
    """
    first, then = dict(rule.params["from"]), dict(rule.params["to"])
    for rid in m.registrars_for(rule):
        for day in m.horizon.days:
            before = day - ONE_DAY
            if before < m.known_start:
                continue
            lits_a = [lit for _, lit in m.day_shift_lits(rid, before, first)]
            lits_b = [lit for _, lit in m.day_shift_lits(rid, day, then)]
            if not lits_a or not lits_b:
                continue
            if rule.hard:
                m.at_most_one(rule, [*lits_a, *lits_b])
            else:
                m.forbid(rule, [m.or_lit(lits_a), m.or_lit(lits_b)])


def post_days_off_per_window(m: RosterModel, rule: Rule) -> None:
    """Days off in each window of `window_days`: fixed windows from the horizon start, or (rolling)
    every window ending in the horizon, reaching back into history (engine spec §4)."""
    size = int(rule.params["window_days"])
    days = list(m.horizon.days)
    if rule.params.get("rolling"):
        windows = rolling_windows(m, size)
    else:
        windows = [days[i : i + size] for i in range(0, len(days) - size + 1, size)]
    consecutive = int(rule.params.get("min_consecutive_off") or 0)
    for rid in m.registrars_for(rule):
        for window in windows:
            worked = [m.works(rid, d) for d in window]
            m.limit(rule, sum(worked), size - int(rule.params["min_days_off"]), (0, size))
            if consecutive >= 1:
                runs = [
                    m.and_lit(
                        [negate(v) for v in worked[j : j + consecutive]], "exact" if m.exact else "at_most"
                    )
                    for j in range(size - consecutive + 1)
                ]
                m.forbid(rule, [negate(r) for r in runs])


POSTERS: dict[str, Poster] = {
    "min_rest": post_min_rest,
    "forbidden_succession": post_forbidden_succession,
    "days_off_per_window": post_days_off_per_window,
}
