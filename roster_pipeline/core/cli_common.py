"""What every product's command-line handlers share: exit codes, and loading a department or a rule
pack with one clear error (exit code 2, nothing written) instead of a traceback."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pandas as pd

from data_contracts import ContractError
from data_contracts.roster import validate_roster_table
from roster_pipeline.core.department_io import load_department, read_csv
from roster_pipeline.core.domain import Department
from roster_pipeline.core.rules import RulePack, RulePackError, load_pack

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2


def iso_date(text: str) -> dt.date:
    """An argparse type: an ISO date."""
    return dt.date.fromisoformat(text)


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (weeks, registrars, sites, workers)."""
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def positive_float(text: str) -> float:
    """An argparse type: a finite number above 0 (a time limit in seconds)."""
    number = float(text)
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number above 0, not {text}")
    return number


def department_or_exit(path: str) -> Department:
    """Load and validate a department, or exit with the contract errors (nothing is written)."""
    try:
        return load_department(Path(path))
    except ContractError as error:
        print(f"department {path} failed its data contracts:\n{error}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from error
    except (FileNotFoundError, ValueError) as error:
        print(f"department {path}: {error}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from error


def roster_or_exit(path: str, department: Department) -> pd.DataFrame:
    """Read a roster CSV (registrar_id, date, shift) whose every row the department can explain, or
    exit naming the file, row and column (an unknown registrar or shift is bad input, not a broken rule)."""
    file = Path(path)
    try:
        if not file.is_file():
            raise FileNotFoundError(f"no such file {file}")
        frame = read_csv(file, table="roster")
        return validate_roster_table(frame, department.registrars, department.shift_types)
    except ContractError as error:
        print(f"roster {path} is not a usable roster:\n{error}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from error
    except FileNotFoundError as error:
        print(f"roster {path}: {error}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from error


def pack_or_exit(name: str) -> RulePack:
    """A shipped rule pack or a YAML path, or exit with the pack's problems."""
    try:
        return load_pack(name)
    except RulePackError as error:
        print(str(error), file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from error
