"""The calendar feed routes: the feed itself (opened by its secret token, no session: calendar
clients cannot sign in) and, for a signed-in registrar, the link and a new link."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from roster_pipeline.web.auth import CsrfChecked, SignedIn, config_of, now_of, warehouse_of
from roster_pipeline.web.calendar import calendar, current_feed, feed_of_token, feed_token, regenerate_feed
from roster_pipeline.web.rosters import NotFound

router = APIRouter(tags=["calendar"])


def feed_url(request: Request, token: str) -> str:
    return str(request.url_for("calendar_feed", token=token))


def my_feed_url(request: Request, session: SignedIn, regenerate: bool = False) -> str | None:
    """The signed-in registrar's feed link (None for managers and admins)."""
    user = session.user
    if user.registrar_id is None or user.department is None:
        return None
    make = regenerate_feed if regenerate else current_feed
    feed = make(
        warehouse_of(request),
        config_of(request).secret,
        user.department,
        user.registrar_id,
        user.username,
        now_of(request),
    )
    return feed_url(request, feed_token(config_of(request).secret, feed))


@router.get("/ical/{token}.ics", name="calendar_feed")
def calendar_feed(request: Request, token: str) -> Response:
    """A registrar's shifts as iCalendar (the link is the credential: keep it private)."""
    wh = warehouse_of(request)
    feed = feed_of_token(wh, token)
    if feed is None:
        raise NotFound("no such calendar feed (the link may have been replaced)")
    dept = request.app.state.departments.get(feed.department)
    stamp = now_of(request).astimezone(dt.UTC)
    body = calendar(wh, dept, feed, config_of(request).timezone, stamp)
    return Response(
        body, media_type="text/calendar; charset=utf-8", headers={"Cache-Control": "private, max-age=900"}
    )


@router.post("/api/me/calendar", tags=["api"])
def new_calendar_link(request: Request, session: CsrfChecked) -> dict[str, str]:
    """A new feed link for the signed-in registrar; the old link stops working."""
    url = my_feed_url(request, session, regenerate=True)
    if url is None:
        raise HTTPException(403, "only registrars have a calendar feed")
    return {"calendar_feed": url}
