"""The `roster joblines request.json` subcommand (the use case is `roster_pipeline.joblines.request`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from roster_pipeline.core.cli_common import EXIT_BAD_INPUT, positive_float
from roster_pipeline.joblines.request import RequestError, run_request


def _command(args: argparse.Namespace) -> int:
    try:
        request = json.loads(Path(args.request).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        print(f"request {args.request}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not isinstance(request, dict):
        print(f"request {args.request}: a JSON object of request keys is expected", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.time_limit is not None:
        request["time_limit"] = args.time_limit
    if args.deterministic:
        request["deterministic"] = True
    try:
        out = run_request(request)
    except RequestError as error:
        print(f"request {args.request}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(out, default=str))
    return 0 if out["status"] in ("OPTIMAL", "FEASIBLE", "FEASIBLE_WITH_DROPS") else 1


def register_cli(subparsers: Any) -> None:
    """Add `joblines REQUEST.json` to the `roster` command's subparsers."""
    parser = subparsers.add_parser("joblines", help="generate PGY1/PGY2 job lines from a planning request")
    parser.add_argument("request", help="planning request JSON (see examples/joblines_request.json)")
    parser.add_argument(
        "--time-limit", type=positive_float, default=None, help="override the request's time_limit"
    )
    parser.add_argument(
        "--deterministic",
        action="store_true",
        help="time in deterministic seconds: the same request gives the same lines on any machine",
    )
    parser.set_defaults(func=_command)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point: `python -m roster_pipeline.joblines.cli request.json`."""
    parser = argparse.ArgumentParser(prog="roster")
    register_cli(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["joblines", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
