"""The web service on a small sample department: one roster solved once per test session, published
as a version in a fresh warehouse for each test, users of every role, and a fixed clock."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from web_site import NOW, SCRIPT_NOTE, SECRET, SICK_REASON, WEEK, Site, published_warehouse

from roster_pipeline.core.department_io import load_department
from roster_pipeline.core.domain import Horizon
from roster_pipeline.core.rules import load_pack
from roster_pipeline.planning.rosters import plan_roster
from roster_pipeline.planning.sample import write_sample
from roster_pipeline.solver.settings import SolveSettings
from roster_pipeline.web.app import create_app
from roster_pipeline.web.config import WebConfig
from roster_pipeline.web.sessions import SessionPolicy


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
