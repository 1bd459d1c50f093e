"""The living roster: the weekly roster recorded as a draft version."""

from collections.abc import Mapping

import dagster as dg

from roster_pipeline.defs.common.resources import default_resources
from roster_pipeline.defs.living.assets import draft_roster_version

RESOURCES = ("department", "warehouse")


def definitions(resources: Mapping[str, dg.ConfigurableResource] | None = None) -> dg.Definitions:
    """The draft-version asset with the shared resources it uses."""
    shared = default_resources() if resources is None else resources
    return dg.Definitions(assets=[draft_roster_version], resources={name: shared[name] for name in RESOURCES})
