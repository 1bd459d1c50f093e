"""Break one rule once (mutation style): for every rule type a hand-made roster that keeps the rule,
then one roster row added, dropped or changed, and the validator must report exactly one violation
unit of that rule (and nothing before). No solver: expected values are worked out by hand below.

Shifts (tests/factories.shift_types): D 08:00-16:30 and E 14:00-22:30 (510 min), N 22:00-08:30
(630 min, ends the next day), at sites A and B. Day 0 is Monday 2027-02-01; no history, so the
known days start on day 0. Registrars work at A and B, home A, 40 h at FTE 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest

from roster_pipeline.core.domain import Horizon
from roster_pipeline.core.rules import RULE_TYPES, Rule, RulePack
from roster_pipeline.validator import ValidationReport, validate_roster

from factories import START, day, registrar_row, tiny_department

Row = tuple[str, int, str]  # (registrar, day offset, shift code)
NIGHTS = {"kinds": ["night"]}
ONE = (registrar_row("R1"),)
TWO = (registrar_row("R1"), registrar_row("R2"))
EVERY_DAY = tuple(("R1", k, "D-A") for k in range(7))


@dataclass(frozen=True)
class Case:
    """A rule, a roster within it, and the one row dropped and/or added that breaks it once."""

    params: dict[str, Any]
    base: tuple[Row, ...]
    drop: Row | None = None
    add: Row | None = None
    tables: dict[str, list[dict]] = field(default_factory=dict)
    registrars: tuple[dict, ...] = ONE
    weeks: int = 1


CASES: dict[str, Case] = {
    # D day 0 ends 16:30, D day 1 starts 08:00 (15.5 h); as E day 0 it ends 22:30 (9.5 h < 10).
    "min_rest": Case({"hours": 10}, (("R1", 0, "D-A"), ("R1", 1, "D-A")), ("R1", 0, "D-A"), ("R1", 0, "E-A")),
    # D lasts 8.5 h, N 10.5 h.
    "max_shift_length": Case({"hours": 10}, (("R1", 0, "D-A"),), ("R1", 0, "D-A"), ("R1", 0, "N-A")),
    # 1500 min per 3 days: two Ds (1020) keep it, a third makes days 0-2 1530 (30 min over: 1 unit).
    "max_hours_rolling": Case(
        {"hours": 25, "days": 3}, (("R1", 0, "D-A"), ("R1", 1, "D-A")), add=("R1", 2, "D-A")
    ),
    # 42 h a week = 2520 min: four Ds (2040) keep it, a fifth (2550) is 30 min over.
    "max_avg_weekly_hours": Case(
        {"hours": 42}, tuple(("R1", k, "D-A") for k in range(4)), add=("R1", 4, "D-A")
    ),
    # Target 40 h = 2400 min; band [1200, ceil(2400 * 1.05) = 2520]: 2040 inside, 2550 30 min over.
    "contract_hours": Case(
        {"min_fraction": 0.5, "max_fraction": 1.05},
        tuple(("R1", k, "D-A") for k in range(4)),
        add=("R1", 4, "D-A"),
    ),
    # [600, 1100] min: D + D = 1020 inside, D + N = 1140 is 40 min over.
    "total_minutes": Case(
        {"min_minutes": 600, "max_minutes": 1100},
        (("R1", 0, "D-A"), ("R1", 1, "D-A")),
        ("R1", 1, "D-A"),
        ("R1", 1, "N-A"),
    ),
    # Three days in a row, then a fourth: one 4-day window all worked.
    "max_consecutive_days": Case({"max": 3}, tuple(("R1", k, "D-A") for k in range(3)), add=("R1", 3, "D-A")),
    # Days 1-2 worked between days off 0 and 3; without day 2, day 1 is a 1-day run.
    "min_consecutive_days": Case({"min": 2}, (("R1", 1, "D-A"), ("R1", 2, "D-A")), drop=("R1", 2, "D-A")),
    # Off on days 3-4 only; working day 4 leaves day 3 a single day off between worked days.
    "min_consecutive_days_off": Case(
        {"min": 2}, tuple(("R1", k, "D-A") for k in (0, 1, 2, 5, 6)), add=("R1", 4, "D-A")
    ),
    # Off on days 1-2 only; without day 3, days 1-3 are one 3-day window off.
    "max_consecutive_days_off": Case(
        {"max": 2}, tuple(("R1", k, "D-A") for k in (0, 3, 4, 5, 6)), drop=("R1", 3, "D-A")
    ),
    # Days 1-2 worked between days off 0 and 3; without day 2, day 1 is one day short of 2.
    "run_shortfall": Case({"min": 2}, (("R1", 1, "D-A"), ("R1", 2, "D-A")), drop=("R1", 2, "D-A")),
    # Two nights in a row, then a third: one 3-day window of nights.
    "max_consecutive_kind": Case(
        {"selector": NIGHTS, "max": 2}, (("R1", 0, "N-A"), ("R1", 1, "N-A")), add=("R1", 2, "N-A")
    ),
    # E, E, off, D: fine; an evening on day 2 is followed by the day shift on day 3.
    "forbidden_succession": Case(
        {"from": {"kinds": ["evening"]}, "to": {"kinds": ["day"]}},
        (("R1", 0, "E-A"), ("R1", 1, "E-A"), ("R1", 3, "D-A")),
        add=("R1", 2, "E-A"),
    ),
    # At most one night in the horizon.
    "max_shifts_of_type": Case({"selector": NIGHTS, "max": 1}, (("R1", 0, "N-A"),), add=("R1", 3, "N-A")),
    # At most one night in any 3 days: nights 0 and 3 keep it, night 5 puts two in days 3-5.
    "max_shifts_in_window": Case(
        {"selector": NIGHTS, "max": 1, "days": 3}, (("R1", 0, "N-A"), ("R1", 3, "N-A")), add=("R1", 5, "N-A")
    ),
    # Two weeks; at most one worked weekend: Saturday 5, then Saturday 12 as well.
    "weekend_limit": Case({"max": 1}, (("R1", 5, "D-A"),), add=("R1", 12, "D-A"), weeks=2),
    # Saturday and Sunday worked; without Sunday the weekend is incomplete.
    "complete_weekends": Case({}, (("R1", 5, "D-A"), ("R1", 6, "D-A")), drop=("R1", 6, "D-A")),
    # Two days off in the week: days 0-4 worked keep it, day 5 as well leaves one.
    "days_off_per_window": Case(
        {"window_days": 7, "min_days_off": 2}, tuple(("R1", k, "D-A") for k in range(5)), add=("R1", 5, "D-A")
    ),
    # D-A needs 1 or 2 every day: R1 every day, then not on day 3.
    "cover_limits": Case(
        {},
        EVERY_DAY,
        drop=("R1", 3, "D-A"),
        tables={
            "cover": [
                {
                    "date": None,
                    "days": "all",
                    "site": "A",
                    "shift": "D-A",
                    "skill": None,
                    "min": 1,
                    "target": 1,
                    "max": 2,
                }
            ]
        },
    ),
    # Target 1 every day; R2 on day 3 too is one over (over_weight 1: 1 weighted unit).
    "cover_target": Case(
        {"under_weight": 1, "over_weight": 1},
        EVERY_DAY,
        add=("R2", 3, "D-A"),
        tables={
            "cover": [
                {
                    "date": None,
                    "days": "all",
                    "site": "A",
                    "shift": "D-A",
                    "skill": None,
                    "min": 0,
                    "target": 1,
                    "max": 2,
                }
            ]
        },
        registrars=TWO,
    ),
    # Approved leave days 2-3; working day 2.
    "approved_leave": Case(
        {},
        (("R1", 0, "D-A"), ("R1", 1, "D-A"), ("R1", 4, "D-A")),
        add=("R1", 2, "D-A"),
        tables={
            "leave": [
                {
                    "registrar_id": "R1",
                    "start": day(2),
                    "end": day(3),
                    "type": "annual",
                    "status": "approved",
                    "weight": None,
                    "reason": "",
                }
            ]
        },
    ),
    # Requested leave on day 2 (weight 3); working it.
    "requested_leave": Case(
        {},
        (("R1", 0, "D-A"), ("R1", 1, "D-A")),
        add=("R1", 2, "D-A"),
        tables={
            "leave": [
                {
                    "registrar_id": "R1",
                    "start": day(2),
                    "end": day(2),
                    "type": "annual",
                    "status": "requested",
                    "weight": 3,
                    "reason": "",
                }
            ]
        },
    ),
    # Training 13:00-17:00 on day 1: a night that day starts after it, a day shift overlaps it.
    "training": Case(
        {},
        (("R1", 0, "D-A"), ("R1", 1, "N-A")),
        ("R1", 1, "N-A"),
        ("R1", 1, "D-A"),
        tables={
            "training": [
                {
                    "registrar_id": "R1",
                    "group": None,
                    "date": day(1),
                    "start": "13:00",
                    "end": "17:00",
                    "name": "simulation",
                }
            ]
        },
    ),
    # Day 2 off requested (weight 2); working it.
    "requests": Case(
        {},
        (("R1", 0, "D-A"), ("R1", 1, "D-A")),
        add=("R1", 2, "D-A"),
        tables={
            "preferences": [
                {
                    "registrar_id": "R1",
                    "start": day(2),
                    "end": None,
                    "request": "day_off",
                    "shift": None,
                    "weight": 2,
                    "note": "",
                }
            ]
        },
    ),
    # Nights, FTE 1 each: shares 500. R1's balance 0.6 night, band 1 night (B = 1000, D = 100).
    # Base: one night each, dev R1 = 600 + 1000 - 500 * 2 = 600, R2 = 0: inside the band.
    # A second night for R1: dev R1 = 600 + 2000 - 1500 = 1100 (one tenth over), R2 = -500.
    "fairness": Case(
        {"measure": "nights", "band": 1, "band_weight": 1},
        (("R1", 0, "N-A"), ("R2", 1, "N-A")),
        add=("R1", 3, "N-A"),
        tables={
            "history_totals": [
                {"registrar_id": "R1", "nights_balance": 0.6},
                {"registrar_id": "R2", "nights_balance": 0.0},
            ]
        },
        registrars=TWO,
    ),
    # Kind changes only: D then D, then D then E.
    "continuity": Case(
        {"kind_change": 1}, (("R1", 0, "D-A"), ("R1", 1, "D-A")), ("R1", 1, "D-A"), ("R1", 1, "E-A")
    ),
    # Partners both on D-A on day 0, then R2 on E-A.
    "partners": Case(
        {},
        (("R1", 0, "D-A"), ("R2", 0, "D-A")),
        ("R2", 0, "D-A"),
        ("R2", 0, "E-A"),
        tables={"partners": [{"registrar_a": "R1", "registrar_b": "R2", "weight": 1}]},
        registrars=TWO,
    ),
    # Home site A; the same day shift at B.
    "site_preference": Case({}, (("R1", 0, "D-A"),), ("R1", 0, "D-A"), ("R1", 0, "D-B")),
}

# The other parts of rule types with several parts, each broken once on its own.
PARTS: dict[str, tuple[str, Case]] = {
    # Nights 0-1 end 08:30 day 2; 24 h rest: E day 3 (14:00) is after 08:30 day 3, D day 3 (08:00) not.
    "rest after a run of nights": (
        "max_consecutive_kind",
        Case(
            {"selector": NIGHTS, "max": 3, "rest_hours": 24},
            (("R1", 0, "N-A"), ("R1", 1, "N-A"), ("R1", 3, "E-A")),
            ("R1", 3, "E-A"),
            ("R1", 3, "D-A"),
        ),
    ),
    # At most one of any two consecutive weekends: Saturday 5, then Sunday 13 too.
    "weekends per window": (
        "weekend_limit",
        Case({"window": 2, "max_in_window": 1}, (("R1", 5, "D-A"),), add=("R1", 13, "D-A"), weeks=2),
    ),
    # Off days 2, 5, 6 (a 2-day run); working day 6 keeps two days off but no run of two.
    "consecutive days off in a window": (
        "days_off_per_window",
        Case(
            {"window_days": 7, "min_days_off": 2, "min_consecutive_off": 2},
            tuple(("R1", k, "D-A") for k in (0, 1, 3, 4)),
            add=("R1", 6, "D-A"),
        ),
    ),
    # Days 1-2 worked; without day 2, day 1 is isolated (days 0 and 2 off).
    "isolated day": (
        "continuity",
        Case({"isolated": 1}, (("R1", 1, "D-A"), ("R1", 2, "D-A")), drop=("R1", 2, "D-A")),
    ),
    # D-A then D-A; then D-A then D-B.
    "site change": (
        "continuity",
        Case({"site_change": 1}, (("R1", 0, "D-A"), ("R1", 1, "D-A")), ("R1", 1, "D-A"), ("R1", 1, "D-B")),
    ),
}
ALL_CASES: dict[str, tuple[str, Case]] = {**{t: (t, c) for t, c in CASES.items()}, **PARTS}


def roster_frame(rows: tuple[Row, ...] | list[Row]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"registrar_id": r, "date": day(o), "shift": s} for r, o, s in rows],
        columns=["registrar_id", "date", "shift"],
    )


def broken(case: Case) -> list[Row]:
    """The base roster with the one change."""
    rows = [row for row in case.base if row != case.drop]
    return rows + ([case.add] if case.add else [])


def report(rule_type: str, case: Case, rows: tuple[Row, ...] | list[Row], hard: bool) -> ValidationReport:
    rule = Rule(id=rule_type, type=rule_type, hard=hard, weight=3, params=case.params)
    pack = RulePack(id="break-one", name="break-one", version="1", description="", rules=(rule,))
    department = tiny_department(list(case.registrars), **case.tables)
    return validate_roster(department, pack, Horizon(START, case.weeks), roster_frame(rows))


def test_every_rule_type_has_a_case_breaking_one_thing() -> None:
    assert set(CASES) == set(RULE_TYPES)
    for rule_type, case in ALL_CASES.values():
        assert case.drop is None or case.drop in case.base, rule_type
        assert case.drop or case.add, rule_type
        if case.drop and case.add:  # a change: the same registrar and day, another shift
            assert case.drop[:2] == case.add[:2] and case.drop[2] != case.add[2], rule_type


@pytest.mark.parametrize("name", list(ALL_CASES))
def test_a_roster_breaking_one_rule_once_is_reported_once(name: str) -> None:
    rule_type, case = ALL_CASES[name]
    _, may_hard, may_soft = RULE_TYPES[rule_type]
    hard = not may_soft
    before = report(rule_type, case, case.base, hard)
    assert before.violations == [], before.format_text()
    after = report(rule_type, case, broken(case), hard)
    assert [(v.rule_id, v.units) for v in after.violations] == [(rule_type, 1)], after.format_text()
    if may_soft:  # soft: weight 3 times the row's own weight where the spec prices by row
        row_weight = {"requested_leave": 3, "requests": 2}.get(rule_type, 1)
        assert after.soft_penalty == 3 * row_weight
    if may_hard:
        hard_report = report(rule_type, case, broken(case), hard=True)
        assert hard_report.hard_violations == 1 and hard_report.soft_penalty == 0
