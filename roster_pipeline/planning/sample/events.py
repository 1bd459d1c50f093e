"""Sample events: what changes a published sample roster (a sick day, a three-day sickness, an extra
night cover, a cancelled leave). Drawn from their own random stream, so the other tables of a seed
are the same with or without them."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd

from roster_pipeline.core.domain import Horizon
from roster_pipeline.planning.sample.base import COLUMNS


def event_rows(
    seed: int, registrar_ids: list[str], leave: list[tuple], night: str, horizon: Horizon
) -> pd.DataFrame:
    """Four events inside the horizon, reported before the days they change."""
    rng = random.Random(seed * 7919 + 1)
    away = {str(row[0]) for row in leave}
    present = [rid for rid in registrar_ids[1:] if rid not in away]  # Dr Smith (the first) stays
    first, second = rng.sample(present, 2)
    days = horizon.weeks * 7

    def day(offset: int) -> dt.date:
        return horizon.start + dt.timedelta(days=min(offset, days - 1))

    def at(when: dt.date, hour: int, minute: int = 0) -> str:
        return f"{when.isoformat()} {hour:02d}:{minute:02d}"

    rows = [
        ("E001", "sick", first, day(8), day(8), None, None, None, at(day(8), 6, 10), "Gastroenteritis"),
        ("E002", "sick", second, day(14), day(16), None, None, None, at(day(14), 5, 30), "Influenza"),
        ("E003", "extra_cover", None, day(11), day(11), night, None, 1, at(day(7), 9), "Surge in ICU"),
    ]
    approved = [
        row
        for row in leave
        if row[4] == "approved" and dt.date.fromisoformat(str(row[1])) > horizon.start + dt.timedelta(days=7)
    ]
    if approved:
        rid, start, end = approved[0][0], dt.date.fromisoformat(str(approved[0][1])), approved[0][2]
        rows.append(
            (
                "E004",
                "leave_cancelled",
                rid,
                start,
                end,
                None,
                None,
                None,
                at(start - dt.timedelta(days=7), 10),
                "Trip cancelled",
            )
        )
    return pd.DataFrame(rows, columns=COLUMNS["events"])
