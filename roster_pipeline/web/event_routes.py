"""Events (sick calls, unavailability, extra cover, training, cancelled leave) and the repair they
start. A manager records any event; a registrar may report themselves sick or unavailable. Events
go into the department's `events` table (`core.department_store`), where the Dagster events sensor
also finds them. The repair preview runs `living.repair` on each published version the events touch
and shows the changes and notices without recording anything; recording it is
`living.amendments.repair_published`, the use case the CLI and Dagster share."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from data_contracts import ContractError
from roster_pipeline.core.department_io import departments_at
from roster_pipeline.core.department_store import change_table
from roster_pipeline.core.domain import frame_hash
from roster_pipeline.core.rules import load_pack
from roster_pipeline.living.amendments import published, repair_published
from roster_pipeline.living.events import department_events
from roster_pipeline.living.repair import RepairSettings, repair
from roster_pipeline.living.versions import Provenance, assignments
from roster_pipeline.web.auth import (
    CsrfChecked,
    Manager,
    ManagerChange,
    Session,
    SignedIn,
    config_of,
    now_of,
    warehouse_of,
)
from roster_pipeline.web.pages import refusal, render, told
from roster_pipeline.web.views import department_for, departments, records

router = APIRouter(tags=["events"])
SELF_REPORTED = ("sick", "unavailable")
EVENT_COLUMNS = [
    "event_id",
    "type",
    "registrar_id",
    "start",
    "end",
    "shift",
    "site",
    "count",
    "reported_at",
    "note",
]


class EventIn(BaseModel):
    """An event as the `events` table holds it (reported_at is the time it reaches the service)."""

    type: Literal["sick", "unavailable", "extra_cover", "training", "leave_cancelled"]
    registrar_id: str | None = Field(None, max_length=32)
    start: dt.date
    end: dt.date | None = None
    shift: str | None = Field(None, max_length=32)
    site: str | None = Field(None, max_length=32)
    count: int | None = Field(None, ge=1, le=50)
    note: str = Field("", max_length=500)


def _next_id(frame: pd.DataFrame) -> str:
    taken = {str(v) for v in frame.get("event_id", pd.Series(dtype=str))}
    numbers = [int(m.group(1)) for v in taken if (m := re.fullmatch(r"E(\d+)", v))]
    return f"E{max(numbers, default=0) + 1:03d}"


def record_event(request: Request, session: Session, body: EventIn) -> dict[str, Any]:
    """Check the asker's right to report it, then add it to the department's events table."""
    user = session.user
    key = department_for(request, user, None)
    if not user.may_manage(key) and (
        body.type not in SELF_REPORTED or body.registrar_id != user.registrar_id
    ):
        raise HTTPException(403, "a registrar reports only their own sickness or unavailability")
    folder = departments_at(config_of(request).department)[key]
    reported = now_of(request)
    made: dict[str, Any] = {}

    def add(frame: pd.DataFrame) -> pd.DataFrame:
        row = {
            "event_id": _next_id(frame),
            "type": body.type,
            "registrar_id": body.registrar_id or "",
            "start": body.start.isoformat(),
            "end": body.end.isoformat() if body.end else "",
            "shift": body.shift or "",
            "site": body.site or "",
            "count": str(body.count) if body.count else "",
            "reported_at": reported.strftime("%Y-%m-%d %H:%M"),
            "note": body.note,
        }
        made.update(row)
        columns = list(frame.columns) or EVENT_COLUMNS
        return pd.concat([frame, pd.DataFrame([row])[columns]], ignore_index=True)

    try:
        change_table(folder, "events", add)
    except ContractError as error:
        raise HTTPException(422, str(error)) from None
    return made


def _events(request: Request, session: Session, key: str) -> list[dict[str, Any]]:
    frame = departments(request).get(key).table("events")
    rows = records(frame.reset_index(drop=True)) if len(frame) else []
    user = session.user
    return rows if user.may_manage(key) else [r for r in rows if r.get("registrar_id") == user.registrar_id]


@router.get("/api/events", tags=["api"])
def list_events(request: Request, session: SignedIn) -> dict[str, Any]:
    """The department's events (a manager); a registrar's own events (a registrar)."""
    key = department_for(request, session.user, None)
    return {"department": key, "events": _events(request, session, key)}


@router.post("/api/events", tags=["api"], status_code=201)
def post_event(request: Request, session: CsrfChecked, body: EventIn) -> dict[str, Any]:
    """Record an event; the repair it needs is previewed and recorded by a manager (or the Dagster
    events sensor)."""
    return record_event(request, session, body)


def repair_preview(request: Request, key: str) -> list[dict[str, Any]]:
    """What repairing each published version touched by the events would change (nothing recorded)."""
    wh, dept = warehouse_of(request), departments(request).get(key)
    pack = load_pack(config_of(request).rule_pack)
    names = {r.registrar_id: r.name for r in dept.registrars.values()}
    events = department_events(dept)
    previews = []
    for parent in published(wh, key):
        mine = [e for e in events if e.end >= parent.horizon.start and e.start <= parent.horizon.end]
        if not mine:
            continue
        outcome = repair(
            dept, pack, parent.horizon, assignments(wh, parent.version_id), mine, RepairSettings()
        )
        summary = outcome.summary()
        previews.append(
            {
                "parent": parent.version_id,
                "status": summary["status"],
                "events": [e.event_id for e in mine],
                "changes": [
                    {**c.as_dict(), "name": names.get(c.registrar_id, c.registrar_id)}
                    for c in outcome.changes
                ],
                "uncovered": summary["uncovered"],
                "hard_violations": summary["hard_violations"],
            }
        )
    return previews


@router.get("/api/repair", tags=["api"])
def get_repair_preview(request: Request, session: Manager) -> dict[str, Any]:
    """The repair the department's events need: changes, notices, uncovered shifts (not recorded)."""
    key = department_for(request, session.user, None)
    return {"department": key, "repairs": repair_preview(request, key)}


@router.post("/api/repair", tags=["api"])
def post_repair(request: Request, session: ManagerChange) -> dict[str, Any]:
    """Record the repair: an amended draft per published version, with its notices (managers)."""
    key = department_for(request, session.user, None)
    wh, dept = warehouse_of(request), departments(request).get(key)
    pack = load_pack(config_of(request).rule_pack)
    provenance = Provenance(session.username, "repair", pack.id, pack.version, frame_hash(dict(dept.tables)))
    found = repair_published(
        wh, key, dept, pack, department_events(dept), provenance, now_of(request), RepairSettings()
    )
    return {"department": key, "repairs": [r.summary() for r in found]}


@router.get("/manager/events", include_in_schema=False)
def events_page(request: Request, session: Manager, message: str | None = None) -> Response:
    key = department_for(request, session.user, None)
    dept = departments(request).get(key)
    registrars = sorted(((r.registrar_id, r.name) for r in dept.registrars.values()), key=lambda p: p[1])
    names = dict(registrars)
    return render(
        request,
        "events.html",
        session,
        events=list(reversed(_events(request, session, key))),
        registrars=registrars,
        names=names,
        shifts=sorted(dept.shift_types),
        message=message,
    )


@router.post("/manager/events", include_in_schema=False)
def events_form(
    request: Request,
    session: ManagerChange,
    type: Annotated[str, Form()],  # noqa: A002 - the events table's column
    start: Annotated[dt.date, Form()],
    registrar_id: Annotated[str, Form()] = "",
    end: Annotated[str, Form()] = "",
    shift: Annotated[str, Form()] = "",
    count: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    try:
        body = EventIn(
            type=type,
            registrar_id=registrar_id or None,
            start=start,
            end=end or None,
            shift=shift or None,
            count=int(count) if count else None,
            note=note,
        )
        made = record_event(request, session, body)
    except (HTTPException, ValueError) as error:
        return events_page(request, session, message=f"Not recorded: {refusal(error, str(error))}")
    return told("/manager/events", f"Recorded {made['event_id']}")


@router.get("/manager/repair", include_in_schema=False)
def repair_page(request: Request, session: Manager) -> Response:
    key = department_for(request, session.user, None)
    return render(request, "repair.html", session, repairs=repair_preview(request, key))


@router.post("/manager/repair", include_in_schema=False)
def repair_form(request: Request, session: ManagerChange) -> Response:
    result = post_repair(request, session)
    made = [r["version"] for r in result["repairs"] if r["version"]]
    text = "Recorded " + ", ".join(made) if made else "Nothing to record"
    return told("/manager/versions", text)
