"""Calendar feeds: the secret link, stable UIDs, SEQUENCE on change, cancelled shifts, local times
and nights past midnight, and a regenerated link retiring the old one. Expected events come from the
warehouse's version rows and the department's shift table, read here directly."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
from icalendar import Calendar
from web_site import NOW, Site, draft_amendment

from roster_pipeline.living.versions import approve, assignments, change_state

MELBOURNE = ZoneInfo("Australia/Melbourne")


def _feed(site: Site, url: str) -> Calendar:
    reply = site.client.get(url.replace("https://testserver", ""))
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/calendar")
    return Calendar.from_ical(reply.content)


def _shift_times(site: Site) -> dict[str, tuple[str, str]]:
    table = pd.read_csv(site.folder / "shift_types.csv", dtype=str)
    return {
        code: (start, end) for code, start, end in table[["code", "start", "end"]].itertuples(index=False)
    }


def _events(cal: Calendar) -> dict[str, dict]:
    return {
        str(e["uid"]): {
            "start": e.decoded("dtstart"),
            "end": e.decoded("dtend"),
            "sequence": int(e.get("sequence", 0)),
            "status": str(e["status"]),
            "summary": str(e["summary"]),
        }
        for e in cal.walk("VEVENT")
    }


def test_the_feed_holds_my_published_shifts_in_local_time(site: Site) -> None:
    site.login("alex")
    url = site.client.get("/api/me").json()["calendar_feed"]
    assert url.startswith("https://testserver/ical/") and url.endswith(".ics")
    events = _events(_feed(site, url))
    mine = site.warehouse.query(
        "SELECT date, shift FROM version_assignments WHERE version_id = ? AND registrar_id = 'R001'",
        [site.version_id],
    )
    times = _shift_times(site)
    assert len(events) == len(mine) >= 1
    for day, shift in mine.itertuples(index=False):
        day = pd.Timestamp(day).date()
        event = events[f"R001-{day.isoformat()}@{site.department}.roster-pipeline"]
        start, end = (dt.time.fromisoformat(t) for t in times[shift])
        assert event["start"] == dt.datetime.combine(day, start, MELBOURNE)
        end_day = day + dt.timedelta(days=1) if end <= start else day  # a night ends the next morning
        assert event["end"] == dt.datetime.combine(end_day, end, MELBOURNE)
        assert (event["sequence"], event["status"]) == (0, "CONFIRMED") and shift in event["summary"]
    assert "BEGIN:VTIMEZONE" in site.client.get(url.replace("https://testserver", "")).text


def test_a_changed_shift_keeps_its_uid_with_a_higher_sequence_and_a_removed_one_is_cancelled(
    site: Site,
) -> None:
    site.login("alex")
    url = site.client.get("/api/me").json()["calendar_feed"]
    before = assignments(site.warehouse, site.version_id)
    mine = before[before["registrar_id"] == "R001"].sort_values("date")
    changed_day, removed_day = mine["date"].iloc[0], mine["date"].iloc[1]
    other = next(code for code in _shift_times(site) if code != mine["shift"].iloc[0])
    after = before.copy()
    after.loc[(after["registrar_id"] == "R001") & (after["date"] == changed_day), "shift"] = other
    after = after[~((after["registrar_id"] == "R001") & (after["date"] == removed_day))]
    later = NOW + dt.timedelta(days=2)
    amended_id = draft_amendment(site, after, later, "morgan")
    approve(site.warehouse, amended_id, "morgan", later)
    change_state(site.warehouse, amended_id, "published", "morgan", later)  # the feed, not the checks
    events = _events(_feed(site, url))
    changed = events[f"R001-{changed_day.isoformat()}@{site.department}.roster-pipeline"]
    removed = events[f"R001-{removed_day.isoformat()}@{site.department}.roster-pipeline"]
    assert (changed["sequence"], changed["status"]) == (1, "CONFIRMED") and other in changed["summary"]
    assert (removed["sequence"], removed["status"]) == (1, "CANCELLED")
    untouched = [
        e for uid, e in events.items() if uid not in (changed_day, removed_day) and e["sequence"] == 0
    ]
    assert len(untouched) == len(mine) - 2


def test_a_new_link_retires_the_old_one(site: Site) -> None:
    site.login("alex")
    old = site.client.get("/api/me").json()["calendar_feed"]
    assert site.client.post("/api/me/calendar").status_code == 403  # no CSRF token
    new = site.client.post("/api/me/calendar", headers={"X-CSRF-Token": site.csrf()}).json()["calendar_feed"]
    assert new != old
    assert site.client.get(old.replace("https://testserver", "")).status_code == 404
    assert site.client.get(new.replace("https://testserver", "")).status_code == 200
    assert site.client.get("/api/me").json()["calendar_feed"] == new


def test_managers_have_no_feed_and_a_made_up_token_opens_nothing(site: Site) -> None:
    site.login("morgan")
    assert site.client.get("/api/me").json()["calendar_feed"] is None
    assert site.client.post("/api/me/calendar", headers={"X-CSRF-Token": site.csrf()}).status_code == 403
    assert site.client.get("/ical/not-a-real-token.ics").status_code == 404
