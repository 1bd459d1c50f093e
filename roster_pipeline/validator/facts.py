"""Facts about the roster shared by every check: worked shifts, history, leave, cover, requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import pandas as pd

from data_contracts.cells import is_blank
from roster_pipeline.core.domain import Department, Horizon, as_date
from roster_pipeline.core.rules import Rule
from roster_pipeline.validator.department import (
    Demand,
    DepartmentReading,
    Period,
    Registrar,
    Shift,
    in_scope,
)
from roster_pipeline.validator.report import FairnessResult, RosterError
from roster_pipeline.validator.values import DAY, days_between, exact, row_weight

Selector = Callable[[Shift], bool]


@dataclass(frozen=True)
class Worked:
    """One worked shift; `start`/`end` are absolute minutes (date ordinal * 1440 + minute)."""

    day: dt.date
    shift: Shift
    start: int
    end: int

    @classmethod
    def of(cls, day: dt.date, shift: Shift) -> Worked:
        start = day.toordinal() * 1440 + shift.start
        return cls(day, shift, start, start + shift.minutes)


@dataclass(frozen=True)
class Preference:
    """One preferences row."""

    registrar_id: str
    start: dt.date
    end: dt.date
    request: str
    shift: str | None
    weight: int


class RosterFacts:
    """The roster and history on known days, indexed for the checks (spec §2)."""

    def __init__(self, department: Department, horizon: Horizon, roster: pd.DataFrame) -> None:
        self.horizon = Period.of(horizon)
        self.reading = DepartmentReading(department, self.horizon)
        self.registrars = self.reading.registrars
        self.shift_types = self.reading.shift_types
        self.public_holidays = self.reading.public_holidays
        self.known_start = self.reading.known_start
        self.days = tuple(days_between(self.known_start, self.horizon.end))
        self.h0 = (self.horizon.start - self.known_start).days  # index of the horizon start in self.days
        self.shifts: dict[str, dict[dt.date, list[Shift]]] = {rid: {} for rid in self.registrars}
        self._add_history()
        self._add_roster(roster)
        self._timelines: dict[str, list[Worked]] = {}
        self.fairness_cache: dict[str, FairnessResult] = {}

    # -- loading

    def table(self, name: str) -> list[dict[str, Any]]:
        """The rows of a department table (none when absent)."""
        return self.reading.rows(name)

    def _shift(self, code: object, where: str) -> Shift:
        shift = self.shift_types.get(str(code).strip())
        if shift is None:
            raise RosterError(f"{where}: unknown shift code {code!r}")
        return shift

    def _add_history(self) -> None:
        for rid, day, code in self.reading.history:
            if rid in self.shifts and code is not None:
                self.shifts[rid].setdefault(day, []).append(self._shift(code, "history"))

    def _add_roster(self, roster: pd.DataFrame) -> None:
        missing = {"registrar_id", "date", "shift"} - set(roster.columns)
        if missing:
            raise RosterError(f"roster is missing column(s) {sorted(missing)}")
        for row in roster.itertuples(index=False):
            if is_blank(row.shift):
                continue
            day = as_date(row.date)
            if day not in self.horizon:
                continue
            rid = str(row.registrar_id).strip()
            if rid not in self.shifts:
                raise RosterError(f"roster: unknown registrar {rid!r} on {day}")
            self.shifts[rid].setdefault(day, []).append(self._shift(row.shift, f"roster ({rid}, {day})"))

    # -- per registrar

    def on(self, rid: str, day: dt.date) -> list[Shift]:
        """Shifts starting on `day` (empty for unknown days and days off)."""
        return self.shifts[rid].get(day, [])

    def works(self, rid: str, day: dt.date) -> bool:
        return bool(self.shifts[rid].get(day))

    def flags(self, rid: str, match: Selector | None = None) -> list[bool]:
        """Per known day: whether a (matching) shift starts that day."""
        return [any(match is None or match(s) for s in self.on(rid, day)) for day in self.days]

    def timeline(self, rid: str, horizon_only: bool = False) -> list[Worked]:
        """Worked shifts on known days (or only horizon days), sorted by start."""
        if rid not in self._timelines:
            worked = [Worked.of(day, shift) for day, shifts in self.shifts[rid].items() for shift in shifts]
            self._timelines[rid] = sorted(worked, key=lambda w: (w.start, w.shift.code))
        everything = self._timelines[rid]
        return [w for w in everything if w.day >= self.horizon.start] if horizon_only else everything

    def available_days(self, rid: str) -> int:
        """Horizon days not covered by approved leave."""
        leave = self.approved_leave.get(rid, set())
        return sum(1 for day in self.horizon.days if day not in leave)

    def scope(self, rule: Rule) -> list[Registrar]:
        """Registrars the rule applies to, by id."""
        return [r for _, r in sorted(self.registrars.items()) if in_scope(rule, r)]

    def window_indices(self, n: int) -> Iterator[tuple[int, int]]:
        """(first, last) index of each rolling n-day window: ends in the horizon, starts on a known
        day no earlier than start - n + 1 (spec §2)."""
        first = max(0, self.h0 - n + 1)
        for i in range(first, len(self.days) - n + 1):
            yield i, i + n - 1

    # -- weekends

    @cached_property
    def weekends(self) -> tuple[dt.date, ...]:
        """Saturdays of the weekends with at least one day in the horizon."""
        return tuple(
            sorted({d - dt.timedelta(days=d.weekday() - 5) for d in self.horizon.days if d.weekday() >= 5})
        )

    @cached_property
    def history_weekends(self) -> tuple[dt.date, ...]:
        """Saturdays of the whole weekends on known days before the horizon, oldest first."""
        return tuple(
            sorted(d for d in self.days[: self.h0] if d.weekday() == 5 and d + DAY < self.horizon.start)
        )

    def weekend_worked(self, rid: str, saturday: dt.date) -> bool:
        # Interpretation: a horizon weekend whose Saturday is the day before the horizon counts as
        # worked if history has a shift that Saturday; its Sunday after the horizon end is unknown
        # (not worked).
        return self.works(rid, saturday) or self.works(rid, saturday + DAY)

    # -- department-wide

    @property
    def approved_leave(self) -> dict[str, set[dt.date]]:
        return self.reading.approved_leave

    @cached_property
    def history_totals(self) -> dict[str, dict[str, Any]]:
        """history_totals rows by registrar id."""
        return {str(row["registrar_id"]).strip(): row for row in self.table("history_totals")}

    def history_total(self, rid: str, column: str) -> Fraction:
        """A cumulative count or balance (0 when the row, column or value is missing)."""
        value = self.history_totals.get(rid, {}).get(column)
        return Fraction(0) if is_blank(value) else exact(float(value))

    @cached_property
    def demands(self) -> list[Demand]:
        return self.reading.demands()

    @cached_property
    def on_shift(self) -> dict[tuple[dt.date, str], set[str]]:
        """Registrars working each (horizon date, shift code)."""
        out: dict[tuple[dt.date, str], set[str]] = {}
        for rid, by_day in self.shifts.items():
            for day, shifts in by_day.items():
                if day in self.horizon:
                    for shift in shifts:
                        out.setdefault((day, shift.code), set()).add(rid)
        return out

    def headcount(self, day: dt.date, code: str, skill: str | None) -> int:
        """Distinct registrars on `code` that day, only those holding `skill` if given."""
        rids = self.on_shift.get((day, code), set())
        return sum(1 for rid in rids if skill is None or skill in self.registrars[rid].skills)

    @cached_property
    def preferences(self) -> list[Preference]:
        """Preference rows of known registrars (`end` blank = `start`, weight blank = 1)."""
        out = []
        for row in self.table("preferences"):
            rid = str(row["registrar_id"]).strip()
            if rid not in self.registrars:
                continue
            start = as_date(row["start"])
            end_value = row.get("end")
            shift_value = row.get("shift")
            out.append(
                Preference(
                    registrar_id=rid,
                    start=start,
                    end=start if is_blank(end_value) else as_date(end_value),
                    request=str(row["request"]).strip(),
                    shift=None if is_blank(shift_value) else str(shift_value).strip(),
                    weight=row_weight(row.get("weight"), 1),
                )
            )
        return out

    def request_outcomes(self) -> Iterator[tuple[Preference, dt.date, bool]]:
        """(preference row, horizon date, honoured) for every preference unit."""
        for pref in self.preferences:
            for day in days_between(max(pref.start, self.horizon.start), min(pref.end, self.horizon.end)):
                yield pref, day, request_honoured(pref, self.on(pref.registrar_id, day))


def request_honoured(pref: Preference, shifts: list[Shift]) -> bool:
    """prefer: a matching shift; avoid: no matching shift; day_off: no shift."""
    # Interpretation: `shift` matches a shift whose code OR kind equals it.
    matching = any(pref.shift in (s.code, s.kind) for s in shifts)
    if pref.request == "prefer":
        return matching
    if pref.request == "avoid":
        return not matching
    return not shifts
