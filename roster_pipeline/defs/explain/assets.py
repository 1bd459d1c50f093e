"""Digest assets, partitioned like what they explain: a weekly manager digest and per-registrar
notices (written to `digests`, `llm_calls`), and a job-line digest per clinical year (written to
`jobline_digests`, `jobline_llm_calls`), all shown as markdown in the Dagster UI. Claude writes
when ANTHROPIC_API_KEY is set; otherwise, or when the API fails, the labelled template digest gives
the same facts. The language model never fails the pipeline."""

import datetime as dt
import json
from dataclasses import asdict
from typing import Any

import dagster as dg
import pandas as pd

from roster_pipeline.core.domain import Horizon
from roster_pipeline.defs.common.inputs import rule_pack, validated_tables
from roster_pipeline.defs.common.partitions import SINGLE_RUN, by_department, clinical_years, department_weeks
from roster_pipeline.defs.common.pools import WAREHOUSE_POOL
from roster_pipeline.defs.common.resources import DepartmentSource, SolverSettings, WarehouseResource
from roster_pipeline.defs.explain.resources import ClaudeResource
from roster_pipeline.explain.claude import CallRecord, ClaudeClient
from roster_pipeline.explain.digests import manager_digest, registrar_notice
from roster_pipeline.explain.facts import RosterContext, normalise_assignments
from roster_pipeline.explain.jobline_digest import CatalogueMismatch, load_catalogue
from roster_pipeline.explain.jobline_digest import jobline_digest as compose_jobline_digest
from roster_pipeline.planning.weekly import department_for_week, earlier_weeks

DIGEST_COLUMNS = [
    ("source", "VARCHAR"),
    ("model", "VARCHAR"),
    ("markdown", "VARCHAR"),
    ("facts_json", "VARCHAR"),
    ("created_at", "TIMESTAMP"),
]
CALL_COLUMNS = [
    ("called_at", "VARCHAR"),
    ("purpose", "VARCHAR"),
    ("model", "VARCHAR"),
    ("prompt_sha256", "VARCHAR"),
    ("input_tokens", "INTEGER"),
    ("output_tokens", "INTEGER"),
    ("seconds", "DOUBLE"),
    ("stop_reason", "VARCHAR"),
    ("error", "VARCHAR"),
]
# Weekly digests, keyed by department, week_start and kind; job-line digests, keyed by clinical_year and kind.
DIGEST_TABLES: dict[str, list[tuple[str, str]]] = {
    "digests": [
        ("department", "VARCHAR"),
        ("week_start", "DATE"),
        ("kind", "VARCHAR"),
        ("registrar_id", "VARCHAR"),
        *DIGEST_COLUMNS,
    ],
    "llm_calls": [("department", "VARCHAR"), ("week_start", "DATE"), ("kind", "VARCHAR"), *CALL_COLUMNS],
}
JOBLINE_DIGEST_TABLES: dict[str, list[tuple[str, str]]] = {
    "jobline_digests": [
        ("clinical_year", "VARCHAR"),
        ("kind", "VARCHAR"),
        ("line_id", "VARCHAR"),
        *DIGEST_COLUMNS,
    ],
    "jobline_llm_calls": [("clinical_year", "VARCHAR"), ("kind", "VARCHAR"), *CALL_COLUMNS],
}


def write_digest_rows(
    wh: Any, department: str, week: dt.date, kind: str, digests: pd.DataFrame, calls: list[CallRecord]
) -> None:
    """Replace the department week's rows of `kind` in `digests` and `llm_calls` (idempotent re-runs)."""
    key = {"department": department, "week_start": week, "kind": kind}
    replace_digest_rows(wh, key, digests, calls, DIGEST_TABLES)


def replace_digest_rows(
    wh: Any,
    key: dict[str, Any],
    digests: pd.DataFrame,
    calls: list[CallRecord],
    schema: dict[str, list[tuple[str, str]]],
) -> None:
    """Replace the rows matching `key` in the digest table and the calls table of `schema` (its two
    tables, in that order), in one transaction."""
    calls_frame = pd.DataFrame([asdict(c) for c in calls])
    frames = {
        table: frame if not frame.empty else pd.DataFrame(columns=[c for c, _ in schema[table]])
        for table, frame in zip(schema, (digests, calls_frame), strict=True)
    }
    wh.replace_rows(key, frames, schema=schema)


def digest_metadata(shown: list[Any], client: ClaudeClient, name: str = "digest") -> dict[str, Any]:
    """Asset metadata: the digests' markdown, their sources, and the model calls and tokens."""
    return {
        name: dg.MetadataValue.md("\n\n".join(d.markdown for d in shown)),
        "source": ", ".join(sorted({d.source for d in shown})),
        "llm_calls": len(client.records),
        "tokens": sum(r.input_tokens + r.output_tokens for r in client.records),
    }


def week_context(source: DepartmentSource, wh: Any, solver: SolverSettings, name: str, week: dt.date):
    """A department's week as the weekly solve saw it: source tables, history and fairness ledger
    from the warehouse, and the week's assignments."""
    history, ledger = earlier_weeks(wh, name, week)
    assignments = wh.query(
        "SELECT registrar_id, date, shift FROM roster_assignments WHERE department = ? AND week_start = ?",
        [name, week],
    )
    if assignments.empty:
        raise dg.Failure(
            f"no roster in the warehouse for {name} week {week}: materialise weekly_roster first"
        )
    dept = department_for_week(validated_tables(source, name), week, history, ledger)
    pack = rule_pack(solver.rule_pack)
    return RosterContext(dept, pack, Horizon(week, 1), normalise_assignments(assignments))


def _previous_facts(wh: Any, name: str, week: dt.date) -> dict[str, Any] | None:
    if "digests" not in wh.table_names():
        return None
    previous = week - dt.timedelta(days=7)
    rows = wh.query(
        "SELECT facts_json FROM digests WHERE department = ? AND week_start = ? AND kind = 'manager'",
        [name, previous],
    )
    return json.loads(rows["facts_json"].iloc[0]) if len(rows) else None


def _rows(digests: list[Any], model: str, sub_key: str = "registrar_id") -> pd.DataFrame:
    """Digest rows; `sub_key` holds the part of a digest's key after "/" (registrar or line id)."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return pd.DataFrame(
        [
            {
                sub_key: d.key.split("/")[1] if "/" in d.key else None,
                "source": d.source,
                "model": model if d.source == "claude" else "",
                "markdown": d.markdown,
                "facts_json": json.dumps(d.facts, default=str),
                "created_at": now,
            }
            for d in digests
        ]
    )


# What the weekly digest assets share: one run per backfill, after the week's roster.
WEEKLY_DIGEST_ASSET: dict[str, Any] = {
    "partitions_def": department_weeks,
    "group_name": "explanations",
    "deps": ["weekly_roster"],
    "kinds": {"duckdb"},
    "pool": WAREHOUSE_POOL,
    "backfill_policy": SINGLE_RUN,
}


def _per_week(
    context: dg.AssetExecutionContext,
    department: DepartmentSource,
    warehouse: WarehouseResource,
    solver: SolverSettings,
    claude: ClaudeResource,
    kind: str,
    compose: Any,
) -> tuple[list[tuple[dt.date, list[Any]]], ClaudeClient]:
    """Compose and write the digests of every week of the run, in order (a backfill is one run);
    returns (week, digests) pairs and the client whose records were written with them."""
    wh = warehouse.open()
    client = claude.client()
    out = []
    for name, weeks in by_department(context.partition_keys).items():
        for week in weeks:
            ctx = week_context(department, wh, solver, name, week)
            before = len(client.records)
            digests = compose(ctx, wh, name, week, client)
            write_digest_rows(wh, name, week, kind, _rows(digests, client.model), client.records[before:])
            out.append((week, digests))
    return out, client


@dg.asset(
    **WEEKLY_DIGEST_ASSET,
    description="The week's manager digest: cover, fairness, changes from last week, fatigue-risk hot "
    "spots and hard-rule status. Written by Claude from computed facts, or a labelled template.",
)
def weekly_manager_digest(
    context: dg.AssetExecutionContext,
    department: DepartmentSource,
    warehouse: WarehouseResource,
    solver: SolverSettings,
    claude: ClaudeResource,
) -> dg.MaterializeResult:
    def compose(ctx: Any, wh: Any, name: str, week: dt.date, client: ClaudeClient) -> list[Any]:
        return [manager_digest(ctx, client=client, previous=_previous_facts(wh, name, week))]

    by_week, client = _per_week(context, department, warehouse, solver, claude, "manager", compose)
    shown = [digest for _, digests in by_week for digest in digests]
    return dg.MaterializeResult(metadata=digest_metadata(shown, client))


@dg.asset(
    **WEEKLY_DIGEST_ASSET,
    description="One notice per registrar: their shifts, fairness position, and which of their "
    "requests were met or not and why. A notice holds only that registrar's own private data.",
)
def registrar_notices(
    context: dg.AssetExecutionContext,
    department: DepartmentSource,
    warehouse: WarehouseResource,
    solver: SolverSettings,
    claude: ClaudeResource,
) -> dg.MaterializeResult:
    def compose(ctx: Any, wh: Any, name: str, week: dt.date, client: ClaudeClient) -> list[Any]:
        return [registrar_notice(ctx, rid, client=client) for rid in sorted(ctx.department.registrars)]

    by_week, client = _per_week(context, department, warehouse, solver, claude, "registrar", compose)
    lines = [
        f"- {week} {n.key.split('/')[1]}: {len(n.facts['shifts'])} shifts, "
        f"{sum(not r['honoured'] for r in n.facts['requests'])} requests not met ({n.source})"
        for week, notices in by_week
        for n in notices
    ]
    return dg.MaterializeResult(
        metadata={
            "notices": dg.MetadataValue.md("\n".join(lines) or "no registrars"),
            "count": len(lines),
            "llm_calls": len(client.records),
        }
    )


class JoblineDigestConfig(dg.Config):
    """`catalogue`: the rotation catalogue the lines were generated from ("sample" or a CSV path, the
    planning request's `catalogue`); it gives the categories each rotation provides."""

    catalogue: str = "sample"


def year_tables(wh: Any, year: str) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The clinical year's job lines, compliance rows and metrics row from the warehouse."""
    names = set(wh.table_names())
    missing = {"joblines_lines", "joblines_compliance", "joblines_metrics"} - names
    if missing:
        raise dg.Failure(
            f"no job lines in the warehouse ({', '.join(sorted(missing))}): materialise joblines first"
        )
    frames = [
        wh.query(f"SELECT * FROM joblines_{name} WHERE clinical_year = ?", [year])
        for name in ("lines", "compliance", "metrics")
    ]
    if frames[2].empty:
        raise dg.Failure(
            f"no job lines in the warehouse for clinical year {year}: materialise joblines first"
        )
    return frames[0], frames[1], frames[2].iloc[0].to_dict()


@dg.asset(
    partitions_def=clinical_years,
    group_name="joblines",  # yearly: runs in joblines_job, after the lines it explains
    deps=[dg.AssetKey(["joblines", name]) for name in ("lines", "compliance", "metrics")],
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    description="The clinical year's job-line digest: per line, its rotations, its category coverage and "
    "why it is compliant (the independent checker's value against limit for every rule). An overview "
    "by Claude from pseudonymised facts, or a labelled template.",
)
def jobline_digest(
    context: dg.AssetExecutionContext,
    config: JoblineDigestConfig,
    warehouse: WarehouseResource,
    claude: ClaudeResource,
) -> dg.MaterializeResult:
    year = context.partition_key
    wh = warehouse.open()
    client = claude.client()
    lines, compliance, metrics = year_tables(wh, year)
    try:
        digests = compose_jobline_digest(
            year, lines, compliance, metrics, load_catalogue(config.catalogue), client
        )
    except CatalogueMismatch as err:
        raise dg.Failure(str(err)) from err
    rows = _rows(digests, client.model, sub_key="line_id")
    replace_digest_rows(
        wh, {"clinical_year": year, "kind": "jobline"}, rows, client.records, JOBLINE_DIGEST_TABLES
    )
    facts = digests[0].facts
    return dg.MaterializeResult(
        metadata={
            **digest_metadata(digests[:1], client),
            "status": facts["status"],
            "lines": facts["lines"],
            "compliant_lines": facts["compliant_lines"],
        }
    )
