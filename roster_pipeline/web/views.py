"""What pages and the JSON API both need: the department a user may look at, the week asked for, and
the week's roster as plain rows (names, times and absences as the reader may see them)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from fastapi import HTTPException, Request

from roster_pipeline.core.domain import Horizon
from roster_pipeline.planning.weekly import cover_rows
from roster_pipeline.web.accounts import User
from roster_pipeline.web.rosters import (
    Departments,
    NotFound,
    absences,
    default_week,
    monday,
    version_for_week,
    week_cells,
)


def departments(request: Request) -> Departments:
    return request.app.state.departments


def department_for(request: Request, user: User, asked: str | None) -> str:
    """The department `user` may read: the one asked for (403 if it is not theirs), else theirs, else
    the first one."""
    keys = departments(request).keys()
    if asked is not None and asked not in keys:
        raise NotFound(f"no department {asked!r}")
    chosen = asked or user.department or (keys[0] if keys else None)
    if chosen is None:
        raise NotFound("no department is configured (ROSTER_DEPARTMENT)")
    if user.department is not None and chosen != user.department:
        raise HTTPException(403, f"you may not see department {chosen!r}")
    return chosen


def week_of(request: Request, user: User, department: str, asked: dt.date | None) -> dt.date:
    """The Monday of the week asked for, else the week to show first (rosters.default_week)."""
    if asked is not None:
        return monday(asked)
    return default_week(
        request.app.state.warehouse, department, request.app.state.config.clock().date(), user
    )


def _plain(value: Any) -> Any:
    """A cell as JSON: dates in ISO form, numpy scalars as Python numbers, missing as None."""
    if hasattr(value, "item") and not isinstance(value, dt.date):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def records(frame) -> list[dict[str, Any]]:  # noqa: ANN001 - a DataFrame
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def week_roster(request: Request, user: User, department: str, week: dt.date, registrar: str | None) -> dict:
    """The week's roster as `user` may read it: version, cells, absences and (managers) cover."""
    wh = request.app.state.warehouse
    dept = departments(request).get(department)
    if registrar is not None and registrar not in dept.registrars:
        raise NotFound(f"no registrar {registrar!r} in {department}")
    version = version_for_week(wh, department, week, user)
    last = week + dt.timedelta(days=6)
    away = absences(dept, department, week, last, user)
    if registrar is not None:
        away = away[away["registrar_id"] == registrar]
    out: dict[str, Any] = {
        "department": department,
        "week": week.isoformat(),
        "days": [(week + dt.timedelta(days=i)).isoformat() for i in range(7)],
        "version": None,
        "cells": [],
        "absences": records(away),
    }
    if version is None:
        return out
    cells = week_cells(wh, dept, version, week, registrar)
    out["version"] = {"version_id": version.version_id, "state": version.state}
    out["cells"] = records(cells)
    if user.is_manager and registrar is None:
        everyone = week_cells(wh, dept, version, week)
        cover = cover_rows(dept, Horizon(week, 1), everyone[["registrar_id", "date", "shift"]])
        out["cover"] = records(cover[cover["max"] > 0]) if len(cover) else []
    return out
