"""Helpers shared by the checks: the check signature, violations, message formats, selectors, runs."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from fractions import Fraction
from typing import Any

from roster_pipeline.core.rules import Rule
from roster_pipeline.validator.department import Shift
from roster_pipeline.validator.facts import RosterFacts, Selector
from roster_pipeline.validator.report import Violation
from roster_pipeline.validator.values import exact

Check = Callable[[RosterFacts, Rule], list[Violation]]


def violation(
    rule: Rule, registrar_id: str | None, dates: Iterable[dt.date], units: int, message: str, price: int = 1
) -> Violation:
    """A violation; a soft one costs weight * price * units (price = a row weight, or 1)."""
    penalty = 0 if rule.hard else rule.weight * price * units
    return Violation(
        rule.id, rule.type, rule.hard, registrar_id, tuple(dates), units, penalty, f"{message} ({rule.id})"
    )


def ceil_hours(minutes: Fraction | int) -> int:
    """ceil(minutes / 60), never negative."""
    return max(0, math.ceil(Fraction(minutes) / 60))


def fmt_hours(minutes: Fraction | int) -> str:
    """Minutes as hours for messages: 570 -> '9.5'."""
    return f"{float(minutes) / 60:.2f}".rstrip("0").rstrip(".")


def fmt_number(value: Any) -> str:
    """A parameter for messages: 40.0 -> '40'."""
    return f"{float(value):g}"


def fmt_days(days: Iterable[dt.date]) -> str:
    """'2027-02-01' or '2027-02-01 to 2027-02-07'."""
    listed = list(days)
    return listed[0].isoformat() if len(listed) == 1 else f"{listed[0]} to {listed[-1]}"


def hhmm(minute_of_day: int) -> str:
    """A minute of the day as HH:MM."""
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def as_list(value: Any) -> list[str]:
    """A selector value as a list of strings (a bare string is one item)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def selector(spec: Mapping[str, Any] | None) -> Selector:
    """A predicate for a shift selector (spec §2); empty or missing keys match everything."""
    spec = dict(spec or {})
    kinds, codes = as_list(spec.get("kinds")), as_list(spec.get("shifts"))
    sites = as_list(spec.get("sites"))
    min_minutes = None if spec.get("min_hours") is None else 60 * exact(spec["min_hours"])

    def match(shift: Shift) -> bool:
        return (
            (not kinds or shift.kind in kinds)
            and (not codes or shift.code in codes)
            and (not sites or shift.site in sites)
            and (min_minutes is None or shift.minutes >= min_minutes)
        )

    return match


def describe(spec: Mapping[str, Any] | None) -> str:
    """A selector in words, e.g. 'night shifts'."""
    spec = dict(spec or {})
    parts = []
    if spec.get("kinds"):
        parts.append("/".join(as_list(spec["kinds"])))
    if spec.get("shifts"):
        parts.append("/".join(as_list(spec["shifts"])))
    words = (" ".join(parts) + " shifts") if parts else "shifts"
    if spec.get("min_hours") is not None:
        words += f" of at least {fmt_number(spec['min_hours'])} h"
    if spec.get("sites"):
        words += " at " + "/".join(as_list(spec["sites"]))
    return words


def flag_runs(flags: list[bool]) -> Iterator[tuple[int, int]]:
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


def longest_run(flags: list[bool]) -> int:
    """Length of the longest run of True values (0 with none)."""
    return max((j - i + 1 for i, j in flag_runs(flags)), default=0)
