"""PGY1/PGY2 job lines per clinical year: assets, job and the monthly schedule."""

from collections.abc import Mapping

import dagster as dg

from roster_pipeline.defs.common.resources import default_resources
from roster_pipeline.defs.joblines.assets import joblines_assets, joblines_job, joblines_monthly_schedule


def definitions(resources: Mapping[str, dg.ConfigurableResource] | None = None) -> dg.Definitions:
    """The job-line assets, job and schedule, with the warehouse resource."""
    shared = default_resources() if resources is None else resources
    return dg.Definitions(
        assets=[joblines_assets],
        jobs=[joblines_job],
        schedules=[joblines_monthly_schedule],
        resources={"warehouse": shared["warehouse"]},
    )
