"""Leave and rostering requests from the portal into the department's own tables, their cancelling,
and a manager's decision; each recorded in the audit log. Expected rows are read from the files."""

from __future__ import annotations

import pandas as pd
from web_site import Site

LEAVE = {
    "kind": "leave",
    "start": "2026-11-02",
    "end": "2026-11-06",
    "leave_type": "annual",
    "note": "Family wedding",
}


def _table(site: Site, name: str) -> pd.DataFrame:
    return pd.read_csv(site.folder / f"{name}.csv", dtype=str, keep_default_na=False)


def _post(site: Site, path: str, body: dict):  # noqa: ANN202 - a response
    return site.client.post(path, json=body, headers={"X-CSRF-Token": site.csrf()})


def _audit(site: Site) -> list[tuple[str, str, str]]:
    rows = site.warehouse.query(
        "SELECT actor, action, registrar_id FROM audit_log "
        "WHERE action LIKE '%request%' OR action LIKE 'leave %'"
    )
    return sorted(rows.itertuples(index=False, name=None))  # several rows may share a second


def test_a_registrar_asks_for_leave_and_cancels_it(site: Site) -> None:
    site.login("alex")
    made = _post(site, "/api/registrars/R001/requests", LEAVE)
    assert made.status_code == 201 and made.json()["status"] == "requested"
    leave = _table(site, "leave")
    mine = leave[(leave["registrar_id"] == "R001") & (leave["start"] == "2026-11-02")]
    assert list(mine[["end", "type", "status", "reason"]].itertuples(index=False, name=None)) == [
        ("2026-11-06", "annual", "requested", "Family wedding")
    ]
    listed = site.client.get("/api/registrars/R001/requests").json()["leave"]
    assert ("2026-11-02", "requested") in {(row["start"], row["status"]) for row in listed}
    cancelled = _post(site, "/api/registrars/R001/requests/cancel", {"key": made.json()["key"]})
    assert cancelled.status_code == 200
    assert len(_table(site, "leave")) == len(leave) - 1
    assert _audit(site) == sorted(
        [("alex", "leave requested", "R001"), ("alex", "request cancelled", "R001")]
    )


def test_a_day_off_request_goes_into_preferences(site: Site) -> None:
    site.login("alex")
    made = _post(
        site, "/api/registrars/R001/requests", {"kind": "day_off", "start": "2026-11-12", "note": "Exam"}
    )
    assert made.status_code == 201
    prefs = _table(site, "preferences")
    row = prefs[(prefs["registrar_id"] == "R001") & (prefs["start"] == "2026-11-12")].iloc[0]
    assert (row["request"], row["weight"], row["note"]) == ("day_off", "3", "Exam")
    assert _post(site, "/api/registrars/R001/requests/cancel", {"key": made.json()["key"]}).status_code == 200
    assert len(_table(site, "preferences")) == len(prefs) - 1


def test_only_my_own_requests(site: Site) -> None:
    site.login("alex")
    assert _post(site, "/api/registrars/R002/requests", LEAVE).status_code == 403
    assert (
        _post(
            site, "/api/registrars/R002/requests/cancel", {"key": "leave|2026-10-07|2026-10-08|sick"}
        ).status_code
        == 403
    )
    assert site.client.post("/api/registrars/R001/requests", json=LEAVE).status_code == 403  # no CSRF token
    assert (
        _post(
            site, "/api/requests/decide", {"registrar_id": "R001", "key": "leave|a|b|c", "approve": True}
        ).status_code
        == 403
    )


def test_a_bad_request_names_the_table_and_column_and_writes_nothing(site: Site) -> None:
    site.login("alex")
    before = (site.folder / "preferences.csv").read_bytes()
    reply = _post(
        site, "/api/registrars/R001/requests", {"kind": "avoid", "start": "2026-11-12", "shift": "NOPE"}
    )
    assert reply.status_code == 422
    assert "preferences" in reply.json()["detail"] and "shift" in reply.json()["detail"]
    assert (site.folder / "preferences.csv").read_bytes() == before
    backwards = _post(site, "/api/registrars/R001/requests", {**LEAVE, "end": "2026-11-01"})
    assert backwards.status_code == 422


def test_a_manager_approves_leave_which_then_cannot_be_withdrawn_by_the_registrar(site: Site) -> None:
    site.login("alex")
    key = _post(site, "/api/registrars/R001/requests", LEAVE).json()["key"]
    site.client.post("/logout", data={"csrf_token": site.csrf()})
    site.login("morgan")
    waiting = site.client.get("/api/requests").json()["requests"]
    assert [(w["registrar_id"], w["key"]) for w in waiting if w["registrar_id"] == "R001"] == [("R001", key)]
    decided = _post(site, "/api/requests/decide", {"registrar_id": "R001", "key": key, "approve": True})
    assert decided.json()["status"] == "approved"
    leave = _table(site, "leave")
    assert leave[(leave["registrar_id"] == "R001") & (leave["start"] == "2026-11-02")]["status"].tolist() == [
        "approved"
    ]
    site.client.post("/logout", data={"csrf_token": site.csrf()})
    site.login("alex")
    assert _post(site, "/api/registrars/R001/requests/cancel", {"key": key}).status_code == 409


def test_the_portal_form_records_a_request(site: Site) -> None:
    site.login("alex")
    page = site.client.post(
        "/me/requests",
        data={
            "kind": "prefer",
            "start": "2026-11-20",
            "shift": "D-NTH",
            "note": "",
            "csrf_token": site.csrf(),
        },
    )
    assert "Request recorded" in page.text and "prefer" in page.text
