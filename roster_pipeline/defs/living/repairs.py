"""Events into amended roster versions: a sensor that notices new rows in the department's `events`
table and a job that repairs each published version those events touch (`living.amendments.
repair_published`, the use case the CLI's `roster repair` and the web service share). Thin: the
repair, its reasons, notices and audit rows live in `roster_pipeline.living`."""

import datetime as dt

import dagster as dg
import pandas as pd

from roster_pipeline.core.department_io import departments_at
from roster_pipeline.core.domain import Department, frame_hash
from roster_pipeline.defs.common.inputs import rule_pack, validated_tables
from roster_pipeline.defs.common.resources import DepartmentSource, SolverSettings, WarehouseResource
from roster_pipeline.defs.living.assets import draft_roster_version
from roster_pipeline.living.amendments import published, repair_published
from roster_pipeline.living.events import department_events
from roster_pipeline.living.repair import RepairSettings
from roster_pipeline.living.versions import Provenance

ACTOR = "dagster events_sensor"


@dg.asset(
    group_name="repairs",
    kinds={"duckdb"},
    deps=[draft_roster_version],
    description="Each published roster version the department's events touch, repaired with as few "
    "notice-weighted changes as possible and recorded as an amended draft with its audit rows and "
    "per-registrar notices (approve and publish with `roster publish --version V`). Started by "
    "events_sensor; a re-run with the same events records nothing new.",
)
def amended_roster_versions(
    context: dg.AssetExecutionContext,
    department: DepartmentSource,
    warehouse: WarehouseResource,
    solver: SolverSettings,
) -> dg.MaterializeResult:
    pack = rule_pack(solver.rule_pack)
    wh = warehouse.open()
    settings = RepairSettings(seed=solver.seed, deterministic=True)
    summaries, events = [], 0
    for key in departments_at(department.path):
        tables = validated_tables(department, key)
        dept = Department(tables)
        found = department_events(dept)
        events += len(found)
        provenance = Provenance(
            ACTOR, "repair", pack.id, pack.version, frame_hash(tables), context.run.run_id, solver.seed
        )
        records = repair_published(wh, key, dept, pack, found, provenance, dt.datetime.now(), settings)
        for record in records:
            summary = {"department": key, **record.summary()}
            context.log.info(f"{key}: repair of {summary['parent']}: {summary}")
            summaries.append(summary)
    return dg.MaterializeResult(
        metadata={
            "events": dg.MetadataValue.int(events),
            "repairs": dg.MetadataValue.json(summaries),
            "amended_versions": dg.MetadataValue.text(
                ", ".join(str(s["version"]) for s in summaries if s["version"]) or "none"
            ),
        }
    )


repair_job = dg.define_asset_job("repair_job", selection=[amended_roster_versions])


@dg.sensor(job=repair_job, minimum_interval_seconds=60)
def events_sensor(
    context: dg.SensorEvaluationContext, department: DepartmentSource, warehouse: WarehouseResource
) -> dg.SensorResult | dg.SkipReason:
    """A repair run when any department's events change and it has a published version."""
    fingerprints, waiting = {}, []
    for key in departments_at(department.path):
        try:
            tables = validated_tables(department, key)
        except dg.Failure as failure:
            return dg.SkipReason(f"{key} does not pass its contracts: {failure.description}")
        events = tables.get("events")
        if events is None or events.empty:
            continue
        if published(warehouse.open(), key):
            fingerprints[key] = frame_hash({"events": events})
        else:
            waiting.append(key)
    if not fingerprints:
        return dg.SkipReason("no published roster version to repair yet" if waiting else "no events")
    fingerprint = frame_hash({name: pd.DataFrame({"hash": [h]}) for name, h in sorted(fingerprints.items())})
    if fingerprint == context.cursor:
        return dg.SkipReason("no new events since the last repair")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=fingerprint)], cursor=fingerprint)
