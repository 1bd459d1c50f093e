"""NRP benchmark: parser, importer + engine validator vs the benchmark-native checker, real solves."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

from roster_pipeline import nrp
from roster_pipeline.cli import main
from roster_pipeline.solver.stages import SolveSettings, _warm_start_pays, solve, solve_stages

INSTANCES = Path(__file__).resolve().parent / "instances"  # copied from shared/benchmarks/nrp (README.md)
REPO = Path(__file__).resolve().parents[2]

# 14 days (weekends: days 5-6 and 12-13). N on day d forbids D on day d+1.
TINY = """\
# a hand-made instance
SECTION_HORIZON
# days
14

SECTION_SHIFTS
# ShiftID, Length in mins, Shifts which cannot follow this shift | separated
D,480,
N,600,D

SECTION_STAFF
# ID, MaxShifts, MaxMinutes, MinMinutes, MaxRun, MinRun, MinDaysOff, MaxWeekends
P,D=14|N=2,6000,960,4,2,2,2
Q,D=14|N=0,6000,0,14,1,1,2
R,D=14|N=14,6000,0,14,1,1,0

SECTION_DAYS_OFF
# EmployeeID, DayIndexes (start at zero)
P,10

SECTION_SHIFT_ON_REQUESTS
# EmployeeID, Day, ShiftID, Weight
P,1,D,2
Q,3,N,5

SECTION_SHIFT_OFF_REQUESTS
P,2,D,3
Q,4,D,1

SECTION_COVER
# Day, ShiftID, Requirement, Weight for under, Weight for over
0,D,1,100,1
1,D,2,100,1
2,N,1,100,1
3,D,1,100,1
5,D,0,100,1
"""


def work(employee: str, days: list[int], shift: str = "D") -> list[tuple[str, int, str]]:
    return [(employee, d, shift) for d in days]


# P: a run touching day 0 (day 0 alone) and one touching day 13 (day 13 alone, a Sunday): both
# exempt from MinConsecutiveShifts 2. Q works days 0-4; R is off.
P_BASE = [0, 3, 4, 8, 9, 13]
Q_BASE = [0, 1, 2, 3, 4]
BASE = work("P", P_BASE) + work("Q", Q_BASE)


def without(rows: list, employee: str, day: int) -> list:
    return [r for r in rows if not (r[0] == employee and r[1] == day)]


CASES = {
    "border runs exempt": (BASE, set()),
    "border day-off runs exempt": (work("P", [11, 12]) + work("Q", Q_BASE), set()),
    "border day-off run at day 0": (work("P", [1, 2]) + work("Q", Q_BASE), set()),
    "too-short run in the middle": (without(BASE, "P", 4), {6}),
    "too-short day-off run in the middle": (BASE + work("P", [6, 7]), {7}),
    "too long a run": (work("P", [0, 3, 4, 5, 6, 7, 13]) + work("Q", Q_BASE), {5}),
    "weekend on Sunday only": (BASE + work("R", [6]), {8}),
    "weekend on Saturday only": (BASE + work("R", [12]), {8}),
    "forbidden succession": (without(BASE, "P", 8) + work("P", [8], "N"), {2}),
    "allowed succession": (without(BASE, "P", 9) + work("P", [9], "N"), set()),
    "max per type 0": (without(BASE, "Q", 4) + work("Q", [4], "N"), {3}),
    "below min total minutes": (work("P", [13]) + work("Q", Q_BASE), {4}),
    "exactly min total minutes": (work("P", [0, 13]) + work("Q", Q_BASE), set()),
    "above max total minutes": (work("P", P_BASE) + work("Q", list(range(13))), {4}),
    "works a day off": (BASE + work("P", [10]), {9}),
    "two shifts a day": (BASE + work("P", [0], "N"), {1}),
    "cover over": (BASE + work("R", [0, 1, 3, 4]), set()),
}


@pytest.fixture(scope="module")
def tiny() -> nrp.NrpInstance:
    return nrp.parse_text(TINY, "Tiny")


def test_parse_instance1() -> None:
    inst = nrp.parse_instance(INSTANCES / "Instance1.txt")
    assert inst.name == "Instance1"
    assert inst.horizon == 14
    assert inst.shifts == {"D": (480, ())}
    assert [s.id for s in inst.staff] == list("ABCDEFGH")
    assert inst.staff[0] == nrp.Staff("A", {"D": 14}, 4320, 3360, 5, 2, 2, 1)
    assert len(inst.days_off) == 8 and inst.days_off["A"] == frozenset({0})
    assert (len(inst.on_requests), len(inst.off_requests), len(inst.cover)) == (21, 5, 14)
    assert inst.cover[1] == nrp.Cover(1, "D", 7, 100, 1)


def test_parse_crlf_and_comments(tmp_path: Path, tiny: nrp.NrpInstance) -> None:
    path = tmp_path / "Tiny.txt"
    path.write_bytes(TINY.replace("\n", "\r\n").encode())
    inst = nrp.parse_instance(path)
    assert inst == tiny
    assert inst.shifts == {"D": (480, ()), "N": (600, ("D",))}
    assert inst.staff[0].max_shifts == {"D": 14, "N": 2}
    assert inst.on_requests[1] == nrp.Request("Q", 3, "N", 5)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("3,D,1,100,1", "3,D,1,50,1", "cover weights differ"),
        ("14\n", "15\n", "whole number of weeks"),
    ],
)
def test_import_rejects_what_the_engine_cannot_express(old: str, new: str, message: str) -> None:
    inst = nrp.parse_text(TINY.replace(old, new), "Bad")
    with pytest.raises(nrp.NrpFormatError, match=message):
        nrp.to_department(inst)


def test_parse_rejects_unknown_references() -> None:
    with pytest.raises(nrp.NrpFormatError, match="unknown shift 'X'"):
        nrp.parse_text(TINY.replace("Q,4,D,1", "Q,4,X,1"), "Bad")
    with pytest.raises(nrp.NrpFormatError, match="day 14 outside"):
        nrp.parse_text(TINY.replace("P,10\n", "P,14\n"), "Bad")


def test_base_objective_by_hand() -> None:
    score = nrp.evaluate_solution(TINY, BASE)
    # on: P off day 1 (2) + Q not on N day 3 (5); off: Q works D day 4 (1);
    # cover: day 0 D 2/1 (+1), day 1 D 1/2 (+100), day 2 N 0/1 (+100), day 3 D 2/1 (+1).
    assert (score.on_requests, score.off_requests, score.cover_under, score.cover_over) == (7, 1, 200, 2)
    assert score.objective == 210 and score.feasible


def test_cover_over_by_hand() -> None:
    score = nrp.evaluate_solution(TINY, CASES["cover over"][0])
    # R adds one to day 0 (now 3/1), fills day 1 (2/2), day 3 (3/1); day 4 has no cover row.
    assert (score.cover_under, score.cover_over) == (100, 4)


@pytest.mark.parametrize("case", list(CASES))
def test_native_checker_and_engine_validator_agree(tiny: nrp.NrpInstance, case: str) -> None:
    rows, broken = CASES[case]
    native = nrp.evaluate_solution(TINY, rows)  # the checker reads the instance text itself
    engine = nrp.engine_check(tiny, rows)
    assert native.broken_rules == broken, [str(v) for v in native.violations]
    assert len(native.violations) == len(broken)  # a broken rule is reported once
    assert engine.broken_rules == broken
    assert (engine.hard_violations == 0) == native.feasible
    assert engine.soft_penalty == native.objective


def test_sunday_only_weekend_counts_in_both(tiny: nrp.NrpInstance) -> None:
    # P's base roster has weekend 1 on Sunday only; with MaxWeekends 0 for P that is a violation.
    text = TINY.replace("P,D=14|N=2,6000,960,4,2,2,2", "P,D=14|N=2,6000,960,4,2,2,0")
    native = nrp.evaluate_solution(text, BASE)
    assert [(v.rule, v.employee) for v in native.violations] == [(8, "P")]
    assert nrp.engine_check(nrp.parse_text(text, "T"), BASE).broken_rules == {8}


def test_solution_frame_round_trip(tiny: nrp.NrpInstance) -> None:
    roster = nrp.engine_roster(BASE)
    frame = nrp.solution_frame(roster)
    assert list(frame.columns) == ["employee", "day", "shift"]
    assert sorted(nrp.solution_rows(frame)) == sorted(BASE)


def _plain_model():
    spec = importlib.util.spec_from_file_location("plain_nrp", REPO / "benchmarks" / "plain_nrp.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_engine_and_plain_model_agree_on_tiny(tmp_path: Path) -> None:
    path = tmp_path / "Tiny.txt"
    path.write_text(TINY)
    summary = nrp.run_instance(path, time_limit=20, workers=1)
    plain = _plain_model().solve_plain(path, time_limit=20, workers=1)
    assert summary["status"] == "OPTIMAL" and plain["status"] == "OPTIMAL"
    assert summary["checks_agree"] and summary["hard_violations"] == []
    assert summary["objective"] == plain["objective"]
    assert nrp.evaluate_solution(path, plain["solution_rows"]).feasible


def test_cli_bench_nrp_one_instance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Tiny.txt"
    path.write_text(TINY)
    out = tmp_path / "solution.csv"
    code = main(["bench", "nrp", str(path), "--time-limit", "10", "--workers", "1", "--out", str(out)])
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 0
    assert {"instance", "status", "objective", "bound", "seconds"} <= set(line)
    solution = pd.read_csv(out)
    assert list(solution.columns) == ["employee", "day", "shift"]
    assert nrp.evaluate_solution(TINY, solution).objective == line["objective"]


def test_cli_bench_nrp_all(tmp_path: Path) -> None:
    for name in ("Instance10.txt", "Instance9.txt"):
        (tmp_path / name).write_text(TINY)
    assert [p.name for p in nrp.instance_paths(tmp_path)] == ["Instance9.txt", "Instance10.txt"]
    (tmp_path / "Instance10.txt").unlink()
    table = tmp_path / "table.md"
    assert main(["bench", "nrp", "--all", str(tmp_path), "--time-limit", "5", "--out-table", str(table)]) == 0
    lines = table.read_text().splitlines()
    assert lines[0].startswith("| instance |") and "peak MB" in lines[0]
    assert lines[2].startswith("| Instance9 | OPTIMAL |")


def test_instance1_reaches_607() -> None:
    """A real solve, deterministic (one worker, deterministic time): the published optimum of
    Instance1 (607), judged by the checker reading the file itself."""
    path = INSTANCES / "Instance1.txt"
    department, pack, horizon = nrp.to_department(nrp.parse_instance(path))
    result = solve(
        department, pack, horizon, SolveSettings(time_limit=30, workers=1, seed=0, deterministic=True)
    )
    score = nrp.evaluate_solution(path, nrp.solution_frame(result.assignments, horizon.start))
    assert score.feasible and score.objective == 607 == result.objective


def test_large_single_level_instance_is_one_cpsat_solve(tmp_path: Path) -> None:
    """A single-level model whose deterministic solve has too little time for CP-SAT's LNS workers
    skips the first-roster stage, and still returns a roster the checker accepts at the solver's
    objective."""
    spec = importlib.util.spec_from_file_location("nrp_generate", REPO / "benchmarks" / "nrp_generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path / "Synth.txt"
    path.write_text(module.generate(28, 20, 4))
    department, pack, horizon = nrp.to_department(nrp.parse_instance(path))
    combinations = len(department.registrars) * len(horizon.days) * len(department.shift_types)
    single_level = solve_stages(pack)
    # deterministic: a first roster for CP-SAT's LNS workers only while they have time for it
    assert not _warm_start_pays(single_level, combinations, SolveSettings(time_limit=5, deterministic=True))
    assert _warm_start_pays(single_level, combinations, SolveSettings(time_limit=60, deterministic=True))
    # free-running: the last stage's one solve finds its own first roster, whatever the limit
    assert not _warm_start_pays(single_level, combinations, SolveSettings(time_limit=60))
    settings = SolveSettings(time_limit=5, workers=1, seed=0, deterministic=True)
    result = solve(department, pack, horizon, settings)
    assert result.feasible
    rows = nrp.solution_frame(result.assignments, horizon.start)
    score = nrp.evaluate_solution(path, rows)
    assert score.feasible and score.objective == result.objective
