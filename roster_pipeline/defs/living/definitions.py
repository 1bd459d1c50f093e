"""The living roster: the weekly roster recorded as a draft version; events repaired into amended drafts."""

from collections.abc import Mapping

import dagster as dg

from roster_pipeline.defs.common.resources import default_resources
from roster_pipeline.defs.living.assets import draft_roster_version
from roster_pipeline.defs.living.repairs import amended_roster_versions, events_sensor, repair_job

RESOURCES = ("department", "warehouse", "solver")


def definitions(resources: Mapping[str, dg.ConfigurableResource] | None = None) -> dg.Definitions:
    """The version assets, the repair job and its sensor, with the shared resources they use."""
    shared = default_resources() if resources is None else resources
    return dg.Definitions(
        assets=[draft_roster_version, amended_roster_versions],
        jobs=[repair_job],
        sensors=[events_sensor],
        resources={name: shared[name] for name in RESOURCES},
    )
