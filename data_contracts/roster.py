"""The contract of a roster file given to `roster validate`: columns, dates and known references.

A roster names registrars, dates and shift codes; a row the department cannot explain (an unknown
registrar or shift code, an unreadable date) is unusable input, not a broken rule.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from data_contracts.cells import parse_date, parse_text, show
from data_contracts.problems import ContractError, Problem
from data_contracts.tables import drop_blank_rows, normalise_columns, row_number

ROSTER_COLUMNS = ("registrar_id", "date", "shift")


def validate_roster_table(
    frame: pd.DataFrame, registrars: Collection[str], shift_codes: Collection[str], table: str = "roster"
) -> pd.DataFrame:
    """The roster with trimmed ids and `datetime.date` dates, or `ContractError` listing every problem.

    Headers are matched trimmed and lower-cased; a blank `shift` is a day off; blank rows are dropped.
    """
    frame, problems = normalise_columns(table, frame.reset_index(drop=True))
    missing = [c for c in ROSTER_COLUMNS if c not in frame.columns]
    if missing:
        raise ContractError([Problem(table, None, c, "required column is missing") for c in missing])
    frame = drop_blank_rows(frame).copy()
    known = {"registrar_id": set(registrars), "shift": set(shift_codes)}
    for label in frame.index:
        row = row_number(label)
        for column in ("registrar_id", "shift"):
            value = parse_text(frame.at[label, column])
            frame.at[label, column] = value
            if isinstance(value, str) and value not in known[column]:
                source = "registrars" if column == "registrar_id" else "shift_types codes"
                problems.append(Problem(table, row, column, f"{column} {show(value)} is not in {source}"))
            elif column == "registrar_id" and not isinstance(value, str):
                problems.append(Problem(table, row, column, "registrar_id is blank but required"))
        raw = frame.at[label, "date"]
        try:
            frame.at[label, "date"] = parse_date(raw)
        except ValueError as exc:
            problems.append(Problem(table, row, "date", f"date {show(raw)} {exc}"))
            continue
        if pd.isna(frame.at[label, "date"]):
            problems.append(Problem(table, row, "date", "date is blank but required"))
    if problems:
        raise ContractError(problems)
    return frame.reset_index(drop=True)
