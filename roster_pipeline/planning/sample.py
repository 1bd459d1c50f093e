"""A synthetic but realistic registrar department, sized so that it can be rostered under `au-vic`.

`make_sample()` returns every table of docs/engine-spec.md §1 (ISO dates, `HH:MM` times, `|` lists),
deterministic for a seed. `capacity_report()` re-derives the demand/capacity arithmetic from the tables
alone, so tests can check that minimum cover is reachable without running the solver.

Capacity arithmetic (per site, per week; shift lengths D/E 8.5 h, N 10.5 h, LD 12.5 h):

* Available hours ``A = sum(contract_hours * available_days / horizon_days)`` over registrars whose home
  is the site (approved leave removed; cross-site registrars are extra slack, not counted).
* Target budget ``B = 0.9 * A``, split 24 % nights, 13 % weekend long days, 20 % weekday evenings and
  the rest weekday days: ``N = round(0.24 B / (7 * 10.5))``, ``LD = round(0.13 B / (2 * 12.5))``,
  ``E = round(0.20 B / (5 * 8.5))``, ``D = round((B - 73.5 N - 25 LD - 42.5 E) / 42.5)``.
  ``min = max(1, floor(0.75 * target + 0.4))`` (~0.75 of target hours), ``max = target + ceil(target / 4)``.
  With few heads per shift the rounding puts min nearer 0.6 of target hours.
  Example, 15 registrars at a site (~14.5 FTE, ~4 % away on leave): A ~ 560 h, B ~ 500 h,
  N = 2, LD = 3, E = 2, D = 4 or 5 (target 477-520 h/week), min N 1, LD 2, E 1, D 3 or 4
  (294-336 h/week, ~0.55 A).
* Each registrar can give at most 10 shifts per 14 days (au-vic: 4 days off per fortnight), at most
  ``1.15 * contract_hours`` per week (hard contract band), and nights in blocks of <= 4 followed by
  recovery days, i.e. <= 4 nights per 6 days (about 1 night in 1.5 days, ~4.5 nights a week at most).
  A night slot open 7 nights a week therefore ties up ~ 7 / 4.5 ~ 1.6 full-time registrars at the
  very least; two slots need ~ 3.2 of a site's ~ 14.5 FTE, and the site's minimum cover (~ 0.55 A)
  sits inside the 0.7..1.15 contract band with room to spare. Whole department at the default size:
  available 6706 h over 4 weeks, min cover 3684 h (0.55), target 5860 h (0.87), max 8266 h (1.23);
  at 120 registrars x 13 weeks: 57441 h, min 0.65, target 0.89. (A scratch CP-SAT model of au-vic's
  hard rules found rosters meeting every target at both sizes, and under uk-2016.)
* Skill mix: every night needs >= 1 `senior`. With N on nights, seniors must do >= 1/N of all nights, so
  their share of FTE-weighted availability must be >= 1/N for FTE-fair night counts to be possible;
  the generator starts at half the site senior and promotes registrars until that share is >= 1/N + 0.02
  (capped at 70 %). Hence the grade mix is ~50-60 % senior for two-on-nights sites.
* Weekends (au-vic caps them at 1 in 2): a weekend needs ``2 * (LD + N)`` shifts, i.e. ``LD + N``
  registrars working both days, against ~ n/2 registrars allowed per weekend (5 of ~7.5 at n = 15).
* Registrar teaching (group `registrar`, one Wednesday 13:00-17:00) takes every non-senior off day and
  evening shifts; date-specific cover rows lower that day's day/evening cover to what the site's
  available seniors can staff (seniors available minus 3 for the night and rest).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from roster_pipeline.core.department_io import write_tables
from roster_pipeline.core.domain import (
    TABLES,
    CoverDemand,
    Department,
    Horizon,
    ShiftType,
    as_date,
    is_blank,
    parse_hhmm,
)

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
TARGET_UTILISATION = 0.9
SHARES = {"N": 0.24, "LD": 0.13, "E": 0.20}
MIN_REGISTRARS_PER_SITE = 8
FIRST_NAMES = (
    "Priya", "James", "Olivia", "Liam", "Charlotte", "Noah", "Amelia", "Ethan", "Isla", "Lucas", "Mia",
    "Oliver", "Grace", "Thomas", "Chloe", "Henry", "Sophie", "Jack", "Ava", "William", "Zara", "Samuel",
    "Ruby", "Daniel", "Hannah", "Matthew", "Emily", "Benjamin", "Leah", "Aarav", "Mei", "Raj", "Fatima",
    "Kenji", "Aisha", "Nikhil", "Lucy", "Hamish", "Georgia", "Sean", "Niamh", "Tom", "Ellie", "Arjun",
)
LAST_NAMES = (
    "Nguyen", "Patel", "Williams", "Brown", "Wilson", "Taylor", "Jones", "Chen", "Singh", "Kelly",
    "O'Brien", "Walker", "Harris", "Martin", "Thompson", "White", "Anderson", "Lee", "Wright", "Campbell",
    "Murphy", "Robinson", "Clarke", "Hughes", "Kaur", "Wong", "Ryan", "Edwards", "Evans", "Scott",
    "Green", "Baker", "Hall", "Young", "King", "Ali", "Khan", "Davies", "Morris", "Tran", "McDonald",
    "Fraser",
)
# fmt: on
LEAVE_REASONS = {
    "annual": ("Family holiday", "Overseas trip", "Rest after nights block", "Visiting family in Perth"),
    "study": ("Primary exam preparation", "Fellowship exam", "Conference (ASM)", "Research course"),
    "parental": ("Parental leave",),
    "other": ("Moving house", "Sister's wedding", "Graduation ceremony", "Court attendance"),
}
PREFERENCE_NOTES = {
    "day_off": ("Child's school concert", "Medical appointment", "Friend's wedding", "Exam revision day"),
    "avoid": ("Childcare pick-up", "Partner on nights", "Sleep study follow-up", "Course in the evenings"),
    "prefer": ("Wants more ward experience", "Swapping for a later day off", "Consolidating hours"),
}
TRAINING_COURSES = ("ALS course", "Simulation workshop", "Ultrasound course", "Exam preparation course")
# History rotation: one 7-day pattern per week, by weekday (0 = Monday) -> shift prefix.
HISTORY_WEEKS: tuple[dict[int, str], ...] = (
    {0: "D", 1: "D", 2: "D", 3: "D", 4: "D"},
    {0: "E", 1: "E", 2: "E", 3: "E", 5: "LD"},
    {0: "N", 1: "N", 2: "N", 3: "N"},
    {1: "D", 2: "D", 3: "E", 5: "LD", 6: "LD"},
    {0: "D", 1: "D", 4: "N", 5: "N", 6: "N"},
    {0: "E", 1: "E", 3: "D", 4: "D"},
)
HISTORY_DAYS = 14


@dataclass
class _Registrar:
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


def _round_half_up(value: float) -> int:
    return int(math.floor(value + 0.5))


def cover_min(target: int) -> int:
    """Minimum cover for a target head count (about 0.75 of it, at least 1)."""
    return max(1, math.floor(0.75 * target + 0.4)) if target > 0 else 0


def cover_max(target: int) -> int:
    """Maximum cover for a target head count (a quarter above it, at least one more)."""
    return target + max(1, math.ceil(target / 4))


def site_targets(weekly_hours: float) -> dict[str, int]:
    """Head-count targets per shift prefix for a site with `weekly_hours` available (see module doc)."""
    budget = TARGET_UTILISATION * weekly_hours
    night = max(1, _round_half_up(SHARES["N"] * budget / (7 * SHIFT_HOURS["N"])))
    long_day = max(1, _round_half_up(SHARES["LD"] * budget / (2 * SHIFT_HOURS["LD"])))
    evening = max(1, _round_half_up(SHARES["E"] * budget / (5 * SHIFT_HOURS["E"])))
    rest = budget - 7 * SHIFT_HOURS["N"] * night - 2 * SHIFT_HOURS["LD"] * long_day
    rest -= 5 * SHIFT_HOURS["E"] * evening
    day = max(1, _round_half_up(rest / (5 * SHIFT_HOURS["D"])))
    return {"D": day, "E": evening, "N": night, "LD": long_day}


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


# --------------------------------------------------------------------------- public holidays


def _easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return dt.date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def victorian_public_holidays(year: int) -> dict[dt.date, str]:
    """Victorian public holidays of `year` (Public Holidays Act 1993 (Vic) rules).

    The Friday before the AFL Grand Final is left out: its date is set each year by the government.
    Melbourne Cup Day is the metropolitan holiday (some regional councils substitute another day).
    """
    easter = _easter_sunday(year)
    days: dict[dt.date, str] = {dt.date(year, 1, 1): "New Year's Day"}
    new_year = dt.date(year, 1, 1)
    if new_year.weekday() >= 5:
        days[new_year + dt.timedelta(days=7 - new_year.weekday())] = "New Year's Day (additional)"
    australia = dt.date(year, 1, 26)
    if australia.weekday() >= 5:
        australia += dt.timedelta(days=7 - australia.weekday())
    days[australia] = "Australia Day"
    days[_nth_weekday(year, 3, 0, 2)] = "Labour Day"
    days[easter - dt.timedelta(days=2)] = "Good Friday"
    days[easter - dt.timedelta(days=1)] = "Saturday before Easter Sunday"
    days[easter] = "Easter Sunday"
    days[easter + dt.timedelta(days=1)] = "Easter Monday"
    days[dt.date(year, 4, 25)] = "ANZAC Day"
    days[_nth_weekday(year, 6, 0, 2)] = "King's Birthday" if year >= 2023 else "Queen's Birthday"
    days[_nth_weekday(year, 11, 1, 1)] = "Melbourne Cup Day"
    christmas, boxing = dt.date(year, 12, 25), dt.date(year, 12, 26)
    days[christmas], days[boxing] = "Christmas Day", "Boxing Day"
    if christmas.weekday() >= 5:
        days[dt.date(year, 12, 27)] = "Christmas Day (additional)"
    if boxing.weekday() >= 5:
        days[dt.date(year, 12, 28)] = "Boxing Day (additional)"
    return days


def _public_holidays(horizon: Horizon) -> pd.DataFrame:
    holidays: dict[dt.date, str] = {}
    for year in range(horizon.start.year, horizon.end.year + 1):
        holidays.update(victorian_public_holidays(year))
    rows = [(d.isoformat(), name) for d, name in sorted(holidays.items()) if d in horizon]
    return pd.DataFrame(rows, columns=COLUMNS["public_holidays"])


# --------------------------------------------------------------------------- registrars


def _make_registrars(rng: random.Random, count: int, sites: list[str]) -> list[_Registrar]:
    """Registrars spread evenly over home sites; R001 is always Dr Alex Smith (full time)."""
    homes = [sites[i % len(sites)] for i in range(count)]
    rng.shuffle(homes)
    names = {("Alex", "Smith")}
    registrars = []
    for i, home in enumerate(homes):
        first, last = ("Alex", "Smith") if i == 0 else _fresh_name(rng, names)
        others = [s for s in sites if s != home]
        cross = [rng.choice(others)] if others and rng.random() < 0.3 else []
        draw = rng.random()
        fte = 1.0 if i == 0 or draw < 0.75 else 0.8 if draw < 0.87 else 0.6 if draw < 0.95 else 0.5
        registrars.append(_Registrar(f"R{i + 1:03d}", first, last, home, (home, *cross), fte))
    return registrars


def _fresh_name(rng: random.Random, used: set[tuple[str, str]]) -> tuple[str, str]:
    while True:
        name = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
        if name not in used:
            used.add(name)
            return name


def _email(reg: _Registrar, site_names: dict[str, str]) -> str:
    local = f"{reg.first}.{reg.last}".lower().replace("'", "")
    return f"{local}@{site_names[reg.home].lower()}health.example.org"


def _assign_grades(
    rng: random.Random, registrars: list[_Registrar], horizon: Horizon, night_targets: dict[str, int]
) -> None:
    """Half of each site senior to start with, then promote until seniors can fairly carry nights."""
    for site, night in night_targets.items():
        home = [r for r in registrars if r.home == site]
        smith = [r for r in home if r.rid == "R001"]
        pool = [r for r in home if r.rid != "R001"]
        rng.shuffle(pool)
        for reg in smith + pool[: math.ceil(len(home) / 2) - len(smith)]:
            reg.senior = True
        weight = {r.rid: r.fte * len([d for d in horizon.days if d not in r.away]) for r in home}
        total = sum(weight.values()) or 1.0
        need = min(0.7, 1.0 / night + 0.02)
        juniors = sorted((r for r in home if not r.senior), key=lambda r: (-weight[r.rid], r.rid))
        while juniors and sum(weight[r.rid] for r in home if r.senior) / total < need:
            if sum(r.senior for r in home) >= 0.7 * len(home):
                break
            juniors.pop(0).senior = True


def _registrar_rows(registrars: list[_Registrar], site_names: dict[str, str]) -> pd.DataFrame:
    rows = [
        (
            r.rid,
            r.name,
            SENIOR if r.senior else JUNIOR,
            r.home,
            "|".join(r.sites),
            "senior" if r.senior else None,
            r.fte,
            r.contract_hours,
            _email(r, site_names),
        )
        for r in registrars
    ]
    return pd.DataFrame(rows, columns=COLUMNS["registrars"])


def _shift_type_rows(sites: list[str]) -> pd.DataFrame:
    rows = [
        (f"{prefix}-{site}", site, start, end, kind, None)
        for site in sites
        for prefix, start, end, kind in SHIFT_TEMPLATES
    ]
    return pd.DataFrame(rows, columns=COLUMNS["shift_types"])


# --------------------------------------------------------------------------- leave


def _leave_block(rng: random.Random, leave_type: str, horizon: Horizon) -> tuple[dt.date, dt.date]:
    if leave_type == "parental":
        first = horizon.start - dt.timedelta(days=28)
        return first, first + dt.timedelta(days=16 * 7 - 1)
    length = rng.choice((5, 7, 9)) if leave_type == "annual" else rng.randint(2, 4)
    mondays = [d for d in horizon.days if d.weekday() == 0] or [horizon.start]
    first = rng.choice(mondays) + dt.timedelta(days=rng.choice((0, 0, 2)))
    return first, first + dt.timedelta(days=length - 1)


def _approved_leave(rng: random.Random, registrars: list[_Registrar], horizon: Horizon) -> list[tuple]:
    """Approved blocks for ~12 % of registrars, at most ~1 in 6 of a site away on any day."""
    wanted = max(1, round(0.12 * len(registrars)))
    site_size = Counter(r.home for r in registrars)
    away: Counter[tuple[str, dt.date]] = Counter()
    candidates = registrars[1:]  # Dr Smith stays available
    rng.shuffle(candidates)
    rows: list[tuple] = []
    for reg in candidates:
        if len(rows) >= wanted:
            break
        leave_type = (
            "parental" if not rows and len(registrars) >= 30 else rng.choice(("annual", "annual", "study"))
        )
        first, last = _leave_block(rng, leave_type, horizon)
        days = [d for d in _days(first, last) if d in horizon]
        if any(away[(reg.home, d)] >= max(1, site_size[reg.home] // 6) for d in days):
            continue
        away.update((reg.home, d) for d in days)
        reg.away.update(_days(first, last))
        reason = rng.choice(LEAVE_REASONS[leave_type])
        rows.append((reg.rid, first.isoformat(), last.isoformat(), leave_type, "approved", None, reason))
    return rows


def _other_leave(rng: random.Random, registrars: list[_Registrar], horizon: Horizon) -> list[tuple]:
    """A few requested leave rows (priced by weight) and two declined ones."""
    free = [r for r in registrars[1:] if not r.away]
    picks = rng.sample(free, min(len(free), max(3, round(0.06 * len(registrars))) + 2))
    rows: list[tuple] = []
    days = list(horizon.days[2:]) or list(horizon.days)
    for i, reg in enumerate(picks):
        first = rng.choice(days)
        if i < len(picks) - 2:
            last = min(horizon.end, first + dt.timedelta(days=rng.randint(0, 2)))
            leave_type = rng.choice(("annual", "other"))
            weight = rng.choice((10, 15, 20))
            tail = (leave_type, "requested", weight, rng.choice(LEAVE_REASONS[leave_type]))
        else:
            last = first + dt.timedelta(days=4)
            tail = ("annual", "declined", None, "Declined: three colleagues already away that week")
        rows.append((reg.rid, first.isoformat(), last.isoformat(), *tail))
    return rows


# --------------------------------------------------------------------------- cover


def _weekly_available_hours(registrars: list[_Registrar], horizon: Horizon) -> dict[str, float]:
    hours: Counter[str] = Counter()
    for reg in registrars:
        share = len([d for d in horizon.days if d not in reg.away]) / len(horizon.days)
        hours[reg.home] += reg.contract_hours * share
    return dict(hours)


def _cover_rows(site: str, targets: dict[str, int]) -> list[tuple]:
    rows = []
    for prefix in ("D", "E"):
        t = targets[prefix]
        rows.append((None, "weekday", site, f"{prefix}-{site}", None, cover_min(t), t, cover_max(t)))
        rows.append((None, "weekend", site, f"{prefix}-{site}", None, 0, 0, 0))
    t = targets["LD"]
    rows.append((None, "weekend", site, f"LD-{site}", None, cover_min(t), t, cover_max(t)))
    rows.append((None, "weekday", site, f"LD-{site}", None, 0, 0, 0))
    t = targets["N"]
    rows.append((None, "all", site, f"N-{site}", None, cover_min(t), t, cover_max(t)))
    rows.append((None, "all", site, f"N-{site}", "senior", 1, 1, cover_max(t)))
    return rows


def _teaching_cover_rows(
    site: str, targets: dict[str, int], day: dt.date, registrars: list[_Registrar]
) -> list[tuple]:
    """Day/evening cover on registrar-teaching day, limited to what available seniors can staff."""
    seniors = [r for r in registrars if r.senior and r.home == site and day not in r.away]
    budget = max(2, len(seniors) - 3)
    evening = min(targets["E"], max(1, budget // 3))
    day_target = min(targets["D"], max(1, budget - evening))
    rows = []
    for prefix, t in (("D", day_target), ("E", evening)):
        low = min(cover_min(targets[prefix]), cover_min(t))
        rows.append(
            (day.isoformat(), None, site, f"{prefix}-{site}", None, low, t, cover_max(targets[prefix]))
        )
    return rows


def _teaching_day(horizon: Horizon) -> dt.date:
    wednesdays = [d for d in horizon.days if d.weekday() == 2]
    later = [d for d in wednesdays if d >= horizon.start + dt.timedelta(days=7)]
    return (later or wednesdays or list(horizon.days))[0]


# --------------------------------------------------------------------------- training, partners, prefs


def _training_rows(
    rng: random.Random, registrars: list[_Registrar], horizon: Horizon, teaching: dt.date
) -> list[tuple]:
    rows: list[tuple] = [(None, JUNIOR, teaching.isoformat(), "13:00", "17:00", "Registrar teaching program")]
    weekdays = [d for d in horizon.days[2:] if d.weekday() < 5 and d != teaching] or [teaching]
    picks = rng.sample(registrars, max(2, len(registrars) // 15))
    for reg in sorted(picks, key=lambda r: r.rid):
        choices = [d for d in weekdays if d not in reg.away]
        if not choices:
            continue
        day = rng.choice(choices)
        reg.away.add(day)  # keeps preferences off this day; it is not leave
        rows.append((reg.rid, None, day.isoformat(), "08:00", "17:00", rng.choice(TRAINING_COURSES)))
    return rows


def _partner_rows(rng: random.Random, registrars: list[_Registrar]) -> list[tuple]:
    wanted = max(3, len(registrars) // 15)
    by_site: dict[str, list[_Registrar]] = {}
    for reg in registrars:
        by_site.setdefault(reg.home, []).append(reg)
    rows: list[tuple] = []
    used: set[str] = set()
    sites = sorted(by_site)
    for i in range(wanted * 3):
        if len(rows) >= wanted:
            break
        free = [r for r in by_site[sites[i % len(sites)]] if r.rid not in used]
        if len(free) < 2:
            continue
        a, b = sorted(rng.sample(free, 2), key=lambda r: r.rid)
        used.update((a.rid, b.rid))
        rows.append((a.rid, b.rid, rng.choice((1, 2, 3))))
    return rows


def _shifts_on(day: dt.date) -> tuple[str, ...]:
    return WEEKEND_SHIFTS if day.weekday() >= 5 else WEEKDAY_SHIFTS


def _preference_rows(
    rng: random.Random, registrars: list[_Registrar], horizon: Horizon, blocked: dict[str, set[dt.date]]
) -> list[tuple]:
    """One or two preferences each: day off, avoid nights for a few days, prefer a kind, avoid a shift."""
    kinds = {prefix: kind for prefix, _, _, kind in SHIFT_TEMPLATES}
    rows: list[tuple] = []
    for reg in registrars:
        free = [d for d in horizon.days[2:] if d not in reg.away and d not in blocked.get(reg.rid, set())]
        for _ in range(1 if rng.random() < 0.6 else 2):
            if not free:
                break
            day = free.pop(rng.randrange(len(free)))
            draw = rng.random()
            if draw < 0.35:
                row = (day, day, "day_off", None, rng.randint(3, 8), "day_off")
            elif draw < 0.6:
                last = min(horizon.end, day + dt.timedelta(days=rng.randint(2, 6)))
                row = (day, last, "avoid", "night", rng.randint(2, 6), "avoid")
            elif draw < 0.85:
                row = (day, day, "prefer", kinds[rng.choice(_shifts_on(day))], rng.randint(2, 5), "prefer")
            else:
                code = f"{rng.choice(_shifts_on(day))}-{rng.choice(reg.sites)}"
                row = (day, day, "avoid", code, rng.randint(2, 4), "avoid")
            first, last, request, shift, weight, note_kind = row
            free = [d for d in free if not first <= d <= last]
            end = None if last == first else last.isoformat()
            note = rng.choice(PREFERENCE_NOTES[note_kind])
            rows.append((reg.rid, first.isoformat(), end, request, shift, weight, note))
    return rows


# --------------------------------------------------------------------------- history


def _history_rows(rng: random.Random, registrars: list[_Registrar], start: dt.date) -> list[tuple]:
    """The 14 days before `start` from a rotating weekly pattern, thinned for part-timers.

    Every kept shift respects >= 11 h rest, >= 48 h rest after nights, <= 4 nights and <= 6 days in a
    row, so the history is compliant under both shipped packs.
    """
    types = _shift_types(registrars)
    rows: list[tuple] = []
    first_day = start - dt.timedelta(days=HISTORY_DAYS)
    for index, reg in enumerate(registrars):
        previous: tuple[dt.date, ShiftType] | None = None
        run_days = run_nights = 0
        for offset in range(HISTORY_DAYS):
            day = first_day + dt.timedelta(days=offset)
            pattern = HISTORY_WEEKS[(index + offset // 7) % len(HISTORY_WEEKS)]
            prefix = pattern.get(day.weekday())
            site = reg.sites[-1] if offset >= 7 and index % 2 else reg.home
            shift = types.get(f"{prefix}-{site}") if prefix else None
            keep = shift is not None and day not in reg.away and rng.random() < reg.fte + 0.1
            if keep and _history_allows(previous, day, shift, run_days, run_nights):
                rows.append((reg.rid, day.isoformat(), shift.code))
                run_days += 1
                run_nights = run_nights + 1 if shift.kind == "night" else 0
                previous = (day, shift)
            else:
                run_days = run_nights = 0
    return rows


def _history_allows(
    previous: tuple[dt.date, ShiftType] | None, day: dt.date, shift: ShiftType, run_days: int, run_nights: int
) -> bool:
    if previous is None:
        return True
    last_day, last_shift = previous
    rest = shift.interval(day)[0] - last_shift.interval(last_day)[1]
    needed = 48 if last_shift.kind == "night" and shift.kind != "night" else 11
    if rest < dt.timedelta(hours=needed):
        return False
    return run_days < 6 and not (shift.kind == "night" and run_nights >= 4)


def _shift_types(registrars: list[_Registrar]) -> dict[str, ShiftType]:
    sites = sorted({s for r in registrars for s in r.sites})
    frame = _shift_type_rows(sites)
    return Department({"shift_types": frame}).shift_types


def _history_totals(
    rng: random.Random,
    registrars: list[_Registrar],
    history: list[tuple],
    types: dict[str, ShiftType],
    horizon: Horizon,
) -> pd.DataFrame:
    """Year-to-date totals (history included) and small zero-mean fairness balances."""
    counts: dict[str, Counter[str]] = {r.rid: Counter() for r in registrars}
    weekends: dict[str, set[dt.date]] = {r.rid: set() for r in registrars}
    for rid, day_text, code in history:
        day, shift = as_date(day_text), types[code]
        counts[rid]["nights"] += shift.kind == "night"
        counts[rid]["minutes"] += shift.minutes
        if day.weekday() >= 5:
            weekends[rid].add(day - dt.timedelta(days=day.weekday() - 5))
    prior_weeks = 24
    present = [any(d not in r.away for d in horizon.days) for r in registrars]
    balances = {
        key: _balances(rng, present, spread, step)
        for key, spread, step in (("n", 1.0, 0.1), ("w", 1.0, 0.1), ("p", 0.3, 0.1), ("h", 4.0, 0.5))
    }
    rows = []
    for i, reg in enumerate(registrars):
        nights = round(reg.fte * prior_weeks * 0.9 + balances["n"][i]) + counts[reg.rid]["nights"]
        weekend_count = round(reg.fte * prior_weeks * 0.4 + balances["w"][i]) + len(weekends[reg.rid])
        hours = round(reg.contract_hours * prior_weeks * 0.9 + counts[reg.rid]["minutes"] / 60, 1)
        extra = (rng.randint(0, 3), hours, *(balances[key][i] for key in "nwph"))
        rows.append((reg.rid, nights, weekend_count, *extra))
    return pd.DataFrame(rows, columns=COLUMNS["history_totals"])


def _balances(rng: random.Random, present: list[bool], spread: float, step: float) -> list[float]:
    """Zero-mean balances in [-spread, spread] on a `step` grid.

    A registrar away for the whole horizon gets 0: with no available day its fairness deviation equals
    its balance and cannot move, so a large balance would pin every colleague's FTE-adjusted spread.
    """
    values = [rng.uniform(-spread, spread) for _ in present]
    kept = [v for v, here in zip(values, present, strict=True) if here]
    mean = sum(kept) / len(kept) if kept else 0.0
    return [
        round(round(max(-spread, min(spread, v - mean)) / step) * step, 2) if here else 0.0
        for v, here in zip(values, present, strict=True)
    ]


# --------------------------------------------------------------------------- assembly


def make_sample(
    registrars: int = 45,
    sites: int = 3,
    weeks: int = 4,
    start: dt.date = dt.date(2027, 2, 1),
    seed: int = 7,
) -> dict[str, pd.DataFrame]:
    """Every spec table for a department of `registrars` over `sites`, rosterable for `weeks` from `start`."""
    if not 1 <= sites <= len(SITE_NAMES):
        raise ValueError(f"sites must be 1..{len(SITE_NAMES)}")
    if registrars < MIN_REGISTRARS_PER_SITE * sites:
        raise ValueError(f"need at least {MIN_REGISTRARS_PER_SITE} registrars per site")
    if weeks < 1:
        raise ValueError("weeks must be >= 1")
    rng = random.Random(seed)
    horizon = Horizon(start, weeks)
    site_names = dict(SITE_NAMES[:sites])
    codes = list(site_names)
    regs = _make_registrars(rng, registrars, codes)
    leave = _approved_leave(rng, regs, horizon)
    leave += _other_leave(rng, regs, horizon)
    targets = {site: site_targets(hours) for site, hours in _weekly_available_hours(regs, horizon).items()}
    _assign_grades(rng, regs, horizon, {site: t["N"] for site, t in targets.items()})
    teaching = _teaching_day(horizon)
    cover = [row for site in codes for row in _cover_rows(site, targets[site])]
    cover += [row for site in codes for row in _teaching_cover_rows(site, targets[site], teaching, regs)]
    history = _history_rows(rng, regs, start)
    training = _training_rows(rng, regs, horizon, teaching)
    blocked = _leave_days_by_registrar(leave)
    for reg in regs:
        if not reg.senior:  # teaching afternoon: no day or evening shift is possible
            blocked.setdefault(reg.rid, set()).add(teaching)
    preferences = _preference_rows(rng, regs, horizon, blocked)
    tables = {
        "registrars": _registrar_rows(regs, site_names),
        "shift_types": _shift_type_rows(codes),
        "cover": pd.DataFrame(cover, columns=COLUMNS["cover"]),
        "leave": pd.DataFrame(leave, columns=COLUMNS["leave"]),
        "preferences": pd.DataFrame(preferences, columns=COLUMNS["preferences"]),
        "training": pd.DataFrame(training, columns=COLUMNS["training"]),
        "partners": pd.DataFrame(_partner_rows(rng, regs), columns=COLUMNS["partners"]),
        "history": pd.DataFrame(history, columns=COLUMNS["history"]),
        "history_totals": _history_totals(rng, regs, history, _shift_types(regs), horizon),
        "public_holidays": _public_holidays(horizon),
    }
    for name, column in (("leave", "weight"), ("preferences", "weight"), ("partners", "weight")):
        tables[name][column] = tables[name][column].astype("Int64")
    return {name: tables[name] for name in TABLES}


def _leave_days_by_registrar(leave: list[tuple]) -> dict[str, set[dt.date]]:
    out: dict[str, set[dt.date]] = {}
    for rid, first, last, _type, status, _weight, _reason in leave:
        if status != "declined":
            out.setdefault(rid, set()).update(_days(as_date(first), as_date(last)))
    return out


def write_sample(out_dir: str | Path, **kwargs: Any) -> Path:
    """Write `make_sample(**kwargs)` as `<table>.csv` files plus `department.xlsx` into `out_dir`."""
    folder = Path(out_dir)
    write_tables(make_sample(**kwargs), folder)
    return folder


# --------------------------------------------------------------------------- capacity report

MAX_SHIFTS_PER_FORTNIGHT = 10  # au-vic: >= 4 days off per 14
NIGHTS_PER_SIX_DAYS = 4  # blocks of <= 4 nights, then recovery days
CONTRACT_MAX_FRACTION = 1.15
CONTRACT_MIN_FRACTION = 0.7


def _training_windows(dept: Department) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    """Protected windows per registrar, with groups (grade, skill or ALL) expanded."""
    out: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    for row in dept.table("training").itertuples(index=False):
        protected = ShiftType("training", "", parse_hhmm(row.start), parse_hhmm(row.end), "day", ())
        window = protected.interval(as_date(row.date))
        for reg in dept.registrars.values():
            if is_blank(row.registrar_id):
                group = str(row.group)
                if group not in ("ALL", reg.grade) and group not in reg.skills:
                    continue
            elif str(row.registrar_id) != reg.registrar_id:
                continue
            out.setdefault(reg.registrar_id, []).append(window)
    return out


def _can_work(windows: list[tuple[dt.datetime, dt.datetime]], shift: ShiftType, day: dt.date) -> bool:
    start, end = shift.interval(day)
    return not any(start < w_end and w_start < end for w_start, w_end in windows)


def _infer_start(dept: Department) -> dt.date:
    history = dept.table("history")
    if history.empty:
        raise ValueError("cannot infer the horizon start without history; pass start=")
    return max(as_date(d) for d in history["date"]) + dt.timedelta(days=1)


@dataclass(frozen=True)
class _Capacity:
    """What capacity_report needs about a department over one horizon."""

    dept: Department
    horizon: Horizon
    available: dict[str, frozenset[dt.date]]  # horizon days without approved leave
    windows: dict[str, list[tuple[dt.datetime, dt.datetime]]]

    def hours(self, rid: str) -> float:
        """Contracted hours over the registrar's available days."""
        return self.dept.registrars[rid].contract_hours * len(self.available[rid]) / 7

    def demand_hours(self, demand: CoverDemand, column: str) -> float:
        return getattr(demand, column) * self.dept.shift_types[demand.shift].minutes / 60


def capacity_report(
    tables: dict[str, pd.DataFrame], start: dt.date | None = None, weeks: int = 4
) -> dict[str, Any]:
    """Demand versus capacity, from the tables alone (start defaults to the day after the history).

    Checks, each listed under `problems` when it fails:
    * totals: minimum cover hours <= 1.15 x available contract hours, and 0.7 x available <= maximum cover;
    * per site: minimum cover hours <= 85 % of the hours of registrars allowed there (shared registrars
      split evenly between their sites);
    * per (site, shift, skill): minimum shifts <= 60 % of the eligible pool's capacity for that shift
      alone (10 shifts per 14 days, contract band, <= 4 nights per 6 days, 1 weekend in 2);
    * per date: every demand has at least min + 1 eligible registrars available (leave, training).
    """
    dept = Department(tables)
    horizon = Horizon(start or _infer_start(dept), weeks)
    approved = dept.leave_days("approved")
    available = {
        rid: frozenset(d for d in horizon.days if d not in approved.get(rid, set()))
        for rid in dept.registrars
    }
    ctx = _Capacity(dept, horizon, available, _training_windows(dept))
    demands = dept.cover_demands(horizon)
    problems: list[str] = []
    report = {
        "horizon": {"start": horizon.start.isoformat(), "days": len(horizon.days)},
        "totals": _total_load(ctx, demands, problems),
        "sites": _site_loads(ctx, demands, problems),
        "shifts": _shift_loads(ctx, demands, problems),
    }
    return {**report, "problems": problems, "ok": not problems}


def _total_load(ctx: _Capacity, demands: list[CoverDemand], problems: list[str]) -> dict[str, float]:
    heads = [d for d in demands if d.skill is None]
    available = sum(ctx.hours(rid) for rid in ctx.dept.registrars)
    totals = {"available_hours": round(available, 1)}
    for column in ("min", "target", "max"):
        totals[f"{column}_hours"] = round(sum(ctx.demand_hours(d, column) for d in heads), 1)
    totals["target_utilisation"] = round(totals["target_hours"] / max(available, 1), 3)
    totals["min_utilisation"] = round(totals["min_hours"] / max(available, 1), 3)
    if totals["min_hours"] > CONTRACT_MAX_FRACTION * available:
        problems.append("minimum cover needs more hours than the contract bands allow")
    if CONTRACT_MIN_FRACTION * available > totals["max_hours"]:
        problems.append("maximum cover cannot absorb the contracted minimum hours")
    return totals


def _site_loads(
    ctx: _Capacity, demands: list[CoverDemand], problems: list[str]
) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    regs = ctx.dept.registrars.values()
    for site in ctx.dept.sites:
        pool = sum(ctx.hours(r.registrar_id) / len(r.sites) for r in regs if site in r.sites)
        need = sum(
            ctx.demand_hours(d, "min")
            for d in demands
            if d.skill is None and ctx.dept.shift_types[d.shift].site == site
        )
        out[site] = {
            "pool_hours": round(pool, 1),
            "min_hours": round(need, 1),
            "load": round(need / max(pool, 1), 3),
        }
        if need > 0.85 * pool:
            problems.append(f"site {site}: minimum cover {need:.0f} h exceeds 85 % of {pool:.0f} h")
    return out


def _registrar_capacity(shift: ShiftType, days: list[dt.date], contract_hours: float) -> float:
    """Most shifts of one type a registrar could work on `days` if that were all they did."""
    caps = [len(days) * MAX_SHIFTS_PER_FORTNIGHT / 14]
    caps.append(CONTRACT_MAX_FRACTION * contract_hours * len(days) / 7 / (shift.minutes / 60))
    if shift.kind == "night":
        caps.append(len(days) * NIGHTS_PER_SIX_DAYS / 6)
    if days and all(d.weekday() >= 5 for d in days):
        caps.append(len(days) / 2)  # only weekend days, at most 1 weekend in 2
    return min(caps)


def _shift_loads(ctx: _Capacity, demands: list[CoverDemand], problems: list[str]) -> list[dict[str, Any]]:
    grouped: dict[tuple[str, str], list[CoverDemand]] = {}
    for demand in demands:
        grouped.setdefault((demand.shift, demand.skill or ""), []).append(demand)
    out = [_shift_load(ctx, code, skill or None, rows) for (code, skill), rows in sorted(grouped.items())]
    for row in out:
        label = f"{row['shift']} {row['skill'] or ''}".strip()
        if row["load"] > 0.6:
            problems.append(f"{label}: {row['min_shifts']} min shifts use {row['load']:.0%} of pool capacity")
        if row["min_daily_slack"] < 1:
            problems.append(f"{label}: a day has fewer than min + 1 eligible registrars")
    return out


def _shift_load(ctx: _Capacity, code: str, skill: str | None, rows: list[CoverDemand]) -> dict[str, Any]:
    """Minimum demand of one (shift, skill) against its eligible pool, over the horizon and per day."""
    shift = ctx.dept.shift_types[code]
    pool = [
        r
        for r in ctx.dept.registrars.values()
        if shift.site in r.sites
        and set(shift.skills) <= set(r.skills)
        and (skill is None or skill in r.skills)
    ]
    open_days = [d.date for d in rows if d.max > 0]
    capacity = sum(
        _registrar_capacity(
            shift, [d for d in open_days if d in ctx.available[r.registrar_id]], r.contract_hours
        )
        for r in pool
    )

    def free(day: dt.date) -> int:
        return sum(
            day in ctx.available[r.registrar_id]
            and _can_work(ctx.windows.get(r.registrar_id, []), shift, day)
            for r in pool
        )

    required = sum(d.min for d in rows)
    load = required / capacity if capacity else (0.0 if required == 0 else math.inf)
    return {
        "site": shift.site,
        "shift": code,
        "skill": skill,
        "kind": shift.kind,
        "eligible": len(pool),
        "min_shifts": required,
        "capacity": round(capacity, 1),
        "load": round(load, 3),
        "min_daily_slack": min((free(d.date) - d.min for d in rows if d.min > 0), default=len(pool)),
    }


__all__ = [
    "COLUMNS",
    "capacity_report",
    "cover_max",
    "cover_min",
    "make_sample",
    "site_targets",
    "victorian_public_holidays",
    "write_sample",
]
