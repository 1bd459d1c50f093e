"""The web service on a small sample department: one roster solved once per test session, published
as a version in a fresh warehouse for each test, users of every role, and a fixed clock."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from roster_pipeline.core.department_io import load_department
from roster_pipeline.core.domain import Horizon
from roster_pipeline.core.rules import load_pack
from roster_pipeline.core.warehouse import Warehouse, open_warehouse
from roster_pipeline.living.versions import Provenance, approve, create_version, publish
from roster_pipeline.planning.rosters import plan_roster
from roster_pipeline.planning.sample import write_sample
from roster_pipeline.solver.settings import SolveSettings
from roster_pipeline.web.accounts import User, add_user
from roster_pipeline.web.app import create_app
from roster_pipeline.web.config import WebConfig
from roster_pipeline.web.sessions import SessionPolicy

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


@pytest.fixture(scope="session")
def sample_department(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """A 12-registrar, one-site department for one week and a roster the solver made for it."""
    folder = tmp_path_factory.mktemp("web") / "cardiology"
    write_sample(folder, registrars=12, sites=1, weeks=1, start=WEEK, seed=3)
    with (folder / "leave.csv").open("a") as leave:  # R002 off sick mid-week, with a private reason
        leave.write(f"R002,2026-10-07,2026-10-08,sick,approved,,{SICK_REASON}\n")
    with (folder / "preferences.csv").open("a") as prefs:  # free text that must be escaped everywhere
        prefs.write(f"R001,2026-10-10,,day_off,,3,{SCRIPT_NOTE}\n")
    department = load_department(folder)
    plan = plan_roster(
        department,
        load_pack("au-vic"),
        Horizon(WEEK, 1),
        SolveSettings(time_limit=3, workers=1, seed=0, deterministic=True),
    )
    assert plan.result.feasible and plan.report.hard_violations == 0
    return folder, plan.result.assignments


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


@pytest.fixture
def site(tmp_path: Path, sample_department: tuple[Path, pd.DataFrame]) -> Site:
    shared, roster = sample_department
    folder = tmp_path / "departments" / shared.name  # the service may add events and requests
    shutil.copytree(shared, folder)
    wh, version_id = published_warehouse(str(tmp_path / "warehouse.duckdb"), folder, roster)
    clock = [NOW + dt.timedelta(days=5)]  # Tuesday of the week
    config = WebConfig(
        warehouse=str(tmp_path / "warehouse.duckdb"),
        department=folder,
        secret=SECRET,
        policy=SessionPolicy(hours=12),
        clock=lambda: clock[0],
        claude=lambda: None,  # offline unless a test gives the assistant a mocked client
    )
    client = TestClient(create_app(config), base_url="https://testserver")
    return Site(client, wh, folder, folder.name, version_id, clock)
