"""`roster recommend` and `roster swap`: registered by roster_pipeline/living/cli.py.

`roster recommend DEPT ROSTER.csv --date D --shift S [--site X] --top K` prints one JSON line with
the ranked `candidates` (registrar_id, legal, reasons, soft rules bent, fairness, notice, chain).

`roster swap DEPT ROSTER.csv --give R001:2027-02-10:N-NTH --take R014:2027-02-12:D-NTH` prints one
JSON line whose `verdict` is approved, pending or refused (exit 0 for each: the verdict is the
answer); `--out NEW.csv` writes the swapped roster when approved. On a published version
(`roster swap DEPT V0003 ... --by NAME`) an approved swap is recorded as an amended, approved
version with audit rows and notices for both registrars. Bad input (unknown registrar, a
shift the registrar does not hold, a date outside the roster, a malformed --give) is exit 2 with one
message and nothing written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from roster_pipeline.core.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    department_or_exit,
    iso_date,
    pack_or_exit,
    positive_int,
    roster_or_exit,
)
from roster_pipeline.core.domain import frame_hash
from roster_pipeline.core.export import roster_frame, write_roster_csv
from roster_pipeline.living.amendments import record_swap
from roster_pipeline.living.cli_warehouse import names_version, roster_or_version, warehouse_of
from roster_pipeline.living.recommend import OpenShiftError, recommend_cover
from roster_pipeline.living.swaps import Hand, SwapError, check_swap, describe
from roster_pipeline.living.versions import Provenance, VersionError
from roster_pipeline.planning.rosters import horizon_for


def cmd_swap(args: argparse.Namespace) -> int:
    department = department_or_exit(args.department)
    pack = pack_or_exit(args.rules)
    recording = names_version(args.roster) and args.by
    try:
        roster = roster_or_version(args, department)
        horizon = horizon_for(roster, args.start, args.weeks)
        give, take = Hand.parse(args.give), Hand.parse(args.take)
        verdict = check_swap(department, pack, horizon, roster, give, take)
        summary = {"give": args.give, "take": args.take, **verdict.summary()}
        if verdict.roster is not None and recording:
            provenance = Provenance(
                args.by, "swap", pack.id, pack.version, frame_hash(dict(department.tables))
            )
            at = args.at or dt.datetime.now().replace(microsecond=0)
            wh = warehouse_of(args)
            version, notes = record_swap(
                wh, args.roster, verdict.roster, describe(give, take), pack, provenance, at
            )
            summary.update(version=version.version_id, state=version.state, parent=args.roster)
            summary["notices"] = len(notes)
    except (SwapError, VersionError) as error:
        print(f"roster swap: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if verdict.roster is not None and args.out:
        write_roster_csv(roster_frame(department, verdict.roster), Path(args.out))
        summary["roster"] = args.out
    print(json.dumps(summary, default=str))
    return EXIT_OK


def cmd_recommend(args: argparse.Namespace) -> int:
    department = department_or_exit(args.department)
    pack = pack_or_exit(args.rules)
    roster = roster_or_exit(args.roster, department)
    horizon = horizon_for(roster, args.start, args.weeks)
    started = time.perf_counter()
    try:
        found = recommend_cover(
            department, pack, horizon, roster, args.date, args.shift, args.site, args.top, args.today
        )
    except OpenShiftError as error:
        print(f"roster recommend: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    summary = {
        "date": args.date.isoformat(),
        "shift": args.shift,
        "candidates": [c.as_dict() for c in found],
        "seconds": round(time.perf_counter() - started, 3),
    }
    print(json.dumps(summary))
    return EXIT_OK


def register_cover(sub: argparse._SubParsersAction) -> None:
    """Add the subcommands (roster recommend, roster swap) to the `roster` parser."""
    recommend = sub.add_parser("recommend", help="rank the registrars who could take one open shift")
    recommend.add_argument("department")
    recommend.add_argument("roster", help="the published roster CSV (registrar_id, date, shift)")
    recommend.add_argument("--date", type=iso_date, required=True)
    recommend.add_argument("--shift", required=True, help="shift code")
    recommend.add_argument("--site", default=None)
    recommend.add_argument("--top", type=positive_int, default=5)
    recommend.add_argument("--today", type=iso_date, default=None, help="for the notice (default: --start)")
    recommend.add_argument("--rules", default="au-vic")
    recommend.add_argument("--start", type=iso_date, default=None, help="default: the roster's first date")
    recommend.add_argument("--weeks", type=positive_int, default=None)
    recommend.set_defaults(func=cmd_recommend)

    swap = sub.add_parser("swap", help="check a shift swap: approved, pending (a manager decides) or refused")
    swap.add_argument("department")
    swap.add_argument("roster", help="the published roster CSV, or a recorded version id (V0003)")
    swap.add_argument("--give", required=True, help="REGISTRAR:DATE:SHIFT handed over")
    swap.add_argument(
        "--take", required=True, help="REGISTRAR:DATE:SHIFT taken back, or REGISTRAR:: for none"
    )
    swap.add_argument("--rules", default="au-vic")
    swap.add_argument("--start", type=iso_date, default=None, help="default: the roster's first date")
    swap.add_argument("--weeks", type=positive_int, default=None)
    swap.add_argument("--out", default=None, help="write the swapped roster here when approved")
    swap.add_argument("--by", default=None, help="with a version id: record an approved swap, made by NAME")
    swap.add_argument("--at", type=dt.datetime.fromisoformat, default=None, help="time recorded")
    swap.add_argument("--warehouse", default=None, help="DuckDB file (default $ROSTER_DUCKDB)")
    swap.set_defaults(func=cmd_swap)
