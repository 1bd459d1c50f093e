"""Exact unit counts of the independent validator on tiny hand-made departments and rosters."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

import pandas as pd
import pytest

from roster_pipeline.core.domain import Department, Horizon
from roster_pipeline.core.rules import Rule, RulePack
from roster_pipeline.validator import RosterError, ValidationReport, validate_roster

START = dt.date(2027, 2, 1)  # a Monday

# code, site, start, end, kind, skills
SHIFTS = [
    ("D", "A", "08:00", "17:00", "day", ""),  # 9 h
    ("E", "A", "14:00", "23:00", "evening", ""),  # 9 h
    ("N", "A", "21:00", "08:00", "night", ""),  # 11 h, ends next day
    ("L", "A", "08:00", "21:00", "long-day", ""),  # 13 h
    ("T", "A", "08:00", "10:00", "day", ""),  # 2 h
    ("NS", "A", "21:00", "08:00", "night", "senior"),
    ("DB", "B", "08:00", "17:00", "day", ""),
]


def d(offset: int) -> dt.date:
    """Horizon start + offset days (negative offsets are history days)."""
    return START + dt.timedelta(days=offset)


def reg(
    rid: str,
    grade: str = "reg",
    home: str = "A",
    sites: str = "A|B",
    skills: str = "",
    fte: float = 1.0,
    contract_hours: float | None = None,
) -> dict[str, Any]:
    return {
        "registrar_id": rid,
        "name": f"Dr {rid}",
        "grade": grade,
        "home_site": home,
        "sites": sites,
        "skills": skills,
        "fte": fte,
        "contract_hours": contract_hours,
        "email": None,
    }


def make_department(
    registrars: list[dict[str, Any]] | None = None, **tables: list[dict[str, Any]]
) -> Department:
    """A department with R1..R3 (unless given), SHIFTS, no cover, and any extra tables as row dicts."""
    frames = {
        "registrars": pd.DataFrame(registrars or [reg("R1"), reg("R2"), reg("R3")]),
        "shift_types": pd.DataFrame(SHIFTS, columns=["code", "site", "start", "end", "kind", "skills"]),
        "cover": pd.DataFrame(columns=["date", "days", "site", "shift", "skill", "min", "target", "max"]),
    }
    for name, rows in tables.items():
        frames[name] = pd.DataFrame(rows)
    return Department(tables=frames)


def leave(
    rid: str, first: int, last: int, status: str, weight: int | None = None, reason: str = ""
) -> dict[str, Any]:
    return {
        "registrar_id": rid,
        "start": d(first),
        "end": d(last),
        "type": "annual",
        "status": status,
        "weight": weight,
        "reason": reason,
    }


def training(who: str, day: int, start: str, end: str, name: str) -> dict[str, Any]:
    """A training row for registrar `who` (R...) or else a group."""
    rid, group = (who, None) if who.startswith("R") else (None, who)
    return {"registrar_id": rid, "group": group, "date": d(day), "start": start, "end": end, "name": name}


def cover(
    shift: str,
    lo: int,
    target: int,
    hi: int,
    *,
    days: str | None = None,
    day: int | None = None,
    skill: str | None = None,
) -> dict[str, Any]:
    return {
        "date": None if day is None else d(day),
        "days": days,
        "site": "A",
        "shift": shift,
        "skill": skill,
        "min": lo,
        "target": target,
        "max": hi,
    }


def history(*rows: tuple[str, int, str]) -> list[dict[str, Any]]:
    return [{"registrar_id": r, "date": d(o), "shift": s} for r, o, s in rows]


def roster(*rows: tuple[str, int, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"registrar_id": r, "date": d(o), "shift": s} for r, o, s in rows],
        columns=["registrar_id", "date", "shift"],
    )


def rule(
    rule_type: str,
    params: dict[str, Any] | None = None,
    *,
    rule_id: str = "X",
    hard: bool = False,
    weight: int = 1,
    applies_to: dict[str, list[str]] | None = None,
) -> Rule:
    return Rule(
        id=rule_id, type=rule_type, hard=hard, weight=weight, params=params or {}, applies_to=applies_to or {}
    )


def check(
    department: Department, rules: list[Rule], rows: pd.DataFrame, weeks: int = 1, start: dt.date = START
) -> ValidationReport:
    pack = RulePack(id="test", name="test", version="1", description="", rules=tuple(rules))
    return validate_roster(department, pack, Horizon(start, weeks), rows)


def units(report: ValidationReport, rule_id: str = "X") -> int:
    return report.units_by_rule[rule_id]


def unit_map(report: ValidationReport, rule_id: str = "X") -> dict[str | None, int]:
    """Units per registrar for one rule."""
    out: dict[str | None, int] = {}
    for v in report.violations:
        if v.rule_id == rule_id:
            out[v.registrar_id] = out.get(v.registrar_id, 0) + v.units
    return out


# ---------------------------------------------------------------- structural rules


def test_one_shift_per_day_counts_extra_shifts() -> None:
    report = check(
        make_department(),
        [],
        roster(
            ("R1", 0, "D"), ("R1", 0, "E"), ("R2", 1, "D"), ("R2", 1, "E"), ("R2", 1, "T"), ("R3", 2, "D")
        ),
    )
    assert unit_map(report, "one-shift-per-day") == {"R1": 1, "R2": 2}
    assert report.hard_violations == 3


def test_eligibility_site_and_skill() -> None:
    dept = make_department([reg("R1", sites="A"), reg("R2", skills="senior"), reg("R3", sites="A")])
    rows = roster(("R1", 0, "DB"), ("R1", 1, "NS"), ("R2", 1, "NS"), ("R3", 2, "D"))
    report = check(dept, [], rows)
    assert unit_map(report, "eligibility") == {"R1": 2}
    assert report.violations[0].hard and report.violations[0].penalty == 0


# ---------------------------------------------------------------- hours and rest


def test_min_rest_across_midnight_with_history_shift() -> None:
    # History night on d-1 ends 08:00 on d0: a day shift at 08:00 on d0 has 0 h rest.
    dept = make_department(history=history(("R1", -1, "N")))
    report = check(dept, [rule("min_rest", {"hours": 10}, rule_id="VIC1")], roster(("R1", 0, "D")))
    assert units(report, "VIC1") == 1
    assert report.violations[0].dates == (d(-1), d(0))


def test_min_rest_message_and_history_only_pairs_ignored() -> None:
    # E d1 ends 23:00, D d2 starts 08:00: 9 h. D d3 -> D d4 is 15 h: fine.
    # History pair N d-3 -> D d-2 is short but b is not in the horizon.
    dept = make_department(history=history(("R1", -3, "N"), ("R1", -2, "D")))
    rows = roster(("R1", 1, "E"), ("R1", 2, "D"), ("R1", 3, "D"), ("R1", 4, "D"))
    report = check(dept, [rule("min_rest", {"hours": 10}, rule_id="VIC1")], rows)
    assert units(report, "VIC1") == 1
    assert report.violations[0].message == (
        "R1 has 9 h rest between E on 2027-02-02 and D on 2027-02-03; the minimum is 10 h (VIC1)"
    )


def test_min_rest_counts_every_ordered_pair() -> None:
    # With 40 h: D d0 ends 17:00; D d1 (15 h), D d2 (39 h after d0, 15 h after d1) -> 3 pairs.
    report = check(
        make_department(),
        [rule("min_rest", {"hours": 40})],
        roster(("R1", 0, "D"), ("R1", 1, "D"), ("R1", 2, "D")),
    )
    assert units(report) == 3


def test_min_rest_fractional_hours() -> None:
    # N d0 ends 08:00 d1; E d1 starts 14:00: 6 h rest < 6.5 h.
    report = check(
        make_department(), [rule("min_rest", {"hours": 6.5})], roster(("R1", 0, "N"), ("R1", 1, "E"))
    )
    assert units(report) == 1
    report = check(
        make_department(), [rule("min_rest", {"hours": 6})], roster(("R1", 0, "N"), ("R1", 1, "E"))
    )
    assert units(report) == 0


def test_max_shift_length() -> None:
    report = check(
        make_department(),
        [rule("max_shift_length", {"hours": 12})],
        roster(("R1", 0, "L"), ("R1", 2, "N"), ("R2", 0, "L")),
    )
    assert unit_map(report) == {"R1": 1, "R2": 1}


def test_max_hours_rolling_window_includes_history_days() -> None:
    # Known days start d-1. Windows of 3 days start at max(d-1, d0-2) = d-1.
    # [d-1..d1] = 27 h = 1620 min: over 17.5 h (1050) by 570 min -> ceil(9.5) = 10.
    # [d0..d2]  = 18 h = 1080 min: over by 30 min -> 1. Later windows hold 9 h or less.
    dept = make_department(history=history(("R1", -1, "D")))
    rows = roster(("R1", 0, "D"), ("R1", 1, "D"))
    report = check(dept, [rule("max_hours_rolling", {"hours": 17.5, "days": 3})], rows)
    assert [v.units for v in report.violations] == [10, 1]
    assert report.violations[0].dates == (d(-1), d(0), d(1))


def test_max_hours_rolling_without_history_starts_at_horizon() -> None:
    report = check(
        make_department(),
        [rule("max_hours_rolling", {"hours": 17.5, "days": 3})],
        roster(("R1", 0, "D"), ("R1", 1, "D")),
    )
    assert units(report) == 1  # only [d0..d2]: 18 h


def test_max_avg_weekly_hours() -> None:
    # 1 week, 5 long days = 65 h = 3900 min; limit floor(60 * 37.5 * 7 / 7) = 2250 -> ceil(1650 / 60) = 28.
    rows = roster(*[("R1", i, "L") for i in range(5)], ("R2", 0, "D"))
    report = check(make_department(), [rule("max_avg_weekly_hours", {"hours": 37.5})], rows)
    assert unit_map(report) == {"R1": 28}
    # 2 weeks: limit 2 * 2250 = 4500 > 3900.
    report = check(make_department(), [rule("max_avg_weekly_hours", {"hours": 37.5})], rows, weeks=2)
    assert units(report) == 0


def test_contract_hours_below_above_and_leave_reduces_target() -> None:
    # R1: 40 h/week, 7 available days: T = 2400, lo = 2160, hi = 2640; works 3 D = 1620 -> ceil(540/60) = 9.
    # R2: fte 0.7 (contract 40 * 0.7 = 28 h), approved leave d5-d6: 5 available days,
    #     T = 28 * 60 * 5 / 7 = 1200 = lo = hi; works D + D + T = 1200 -> 0.
    # R3: works 5 L = 3900 -> ceil((3900 - 2640) / 60) = 21.
    dept = make_department(
        [reg("R1", contract_hours=40), reg("R2", fte=0.7), reg("R3")],
        leave=[leave("R2", 5, 6, "approved")],
    )
    rows = roster(
        *[("R1", i, "D") for i in range(3)],
        ("R2", 0, "D"),
        ("R2", 1, "D"),
        ("R2", 2, "T"),
        *[("R3", i, "L") for i in range(5)],
    )
    ratio = check(dept, [rule("contract_hours", {"min_fraction": 0.9, "max_fraction": 1.1})], rows)
    assert unit_map(ratio) == {"R1": 9, "R3": 21}
    exact = check(
        dept,
        [rule("contract_hours", {"min_fraction": 1, "max_fraction": 1}, applies_to={"registrars": ["R2"]})],
        rows,
    )
    assert units(exact) == 0


# ---------------------------------------------------------------- consecutive days


def test_max_consecutive_days_with_history_run() -> None:
    # R1 works d-2..d2 (5 days): windows of 4 ending in the horizon end on d1 and d2 -> 2.
    # R2 works d-6..d-2 (5 days) then rests: every window ends in history -> 0.
    dept = make_department(
        history=history(("R1", -2, "D"), ("R1", -1, "D"), *[("R2", o, "D") for o in range(-6, -1)])
    )
    rows = roster(("R1", 0, "D"), ("R1", 1, "D"), ("R1", 2, "D"), ("R2", 0, "D"))
    report = check(dept, [rule("max_consecutive_days", {"max": 3})], rows)
    assert unit_map(report) == {"R1": 2}


def test_min_consecutive_days_border_runs_exempt() -> None:
    # No history, so known days start at d0.
    # R1: d0 alone (starts at first known day: exempt), d3 alone (counted), d6 alone (touches end: exempt).
    report = check(
        make_department(),
        [rule("min_consecutive_days", {"min": 2})],
        roster(("R1", 0, "D"), ("R1", 3, "D"), ("R1", 6, "D")),
    )
    assert unit_map(report) == {"R1": 1}
    assert report.violations[0].dates == (d(3),)


def test_min_consecutive_days_day_before_horizon_known_from_history() -> None:
    # R3's history makes d-1 a known day; R2 was off on d-1, works d0 alone -> 1 unit.
    dept = make_department(history=history(("R3", -1, "D")))
    report = check(
        dept,
        [rule("min_consecutive_days", {"min": 2})],
        roster(("R2", 0, "D"), ("R2", 2, "D"), ("R2", 3, "D")),
    )
    assert unit_map(report) == {"R2": 1}


def test_min_consecutive_days_run_wholly_in_history_is_judged_by_the_next_horizon() -> None:
    # R1 worked only d-1 (d-3 and d-2 known off through R3's history); d0 off closes a 1-day run
    # that lies wholly in history: the horizon holding its closing day judges it (chained weeks).
    dept = make_department(history=history(("R3", -3, "D"), ("R1", -1, "D")))
    rules = [rule("min_consecutive_days", {"min": 2})]
    assert unit_map(check(dept, rules, roster(("R1", 1, "D"), ("R1", 2, "D")))) == {"R1": 1}
    assert unit_map(check(dept, rules, roster(("R1", 0, "D"), ("R1", 1, "D")))) == {}


def test_min_consecutive_days_off() -> None:
    # R1: off d1 (1 day: counted), off d4-d5 (2: fine).
    # R2: off d6 only (touches the horizon end: exempt). R3: off d0 only (first known day: exempt).
    rows = roster(
        ("R1", 0, "D"),
        ("R1", 2, "D"),
        ("R1", 3, "D"),
        ("R1", 6, "D"),
        *[("R2", i, "D") for i in range(6)],
        *[("R3", i, "D") for i in range(1, 7)],
    )
    report = check(make_department(), [rule("min_consecutive_days_off", {"min": 2})], rows)
    assert unit_map(report) == {"R1": 1}


def test_max_consecutive_kind_run_and_rest_after_nights() -> None:
    params = {"selector": {"kinds": ["night"]}, "max": 2, "rest_hours": 46, "min_run": 2}
    # R1: nights d0-d2 -> (a) one window of 3; run ends d2, last night ends d3 08:00, + 46 h = d5 06:00:
    #     D d4 08:00 is too soon (1), D d5 08:00 is fine.
    # R2: a single night (run 1 < min_run 2) followed by D -> nothing.
    # R3: history nights d-2, d-1 (run ends the last known day before the horizon); D d0 08:00
    #     starts exactly when the night ends -> 1.
    dept = make_department(history=history(("R3", -2, "N"), ("R3", -1, "N")))
    rows = roster(
        ("R1", 0, "N"),
        ("R1", 1, "N"),
        ("R1", 2, "N"),
        ("R1", 4, "D"),
        ("R1", 5, "D"),
        ("R2", 0, "N"),
        ("R2", 1, "D"),
        ("R3", 0, "D"),
    )
    report = check(dept, [rule("max_consecutive_kind", params)], rows)
    assert unit_map(report) == {"R1": 2, "R3": 1}
    rest = [v for v in report.violations if v.registrar_id == "R1" and v.dates == (d(2), d(4))]
    assert len(rest) == 1 and "46 h rest" in rest[0].message


def test_max_consecutive_kind_without_rest() -> None:
    # 4 nights with max 2 -> windows of 3 ending d2, d3 -> 2.
    report = check(
        make_department(),
        [rule("max_consecutive_kind", {"selector": {"kinds": ["night"]}, "max": 2})],
        roster(*[("R1", i, "N") for i in range(4)], ("R1", 5, "D")),
    )
    assert units(report) == 2


def test_forbidden_succession_with_history() -> None:
    # History N d-1 then D d0 (1); N d2 then E d3 (not a day shift); N d4 then D d5 (1).
    dept = make_department(history=history(("R1", -1, "N")))
    rows = roster(("R1", 0, "D"), ("R1", 2, "N"), ("R1", 3, "E"), ("R1", 4, "N"), ("R1", 5, "D"))
    report = check(
        dept, [rule("forbidden_succession", {"from": {"kinds": ["night"]}, "to": {"kinds": ["day"]}})], rows
    )
    assert units(report) == 2


def test_max_shifts_of_type_ignores_history() -> None:
    dept = make_department(history=history(("R1", -1, "N")))
    report = check(
        dept,
        [rule("max_shifts_of_type", {"selector": {"kinds": ["night"]}, "max": 2})],
        roster(*[("R1", i, "N") for i in (0, 2, 4, 6)]),
    )
    assert units(report) == 2


def test_max_shifts_in_window_rolling_with_history() -> None:
    # History N d-1; nights d1, d4, d5; max 1 per 3 days. Windows start at d-1:
    # [d-1..d1] 2 -> 1; [d3..d5] 2 -> 1; [d4..d6] 2 -> 1; others <= 1.
    dept = make_department(history=history(("R1", -1, "N")))
    report = check(
        dept,
        [rule("max_shifts_in_window", {"selector": {"shifts": ["N"]}, "max": 1, "days": 3})],
        roster(("R1", 1, "N"), ("R1", 4, "N"), ("R1", 5, "N")),
    )
    assert [v.dates[0] for v in report.violations] == [d(-1), d(3), d(4)]
    assert units(report) == 3


def test_selector_min_hours_and_sites() -> None:
    sel = {"min_hours": 11, "sites": ["A"]}  # N (11 h) and L (13 h) at A; not D or DB
    report = check(
        make_department(),
        [rule("max_shifts_of_type", {"selector": sel, "max": 0})],
        roster(("R1", 0, "N"), ("R1", 2, "L"), ("R1", 3, "D"), ("R1", 4, "DB")),
    )
    assert units(report) == 2


# ---------------------------------------------------------------- weekends and days off


def test_weekend_limit_sunday_only_and_window() -> None:
    # 2 weeks: weekends (d5, d6) and (d12, d13). R1 works Sunday d6 only and Saturday d12: 2 weekends.
    # max 1 -> 1; window of 2 weekends with max 1 -> 1.
    rows = roster(("R1", 6, "D"), ("R1", 12, "D"), ("R2", 5, "D"), ("R2", 6, "D"))
    report = check(
        make_department(), [rule("weekend_limit", {"max": 1, "window": 2, "max_in_window": 1})], rows, weeks=2
    )
    assert unit_map(report) == {"R1": 2}


def test_weekend_limit_saturday_before_a_sunday_start_comes_from_history() -> None:
    # Horizon starts on Sunday d6: the weekend (d5, d6) is a horizon weekend and d5 is a history day.
    dept = make_department(history=history(("R1", 5, "D")))
    report = check(dept, [rule("weekend_limit", {"max": 0})], roster(("R2", 6, "D")), start=d(6))
    assert unit_map(report) == {"R1": 1, "R2": 1}


def test_days_off_per_window_fixed() -> None:
    # Week 1: works d0-d5, off d6: 1 off (need 2) -> 1, no 2-day off run -> 1.
    # Week 2: alternate days: 3 off, longest run 1 -> 1.
    rows = roster(*[("R1", i, "D") for i in range(6)], *[("R1", i, "D") for i in (7, 9, 11, 13)])
    params = {"window_days": 7, "min_days_off": 2, "min_consecutive_off": 2}
    report = check(make_department(), [rule("days_off_per_window", params)], rows, weeks=2)
    assert units(report) == 3


def test_days_off_per_window_rolling_vs_fixed() -> None:
    # Works d0-d5 of 14 days. Need 3 off per 7 days. Rolling: [d0..d6] 1 off -> 2, [d1..d7] 2 off -> 1.
    # Fixed: only [d0..d6] -> 2.
    rows = roster(*[("R1", i, "D") for i in range(6)])
    rolling = check(
        make_department(),
        [rule("days_off_per_window", {"window_days": 7, "min_days_off": 3, "rolling": True})],
        rows,
        weeks=2,
    )
    fixed = check(
        make_department(), [rule("days_off_per_window", {"window_days": 7, "min_days_off": 3})], rows, weeks=2
    )
    assert (units(rolling), units(fixed)) == (3, 2)


# ---------------------------------------------------------------- cover


def cover_department() -> Department:
    # Mon/Tue nights: 1..2 heads, target 2; at most/least 1 senior. Monday d0 has its own date row (2..3).
    rows = [
        cover("N", 1, 2, 2, days="Mon|Tue"),
        cover("N", 1, 1, 1, days="Mon|Tue", skill="senior"),
        cover("N", 2, 2, 3, day=0),
    ]
    dept = make_department([reg("R1"), reg("R2", skills="senior"), reg("R3", skills="senior|airway")])
    dept.tables["cover"] = pd.DataFrame(rows)
    return dept


COVER_ROWS = roster(("R1", 0, "N"), ("R1", 1, "N"), ("R2", 1, "N"), ("R3", 1, "N"))


def test_cover_limits_with_skill_rows() -> None:
    # d0: 1 head (min 2 from the date row) -> 1; 0 seniors (min 1) -> 1.
    # d1: 3 heads (max 2) -> 1; 2 seniors (max 1) -> 1.
    report = check(cover_department(), [rule("cover_limits", hard=True)], COVER_ROWS)
    assert units(report) == 4
    assert report.hard_violations == 4
    assert {v.registrar_id for v in report.violations} == {None}


def test_cover_target_weighted_units() -> None:
    # d0 heads 1 vs target 2 -> 3*1; seniors 0 vs 1 -> 3*1; d1 heads 3 vs 2 -> 1*1; seniors 2 vs 1 -> 1*1.
    report = check(
        cover_department(),
        [rule("cover_target", {"under_weight": 3, "over_weight": 1}, weight=2)],
        COVER_ROWS,
    )
    assert units(report) == 8
    assert report.soft_penalty == 16


# ---------------------------------------------------------------- leave, training, requests


def test_approved_leave() -> None:
    dept = make_department(leave=[leave("R1", 1, 2, "approved"), leave("R2", 1, 2, "declined")])
    report = check(
        dept, [rule("approved_leave", hard=True)], roster(("R1", 1, "D"), ("R1", 3, "D"), ("R2", 1, "D"))
    )
    assert unit_map(report) == {"R1": 1}


def test_requested_leave_priced_by_row_weight() -> None:
    dept = make_department(
        leave=[
            leave("R1", 0, 1, "requested", weight=5, reason="wedding"),
            leave("R2", 3, 3, "requested", reason="exam"),
            leave("R3", 0, 6, "approved"),
        ]
    )
    rows = roster(("R1", 0, "D"), ("R1", 1, "D"), ("R1", 2, "D"), ("R2", 3, "N"), ("R3", 0, "D"))
    report = check(dept, [rule("requested_leave", weight=2)], rows)
    assert unit_map(report) == {"R1": 2, "R2": 1}
    assert report.soft_penalty == 2 * 5 * 2 + 2 * 10 * 1
    assert not any("wedding" in v.message or "exam" in v.message for v in report.violations)


def test_training_overlap_vs_touching_and_groups() -> None:
    rows_training = [
        training("R1", 0, "17:00", "18:00", "touch"),
        training("R1", 1, "16:00", "18:00", "overlap"),
        training("senior", 2, "12:00", "13:00", "sim"),
        training("ALL", 3, "07:00", "08:00", "all"),
        training("reg", 4, "23:00", "01:00", "late"),
        training("R3", 4, "06:00", "07:00", "early"),
    ]
    dept = make_department(
        [reg("R1", grade="intern"), reg("R2", grade="intern", skills="senior"), reg("R3")],
        training=rows_training,
    )
    # R1: D d0 touches (0), D d1 overlaps (1), D d2 not senior (0), D d3 touches ALL window (0).
    # R2: D d2 overlaps the senior window (1).
    # R3 (grade reg): N d3 (21:00 d3 - 08:00 d4) overlaps 06:00-07:00 d4 (1);
    #                 N d4 overlaps the grade window 23:00 d4 - 01:00 d5 (1).
    rows = roster(*[("R1", i, "D") for i in range(4)], ("R2", 2, "D"), ("R3", 3, "N"), ("R3", 4, "N"))
    report = check(dept, [rule("training", hard=True)], rows)
    assert unit_map(report) == {"R1": 1, "R2": 1, "R3": 2}


def test_requests_units_prices_and_satisfaction() -> None:
    prefs = [
        {
            "registrar_id": "R1",
            "start": d(0),
            "end": d(1),
            "request": "prefer",
            "shift": "night",
            "weight": 3,
            "note": "private",
        },
        {"registrar_id": "R1", "start": d(2), "end": None, "request": "avoid", "shift": "D", "weight": 2},
        {"registrar_id": "R1", "start": d(3), "end": None, "request": "day_off", "shift": None, "weight": 4},
        {"registrar_id": "R1", "start": d(4), "end": None, "request": "day_off", "shift": None, "weight": 1},
        {"registrar_id": "R2", "start": d(6), "end": d(9), "request": "avoid", "shift": "N", "weight": 1},
    ]
    dept = make_department(preferences=prefs)
    rows = roster(("R1", 0, "N"), ("R1", 1, "D"), ("R1", 2, "D"), ("R1", 4, "E"), ("R2", 6, "D"))
    report = check(dept, [rule("requests", applies_to={"registrars": ["R1"]})], rows)
    # Not honoured: prefer night d1 (3), avoid D d2 (2), day off d4 (1).
    assert units(report) == 3
    assert report.soft_penalty == 6
    # Units: 2 + 1 + 1 + 1 for R1 and only d6 for R2 (d7-d9 are outside the horizon); honoured: d0, d3, R2 d6.
    assert (report.requests_total, report.requests_honoured) == (6, 3)
    assert report.requests_honoured_pct == pytest.approx(50.0)
    assert not any("private" in v.message for v in report.violations)


# ---------------------------------------------------------------- fairness


def test_fairness_nights_three_registrars() -> None:
    # a_r = round(100 * fte) * available days: R1 100*7 = 700, R2 50*7 = 350, R3 100*5 = 500 (2 days leave);
    # sum 1550. Shares: round(1000*700/1550) = round(451.6) = 452, round(225.8) = 226, round(322.6) = 323.
    # Nights: R1 3, R2 1, R3 0, sum 4. Balances: R1 -0.25 -> -250, R3 0.5 -> 500, R2 none -> 0.
    # dev1 = -250 + 3000 - 452*4 = 942; dev2 = 1000 - 226*4 = 96; dev3 = 500 - 323*4 = -792.
    # spread 942 + 792 = 1734 -> floor(1734/100) = 17, spread reported 1.734 nights.
    # sum|dev| = 942 + 96 + 792 = 1830 -> 18.  Penalty = 2 * (3*17 + 1*18) = 138.
    dept = make_department(
        [reg("R1"), reg("R2", fte=0.5), reg("R3")],
        leave=[leave("R3", 5, 6, "approved")],
        history_totals=[
            {"registrar_id": "R1", "nights_balance": -0.25},
            {"registrar_id": "R3", "nights_balance": 0.5},
        ],
    )
    rows = roster(("R1", 0, "N"), ("R1", 1, "N"), ("R1", 2, "N"), ("R2", 4, "N"), ("R3", 0, "D"))
    fair = rule("fairness", {"measure": "nights", "spread_weight": 3, "deviation_weight": 1}, weight=2)
    report = check(dept, [fair], rows)
    result = report.fairness["X"]
    assert result.shares == {"R1": 452, "R2": 226, "R3": 323}
    assert result.deviations == {"R1": 942, "R2": 96, "R3": -792}
    assert report.fairness_spreads == {"X": pytest.approx(1.734)}
    assert [v.units for v in report.violations] == [17, 18]
    assert report.penalty_by_rule == {"X": 138}


def test_fairness_hours_uses_minutes_and_d_6000() -> None:
    # R1, R2 in scope (R3 excluded), equal FTE: shares 500 each. Minutes: R1 1080, R2 0; sum 1080.
    # dev1 = 1000*1080 - 500*1080 = 540000; dev2 = round(1000*60*1.5) - 540000 = -450000.
    # spread 990000 -> 165 units; spread is 990 minutes.
    dept = make_department(history_totals=[{"registrar_id": "R2", "hours_balance": 1.5}])
    fair = rule("fairness", {"measure": "hours", "spread_weight": 1}, applies_to={"registrars": ["R1", "R2"]})
    report = check(dept, [fair], roster(("R1", 0, "D"), ("R1", 1, "D"), ("R3", 0, "L")))
    assert report.fairness_spreads == {"X": 990.0}
    assert units(report) == 165
    assert report.soft_penalty == 165


def test_fairness_weekends_counts_worked_weekends() -> None:
    # R1 works both days of the weekend (1 weekend), R2 none: shares 500 each, sum 1.
    # dev1 = 1000 - 500 = 500, dev2 = -500: spread 1000 -> 10.
    fair = rule(
        "fairness", {"measure": "weekends", "spread_weight": 1}, applies_to={"registrars": ["R1", "R2"]}
    )
    report = check(make_department(), [fair], roster(("R1", 5, "D"), ("R1", 6, "D")))
    assert report.fairness["X"].counts == {"R1": 1, "R2": 0}
    assert units(report) == 10


# ---------------------------------------------------------------- continuity, partners, site preference


def test_continuity_kind_site_and_isolated() -> None:
    # Known days start d-1 (R2's history). R1 (off d-1): D d0 -> N d1 kind change (2);
    # N d1 -> DB d2 kind + site change (2 + 3); D d4 isolated (5); D d6 is the last day (not counted).
    # R2: history D d-1, D d0, off d1: not isolated. R3: off d-1, D d0, off d1: isolated (5).
    dept = make_department(history=history(("R2", -1, "D")))
    rows = roster(
        ("R1", 0, "D"),
        ("R1", 1, "N"),
        ("R1", 2, "DB"),
        ("R1", 4, "D"),
        ("R1", 6, "D"),
        ("R2", 0, "D"),
        ("R3", 0, "D"),
    )
    report = check(dept, [rule("continuity", {"kind_change": 2, "site_change": 3, "isolated": 5})], rows)
    assert unit_map(report) == {"R1": 4, "R3": 1}
    assert report.soft_penalty == 2 + 2 + 3 + 5 + 5


def test_partners_priced_by_pair_weight() -> None:
    dept = make_department(
        partners=[
            {"registrar_a": "R1", "registrar_b": "R2", "weight": 4},
            {"registrar_a": "R1", "registrar_b": "R3", "weight": None},
        ]
    )
    # d0 both D (fine); d1 R1 D, R2 E (4) and R3 N (1); d2 R2 off (fine).
    rows = roster(
        ("R1", 0, "D"), ("R2", 0, "D"), ("R1", 1, "D"), ("R2", 1, "E"), ("R3", 1, "N"), ("R1", 2, "D")
    )
    report = check(dept, [rule("partners")], rows)
    assert units(report) == 2
    assert report.soft_penalty == 5


def test_site_preference() -> None:
    report = check(
        make_department(),
        [rule("site_preference", weight=3)],
        roster(("R1", 0, "DB"), ("R1", 1, "D"), ("R2", 2, "DB")),
    )
    assert unit_map(report) == {"R1": 1, "R2": 1}
    assert report.soft_penalty == 6


# ---------------------------------------------------------------- scope and report


def test_applies_to_grades_skills_and_registrars() -> None:
    dept = make_department([reg("R1"), reg("R2", grade="senior-reg"), reg("R3", skills="airway"), reg("R4")])
    rows = roster(*[(r, 0, "N") for r in ("R1", "R2", "R3", "R4")])
    nights = {"selector": {"kinds": ["night"]}, "max": 0}
    scoped = rule(
        "max_shifts_of_type",
        nights,
        applies_to={"grades": ["senior-reg"], "skills": ["airway"], "registrars": ["R4"]},
    )
    report = check(dept, [scoped], rows)
    assert unit_map(report) == {"R2": 1, "R3": 1, "R4": 1}


def test_report_totals_frame_and_text() -> None:
    rules = [
        rule("max_shift_length", {"hours": 12}, rule_id="LEN", hard=True),
        rule("site_preference", rule_id="HOME", weight=3),
        rule("continuity", {"isolated": 1}, rule_id="CONT"),
    ]
    rows = roster(("R1", 0, "L"), ("R1", 0, "D"), ("R2", 2, "D"), ("R3", 3, "D"), ("R3", 4, "D"))
    report = check(make_department(), rules, rows)
    # Isolated: R1 on d0 (d-1 is unknown, so not worked) and R2 on d2; R3 works d3-d4.
    assert report.units_by_rule == {"one-shift-per-day": 1, "eligibility": 0, "LEN": 1, "HOME": 0, "CONT": 2}
    assert report.penalty_by_rule == {"HOME": 0, "CONT": 2}
    assert report.hard_violations == 2
    assert not report.is_compliant
    frame = report.to_frame()
    assert list(frame["hard"]) == [True, True, False, False]
    assert list(frame["rule_id"]) == ["one-shift-per-day", "LEN", "CONT", "CONT"]
    text = report.format_text()
    assert text.index("Hard violations: 2") < text.index("Soft penalty: 2")
    assert "CONT (continuity): 2 units, penalty 2" in text
    assert "HOME (site_preference): 0 units, penalty 0" in text


def test_roster_dates_as_strings_and_timestamps_outside_horizon_ignored() -> None:
    rows = pd.DataFrame(
        {
            "registrar_id": ["R1", "R1", "R1"],
            "date": ["2027-02-01", pd.Timestamp("2027-02-02"), "2027-03-01"],
            "shift": ["L", "L", "L"],
            "note": ["x", "y", "z"],
        }
    )
    report = check(make_department(), [rule("max_shift_length", {"hours": 12})], rows)
    assert units(report) == 2


def test_unknown_shift_or_registrar_raises() -> None:
    with pytest.raises(RosterError, match="unknown shift"):
        check(make_department(), [], roster(("R1", 0, "ZZ")))
    with pytest.raises(RosterError, match="unknown registrar"):
        check(make_department(), [], roster(("R9", 0, "D")))


# ---------------------------------------------------------------- brute force from the spec text


def random_case(seed: int) -> tuple[Department, pd.DataFrame, dict[tuple[str, dt.date], str]]:
    """R1-R3 with random history on d-6..d-1 and a random 2-week roster; also the worked map."""
    rnd = random.Random(seed)
    worked: dict[tuple[str, dt.date], str] = {}
    hist, rows = [], []
    for rid in ("R1", "R2", "R3"):
        for offset in range(-6, 14):
            if rnd.random() < 0.7:
                code = rnd.choice(["D", "E", "N", "L", "T"])
                worked[(rid, d(offset))] = code
                (hist if offset < 0 else rows).append((rid, offset, code))
    return make_department(history=history(*hist)), roster(*rows), worked


# Start (minutes after midnight) and length in minutes of the shifts random_case uses, worked out by
# hand from SHIFTS (N 21:00-08:00 runs to the next morning).
HAND_TIMES = {"D": (8 * 60, 9 * 60), "E": (14 * 60, 9 * 60), "N": (21 * 60, 11 * 60), "L": (8 * 60, 13 * 60)}
HAND_TIMES["T"] = (8 * 60, 2 * 60)


def brute_intervals(
    worked: dict[tuple[str, dt.date], str], rid: str
) -> list[tuple[dt.date, dt.datetime, dt.datetime]]:
    out = []
    for (r, day), code in worked.items():
        if r == rid:
            start = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=HAND_TIMES[code][0])
            out.append((day, start, start + dt.timedelta(minutes=HAND_TIMES[code][1])))
    return out


@pytest.mark.parametrize("seed", range(25))
def test_min_rest_matches_brute_force(seed: int) -> None:
    dept, rows, worked = random_case(seed)
    expected = 0
    for rid in ("R1", "R2", "R3"):
        intervals = brute_intervals(worked, rid)
        for day_a, start_a, end_a in intervals:
            for day_b, start_b, _ in intervals:
                if day_a != day_b and day_b >= START and start_b >= start_a:
                    expected += start_b - end_a < dt.timedelta(hours=11.5)
    assert units(check(dept, [rule("min_rest", {"hours": 11.5})], rows, weeks=2)) == expected


@pytest.mark.parametrize("seed", range(25))
def test_windows_and_runs_match_brute_force(seed: int) -> None:
    dept, rows, worked = random_case(seed)
    known_start, end = min(day for _, day in worked if day < START), d(13)
    known = [known_start + dt.timedelta(days=i) for i in range((end - known_start).days + 1)]
    minutes = {key: HAND_TIMES[code][1] for key, code in worked.items()}
    hours_units = consecutive_units = short_run_units = 0
    for rid in ("R1", "R2", "R3"):
        for first in known:  # rolling 5-day windows: first >= max(known_start, start - 4), last <= end
            last = first + dt.timedelta(days=4)
            if first >= max(known_start, d(-4)) and last <= end:
                total = sum(minutes.get((rid, first + dt.timedelta(days=k)), 0) for k in range(5))
                hours_units += max(0, math.ceil((total - 60 * 40) / 60))
        for first in known:  # windows of 4 known days ending in the horizon, all worked
            days = [first + dt.timedelta(days=k) for k in range(4)]
            if START <= days[-1] <= end and all((rid, day) in worked for day in days):
                consecutive_units += 1
        for first in known[
            1:
        ]:  # worked runs shorter than 3 with a known day off before and the day after in the horizon
            if (rid, first) in worked and (rid, first - dt.timedelta(days=1)) not in worked:
                last = first
                while (rid, last + dt.timedelta(days=1)) in worked:
                    last += dt.timedelta(days=1)
                short = (last - first).days + 1 < 3
                closing = last + dt.timedelta(days=1)  # judged by the horizon holding it
                short_run_units += short and START <= closing <= end
    rules = [
        rule("max_hours_rolling", {"hours": 40, "days": 5}, rule_id="H"),
        rule("max_consecutive_days", {"max": 3}, rule_id="C"),
        rule("min_consecutive_days", {"min": 3}, rule_id="S"),
    ]
    report = check(dept, rules, rows, weeks=2)
    assert (units(report, "H"), units(report, "C"), units(report, "S")) == (
        hours_units,
        consecutive_units,
        short_run_units,
    )


def test_nullable_int_weights_fall_back_to_defaults() -> None:
    # Contracts may load weights as pandas Int64, where a blank cell is pd.NA (leave default 10, pair 1).
    dept = make_department(
        leave=[leave("R1", 0, 0, "requested")],
        partners=[{"registrar_a": "R1", "registrar_b": "R2", "weight": None}],
    )
    for name in ("leave", "partners"):
        dept.tables[name]["weight"] = dept.tables[name]["weight"].astype("Int64")
    rows = roster(("R1", 0, "D"), ("R2", 0, "E"))
    report = check(dept, [rule("requested_leave", rule_id="RL"), rule("partners", rule_id="P")], rows)
    assert report.penalty_by_rule == {"RL": 10, "P": 1}
