"""Roster output `roster.csv` (docs/engine-spec.md §5); the manager's workbook is `roster_workbook`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from roster_pipeline.core.domain import Department, as_date

ROSTER_COLUMNS = ["registrar_id", "date", "shift", "site", "start", "end"]


def roster_frame(department: Department, assignments: pd.DataFrame) -> pd.DataFrame:
    """`registrar_id, date, shift, site, start, end` (ISO dates and datetimes) for each assignment."""
    types = department.shift_types
    rows = []
    for registrar_id, day, code in assignments[["registrar_id", "date", "shift"]].itertuples(index=False):
        shift = types.get(str(code))
        if shift is None:
            raise ValueError(f"unknown shift code {code!r} for {registrar_id} on {day}")
        date = as_date(day)
        start, end = shift.interval(date)
        rows.append(
            (str(registrar_id), date.isoformat(), shift.code, shift.site, start.isoformat(), end.isoformat())
        )
    frame = pd.DataFrame(rows, columns=ROSTER_COLUMNS)
    return frame.sort_values(["date", "registrar_id", "start"], kind="stable").reset_index(drop=True)


def write_roster_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write the roster frame as `roster.csv` with exactly the spec columns."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame[ROSTER_COLUMNS].to_csv(out, index=False)
    return out
