"""Server-rendered pages: sign-in, the registrar's roster, the manager's department grid."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from roster_pipeline.web.auth import (
    CsrfChecked,
    Manager,
    NotSignedIn,
    Session,
    SignedIn,
    login_nonce,
    safe_next,
    session_csrf,
    set_login_cookie,
    signed_in,
)
from roster_pipeline.web.feeds import my_feed_url
from roster_pipeline.web.rosters import notices_of, requests_of
from roster_pipeline.web.views import department_for, records, week_of, week_roster

router = APIRouter(include_in_schema=False)

LOGIN_MESSAGES = {
    "failed": "That name and password do not match an active account.",
    "expired": "The sign-in form expired: please try again.",
    "signed_out": "You are signed out.",
}


def render(request: Request, template: str, session: Session | None, **context: Any) -> HTMLResponse:
    csrf = session_csrf(request, session) if session else ""
    return request.app.state.templates.TemplateResponse(
        request, template, {"session": session, "csrf": csrf, **context}
    )


def told(path: str, message: str) -> RedirectResponse:
    """Back to a page after a form (303), with a one-line message for it to show."""
    return RedirectResponse(f"{path}?{urlencode({'message': message[:200]})}", status_code=303)


def refusal(error: HTTPException | ValueError, fallback: str) -> str:
    """Why a form's change was refused, to show on its page. A refusal of rights (401, 403) is
    never turned into a message: it is raised again."""
    if isinstance(error, HTTPException):
        if error.status_code in (401, 403):
            raise error
        return str(error.detail)
    return fallback


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, error: str | None = None, next: str | None = None) -> Response:  # noqa: A002
    nonce, csrf = login_nonce(request)
    response = request.app.state.templates.TemplateResponse(
        request,
        "login.html",
        {"session": None, "csrf": csrf, "message": LOGIN_MESSAGES.get(error or ""), "next": safe_next(next)},
    )
    set_login_cookie(request, response, nonce)
    return response


@router.get("/")
def home(request: Request) -> Response:
    try:
        session = signed_in(request)
    except NotSignedIn:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse("/manager/grid" if session.user.is_manager else "/me/roster", status_code=303)


def _weeks(week: dt.date) -> dict[str, str]:
    return {
        "previous": (week - dt.timedelta(days=7)).isoformat(),
        "next": (week + dt.timedelta(days=7)).isoformat(),
    }


@router.get("/me/roster", response_class=HTMLResponse)
def my_roster(
    request: Request, session: SignedIn, week: Annotated[dt.date | None, Query()] = None
) -> Response:
    user = session.user
    key = department_for(request, user, None)
    monday = week_of(request, user, key, week)
    mine = week_roster(request, user, key, monday, user.registrar_id) if user.registrar_id else None
    everyone = week_roster(request, user, key, monday, None)
    month = _calendar(request, session, key, monday) if user.registrar_id else []
    return render(
        request,
        "my_roster.html",
        session,
        week=monday,
        weeks=_weeks(monday),
        mine=mine,
        everyone=everyone,
        month=month,
    )


def _calendar(request: Request, session: Session, key: str, monday: dt.date) -> list[list[dict[str, Any]]]:
    """Four weeks from `monday` as calendar rows: each day with my shift (or leave) if published."""
    rows = []
    for offset in range(4):
        start = monday + dt.timedelta(weeks=offset)
        week = week_roster(request, session.user, key, start, session.user.registrar_id)
        shifts = {c["date"]: c["shift"] for c in week["cells"]}
        away = {
            (dt.date.fromisoformat(a["start"]) + dt.timedelta(days=i)).isoformat(): a["label"]
            for a in week["absences"]
            for i in range((dt.date.fromisoformat(a["end"]) - dt.date.fromisoformat(a["start"])).days + 1)
        }
        rows.append(
            [
                {
                    "date": day,
                    "shift": shifts.get(day, ""),
                    "away": away.get(day, ""),
                    "published": bool(week["version"]),
                }
                for day in week["days"]
            ]
        )
    return rows


@router.get("/manager/grid", response_class=HTMLResponse)
def department_grid(
    request: Request,
    session: Manager,
    week: Annotated[dt.date | None, Query()] = None,
    department: Annotated[str | None, Query()] = None,
) -> Response:
    key = department_for(request, session.user, department)
    monday = week_of(request, session.user, key, week)
    roster = week_roster(request, session.user, key, monday, None)
    dept = request.app.state.departments.get(key)
    grid: dict[str, dict[str, list[str]]] = {}
    for cell in roster["cells"]:
        grid.setdefault(cell["name"], {}).setdefault(cell["date"], []).append(cell["shift"])
    for away in roster["absences"]:
        for offset in range(
            (dt.date.fromisoformat(away["end"]) - dt.date.fromisoformat(away["start"])).days + 1
        ):
            day = (dt.date.fromisoformat(away["start"]) + dt.timedelta(days=offset)).isoformat()
            grid.setdefault(away["name"], {}).setdefault(day, []).append(away["label"])
    names = sorted(r.name for r in dept.registrars.values())
    return render(
        request,
        "grid.html",
        session,
        department=key,
        departments=request.app.state.departments.keys(),
        week=monday,
        weeks=_weeks(monday),
        roster=roster,
        grid=grid,
        names=names,
    )


@router.get("/me/requests", response_class=HTMLResponse)
def my_requests(request: Request, session: SignedIn, message: str | None = None) -> Response:
    user = session.user
    if user.registrar_id is None:
        raise HTTPException(403, "requests and leave belong to registrars")
    key = department_for(request, user, None)
    dept = request.app.state.departments.get(key)
    found = requests_of(dept, user.registrar_id)
    return render(
        request, "my_requests.html", session, shifts=sorted(dept.shift_types), message=message, **found
    )


@router.get("/me/notices", response_class=HTMLResponse)
def my_notices(request: Request, session: SignedIn) -> Response:
    user = session.user
    if user.registrar_id is None:
        raise HTTPException(403, "notices of roster changes go to registrars")
    key = department_for(request, user, None)
    found = records(notices_of(request.app.state.warehouse, key, user.registrar_id))
    return render(request, "my_notices.html", session, notices=found)


@router.get("/me/calendar", response_class=HTMLResponse)
def my_calendar(request: Request, session: SignedIn) -> Response:
    url = my_feed_url(request, session)
    if url is None:
        raise HTTPException(403, "calendar feeds belong to registrars")
    return render(request, "my_calendar.html", session, feed=url)


@router.post("/me/calendar", response_class=HTMLResponse)
def my_new_calendar(request: Request, session: CsrfChecked) -> Response:
    url = my_feed_url(request, session, regenerate=True)
    if url is None:
        raise HTTPException(403, "calendar feeds belong to registrars")
    return render(request, "my_calendar.html", session, feed=url, renewed=True)
