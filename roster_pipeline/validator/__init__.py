"""Independent roster validator: recount every rule of docs/engine-spec.md in plain Python.

The validator never imports the solver, so it can check a roster somebody typed into Excel and
property tests can compare the solver's reported penalties with this recount. Everything is done
with dates and integer minutes; no CP-SAT.

Where the spec leaves room for reading, the choice made is marked `Interpretation:` in a comment.
General ones:

- Interpretation: numeric parameters (hours, fractions, fte, contract hours, balances) are read as
  their intended decimal value (`Fraction(x).limit_denominator(10**6)`, so `40 * 0.7` is exactly
  28) and floor/ceil/round are then exact. `round()` is Python's round on that exact rational
  (half to even).
- Interpretation: a shift-time instant is an integer number of minutes (`date.toordinal() * 1440 +
  minute of day`), so `start_b - end_a` etc. are exact.
- Interpretation: roster rows with a blank shift are ignored (a day off); an unknown registrar or
  shift code in the roster, or an unknown shift code in history, raises `RosterError`. History rows
  of registrars not in the department are ignored.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from itertools import accumulate
from typing import Any

import pandas as pd

from roster_pipeline.core.domain import (
    CoverDemand,
    Department,
    Horizon,
    Registrar,
    ShiftType,
    as_date,
    is_blank,
    parse_hhmm,
)
from roster_pipeline.core.rules import Rule, RulePack

ONE_SHIFT_PER_DAY = "one-shift-per-day"
ELIGIBILITY = "eligibility"
STRUCTURAL_RULES = (
    Rule(id=ONE_SHIFT_PER_DAY, type=ONE_SHIFT_PER_DAY, hard=True, weight=0, params={}),
    Rule(id=ELIGIBILITY, type=ELIGIBILITY, hard=True, weight=0, params={}),
)
DAY = dt.timedelta(days=1)
DEFAULT_LEAVE_WEIGHT = 10
DEFAULT_PARTNER_WEIGHT = 1
FAIRNESS_UNITS = {"nights": "shifts", "weekends": "weekends", "public_holidays": "shifts", "hours": "minutes"}

Selector = Callable[[ShiftType], bool]


class RosterError(ValueError):
    """A roster that cannot be checked (unknown registrar or shift code)."""


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Violation:
    """Violation units of one rule, for one registrar (None for cover or fairness), on some dates."""

    rule_id: str
    rule_type: str
    hard: bool
    registrar_id: str | None
    dates: tuple[dt.date, ...]
    units: int
    penalty: int
    message: str


@dataclass(frozen=True)
class FairnessResult:
    """Per-registrar fairness numbers of one fairness rule (spec §4, "Fairness")."""

    rule_id: str
    measure: str
    counts: dict[str, int]
    shares: dict[str, int]
    balances: dict[str, int]
    deviations: dict[str, int]

    @property
    def spread_thousandths(self) -> int:
        """max dev - min dev (0 with no registrar in scope)."""
        devs = self.deviations.values()
        return max(devs) - min(devs) if devs else 0

    @property
    def spread(self) -> float:
        """FTE-adjusted spread in shifts, weekends or minutes."""
        return self.spread_thousandths / 1000

    @property
    def total_abs_deviation(self) -> int:
        """sum |dev_r| in thousandths."""
        return sum(abs(d) for d in self.deviations.values())


@dataclass
class ValidationReport:
    """All violations of a roster, with per-rule totals and the numbers an officer asks for."""

    violations: list[Violation]
    rule_types: dict[str, tuple[str, bool]]  # rule id -> (type, hard); structural rules first
    requests_total: int = 0
    requests_honoured: int = 0
    fairness: dict[str, FairnessResult] = field(default_factory=dict)

    @property
    def hard_violations(self) -> int:
        """Total units of hard rules (0 means the roster is compliant)."""
        return sum(v.units for v in self.violations if v.hard)

    @property
    def is_compliant(self) -> bool:
        return self.hard_violations == 0

    @property
    def soft_penalty(self) -> int:
        """The objective value this roster would have in the solver."""
        return sum(v.penalty for v in self.violations)

    @property
    def penalty_by_rule(self) -> dict[str, int]:
        """Penalty per soft rule id (0 included for every soft rule)."""
        out = {rid: 0 for rid, (_, hard) in self.rule_types.items() if not hard}
        for v in self.violations:
            if not v.hard:
                out[v.rule_id] = out.get(v.rule_id, 0) + v.penalty
        return out

    @property
    def units_by_rule(self) -> dict[str, int]:
        """Violation units per rule id (0 included for every rule, hard or soft)."""
        out = dict.fromkeys(self.rule_types, 0)
        for v in self.violations:
            out[v.rule_id] = out.get(v.rule_id, 0) + v.units
        return out

    @property
    def requests_honoured_pct(self) -> float:
        """Share of (preference row, date) units honoured, in percent (100 with no requests)."""
        return 100.0 if not self.requests_total else 100.0 * self.requests_honoured / self.requests_total

    @property
    def fairness_spreads(self) -> dict[str, float]:
        """FTE-adjusted spread per fairness rule id."""
        return {rid: result.spread for rid, result in self.fairness.items()}

    def sorted_violations(self) -> list[Violation]:
        """Hard violations first, then in rule order, registrar and date."""
        order = {rid: i for i, rid in enumerate(self.rule_types)}
        return sorted(
            self.violations,
            key=lambda v: (not v.hard, order.get(v.rule_id, len(order)), v.registrar_id or "", v.dates),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per violation, hard ones first."""
        columns = [
            "rule_id",
            "rule_type",
            "hard",
            "registrar_id",
            "first_date",
            "last_date",
            "dates",
            "units",
            "penalty",
            "message",
        ]
        rows = [
            {
                "rule_id": v.rule_id,
                "rule_type": v.rule_type,
                "hard": v.hard,
                "registrar_id": v.registrar_id,
                "first_date": min(v.dates) if v.dates else None,
                "last_date": max(v.dates) if v.dates else None,
                "dates": "|".join(d.isoformat() for d in v.dates),
                "units": v.units,
                "penalty": v.penalty,
                "message": v.message,
            }
            for v in self.sorted_violations()
        ]
        return pd.DataFrame(rows, columns=columns)

    def format_text(self, max_lines_per_rule: int | None = 10) -> str:
        """A plain-text report: hard violations first, then soft penalties, per rule.

        At most `max_lines_per_rule` messages are shown per rule (None shows all)."""
        ordered = self.sorted_violations()
        units = self.units_by_rule
        verdict = "roster is compliant" if self.is_compliant else "roster is NOT compliant"
        lines = [f"Hard violations: {self.hard_violations} ({verdict})"]
        for rid, (rule_type, hard) in self.rule_types.items():
            if hard and units[rid]:
                lines.append(f"  {rid} ({rule_type}): {units[rid]} units")
                lines += _detail_lines([v for v in ordered if v.rule_id == rid], max_lines_per_rule)
        lines += ["", f"Soft penalty: {self.soft_penalty}"]
        for rid, penalty in self.penalty_by_rule.items():
            lines.append(f"  {rid} ({self.rule_types[rid][0]}): {units[rid]} units, penalty {penalty}")
            lines += _detail_lines([v for v in ordered if v.rule_id == rid], max_lines_per_rule)
        if self.requests_total:
            honoured = (
                f"{self.requests_honoured} of {self.requests_total} ({self.requests_honoured_pct:.1f}%)"
            )
            lines += ["", f"Requests honoured: {honoured}"]
        for rid, result in self.fairness.items():
            unit = FAIRNESS_UNITS[result.measure]
            lines.append(f"Fairness {rid} ({result.measure}): FTE-adjusted spread {result.spread:g} {unit}")
        return "\n".join(lines)


def _detail_lines(violations: list[Violation], limit: int | None) -> list[str]:
    """Indented messages, cut to `limit` with a '... and N more' line."""
    shown = violations if limit is None else violations[:limit]
    lines = [f"      {v.message}" for v in shown]
    if len(violations) > len(shown):
        lines.append(f"      ... and {len(violations) - len(shown)} more")
    return lines


# --------------------------------------------------------------------------------------------
# Small helpers


def _exact(value: Any) -> Fraction:
    """The intended decimal value of a number (removes float noise such as 40 * 0.7)."""
    return Fraction(value).limit_denominator(10**6) if isinstance(value, float) else Fraction(str(value))


def _ceil_hours(minutes: Fraction | int) -> int:
    """ceil(minutes / 60), never negative."""
    return max(0, math.ceil(Fraction(minutes) / 60))


def _fmt_hours(minutes: Fraction | int) -> str:
    """Minutes as hours for messages: 570 -> '9.5'."""
    return f"{float(minutes) / 60:.2f}".rstrip("0").rstrip(".")


def _fmt_number(value: Any) -> str:
    return f"{float(value):g}"


def _fmt_days(days: Iterable[dt.date]) -> str:
    """'2027-02-01' or '2027-02-01 to 2027-02-07'."""
    listed = list(days)
    return listed[0].isoformat() if len(listed) == 1 else f"{listed[0]} to {listed[-1]}"


def _as_list(value: Any) -> list[str]:
    """A selector value as a list of strings (a bare string is one item)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


_blank = is_blank  # None, NaN, pd.NA, NaT or an empty string (data interpretation, not rules)


def _row_weight(value: Any, default: int) -> int:
    """A per-row weight cell, `default` when blank."""
    return default if _blank(value) else int(_exact(float(value)))


def _selector(spec: Mapping[str, Any] | None) -> Selector:
    """A predicate for a shift selector (spec §2); empty or missing keys match everything."""
    spec = dict(spec or {})
    kinds, codes = _as_list(spec.get("kinds")), _as_list(spec.get("shifts"))
    sites = _as_list(spec.get("sites"))
    min_minutes = None if spec.get("min_hours") is None else 60 * _exact(spec["min_hours"])

    def match(shift: ShiftType) -> bool:
        return (
            (not kinds or shift.kind in kinds)
            and (not codes or shift.code in codes)
            and (not sites or shift.site in sites)
            and (min_minutes is None or shift.minutes >= min_minutes)
        )

    return match


def _describe(spec: Mapping[str, Any] | None) -> str:
    """A selector in words, e.g. 'night shifts'."""
    spec = dict(spec or {})
    parts = []
    if spec.get("kinds"):
        parts.append("/".join(_as_list(spec["kinds"])))
    if spec.get("shifts"):
        parts.append("/".join(_as_list(spec["shifts"])))
    words = (" ".join(parts) + " shifts") if parts else "shifts"
    if spec.get("min_hours") is not None:
        words += f" of at least {_fmt_number(spec['min_hours'])} h"
    if spec.get("sites"):
        words += " at " + "/".join(_as_list(spec["sites"]))
    return words


def _runs(flags: list[bool]) -> Iterator[tuple[int, int]]:
    """(first, last) index of every maximal run of True values."""
    start = None
    for i, flag in enumerate(flags):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            yield start, i - 1
            start = None
    if start is not None:
        yield start, len(flags) - 1


def _longest_run(flags: list[bool]) -> int:
    return max((j - i + 1 for i, j in _runs(flags)), default=0)


def _days_between(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += DAY


def _hhmm(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def _make(
    rule: Rule, registrar_id: str | None, dates: Iterable[dt.date], units: int, message: str, price: int = 1
) -> Violation:
    """A violation; a soft one costs weight * price * units (price = a row weight, or 1)."""
    penalty = 0 if rule.hard else rule.weight * price * units
    return Violation(
        rule.id, rule.type, rule.hard, registrar_id, tuple(dates), units, penalty, f"{message} ({rule.id})"
    )


# --------------------------------------------------------------------------------------------
# Facts about the roster shared by every check


@dataclass(frozen=True)
class Worked:
    """One worked shift; `start`/`end` are absolute minutes (date ordinal * 1440 + minute)."""

    day: dt.date
    shift: ShiftType
    start: int
    end: int

    @classmethod
    def of(cls, day: dt.date, shift: ShiftType) -> Worked:
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
        self.department = department
        self.horizon = horizon
        self.registrars = department.registrars
        self.shift_types = department.shift_types
        self.known_start = department.known_start(horizon.start)
        self.days = tuple(_days_between(self.known_start, horizon.end))
        self.h0 = (horizon.start - self.known_start).days  # index of the horizon start in self.days
        self.shifts: dict[str, dict[dt.date, list[ShiftType]]] = {rid: {} for rid in self.registrars}
        self._add_history(department.history_before(horizon.start))
        self._add_roster(roster)
        self._timelines: dict[str, list[Worked]] = {}
        self.fairness_cache: dict[str, FairnessResult] = {}

    # -- loading

    def _shift(self, code: object, where: str) -> ShiftType:
        shift = self.shift_types.get(str(code).strip())
        if shift is None:
            raise RosterError(f"{where}: unknown shift code {code!r}")
        return shift

    def _add_history(self, history: pd.DataFrame) -> None:
        for row in history.itertuples(index=False):
            rid = str(row.registrar_id).strip()
            if rid in self.shifts and not _blank(row.shift):
                self.shifts[rid].setdefault(as_date(row.date), []).append(self._shift(row.shift, "history"))

    def _add_roster(self, roster: pd.DataFrame) -> None:
        missing = {"registrar_id", "date", "shift"} - set(roster.columns)
        if missing:
            raise RosterError(f"roster is missing column(s) {sorted(missing)}")
        for row in roster.itertuples(index=False):
            if _blank(row.shift):
                continue
            day = as_date(row.date)
            if day not in self.horizon:
                continue
            rid = str(row.registrar_id).strip()
            if rid not in self.shifts:
                raise RosterError(f"roster: unknown registrar {rid!r} on {day}")
            self.shifts[rid].setdefault(day, []).append(self._shift(row.shift, f"roster ({rid}, {day})"))

    # -- per registrar

    def on(self, rid: str, day: dt.date) -> list[ShiftType]:
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
        return [r for rid, r in sorted(self.registrars.items()) if rule.applies(r)]

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

    def weekend_worked(self, rid: str, saturday: dt.date) -> bool:
        # Interpretation: a horizon weekend whose Saturday is the day before the horizon counts as
        # worked if history has a shift that Saturday; its Sunday after the horizon end is unknown
        # (not worked).
        return self.works(rid, saturday) or self.works(rid, saturday + DAY)

    # -- department-wide

    @cached_property
    def approved_leave(self) -> dict[str, set[dt.date]]:
        return self.department.leave_days("approved")

    @cached_property
    def history_totals(self) -> dict[str, dict[str, Any]]:
        """history_totals rows by registrar id."""
        frame = self.department.table("history_totals")
        if frame.empty:
            return {}
        return {str(row["registrar_id"]).strip(): row for row in frame.to_dict("records")}

    def history_total(self, rid: str, column: str) -> Fraction:
        """A cumulative count or balance (0 when the row, column or value is missing)."""
        value = self.history_totals.get(rid, {}).get(column)
        return Fraction(0) if _blank(value) else _exact(float(value))

    @cached_property
    def demands(self) -> list[CoverDemand]:
        return self.department.cover_demands(self.horizon)

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
        for row in self.department.table("preferences").itertuples(index=False):
            rid = str(row.registrar_id).strip()
            if rid not in self.registrars:
                continue
            start = as_date(row.start)
            end_value = getattr(row, "end", None)
            shift_value = getattr(row, "shift", None)
            out.append(
                Preference(
                    registrar_id=rid,
                    start=start,
                    end=start if _blank(end_value) else as_date(end_value),
                    request=str(row.request).strip(),
                    shift=None if _blank(shift_value) else str(shift_value).strip(),
                    weight=_row_weight(row.weight, 1),
                )
            )
        return out

    def request_outcomes(self) -> Iterator[tuple[Preference, dt.date, bool]]:
        """(preference row, horizon date, honoured) for every preference unit."""
        for pref in self.preferences:
            for day in _days_between(max(pref.start, self.horizon.start), min(pref.end, self.horizon.end)):
                yield pref, day, request_honoured(pref, self.on(pref.registrar_id, day))


def request_honoured(pref: Preference, shifts: list[ShiftType]) -> bool:
    """prefer: a matching shift; avoid: no matching shift; day_off: no shift."""
    # Interpretation: `shift` matches a shift whose code OR kind equals it.
    matching = any(pref.shift in (s.code, s.kind) for s in shifts)
    if pref.request == "prefer":
        return matching
    if pref.request == "avoid":
        return not matching
    return not shifts


# --------------------------------------------------------------------------------------------
# Structural rules


def check_one_shift_per_day(f: RosterFacts, rule: Rule) -> list[Violation]:
    """1 unit per extra shift on a horizon day."""
    out = []
    for rid in sorted(f.shifts):
        for day in f.horizon.days:
            shifts = f.on(rid, day)
            if len(shifts) > 1:
                codes = ", ".join(s.code for s in shifts)
                msg = f"{rid} has {len(shifts)} shifts on {day} ({codes}); at most one is allowed"
                out.append(_make(rule, rid, [day], len(shifts) - 1, msg))
    return out


def check_eligibility(f: RosterFacts, rule: Rule) -> list[Violation]:
    """1 unit per horizon shift at a site not in `sites` or lacking a required skill."""
    out = []
    for rid, reg in sorted(f.registrars.items()):
        for w in f.timeline(rid, horizon_only=True):
            problems = []
            if w.shift.site not in reg.sites:
                problems.append(f"site {w.shift.site} is not one of their sites ({', '.join(reg.sites)})")
            missing = [s for s in w.shift.skills if s not in reg.skills]
            if missing:
                problems.append(f"they lack the required skill {', '.join(missing)}")
            if problems:
                msg = f"{rid} works {w.shift.code} on {w.day} but " + " and ".join(problems)
                out.append(_make(rule, rid, [w.day], 1, msg))
    return out


# --------------------------------------------------------------------------------------------
# Hours and rest


def check_min_rest(f: RosterFacts, rule: Rule) -> list[Violation]:
    """1 unit per ordered pair (a, b) on different dates with start_b - end_a < hours; b in horizon."""
    limit = 60 * _exact(rule.params["hours"])
    minimum = f"the minimum is {_fmt_number(rule.params['hours'])} h"
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        worked = f.timeline(rid)
        for j, b in enumerate(worked):
            if b.day < f.horizon.start:
                continue
            for a in reversed(worked[:j]):
                if b.start - a.start >= 1440 + limit:  # a lasts at most 24 h: no earlier pair is short
                    break
                gap = b.start - a.end
                if a.day == b.day or gap >= limit:
                    continue
                what = f"{_fmt_hours(gap)} h rest" if gap >= 0 else "overlapping shifts"
                pair = f"{a.shift.code} on {a.day} and {b.shift.code} on {b.day}"
                msg = f"{rid} has {what} between {pair}; {minimum}"
                out.append(_make(rule, rid, [a.day, b.day], 1, msg))
    return out


def check_max_shift_length(f: RosterFacts, rule: Rule) -> list[Violation]:
    """1 unit per horizon shift longer than `hours`."""
    limit = 60 * _exact(rule.params["hours"])
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        for w in f.timeline(rid, horizon_only=True):
            if w.shift.minutes > limit:
                msg = (
                    f"{rid} works {w.shift.code} on {w.day} lasting {_fmt_hours(w.shift.minutes)} h; "
                    f"the maximum is {_fmt_number(rule.params['hours'])} h"
                )
                out.append(_make(rule, rid, [w.day], 1, msg))
    return out


def _daily_minutes(f: RosterFacts, rid: str) -> list[int]:
    """Worked minutes per known day (attributed to the start date)."""
    return [sum(s.minutes for s in f.on(rid, day)) for day in f.days]


def check_max_hours_rolling(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per rolling window: ceil((minutes - 60*hours) / 60) units when positive."""
    limit = 60 * _exact(rule.params["hours"])
    n = int(rule.params["days"])
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        prefix = list(accumulate(_daily_minutes(f, rid), initial=0))
        for i, j in f.window_indices(n):
            minutes = prefix[j + 1] - prefix[i]
            units = _ceil_hours(minutes - limit)
            if units:
                days = f.days[i : j + 1]
                msg = (
                    f"{rid} works {_fmt_hours(minutes)} h in the {n} days {_fmt_days(days)}; "
                    f"the maximum is {_fmt_number(rule.params['hours'])} h"
                )
                out.append(_make(rule, rid, days, units, msg))
    return out


def _horizon_minutes(f: RosterFacts, rid: str) -> int:
    return sum(w.shift.minutes for w in f.timeline(rid, horizon_only=True))


def check_max_avg_weekly_hours(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Over the horizon: ceil((minutes - floor(60*hours*H/7)) / 60) units when positive."""
    n_days = len(f.horizon.days)
    limit = math.floor(60 * _exact(rule.params["hours"]) * n_days / 7)
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        minutes = _horizon_minutes(f, rid)
        units = _ceil_hours(minutes - limit)
        if units:
            average = _fmt_hours(Fraction(minutes * 7, n_days))
            msg = (
                f"{rid} works {_fmt_hours(minutes)} h over {n_days} days, {average} h a week on average; "
                f"the maximum average is {_fmt_number(rule.params['hours'])} h"
            )
            out.append(_make(rule, rid, f.horizon.days, units, msg))
    return out


def _outside_units(minutes: int, lo: int | None, hi: int | None) -> int:
    """Started hours below `lo` plus started hours above `hi` (a missing bound never counts)."""
    short = 0 if lo is None else max(0, lo - minutes)
    over = 0 if hi is None else max(0, minutes - hi)
    return _ceil_hours(short) + _ceil_hours(over)


def check_contract_hours(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Hours below floor(T*min_fraction) or above ceil(T*max_fraction), in started hours."""
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        available = f.available_days(rid)
        target = _exact(reg.contract_hours) * 60 * available / 7
        lo = math.floor(target * _exact(rule.params["min_fraction"]))
        hi = math.ceil(target * _exact(rule.params["max_fraction"]))
        minutes = _horizon_minutes(f, rid)
        units = _outside_units(minutes, lo, hi)
        if units:
            side = "below" if minutes < lo else "above"
            msg = (
                f"{rid} works {_fmt_hours(minutes)} h, {side} the contracted range "
                f"{_fmt_hours(lo)}-{_fmt_hours(hi)} h for {available} available days"
            )
            out.append(_make(rule, rid, f.horizon.days, units, msg))
    return out


def check_total_minutes(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Horizon minutes outside [min_minutes, max_minutes], in started hours."""
    out = []
    lo, hi = (
        None if rule.params.get(k) is None else int(rule.params[k]) for k in ("min_minutes", "max_minutes")
    )
    for reg in f.scope(rule):
        rid = reg.registrar_id
        minutes = _horizon_minutes(f, rid)
        units = _outside_units(minutes, lo, hi)
        if units:
            bound = f"minimum {lo}" if lo is not None and minutes < lo else f"maximum {hi}"
            msg = f"{rid} works {minutes} minutes in the period; the {bound} minutes"
            out.append(_make(rule, rid, f.horizon.days, units, msg))
    return out


# --------------------------------------------------------------------------------------------
# Consecutive days


def _max_run_violations(
    f: RosterFacts, rule: Rule, rid: str, flags: list[bool], limit: int, what: str
) -> Iterator[Violation]:
    """One violation per run with `limit + 1`-day windows ending in the horizon, a unit per window."""
    for i, j in _runs(flags):
        units = j - max(i + limit, f.h0) + 1
        if units > 0:
            days = f.days[i : j + 1]
            msg = f"{rid} works {len(days)} days in a row{what} ({_fmt_days(days)}); the maximum is {limit}"
            yield _make(rule, rid, days, units, msg)


def check_max_consecutive_days(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per window of max+1 consecutive known days, ending in the horizon, all worked."""
    limit = int(rule.params["max"])
    out: list[Violation] = []
    for reg in f.scope(rule):
        out.extend(_max_run_violations(f, rule, reg.registrar_id, f.flags(reg.registrar_id), limit, ""))
    return out


def _short_runs(f: RosterFacts, flags: list[bool], minimum: int) -> Iterator[tuple[int, int]]:
    """Maximal runs shorter than `minimum` with a known day before and a horizon day after (a run
    wholly in history is judged by the horizon holding the day that closes it)."""
    for i, j in _runs(flags):
        if j - i + 1 < minimum and i > 0 and j < len(flags) - 1 and j + 1 >= f.h0:
            yield i, j


def check_min_consecutive_days(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per maximal run of worked days shorter than `min` (border runs exempt)."""
    minimum = int(rule.params["min"])
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        for i, j in _short_runs(f, f.flags(rid), minimum):
            days = f.days[i : j + 1]
            run = f"{len(days)} day(s) in a row ({_fmt_days(days)})"
            msg = f"{rid} works only {run}; the minimum is {minimum}"
            out.append(_make(rule, rid, days, 1, msg))
    return out


def check_min_consecutive_days_off(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per maximal run of days off shorter than `min` (border runs exempt)."""
    minimum = int(rule.params["min"])
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        off = [not w for w in f.flags(rid)]
        for i, j in _short_runs(f, off, minimum):
            days = f.days[i : j + 1]
            run = f"{len(days)} day(s) in a row ({_fmt_days(days)})"
            msg = f"{rid} is off only {run}; the minimum is {minimum}"
            out.append(_make(rule, rid, days, 1, msg))
    return out


def check_max_consecutive_kind(f: RosterFacts, rule: Rule) -> list[Violation]:
    """(a) windows of max+1 matching days; (b) rest after a run of matching days."""
    params = rule.params
    match, limit = _selector(params["selector"]), int(params["max"])
    what = _describe(params["selector"])
    out: list[Violation] = []
    for reg in f.scope(rule):
        flags = f.flags(reg.registrar_id, match)
        # Interpretation: like max_consecutive_days, only windows ending in the horizon count.
        out.extend(_max_run_violations(f, rule, reg.registrar_id, flags, limit, f" with {what}"))
        if params.get("rest_hours") is not None:
            out.extend(_rest_after_runs(f, rule, reg.registrar_id, flags, match, what))
    return out


def _rest_after_runs(
    f: RosterFacts, rule: Rule, rid: str, flags: list[bool], match: Selector, what: str
) -> Iterator[Violation]:
    """Part (b) of max_consecutive_kind: shifts starting too soon after a run of matching days."""
    rest = 60 * _exact(rule.params["rest_hours"])
    min_run = int(rule.params.get("min_run", 1))
    worked = f.timeline(rid, horizon_only=True)
    for i, e in _runs(flags):
        # Interpretation: run length counts known days only; e >= h0 - 1 and e + 1 in the horizon.
        if e - i + 1 < min_run or e < f.h0 - 1 or e + 1 >= len(flags):
            continue
        last_day = f.days[e]
        # Interpretation: end(e) is the latest end of the matching shifts starting on day e.
        run_end = max(Worked.of(last_day, s).end for s in f.on(rid, last_day) if match(s))
        for b in worked:
            if b.start >= run_end + rest:
                break
            if b.day > last_day:
                gap = b.start - run_end
                when = f"{_fmt_hours(gap)} h after" if gap >= 0 else f"{_fmt_hours(-gap)} h before the end of"
                msg = (
                    f"{rid} starts {b.shift.code} on {b.day} at {_hhmm(b.shift.start)}, {when} a run of "
                    f"{e - i + 1} day(s) of {what} ending {last_day}; at least "
                    f"{_fmt_number(rule.params['rest_hours'])} h rest is required"
                )
                yield _make(rule, rid, [last_day, b.day], 1, msg)


# --------------------------------------------------------------------------------------------
# Shift patterns and counts


def check_forbidden_succession(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per day pair (d, d+1), d+1 in the horizon, with a `from` shift on d and a `to` shift on d+1."""
    frm, to = _selector(rule.params["from"]), _selector(rule.params["to"])
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        for i in range(max(0, f.h0 - 1), len(f.days) - 1):
            day, nxt = f.days[i], f.days[i + 1]
            first = "/".join(s.code for s in f.on(rid, day) if frm(s))
            second = "/".join(s.code for s in f.on(rid, nxt) if to(s))
            if first and second:
                msg = f"{rid} works {first} on {day} followed by {second} on {nxt}, which is not allowed"
                out.append(_make(rule, rid, [day, nxt], 1, msg))
    return out


def check_max_shifts_of_type(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Over the horizon: count of matching shifts above `max`."""
    match, limit = _selector(rule.params["selector"]), int(rule.params["max"])
    what = _describe(rule.params["selector"])
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        days = [w.day for w in f.timeline(rid, horizon_only=True) if match(w.shift)]
        if len(days) > limit:
            msg = f"{rid} works {len(days)} {what} in the horizon; the maximum is {limit}"
            out.append(_make(rule, rid, days, len(days) - limit, msg))
    return out


def check_max_shifts_in_window(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per rolling window: count of matching shifts above `max`."""
    match, limit, n = _selector(rule.params["selector"]), int(rule.params["max"]), int(rule.params["days"])
    what = _describe(rule.params["selector"])
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        prefix = list(accumulate((sum(1 for s in f.on(rid, d) if match(s)) for d in f.days), initial=0))
        for i, j in f.window_indices(n):
            count = prefix[j + 1] - prefix[i]
            if count > limit:
                days = f.days[i : j + 1]
                msg = f"{rid} works {count} {what} in the {n} days {_fmt_days(days)}; the maximum is {limit}"
                out.append(_make(rule, rid, days, count - limit, msg))
    return out


def check_weekend_limit(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Worked horizon weekends above `max`, plus per sliding window of `window` weekends."""
    params = rule.params
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        worked = [f.weekend_worked(rid, sat) for sat in f.weekends]
        if params.get("max") is not None and sum(worked) > int(params["max"]):
            saturdays = [sat for sat, w in zip(f.weekends, worked, strict=True) if w]
            msg = f"{rid} works {sum(worked)} weekends in the horizon; the maximum is {params['max']}"
            out.append(_make(rule, rid, saturdays, sum(worked) - int(params["max"]), msg))
        if params.get("window") is not None and params.get("max_in_window") is not None:
            n, limit = int(params["window"]), int(params["max_in_window"])
            for k in range(len(f.weekends) - n + 1):
                count = sum(worked[k : k + n])
                if count > limit:
                    saturdays = f.weekends[k : k + n]
                    span = f"{saturdays[0]} to {saturdays[-1] + DAY}"
                    msg = f"{rid} works {count} of the {n} weekends {span}; the maximum is {limit}"
                    out.append(_make(rule, rid, saturdays, count - limit, msg))
    return out


def check_days_off_per_window(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per fixed (or rolling) horizon window: missing days off, plus 1 if no long-enough off run."""
    params = rule.params
    n, need = int(params["window_days"]), int(params["min_days_off"])
    run = int(params.get("min_consecutive_off") or 0)
    step = 1 if params.get("rolling", False) else n
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        off = [not w for w in f.flags(rid)]
        for i in range(f.h0, len(f.days) - n + 1, step):
            window, days = off[i : i + n], f.days[i : i + n]
            if sum(window) < need:
                msg = f"{rid} has {sum(window)} day(s) off in {_fmt_days(days)}; at least {need} are required"
                out.append(_make(rule, rid, days, need - sum(window), msg))
            if run and _longest_run(window) < run:
                msg = f"{rid} has no {run} consecutive days off in {_fmt_days(days)}"
                out.append(_make(rule, rid, days, 1, msg))
    return out


# --------------------------------------------------------------------------------------------
# Cover (not scoped by applies_to: a demand is not about one registrar)


def _cover_words(f: RosterFacts, demand: CoverDemand) -> tuple[int, str]:
    n = f.headcount(demand.date, demand.shift, demand.skill)
    who = f"{demand.skill} registrar" if demand.skill else "registrar"
    return n, f"{demand.shift} on {demand.date} has {n} {who}{'' if n == 1 else 's'}"


def check_cover_limits(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per demand: max(0, min - n) + max(0, n - max)."""
    out = []
    for demand in f.demands:
        n, words = _cover_words(f, demand)
        if n < demand.min:
            out.append(
                _make(rule, None, [demand.date], demand.min - n, f"{words}; the minimum is {demand.min}")
            )
        if n > demand.max:
            out.append(
                _make(rule, None, [demand.date], n - demand.max, f"{words}; the maximum is {demand.max}")
            )
    return out


def check_cover_target(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per demand: under_weight * shortfall + over_weight * excess (units already weighted)."""
    under, over = int(rule.params["under_weight"]), int(rule.params["over_weight"])
    out = []
    for demand in f.demands:
        n, words = _cover_words(f, demand)
        units = under * max(0, demand.target - n) + over * max(0, n - demand.target)
        if units:
            out.append(_make(rule, None, [demand.date], units, f"{words}; the target is {demand.target}"))
    return out


# --------------------------------------------------------------------------------------------
# Leave, training and requests


def check_approved_leave(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per horizon shift starting on a day of approved leave."""
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        leave = f.approved_leave.get(rid, set())
        for w in f.timeline(rid, horizon_only=True):
            if w.day in leave:
                msg = f"{rid} works {w.shift.code} on {w.day} during approved leave"
                out.append(_make(rule, rid, [w.day], 1, msg))
    return out


def check_requested_leave(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per horizon shift on a day of requested leave, priced by the leave row's weight."""
    # Interpretation: overlapping requested-leave rows each count (one unit per row and shift).
    # The leave `reason` is private and never appears in messages.
    scope = {r.registrar_id for r in f.scope(rule)}
    out = []
    for row in f.department.table("leave").itertuples(index=False):
        rid = str(row.registrar_id).strip()
        if str(row.status).strip() != "requested" or rid not in scope:
            continue
        first, last = as_date(row.start), as_date(row.end)
        weight = _row_weight(getattr(row, "weight", None), DEFAULT_LEAVE_WEIGHT)
        for w in f.timeline(rid, horizon_only=True):
            if first <= w.day <= last:
                msg = f"{rid} works {w.shift.code} on {w.day} during requested leave (weight {weight})"
                out.append(_make(rule, rid, [w.day], 1, msg, price=weight))
    return out


@dataclass(frozen=True)
class TrainingWindow:
    """A protected training window in absolute minutes."""

    name: str
    day: dt.date
    start: int
    end: int

    def describe(self) -> str:
        label = f"'{self.name}'" if self.name else "training"
        return f"{label} on {self.day} {_hhmm(self.start % 1440)}-{_hhmm(self.end % 1440)}"


def _training_windows(f: RosterFacts, reg: Registrar) -> list[TrainingWindow]:
    """Windows protecting `reg`: its own rows and rows for its grade, a skill it holds, or ALL."""
    out = []
    for row in f.department.table("training").itertuples(index=False):
        rid, group = getattr(row, "registrar_id", None), getattr(row, "group", None)
        if _blank(rid):
            group = str(group).strip()
            if group != "ALL" and group != reg.grade and group not in reg.skills:
                continue
        elif str(rid).strip() != reg.registrar_id:
            continue
        day = as_date(row.date)
        start, end = parse_hhmm(row.start), parse_hhmm(row.end)
        absolute = day.toordinal() * 1440 + start
        length = end - start if end > start else end + 1440 - start  # may pass midnight, as for shifts
        name = "" if _blank(getattr(row, "name", None)) else str(row.name)
        out.append(TrainingWindow(name, day, absolute, absolute + length))
    return out


def check_training(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per horizon shift overlapping a protected window (open intervals: touching is fine)."""
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        windows = _training_windows(f, reg)
        for w in f.timeline(rid, horizon_only=True):
            hits = [t for t in windows if w.start < t.end and t.start < w.end]
            if hits:
                msg = (
                    f"{rid} works {w.shift.code} on {w.day} ({_hhmm(w.shift.start)}-{_hhmm(w.shift.end)}), "
                    f"overlapping protected {hits[0].describe()}"
                )
                out.append(_make(rule, rid, [w.day], 1, msg))
    return out


def check_requests(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per (preference row, date) not honoured, priced by the row's weight. Notes stay private."""
    scope = {r.registrar_id for r in f.scope(rule)}
    out = []
    for pref, day, honoured in f.request_outcomes():
        if honoured or pref.registrar_id not in scope:
            continue
        rid = pref.registrar_id
        codes = "/".join(s.code for s in f.on(rid, day))
        if pref.request == "day_off":
            text = f"{rid} asked for {day} off but works {codes}"
        elif pref.request == "avoid":
            text = f"{rid} asked to avoid {pref.shift} on {day} but works {codes}"
        else:
            text = f"{rid} asked for {pref.shift} on {day} but " + (f"works {codes}" if codes else "is off")
        out.append(_make(rule, rid, [day], 1, f"{text} (weight {pref.weight})", price=pref.weight))
    return out


# --------------------------------------------------------------------------------------------
# Fairness, continuity, partners, site preference


def _measure_count(f: RosterFacts, rid: str, measure: str) -> int:
    """c_r: this horizon's nights, worked weekends, public-holiday shifts or worked minutes."""
    worked = f.timeline(rid, horizon_only=True)
    if measure == "nights":
        return sum(1 for w in worked if w.shift.kind == "night")
    if measure == "weekends":
        return sum(1 for sat in f.weekends if f.weekend_worked(rid, sat))
    if measure == "public_holidays":
        return sum(1 for w in worked if w.day in f.department.public_holidays)
    if measure == "hours":
        return sum(w.shift.minutes for w in worked)
    raise ValueError(f"unknown fairness measure {measure!r}")


def fairness_result(f: RosterFacts, rule: Rule) -> FairnessResult:
    """Counts, shares, balances and deviations (thousandths) for one fairness rule (memoised)."""
    if rule.id not in f.fairness_cache:
        f.fairness_cache[rule.id] = _compute_fairness(f, rule)
    return f.fairness_cache[rule.id]


def _compute_fairness(f: RosterFacts, rule: Rule) -> FairnessResult:
    measure = str(rule.params["measure"])
    # Registrars away for the whole horizon are left out: nothing they do this period can move them.
    scope = [r for r in f.scope(rule) if f.available_days(r.registrar_id) > 0]
    counts = {r.registrar_id: _measure_count(f, r.registrar_id, measure) for r in scope}
    fte_days = {r.registrar_id: round(_exact(r.fte) * 100) * f.available_days(r.registrar_id) for r in scope}
    total_a, total_c = sum(fte_days.values()), sum(counts.values())
    # Interpretation: with no available days at all (sum_a = 0) every share is 0.
    shares = {rid: round(Fraction(1000 * a, total_a)) if total_a else 0 for rid, a in fte_days.items()}
    scale = 60 if measure == "hours" else 1
    balances = {rid: round(f.history_total(rid, f"{measure}_balance") * scale * 1000) for rid in counts}
    deviations = {rid: balances[rid] + 1000 * counts[rid] - shares[rid] * total_c for rid in counts}
    return FairnessResult(rule.id, measure, counts, shares, balances, deviations)


def check_fairness(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Band units per registrar floor(max(0, |dev| - band) / D), spread units
    floor((max dev - min dev) / D) and deviation units floor(sum |dev| / D)."""
    # Interpretation: the two parts are reported as separate violations whose units are the raw
    # floors and whose penalty is weight * spread_weight (or deviation_weight) * units; a missing
    # or zero part weight switches that part off (no units reported).
    result = fairness_result(f, rule)
    hours = result.measure == "hours"
    d, scale, unit = (6000, 60, "hours") if hours else (100, 1, FAIRNESS_UNITS[result.measure])
    spread_weight = int(rule.params.get("spread_weight") or 0)
    deviation_weight = int(rule.params.get("deviation_weight") or 0)
    band_weight = int(rule.params.get("band_weight") or 0)
    band = round(_exact(rule.params.get("band", 0.5)) * 1000 * scale)
    out = []
    for rid, dev in result.deviations.items() if band_weight else ():
        units = max(0, abs(dev) - band) // d
        if units:
            side = "above" if dev > 0 else "below"
            shown = _fmt_number(abs(dev) / 1000 / scale)
            msg = f"{rid} is {shown} {unit} {side} an FTE-fair share of {result.measure}"
            out.append(_make(rule, rid, (), units, msg, price=band_weight))
    spread_units = result.spread_thousandths // d
    if spread_weight and spread_units:
        devs = result.deviations
        most, least = max(devs, key=devs.__getitem__), min(devs, key=devs.__getitem__)
        shown = _fmt_number(result.spread_thousandths / 1000 / scale)
        msg = f"FTE-adjusted {result.measure} spread is {shown} {unit} ({most} most, {least} least)"
        out.append(_make(rule, None, (), spread_units, msg, price=spread_weight))
    deviation_units = result.total_abs_deviation // d
    if deviation_weight and deviation_units:
        shown = _fmt_number(result.total_abs_deviation / 1000 / scale)
        msg = f"FTE-adjusted {result.measure} deviations from fair shares total {shown} {unit}"
        out.append(_make(rule, None, (), deviation_units, msg, price=deviation_weight))
    return out


def _joined(values: set[str]) -> str:
    return "/".join(sorted(values))


def check_continuity(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Kind changes, site changes between worked consecutive horizon days, and isolated days."""
    # Interpretation: on a day with several shifts, kinds (sites) "differ" when the sets differ;
    # a part whose weight is missing or zero is switched off (its units are not reported).
    weights = {key: int(rule.params.get(key) or 0) for key in ("kind_change", "site_change", "isolated")}
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        worked = f.flags(rid)
        for i in range(f.h0, len(f.days) - 1):
            day, nxt = f.days[i], f.days[i + 1]
            today, tomorrow = f.on(rid, day), f.on(rid, nxt)
            kinds = ({s.kind for s in today}, {s.kind for s in tomorrow})
            sites = ({s.site for s in today}, {s.site for s in tomorrow})
            if today and tomorrow and weights["kind_change"] and kinds[0] != kinds[1]:
                msg = f"{rid} changes from {_joined(kinds[0])} to {_joined(kinds[1])} shifts on {nxt}"
                out.append(_make(rule, rid, [day, nxt], 1, msg, price=weights["kind_change"]))
            if today and tomorrow and weights["site_change"] and sites[0] != sites[1]:
                msg = f"{rid} changes site from {_joined(sites[0])} to {_joined(sites[1])} on {nxt}"
                out.append(_make(rule, rid, [day, nxt], 1, msg, price=weights["site_change"]))
            before = worked[i - 1] if i > 0 else False  # an unknown day counts as not worked
            if weights["isolated"] and worked[i] and not before and not worked[i + 1]:
                msg = f"{rid} works an isolated single day on {day}"
                out.append(_make(rule, rid, [day], 1, msg, price=weights["isolated"]))
    return out


def check_partners(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per partner pair and horizon day where both work but on different shifts."""
    # Interpretation: a pair is in scope when both registrars are; "different shifts" compares the
    # sets of shift codes worked that day.
    scope = {r.registrar_id for r in f.scope(rule)}
    out = []
    for row in f.department.table("partners").itertuples(index=False):
        a, b = str(row.registrar_a).strip(), str(row.registrar_b).strip()
        if a not in scope or b not in scope:
            continue
        weight = _row_weight(getattr(row, "weight", None), DEFAULT_PARTNER_WEIGHT)
        for day in f.horizon.days:
            codes_a, codes_b = {s.code for s in f.on(a, day)}, {s.code for s in f.on(b, day)}
            if codes_a and codes_b and codes_a != codes_b:
                msg = (
                    f"{a} ({_joined(codes_a)}) and {b} ({_joined(codes_b)}) both work on {day} "
                    f"but on different shifts (weight {weight})"
                )
                out.append(_make(rule, a, [day], 1, msg, price=weight))
    return out


def check_site_preference(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per horizon shift at a site other than the home site."""
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        for w in f.timeline(rid, horizon_only=True):
            if w.shift.site != reg.home_site:
                msg = (
                    f"{rid} works {w.shift.code} on {w.day} at {w.shift.site}, not home site {reg.home_site}"
                )
                out.append(_make(rule, rid, [w.day], 1, msg))
    return out


CHECKS: dict[str, Callable[[RosterFacts, Rule], list[Violation]]] = {
    ONE_SHIFT_PER_DAY: check_one_shift_per_day,
    ELIGIBILITY: check_eligibility,
    "min_rest": check_min_rest,
    "max_shift_length": check_max_shift_length,
    "max_hours_rolling": check_max_hours_rolling,
    "max_avg_weekly_hours": check_max_avg_weekly_hours,
    "contract_hours": check_contract_hours,
    "total_minutes": check_total_minutes,
    "max_consecutive_days": check_max_consecutive_days,
    "min_consecutive_days": check_min_consecutive_days,
    "min_consecutive_days_off": check_min_consecutive_days_off,
    "max_consecutive_kind": check_max_consecutive_kind,
    "forbidden_succession": check_forbidden_succession,
    "max_shifts_of_type": check_max_shifts_of_type,
    "max_shifts_in_window": check_max_shifts_in_window,
    "weekend_limit": check_weekend_limit,
    "days_off_per_window": check_days_off_per_window,
    "cover_limits": check_cover_limits,
    "cover_target": check_cover_target,
    "approved_leave": check_approved_leave,
    "requested_leave": check_requested_leave,
    "training": check_training,
    "requests": check_requests,
    "fairness": check_fairness,
    "continuity": check_continuity,
    "partners": check_partners,
    "site_preference": check_site_preference,
}


def validate_roster(
    department: Department, pack: RulePack, horizon: Horizon, roster: pd.DataFrame
) -> ValidationReport:
    """Recount every rule of `pack` (plus the structural rules) on `roster` over `horizon`."""
    facts = RosterFacts(department, horizon, roster)
    unknown = sorted({r.type for r in pack.rules} - set(CHECKS))
    if unknown:
        raise ValueError(f"validator has no check for rule type(s) {unknown}")
    violations: list[Violation] = []
    rule_types: dict[str, tuple[str, bool]] = {}
    for rule in (*STRUCTURAL_RULES, *pack.rules):
        rule_types[rule.id] = (rule.type, rule.hard)
        violations.extend(CHECKS[rule.type](facts, rule))
    # Interpretation: request satisfaction counts every preference row of the department, whatever
    # the `requests` rules' applies_to says.
    outcomes = [honoured for _, _, honoured in facts.request_outcomes()]
    return ValidationReport(
        violations=violations,
        rule_types=rule_types,
        requests_total=len(outcomes),
        requests_honoured=sum(outcomes),
        fairness={r.id: fairness_result(facts, r) for r in pack.of_type("fairness")},
    )
