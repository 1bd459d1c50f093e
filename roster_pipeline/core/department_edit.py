"""Changed copies of a department: more cover on a date, leave added or taken back, a training
session added. The original is never touched. What-if questions (explain/whatif.py) and roster
events (living/events.py) both change the inputs through these functions."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from roster_pipeline.core.domain import Department, Horizon, as_date, is_blank

ONE_DAY = dt.timedelta(days=1)


def copy_department(department: Department) -> Department:
    """A deep copy (the typed views are rebuilt from the copied tables)."""
    return Department({name: frame.copy(deep=True) for name, frame in department.tables.items()})


def _appended(frame: pd.DataFrame, rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """`frame` with `rows` added (columns the rows lack are blank)."""
    new = pd.DataFrame([{col: row.get(col) for col in frame.columns} | dict(row) for row in rows])
    if new.empty:
        return frame
    with warnings.catch_warnings():  # all-NA columns of the new rows
        warnings.simplefilter("ignore", FutureWarning)
        return pd.concat([frame, new], ignore_index=True) if not frame.empty else new


def set_cover(dept: Department, day: dt.date, shift: str, site: str, people: int, top: int) -> None:
    """Dated cover for `shift` on `day`: min and target `people`, max `top` (in place on a copy). A
    dated row of the same day and shift is replaced (two dated rows of equal rank are a contract error)."""
    cover = dept.table("cover")
    dated = pd.to_datetime(cover["date"], errors="coerce").dt.date == day
    same = dated & (cover["shift"].astype(str) == shift) & cover["skill"].map(is_blank)
    row = {"date": day.isoformat(), "days": None, "site": site, "shift": shift, "skill": None,
           "min": people, "target": people, "max": top}  # fmt: skip
    dept.tables["cover"] = _appended(cover[~same], [row])


def more_cover(
    dept: Department,
    horizon: Horizon,
    shift: str,
    days: Iterable[dt.date],
    extra: int,
    rostered: Mapping[dt.date, int] | None = None,
) -> None:
    """`extra` more people on `shift` on each of `days` than it needs now (its resolved minimum and
    target) or, given the head count `rostered` per day, than already work it, if more."""
    wanted = set(days)
    site = dept.shift_types[shift].site
    demands = dept.cover_demands(horizon)
    current = {d.date: d for d in demands if d.shift == shift and d.skill is None and d.date in wanted}
    for day in sorted(wanted):
        now = current.get(day)
        low, target, top = (now.min, now.target, now.max) if now else (0, 0, 0)
        people = max(low, target, (rostered or {}).get(day, 0)) + extra
        set_cover(dept, day, shift, site, people, max(top, people))


def add_leave(dept: Department, rows: Iterable[Mapping[str, Any]]) -> None:
    """Leave rows (registrar_id, start, end, type, status, reason) added to the copy."""
    frame = _appended(dept.table("leave"), rows)
    if "weight" in frame.columns:
        frame["weight"] = frame["weight"].astype("Int64")
    dept.tables["leave"] = frame


def cancel_leave(dept: Department, registrar_id: str, first: dt.date, last: dt.date) -> int:
    """Take back the registrar's approved leave on `first..last` (rows split around it); the number
    of leave days given back."""
    leave = dept.table("leave")
    if leave.empty:
        return 0
    kept: list[dict[str, Any]] = []
    returned = 0
    for row in leave.to_dict("records"):
        start, end = as_date(row["start"]), as_date(row["end"])
        mine = str(row["registrar_id"]) == registrar_id and row["status"] == "approved"
        if not mine or end < first or start > last:
            kept.append(row)
            continue
        returned += (min(end, last) - max(start, first)).days + 1
        if start < first:
            kept.append({**row, "end": first - ONE_DAY})
        if end > last:
            kept.append({**row, "start": last + ONE_DAY})
    frame = pd.DataFrame(kept, columns=leave.columns)
    if "weight" in frame.columns:
        frame["weight"] = frame["weight"].astype("Int64")
    dept.tables["leave"] = frame
    return returned


def add_training(dept: Department, rows: Iterable[Mapping[str, Any]]) -> None:
    """Training rows (registrar_id, date, start, end HH:MM, name) added to the copy."""
    dept.tables["training"] = _appended(dept.table("training"), rows)
