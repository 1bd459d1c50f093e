"""A roster context (department, pack, horizon, assignments) and the facts computed from it.

Every statement the assistant or a digest makes comes from these functions: the roster itself, the
independent validator, or a real re-solve (see counterfactual.py and whatif.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from roster_pipeline.core.department_io import load_department
from roster_pipeline.core.domain import Department, Horizon, as_date, is_blank
from roster_pipeline.core.rules import RulePack, load_pack
from roster_pipeline.validator import RosterFacts, ValidationReport, validate_roster

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass
class RosterContext:
    """Everything an explanation may draw on. Never mutated: what-ifs work on copies."""

    department: Department
    pack: RulePack
    horizon: Horizon
    assignments: pd.DataFrame  # registrar_id, date (dt.date), shift
    solve_seconds: float = 30.0  # time limit for re-solves
    workers: int = 4
    seed: int = 0
    deterministic: bool = False  # re-solves stop on deterministic time (tests, reproducible what-ifs)
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def report(self) -> ValidationReport:
        return validate_roster(self.department, self.pack, self.horizon, self.assignments)

    @cached_property
    def roster_facts(self) -> RosterFacts:
        return RosterFacts(self.department, self.horizon, self.assignments)


def normalise_assignments(frame: pd.DataFrame) -> pd.DataFrame:
    """`registrar_id, date, shift` with dates as `datetime.date`, sorted."""
    out = frame[["registrar_id", "date", "shift"]].copy()
    out["registrar_id"] = out["registrar_id"].astype(str)
    out["shift"] = out["shift"].astype(str)
    out["date"] = [as_date(d) for d in out["date"]]
    return out.sort_values(["date", "registrar_id", "shift"]).reset_index(drop=True)


def load_context(
    department: str | Path,
    roster: str | Path | pd.DataFrame,
    rules: str = "au-vic",
    start: dt.date | str = dt.date(2027, 2, 1),
    weeks: int = 4,
    solve_seconds: float = 30.0,
) -> RosterContext:
    """A context from a department folder/workbook and a roster CSV (as `roster solve` writes)."""
    frame = roster if isinstance(roster, pd.DataFrame) else pd.read_csv(roster, dtype=str)
    return RosterContext(
        department=load_department(department),
        pack=load_pack(rules),
        horizon=Horizon(as_date(start), int(weeks)),
        assignments=normalise_assignments(frame),
        solve_seconds=solve_seconds,
    )


def load_context_from_warehouse(
    warehouse: Any, department: str | Path, week_start: dt.date, rules: str = "au-vic", weeks: int = 1
) -> RosterContext:
    """A context for the weeks from `week_start`, reading assignments from the warehouse
    (`roster_assignments`; any object with the Warehouse `query` method)."""
    end = week_start + dt.timedelta(days=7 * weeks - 1)
    frame = warehouse.query(
        "SELECT registrar_id, date, shift FROM roster_assignments WHERE date BETWEEN ? AND ?",
        [week_start, end],
    )
    return load_context(department, frame, rules, week_start, weeks)


# --------------------------------------------------------------------------- small lookups


def day_label(day: dt.date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.isoformat()}"


def name_of(ctx: RosterContext, registrar_id: str) -> str:
    reg = ctx.department.registrars.get(registrar_id)
    return reg.name if reg else registrar_id


def week_starts(ctx: RosterContext) -> list[dt.date]:
    return [ctx.horizon.start + dt.timedelta(days=7 * i) for i in range(ctx.horizon.weeks)]


# --------------------------------------------------------------------------- facts


def schedule(
    ctx: RosterContext,
    week_start: dt.date | None = None,
    registrar_id: str | None = None,
    site: str | None = None,
) -> list[dict[str, Any]]:
    """Assignments as rows (date, weekday, registrar_id, shift, site, kind), filtered."""
    types = ctx.department.shift_types
    rows = []
    for rid, day, code in ctx.assignments.itertuples(index=False):
        if week_start is not None and not week_start <= day < week_start + dt.timedelta(days=7):
            continue
        if registrar_id is not None and rid != registrar_id:
            continue
        shift = types.get(code)
        if site is not None and (shift is None or shift.site != site):
            continue
        rows.append(
            {
                "date": day.isoformat(),
                "weekday": WEEKDAY_NAMES[day.weekday()],
                "registrar_id": rid,
                "shift": code,
                "site": shift.site if shift else "",
                "kind": shift.kind if shift else "",
            }
        )
    return rows


def cover_on(ctx: RosterContext, day: dt.date, shift_code: str) -> dict[str, Any]:
    """The cover demand for one shift on one day and who works it."""
    demands = [
        d for d in ctx.department.cover_demands(ctx.horizon) if d.date == day and d.shift == shift_code
    ]
    working = sorted(r for r, d, s in ctx.assignments.itertuples(index=False) if d == day and s == shift_code)
    return {
        "date": day.isoformat(),
        "shift": shift_code,
        "demands": [{"skill": d.skill, "min": d.min, "target": d.target, "max": d.max} for d in demands],
        "working": working,
    }


def cover_status(ctx: RosterContext) -> list[dict[str, Any]]:
    """Every demand with the number assigned (and holding the skill) and short/under/ok/over."""
    regs = ctx.department.registrars
    by_key: dict[tuple[dt.date, str], list[str]] = {}
    for rid, day, code in ctx.assignments.itertuples(index=False):
        by_key.setdefault((day, code), []).append(rid)
    out = []
    for d in ctx.department.cover_demands(ctx.horizon):
        people = by_key.get((d.date, d.shift), [])
        count = sum(1 for r in people if d.skill is None or (r in regs and d.skill in regs[r].skills))
        status = "ok"
        if count < d.min:
            status = "short"
        elif count < d.target:
            status = "under"
        elif count > d.max:
            status = "over"
        out.append(
            {
                "date": d.date.isoformat(),
                "shift": d.shift,
                "skill": d.skill,
                "assigned": count,
                "min": d.min,
                "target": d.target,
                "status": status,
            }
        )
    return out


def unavailable(ctx: RosterContext, day: dt.date) -> dict[str, str]:
    """Registrars on approved leave on `day` -> leave type (reasons are private and left out)."""
    out: dict[str, str] = {}
    for row in ctx.department.table("leave").itertuples(index=False):
        if str(row.status) == "approved" and as_date(row.start) <= day <= as_date(row.end):
            out[str(row.registrar_id)] = str(row.type)
    return out


def leave_of(ctx: RosterContext, registrar_id: str | None = None) -> list[dict[str, str]]:
    """Leave rows (registrar, start, end, type, status, reason), optionally for one registrar. The
    reason is private: tools pass it through `access.for_asker`, which keeps it for its owner only."""
    out = []
    for row in ctx.department.table("leave").itertuples(index=False):
        rid = str(row.registrar_id)
        if registrar_id is not None and rid != registrar_id:
            continue
        reason = getattr(row, "reason", None)
        out.append(
            {
                "registrar_id": rid,
                "start": as_date(row.start).isoformat(),
                "end": as_date(row.end).isoformat(),
                "type": str(row.type),
                "status": str(row.status),
                "reason": "" if is_blank(reason) else str(reason),
            }
        )
    return sorted(out, key=lambda r: (r["registrar_id"], r["start"]))


def fairness_report(ctx: RosterContext, registrar_id: str | None = None) -> dict[str, Any]:
    """Per fairness rule: spread, and each registrar's count, fair share and deviation (thousandths
    of a shift or hour, as the validator reports them), optionally for one registrar."""
    out: dict[str, Any] = {}
    for rule_id, res in ctx.report.fairness.items():
        scale = 60 if res.measure == "hours" else 1  # hours are counted in minutes
        total = sum(res.counts.values())
        ids = [registrar_id] if registrar_id else sorted(res.deviations)
        entry: dict[str, Any] = {"measure": res.measure, "spread": round(res.spread / scale, 2)}
        entry["registrars"] = {
            rid: {
                "this_period": round(res.counts.get(rid, 0) / scale, 1),
                "fair_share_this_period": round(res.shares.get(rid, 0) * total / 1000 / scale, 1),
                "carried_balance": round(res.balances.get(rid, 0) / 1000 / scale, 1),
                "deviation": round(res.deviations.get(rid, 0) / 1000 / scale, 1),
                "rank_from_most": _rank(res.deviations, rid),
            }
            for rid in ids
            if rid in res.deviations
        }
        out[rule_id] = entry
    return out


def _rank(values: dict[str, int], key: str) -> str:
    ordered = sorted(values, key=lambda k: -values[k])
    return f"{ordered.index(key) + 1} of {len(ordered)}" if key in values else "n/a"


def request_outcomes(ctx: RosterContext, registrar_id: str | None = None) -> list[dict[str, Any]]:
    """Each request day: registrar, request, shift, honoured, and what was worked instead."""
    facts = ctx.roster_facts
    out = []
    for pref, day, honoured in facts.request_outcomes():
        if registrar_id is not None and pref.registrar_id != registrar_id:
            continue
        worked = [s.code for s in facts.on(pref.registrar_id, day)]
        out.append(
            {
                "registrar_id": pref.registrar_id,
                "date": day.isoformat(),
                "request": pref.request,
                "shift": pref.shift,
                "honoured": honoured,
                "worked": worked,
            }
        )
    return out


def violations_for(ctx: RosterContext, registrar_id: str | None = None) -> list[dict[str, Any]]:
    return [
        {"rule_id": v.rule_id, "hard": v.hard, "penalty": v.penalty, "message": v.message}
        for v in ctx.report.sorted_violations()
        if registrar_id is None or v.registrar_id == registrar_id
    ]


def summary(ctx: RosterContext) -> dict[str, Any]:
    rep = ctx.report
    return {
        "start": ctx.horizon.start.isoformat(),
        "weeks": ctx.horizon.weeks,
        "rule_pack": ctx.pack.id,
        "hard_violations": rep.hard_violations,
        "soft_penalty": rep.soft_penalty,
        "penalty_by_rule": rep.penalty_by_rule,
        "requests_honoured": f"{rep.requests_honoured} of {rep.requests_total}",
        "fairness_spreads": {  # hours in hours, not minutes
            k: round(r.spread / (60 if r.measure == "hours" else 1), 2) for k, r in rep.fairness.items()
        },
    }
