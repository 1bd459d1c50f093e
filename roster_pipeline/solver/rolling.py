"""A first roster for a long horizon, built window by window (rolling horizon).

A year of 150 registrars is over a million roster variables: CP-SAT finds no first roster for the
whole model in reasonable time. Here the horizon is cut into windows of whole weeks, solved in
order with the engine itself; each window sees the roster so far as history, so sequence rules
(runs, successions, rest) hold across window borders. Limits stated over the whole horizon are
apportioned: each window gets its share of what remains (a maximum with one shift of slack, so a
window can round to whole shifts; a minimum without, so no deficit piles up at the end), and the
last window gets exactly what remains.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from roster_pipeline.core.domain import Department, Horizon
from roster_pipeline.core.rules import Rule, RulePack
from roster_pipeline.solver.model import matches
from roster_pipeline.solver.settings import SolveResult, SolveSettings

# The engine's solve, given to the rolling roster by its caller (the engine solves each window).
WindowSolve = Callable[[Department, RulePack, Horizon, SolveSettings], SolveResult]

WINDOW_WEEKS = 4
ROLLING_MIN_WEEKS = 17  # horizons longer than this start from a rolling roster
LOGGER = logging.getLogger(__name__)
HISTORY_DAYS = 14
# Each window is solved a week further than it commits, so a run left open at its end can be
# continued (leave, limits and requests just past the border are seen).
LOOKAHEAD_WEEKS = 1  # roster days a window sees before it (runs and successions span the border)


def windows(horizon: Horizon, weeks: int = WINDOW_WEEKS) -> list[Horizon]:
    """Consecutive windows of `weeks` whole weeks covering the horizon (the last may be shorter)."""
    out, start, left = [], horizon.start, horizon.weeks
    while left > 0:
        size = min(weeks, left)
        if 0 < left - size < 2:  # no 1-week tail: fold it into this window
            size = left
        out.append(Horizon(start=start, weeks=size))
        start += dt.timedelta(days=7 * size)
        left -= size
    return out


def _used(department: Department, roster: set, rid: str, rule: Rule) -> int:
    """What `rid` has used so far of a horizon-wide limit (minutes, shifts or weekends)."""
    shifts = department.shift_types
    mine = [(day, code) for r, day, code in roster if r == rid]
    if rule.type == "total_minutes":
        return sum(shifts[code].minutes for _, code in mine)
    if rule.type == "max_shifts_of_type":
        return sum(1 for _, code in mine if matches(shifts[code], dict(rule.params["selector"])))
    return len({day - dt.timedelta(days=(day.weekday() - 5) % 7) for day, _ in mine if day.weekday() >= 5})


def _share(remaining: int, fraction: float, last: bool, slack: int, upper: bool) -> int:
    """A window's share of what remains of a limit: never more than remains of a maximum."""
    remaining = max(0, remaining)
    if last:
        return remaining
    if upper:
        return min(remaining, math.ceil(remaining * fraction) + slack)
    return round(remaining * fraction)  # at least a fair share of a minimum: no deficit piles up


def apportion(
    department: Department, pack: RulePack, roster: set, window: Horizon, horizon: Horizon
) -> RulePack:
    """The pack for one window: horizon-wide hard limits become per-registrar window shares."""
    left_days = (horizon.end - window.start).days + 1
    fraction = ((window.end - window.start).days + 1) / left_days
    last = window.end >= horizon.end
    slack_minutes = max((s.minutes for s in department.shift_types.values()), default=0)
    rules: list[Rule] = []
    for rule in pack.rules:
        limited = rule.hard and (
            rule.type in ("total_minutes", "max_shifts_of_type")
            or (rule.type == "weekend_limit" and rule.params.get("max") is not None)
        )
        if not limited:
            rules.append(rule)
            continue
        shares: dict[str, list[str]] = {}  # registrars sharing the same window params: one rule
        by_params: dict[str, dict] = {}
        for rid, registrar in department.registrars.items():
            if not rule.applies(registrar):
                continue
            used = _used(department, roster, rid, rule)
            params = dict(rule.params)
            if rule.type == "total_minutes":
                for key, upper in (("min_minutes", False), ("max_minutes", True)):
                    if params.get(key) is not None:
                        params[key] = _share(int(params[key]) - used, fraction, last, slack_minutes, upper)
            else:
                params["max"] = _share(int(params["max"]) - used, fraction, last, 1, True)
            key = repr(sorted(params.items()))
            shares.setdefault(key, []).append(rid)
            by_params[key] = params
        for number, (key, ids) in enumerate(shares.items()):
            rule_id = rule.id if len(shares) == 1 else f"{rule.id}@{number}"
            rules.append(replace(rule, id=rule_id, params=by_params[key], applies_to={"registrars": ids}))
    return replace(pack, rules=tuple(rules))


def with_history(department: Department, roster: set, since: dt.date) -> Department:
    """The department with the days of `roster` from `since` on appended to its history."""
    recent = sorted(k for k in roster if k[1] >= since)
    rows = pd.DataFrame(
        [{"registrar_id": rid, "date": day, "shift": code} for rid, day, code in recent],
        columns=["registrar_id", "date", "shift"],
    )
    history = department.table("history")
    merged = rows if history.empty else pd.concat([history, rows], ignore_index=True)
    return Department(tables={**department.tables, "history": merged})


def rolling_roster(
    department: Department,
    pack: RulePack,
    horizon: Horizon,
    settings: SolveSettings,
    time_limit: float,
    solve: WindowSolve,
) -> set | None:
    """A roster for the whole horizon, window by window with `solve`; None if a window has none."""
    roster: set = set()
    parts = windows(horizon)
    for index, window in enumerate(parts):
        share = time_limit / (len(parts) - index)
        window_settings = replace(settings, time_limit=max(1.0, share))
        started = time.perf_counter()
        past = with_history(department, roster, window.start - dt.timedelta(days=HISTORY_DAYS))
        ahead = LOOKAHEAD_WEEKS if index < len(parts) - 1 else 0
        solved = Horizon(start=window.start, weeks=window.weeks + ahead)
        result = solve(past, apportion(department, pack, roster, solved, horizon), solved, window_settings)
        # Deterministic settings budget in deterministic time: each window spends its share, so the
        # roster does not depend on how fast the machine was; otherwise what the window took.
        time_limit -= window_settings.time_limit if settings.deterministic else time.perf_counter() - started
        if not result.feasible:
            LOGGER.info(
                "rolling: no roster for window %s (%s): %s", window.start, result.status, result.diagnosis
            )
            return None
        roster |= {
            (r.registrar_id, r.date, r.shift)
            for r in result.assignments.itertuples(index=False)
            if r.date <= window.end
        }
    return roster
