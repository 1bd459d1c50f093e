"""Asset checks on the warehouse models, run inline in the `sql_models` step (fewer steps, less
per-run overhead). The per-week checks `no_hard_violations` and `cover_met` are inline in
`weekly_roster`; the department's `contracts_hold` is inline in `ingest_department`."""

from __future__ import annotations

from collections.abc import Callable

import dagster as dg

from roster_pipeline.core.warehouse import Warehouse


def no_cover_below_minimum(wh: Warehouse) -> dg.AssetCheckResult:
    """No cover demand below its minimum in any planned week (targets may be missed)."""
    below = wh.query(
        "SELECT department, week_start, date, site, shift, skill, min, assigned FROM cover_shortfalls "
        "WHERE below_min > 0"
    )
    table = below.head(20).astype(str).to_markdown(index=False) if len(below) else "-"
    return dg.AssetCheckResult(
        passed=bool(below.empty),
        metadata={"demands_below_min": int(len(below)), "first": dg.MetadataValue.md(table)},
    )


def every_week_valid(wh: Warehouse) -> dg.AssetCheckResult:
    """Every solved week in the warehouse is a valid roster (feasible, 0 hard violations), so no
    later week was planned on a broken one."""
    bad = wh.query(
        "SELECT department, week_start, status, hard_violations FROM solve_runs "
        "WHERE status NOT IN ('OPTIMAL', 'FEASIBLE') OR coalesce(hard_violations, 1) <> 0 "
        "ORDER BY department, week_start"
    )
    weeks = ", ".join(f"{d} {w}" for d, w in zip(bad["department"], bad["week_start"], strict=True)) or "-"
    return dg.AssetCheckResult(
        passed=bool(bad.empty), metadata={"invalid_weeks": dg.MetadataValue.text(weeks)}
    )


# (model asset, check name) -> check function
MODEL_CHECKS: dict[tuple[str, str], Callable[[Warehouse], dg.AssetCheckResult]] = {
    ("cover_shortfalls", "no_cover_below_minimum"): no_cover_below_minimum,
    ("request_satisfaction", "every_week_valid"): every_week_valid,
}
