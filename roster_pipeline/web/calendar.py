"""Each registrar's secret calendar feed (`/ical/{token}.ics`), built with the `icalendar` library.

The token is an HMAC of (department, registrar, generation) under the service's secret, so the
service can show it again without storing it; the warehouse keeps only its SHA-256
(`feed_tokens`). Regenerating a feed appends the next generation: the old link stops working.

The feed holds every day a published version ever gave the registrar a shift. One event per
registrar and date (a registrar works at most one shift a day), so its UID is stable when the shift
changes; SEQUENCE counts how often that day changed across publications (a client replaces the
older copy); a shift taken away is sent as CANCELLED. Times are local to the department's time zone
(a VTIMEZONE is included) and a night ends on the next morning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd
from icalendar import Calendar, Event

from roster_pipeline.core.domain import Department
from roster_pipeline.core.warehouse import Warehouse

PRODID = "-//roster-pipeline//registrar roster//EN"


@dataclass(frozen=True)
class Feed:
    department: str
    registrar_id: str
    generation: int


def feed_token(secret: bytes, feed: Feed) -> str:
    message = f"ical|{feed.department}|{feed.registrar_id}|{feed.generation}".encode()
    return urlsafe_b64encode(hmac.new(secret, message, hashlib.sha256).digest()).decode().rstrip("=")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _generations(wh: Warehouse, department: str, registrar_id: str) -> pd.DataFrame:
    wh.append_only_ready()
    return wh.query(
        "SELECT generation, token_hash FROM feed_tokens WHERE department = ? AND registrar_id = ? "
        "ORDER BY generation",
        [department, registrar_id],
    )


def _record(wh: Warehouse, secret: bytes, feed: Feed, actor: str, now: dt.datetime) -> Feed:
    row = {
        "recorded_at": now,
        "department": feed.department,
        "registrar_id": feed.registrar_id,
        "generation": feed.generation,
        "token_hash": _hash(feed_token(secret, feed)),
        "actor": actor,
    }
    wh.append({"feed_tokens": pd.DataFrame([row])})
    return feed


def current_feed(
    wh: Warehouse, secret: bytes, department: str, registrar_id: str, actor: str, now: dt.datetime
) -> Feed:
    """The registrar's live feed (the first one is made on first use)."""
    rows = _generations(wh, department, registrar_id)
    if rows.empty:
        return _record(wh, secret, Feed(department, registrar_id, 1), actor, now)
    return Feed(department, registrar_id, int(rows["generation"].max()))


def regenerate_feed(
    wh: Warehouse, secret: bytes, department: str, registrar_id: str, actor: str, now: dt.datetime
) -> Feed:
    """A new feed link; the old one stops working."""
    rows = _generations(wh, department, registrar_id)
    generation = int(rows["generation"].max()) + 1 if len(rows) else 1
    return _record(wh, secret, Feed(department, registrar_id, generation), actor, now)


def feed_of_token(wh: Warehouse, token: str) -> Feed | None:
    """The live feed `token` opens, else None (unknown, or replaced by a newer generation)."""
    wh.append_only_ready()
    found = wh.query(
        "SELECT department, registrar_id, generation FROM feed_tokens WHERE token_hash = ?", [_hash(token)]
    )
    if found.empty:
        return None
    department, registrar_id, generation = found.iloc[0]
    latest = _generations(wh, str(department), str(registrar_id))["generation"].max()
    return (
        Feed(str(department), str(registrar_id), int(generation)) if int(generation) == int(latest) else None
    )


def day_history(wh: Warehouse, department: str, registrar_id: str) -> dict[dt.date, list[str | None]]:
    """For each day any published version covered, the registrar's shift in each publication, in
    the order they were published (None: no shift in that version)."""
    wh.append_only_ready()
    published = wh.query(
        "SELECT v.version_id, v.horizon_start, v.weeks, min(s.recorded_at) AS published_at "
        "FROM roster_versions v JOIN version_states s ON s.version_id = v.version_id "
        "WHERE v.department = ? AND s.state = 'published' "
        "GROUP BY v.version_id, v.horizon_start, v.weeks ORDER BY published_at, v.version_id",
        [department],
    )
    cells = wh.query(
        "SELECT a.version_id, a.date, a.shift FROM version_assignments a JOIN roster_versions v "
        "ON v.version_id = a.version_id WHERE v.department = ? AND a.registrar_id = ?",
        [department, registrar_id],
    )
    shift_of = {(str(v), pd.Timestamp(d).date()): str(s) for v, d, s in cells.itertuples(index=False)}
    history: dict[dt.date, list[str | None]] = {}
    for version_id, start, weeks, _ in published.itertuples(index=False):
        first = pd.Timestamp(start).date()
        for offset in range(int(weeks) * 7):
            day = first + dt.timedelta(days=offset)
            history.setdefault(day, []).append(shift_of.get((str(version_id), day)))
    return history


def _changes(values: list[str | None]) -> int:
    """How often the day changed after the shift first appeared."""
    seen = [v for i, v in enumerate(values) if i == 0 or v != values[i - 1]]
    while seen and seen[0] is None:
        seen.pop(0)
    return max(len(seen) - 1, 0)


def calendar(wh: Warehouse, dept: Department, feed: Feed, timezone: str, stamp: dt.datetime) -> bytes:
    """The feed's iCalendar text. `stamp` (DTSTAMP) is when the feed was built, in UTC."""
    zone = ZoneInfo(timezone)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Roster {feed.registrar_id} ({feed.department})")
    cal.add("x-wr-timezone", timezone)
    for day, values in sorted(day_history(wh, feed.department, feed.registrar_id).items()):
        worked = [v for v in values if v is not None]
        if not worked:
            continue
        current = values[-1]
        code = current or worked[-1]
        shift = dept.shift_types.get(code)
        if shift is None:
            continue
        start, end = shift.interval(day)
        event = Event()
        event.add("uid", f"{feed.registrar_id}-{day.isoformat()}@{feed.department}.roster-pipeline")
        event.add("sequence", _changes(values))
        event.add("dtstamp", stamp)
        event.add("dtstart", start.replace(tzinfo=zone))
        event.add("dtend", end.replace(tzinfo=zone))
        event.add("summary", f"{code} ({shift.kind}, {shift.site})" if current else f"Cancelled: {code}")
        event.add("location", shift.site)
        event.add("status", "CONFIRMED" if current else "CANCELLED")
        event.add("transp", "OPAQUE" if current else "TRANSPARENT")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
