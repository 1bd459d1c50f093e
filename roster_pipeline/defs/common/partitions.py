"""Partitions shared by the domains: roster weeks (Monday to Sunday in Melbourne time, four future
weeks open for planning) and clinical years (job lines and their digest)."""

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
# Assets up to the SQL models run a range of weeks in one run, so `dagster asset materialize
# --partition-range` needs no daemon and weekly_roster solves the weeks of a range in order.
SINGLE_RUN = dg.BackfillPolicy.single_run()

CLINICAL_YEARS = [str(y) for y in range(2026, 2031)]
clinical_years = dg.StaticPartitionsDefinition(CLINICAL_YEARS)
