"""Checks across tables (and across rows of `cover`), run on frames already parsed per table.

Frames keep their position labels, so `row_number(label)` is the sheet/CSV row. A check whose
reference table is absent or empty is skipped: that table's own problem is reported instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import combinations

import pandas as pd

from data_contracts.cells import WEEKDAYS, show
from data_contracts.models import SHIFT_KINDS
from data_contracts.problems import Problem
from data_contracts.tables import row_number

Tables = dict[str, pd.DataFrame]

REGISTRAR_REFS = (
    ("leave", "registrar_id"),
    ("preferences", "registrar_id"),
    ("training", "registrar_id"),
    ("partners", "registrar_a"),
    ("partners", "registrar_b"),
    ("history", "registrar_id"),
    ("history_totals", "registrar_id"),
    ("events", "registrar_id"),
)


def cross_table_problems(tables: Tables) -> list[Problem]:
    """Every cross-table problem: references, sites, skills, groups and cover clashes."""
    return [
        *registrar_references(tables),
        *shift_references(tables),
        *site_problems(tables),
        *skill_and_group_references(tables),
        *cover_clashes(tables),
    ]


def filled(tables: Tables, table: str, column: str) -> Iterator[tuple[int, object]]:
    """(row number, value) for each non-blank cell of a column; nothing if the table is absent."""
    frame = tables.get(table)
    if frame is None or column not in frame.columns:
        return
    for label, value in frame[column].dropna().items():
        yield row_number(label), value


def values(tables: Tables, table: str, column: str) -> set[object]:
    """The set of non-blank values of a column."""
    return {value for _, value in filled(tables, table, column)}


def list_items(tables: Tables, table: str, column: str) -> set[str]:
    """Every item of a `|`-list column."""
    return {item for _, cell in filled(tables, table, column) for item in str(cell).split("|")}


def registrar_references(tables: Tables) -> Iterator[Problem]:
    """Every registrar referenced by another table exists in registrars."""
    known = values(tables, "registrars", "registrar_id")
    if not known:
        return
    for table, column in REGISTRAR_REFS:
        for row, value in filled(tables, table, column):
            if value not in known:
                yield Problem(table, row, column, f"{column} {show(value)} is not in registrars")


def shift_references(tables: Tables) -> Iterator[Problem]:
    """cover.shift and history.shift are shift codes; preferences.shift is a code or a kind."""
    codes = values(tables, "shift_types", "code")
    if not codes:
        return
    tables_allowed = (
        ("cover", codes),
        ("history", codes),
        ("events", codes),
        ("preferences", codes | set(SHIFT_KINDS)),
    )
    for table, allowed in tables_allowed:
        for row, value in filled(tables, table, "shift"):
            if value not in allowed:
                kinds = " or a shift kind" if table == "preferences" else ""
                yield Problem(table, row, "shift", f"shift {show(value)} is not a shift_types code{kinds}")


def site_problems(tables: Tables) -> Iterator[Problem]:
    """Registrar sites are sites of some shift type; a cover row's site is its shift's site."""
    shifts = tables.get("shift_types")
    if shifts is None or shifts.empty:
        return
    site_of = dict(zip(shifts["code"], shifts["site"], strict=True))
    known = {site for site in site_of.values() if isinstance(site, str)}
    if not known:
        return
    for row, site in filled(tables, "registrars", "home_site"):
        if site not in known:
            yield Problem(
                "registrars", row, "home_site", f"home_site {show(site)} is not a site of any shift type"
            )
    for row, cell in filled(tables, "registrars", "sites"):
        for site in str(cell).split("|"):
            if site not in known:
                yield Problem(
                    "registrars", row, "sites", f"site {show(site)} is not a site of any shift type"
                )
    for table in ("cover", "events"):
        frame = tables.get(table)
        if frame is None:
            continue
        for label, site, shift in zip(frame.index, frame["site"], frame["shift"], strict=True):
            expected = site_of.get(shift)
            if isinstance(site, str) and isinstance(expected, str) and site != expected:
                message = f"site {show(site)} is not the site of shift {show(shift)} ({show(expected)})"
                yield Problem(table, row_number(label), "site", message)


def skill_and_group_references(tables: Tables) -> Iterator[Problem]:
    """cover.skill is held by some registrar; training.group is ALL, a grade or a skill."""
    if not values(tables, "registrars", "registrar_id"):
        return
    skills = list_items(tables, "registrars", "skills")
    for row, skill in filled(tables, "cover", "skill"):
        if skill not in skills:
            yield Problem("cover", row, "skill", f"skill {show(skill)} is held by no registrar")
    groups = {"ALL"} | skills | values(tables, "registrars", "grade")
    for row, group in filled(tables, "training", "group"):
        if group not in groups:
            yield Problem("training", row, "group", f"group {show(group)} is not ALL, a grade or a skill")


def cover_match(date: object, days: object) -> tuple[int, frozenset[object]] | None:
    """A cover row's rank (§1: date 3, weekday names 2, weekday/weekend 1, all 0) and matched days."""
    if isinstance(date, dt.date) == isinstance(days, str):
        return None  # neither or both set: reported by the Cover model
    if isinstance(date, dt.date):
        return 3, frozenset([date])
    if days == "all":
        return 0, frozenset(WEEKDAYS)
    if days in ("weekday", "weekend"):
        return 1, frozenset(WEEKDAYS[:5] if days == "weekday" else WEEKDAYS[5:])
    names = days.split("|")
    return (2, frozenset(names)) if set(names) <= set(WEEKDAYS) else None


def cover_clashes(tables: Tables) -> Iterator[Problem]:
    """Two cover rows of equal rank matching the same (day, shift, skill) are ambiguous."""
    cover = tables.get("cover")
    if cover is None or cover.empty:
        return
    for _, group in cover.groupby(["shift", cover["skill"].fillna("")]):
        for (a, row_a), (b, row_b) in combinations(group.iterrows(), 2):
            match_a, match_b = (
                cover_match(row_a["date"], row_a["days"]),
                cover_match(row_b["date"], row_b["days"]),
            )
            if match_a is None or match_b is None or match_a[0] != match_b[0]:
                continue
            common = match_a[1] & match_b[1]
            if common:
                yield clash_problem(row_number(a), row_a, row_number(b), row_b, match_a[0], common)


def clash_problem(
    first: int, row_a: pd.Series, later: int, row_b: pd.Series, rank: int, common: frozenset[object]
) -> Problem:
    """The problem for two clashing cover rows, reported on the later row."""
    column = "date" if rank == 3 else "days"
    if rank == 3:
        on = ", ".join(sorted(str(day) for day in common))
    else:
        on = "every day" if len(common) == 7 else "|".join(day for day in WEEKDAYS if day in common)
    skill = f", skill {show(row_b['skill'])}" if isinstance(row_b["skill"], str) else " (no skill)"
    message = (
        f"{column} {show(row_b[column])} clashes with row {first} ({show(row_a[column])}) for shift "
        f"{show(row_b['shift'])}{skill}: cover rows of equal rank both match {on}"
    )
    return Problem("cover", later, column, message)
