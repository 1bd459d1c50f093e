"""Demand versus capacity of a department, re-derived from its tables alone (no solver)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from roster_pipeline.core.domain import (
    CoverDemand,
    Department,
    Horizon,
    ShiftType,
    as_date,
    is_blank,
    parse_hhmm,
)

MAX_SHIFTS_PER_FORTNIGHT = 10  # au-vic: >= 4 days off per 14
NIGHTS_PER_SIX_DAYS = 4  # blocks of <= 4 nights, then recovery days
CONTRACT_MAX_FRACTION = 1.15
CONTRACT_MIN_FRACTION = 0.7


def _training_windows(dept: Department) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    """Protected windows per registrar, with groups (grade, skill or ALL) expanded."""
    out: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    for row in dept.table("training").itertuples(index=False):
        protected = ShiftType("training", "", parse_hhmm(row.start), parse_hhmm(row.end), "day", ())
        window = protected.interval(as_date(row.date))
        for reg in dept.registrars.values():
            if is_blank(row.registrar_id):
                group = str(row.group)
                if group not in ("ALL", reg.grade) and group not in reg.skills:
                    continue
            elif str(row.registrar_id) != reg.registrar_id:
                continue
            out.setdefault(reg.registrar_id, []).append(window)
    return out


def _can_work(windows: list[tuple[dt.datetime, dt.datetime]], shift: ShiftType, day: dt.date) -> bool:
    start, end = shift.interval(day)
    return not any(start < w_end and w_start < end for w_start, w_end in windows)


def _infer_start(dept: Department) -> dt.date:
    history = dept.table("history")
    if history.empty:
        raise ValueError("cannot infer the horizon start without history; pass start=")
    return max(as_date(d) for d in history["date"]) + dt.timedelta(days=1)


@dataclass(frozen=True)
class _Capacity:
    """What capacity_report needs about a department over one horizon."""

    dept: Department
    horizon: Horizon
    available: dict[str, frozenset[dt.date]]  # horizon days without approved leave
    windows: dict[str, list[tuple[dt.datetime, dt.datetime]]]

    def hours(self, rid: str) -> float:
        """Contracted hours over the registrar's available days."""
        return self.dept.registrars[rid].contract_hours * len(self.available[rid]) / 7

    def demand_hours(self, demand: CoverDemand, column: str) -> float:
        return getattr(demand, column) * self.dept.shift_types[demand.shift].minutes / 60


def capacity_report(
    tables: dict[str, pd.DataFrame], start: dt.date | None = None, weeks: int = 4
) -> dict[str, Any]:
    """Demand versus capacity, from the tables alone (start defaults to the day after the history).

    Checks, each listed under `problems` when it fails:
    * totals: minimum cover hours <= 1.15 x available contract hours, and 0.7 x available <= maximum cover;
    * per site: minimum cover hours <= 85 % of the hours of registrars allowed there (shared registrars
      split evenly between their sites);
    * per (site, shift, skill): minimum shifts <= 60 % of the eligible pool's capacity for that shift
      alone (10 shifts per 14 days, contract band, <= 4 nights per 6 days, 1 weekend in 2);
    * per date: every demand has at least min + 1 eligible registrars available (leave, training).
    """
    dept = Department(tables)
    horizon = Horizon(start or _infer_start(dept), weeks)
    approved = dept.leave_days("approved")
    available = {
        rid: frozenset(d for d in horizon.days if d not in approved.get(rid, set()))
        for rid in dept.registrars
    }
    ctx = _Capacity(dept, horizon, available, _training_windows(dept))
    demands = dept.cover_demands(horizon)
    problems: list[str] = []
    report = {
        "horizon": {"start": horizon.start.isoformat(), "days": len(horizon.days)},
        "totals": _total_load(ctx, demands, problems),
        "sites": _site_loads(ctx, demands, problems),
        "shifts": _shift_loads(ctx, demands, problems),
    }
    return {**report, "problems": problems, "ok": not problems}


def _total_load(ctx: _Capacity, demands: list[CoverDemand], problems: list[str]) -> dict[str, float]:
    heads = [d for d in demands if d.skill is None]
    available = sum(ctx.hours(rid) for rid in ctx.dept.registrars)
    totals = {"available_hours": round(available, 1)}
    for column in ("min", "target", "max"):
        totals[f"{column}_hours"] = round(sum(ctx.demand_hours(d, column) for d in heads), 1)
    totals["target_utilisation"] = round(totals["target_hours"] / max(available, 1), 3)
    totals["min_utilisation"] = round(totals["min_hours"] / max(available, 1), 3)
    if totals["min_hours"] > CONTRACT_MAX_FRACTION * available:
        problems.append("minimum cover needs more hours than the contract bands allow")
    if CONTRACT_MIN_FRACTION * available > totals["max_hours"]:
        problems.append("maximum cover cannot absorb the contracted minimum hours")
    return totals


def _site_loads(
    ctx: _Capacity, demands: list[CoverDemand], problems: list[str]
) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    regs = ctx.dept.registrars.values()
    for site in ctx.dept.sites:
        pool = sum(ctx.hours(r.registrar_id) / len(r.sites) for r in regs if site in r.sites)
        need = sum(
            ctx.demand_hours(d, "min")
            for d in demands
            if d.skill is None and ctx.dept.shift_types[d.shift].site == site
        )
        out[site] = {
            "pool_hours": round(pool, 1),
            "min_hours": round(need, 1),
            "load": round(need / max(pool, 1), 3),
        }
        if need > 0.85 * pool:
            problems.append(f"site {site}: minimum cover {need:.0f} h exceeds 85 % of {pool:.0f} h")
    return out


def _registrar_capacity(shift: ShiftType, days: list[dt.date], contract_hours: float) -> float:
    """Most shifts of one type a registrar could work on `days` if that were all they did."""
    caps = [len(days) * MAX_SHIFTS_PER_FORTNIGHT / 14]
    caps.append(CONTRACT_MAX_FRACTION * contract_hours * len(days) / 7 / (shift.minutes / 60))
    if shift.kind == "night":
        caps.append(len(days) * NIGHTS_PER_SIX_DAYS / 6)
    if days and all(d.weekday() >= 5 for d in days):
        caps.append(len(days) / 2)  # only weekend days, at most 1 weekend in 2
    return min(caps)


def _shift_loads(ctx: _Capacity, demands: list[CoverDemand], problems: list[str]) -> list[dict[str, Any]]:
    grouped: dict[tuple[str, str], list[CoverDemand]] = {}
    for demand in demands:
        grouped.setdefault((demand.shift, demand.skill or ""), []).append(demand)
    out = [_shift_load(ctx, code, skill or None, rows) for (code, skill), rows in sorted(grouped.items())]
    for row in out:
        label = f"{row['shift']} {row['skill'] or ''}".strip()
        if row["load"] > 0.6:
            problems.append(f"{label}: {row['min_shifts']} min shifts use {row['load']:.0%} of pool capacity")
        if row["min_daily_slack"] < 1:
            problems.append(f"{label}: a day has fewer than min + 1 eligible registrars")
    return out


def _shift_load(ctx: _Capacity, code: str, skill: str | None, rows: list[CoverDemand]) -> dict[str, Any]:
    """Minimum demand of one (shift, skill) against its eligible pool, over the horizon and per day."""
    shift = ctx.dept.shift_types[code]
    pool = [
        r
        for r in ctx.dept.registrars.values()
        if shift.site in r.sites
        and set(shift.skills) <= set(r.skills)
        and (skill is None or skill in r.skills)
    ]
    open_days = [d.date for d in rows if d.max > 0]
    capacity = sum(
        _registrar_capacity(
            shift, [d for d in open_days if d in ctx.available[r.registrar_id]], r.contract_hours
        )
        for r in pool
    )

    def free(day: dt.date) -> int:
        return sum(
            day in ctx.available[r.registrar_id]
            and _can_work(ctx.windows.get(r.registrar_id, []), shift, day)
            for r in pool
        )

    required = sum(d.min for d in rows)
    load = required / capacity if capacity else (0.0 if required == 0 else math.inf)
    return {
        "site": shift.site,
        "shift": code,
        "skill": skill,
        "kind": shift.kind,
        "eligible": len(pool),
        "min_shifts": required,
        "capacity": round(capacity, 1),
        "load": round(load, 3),
        "min_daily_slack": min((free(d.date) - d.min for d in rows if d.min > 0), default=len(pool)),
    }
