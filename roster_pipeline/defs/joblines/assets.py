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

from data_contracts.suites import joblines_suite, lines_per_term, validate
from roster_pipeline.defs.common.partitions import CLINICAL_YEARS, clinical_years
from roster_pipeline.defs.common.pools import WAREHOUSE_POOL, WAREHOUSE_TAGS
from roster_pipeline.defs.common.resources import WarehouseResource
from roster_pipeline.joblines.data import TEMPLATES
from roster_pipeline.joblines.objective import ObjectiveWeights
from roster_pipeline.joblines.request import (
    JOBLINE_TABLES,
    REQUEST_DEFAULTS,
    RequestError,
    output_frames,
    run,
)

WEIGHTS = ObjectiveWeights()
GX_JOBLINES_COMPLETE = "gx_joblines_complete"


class CapacityOverride(dg.Config):
    rotation_id: str
    term: int
    capacity: int | None = None
    min_staffing: int | None = None


class ObjectiveWeightsConfig(dg.Config):
    """Every weight of the job-line objective, and the "too similar" threshold."""

    affinity: int = WEIGHTS.affinity
    clumping: int = WEIGHTS.clumping
    attractiveness: int = WEIGHTS.attractiveness
    similar: int = WEIGHTS.similar
    min_hamming: int = WEIGHTS.min_hamming


class JoblinesRequest(dg.Config):
    """The planning request: counts, term template, capacity overrides, affinity profile, time limit,
    workers, seed, deterministic time and the objective weights (defaults: `REQUEST_KEYS`)."""

    pgy1: int = REQUEST_DEFAULTS["pgy1"]
    pgy2: int = REQUEST_DEFAULTS["pgy2"]
    fte: float = REQUEST_DEFAULTS["fte"]
    terms: list[int] = TEMPLATES[REQUEST_DEFAULTS["terms"]]
    catalogue: str = REQUEST_DEFAULTS["catalogue"]
    capacity_overrides: list[CapacityOverride] = []
    affinity_profile: str = REQUEST_DEFAULTS["affinity_profile"]
    time_limit: float = REQUEST_DEFAULTS["time_limit"]
    workers: int = REQUEST_DEFAULTS["workers"]
    seed: int = REQUEST_DEFAULTS["seed"]
    deterministic: bool = REQUEST_DEFAULTS["deterministic"]
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
    check_specs=[
        dg.AssetCheckSpec(
            GX_JOBLINES_COMPLETE,
            asset=["joblines", "lines"],
            blocking=True,
            description="Great Expectations: as many lines as requested, each with every term and a "
            "rotation in each (read back from the warehouse).",
        )
    ],
    partitions_def=clinical_years,
    pool=WAREHOUSE_POOL,
)
def joblines_assets(context: dg.AssetExecutionContext, config: JoblinesRequest, warehouse: WarehouseResource):
    """Generate the clinical year's PGY1/PGY2 job lines and store them in the warehouse."""
    year = context.partition_key
    try:
        outcome = run(config.as_request())
    except RequestError as err:  # bad request: one message naming the key or file, nothing written
        raise dg.Failure(description=f"job-line request for {year}: {err}") from err
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
    yield lines_check(warehouse, year, len(outcome.plan.cohort), len(outcome.plan.weeks))


def lines_check(warehouse: WarehouseResource, year: str, lines: int, terms: int) -> dg.AssetCheckResult:
    """The stored year's lines through the job-line suite."""
    stored = warehouse.open().query("SELECT * FROM joblines_lines WHERE clinical_year = ?", [year])
    outcome = validate("joblines", lines_per_term(stored), joblines_suite(lines, terms))
    return dg.AssetCheckResult(
        asset_key=["joblines", "lines"],
        check_name=GX_JOBLINES_COMPLETE,
        passed=outcome.passed,
        metadata={
            "lines": lines,
            "terms": terms,
            "failed_expectations": len(outcome.failed),
            "suite": dg.MetadataValue.md(outcome.table().to_markdown(index=False)),
        },
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
