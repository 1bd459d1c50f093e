"""What every product's command-line handlers share: exit codes, and loading a department or a rule
pack with one clear error (exit code 2, nothing written) instead of a traceback."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from data_contracts import ContractError
from roster_pipeline.core.department_io import load_department
from roster_pipeline.core.domain import Department
from roster_pipeline.core.rules import RulePack, RulePackError, load_pack

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2


def iso_date(text: str) -> dt.date:
    """An argparse type: an ISO date."""
    return dt.date.fromisoformat(text)


def department_or_exit(path: str) -> Department:
    """Load and validate a department, or exit with the contract errors (nothing is written)."""
    try:
        return load_department(Path(path))
    except ContractError as error:
        print(f"department {path} failed its data contracts:\n{error}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from error
    except FileNotFoundError as error:
        print(f"department {path}: {error}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from error


def pack_or_exit(name: str) -> RulePack:
    """A shipped rule pack or a YAML path, or exit with the pack's problems."""
    try:
        return load_pack(name)
    except RulePackError as error:
        print(str(error), file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from error
