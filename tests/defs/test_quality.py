"""The weekly roster's Great Expectations checks read what was stored: a week broken in the
warehouse fails its check and is named, on both engines."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from roster_pipeline.core.warehouse import Warehouse
from roster_pipeline.defs.rosters.quality import GX_FAIRNESS_LEDGER, GX_ROSTER_WEEK, roster_checks

W1, W2 = dt.date(2027, 2, 1), dt.date(2027, 2, 8)
LEAVE = pd.DataFrame(
    {"registrar_id": ["R2"], "start": [W2], "end": [W2 + dt.timedelta(days=2)], "status": ["approved"]}
)


def week(monday: dt.date, registrar: str) -> dict[str, pd.DataFrame]:
    days = [pd.Timestamp(monday + dt.timedelta(days=d)) for d in range(5)]
    shifts = pd.DataFrame(
        {
            "registrar_id": registrar,
            "date": days,
            "shift": "D",
            "site": "A",
            "start_at": [d + pd.Timedelta(hours=8) for d in days],
            "end_at": [d + pd.Timedelta(hours=18) for d in days],
            "hours": 10.0,
        }
    )
    ledger = pd.DataFrame(
        [
            {
                "registrar_id": registrar,
                "fte": 1.0,
                "available_days": 5,
                "nights": 0,
                "weekends": 0,
                "public_holidays": 0,
                "hours": 50.0,
                "cum_nights": 0,
                "cum_weekends": 0,
                "cum_public_holidays": 0,
                "cum_hours": 50.0,
                "nights_balance": 0.0,
                "weekends_balance": 0.0,
                "hours_balance": 0.0,
            }
        ]
    )
    return {"roster_assignments": shifts, "fairness_ledger": ledger}


def test_a_stored_week_on_leave_fails_the_roster_check(warehouse: Warehouse) -> None:
    warehouse.replace_week("ed", W1, week(W1, "R2"))  # before R2's leave: fine
    warehouse.replace_week("ed", W2, week(W2, "R2"))  # three days of it on approved leave
    warehouse.replace_week("icu", W2, week(W2, "R2"))  # another department's R2: no leave there
    roster, ledger = roster_checks(warehouse, {"ed": ([W1, W2], LEAVE), "icu": ([W2], LEAVE.head(0))})
    assert (roster.check_name, roster.passed) == (GX_ROSTER_WEEK, False)
    assert roster.metadata["failed_weeks"].value == "ed 2027-02-08"
    assert roster.metadata["failed_expectations"].value == 1
    assert "no assignment on approved leave" in roster.metadata["ed 2027-02-08"].value
    assert (ledger.check_name, ledger.passed) == (GX_FAIRNESS_LEDGER, True)
    assert roster_checks(warehouse, {"ed": ([W1], LEAVE)})[0].passed
