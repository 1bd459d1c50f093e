"""Expressions and day ranges shared by several rule groups (semantics: docs/engine-spec.md §4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from fractions import Fraction

from roster_pipeline.core.rules import Rule
from roster_pipeline.solver.model import ONE_DAY, RosterModel

DAY_MINUTES = 1440
Poster = Callable[[RosterModel, Rule], None]


def exact(value: object) -> Fraction:
    """A parameter or data number read as the decimal a person wrote (40 * 0.7 is exactly 28)."""
    return Fraction(float(value)).limit_denominator(10**6)


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every day from `first` to `last`, both included."""
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def minutes_expr(m: RosterModel, rid: str, days: list[dt.date], selector: dict | None = None):
    """(linear expression of worked minutes, its max) over `days`; history days are constants."""
    terms, top = [], 0
    for day in days:
        day_max = 0
        for code, lit in m.day_shift_lits(rid, day, selector):
            minutes = m.shifts[code].minutes
            terms.append(minutes * lit if lit is not True else minutes)
            day_max = max(day_max, minutes)
        top += day_max
    return sum(terms), top


def count_expr(m: RosterModel, rid: str, days: list[dt.date], selector: dict | None = None):
    """(linear expression of days with a matching shift, its max) over `days`."""
    lits = [m.works(rid, day, selector) for day in days]
    return sum(int(lit) if isinstance(lit, bool) else lit for lit in lits), sum(
        lit is not False for lit in lits
    )


def rolling_windows(m: RosterModel, days: int) -> list[list[dt.date]]:
    """Every window of `days` consecutive known days that ends inside the horizon."""
    first = max(m.known_start, m.horizon.start - dt.timedelta(days=days - 1))
    windows = []
    day = first
    while day + dt.timedelta(days=days - 1) <= m.horizon.end:
        windows.append(days_between(day, day + dt.timedelta(days=days - 1)))
        day += ONE_DAY
    return windows
