"""Plan one roster week with history carried over from earlier weeks (no Dagster imports).

The Dagster asset `weekly_roster` is a thin wrapper: it reads the previous weeks from the warehouse,
calls `department_for_week` and `plan_week`, and writes `WeekPlan.frames` back in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from roster_pipeline.core.domain import Department, Horizon, as_date
from roster_pipeline.core.export import roster_frame
from roster_pipeline.core.rules import RulePack
from roster_pipeline.solver import SolveResult, SolveSettings, solve
from roster_pipeline.validator import ValidationReport, validate_roster

HISTORY_DAYS = 14  # rest, runs and weekends look back at most a fortnight
MEASURES = ("nights", "weekends", "public_holidays", "hours")
TOTALS_COLUMNS = ["registrar_id", *MEASURES, *(f"{m}_balance" for m in MEASURES)]


def week_monday(key: str | dt.date) -> dt.date:
    day = as_date(key)
    if day.weekday() != 0:
        raise ValueError(f"{day} is not a Monday: roster weeks start on Monday")
    return day


def lookahead_for(
    week_start: dt.date, first_week: dt.date, lookahead_weeks: int, roster_period_weeks: int
) -> int:
    """Weeks solved after `week_start`. With roster periods of `roster_period_weeks` weeks counted
    from `first_week`, the weeks to the end of the week's period, so that the last solve of a
    period ends where the period is judged and fairness is balanced there (its bands hold at the
    period's end, not a week beyond it); else the fixed `lookahead_weeks`."""
    if roster_period_weeks <= 0:
        return lookahead_weeks
    index = (week_start - first_week).days // 7
    return roster_period_weeks - 1 - index % roster_period_weeks


def department_for_week(
    tables: dict[str, pd.DataFrame],
    week_start: dt.date,
    previous_assignments: pd.DataFrame | None = None,
    previous_ledger: pd.DataFrame | None = None,
) -> Department:
    """A new Department for the week: the source tables, plus `history` (the last 14 days, from the
    source history and the warehouse's earlier weeks) and `history_totals` (cumulative counts and
    fairness balances from the ledger's previous week, else the source's). Source frames are not
    modified."""
    out = dict(tables)
    first = week_start - dt.timedelta(days=HISTORY_DAYS)
    source = tables.get("history", pd.DataFrame(columns=["registrar_id", "date", "shift"]))
    rows = [
        (str(r), as_date(d), str(s))
        for r, d, s in source[["registrar_id", "date", "shift"]].itertuples(False)
    ]
    history = pd.DataFrame(rows, columns=["registrar_id", "date", "shift"])
    if previous_assignments is not None and not previous_assignments.empty:
        earlier = previous_assignments[["registrar_id", "date", "shift"]].assign(
            date=[as_date(d) for d in previous_assignments["date"]]
        )
        covered = set(earlier["date"])
        history = pd.concat([history[~history["date"].isin(covered)], earlier], ignore_index=True)
    history = history[(history["date"] >= first) & (history["date"] < week_start)]
    out["history"] = _in_key_order(history, ["date", "registrar_id", "shift"])
    if previous_ledger is not None and not previous_ledger.empty:
        totals = previous_ledger.drop(columns=list(MEASURES), errors="ignore").rename(
            columns={f"cum_{m}": m for m in MEASURES}
        )
        out["history_totals"] = _in_key_order(totals.reindex(columns=TOTALS_COLUMNS), ["registrar_id"])
    return Department(tables=out)


def earlier_weeks(wh: Any, department: str, week_start: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The department's stored assignments of the 14 days before the week and the previous week's
    fairness ledger, from the warehouse, in key order."""
    history = wh.query(
        "SELECT registrar_id, date, shift FROM roster_assignments "
        "WHERE department = ? AND date >= ? AND date < ? ORDER BY date, registrar_id",
        [department, week_start - dt.timedelta(days=HISTORY_DAYS), week_start],
    )
    ledger = wh.query(
        "SELECT * FROM fairness_ledger WHERE department = ? AND week_start = ? ORDER BY registrar_id",
        [department, week_start - dt.timedelta(days=7)],
    )
    return history, ledger


def lookahead_start(wh: Any, department: str, week_start: dt.date) -> pd.DataFrame | None:
    """The roster the previous week's lookahead solve found for this week onwards (its
    `lookahead_assignments`), in key order; None when it stored none."""
    rows = wh.query(
        "SELECT registrar_id, date, shift FROM lookahead_assignments WHERE department = ? AND week_start = ?",
        [department, week_start - dt.timedelta(days=7)],
    )
    return None if rows.empty else _in_key_order(rows, ["date", "registrar_id", "shift"])


def _in_key_order(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Rows in the order of their key, whatever order the warehouse returned them in: a table read
    back after a re-run may come in another physical order, and the week's input hash (and the
    model built from it) must not depend on that."""
    return frame.sort_values(key, kind="stable").reset_index(drop=True)


@dataclass
class WeekPlan:
    """One solved and independently validated week, as warehouse frames."""

    week_start: dt.date
    result: SolveResult
    report: ValidationReport | None
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def hard_violations(self) -> int:
        return -1 if self.report is None else int(self.report.hard_violations)

    @property
    def ok(self) -> bool:
        return self.result.feasible and self.report is not None and self.report.hard_violations == 0


def plan_week(
    department: Department,
    pack: RulePack,
    week_start: dt.date,
    settings: SolveSettings,
    run_id: str = "",
    lookahead_weeks: int = 0,
    start: pd.DataFrame | None = None,
) -> WeekPlan:
    """Solve one week, validate it with the independent validator and build the warehouse rows.

    With `lookahead_weeks`, the week is solved together with the weeks after it (their cover, leave
    and requests shape this week's choices: a run or a weekend that would leave next week no legal
    roster is not chosen) and only the week is kept. Each week is held to the hours, contract and
    weekend limits it is judged by on its own. When the longer solve finds no roster, the week is
    solved alone. `start` (the week before's `lookahead_assignments`) is improved when it holds every hard
    rule, instead of searching for a first roster.
    """
    week = Horizon(week_start, 1)
    result, used, later = None, 0, None
    if lookahead_weeks > 0:
        longer = Horizon(week_start, 1 + lookahead_weeks)
        ahead = solve(department, pack, longer, replace(settings, period_weeks=1), start)
        if ahead.feasible:
            result = replace(ahead, assignments=_within(ahead.assignments, week))
            used = lookahead_weeks
            later = _within(ahead.assignments, Horizon(week_start + dt.timedelta(days=7), lookahead_weeks))
    if result is None:
        result = solve(department, pack, week, settings, start)
    report = validate_roster(department, pack, week, result.assignments) if result.feasible else None
    frames: dict[str, pd.DataFrame] = {}
    if report is not None:
        assignments = result.assignments[["registrar_id", "date", "shift"]]
        frames["roster_assignments"] = _assignment_rows(department, assignments)
        frames["rule_violations"] = report.to_frame()
        frames["fairness_ledger"] = ledger_rows(department, pack, week, frames["roster_assignments"], report)
        frames["cover_status"] = cover_rows(department, week, frames["roster_assignments"])
        if later is not None:
            frames["lookahead_assignments"] = later[["registrar_id", "date", "shift"]].assign(
                date=[as_date(d) for d in later["date"]]
            )
    frames["solve_runs"] = pd.DataFrame([_solve_row(result, report, run_id, used)])
    return WeekPlan(week_start, result, report, frames)


def _within(assignments: pd.DataFrame, horizon: Horizon) -> pd.DataFrame:
    """The assignments on the horizon's days."""
    days = [as_date(d) in horizon for d in assignments["date"]]
    return assignments[days].reset_index(drop=True)


def _assignment_rows(department: Department, assignments: pd.DataFrame) -> pd.DataFrame:
    frame = roster_frame(department, assignments)
    minutes = {code: s.minutes for code, s in department.shift_types.items()}
    return pd.DataFrame(
        {
            "registrar_id": frame["registrar_id"],
            "date": [as_date(d) for d in frame["date"]],
            "shift": frame["shift"],
            "site": frame["site"],
            "start_at": pd.to_datetime(frame["start"]),
            "end_at": pd.to_datetime(frame["end"]),
            "hours": [minutes[c] / 60 for c in frame["shift"]],
        }
    )


def _solve_row(
    result: SolveResult, report: ValidationReport | None, run_id: str, lookahead_weeks: int
) -> dict[str, Any]:
    return {
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "seconds": float(result.seconds),
        "seed": int(result.settings.seed),
        "workers": int(result.settings.workers),
        "time_limit": float(result.settings.time_limit),
        "deterministic": bool(result.settings.deterministic),
        "lookahead_weeks": int(lookahead_weeks),  # the weeks solved after this one (0: alone)
        "input_hash": result.input_hash,
        "rule_pack": result.rule_pack,
        "rule_pack_version": result.rule_pack_version,
        "hard_violations": None if report is None else int(report.hard_violations),
        "soft_penalty": None if report is None else int(report.soft_penalty),
        "requests_total": None if report is None else int(report.requests_total),
        "requests_honoured": None if report is None else int(report.requests_honoured),
        "diagnosis": "\n".join(result.diagnosis),
        "run_id": run_id,
    }


def _counts(department: Department, horizon: Horizon, rows: pd.DataFrame, rid: str) -> dict[str, float]:
    mine = rows[rows["registrar_id"] == rid]
    kinds = {code: s.kind for code, s in department.shift_types.items()}
    weekends = {d - dt.timedelta(days=d.weekday() - 5) for d in mine["date"] if d.weekday() >= 5}
    return {
        "nights": sum(1 for c in mine["shift"] if kinds[c] == "night"),
        "weekends": len(weekends),
        "public_holidays": sum(1 for d in mine["date"] if d in department.public_holidays),
        "hours": float(mine["hours"].sum()),
    }


def ledger_rows(
    department: Department, pack: RulePack, horizon: Horizon, rows: pd.DataFrame, report: ValidationReport
) -> pd.DataFrame:
    """Per registrar: this week's counts, cumulative counts and fairness balances after the week.

    A balance is the validator's deviation (actual minus FTE- and availability-fair share, counting
    earlier balances) in nights, weekends, holidays or hours, so it feeds next week's history_totals
    exactly. A measure without a fairness rule in the pack keeps its earlier balance.
    """
    by_measure = {result.measure: result for result in report.fairness.values()}
    leave = department.leave_days("approved")
    out = []
    for rid, reg in sorted(department.registrars.items()):
        counts = _counts(department, horizon, rows, rid)
        row: dict[str, Any] = {
            "registrar_id": rid,
            "fte": float(reg.fte),
            "available_days": sum(1 for d in horizon.days if d not in leave.get(rid, set())),
            **counts,
        }
        for m in MEASURES:
            row[f"cum_{m}"] = department.history_total(rid, m) + counts[m]
            result = by_measure.get(m)
            if result is not None and rid in result.deviations:
                scale = 60 if m == "hours" else 1
                row[f"{m}_balance"] = round(result.deviations[rid] / 1000 / scale, 6)
            else:
                row[f"{m}_balance"] = department.history_total(rid, f"{m}_balance")
        out.append(row)
    return pd.DataFrame(out)


def cover_rows(department: Department, horizon: Horizon, rows: pd.DataFrame) -> pd.DataFrame:
    """Each resolved cover demand of the week with the number of registrars assigned to it."""
    regs = department.registrars
    shifts = department.shift_types
    on = rows.groupby(["date", "shift"])["registrar_id"].apply(list).to_dict()
    out = []
    for demand in department.cover_demands(horizon):
        people = on.get((demand.date, demand.shift), [])
        if demand.skill is not None:
            people = [p for p in people if demand.skill in regs[p].skills]
        out.append(
            {
                "date": demand.date,
                "shift": demand.shift,
                "site": shifts[demand.shift].site,
                "skill": demand.skill,
                "min": demand.min,
                "target": demand.target,
                "max": demand.max,
                "assigned": len(people),
            }
        )
    return pd.DataFrame(out)
