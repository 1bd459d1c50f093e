"""The plain reference model for the NRP benchmark, written directly from its README.

One boolean per employee, day and shift; the nine hard rules posted in the simplest way; the
objective as defined; CP-SAT with 2 workers, seed 0, 60 s by default. It shares only the file
parser (roster_pipeline.nrp.parse) and the native scorer (roster_pipeline.nrp.score) with the
engine run. Usage:

    .venv/bin/python benchmarks/plain_nrp.py ../shared/benchmarks/nrp/Instance4.txt --time-limit 60
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from ortools.sat.python import cp_model

from roster_pipeline.nrp.parse import NrpInstance, parse_instance
from roster_pipeline.nrp.score import evaluate_solution

Var = cp_model.IntVar


def _forbid_short_runs(model: cp_model.CpModel, flags: list, shortest: int) -> None:
    """No maximal run of true `flags` shorter than `shortest`, except runs touching either end."""
    horizon = len(flags)
    for length in range(1, shortest):
        for first in range(1, horizon - length):
            after = first + length
            # not (flag[first-1] = 0 and flag[first..after-1] = 1 and flag[after] = 0)
            model.AddBoolOr([flags[first - 1], *(flags[d].Not() for d in range(first, after)), flags[after]])


def build(inst: NrpInstance) -> tuple[cp_model.CpModel, dict[tuple[str, int, str], Var]]:
    """The plain model and its x[employee, day, shift] booleans."""
    model = cp_model.CpModel()
    days, codes = range(inst.horizon), list(inst.shifts)
    x = {
        (s.id, d, c): model.NewBoolVar(f"x[{s.id},{d},{c}]") for s in inst.staff for d in days for c in codes
    }
    for staff in inst.staff:
        e = staff.id
        works = []
        for d in days:  # 1. at most one shift a day; works[d] is 1 iff a shift is worked
            work = model.NewBoolVar(f"w[{e},{d}]")
            model.Add(sum(x[e, d, c] for c in codes) == work)
            works.append(work)
        for d in days[:-1]:  # 2. forbidden successions
            for a, (_, follows) in inst.shifts.items():
                for b in follows:
                    model.AddBoolOr([x[e, d, a].Not(), x[e, d + 1, b].Not()])
        for c, limit in staff.max_shifts.items():  # 3. per-type maximum
            model.Add(sum(x[e, d, c] for d in days) <= limit)
        minutes = sum(inst.shifts[c][0] * x[e, d, c] for d in days for c in codes)  # 4. total minutes
        model.Add(minutes >= staff.min_minutes)
        model.Add(minutes <= staff.max_minutes)
        run = staff.max_consecutive + 1  # 5. no window of max+1 days all worked
        for first in range(inst.horizon - run + 1):
            model.Add(sum(works[first : first + run]) <= staff.max_consecutive)
        _forbid_short_runs(model, works, staff.min_consecutive)  # 6. work runs
        _forbid_short_runs(model, [w.Not() for w in works], staff.min_days_off)  # 7. days-off runs
        weekends = []  # 8. worked weekends
        for sat in range(5, inst.horizon, 7):
            weekend = model.NewBoolVar(f"weekend[{e},{sat}]")
            model.AddMaxEquality(weekend, works[sat : sat + 2])
            weekends.append(weekend)
        model.Add(sum(weekends) <= staff.max_weekends)
        for d in inst.days_off.get(e, ()):  # 9. days off
            model.Add(works[d] == 0)
    model.Minimize(_objective(model, inst, x))
    return model, x


def _objective(model: cp_model.CpModel, inst: NrpInstance, x: dict) -> cp_model.LinearExpr:
    terms = [r.weight * (1 - x[r.employee, r.day, r.shift]) for r in inst.on_requests]
    terms += [r.weight * x[r.employee, r.day, r.shift] for r in inst.off_requests]
    staff = len(inst.staff)
    for c in inst.cover:
        n = sum(x[s.id, c.day, c.shift] for s in inst.staff)
        under = model.NewIntVar(0, max(0, c.requirement), f"under[{c.day},{c.shift}]")
        over = model.NewIntVar(0, staff, f"over[{c.day},{c.shift}]")
        model.Add(n - c.requirement == over - under)
        terms += [c.under_weight * under, c.over_weight * over]
    return sum(terms)


def solve_plain(path: str | Path, time_limit: float = 60.0, workers: int = 2, seed: int = 0) -> dict:
    """Solve an instance with the plain model: status, objective, bound, seconds, solution rows."""
    inst = parse_instance(path)
    began = time.perf_counter()
    model, x = build(inst)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.Solve(model)
    seconds = time.perf_counter() - began
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    rows = sorted(key for key, var in x.items() if found and solver.BooleanValue(var))
    return {
        "instance": inst.name,
        "status": solver.StatusName(status),
        "objective": round(solver.ObjectiveValue()) if found else None,
        "bound": round(solver.BestObjectiveBound()) if found else None,
        "seconds": round(seconds, 2),
        "solution_rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance")
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    result = solve_plain(args.instance, args.time_limit)
    score = evaluate_solution(Path(args.instance), result.pop("solution_rows"))  # its own reading
    result["native_objective"] = score.objective
    result["hard_violations"] = [str(v) for v in score.violations]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
