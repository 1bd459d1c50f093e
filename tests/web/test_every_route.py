"""Every route of the application, found from the app itself (so a new route cannot be forgotten):
without a session each answers 401 (API) or a redirect to the sign-in page; a registrar gets 403 from
every manager and admin route; a manager gets 403 from every admin route."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from web_site import Site

PUBLIC = {"/login", "/", "/ical/{token}.ics", "/docs", "/openapi.json", "/docs/oauth2-redirect"}
MANAGER_ONLY = re.compile(
    r"^/(manager/|admin/rules|api/(versions|audit|repair|cover-offers|requests$|joblines|rules))"
)
ADMIN_ONLY = re.compile(r"^/(admin/users|api/users)")


def _api_routes(routes: list) -> list[APIRoute]:
    """Every APIRoute, also inside included routers (FastAPI keeps those as router entries)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _api_routes(route.original_router.routes)
    return found


def _routes(site: Site) -> list[tuple[str, str]]:
    return [
        (method, route.path)
        for route in _api_routes(site.client.app.routes)
        if route.path not in PUBLIC
        for method in sorted(route.methods - {"HEAD"})
    ]


def _url(path: str) -> str:
    """A concrete URL for a route template (any id: the rights are checked before the id is used)."""
    values = {
        "registrar_id": "R001", "version_id": "V0001", "swap_id": "S0001", "action": "accept",
        "job_id": "J0001", "offer_id": "C0001", "username": "alex", "rule_id": "VIC1-min-rest",
    }  # fmt: skip
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def test_the_application_has_the_routes_this_test_covers(site: Site) -> None:
    assert len(_routes(site)) >= 60


def test_every_route_needs_a_session(site: Site) -> None:
    for method, path in _routes(site):
        reply = site.client.request(method, _url(path), follow_redirects=False)
        if path.startswith("/api/"):
            assert reply.status_code == 401, (method, path, reply.status_code)
        else:
            assert reply.status_code == 303 and reply.headers["location"].startswith("/login"), (method, path)


@pytest.mark.parametrize(
    ("who", "pattern"), [("alex", MANAGER_ONLY), ("alex", ADMIN_ONLY), ("morgan", ADMIN_ONLY)]
)
def test_every_route_above_the_users_role_is_403(site: Site, who: str, pattern: re.Pattern) -> None:
    site.login(who)
    csrf = site.csrf()
    checked = 0
    for method, path in _routes(site):
        if not pattern.match(path):
            continue
        headers = {"X-CSRF-Token": csrf} if method == "POST" else {}
        body = (
            {"json": {}} if path.startswith("/api/") and method == "POST" else {"data": {"csrf_token": csrf}}
        )
        reply = site.client.request(method, _url(path), headers=headers, **(body if method == "POST" else {}))
        assert reply.status_code in (403, 422), (who, method, path, reply.status_code)
        if reply.status_code == 422:  # body checked before rights: send a valid-looking one and expect 403
            raise AssertionError(f"{method} {path} validated the body before checking who asks")
        checked += 1
    assert checked >= (4 if pattern is ADMIN_ONLY else 20)
