"""`roster bench inrc2`: INRC-II solved week by week through the weekly pipeline, scored independently.

n005w4, initial history 0, weeks 1-2-3-3 (the case of the official validator.txt), at 2 deterministic
seconds a week on 2 workers. Expected values come from outside the code under test: the competition's
file naming and format (the given solution files), the history files read by the evaluator's own
parser, hand computation from the rules (worked out next to each assertion), and the independent
evaluator's judgement of the files the bench wrote.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from roster_pipeline.cli import main
from roster_pipeline.inrc2 import convert
from roster_pipeline.inrc2.bench import BenchResult, solve_inrc2
from roster_pipeline.inrc2.evaluate import evaluate_files
from roster_pipeline.inrc2.evaluate_parse import read_history, read_solution
from roster_pipeline.inrc2.scenario import read_history as bench_read_history
from roster_pipeline.inrc2.scenario import read_scenario as bench_read_scenario

DATA = Path(__file__).resolve().parent / "data"
N005 = DATA / "n005w4"
SCENARIO = N005 / "Sc-n005w4.txt"
HISTORY = N005 / "H0-n005w4-0.txt"
WEEKS = [N005 / f"WD-n005w4-{w}.txt" for w in (1, 2, 3, 3)]
# Sol-<instance>-<week file>-<stage>.txt, as the given folder Solution_H_0-WD_1-2-3-3 names them.
NAMES = ["Sol-n005w4-1-0.txt", "Sol-n005w4-2-1.txt", "Sol-n005w4-3-2.txt", "Sol-n005w4-3-3.txt"]
BUDGET = 2.0  # deterministic seconds per week
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[BenchResult, Path]:
    out = tmp_path_factory.mktemp("inrc2") / "out"
    return solve_inrc2(SCENARIO, HISTORY, WEEKS, out, time_limit=BUDGET, workers=2, seed=0), out


def test_solution_files_have_the_competitions_names_and_format(run: tuple[BenchResult, Path]) -> None:
    result, out = run
    assert sorted(p.name for p in out.iterdir()) == NAMES
    given = (N005 / "Solution_H_0-WD_1-2-3-3" / "Sol-n005w4-1-0.txt").read_text().splitlines()
    nurses = {"Patrick", "Andrea", "Stefaan", "Sara", "Nguyen"}
    for stage, name in enumerate(NAMES):
        text = (out / name).read_text()
        lines = text.splitlines()
        # The given file's layout: SOLUTION, "<stage> <scenario>", a blank line, ASSIGNMENTS = n, the
        # n lines, a blank line at the end.
        assert lines[0] == given[0] == "SOLUTION"
        assert lines[1] == f"{stage} n005w4" and lines[2] == given[2] == ""
        count = int(lines[3].removeprefix("ASSIGNMENTS = "))
        assert len(lines) == 4 + count + 1 and lines[-1] == "" and text.endswith("\n")
        for line in lines[4 : 4 + count]:
            nurse, day, shift, skill = line.split(" ")
            assert nurse in nurses and day in DAYS
            assert shift in ("Early", "Late", "Night") and skill in ("HeadNurse", "Nurse")


def test_the_evaluator_reads_the_files_and_finds_no_hard_violation(run: tuple[BenchResult, Path]) -> None:
    result, out = run
    assert result.complete
    evaluation = evaluate_files(SCENARIO, HISTORY, WEEKS, [out / name for name in NAMES])
    assert evaluation.hard.total == 0 and evaluation.feasible
    assert evaluation.report() == result.evaluation.report()
    assert all(w.hard_violations == 0 for w in result.weeks)  # the engine validator agrees, week by week


def test_every_engine_assignment_is_in_its_solution_file(run: tuple[BenchResult, Path]) -> None:
    result, out = run
    for week in result.weeks:
        start = convert.START + dt.timedelta(days=7 * week.stage)
        engine = {
            (r, DAYS[(d - start).days], s)
            for r, d, s in week.assignments[["registrar_id", "date", "shift"]].itertuples(index=False)
        }
        written = {
            (a.nurse, DAYS[a.day], f"{a.shift_type}.{a.skill}")
            for a in read_solution(week.solution).assignments
        }
        assert written == engine and len(engine) == len(week.assignments)


def test_engine_and_evaluator_agree_on_the_lines_judged_week_by_week(run: tuple[BenchResult, Path]) -> None:
    """S1-S5 are counted exactly by the weekly packs (runs by the week holding their closing day), so
    the engine validator's penalties summed over the weeks equal the evaluator's cost lines; S6 and S7
    are only pro-rata shares before the last week."""
    result, _ = run
    costs = result.evaluation.costs
    engine = result.engine_lines()
    assert engine == {
        "optimal_coverage": costs.optimal_coverage,
        "consecutive": costs.consecutive,
        "non_working_days": costs.non_working_days,
        "preferences": costs.preferences,
        "complete_weekends": costs.complete_weekends,
    }
    assert result.evaluation.total == sum(
        getattr(costs, line)
        for line in ("total_assignments", "consecutive", "non_working_days", "preferences")
        + ("max_working_weekend", "complete_weekends", "optimal_coverage")
    )


def test_a_rerun_writes_identical_files_and_prints_the_report(
    run: tuple[BenchResult, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result, out = run
    again = tmp_path / "again"
    argv = ["bench", "inrc2", "--sce", str(SCENARIO), "--his", str(HISTORY), "--weeks", *map(str, WEEKS)]
    argv += ["--out", str(again), "--time-limit", str(BUDGET), "--workers", "2", "--seed", "0"]
    assert main(argv) == 0
    for name in NAMES:
        assert (again / name).read_bytes() == (out / name).read_bytes()
    printed = capsys.readouterr().out
    assert f"Total cost: {result.evaluation.total}\n" in printed
    assert "Minimal coverage constraints: 0\n" in printed


# --- the initial history and the pro-rata shares -----------------------------------------------------------


def _counters(rows: list[dict], nurse: str) -> tuple[str | None, int, int, int]:
    """(last shift type, its run, working run, days-off run) ending on the day before the first Monday,
    counted back from day -1 over the rows (a day without a row is off)."""
    worked = {
        (r["date"] - convert.START).days: r["shift"].split(".")[0] for r in rows if r["registrar_id"] == nurse
    }
    last = worked.get(-1)
    day = -1
    if last is None:
        while day not in worked and day >= min(worked):
            day -= 1
        return None, 0, 0, -1 - day
    same = 0
    while worked.get(-1 - same) == last:
        same += 1
    while day in worked:
        day -= 1
    assert day - 1 >= min(worked)  # the day closing the run is known
    return last, same, -1 - day, 0


@pytest.mark.parametrize("path", sorted(DATA.glob("*/H0-*.txt")), ids=lambda p: p.name)
def test_history_rows_reproduce_the_history_counters(path: Path) -> None:
    scenario = bench_read_scenario(next(path.parent.glob("Sc-*.txt")))
    rows = convert.history_rows(scenario, bench_read_history(path, scenario))
    assert all(r["date"] >= convert.START - dt.timedelta(days=14) for r in rows)  # the pipeline keeps 14 days
    for nurse in read_history(path).nurses:  # the evaluator's own parser
        expected = (nurse.last_shift_type, nurse.consecutive_shift_type)
        expected += (nurse.consecutive_working_days, nurse.consecutive_days_off)
        assert _counters(rows, nurse.nurse) == expected


def test_week_shares_of_totals_and_weekends() -> None:
    """n005w4, history 0 (every counter 0), first of 4 weeks. FullTime (15,22), 2 weekends: minutes
    floor(600 * 15 / 4) = 2250 and ceil(600 * 22 / 4) = 3300; a weekend costs 30 * (4 - 2) / 4 = 15.
    PartTime (7,11): floor(600 * 7 / 4) = 1050, ceil(600 * 11 / 4) = 1650, weekends as FullTime."""
    scenario = bench_read_scenario(SCENARIO)
    counters = {n.name: convert.Counters(0, 0) for n in scenario.nurses}
    totals, weekends = convert.share_limits(scenario, counters, 0, 4)
    assert totals == {(2250, 3300): ["Patrick", "Andrea", "Nguyen"], (1050, 1650): ["Stefaan", "Sara"]}
    assert weekends == {15: ["Patrick", "Andrea", "Stefaan", "Sara", "Nguyen"]}
    # Last week (stage 3 of 4) with 14 assignments and 2 weekends so far: what remains, exactly:
    # min 600 * (15 - 14) = 600, max 600 * (22 - 14) = 4800; no weekend left: 30.
    counters = {n.name: convert.Counters(14, 2) for n in scenario.nurses}
    totals, weekends = convert.share_limits(scenario, counters, 3, 4)
    assert totals[(600, 4800)] == ["Patrick", "Andrea", "Nguyen"]
    assert weekends == {30: ["Patrick", "Andrea", "Stefaan", "Sara", "Nguyen"]}


# --- bad input -----------------------------------------------------------------------------------------


def test_bad_input_names_the_file_and_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    week = tmp_path / "WD-n005w4-1.txt"
    lines = WEEKS[0].read_text().splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("Late Nurse"))
    lines[number - 1] = "Late Nurse (0,1) (1,1)"  # two days of cover instead of seven
    week.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"

    def bench(*weeks: Path) -> int:
        argv = ["bench", "inrc2", "--sce", str(SCENARIO), "--his", str(HISTORY), "--weeks"]
        return main([*argv, *(str(w) for w in weeks), "--out", str(out)])

    assert bench(WEEKS[0], week) == 2
    error = capsys.readouterr().err
    assert f"{week}, line {number}:" in error and "Traceback" not in error and error.count("\n") == 1
    assert not out.exists()
    missing = tmp_path / "WD-none.txt"
    assert bench(missing) == 2
    assert str(missing) in capsys.readouterr().err and not out.exists()


# --- independence ----------------------------------------------------------------------------------------


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
    return found


def test_the_solving_side_and_the_evaluator_share_no_code() -> None:
    folder = Path(convert.__file__).parent
    solving = ("scenario.py", "convert.py", "solve.py")
    evaluator = ("evaluate.py", "evaluate_parse.py", "evaluate_references.py")
    for name in solving:
        assert not [m for m in _imports(folder / name) if "evaluate" in m], name
    for name in evaluator:
        assert not [
            m
            for m in _imports(folder / name)
            if m.rsplit(".", 1)[-1] in ("scenario", "convert", "solve", "bench")
        ], name
