"""Solve INRC-II week by week through the weekly pipeline's path (the solving side).

Each week: the week's department tables (`convert.week_tables`), `planning.weekly.department_for_week`
with the weeks already solved as `previous_assignments`, the week's pack (`convert.week_pack`, with
the pro-rata S6/S7 shares of what remains), and `planning.weekly.plan_week` with no lookahead (the
competition reveals one week at a time), as the Dagster asset `weekly_roster` does. The week's roster
is written as the competition's `Sol-<instance>-<week file>-<stage>.txt` and carried forward.
Nothing here reads the evaluator (`evaluate*.py`): the bench scores the files with it afterwards.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from roster_pipeline.inrc2.convert import (
    START,
    Counters,
    base_tables,
    pairs,
    week_pack,
    week_tables,
)
from roster_pipeline.inrc2.scenario import (
    WEEKDAYS,
    History,
    Scenario,
    Week,
    read_history,
    read_scenario,
    read_week,
)
from roster_pipeline.planning.weekly import department_for_week, plan_week
from roster_pipeline.solver import SolveSettings

_WEEK_FILE = re.compile(r"-(\d+)\.txt$")


@dataclass(frozen=True)
class Instance:
    """The files of one run, read and cross-checked before anything is solved or written."""

    name: str  # from Sc-<name>.txt (the solution files' names use it)
    scenario: Scenario
    history: History
    weeks: tuple[Week, ...]
    week_ids: tuple[str, ...]  # the week file's number (WD-<name>-<id>.txt), else its position


def read_instance(scenario: str | Path, history: str | Path, weeks: list[str | Path]) -> Instance:
    """Read every input file (`Inrc2InputError` naming the file and line on the first problem)."""
    sc = read_scenario(scenario)
    his = read_history(history, sc)
    data = tuple(read_week(w, sc) for w in weeks)
    ids = []
    for stage, w in enumerate(weeks):
        match = _WEEK_FILE.search(Path(w).name)
        ids.append(match.group(1) if match else str(stage))
    name = Path(scenario).stem.removeprefix("Sc-")
    return Instance(name, sc, his, data, tuple(ids))


@dataclass
class WeekOutcome:
    """One solved week: the engine's solve and its independent validator's recount."""

    stage: int
    week_id: str
    status: str
    objective: float | None
    hard_violations: int  # the engine validator's (-1 when no roster was found)
    penalty_by_rule: dict[str, int]
    seconds: float
    solution: Path | None
    assignments: pd.DataFrame = field(repr=False)
    diagnosis: list[str] = field(default_factory=list)


def solution_text(instance: Instance, stage: int, assignments: pd.DataFrame) -> str:
    """The competition's solution file: SOLUTION, `<stage> <scenario>`, ASSIGNMENTS = n, then
    `nurse day shift skill` lines, nurses in scenario order and days in order (as the given files)."""
    by_code = pairs(instance.scenario)
    order = {n.name: i for i, n in enumerate(instance.scenario.nurses)}
    week_start = START + dt.timedelta(days=7 * stage)
    rows = sorted(
        (order[str(r)], (pd.Timestamp(d).date() - week_start).days, str(r), by_code[str(s)])
        for r, d, s in assignments[["registrar_id", "date", "shift"]].itertuples(index=False)
    )
    lines = [f"{nurse} {WEEKDAYS[day]} {shift} {skill}" for _, day, nurse, (shift, skill) in rows]
    head = ["SOLUTION", f"{stage} {instance.scenario.name}", "", f"ASSIGNMENTS = {len(lines)}"]
    return "\n".join([*head, *lines, ""]) + "\n"


def solution_path(out_dir: Path, instance: Instance, stage: int) -> Path:
    return out_dir / f"Sol-{instance.name}-{instance.week_ids[stage]}-{stage}.txt"


def _counters(instance: Instance, solved: list[pd.DataFrame]) -> dict[str, Counters]:
    """Each nurse's assignments and working weekends so far (history counters plus solved weeks)."""
    out = {}
    frame = pd.concat(solved, ignore_index=True) if solved else pd.DataFrame(columns=["registrar_id", "date"])
    for nurse in instance.scenario.nurses:
        days = [pd.Timestamp(d).date() for d in frame.loc[frame["registrar_id"] == nurse.name, "date"]]
        weekends = {d - dt.timedelta(days=d.weekday() - 5) for d in days if d.weekday() >= 5}
        state = instance.history.nurses[nurse.name]
        out[nurse.name] = Counters(state.assignments + len(days), state.weekends + len(weekends))
    return out


def solve_weeks(
    instance: Instance,
    out_dir: str | Path,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    run_id: str = "inrc2",
) -> list[WeekOutcome]:
    """Solve the weeks in order, writing each week's solution file; stops at a week with no roster."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    settings = SolveSettings(time_limit=time_limit, workers=workers, seed=seed, deterministic=True)
    base = base_tables(instance.scenario, instance.history)
    solved: list[pd.DataFrame] = []
    outcomes = []
    for stage, week in enumerate(instance.weeks):
        week_start = START + dt.timedelta(days=7 * stage)
        tables = week_tables(instance.scenario, base, week, week_start)
        previous = pd.concat(solved, ignore_index=True) if solved else None
        department = department_for_week(tables, week_start, previous)
        pack = week_pack(instance.scenario, _counters(instance, solved), stage, len(instance.weeks))
        plan = plan_week(
            department, pack, week_start, settings, run_id=f"{run_id}-{stage}", lookahead_weeks=0
        )
        result, report = plan.result, plan.report
        assignments = result.assignments[["registrar_id", "date", "shift"]].reset_index(drop=True)
        path = None
        if result.feasible:
            path = solution_path(out, instance, stage)
            path.write_text(solution_text(instance, stage, assignments))
            solved.append(assignments)
        outcomes.append(
            WeekOutcome(
                stage=stage,
                week_id=instance.week_ids[stage],
                status=result.status,
                objective=result.objective,
                hard_violations=plan.hard_violations,
                penalty_by_rule={} if report is None else dict(report.penalty_by_rule),
                seconds=float(result.seconds),
                solution=path,
                assignments=assignments,
                diagnosis=list(result.diagnosis),
            )
        )
        if not result.feasible:
            break
    return outcomes
