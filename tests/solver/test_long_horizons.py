"""Engine parts for large and long instances: rolling-horizon first rosters, large-neighbourhood
search, and runs judged across chained horizons. Instances come from the synthetic NRP generator
and are judged by the benchmark-native checker (no solver code).

Solves stop on deterministic time, on one worker with a fixed seed; under deterministic settings
`rolling_roster` budgets each window in deterministic time too, so the rosters depend on the
settings only."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from roster_pipeline import nrp
from roster_pipeline.core.domain import Horizon
from roster_pipeline.core.rules import parse_pack
from roster_pipeline.solver import SolveSettings, solve, stages
from roster_pipeline.solver.rolling import apportion, carried_balances, rolling_roster, windows
from roster_pipeline.solver.settings import SolveResult

from factories import registrar_row, tiny_department

ROOT = Path(__file__).resolve().parents[2]
ONE_WORKER = SolveSettings(workers=1, seed=0, deterministic=True)


def _generator():
    spec = importlib.util.spec_from_file_location("nrp_generate", ROOT / "benchmarks" / "nrp_generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["nrp_generate"] = module
    spec.loader.exec_module(module)
    return module


def synthetic(days: int, staff: int, shifts: int, seed: int = 0) -> tuple[nrp.NrpInstance, str]:
    """The importer's instance and the instance text (the checker reads the text itself)."""
    text = _generator().generate(days, staff, shifts, seed)
    return nrp.parse_text(text, name=f"S{days}x{staff}"), text


def test_windows_cover_the_horizon_without_a_one_week_tail() -> None:
    horizon = Horizon(start=dt.date(2024, 1, 1), weeks=21)
    parts = windows(horizon, weeks=4)
    assert [w.weeks for w in parts] == [4, 4, 4, 4, 5]
    assert parts[0].start == horizon.start and parts[-1].end == horizon.end
    assert all(a.end + dt.timedelta(days=1) == b.start for a, b in zip(parts, parts[1:], strict=False))


def test_apportioned_limits_never_exceed_what_remains() -> None:
    inst, _ = synthetic(126, 6, 4)
    department, pack, horizon = nrp.to_department(inst)
    first = windows(horizon)[0]
    rid = "E0"
    staff = {s.id: s for s in inst.staff}[rid]
    used = {(rid, horizon.start + dt.timedelta(days=k), next(iter(inst.shifts))) for k in range(3)}
    window_pack = apportion(department, pack, used, first, horizon)
    mine = [r for r in window_pack.rules if rid in r.applies_to.get("registrars", [])]
    minutes = [r for r in mine if r.type == "total_minutes"]
    assert len(minutes) == 1
    worked = 3 * inst.shifts[next(iter(inst.shifts))][0]
    assert minutes[0].params["max_minutes"] <= staff.max_minutes - worked
    assert minutes[0].params["min_minutes"] <= staff.min_minutes - worked
    zero = [r for r in mine if r.type == "max_shifts_of_type" and r.params["max"] == 0]
    forbidden = {code for code, limit in staff.max_shifts.items() if limit == 0}
    assert forbidden <= {code for r in zero for code in r.params["selector"]["shifts"]}
    last = windows(horizon)[-1]
    tail = apportion(department, pack, set(), last, horizon)
    exact = [r for r in tail.rules if r.type == "total_minutes" and rid in r.applies_to["registrars"]]
    assert exact[0].params["max_minutes"] == staff.max_minutes  # the last window gets what remains


MON = dt.date(2027, 2, 1)
BAND = {"min_fraction": 0.7, "max_fraction": 1.15}
BAND_PACK = parse_pack(
    {
        "id": "band",
        "version": "1",
        "rules": [
            {"id": "contract", "type": "contract_hours", "hard": True, "params": BAND},
            {"id": "fair-nights", "type": "fairness", "params": {"measure": "nights"}},
            {"id": "fair-hours", "type": "fairness", "params": {"measure": "hours"}},
        ],
    }
)  # fmt: skip


def _leave(rid: str, first: int, last: int) -> dict:
    return {
        "registrar_id": rid,
        "start": MON + dt.timedelta(days=first),
        "end": MON + dt.timedelta(days=last),
        "type": "annual",
        "status": "approved",
        "reason": "",
    }


def test_a_contract_band_is_shared_out_by_the_available_days_left() -> None:
    # 8 weeks, R1 (40 h) on leave for the first week: 49 available days, so the band is
    # 0.7 * 40 h * 49 / 7 = 196 h (11,760 min) to 1.15 * 280 h = 322 h (19,320 min).
    department = tiny_department([registrar_row("R1")], leave=[_leave("R1", 0, 6)])
    horizon = Horizon(MON, 8)
    first = Horizon(MON, 5)  # window 1 and its week of look-ahead: 28 of the 49 days
    (share,) = [r for r in apportion(department, BAND_PACK, set(), first, horizon).rules if r.hard]
    assert share.type == "total_minutes" and share.applies_to == {"registrars": ["R1"]}
    # at least 0.7 * 40 h * 28 / 7 = 112 h; at most 1.15 * 160 h = 184 h plus one night (630 min)
    assert share.params == {"min_minutes": 112 * 60, "max_minutes": 184 * 60 + 630}
    # The last window gets exactly what remains after 15 nights of 10.5 h worked.
    worked = {("R1", MON + dt.timedelta(days=7 + k), "N-A") for k in range(15)}
    last = Horizon(MON + dt.timedelta(days=35), 3)
    (tail,) = [r for r in apportion(department, BAND_PACK, worked, last, horizon).rules if r.hard]
    assert tail.params == {"min_minutes": 11_760 - 15 * 630, "max_minutes": 19_320 - 15 * 630}


def test_a_windows_fairness_deviation_is_carried_to_the_next_as_a_balance() -> None:
    # R1 full time, R2 half time, R3 away all week: fair shares of 3 nights are 2 and 1.
    department = tiny_department(
        [registrar_row("R1"), registrar_row("R2", fte=0.5), registrar_row("R3")],
        leave=[_leave("R3", 0, 6)],
        history_totals=[{"registrar_id": "R3", "nights_balance": 0.25, "hours_balance": -2.0}],
    )
    week = Horizon(MON, 1)
    roster = {("R1", MON + dt.timedelta(days=k), "N-A") for k in range(3)}  # 3 nights of 10.5 h
    carried = carried_balances(department, BAND_PACK, roster, week)
    # shares 667 / 333 thousandths (of 3 nights; of 31.5 hours)
    assert carried.history_total("R1", "nights_balance") == pytest.approx(3 - 2.001)
    assert carried.history_total("R2", "nights_balance") == pytest.approx(-0.999)
    assert carried.history_total("R1", "hours_balance") == pytest.approx(31.5 * (1 - 0.667))
    assert carried.history_total("R2", "hours_balance") == pytest.approx(-31.5 * 0.333)
    assert carried.history_total("R3", "nights_balance") == 0.25  # away: the balance is kept
    assert carried.history_total("R3", "hours_balance") == -2.0
    # Week 2: R3 is back (shares 400 / 200 / 400 thousandths) and R2 works its 3 nights.
    week2 = Horizon(MON + dt.timedelta(days=7), 1)
    more = {("R2", MON + dt.timedelta(days=7 + k), "N-A") for k in range(3)}
    again = carried_balances(carried, BAND_PACK, roster | more, week2)
    assert again.history_total("R1", "nights_balance") == pytest.approx(0.999 - 1.2)
    assert again.history_total("R2", "nights_balance") == pytest.approx(-0.999 + 3 - 0.6)
    assert again.history_total("R3", "nights_balance") == pytest.approx(0.25 - 1.2)


@pytest.mark.parametrize(
    "worked",
    [
        {("R1", MON, "D-A")},  # on approved leave: a shift the model has no variable for
        # two 8.5 h days: under 70 % of 6 available days at 40 h a week (24 h)
        {("R1", MON + dt.timedelta(days=k), "D-A") for k in (1, 2)},
    ],
)
def test_a_roster_that_breaks_a_hard_rule_is_not_returned(worked: set) -> None:
    # What a rolling roster that misjudged a horizon-wide limit would be.
    department = tiny_department([registrar_row("R1")], leave=[_leave("R1", 0, 0)])
    rules = [
        {"id": "leave", "type": "approved_leave", "hard": True},
        {"id": "contract", "type": "contract_hours", "hard": True, "params": BAND},
    ]
    pack = parse_pack({"id": "held", "version": "1", "rules": rules})
    horizon = Horizon(MON, 1)
    result = SolveResult("FEASIBLE", None, None, 0.0, pd.DataFrame(), settings=ONE_WORKER)
    full = stages.build_model(department, pack, horizon)
    stages._record_roster(result, full, pack, worked, ONE_WORKER)
    assert not result.feasible and result.status == "UNKNOWN"
    assert result.assignments.empty and result.diagnosis == [stages.UNHELD_ROSTER]


def test_a_horizon_too_large_for_the_whole_model_says_which_window_had_no_roster(monkeypatch) -> None:
    # One registrar cannot staff a day shift that needs two: every window is infeasible.
    monkeypatch.setattr(stages, "ROLLING_MIN_WEEKS", 6)  # windows of 4 weeks and 1 of look-ahead
    monkeypatch.setattr(stages, "WHOLE_MODEL_LIMIT", 0)  # the rolling roster would be the result
    day_shift = {"date": None, "days": "all", "site": "A", "shift": "D-A", "skill": None}
    cover = [day_shift | {"min": 2, "target": 2, "max": 2}]
    department = tiny_department([registrar_row("R1")], cover=cover)
    pack = parse_pack(
        {"id": "cover", "version": "1", "rules": [{"id": "cover", "type": "cover_limits", "hard": True}]}
    )
    result = solve(department, pack, Horizon(MON, 6), replace(ONE_WORKER, time_limit=5))
    assert result.status == "UNKNOWN" and result.assignments.empty
    assert result.diagnosis[0] == "the window of 2027-02-01 to 2027-02-28 has no roster (INFEASIBLE)"
    # the window's own diagnosis follows
    assert (
        result.diagnosis[1]
        == "cover for the day (D-A) at site A on 2027-02-01 needs 2 registrars; only 1 is available"
    )
    assert result.diagnosis[-1] == stages.TOO_BIG


def test_rolling_roster_is_feasible_for_the_whole_horizon() -> None:
    inst, text = synthetic(126, 6, 4, seed=3)
    department, pack, horizon = nrp.to_department(inst)
    roster = rolling_roster(department, pack, horizon, ONE_WORKER, time_limit=10, solve=solve).roster
    assert roster is not None
    rows = [(rid, (day - horizon.start).days, code) for rid, day, code in roster]
    score = nrp.evaluate_solution(text, rows)
    assert score.feasible, [str(v) for v in score.violations][:5]


def test_long_horizon_solve_starts_from_the_rolling_roster() -> None:
    inst, text = synthetic(126, 6, 4, seed=3)
    department, pack, horizon = nrp.to_department(inst)
    result = solve(department, pack, horizon, replace(ONE_WORKER, time_limit=15))
    assert result.feasible
    score = nrp.evaluate_solution(text, nrp.solution_frame(result.assignments, horizon.start))
    assert score.feasible and score.objective == result.objective


TWO_NURSES = """SECTION_HORIZON
7

SECTION_SHIFTS
D,480,

SECTION_STAFF
A,D=7,3360,0,5,2,1,1
B,D=7,3360,0,5,2,1,1

SECTION_COVER
0,D,1,100,1
"""


def test_solver_continues_a_short_run_left_open_by_the_previous_horizon() -> None:
    from roster_pipeline.solver.rolling import with_history
    from roster_pipeline.validator import validate_roster

    inst = nrp.parse_text(TWO_NURSES, name="two")
    department, pack, horizon = nrp.to_department(inst)
    before = horizon.start - dt.timedelta(days=1)
    # A worked only the day before the horizon (B's history makes the day before that known, and
    # A was off then): the 1-day run is closed only if A is off on day 0, which min run 2 forbids.
    past = with_history(
        department,
        {("B", before - dt.timedelta(days=1), "D"), ("A", before, "D")},
        since=before - dt.timedelta(days=1),
    )
    result = solve(past, pack, horizon, replace(ONE_WORKER, time_limit=5))
    assert result.feasible
    assert ("A", horizon.start, "D") in set(result.assignments.itertuples(index=False, name=None))
    assert validate_roster(past, pack, horizon, result.assignments).hard_violations == 0
