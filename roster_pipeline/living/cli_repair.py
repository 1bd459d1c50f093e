"""`roster repair`: registered by roster_pipeline/living/cli.py.

`roster repair DEPT ROSTER EVENTS.csv --out NEW.csv` applies the events to the published roster
(a CSV, or a version id such as V0003 read from the warehouse) and prints one JSON line: status,
changed_assignments, uncovered (with why), seconds, hard_violations (the independent validator on
the repaired roster), the batches and every change with its notice and reason. Given a version
and `--by`, the repair is recorded as an amended draft of it, with audit rows and notices.
Exit 0 when every cover minimum is met and no hard rule is broken, 1 otherwise (the roster is still
written), 2 for bad input (nothing written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import pandas as pd

from data_contracts import ContractError
from roster_pipeline.core.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_VIOLATIONS,
    department_or_exit,
    iso_date,
    pack_or_exit,
    positive_float,
    positive_int,
)
from roster_pipeline.core.domain import Department, frame_hash
from roster_pipeline.core.export import roster_frame, write_roster_csv
from roster_pipeline.living.amendments import record_repair
from roster_pipeline.living.cli_warehouse import names_version, roster_or_version, warehouse_of
from roster_pipeline.living.events import Event, check_events, read_events
from roster_pipeline.living.repair import RepairSettings, repair
from roster_pipeline.living.versions import Provenance, VersionError, get_version
from roster_pipeline.planning.rosters import horizon_for


def input_hash(department: Department, roster: pd.DataFrame, events: list[Event]) -> str:
    """The hash of everything a repair reads: the department, the published roster, the events."""
    events_frame = pd.DataFrame([e.__dict__ for e in events]).astype(str)
    return frame_hash({**department.tables, "published_roster": roster, "repair_events": events_frame})


def cmd_repair(args: argparse.Namespace) -> int:
    department = department_or_exit(args.department)
    pack = pack_or_exit(args.rules)
    try:
        roster = roster_or_version(args, department)
        horizon = horizon_for(roster, args.start, args.weeks)
        events = read_events(args.events, department)
        check_events(events, horizon, args.now)
        if names_version(args.roster) and args.by:
            get_version(warehouse_of(args), args.roster)
    except ContractError as error:
        print(f"events {args.events} failed their data contract:\n{error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (FileNotFoundError, VersionError) as error:
        print(f"roster repair: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    settings = RepairSettings(args.time_limit, args.seed, not args.wall_clock, not args.full_resolve)
    outcome = repair(department, pack, horizon, roster, events, settings, args.now)
    summary = outcome.summary()
    summary.update(
        seed=args.seed, time_limit=args.time_limit, rule_pack=pack.id, rule_pack_version=pack.version
    )
    summary["input_hash"] = frame_hash(dict(department.tables))
    if args.out:
        write_roster_csv(roster_frame(outcome.department, outcome.roster), Path(args.out))
        summary["roster"] = args.out
    if names_version(args.roster) and args.by:
        provenance = Provenance(
            args.by, "repair", pack.id, pack.version, summary["input_hash"], "", args.seed
        )
        at = args.at or dt.datetime.now().replace(microsecond=0)
        try:
            version, notes = record_repair(warehouse_of(args), args.roster, outcome, pack, provenance, at)
        except VersionError as error:
            print(f"roster repair: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        summary.update(
            version=version.version_id if version else None, parent=args.roster, notices=len(notes)
        )
    print(json.dumps(summary, default=str))
    return EXIT_OK if not outcome.uncovered and outcome.hard_violations == 0 else EXIT_VIOLATIONS


def register_repair(sub: argparse._SubParsersAction) -> None:
    """Add the subcommand (roster repair) to the `roster` parser."""
    cmd = sub.add_parser("repair", help="apply events to a published roster with as few changes as possible")
    cmd.add_argument("department")
    cmd.add_argument("roster", help="the published roster CSV, or a recorded version id (V0003)")
    cmd.add_argument("events", help="events CSV (event_id, type, registrar_id, start, end, ...)")
    cmd.add_argument("--rules", default="au-vic")
    cmd.add_argument("--start", type=iso_date, default=None, help="default: the roster's first date")
    cmd.add_argument("--weeks", type=positive_int, default=None)
    cmd.add_argument("--out", default=None, help="write the repaired roster here")
    cmd.add_argument(
        "--now", type=dt.datetime.fromisoformat, default=None,
        help="repair once at this time (default: each batch of events when it was reported)",
    )  # fmt: skip
    cmd.add_argument("--time-limit", type=positive_float, default=RepairSettings.time_limit)
    cmd.add_argument("--seed", type=int, default=0)
    cmd.add_argument("--wall-clock", action="store_true", help="wall-clock limits (default: deterministic)")
    cmd.add_argument(
        "--full-resolve", action="store_true", help="re-solve every unfrozen day, for comparison"
    )
    cmd.add_argument("--by", default=None, help="with a version id: record the amended draft, made by NAME")
    cmd.add_argument("--at", type=dt.datetime.fromisoformat, default=None, help="time recorded")
    cmd.add_argument("--warehouse", default=None, help="DuckDB file (default $ROSTER_DUCKDB)")
    cmd.set_defaults(func=cmd_repair)
