"""Jobs and the weekly planning schedule."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from roster_pipeline.defs.common.partitions import (
    PLANNING_WEEKS_AHEAD,
    TIMEZONE,
    department_partitions,
    partition_key,
    weekly_partitions,
)
from roster_pipeline.defs.common.pools import WAREHOUSE_TAGS

# One run = ingest and contracts, the week's solve, the SQL models and the dashboard, on the code
# location's executor (defs/common/executors.py); the tag lets dagster.yaml allow one DuckDB-writing
# run at a time.

weekly_roster_job = dg.define_asset_job(
    "weekly_roster_job",
    # job lines are yearly; the repair of published versions runs when events arrive (events_sensor)
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("joblines", "repairs"),
    tags=WAREHOUSE_TAGS,
    description="Plan roster week(s): contracts, solve, warehouse, SQL models, dashboard.",
)


def planned_week(scheduled: dt.datetime) -> str:
    """The Monday PLANNING_WEEKS_AHEAD weeks after the week containing `scheduled`."""
    day = scheduled.date()
    monday = day - dt.timedelta(days=day.weekday())
    return (monday + dt.timedelta(weeks=PLANNING_WEEKS_AHEAD)).isoformat()


@dg.schedule(
    cron_schedule="0 6 * * 1",
    job=weekly_roster_job,
    execution_timezone=TIMEZONE,
    description="Mondays 06:00 Melbourne time: plan each department's week starting four weeks later.",
)
def weekly_planning_schedule(context: dg.ScheduleEvaluationContext):
    """One run per department for the week four weeks ahead (departments in parallel)."""
    week = planned_week(context.scheduled_execution_time)
    if week not in weekly_partitions.get_partition_keys(current_time=context.scheduled_execution_time):
        return dg.SkipReason(f"week {week} is not a roster partition yet")
    return [
        dg.RunRequest(
            run_key=f"plan:{name}:{week}", partition_key=partition_key(name, week), tags=WAREHOUSE_TAGS
        )
        for name in department_partitions.get_partition_keys()
    ]
