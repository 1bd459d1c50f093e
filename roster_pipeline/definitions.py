"""The Dagster code location: merges each domain's `defs/<domain>/definitions.py` (workspace.yaml
loads this module). Shared resources are built once here, from ROSTER_* environment variables."""

import dagster as dg

from roster_pipeline.defs.common.executors import executor_from_env
from roster_pipeline.defs.common.resources import default_resources
from roster_pipeline.defs.explain import definitions as explain
from roster_pipeline.defs.joblines import definitions as joblines
from roster_pipeline.defs.living import definitions as living
from roster_pipeline.defs.rosters import definitions as rosters
from roster_pipeline.defs.sql_models import definitions as sql_models

DOMAINS = (rosters, sql_models, explain, joblines, living)


def build_definitions() -> dg.Definitions:
    """Every domain's Definitions on one set of shared resources and the executor ROSTER_EXECUTOR
    names (multiprocess by default; celery for workers on other hosts)."""
    resources = default_resources()
    return dg.Definitions.merge(
        *(domain.definitions(resources) for domain in DOMAINS),
        dg.Definitions(executor=executor_from_env()),
    )


defs = build_definitions()
