"""Build a solved sample context (tests, benchmarks and demos without `make demo`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from roster_pipeline.core.export import roster_frame, write_roster_csv
from roster_pipeline.explain.facts import RosterContext, load_context
from roster_pipeline.planning.sample import write_sample
from roster_pipeline.solver import SolveSettings, solve


def solved_sample(
    folder: str | Path,
    registrars: int = 20,
    sites: int = 2,
    weeks: int = 1,
    start: dt.date = dt.date(2027, 2, 1),
    time_limit: float = 5.0,
    resolve_seconds: float = 3.0,
    seed: int = 7,
) -> RosterContext:
    """Write a sample department to `folder/department`, solve it, write `folder/roster.csv`, and
    load the context back from the files, as `roster ask` does. Deterministic: one worker, fixed
    seed, limits in deterministic seconds, for the solve and for every re-solve of the context."""
    folder = Path(folder)
    department = write_sample(
        folder / "department", registrars=registrars, sites=sites, weeks=weeks, start=start, seed=seed
    )
    ctx = load_context(department, _empty(), "au-vic", start, weeks)
    settings = SolveSettings(time_limit=time_limit, workers=1, seed=seed, deterministic=True)
    result = solve(ctx.department, ctx.pack, ctx.horizon, settings)
    if not result.feasible:
        raise RuntimeError(f"sample did not solve: {result.status} {result.diagnosis}")
    write_roster_csv(roster_frame(ctx.department, result.assignments), folder / "roster.csv")
    ctx = load_context(department, folder / "roster.csv", "au-vic", start, weeks, resolve_seconds)
    ctx.workers, ctx.seed, ctx.deterministic = 1, seed, True  # re-solves reproducible too
    ctx.extra["folder"] = folder
    return ctx


def _empty() -> pd.DataFrame:
    """An empty roster: the context is loaded once before the sample is solved."""
    return pd.DataFrame(columns=["registrar_id", "date", "shift"])
