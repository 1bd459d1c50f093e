"""The validator's own reading of the department tables, against values worked out from the spec."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pandas as pd
import pytest

from roster_pipeline.core.domain import Department, Horizon
from roster_pipeline.core.rules import Rule
from roster_pipeline.validator.department import (
    DepartmentReading,
    Period,
    cover_demands,
    in_scope,
    leave_days,
    read_registrars,
    read_shift_types,
    span_minutes,
)
from roster_pipeline.validator.report import RosterError

from factories import START, day, registrar_row


def cover_row(shift: str, lo: int, date: dt.date | None = None, days: str | None = None, skill=None) -> dict:
    return {
        "date": date,
        "days": days,
        "site": "A",
        "shift": shift,
        "skill": skill,
        "min": lo,
        "target": lo,
        "max": 9,
    }


def test_shift_lengths_run_past_midnight() -> None:
    assert span_minutes(8 * 60, 16 * 60 + 30) == 510
    assert span_minutes(22 * 60, 8 * 60 + 30) == 630  # ends the next day
    assert span_minutes(8 * 60, 8 * 60) == 1440  # end <= start: the next day
    shifts = read_shift_types(
        [
            {
                "code": " N ",
                "site": "A",
                "start": "21:00",
                "end": "07:00",
                "kind": "night",
                "skills": "senior|airway",
            }
        ]
    )
    assert shifts["N"].minutes == 600 and shifts["N"].skills == ("senior", "airway")


def test_contract_hours_default_to_forty_times_fte_exactly() -> None:
    rows = [registrar_row("R1", fte=0.7), {**registrar_row("R2", fte=0.5), "contract_hours": 24}]
    rows[0]["contract_hours"] = None
    registrars = read_registrars(rows)
    assert registrars["R1"].contract_hours == 28 and registrars["R1"].fte == Fraction(7, 10)
    assert registrars["R2"].contract_hours == 24
    assert registrars["R1"].sites == ("A", "B")


def test_the_most_specific_cover_row_wins() -> None:
    period = Period.of(Horizon(START, 1))  # Monday 2027-02-01 .. Sunday 2027-02-07
    table = [
        cover_row("D", 1, days="all"),
        cover_row("D", 2, days="weekday"),
        cover_row("D", 3, days="Wed|Sat"),
        cover_row("D", 4, date=day(2)),
        cover_row("D", 5, days="all", skill="senior"),
    ]
    demands = cover_demands(table, period)
    plain = {d.date: d.min for d in demands if d.skill is None}
    # Mon, Tue weekday; Wed its date row; Thu, Fri weekday; Sat its name; Sun all.
    assert [plain[day(k)] for k in range(7)] == [2, 2, 4, 2, 2, 3, 1]
    assert [d.min for d in demands if d.skill == "senior"] == [5] * 7


def test_two_cover_rows_of_equal_rank_are_refused() -> None:
    period = Period.of(Horizon(START, 1))
    with pytest.raises(RosterError, match="cover rows 1 and 2"):
        cover_demands([cover_row("D", 1, days="Mon"), cover_row("D", 2, days="Mon|Tue")], period)


def test_leave_days_by_status_are_inclusive() -> None:
    table = [
        {"registrar_id": "R1", "start": day(1), "end": day(3), "status": "approved"},
        {"registrar_id": "R1", "start": day(6), "end": day(6), "status": "requested"},
        {"registrar_id": "R2", "start": "2027-02-05", "end": "2027-02-05", "status": "approved "},
    ]
    assert leave_days(table, "approved") == {"R1": {day(1), day(2), day(3)}, "R2": {day(4)}}
    assert leave_days(table, "requested") == {"R1": {day(6)}}


def test_history_before_the_horizon_sets_the_known_start() -> None:
    history = [
        {"registrar_id": "R1", "date": day(-3), "shift": "D"},
        {"registrar_id": "R2", "date": day(-5), "shift": None},  # a known day off
        {"registrar_id": "R1", "date": day(0), "shift": "D"},  # in the horizon: ignored
    ]
    department = Department(
        tables={
            "registrars": pd.DataFrame([registrar_row("R1"), registrar_row("R2")]),
            "shift_types": pd.DataFrame(columns=["code", "site", "start", "end", "kind"]),
            "history": pd.DataFrame(history),
        }
    )
    reading = DepartmentReading(department, Period.of(Horizon(START, 1)))
    assert reading.known_start == day(-5)
    assert reading.history == [("R1", day(-3), "D"), ("R2", day(-5), None)]
    empty = DepartmentReading(Department(tables={}), Period.of(Horizon(START, 1)))
    assert empty.known_start == START and empty.registrars == {}


def test_a_rule_applies_to_any_listed_id_grade_or_skill() -> None:
    registrars = read_registrars(
        [
            registrar_row("R1"),
            {**registrar_row("R2"), "grade": "senior registrar"},
            {**registrar_row("R3"), "skills": "airway"},
        ]
    )
    everyone = Rule(id="x", type="min_rest", hard=True, weight=0, params={})
    scoped = Rule(
        id="y",
        type="min_rest",
        hard=True,
        weight=0,
        params={},
        applies_to={"registrars": ["R1"], "grades": ["senior registrar"], "skills": ["airway"]},
    )
    grade_only = Rule(
        id="z", type="min_rest", hard=True, weight=0, params={}, applies_to={"grades": ["consultant"]}
    )
    assert [in_scope(everyone, r) for r in registrars.values()] == [True, True, True]
    assert [in_scope(scoped, r) for r in registrars.values()] == [True, True, True]
    by_skill = Rule(
        id="s", type="min_rest", hard=True, weight=0, params={}, applies_to={"skills": ["airway"]}
    )
    by_id = Rule(id="i", type="min_rest", hard=True, weight=0, params={}, applies_to={"registrars": ["R2"]})
    assert [in_scope(by_skill, r) for r in registrars.values()] == [False, False, True]
    assert [in_scope(by_id, r) for r in registrars.values()] == [False, True, False]
    assert [in_scope(grade_only, r) for r in registrars.values()] == [False, False, False]
