"""Great Expectations suites (`data_contracts.suites`) on what the weekly solve stored, as blocking
asset checks of `weekly_roster`: the rows are read back from the warehouse, so the checks judge
what downstream models and dashboards will read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import dagster as dg
import pandas as pd

from data_contracts.suites import SuiteOutcome, fairness_suite, leave_clashes, roster_week_suite, validate
from roster_pipeline.core.warehouse import Warehouse

GX_ROSTER_WEEK = "gx_roster_week"
GX_FAIRNESS_LEDGER = "gx_fairness_ledger"
CHECK_SPECS = [
    dg.AssetCheckSpec(
        GX_ROSTER_WEEK,
        asset="weekly_roster",
        blocking=True,
        description="Great Expectations: assignments unique per registrar, date and shift; one shift a "
        "day; every date inside its week; none on approved leave; times present; shift lengths sane.",
    ),
    dg.AssetCheckSpec(
        GX_FAIRNESS_LEDGER,
        asset="weekly_roster",
        blocking=True,
        description="Great Expectations: one ledger row per registrar and week, FTE, counts, hours and "
        "running totals in range, balances defined.",
    ),
]


def _per_week(
    weeks: list[dt.date], read: Callable[[dt.date], pd.DataFrame], suite: Callable[[dt.date], list], name: str
) -> list[SuiteOutcome]:
    return [validate(name, read(week), suite(week)) for week in weeks]


def _result(check: str, outcomes: list[SuiteOutcome], weeks: list[dt.date]) -> dg.AssetCheckResult:
    failed = [(week, o) for week, o in zip(weeks, outcomes, strict=True) if not o.passed]
    shown = failed[0] if failed else (weeks[-1], outcomes[-1])
    return dg.AssetCheckResult(
        check_name=check,
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "weeks": ", ".join(str(w) for w in weeks),
            "rows": sum(o.rows for o in outcomes),
            "expectations": sum(len(o.outcomes) for o in outcomes),
            "failed_expectations": sum(len(o.failed) for o in outcomes),
            "failed_weeks": ", ".join(str(w) for w, _ in failed) or "none",
            f"week {shown[0]}": dg.MetadataValue.md(shown[1].table().to_markdown(index=False)),
        },
    )


def roster_checks(wh: Warehouse, weeks: list[dt.date], leave: pd.DataFrame) -> list[dg.AssetCheckResult]:
    """The two suites over the stored weeks (one result each, naming the weeks that failed)."""

    def assignments(week: dt.date) -> pd.DataFrame:
        rows = wh.query("SELECT * FROM roster_assignments WHERE week_start = ?", [week])
        return rows.assign(leave_clash=leave_clashes(rows, leave))

    def ledger(week: dt.date) -> pd.DataFrame:
        return wh.query("SELECT * FROM fairness_ledger WHERE week_start = ?", [week])

    return [
        _result(GX_ROSTER_WEEK, _per_week(weeks, assignments, roster_week_suite, "roster_week"), weeks),
        _result(GX_FAIRNESS_LEDGER, _per_week(weeks, ledger, fairness_suite, "fairness_ledger"), weeks),
    ]
