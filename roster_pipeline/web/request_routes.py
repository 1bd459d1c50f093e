"""Leave and rostering requests over HTTP: a registrar adds and cancels their own; a manager
approves or declines leave requests. The workflow is `living.requests`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from data_contracts import ContractError
from roster_pipeline.core.department_io import departments_at
from roster_pipeline.living.requests import (
    RequestChangeError,
    RequestKey,
    cancel_request,
    decide_leave,
    request_leave,
    request_shift,
)
from roster_pipeline.web.auth import (
    CsrfChecked,
    Manager,
    ManagerChange,
    Session,
    config_of,
    now_of,
    warehouse_of,
)
from roster_pipeline.web.pages import refusal, render, told
from roster_pipeline.web.rosters import requests_of
from roster_pipeline.web.views import department_for, departments

router = APIRouter(tags=["requests"])


class RequestIn(BaseModel):
    """Leave (with its type and reason) or a rostering request (day off, prefer or avoid a shift)."""

    kind: Literal["leave", "day_off", "prefer", "avoid"]
    start: dt.date
    end: dt.date | None = None
    leave_type: Literal["annual", "study", "parental", "other"] = "annual"
    shift: str | None = Field(None, max_length=32)
    note: str = Field("", max_length=300)


class KeyIn(BaseModel):
    key: str = Field(min_length=5, max_length=200)


class DecisionIn(BaseModel):
    registrar_id: str = Field(max_length=32)
    key: str = Field(min_length=5, max_length=200)
    approve: bool


def _own(request: Request, session: Session, registrar_id: str) -> tuple[str, Any]:
    """The department and folder of the signed-in registrar, who must be `registrar_id`."""
    user = session.user
    key = department_for(request, user, None)
    if user.registrar_id != registrar_id or user.department != key:
        raise HTTPException(403, "a registrar adds and cancels only their own requests")
    return key, departments_at(config_of(request).department)[key]


def add_request(request: Request, session: Session, registrar_id: str, body: RequestIn) -> dict[str, Any]:
    key, folder = _own(request, session, registrar_id)
    wh, now, actor = warehouse_of(request), now_of(request), session.username
    if body.end is not None and body.end < body.start:
        raise HTTPException(422, "the end is before the start")
    try:
        if body.kind == "leave":
            made = request_leave(
                wh,
                folder,
                key,
                registrar_id,
                body.start,
                body.end or body.start,
                body.leave_type,
                body.note,
                actor,
                now,
            )
        else:
            made = request_shift(
                wh,
                folder,
                key,
                registrar_id,
                body.start,
                body.end,
                body.kind,
                body.shift,
                body.note,
                actor,
                now,
            )
    except (ContractError, RequestChangeError) as error:
        raise HTTPException(422, str(error)) from None
    return {"key": made.text(), "status": "requested" if body.kind == "leave" else "recorded"}


def cancel(request: Request, session: Session, registrar_id: str, text: str) -> None:
    key, folder = _own(request, session, registrar_id)
    try:
        cancel_request(
            warehouse_of(request),
            folder,
            key,
            RequestKey.parse(registrar_id, text),
            session.username,
            now_of(request),
        )
    except (ContractError, RequestChangeError) as error:
        raise HTTPException(409, str(error)) from None


def decide(request: Request, session: Session, body: DecisionIn) -> str:
    key = department_for(request, session.user, None)
    if not session.user.may_manage(key):
        raise HTTPException(403, "managers decide leave requests")
    folder = departments_at(config_of(request).department)[key]
    try:
        parsed = RequestKey.parse(body.registrar_id, body.key)
        return decide_leave(
            warehouse_of(request), folder, key, parsed, body.approve, session.username, now_of(request)
        )
    except (ContractError, RequestChangeError) as error:
        raise HTTPException(409, str(error)) from None


@router.post("/api/registrars/{registrar_id}/requests", tags=["api"], status_code=201)
def post_request(
    request: Request, session: CsrfChecked, registrar_id: str, body: RequestIn
) -> dict[str, Any]:
    """Add my leave request or rostering request."""
    return add_request(request, session, registrar_id, body)


@router.post("/api/registrars/{registrar_id}/requests/cancel", tags=["api"])
def post_cancel(request: Request, session: CsrfChecked, registrar_id: str, body: KeyIn) -> dict[str, str]:
    """Withdraw one of my requests (leave only while it is not decided)."""
    cancel(request, session, registrar_id, body.key)
    return {"key": body.key, "status": "cancelled"}


@router.get("/api/requests", tags=["api"])
def pending_requests(request: Request, session: Manager) -> dict[str, Any]:
    """Leave requests waiting for a decision in the manager's department."""
    key = department_for(request, session.user, None)
    dept = departments(request).get(key)
    waiting = []
    for registrar in sorted(dept.registrars.values(), key=lambda r: r.name):
        for row in requests_of(dept, registrar.registrar_id)["leave"]:
            if row["status"] == "requested":
                waiting.append({"registrar_id": registrar.registrar_id, "name": registrar.name, **row})
    return {
        "department": key,
        "requests": [{**w, "start": str(w["start"]), "end": str(w["end"])} for w in waiting],
    }


@router.post("/api/requests/decide", tags=["api"])
def post_decision(request: Request, session: ManagerChange, body: DecisionIn) -> dict[str, str]:
    """Approve or decline a leave request (managers)."""
    return {"key": body.key, "status": decide(request, session, body)}


@router.post("/me/requests", include_in_schema=False)
def request_form(
    request: Request,
    session: CsrfChecked,
    kind: Annotated[str, Form()],
    start: Annotated[str, Form()],
    end: Annotated[str, Form()] = "",
    leave_type: Annotated[str, Form()] = "annual",
    shift: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    try:
        body = RequestIn(
            kind=kind, start=start, end=end or None, leave_type=leave_type, shift=shift or None, note=note
        )
        add_request(request, session, session.user.registrar_id or "", body)
    except (HTTPException, ValueError) as error:
        return told("/me/requests", "Not recorded: " + refusal(error, "check the dates and choices"))
    return told("/me/requests", "Request recorded")


@router.post("/me/requests/cancel", include_in_schema=False)
def cancel_form(request: Request, session: CsrfChecked, key: Annotated[str, Form()]) -> Response:
    try:
        cancel(request, session, session.user.registrar_id or "", key)
    except HTTPException as error:
        return told("/me/requests", refusal(error, ""))
    return told("/me/requests", "Request cancelled")


@router.get("/manager/requests", include_in_schema=False)
def requests_page(request: Request, session: Manager, message: str | None = None) -> Response:
    waiting = pending_requests(request, session)["requests"]
    return render(request, "manager_requests.html", session, requests=waiting, message=message)


@router.post("/manager/requests", include_in_schema=False)
def decision_form(
    request: Request,
    session: ManagerChange,
    registrar_id: Annotated[str, Form()],
    key: Annotated[str, Form()],
    decision: Annotated[str, Form()],
) -> Response:
    try:
        status = decide(
            request, session, DecisionIn(registrar_id=registrar_id, key=key, approve=decision == "approve")
        )
    except HTTPException as error:
        return told("/manager/requests", refusal(error, ""))
    return told("/manager/requests", f"Leave {status}")
