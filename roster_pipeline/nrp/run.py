"""The NRP benchmark on the engine: import an instance, solve it, cross-check, run instance sets.

- `to_department` maps an instance onto the engine's tables and generic rule types only (no
  benchmark-specific solver code);
- `bench_instance` / `run_instance` solve with the engine and cross-check the roster with both the
  benchmark's checker (`nrp.score`) and the engine validator;
- `run_isolated` and `markdown_table` serve `roster bench nrp --all` (one process per instance).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from data_contracts import validate_department
from roster_pipeline.core.domain import Department, Horizon
from roster_pipeline.core.rules import RulePack, parse_pack
from roster_pipeline.nrp.parse import NrpFormatError, NrpInstance, Staff, parse_instance
from roster_pipeline.nrp.score import BEST_KNOWN, Row, evaluate_solution, gap_to_best, solution_rows
from roster_pipeline.solver import SolveSettings, solve
from roster_pipeline.validator import validate_roster

START = dt.date(2024, 1, 1)  # a Monday: day 0 of every instance
SITE = "NRP"
SHIFT_START_MINUTES = 6 * 60  # any fixed start: no rest rule is used
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
FEASIBLE = ("OPTIMAL", "FEASIBLE")  # engine statuses with a roster


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
    department, pack, horizon = to_department(inst, start)
    report = validate_roster(department, pack, horizon, engine_roster(solution, start))
    broken = {ENGINE_RULE_NUMBER[v.rule_type] for v in report.violations if v.hard and v.units}
    return EngineCheck(int(report.soft_penalty), int(report.hard_violations), broken)


def bench_instance(
    path: str | Path, time_limit: float, workers: int = 2, seed: int = 0
) -> tuple[dict, pd.DataFrame]:
    """Solve an instance with the engine; (summary, solution). The objective is the native one."""
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
        score = evaluate_solution(Path(path), solution)  # the checker reads the file itself
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
