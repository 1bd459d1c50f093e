"""A registrar's requests, leave reasons and notices: theirs and their managers' only (403 for a
colleague, on every route that takes an id); free text escaped; query parameters never reach SQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from web_site import SCRIPT_NOTE, Site


def _csv(site: Site, table: str, registrar: str) -> pd.DataFrame:
    frame = pd.read_csv(site.folder / f"{table}.csv", dtype=str, keep_default_na=False)
    return frame[frame["registrar_id"] == registrar]


def test_a_registrar_reads_their_own_requests_and_leave(site: Site) -> None:
    site.login("alex")
    reply = site.client.get("/api/registrars/R001/requests").json()
    leave, prefs = _csv(site, "leave", "R001"), _csv(site, "preferences", "R001")
    assert sorted((r["start"], r["type"], r["status"], r["reason"]) for r in reply["leave"]) == sorted(
        leave[["start", "type", "status", "reason"]].itertuples(index=False, name=None)
    )
    assert sorted((r["start"], r["request"], r["note"]) for r in reply["requests"]) == sorted(
        prefs[["start", "request", "note"]].itertuples(index=False, name=None)
    )


@pytest.mark.parametrize("path", ["/api/registrars/R002/requests", "/api/notices?registrar=R002"])
def test_a_colleagues_private_data_is_403(site: Site, path: str) -> None:
    site.login("alex")
    assert site.client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/api/registrars/R001/requests", "/api/notices"])
def test_private_routes_need_a_session(site: Site, path: str) -> None:
    assert site.client.get(path).status_code == 401


@pytest.mark.parametrize("path", ["/me/requests", "/me/notices", "/me/calendar"])
def test_registrar_pages_are_refused_to_managers_and_need_a_session(site: Site, path: str) -> None:
    assert site.client.get(path, follow_redirects=False).status_code == 303
    site.login("morgan")
    assert site.client.get(path).status_code == 403


def test_a_manager_reads_any_registrars_requests(site: Site) -> None:
    site.login("morgan")
    reply = site.client.get("/api/registrars/R002/requests")
    assert reply.status_code == 200
    assert len(reply.json()["leave"]) == len(_csv(site, "leave", "R002"))


def _notice(version: str, registrar: str, day: str, reason: str) -> dict:
    return {
        "recorded_at": dt.datetime(2026, 10, 2, 8, 0),
        "department": "cardiology",
        "version_id": version,
        "registrar_id": registrar,
        "date": dt.date.fromisoformat(day),
        "shift_before": "D-NTH",
        "shift_after": None,
        "notice_days": 5,
        "short_notice": False,
        "cause": "repair",
        "reason": reason,
    }


def test_notices_show_published_changes_to_their_registrar_only(site: Site) -> None:
    rows = [
        _notice(site.version_id, "R001", "2026-10-07", "R002 unavailable: cover moved"),
        _notice(site.version_id, "R002", "2026-10-07", "moved to cover"),
        _notice("V9999", "R001", "2026-10-08", "a draft nobody published"),
    ]
    site.warehouse.append({"notices": pd.DataFrame(rows)})
    site.login("alex")
    mine = site.client.get("/api/notices").json()["notices"]
    assert [(n["registrar_id"], n["date"], n["reason"]) for n in mine] == [
        ("R001", "2026-10-07", "R002 unavailable: cover moved")
    ]
    assert "cover moved" in site.client.get("/me/notices").text
    site.client.post("/logout", data={"csrf_token": site.csrf()})
    site.login("morgan")
    assert len(site.client.get("/api/notices").json()["notices"]) == 2


def test_free_text_is_escaped_in_pages(site: Site) -> None:
    site.login("alex")
    page = site.client.get("/me/requests").text
    assert SCRIPT_NOTE not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; party" in page
    assert (
        "script-src" not in page
        and "default-src 'self'" in site.client.get("/me/requests").headers["content-security-policy"]
    )


@pytest.mark.parametrize(
    "params",
    [
        {"registrar": "R001' OR '1'='1"},
        {"registrar": "R001; DROP TABLE version_assignments; --"},
        {"department": "cardiology'; DELETE FROM web_users; --"},
        {"week": "2026-10-05'; DROP TABLE notices; --"},
    ],
)
def test_query_parameters_cannot_inject_sql(site: Site, params: dict) -> None:
    site.login("morgan")
    before = {
        t: len(site.warehouse.query(f"SELECT * FROM {t}")) for t in ("version_assignments", "web_users")
    }
    assert site.client.get("/api/roster", params=params).status_code in (404, 422)
    assert site.client.get(
        "/api/registrars/" + params.get("registrar", "R001';--") + "/requests"
    ).status_code in (
        403,
        404,
    )
    after = {t: len(site.warehouse.query(f"SELECT * FROM {t}")) for t in before}
    assert after == before
    assert site.client.get("/api/roster").status_code == 200
