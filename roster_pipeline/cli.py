"""The `roster` command line: sample, solve and validate registrar rosters."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from pathlib import Path

import pandas as pd

from roster_pipeline.core.domain import Department, Horizon, as_date
from roster_pipeline.explain.cli import register_cli as register_ask
from roster_pipeline.joblines.cli import register_cli as register_joblines

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _load(path: str) -> Department:
    """Load and validate a department, or exit with the contract errors (nothing is written)."""
    from data_contracts import ContractError
    from roster_pipeline.core.department_io import load_department

    try:
        return load_department(Path(path))
    except ContractError as error:
        print(f"department {path} failed its data contracts:\n{error}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from error
    except FileNotFoundError as error:
        print(f"department {path}: {error}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from error


def _pack(name: str):
    from roster_pipeline.core.rules import RulePackError, load_pack

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
    from roster_pipeline.planning.sample import write_sample

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
    from roster_pipeline.core.export import roster_frame, write_roster_csv, write_roster_xlsx
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


def cmd_bench_nrp(args: argparse.Namespace) -> int:
    """One NRP instance (a JSON line, solution CSV) or a folder of them (a markdown table)."""
    from roster_pipeline import nrp

    if (args.instance is None) == (args.all is None):
        print("roster bench nrp: give one INSTANCE.txt or --all DIR", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.all is not None:
        return _bench_nrp_all(args)
    try:
        summary, solution = nrp.bench_instance(args.instance, args.time_limit, args.workers, args.seed)
    except (OSError, ValueError) as error:
        print(f"instance {args.instance}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    summary["peak_mb"] = nrp.peak_rss_mb()
    if not solution.empty:
        solution.to_csv(args.out, index=False)
        summary["solution"] = args.out
    print(json.dumps(summary))
    return EXIT_OK if summary["status"] in nrp.FEASIBLE else EXIT_VIOLATIONS


def _bench_nrp_all(args: argparse.Namespace) -> int:
    from roster_pipeline import nrp

    paths = nrp.instance_paths(args.all)
    if not paths:
        print(f"roster bench nrp: no Instance*.txt in {args.all}", file=sys.stderr)
        return EXIT_BAD_INPUT
    rows = []
    for path in paths:
        row = nrp.run_isolated(path, args.time_limit, args.workers, args.seed)
        row.pop("solution_rows", None)
        row.pop("solution", None)
        print(json.dumps(row), flush=True)
        rows.append(row)
    table = nrp.markdown_table(rows)
    if args.out_table:
        Path(args.out_table).write_text(table)
    else:
        print(table, end="")
    return EXIT_OK if all(r["status"] in nrp.FEASIBLE for r in rows) else EXIT_VIOLATIONS


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

    bench = sub.add_parser("bench", help="run public benchmarks through the engine")
    bench_sub = bench.add_subparsers(dest="benchmark", required=True)
    nrp = bench_sub.add_parser(
        "nrp", help="Shift Scheduling Benchmark (Curtois & Qu) instances: solve and score natively"
    )
    nrp.add_argument("instance", nargs="?", default=None, help="an InstanceN.txt file")
    nrp.add_argument("--all", default=None, metavar="DIR", help="run every Instance*.txt in DIR")
    nrp.add_argument("--time-limit", type=float, default=60.0)
    nrp.add_argument("--workers", type=int, default=2)
    nrp.add_argument("--seed", type=int, default=0)
    nrp.add_argument("--out", default="solution.csv", help="solution CSV: employee, day, shift")
    nrp.add_argument("--out-table", default=None, help="markdown table for --all (default: stdout)")
    nrp.set_defaults(func=cmd_bench_nrp)
    register_joblines(sub)
    register_ask(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SystemExit as stop:  # bad input: the message is already on stderr
        return int(stop.code or 0)


if __name__ == "__main__":
    raise SystemExit(main())
