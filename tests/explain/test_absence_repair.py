"""The assistant's "what changes if R2 is sick on Wednesday?": the repair a sick call would get, on
the hand-made week (tests/factories.py), with public reasons only and nothing recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from roster_pipeline.core.department_io import load_department
from roster_pipeline.explain.assistant.living_tools import absence_repair
from roster_pipeline.explain.facts import RosterContext, normalise_assignments

from factories import HORIZON_WEEK, WEEK_PACK, WEEK_ROSTER, write_week

WED = dt.date(2027, 2, 3)


def context(tmp_path: Path) -> RosterContext:
    department = load_department(write_week(tmp_path / "week"))
    return RosterContext(department, WEEK_PACK, HORIZON_WEEK, normalise_assignments(WEEK_ROSTER), seed=0)


def test_a_hypothetical_sick_day_shows_the_repair(tmp_path: Path) -> None:
    result = absence_repair(context(tmp_path), "R2", WED, WED)
    assert result["event"] == "R2 unavailable 2027-02-03"
    assert result["changed_assignments"] == 2 and result["uncovered"] == [] and result["hard_violations"] == 0
    own = next(c for c in result["changes"] if c["registrar_id"] == "R2")
    assert (own["date"], own["before"], own["after"], own["reason"]) == (
        "2027-02-03",
        "D",
        "",
        "R2 unavailable on 2027-02-03",
    )
    cover = next(c for c in result["changes"] if c["registrar_id"] != "R2")
    assert cover["after"] == "D" and "has 0 registrars; the minimum is 1" in cover["reason"]
    assert all("sick" not in c["reason"] for c in result["changes"])


def test_two_days_away_take_two_covers(tmp_path: Path) -> None:
    # R3 away Fri and Sat: both D shifts go, and each needs someone else on it (four changes).
    result = absence_repair(context(tmp_path), "R3", dt.date(2027, 2, 5), dt.date(2027, 2, 6))
    moved = {(c["registrar_id"], c["date"], c["before"], c["after"]) for c in result["changes"]}
    assert {("R3", "2027-02-05", "D", ""), ("R3", "2027-02-06", "D", "")} <= moved
    assert len(moved) == 4 and result["hard_violations"] == 0
