"""The pipeline's rosters against the CLI's on the same sample department (issue 18).

The CLI solves the whole horizon at once (`roster solve`: one solve of W weeks). The pipeline plans
one week at a time, each week on the weeks before it (history and fairness ledger), through the
functions the Dagster asset `weekly_roster` calls (`planning.weekly.department_for_week` and
`plan_week`), here without Dagster so that only the planning is measured. Both rosters are judged
over the whole horizon by the independent validator: requests honoured, the nights and weekends
spreads and hard violations.

    .venv/bin/python benchmarks/pipeline_vs_cli.py                       # 45 x 4, CLI 30 s, weeks 3 and 30 s
    .venv/bin/python benchmarks/pipeline_vs_cli.py --week-limits 3 --no-cli --roster-period 0 --lookahead 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
from pathlib import Path

import pandas as pd

from roster_pipeline.core.department_io import load_department
from roster_pipeline.core.domain import Department, Horizon
from roster_pipeline.core.rules import RulePack, load_pack
from roster_pipeline.planning.sample import write_sample
from roster_pipeline.planning.weekly import department_for_week, lookahead_for, plan_week
from roster_pipeline.solver import SolveSettings, solve
from roster_pipeline.validator import validate_roster

START = dt.date(2026, 10, 5)  # the demo pipeline's first week


def judged(department: Department, pack: RulePack, horizon: Horizon, roster: pd.DataFrame) -> dict:
    """The validator's figures for a roster over the whole horizon."""
    report = validate_roster(department, pack, horizon, roster)
    return {
        "hard_violations": int(report.hard_violations),
        "requests_pct": round(100 * report.requests_honoured / max(1, report.requests_total), 1),
        "nights_spread": round(float(report.fairness_spreads.get("fair-nights", float("nan"))), 2),
        "weekends_spread": round(float(report.fairness_spreads.get("fair-weekends", float("nan"))), 2),
        "soft_penalty": int(report.soft_penalty),
    }


def cli_roster(department: Department, pack: RulePack, horizon: Horizon, args: argparse.Namespace) -> dict:
    settings = SolveSettings(time_limit=args.cli_limit, workers=args.workers, seed=args.seed)
    began = time.perf_counter()
    result = solve(department, pack, horizon, settings)
    seconds = time.perf_counter() - began
    row = {"mode": "cli", "budget_s": args.cli_limit, "seconds": round(seconds, 1), "status": result.status}
    if result.feasible:
        row |= judged(department, pack, horizon, result.assignments)
    return row


def pipeline_roster(
    department: Department, pack: RulePack, horizon: Horizon, limit: float, args: argparse.Namespace
) -> dict:
    """Week by week, deterministic, as the pipeline's `weekly_roster` asset plans them."""
    settings = SolveSettings(time_limit=limit, workers=args.workers, seed=args.seed, deterministic=True)
    tables = dict(department.tables)
    earlier = pd.DataFrame(columns=["registrar_id", "date", "shift"])
    ledger, ahead = None, None
    weeks, gaps = [], []
    began = time.perf_counter()
    for index in range(horizon.weeks):
        week = horizon.start + dt.timedelta(days=7 * index)
        department_week = department_for_week(tables, week, earlier, ledger)
        lookahead = lookahead_for(week, horizon.start, args.lookahead, args.roster_period)
        start = None if args.no_carry else ahead
        plan = plan_week(department_week, pack, week, settings, lookahead_weeks=lookahead, start=start)
        if not plan.ok:
            return {"mode": "pipeline", "budget_s": limit, "status": f"week {week}: {plan.result.status}"}
        ahead = plan.frames.get("lookahead_assignments")  # the next week's start
        rows = plan.frames["roster_assignments"][["registrar_id", "date", "shift"]]
        earlier = pd.concat([earlier, rows], ignore_index=True)
        ledger = plan.frames["fairness_ledger"]
        weeks.append(rows)
        gaps.append(plan.result.gap)
    seconds = time.perf_counter() - began
    row = {
        "mode": "pipeline",
        "budget_s": limit,
        "lookahead": args.lookahead,
        "roster_period": args.roster_period,
        "seconds": round(seconds, 1),
        "status": "FEASIBLE",
        "week_gaps": [None if g is None else round(g, 3) for g in gaps],
    }
    return row | judged(department, pack, horizon, pd.concat(weeks, ignore_index=True))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--registrars", type=int, default=45)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--sample-seed", type=int, default=7, help="the sample department (make demo: 7)")
    parser.add_argument("--rules", default="au-vic")
    parser.add_argument("--cli-limit", type=float, default=30.0)
    parser.add_argument("--week-limits", type=float, nargs="+", default=[3.0, 30.0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-cli", action="store_true")
    parser.add_argument(
        "--roster-period",
        type=int,
        default=4,
        help="roster periods: each week solved to its period's end (pipeline default 4; 0: --lookahead)",
    )
    parser.add_argument(
        "--lookahead", type=int, default=1, help="with --roster-period 0: weeks solved after each week"
    )
    parser.add_argument(
        "--no-carry",
        action="store_true",
        help="search each week from nothing (the pipeline starts it from the week before's lookahead roster)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sample"
        write_sample(
            path, registrars=args.registrars, sites=3, weeks=args.weeks, start=START, seed=args.sample_seed
        )
        department = load_department(path)
    pack = load_pack(args.rules)
    horizon = Horizon(START, args.weeks)
    rows = [] if args.no_cli else [cli_roster(department, pack, horizon, args)]
    if rows:
        print(json.dumps(rows[-1]), flush=True)
    for limit in args.week_limits:
        rows.append(pipeline_roster(department, pack, horizon, limit, args))
        print(json.dumps(rows[-1]), flush=True)
    print("| mode | budget s | seconds | requests % | nights spread | weekends spread | hard |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        cells = [r["mode"], f"{r['budget_s']:g}"]
        cells += [str(r.get(k, "-")) for k in ("seconds", "requests_pct", "nights_spread", "weekends_spread")]
        print("| " + " | ".join([*cells, str(r.get("hard_violations", "-"))]) + " |")


if __name__ == "__main__":
    main()
