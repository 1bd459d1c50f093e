"""Cell-level parsing of spreadsheet values (CSV strings or Excel datetimes/numbers).

Each parser returns the parsed value, `NA` for a blank cell, or raises `ValueError` with a short
phrase (e.g. "is not a date YYYY-MM-DD") when the cell cannot be read as that type.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from data_contracts.vocabulary import DAY_KEYWORDS, WEEKDAYS  # noqa: F401 - re-exported

NA = np.nan

_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?")
_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")
_LOOSE_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::00)?")
_WHOLE = re.compile(r"[+-]?\d+(?:\.0*)?")
# No count, weight, hour or balance of a department comes near this; larger numbers are typing
# errors, and would overflow pandas' int64 columns or the solver's integer arithmetic.
LARGEST = 10**9
Number = TypeVar("Number", int, float)


def is_blank(value: object) -> bool:
    """True for None, NaN/NaT/NA and whitespace-only strings."""
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def show(value: object) -> str:
    """A cell value as shown in messages: strings quoted, dates ISO, whole floats without '.0'."""
    if is_blank(value):
        return "blank"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_text(value: object) -> object:
    """A trimmed string; whole numbers (Excel ints/floats such as 101.0) become '101'."""
    if is_blank(value):
        return NA
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def parse_lower(value: object) -> object:
    """A trimmed, lower-cased string (for allowed-value columns such as `kind`)."""
    text = parse_text(value)
    return text.lower() if isinstance(text, str) else text


def parse_items(value: object) -> object:
    """A `|`-separated list re-joined with no blanks or padding: ' a | b|' -> 'a|b'."""
    text = parse_text(value)
    if not isinstance(text, str):
        return text
    items = [p.strip() for p in text.split("|") if p.strip()]
    return "|".join(items) if items else NA


def parse_days(value: object) -> object:
    """A cover `days` pattern with canonical case: 'ALL' -> 'all', 'mon|WED' -> 'Mon|Wed'."""
    text = parse_items(value)
    if not isinstance(text, str):
        return text
    return "|".join(_canonical_day(p) for p in text.split("|"))


def _canonical_day(item: str) -> str:
    lowered = item.lower()
    if lowered in DAY_KEYWORDS:
        return lowered
    titled = lowered.title()
    return titled if titled in WEEKDAYS else item


def parse_time(value: object) -> object:
    """'HH:MM' from a time, datetime or 'H:MM[:00]' string; other strings are left for the schema."""
    if is_blank(value):
        return NA
    if isinstance(value, dt.datetime | pd.Timestamp):
        value = value.time()
    if isinstance(value, dt.time):
        if value.second or value.microsecond:
            raise ValueError("has seconds; use HH:MM")
        return f"{value.hour:02d}:{value.minute:02d}"
    text = parse_text(value)
    match = _LOOSE_TIME.fullmatch(text) if isinstance(text, str) else None
    return f"{int(match[1]):02d}:{match[2]}" if match else text


def parse_date(value: object) -> object:
    """A `datetime.date` from an ISO 'YYYY-MM-DD' string or an Excel date/datetime at midnight."""
    if is_blank(value):
        return NA
    if isinstance(value, dt.datetime | pd.Timestamp):
        if value.time() != dt.time():
            raise ValueError("has a time of day; expected a date YYYY-MM-DD")
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _ISO_DATE.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError("is not a date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(match[1])
    except ValueError:
        raise ValueError("is not a valid calendar date") from None


def parse_timestamp(value: object) -> object:
    """A `datetime.datetime` (to the second) from an Excel date-time or 'YYYY-MM-DD HH:MM[:SS]'
    (a 'T' separator accepted)."""
    if is_blank(value):
        return NA
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0, tzinfo=None)
    match = _TIMESTAMP.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError("is not a date and time YYYY-MM-DD HH:MM")
    try:
        day = dt.date.fromisoformat(match[1])
        return dt.datetime.combine(day, dt.time(int(match[2]), int(match[3]), int(match[4] or 0)))
    except ValueError:
        raise ValueError("is not a valid date and time") from None


def parse_int(value: object) -> object:
    """An int from an int, a whole float (3.0) or a string such as '3' or '3.0'."""
    if is_blank(value):
        return NA
    if isinstance(value, bool | np.bool_):
        raise ValueError("is not a whole number")
    if isinstance(value, int | np.integer):
        return _in_range(int(value))
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return _in_range(int(value))
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        return _in_range(int(value.strip().split(".")[0]))
    raise ValueError("is not a whole number")


def _in_range(number: Number) -> Number:
    """The number, or `ValueError` when its size is beyond `LARGEST` (see there)."""
    if abs(number) > LARGEST:
        raise ValueError(f"is too large (the limit is {LARGEST:,})")
    return number


def parse_float(value: object) -> object:
    """A finite float from a number or a numeric string."""
    if is_blank(value):
        return NA
    if isinstance(value, bool | np.bool_):
        raise ValueError("is not a number")
    try:
        number = float(value.strip() if isinstance(value, str) else value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError("is not a number") from None
    except OverflowError:
        number = math.inf
    if math.isnan(number):
        raise ValueError("is not a number")
    if math.isinf(number):
        raise ValueError(f"is too large (the limit is {LARGEST:,})")
    return _in_range(number)


Parser = Callable[[object], object]

PARSERS: dict[str, Parser] = {
    "text": parse_text,
    "lower": parse_lower,
    "items": parse_items,
    "days": parse_days,
    "time": parse_time,
    "date": parse_date,
    "timestamp": parse_timestamp,
    "int": parse_int,
    "float": parse_float,
}
