"""What the web tests share: the sample week, the test users, a running service (`Site`) and a
warehouse with the roster published (`published_warehouse`); the fixtures are in conftest.py."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from fastapi.testclient import TestClient

from roster_pipeline.core.department_io import load_department
from roster_pipeline.core.domain import Horizon
from roster_pipeline.core.rules import load_pack
from roster_pipeline.core.warehouse import Warehouse, open_warehouse
from roster_pipeline.living.versions import Provenance, approve, create_version, publish
from roster_pipeline.web.accounts import User, add_user

WEEK = dt.date(2026, 10, 5)
NOW = dt.datetime(2026, 10, 1, 9, 0)  # the Thursday before the week: published with notice
PASSWORD = "correct horse battery"
SICK_REASON = "Gastroenteritis"
SCRIPT_NOTE = "<script>alert('x')</script> party"
SECRET = b"a test secret that is long enough for the signer"
USERS = {  # name -> (role, registrar id); registrars R001 and R002, one manager, one admin
    "alex": ("registrar", "R001"),
    "charlotte": ("registrar", "R002"),
    "morgan": ("manager", None),
    "ada": ("admin", None),
}


@dataclass
class Site:
    """One running service: its test client, warehouse, department and clock."""

    client: TestClient
    warehouse: Warehouse
    folder: Path
    department: str
    version_id: str
    clock: list[dt.datetime]

    def login(self, username: str, password: str = PASSWORD) -> TestClient:
        """Sign in through the login form, as a browser does; the client keeps the session cookie."""
        form = self.client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        reply = self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token, "next": "/"},
            follow_redirects=False,
        )
        assert reply.status_code == 303, reply.text
        return self.client

    def csrf(self) -> str:
        return self.client.get("/api/me").json()["csrf_token"]


def published_warehouse(
    location: str, folder: Path, roster: pd.DataFrame, users: bool = True
) -> tuple[Warehouse, str]:
    """A warehouse holding the roster as a published version (and the test users), and its id."""
    wh = open_warehouse(location)
    department, pack = load_department(folder), load_pack("au-vic")
    provenance = Provenance("pipeline", "solve", pack.id, pack.version)
    version = create_version(wh, folder.name, roster, Horizon(WEEK, 1), provenance, NOW)
    approve(wh, version.version_id, "morgan", NOW)
    outcome = publish(wh, version.version_id, "morgan", NOW, department, pack)
    assert outcome.published, outcome.problems
    for name, (role, registrar) in USERS.items() if users else ():
        department_key = folder.name if role == "registrar" else None
        add_user(wh, User(name, role, registrar, department_key), PASSWORD, "test", NOW)
    return wh, version.version_id


def draft_amendment(site: Site, roster: pd.DataFrame, at: dt.datetime, actor: str = "morgan") -> str:
    """A draft amending the site's published week with `roster`; its version id."""
    horizon, provenance = Horizon(WEEK, 1), Provenance(actor, "manual")
    return create_version(
        site.warehouse, site.department, roster, horizon, provenance, at, site.version_id
    ).version_id
