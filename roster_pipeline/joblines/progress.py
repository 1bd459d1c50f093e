"""Objective, bound and the lines over time, recorded by CP-SAT callbacks during a job-line solve."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model


@dataclass(frozen=True)
class ProgressPoint:
    """One event: a new solution (with its rotation choice per line and term) or a better bound."""

    seconds: float
    objective: float | None
    bound: float | None
    rotations: np.ndarray | None = None  # [line, term] -> rotation index, for solutions only
    leave: np.ndarray | None = None  # [line, term] -> leave weeks


class Progress(cp_model.CpSolverSolutionCallback):
    """Records every solution and bound improvement, timed from `started` (time.monotonic())."""

    def __init__(
        self,
        started: float,
        y_index: np.ndarray,
        leave: Sequence[Sequence[tuple[int, int]]],
        shape: tuple[int, int],
        snapshots: bool,
    ) -> None:
        super().__init__()
        self.started = started
        self.y_index = y_index  # proto indices of y, shaped [line, term, rotation]
        self.leave_blocks = list(leave)  # per line and term: (weeks, proto index) of its leave blocks
        self.shape = shape
        self.snapshots = snapshots
        self.points: list[ProgressPoint] = []
        self.bound: float | None = None
        self.floor: float | None = None  # a bound proven elsewhere (the relaxation)

    def on_solution_callback(self) -> None:
        self.bound = self.best_objective_bound
        self.add_values(np.asarray(self.response_proto.solution), self.objective_value)

    def add_values(self, values: np.ndarray, objective: float) -> None:
        """Record a solution given as the full vector of variable values."""
        rotations = leave = None
        if self.snapshots:
            rotations = values[self.y_index].argmax(axis=-1)
            weeks = [sum(k * int(values[i]) for k, i in blocks) for blocks in self.leave_blocks]
            leave = np.array(weeks).reshape(self.shape)
        self.points.append(self._point(objective, rotations, leave))

    def add(self, seconds: float, objective: float, rotations: np.ndarray, leave: np.ndarray) -> None:
        """Record a solution found outside this solve (the feasible or the guided lines)."""
        keep = self.snapshots
        point = ProgressPoint(
            seconds, objective, self.floor, rotations if keep else None, leave if keep else None
        )
        self.points.append(point)

    def set_floor(self, bound: float) -> None:
        """A lower bound proven outside this solve (the relaxation), recorded now."""
        self.floor = bound
        self.on_bound(bound if self.bound is None else max(bound, self.bound))

    def on_bound(self, bound: float) -> None:
        """For `CpSolver.best_bound_callback`."""
        self.bound = bound
        last = self.points[-1].objective if self.points else None
        self.points.append(self._point(last))

    def _point(
        self, objective: float | None, rotations: np.ndarray | None = None, leave: np.ndarray | None = None
    ) -> ProgressPoint:
        bound = self.bound
        if self.floor is not None:
            bound = self.floor if bound is None else max(bound, self.floor)
        return ProgressPoint(time.monotonic() - self.started, objective, bound, rotations, leave)


def at(points: Sequence[ProgressPoint], seconds: float) -> tuple[ProgressPoint | None, ProgressPoint | None]:
    """The last event and the last solution at or before `seconds`."""
    before = [p for p in points if p.seconds <= seconds]
    solutions = [p for p in before if p.rotations is not None]
    return (before[-1] if before else None), (solutions[-1] if solutions else None)
