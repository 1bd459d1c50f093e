"""Registrars' leave and rostering requests, kept where the planner reads them: the department's
`leave` table (a request has status `requested` until a manager approves or declines it) and its
`preferences` table (day off, prefer or avoid a shift). Each change goes through
`core.department_store` (every contract checked first, nothing written otherwise) and leaves an
audit row (the audit log is the record of who asked, cancelled or decided, and when).

Leave already approved is taken back by a `leave_cancelled` event, not here: the roster may already
rely on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from roster_pipeline.core.department_store import append_rows, change_table
from roster_pipeline.core.warehouse import Warehouse
from roster_pipeline.living import audit

REQUEST_WEIGHT = 3  # a request made in the portal: the sample's middle weight (2-6)
LEAVE_TYPES_REQUESTED = ("annual", "study", "parental", "other")  # sickness is an event


class RequestChangeError(ValueError):
    """A request that cannot be changed: not found, not the registrar's, or already decided."""


@dataclass(frozen=True)
class RequestKey:
    """Which row: its table, registrar, start and end, and its kind (leave type or request)."""

    table: str  # leave | preferences
    registrar_id: str
    start: str
    end: str
    kind: str

    def text(self) -> str:
        return "|".join((self.table, self.start, self.end, self.kind))

    @classmethod
    def parse(cls, registrar_id: str, text: str) -> RequestKey:
        parts = text.split("|")
        if len(parts) != 4 or parts[0] not in ("leave", "preferences"):
            raise RequestChangeError(f"{text!r} does not name a request")
        return cls(parts[0], registrar_id, parts[1], parts[2], parts[3])


def _audit(
    wh: Warehouse, department: str, actor: str, action: str, key: RequestKey, note: str, now: dt.datetime
) -> None:
    audit.record(
        wh,
        recorded_at=now,
        actor=actor,
        action=action,
        department=department,
        registrar_id=key.registrar_id,
        date=dt.date.fromisoformat(key.start),
        cause=key.text(),
        reason=note,
    )


def request_leave(
    wh: Warehouse,
    folder: Path,
    department: str,
    registrar_id: str,
    start: dt.date,
    end: dt.date,
    leave_type: str,
    reason: str,
    actor: str,
    now: dt.datetime,
) -> RequestKey:
    """A leave request (status `requested`)."""
    if leave_type not in LEAVE_TYPES_REQUESTED:
        raise RequestChangeError(f"leave type {leave_type!r}: one of {', '.join(LEAVE_TYPES_REQUESTED)}")
    row = {"registrar_id": registrar_id, "start": start.isoformat(), "end": end.isoformat(),
           "type": leave_type, "status": "requested", "weight": "", "reason": reason}  # fmt: skip
    append_rows(folder, "leave", [row])
    key = RequestKey("leave", registrar_id, start.isoformat(), end.isoformat(), leave_type)
    _audit(wh, department, actor, "leave requested", key, "", now)
    return key


def request_shift(
    wh: Warehouse,
    folder: Path,
    department: str,
    registrar_id: str,
    start: dt.date,
    end: dt.date | None,
    request: str,
    shift: str | None,
    note: str,
    actor: str,
    now: dt.datetime,
) -> RequestKey:
    """A rostering request: a day off, or to prefer or avoid a shift, on start..end."""
    row = {"registrar_id": registrar_id, "start": start.isoformat(), "end": end.isoformat() if end else "",
           "request": request, "shift": shift or "", "weight": str(REQUEST_WEIGHT), "note": note}  # fmt: skip
    append_rows(folder, "preferences", [row])
    key = RequestKey("preferences", registrar_id, start.isoformat(), end.isoformat() if end else "", request)
    _audit(wh, department, actor, "request made", key, "", now)
    return key


def _iso(column: pd.Series) -> pd.Series:
    """Date cells as ISO text ('' when blank), whatever way the file writes them."""
    parsed = pd.to_datetime(column, errors="coerce")
    return parsed.dt.strftime("%Y-%m-%d").where(parsed.notna(), "")


def _matches(frame: pd.DataFrame, key: RequestKey) -> pd.Series:
    kind = "type" if key.table == "leave" else "request"
    end = _iso(frame["end"]) if "end" in frame else pd.Series("", index=frame.index)
    return (
        (frame["registrar_id"].astype(str) == key.registrar_id)
        & (_iso(frame["start"]) == key.start)
        & (end == key.end)
        & (frame[kind].astype(str).str.strip().str.lower() == key.kind)
    )


def cancel_request(
    wh: Warehouse, folder: Path, department: str, key: RequestKey, actor: str, now: dt.datetime
) -> None:
    """Withdraw one of the registrar's requests: a rostering request, or leave not yet decided."""

    def drop(frame: pd.DataFrame) -> pd.DataFrame:
        hit = _matches(frame, key)
        if key.table == "leave":
            hit &= frame["status"].astype(str) == "requested"
        if not hit.any():
            raise RequestChangeError("no such open request (approved leave is cancelled by a manager)")
        return frame.drop(index=hit[hit].index[0])

    change_table(folder, key.table, drop)
    _audit(wh, department, actor, "request cancelled", key, "", now)


def decide_leave(
    wh: Warehouse, folder: Path, department: str, key: RequestKey, approve: bool, actor: str, now: dt.datetime
) -> str:
    """A manager approves or declines a leave request; returns the new status."""
    status = "approved" if approve else "declined"

    def decide(frame: pd.DataFrame) -> pd.DataFrame:
        hit = _matches(frame, key) & (frame["status"].astype(str) == "requested")
        if not hit.any():
            raise RequestChangeError("no such leave request waiting for a decision")
        out = frame.copy()
        out.loc[hit[hit].index[0], "status"] = status
        return out

    change_table(folder, "leave", decide)
    _audit(wh, department, actor, f"leave {status}", key, "", now)
    return status
