"""Explanation digests: the weekly manager digest, registrar notices and the job-line digest."""

from collections.abc import Mapping

import dagster as dg

from roster_pipeline.defs.common.resources import default_resources
from roster_pipeline.defs.explain.assets import jobline_digest, registrar_notices, weekly_manager_digest
from roster_pipeline.defs.explain.resources import explain_resources

RESOURCES = ("department", "warehouse", "solver")


def definitions(resources: Mapping[str, dg.ConfigurableResource] | None = None) -> dg.Definitions:
    """The digest assets with the shared resources they read and the Claude resource."""
    shared = default_resources() if resources is None else resources
    return dg.Definitions(
        assets=[weekly_manager_digest, registrar_notices, jobline_digest],
        resources={**{name: shared[name] for name in RESOURCES}, **explain_resources()},
    )
