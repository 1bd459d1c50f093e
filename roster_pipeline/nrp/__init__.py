"""Shift Scheduling Benchmark (Curtois & Qu "NRP" instances): import, score and run with the engine.

Three independent pieces meet here (format: /work/shared/benchmarks/nrp/README.md):

- `parse_instance` reads an instance file; `to_department` maps it onto the engine's tables and
  generic rule types only (no benchmark-specific solver code);
- `evaluate_solution` is the benchmark's own checker, written from the README alone (its 9 hard
  rules and objective): it shares no code with the importer, the solver or the engine validator;
- `run_instance` solves with the engine and cross-checks the roster with both checkers.

Pure Python, no Dagster.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import resource
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from roster_pipeline.core.domain import Department, Horizon
from roster_pipeline.core.rules import RulePack, parse_pack

START = dt.date(2024, 1, 1)  # a Monday: day 0 of every instance
SITE = "NRP"
SHIFT_START_MINUTES = 6 * 60  # any fixed start: no rest rule is used
BEST_KNOWN = {
    "Instance1": 607,
    "Instance2": 828,
    "Instance3": 1001,
    "Instance4": 1716,
    "Instance5": 1143,
    "Instance6": 1950,
}
LOWER_BOUND = {
    "Instance1": 607,
    "Instance2": 828,
    "Instance3": 1001,
    "Instance4": 1716,
    "Instance5": 1141,
    "Instance6": 1949,
}
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
ENGINE_RULE_NUMBER = {
    "one-shift-per-day": 1,
    "forbidden_succession": 2,
    "max_shifts_of_type": 3,
    "total_minutes": 4,
    "max_consecutive_days": 5,
    "min_consecutive_days": 6,
    "min_consecutive_days_off": 7,
    "weekend_limit": 8,
    "approved_leave": 9,
}
SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)
FEASIBLE = ("OPTIMAL", "FEASIBLE")


class NrpFormatError(ValueError):
    """An instance file that cannot be read, or cannot be expressed with the engine's rule types."""


# --------------------------------------------------------------------------------------------
# Instance


@dataclass(frozen=True)
class Staff:
    """One SECTION_STAFF row."""

    id: str
    max_shifts: dict[str, int]
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class Request:
    """A shift on- or off-request."""

    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    """A SECTION_COVER row."""

    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class NrpInstance:
    """A parsed instance; `shifts` maps id to (length in minutes, ids that cannot follow it)."""

    name: str
    horizon: int
    shifts: dict[str, tuple[int, tuple[str, ...]]]
    staff: tuple[Staff, ...]
    days_off: dict[str, frozenset[int]]
    on_requests: tuple[Request, ...]
    off_requests: tuple[Request, ...]
    cover: tuple[Cover, ...]


def _sections(text: str) -> dict[str, list[list[str]]]:
    """Rows (comma-split cells) of each section; `#` starts a comment, a blank line ends a section."""
    sections: dict[str, list[list[str]]] = {}
    current: str | None = None
    for number, raw in enumerate(text.replace("\r", "").split("\n"), start=1):
        if raw.strip().startswith("#"):
            continue
        line = raw.split("#", 1)[0].strip()
        if not line:
            current = None
        elif line.startswith("SECTION_"):
            if line not in SECTIONS:
                raise NrpFormatError(f"line {number}: unknown section {line}")
            current = line
            sections.setdefault(current, [])
        elif current is None:
            raise NrpFormatError(f"line {number}: data outside a section: {line!r}")
        else:
            sections[current].append([cell.strip() for cell in line.split(",")])
    return sections


def _int(cell: str, what: str) -> int:
    try:
        return int(cell)
    except ValueError as error:
        raise NrpFormatError(f"{what}: expected an integer, got {cell!r}") from error


def _staff(row: list[str]) -> Staff:
    if len(row) != 8:
        raise NrpFormatError(f"SECTION_STAFF row {','.join(row)!r}: expected 8 fields")
    limits = {}
    for item in filter(None, row[1].split("|")):
        code, _, value = item.partition("=")
        limits[code.strip()] = _int(value, f"staff {row[0]} MaxShifts")
    numbers = [_int(cell, f"staff {row[0]}") for cell in row[2:]]
    return Staff(row[0], limits, *numbers)


def _request(row: list[str], section: str) -> Request:
    if len(row) != 4:
        raise NrpFormatError(f"{section} row {','.join(row)!r}: expected 4 fields")
    return Request(row[0], _int(row[1], section), row[2], _int(row[3], section))


def _cover(row: list[str]) -> Cover:
    if len(row) != 5:
        raise NrpFormatError(f"SECTION_COVER row {','.join(row)!r}: expected 5 fields")
    day, requirement, under, over = (_int(row[i], "SECTION_COVER") for i in (0, 2, 3, 4))
    return Cover(day, row[1], requirement, under, over)


def parse_text(text: str, name: str = "instance") -> NrpInstance:
    """Parse the text of an instance file (CRLF or LF)."""
    sections = _sections(text)
    horizon_rows = sections.get("SECTION_HORIZON", [])
    if len(horizon_rows) != 1:
        raise NrpFormatError("SECTION_HORIZON must hold exactly one number")
    shifts = {
        row[0]: (
            _int(row[1], f"shift {row[0]} length"),
            tuple(c.strip() for c in (row[2] if len(row) > 2 else "").split("|") if c.strip()),
        )
        for row in sections.get("SECTION_SHIFTS", [])
    }
    days_off: dict[str, frozenset[int]] = {}
    for row in sections.get("SECTION_DAYS_OFF", []):
        days = {_int(cell, f"days off of {row[0]}") for cell in row[1:] if cell}
        days_off[row[0]] = days_off.get(row[0], frozenset()) | days
    instance = NrpInstance(
        name=name,
        horizon=_int(horizon_rows[0][0], "SECTION_HORIZON"),
        shifts=shifts,
        staff=tuple(_staff(row) for row in sections.get("SECTION_STAFF", [])),
        days_off=days_off,
        on_requests=tuple(_request(r, "on-request") for r in sections.get("SECTION_SHIFT_ON_REQUESTS", [])),
        off_requests=tuple(
            _request(r, "off-request") for r in sections.get("SECTION_SHIFT_OFF_REQUESTS", [])
        ),
        cover=tuple(_cover(row) for row in sections.get("SECTION_COVER", [])),
    )
    _check_references(instance)
    return instance


def parse_instance(path: str | Path) -> NrpInstance:
    """Parse an instance file; the instance is named after the file stem (`Instance1`)."""
    path = Path(path)
    return parse_text(path.read_text(encoding="utf-8-sig"), path.stem)


def _check_references(inst: NrpInstance) -> None:
    """Every shift, employee and day referred to must exist."""
    problems = []
    staff_ids = {s.id for s in inst.staff}
    if len(staff_ids) != len(inst.staff):
        problems.append("duplicate staff ids")
    codes = set(inst.shifts)
    shift_refs = [(f"shift {c}", f) for c, (_, follows) in inst.shifts.items() for f in follows]
    shift_refs += [(f"staff {s.id} MaxShifts", code) for s in inst.staff for code in s.max_shifts]
    shift_refs += [("request", r.shift) for r in (*inst.on_requests, *inst.off_requests)]
    shift_refs += [("cover", c.shift) for c in inst.cover]
    problems += [f"{where}: unknown shift {code!r}" for where, code in shift_refs if code not in codes]
    people = [*inst.days_off, *(r.employee for r in (*inst.on_requests, *inst.off_requests))]
    problems += [f"unknown employee {e!r}" for e in sorted(set(people) - staff_ids)]
    days = [d for ds in inst.days_off.values() for d in ds]
    days += [r.day for r in (*inst.on_requests, *inst.off_requests)] + [c.day for c in inst.cover]
    problems += [
        f"day {d} outside 0..{inst.horizon - 1}" for d in sorted(set(days)) if not 0 <= d < inst.horizon
    ]
    problems += [
        f"shift {c}: length {m} not in 1..1440" for c, (m, _) in inst.shifts.items() if not 0 < m <= 1440
    ]
    if problems:
        raise NrpFormatError(f"instance {inst.name}: " + "; ".join(problems))


# --------------------------------------------------------------------------------------------
# Importer: engine tables and a rule pack of generic rule types


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _cover_weights(inst: NrpInstance) -> tuple[int, int]:
    """The (under, over) weights, which the engine's single cover_target rule needs uniform."""
    weights = {(c.under_weight, c.over_weight) for c in inst.cover}
    if len(weights) > 1:
        raise NrpFormatError(
            f"instance {inst.name}: cover weights differ between rows ({sorted(weights)}); the engine's "
            "cover_target rule has one under_weight and one over_weight"
        )
    return weights.pop() if weights else (0, 0)


def _tables(inst: NrpInstance, start: dt.date) -> dict[str, pd.DataFrame]:
    """Department tables of an instance (see `to_department`)."""
    weeks = inst.horizon // 7

    def day(index: int) -> dt.date:
        return start + dt.timedelta(days=index)

    registrars = [
        {
            "registrar_id": s.id,
            "name": s.id,
            "grade": "nurse",
            "home_site": SITE,
            "sites": SITE,
            "fte": 1.0,
            "contract_hours": round(s.max_minutes / 60 / weeks, 4),
        }
        for s in inst.staff
    ]
    shift_types = [
        {
            "code": code,
            "site": SITE,
            "start": _hhmm(SHIFT_START_MINUTES),
            "end": _hhmm(SHIFT_START_MINUTES + minutes),
            "kind": "day",
        }
        for code, (minutes, _) in inst.shifts.items()
    ]
    most = len(inst.staff)
    cover = [
        {
            "date": day(c.day),
            "site": SITE,
            "shift": c.shift,
            "min": 0,
            "target": c.requirement,
            "max": max(most, c.requirement),
        }
        for c in inst.cover
    ]
    leave = [
        {"registrar_id": e, "start": day(d), "end": day(d), "type": "other", "status": "approved"}
        for e, days in inst.days_off.items()
        for d in sorted(days)
    ]
    preferences = [
        {
            "registrar_id": r.employee,
            "start": day(r.day),
            "request": request,
            "shift": r.shift,
            "weight": r.weight,
        }
        for request, rows in (("prefer", inst.on_requests), ("avoid", inst.off_requests))
        for r in rows
    ]
    tables = {
        "registrars": registrars,
        "shift_types": shift_types,
        "cover": cover,
        "leave": leave,
        "preferences": preferences,
    }
    return {name: pd.DataFrame(rows) for name, rows in tables.items() if rows}


def _by_value(inst: NrpInstance, value: Callable[[Staff], Any]) -> Iterator[tuple[Any, list[str]]]:
    """(value, staff ids having it) for a per-staff limit, in first-seen order."""
    groups: dict[Any, list[str]] = {}
    for staff in inst.staff:
        key = value(staff)
        if key is not None:
            groups.setdefault(key, []).append(staff.id)
    yield from groups.items()


def _hard(rule_id: str, rule_type: str, params: dict, staff: list[str] | None = None) -> dict:
    rule = {"id": rule_id, "type": rule_type, "hard": True, "params": params}
    if staff is not None:
        rule["applies_to"] = {"registrars": staff}
    return rule


def _rules(inst: NrpInstance) -> list[dict]:
    """Engine rules for the nine hard rules and the objective; per-staff limits grouped by value."""
    under, over = _cover_weights(inst)
    # One rule per set of shifts sharing the same "cannot follow" list (a clique a day pair).
    followers: dict[tuple[str, ...], list[str]] = {}
    for code, (_, follows) in inst.shifts.items():
        if follows:
            followers.setdefault(tuple(sorted(follows)), []).append(code)
    rules = [
        _hard(
            f"succession-{'-'.join(first)}",
            "forbidden_succession",
            {"from": {"shifts": first}, "to": {"shifts": list(then)}},
        )
        for then, first in followers.items()
    ]
    for code in inst.shifts:
        for limit, ids in _by_value(inst, lambda s, code=code: s.max_shifts.get(code)):
            rules.append(
                _hard(
                    f"max-{code}-{limit}",
                    "max_shifts_of_type",
                    {"selector": {"shifts": [code]}, "max": limit},
                    ids,
                )
            )
    per_staff = (
        (
            "minutes",
            "total_minutes",
            lambda s: (s.min_minutes, s.max_minutes),
            lambda v: {"min_minutes": v[0], "max_minutes": v[1]},
        ),
        ("max-run", "max_consecutive_days", lambda s: s.max_consecutive, lambda v: {"max": v}),
        ("min-run", "min_consecutive_days", lambda s: s.min_consecutive, lambda v: {"min": v}),
        ("min-off", "min_consecutive_days_off", lambda s: s.min_days_off, lambda v: {"min": v}),
        ("weekends", "weekend_limit", lambda s: s.max_weekends, lambda v: {"max": v}),
    )
    for prefix, rule_type, value, params in per_staff:
        for key, ids in _by_value(inst, value):
            suffix = "-".join(map(str, key)) if isinstance(key, tuple) else str(key)
            rules.append(_hard(f"{prefix}-{suffix}", rule_type, params(key), ids))
    rules.append(_hard("days-off", "approved_leave", {}))
    rules.append({"id": "requests", "type": "requests", "weight": 1})
    rules.append(
        {
            "id": "cover",
            "type": "cover_target",
            "weight": 1,
            "params": {"under_weight": under, "over_weight": over},
        }
    )
    return rules


def to_department(inst: NrpInstance, start: dt.date = START) -> tuple[Department, RulePack, Horizon]:
    """The instance as an engine department, rule pack and horizon (day 0 = `start`, a Monday).

    One site, one `day`-kind shift type per benchmark shift (06:00 + its length), a registrar per
    staff member, approved leave for days off, prefer/avoid preferences for on/off requests and a
    dated cover row (min 0, target = requirement) per cover row.
    """
    from data_contracts import validate_department

    if start.weekday() != 0:
        raise ValueError(f"day 0 must be a Monday, got {start:%A} {start}")
    if inst.horizon % 7 or inst.horizon <= 0:
        raise NrpFormatError(f"instance {inst.name}: horizon {inst.horizon} is not a whole number of weeks")
    clash = sorted(set(inst.shifts) & {"day", "evening", "night", "long-day", "on-call"})
    if clash:
        raise NrpFormatError(f"instance {inst.name}: shift ids {clash} clash with engine shift kinds")
    department = Department(tables=validate_department(_tables(inst, start)))
    pack = parse_pack(
        {"id": f"nrp-{inst.name}", "name": f"NRP {inst.name}", "version": "1", "rules": _rules(inst)},
        f"nrp:{inst.name}",
    )
    return department, pack, Horizon(start=start, weeks=inst.horizon // 7)


# --------------------------------------------------------------------------------------------
# Benchmark-native checker (from the README's definitions only)


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


def _schedule(inst: NrpInstance, rows: list[Row]) -> dict[str, list[list[str]]]:
    """Per employee and day, the shifts worked (a list, so doubles stay visible)."""
    plan = {s.id: [[] for _ in range(inst.horizon)] for s in inst.staff}
    for employee, day, shift in rows:
        if employee not in plan:
            raise ValueError(f"solution: unknown employee {employee!r}")
        if shift not in inst.shifts:
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


def _staff_violations(inst: NrpInstance, staff: Staff, days: list[list[str]]) -> Iterator[NrpViolation]:
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
                    if b in inst.shifts[a][1]:
                        yield broken(2, f"{a} on day {d} followed by {b} on day {d + 1}")
    counts = Counter(code for shifts in days for code in shifts)
    for code, limit in staff.max_shifts.items():
        if counts[code] > limit:
            yield broken(3, f"{counts[code]} shifts {code}; the maximum is {limit}")
    minutes = sum(inst.shifts[code][0] for shifts in days for code in shifts)
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


def evaluate_solution(inst: NrpInstance, solution: pd.DataFrame | Iterable[Row]) -> NrpScore:
    """The nine hard rules and the objective of the README, recomputed from the solution."""
    plan = _schedule(inst, solution_rows(solution))
    violations = [v for s in inst.staff for v in _staff_violations(inst, s, plan[s.id])]
    on = sum(r.weight for r in inst.on_requests if r.shift not in plan[r.employee][r.day])
    off = sum(r.weight for r in inst.off_requests if r.shift in plan[r.employee][r.day])
    count = Counter((d, code) for days in plan.values() for d, shifts in enumerate(days) for code in shifts)
    under = sum(c.under_weight * max(0, c.requirement - count[c.day, c.shift]) for c in inst.cover)
    over = sum(c.over_weight * max(0, count[c.day, c.shift] - c.requirement) for c in inst.cover)
    return NrpScore(on + off + under + over, on, off, under, over, tuple(violations))


# --------------------------------------------------------------------------------------------
# Engine round trip


def solution_frame(assignments: pd.DataFrame, start: dt.date = START) -> pd.DataFrame:
    """Engine assignments (registrar_id, date, shift) as a benchmark solution (employee, day, shift)."""
    frame = pd.DataFrame(
        {
            "employee": assignments["registrar_id"].astype(str),
            "day": [(pd.Timestamp(d).date() - start).days for d in assignments["date"]],
            "shift": assignments["shift"].astype(str),
        }
    )
    return frame.sort_values(["employee", "day", "shift"]).reset_index(drop=True)


def engine_roster(solution: pd.DataFrame | Iterable[Row], start: dt.date = START) -> pd.DataFrame:
    """A benchmark solution as an engine roster (registrar_id, date, shift)."""
    rows = [
        {"registrar_id": e, "date": start + dt.timedelta(days=d), "shift": s}
        for e, d, s in solution_rows(solution)
    ]
    return pd.DataFrame(rows, columns=["registrar_id", "date", "shift"])


@dataclass(frozen=True)
class EngineCheck:
    """A solution judged by the engine's independent validator on the imported instance."""

    soft_penalty: int
    hard_violations: int
    broken_rules: set[int]


def engine_check(
    inst: NrpInstance, solution: pd.DataFrame | Iterable[Row], start: dt.date = START
) -> EngineCheck:
    """Import the instance and recount the solution with the engine validator."""
    from roster_pipeline.validator import validate_roster

    department, pack, horizon = to_department(inst, start)
    report = validate_roster(department, pack, horizon, engine_roster(solution, start))
    broken = {ENGINE_RULE_NUMBER[v.rule_type] for v in report.violations if v.hard and v.units}
    return EngineCheck(int(report.soft_penalty), int(report.hard_violations), broken)


def gap_to_best(name: str, objective: float | None) -> float | None:
    """(objective - best known) / best known, or None."""
    best = BEST_KNOWN.get(name)
    if objective is None or not best:
        return None
    return round((objective - best) / best, 6)


def bench_instance(
    path: str | Path, time_limit: float, workers: int = 2, seed: int = 0
) -> tuple[dict, pd.DataFrame]:
    """Solve an instance with the engine; (summary, solution). The objective is the native one."""
    from roster_pipeline.solver import SolveSettings, solve
    from roster_pipeline.validator import validate_roster

    inst = parse_instance(path)
    department, pack, horizon = to_department(inst)
    result = solve(
        department, pack, horizon, SolveSettings(time_limit=time_limit, workers=workers, seed=seed)
    )
    solution = solution_frame(result.assignments, horizon.start)
    summary: dict[str, Any] = {
        "instance": inst.name,
        "status": result.status,
        "objective": None,
        "bound": result.bound,
        "seconds": round(result.seconds, 2),
    }
    if result.feasible:
        score = evaluate_solution(inst, solution)
        report = validate_roster(department, pack, horizon, result.assignments)
        summary["engine_objective"] = result.objective
        summary["validator_penalty"] = int(report.soft_penalty)
        summary["validator_hard_violations"] = int(report.hard_violations)
        summary["hard_violations"] = [str(v) for v in score.violations]
        summary["checks_agree"] = (
            score.feasible == (report.hard_violations == 0)
            and score.objective == report.soft_penalty == result.objective
        )
        if score.feasible:
            summary["objective"] = score.objective
        else:
            summary["status"] = "INFEASIBLE"
    summary["best_known"] = BEST_KNOWN.get(inst.name)
    summary["gap_to_best"] = gap_to_best(inst.name, summary["objective"])
    return summary, solution


def run_instance(path: str | Path, time_limit: float, workers: int = 2, seed: int = 0) -> dict:
    """Solve an instance with the engine and return the JSON-ready summary (writes nothing)."""
    return bench_instance(path, time_limit, workers, seed)[0]


# --------------------------------------------------------------------------------------------
# Instance sets


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (CP-SAT's C++ allocations included)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def natural_key(path: Path) -> list[Any]:
    """Sort key putting Instance2 before Instance10."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def instance_paths(folder: str | Path) -> list[Path]:
    """Every Instance*.txt in a folder, in natural order."""
    return sorted(Path(folder).glob("Instance*.txt"), key=natural_key)


def run_isolated(
    path: str | Path, time_limit: float, workers: int = 2, seed: int = 0, out: str | Path | None = None
) -> dict:
    """Run `roster bench nrp` on one instance in a fresh process (so its peak memory is its own)."""
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(out) if out else Path(scratch) / "solution.csv"
        command = [
            sys.executable, "-m", "roster_pipeline.cli", "bench", "nrp", str(path),
            "--time-limit", str(time_limit), "--workers", str(workers), "--seed", str(seed),
            "--out", str(target),
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if not lines:
            raise RuntimeError(f"roster bench nrp {path} failed ({done.returncode}):\n{done.stderr}")
        summary = json.loads(lines[-1])
        if target.exists():
            summary["solution_rows"] = solution_rows(
                pd.read_csv(target, dtype={"employee": str, "shift": str})
            )
        return summary


def _cell(value: Any, pattern: str = "{}") -> str:
    return "-" if value is None else pattern.format(value)


def markdown_table(rows: list[dict]) -> str:
    """instance, objective, best known, gap to best known, bound, seconds, peak memory MB."""
    lines = [
        "| instance | status | objective | best known | gap to best | bound | seconds | peak MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        gap = None if r.get("gap_to_best") is None else 100 * r["gap_to_best"]
        cells = [
            r["instance"], r["status"], _cell(r.get("objective")), _cell(r.get("best_known")),
            _cell(gap, "{:.2f}%"), _cell(r.get("bound"), "{:g}"), _cell(r.get("seconds"), "{:.1f}"),
            _cell(r.get("peak_mb"), "{:.0f}"),
        ]  # fmt: skip
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    return "\n".join(lines) + "\n"
