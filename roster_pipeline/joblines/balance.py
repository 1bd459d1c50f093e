"""Exchange search on the rotation table: swap two lines' rotations in one term, or give one line
another rotation in one term, with the cost change computed exactly.

The CP-SAT neighbourhoods (lns.py) see the attractiveness spread (max - min line score per PGY
year) only through the extreme lines, and a re-solve of 80 lines in one term rarely settles in
its few seconds. Here a move is scored in microseconds: pattern affinity, shared positions from
the headcounts, per-year max - min from the scores. Ties in cost are broken by the sum of squared
score deviations, so the search keeps flattening the curve while several lines tie at an extreme.
Each changed line is checked against the rules by a one-line CP-SAT model (`LineRules`, built from
the same rule model by the caller, memoised), and the headcounts against capacity and minimum
staffing. Moves are kept only when no pair of lines comes closer than the distance floor and the
number of close pairs does not grow (the same acceptance as lns.py).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

Line = tuple[int, ...]


@dataclass
class LineRules:
    """Whether one line (rotation index per term) keeps every per-line rule: the rule model of a
    one-line cohort (capacity and minimum staffing off) with the line's y fixed; memoised."""

    model: cp_model.CpModel
    y_index: np.ndarray  # proto index of y[term, rotation]
    known: dict[Line, bool] = field(default_factory=dict)
    checks: int = 0

    def allows(self, line: Line) -> bool:
        """True when some leave placement makes the line compliant."""
        if line not in self.known:
            self.known[line] = self._solve(line)
        return self.known[line]

    def _solve(self, line: Line) -> bool:
        self.checks += 1
        variables = self.model.Proto().variables
        saved = []
        for t, row in enumerate(self.y_index):
            for r, i in enumerate(row):
                domain = variables[int(i)].domain
                saved.append((int(i), domain[0], domain[1]))
                domain[0] = domain[1] = int(line[t] == r)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 5.0
        status = solver.Solve(self.model)
        for i, low, high in saved:
            domain = variables[i].domain
            domain[0], domain[1] = low, high
        return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@dataclass(frozen=True)
class CostModel:
    """What the cost of a rotation table depends on (see objective.py for the terms).

    `specialty[r]`: specialty index of rotation r; `pair_weight[s, s2]`: scaled affinity of two
    specialties (0 on the diagonal); `best[year]`: best single-line affinity; `score[t, r]`:
    popularity x weeks; `capacity`, `minimum`: [t, r] x 100 (FTE-weighted); `weights`: term weights
    (affinity, clumping, attractiveness, similar) and `min_hamming`."""

    specialty: np.ndarray
    pair_weight: np.ndarray
    best: Mapping[int, int]
    score: np.ndarray
    capacity: np.ndarray
    minimum: np.ndarray
    affinity: int
    clumping: int
    attractiveness: int
    similar: int
    min_hamming: int

    def shortfall(self, line: Line, year: int) -> int:
        """Best single-line affinity of the year minus this line's (its specialty pattern's)."""
        counts = np.bincount(self.specialty[list(line)], minlength=len(self.pair_weight))
        return int(self.best[year] - (counts @ self.pair_weight @ counts) // 2)


@dataclass
class Table:
    """A rotation table with the running sums the move deltas need."""

    rotations: np.ndarray  # [line, term] rotation index
    years: np.ndarray
    fte: np.ndarray  # x 100
    cost: CostModel
    heads: np.ndarray = field(init=False)
    load: np.ndarray = field(init=False)
    scores: np.ndarray = field(init=False)
    shortfalls: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n_terms, n_rot = self.cost.score.shape
        self.heads = np.zeros((n_terms, n_rot), dtype=np.int64)
        self.load = np.zeros((n_terms, n_rot), dtype=np.int64)
        for li, line in enumerate(self.rotations):
            for t, r in enumerate(line):
                self.heads[t, r] += 1
                self.load[t, r] += self.fte[li]
        self.scores = np.array([self.line_score(tuple(line)) for line in self.rotations], dtype=np.int64)
        self.shortfalls = np.array(
            [
                self.cost.shortfall(tuple(line), int(y))
                for line, y in zip(self.rotations, self.years, strict=True)
            ]
        )

    def line_score(self, line: Line) -> int:
        return int(sum(self.cost.score[t, r] for t, r in enumerate(line)))

    def spread(self, year: int) -> int:
        members = self.scores[self.years == year]
        return int(members.max() - members.min()) if len(members) > 1 else 0

    def close_pairs(self) -> int:
        """Pairs of lines that differ in fewer than `min_hamming` terms."""
        return int((self.distances() < self.cost.min_hamming).sum())

    def distances(self) -> np.ndarray:
        rot = self.rotations
        first, second = np.triu_indices(len(rot), k=1)
        return (rot[first] != rot[second]).sum(axis=-1)

    def total(self) -> int:
        """The cost of the table (equals objective.evaluate)."""
        c = self.cost
        shared = int((self.heads * (self.heads - 1) // 2).sum())
        spread = sum(self.spread(int(y)) for y in np.unique(self.years)) if len(self.years) > 1 else 0
        return (
            c.affinity * int(self.shortfalls.sum())
            + c.clumping * shared
            + c.attractiveness * spread
            + c.similar * self.close_pairs()
        )


@dataclass(frozen=True)
class Move:
    """New lines for one or two lines (line index -> rotations), with cost and flatness deltas."""

    lines: tuple[tuple[int, Line], ...]
    delta: int
    flatter: int


@dataclass
class _YearStats:
    """A year's score sums and its extremes, for O(1) spread and flatness deltas."""

    n: int
    total: int
    squares: int
    top: list[tuple[int, int]]  # (score, line), highest first, three of them
    bottom: list[tuple[int, int]]

    @classmethod
    def of(cls, table: Table, year: int) -> _YearStats:
        members = np.flatnonzero(table.years == year)
        s = table.scores[members]
        ranked = sorted(zip(s.tolist(), members.tolist(), strict=True))
        return cls(len(s), int(s.sum()), int((s * s).sum()), ranked[::-1][:3], ranked[:3])

    def terms(self, new: Mapping[int, int], old: Mapping[int, int]) -> tuple[int, int]:
        """Spread and n^2 x variance with some lines' scores replaced (`old` -> `new`)."""
        if self.n < 2:
            return 0, 0
        total = self.total + sum(new.values()) - sum(old.values())
        squares = self.squares + sum(v * v for v in new.values()) - sum(v * v for v in old.values())
        hi = max([s for s, li in self.top if li not in new][:1] + list(new.values()))
        lo = min([s for s, li in self.bottom if li not in new][:1] + list(new.values()))
        return hi - lo, self.n * squares - total * total


def _shortfall(table: Table, memo: dict[tuple[int, Line], int], year: int, line: Line) -> int:
    key = (year, line)
    if key not in memo:
        memo[key] = table.cost.shortfall(line, year)
    return memo[key]


def _evaluate(
    table: Table, changes: Mapping[int, Line], stats: Mapping[int, _YearStats], memo: dict
) -> tuple[int, int] | None:
    """Cost and flatness deltas of replacing some lines (None if capacity or minimum staffing fails).
    Two lines of one year and FTE exchanging rotations leave the headcounts as they are."""
    c = table.cost
    shared = 0
    if len(changes) == 1:
        ((li, line),) = changes.items()
        for t, (old, new) in enumerate(zip(table.rotations[li], line, strict=True)):
            if old != new:
                f = table.fte[li]
                if table.load[t, new] + f > c.capacity[t, new] or table.load[t, old] - f < c.minimum[t, old]:
                    return None
                shared += int(table.heads[t, new]) - int(table.heads[t, old]) + 1
    short = sum(
        _shortfall(table, memo, int(table.years[li]), line) - int(table.shortfalls[li])
        for li, line in changes.items()
    )
    spread = flat = 0
    for year in {int(table.years[li]) for li in changes}:
        old = {li: int(table.scores[li]) for li in changes if table.years[li] == year}
        new = {li: table.line_score(line) for li, line in changes.items() if table.years[li] == year}
        s_new, f_new = stats[year].terms(new, old)
        s_old, f_old = stats[year].terms({}, {})
        spread += s_new - s_old
        flat += f_new - f_old
    return c.affinity * short + c.clumping * shared + c.attractiveness * spread, flat


def _apply(table: Table, changes: Mapping[int, Line]) -> None:
    for li, line in changes.items():
        for t, (old, new) in enumerate(zip(table.rotations[li], line, strict=True)):
            if old != new:
                table.heads[t, old] -= 1
                table.heads[t, new] += 1
                table.load[t, old] -= table.fte[li]
                table.load[t, new] += table.fte[li]
        table.rotations[li] = line
        table.scores[li] = table.line_score(line)
        table.shortfalls[li] = table.cost.shortfall(line, int(table.years[li]))


def _exchanges(mine: Line, theirs: Line) -> list[tuple[Line, Line]]:
    """Both lines after exchanging their rotations in some of the terms where they differ (each
    pair of results once; exchanging every differing term would only swap the lines)."""
    differ = [t for t in range(len(mine)) if mine[t] != theirs[t]]
    found: list[tuple[Line, Line]] = []
    for mask in range(1, 1 << max(0, len(differ) - 1)):
        a, b = list(mine), list(theirs)
        for k, t in enumerate(differ[:-1]):
            if mask >> k & 1:
                a[t], b[t] = theirs[t], mine[t]
        found.append((tuple(a), tuple(b)))
    return found


def _candidates(table: Table, li: int, memo: dict) -> list[Move]:
    """Every exchange of some terms with a line of the same year and FTE, and every change of
    rotation in one term, that lowers the cost or keeps it and flattens the scores; best first."""
    line = tuple(int(r) for r in table.rotations[li])
    n_rot = table.cost.score.shape[1]
    stats = {int(y): _YearStats.of(table, int(y)) for y in np.unique(table.years)}
    peers = np.flatnonzero((table.years == table.years[li]) & (table.fte == table.fte[li]))
    moves: list[dict[int, Line]] = []
    for other in peers.tolist():
        if other != li:
            theirs = tuple(int(v) for v in table.rotations[other])
            moves.extend({li: a, other: b} for a, b in _exchanges(line, theirs))
    for t, old in enumerate(line):
        moves.extend({li: line[:t] + (r,) + line[t + 1 :]} for r in range(n_rot) if r != old)
    scored = []
    for changes in moves:
        found = _evaluate(table, changes, stats, memo)
        if found is not None and (found[0] < 0 or (found[0] == 0 and found[1] < 0)):
            scored.append(Move(tuple(changes.items()), *found))
    scored.sort(key=lambda m: (m.delta, m.flatter))
    return scored


def _keeps_apart(table: Table, changes: Mapping[int, Line], floor: int) -> bool:
    """No changed line closer than `floor` to any other, and no more pairs closer than min_hamming."""
    threshold = table.cost.min_hamming
    rows = list(changes)
    after = table.rotations.copy()
    for li, line in changes.items():
        after[li] = line
    before_close = after_close = 0
    for k, li in enumerate(rows):
        others = np.ones(len(after), dtype=bool)
        others[rows[: k + 1]] = False  # each pair once
        d_after = (after[others] != after[li]).sum(axis=-1)
        d_before = (table.rotations[others] != table.rotations[li]).sum(axis=-1)
        if len(d_after) and int(d_after.min()) < floor:
            return False
        after_close += int((d_after < threshold).sum())
        before_close += int((d_before < threshold).sum())
    if len(rows) == 2:
        d = int((after[rows[0]] != after[rows[1]]).sum())
        if d < floor:
            return False
        after_close += int(d < threshold)
        before_close += int((table.rotations[rows[0]] != table.rotations[rows[1]]).sum() < threshold)
    return after_close <= before_close


def _target(table: Table, rng: random.Random, stuck: set[int]) -> int | None:
    """An extreme line of a random year (max or min score) not known to be stuck, else any line
    not stuck."""
    years = [int(y) for y in np.unique(table.years)]
    rng.shuffle(years)
    for year in years:
        members = np.flatnonzero(table.years == year)
        scores = table.scores[members]
        extremes = [int(li) for li in members[(scores == scores.max()) | (scores == scores.min())]]
        extremes = [li for li in extremes if li not in stuck]
        if extremes:
            return rng.choice(extremes)
    free = [li for li in range(len(table.rotations)) if li not in stuck]
    return rng.choice(free) if free else None


@dataclass
class BalanceLog:
    """Moves tried and kept, rule checks run."""

    moves: int = 0
    kept: int = 0
    passes: int = 0


def balance(
    table: Table,
    rules: Mapping[int, LineRules],
    deadline: float,
    seed: int,
    on_improvement: Callable[[np.ndarray, int], None] = lambda *_: None,
) -> BalanceLog:
    """Improve `table` in place by exchange moves until no line has an improving move or `deadline`
    (time.monotonic()). `rules[year]` checks a line of that year."""
    rng = random.Random(seed)
    log = BalanceLog()
    floor = min(int(table.distances().min()), table.cost.min_hamming) if len(table.rotations) > 1 else 0
    stuck: set[int] = set()
    memo: dict[tuple[int, Line], int] = {}
    while time.monotonic() < deadline:
        li = _target(table, rng, stuck)
        if li is None:
            break
        kept = False
        for move in _candidates(table, li, memo):
            if time.monotonic() >= deadline:
                break
            log.moves += 1
            changes = dict(move.lines)
            if not all(rules[int(table.years[k])].allows(line) for k, line in changes.items()):
                continue
            if not _keeps_apart(table, changes, floor):
                continue
            _apply(table, changes)
            kept = True
            log.kept += 1
            if move.delta < 0:
                on_improvement(table.rotations.copy(), table.total())
            break
        if kept:
            stuck.clear()
        else:
            stuck.add(li)
    log.passes = len(stuck)
    return log
