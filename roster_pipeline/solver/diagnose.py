"""Plain-English diagnosis of infeasible rosters."""

from __future__ import annotations

import datetime as dt

from roster_pipeline.core.domain import CoverDemand, Department, Horizon
from roster_pipeline.core.rules import RulePack

KIND_NAMES = {
    "day": "day",
    "evening": "evening",
    "night": "night",
    "long-day": "long day",
    "on-call": "on-call",
}


def _eligible(department: Department, demand: CoverDemand) -> list[str]:
    shift = department.shift_types[demand.shift]
    return [
        rid
        for rid, reg in department.registrars.items()
        if shift.site in reg.sites
        and all(s in reg.skills for s in shift.skills)
        and (demand.skill is None or demand.skill in reg.skills)
    ]


def _join(ids: list[str]) -> str:
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]


def cover_message(department: Department, demand: CoverDemand) -> str:
    """Why a cover demand cannot be met: who is eligible and who is away."""
    shift = department.shift_types[demand.shift]
    leave = department.leave_days("approved")
    eligible = _eligible(department, demand)
    away = sorted(r for r in eligible if demand.date in leave.get(r, set()))
    available = len(eligible) - len(away)
    who = f"{demand.skill} registrars" if demand.skill else "registrars"
    text = (
        f"cover for the {KIND_NAMES.get(shift.kind, shift.kind)} ({shift.code}) at site {shift.site} "
        f"on {demand.date.isoformat()} needs {demand.min} {who}; only {available} "
        f"{'is' if available == 1 else 'are'} available"
    )
    if away:
        text += f": {_join(away)} {'is' if len(away) == 1 else 'are'} on approved leave"
    return text


def precheck_cover(department: Department, pack: RulePack, horizon: Horizon) -> list[str]:
    """Cover minimums that exceed the eligible registrars not on leave (fast, data-only)."""
    if not any(r.hard for r in pack.of_type("cover_limits")):
        return []
    leave = department.leave_days("approved")
    problems = []
    for demand in department.cover_demands(horizon):
        eligible = _eligible(department, demand)
        available = [r for r in eligible if demand.date not in leave.get(r, set())]
        if len(available) < demand.min:
            problems.append(cover_message(department, demand))
    return problems


def explain_core(roster_model, core: list[tuple]) -> list[str]:
    """One sentence per conflicting rule group of an infeasibility core."""
    department: Department = roster_model.department
    lines = []
    for key in core:
        rule = roster_model.group_rules[key]
        detail = key[1:]
        if detail and detail[0] == "cover":
            _, day, shift, skill = detail
            demand = next(
                d
                for d in department.cover_demands(roster_model.horizon)
                if d.date == day and d.shift == shift and d.skill == skill
            )
            lines.append(f"{rule.id}: {cover_message(department, demand)}")
        elif detail and detail[0] == "leave":
            days = sorted(
                d for d in roster_model.approved_leave.get(detail[1], set()) if d in roster_model.horizon
            )
            lines.append(f"{rule.id}: {detail[1]} is on approved leave {_span(days)}")
        elif detail and detail[0] == "training":
            lines.append(f"{rule.id}: {detail[1]} has protected training '{detail[3]}' on {detail[2]}")
        else:
            lines.append(f"{rule.id}: {rule.description or rule.type} ({_params(rule.params)})")
    return lines or ["the hard rules conflict with each other"]


def _span(days: list[dt.date]) -> str:
    if not days:
        return ""
    return f"{days[0].isoformat()} to {days[-1].isoformat()}" if len(days) > 1 else days[0].isoformat()


def _params(params: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())
