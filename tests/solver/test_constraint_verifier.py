"""Per rule type, in the style of Timefold's ConstraintVerifier: a tiny department, a roster written
by hand that breaks the rule a known number of times, and three numbers that must agree: the count
written here by hand (docs/engine-spec.md §4), the validator's recount, and the solver's penalty
(the rule posted alone on a RosterModel, the roster variables fixed to the hand roster, solved on
one worker). A rule type that may be hard is also posted hard: the solver must refuse the broken
roster, accept a compliant one, and its diagnose mode must find the hand-counted broken groups.

Shifts (tests/factories.shift_types): D 08:00-16:30, E 14:00-22:30 (8.5 h each), N 22:00-08:30
(10.5 h, ends the next day), at sites A and B. Day 0 is Monday 2027-02-01.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest
from ortools.sat.python import cp_model

from roster_pipeline.core.domain import Department, Horizon
from roster_pipeline.core.rules import RULE_TYPES, Rule, RulePack
from roster_pipeline.solver import constraints
from roster_pipeline.solver.constraints import POSTERS, post_rule
from roster_pipeline.solver.model import RosterModel
from roster_pipeline.validator import validate_roster

from factories import START, day, registrar_row, tiny_department

Rows = tuple[tuple[str, int, str], ...]  # (registrar, day offset, shift code)
THREE = (registrar_row("R1"), registrar_row("R2"), registrar_row("R3"))
DAY_COVER = {"date": None, "days": "all", "site": "A", "shift": "D-A", "skill": None}


@dataclass(frozen=True)
class Case:
    """One rule, a roster breaking it `units` times (penalty `penalty` when soft), both by hand."""

    rule: dict[str, Any]  # type, params, weight (and applies_to)
    roster: Rows
    units: int
    penalty: int
    compliant: Rows = ()  # a roster within the rule (rule types that may be hard)
    groups: int = 1  # hard groups the diagnose mode finds broken
    tables: dict[str, list[dict]] = field(default_factory=dict)
    registrars: tuple[dict, ...] = THREE
    weeks: int = 1


def history(*rows: tuple[str, int, str]) -> list[dict]:
    return [{"registrar_id": r, "date": day(o), "shift": s} for r, o, s in rows]


def leave(rid: str, first: int, last: int, status: str, weight: int | None = None) -> dict:
    return {
        "registrar_id": rid,
        "start": day(first),
        "end": day(last),
        "type": "annual",
        "status": status,
        "weight": weight,
        "reason": "",
    }


def training(rid: str | None, group: str | None, offset: int, start: str, end: str, name: str) -> dict:
    return {
        "registrar_id": rid,
        "group": group,
        "date": day(offset),
        "start": start,
        "end": end,
        "name": name,
    }


def preference(rid: str, offset: int, request: str, shift: str | None, weight: int, last: int | None = None):
    end = None if last is None else day(last)
    return {
        "registrar_id": rid,
        "start": day(offset),
        "end": end,
        "request": request,
        "shift": shift,
        "weight": weight,
        "note": "",
    }


def days(rid: str, code: str, *offsets: int) -> Rows:
    return tuple((rid, o, code) for o in offsets)


NIGHTS = {"kinds": ["night"]}
COVER_ROSTER = (  # D-A: three on day 0 (max 2), nobody on days 2 and 6 (min 1)
    *days("R1", "D-A", 0, 1, 5),
    ("R1", 2, "E-A"),
    *days("R2", "D-A", 0, 3),
    ("R2", 6, "D-B"),
    *days("R3", "D-A", 0, 4),
)

CASES: dict[str, Case] = {
    # E d0 ends 22:30, D d1 starts 08:00 (9.5 h); N d2 ends 08:30 d3, D d3 starts 08:00.
    "min_rest": Case(
        {"params": {"hours": 10}, "weight": 3},
        roster=(
            ("R1", 0, "E-A"),
            ("R1", 1, "D-A"),
            ("R2", 2, "N-A"),
            ("R2", 3, "D-A"),
            *days("R3", "D-A", 0, 1),
        ),
        units=2,
        penalty=6,
        compliant=(*days("R1", "D-A", 0, 1), *days("R2", "N-A", 2, 3), *days("R3", "E-A", 0, 1)),
    ),
    # Nights are 10.5 h.
    "max_shift_length": Case(
        {"params": {"hours": 10}, "weight": 2},
        roster=(("R1", 0, "N-A"), ("R2", 3, "N-B"), ("R3", 1, "D-A"), ("R3", 2, "E-A")),
        units=2,
        penalty=4,
        compliant=(("R1", 0, "D-A"), ("R2", 3, "E-B")),
    ),
    # 1200 min per 3 days. R1: days 0-2 1530 min (6 units), days 1-3 1650 (8); R2: days 4-6 1530 (6).
    "max_hours_rolling": Case(
        {"params": {"hours": 20, "days": 3}, "weight": 1},
        roster=(*days("R1", "D-A", 0, 1, 2), ("R1", 3, "N-A"), *days("R2", "E-A", 4, 5, 6)),
        units=20,
        penalty=20,
        compliant=(*days("R1", "D-A", 0, 1, 3), *days("R2", "E-A", 4, 6)),
    ),
    # 19.5 h a week = 1170 min. R1 1530 min (6 units), R2 1260 (2), R3 510 (0).
    "max_avg_weekly_hours": Case(
        {"params": {"hours": 19.5}, "weight": 2},
        roster=(*days("R1", "D-A", 0, 1, 2), *days("R2", "N-A", 0, 1), ("R3", 0, "E-A")),
        units=8,
        penalty=16,
        compliant=(*days("R1", "D-A", 0, 1), ("R2", 0, "N-A")),
    ),
    # R1: 2400 min target, band [1200, 2400], works 3180 (13 units). R2 on leave days 5-6:
    # target 12000/7, band [857, 1715], works 510 (6 units). R3 out of scope.
    "contract_hours": Case(
        {
            "params": {"min_fraction": 0.5, "max_fraction": 1.0},
            "weight": 1,
            "applies_to": {"registrars": ["R1", "R2"]},
        },
        roster=(*days("R1", "D-A", 0, 1, 2, 3, 4), ("R1", 5, "N-A"), ("R2", 0, "D-A")),
        units=19,
        penalty=19,
        compliant=(*days("R1", "D-A", 0, 1, 2, 3), *days("R2", "D-A", 0, 1)),
        tables={"leave": [leave("R2", 5, 6, "approved")]},
    ),
    # [600, 1200] min. R1 1530 (6 units), R2 0 (10), R3 630 (0).
    "total_minutes": Case(
        {"params": {"min_minutes": 600, "max_minutes": 1200}, "weight": 2},
        roster=(*days("R1", "D-A", 0, 1, 2), ("R3", 0, "N-A")),
        units=16,
        penalty=32,
        compliant=(*days("R1", "D-A", 0, 1), ("R2", 0, "N-A"), ("R3", 1, "N-A")),
    ),
    # 4 days in a row: R1 days 0-3 and 1-4; R3 history days -2, -1 and days 0-1.
    "max_consecutive_days": Case(
        {"params": {"max": 3}, "weight": 2},
        roster=(
            *days("R1", "D-A", 0, 1, 2, 3, 4),
            *days("R2", "D-A", 0, 1, 2, 4, 5, 6),
            *days("R3", "D-A", 0, 1),
        ),
        units=3,
        penalty=6,
        compliant=(*days("R1", "D-A", 0, 1, 2, 4, 5, 6), *days("R3", "D-A", 0, 2)),
        tables={"history": history(("R3", -2, "D-A"), ("R3", -1, "D-A"))},
    ),
    # Single worked days: R1 day 1, R2 days 2 and 4 (R2 day 0 starts at the first known day and
    # R1 day 6 touches the horizon end: exempt).
    "min_consecutive_days": Case(
        {"params": {"min": 2}, "weight": 4},
        roster=(*days("R1", "D-A", 1, 3, 4, 6), *days("R2", "D-A", 0, 2, 4)),
        units=3,
        penalty=12,
        compliant=(*days("R1", "D-A", 1, 2, 4, 5), *days("R2", "D-A", 0, 3, 4, 6)),
    ),
    # Single days off: R1 days 1 and 4 (R3's off runs start at the first known day or touch the end).
    "min_consecutive_days_off": Case(
        {"params": {"min": 2}, "weight": 3},
        roster=(*days("R1", "D-A", 0, 2, 3, 5, 6), ("R3", 1, "D-A")),
        units=2,
        penalty=6,
        compliant=(*days("R1", "D-A", 0, 3, 4), ("R3", 1, "D-A")),
    ),
    # At most 2 days off in a row; known days from day -3 (history). R1 off days 1-3 (window 1-3);
    # R2 off days -2..0 (the window ending on day 0 reaches into history); R3's history run -3..-1
    # ends before the horizon (no window), its run 3-6 has the windows 3-5 and 4-6.
    "max_consecutive_days_off": Case(
        {"params": {"max": 2}, "weight": 3},
        roster=(
            *days("R1", "D-A", 0, 4, 5, 6),
            *days("R2", "D-A", 1, 2, 3, 4, 5, 6),
            *days("R3", "D-A", 0, 1, 2),
        ),
        units=4,
        penalty=12,
        compliant=(*days("R1", "D-A", 0, 2, 4, 6), *days("R2", "D-A", 0, 3, 6), *days("R3", "D-A", 0, 3, 5)),
        tables={"history": history(("R1", -1, "D-A"), ("R2", -3, "D-A"))},
    ),
    # Runs of at least 3 nights, a unit per missing night; known days from day -3 (R3's history).
    # R1 nights 1-2 (1 unit) and 5 alone (2); R2's history nights -2..-1, closed by day 0's D (1);
    # R2's nights 5-6 touch the horizon end and R3's nights 0-2 are long enough.
    "run_shortfall": Case(
        {"params": {"min": 3, "selector": NIGHTS}, "weight": 2},
        roster=(
            *days("R1", "N-A", 1, 2, 5),
            ("R1", 3, "D-A"),
            ("R2", 0, "D-A"),
            *days("R2", "N-A", 5, 6),
            *days("R3", "N-A", 0, 1, 2),
        ),
        units=4,
        penalty=8,
        compliant=(*days("R1", "N-A", 1, 2, 3), *days("R2", "N-A", 0, 5, 6), *days("R3", "N-A", 0, 1, 2)),
        tables={"history": history(*days("R2", "N-A", -2, -1), ("R3", -3, "D-A"))},
    ),
    # (a) R1 three nights, days 0-2. (b) 24 h after the last night of a run: R1's run ends 08:30 day 3,
    # so D day 3 and D day 4 (08:00) are too early, E day 5 is not; R2's ends 08:30 day 6, E day 6.
    "max_consecutive_kind": Case(
        {"params": {"selector": NIGHTS, "max": 2, "rest_hours": 24}, "weight": 5},
        roster=(
            *days("R1", "N-A", 0, 1, 2),
            *days("R1", "D-A", 3, 4),
            ("R1", 5, "E-A"),
            *days("R2", "N-A", 4, 5),
            ("R2", 6, "E-A"),
        ),
        units=4,
        penalty=20,
        compliant=(*days("R1", "N-A", 0, 1), ("R1", 3, "E-A"), *days("R2", "N-A", 4, 5)),
    ),
    # Evening then day: R1 days 0-1 and 2-3; R2 history evening day -1, day shift day 0.
    "forbidden_succession": Case(
        {"params": {"from": {"kinds": ["evening"]}, "to": {"kinds": ["day"]}}, "weight": 2},
        roster=(
            ("R1", 0, "E-A"),
            ("R1", 1, "D-A"),
            ("R1", 2, "E-A"),
            ("R1", 3, "D-B"),
            ("R2", 0, "D-A"),
            ("R3", 0, "D-A"),
            ("R3", 1, "E-A"),
        ),
        units=3,
        penalty=6,
        compliant=(
            *days("R1", "E-A", 0, 1),
            ("R1", 3, "D-A"),
            ("R2", 0, "E-A"),
            ("R3", 0, "D-A"),
            ("R3", 1, "E-A"),
        ),
        tables={"history": history(("R2", -1, "E-A"))},
    ),
    # At most 1 night: R1 has 3 (2 units), R2 1, R3 2 (1 unit).
    "max_shifts_of_type": Case(
        {"params": {"selector": NIGHTS, "max": 1}, "weight": 2},
        roster=(*days("R1", "N-A", 0, 2, 4), ("R2", 1, "N-A"), *days("R3", "N-B", 3, 5)),
        units=3,
        penalty=6,
        compliant=(("R1", 0, "N-A"), ("R2", 1, "N-A"), ("R3", 3, "N-B")),
    ),
    # At most 1 night in any 3 days: R1 windows 0-2 and 2-4; R2 window 4-6.
    "max_shifts_in_window": Case(
        {"params": {"selector": NIGHTS, "max": 1, "days": 3}, "weight": 3},
        roster=(*days("R1", "N-A", 0, 2, 4), *days("R2", "N-A", 5, 6)),
        units=3,
        penalty=9,
        compliant=(*days("R1", "N-A", 0, 3, 6), ("R2", 5, "N-A")),
    ),
    # Two weeks, weekends (5, 6) and (12, 13). R1 works both: 1 over `max`, 1 over the 2-weekend window.
    "weekend_limit": Case(
        {"params": {"max": 1, "window": 2, "max_in_window": 1}, "weight": 6},
        roster=(*days("R1", "D-A", 5, 13), *days("R2", "D-A", 5, 6), ("R3", 12, "D-A")),
        units=2,
        penalty=12,
        compliant=(("R1", 5, "D-A"), *days("R2", "D-A", 5, 6), ("R3", 12, "D-A")),
        weeks=2,
    ),
    # Two weeks, weekends (5, 6) and (12, 13): R1 works Saturday 5 only, R2 Sundays 6 and 13 only (one
    # unit, and one broken group, per incomplete weekend); R1's weekend 12-13 and R3's 5-6 are whole.
    "complete_weekends": Case(
        {"params": {}, "weight": 4},
        roster=(*days("R1", "D-A", 5, 12, 13), *days("R2", "D-A", 6, 13), *days("R3", "D-A", 5, 6)),
        units=3,
        penalty=12,
        compliant=(*days("R1", "D-A", 5, 6), *days("R2", "D-A", 12, 13), ("R3", 2, "D-A")),
        groups=3,
        weeks=2,
    ),
    # One 7-day window: R1 one day off (1 unit) and no 2 days off in a row (1); R2 no 2 in a row (1).
    "days_off_per_window": Case(
        {"params": {"window_days": 7, "min_days_off": 2, "min_consecutive_off": 2}, "weight": 3},
        roster=(*days("R1", "D-A", 0, 1, 2, 3, 4, 5), *days("R2", "D-A", 0, 2, 4, 6)),
        units=3,
        penalty=9,
        compliant=(*days("R1", "D-A", 0, 1, 2, 3, 4), *days("R2", "D-A", 0, 2, 4)),
    ),
    # D-A between 1 and 2 a day: three on day 0, nobody on days 2 and 6 (one broken group per demand).
    "cover_limits": Case(
        {"params": {}, "weight": 2},
        roster=COVER_ROSTER,
        units=3,
        penalty=6,
        compliant=(*days("R1", "D-A", 0, 1, 2), *days("R2", "D-A", 3, 4), *days("R3", "D-A", 5, 6)),
        groups=3,
        tables={"cover": [{**DAY_COVER, "min": 1, "target": 1, "max": 2}]},
    ),
    # Target 1: day 0 two over (3 x 2), days 2 and 6 one under (20 each); units are weighted.
    "cover_target": Case(
        {"params": {"under_weight": 20, "over_weight": 3}, "weight": 2},
        roster=COVER_ROSTER,
        units=46,
        penalty=92,
        tables={"cover": [{**DAY_COVER, "min": 1, "target": 1, "max": 2}]},
    ),
    # R1 works 2 of its approved leave days, R2 1 (R3's leave is requested or declined).
    "approved_leave": Case(
        {"params": {}, "weight": 10},
        roster=(*days("R1", "D-A", 1, 2, 3), *days("R2", "D-A", 4, 5), *days("R3", "D-A", 0, 1)),
        units=3,
        penalty=30,
        compliant=(("R1", 3, "D-A"), ("R2", 5, "D-A"), *days("R3", "D-A", 0, 1)),
        groups=2,
        tables={
            "leave": [
                leave("R1", 1, 2, "approved"),
                leave("R2", 4, 4, "approved"),
                leave("R3", 0, 0, "requested", 4),
                leave("R3", 1, 1, "declined"),
            ]
        },
    ),
    # R1 works 2 requested days at weight 4, R2 1 at the default 10: 2 x (8 + 10).
    "requested_leave": Case(
        {"params": {}, "weight": 2},
        roster=(*days("R1", "D-A", 1, 2, 3), *days("R2", "D-A", 4, 5), ("R3", 0, "D-A")),
        units=3,
        penalty=36,
        tables={
            "leave": [
                leave("R1", 1, 2, "requested", 4),
                leave("R2", 4, 4, "requested"),
                leave("R3", 0, 0, "approved"),
            ]
        },
    ),
    # R1's D overlaps its 13:00 simulation (day 1) and the 09:00 grand round (day 3, ALL); R3's D
    # overlaps the grand round; R2's night ends 08:30 before it, R3's D day 5 ends as training starts.
    "training": Case(
        {"params": {}, "weight": 5},
        roster=(*days("R1", "D-A", 1, 3), ("R2", 2, "N-A"), *days("R3", "D-A", 3, 5)),
        units=3,
        penalty=15,
        compliant=(("R1", 1, "N-A"), ("R1", 3, "E-A"), ("R2", 2, "N-A"), ("R3", 3, "E-A"), ("R3", 5, "D-A")),
        groups=3,
        tables={
            "training": [
                training("R1", None, 1, "13:00", "17:00", "simulation"),
                training(None, "ALL", 3, "09:00", "10:00", "grand round"),
                training("R3", None, 5, "16:30", "18:00", "touching"),
            ]
        },
    ),
    # Not honoured: R1 night on day 0 (3), R1 avoid D-A on day 2 (2), R2 day 4 off (5): 2 x 10.
    "requests": Case(
        {"params": {}, "weight": 2},
        roster=(("R1", 0, "D-A"), ("R1", 2, "D-A"), ("R1", 3, "E-A"), ("R2", 4, "D-A"), ("R3", 1, "E-A")),
        units=3,
        penalty=20,
        tables={
            "preferences": [
                preference("R1", 0, "prefer", "night", 3),
                preference("R1", 2, "avoid", "D-A", 2, last=3),
                preference("R2", 4, "day_off", None, 5),
                preference("R3", 1, "prefer", "E-A", 1),
            ]
        },
    ),
    # Nights 2, 1, 0 of 3; shares 333 each; R3's balance 1.5: dev = 1001, 1, 501 (thousandths).
    # Band 500: 5 + 0 + 0 units; spread 1000 -> 10; sum |dev| 1503 -> 15 (D = 100).
    # Penalty 2 x (1 x 5 + 2 x 10 + 3 x 15).
    "fairness": Case(
        {
            "params": {
                "measure": "nights",
                "band": 0.5,
                "band_weight": 1,
                "spread_weight": 2,
                "deviation_weight": 3,
            },
            "weight": 2,
        },
        roster=(*days("R1", "N-A", 0, 2), ("R2", 4, "N-A"), ("R3", 1, "D-A")),
        units=30,
        penalty=140,
        tables={"history_totals": [{"registrar_id": "R3", "nights_balance": 1.5}]},
    ),
    # R1: day -> night (kind change, 2), site A -> B (3), isolated day 4 (4); R2 isolated day 0
    # (day -1 unknown counts as off) (4); R1 day 6 is the last day: not isolated. 2 x 13.
    "continuity": Case(
        {"params": {"kind_change": 2, "site_change": 3, "isolated": 4}, "weight": 2},
        roster=(
            ("R1", 0, "D-A"),
            ("R1", 1, "N-A"),
            ("R1", 2, "N-B"),
            ("R1", 4, "E-A"),
            ("R1", 6, "D-B"),
            ("R2", 0, "D-A"),
        ),
        units=4,
        penalty=26,
    ),
    # R1/R2 (weight 3) on different shifts on day 1, R2/R3 (default 1) on day 2: 2 x (3 + 1).
    "partners": Case(
        {"params": {}, "weight": 2},
        roster=(
            *days("R1", "D-A", 0, 1, 3),
            ("R2", 0, "D-A"),
            ("R2", 1, "E-A"),
            ("R2", 2, "N-A"),
            ("R3", 2, "N-B"),
            ("R3", 3, "D-A"),
        ),
        units=2,
        penalty=8,
        tables={
            "partners": [
                {"registrar_a": "R1", "registrar_b": "R2", "weight": 3},
                {"registrar_a": "R2", "registrar_b": "R3", "weight": None},
            ]
        },
    ),
    # Away from home: R1 (home A) twice at B, R3 (home B) once at A.
    "site_preference": Case(
        {"params": {}, "weight": 2},
        roster=(("R1", 0, "D-B"), ("R1", 1, "N-B"), ("R2", 0, "D-A"), ("R3", 2, "D-A"), ("R3", 3, "D-B")),
        units=3,
        penalty=6,
        registrars=(registrar_row("R1"), registrar_row("R2"), registrar_row("R3", home="B")),
    ),
}
HARD_TYPES = sorted(t for t, (_, may_hard, _) in RULE_TYPES.items() if may_hard)


# ---------------------------------------------------------------- the verifier


def department(case: Case) -> Department:
    return tiny_department(list(case.registrars), **case.tables)


def make_rule(rule_type: str, case: Case, hard: bool = False) -> Rule:
    spec = case.rule
    return Rule(
        id=rule_type,
        type=rule_type,
        hard=hard,
        weight=int(spec["weight"]),
        params=spec["params"],
        applies_to=spec.get("applies_to", {}),
    )


def horizon(case: Case) -> Horizon:
    return Horizon(START, case.weeks)


def roster_frame(rows: Rows) -> pd.DataFrame:
    return pd.DataFrame(
        [{"registrar_id": r, "date": day(o), "shift": s} for r, o, s in rows],
        columns=["registrar_id", "date", "shift"],
    )


def validate(rule_type: str, case: Case, rows: Rows, hard: bool = False):
    rule = make_rule(rule_type, case, hard)
    pack = RulePack(id="verifier", name="verifier", version="1", description="", rules=(rule,))
    return validate_roster(department(case), pack, horizon(case), roster_frame(rows))


def fixed_model(rule_type: str, case: Case, rows: Rows, hard: bool, **options: Any) -> RosterModel | None:
    """The rule posted alone, every roster variable fixed to `rows`; None when a row has no
    variable (a hard rule that removes variables, e.g. approved leave, refuses it outright)."""
    rule = make_rule(rule_type, case, hard)
    pack = RulePack(id="verifier", name="verifier", version="1", description="", rules=(rule,))
    m = RosterModel(department(case), pack, horizon(case), **options)
    post_rule(m, rule)
    chosen = {(r, day(o), s) for r, o, s in rows}
    if not chosen <= set(m.x):
        return None
    for key, var in m.x.items():
        m.model.Add(var == int(key in chosen))
    return m


def run(m: RosterModel) -> tuple[int, cp_model.CpSolver]:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 7
    return solver.Solve(m.model), solver


def solver_penalty(rule_type: str, case: Case, rows: Rows, exact: bool) -> int:
    """The rule's ledger penalty on the fixed roster (relaxed unit variables minimised to exact)."""
    m = fixed_model(rule_type, case, rows, hard=False, exact=exact)
    assert m is not None, "the hand roster must be made of eligible shifts"
    ledger = m.ledgers[rule_type]
    m.model.Minimize(sum(t.coef * t.var for t in (*ledger.penalty, *ledger.units)))
    status, solver = run(m)
    assert status == cp_model.OPTIMAL
    return sum(t.coef * (t.var if isinstance(t.var, int) else solver.Value(t.var)) for t in ledger.penalty)


def hard_verdict(rule_type: str, case: Case, rows: Rows) -> str:
    m = fixed_model(rule_type, case, rows, hard=True)
    if m is None:
        return "NO_VARIABLE"
    status, solver = run(m)
    return solver.StatusName(status)


def broken_groups(rule_type: str, case: Case, rows: Rows) -> int:
    """Diagnose mode: the fewest hard groups (assumption literals) to switch off for the roster."""
    m = fixed_model(rule_type, case, rows, hard=True, diagnose=True)
    assert m is not None  # diagnose mode keeps every variable
    assert {key[0] for key in m.groups} <= {rule_type}
    m.model.Maximize(sum(m.groups.values()))
    status, solver = run(m)
    assert status == cp_model.OPTIMAL
    return len(m.groups) - round(solver.ObjectiveValue())


# ---------------------------------------------------------------- the tests


def test_every_rule_type_has_a_case_and_exactly_one_poster() -> None:
    assert set(CASES) == set(RULE_TYPES) == set(POSTERS)
    groups = [constraints.hours, constraints.rest, constraints.runs, constraints.counts]
    groups += [constraints.cover, constraints.leave, constraints.preferences, constraints.fairness]
    assert sum(len(group.POSTERS) for group in groups) == len(POSTERS)


@pytest.mark.parametrize("rule_type", sorted(RULE_TYPES))
def test_validator_count_is_the_hand_count(rule_type: str) -> None:
    case = CASES[rule_type]
    report = validate(rule_type, case, case.roster)
    assert report.hard_violations == 0  # no structural violation: only the rule under test counts
    assert report.units_by_rule[rule_type] == case.units
    assert report.penalty_by_rule[rule_type] == case.penalty


@pytest.mark.parametrize("rule_type", sorted(RULE_TYPES))
def test_solver_penalty_is_the_validators_count(rule_type: str) -> None:
    case = CASES[rule_type]
    expected = validate(rule_type, case, case.roster).penalty_by_rule[rule_type]
    assert expected == case.penalty
    assert solver_penalty(rule_type, case, case.roster, exact=False) == case.penalty
    assert solver_penalty(rule_type, case, case.roster, exact=True) == case.penalty


@pytest.mark.parametrize("rule_type", HARD_TYPES)
def test_hard_rule_refuses_the_broken_roster(rule_type: str) -> None:
    case = CASES[rule_type]
    assert case.compliant, "a rule type that may be hard needs a compliant roster"
    report = validate(rule_type, case, case.roster, hard=True)
    assert report.units_by_rule[rule_type] == case.units and report.hard_violations == case.units
    expected = "NO_VARIABLE" if rule_type == "approved_leave" else "INFEASIBLE"  # leave days: no x
    assert hard_verdict(rule_type, case, case.roster) == expected
    assert broken_groups(rule_type, case, case.roster) == case.groups
    assert validate(rule_type, case, case.compliant, hard=True).hard_violations == 0
    assert hard_verdict(rule_type, case, case.compliant) == "OPTIMAL"
    assert broken_groups(rule_type, case, case.compliant) == 0
    assert solver_penalty(rule_type, case, case.compliant, exact=False) == 0


# ---------------------------------------------------------------- windows that reach into history

# Weekly rosters planned one after another are held to windows that span their border: a window
# of weekends, or a rolling window of days, that ends in the horizon reaches back into history
# (docs/engine-spec.md §4). Day -2 is the Saturday before the horizon, day -9 the one before it.
HISTORY_CASES: dict[str, tuple[str, Case]] = {
    # 1 weekend in 2. R1 worked last Saturday and works Saturday (1 unit), R2 last Sunday and Sunday
    # (1); R3's history weekend two back lies in no window that ends in the horizon (0).
    "weekend window": (
        "weekend_limit",
        Case(
            {"params": {"window": 2, "max_in_window": 1}, "weight": 5},
            roster=(("R1", 5, "D-A"), ("R2", 6, "D-A"), ("R3", 5, "D-A")),
            units=2,
            penalty=10,
            compliant=(("R1", 4, "D-A"), ("R2", 0, "D-A"), ("R3", 5, "D-A")),
            tables={"history": history(("R1", -2, "D-A"), ("R2", -1, "D-A"), ("R3", -9, "D-A"))},
        ),
    ),
    # 2 days off in every 7 days in a row. R1 worked days -3..-1 and works 0..3: the windows from
    # day -3 (no day off: 2 units) and day -2 (day 4 off: 1 unit) break it; from -1 and 0 they hold.
    "rolling days off": (
        "days_off_per_window",
        Case(
            {"params": {"window_days": 7, "min_days_off": 2, "rolling": True}, "weight": 3},
            roster=(*days("R1", "D-A", 0, 1, 2, 3), *days("R2", "D-A", 0, 1, 2, 3, 4)),
            units=3,
            penalty=9,
            compliant=(*days("R1", "D-A", 2, 3, 4), *days("R2", "D-A", 0, 1, 2, 3, 4)),
            tables={"history": history(*days("R1", "D-A", -3, -2, -1))},
        ),
    ),
    # Runs of at least 3 days off, a unit per missing day; known days from day -4 (R1's history).
    # R1: off run -3..-2 closed by day -1 is history's (0); day 2 off alone (2). R2: days 1-2 (1), day 6
    # touches the horizon end. R3: day -1 off alone, closed by day 0, is judged here (2).
    "short days-off run": (
        "run_shortfall",
        Case(
            {"params": {"min": 3, "off": True}, "weight": 5},
            roster=(
                *days("R1", "D-A", 0, 1, 3, 4, 5, 6),
                *days("R2", "D-A", 0, 3, 4, 5),
                *days("R3", "D-A", 0, 1, 2, 3, 4, 5, 6),
            ),
            units=5,
            penalty=25,
            compliant=(
                *days("R1", "D-A", 0, 1, 5, 6),
                *days("R2", "D-A", 0, 4, 5, 6),
                *days("R3", "D-A", 2, 3, 4, 5, 6),
            ),
            tables={"history": history(("R1", -4, "D-A"), ("R1", -1, "D-A"), ("R3", -2, "D-A"))},
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(HISTORY_CASES))
def test_windows_reach_back_into_history(name: str) -> None:
    rule_type, case = HISTORY_CASES[name]
    assert validate(rule_type, case, case.roster).units_by_rule[rule_type] == case.units
    assert solver_penalty(rule_type, case, case.roster, exact=False) == case.penalty
    assert solver_penalty(rule_type, case, case.roster, exact=True) == case.penalty
    assert hard_verdict(rule_type, case, case.roster) == "INFEASIBLE"
    assert validate(rule_type, case, case.compliant, hard=True).hard_violations == 0
    assert hard_verdict(rule_type, case, case.compliant) == "OPTIMAL"


@pytest.mark.parametrize(
    ("nights", "period_weeks", "verdict"),
    [((0, 8), None, "INFEASIBLE"), ((0, 8), 1, "OPTIMAL"), ((0, 2), 1, "INFEASIBLE")],
)
def test_horizon_limits_hold_in_each_period(nights: tuple[int, ...], period_weeks: int | None, verdict: str):
    """A limit stated over the horizon (here 1 night) holds in each week when the horizon is cut
    into periods of a week: a week solved with a week of lookahead keeps the week's own limit."""
    case = Case(
        {"params": {"selector": NIGHTS, "max": 1}, "weight": 1}, roster=(), units=0, penalty=0, weeks=2
    )
    rows = days("R1", "N-A", *nights)
    m = fixed_model("max_shifts_of_type", case, rows, hard=True, period_weeks=period_weeks)
    assert m is not None
    status, solver = run(m)
    assert solver.StatusName(status) == verdict
