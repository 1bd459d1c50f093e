"""The roster use case: solve a department's roster and judge it with the independent validator.

`roster solve` calls it; the weekly Dagster solve (`planning.weekly.plan_week`) does the same per week.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from roster_pipeline.core.domain import Department, Horizon, as_date
from roster_pipeline.core.rules import RulePack
from roster_pipeline.solver import SolveResult, SolveSettings, solve
from roster_pipeline.validator import ValidationReport, validate_roster


@dataclass
class RosterPlan:
    """A solve and, when it found a roster, the validator's report on it."""

    result: SolveResult
    report: ValidationReport | None


def plan_roster(
    department: Department, pack: RulePack, horizon: Horizon, settings: SolveSettings
) -> RosterPlan:
    """Solve, then validate the roster (if any) independently of the solver."""
    result = solve(department, pack, horizon, settings)
    report = validate_roster(department, pack, horizon, result.assignments) if result.feasible else None
    return RosterPlan(result, report)


def pct(part: int, whole: int) -> float | None:
    return None if not whole else round(100.0 * part / whole, 2)


def soft_summary(report: ValidationReport) -> dict:
    """Per soft rule: violation units and penalty, as the independent validator counts them."""
    return {
        rule_id: {"units": int(report.units_by_rule.get(rule_id, 0)), "penalty": int(penalty)}
        for rule_id, penalty in report.penalty_by_rule.items()
    }


def report_summary(report: ValidationReport) -> dict[str, Any]:
    """The validator's headline figures: hard violations, soft penalty, requests, fairness spreads."""
    return {
        "hard_violations": int(report.hard_violations),
        "soft_penalty": int(report.soft_penalty),
        "requests_honoured_pct": pct(report.requests_honoured, report.requests_total),
        "fairness_spread": {k: round(float(v), 3) for k, v in report.fairness_spreads.items()},
    }


def plan_summary(plan: RosterPlan) -> dict[str, Any]:
    """The solve's reproducible summary with the validator's figures and per-rule soft summary."""
    summary = plan.result.summary()
    if plan.report is not None:
        summary.update(report_summary(plan.report))
        summary["soft"] = soft_summary(plan.report)
    return summary


def horizon_for(roster: pd.DataFrame, start: dt.date | None, weeks: int | None) -> Horizon:
    """The horizon a roster covers: from `start` (default its first date) for `weeks` (default: to
    its last date, in whole weeks)."""
    dates = sorted(as_date(d) for d in roster["date"])
    first = start or (dates[0] if dates else dt.date.today())
    if weeks is None:
        span = (dates[-1] - first).days + 1 if dates else 7
        weeks = max(1, math.ceil(span / 7))
    return Horizon(start=first, weeks=weeks)
