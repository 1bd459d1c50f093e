"""The validator's own reading of the department tables (docs/engine-spec.md §1-§3).

Written from the spec, not from the solver's reading in `core/domain.py`: only the raw frames of
`Department.tables` and the horizon's start and length are taken in. Shift lengths, the contract
hours default, cover resolution, history and the known days, leave days and rule scopes are all
worked out here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pandas as pd

from data_contracts.cells import is_blank
from data_contracts.vocabulary import WEEKDAYS
from roster_pipeline.core.domain import Department, Horizon, as_date
from roster_pipeline.core.rules import Rule
from roster_pipeline.validator.report import RosterError
from roster_pipeline.validator.values import DAY, exact

MINUTES_PER_DAY = 1440
DEFAULT_WEEKLY_HOURS = 40  # spec §1: contract_hours defaults to 40 * fte
COVER_RANKS = {"date": 3, "names": 2, "weekday": 1, "weekend": 1, "all": 0}


@dataclass(frozen=True)
class Period:
    """The horizon: `weeks * 7` consecutive dates from `start` (spec §2)."""

    start: dt.date
    days: tuple[dt.date, ...]

    @classmethod
    def of(cls, horizon: Horizon) -> Period:
        return cls(horizon.start, tuple(horizon.start + k * DAY for k in range(int(horizon.weeks) * 7)))

    @property
    def end(self) -> dt.date:
        return self.days[-1]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


@dataclass(frozen=True)
class Shift:
    """A shift type; `start`/`end` are minutes after midnight, `minutes` its length."""

    code: str
    site: str
    start: int
    end: int
    kind: str
    skills: tuple[str, ...]
    minutes: int


@dataclass(frozen=True)
class Registrar:
    """A registrar as the validator reads it; fte and weekly contract hours are exact."""

    registrar_id: str
    grade: str
    home_site: str
    sites: tuple[str, ...]
    skills: tuple[str, ...]
    fte: Fraction
    contract_hours: Fraction


@dataclass(frozen=True)
class Demand:
    """The cover demand resolved for one (date, shift, skill)."""

    date: dt.date
    shift: str
    skill: str | None
    min: int
    target: int
    max: int


def text(value: Any) -> str:
    """A cell as trimmed text."""
    return str(value).strip()


def items(value: Any) -> tuple[str, ...]:
    """The `|`-separated items of a cell (none when blank)."""
    return () if is_blank(value) else tuple(p.strip() for p in str(value).split("|") if p.strip())


def minute_of_day(value: Any) -> int:
    """Minutes after midnight of an `HH:MM` cell."""
    hours, minutes = text(value).split(":")[:2]
    return int(hours) * 60 + int(minutes)


def span_minutes(start: int, end: int) -> int:
    """Minutes from `start` to `end`; `end <= start` ends the next day (spec §2)."""
    return end - start + (MINUTES_PER_DAY if end <= start else 0)


def rows(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """The rows of a table (none when the table is absent)."""
    return [] if frame is None or frame.empty else frame.to_dict("records")


class DepartmentReading:
    """The department's tables read for the checks."""

    def __init__(self, department: Department, period: Period) -> None:
        self.tables: dict[str, pd.DataFrame] = department.tables
        self.period = period
        self.registrars = read_registrars(self.rows("registrars"))
        self.shift_types = read_shift_types(self.rows("shift_types"))
        self.history = history_before(self.rows("history"), period.start)
        self.known_start = min((day for _, day, _ in self.history), default=period.start)
        self.approved_leave = leave_days(self.rows("leave"), "approved")
        self.public_holidays = frozenset(as_date(row["date"]) for row in self.rows("public_holidays"))

    def rows(self, table: str) -> list[dict[str, Any]]:
        return rows(self.tables.get(table))

    def demands(self) -> list[Demand]:
        return cover_demands(self.rows("cover"), self.period)


def read_registrars(table: list[dict[str, Any]]) -> dict[str, Registrar]:
    """Registrars by id; a blank `contract_hours` is 40 * fte."""
    out = {}
    for row in table:
        fte = exact(float(row["fte"]))
        hours = row.get("contract_hours")
        rid = text(row["registrar_id"])
        out[rid] = Registrar(
            registrar_id=rid,
            grade=text(row["grade"]),
            home_site=text(row["home_site"]),
            sites=items(row["sites"]),
            skills=items(row.get("skills")),
            fte=fte,
            contract_hours=DEFAULT_WEEKLY_HOURS * fte if is_blank(hours) else exact(float(hours)),
        )
    return out


def read_shift_types(table: list[dict[str, Any]]) -> dict[str, Shift]:
    """Shift types by code."""
    out = {}
    for row in table:
        start, end = minute_of_day(row["start"]), minute_of_day(row["end"])
        code = text(row["code"])
        out[code] = Shift(
            code,
            text(row["site"]),
            start,
            end,
            text(row["kind"]),
            items(row.get("skills")),
            span_minutes(start, end),
        )
    return out


def history_before(table: list[dict[str, Any]], start: dt.date) -> list[tuple[str, dt.date, str | None]]:
    """(registrar, date, shift or None) of the history rows dated before the horizon start."""
    out = []
    for row in table:
        day = as_date(row["date"])
        if day < start:
            shift = None if is_blank(row.get("shift")) else text(row["shift"])
            out.append((text(row["registrar_id"]), day, shift))
    return out


def leave_days(table: list[dict[str, Any]], status: str) -> dict[str, set[dt.date]]:
    """Per registrar, the days (inclusive start..end) of leave rows with `status`."""
    out: dict[str, set[dt.date]] = {}
    for row in table:
        if text(row["status"]) == status:
            out.setdefault(text(row["registrar_id"]), set()).update(dates(row["start"], row["end"]))
    return out


def dates(first: Any, last: Any) -> Iterator[dt.date]:
    """Every date from `first` to `last`, both included."""
    day, end = as_date(first), as_date(last)
    while day <= end:
        yield day
        day += DAY


def cover_rank(row: dict[str, Any], day: dt.date) -> int | None:
    """Spec §1: a `date` row (3) beats weekday names (2), `weekday`/`weekend` (1) and `all` (0);
    None when the row does not apply to `day`."""
    if not is_blank(row.get("date")):
        return COVER_RANKS["date"] if as_date(row["date"]) == day else None
    pattern = items(row.get("days"))
    weekend = day.weekday() >= 5
    if pattern == ("all",):
        return COVER_RANKS["all"]
    if pattern in (("weekday",), ("weekend",)):
        return COVER_RANKS[pattern[0]] if weekend == (pattern[0] == "weekend") else None
    return COVER_RANKS["names"] if WEEKDAYS[day.weekday()] in pattern else None


def cover_demands(table: list[dict[str, Any]], period: Period) -> list[Demand]:
    """One demand per (date, shift, skill), the most specific matching row winning."""
    # Interpretation: two matching rows of equal rank are a contract error (spec §1); the validator
    # refuses such a department instead of picking one of them.
    matches: dict[tuple[dt.date, str, str | None], dict[int, int]] = {}  # key -> rank -> row index
    for index, row in enumerate(table):
        skill = None if is_blank(row.get("skill")) else text(row["skill"])
        for day in period.days:
            rank = cover_rank(row, day)
            if rank is None:
                continue
            key = (day, text(row["shift"]), skill)
            ranks = matches.setdefault(key, {})
            if rank in ranks:
                raise RosterError(f"cover rows {ranks[rank] + 1} and {index + 1} both set {key[1]} on {day}")
            ranks[rank] = index
    out = []
    for (day, shift, skill), ranks in sorted(matches.items(), key=lambda kv: (*kv[0][:2], kv[0][2] or "")):
        row = table[ranks[max(ranks)]]
        out.append(Demand(day, shift, skill, int(row["min"]), int(row["target"]), int(row["max"])))
    return out


def in_scope(rule: Rule, registrar: Registrar) -> bool:
    """Spec §3: no `applies_to` is everyone; else a registrar matches any listed id, grade or skill."""
    scope = rule.applies_to
    if not scope:
        return True
    return (
        registrar.registrar_id in scope.get("registrars", [])
        or registrar.grade in scope.get("grades", [])
        or any(skill in registrar.skills for skill in scope.get("skills", []))
    )
