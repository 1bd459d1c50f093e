"""`roster sample`, `roster solve` and `roster validate`: the registrar-roster subcommands."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from roster_pipeline.core.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_VIOLATIONS,
    department_or_exit,
    iso_date,
    pack_or_exit,
    positive_float,
    positive_int,
    roster_or_exit,
)
from roster_pipeline.core.domain import Horizon
from roster_pipeline.core.export import roster_frame, write_roster_csv
from roster_pipeline.core.roster_workbook import write_roster_xlsx
from roster_pipeline.planning.rosters import horizon_for, plan_roster, plan_summary, report_summary
from roster_pipeline.planning.sample import sample_size_problem, write_sample
from roster_pipeline.solver import SolveSettings
from roster_pipeline.validator import validate_roster


def cmd_sample(args: argparse.Namespace) -> int:
    problem = sample_size_problem(args.registrars, args.sites, args.weeks)
    if problem:
        print(f"roster sample: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    out = write_sample(
        Path(args.out),
        registrars=args.registrars,
        sites=args.sites,
        weeks=args.weeks,
        start=args.start,
        seed=args.seed,
    )
    print(json.dumps({"department": str(out), "registrars": args.registrars, "sites": args.sites}))
    return EXIT_OK


def cmd_solve(args: argparse.Namespace) -> int:
    department = department_or_exit(args.department)
    pack = pack_or_exit(args.rules)
    horizon = Horizon(start=args.start, weeks=args.weeks)
    settings = SolveSettings(
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        log=args.log,
        deterministic=args.deterministic,
    )
    plan = plan_roster(department, pack, horizon, settings)
    result = plan.result
    summary = plan_summary(plan)
    if result.feasible:
        frame = roster_frame(department, result.assignments)
        write_roster_csv(frame, Path(args.out))
        if args.xlsx:
            write_roster_xlsx(department, horizon, frame, Path(args.xlsx))
        summary["roster"] = args.out
    else:
        for line in result.diagnosis:
            print(f"  {line}", file=sys.stderr)
    print(json.dumps(summary))
    return EXIT_OK if result.feasible else EXIT_VIOLATIONS


def cmd_validate(args: argparse.Namespace) -> int:
    department = department_or_exit(args.department)
    pack = pack_or_exit(args.rules)
    roster = roster_or_exit(args.roster, department)
    if roster.empty and args.start is None:
        print(f"roster {args.roster} has no rows: give --start to validate an empty roster", file=sys.stderr)
        return EXIT_BAD_INPUT
    horizon = horizon_for(roster, args.start, args.weeks)
    report = validate_roster(department, pack, horizon, roster)
    if args.summary:
        print(json.dumps(report_summary(report)))
    else:
        print(report.format_text())
    return EXIT_VIOLATIONS if report.hard_violations else EXIT_OK


def register_cli(sub: Any) -> None:
    """Add `sample`, `solve` and `validate` to the `roster` command's subparsers."""
    sample = sub.add_parser("sample", help="write a realistic fake department (xlsx + CSVs)")
    sample.add_argument("--registrars", type=positive_int, default=45)
    sample.add_argument("--sites", type=positive_int, default=3)
    sample.add_argument("--weeks", type=positive_int, default=4)
    sample.add_argument("--start", type=iso_date, default=dt.date(2027, 2, 1))
    sample.add_argument("--seed", type=int, default=7)
    sample.add_argument("--out", required=True)
    sample.set_defaults(func=cmd_sample)

    solve = sub.add_parser("solve", help="solve a roster and print a JSON summary line")
    solve.add_argument("department", help="department.xlsx, or a folder of CSVs / with department.xlsx")
    solve.add_argument("--start", type=iso_date, required=True, help="first day (ISO date)")
    solve.add_argument("--weeks", type=positive_int, default=4)
    solve.add_argument("--rules", default="au-vic", help="shipped pack name or a YAML path")
    solve.add_argument("--time-limit", type=positive_float, default=30.0)
    solve.add_argument("--workers", type=positive_int, default=2)
    solve.add_argument("--seed", type=int, default=0)
    solve.add_argument("--out", default="roster.csv")
    solve.add_argument("--xlsx", default=None)
    solve.add_argument("--log", action="store_true", help="print CP-SAT search progress")
    solve.add_argument(
        "--deterministic",
        action="store_true",
        help="stop on CP-SAT's deterministic time, so equal settings give equal rosters",
    )
    solve.set_defaults(func=cmd_solve)

    validate = sub.add_parser(
        "validate", help="check any roster (solver-made or hand-made) against the rules"
    )
    validate.add_argument("department")
    validate.add_argument("roster", help="CSV with registrar_id, date, shift")
    validate.add_argument("--rules", default="au-vic")
    validate.add_argument("--start", type=iso_date, default=None, help="default: first date in the roster")
    validate.add_argument("--weeks", type=positive_int, default=None)
    validate.add_argument("--summary", action="store_true", help="print one JSON line instead of the report")
    validate.set_defaults(func=cmd_validate)
