"""The living roster in Dagster: each planned week's roster recorded as a draft version.

Managers approve and publish drafts (`roster publish --version V`); amendments are recorded by the
same use case (`living.versions.create_version`). The asset is thin: the version logic, its
idempotence and the audit rows live in `roster_pipeline.living`.
"""

import datetime as dt

import dagster as dg

from roster_pipeline.core.domain import Horizon
from roster_pipeline.defs.common.partitions import SINGLE_RUN, department_week, department_weeks
from roster_pipeline.defs.common.pools import WAREHOUSE_POOL
from roster_pipeline.defs.common.resources import WarehouseResource
from roster_pipeline.defs.rosters.assets import weekly_roster
from roster_pipeline.living.versions import Provenance, create_version

ACTOR = "dagster weekly_roster_job"


@dg.asset(
    partitions_def=department_weeks,
    group_name="living",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    backfill_policy=SINGLE_RUN,
    deps=[weekly_roster],
    description="The week's roster recorded as a draft roster version (append-only tables "
    "roster_versions, version_assignments, version_states, audit_log); a re-run with the same roster "
    "records nothing new. Approve and publish with `roster publish --version V`.",
)
def draft_roster_version(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    wh = warehouse.open()
    recorded = {}
    for key, week in (department_week(k) for k in sorted(context.partition_keys)):
        run = wh.query("SELECT * FROM solve_runs WHERE department = ? AND week_start = ?", [key, week])
        roster = wh.query(
            "SELECT registrar_id, date, shift FROM roster_assignments "
            "WHERE department = ? AND week_start = ?",
            [key, week],
        )
        if run.empty or roster.empty:
            raise dg.Failure(
                f"{key} week {week} has no roster in the warehouse: materialise weekly_roster first"
            )
        solve = run.iloc[0]
        provenance = Provenance(
            ACTOR,
            "solve",
            str(solve["rule_pack"]),
            str(solve["rule_pack_version"]),
            str(solve["input_hash"]),
            str(solve["run_id"]),
            int(solve["seed"]),
        )
        version = create_version(wh, key, roster, Horizon(week, 1), provenance, dt.datetime.now())
        recorded[f"{key} {week}"] = f"{version.version_id} ({version.state})"
        context.log.info(f"{key} week {week}: roster version {version.version_id}, {version.state}")
    return dg.MaterializeResult(metadata={"versions": dg.MetadataValue.json(recorded)})
