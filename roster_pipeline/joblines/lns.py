"""Large-neighbourhood search on job lines: re-solve part of the lines with the rest fixed.

The whole-model search has no gradient on the attractiveness spread (max - min of the line
scores): only the extreme lines move it. Each step frees some (line, term) cells (all lines of a
PGY year in whole terms, taken in turn; random lines; or a year's extreme lines plus random
ones), fixes every other cell's rotation and leave, and re-solves the full model from the current
lines; the result is kept when the cost does not rise. Line neighbourhoods grow while their
sub-solves are proven optimal and shrink when they time out.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from ortools.sat.python import cp_model

from roster_pipeline.core.cpsat import set_hint
from roster_pipeline.joblines.budget import Budget

STEP_SECONDS = 1.5  # time limit of a sub-solve over some lines
TERM_SECONDS = 4.0  # time limit of a sub-solve over all lines of a year, per term freed
TERM_SHARE = 0.8  # share of the steps over whole terms
WIDEN_BELOW = 0.005  # a pass of whole-term steps gaining less than this share widens them
MIN_LINES, MAX_LINES = 4, 40


def pair_distances(rotations: np.ndarray) -> np.ndarray:
    """Hamming distances (terms with a different rotation) of every pair of lines of a [line, term]
    rotation table."""
    first, second = np.triu_indices(len(rotations), k=1)
    return (rotations[first] != rotations[second]).sum(axis=-1)


@dataclass
class LineSpace:
    """Per line and term, the proto indices that fix the cell (rotation and leave booleans); per
    line its PGY year; and the score weights: y indices [line, term, rotation] and popularity x
    weeks [term, rotation]."""

    cell_vars: list[list[list[int]]]
    years: list[int]
    y_index: np.ndarray
    score_weights: np.ndarray

    def rotations(self, values: np.ndarray) -> np.ndarray:
        """Rotation index of every line and term under the solution `values`."""
        return values[self.y_index].argmax(axis=-1)

    def distances(self, values: np.ndarray) -> np.ndarray:
        """Hamming distances of every pair of lines under the solution `values`."""
        return pair_distances(self.rotations(values))

    def keeps_apart(self, start: np.ndarray, threshold: int) -> Callable[[np.ndarray], bool]:
        """Acceptance test: no pair closer than the closest pair of `start` (or than `threshold`),
        and no more pairs closer than `threshold` than `start` has."""
        before = self.distances(start)
        floor = min(int(before.min()), threshold)
        close = int((before < threshold).sum())

        def accept(values: np.ndarray) -> bool:
            after = self.distances(values)
            return int(after.min()) >= floor and int((after < threshold).sum()) <= close

        return accept

    def scores(self, values: np.ndarray) -> np.ndarray:
        """Attractiveness score of every line under the solution `values`."""
        return (values[self.y_index] * self.score_weights[None, :, :]).sum(axis=(1, 2))


@dataclass
class SearchLog:
    """Counts of steps, improvements and the neighbourhood size at the end."""

    steps: int = 0
    improved: int = 0
    rejected: int = 0
    size: int = 8  # lines per neighbourhood


Cells = set[tuple[int, int]]


def line_cells(space: LineSpace, values: np.ndarray, size: int, rng: random.Random) -> Cells:
    """Every term of `size` lines: random lines of any year, or the extreme lines of a year (all tied
    at its max and min score, up to half the size) topped up with random lines of that year."""
    n, n_terms = len(space.years), len(space.cell_vars[0])
    if rng.random() < 0.5:
        lines = rng.sample(range(n), min(size, n))
    else:
        year = rng.choice(sorted(set(space.years)))
        members = [li for li in range(n) if space.years[li] == year]
        scores = space.scores(values)
        top, low = max(scores[members]), min(scores[members])
        extremes = [li for li in members if scores[li] in (top, low)]
        rng.shuffle(extremes)
        lines = extremes[: max(2, size // 2)]
        rest = [li for li in members if li not in lines]
        lines += rng.sample(rest, min(len(rest), size - len(lines)))
    return {(li, t) for li in lines for t in range(n_terms)}


class TermCycle:
    """Whole-term neighbourhoods in turn: every line of one PGY year in `width` terms, each (year,
    terms) once per pass in random order. A pass that lowers the cost by less than `WIDEN_BELOW`
    of its start widens to more terms."""

    def __init__(self, years: Sequence[int], n_terms: int, rng: random.Random) -> None:
        self.years = list(years)
        self.n_terms = n_terms
        self.rng = rng
        self.width = 1
        self.queue: list[tuple[int, tuple[int, ...]]] = []
        self.pass_start: float | None = None
        self.cost = float("inf")

    def next(self) -> Cells:
        """The cells of the next (year, terms) of the pass."""
        if not self.queue:
            start = self.pass_start
            if start is not None and start - self.cost < WIDEN_BELOW * start:
                self.width = min(self.n_terms, self.width + 1)
            self.pass_start = self.cost
            self.queue = [
                (year, terms)
                for year in sorted(set(self.years))
                for terms in combinations(range(self.n_terms), self.width)
            ]
            self.rng.shuffle(self.queue)
        year, terms = self.queue.pop()
        return {(li, t) for li, y in enumerate(self.years) if y == year for t in terms}


def _fix_outside(proto, space: LineSpace, values: np.ndarray, free: Cells) -> list[tuple[int, int, int]]:
    """Fix every cell outside `free` to `values` in place; return (index, low, high) to restore."""
    saved = []
    variables = proto.variables
    for li, terms in enumerate(space.cell_vars):
        for t, indices in enumerate(terms):
            if (li, t) in free:
                continue
            for i in indices:
                domain = variables[i].domain
                saved.append((i, domain[0], domain[1]))
                domain[0] = domain[1] = int(values[i])
    return saved


def restore_domains(proto, saved: list[tuple[int, int, int]]) -> None:
    """Put back the (index, low, high) domains saved before fixing variables in place."""
    variables = proto.variables
    for i, low, high in saved:
        domain = variables[i].domain
        domain[0], domain[1] = low, high


def _step(
    work: cp_model.CpModel, space: LineSpace, values: np.ndarray, free: Cells, solver: cp_model.CpSolver
) -> tuple[int, float, np.ndarray | None]:
    """Re-solve `work` with every cell outside `free` fixed to `values`: status, cost, solution."""
    proto = work.Proto()
    saved = _fix_outside(proto, space, values, free)
    set_hint(work, [int(v) for v in values])
    solver.parameters.cp_model_presolve = False  # measured: presolve added 0.8 s to every step
    solver.parameters.symmetry_level = 0
    status = solver.Solve(work)
    restore_domains(proto, saved)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, float("inf"), None
    return status, solver.ObjectiveValue(), np.asarray(solver.ResponseProto().solution, dtype=np.int64)


def improve_lines(
    base: cp_model.CpModel,
    space: LineSpace,
    values: np.ndarray,
    cost: float,
    budget: Budget,
    end: float,
    workers: int,
    seed: int,
    on_solution: Callable[[np.ndarray, float], None],
    accept: Callable[[np.ndarray], bool] = lambda _: True,
) -> tuple[np.ndarray, float, SearchLog]:
    """Improve the solution `values` (cost `cost`) of `base` until `budget` has spent `end`; lines
    are kept only if `accept`ed (a condition outside the model). Equal cost is a sideways move."""
    rng = random.Random(seed)
    log = SearchLog()
    work = base.clone()
    cycle = TermCycle(space.years, len(space.cell_vars[0]), rng)
    cycle.cost = cost
    while budget.spent() + 0.5 < end:
        whole_terms = rng.random() < TERM_SHARE
        free = cycle.next() if whole_terms else line_cells(space, values, log.size, rng)
        seconds = TERM_SECONDS * cycle.width if whole_terms else STEP_SECONDS
        solver = budget.solver(min(seconds, end - budget.spent()), workers, rng.randrange(1 << 30))
        status, found_cost, found = _step(work, space, values, free, solver)
        budget.charge(solver)
        log.steps += 1
        if not whole_terms:
            grow = status == cp_model.OPTIMAL
            log.size = min(MAX_LINES, log.size + 1) if grow else max(MIN_LINES, log.size - 1)
        if found is None or found_cost > cost:
            continue
        if not accept(found):
            log.rejected += 1
            continue
        better = found_cost < cost
        values, cost = found, found_cost
        cycle.cost = cost
        if better:
            log.improved += 1
            on_solution(values, cost)
    return values, cost, log
