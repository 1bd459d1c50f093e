"""The dbt-like SQL models over the warehouse's fact tables, with their checks."""

from collections.abc import Mapping

import dagster as dg

from roster_pipeline.defs.common.resources import default_resources
from roster_pipeline.defs.sql_models.assets import build_models_asset


def definitions(resources: Mapping[str, dg.ConfigurableResource] | None = None) -> dg.Definitions:
    """One multi-asset for the SQL models of `dbt_like_sql/`, with the warehouse resource."""
    shared = default_resources() if resources is None else resources
    return dg.Definitions(assets=[build_models_asset()], resources={"warehouse": shared["warehouse"]})
