"""Hours rules: shift length, rolling and average weekly hours, contract hours, total minutes."""

from __future__ import annotations

import math

from roster_pipeline.core.rules import Rule
from roster_pipeline.solver.constraints.common import Poster, exact, minutes_expr, rolling_windows
from roster_pipeline.solver.model import RosterModel


def post_max_shift_length(m: RosterModel, rule: Rule) -> None:
    limit = 60 * float(rule.params["hours"])
    for rid in m.registrars_for(rule):
        for day in m.horizon.days:
            for code, lit in m.day_shift_lits(rid, day):
                if m.shifts[code].minutes > limit:
                    m.forbid(rule, [lit])


def post_max_hours_rolling(m: RosterModel, rule: Rule) -> None:
    limit = math.floor(60 * exact(rule.params["hours"]))
    for rid in m.registrars_for(rule):
        for window in rolling_windows(m, int(rule.params["days"])):
            expr, top = minutes_expr(m, rid, window)
            m.limit(rule, expr, limit, (0, top), divisor=60)


def post_max_avg_weekly_hours(m: RosterModel, rule: Rule) -> None:
    for rid in m.registrars_for(rule):
        for period in m.periods:
            limit = math.floor(60 * exact(rule.params["hours"]) * len(period) / 7)
            expr, top = minutes_expr(m, rid, period)
            m.limit(rule, expr, limit, (0, top), divisor=60)


def post_contract_hours(m: RosterModel, rule: Rule) -> None:
    for rid in m.registrars_for(rule):
        registrar = m.registrars[rid]
        leave = m.approved_leave.get(rid, set())
        for period in m.periods:
            available = sum(day not in leave for day in period)
            target = exact(registrar.contract_hours) * 60 * available / 7
            low = math.floor(target * exact(rule.params["min_fraction"]))
            high = math.ceil(target * exact(rule.params["max_fraction"]))
            expr, top = minutes_expr(m, rid, period)
            m.limit(rule, expr, high, (0, top), divisor=60)
            m.at_least(rule, expr, low, (0, top), divisor=60)


def post_total_minutes(m: RosterModel, rule: Rule) -> None:
    low, high = rule.params.get("min_minutes"), rule.params.get("max_minutes")
    for rid in m.registrars_for(rule):
        for period in m.periods:
            expr, top = minutes_expr(m, rid, period)
            if high is not None:
                m.limit(rule, expr, int(high), (0, top), divisor=60)
            if low is not None:
                m.at_least(rule, expr, int(low), (0, top), divisor=60)


POSTERS: dict[str, Poster] = {
    "max_shift_length": post_max_shift_length,
    "max_hours_rolling": post_max_hours_rolling,
    "max_avg_weekly_hours": post_max_avg_weekly_hours,
    "contract_hours": post_contract_hours,
    "total_minutes": post_total_minutes,
}
