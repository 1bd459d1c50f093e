"""Dagster assets for job lines, partitioned by clinical year, written to the warehouse.

One run solves the planning request (the run config, same keys as `examples/joblines_request.json`)
and replaces the year's rows in five tables: joblines_lines, joblines_term_view, joblines_capacity,
joblines_compliance and joblines_metrics. A monthly schedule regenerates the draft lines for the
coming clinical year. The solve itself is `roster_pipeline.joblines.request.run`.
"""

import datetime as dt
from collections.abc import Mapping

import dagster as dg
import pandas as pd

from roster_pipeline.defs.common.resources import WarehouseResource, default_resources
from roster_pipeline.joblines.request import JOBLINE_TABLES, output_frames, run

CLINICAL_YEARS = [str(y) for y in range(2026, 2031)]
clinical_years = dg.StaticPartitionsDefinition(CLINICAL_YEARS)
WAREHOUSE_TAGS = {"roster/warehouse": "duckdb"}


class CapacityOverride(dg.Config):
    rotation_id: str
    term: int
    capacity: int | None = None
    min_staffing: int | None = None


class ObjectiveWeightsConfig(dg.Config):
    affinity: int = 1
    clumping: int = 1
    attractiveness: int = 1


class JoblinesRequest(dg.Config):
    """The planning request: counts, term template, capacity overrides, affinity profile, time limit."""

    pgy1: int = 80
    pgy2: int = 40
    fte: float = 1.0
    terms: list[int] = [10, 10, 10, 10, 12]
    catalogue: str = "sample"
    capacity_overrides: list[CapacityOverride] = []
    affinity_profile: str = "default"
    time_limit: float = 420.0
    workers: int = 2
    seed: int = 0
    weights: ObjectiveWeightsConfig = ObjectiveWeightsConfig()

    def as_request(self) -> dict:
        request = self.model_dump()
        request["capacity_overrides"] = [
            {k: v for k, v in o.items() if v is not None} for o in request["capacity_overrides"]
        ]
        return request


def write_year(warehouse: WarehouseResource, year: str, frames: Mapping[str, pd.DataFrame]) -> dict[str, int]:
    """Replace the year's rows in each `joblines_<name>` table (created on first write)."""
    tables = {f"joblines_{name}": frame for name, frame in frames.items()}
    return warehouse.open().replace_rows({"clinical_year": year}, tables)


@dg.multi_asset(
    specs=[dg.AssetSpec(["joblines", name], group_name="joblines") for name in JOBLINE_TABLES],
    partitions_def=clinical_years,
    pool="roster_warehouse",
)
def joblines_assets(context: dg.AssetExecutionContext, config: JoblinesRequest, warehouse: WarehouseResource):
    """Generate the clinical year's PGY1/PGY2 job lines and store them in the warehouse."""
    year = context.partition_key
    outcome = run(config.as_request())
    frames = output_frames(outcome)
    counts = write_year(warehouse, year, frames)
    status = outcome.result.status
    if not outcome.result.feasible and status != "FEASIBLE_WITH_DROPS":
        context.log.warning(f"job lines for {year}: {status}: {outcome.result.diagnosis}")
    for name in JOBLINE_TABLES:
        yield dg.MaterializeResult(
            asset_key=["joblines", name],
            metadata={"rows": dg.MetadataValue.int(counts[f"joblines_{name}"]), "status": status},
        )


joblines_job = dg.define_asset_job(
    "joblines_job",
    selection=dg.AssetSelection.groups("joblines"),
    executor_def=dg.in_process_executor,
    tags=WAREHOUSE_TAGS,
    description="Generate PGY1/PGY2 job lines for a clinical year (run config: the planning request).",
)


def coming_year(scheduled: dt.datetime) -> str:
    """The clinical year after the one containing `scheduled`."""
    return str(scheduled.year + 1)


@dg.schedule(
    cron_schedule="0 5 1 * *",
    job=joblines_job,
    execution_timezone="Australia/Melbourne",
    description="1st of each month 05:00: regenerate the draft job lines for the coming clinical year.",
)
def joblines_monthly_schedule(context: dg.ScheduleEvaluationContext):
    year = coming_year(context.scheduled_execution_time)
    if year not in CLINICAL_YEARS:
        return dg.SkipReason(f"clinical year {year} is not a job-line partition")
    return dg.RunRequest(
        run_key=f"joblines:{year}:{context.scheduled_execution_time:%Y-%m}", partition_key=year
    )


def joblines_defs(with_resources: bool = True) -> dg.Definitions:
    """Assets, job and schedule; `with_resources=False` when merging into definitions that already
    provide the `warehouse` resource."""
    resources = {"warehouse": default_resources()["warehouse"]} if with_resources else {}
    return dg.Definitions(
        assets=[joblines_assets],
        jobs=[joblines_job],
        schedules=[joblines_monthly_schedule],
        resources=resources,
    )
