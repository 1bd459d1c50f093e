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

from roster_pipeline import nrp
from roster_pipeline.core.domain import Horizon
from roster_pipeline.solver import SolveSettings, solve
from roster_pipeline.solver.rolling import apportion, rolling_roster, windows

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


def test_rolling_roster_is_feasible_for_the_whole_horizon() -> None:
    inst, text = synthetic(126, 6, 4, seed=3)
    department, pack, horizon = nrp.to_department(inst)
    roster = rolling_roster(department, pack, horizon, ONE_WORKER, time_limit=10, solve=solve)
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
