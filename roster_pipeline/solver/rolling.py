"""A first roster for a long horizon, built window by window (rolling horizon).

A year of 150 registrars is over a million roster variables: CP-SAT finds no first roster for the
whole model in reasonable time. Here the horizon is cut into windows of whole weeks, solved in
order with the engine itself; each window sees the roster so far as history, so sequence rules
(runs, successions, rest) hold across window borders. Limits stated over the whole horizon are
apportioned: each window gets its share of what remains (a maximum with one shift of slack, so a
window can round to whole shifts; a minimum without, so no deficit piles up at the end), and the
last window gets exactly what remains. A contract-hours band is apportioned the same way, by each
registrar's available days. Fairness can be carried from window to window as the pipeline carries
it from week to week: each window's deviations from the fair share become the next window's
history balances, so the windows together share nights and weekends fairly over the horizon.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple

import pandas as pd

from roster_pipeline.core.domain import Department, Horizon
from roster_pipeline.core.rules import Rule, RulePack
from roster_pipeline.solver.constraints.common import exact
from roster_pipeline.solver.model import matches
from roster_pipeline.solver.settings import SolveResult, SolveSettings

# The engine's solve, given to the rolling roster by its caller (the engine solves each window).
WindowSolve = Callable[[Department, RulePack, Horizon, SolveSettings], SolveResult]


class Rolled(NamedTuple):
    """A rolling roster, or None with why: the first window without one, and its diagnosis."""

    roster: set | None
    why: tuple[str, ...] = ()


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
        if rule.hard and rule.type == "contract_hours":
            rules.extend(_contract_shares(department, rule, roster, window, horizon, slack_minutes))
            continue
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


def _contract_shares(
    department: Department, rule: Rule, roster: set, window: Horizon, horizon: Horizon, slack: int
) -> list[Rule]:
    """A hard contract-hours band over the horizon as this window's minute shares (total_minutes
    rules), each registrar's share in proportion to the available days left (leave excluded): a
    window that holds the band over its days and the week after may still break it in the weeks
    it keeps (in a trial, by 27 hours for two of 120 registrars over 13 weeks)."""
    leave = department.leave_days("approved")
    last = window.end >= horizon.end
    worked: dict[str, int] = {}
    for rid, _, code in roster:
        worked[rid] = worked.get(rid, 0) + department.shift_types[code].minutes
    shares: dict[str, list[str]] = {}
    by_params: dict[str, dict] = {}
    for rid, registrar in department.registrars.items():
        if not rule.applies(registrar):
            continue
        away = leave.get(rid, set())
        available = sum(day not in away for day in horizon.days)
        left = sum(day not in away for day in horizon.days if day >= window.start)
        ahead = sum(day not in away for day in window.days)
        target = exact(registrar.contract_hours) * 60 * available / 7  # as the rule is posted
        low = math.floor(target * exact(rule.params["min_fraction"]))
        high = math.ceil(target * exact(rule.params["max_fraction"]))
        used = worked.get(rid, 0)
        fraction = ahead / left if left else 1.0
        params = {
            "min_minutes": _share(low - used, fraction, last, slack, False),
            "max_minutes": _share(high - used, fraction, last, slack, True),
        }
        key = repr(sorted(params.items()))
        shares.setdefault(key, []).append(rid)
        by_params[key] = params
    minutes = replace(rule, type="total_minutes")
    return [
        replace(minutes, id=f"{rule.id}@{n}", params=by_params[key], applies_to={"registrars": ids})
        for n, (key, ids) in enumerate(shares.items())
    ]


def carried_balances(department: Department, pack: RulePack, roster: set, window: Horizon) -> Department:
    """The department with each fairness measure's balance carried over `window`'s days of
    `roster`: the balance plus the count minus the FTE- and availability-fair share of the total,
    the deviation the fairness rule penalises (`constraints/fairness.py`)."""
    totals = department.table("history_totals")
    frame = totals.copy() if not totals.empty else pd.DataFrame({"registrar_id": []})
    frame["registrar_id"] = frame["registrar_id"].astype(str)
    kept: dict[str, dict[dt.date, str]] = {}  # each registrar's shifts on the window's days
    for rid, day, code in roster:
        if window.start <= day <= window.end:
            kept.setdefault(rid, {})[day] = code
    for rule in pack.rules:
        if rule.type != "fairness":
            continue
        measure = str(rule.params["measure"])
        column = f"{measure}_balance"
        for rid, balance in _window_balances(department, rule, kept, window, measure).items():
            if rid not in set(frame["registrar_id"]):
                frame = pd.concat([frame, pd.DataFrame({"registrar_id": [rid]})], ignore_index=True)
            frame.loc[frame["registrar_id"] == rid, column] = balance
    return Department(tables={**department.tables, "history_totals": frame})


def _window_balances(
    department: Department, rule: Rule, kept: dict[str, dict], window: Horizon, measure: str
) -> dict[str, float]:
    """Each registrar's balance after `window` in one fairness measure (registrars away for the
    whole window keep theirs)."""
    leave = department.leave_days("approved")
    weights, counts = {}, {}
    for rid, registrar in department.registrars.items():
        available = sum(day not in leave.get(rid, set()) for day in window.days)
        if rule.applies(registrar) and available:
            weights[rid] = round(100 * float(registrar.fte)) * available
            counts[rid] = _measure(department, kept.get(rid, {}), measure)
    total, total_weight = sum(counts.values()), sum(weights.values()) or 1
    scale = 60 if measure == "hours" else 1  # balances are kept in hours, counts in minutes
    return {
        rid: department.history_total(rid, f"{measure}_balance")
        + (counts[rid] - round(1000 * weights[rid] / total_weight) * total / 1000) / scale
        for rid in weights
    }


def _measure(department: Department, mine: dict[dt.date, str], measure: str) -> int:
    """A registrar's count of a fairness measure in `mine` (day -> shift on a window's days;
    weekends: Saturday-Sunday pairs with a shift on either day; hours: minutes)."""
    days = list(mine)
    shifts = department.shift_types
    if measure == "nights":
        return sum(1 for day in days if shifts[mine[day]].kind == "night")
    if measure == "weekends":
        return len({day - dt.timedelta(days=day.weekday() - 5) for day in days if day.weekday() >= 5})
    if measure == "public_holidays":
        return sum(1 for day in days if day in department.public_holidays)
    return sum(shifts[mine[day]].minutes for day in days)


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
    carry_fairness: bool = True,
) -> Rolled:
    """A roster for the whole horizon, window by window with `solve`; none, and why, if a window
    has none.

    `carry_fairness` carries each window's fairness balances to the next (`carried_balances`);
    without it each window shares out only its own weeks fairly."""
    roster: set = set()
    balanced = department  # the department with fairness balances carried to the next window
    parts = windows(horizon)
    for index, window in enumerate(parts):
        share = time_limit / (len(parts) - index)
        window_settings = replace(settings, time_limit=max(1.0, share))
        started = time.perf_counter()
        past = with_history(balanced, roster, window.start - dt.timedelta(days=HISTORY_DAYS))
        ahead = LOOKAHEAD_WEEKS if index < len(parts) - 1 else 0
        solved = Horizon(start=window.start, weeks=window.weeks + ahead)
        result = solve(past, apportion(department, pack, roster, solved, horizon), solved, window_settings)
        # Deterministic settings budget in deterministic time: each window spends its share, so the
        # roster does not depend on how fast the machine was; otherwise what the window took.
        time_limit -= window_settings.time_limit if settings.deterministic else time.perf_counter() - started
        if not result.feasible:
            why = f"the window of {window.start} to {window.end} has no roster ({result.status})"
            LOGGER.info("rolling: %s: %s", why, result.diagnosis)
            return Rolled(None, (why, *result.diagnosis))
        roster |= {
            (r.registrar_id, r.date, r.shift)
            for r in result.assignments.itertuples(index=False)
            if r.date <= window.end
        }
        if carry_fairness:
            balanced = carried_balances(balanced, pack, roster, window)
    return Rolled(roster)
