"""Dagster assets: department ingest behind the data contracts, weekly roster solves, dashboards.

Assets are thin: the contracts live in `data_contracts`, the solve and validation in
`roster_pipeline.planning.weekly`, storage in `roster_pipeline.core.warehouse`. Assets write
through the `warehouse` resource and return `MaterializeResult`s (no IO manager).
"""

import datetime as dt
import time

import dagster as dg
import pandas as pd
from dagster_pandera import pandera_schema_to_dagster_type

from data_contracts import TABLE_MODELS
from roster_pipeline.core.domain import frame_hash
from roster_pipeline.defs.common.inputs import rule_pack, validated_tables
from roster_pipeline.defs.common.partitions import (
    PREVIOUS_WEEK,
    SINGLE_RUN,
    by_department,
    department_week,
    department_weeks,
    partition_key,
    weekly_partitions,
)
from roster_pipeline.defs.common.pools import WAREHOUSE_POOL
from roster_pipeline.defs.common.resources import DepartmentSource, SolverSettings, WarehouseResource
from roster_pipeline.defs.rosters import dashboard, quality
from roster_pipeline.planning.weekly import (
    department_for_week,
    earlier_weeks,
    lookahead_for,
    lookahead_start,
    plan_week,
    week_monday,
)
from roster_pipeline.solver import SolveSettings

INGEST_TABLES = ("registrars", "shift_types", "cover", "leave", "preferences", "training", "partners")
CONTRACTS_HOLD = "contracts_hold"
NO_HARD_VIOLATIONS = "no_hard_violations"
COVER_MET = "cover_met"
PRIVATE_COLUMNS = ("email", "reason", "note")  # never shown in previews (leave reasons, notes are private)


# --------------------------------------------------------------------------- ingest


def column_schema(table: str) -> dg.TableSchema:
    """The table's data contract as a Dagster table schema (columns, types, constraints), made by
    dagster-pandera from the pandera model, so the UI shows each ingest asset's contract."""
    return pandera_schema_to_dagster_type(TABLE_MODELS[table]).metadata["schema"].schema


INGEST_SPECS = [
    dg.AssetSpec(
        dg.AssetKey(["ingest", table]),
        group_name="ingest",
        kinds={"pandas", "pandera"},
        description=f"The `{table}` table of the department, checked against its data contract.",
        metadata={"dagster/column_schema": column_schema(table)},
    )
    for table in INGEST_TABLES
]
DEPARTMENT_SPEC = dg.AssetSpec(
    "validated_department",
    group_name="ingest",
    kinds={"pandera"},
    deps=INGEST_SPECS,
    description="The whole department through the contracts, including the cross-table checks "
    "(unknown registrars, cover sites, leave dates). A failure stops the run before any solve.",
)


@dg.multi_asset(
    specs=[*INGEST_SPECS, DEPARTMENT_SPEC],
    check_specs=[dg.AssetCheckSpec(CONTRACTS_HOLD, asset="validated_department", blocking=True)],
    partitions_def=department_weeks,
    backfill_policy=SINGLE_RUN,
    name="ingest_department",
)
def ingest_department(context: dg.AssetExecutionContext, department: DepartmentSource):
    """Read the department once and validate it with `data_contracts.validate_department`: every
    table against its pandera model, then the cross-table checks. All problems of all tables are
    raised together in one step failure (table, row, column, message), so nothing downstream runs.
    A run's partitions are department weeks: each department of the run is read once, as it is now."""
    names = list(by_department(context.partition_keys))
    every = {name: validated_tables(department, name) for name in names}
    for spec in INGEST_SPECS:
        table = spec.key.path[-1]
        frames = {name: tables[table] for name, tables in every.items() if table in tables}
        yield dg.MaterializeResult(
            asset_key=spec.key,
            metadata={
                "dagster/row_count": int(sum(len(frame) for frame in frames.values())),
                "present": bool(frames),
                "source": ", ".join(department.location(name) for name in names),
                "preview": dg.MetadataValue.md(_preview(frames)),
            },
        )
    yield dg.MaterializeResult(
        asset_key=DEPARTMENT_SPEC.key,
        metadata={
            "tables": dg.MetadataValue.json(
                {name: {t: int(len(f)) for t, f in tables.items()} for name, tables in every.items()}
            ),
            "input_hash": ", ".join(f"{name}: {frame_hash(tables)}" for name, tables in every.items()),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name=CONTRACTS_HOLD,
                asset_key=DEPARTMENT_SPEC.key,
                passed=True,
                metadata={"departments": ", ".join(names), "tables_checked": sum(map(len, every.values()))},
            )
        ],
    )


def _preview(frames: dict[str, pd.DataFrame]) -> str:
    """The first rows of each department's table, private columns left out."""
    shown = [
        f"**{name}**\n\n"
        + frame.drop(columns=list(PRIVATE_COLUMNS), errors="ignore")
        .head(10)
        .astype(str)
        .to_markdown(index=False)
        for name, frame in frames.items()
    ]
    return "\n\n".join(shown) or "-"


# --------------------------------------------------------------------------- weekly roster


def _previous_week(context: dg.AssetExecutionContext, wh, name: str, week: dt.date, first: dt.date):
    """The department's (assignments of the last 14 days, previous week's ledger), or a Failure if
    that week is missing or broke a hard rule."""
    if week == first:
        return None, None
    if week < first:
        raise dg.Failure(f"week {week} is before the first planned week {first}")
    prev = week - dt.timedelta(days=7)
    runs = wh.query(
        "SELECT status, hard_violations FROM solve_runs WHERE department = ? AND week_start = ?", [name, prev]
    )
    if runs.empty:
        raise dg.Failure(
            f"{name}: week {prev} has not been solved: plan weeks in order (the previous week's roster "
            f"is the history for rest, run and fairness rules of {week})"
        )
    status, hard = runs.iloc[0]["status"], runs.iloc[0]["hard_violations"]
    if status not in ("OPTIMAL", "FEASIBLE") or pd.isna(hard) or int(hard) != 0:
        raise dg.Failure(
            f"{name}: week {prev} is not a valid roster (status {status}, hard violations {hard}); "
            f"fix and re-run it before planning {week}"
        )
    history, ledger = earlier_weeks(wh, name, week)
    context.log.info(
        f"{name} week {week}: history of {len(history)} assignments, ledger of {len(ledger)} registrars"
    )
    return history, ledger


@dg.asset(
    partitions_def=department_weeks,
    group_name="rosters",
    kinds={"ortools", "duckdb"},
    pool=WAREHOUSE_POOL,
    backfill_policy=SINGLE_RUN,
    deps=[DEPARTMENT_SPEC.key, dg.AssetDep("weekly_roster", partition_mapping=PREVIOUS_WEEK)],
    check_specs=[
        dg.AssetCheckSpec(NO_HARD_VIOLATIONS, asset="weekly_roster", blocking=True),
        dg.AssetCheckSpec(COVER_MET, asset="weekly_roster", blocking=True),
        *quality.CHECK_SPECS,
    ],
    description="One CP-SAT solve per week (Monday to Sunday), with the previous weeks' roster as "
    "history and the fairness ledger's balances carried forward; written to the warehouse (roster "
    "assignments, solve runs, rule violations, fairness ledger, cover status), replacing the week's rows. "
    "A range of weeks (backfill) is solved in order in one run.",
)
def weekly_roster(
    context: dg.AssetExecutionContext,
    department: DepartmentSource,
    warehouse: WarehouseResource,
    solver: SolverSettings,
) -> dg.MaterializeResult:
    started = time.monotonic()
    pack = rule_pack(solver.rule_pack)
    settings = SolveSettings(
        time_limit=solver.time_limit,
        workers=solver.workers,
        seed=solver.seed,
        deterministic=solver.deterministic,
    )
    first = week_monday(solver.first_week or weekly_partitions.get_first_partition_key())
    wh = warehouse.open()
    wh.ensure_schema()
    plans, owners, planned, leave = [], [], {}, {}
    for name, weeks in by_department(context.partition_keys).items():
        tables = validated_tables(department, name)
        leave[name] = tables["leave"]
        planned[name] = []
        for week in weeks:
            lookahead = lookahead_for(week, first, solver.lookahead_weeks, solver.roster_period_weeks)
            plan = _plan(context, wh, name, tables, week, first, pack, settings, lookahead)
            plans.append(plan)
            owners.append(name)
            planned[name].append(week)
            if not plan.ok:
                break  # the check below fails the run; later weeks must not be planned on this one
    hard = sum(max(0, p.hard_violations) for p in plans)
    cover = pd.concat([p.frames["cover_status"] for p in plans if "cover_status" in p.frames])
    short = cover[cover["assigned"] < cover["min"]]
    solve_seconds = sum(float(p.result.seconds) for p in plans)
    summary = pd.DataFrame(
        [
            {
                "department": owner,
                "week": str(p.week_start),
                "status": p.result.status,
                "objective": p.result.objective,
                "bound": p.result.bound,
                "gap": None if p.result.gap is None else round(p.result.gap, 4),
                "seconds": round(float(p.result.seconds), 2),
                "hard": p.hard_violations,
            }
            for owner, p in zip(owners, plans, strict=True)
        ]
    )
    for owner, plan in zip(owners, plans, strict=True):  # each week's materialisation: its own solve
        context.add_asset_metadata(_week_metadata(plan), partition_key=partition_key(owner, plan.week_start))
    metadata = {
        "weeks": dg.MetadataValue.md(summary.to_markdown(index=False)),
        "range_solve_seconds": float(solve_seconds),
        "asset_seconds": float(time.monotonic() - started),
        "range_hard_violations": int(hard),
    }
    return dg.MaterializeResult(
        metadata=metadata,
        check_results=[
            dg.AssetCheckResult(
                check_name=NO_HARD_VIOLATIONS,
                passed=bool(hard == 0 and len(plans) == len(context.partition_keys)),
                metadata={
                    "hard_violations": int(hard),
                    "weeks_planned": len(plans),
                    "weeks": len(context.partition_keys),
                },
                description=None
                if hard == 0
                else "\n".join(
                    str(v.message) for p in plans if p.report for v in p.report.violations if v.hard
                )[:2000],
            ),
            dg.AssetCheckResult(
                check_name=COVER_MET,
                passed=bool(short.empty),
                metadata={
                    "demands": int(len(cover)),
                    "below_min": int(len(short)),
                    "below_target": int((cover["assigned"] < cover["target"]).sum()),
                },
            ),
            *quality.roster_checks(wh, {name: (weeks, leave[name]) for name, weeks in planned.items()}),
        ],
    )


def _week_metadata(plan) -> dict:
    """One planned week's solve as its materialisation's metadata (how to reproduce it, how good it is)."""
    row = plan.result.summary()
    return {
        "status": str(row["status"]),
        "objective": float(row["objective"] or 0.0),
        "bound": float(row["bound"] or 0.0),
        "gap": float(row["gap"] or 0.0),
        "solve_seconds": float(row["seconds"]),
        "seed": int(row["seed"]),
        "deterministic": bool(row["deterministic"]),
        "lookahead_weeks": int(plan.frames["solve_runs"]["lookahead_weeks"].iloc[0]),
        "input_hash": str(row["input_hash"]),
        "rule_pack": f"{row['rule_pack']} {row['rule_pack_version']}",
        "hard_violations": int(max(0, plan.hard_violations)),
        "dagster/row_count": int(len(plan.frames.get("roster_assignments", []))),
    }


def _plan(context, wh, name: str, tables, week: dt.date, first: dt.date, pack, settings, lookahead: int):
    """Plan one department's week on the weeks before it and store it (a Failure when no roster)."""
    history, ledger = _previous_week(context, wh, name, week, first)
    department = department_for_week(tables, week, history, ledger)
    start = lookahead_start(wh, name, week) if week > first else None
    plan = plan_week(department, pack, week, settings, context.run.run_id, lookahead, start)
    counts = wh.replace_week(name, week, plan.frames)
    context.log.info(
        f"{name} week {week}: {plan.result.status}, hard violations {plan.hard_violations}, rows {counts}"
    )
    if not plan.result.feasible:
        raise dg.Failure(
            f"{name} week {week}: no roster ({plan.result.status})",
            metadata={"diagnosis": dg.MetadataValue.md("\n".join(f"- {d}" for d in plan.result.diagnosis))},
        )
    return plan


# --------------------------------------------------------------------------- dashboard


@dg.asset(
    partitions_def=department_weeks,
    group_name="dashboards",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    # One week per run, and so the weekly job's backfill policy (its assets' smallest) is one week per
    # run: Dagster's job backfills of a multi-partitioned job in ranges copy the first key's dimension
    # tags (dagster/partition/department, .../week) onto every range run, and each run then plans that
    # one key (dagster-io/dagster#28861, open; seen here through the UI's launchPartitionBackfill).
    backfill_policy=dg.BackfillPolicy.multi_run(1),
    deps=[weekly_roster, "fairness_weekly", "fairness_cumulative", "fairness_spread_gini"],
    description="Managers' view of a week: per-registrar and cumulative fairness, the week's calendar "
    "grid, and plotted numbers (spread, Gini, request satisfaction, hard violations, gap).",
)
def fairness_dashboard(
    context: dg.AssetExecutionContext, department: DepartmentSource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    name, week = department_week(context.partition_key)
    registrars = validated_tables(department, name)["registrars"]
    names = dict(zip(registrars["registrar_id"].astype(str), registrars["name"].astype(str), strict=True))
    return dg.MaterializeResult(metadata=dashboard.week_metadata(warehouse.open(), name, week, names))
