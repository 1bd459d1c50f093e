"""Swap offers over HTTP: a registrar offers one of their published shifts to a colleague (asking for
one of theirs or not), the colleague accepts or declines, the swap check gives its verdict, and a
manager decides pending swaps. JSON under /api/swaps, the same through forms under /me/swaps and
/manager/swaps. The workflow is `living.swap_offers`; nothing here judges a swap."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from roster_pipeline.core.rules import load_pack
from roster_pipeline.living.swap_offers import (
    SwapOffer,
    accept,
    decide,
    decline,
    get_offer,
    offer_swap,
    offers,
    withdraw,
)
from roster_pipeline.living.swaps import Hand, SwapError
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
from roster_pipeline.web.rosters import monday, version_for_week, week_cells
from roster_pipeline.web.views import department_for, departments

router = APIRouter(tags=["swaps"])


class SwapOfferIn(BaseModel):
    """A shift I give (date and shift code), to whom, and optionally the shift I take from them."""

    give_date: dt.date
    give_shift: str = Field(min_length=1, max_length=32)
    taker: str = Field(min_length=1, max_length=32, description="the colleague's registrar id")
    take_date: dt.date | None = None
    take_shift: str | None = Field(None, max_length=32)


def _registrar(session: Session) -> str:
    if session.user.registrar_id is None:
        raise HTTPException(403, "swaps are offered and accepted by registrars")
    return session.user.registrar_id


def _visible(session: Session, offer: SwapOffer) -> bool:
    return session.user.is_manager or offer.involves(session.user.registrar_id or "")


def _offer_for(request: Request, session: Session, swap_id: str) -> tuple[str, SwapOffer]:
    key = department_for(request, session.user, None)
    try:
        offer = get_offer(warehouse_of(request), key, swap_id)
    except SwapError as error:
        raise HTTPException(404, str(error)) from None
    if not _visible(session, offer):
        raise HTTPException(403, "this swap is between other registrars")
    return key, offer


def make_offer(request: Request, session: Session, body: SwapOfferIn) -> SwapOffer:
    giver = _registrar(session)
    key = department_for(request, session.user, None)
    wh = warehouse_of(request)
    if body.taker not in departments(request).get(key).registrars:
        raise HTTPException(422, f"no registrar {body.taker!r} in {key}")
    version = version_for_week(wh, key, monday(body.give_date), session.user)
    if version is None or version.state != "published":
        raise HTTPException(422, f"no published roster covers {body.give_date}")
    give = Hand(giver, body.give_date, body.give_shift)
    take = Hand(body.taker, body.take_date, body.take_shift or None) if body.take_date else Hand(body.taker)
    try:
        return offer_swap(wh, key, version.version_id, give, take, session.username, now_of(request))
    except SwapError as error:
        raise HTTPException(422, str(error)) from None


def act(request: Request, session: Session, swap_id: str, action: str) -> SwapOffer:
    """accept / decline / withdraw (the registrars) or approve / refuse (a manager, pending swaps)."""
    key, offer = _offer_for(request, session, swap_id)
    wh, now, user = warehouse_of(request), now_of(request), session.user
    dept, pack = departments(request).get(key), load_pack(config_of(request).rule_pack)
    me = user.registrar_id
    try:
        if action == "accept" and me == offer.take.registrar_id:
            return accept(wh, offer, dept, pack, user.username, now)
        if action == "decline" and (
            me == offer.take.registrar_id or (user.is_manager and offer.status == "pending")
        ):
            return decline(wh, offer, user.username, now)
        if action == "withdraw" and me == offer.give.registrar_id:
            return withdraw(wh, offer, user.username, now)
        if action in ("approve", "refuse") and user.may_manage(key):
            return decide(wh, offer, action == "approve", dept, pack, user.username, now)
    except SwapError as error:
        raise HTTPException(409, str(error)) from None
    raise HTTPException(403, f"you may not {action} swap {swap_id}")


@router.get("/api/swaps", tags=["api"])
def list_swaps(request: Request, session: SignedIn) -> dict[str, Any]:
    """Swap offers: a registrar's own (given or offered to them); a manager's whole department."""
    key = department_for(request, session.user, None)
    found = [o.summary() for o in offers(warehouse_of(request), key) if _visible(session, o)]
    return {"department": key, "swaps": found}


@router.post("/api/swaps", tags=["api"], status_code=201)
def post_swap(request: Request, session: CsrfChecked, body: SwapOfferIn) -> dict[str, Any]:
    """Offer one of my published shifts to a colleague (optionally taking one of theirs)."""
    return make_offer(request, session, body).summary()


@router.post("/api/swaps/{swap_id}/{action}", tags=["api"])
def post_swap_action(request: Request, session: CsrfChecked, swap_id: str, action: str) -> dict[str, Any]:
    """accept, decline or withdraw an offer; approve or refuse a pending swap (managers)."""
    if action not in ("accept", "decline", "withdraw", "approve", "refuse"):
        raise HTTPException(404, f"no swap action {action!r}")
    return act(request, session, swap_id, action).summary()


def _my_shifts(request: Request, session: Session, key: str) -> list[dict[str, Any]]:
    """My shifts in published versions from today on (the ones I could offer)."""
    wh, user = warehouse_of(request), session.user
    today = now_of(request).date()
    dept = departments(request).get(key)
    found = []
    for weeks_ahead in range(0, 8):
        week = monday(today) + dt.timedelta(weeks=weeks_ahead)
        version = version_for_week(wh, key, week, user)
        if version is None or version.state != "published":
            continue
        cells = week_cells(wh, dept, version, week, user.registrar_id)
        found += [
            {"date": c["date"].isoformat(), "shift": c["shift"]}
            for c in cells.to_dict("records")
            if c["date"] >= today
        ]
    return found


@router.get("/me/swaps", include_in_schema=False)
def my_swaps(request: Request, session: SignedIn, message: str | None = None) -> Response:
    _registrar(session)
    key = department_for(request, session.user, None)
    dept = departments(request).get(key)
    colleagues = sorted(
        (
            (r.registrar_id, r.name)
            for r in dept.registrars.values()
            if r.registrar_id != session.user.registrar_id
        ),
        key=lambda pair: pair[1],
    )
    found = [o.summary() for o in offers(warehouse_of(request), key) if _visible(session, o)]
    names = {r.registrar_id: r.name for r in dept.registrars.values()}
    return render(
        request,
        "my_swaps.html",
        session,
        swaps=list(reversed(found)),
        names=names,
        shifts=_my_shifts(request, session, key),
        colleagues=colleagues,
        message=message,
    )


@router.post("/me/swaps", include_in_schema=False)
def my_swap_offer(
    request: Request,
    session: CsrfChecked,
    give: Annotated[str, Form(description="DATE|SHIFT")],
    taker: Annotated[str, Form()],
) -> Response:
    day, _, shift = give.partition("|")
    try:
        offer = make_offer(request, session, SwapOfferIn(give_date=day, give_shift=shift, taker=taker))
    except (HTTPException, ValueError) as error:
        return my_swaps(request, session, message=refusal(error, "choose one of your shifts"))
    return told("/me/swaps", f"Offer {offer.swap_id} sent")


@router.post("/me/swaps/{swap_id}/{action}", include_in_schema=False)
def my_swap_action(request: Request, session: CsrfChecked, swap_id: str, action: str) -> Response:
    try:
        offer = act(request, session, swap_id, action)
    except HTTPException as error:
        return my_swaps(request, session, message=refusal(error, ""))
    back = "/manager/swaps" if session.user.is_manager else "/me/swaps"
    return told(back, f"{offer.swap_id} is {offer.status}")


@router.get("/manager/swaps", include_in_schema=False)
def manager_swaps(request: Request, session: Manager, message: str | None = None) -> Response:
    key = department_for(request, session.user, None)
    dept = departments(request).get(key)
    names = {r.registrar_id: r.name for r in dept.registrars.values()}
    found = [o.summary() for o in offers(warehouse_of(request), key)]
    return render(
        request, "manager_swaps.html", session, swaps=list(reversed(found)), names=names, message=message
    )


@router.post("/manager/swaps/{swap_id}/{action}", include_in_schema=False)
def manager_swap_action(request: Request, session: ManagerChange, swap_id: str, action: str) -> Response:
    try:
        offer = act(request, session, swap_id, action)
    except HTTPException as error:
        return manager_swaps(request, session, message=refusal(error, ""))
    return told("/manager/swaps", f"{offer.swap_id} is {offer.status}")
