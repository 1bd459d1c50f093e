"""What the living roster's commands share about the warehouse: which file it is, and a roster
argument that is either a CSV or a recorded version id (V0003)."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

import pandas as pd

from roster_pipeline.core.cli_common import roster_or_exit
from roster_pipeline.core.domain import Department
from roster_pipeline.core.warehouse import DuckDBWarehouse
from roster_pipeline.living.versions import assignments

VERSION_ID = re.compile(r"V\d{4,}")


def warehouse_of(args: argparse.Namespace) -> DuckDBWarehouse:
    """`--warehouse`, else $ROSTER_DUCKDB, else the Dagster default."""
    return DuckDBWarehouse(args.warehouse or os.environ.get("ROSTER_DUCKDB") or "out/warehouse.duckdb")


def names_version(text: str) -> bool:
    """Whether a roster argument is a version id rather than a file."""
    return bool(VERSION_ID.fullmatch(text)) and not Path(text).exists()


def roster_or_version(args: argparse.Namespace, department: Department) -> pd.DataFrame:
    """The roster CSV, or the assignments of a recorded version (VersionError if unknown)."""
    if names_version(args.roster):
        return assignments(warehouse_of(args), args.roster)
    return roster_or_exit(args.roster, department)
