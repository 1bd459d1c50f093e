"""The living roster in Dagster: each planned week's roster recorded as a draft version.

Managers approve and publish drafts (`roster publish --version V`); amendments are recorded by the
same use case (`living.versions.create_version`). The asset is thin: the version logic, its
idempotence and the audit rows live in `roster_pipeline.living`.
"""

import datetime as dt

import dagster as dg

from roster_pipeline.core.domain import Horizon
from roster_pipeline.defs.common.partitions import SINGLE_RUN, weekly_partitions
from roster_pipeline.defs.common.pools import WAREHOUSE_POOL
from roster_pipeline.defs.common.resources import DepartmentSource, WarehouseResource
from roster_pipeline.defs.rosters.assets import weekly_roster
from roster_pipeline.living.versions import Provenance, create_version, department_key

ACTOR = "dagster weekly_roster_job"


@dg.asset(
    partitions_def=weekly_partitions,
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
    context: dg.AssetExecutionContext, department: DepartmentSource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    wh = warehouse.open()
    key = department_key(department.path)
    recorded = {}
    for week in sorted(dt.date.fromisoformat(k) for k in context.partition_keys):
        run = wh.query("SELECT * FROM solve_runs WHERE week_start = ?", [week])
        roster = wh.query(
            "SELECT registrar_id, date, shift FROM roster_assignments WHERE week_start = ?", [week]
        )
        if run.empty or roster.empty:
            raise dg.Failure(f"week {week} has no roster in the warehouse: materialise weekly_roster first")
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
        recorded[str(week)] = f"{version.version_id} ({version.state})"
        context.log.info(f"week {week}: roster version {version.version_id}, {version.state}")
    return dg.MaterializeResult(metadata={"versions": dg.MetadataValue.json(recorded)})
