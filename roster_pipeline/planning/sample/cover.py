"""Shift types and cover targets per site (see the package docstring for the arithmetic)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

import pandas as pd

from roster_pipeline.core.domain import Department, Horizon, ShiftType
from roster_pipeline.planning.sample.base import COLUMNS, SHIFT_HOURS, SHIFT_TEMPLATES, DraftRegistrar

TARGET_UTILISATION = 0.9
SHARES = {"N": 0.24, "LD": 0.13, "E": 0.20}


def _round_half_up(value: float) -> int:
    return int(math.floor(value + 0.5))


def cover_min(target: int) -> int:
    """Minimum cover for a target head count (about 0.75 of it, at least 1)."""
    return max(1, math.floor(0.75 * target + 0.4)) if target > 0 else 0


def cover_max(target: int) -> int:
    """Maximum cover for a target head count (a quarter above it, at least one more)."""
    return target + max(1, math.ceil(target / 4))


def site_targets(weekly_hours: float) -> dict[str, int]:
    """Head-count targets per shift prefix for a site with `weekly_hours` available (see module doc)."""
    budget = TARGET_UTILISATION * weekly_hours
    night = max(1, _round_half_up(SHARES["N"] * budget / (7 * SHIFT_HOURS["N"])))
    long_day = max(1, _round_half_up(SHARES["LD"] * budget / (2 * SHIFT_HOURS["LD"])))
    evening = max(1, _round_half_up(SHARES["E"] * budget / (5 * SHIFT_HOURS["E"])))
    rest = budget - 7 * SHIFT_HOURS["N"] * night - 2 * SHIFT_HOURS["LD"] * long_day
    rest -= 5 * SHIFT_HOURS["E"] * evening
    day = max(1, _round_half_up(rest / (5 * SHIFT_HOURS["D"])))
    return {"D": day, "E": evening, "N": night, "LD": long_day}


def shift_type_rows(sites: list[str]) -> pd.DataFrame:
    rows = [
        (f"{prefix}-{site}", site, start, end, kind, None)
        for site in sites
        for prefix, start, end, kind in SHIFT_TEMPLATES
    ]
    return pd.DataFrame(rows, columns=COLUMNS["shift_types"])


def shift_types_for(registrars: list[DraftRegistrar]) -> dict[str, ShiftType]:
    sites = sorted({s for r in registrars for s in r.sites})
    frame = shift_type_rows(sites)
    return Department({"shift_types": frame}).shift_types


def weekly_available_hours(registrars: list[DraftRegistrar], horizon: Horizon) -> dict[str, float]:
    hours: Counter[str] = Counter()
    for reg in registrars:
        share = len([d for d in horizon.days if d not in reg.away]) / len(horizon.days)
        hours[reg.home] += reg.contract_hours * share
    return dict(hours)


def cover_rows(site: str, targets: dict[str, int]) -> list[tuple]:
    rows = []
    for prefix in ("D", "E"):
        t = targets[prefix]
        rows.append((None, "weekday", site, f"{prefix}-{site}", None, cover_min(t), t, cover_max(t)))
        rows.append((None, "weekend", site, f"{prefix}-{site}", None, 0, 0, 0))
    t = targets["LD"]
    rows.append((None, "weekend", site, f"LD-{site}", None, cover_min(t), t, cover_max(t)))
    rows.append((None, "weekday", site, f"LD-{site}", None, 0, 0, 0))
    t = targets["N"]
    rows.append((None, "all", site, f"N-{site}", None, cover_min(t), t, cover_max(t)))
    rows.append((None, "all", site, f"N-{site}", "senior", 1, 1, cover_max(t)))
    return rows


def teaching_cover_rows(
    site: str, targets: dict[str, int], day: dt.date, registrars: list[DraftRegistrar]
) -> list[tuple]:
    """Day/evening cover on registrar-teaching day, limited to what available seniors can staff."""
    seniors = [r for r in registrars if r.senior and r.home == site and day not in r.away]
    budget = max(2, len(seniors) - 3)
    evening = min(targets["E"], max(1, budget // 3))
    day_target = min(targets["D"], max(1, budget - evening))
    rows = []
    for prefix, t in (("D", day_target), ("E", evening)):
        low = min(cover_min(targets[prefix]), cover_min(t))
        rows.append(
            (day.isoformat(), None, site, f"{prefix}-{site}", None, low, t, cover_max(targets[prefix]))
        )
    return rows


def teaching_day(horizon: Horizon) -> dt.date:
    wednesdays = [d for d in horizon.days if d.weekday() == 2]
    later = [d for d in wednesdays if d >= horizon.start + dt.timedelta(days=7)]
    return (later or wednesdays or list(horizon.days))[0]
