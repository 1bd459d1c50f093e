"""Events over HTTP into the department's events table, and the repair they need: previewed without
recording anything, then recorded as an amended draft with its notices."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from web_site import Site

DAY = dt.date(2026, 10, 8)  # Thursday; the clock says Tuesday 09:00


def _worker(site: Site, day: dt.date = DAY) -> tuple[str, str]:
    rows = site.warehouse.query(
        "SELECT registrar_id, shift FROM version_assignments WHERE version_id = ? AND date = ? "
        "ORDER BY registrar_id",
        [site.version_id, day],
    )
    return str(rows.iloc[0]["registrar_id"]), str(rows.iloc[0]["shift"])


def _post(site: Site, body: dict):  # noqa: ANN202 - a response
    return site.client.post("/api/events", json=body, headers={"X-CSRF-Token": site.csrf()})


def test_a_manager_records_a_sick_call_in_the_events_table(site: Site) -> None:
    site.login("morgan")
    registrar, _ = _worker(site)
    reply = _post(site, {"type": "sick", "registrar_id": registrar, "start": DAY.isoformat(), "note": "flu"})
    assert reply.status_code == 201, reply.text
    table = pd.read_csv(site.folder / "events.csv", dtype=str, keep_default_na=False)
    row = table[table["event_id"] == reply.json()["event_id"]].iloc[0]
    assert (row["type"], row["registrar_id"], row["start"], row["reported_at"], row["note"]) == (
        "sick",
        registrar,
        DAY.isoformat(),
        "2026-10-06 09:00",
        "flu",
    )
    listed = [e["event_id"] for e in site.client.get("/api/events").json()["events"]]
    assert reply.json()["event_id"] in listed


def test_a_registrar_reports_only_their_own_absence(site: Site) -> None:
    site.login("alex")
    assert _post(site, {"type": "sick", "registrar_id": "R001", "start": DAY.isoformat()}).status_code == 201
    assert _post(site, {"type": "sick", "registrar_id": "R002", "start": DAY.isoformat()}).status_code == 403
    assert (
        _post(
            site, {"type": "extra_cover", "start": DAY.isoformat(), "shift": "D-NTH", "count": 1}
        ).status_code
        == 403
    )
    mine = site.client.get("/api/events").json()["events"]
    assert mine and {e["registrar_id"] for e in mine} == {"R001"}
    assert site.client.get("/manager/events").status_code == 403


def test_a_bad_event_names_the_table_row_and_column_and_writes_nothing(site: Site) -> None:
    site.login("morgan")
    before = (site.folder / "events.csv").read_bytes()
    reply = _post(site, {"type": "sick", "registrar_id": "R001", "start": DAY.isoformat(), "shift": "NOPE"})
    assert reply.status_code == 422
    assert "events" in reply.json()["detail"] and "shift" in reply.json()["detail"]
    assert (site.folder / "events.csv").read_bytes() == before
    assert (
        site.client.post(
            "/api/events",
            json={"type": "party", "start": "2026-10-08"},
            headers={"X-CSRF-Token": site.csrf()},
        ).status_code
        == 422
    )


def test_the_repair_is_previewed_then_recorded_with_notices(site: Site) -> None:
    site.login("morgan")
    registrar, shift = _worker(site)
    assert (
        _post(site, {"type": "sick", "registrar_id": registrar, "start": DAY.isoformat()}).status_code == 201
    )
    preview = site.client.get("/api/repair").json()["repairs"]
    assert [p["parent"] for p in preview] == [site.version_id]
    assert {"registrar_id": registrar, "date": DAY.isoformat(), "before": shift, "after": ""}.items() <= next(
        c for c in preview[0]["changes"] if c["registrar_id"] == registrar and c["date"] == DAY.isoformat()
    ).items()
    assert (
        site.warehouse.query("SELECT count(*) AS n FROM roster_versions")["n"].iloc[0] == 1
    )  # nothing recorded
    assert site.client.post("/api/repair").status_code == 403  # no CSRF token
    recorded = site.client.post("/api/repair", headers={"X-CSRF-Token": site.csrf()}).json()["repairs"]
    amended = recorded[0]["version"]
    assert amended and recorded[0]["parent"] == site.version_id
    cells = site.warehouse.query(
        "SELECT shift FROM version_assignments WHERE version_id = ? AND registrar_id = ? AND date = ?",
        [amended, registrar, DAY],
    )
    assert cells.empty  # the sick registrar is off that day in the amendment
    told = site.warehouse.query("SELECT registrar_id FROM notices WHERE version_id = ?", [amended])
    assert registrar in set(told["registrar_id"])
    assert "Repair preview" in site.client.get("/manager/repair").text
