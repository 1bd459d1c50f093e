"""Victorian public holidays: the `public_holidays` table."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from roster_pipeline.core.domain import Horizon
from roster_pipeline.planning.sample.base import COLUMNS


def _easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return dt.date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def victorian_public_holidays(year: int) -> dict[dt.date, str]:
    """Victorian public holidays of `year` (Public Holidays Act 1993 (Vic) rules).

    The Friday before the AFL Grand Final is left out: its date is set each year by the government.
    Melbourne Cup Day is the metropolitan holiday (some regional councils substitute another day).
    """
    easter = _easter_sunday(year)
    days: dict[dt.date, str] = {dt.date(year, 1, 1): "New Year's Day"}
    new_year = dt.date(year, 1, 1)
    if new_year.weekday() >= 5:
        days[new_year + dt.timedelta(days=7 - new_year.weekday())] = "New Year's Day (additional)"
    australia = dt.date(year, 1, 26)
    if australia.weekday() >= 5:
        australia += dt.timedelta(days=7 - australia.weekday())
    days[australia] = "Australia Day"
    days[_nth_weekday(year, 3, 0, 2)] = "Labour Day"
    days[easter - dt.timedelta(days=2)] = "Good Friday"
    days[easter - dt.timedelta(days=1)] = "Saturday before Easter Sunday"
    days[easter] = "Easter Sunday"
    days[easter + dt.timedelta(days=1)] = "Easter Monday"
    days[dt.date(year, 4, 25)] = "ANZAC Day"
    days[_nth_weekday(year, 6, 0, 2)] = "King's Birthday" if year >= 2023 else "Queen's Birthday"
    days[_nth_weekday(year, 11, 1, 1)] = "Melbourne Cup Day"
    christmas, boxing = dt.date(year, 12, 25), dt.date(year, 12, 26)
    days[christmas], days[boxing] = "Christmas Day", "Boxing Day"
    if christmas.weekday() >= 5:
        days[dt.date(year, 12, 27)] = "Christmas Day (additional)"
    if boxing.weekday() >= 5:
        days[dt.date(year, 12, 28)] = "Boxing Day (additional)"
    return days


def public_holiday_rows(horizon: Horizon) -> pd.DataFrame:
    holidays: dict[dt.date, str] = {}
    for year in range(horizon.start.year, horizon.end.year + 1):
        holidays.update(victorian_public_holidays(year))
    rows = [(d.isoformat(), name) for d, name in sorted(holidays.items()) if d in horizon]
    return pd.DataFrame(rows, columns=COLUMNS["public_holidays"])
