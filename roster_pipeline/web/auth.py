"""Who asks: the session cookie, the role checks every route declares, CSRF on every change, and the
login and logout routes.

Routes take `Depends(signed_in)`, `Depends(manager)` or `Depends(admin)`; a state-changing route also
takes `Depends(csrf_checked)` (a form's hidden `csrf_token` field, or the `X-CSRF-Token` header for
the JSON API). No session: 401 on /api and /ical, a redirect to the login page elsewhere; the wrong
role: 403.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from roster_pipeline.core.warehouse import Warehouse
from roster_pipeline.web.accounts import User, authenticate
from roster_pipeline.web.config import WebConfig
from roster_pipeline.web.sessions import (
    close_session,
    csrf_ok,
    csrf_token,
    login_refused_for,
    open_session,
    record_login,
    session_user,
    sign,
    unsign,
)

SESSION_COOKIE = "roster_session"
LOGIN_COOKIE = "roster_login"  # a signed nonce: the login form's CSRF token is bound to it
CSRF_HEADER = "X-CSRF-Token"

router = APIRouter(tags=["session"])


class NotSignedIn(Exception):
    """No valid session: 401 for the API, a redirect to /login for pages."""


@dataclass(frozen=True)
class Session:
    """The signed-in user of a request, with their session token (for CSRF)."""

    user: User
    token: str

    @property
    def username(self) -> str:
        return self.user.username


def config_of(request: Request) -> WebConfig:
    return request.app.state.config


def warehouse_of(request: Request) -> Warehouse:
    return request.app.state.warehouse


def now_of(request: Request) -> dt.datetime:
    return config_of(request).clock()


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def signed_in(request: Request) -> Session:
    """The request's session (NotSignedIn if there is none, it ended or its user was disabled)."""
    cached = getattr(request.state, "session", None)
    if cached is not None:
        return cached
    config = config_of(request)
    raw = request.cookies.get(SESSION_COOKIE)
    token = unsign(config.secret, raw) if raw else None
    user = session_user(warehouse_of(request), token, config.clock()) if token else None
    if user is None or token is None:
        raise NotSignedIn()
    request.state.session = Session(user, token)
    return request.state.session


SignedIn = Annotated[Session, Depends(signed_in)]


def manager(session: SignedIn) -> Session:
    if not session.user.is_manager:
        raise HTTPException(403, "managers and administrators only")
    return session


def admin(session: SignedIn) -> Session:
    if session.user.role != "admin":
        raise HTTPException(403, "administrators only")
    return session


async def csrf_checked(request: Request, session: SignedIn) -> Session:
    """A state-changing request carries the session's CSRF token (form field or header), else 403."""
    presented = request.headers.get(CSRF_HEADER)
    if presented is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        presented = (await request.form()).get("csrf_token")
    if not csrf_ok(config_of(request).secret, session.token, str(presented) if presented else None):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
    return session


Manager = Annotated[Session, Depends(manager)]
Admin = Annotated[Session, Depends(admin)]
CsrfChecked = Annotated[Session, Depends(csrf_checked)]


def manager_change(session: CsrfChecked) -> Session:
    """A manager's state-changing request: the role is checked before the body is read."""
    return manager(session)


def admin_change(session: CsrfChecked) -> Session:
    """An administrator's state-changing request: the role is checked before the body is read."""
    return admin(session)


ManagerChange = Annotated[Session, Depends(manager_change)]
AdminChange = Annotated[Session, Depends(admin_change)]


def session_csrf(request: Request, session: Session) -> str:
    return csrf_token(config_of(request).secret, session.token)


def _cookie(response: Response, config: WebConfig, name: str, value: str, seconds: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=seconds,
        httponly=True,
        secure=config.secure_cookies,
        samesite="lax",
        path="/",
    )


def login_nonce(request: Request) -> tuple[str, str]:
    """A fresh login nonce and the CSRF token the login form must send back with it."""
    nonce = secrets.token_urlsafe(24)
    return nonce, csrf_token(config_of(request).secret, nonce)


def set_login_cookie(request: Request, response: Response, nonce: str) -> None:
    config = config_of(request)
    _cookie(response, config, LOGIN_COOKIE, sign(config.secret, nonce, "roster-login"), 3600)


def safe_next(target: str | None) -> str:
    """Where to go after login: a path on this site only (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token_field: Annotated[str, Form(alias="csrf_token")] = "",
    next_page: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    config, wh, now = config_of(request), warehouse_of(request), now_of(request)
    raw = request.cookies.get(LOGIN_COOKIE)
    nonce = unsign(config.secret, raw, "roster-login") if raw else None
    if nonce is None or not csrf_ok(config.secret, nonce, csrf_token_field):
        return RedirectResponse("/login?error=expired", status_code=303)
    client = client_of(request)
    wait = login_refused_for(wh, username, client, now, config.policy)
    if wait:
        return Response(
            "Too many failed sign-ins: try again later.",
            status_code=429,
            headers={"Retry-After": str(wait)},
            media_type="text/plain",
        )
    user = authenticate(wh, username, password)
    record_login(wh, username, client, user is not None, now)
    if user is None:
        return RedirectResponse(f"/login?error=failed&next={quote(safe_next(next_page))}", status_code=303)
    token = open_session(wh, user, now, config.policy)
    response = RedirectResponse(safe_next(next_page), status_code=303)
    _cookie(response, config, SESSION_COOKIE, sign(config.secret, token), int(config.policy.hours * 3600))
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, session: CsrfChecked) -> Response:
    close_session(warehouse_of(request), session.token, now_of(request))
    response = RedirectResponse("/login?error=signed_out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=config_of(request).secure_cookies, httponly=True)
    return response
