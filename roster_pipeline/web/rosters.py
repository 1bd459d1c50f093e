"""What a web user reads: the roster version that applies to a week, its cells with names and times,
and absences as the reader may see them. Reads only; versions and departments come from the living
roster and the department tables, never a copy of their logic.

Which version a week shows: a registrar sees the published version covering it (nothing while it is
only a draft); a manager sees the published one too, else the newest approved or draft version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from roster_pipeline.core.department_io import departments_at, load_department
from roster_pipeline.core.domain import Department
from roster_pipeline.core.warehouse import Warehouse
from roster_pipeline.living.versions import Version, assignments, versions
from roster_pipeline.web.accounts import User

UNAVAILABLE = "unavailable"


class NotFound(LookupError):
    """An unknown department, registrar, version or week."""


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass
class Departments:
    """The departments under ROSTER_DEPARTMENT, each read (and validated) again when its files change."""

    root: Path
    _cache: dict[str, tuple[float, Department]] | None = None

    def keys(self) -> list[str]:
        return sorted(departments_at(self.root))

    def get(self, key: str) -> Department:
        paths = departments_at(self.root)
        if key not in paths:
            raise NotFound(f"no department {key!r}")
        path = paths[key]
        files = [path, *path.glob("*")] if path.is_dir() else [path]
        stamp = max(p.stat().st_mtime for p in files)
        cache = self._cache if self._cache is not None else {}
        self._cache = cache
        if key not in cache or cache[key][0] != stamp:
            cache[key] = (stamp, load_department(path))
        return cache[key][1]


def version_for_week(wh: Warehouse, department: str, week: dt.date, user: User) -> Version | None:
    """The version `user` sees for the week starting `week` (see the module docstring)."""
    covering = [
        v
        for v in versions(wh, department)
        if v.horizon.start <= week <= v.horizon.end and v.state != "archived"
    ]
    published = [v for v in covering if v.state == "published"]
    if published:
        return published[-1]
    if not user.is_manager:
        return None
    return covering[-1] if covering else None


def default_week(wh: Warehouse, department: str, today: dt.date, user: User) -> dt.date:
    """This week if the user has a version for it, else the week nearest today that they have one
    for (a demo on past data, a roster not yet published this far ahead), else this week."""
    this_week = monday(today)
    if version_for_week(wh, department, this_week, user) is not None:
        return this_week
    visible = [
        v
        for v in versions(wh, department)
        if v.state == "published" or (user.is_manager and v.state != "archived")
    ]
    weeks = [v.horizon.start + dt.timedelta(weeks=w) for v in visible for w in range(v.horizon.weeks)]
    return min(weeks, key=lambda w: (abs((w - this_week).days), w)) if weeks else this_week


def week_cells(
    wh: Warehouse, dept: Department, version: Version, week: dt.date, registrar_id: str | None = None
) -> pd.DataFrame:
    """The version's cells in the week (optionally one registrar's): registrar, name, date, shift,
    site, start and end (a night ends the next morning) and hours, by date and registrar."""
    rows = assignments(wh, version.version_id)
    rows = rows[(rows["date"] >= week) & (rows["date"] < week + dt.timedelta(days=7))]
    if registrar_id is not None:
        rows = rows[rows["registrar_id"] == registrar_id]
    out = []
    for registrar, day, code in rows[["registrar_id", "date", "shift"]].itertuples(index=False):
        shift = dept.shift_types.get(code)
        person = dept.registrars.get(registrar)
        start, end = shift.interval(day) if shift else (None, None)
        out.append(
            {
                "registrar_id": registrar,
                "name": person.name if person else registrar,
                "date": day,
                "shift": code,
                "site": shift.site if shift else "",
                "kind": shift.kind if shift else "",
                "start": start,
                "end": end,
                "hours": round(shift.minutes / 60, 2) if shift else 0.0,
            }
        )
    frame = pd.DataFrame(
        out, columns=["registrar_id", "name", "date", "shift", "site", "kind", "start", "end", "hours"]
    )
    return frame.sort_values(["date", "start", "name"], na_position="last").reset_index(drop=True)


def absences(dept: Department, department: str, first: dt.date, last: dt.date, user: User) -> pd.DataFrame:
    """Approved leave overlapping first..last, one row per registrar and leave: the reader's own (or,
    for a manager, everyone's) with type and reason; a colleague's only as "unavailable"."""
    leave = dept.table("leave")
    out = []
    for row in leave.itertuples(index=False):
        start, end = pd.Timestamp(row.start).date(), pd.Timestamp(row.end).date()
        if str(row.status) != "approved" or end < first or start > last:
            continue
        rid = str(row.registrar_id)
        person = dept.registrars.get(rid)
        private = user.may_see_private(rid, department)
        reason = getattr(row, "reason", "")
        out.append(
            {
                "registrar_id": rid,
                "name": person.name if person else rid,
                "start": max(start, first),
                "end": min(end, last),
                "label": str(row.type) if private else UNAVAILABLE,
                "reason": ("" if pd.isna(reason) else str(reason)) if private else "",
            }
        )
    return pd.DataFrame(out, columns=["registrar_id", "name", "start", "end", "label", "reason"])


def _iso(value: object) -> str:
    """A table cell as the department file holds a date ('' when blank)."""
    return "" if value is None or pd.isna(value) or value == "" else pd.Timestamp(value).date().isoformat()


def requests_of(dept: Department, registrar_id: str) -> dict[str, list[dict]]:
    """The registrar's leave (every status, with type and reason) and their rostering requests."""
    leave = dept.table("leave")
    prefs = dept.table("preferences")
    mine_leave = leave[leave["registrar_id"] == registrar_id] if len(leave) else leave
    mine_prefs = prefs[prefs["registrar_id"] == registrar_id] if len(prefs) else prefs
    return {
        "leave": [
            {
                "key": f"leave|{_iso(r['start'])}|{_iso(r['end'])}|{r['type']}",
                "start": pd.Timestamp(r["start"]).date(),
                "end": pd.Timestamp(r["end"]).date(),
                "type": str(r["type"]),
                "status": str(r["status"]),
                "reason": "" if pd.isna(r.get("reason")) else str(r.get("reason")),
            }
            for r in mine_leave.to_dict("records")
        ],
        "requests": [
            {
                "key": f"preferences|{_iso(r['start'])}|{_iso(r.get('end'))}|{r['request']}",
                "start": pd.Timestamp(r["start"]).date(),
                "end": pd.Timestamp(r["start"] if pd.isna(r.get("end")) else r["end"]).date(),
                "request": str(r["request"]),
                "shift": "" if pd.isna(r.get("shift")) else str(r.get("shift")),
                "weight": int(r["weight"]),
                "note": "" if pd.isna(r.get("note")) else str(r.get("note")),
            }
            for r in mine_prefs.to_dict("records")
        ],
    }


def notices_of(wh: Warehouse, department: str, registrar_id: str | None) -> pd.DataFrame:
    """Notices of changes in versions that were published (one registrar's, or everyone's), newest first."""
    wh.append_only_ready()
    sql = (
        "SELECT n.recorded_at, n.version_id, n.registrar_id, n.date, n.shift_before, n.shift_after, "
        "n.notice_days, n.short_notice, n.cause, n.reason FROM notices n WHERE n.department = ? "
        "AND n.version_id IN (SELECT version_id FROM version_states WHERE state = 'published')"
    )
    params: list = [department]
    if registrar_id is not None:
        sql += " AND n.registrar_id = ?"
        params.append(registrar_id)
    found = wh.query(sql + " ORDER BY n.recorded_at DESC, n.date", params)
    found["date"] = pd.to_datetime(found["date"]).dt.date
    return found
