"""The benchmark's own checker, written from the README alone: its 9 hard rules and objective.

It shares no code with the importer, the solver or the engine validator: it reads the instance file
itself (`score_parse`), so it can judge the engine's rosters independently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from roster_pipeline.nrp.score_parse import Benchmark, Employee, read_file, read_text

# Best known objectives and proven lower bounds, from schedulingbenchmarks.org (7-12: Smet's IP
# bounds and wssuite/NurseScheduler's benchmark/nrp.yml), as listed in shared/benchmarks/nrp/README.md.
BEST_KNOWN = {
    "Instance1": 607,
    "Instance2": 828,
    "Instance3": 1001,
    "Instance4": 1716,
    "Instance5": 1143,
    "Instance6": 1950,
    "Instance7": 1056,
    "Instance8": 1300,
    "Instance9": 439,
    "Instance10": 4631,
    "Instance11": 3443,
    "Instance12": 4040,
}
# Every best-known value is proven optimal (or reported so) except Instances 5 and 6.
LOWER_BOUND = {**BEST_KNOWN, "Instance5": 1141, "Instance6": 1949}
HARD_RULES = {
    1: "at most one shift per day",
    2: "forbidden succession",
    3: "max shifts of a type",
    4: "total minutes",
    5: "max consecutive shifts",
    6: "min consecutive shifts",
    7: "min consecutive days off",
    8: "max weekends",
    9: "day off",
}
# Engine rule type -> the benchmark's hard rule number it imports.


@dataclass(frozen=True)
class NrpViolation:
    """A broken hard rule (numbered as in the README)."""

    rule: int
    employee: str
    detail: str

    def __str__(self) -> str:
        return f"rule {self.rule} ({HARD_RULES[self.rule]}): {self.employee}: {self.detail}"


@dataclass(frozen=True)
class NrpScore:
    """A solution judged in the benchmark's own terms."""

    objective: int
    on_requests: int
    off_requests: int
    cover_under: int
    cover_over: int
    violations: tuple[NrpViolation, ...] = field(default_factory=tuple)

    @property
    def feasible(self) -> bool:
        return not self.violations

    @property
    def broken_rules(self) -> set[int]:
        return {v.rule for v in self.violations}


Row = tuple[str, int, str]


def solution_rows(solution: pd.DataFrame | Iterable[Row]) -> list[Row]:
    """(employee, day, shift) tuples from a frame with those columns or any iterable of triples."""
    if isinstance(solution, pd.DataFrame):
        triples = solution[["employee", "day", "shift"]].itertuples(index=False, name=None)
    else:
        triples = solution
    return [(str(e).strip(), int(d), str(s).strip()) for e, d, s in triples]


def _schedule(inst: Benchmark, rows: list[Row]) -> dict[str, list[list[str]]]:
    """Per employee and day, the shifts worked (a list, so doubles stay visible)."""
    plan = {e: [[] for _ in range(inst.horizon)] for e in inst.staff}
    for employee, day, shift in rows:
        if employee not in plan:
            raise ValueError(f"solution: unknown employee {employee!r}")
        if shift not in inst.minutes:
            raise ValueError(f"solution: unknown shift {shift!r} ({employee}, day {day})")
        if not 0 <= day < inst.horizon:
            raise ValueError(f"solution: day {day} outside 0..{inst.horizon - 1} ({employee})")
        plan[employee][day].append(shift)
    return plan


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """(first, last) of each maximal run of True."""
    out, first = [], None
    for i, flag in enumerate([*flags, False]):
        if flag and first is None:
            first = i
        elif not flag and first is not None:
            out.append((first, i - 1))
            first = None
    return out


def _staff_violations(inst: Benchmark, staff: Employee, days: list[list[str]]) -> Iterator[NrpViolation]:
    """Hard rules 1-9 for one employee."""
    last = inst.horizon - 1
    worked = [bool(shifts) for shifts in days]

    def broken(rule: int, detail: str) -> NrpViolation:
        return NrpViolation(rule, staff.id, detail)

    for d, shifts in enumerate(days):
        if len(shifts) > 1:
            yield broken(1, f"day {d}: {len(shifts)} shifts {'/'.join(shifts)}")
        if d < last:
            for a in shifts:
                for b in days[d + 1]:
                    if b in inst.cannot_follow[a]:
                        yield broken(2, f"{a} on day {d} followed by {b} on day {d + 1}")
    counts = Counter(code for shifts in days for code in shifts)
    for code, limit in staff.max_shifts.items():
        if counts[code] > limit:
            yield broken(3, f"{counts[code]} shifts {code}; the maximum is {limit}")
    minutes = sum(inst.minutes[code] for shifts in days for code in shifts)
    if not staff.min_minutes <= minutes <= staff.max_minutes:
        yield broken(4, f"{minutes} minutes; allowed {staff.min_minutes}..{staff.max_minutes}")
    for first, end in _runs(worked):
        if end - first + 1 > staff.max_consecutive:
            yield broken(5, f"works days {first}-{end}; the maximum run is {staff.max_consecutive}")
        if end - first + 1 < staff.min_consecutive and first > 0 and end < last:
            yield broken(6, f"works only days {first}-{end}; the minimum run is {staff.min_consecutive}")
    for first, end in _runs([not w for w in worked]):
        if end - first + 1 < staff.min_days_off and first > 0 and end < last:
            yield broken(7, f"off only days {first}-{end}; the minimum is {staff.min_days_off}")
    weekends = [k for k in range((inst.horizon + 1) // 7) if any(worked[7 * k + 5 : 7 * k + 7])]
    if len(weekends) > staff.max_weekends:
        yield broken(8, f"works weekends {weekends}; the maximum is {staff.max_weekends}")
    for d in sorted(inst.days_off.get(staff.id, ())):
        if worked[d]:
            yield broken(9, f"works {'/'.join(days[d])} on day off {d}")


def benchmark(instance: Benchmark | str | Path) -> Benchmark:
    """The checker's instance: its own reading of a file path or of an instance text (a string with
    sections). Another reader's parsed instance is refused: the checker reads the format itself."""
    if isinstance(instance, Benchmark):
        return instance
    if isinstance(instance, Path):
        return read_file(instance)
    if isinstance(instance, str):
        return read_text(instance) if "SECTION_" in instance else read_file(instance)
    raise TypeError(f"the NRP checker reads an instance file or text itself, not a {type(instance).__name__}")


def evaluate_solution(instance: Benchmark | str | Path, solution: pd.DataFrame | Iterable[Row]) -> NrpScore:
    """The nine hard rules and the objective of the README, recomputed from the solution (`instance`:
    the instance file, its text, or the checker's `Benchmark`)."""
    inst = benchmark(instance)
    plan = _schedule(inst, solution_rows(solution))
    violations = [v for s in inst.staff.values() for v in _staff_violations(inst, s, plan[s.id])]
    on = sum(r.weight for r in inst.on_requests if r.shift not in plan[r.employee][r.day])
    off = sum(r.weight for r in inst.off_requests if r.shift in plan[r.employee][r.day])
    count = Counter((d, code) for days in plan.values() for d, shifts in enumerate(days) for code in shifts)
    under = sum(c.under_weight * max(0, c.requirement - count[c.day, c.shift]) for c in inst.cover)
    over = sum(c.over_weight * max(0, count[c.day, c.shift] - c.requirement) for c in inst.cover)
    return NrpScore(on + off + under + over, on, off, under, over, tuple(violations))


def gap_to_best(name: str, objective: float | None) -> float | None:
    """(objective - best known) / best known, or None."""
    best = BEST_KNOWN.get(name)
    if objective is None or not best:
        return None
    return round((objective - best) / best, 6)
