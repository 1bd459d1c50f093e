"""Leave rules: approved leave, requested leave, protected training windows."""

from __future__ import annotations

import datetime as dt

from roster_pipeline.core.domain import as_date, is_blank
from roster_pipeline.core.rules import Rule
from roster_pipeline.solver.constraints.common import Poster, days_between
from roster_pipeline.solver.model import ONE_DAY, RosterModel


def post_approved_leave(m: RosterModel, rule: Rule) -> None:
    for rid in m.registrars_for(rule):
        for day in sorted(m.approved_leave.get(rid, set())):
            if day in m.horizon:
                for _, lit in m.day_shift_lits(rid, day):
                    m.forbid(rule, [lit], group=("leave", rid))


def post_requested_leave(m: RosterModel, rule: Rule) -> None:
    scope = set(m.registrars_for(rule))
    for row in m.department.table("leave").itertuples(index=False):
        rid = str(row.registrar_id)
        if str(row.status) != "requested" or rid not in scope:
            continue
        weight = 10 if is_blank(getattr(row, "weight", None)) else int(float(row.weight))
        for day in days_between(as_date(row.start), as_date(row.end)):
            if day in m.horizon:
                for _, lit in m.day_shift_lits(rid, day):
                    m.forbid(rule, [lit], price=weight)


def training_windows(m: RosterModel) -> list[tuple[str, dt.datetime, dt.datetime, str]]:
    """(registrar, start, end, name) for every protected training window."""
    out = []
    for row in m.department.table("training").itertuples(index=False):
        day = as_date(row.date)
        start = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=_hhmm(row.start))
        end = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=_hhmm(row.end))
        if end <= start:
            end += ONE_DAY
        name = "" if is_blank(getattr(row, "name", None)) else str(row.name)
        for rid in _training_registrars(m, row):
            out.append((rid, start, end, name))
    return out


def _hhmm(value: str) -> int:
    hours, minutes = str(value).split(":")[:2]
    return int(hours) * 60 + int(minutes)


def _training_registrars(m: RosterModel, row: tuple) -> list[str]:
    """The registrar a training row names, or every registrar of its group (ALL, grade or skill)."""
    if not is_blank(getattr(row, "registrar_id", None)):
        return [str(row.registrar_id)]
    group = str(row.group)
    return [
        rid
        for rid, reg in m.registrars.items()
        if group == "ALL" or reg.grade == group or group in reg.skills
    ]


def post_training(m: RosterModel, rule: Rule) -> None:
    scope = set(m.registrars_for(rule))
    for rid, start, end, name in training_windows(m):
        if rid not in scope:
            continue
        # a window within one day: the day before and the start day, once each (not the end day again)
        for day in sorted({start.date() - ONE_DAY, start.date(), end.date()}):
            if day not in m.horizon:
                continue
            for code, lit in m.day_shift_lits(rid, day):
                shift_start, shift_end = m.shifts[code].interval(day)
                if shift_start < end and start < shift_end:
                    m.forbid(rule, [lit], group=("training", rid, start.date(), name))


POSTERS: dict[str, Poster] = {
    "approved_leave": post_approved_leave,
    "requested_leave": post_requested_leave,
    "training": post_training,
}
