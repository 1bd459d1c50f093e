"""How far ahead each pipeline week is solved: to the end of its roster period, or a fixed lookahead."""

from __future__ import annotations

import datetime as dt

import pytest

from roster_pipeline.planning.weekly import lookahead_for

FIRST = dt.date(2026, 10, 5)


@pytest.mark.parametrize(
    ("weeks_after_first", "roster_period_weeks", "expected"),
    [
        (0, 4, 3),  # a period's first week sees the whole period
        (1, 4, 2),
        (3, 4, 0),  # its last week is solved alone: the period ends with it
        (4, 4, 3),  # the next period starts again
        (9, 4, 2),
        (0, 2, 1),
        (5, 1, 0),
    ],
)
def test_a_week_is_solved_to_the_end_of_its_roster_period(
    weeks_after_first: int, roster_period_weeks: int, expected: int
) -> None:
    week = FIRST + dt.timedelta(weeks=weeks_after_first)
    assert lookahead_for(week, FIRST, lookahead_weeks=1, roster_period_weeks=roster_period_weeks) == expected


def test_without_roster_periods_the_fixed_lookahead_applies() -> None:
    week = FIRST + dt.timedelta(weeks=3)
    assert lookahead_for(week, FIRST, lookahead_weeks=2, roster_period_weeks=0) == 2
