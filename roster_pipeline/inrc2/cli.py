"""`roster bench inrc2`: INRC-II solved week by week through the weekly pipeline, scored by the
independent evaluator."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from roster_pipeline.core.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_VIOLATIONS,
    positive_float,
    positive_int,
)
from roster_pipeline.inrc2.bench import solve_inrc2
from roster_pipeline.inrc2.scenario import Inrc2InputError


def cmd_bench_inrc2(args: argparse.Namespace) -> int:
    """Write the solution files, print the evaluator's report; exit 1 when a hard rule is broken or a
    week has no roster, 2 on bad input (nothing written)."""
    try:
        result = solve_inrc2(
            args.sce, args.his, args.weeks, args.out, args.time_limit, args.workers, args.seed
        )
    except Inrc2InputError as error:
        print(f"roster bench inrc2: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"roster bench inrc2: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(result.text(), end="")
    return EXIT_OK if result.ok else EXIT_VIOLATIONS


def register_cli(benchmarks: Any) -> None:
    """Add `inrc2` to the `roster bench` subcommand's subparsers."""
    inrc2 = benchmarks.add_parser(
        "inrc2", help="INRC-II instances: solve week by week through the weekly pipeline, score natively"
    )
    inrc2.add_argument("--sce", required=True, metavar="Sc.txt", help="the scenario file")
    inrc2.add_argument("--his", required=True, metavar="H0.txt", help="the initial history file")
    inrc2.add_argument(
        "--weeks", required=True, nargs="+", metavar="WD.txt", help="week data files, in order"
    )
    inrc2.add_argument("--out", required=True, metavar="DIR", help="folder for the Sol-*.txt files")
    inrc2.add_argument("--time-limit", type=positive_float, default=60.0, help="seconds per week")
    inrc2.add_argument("--workers", type=positive_int, default=2)
    inrc2.add_argument("--seed", type=int, default=0)
    inrc2.set_defaults(func=cmd_bench_inrc2)
