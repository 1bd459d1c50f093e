"""Sessions, CSRF tokens and the login rate limit, all kept in the warehouse so that several service
processes agree and a logout ends the session everywhere.

A session token is 32 random bytes; the cookie carries it signed with the service's secret
(itsdangerous), and the warehouse keeps only its SHA-256 (`web_sessions`: opened, then closed at
logout; it also ends at `expires_at`). A form's CSRF token is an HMAC of the session under the same
secret: it cannot be read from the cookie or guessed, and dies with the session. Every login attempt
is recorded (`web_logins`); too many failures for one name, or from one client, within the window
refuse further attempts until the window has passed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import pandas as pd
from itsdangerous import BadSignature, Signer

from roster_pipeline.core.warehouse import Warehouse
from roster_pipeline.web.accounts import User, find_user


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lasts and how many failed logins are allowed."""

    hours: float = 12.0  # one long shift; then log in again
    window_minutes: int = 15
    failures_per_user: int = 5
    failures_per_client: int = 20


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _signer(secret: bytes, salt: str) -> Signer:
    return Signer(secret, salt=salt)


def sign(secret: bytes, token: str, salt: str = "roster-session") -> str:
    return _signer(secret, salt).sign(token.encode()).decode()


def unsign(secret: bytes, value: str, salt: str = "roster-session") -> str | None:
    """The token inside a signed cookie value, or None if it was not signed with `secret`."""
    try:
        return _signer(secret, salt).unsign(value.encode()).decode()
    except (BadSignature, UnicodeError):
        return None


def open_session(wh: Warehouse, user: User, now: dt.datetime, policy: SessionPolicy) -> str:
    """A new session for `user`; returns its token (for the signed cookie)."""
    token = secrets.token_urlsafe(32)
    row = {
        "recorded_at": now,
        "session_hash": _hash(token),
        "username": user.username,
        "event": "opened",
        "expires_at": now + dt.timedelta(hours=policy.hours),
    }
    wh.append({"web_sessions": pd.DataFrame([row])})
    return token


def session_user(wh: Warehouse, token: str, now: dt.datetime) -> User | None:
    """The active user whose open, unexpired session `token` is, else None."""
    wh.append_only_ready()
    rows = wh.query(
        "SELECT username, event, expires_at FROM web_sessions WHERE session_hash = ?", [_hash(token)]
    )
    opened = rows[rows["event"] == "opened"]
    if opened.empty or (rows["event"] == "closed").any():
        return None
    if pd.Timestamp(opened.iloc[0]["expires_at"]).to_pydatetime() <= now:
        return None
    user = find_user(wh, str(opened.iloc[0]["username"]))
    return user if user is not None and user.active else None


def close_session(wh: Warehouse, token: str, now: dt.datetime) -> None:
    """End the session (logout): its cookie no longer works anywhere."""
    rows = wh.query("SELECT username FROM web_sessions WHERE session_hash = ?", [_hash(token)])
    if rows.empty:
        return
    row = {
        "recorded_at": now,
        "session_hash": _hash(token),
        "username": str(rows.iloc[0]["username"]),
        "event": "closed",
        "expires_at": now,
    }
    wh.append({"web_sessions": pd.DataFrame([row])})


def csrf_token(secret: bytes, session_token: str) -> str:
    """The CSRF token of a session (or of a login form's nonce)."""
    return hmac.new(secret, b"csrf:" + _hash(session_token).encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, session_token: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(csrf_token(secret, session_token), presented or "")


def record_login(wh: Warehouse, username: str, client: str, succeeded: bool, now: dt.datetime) -> None:
    row = {"recorded_at": now, "username": username[:64], "client": client[:64], "succeeded": succeeded}
    wh.append({"web_logins": pd.DataFrame([row])})


def login_refused_for(
    wh: Warehouse, username: str, client: str, now: dt.datetime, policy: SessionPolicy
) -> int:
    """Seconds until `username` may try again from `client` (0: they may try now)."""
    wh.append_only_ready()
    since = now - dt.timedelta(minutes=policy.window_minutes)
    failed = wh.query(
        "SELECT recorded_at, username, client FROM web_logins WHERE NOT succeeded AND recorded_at > ?",
        [since],
    )
    for column, value, limit in (
        ("username", username[:64], policy.failures_per_user),
        ("client", client[:64], policy.failures_per_client),
    ):
        mine = failed[failed[column] == value].sort_values("recorded_at")
        if len(mine) >= limit:
            oldest_counted = pd.Timestamp(mine.iloc[len(mine) - limit]["recorded_at"]).to_pydatetime()
            return max(
                1, int((oldest_counted + dt.timedelta(minutes=policy.window_minutes) - now).total_seconds())
            )
    return 0
