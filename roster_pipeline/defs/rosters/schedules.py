"""Jobs and the weekly planning schedule."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from roster_pipeline.defs.common.partitions import PLANNING_WEEKS_AHEAD, TIMEZONE, weekly_partitions
from roster_pipeline.defs.common.pools import WAREHOUSE_TAGS

# One run = ingest and contracts, the week's solve, the SQL models and the dashboard, in one process;
# the tag lets dagster.yaml allow one DuckDB-writing run at a time.

weekly_roster_job = dg.define_asset_job(
    "weekly_roster_job",
    # job lines are yearly; the repair of published versions runs when events arrive (events_sensor)
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("joblines", "repairs"),
    executor_def=dg.in_process_executor,
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
    description="Mondays 06:00 Melbourne time: plan the week starting four weeks later.",
)
def weekly_planning_schedule(context: dg.ScheduleEvaluationContext):
    key = planned_week(context.scheduled_execution_time)
    if key not in weekly_partitions.get_partition_keys(current_time=context.scheduled_execution_time):
        return dg.SkipReason(f"week {key} is not a roster partition yet")
    return dg.RunRequest(run_key=f"plan:{key}", partition_key=key, tags=WAREHOUSE_TAGS)
