"""Registrar rosters: ingest behind the contracts, the weekly solves, the managers' dashboard."""

from collections.abc import Mapping

import dagster as dg

from roster_pipeline.defs.common.resources import default_resources
from roster_pipeline.defs.rosters.assets import fairness_dashboard, ingest_department, weekly_roster
from roster_pipeline.defs.rosters.schedules import weekly_planning_schedule, weekly_roster_job

RESOURCES = ("department", "warehouse", "solver")


def definitions(resources: Mapping[str, dg.ConfigurableResource] | None = None) -> dg.Definitions:
    """The roster assets, job and schedule, with the shared resources they use."""
    shared = default_resources() if resources is None else resources
    return dg.Definitions(
        assets=[ingest_department, weekly_roster, fairness_dashboard],
        jobs=[weekly_roster_job],
        schedules=[weekly_planning_schedule],
        resources={name: shared[name] for name in RESOURCES},
    )
