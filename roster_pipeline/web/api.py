"""The JSON API: the data behind every page, with the same rights (see auth.py for the checks)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from roster_pipeline.web.auth import SignedIn, now_of, session_csrf
from roster_pipeline.web.feeds import my_feed_url
from roster_pipeline.web.views import department_for, week_of, week_roster

router = APIRouter(prefix="/api", tags=["api"])


@router.get("/me")
def me(request: Request, session: SignedIn) -> dict[str, Any]:
    """Who I am: name, role, department and registrar id, and the CSRF token for API changes."""
    user = session.user
    return {
        "username": user.username,
        "role": user.role,
        "registrar_id": user.registrar_id,
        "department": user.department,
        "csrf_token": session_csrf(request, session),
        "calendar_feed": my_feed_url(request, session),
    }


@router.get("/roster")
def roster(
    request: Request,
    session: SignedIn,
    week: Annotated[
        dt.date | None, Query(description="any day of the week (its Monday); default this week")
    ] = None,
    registrar: Annotated[str | None, Query(description="one registrar's cells only")] = None,
    department: Annotated[str | None, Query(description="default: the user's department")] = None,
) -> dict[str, Any]:
    """The week's roster version as the asker may read it: cells with names and times, absences
    (a colleague's only as "unavailable"), and for managers the cover of each shift."""
    user = session.user
    key = department_for(request, user, department)
    return week_roster(request, user, key, week_of(week, now_of(request).date()), registrar)
