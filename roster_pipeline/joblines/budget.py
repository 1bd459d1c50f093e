"""The time a job-line solve may spend: wall-clock seconds, or deterministic seconds.

Wall mode (the default) reads the clock. Deterministic mode never does: it adds up CP-SAT's
deterministic time of every sub-solve and a fixed charge per move the exchange search evaluates,
so the same request, seed and settings give the same lines on any machine and under any load (the
tests use it). Every phase asks the budget, so the phases' shares of the limit are computed the same
way in both modes. The seconds a result reports are always wall-clock: a measurement, not a decision.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from roster_pipeline.core.cpsat import new_solver

# Deterministic seconds charged per exchange-search move evaluated. Measured on the 120-line sample:
# about 2,500 moves per wall second, and CP-SAT's deterministic seconds run close to wall seconds there.
MOVE_SECONDS = 4e-4


class Budget:
    """A solve's time limit and what it has spent (wall or deterministic seconds)."""

    def __init__(self, limit: float, deterministic: bool = False) -> None:
        self.limit = float(limit)
        self.deterministic = deterministic
        self.started = time.monotonic()
        self._work = 0.0

    def spent(self) -> float:
        """Seconds spent: deterministic seconds charged so far, or wall seconds since the start."""
        return self._work if self.deterministic else time.monotonic() - self.started

    def left(self) -> float:
        return self.limit - self.spent()

    def until(self, seconds: float) -> float:
        """The `spent()` value `seconds` from now, at most the limit: the end of a phase."""
        return min(self.limit, self.spent() + seconds)

    def wall(self) -> float:
        """Wall seconds since the start (what results report)."""
        return time.monotonic() - self.started

    def solver(self, seconds: float, workers: int, seed: int) -> cp_model.CpSolver:
        """A CpSolver stopping after `seconds` of this budget's kind of time."""
        return new_solver(seconds, workers, seed, deterministic=self.deterministic)

    def solve(
        self,
        solver: cp_model.CpSolver,
        model: cp_model.CpModel,
        callback: cp_model.CpSolverSolutionCallback | None = None,
    ) -> int:
        """`solver.Solve(model)`, its deterministic time charged to the budget."""
        status = solver.Solve(model, callback)
        self.charge(solver)
        return status

    def charge(self, solver: cp_model.CpSolver) -> None:
        """Charge a finished solve's deterministic time (deterministic mode only)."""
        if self.deterministic:
            self._work += float(solver.ResponseProto().deterministic_time)

    def tick(self, moves: int = 1) -> None:
        """Charge `moves` evaluated exchange-search moves (deterministic mode only)."""
        if self.deterministic:
            self._work += moves * MOVE_SECONDS
