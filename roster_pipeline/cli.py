"""The `roster` command: an argparse shell; each product registers its own subcommands."""

from __future__ import annotations

import argparse

from roster_pipeline.core.warehouse.cli import register_cli as register_warehouse
from roster_pipeline.explain.cli import register_cli as register_ask
from roster_pipeline.inrc2.cli import register_cli as register_bench_inrc2
from roster_pipeline.joblines.cli import register_cli as register_joblines
from roster_pipeline.living.cli import register_cli as register_living
from roster_pipeline.nrp.cli import register_cli as register_bench_nrp
from roster_pipeline.planning.cli import register_cli as register_planning
from roster_pipeline.web.cli import register_cli as register_web


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="roster", description="Registrar rosters with OR-Tools CP-SAT.")
    sub = parser.add_subparsers(dest="command", required=True)
    register_planning(sub)
    bench = sub.add_parser("bench", help="run public benchmarks through the engine")
    benchmarks = bench.add_subparsers(dest="benchmark", required=True)
    register_bench_nrp(benchmarks)
    register_bench_inrc2(benchmarks)
    register_joblines(sub)
    register_living(sub)
    register_ask(sub)
    register_warehouse(sub)
    register_web(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; bad input (arguments included) returns its exit code, never raises."""
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except SystemExit as stop:  # bad input or --help: the message is already on stderr / stdout
        return int(stop.code or 0)


if __name__ == "__main__":
    raise SystemExit(main())
