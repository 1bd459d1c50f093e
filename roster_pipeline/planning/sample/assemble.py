"""Every table of a sample department for a seed, and writing them out."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pandas as pd

from roster_pipeline.core.department_io import write_tables
from roster_pipeline.core.domain import TABLES, Horizon
from roster_pipeline.planning.sample.base import COLUMNS, SITE_NAMES
from roster_pipeline.planning.sample.cover import (
    cover_rows,
    shift_type_rows,
    shift_types_for,
    site_targets,
    teaching_cover_rows,
    teaching_day,
    weekly_available_hours,
)
from roster_pipeline.planning.sample.events import event_rows
from roster_pipeline.planning.sample.history import history_rows, history_totals
from roster_pipeline.planning.sample.holidays import public_holiday_rows
from roster_pipeline.planning.sample.leave import (
    approved_leave,
    leave_days_by_registrar,
    other_leave,
    preference_rows,
)
from roster_pipeline.planning.sample.registrars import (
    assign_grades,
    make_registrars,
    partner_rows,
    registrar_rows,
)
from roster_pipeline.planning.sample.training import training_rows

# The smallest site the generator sizes so that au-vic's hard rules leave a roster (checked by solving
# 6 per site at 1 and 2 sites, seeds 1, 2 and 7: feasible, no hard violation).
MIN_REGISTRARS_PER_SITE = 6


def sample_size_problem(registrars: int, sites: int, weeks: int) -> str | None:
    """Why `make_sample` cannot build a department of this size, or None when it can."""
    if not 1 <= sites <= len(SITE_NAMES):
        return f"--sites must be 1..{len(SITE_NAMES)} (got {sites})"
    if registrars < MIN_REGISTRARS_PER_SITE * sites:
        return (
            f"--registrars {registrars} is too few for {sites} site(s): a rosterable site needs at least "
            f"{MIN_REGISTRARS_PER_SITE} registrars, so use --registrars {MIN_REGISTRARS_PER_SITE * sites} "
            f"or more, or fewer sites"
        )
    if weeks < 1:
        return f"--weeks must be at least 1 (got {weeks})"
    return None


def make_sample(
    registrars: int = 45,
    sites: int = 3,
    weeks: int = 4,
    start: dt.date = dt.date(2027, 2, 1),
    seed: int = 7,
) -> dict[str, pd.DataFrame]:
    """Every spec table for a department of `registrars` over `sites`, rosterable for `weeks` from `start`."""
    problem = sample_size_problem(registrars, sites, weeks)
    if problem:
        raise ValueError(problem)
    rng = random.Random(seed)
    horizon = Horizon(start, weeks)
    site_names = dict(SITE_NAMES[:sites])
    codes = list(site_names)
    regs = make_registrars(rng, registrars, codes)
    leave = approved_leave(rng, regs, horizon)
    leave += other_leave(rng, regs, horizon)
    targets = {site: site_targets(hours) for site, hours in weekly_available_hours(regs, horizon).items()}
    assign_grades(rng, regs, horizon, {site: t["N"] for site, t in targets.items()})
    teaching = teaching_day(horizon)
    cover = [row for site in codes for row in cover_rows(site, targets[site])]
    cover += [row for site in codes for row in teaching_cover_rows(site, targets[site], teaching, regs)]
    history = history_rows(rng, regs, start)
    training = training_rows(rng, regs, horizon, teaching)
    blocked = leave_days_by_registrar(leave)
    for reg in regs:
        if not reg.senior:  # teaching afternoon: no day or evening shift is possible
            blocked.setdefault(reg.rid, set()).add(teaching)
    preferences = preference_rows(rng, regs, horizon, blocked)
    tables = {
        "registrars": registrar_rows(regs, site_names),
        "shift_types": shift_type_rows(codes),
        "cover": pd.DataFrame(cover, columns=COLUMNS["cover"]),
        "leave": pd.DataFrame(leave, columns=COLUMNS["leave"]),
        "preferences": pd.DataFrame(preferences, columns=COLUMNS["preferences"]),
        "training": pd.DataFrame(training, columns=COLUMNS["training"]),
        "partners": pd.DataFrame(partner_rows(rng, regs), columns=COLUMNS["partners"]),
        "history": pd.DataFrame(history, columns=COLUMNS["history"]),
        "history_totals": history_totals(rng, regs, history, shift_types_for(regs), horizon),
        "public_holidays": public_holiday_rows(horizon),
    }
    night = next(
        code
        for code, kind in zip(tables["shift_types"]["code"], tables["shift_types"]["kind"], strict=True)
        if kind == "night"
    )
    tables["events"] = event_rows(seed, [r.rid for r in regs], leave, night, horizon)
    for name, column in (
        ("leave", "weight"),
        ("preferences", "weight"),
        ("partners", "weight"),
        ("events", "count"),
    ):
        tables[name][column] = tables[name][column].astype("Int64")
    return {name: tables[name] for name in TABLES}


def write_sample(out_dir: str | Path, **kwargs: Any) -> Path:
    """Write `make_sample(**kwargs)` as `<table>.csv` files plus `department.xlsx` into `out_dir`."""
    folder = Path(out_dir)
    write_tables(make_sample(**kwargs), folder)
    return folder
