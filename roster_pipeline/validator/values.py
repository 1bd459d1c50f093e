"""Exact numbers and day ranges: how the validator reads numeric cells and walks dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from data_contracts.cells import is_blank

DAY = dt.timedelta(days=1)


def exact(value: Any) -> Fraction:
    """The intended decimal value of a number (removes float noise such as 40 * 0.7)."""
    return Fraction(value).limit_denominator(10**6) if isinstance(value, float) else Fraction(str(value))


def row_weight(value: Any, default: int) -> int:
    """A per-row weight cell, `default` when blank."""
    return default if is_blank(value) else int(exact(float(value)))


def days_between(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """Every date from `first` to `last`, both included."""
    day = first
    while day <= last:
        yield day
        day += DAY
