"""`roster bench nrp`: the Shift Scheduling Benchmark (Curtois & Qu) through the engine."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from roster_pipeline import nrp
from roster_pipeline.core.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_VIOLATIONS,
    positive_float,
    positive_int,
)


def cmd_bench_nrp(args: argparse.Namespace) -> int:
    """One NRP instance (a JSON line, solution CSV) or a folder of them (a markdown table)."""
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


def register_cli(benchmarks: Any) -> None:
    """Add `nrp` to the `roster bench` subcommand's subparsers."""
    nrp = benchmarks.add_parser(
        "nrp", help="Shift Scheduling Benchmark (Curtois & Qu) instances: solve and score natively"
    )
    nrp.add_argument("instance", nargs="?", default=None, help="an InstanceN.txt file")
    nrp.add_argument("--all", default=None, metavar="DIR", help="run every Instance*.txt in DIR")
    nrp.add_argument("--time-limit", type=positive_float, default=60.0)
    nrp.add_argument("--workers", type=positive_int, default=2)
    nrp.add_argument("--seed", type=int, default=0)
    nrp.add_argument("--out", default="solution.csv", help="solution CSV: employee, day, shift")
    nrp.add_argument("--out-table", default=None, help="markdown table for --all (default: stdout)")
    nrp.set_defaults(func=cmd_bench_nrp)
