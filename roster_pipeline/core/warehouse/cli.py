"""`roster warehouse provision`: the Postgres roles and grants (run once by an administrator), and
`roster warehouse tables`: which tables a warehouse holds, with their row counts."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import psycopg

from roster_pipeline.core.warehouse import is_postgres, location_from_env, open_warehouse
from roster_pipeline.core.warehouse.roles import Roles, provision

ADMIN_URL = "ROSTER_WAREHOUSE_ADMIN_URL"
PASSWORDS = {"writer": "ROSTER_WRITER_PASSWORD", "reader": "ROSTER_READER_PASSWORD"}


def register_cli(sub: argparse._SubParsersAction) -> None:
    warehouse = sub.add_parser("warehouse", help="the warehouse: Postgres roles, tables")
    verbs = warehouse.add_subparsers(dest="verb", required=True)
    roles = verbs.add_parser(
        "provision",
        help=f"create the writer and reader roles and their grants (admin URL in ${ADMIN_URL}; "
        f"passwords in ${PASSWORDS['writer']} and ${PASSWORDS['reader']})",
    )
    roles.add_argument("--writer", default=Roles.writer, help="the pipeline's role")
    roles.add_argument("--reader", default=Roles.reader, help="the web service's role")
    roles.set_defaults(func=cmd_provision)
    tables = verbs.add_parser("tables", help="tables and row counts, one JSON line each")
    tables.add_argument("--warehouse", help="DuckDB file or postgresql:// URL (default: the environment's)")
    tables.set_defaults(func=cmd_tables)


def cmd_provision(args: argparse.Namespace) -> int:
    url = os.environ.get(ADMIN_URL, "")
    if not is_postgres(url):
        print(
            f"roster warehouse provision: set {ADMIN_URL} to an administrator's postgresql:// URL",
            file=sys.stderr,
        )
        return 2
    roles = Roles(args.writer, args.reader)
    passwords = {
        role: os.environ[variable]
        for role, variable in ((roles.writer, PASSWORDS["writer"]), (roles.reader, PASSWORDS["reader"]))
        if os.environ.get(variable)
    }
    try:
        granted = provision(url, roles, passwords)
    except psycopg.Error as error:  # the message names the statement's problem, never the URL
        print(
            f"roster warehouse provision: {error.diag.message_primary or type(error).__name__}",
            file=sys.stderr,
        )
        return 2
    print(json.dumps({"writer": roles.writer, "reader": roles.reader, "grants": len(granted)}))
    return 0


def _refuse(message: str) -> int:
    print(f"roster warehouse: {message}", file=sys.stderr)
    return 2


def cmd_tables(args: argparse.Namespace) -> int:
    location = location_from_env(args.warehouse)
    if not is_postgres(location) and not Path(location).exists():
        return _refuse(f"no warehouse at {location} (run `make pipeline` first, or pass --warehouse)")
    wh = open_warehouse(location)
    for table in wh.table_names():
        rows = int(wh.query(f"SELECT count(*) AS n FROM {table}")["n"].iloc[0])
        print(json.dumps({"table": table, "rows": rows}))
    return 0
