"""The `roster` command line: sample, solve and validate registrar rosters."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from pathlib import Path

import pandas as pd

from roster_pipeline.domain import Department, Horizon, as_date

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _load(path: str) -> Department:
    """Load and validate a department, or exit with the contract errors (nothing is written)."""
    from data_contracts import ContractError
    from roster_pipeline.department_io import load_department

    try:
        return load_department(Path(path))
    except ContractError as error:
        print(f"department {path} failed its data contracts:\n{error}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from error
    except FileNotFoundError as error:
        print(f"department {path}: {error}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from error


def _pack(name: str):
    from roster_pipeline.rules import RulePackError, load_pack

    try:
        return load_pack(name)
    except RulePackError as error:
        print(str(error), file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from error


def soft_summary(report) -> dict:
    """Per soft rule: violation units and penalty, as the independent validator counts them."""
    return {
        rule_id: {"units": int(report.units_by_rule.get(rule_id, 0)), "penalty": int(penalty)}
        for rule_id, penalty in report.penalty_by_rule.items()
    }


def cmd_sample(args: argparse.Namespace) -> int:
    from roster_pipeline.sample import write_sample

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
    from roster_pipeline.export import roster_frame, write_roster_csv, write_roster_xlsx
    from roster_pipeline.solver import SolveSettings, solve
    from roster_pipeline.validator import validate_roster

    department = _load(args.department)
    pack = _pack(args.rules)
    horizon = Horizon(start=args.start, weeks=args.weeks)
    settings = SolveSettings(time_limit=args.time_limit, workers=args.workers, seed=args.seed, log=args.log)
    result = solve(department, pack, horizon, settings)
    summary = result.summary()
    if result.feasible:
        report = validate_roster(department, pack, horizon, result.assignments)
        summary["hard_violations"] = int(report.hard_violations)
        summary["soft_penalty"] = int(report.soft_penalty)
        summary["requests_honoured_pct"] = _pct(report.requests_honoured, report.requests_total)
        summary["fairness_spread"] = {k: round(float(v), 3) for k, v in report.fairness_spreads.items()}
        summary["soft"] = soft_summary(report)
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


def _pct(part: int, whole: int) -> float | None:
    return None if not whole else round(100.0 * part / whole, 2)


def _horizon_for(roster: pd.DataFrame, start: dt.date | None, weeks: int | None) -> Horizon:
    dates = sorted(as_date(d) for d in roster["date"])
    first = start or (dates[0] if dates else dt.date.today())
    if weeks is None:
        span = (dates[-1] - first).days + 1 if dates else 7
        weeks = max(1, math.ceil(span / 7))
    return Horizon(start=first, weeks=weeks)


def cmd_validate(args: argparse.Namespace) -> int:
    from roster_pipeline.validator import validate_roster

    department = _load(args.department)
    pack = _pack(args.rules)
    roster = pd.read_csv(args.roster, dtype=str)
    missing = {"registrar_id", "date", "shift"} - set(roster.columns)
    if missing:
        print(f"roster {args.roster}: missing column(s) {', '.join(sorted(missing))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    horizon = _horizon_for(roster, args.start, args.weeks)
    report = validate_roster(department, pack, horizon, roster)
    if args.summary:
        print(
            json.dumps(
                {
                    "hard_violations": int(report.hard_violations),
                    "soft_penalty": int(report.soft_penalty),
                    "requests_honoured_pct": _pct(report.requests_honoured, report.requests_total),
                    "fairness_spread": {k: round(float(v), 3) for k, v in report.fairness_spreads.items()},
                }
            )
        )
    else:
        print(report.format_text())
    return EXIT_VIOLATIONS if report.hard_violations else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="roster", description="Registrar rosters with OR-Tools CP-SAT.")
    sub = parser.add_subparsers(dest="command", required=True)

    sample = sub.add_parser("sample", help="write a realistic fake department (xlsx + CSVs)")
    sample.add_argument("--registrars", type=int, default=45)
    sample.add_argument("--sites", type=int, default=3)
    sample.add_argument("--weeks", type=int, default=4)
    sample.add_argument("--start", type=_date, default=dt.date(2027, 2, 1))
    sample.add_argument("--seed", type=int, default=7)
    sample.add_argument("--out", required=True)
    sample.set_defaults(func=cmd_sample)

    solve = sub.add_parser("solve", help="solve a roster and print a JSON summary line")
    solve.add_argument("department", help="department.xlsx, or a folder of CSVs / with department.xlsx")
    solve.add_argument("--start", type=_date, required=True, help="first day (ISO date)")
    solve.add_argument("--weeks", type=int, default=4)
    solve.add_argument("--rules", default="au-vic", help="shipped pack name or a YAML path")
    solve.add_argument("--time-limit", type=float, default=30.0)
    solve.add_argument("--workers", type=int, default=2)
    solve.add_argument("--seed", type=int, default=0)
    solve.add_argument("--out", default="roster.csv")
    solve.add_argument("--xlsx", default=None)
    solve.add_argument("--log", action="store_true", help="print CP-SAT search progress")
    solve.set_defaults(func=cmd_solve)

    validate = sub.add_parser(
        "validate", help="check any roster (solver-made or hand-made) against the rules"
    )
    validate.add_argument("department")
    validate.add_argument("roster", help="CSV with registrar_id, date, shift")
    validate.add_argument("--rules", default="au-vic")
    validate.add_argument("--start", type=_date, default=None, help="default: first date in the roster")
    validate.add_argument("--weeks", type=int, default=None)
    validate.add_argument("--summary", action="store_true", help="print one JSON line instead of the report")
    validate.set_defaults(func=cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
