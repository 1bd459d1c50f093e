"""The one place that assembles the Dagster Definitions (`workspace.yaml` loads this module)."""

from __future__ import annotations

import dagster as dg

from roster_pipeline.defs.common.resources import default_resources
from roster_pipeline.defs.explain.assets import explain_defs
from roster_pipeline.defs.joblines.assets import joblines_defs
from roster_pipeline.defs.rosters.assets import (
    fairness_dashboard,
    ingest_department,
    weekly_roster,
)
from roster_pipeline.defs.rosters.schedules import weekly_planning_schedule, weekly_roster_job
from roster_pipeline.defs.sql_models.assets import build_models_asset


def build_definitions() -> dg.Definitions:
    """Registrar rosters, explanation digests and job lines (sharing the warehouse resource)."""
    return dg.Definitions.merge(roster_definitions(), explain_defs(), joblines_defs(with_resources=False))


def roster_definitions() -> dg.Definitions:
    return dg.Definitions(
        assets=[
            ingest_department,
            weekly_roster,
            build_models_asset(),
            fairness_dashboard,
        ],
        jobs=[weekly_roster_job],
        schedules=[weekly_planning_schedule],
        resources=default_resources(),
        executor=dg.in_process_executor,
    )


defs = build_definitions()
