"""The web service's users: a name, a role, and for a registrar the registrar id they are.

Kept in the warehouse's append-only `web_users` table: adding a user, changing a role or a password,
or disabling an account each appends a row, and a user's current state is their latest row, so
every change stays on record. Passwords are hashed with Argon2id (argon2-cffi's defaults, the
RFC 9106 recommendation); a password is never stored, logged or returned.

Roles: `registrar` (their own roster, requests, swaps and notices; colleagues' absences only as
"unavailable"), `manager` (a department's rosters, events, versions, swaps and audit log; a manager
without a department sees every department) and `admin` (users and rule packs, and all a manager sees).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from roster_pipeline.core.warehouse import Warehouse

ROLES = ("registrar", "manager", "admin")
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MIN_PASSWORD = 10
HASHER = PasswordHasher()
# verified against when the user does not exist, so a wrong name takes as long as a wrong password
_NOBODY = HASHER.hash("no such user: a password nobody has")


class AccountError(ValueError):
    """A user that cannot be added or changed: a bad name, role, registrar or password."""


@dataclass(frozen=True)
class User:
    """A user as the web service sees them (never their password hash)."""

    username: str
    role: str
    registrar_id: str | None = None
    department: str | None = None  # None: every department (managers and admins)
    active: bool = True

    @property
    def is_manager(self) -> bool:
        """A manager or an admin: may see and act on a department's whole roster."""
        return self.role in ("manager", "admin")

    def may_manage(self, department: str) -> bool:
        return self.is_manager and self.department in (None, department)

    def may_see_private(self, registrar_id: str, department: str) -> bool:
        """May read `registrar_id`'s requests, leave reasons and fairness figures."""
        if self.role == "registrar":
            return self.registrar_id == registrar_id and self.department == department
        return self.may_manage(department)


def _latest(wh: Warehouse) -> pd.DataFrame:
    wh.append_only_ready()
    return wh.query(
        "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY username ORDER BY revision DESC)"
        " AS latest FROM web_users) u WHERE latest = 1 ORDER BY username"
    )


def _user(row: pd.Series) -> User:
    def text(value: object) -> str | None:
        return None if value is None or pd.isna(value) or value == "" else str(value)

    return User(
        username=str(row["username"]),
        role=str(row["role"]),
        registrar_id=text(row["registrar_id"]),
        department=text(row["department"]),
        active=bool(row["active"]),
    )


def users(wh: Warehouse) -> list[User]:
    """Every user's current state, by name."""
    return [_user(row) for _, row in _latest(wh).iterrows()]


def find_user(wh: Warehouse, username: str) -> User | None:
    frame = _latest(wh)
    found = frame[frame["username"] == username]
    return None if found.empty else _user(found.iloc[0])


def _record(wh: Warehouse, user: User, password_hash: str, actor: str, now: dt.datetime) -> None:
    revisions = wh.query("SELECT count(*) AS n FROM web_users WHERE username = ?", [user.username])
    row = {
        "recorded_at": now,
        "username": user.username,
        "revision": int(revisions["n"].iloc[0]) + 1,
        "role": user.role,
        "registrar_id": user.registrar_id or "",
        "department": user.department or "",
        "password_hash": password_hash,
        "active": user.active,
        "actor": actor,
    }
    wh.append({"web_users": pd.DataFrame([row])})


def _hash_of(wh: Warehouse, username: str) -> str | None:
    frame = _latest(wh)
    found = frame[frame["username"] == username]
    return None if found.empty else str(found.iloc[0]["password_hash"])


def check_new_user(user: User, password: str) -> None:
    """Raise AccountError for a user the service cannot hold."""
    if not USERNAME.match(user.username):
        raise AccountError(
            f"user name {user.username!r}: 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    if user.role not in ROLES:
        raise AccountError(f"role {user.role!r}: one of {', '.join(ROLES)}")
    if user.role == "registrar" and not (user.registrar_id and user.department):
        raise AccountError("a registrar user needs --registrar (their registrar id) and a department")
    if user.role != "registrar" and user.registrar_id:
        raise AccountError(f"--registrar is for registrar users, not {user.role}s")
    check_password(password)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")


def add_user(wh: Warehouse, user: User, password: str, actor: str, now: dt.datetime) -> User:
    """Add a user (AccountError if the name is taken or anything is invalid)."""
    check_new_user(user, password)
    if find_user(wh, user.username) is not None:
        raise AccountError(f"user {user.username!r} already exists")
    _record(wh, user, HASHER.hash(password), actor, now)
    return user


def change_user(
    wh: Warehouse,
    username: str,
    actor: str,
    now: dt.datetime,
    role: str | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> User:
    """A new state for an existing user: role, active, or password (AccountError if unknown)."""
    current = find_user(wh, username)
    old_hash = _hash_of(wh, username)
    if current is None or old_hash is None:
        raise AccountError(f"no user {username!r}")
    changed = User(
        username,
        role or current.role,
        current.registrar_id if (role or current.role) == "registrar" else None,
        current.department,
        current.active if active is None else active,
    )
    if changed.role not in ROLES:
        raise AccountError(f"role {changed.role!r}: one of {', '.join(ROLES)}")
    if changed.role == "registrar" and not changed.registrar_id:
        raise AccountError(f"{username} has no registrar id: add a new registrar user instead")
    if password is not None:
        check_password(password)
    _record(wh, changed, HASHER.hash(password) if password is not None else old_hash, actor, now)
    return changed


def authenticate(wh: Warehouse, username: str, password: str) -> User | None:
    """The active user with this name and password, else None (in about the same time either way)."""
    stored = _hash_of(wh, username)
    try:
        HASHER.verify(stored or _NOBODY, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    user = find_user(wh, username) if stored else None
    return user if user is not None and user.active else None
