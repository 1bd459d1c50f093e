"""Open shifts: a published shift left below its target appears to registrars with whether they may
take it; a registrar offers, a manager accepts, and an amended draft puts them on it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from web_site import NOW, PASSWORD, WEEK, Site, draft_amendment

from roster_pipeline.core.department_io import load_department
from roster_pipeline.core.domain import Horizon
from roster_pipeline.core.rules import load_pack
from roster_pipeline.living.versions import approve, assignments, publish
from roster_pipeline.validator import validate_roster
from roster_pipeline.web.accounts import User, add_user

TODAY = dt.date(2026, 10, 6)  # the site's clock


def _leave_a_gap(site: Site) -> tuple[str, dt.date, str]:
    """Publish an amendment without one later shift that was at its target and above its minimum
    (from the manager's cover rows) and whose removal the validator finds legal (R001's first, else a
    colleague's, who then gets a sign-in); returns the registrar, the day and the shift."""
    site.login("morgan")
    cover = pd.DataFrame(site.client.get("/api/roster", params={"week": WEEK.isoformat()}).json()["cover"])
    site.client.post("/logout", data={"csrf_token": site.csrf()})
    department, pack = load_department(site.folder), load_pack("au-vic")
    roster = assignments(site.warehouse, site.version_id)
    full = cover[
        (cover["assigned"] == cover["target"]) & (cover["assigned"] > cover["min"]) & cover["skill"].isna()
    ]
    later_shifts = roster[roster["date"] > TODAY].sort_values(["registrar_id", "date"], kind="stable")
    for rid, day, shift in later_shifts[["registrar_id", "date", "shift"]].itertuples(index=False):
        if not ((full["date"] == day.isoformat()) & (full["shift"] == shift)).any():
            continue
        after = roster[~((roster["registrar_id"] == rid) & (roster["date"] == day))]
        if validate_roster(department, pack, Horizon(WEEK, 1), after).hard_violations == 0:
            break
    else:
        raise AssertionError("no shift at its target can be left open legally")
    later = NOW + dt.timedelta(days=3)
    version_id = draft_amendment(site, after, later, "morgan")
    approve(site.warehouse, version_id, "morgan", later)
    assert publish(site.warehouse, version_id, "morgan", later, department, pack).published
    return rid, day, shift


def _sign_in_as(site: Site, rid: str) -> None:
    """Sign in as the registrar `rid` (the test users know R001 as alex; others get a user here)."""
    if rid != "R001":
        add_user(site.warehouse, User(rid.lower(), "registrar", rid, site.department), PASSWORD, "test", NOW)
    site.login("alex" if rid == "R001" else rid.lower())


def test_a_registrar_offers_to_take_back_an_open_shift_and_a_manager_accepts(site: Site) -> None:
    rid, day, shift = _leave_a_gap(site)
    _sign_in_as(site, rid)
    found = site.client.get("/api/open-shifts").json()["open_shifts"]
    gap = next(o for o in found if (o["date"], o["shift"]) == (day.isoformat(), shift))
    assert gap["short_by"] == 1 and gap["below_minimum"] is False and gap["legal"] is True
    made = site.client.post(
        "/api/open-shifts/offer",
        json={"date": day.isoformat(), "shift": shift},
        headers={"X-CSRF-Token": site.csrf()},
    )
    assert made.status_code == 201 and made.json()["status"] == "offered"
    assert (
        site.client.post(
            f"/api/cover-offers/{made.json()['offer_id']}/accept", headers={"X-CSRF-Token": site.csrf()}
        ).status_code
        == 403
    )
    site.client.post("/logout", data={"csrf_token": site.csrf()})
    site.login("morgan")
    offers = site.client.get("/api/cover-offers").json()["offers"]
    assert [(o["registrar_id"], o["shift"], o["status"]) for o in offers] == [(rid, shift, "offered")]
    accepted = site.client.post(
        f"/api/cover-offers/{made.json()['offer_id']}/accept", headers={"X-CSRF-Token": site.csrf()}
    )
    amended = accepted.json()["amended_version"]
    cells = site.warehouse.query(
        "SELECT shift FROM version_assignments WHERE version_id = ? AND registrar_id = ? AND date = ?",
        [amended, rid, day],
    )
    assert list(cells["shift"]) == [shift]
    again = site.client.post(
        f"/api/cover-offers/{made.json()['offer_id']}/accept", headers={"X-CSRF-Token": site.csrf()}
    )
    assert again.status_code == 409


def test_open_shifts_need_a_session_and_a_registrar(site: Site) -> None:
    assert site.client.get("/api/open-shifts").status_code == 401
    site.login("morgan")
    assert site.client.get("/me/open-shifts").status_code == 403
    reply = site.client.post(
        "/api/open-shifts/offer",
        json={"date": "2026-10-08", "shift": "D-NTH"},
        headers={"X-CSRF-Token": site.csrf()},
    )
    assert reply.status_code == 403
