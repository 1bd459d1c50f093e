"""One pandera DataFrameModel per department table (docs/engine-spec.md, section 1).

Cells are parsed into the declared types before validation (see `data_contracts.tables`), so the
models run with `coerce = False` and check what is left: blanks, ranges, allowed values, formats,
unique keys and row rules. Column metadata `{"parse": ...}` picks a special cell parser; otherwise
the parser follows the dtype. Dataframe checks use `name` for the column a problem is reported
on and `error` as a message template filled with the row's values.
"""

from collections.abc import Callable, Iterable

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from data_contracts.cells import DAY_KEYWORDS, WEEKDAYS
from data_contracts.vocabulary import (
    EVENT_TYPES,
    LEAVE_STATUSES,
    LEAVE_TYPES,
    REQUESTS,
    REQUIRED_TABLES,
    SHIFT_KINDS,
    TABLES,
)

HHMM = r"([01]\d|2[0-3]):[0-5]\d"
EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"

TIME = {"parse": "time"}
TIMESTAMP = {"parse": "timestamp"}
LOWER = {"parse": "lower"}
ITEMS = {"parse": "items"}
DAYS = {"parse": "days"}

RowTest = Callable[[pd.DataFrame], Iterable[bool]]


def where_filled(df: pd.DataFrame, columns: list[str], test: RowTest) -> pd.Series:
    """Apply a row test to rows whose `columns` are all filled; rows with a blank pass."""
    ok = pd.Series(True, index=df.index)
    filled = df[columns].notna().all(axis=1)
    if filled.any():
        ok[filled] = list(test(df[filled]))
    return ok


def first_of_key(df: pd.DataFrame, columns: list[str]) -> pd.Series:
    """False for rows repeating the key of an earlier row (rows with a blank key pass)."""
    return ~(df[columns].duplicated(keep="first") & df[columns].notna().all(axis=1))


def valid_days(pattern: str) -> bool:
    """True for `all`, `weekday`, `weekend` or a `|`-list of weekday names."""
    items = pattern.split("|")
    return pattern in DAY_KEYWORDS or all(item in WEEKDAYS for item in items)


class _Table(pa.DataFrameModel):
    class Config:
        coerce = False
        strict = False


class Registrars(_Table):
    """Registrars who can be rostered; key registrar_id."""

    registrar_id: Series[str]
    name: Series[str]
    grade: Series[str]
    home_site: Series[str]
    sites: Series[str] = pa.Field(metadata=ITEMS)
    skills: Series[str] | None = pa.Field(nullable=True, metadata=ITEMS)
    fte: Series[float] = pa.Field(gt=0, le=1)
    contract_hours: Series[float] | None = pa.Field(nullable=True, gt=0, le=100)
    email: Series[str] | None = pa.Field(nullable=True)

    @pa.check("email", error="is not an e-mail address")
    def email_format(cls, s: pd.Series) -> pd.Series:
        return s.str.fullmatch(EMAIL)

    @pa.dataframe_check(name="registrar_id", error="registrar_id {registrar_id} is listed more than once")
    def unique_id(cls, df: pd.DataFrame) -> pd.Series:
        return first_of_key(df, ["registrar_id"])

    @pa.dataframe_check(name="home_site", error="home_site {home_site} is not in sites {sites}")
    def home_in_sites(cls, df: pd.DataFrame) -> pd.Series:
        return where_filled(
            df,
            ["home_site", "sites"],
            lambda d: (h in s.split("|") for h, s in zip(d.home_site, d.sites, strict=True)),
        )


class ShiftTypes(_Table):
    """Shift types; key code. `end <= start` means the shift ends the next day."""

    code: Series[str]
    site: Series[str]
    start: Series[str] = pa.Field(metadata=TIME)
    end: Series[str] = pa.Field(metadata=TIME)
    kind: Series[str] = pa.Field(isin=SHIFT_KINDS, metadata=LOWER)
    skills: Series[str] | None = pa.Field(nullable=True, metadata=ITEMS)

    @pa.check("start", "end", error="is not a time HH:MM (24 h)")
    def hhmm(cls, s: pd.Series) -> pd.Series:
        return s.str.fullmatch(HHMM)

    @pa.check("code", error="is a shift kind name; preferences could not tell the two apart")
    def code_not_kind(cls, s: pd.Series) -> pd.Series:
        return ~s.isin(SHIFT_KINDS)

    @pa.dataframe_check(name="code", error="code {code} is listed more than once")
    def unique_code(cls, df: pd.DataFrame) -> pd.Series:
        return first_of_key(df, ["code"])


class Cover(_Table):
    """Cover demand for one `date` or a `days` pattern, per shift and optional skill."""

    date: Series[pa.Date] | None = pa.Field(nullable=True)
    days: Series[str] | None = pa.Field(nullable=True, metadata=DAYS)
    site: Series[str]
    shift: Series[str]
    skill: Series[str] | None = pa.Field(nullable=True)
    min: Series[int] = pa.Field(ge=0)
    target: Series[int] = pa.Field(ge=0)
    max: Series[int] = pa.Field(ge=0)

    @pa.check("days", error="is not all, weekday, weekend or weekday names such as Mon|Wed")
    def days_pattern(cls, s: pd.Series) -> pd.Series:
        return s.map(valid_days)

    @pa.dataframe_check(name="days", error="set either date or days")
    def date_or_days(cls, df: pd.DataFrame) -> pd.Series:
        return df["date"].notna() | df["days"].notna()

    @pa.dataframe_check(name="days", error="date {date} and days {days} are both set; use one of them")
    def not_date_and_days(cls, df: pd.DataFrame) -> pd.Series:
        return ~(df["date"].notna() & df["days"].notna())

    @pa.dataframe_check(name="min", error="min {min} is above target {target}")
    def min_le_target(cls, df: pd.DataFrame) -> pd.Series:
        return where_filled(df, ["min", "target"], lambda d: d["min"] <= d["target"])

    @pa.dataframe_check(name="max", error="max {max} is below target {target}")
    def target_le_max(cls, df: pd.DataFrame) -> pd.Series:
        return where_filled(df, ["target", "max"], lambda d: d["target"] <= d["max"])


class Leave(_Table):
    """Leave over inclusive `start..end`."""

    registrar_id: Series[str]
    start: Series[pa.Date]
    end: Series[pa.Date]
    type: Series[str] = pa.Field(isin=LEAVE_TYPES, metadata=LOWER)
    status: Series[str] = pa.Field(isin=LEAVE_STATUSES, metadata=LOWER)
    weight: Series[float] | None = pa.Field(nullable=True, ge=0)
    reason: Series[str] | None = pa.Field(nullable=True)

    @pa.check("weight", error="is not a whole number")
    def whole_weight(cls, s: pd.Series) -> pd.Series:
        return s % 1 == 0

    @pa.dataframe_check(name="end", error="end {end} is before start {start}")
    def end_after_start(cls, df: pd.DataFrame) -> pd.Series:
        return where_filled(df, ["start", "end"], lambda d: d["end"] >= d["start"])


class Preferences(_Table):
    """Requests over inclusive `start..end` (blank `end` means `start`)."""

    registrar_id: Series[str]
    start: Series[pa.Date]
    end: Series[pa.Date] | None = pa.Field(nullable=True)
    request: Series[str] = pa.Field(isin=REQUESTS, metadata=LOWER)
    shift: Series[str] | None = pa.Field(nullable=True)
    weight: Series[int] = pa.Field(ge=0)
    note: Series[str] | None = pa.Field(nullable=True)

    @pa.dataframe_check(name="end", error="end {end} is before start {start}")
    def end_after_start(cls, df: pd.DataFrame) -> pd.Series:
        return where_filled(df, ["start", "end"], lambda d: d["end"] >= d["start"])

    @pa.dataframe_check(name="shift", error="shift is required for request {request}")
    def shift_unless_day_off(cls, df: pd.DataFrame) -> pd.Series:
        return df["shift"].notna() | ~df["request"].isin(("prefer", "avoid"))


class Training(_Table):
    """Protected time for one registrar or a group (a grade, a skill or ALL)."""

    registrar_id: Series[str] | None = pa.Field(nullable=True)
    group: Series[str] | None = pa.Field(nullable=True)
    date: Series[pa.Date]
    start: Series[str] = pa.Field(metadata=TIME)
    end: Series[str] = pa.Field(metadata=TIME)
    name: Series[str] | None = pa.Field(nullable=True)

    @pa.check("start", "end", error="is not a time HH:MM (24 h)")
    def hhmm(cls, s: pd.Series) -> pd.Series:
        return s.str.fullmatch(HHMM)

    @pa.dataframe_check(name="group", error="set either registrar_id or group")
    def registrar_or_group(cls, df: pd.DataFrame) -> pd.Series:
        return df["registrar_id"].notna() | df["group"].notna()

    @pa.dataframe_check(
        name="group", error="group {group} and registrar_id {registrar_id} are both set; use one"
    )
    def not_registrar_and_group(cls, df: pd.DataFrame) -> pd.Series:
        return ~(df["registrar_id"].notna() & df["group"].notna())

    @pa.dataframe_check(name="end", error="end {end} equals start {start}; the window would be empty")
    def end_differs(cls, df: pd.DataFrame) -> pd.Series:
        return where_filled(df, ["start", "end"], lambda d: d["end"] != d["start"])


class Partners(_Table):
    """Pairs who prefer to work together; key (registrar_a, registrar_b) in either order."""

    registrar_a: Series[str]
    registrar_b: Series[str]
    weight: Series[float] | None = pa.Field(nullable=True, ge=0)

    @pa.check("weight", error="is not a whole number")
    def whole_weight(cls, s: pd.Series) -> pd.Series:
        return s % 1 == 0

    @pa.dataframe_check(name="registrar_b", error="registrar_b {registrar_b} is the same as registrar_a")
    def two_people(cls, df: pd.DataFrame) -> pd.Series:
        return where_filled(df, ["registrar_a", "registrar_b"], lambda d: d.registrar_a != d.registrar_b)

    @pa.dataframe_check(
        name="registrar_b", error="pair {registrar_a} and {registrar_b} is listed more than once"
    )
    def unique_pair(cls, df: pd.DataFrame) -> pd.Series:
        pairs = [
            tuple(sorted((a, b))) if isinstance(a, str) and isinstance(b, str) else None
            for a, b in zip(df["registrar_a"], df["registrar_b"], strict=True)
        ]
        keys = pd.DataFrame({"pair": pairs}, index=df.index)
        return first_of_key(keys, ["pair"])


class History(_Table):
    """Assignments before the horizon; key (registrar_id, date)."""

    registrar_id: Series[str]
    date: Series[pa.Date]
    shift: Series[str]

    @pa.dataframe_check(name="date", error="registrar_id {registrar_id} already has a row on {date}")
    def unique_day(cls, df: pd.DataFrame) -> pd.Series:
        return first_of_key(df, ["registrar_id", "date"])


class HistoryTotals(_Table):
    """Cumulative counts and fairness balances before the horizon; missing values mean 0."""

    registrar_id: Series[str]
    nights: Series[float] | None = pa.Field(nullable=True, ge=0)
    weekends: Series[float] | None = pa.Field(nullable=True, ge=0)
    public_holidays: Series[float] | None = pa.Field(nullable=True, ge=0)
    hours: Series[float] | None = pa.Field(nullable=True, ge=0)
    nights_balance: Series[float] | None = pa.Field(nullable=True)
    weekends_balance: Series[float] | None = pa.Field(nullable=True)
    public_holidays_balance: Series[float] | None = pa.Field(nullable=True)
    hours_balance: Series[float] | None = pa.Field(nullable=True)

    @pa.check("nights", "weekends", "public_holidays", error="is not a whole number")
    def whole_counts(cls, s: pd.Series) -> pd.Series:
        return s % 1 == 0

    @pa.dataframe_check(name="registrar_id", error="registrar_id {registrar_id} is listed more than once")
    def unique_id(cls, df: pd.DataFrame) -> pd.Series:
        return first_of_key(df, ["registrar_id"])


class PublicHolidays(_Table):
    """Public holidays; key date."""

    date: Series[pa.Date]
    name: Series[str] | None = pa.Field(nullable=True)

    @pa.dataframe_check(name="date", error="date {date} is listed more than once")
    def unique_date(cls, df: pd.DataFrame) -> pd.Series:
        return first_of_key(df, ["date"])


class Events(_Table):
    """Changes to a published roster (docs/living-roster.md): sick and unavailable registrars over
    `start..end` (blank `end`: `start`; `shift` for a single shift), extra cover (`count` more on
    `shift`), training, cancelled leave; `reported_at` freezes the roster before it; `note` is
    private to the registrar and managers. Key event_id."""

    event_id: Series[str]
    type: Series[str] = pa.Field(isin=EVENT_TYPES, metadata=LOWER)
    registrar_id: Series[str] | None = pa.Field(nullable=True)
    start: Series[pa.Date]
    end: Series[pa.Date] | None = pa.Field(nullable=True)
    shift: Series[str] | None = pa.Field(nullable=True)
    site: Series[str] | None = pa.Field(nullable=True)
    count: Series[float] | None = pa.Field(nullable=True, ge=1)
    reported_at: Series[object] = pa.Field(metadata=TIMESTAMP)
    note: Series[str] | None = pa.Field(nullable=True)

    @pa.check("count", error="is not a whole number")
    def whole_count(cls, s: pd.Series) -> pd.Series:
        return s % 1 == 0

    @pa.dataframe_check(name="event_id", error="event_id {event_id} is listed more than once")
    def unique_id(cls, df: pd.DataFrame) -> pd.Series:
        return first_of_key(df, ["event_id"])

    @pa.dataframe_check(name="end", error="end {end} is before start {start}")
    def end_after_start(cls, df: pd.DataFrame) -> pd.Series:
        return where_filled(df, ["start", "end"], lambda d: d["end"] >= d["start"])

    @pa.dataframe_check(name="registrar_id", error="registrar_id is required for a {type} event")
    def registrar_unless_cover(cls, df: pd.DataFrame) -> pd.Series:
        return df["registrar_id"].notna() | (df["type"] == "extra_cover") | df["type"].isna()

    @pa.dataframe_check(name="shift", error="shift is required for an extra_cover event")
    def shift_for_cover(cls, df: pd.DataFrame) -> pd.Series:
        return df["shift"].notna() | (df["type"] != "extra_cover")

    @pa.dataframe_check(name="count", error="count is required for an extra_cover event")
    def count_for_cover(cls, df: pd.DataFrame) -> pd.Series:
        return df["count"].notna() | (df["type"] != "extra_cover")


TABLE_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "registrars": Registrars,
    "shift_types": ShiftTypes,
    "cover": Cover,
    "leave": Leave,
    "preferences": Preferences,
    "training": Training,
    "partners": Partners,
    "history": History,
    "history_totals": HistoryTotals,
    "public_holidays": PublicHolidays,
    "events": Events,
}
assert tuple(TABLE_MODELS) == TABLES, "every table of the vocabulary has exactly one model"
__all__ = [
    "TABLE_MODELS",
    "TABLES",
    "REQUIRED_TABLES",
    "SHIFT_KINDS",
    "LEAVE_TYPES",
    "LEAVE_STATUSES",
    "REQUESTS",
]
