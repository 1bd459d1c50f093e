"""Read and write department tables: an Excel workbook (one sheet per table) or a CSV folder."""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from data_contracts import TABLES, ContractError, Problem, validate_department
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


def is_department(path: str | Path) -> bool:
    """Whether `path` is one department: a workbook, or a folder with registrars.csv or department.xlsx."""
    path = Path(path)
    if path.is_dir():
        return (path / "registrars.csv").is_file() or (path / WORKBOOK).is_file()
    return path.suffix.lower() in EXCEL_SUFFIXES


def department_name(path: str | Path) -> str:
    """The name a department is kept under (versions, warehouse rows, partitions): its folder's
    name, or for a workbook the name of the folder it is in."""
    resolved = Path(path).resolve()
    return resolved.parent.name if resolved.suffix.lower() in EXCEL_SUFFIXES else resolved.name


def departments_at(path: str | Path) -> dict[str, Path]:
    """The departments a path holds, by name: the path itself when it is one department, else each
    department folder or workbook directly inside it (sorted). Empty when there are none."""
    path = Path(path)
    if is_department(path):
        return {department_name(path): path}
    if not path.is_dir():
        return {}
    found = [child for child in sorted(path.iterdir()) if is_department(child)]
    return {child.stem if child.is_file() else child.name: child for child in found}


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


def read_csv(file: Path, table: str | None = None) -> pd.DataFrame:
    """An all-string frame; blank cells and blank lines become NaN (so rows keep line numbers).

    The text is decoded by `decode_csv`; a file that cannot be read raises `ContractError` naming
    the table (default: the file stem) and the file.
    """
    table = table or file.stem.strip().lower()
    text = decode_csv(file, table)
    options = {"keep_default_na": False, "na_values": [""], "skip_blank_lines": False}
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, sep=separator(text), **options)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except pd.errors.ParserError as error:
        raise ContractError(
            [Problem(table, None, None, f"{file.name} is not a readable CSV: {error}")]
        ) from None


def separator(text: str) -> str:
    """',' unless the header line has none and holds ';' (Excel in a decimal-comma locale) or a tab."""
    header = text.split("\n", 1)[0]
    if "," in header:
        return ","
    return next((sep for sep in (";", "\t") if sep in header), ",")


def decode_csv(file: Path, table: str) -> str:
    """The text of a CSV file: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order
    mark, or else Windows-1252 / Latin-1 (what Excel on Windows saves as "CSV") when the bytes are not
    valid UTF-8. Other bytes raise `ContractError` naming the file, the encoding and the line."""
    data = file.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        message = f"{file.name} line {line} holds NUL bytes: it is not a text CSV; save it as CSV UTF-8"
        raise ContractError([Problem(table, None, None, message)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            line = data[: utf8.start].count(b"\n") + 1
            byte = data[utf8.start]
            message = (
                f"{file.name} line {line}: byte 0x{byte:02x} is neither UTF-8 nor Windows-1252/Latin-1; "
                "save the file as CSV UTF-8"
            )
            raise ContractError([Problem(table, None, None, message)]) from None


def read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    """Every sheet of a workbook as object frames, with time cells as 'HH:MM' strings."""
    try:
        sheets = pd.read_excel(
            path, sheet_name=None, dtype=object, engine="openpyxl", keep_default_na=False, na_values=[""]
        )
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        message = f"{path.name} is not a readable Excel workbook ({type(error).__name__}: {error})"
        raise ContractError([Problem(path.stem, None, None, message)]) from None
    problems = workbook_problems(path)
    if problems:
        raise ContractError(problems)
    return {str(name).strip().lower(): frame.map(_time_to_text) for name, frame in sheets.items()}


def workbook_problems(path: Path) -> list[Problem]:
    """Merged cells, and formulas with no saved value (a workbook written by a script and never
    opened in Excel): pandas would read both as blanks. Formulas with a saved value are accepted."""
    import openpyxl  # noqa: PLC0415 -- only for workbook departments; spares every Dagster run process 0.12 s

    formulas = openpyxl.load_workbook(path, data_only=False)
    values = openpyxl.load_workbook(path, data_only=True)
    problems = []
    for sheet in formulas.worksheets:
        table = sheet.title.strip().lower()
        header = {cell.column: str(cell.value).strip().lower() for cell in sheet[1] if cell.value is not None}
        for merged in sheet.merged_cells.ranges:
            column = header.get(merged.min_col, merged.start_cell.column_letter)
            message = f"cells {merged.coord} are merged; unmerge them and fill in every cell"
            problems.append(Problem(table, merged.min_row, column, message))
        saved = values[sheet.title]
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" and saved[cell.coordinate].value is None:
                    column = header.get(cell.column, cell.column_letter)
                    message = (
                        f"cell {cell.coordinate} holds the formula {cell.value} with no saved value; "
                        "open and save the workbook in Excel, or type the value"
                    )
                    problems.append(Problem(table, cell.row, column, message))
    return problems


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
