"""The FastAPI application: `create_app(config)` for `roster serve` and the tests.

Pages are rendered on the server (Jinja2, autoescaped); the JSON API under /api carries the same
rights. Every response carries a strict Content-Security-Policy (scripts and styles from this site
only), and pages that show personal data are not cached.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline

from roster_pipeline.core.warehouse import open_warehouse
from roster_pipeline.web import (
    admin_routes,
    api,
    auth,
    chat_routes,
    event_routes,
    fairness_routes,
    feeds,
    jobline_routes,
    open_shift_routes,
    pages,
    request_routes,
    swap_routes,
    version_routes,
)
from roster_pipeline.web.config import WebConfig
from roster_pipeline.web.rosters import Departments, NotFound

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:"
)
MACHINE_PATHS = ("/api/", "/ical/")  # answered with status codes, never a redirect to the login page


def weekday(value: str | dt.date) -> str:
    """'Mon 5 Oct' for a date or an ISO date string."""
    day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{day:%a} {day.day} {day:%b}"


def clock(value: str | None) -> str:
    """'08:00' from an ISO date-time string."""
    return value[11:16] if value else ""


def _machine(request: Request) -> bool:
    return request.url.path.startswith(MACHINE_PATHS)


def create_app(config: WebConfig) -> FastAPI:
    app = FastAPIOffline(  # /docs from bundled Swagger UI files: hospital networks may block CDNs
        title="roster-pipeline",
        summary="Registrar rosters, the living roster and job lines for a medical workforce unit",
        docs_url="/docs",
        redoc_url=None,
        static_url="/docs-static",
    )
    app.state.config = config
    app.state.warehouse = open_warehouse(config.warehouse)
    app.state.warehouse.append_only_ready()
    app.state.departments = Departments(config.department)
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.state.templates.env.filters.update(weekday=weekday, clock=clock)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(auth.router)
    app.include_router(api.router)
    app.include_router(feeds.router)
    app.include_router(swap_routes.router)
    app.include_router(version_routes.router)
    app.include_router(event_routes.router)
    app.include_router(chat_routes.router)
    app.include_router(jobline_routes.router)
    app.include_router(request_routes.router)
    app.include_router(fairness_routes.router)
    app.include_router(admin_routes.router)
    app.include_router(open_shift_routes.router)
    app.include_router(pages.router)

    @app.middleware("http")
    async def security_headers(request: Request, call_next) -> Response:  # noqa: ANN001
        response = await call_next(request)
        if request.url.path == "/docs":  # Swagger UI starts from one inline script; no personal data there
            response.headers["Content-Security-Policy"] = DOCS_POLICY
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(auth.NotSignedIn)
    async def not_signed_in(request: Request, _: auth.NotSignedIn) -> Response:
        if _machine(request):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, error: NotFound) -> Response:
        return _error(request, 404, str(error))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        return _error(request, error.status_code, str(error.detail), error.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> Response:
        problems = [
            f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}" for e in error.errors()
        ]
        return _error(request, 422, "; ".join(problems))

    return app


def _error(request: Request, status: int, detail: str, headers: dict | None = None) -> Response:
    if _machine(request):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    templates = request.app.state.templates
    session = getattr(request.state, "session", None)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "detail": detail, "session": session, "csrf": ""},
        status_code=status,
        headers=headers,
    )
