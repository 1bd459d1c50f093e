"""What the living roster's commands share about the warehouse: which one it is, and a roster
argument that is either a CSV or a recorded version id (V0003)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pandas as pd

from roster_pipeline.core.cli_common import roster_or_exit
from roster_pipeline.core.domain import Department
from roster_pipeline.core.warehouse import Warehouse, location_from_env, open_warehouse
from roster_pipeline.living.versions import assignments

VERSION_ID = re.compile(r"V\d{4,}")


def warehouse_of(args: argparse.Namespace) -> Warehouse:
    """`--warehouse` (a DuckDB file or a postgresql:// URL), else $ROSTER_WAREHOUSE_URL, else
    $ROSTER_DUCKDB, else the Dagster default file."""
    return open_warehouse(location_from_env(args.warehouse))


def names_version(text: str) -> bool:
    """Whether a roster argument is a version id rather than a file."""
    return bool(VERSION_ID.fullmatch(text)) and not Path(text).exists()


def roster_or_version(args: argparse.Namespace, department: Department) -> pd.DataFrame:
    """The roster CSV, or the assignments of a recorded version (VersionError if unknown)."""
    if names_version(args.roster):
        return assignments(warehouse_of(args), args.roster)
    return roster_or_exit(args.roster, department)
