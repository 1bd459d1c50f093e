"""Adding rows to a department's own tables (events reported, leave and rostering requests made)
where the pipeline reads them: the department folder's `<table>.csv`.

Each change is checked against every table's contract with the new rows in place (one
`ContractError` naming table, row and column, and nothing written otherwise), then written to a
temporary file and renamed over the old one under an exclusive lock on the folder, so a reader never
sees half a file and two writers never lose each other's rows. Only CSV departments take changes: a
workbook-only department is refused (save its sheets as CSVs first).
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from data_contracts import ContractError, Problem, validate_department
from roster_pipeline.core.department_io import read_csv_folder

LOCK_FILE = ".roster-edit.lock"


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with (folder / LOCK_FILE).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _writable(folder: Path, table: str) -> None:
    if not (folder / "registrars.csv").is_file():
        message = f"{folder.name} is not a folder of CSV tables: save the workbook's sheets as CSVs first"
        raise ContractError([Problem(table, None, None, message)])


def _write_csv(frame: pd.DataFrame, target: Path) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=".csv")
    try:
        with os.fdopen(handle, "w", newline="") as out:
            frame.to_csv(out, index=False)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def change_table(
    folder: str | Path, table: str, change: Callable[[pd.DataFrame], pd.DataFrame]
) -> pd.DataFrame:
    """Apply `change` to the raw `table` (text cells, as in the file), check the department with the
    result and write it; returns the changed table. ContractError, and nothing written, if invalid."""
    folder = Path(folder)
    _writable(folder, table)
    with _locked(folder):
        tables = read_csv_folder(folder)
        changed = change(tables.get(table, pd.DataFrame()).copy())
        validate_department({**tables, table: changed})
        _write_csv(changed, folder / f"{table}.csv")
    return changed


def append_rows(folder: str | Path, table: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    """Add `rows` at the end of `table` (see `change_table`)."""

    def add(frame: pd.DataFrame) -> pd.DataFrame:
        new = pd.DataFrame([{k: "" if v is None else str(v) for k, v in row.items()} for row in rows])
        columns = list(frame.columns) + [c for c in new.columns if c not in frame.columns]
        return pd.concat([frame.reindex(columns=columns), new.reindex(columns=columns)], ignore_index=True)

    return change_table(folder, table, add)
