"""Swap offers over HTTP: offer, see, accept, withdraw and decline, with the verdict of the swap
check; only the two registrars (and managers) see an offer, and only the right one may act on it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from web_site import NOW, PASSWORD, SICK_REASON, Site

from roster_pipeline.web.accounts import User, add_user

SICK_DAY = "2026-10-07"  # R002 is on approved sick leave (conftest)


def _worker_on(site: Site, day: str, not_: str = "R002") -> tuple[str, str]:
    """A registrar with a shift on `day` in the published version, and that shift (from the warehouse)."""
    rows = site.warehouse.query(
        "SELECT registrar_id, shift FROM version_assignments WHERE version_id = ? AND date = ? "
        "AND registrar_id <> ? ORDER BY registrar_id",
        [site.version_id, dt.date.fromisoformat(day), not_],
    )
    return str(rows.iloc[0]["registrar_id"]), str(rows.iloc[0]["shift"])


def _as_registrar(site: Site, registrar: str) -> str:
    """Sign in as a user for `registrar` (made here if the fixture has none)."""
    known = {"R001": "alex", "R002": "charlotte"}
    name = known.get(registrar, f"user_{registrar.lower()}")
    if registrar not in known:
        add_user(site.warehouse, User(name, "registrar", registrar, site.department), PASSWORD, "test", NOW)
    site.login(name)
    return name


def _offer(site: Site, give_date: str, shift: str, taker: str) -> dict:
    reply = site.client.post(
        "/api/swaps",
        json={"give_date": give_date, "give_shift": shift, "taker": taker},
        headers={"X-CSRF-Token": site.csrf()},
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def _logout(site: Site) -> None:
    site.client.post("/logout", data={"csrf_token": site.csrf()})


def test_giving_a_shift_to_a_colleague_on_leave_is_refused_without_saying_why_they_are_away(
    site: Site,
) -> None:
    giver, shift = _worker_on(site, SICK_DAY)
    _as_registrar(site, giver)
    offer = _offer(site, SICK_DAY, shift, "R002")
    assert (offer["status"], offer["giver"], offer["taker"]) == ("offered", giver, "R002")
    assert (
        site.client.post(
            f"/api/swaps/{offer['swap_id']}/accept", headers={"X-CSRF-Token": site.csrf()}
        ).status_code
        == 403
    )
    _logout(site)
    site.login("charlotte")
    assert [s["swap_id"] for s in site.client.get("/api/swaps").json()["swaps"]] == [offer["swap_id"]]
    verdict = site.client.post(f"/api/swaps/{offer['swap_id']}/accept", headers={"X-CSRF-Token": site.csrf()})
    assert verdict.status_code == 200 and verdict.json()["status"] == "refused"
    text = " ".join(verdict.json()["reasons"]).lower()
    assert "unavailable" in text and "sick" not in text and SICK_REASON.lower() not in text
    versions = site.warehouse.query("SELECT count(*) AS n FROM roster_versions")["n"].iloc[0]
    assert versions == 1  # a refused swap records no version


def test_an_offer_is_seen_only_by_its_two_registrars_and_managers(site: Site) -> None:
    giver, shift = _worker_on(site, SICK_DAY, not_="R001")
    if giver == "R001":  # pragma: no cover - _worker_on excludes R001 here
        raise AssertionError
    _as_registrar(site, giver)
    offer = _offer(site, SICK_DAY, shift, "R002")
    _logout(site)
    site.login("alex")  # R001: neither giver nor taker
    assert site.client.get("/api/swaps").json()["swaps"] == []
    for action in ("accept", "decline", "withdraw", "approve"):
        reply = site.client.post(
            f"/api/swaps/{offer['swap_id']}/{action}", headers={"X-CSRF-Token": site.csrf()}
        )
        assert reply.status_code == 403
    _logout(site)
    site.login("morgan")
    assert [s["swap_id"] for s in site.client.get("/api/swaps").json()["swaps"]] == [offer["swap_id"]]
    assert "swap" in site.client.get("/manager/swaps").text.lower()


def test_the_giver_withdraws_and_the_taker_declines(site: Site) -> None:
    giver, shift = _worker_on(site, SICK_DAY)
    _as_registrar(site, giver)
    first = _offer(site, SICK_DAY, shift, "R002")
    reply = site.client.post(f"/api/swaps/{first['swap_id']}/withdraw", headers={"X-CSRF-Token": site.csrf()})
    assert reply.json()["status"] == "withdrawn"
    again = site.client.post(f"/api/swaps/{first['swap_id']}/withdraw", headers={"X-CSRF-Token": site.csrf()})
    assert again.status_code == 409
    second = _offer(site, SICK_DAY, shift, "R002")
    _logout(site)
    site.login("charlotte")
    reply = site.client.post(f"/api/swaps/{second['swap_id']}/decline", headers={"X-CSRF-Token": site.csrf()})
    assert reply.json()["status"] == "declined"
    states = site.warehouse.query("SELECT swap_id, status FROM swap_offers ORDER BY swap_id, step")
    assert list(states.itertuples(index=False, name=None)) == [
        (first["swap_id"], "offered"),
        (first["swap_id"], "withdrawn"),
        (second["swap_id"], "offered"),
        (second["swap_id"], "declined"),
    ]


def test_a_shift_i_do_not_hold_cannot_be_offered(site: Site) -> None:
    site.login("alex")
    mine = site.warehouse.query(
        "SELECT date FROM version_assignments WHERE version_id = ? AND registrar_id = 'R001'",
        [site.version_id],
    )
    free = next(
        day
        for day in pd.date_range("2026-10-05", periods=7).date
        if day not in set(pd.to_datetime(mine["date"]).dt.date)
    )
    reply = site.client.post(
        "/api/swaps",
        json={"give_date": free.isoformat(), "give_shift": "D-NTH", "taker": "R002"},
        headers={"X-CSRF-Token": site.csrf()},
    )
    assert reply.status_code == 422 and "does not work" in reply.json()["detail"]
    assert (
        site.client.post(
            "/api/swaps", json={"give_date": "2026-10-07", "give_shift": "D", "taker": "R002"}
        ).status_code
        == 403
    )


def test_managers_cannot_offer_swaps_and_no_session_is_401(site: Site) -> None:
    assert site.client.get("/api/swaps").status_code == 401
    assert site.client.post("/api/swaps", json={}).status_code == 401
    site.login("morgan")
    reply = site.client.post(
        "/api/swaps",
        json={"give_date": SICK_DAY, "give_shift": "D-NTH", "taker": "R002"},
        headers={"X-CSRF-Token": site.csrf()},
    )
    assert reply.status_code == 403
