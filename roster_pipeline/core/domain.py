"""Typed department model shared by the solver, the validator and the pipeline.

Only data interpretation lives here (parsing, shift timing, cover resolution); rule semantics are
implemented separately by the solver and by the validator (see docs/engine-spec.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from data_contracts.cells import is_blank  # noqa: F401 - re-exported for the engine
from data_contracts.vocabulary import (  # noqa: F401 - the engine's vocabulary
    LEAVE_STATUSES,
    LEAVE_TYPES,
    REQUESTS,
    REQUIRED_TABLES,
    SHIFT_KINDS,
    TABLES,
    WEEKDAYS,
)


def split_list(value: object) -> tuple[str, ...]:
    """Split a `|`-separated cell into a tuple of trimmed, non-empty items."""
    if is_blank(value):
        return ()
    return tuple(p.strip() for p in str(value).split("|") if p.strip())


def parse_hhmm(value: str) -> int:
    """Minutes after midnight for an `HH:MM` string."""
    hours, minutes = str(value).strip().split(":")[:2]
    return int(hours) * 60 + int(minutes)


def as_date(value: object) -> dt.date:
    """Coerce a cell (str, Timestamp, date) to a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


@dataclass(frozen=True)
class Registrar:
    """A registrar who can be rostered."""

    registrar_id: str
    name: str
    grade: str
    home_site: str
    sites: tuple[str, ...]
    skills: tuple[str, ...]
    fte: float
    contract_hours: float


@dataclass(frozen=True)
class ShiftType:
    """A shift that can be worked at one site; times are minutes after midnight."""

    code: str
    site: str
    start: int
    end: int
    kind: str
    skills: tuple[str, ...]

    @property
    def minutes(self) -> int:
        """Length of the shift in minutes, across midnight if needed."""
        return self.end - self.start if self.end > self.start else self.end + 1440 - self.start

    def interval(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """Start and end datetimes when worked on `day`."""
        start = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=self.start)
        return start, start + dt.timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class CoverDemand:
    """Resolved cover for one date, shift and optional skill."""

    date: dt.date
    shift: str
    skill: str | None
    min: int
    target: int
    max: int


@dataclass(frozen=True)
class Horizon:
    """The dates being rostered."""

    start: dt.date
    weeks: int

    @cached_property
    def days(self) -> tuple[dt.date, ...]:
        return tuple(self.start + dt.timedelta(days=i) for i in range(self.weeks * 7))

    @property
    def end(self) -> dt.date:
        return self.days[-1]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


@dataclass
class Department:
    """All department tables as validated DataFrames, with typed views."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        """A table, or an empty frame if the optional table is absent."""
        return self.tables.get(name, pd.DataFrame())

    @cached_property
    def registrars(self) -> dict[str, Registrar]:
        out: dict[str, Registrar] = {}
        for row in self.table("registrars").itertuples(index=False):
            fte = float(row.fte)
            hours = getattr(row, "contract_hours", None)
            out[str(row.registrar_id)] = Registrar(
                registrar_id=str(row.registrar_id),
                name=str(row.name),
                grade=str(row.grade),
                home_site=str(row.home_site),
                sites=split_list(row.sites),
                skills=split_list(getattr(row, "skills", None)),
                fte=fte,
                contract_hours=40.0 * fte if is_blank(hours) else float(hours),
            )
        return out

    @cached_property
    def shift_types(self) -> dict[str, ShiftType]:
        out: dict[str, ShiftType] = {}
        for row in self.table("shift_types").itertuples(index=False):
            out[str(row.code)] = ShiftType(
                code=str(row.code),
                site=str(row.site),
                start=parse_hhmm(row.start),
                end=parse_hhmm(row.end),
                kind=str(row.kind),
                skills=split_list(getattr(row, "skills", None)),
            )
        return out

    @cached_property
    def sites(self) -> tuple[str, ...]:
        return tuple(sorted({s.site for s in self.shift_types.values()}))

    @cached_property
    def public_holidays(self) -> frozenset[dt.date]:
        frame = self.table("public_holidays")
        if frame.empty:
            return frozenset()
        return frozenset(as_date(d) for d in frame["date"])

    def leave_days(self, status: str) -> dict[str, set[dt.date]]:
        """Days of leave with the given status, per registrar."""
        out: dict[str, set[dt.date]] = {}
        for row in self.table("leave").itertuples(index=False):
            if str(row.status) != status:
                continue
            day, last = as_date(row.start), as_date(row.end)
            days = out.setdefault(str(row.registrar_id), set())
            while day <= last:
                days.add(day)
                day += dt.timedelta(days=1)
        return out

    def history_before(self, start: dt.date) -> pd.DataFrame:
        """History assignments dated before `start` (columns registrar_id, date, shift)."""
        frame = self.table("history")
        if frame.empty:
            return pd.DataFrame(columns=["registrar_id", "date", "shift"])
        frame = frame.assign(date=[as_date(d) for d in frame["date"]])
        return frame[frame["date"] < start].reset_index(drop=True)

    def known_start(self, start: dt.date) -> dt.date:
        """First day whose work status is known (earliest history date, else horizon start)."""
        history = self.history_before(start)
        return min(history["date"]) if not history.empty else start

    def history_total(self, registrar_id: str, column: str) -> float:
        """A cumulative count or balance from history_totals (0 when absent)."""
        frame = self.table("history_totals")
        if frame.empty or column not in frame.columns:
            return 0.0
        match = frame.loc[frame["registrar_id"].astype(str) == registrar_id, column]
        if match.empty or is_blank(match.iloc[0]):
            return 0.0
        return float(match.iloc[0])

    def cover_demands(self, horizon: Horizon) -> list[CoverDemand]:
        """Resolve cover rows to one demand per (date, shift, skill), most specific row winning."""
        best: dict[tuple[dt.date, str, str | None], tuple[int, CoverDemand]] = {}
        for row in self.table("cover").itertuples(index=False):
            skill = None if is_blank(getattr(row, "skill", None)) else str(row.skill)
            for day in horizon.days:
                rank = cover_rank(row, day)
                if rank is None:
                    continue
                key = (day, str(row.shift), skill)
                demand = CoverDemand(day, str(row.shift), skill, int(row.min), int(row.target), int(row.max))
                if key not in best or rank > best[key][0]:
                    best[key] = (rank, demand)
        return [best[k][1] for k in sorted(best, key=lambda k: (k[0], k[1], k[2] or ""))]


def cover_rank(row: object, day: dt.date) -> int | None:
    """How specifically a cover row matches `day` (higher wins), or None if it does not."""
    date_value = getattr(row, "date", None)
    if not is_blank(date_value):
        return 3 if as_date(date_value) == day else None
    pattern = split_list(getattr(row, "days", None))
    name = WEEKDAYS[day.weekday()]
    if pattern == ("all",):
        return 0
    if pattern == ("weekday",):
        return 1 if day.weekday() < 5 else None
    if pattern == ("weekend",):
        return 1 if day.weekday() >= 5 else None
    return 2 if name in pattern else None


def frame_hash(tables: dict[str, pd.DataFrame]) -> str:
    """A stable SHA-256 of department tables, recorded with every solve."""
    digest = hashlib.sha256()
    for name in sorted(tables):
        frame = tables[name]
        digest.update(name.encode())
        digest.update(frame.to_csv(index=False).encode())
    return digest.hexdigest()
