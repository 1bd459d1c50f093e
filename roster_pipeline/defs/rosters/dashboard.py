"""Metadata for the managers' fairness dashboard in the Dagster UI (numbers cast to plain int/float)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import dagster as dg
import pandas as pd

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _num(value: Any) -> float | None:
    """A plain float the UI can plot, or None where the warehouse holds NULL (undefined)."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _md(frame: pd.DataFrame) -> dg.MetadataValue:
    return dg.MetadataValue.md(
        frame.to_markdown(index=False, floatfmt=".2f") if not frame.empty else "_none_"
    )


def calendar_grid(assignments: pd.DataFrame, registrars: list[str], week: dt.date) -> pd.DataFrame:
    """Registrars x days of the week, with shift codes (blank = off)."""
    days = [week + dt.timedelta(days=i) for i in range(7)]
    cells = {
        (r, pd.Timestamp(d).date()): s
        for r, d, s in assignments[["registrar_id", "date", "shift"]].itertuples(False)
    }
    rows = [
        {
            "registrar": rid,
            **{f"{DAY_NAMES[i]} {d.day:02d}": cells.get((rid, d), "") for i, d in enumerate(days)},
        }
        for rid in registrars
    ]
    return pd.DataFrame(rows)


def _named(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The frame with registrars shown by name (first column), ids kept out of a manager's view."""
    out = frame.copy()
    out.insert(0, "registrar", [names.get(r, r) for r in out.pop("registrar_id")])
    return out


def week_metadata(
    wh: Any, department: str, week: dt.date, names: dict[str, str] | None = None
) -> dict[str, Any]:
    """Per-week and cumulative fairness tables, the calendar grid and plotted numbers for one
    department's `week`; registrars by name (`names`: id -> name) and numbers rounded to what a
    manager reads (3 decimals for ratios, 1 for hours and counts)."""
    names = names or {}
    key = "WHERE department = ? AND week_start = ?"
    weekly = wh.query(
        "SELECT registrar_id, fte, nights, weekends, hours, fair_nights, fair_hours, nights_deviation, "
        f"hours_deviation FROM fairness_weekly {key} ORDER BY registrar_id",
        [department, week],
    )
    cumulative = wh.query(
        "SELECT registrar_id, nights_to_date, weekends_to_date, hours_to_date, nights_balance, "
        f"weekends_balance, hours_balance FROM fairness_cumulative {key} ORDER BY registrar_id",
        [department, week],
    )
    spread = wh.query(f"SELECT * FROM fairness_spread_gini {key}", [department, week])
    run = wh.query(f"SELECT * FROM solve_runs {key}", [department, week])
    assignments = wh.query(
        f"SELECT registrar_id, date, shift FROM roster_assignments {key}", [department, week]
    )
    shortfall = wh.query(
        f"SELECT count(*) AS n FROM cover_status {key} AND assigned < min", [department, week]
    )
    s = spread.iloc[0] if not spread.empty else {}
    r = run.iloc[0] if not run.empty else {}
    total, honoured = _num(r.get("requests_total")), _num(r.get("requests_honoured"))
    registrars = list(weekly["registrar_id"]) or sorted(set(assignments["registrar_id"]))
    numbers: dict[str, float | int | None] = {
        "nights_spread": _num(s.get("nights_spread")),
        "weekends_spread": _num(s.get("weekends_spread")),
        "hours_spread": _num(s.get("hours_spread")),
        "gini_hours": _num(s.get("gini_hours")),
        "requests_honoured_pct": 100.0 * honoured / total if total and honoured is not None else None,
        "hard_violations": _num(r.get("hard_violations")),
        "gap": _num(r.get("gap")),
        "objective": _num(r.get("objective")),
    }
    # an undefined number (no requests, nobody with a fair share, no solve) is left out of the plotted
    # series and named as such, never shown as 0 or 100 %
    undefined = [name for name, value in numbers.items() if value is None]
    if numbers["hard_violations"] is not None:
        numbers["hard_violations"] = int(numbers["hard_violations"])  # a count: plotted as a whole number
    metadata: dict[str, Any] = {
        "week": str(week),
        **{name: round(value, 3) for name, value in numbers.items() if value is not None},
        "cover_below_min": int(shortfall.iloc[0]["n"]) if not shortfall.empty else 0,
        "not_defined": ", ".join(undefined) or "-",
        "requests": "no requests" if not total else f"{int(honoured or 0)} of {int(total)} honoured",
        "this_week": _md(_named(weekly, names)),
        "cumulative": _md(_named(cumulative, names)),
        "calendar": _md(
            _named(
                calendar_grid(assignments, registrars, week).rename(columns={"registrar": "registrar_id"}),
                names,
            )
        ),
        "dagster/row_count": int(len(assignments)),
    }
    if not cumulative.empty:
        # altair costs 0.27 s to import: only the dashboard's run processes pay it, not every run
        from roster_pipeline.core.charts import balance_chart, markdown_image  # noqa: PLC0415

        chart = balance_chart(
            _named(cumulative, names).rename(columns={"registrar": "name"}),
            "hours_balance",
            f"Hours against fair share, to the week of {week}",
            "hours",
        )
        metadata["hours_balance_chart"] = dg.MetadataValue.md(markdown_image(chart, "hours balance"))
    return metadata
