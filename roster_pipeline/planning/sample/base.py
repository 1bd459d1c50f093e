"""Table layouts, shift templates and the draft registrar shared by the sample generator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# fmt: off
COLUMNS: dict[str, list[str]] = {
    "registrars": [
        "registrar_id", "name", "grade", "home_site", "sites", "skills", "fte", "contract_hours", "email",
    ],
    "shift_types": ["code", "site", "start", "end", "kind", "skills"],
    "cover": ["date", "days", "site", "shift", "skill", "min", "target", "max"],
    "leave": ["registrar_id", "start", "end", "type", "status", "weight", "reason"],
    "preferences": ["registrar_id", "start", "end", "request", "shift", "weight", "note"],
    "training": ["registrar_id", "group", "date", "start", "end", "name"],
    "partners": ["registrar_a", "registrar_b", "weight"],
    "history": ["registrar_id", "date", "shift"],
    "history_totals": [
        "registrar_id", "nights", "weekends", "public_holidays", "hours", "nights_balance",
        "weekends_balance", "public_holidays_balance", "hours_balance",
    ],
    "public_holidays": ["date", "name"],
    "events": [
        "event_id", "type", "registrar_id", "start", "end", "shift", "site", "count", "reported_at", "note",
    ],
}
SITE_NAMES: tuple[tuple[str, str], ...] = (
    ("NTH", "Northern"), ("CEN", "Central"), ("STH", "Southern"), ("EST", "Eastern"), ("WST", "Western"),
)
# prefix, start, end, kind
SHIFT_TEMPLATES: tuple[tuple[str, str, str, str], ...] = (
    ("D", "08:00", "16:30", "day"),
    ("E", "14:00", "22:30", "evening"),
    ("N", "22:00", "08:30", "night"),
    ("LD", "08:00", "20:30", "long-day"),
)
SHIFT_HOURS = {"D": 8.5, "E": 8.5, "N": 10.5, "LD": 12.5}
WEEKDAY_SHIFTS = ("D", "E", "N")
WEEKEND_SHIFTS = ("LD", "N")
SENIOR, JUNIOR = "senior registrar", "registrar"
# fmt: on


@dataclass
class DraftRegistrar:
    """A registrar while the sample is being built."""

    rid: str
    first: str
    last: str
    home: str
    sites: tuple[str, ...]
    fte: float
    senior: bool = False
    away: set[dt.date] = field(default_factory=set)

    @property
    def name(self) -> str:
        return f"Dr {self.first} {self.last}"

    @property
    def contract_hours(self) -> float:
        return round(40.0 * self.fte, 1)


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
