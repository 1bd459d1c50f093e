"""Issue-2 targets: quality and speed of registrar rosters on sample departments.

Prints one JSON line per run and a median summary per case. Usage:

    .venv/bin/python benchmarks/roster_targets.py                  # 45 x 4 weeks, 3 seeds
    .venv/bin/python benchmarks/roster_targets.py --large          # also 120 x 13 weeks
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from pathlib import Path

from roster_pipeline.core.department_io import load_department
from roster_pipeline.core.domain import Horizon
from roster_pipeline.core.rules import load_pack
from roster_pipeline.planning.sample import write_sample
from roster_pipeline.solver import SolveSettings, solve
from roster_pipeline.validator import validate_roster

START = dt.date(2027, 2, 1)


def run_case(registrars: int, weeks: int, rules: str, time_limit: float, seed: int, folder: Path) -> dict:
    """Generate a sample department, solve it and judge the roster with the independent validator."""
    department_dir = folder / f"dept-{registrars}-{weeks}"
    if not department_dir.exists():
        write_sample(department_dir, registrars=registrars, sites=3, weeks=weeks, start=START, seed=7)
    department = load_department(department_dir)
    pack = load_pack(rules)
    horizon = Horizon(START, weeks)
    began = time.perf_counter()
    result = solve(department, pack, horizon, SolveSettings(time_limit=time_limit, workers=2, seed=seed))
    seconds = time.perf_counter() - began
    row = {
        "registrars": registrars,
        "weeks": weeks,
        "rules": rules,
        "seed": seed,
        "status": result.status,
        "seconds": round(seconds, 1),
        "first_feasible_seconds": None
        if result.first_feasible_seconds is None
        else round(result.first_feasible_seconds, 1),
        "objective": result.objective,
        "gap": result.gap,
    }
    if result.feasible:
        report = validate_roster(department, pack, horizon, result.assignments)
        row |= {
            "hard_violations": report.hard_violations,
            "requests_honoured_pct": round(100 * report.requests_honoured / max(1, report.requests_total), 1),
            "nights_spread": round(report.fairness_spreads.get("fair-nights", float("nan")), 2),
            "weekends_spread": round(report.fairness_spreads.get("fair-weekends", float("nan")), 2),
        }
    print(json.dumps(row), flush=True)
    return row


def summarise(rows: list[dict]) -> dict:
    """Medians over seeds of the figures the targets are stated in."""
    keys = (
        "seconds",
        "first_feasible_seconds",
        "hard_violations",
        "requests_honoured_pct",
        "nights_spread",
        "weekends_spread",
    )
    out = {"runs": len(rows), "feasible": sum(r["status"] in ("OPTIMAL", "FEASIBLE") for r in rows)}
    for key in keys:
        values = [r[key] for r in rows if key in r]
        if values:
            out[f"median_{key}"] = statistics.median(values)
            out[f"max_{key}"] = max(values)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--rules", default="au-vic")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--large", action="store_true", help="also solve 120 registrars x 13 weeks")
    parser.add_argument("--large-time-limit", type=float, default=300.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small = [run_case(45, 4, args.rules, args.time_limit, s, folder) for s in range(args.seeds)]
        print("SUMMARY 45x4w", json.dumps(summarise(small)))
        if args.large:
            large = [run_case(120, 13, args.rules, args.large_time_limit, 0, folder)]
            print("SUMMARY 120x13w", json.dumps(summarise(large)))


if __name__ == "__main__":
    main()
