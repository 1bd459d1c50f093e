"""Count rules: shifts of a type, shifts in a rolling window, weekends worked."""

from __future__ import annotations

import datetime as dt

from roster_pipeline.core.rules import Rule
from roster_pipeline.solver.constraints.common import Poster, count_expr, rolling_windows
from roster_pipeline.solver.model import ONE_DAY, Lit, RosterModel, negate


def post_max_shifts_of_type(m: RosterModel, rule: Rule) -> None:
    selector = dict(rule.params["selector"])
    for rid in m.registrars_for(rule):
        for period in m.periods:
            expr, top = count_expr(m, rid, period, selector)
            m.limit(rule, expr, int(rule.params["max"]), (0, top))


def post_max_shifts_in_window(m: RosterModel, rule: Rule) -> None:
    selector = dict(rule.params["selector"])
    for rid in m.registrars_for(rule):
        for window in rolling_windows(m, int(rule.params["days"])):
            expr, top = count_expr(m, rid, window, selector)
            m.limit(rule, expr, int(rule.params["max"]), (0, top))


def horizon_weekends(m: RosterModel) -> list[tuple[dt.date, dt.date]]:
    """(Saturday, Sunday) of every weekend with at least one day in the horizon."""
    first = m.horizon.start - dt.timedelta(days=(m.horizon.start.weekday() - 5) % 7)
    out = []
    while first <= m.horizon.end:
        sunday = first + ONE_DAY
        if first in m.horizon or sunday in m.horizon:
            out.append((first, sunday))
        first += dt.timedelta(days=7)
    return out


def weekend_lit(m: RosterModel, rid: str, weekend: tuple[dt.date, dt.date]) -> Lit:
    """Literal: `rid` works on the Saturday or the Sunday of `weekend` (built once per weekend)."""

    def build() -> Lit:
        sat, sun = m.works(rid, weekend[0]), m.works(rid, weekend[1])
        return negate(m.and_lit([negate(sat), negate(sun)]))

    return m.memo(("weekend", rid, weekend[0]), build)


def history_weekends(m: RosterModel) -> list[tuple[dt.date, dt.date]]:
    """(Saturday, Sunday) of the whole weekends on known days before the horizon, oldest first."""
    out = []
    saturday = m.horizon.start - dt.timedelta(days=(m.horizon.start.weekday() - 5) % 7)
    if saturday + ONE_DAY >= m.horizon.start:
        saturday -= dt.timedelta(days=7)
    while saturday >= m.known_start:
        out.append((saturday, saturday + ONE_DAY))
        saturday -= dt.timedelta(days=7)
    return out[::-1]


def post_weekend_limit(m: RosterModel, rule: Rule) -> None:
    """`max` weekends over the horizon (or each period); `max_in_window` in every window of
    `window` weekends that ends in the horizon, reaching back into history (engine spec §4)."""
    weekends = horizon_weekends(m)
    past = history_weekends(m)
    for rid in m.registrars_for(rule):
        lits = [weekend_lit(m, rid, w) for w in weekends]
        if rule.params.get("max") is not None:
            for period in m.periods:
                inside = [lit for w, lit in zip(weekends, lits, strict=True) if set(w) & set(period)]
                m.limit(rule, sum(inside), int(rule.params["max"]), (0, len(inside)))
        if rule.params.get("window") is not None:
            size = int(rule.params["window"])
            known = [weekend_lit(m, rid, w) for w in past] + lits
            for i in range(max(0, len(past) - size + 1), len(known) - size + 1):
                window = known[i : i + size]
                m.limit(rule, sum(window), int(rule.params["max_in_window"]), (0, size))


def post_complete_weekends(m: RosterModel, rule: Rule) -> None:
    """A unit per weekend whose Sunday is in the horizon and Saturday known, with exactly one of the
    two days worked (a weekend is judged by the horizon holding its Sunday)."""
    sundays = [d for d in m.horizon.days if d.weekday() == 6 and d - ONE_DAY >= m.known_start]
    for rid in m.registrars_for(rule):
        for sunday in sundays:
            sat, sun = m.works(rid, sunday - ONE_DAY), m.works(rid, sunday)
            m.forbid(rule, [sat, negate(sun)], group=("weekend", rid, sunday))
            m.forbid(rule, [negate(sat), sun], group=("weekend", rid, sunday))


POSTERS: dict[str, Poster] = {
    "max_shifts_of_type": post_max_shifts_of_type,
    "max_shifts_in_window": post_max_shifts_in_window,
    "weekend_limit": post_weekend_limit,
    "complete_weekends": post_complete_weekends,
}
