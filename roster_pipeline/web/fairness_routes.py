"""Fairness against FTE share, from the warehouse's SQL models (`fairness_cumulative`, written by the
pipeline): a manager sees every registrar (charts per registrar and over time, and cover by day); a
registrar sees only their own figures. Charts are Altair, drawn on the server (core.charts)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from roster_pipeline.core.charts import balance_chart, cover_chart, data_uri, over_time_chart, share_chart
from roster_pipeline.web.accounts import User
from roster_pipeline.web.auth import Manager, SignedIn, warehouse_of
from roster_pipeline.web.pages import render
from roster_pipeline.web.views import department_for, departments, records, week_of, week_roster

router = APIRouter(tags=["fairness"])
COLUMNS = (
    "week_start, registrar_id, nights_to_date, fair_nights_to_date, weekends_to_date, "
    "weekends_deviation_to_date, hours_to_date, fair_hours_to_date, nights_deviation_to_date, "
    "hours_deviation_to_date"
)


def ledger(request: Request, user: User, department: str, week: dt.date) -> pd.DataFrame:
    """Cumulative fairness per registrar and week up to `week` (a registrar: their own rows only),
    with names and the fair weekends derived; empty before the pipeline has run."""
    wh = warehouse_of(request)
    if "fairness_cumulative" not in wh.table_names():
        return pd.DataFrame()
    sql = f"SELECT {COLUMNS} FROM fairness_cumulative WHERE department = ? AND week_start <= ?"
    params: list[Any] = [department, week]
    if not user.is_manager:
        sql += " AND registrar_id = ?"
        params.append(user.registrar_id)
    frame = wh.query(sql + " ORDER BY week_start, registrar_id", params)
    names = {r.registrar_id: r.name for r in departments(request).get(department).registrars.values()}
    frame.insert(2, "name", [names.get(r, r) for r in frame["registrar_id"]])
    frame["fair_weekends_to_date"] = frame["weekends_to_date"] - frame["weekends_deviation_to_date"]
    frame["week_start"] = pd.to_datetime(frame["week_start"]).dt.date
    return frame.round(2)


def fairness_of(
    request: Request, user: User, week: dt.date | None, department: str | None = None
) -> tuple[str, dt.date, pd.DataFrame]:
    """The asker's department, the week shown (default: the first week with a roster) and the
    ledger up to it."""
    key = department_for(request, user, department)
    monday = week_of(request, user, key, week)
    return key, monday, ledger(request, user, key, monday)


def latest(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["week_start"] == frame["week_start"].max()] if len(frame) else frame


@router.get("/api/fairness", tags=["api"])
def get_fairness(
    request: Request,
    session: SignedIn,
    week: Annotated[
        dt.date | None, Query(description="up to this week; default: the week shown first")
    ] = None,
    department: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    """Nights, weekends and hours to date against the FTE share (a registrar: their own)."""
    key, monday, frame = fairness_of(request, session.user, week, department)
    return {"department": key, "week": monday.isoformat(), "fairness": records(frame)}


def _chart(chart: Any, alt_text: str) -> dict[str, str]:
    return {"src": data_uri(chart), "alt": alt_text}


@router.get("/manager/fairness", include_in_schema=False)
def manager_fairness(
    request: Request, session: Manager, week: Annotated[dt.date | None, Query()] = None
) -> Response:
    key, monday, frame = fairness_of(request, session.user, week)
    now = latest(frame)
    drawn = []
    if len(now):
        nights = now.rename(columns={"nights_to_date": "actual", "fair_nights_to_date": "fair"})
        drawn.append(
            _chart(
                share_chart(nights, "nights", "Nights to date against FTE share (tick)"),
                "nights per registrar",
            )
        )
        weekends = now.rename(columns={"weekends_to_date": "actual", "fair_weekends_to_date": "fair"})
        drawn.append(
            _chart(
                share_chart(weekends, "weekend shifts", "Weekends to date against FTE share (tick)"),
                "weekends per registrar",
            )
        )
        drawn.append(
            _chart(
                balance_chart(now, "hours_deviation_to_date", "Hours against FTE share, to date", "hours"),
                "hours balance",
            )
        )
        drawn.append(
            _chart(
                over_time_chart(
                    frame, "hours_deviation_to_date", "Hours against FTE share, week by week", "hours"
                ),
                "hours balance over time",
            )
        )
    roster = week_roster(request, session.user, key, monday, None)
    cover = pd.DataFrame(roster.get("cover", []))
    if len(cover):
        drawn.append(_chart(cover_chart(cover, "Registrars on each shift (tick: minimum)"), "cover by day"))
    table = records(now.drop(columns=["registrar_id"])) if len(now) else []
    return render(request, "fairness.html", session, week=monday, charts=drawn, rows=table, own=False)


@router.get("/me/fairness", include_in_schema=False)
def my_fairness(
    request: Request, session: SignedIn, week: Annotated[dt.date | None, Query()] = None
) -> Response:
    key, monday, frame = fairness_of(request, session.user, week)
    drawn = []
    if len(frame):
        long = frame.melt(
            id_vars=["week_start"],
            value_vars=["nights_deviation_to_date", "weekends_deviation_to_date", "hours_deviation_to_date"],
            var_name="name",
            value_name="balance",
        )
        long["name"] = long["name"].str.replace("_deviation_to_date", "", regex=False)
        drawn.append(
            _chart(
                over_time_chart(
                    long,
                    "balance",
                    "My balance against my FTE share, week by week",
                    "above (+) or below (-) share",
                ),
                "my balance over time",
            )
        )
    table = records(latest(frame).drop(columns=["registrar_id"])) if len(frame) else []
    return render(request, "fairness.html", session, week=monday, charts=drawn, rows=table, own=True)
