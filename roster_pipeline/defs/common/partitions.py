"""Partitions shared by the domains: a department's roster week (department x week, Monday to
Sunday in Melbourne time, four future weeks open for planning) and clinical years (job lines and
their digest).

The departments are those at `ROSTER_DEPARTMENT` when the definitions load (one department, or a
folder of department folders/workbooks): one code location serves a fixed set of departments.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import NamedTuple

import dagster as dg

from roster_pipeline.core.department_io import department_name, departments_at

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
DEPARTMENT_DIM, WEEK_DIM = "department", "week"
DEFAULT_DEPARTMENT = "out/sample"


def department_names(path: str | None = None) -> list[str]:
    """The departments at `path` (default: $ROSTER_DEPARTMENT, else out/sample), by name; a path not
    made yet counts as one department named by its folder."""
    where = path or os.environ.get("ROSTER_DEPARTMENT") or DEFAULT_DEPARTMENT
    return sorted(departments_at(where)) or [department_name(where)]


department_partitions = dg.StaticPartitionsDefinition(department_names())
department_weeks = dg.MultiPartitionsDefinition(
    {DEPARTMENT_DIM: department_partitions, WEEK_DIM: weekly_partitions}
)
# a department's week depends on the same department's week before (its history and ledger)
PREVIOUS_WEEK = dg.MultiPartitionMapping(
    {
        WEEK_DIM: dg.DimensionPartitionMapping(
            WEEK_DIM, dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1)
        ),
        DEPARTMENT_DIM: dg.DimensionPartitionMapping(DEPARTMENT_DIM, dg.IdentityPartitionMapping()),
    }
)


class DepartmentWeek(NamedTuple):
    department: str
    week: dt.date


def department_week(key: str | dg.MultiPartitionKey) -> DepartmentWeek:
    """A partition key (`MultiPartitionKey` or its "department|week" string) as (department, Monday)."""
    dims = (
        key.keys_by_dimension
        if isinstance(key, dg.MultiPartitionKey)
        else dict(zip((DEPARTMENT_DIM, WEEK_DIM), str(key).split("|"), strict=True))
    )
    return DepartmentWeek(dims[DEPARTMENT_DIM], dt.date.fromisoformat(dims[WEEK_DIM]))


def partition_key(department: str, week: dt.date | str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({DEPARTMENT_DIM: department, WEEK_DIM: str(week)})


def by_department(keys: list[str]) -> dict[str, list[dt.date]]:
    """A run's partition keys grouped: department -> its weeks in order (a backfill range is one run)."""
    grouped: dict[str, list[dt.date]] = {}
    for key in keys:
        department, week = department_week(key)
        grouped.setdefault(department, []).append(week)
    return {department: sorted(weeks) for department, weeks in sorted(grouped.items())}


# Assets up to the SQL models run a range of weeks in one run, so `dagster asset materialize
# --partition-range` needs no daemon and weekly_roster solves the weeks of a range in order.
SINGLE_RUN = dg.BackfillPolicy.single_run()

CLINICAL_YEARS = [str(y) for y in range(2026, 2031)]
clinical_years = dg.StaticPartitionsDefinition(CLINICAL_YEARS)
