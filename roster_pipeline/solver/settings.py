"""The solver's public records: the settings of a solve and its result."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from ortools.sat.python import cp_model

from roster_pipeline.core.cpsat import new_solver
from roster_pipeline.core.outcome import SolveOutcome


@dataclass(frozen=True)
class SolveSettings:
    """Solver parameters recorded with every solve."""

    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    log: bool = False
    deterministic: bool = False  # stop on deterministic time, so equal settings give equal rosters
    # Horizon-wide limits (hours, contract, shifts of a type, weekends) held in each period of this
    # many weeks instead of over the whole horizon: a week solved with weeks of lookahead keeps the
    # limits it is judged by on its own.
    period_weeks: int | None = None


@dataclass
class SolveResult(SolveOutcome):
    """Outcome of one solve: status, bounds, the roster and the soft-penalty breakdown."""

    status: str
    objective: float | None
    bound: float | None
    seconds: float
    assignments: pd.DataFrame
    penalties: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    diagnosis: list[str] = field(default_factory=list)
    settings: SolveSettings = field(default_factory=SolveSettings)
    input_hash: str = ""
    rule_pack: str = ""
    rule_pack_version: str = ""
    first_feasible_seconds: float | None = None

    def summary(self) -> dict:
        """A JSON-ready summary of the solve, with what is needed to reproduce it."""
        return {
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": None if self.gap is None else round(self.gap, 6),
            "seconds": round(self.seconds, 3),
            "first_feasible_seconds": None
            if self.first_feasible_seconds is None
            else round(self.first_feasible_seconds, 3),
            "seed": self.settings.seed,
            "workers": self.settings.workers,
            "time_limit": self.settings.time_limit,
            "deterministic": self.settings.deterministic,
            "period_weeks": self.settings.period_weeks,
            "input_hash": self.input_hash,
            "rule_pack": self.rule_pack,
            "rule_pack_version": self.rule_pack_version,
            "diagnosis": self.diagnosis,
        }


def cpsat_solver(settings: SolveSettings) -> cp_model.CpSolver:
    """A CpSolver with the settings' limit (deterministic or wall clock), workers, seed and log flag."""
    return new_solver(
        settings.time_limit, settings.workers, settings.seed, settings.deterministic, settings.log
    )
