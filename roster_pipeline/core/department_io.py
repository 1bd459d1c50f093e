"""Read and write department tables: an Excel workbook (one sheet per table) or a CSV folder."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from data_contracts import TABLES, validate_department
from roster_pipeline.core.domain import Department

WORKBOOK = "department.xlsx"
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
WHOLE_MINUTE = re.compile(r"\d{2}:\d{2}:00")


def read_tables(path: str | Path) -> dict[str, pd.DataFrame]:
    """Raw tables from a workbook, or from a folder of `<table>.csv` (else its department.xlsx).

    Every sheet/CSV is returned (names trimmed and lower-cased), so a misspelt table is reported
    by validation instead of silently ignored. Cells stay as read: strings, plus Excel numbers
    and datetimes; Excel time cells become 'HH:MM'. Only empty cells become NaN ('NA' stays a
    string), and row i of a frame is row i + 2 of its sheet or file.
    """
    path = Path(path)
    if path.is_dir():
        if (path / "registrars.csv").is_file():
            return read_csv_folder(path)
        if (path / WORKBOOK).is_file():
            return read_workbook(path / WORKBOOK)
        raise FileNotFoundError(f"{path} has neither registrars.csv nor {WORKBOOK}")
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return read_workbook(path)
    raise ValueError(f"{path}: expected an .xlsx workbook or a folder of CSV files")


def read_csv_folder(folder: Path) -> dict[str, pd.DataFrame]:
    """The department's `*.csv` files in a folder (table name = file stem).

    Files named like a table (`leaves.csv` for `leave`) are read so that the contracts report the
    misspelling; unrelated files such as a `roster.csv` saved beside the tables are left alone.
    """
    tables = {}
    for file in sorted(folder.glob("*.csv")):
        name = file.stem.strip().lower()
        if name in TABLES or difflib.get_close_matches(name, TABLES, n=1, cutoff=0.75):
            tables[name] = read_csv(file)
    return tables


def read_csv(file: Path) -> pd.DataFrame:
    """An all-string frame; blank cells and blank lines become NaN (so rows keep line numbers)."""
    options = {"keep_default_na": False, "na_values": [""], "skip_blank_lines": False}
    try:
        return pd.read_csv(file, dtype=str, encoding="utf-8-sig", **options)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    """Every sheet of a workbook as object frames, with time cells as 'HH:MM' strings."""
    sheets = pd.read_excel(
        path, sheet_name=None, dtype=object, engine="openpyxl", keep_default_na=False, na_values=[""]
    )
    return {str(name).strip().lower(): frame.map(_time_to_text) for name, frame in sheets.items()}


def _time_to_text(value: object) -> object:
    """'HH:MM' for an Excel time cell (pandas gives a `time` or 'HH:MM:00' text); others unchanged."""
    if isinstance(value, dt.time) and not value.second:
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, str) and WHOLE_MINUTE.fullmatch(value):
        return value[:-3]
    return value


def load_department(path: str | Path) -> Department:
    """Read, validate (raising `data_contracts.ContractError`) and wrap a department."""
    return Department(tables=validate_department(read_tables(path)))


def write_tables(tables: Mapping[str, pd.DataFrame], folder: str | Path) -> None:
    """Write each table as `<table>.csv` and all of them as sheets of `department.xlsx`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ordered = sorted(tables, key=lambda name: TABLES.index(name) if name in TABLES else len(TABLES))
    for name in ordered:
        _for_output(tables[name]).to_csv(folder / f"{name}.csv", index=False)
    with pd.ExcelWriter(folder / WORKBOOK, engine="openpyxl") as writer:
        for name in ordered:
            _for_output(tables[name]).to_excel(writer, sheet_name=name, index=False)


def _for_output(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetime columns as dates, so files show 2027-01-05 rather than a midnight timestamp."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.date
    return out
