"""Roster weeks: Monday to Sunday in Melbourne time, with four future weeks open for planning."""

from __future__ import annotations

import dagster as dg

# The first roster week. (2027-01-04 was proposed, but Dagster only creates partitions up to
# `end_offset` weeks after today, so a 2027 start has no partitions before December 2026.)
FIRST_WEEK = "2026-01-05"
TIMEZONE = "Australia/Melbourne"
PLANNING_WEEKS_AHEAD = 4

weekly_partitions = dg.WeeklyPartitionsDefinition(
    start_date=FIRST_WEEK,
    day_offset=1,  # Monday (the default 0 is Sunday)
    timezone=TIMEZONE,
    end_offset=PLANNING_WEEKS_AHEAD + 1,  # the current week plus the next four
)
