"""The Great Expectations suites on warehouse outputs: a clean hand-made week passes, and each
expectation fails on a row broken on purpose (its count of unexpected values worked out by hand)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_contracts.suites import (
    fairness_suite,
    joblines_suite,
    leave_clashes,
    lines_per_term,
    roster_week_suite,
    validate,
)

WEEK = dt.date(2027, 2, 1)
LEAVE = pd.DataFrame(
    {
        "registrar_id": ["R2", "R3"],
        "start": [dt.date(2027, 2, 3), dt.date(2027, 2, 1)],
        "end": [dt.date(2027, 2, 4), dt.date(2027, 2, 7)],
        "status": ["approved", "requested"],  # R3's request is not approved: R3 may work
    }
)


def shift(registrar: str, day: int, code: str = "D", hours: float = 10.0) -> dict:
    date = pd.Timestamp(WEEK) + pd.Timedelta(days=day)
    return {
        "registrar_id": registrar,
        "date": date,
        "shift": code,
        "start_at": date + pd.Timedelta(hours=8),
        "end_at": date + pd.Timedelta(hours=8 + hours),
        "hours": hours,
    }


CLEAN = [shift("R1", 0), shift("R1", 1, "N", 12.0), shift("R2", 0), shift("R2", 5), shift("R3", 2)]


def roster(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    return frame.assign(leave_clash=leave_clashes(frame, LEAVE))


def failures(rows: list[dict]) -> dict[str, int]:
    outcome = validate("roster_week", roster(rows), roster_week_suite(WEEK))
    return {o.meaning: o.unexpected for o in outcome.failed}


def test_a_clean_week_passes() -> None:
    outcome = validate("roster_week", roster(CLEAN), roster_week_suite(WEEK))
    assert outcome.passed and outcome.rows == 5 and len(outcome.outcomes) == 10


@pytest.mark.parametrize(
    ("extra", "broken"),
    [
        (
            [shift("R1", 0)],  # a duplicate is also two shifts on one day
            {
                "assignments unique per registrar, date and shift": 2,
                "at most one shift per registrar and day": 2,
            },
        ),
        ([shift("R1", 0, "N")], {"at most one shift per registrar and day": 2}),
        ([shift("R4", 7)], {"every date inside the week 2027-02-01..2027-02-07": 1}),
        (
            [shift("R2", 2), shift("R2", 3), shift("R2", 4)],
            {"no assignment on approved leave": 2},
        ),  # 3rd, 4th
        ([shift("R4", 3, hours=25.0)], {"a shift lasts 0 to 24 hours": 1}),
        ([{**shift("R4", 4), "end_at": pd.NaT}], {"end_at present": 1}),
    ],
)
def test_each_expectation_catches_its_break(extra: list[dict], broken: dict[str, int]) -> None:
    assert failures(CLEAN + extra) == broken


def test_leave_clashes_name_the_registrar_and_day() -> None:
    clashes = leave_clashes(pd.DataFrame([shift("R2", 2), shift("R2", 3), shift("R3", 3)]), LEAVE)
    assert clashes.tolist() == ["R2 on 2027-02-03", "R2 on 2027-02-04", ""]


def ledger_row(registrar: str, **changes: float) -> dict:
    row = {
        "week_start": pd.Timestamp(WEEK),
        "registrar_id": registrar,
        "fte": 1.0,
        "available_days": 5,
        "nights": 2,
        "weekends": 1,
        "public_holidays": 0,
        "hours": 48.0,
        "cum_nights": 6,
        "cum_weekends": 2,
        "cum_public_holidays": 0,
        "cum_hours": 140.0,
        "nights_balance": 0.5,
        "weekends_balance": -0.5,
        "hours_balance": 2.0,
    }
    return {**row, **changes}


@pytest.mark.parametrize(
    ("rows", "broken"),
    [
        ([ledger_row("R1"), ledger_row("R2", fte=0.5)], {}),
        ([ledger_row("R1"), ledger_row("R1")], {"one row per registrar": 2}),
        ([ledger_row("R1", fte=2.0)], {"FTE between 0 and 1.5": 1}),
        ([ledger_row("R1", nights=8)], {"nights 0 to 7": 1}),
        ([ledger_row("R1", hours=170.0)], {"hours 0 to 168 in the week": 1}),
        ([ledger_row("R1", cum_hours=-1.0)], {"running hours not negative": 1}),
        ([ledger_row("R1", nights_balance=float("nan"))], {"nights balance defined": 1}),
        (
            [ledger_row("R1", week_start=pd.Timestamp(WEEK) + pd.Timedelta(days=7))],
            {"every row of the week 2027-02-01": 1},
        ),
    ],
)
def test_fairness_ledger_suite(rows: list[dict], broken: dict[str, int]) -> None:
    outcome = validate("fairness_ledger", pd.DataFrame(rows), fairness_suite(WEEK))
    assert {o.meaning: o.unexpected for o in outcome.failed} == broken


def lines(*rows: tuple[str, int, str | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["line_id", "term", "rotation_id"])


@pytest.mark.parametrize(
    ("frame", "broken"),
    [
        (lines(("L1", 1, "a"), ("L1", 2, "b"), ("L2", 1, "b"), ("L2", 2, "a")), []),
        (lines(("L1", 1, "a"), ("L1", 2, "b")), ["2 lines, as requested"]),
        (
            lines(("L1", 1, "a"), ("L1", 2, "b"), ("L2", 1, "b")),
            ["every line has all 2 terms"],
        ),
        (
            lines(("L1", 1, "a"), ("L1", 2, None), ("L2", 1, "b"), ("L2", 2, "a")),
            ["every term of every line has a rotation"],
        ),
    ],
)
def test_joblines_suite(frame: pd.DataFrame, broken: list[str]) -> None:
    outcome = validate("joblines", lines_per_term(frame), joblines_suite(2, 2))
    assert [o.meaning for o in outcome.failed] == broken
