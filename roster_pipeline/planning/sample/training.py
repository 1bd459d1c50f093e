"""Training: registrar teaching (a group row) and a few individual courses, the `training` table."""

from __future__ import annotations

import datetime as dt
import random

from roster_pipeline.core.domain import Horizon
from roster_pipeline.planning.sample.base import JUNIOR, DraftRegistrar

TRAINING_COURSES = ("ALS course", "Simulation workshop", "Ultrasound course", "Exam preparation course")


def training_rows(
    rng: random.Random, registrars: list[DraftRegistrar], horizon: Horizon, teaching: dt.date
) -> list[tuple]:
    rows: list[tuple] = [(None, JUNIOR, teaching.isoformat(), "13:00", "17:00", "Registrar teaching program")]
    weekdays = [d for d in horizon.days[2:] if d.weekday() < 5 and d != teaching] or [teaching]
    picks = rng.sample(registrars, max(2, len(registrars) // 15))
    for reg in sorted(picks, key=lambda r: r.rid):
        choices = [d for d in weekdays if d not in reg.away]
        if not choices:
            continue
        day = rng.choice(choices)
        reg.away.add(day)  # keeps preferences off this day; it is not leave
        rows.append((reg.rid, None, day.isoformat(), "08:00", "17:00", rng.choice(TRAINING_COURSES)))
    return rows
