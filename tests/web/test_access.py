"""Who may see what: every route without a session, with the wrong role, and a registrar asking for
another registrar's private data. Expected values come from the warehouse and the department files,
never from the service."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from web_site import SICK_REASON, WEEK, Site

PAGES = ["/me/roster", "/manager/grid"]
API_GETS = ["/api/me", "/api/roster"]
MANAGER_ONLY = ["/manager/grid"]


@pytest.mark.parametrize("path", API_GETS)
def test_the_api_answers_401_without_a_session(site: Site, path: str) -> None:
    reply = site.client.get(path)
    assert reply.status_code == 401 and reply.json() == {"detail": "sign in first"}


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_a_visitor_without_a_session_to_sign_in(site: Site, path: str) -> None:
    reply = site.client.get(path, follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("path", MANAGER_ONLY)
def test_a_registrar_gets_403_on_manager_pages(site: Site, path: str) -> None:
    site.login("alex")
    assert site.client.get(path).status_code == 403


def test_a_registrar_cannot_read_another_department(site: Site) -> None:
    site.login("alex")
    assert site.client.get("/api/roster", params={"department": "elsewhere"}).status_code == 404
    assert site.client.get("/api/roster", params={"department": site.department}).status_code == 200


def _version_cells(site: Site, registrar: str) -> list[tuple[str, str]]:
    rows = site.warehouse.query(
        "SELECT date, shift FROM version_assignments WHERE version_id = ? AND registrar_id = ? ORDER BY date",
        [site.version_id, registrar],
    )
    return [(str(pd_date)[:10], shift) for pd_date, shift in rows.itertuples(index=False)]


def test_a_registrar_reads_their_published_week(site: Site) -> None:
    site.login("alex")
    week = site.client.get("/api/roster", params={"week": "2026-10-07", "registrar": "R001"}).json()
    assert week["week"] == WEEK.isoformat() and week["version"]["version_id"] == site.version_id
    assert [(c["date"], c["shift"]) for c in week["cells"]] == _version_cells(site, "R001")
    assert {c["registrar_id"] for c in week["cells"]} <= {"R001"}


def _approved_leave(site: Site, registrar: str) -> pd.DataFrame:
    """R's approved leave overlapping the week, read from the department's leave.csv."""
    leave = pd.read_csv(site.folder / "leave.csv", dtype=str, keep_default_na=False)
    week_end = (WEEK + dt.timedelta(days=6)).isoformat()
    mine = leave[(leave["registrar_id"] == registrar) & (leave["status"] == "approved")]
    return mine[(mine["start"] <= week_end) & (mine["end"] >= WEEK.isoformat())]


def test_a_colleagues_absence_is_only_unavailable(site: Site) -> None:
    site.login("alex")
    away = site.client.get("/api/roster", params={"registrar": "R002"}).json()["absences"]
    leave = _approved_leave(site, "R002")
    assert len(away) == len(leave) >= 1
    assert {(a["label"], a["reason"]) for a in away} == {("unavailable", "")}
    page = site.client.get("/me/roster").text
    for reason in leave["reason"]:
        assert reason not in page
    assert "sick" not in page.lower()


def test_the_registrar_and_the_manager_see_the_reason(site: Site) -> None:
    expected = sorted(
        zip(_approved_leave(site, "R002")["type"], _approved_leave(site, "R002")["reason"], strict=True)
    )
    assert (("sick", SICK_REASON)) in expected
    site.login("charlotte")
    mine = site.client.get("/api/roster", params={"registrar": "R002"}).json()["absences"]
    assert sorted((a["label"], a["reason"]) for a in mine) == expected
    site.client.post("/logout", data={"csrf_token": site.csrf()})
    site.login("morgan")
    theirs = site.client.get("/api/roster", params={"registrar": "R002"}).json()["absences"]
    assert sorted((a["label"], a["reason"]) for a in theirs) == expected


def test_the_manager_grid_shows_names_and_cover(site: Site) -> None:
    site.login("morgan")
    page = site.client.get("/manager/grid", params={"week": WEEK.isoformat()})
    assert page.status_code == 200
    names = site.client.get("/api/roster").json()["cells"]
    assert names and all(cell["name"] in page.text for cell in names)
    cover = site.client.get("/api/roster").json()["cover"]
    expected = site.warehouse.query(
        "SELECT date, shift, count(*) AS n FROM version_assignments WHERE version_id = ? GROUP BY 1, 2",
        [site.version_id],
    )
    on = {(str(d)[:10], s): int(n) for d, s, n in expected.itertuples(index=False)}
    assert cover and all(c["assigned"] == on.get((c["date"], c["shift"]), 0) for c in cover if not c["skill"])


def test_a_registrar_sees_nothing_before_it_is_published(site: Site) -> None:
    site.login("alex")
    later = (WEEK + dt.timedelta(days=14)).isoformat()
    week = site.client.get("/api/roster", params={"week": later}).json()
    assert week["version"] is None and week["cells"] == []


def test_the_api_docs_work_offline(site: Site) -> None:
    page = site.client.get("/docs")
    assert page.status_code == 200 and "/docs-static/swagger-ui-bundle.js" in page.text
    assert "cdn." not in page.text
    assert site.client.get("/docs-static/swagger-ui-bundle.js").status_code == 200
    schema = site.client.get("/openapi.json").json()
    assert {"/api/me", "/api/roster", "/api/swaps", "/api/events", "/api/joblines"} <= set(schema["paths"])
    assert "script-src 'self' 'unsafe-inline'" in page.headers["content-security-policy"]
    assert "unsafe-inline" not in site.client.get("/login").headers["content-security-policy"]


def test_my_roster_has_a_four_week_calendar_of_my_published_shifts(site: Site) -> None:
    site.login("alex")
    page = site.client.get("/me/roster", params={"week": WEEK.isoformat()}).text
    calendar = page.split('<table class="calendar">')[1].split("</table>")[0]
    assert calendar.count('class="has-shift"') == len(_version_cells(site, "R001"))
    assert calendar.count("<tr>") == 5  # the header and four weeks
