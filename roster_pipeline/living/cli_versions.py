"""`roster publish`, `roster versions`, `roster diff`: registered by roster_pipeline/living/cli.py.

The warehouse is `--warehouse`, else `ROSTER_DUCKDB`, else `out/warehouse.duckdb` (the Dagster
default). `roster publish DEPT ROSTER.csv --by NAME` records the roster as a draft version, approves
and publishes it (each step a state row and an audit row); `--version V` publishes a recorded one.
Publishing refuses a roster that breaks a hard rule or a cover minimum (exit 1, the reasons listed)
and applies the pack's notice policy; bad input is exit 2 with one message and nothing written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from roster_pipeline.core.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_VIOLATIONS,
    department_or_exit,
    iso_date,
    pack_or_exit,
    positive_int,
    roster_or_exit,
)
from roster_pipeline.core.domain import frame_hash
from roster_pipeline.living.cli_warehouse import warehouse_of
from roster_pipeline.living.mail import send_notices, smtp_from_env
from roster_pipeline.living.versions import (
    Provenance,
    VersionError,
    approve,
    create_version,
    department_key,
    diff,
    get_version,
    publish,
    versions,
)
from roster_pipeline.planning.rosters import horizon_for


def _now(args: argparse.Namespace) -> dt.datetime:
    """The time recorded (`--at` for a reproducible record, else now, to the second)."""
    return args.at or dt.datetime.now().replace(microsecond=0)


def cmd_publish(args: argparse.Namespace) -> int:
    department = department_or_exit(args.department)
    pack = pack_or_exit(args.rules)
    wh = warehouse_of(args)
    now = _now(args)
    key = department_key(args.department)
    try:
        if args.version:
            version = get_version(wh, args.version)
        elif args.roster:
            roster = roster_or_exit(args.roster, department)
            horizon = horizon_for(roster, args.start, args.weeks)
            provenance = Provenance(
                args.by, "manual", pack.id, pack.version, frame_hash(dict(department.tables))
            )
            version = create_version(wh, key, roster, horizon, provenance, now, args.parent)
        else:
            raise VersionError("give a roster CSV or --version V")
        if version.state == "draft":
            version = approve(wh, version.version_id, args.by, now)
        outcome = publish(wh, version.version_id, args.by, now, department, pack)
    except VersionError as error:
        print(f"roster publish: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for line in outcome.problems:
        print(f"  {line}", file=sys.stderr)
    emailed = (
        send_notices(wh, outcome.version.version_id, department, smtp_from_env(), now)
        if outcome.published
        else {}
    )
    print(
        json.dumps(
            {
                "version": outcome.version.version_id,
                "state": outcome.version.state,
                "published": outcome.published,
                "hard_violations": outcome.hard_violations,
                "problems": len(outcome.problems),
                "warnings": outcome.warnings,
                "emailed": emailed,
            }
        )
    )
    return EXIT_OK if outcome.published else EXIT_VIOLATIONS


def cmd_versions(args: argparse.Namespace) -> int:
    for v in versions(warehouse_of(args), args.department_key):
        print(
            json.dumps(
                {
                    "version": v.version_id,
                    "department": v.department,
                    "parent": v.parent_id,
                    "start": v.horizon.start.isoformat(),
                    "weeks": v.horizon.weeks,
                    "state": v.state,
                    "assignments": v.assignments,
                }
            )
        )
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    try:
        changes = diff(warehouse_of(args), args.first, args.second)
    except VersionError as error:
        print(f"roster diff: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    registrars = sorted({str(c["registrar_id"]) for c in changes})
    print(
        json.dumps({"from": args.first, "to": args.second, "changes": len(changes), "registrars": registrars})
    )
    for change in changes:
        print(json.dumps(change, default=str))
    return EXIT_OK


def register_versions(sub: argparse._SubParsersAction) -> None:
    """Add the subcommands (roster publish, roster versions, roster diff) to the `roster` parser."""
    warehouse = argparse.ArgumentParser(add_help=False)
    warehouse.add_argument("--warehouse", default=None, help="DuckDB file (default $ROSTER_DUCKDB)")

    publish_cmd = sub.add_parser(
        "publish", parents=[warehouse], help="record, approve and publish a roster version"
    )
    publish_cmd.add_argument("department")
    publish_cmd.add_argument("roster", nargs="?", help="roster CSV to record as a new version")
    publish_cmd.add_argument("--version", default=None, help="publish this recorded version instead")
    publish_cmd.add_argument("--parent", default=None, help="the version this roster amends")
    publish_cmd.add_argument("--by", required=True, help="who publishes (recorded)")
    publish_cmd.add_argument("--rules", default="au-vic")
    publish_cmd.add_argument("--start", type=iso_date, default=None)
    publish_cmd.add_argument("--weeks", type=positive_int, default=None)
    publish_cmd.add_argument("--at", type=dt.datetime.fromisoformat, default=None, help="time recorded")
    publish_cmd.set_defaults(func=cmd_publish)

    list_cmd = sub.add_parser("versions", parents=[warehouse], help="list roster versions and states")
    list_cmd.add_argument("--department-key", default=None, help="only this department's versions")
    list_cmd.set_defaults(func=cmd_versions)

    diff_cmd = sub.add_parser("diff", parents=[warehouse], help="assignments that differ between versions")
    diff_cmd.add_argument("first")
    diff_cmd.add_argument("second")
    diff_cmd.set_defaults(func=cmd_diff)
