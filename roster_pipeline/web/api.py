"""The JSON API: the data behind every page, with the same rights (see auth.py for the checks)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Request

from roster_pipeline.web.auth import SignedIn, session_csrf, warehouse_of
from roster_pipeline.web.feeds import my_feed_url
from roster_pipeline.web.rosters import NotFound, notices_of, requests_of
from roster_pipeline.web.views import department_for, departments, records, week_of, week_roster

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
    return week_roster(request, user, key, week_of(request, user, key, week), registrar)


@router.get("/registrars/{registrar_id}/requests")
def registrar_requests(
    request: Request,
    registrar_id: str,
    session: SignedIn,
    department: Annotated[str | None, Query(description="default: the user's department")] = None,
) -> dict[str, Any]:
    """A registrar's leave (with reasons) and rostering requests: only that registrar and managers."""
    user = session.user
    key = department_for(request, user, department)
    if not user.may_see_private(registrar_id, key):
        raise HTTPException(403, "only the registrar and their managers may see these requests")
    dept = departments(request).get(key)
    if registrar_id not in dept.registrars:
        raise NotFound(f"no registrar {registrar_id!r} in {key}")
    found = requests_of(dept, registrar_id)
    return {
        "registrar_id": registrar_id,
        "department": key,
        **{k: records(pd.DataFrame(v)) for k, v in found.items()},
    }


@router.get("/notices")
def notices(
    request: Request,
    session: SignedIn,
    registrar: Annotated[str | None, Query(description="managers: one registrar's notices")] = None,
    department: Annotated[str | None, Query(description="default: the user's department")] = None,
) -> dict[str, Any]:
    """Notices of changes to published rosters: a registrar's own; a manager's department's."""
    user = session.user
    key = department_for(request, user, department)
    if not user.is_manager:
        if registrar not in (None, user.registrar_id):
            raise HTTPException(403, "a registrar sees only their own notices")
        registrar = user.registrar_id
    return {"department": key, "notices": records(notices_of(warehouse_of(request), key, registrar))}
