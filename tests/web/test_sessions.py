"""Signing in and out: the login form, cookie flags, CSRF, the rate limit, expiry and logout."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from web_site import PASSWORD, Site

from roster_pipeline.web.accounts import change_user


def test_a_registrar_signs_in_with_the_form_and_is_who_they_say(site: Site) -> None:
    form = site.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    reply = site.client.post(
        "/login",
        data={"username": "alex", "password": PASSWORD, "csrf_token": token, "next": "/me/roster"},
        follow_redirects=False,
    )
    assert (reply.status_code, reply.headers["location"]) == (303, "/me/roster")
    cookie = next(v for k, v in reply.headers.multi_items() if k == "set-cookie" and "roster_session=" in v)
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= flags
    me = site.client.get("/api/me").json()
    assert (me["username"], me["role"], me["registrar_id"], me["department"]) == (
        "alex",
        "registrar",
        "R001",
        site.department,
    )


def test_a_wrong_password_opens_no_session(site: Site) -> None:
    form = site.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    reply = site.client.post(
        "/login", data={"username": "alex", "password": "not the password", "csrf_token": token}
    )
    assert "do not match" in reply.text
    assert site.client.get("/api/me").status_code == 401


def test_the_login_form_needs_its_csrf_token(site: Site) -> None:
    site.client.get("/login")
    reply = site.client.post(
        "/login",
        data={"username": "alex", "password": PASSWORD, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert reply.headers["location"] == "/login?error=expired"
    assert site.client.get("/api/me").status_code == 401


def test_failed_logins_are_rate_limited_per_user_until_the_window_passes(site: Site) -> None:
    for _ in range(5):
        form = site.client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        site.client.post("/login", data={"username": "alex", "password": "guess", "csrf_token": token})
    form = site.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    refused = site.client.post("/login", data={"username": "alex", "password": PASSWORD, "csrf_token": token})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert site.client.get("/api/me").status_code == 401
    site.login("charlotte")  # another user is not locked out by alex's failures
    site.client.post("/logout", data={"csrf_token": site.csrf()})
    site.clock[0] += dt.timedelta(minutes=16)
    site.login("alex")
    assert site.client.get("/api/me").json()["username"] == "alex"


def test_logout_ends_the_session_even_for_a_copied_cookie(site: Site) -> None:
    site.login("morgan")
    stolen = site.client.cookies.get("roster_session")
    assert site.client.post("/logout", data={"csrf_token": "wrong"}).status_code == 403
    reply = site.client.post("/logout", data={"csrf_token": site.csrf()}, follow_redirects=False)
    assert reply.status_code == 303
    site.client.cookies.set("roster_session", stolen, domain="testserver")
    assert site.client.get("/api/me").status_code == 401


def test_a_session_expires_and_a_disabled_user_is_signed_out(site: Site) -> None:
    site.login("alex")
    site.clock[0] += dt.timedelta(hours=11)
    assert site.client.get("/api/me").status_code == 200
    site.clock[0] += dt.timedelta(hours=2)
    assert site.client.get("/api/me").status_code == 401
    site.login("charlotte")
    change_user(site.warehouse, "charlotte", "ada", site.clock[0], active=False)
    assert site.client.get("/api/me").status_code == 401


def test_a_forged_cookie_is_refused(site: Site) -> None:
    site.client.cookies.set("roster_session", "made-up.token", domain="testserver")
    assert site.client.get("/api/me").status_code == 401


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(site: Site, target: str) -> None:
    form = site.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    reply = site.client.post(
        "/login",
        data={"username": "alex", "password": PASSWORD, "csrf_token": token, "next": target},
        follow_redirects=False,
    )
    assert reply.headers["location"] == "/"


def test_passwords_reach_neither_the_logs_nor_the_warehouse(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    site.login("alex")
    form = site.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    site.client.post("/login", data={"username": "alex", "password": "typo " + PASSWORD, "csrf_token": token})
    assert PASSWORD not in caplog.text
    for table in ("web_users", "web_sessions", "web_logins"):
        rows = site.warehouse.query(f"SELECT * FROM {table}")
        assert not rows.astype(str).apply(lambda col: col.str.contains(PASSWORD, regex=False)).any().any()
    hashes = site.warehouse.query("SELECT password_hash FROM web_users")["password_hash"]
    assert hashes.str.startswith("$argon2id$").all()
