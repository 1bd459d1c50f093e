"""Open shifts: shifts of the published roster below their cover target in the next two weeks, and
whether the signed-in registrar could legally take each (`living.recommend.recommend_cover`, the
CLI's `roster recommend`). A registrar offers to take one; a manager accepts an offer, which records
an amended draft with the registrar on that shift (published through the usual checks)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from roster_pipeline.core.domain import Horizon
from roster_pipeline.core.rules import load_pack
from roster_pipeline.living.recommend import recommend_cover
from roster_pipeline.living.versions import Provenance, assignments, create_version, get_version
from roster_pipeline.planning.weekly import cover_rows
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
from roster_pipeline.web.rosters import monday, version_for_week
from roster_pipeline.web.views import department_for, departments

router = APIRouter(tags=["open shifts"])
AHEAD_DAYS = 14


class OfferIn(BaseModel):
    date: dt.date
    shift: str = Field(min_length=1, max_length=32)


def open_shifts(request: Request, session: Session, key: str) -> list[dict[str, Any]]:
    """Shifts below target from today for two weeks, with whether the asker (a registrar) may take them."""
    wh, user = warehouse_of(request), session.user
    dept, pack = departments(request).get(key), load_pack(config_of(request).rule_pack)
    today = now_of(request).date()
    found = []
    for week in sorted({monday(today + dt.timedelta(days=d)) for d in range(0, AHEAD_DAYS, 7)}):
        version = version_for_week(wh, key, week, user)
        if version is None or version.state != "published":
            continue
        roster = assignments(wh, version.version_id)
        cover = cover_rows(dept, Horizon(week, 1), roster)
        if cover.empty:
            continue
        short = cover[(cover["assigned"] < cover["target"]) & (cover["date"] > today)]
        for (day, shift), rows in short.groupby(["date", "shift"], sort=True):
            below_min = bool((rows["assigned"] < rows["min"]).any())
            mine: dict[str, Any] = {}
            if user.registrar_id:
                ranked = recommend_cover(
                    dept, pack, version.horizon, roster, day, shift, top=len(dept.registrars), today=today
                )
                me = next((c for c in ranked if c.registrar_id == user.registrar_id), None)
                mine = {"legal": bool(me and me.legal), "reasons": me.reasons if me else ["already on it"]}
            found.append(
                {
                    "version_id": version.version_id,
                    "date": day.isoformat(),
                    "shift": shift,
                    "below_minimum": below_min,
                    "short_by": int((rows["target"] - rows["assigned"]).max()),
                    **mine,
                }
            )
    return found


def _offers(request: Request, key: str) -> pd.DataFrame:
    wh = warehouse_of(request)
    wh.append_only_ready()
    rows = wh.query("SELECT * FROM cover_offers WHERE department = ? ORDER BY offer_id, step", [key])
    return rows.groupby("offer_id", sort=False).tail(1) if len(rows) else rows


def _record(request: Request, row: dict[str, Any], status: str, actor: str, step: int) -> None:
    record = {**row, "status": status, "actor": actor, "step": step, "recorded_at": now_of(request)}
    warehouse_of(request).append({"cover_offers": pd.DataFrame([record])})


def offer(request: Request, session: Session, body: OfferIn) -> dict[str, Any]:
    if session.user.registrar_id is None:
        raise HTTPException(403, "registrars offer to take open shifts")
    key = department_for(request, session.user, None)
    match = [
        o
        for o in open_shifts(request, session, key)
        if o["date"] == body.date.isoformat() and o["shift"] == body.shift
    ]
    if not match:
        raise HTTPException(422, f"{body.shift} on {body.date} is not an open shift")
    if not match[0]["legal"]:
        raise HTTPException(409, "you cannot take it: " + "; ".join(match[0]["reasons"]))
    number = len(set(warehouse_of(request).query("SELECT offer_id FROM cover_offers")["offer_id"])) + 1
    row = {
        "offer_id": f"C{number:04d}",
        "department": key,
        "version_id": match[0]["version_id"],
        "registrar_id": session.user.registrar_id,
        "date": body.date,
        "shift": body.shift,
        "amended_version": "",
    }
    _record(request, row, "offered", session.username, 1)
    return {**row, "date": body.date.isoformat(), "status": "offered"}


def accept(request: Request, session: Session, offer_id: str) -> dict[str, Any]:
    """Record an amended draft of the offer's version with the registrar on the shift."""
    key = department_for(request, session.user, None)
    if not session.user.may_manage(key):
        raise HTTPException(403, "managers accept offers to cover")
    found = _offers(request, key)
    found = found[found["offer_id"] == offer_id] if len(found) else found
    if found.empty or found.iloc[0]["status"] != "offered":
        raise HTTPException(409, f"no open offer {offer_id!r}")
    row = found.iloc[0].to_dict()
    wh, day = warehouse_of(request), pd.Timestamp(row["date"]).date()
    parent = get_version(wh, str(row["version_id"]))
    roster = assignments(wh, parent.version_id)
    roster = pd.concat(
        [roster, pd.DataFrame([{"registrar_id": row["registrar_id"], "date": day, "shift": row["shift"]}])]
    )
    reasons = {(str(row["registrar_id"]), day): ("cover offer", f"offered to take {row['shift']} on {day}")}
    provenance = Provenance(session.username, "manual")
    version = create_version(
        wh, key, roster, parent.horizon, provenance, now_of(request), parent.version_id, reasons
    )
    keep = {k: row[k] for k in ("offer_id", "department", "version_id", "registrar_id", "date", "shift")}
    _record(
        request,
        {**keep, "amended_version": version.version_id},
        "accepted",
        session.username,
        int(row["step"]) + 1,
    )
    return {"offer_id": offer_id, "status": "accepted", "amended_version": version.version_id}


@router.get("/api/open-shifts", tags=["api"])
def get_open_shifts(request: Request, session: SignedIn) -> dict[str, Any]:
    """Published shifts below their cover target in the next two weeks (for a registrar: whether they
    could take each, and why not)."""
    key = department_for(request, session.user, None)
    return {"department": key, "open_shifts": open_shifts(request, session, key)}


@router.post("/api/open-shifts/offer", tags=["api"], status_code=201)
def post_offer(request: Request, session: CsrfChecked, body: OfferIn) -> dict[str, Any]:
    """Offer to take an open shift I could legally take."""
    return offer(request, session, body)


@router.get("/api/cover-offers", tags=["api"])
def get_offers(request: Request, session: Manager) -> dict[str, Any]:
    key = department_for(request, session.user, None)
    rows = _offers(request, key)
    return {
        "offers": [{k: str(v) for k, v in r.items()} for r in rows.to_dict("records")] if len(rows) else []
    }


@router.post("/api/cover-offers/{offer_id}/accept", tags=["api"])
def post_accept(request: Request, session: ManagerChange, offer_id: str) -> dict[str, Any]:
    """Accept an offer: an amended draft with the registrar on the shift (publish it to apply)."""
    return accept(request, session, offer_id)


@router.get("/me/open-shifts", include_in_schema=False)
def open_shifts_page(request: Request, session: SignedIn, message: str | None = None) -> Response:
    if session.user.registrar_id is None:
        raise HTTPException(403, "open shifts are offered to registrars")
    key = department_for(request, session.user, None)
    return render(
        request, "open_shifts.html", session, shifts=open_shifts(request, session, key), message=message
    )


@router.post("/me/open-shifts", include_in_schema=False)
def offer_form(
    request: Request, session: CsrfChecked, date: Annotated[dt.date, Form()], shift: Annotated[str, Form()]
) -> Response:
    try:
        made = offer(request, session, OfferIn(date=date, shift=shift))
    except HTTPException as error:
        return open_shifts_page(request, session, message=refusal(error, ""))
    return RedirectResponse(
        f"/me/open-shifts?message=Offer+{made['offer_id']}+sent+to+the+managers", status_code=303
    )


@router.post("/manager/cover-offers/{offer_id}", include_in_schema=False)
def accept_form(request: Request, session: ManagerChange, offer_id: str) -> Response:
    made = accept(request, session, offer_id)
    return told("/manager/versions", f"Recorded {made['amended_version']}")
