"""Run rules: maximum and minimum runs of working days, of days off, and of one shift kind."""

from __future__ import annotations

import datetime as dt

from roster_pipeline.core.rules import Rule
from roster_pipeline.solver.constraints.common import DAY_MINUTES, Poster, days_between
from roster_pipeline.solver.model import ONE_DAY, Lit, RosterModel, matches, negate


def _post_max_run(m: RosterModel, rule: Rule, longest: int, selector: dict | None) -> None:
    for rid in m.registrars_for(rule):
        for last in m.horizon.days:
            first = last - dt.timedelta(days=longest)
            if first < m.known_start:
                continue
            m.forbid(rule, [m.works(rid, d, selector) for d in days_between(first, last)])


def _post_min_run(m: RosterModel, rule: Rule, shortest: int, working: bool) -> None:
    """Forbid maximal runs (of work, or of days off) shorter than `shortest` inside known days."""
    for rid in m.registrars_for(rule):
        for length in range(1, shortest):
            first = m.known_start + ONE_DAY
            while first + dt.timedelta(days=length) <= m.horizon.end:
                run = days_between(first, first + dt.timedelta(days=length - 1))
                after = first + dt.timedelta(days=length)
                if after >= m.horizon.start:  # judged by the horizon holding the closing day
                    lits = [m.works(rid, d) for d in run]
                    edges = [m.works(rid, first - ONE_DAY), m.works(rid, after)]
                    if not working:
                        lits, edges = [negate(v) for v in lits], [negate(v) for v in edges]
                    m.forbid(rule, [negate(edges[0]), *lits, negate(edges[1])])
                first += ONE_DAY


def post_max_consecutive_days(m: RosterModel, rule: Rule) -> None:
    _post_max_run(m, rule, int(rule.params["max"]), None)


def post_min_consecutive_days(m: RosterModel, rule: Rule) -> None:
    _post_min_run(m, rule, int(rule.params["min"]), working=True)


def post_min_consecutive_days_off(m: RosterModel, rule: Rule) -> None:
    _post_min_run(m, rule, int(rule.params["min"]), working=False)


def post_max_consecutive_days_off(m: RosterModel, rule: Rule) -> None:
    """A unit per window of `max+1` known days, ending in the horizon, with no shift."""
    longest = int(rule.params["max"])
    for rid in m.registrars_for(rule):
        for last in m.horizon.days:
            first = last - dt.timedelta(days=longest)
            if first < m.known_start:
                continue
            m.forbid(rule, [negate(m.works(rid, d)) for d in days_between(first, last)])


def post_run_shortfall(m: RosterModel, rule: Rule) -> None:
    """`min - length` units per maximal run of matching days shorter than `min` (engine spec §4): a
    day matches when a shift of the selector is worked (with `off`, when none is). The run needs a
    known day before it and its closing day in the horizon (runs wholly in history closed on the
    horizon's first day included); a run touching the horizon end is judged by the next horizon."""
    shortest = int(rule.params["min"])
    selector = dict(rule.params.get("selector") or {}) or None
    off = bool(rule.params.get("off"))

    def flag(rid: str, day: dt.date) -> Lit:
        lit = m.works(rid, day, selector)
        return negate(lit) if off else lit

    for rid in m.registrars_for(rule):
        for length in range(1, shortest):
            first = m.known_start + ONE_DAY
            while first + dt.timedelta(days=length) <= m.horizon.end:
                after = first + dt.timedelta(days=length)
                if after >= m.horizon.start:
                    run = [flag(rid, d) for d in days_between(first, after - ONE_DAY)]
                    edges = [negate(flag(rid, first - ONE_DAY)), negate(flag(rid, after))]
                    m.forbid(rule, [edges[0], *run, edges[1]], coef=shortest - length)
                first += ONE_DAY


def post_max_consecutive_kind(m: RosterModel, rule: Rule) -> None:
    selector = dict(rule.params["selector"])
    _post_max_run(m, rule, int(rule.params["max"]), selector)
    if rule.params.get("rest_hours") is None:
        return
    rest = int(round(60 * float(rule.params["rest_hours"])))
    min_run = int(rule.params.get("min_run", 1))
    for rid in m.registrars_for(rule):
        first_end = max(m.known_start, m.horizon.start - ONE_DAY)
        for end_day in days_between(first_end, m.horizon.end - ONE_DAY):
            run = days_between(end_day - dt.timedelta(days=min_run - 1), end_day)
            if run[0] < m.known_start:
                continue
            before = [m.works(rid, d, selector) for d in run[:-1]]
            stop = negate(m.works(rid, end_day + ONE_DAY, selector))
            for code_a, lit_a in m.day_shift_lits(rid, end_day, selector):
                finish = m.shifts[code_a].start + m.shifts[code_a].minutes
                _forbid_short_rest(m, rule, rid, end_day, finish + rest, [*before, lit_a, stop], selector)


def _forbid_short_rest(
    m: RosterModel, rule: Rule, rid: str, end_day: dt.date, until: int, pattern: list[Lit], selector: dict
) -> None:
    """Forbid any shift after `end_day` starting before minute `until` (counted from end_day)."""
    offset = 1
    while offset * DAY_MINUTES < until:
        day = end_day + dt.timedelta(days=offset)
        if day > m.horizon.end:
            return
        for code_b, lit_b in m.day_shift_lits(rid, day):
            if offset == 1 and matches(m.shifts[code_b], selector):
                continue
            if offset * DAY_MINUTES + m.shifts[code_b].start < until:
                m.forbid(rule, [*pattern, lit_b])
        offset += 1


POSTERS: dict[str, Poster] = {
    "max_consecutive_days": post_max_consecutive_days,
    "min_consecutive_days": post_min_consecutive_days,
    "min_consecutive_days_off": post_min_consecutive_days_off,
    "max_consecutive_days_off": post_max_consecutive_days_off,
    "run_shortfall": post_run_shortfall,
    "max_consecutive_kind": post_max_consecutive_kind,
}
