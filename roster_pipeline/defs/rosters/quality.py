"""Great Expectations suites (`data_contracts.suites`) on what the weekly solve stored, as blocking
asset checks of `weekly_roster`: the rows are read back from the warehouse, so the checks judge
what downstream models and dashboards will read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

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


def _result(check: str, outcomes: list[tuple[str, SuiteOutcome]]) -> dg.AssetCheckResult:
    """One check result over (label, outcome) pairs, naming the department weeks that failed."""
    failed = [(label, o) for label, o in outcomes if not o.passed]
    shown = failed[0] if failed else outcomes[-1]
    return dg.AssetCheckResult(
        check_name=check,
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "weeks": ", ".join(label for label, _ in outcomes),
            "rows": sum(o.rows for _, o in outcomes),
            "expectations": sum(len(o.outcomes) for _, o in outcomes),
            "failed_expectations": sum(len(o.failed) for _, o in outcomes),
            "failed_weeks": ", ".join(label for label, _ in failed) or "none",
            shown[0]: dg.MetadataValue.md(shown[1].table().to_markdown(index=False)),
        },
    )


def roster_checks(
    wh: Warehouse, planned: Mapping[str, tuple[list[dt.date], pd.DataFrame]]
) -> list[dg.AssetCheckResult]:
    """The two suites over each department's stored weeks (`planned`: department -> (weeks, its
    leave table)); one result per suite, naming the department weeks that failed."""
    key = "WHERE department = ? AND week_start = ?"
    roster, ledger = [], []
    for department, (weeks, leave) in planned.items():
        for week in weeks:
            label = f"{department} {week}"
            rows = wh.query(f"SELECT * FROM roster_assignments {key}", [department, week])
            rows = rows.assign(leave_clash=leave_clashes(rows, leave))
            roster.append((label, validate("roster_week", rows, roster_week_suite(week))))
            figures = wh.query(f"SELECT * FROM fairness_ledger {key}", [department, week])
            ledger.append((label, validate("fairness_ledger", figures, fairness_suite(week))))
    return [_result(GX_ROSTER_WEEK, roster), _result(GX_FAIRNESS_LEDGER, ledger)]
