"""Managers approve and publish versions over HTTP through the living roster's publish checks, see a
version's changes and notices, and read the audit log; registrars may do none of it."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from web_site import NOW, Site, draft_amendment

from roster_pipeline.living.versions import assignments


def _draft(site: Site, drop_day: dt.date | None = None) -> str:
    """A draft amending the published version: the same cells, or without every shift of `drop_day`."""
    roster = assignments(site.warehouse, site.version_id)
    if drop_day is not None:
        roster = roster[roster["date"] != drop_day]
    later = NOW + dt.timedelta(days=3)
    return draft_amendment(site, roster, later, "pipeline")


def _states(site: Site) -> dict[str, str]:
    rows = site.warehouse.query(
        "SELECT version_id, state FROM version_states ORDER BY recorded_at, "
        "CASE state WHEN 'draft' THEN 0 WHEN 'approved' THEN 1 WHEN 'published' THEN 2 ELSE 3 END"
    )
    return dict(rows.itertuples(index=False, name=None))  # the last row per version wins


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/versions"),
        ("get", "/api/versions/V0001"),
        ("post", "/api/versions/V0001/publish"),
        ("get", "/api/audit"),
    ],
)
def test_versions_and_audit_are_for_managers_only(site: Site, method: str, path: str) -> None:
    assert getattr(site.client, method)(path).status_code == 401
    site.login("alex")
    headers = {"X-CSRF-Token": site.csrf()}
    assert getattr(site.client, method)(path, headers=headers).status_code == 403


@pytest.mark.parametrize("path", ["/manager/versions", "/manager/versions/V0001", "/manager/audit"])
def test_manager_pages_refuse_registrars(site: Site, path: str) -> None:
    assert site.client.get(path, follow_redirects=False).status_code == 303
    site.login("alex")
    assert site.client.get(path).status_code == 403


def test_a_manager_publishes_a_draft_which_supersedes_the_published_version(site: Site) -> None:
    draft = _draft(site)
    site.login("morgan")
    listed = {v["version_id"]: v["state"] for v in site.client.get("/api/versions").json()["versions"]}
    assert listed == {site.version_id: "published", draft: "draft"}
    assert site.client.get(f"/api/versions/{draft}").json()["changes"] == []
    assert site.client.post(f"/api/versions/{draft}/publish").status_code == 403  # no CSRF token
    reply = site.client.post(f"/api/versions/{draft}/publish", headers={"X-CSRF-Token": site.csrf()})
    assert reply.status_code == 200 and reply.json()["published"] is True
    assert any("28" in w for w in reply.json()["warnings"])  # au-vic asks for 28 days' notice: a warning
    assert _states(site) == {site.version_id: "archived", draft: "published"}
    actions = site.client.get("/api/audit").json()["entries"]
    assert {(e["actor"], e["action"], e["version_id"]) for e in actions} >= {
        ("morgan", "approved", draft),
        ("morgan", "published", draft),
        ("morgan", "archived", site.version_id),
    }


def test_a_version_below_cover_is_not_published_and_says_why(site: Site) -> None:
    draft = _draft(site, drop_day=dt.date(2026, 10, 6))
    site.login("morgan")
    changes = site.client.get(f"/api/versions/{draft}").json()["changes"]
    dropped = site.warehouse.query(
        "SELECT count(*) AS n FROM version_assignments WHERE version_id = ? AND date = ?",
        [site.version_id, dt.date(2026, 10, 6)],
    )["n"].iloc[0]
    assert len(changes) == dropped and all(c["after"] == "" for c in changes)
    assert all(c["name"].startswith("Dr ") for c in changes)  # people by name
    reply = site.client.post(f"/api/versions/{draft}/publish", headers={"X-CSRF-Token": site.csrf()})
    assert reply.status_code == 409 and reply.json()["published"] is False
    assert any("2026-10-06" in p and "cover" in p.lower() for p in reply.json()["problems"]), reply.json()
    assert _states(site)[site.version_id] == "published"
    page = site.client.post(f"/manager/versions/{draft}/publish", data={"csrf_token": site.csrf()})
    assert "not published" in page.text


def test_a_manager_downloads_a_version_as_the_roster_workbook(site: Site) -> None:
    assert (
        site.client.get(
            f"/manager/versions/{site.version_id}/roster.xlsx", follow_redirects=False
        ).status_code
        == 303
    )
    site.login("morgan")
    reply = site.client.get(f"/manager/versions/{site.version_id}/roster.xlsx")
    assert reply.status_code == 200 and reply.headers["content-disposition"].endswith('.xlsx"')
    sheets = pd.read_excel(io.BytesIO(reply.content), sheet_name=None, header=None)
    assert {"Roster", "Cover", "Legend"} <= set(sheets)
    grid = sheets["Roster"].astype(str).to_string()
    cells = site.warehouse.query(
        "SELECT DISTINCT shift FROM version_assignments WHERE version_id = ?", [site.version_id]
    )
    assert all(shift in grid for shift in cells["shift"])
    site.client.post("/logout", data={"csrf_token": site.csrf()})
    site.login("alex")
    assert site.client.get(f"/manager/versions/{site.version_id}/roster.xlsx").status_code == 403
