"""Roster events (the `events` table): what changes a published roster, and how each changes the
department a repair plans against.

- `sick`, `unavailable`: the registrar cannot work `start..end` (approved leave of type sick or
  other for those days) or, with `shift`, that one shift on each day (a blocked cell);
- `extra_cover`: `count` more people on `shift` on each day than already work it (or than its
  resolved cover asks, if more);
- `training`: a protected session for the registrar on each day (the shift's hours when `shift` is
  given, else 08:00-17:00);
- `leave_cancelled`: the registrar's approved leave on those days is taken back.

Nothing before an event's `reported_at` changes: its days that are already past (or a shift already
started on the day it was reported) are left as they were. `note` and the absence type are private
to the registrar and managers: `public_label` is what colleagues read ("R005 unavailable").
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data_contracts import ContractError, Problem
from data_contracts.cross import cross_table_problems
from data_contracts.tables import check_table, row_number
from roster_pipeline.core.department_edit import (
    add_leave,
    add_training,
    cancel_leave,
    copy_department,
    more_cover,
)
from roster_pipeline.core.department_io import read_csv
from roster_pipeline.core.domain import Department, Horizon, as_date, is_blank

ONE_DAY = dt.timedelta(days=1)
ABSENCES = ("sick", "unavailable")
LEAVE_TYPE = {"sick": "sick", "unavailable": "other"}
TRAINING_HOURS = ("08:00", "17:00")  # a training event without a shift: a working day's session
Cell = tuple[str, dt.date]  # (registrar, day): a roster's cell


@dataclass(frozen=True)
class Event:
    """One row of the events table."""

    event_id: str
    type: str
    registrar_id: str | None
    start: dt.date
    end: dt.date
    reported_at: dt.datetime
    shift: str | None = None
    site: str | None = None
    count: int = 0
    note: str = ""
    row: int = 0  # the table's row number (header = 1), for messages

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def span(self) -> str:
        return self.start.isoformat() if self.start == self.end else f"{self.start} to {self.end}"

    def public_label(self) -> str:
        """What any registrar may read: an absence is 'unavailable', never its type or note."""
        on = f" ({self.shift})" if self.shift else ""
        if self.type in ABSENCES:
            return f"{self.registrar_id} unavailable {self.span()}{on}"
        if self.type == "extra_cover":
            return f"{self.count} more on {self.shift} {self.span()}"
        if self.type == "training":
            return f"{self.registrar_id} in training {self.span()}{on}"
        return f"{self.registrar_id} available again {self.span()}"

    def private_label(self) -> str:
        """What the registrar concerned and managers read: the type and the note."""
        note = f": {self.note}" if self.note else ""
        if self.type in ABSENCES:
            on = f" ({self.shift})" if self.shift else ""
            return f"{self.type} {self.span()}{on}{note}"
        return f"{self.public_label()}{note}"


def public_absence(registrar_id: str, day: dt.date) -> str:
    """An absence as colleagues read it."""
    return f"{registrar_id} unavailable on {day}"


def events_from_frame(frame: pd.DataFrame) -> list[Event]:
    """Events from a validated `events` table, in the order they were reported."""
    events = []
    for label, row in frame.iterrows():
        start = as_date(row["start"])
        events.append(
            Event(
                event_id=str(row["event_id"]),
                type=str(row["type"]),
                registrar_id=None if is_blank(row["registrar_id"]) else str(row["registrar_id"]),
                start=start,
                end=start if is_blank(row["end"]) else as_date(row["end"]),
                reported_at=pd.Timestamp(row["reported_at"]).to_pydatetime(),
                shift=None if is_blank(row["shift"]) else str(row["shift"]),
                site=None if is_blank(row["site"]) else str(row["site"]),
                count=0 if is_blank(row["count"]) else int(row["count"]),
                note="" if is_blank(row.get("note")) else str(row["note"]),
                row=row_number(label),
            )
        )
    return sorted(events, key=lambda e: (e.reported_at, e.event_id))


def read_events(path: str | Path, department: Department) -> list[Event]:
    """The events of a CSV file, checked by the `events` contract and against the department's
    registrars, shifts and sites; one ContractError naming table, row and column otherwise."""
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"no such file {file}")
    check = check_table("events", read_csv(file, table="events"))
    problems = list(check.problems)
    if not check.missing:
        tables = {name: frame for name, frame in department.tables.items() if name != "events"}
        cross = cross_table_problems({**tables, "events": check.frame})
        problems += [p for p in cross if p.table == "events"]
    if problems:
        raise ContractError(problems)
    return events_from_frame(check.frame)


def department_events(department: Department) -> list[Event]:
    """The events table of the department itself (already checked with the other tables)."""
    frame = department.table("events")
    return [] if frame.empty else events_from_frame(frame.reset_index(drop=True))


def check_events(events: Iterable[Event], horizon: Horizon, now: dt.datetime | None = None) -> None:
    """Every event touches the roster's dates and, given a repair time, was reported by then."""
    problems = []
    for event in events:
        if event.end < horizon.start or event.start > horizon.end:
            problems.append(
                Problem("events", event.row or None, "start",
                        f"{event.event_id} ({event.span()}) is outside the roster {horizon.start} to "
                        f"{horizon.end}")
            )  # fmt: skip
        elif now is not None and event.reported_at > now:
            problems.append(
                Problem("events", event.row or None, "reported_at",
                        f"{event.event_id} is reported at {event.reported_at}, after the repair time {now}")
            )  # fmt: skip
    if problems:
        raise ContractError(sorted(problems, key=lambda p: p.row or 0))


@dataclass
class Applied:
    """A department with events applied, and what the repair must respect besides its tables."""

    department: Department
    blocked: set[tuple[str, dt.date, str]] = field(default_factory=set)  # (registrar, day, shift)
    events: list[Event] = field(default_factory=list)


def roster_cells(roster: pd.DataFrame) -> dict[Cell, str]:
    """A roster's (registrar_id, date, shift) rows as (registrar, day) -> shift."""
    return {
        (str(r), as_date(d)): str(s)
        for r, d, s in roster[["registrar_id", "date", "shift"]].itertuples(index=False)
    }


def started_before(department: Department, code: str | None, day: dt.date, now: dt.datetime) -> bool:
    """Whether `code` worked on `day` has started by `now` (an off day has nothing started)."""
    if code is None or code not in department.shift_types:
        return False
    return department.shift_types[code].interval(day)[0] < now


def open_days(event: Event, horizon: Horizon, current: dict[Cell, str], dept: Department) -> list[dt.date]:
    """The event's days that may still change when it is reported: inside the horizon, not before
    the day it was reported, and not a day whose shift the registrar had already started."""
    now = event.reported_at
    days = [d for d in event.days if d in horizon and d >= now.date()]
    first = days[0] if days else None
    shift = current.get((str(event.registrar_id), first)) if first else None
    if first == now.date() and started_before(dept, shift, first, now):
        days = days[1:]
    return days


def apply_events(
    department: Department, horizon: Horizon, events: Iterable[Event], current: dict[Cell, str]
) -> Applied:
    """A copy of `department` with the events applied (the original is untouched); `current` is the
    published roster, (registrar, day) -> shift, which decides what had already started."""
    dept = copy_department(department)
    applied = Applied(dept, events=list(events))
    for event in applied.events:
        days = open_days(event, horizon, current, department)
        if not days:
            continue
        rid = event.registrar_id
        if event.type in ABSENCES and event.shift:
            applied.blocked |= {(str(rid), d, event.shift) for d in days}
        elif event.type in ABSENCES:
            add_leave(dept, [_leave_row(event, days)])
        elif event.type == "extra_cover":
            on = Counter(d for (_, d), code in current.items() if code == event.shift)
            more_cover(dept, horizon, str(event.shift), days, event.count, on)
        elif event.type == "training":
            add_training(dept, [_training_row(event, d, dept) for d in days])
        elif event.type == "leave_cancelled":
            cancel_leave(dept, str(rid), days[0], days[-1])
    return applied


def department_as_of_events(
    department: Department, horizon: Horizon, current: dict[Cell, str], now: dt.datetime
) -> Department:
    """The department as the events reported by `now` leave it on `horizon`'s dates (a sick day is
    approved leave, extra cover raises the minimum): what a version of those dates is judged against."""
    mine = [
        e
        for e in department_events(department)
        if e.reported_at <= now and e.end >= horizon.start and e.start <= horizon.end
    ]
    return apply_events(department, horizon, mine, current).department if mine else department


def _leave_row(event: Event, days: list[dt.date]) -> dict[str, object]:
    return {
        "registrar_id": event.registrar_id, "start": days[0], "end": days[-1],
        "type": LEAVE_TYPE[event.type], "status": "approved", "weight": None,
        "reason": f"{event.event_id}: {event.note}" if event.note else event.event_id,
    }  # fmt: skip


def _training_row(event: Event, day: dt.date, dept: Department) -> dict[str, object]:
    start, end = TRAINING_HOURS
    if event.shift and event.shift in dept.shift_types:
        shift = dept.shift_types[event.shift]
        start, end = (f"{m // 60 % 24:02d}:{m % 60:02d}" for m in (shift.start, shift.end))
    return {"registrar_id": event.registrar_id, "group": None, "date": day, "start": start, "end": end,
            "name": f"{event.event_id} training"}  # fmt: skip
