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

import functools
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from roster_pipeline.joblines.budget import Budget
from roster_pipeline.joblines.lns import pair_distances, restore_domains

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
        restore_domains(self.model.Proto(), saved)
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
        return int(self.best[year] - _affinity(counts, self.pair_weight))


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

    def restore(self, rotations: np.ndarray) -> None:
        """Go back to these rotations (the running sums recomputed)."""
        self.rotations = rotations.copy()
        self.__post_init__()

    def line_score(self, line: Line) -> int:
        return int(sum(self.cost.score[t, r] for t, r in enumerate(line)))

    def spread(self, year: int) -> int:
        members = self.scores[self.years == year]
        return int(members.max() - members.min()) if len(members) > 1 else 0

    def close_pairs(self) -> int:
        """Pairs of lines that differ in fewer than `min_hamming` terms."""
        return int((self.distances() < self.cost.min_hamming).sum())

    def distances(self) -> np.ndarray:
        return pair_distances(self.rotations)

    def total(self) -> int:
        """The cost of the table (equals objective.evaluate)."""
        c = self.cost
        shared = int((self.heads * (self.heads - 1) // 2).sum())
        spread = sum(self.spread(int(y)) for y in np.unique(self.years))
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


def _peers(table: Table, li: int) -> np.ndarray:
    """The other lines of `li`'s year and FTE (those it can exchange rotations with)."""
    peers = np.flatnonzero((table.years == table.years[li]) & (table.fte == table.fte[li]))
    return peers[peers != li]


def _affinity(counts: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Pattern affinity of specialty counts (last axis)."""
    return np.einsum("...s,st,...t->...", counts, weight, counts) // 2


def _others(table: Table, li: int, peers: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Per peer, the highest and lowest score of the year without `li` and that peer (-inf/inf
    if none), and the year's spread now. `peers` may hold -1 (no second line)."""
    year = table.years[li]
    members = np.flatnonzero(table.years == year)
    scores = table.scores[members]
    order = np.argsort(scores, kind="stable")
    pad = np.array([-1, -1, -1])
    low_lines = np.concatenate([members[order][:3], pad])[:3]
    high_lines = np.concatenate([members[order][::-1][:3], pad])[:3]
    values = np.append(table.scores.astype(float), np.nan)  # index -1: no line

    def pick(lines: np.ndarray, empty: float) -> np.ndarray:
        ok = (lines[:, None] >= 0) & (lines[:, None] != li) & (lines[:, None] != peers[None, :])
        return np.where(ok.any(axis=0), values[lines[ok.argmax(axis=0)]], empty)

    spread = int(scores.max() - scores.min()) if len(scores) > 1 else 0
    return pick(high_lines, -np.inf), pick(low_lines, np.inf), spread


def _spread_delta(high: np.ndarray, low: np.ndarray, spread: int, *new: np.ndarray) -> np.ndarray:
    """Change of the year's spread with the lines' new scores (0 for a year of one line)."""
    hi = functools.reduce(np.maximum, new, high)
    lo = functools.reduce(np.minimum, new, low)
    return np.where(np.isfinite(high) | (len(new) > 1), hi - lo - spread, 0).astype(np.int64)


def _exchange_moves(table: Table, li: int, masks: np.ndarray) -> list[tuple[Move, int]]:
    """Exchanges of some terms between `li` and each line of its year and FTE (each pair of
    results once) with their cost, flatness and shortfall deltas."""
    c = table.cost
    peers = _peers(table, li)
    if not len(peers):
        return []
    a, b = table.rotations[li], table.rotations[peers]
    differ = b != a
    n_terms = len(a)
    last = n_terms - 1 - np.argmax(differ[:, ::-1], axis=1)  # highest differing term
    valid = ~(masks[None, :, :] & ~differ[:, None, :]).any(axis=-1)  # the mask within the difference
    valid &= ~masks[:, last].T  # canonical: leave the last differing term (the rest is the mirror)
    valid &= differ.any(axis=1)[:, None]
    terms = np.arange(n_terms)
    gain = c.score[terms, b] - c.score[terms, a]  # [peer, term]: score to a if it takes b's rotation
    d_score = gain @ masks.T  # [peer, mask]
    spec_a, spec_b = c.specialty[a], c.specialty[b]
    n_spec = len(c.pair_weight)
    one_a, one_b = np.eye(n_spec, dtype=np.int64)[spec_a], np.eye(n_spec, dtype=np.int64)[spec_b]
    d_count = np.einsum("mt,kts->kms", masks.astype(np.int64), one_b - one_a[None])
    count_a = one_a.sum(axis=0)
    count_b = one_b.sum(axis=1)
    year = int(table.years[li])
    best = c.best[year]
    short_a = best - _affinity(count_a[None, None, :] + d_count, c.pair_weight)
    short_b = best - _affinity(count_b[:, None, :] - d_count, c.pair_weight)
    d_short = short_a + short_b - table.shortfalls[li] - table.shortfalls[peers][:, None]
    high, low, spread = _others(table, li, peers)
    new_a = table.scores[li] + d_score
    new_b = table.scores[peers][:, None] - d_score
    d_spread = _spread_delta(high[:, None], low[:, None], spread, new_a, new_b)
    n = int((table.years == year).sum())
    flat = n * (new_a**2 + new_b**2 - table.scores[li] ** 2 - (table.scores[peers] ** 2)[:, None])
    delta = c.affinity * d_short + c.attractiveness * d_spread
    keep = valid & ((delta < 0) | ((delta == 0) & (flat < 0)))
    moves = []
    for k, m in zip(*np.nonzero(keep), strict=True):
        mine, theirs = a.copy(), b[k].copy()
        mine[masks[m]], theirs[masks[m]] = b[k][masks[m]], a[masks[m]]
        lines = ((li, tuple(map(int, mine))), (int(peers[k]), tuple(map(int, theirs))))
        moves.append((Move(lines, int(delta[k, m]), int(flat[k, m])), int(d_short[k, m])))
    return moves


def _change_moves(table: Table, li: int) -> list[tuple[Move, int]]:
    """Every other rotation for `li` in one term that capacity and minimum staffing allow, with
    cost, flatness and shortfall deltas."""
    c = table.cost
    a = table.rotations[li]
    n_terms, n_rot = c.score.shape
    terms = np.arange(n_terms)
    f = table.fte[li]
    ok = table.load + f <= c.capacity
    ok &= (table.load[terms, a] - f >= c.minimum[terms, a])[:, None]
    ok[terms, a] = False
    n_spec = len(c.pair_weight)
    eye = np.eye(n_spec, dtype=np.int64)
    count = eye[c.specialty[a]].sum(axis=0)
    counts = count[None, None, :] - eye[c.specialty[a]][:, None, :] + eye[c.specialty][None, :, :]
    year = int(table.years[li])
    d_short = c.best[year] - _affinity(counts, c.pair_weight) - table.shortfalls[li]
    d_shared = table.heads - table.heads[terms, a][:, None] + 1
    new = table.scores[li] + c.score - c.score[terms, a][:, None]
    high, low, spread = _others(table, li, np.array([-1]))
    d_spread = _spread_delta(high[0], low[0], spread, new)
    members = table.scores[table.years == year]
    n, total, squares = len(members), int(members.sum()), int((members**2).sum())
    old = int(table.scores[li])
    flat = n * (squares - old**2 + new**2) - (total - old + new) ** 2 - (n * squares - total**2)
    delta = c.affinity * d_short + c.clumping * d_shared + c.attractiveness * d_spread
    keep = ok & ((delta < 0) | ((delta == 0) & (flat < 0)))
    moves = []
    for t, r in zip(*np.nonzero(keep), strict=True):
        line = tuple(int(v) for v in a)
        line = line[:t] + (int(r),) + line[t + 1 :]
        moves.append((Move(((li, line),), int(delta[t, r]), int(flat[t, r])), int(d_short[t, r])))
    return moves


def _candidates(table: Table, li: int, protect: bool) -> list[Move]:
    """Every exchange of some terms with a line of the same year and FTE, and every change of
    rotation in one term, that lowers the cost or keeps it and flattens the scores (with `protect`,
    none that raises the affinity shortfall); best first."""
    masks = _subsets(table.rotations.shape[1])
    found = _exchange_moves(table, li, masks) + _change_moves(table, li)
    moves = [m for m, d_short in found if not (protect and d_short > 0)]
    moves.sort(key=lambda m: (m.delta, m.flatter))
    return moves


@functools.cache
def _subsets(n_terms: int) -> np.ndarray:
    """Every non-empty proper subset of the terms, as boolean rows."""
    return np.array([[m >> t & 1 for t in range(n_terms)] for m in range(1, (1 << n_terms) - 1)], dtype=bool)


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
    """Moves tried and kept, and descents run."""

    moves: int = 0
    kept: int = 0
    passes: int = 0  # descents


def _descend(
    table: Table,
    rules: Mapping[int, LineRules],
    budget: Budget,
    end: float,
    rng: random.Random,
    state: _Search,
) -> None:
    """Apply the best allowed move of an extreme (else any) line until no line has one."""
    stuck: set[int] = set()
    while budget.spent() < end:
        li = _target(table, rng, stuck)
        if li is None:
            return
        kept = False
        for move in _candidates(table, li, state.protect):
            if budget.spent() >= end:
                return
            budget.tick()
            state.log.moves += 1
            changes = dict(move.lines)
            if not _allowed(table, rules, changes, state.floor):
                continue
            _apply(table, changes)
            kept = True
            state.log.kept += 1
            if move.delta < 0:
                state.record(table)
            break
        if kept:
            stuck.clear()
        else:
            stuck.add(li)


def _allowed(table: Table, rules: Mapping[int, LineRules], changes: Mapping[int, Line], floor: int) -> bool:
    return all(rules[int(table.years[k])].allows(line) for k, line in changes.items()) and _keeps_apart(
        table, changes, floor
    )


def _kick(
    table: Table, rules: Mapping[int, LineRules], rng: random.Random, state: _Search, moves: int
) -> None:
    """Apply up to `moves` random allowed moves whatever their cost: an exchange between a line (an
    extreme one half of the time) and another of its year, or a rotation of the same specialty in
    one term."""
    c = table.cost
    for _ in range(50 * moves):
        if moves == 0:
            return
        li = _target(table, rng, set()) if rng.random() < 0.5 else rng.randrange(len(table.rotations))
        line = tuple(map(int, table.rotations[li]))
        if rng.random() < 0.3:
            t = rng.randrange(len(line))
            same = np.flatnonzero(c.specialty == c.specialty[line[t]])
            r = int(rng.choice(same.tolist()))
            f = table.fte[li]
            if r == line[t] or table.load[t, r] + f > c.capacity[t, r]:
                continue
            if table.load[t, line[t]] - f < c.minimum[t, line[t]]:
                continue
            changes = {li: line[:t] + (r,) + line[t + 1 :]}
        else:
            peers = _peers(table, li)
            if not len(peers):
                continue
            other = int(rng.choice(peers.tolist()))
            options = _exchanges(line, tuple(map(int, table.rotations[other])))
            if not options:
                continue
            mine, theirs = rng.choice(options)
            changes = {li: mine, other: theirs}
        if _allowed(table, rules, changes, state.floor):
            _apply(table, changes)
            moves -= 1


@dataclass
class _Search:
    """The best table so far, distance floor, whether the shortfall may rise, and the log."""

    best: np.ndarray
    cost: int
    floor: int
    on_improvement: Callable[[np.ndarray, int], None]
    protect: bool = False
    log: BalanceLog = field(default_factory=lambda: BalanceLog())

    def record(self, table: Table) -> None:
        cost = table.total()
        if cost < self.cost:
            self.best, self.cost = table.rotations.copy(), cost
            self.on_improvement(self.best.copy(), cost)


def balance(
    table: Table,
    rules: Mapping[int, LineRules],
    budget: Budget,
    end: float,
    seed: int,
    on_improvement: Callable[[np.ndarray, int], None] = lambda *_: None,
    kicks: int = 0,
    protect: bool = False,
) -> BalanceLog:
    """Improve `table` in place by exchange moves until no line has an improving move, or with
    `kicks` > 0 until `budget` has spent `end`: from each local optimum, up to `kicks` random
    exchanges and a new descent, going back to the best table when it ends worse (iterated local
    search). `rules[year]` checks a line of that year; `on_improvement` sees every new best. With
    `protect`, no move raises the affinity shortfall (the relaxation's patterns are worth keeping
    while the spread comes down)."""
    rng = random.Random(seed)
    floor = min(int(table.distances().min()), table.cost.min_hamming) if len(table.rotations) > 1 else 0
    state = _Search(table.rotations.copy(), table.total(), floor, on_improvement, protect)
    while budget.spent() < end:
        _descend(table, rules, budget, end, rng, state)
        state.log.passes += 1
        if table.total() > state.cost:
            table.restore(state.best)
        if not kicks:
            break
        _kick(table, rules, rng, state, rng.randint(1, kicks))
    if table.total() > state.cost:
        table.restore(state.best)
    return state.log
