"""Validate one table: parse its cells, run its pandera model lazily, report every problem.

pandera coerces a column all-or-nothing (one bad cell leaves the whole column uncoerced and makes
later checks fail on every row), so cells are parsed one by one here first: a cell that cannot be
parsed is reported once and blanked, and the model then checks the typed frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.api.checks import Check
from pandera.api.pandas.components import Column
from pandera.errors import SchemaErrors

from data_contracts.cells import NA, PARSERS, Parser, is_blank, show
from data_contracts.models import TABLE_MODELS
from data_contracts.problems import Problem

HEADER_ROWS = 1  # row numbers count the header: frame position 0 is sheet/CSV row 2

BUILTIN_PHRASES = {
    "greater_than": "must be greater than {min_value}",
    "greater_than_or_equal_to": "must be at least {min_value}",
    "less_than": "must be less than {max_value}",
    "less_than_or_equal_to": "must be at most {max_value}",
    "isin": "must be one of {allowed_values}",
    "notin": "must not be one of {forbidden_values}",
}


def row_number(label: object) -> int:
    """The sheet/CSV row of a frame position (header = row 1, first data row = row 2)."""
    return int(label) + HEADER_ROWS + 1  # type: ignore[call-overload]


@dataclass
class TableCheck:
    """A table with its cells parsed and its problems; `bad_cells` (unparseable, now blank) and
    `missing` (required columns absent, now blank) are reported once and not blamed again."""

    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    bad_cells: set[tuple[object, str]] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)


def check_table(table: str, frame: pd.DataFrame) -> TableCheck:
    """Parse and validate one table; the frame keeps position labels so rows can be reported."""
    schema = TABLE_MODELS[table].to_schema()
    frame, problems = normalise_columns(table, frame.reset_index(drop=True))
    result = parse_cells(table, schema, drop_blank_rows(frame))
    result.problems = problems + result.problems + schema_problems(table, schema, result)
    return result


def normalise_columns(table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Trim and lower-case headers; keep the first of any repeated header."""
    frame = frame.set_axis([str(c).strip().lower() for c in frame.columns], axis=1)
    repeated = frame.columns.duplicated()
    problems = [
        Problem(table, None, name, "column appears more than once; only the first is used")
        for name in dict.fromkeys(frame.columns[repeated])
    ]
    return frame.loc[:, ~repeated], problems


def drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop rows with every cell blank, keeping the labels of the others."""
    if frame.empty:
        return frame
    return frame[~frame.map(is_blank).all(axis=1)]


def column_parser(column: Column) -> Parser:
    """The cell parser for a schema column: metadata `parse`, else by dtype."""
    kind = (column.metadata or {}).get("parse")
    if kind is None:
        dtype = str(column.dtype)
        kind = next((k for k in ("date", "int", "float") if dtype.startswith(k)), "text")
    return PARSERS[kind]


def typed(values: list[object], dtype: str, index: pd.Index) -> pd.Series:
    """A series of parsed values in the column's dtype (int64 only when no cell is blank)."""
    if dtype.startswith("int"):
        has_blank = any(is_blank(v) for v in values)
        return pd.Series(values, index=index, dtype="float64" if has_blank else "int64")
    if dtype.startswith("float"):
        return pd.Series(values, index=index, dtype="float64")
    return pd.Series(values, index=index, dtype=object)


def parse_cells(table: str, schema: pa.DataFrameSchema, frame: pd.DataFrame) -> TableCheck:
    """Parse every declared column; add missing optional columns as blank, report missing required."""
    parsed = TableCheck(frame.copy())
    out = parsed.frame
    for name, column in schema.columns.items():
        if name not in out.columns:
            if column.required:
                parsed.problems.append(Problem(table, None, name, "required column is missing"))
                parsed.missing.add(name)
            out[name] = pd.Series(NA, index=out.index, dtype=object)
        parse = column_parser(column)
        values: list[object] = []
        for label, raw in out[name].items():
            try:
                values.append(parse(raw))
            except ValueError as exc:
                parsed.problems.append(Problem(table, row_number(label), name, f"{name} {show(raw)} {exc}"))
                parsed.bad_cells.add((label, name))
                values.append(NA)
        out[name] = typed(values, str(column.dtype), out.index)
    declared = list(schema.columns)
    parsed.frame = out[declared + [c for c in out.columns if c not in declared]]
    return parsed


def failure_cases(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """pandera's failure cases for a lazy validation (empty when the frame is valid)."""
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as err:
        return err.failure_cases
    return pd.DataFrame(columns=["schema_context", "column", "check", "failure_case", "index"])


def schema_problems(table: str, schema: pa.DataFrameSchema, parsed: TableCheck) -> list[Problem]:
    """Turn pandera failure cases into problems, one per failing cell or row rule.

    A row rule is not reported on a row where a cell it mentions could not be parsed (the rule
    saw a blank there): the cell's own problem says what to fix.
    """
    frame_checks = {str(c.error): c for c in schema.checks}
    problems: list[Problem] = []
    seen: set[tuple[str, object]] = set()
    for case in failure_cases(schema, parsed.frame).itertuples(index=False):
        index = None if is_blank(case.index) else case.index
        if str(case.check) in frame_checks and case.schema_context == "DataFrameSchema":
            check = frame_checks[str(case.check)]
            mentioned = set(re.findall(r"\w+", str(check.error))) | {check.name}
            if (case.check, index) in seen or any((index, c) in parsed.bad_cells for c in mentioned):
                continue
            seen.add((case.check, index))
            problems.append(row_rule_problem(table, check, parsed.frame, index))
        elif case.column not in parsed.missing and (index, case.column) not in parsed.bad_cells:
            problem = cell_problem(table, schema, case.column, str(case.check), case.failure_case, index)
            if problem is not None:
                problems.append(problem)
    return problems


def row_rule_problem(table: str, check: Check, frame: pd.DataFrame, index: object) -> Problem:
    """A failed dataframe check: reported on column `check.name`, message filled from the row."""
    if index is None:
        return Problem(table, None, check.name, f"rule could not be checked: {check.error}")
    values = {str(k): show(v) for k, v in frame.loc[index].items()}
    return Problem(table, row_number(index), check.name, str(check.error).format_map(values))


def cell_problem(
    table: str, schema: pa.DataFrameSchema, column: str, check: str, value: object, index: object
) -> Problem | None:
    """A failed column check, or None for a dtype failure on a blank cell (reported as blank)."""
    row = None if index is None else row_number(index)
    if check == "not_nullable":
        return Problem(table, row, column, f"{column} is blank but required")
    if check.startswith("dtype("):
        return (
            None if is_blank(value) else Problem(table, row, column, f"{column} {show(value)} is not {check}")
        )
    checks = schema.columns[column].checks if column in schema.columns else []
    match = next((c for c in checks if str(c.error) == check), None)
    phrase = check_phrase(match) if match is not None else check
    if row is None:
        return Problem(table, None, column, f"check '{phrase}' could not run: {value}")
    return Problem(table, row, column, f"{column} {show(value)} {phrase}")


def check_phrase(check: Check) -> str:
    """Plain words for a column check: a builtin's statistics, or a custom check's `error`."""
    template = BUILTIN_PHRASES.get(check.name)
    if template is None or not str(check.error).startswith(f"{check.name}("):
        return str(check.error)
    stats = {key: _words(value) for key, value in (check.statistics or {}).items()}
    return template.format_map(stats)


def _words(value: object) -> str:
    """A check statistic in plain words: lists joined by commas, whole floats without '.0'."""
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)
