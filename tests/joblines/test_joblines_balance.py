"""The exchange search on job lines: exact cost deltas, never worse, only compliant lines."""

from __future__ import annotations

import functools
import math

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from jobline_factories import first_solution, leave_weeks, small_plan

from affinity import default_profile, scale_weights
from roster_pipeline.joblines.balance import Table, _apply, _candidates, _exchanges, balance
from roster_pipeline.joblines.budget import Budget
from roster_pipeline.joblines.checker import CheckInputs, check, violations
from roster_pipeline.joblines.checker_objective import recount
from roster_pipeline.joblines.lines import snapshot_frame
from roster_pipeline.joblines.model import best_line_affinities, line_rules
from roster_pipeline.joblines.objective import ObjectiveWeights, evaluate
from roster_pipeline.joblines.solve import JoblineSettings, _adopt, _fixed, _line_space, cost_model

WEIGHTS = ObjectiveWeights(affinity=1, clumping=1, attractiveness=1, similar=2, min_hamming=3)


@functools.cache
def _bests() -> dict[int, int]:
    return best_line_affinities(small_plan(), default_profile())


def _table(rotations: np.ndarray) -> Table:
    plan = small_plan()
    model = cost_model(plan, default_profile(), WEIGHTS, _bests())
    fte = np.array(plan.fte_percent)
    return Table(np.array(rotations), np.array([int(p) for p in plan.cohort.pgy]), fte, model)


def _evaluated(rotations: np.ndarray) -> int:
    """The cost by objective.evaluate (the model's definition), from rotation ids."""
    plan = small_plan()
    rot = plan.catalogue.rotations
    rids = list(rot.rotation_id)
    info = {r: (s, int(p)) for r, s, p in zip(rids, rot.specialty, rot.popularity, strict=True)}
    lines = [[rids[int(i)] for i in row] for row in rotations]
    pgys = [int(p) for p in plan.cohort.pgy]
    weeks = list(plan.weeks.values())
    scaled = scale_weights(default_profile())
    return sum(evaluate(lines, pgys, weeks, info, scaled, _bests(), WEIGHTS).values())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 39), min_size=5, max_size=5), min_size=12, max_size=12))
def test_table_cost_is_the_objective(rows: list[list[int]]) -> None:
    rotations = np.array(rows)
    assert _table(rotations).total() == _evaluated(rotations)


def _solution() -> tuple:
    return first_solution(WEIGHTS, 5)


def test_exchange_search_is_never_worse_and_keeps_every_rule() -> None:
    plan = small_plan()
    built, values, cost = _solution()
    space = _line_space(plan, built)
    table = _table(space.rotations(values))
    assert table.total() == cost
    floor = min(int(table.distances().min()), WEIGHTS.min_hamming)
    close = table.close_pairs()
    rules = {y: line_rules(plan, y) for y in (1, 2)}
    seen: list[int] = []
    unlimited = Budget(math.inf, deterministic=True)
    log = balance(table, rules, unlimited, math.inf, 0, lambda _, c: seen.append(c))  # one descent
    assert log.kept > 0 and table.total() < cost
    assert seen == sorted(seen, reverse=True) and seen[-1] == table.total()
    fresh = _table(table.rotations)  # the running sums equal sums from scratch
    for name in ("heads", "load", "scores", "shortfalls"):
        assert np.array_equal(getattr(fresh, name), getattr(table, name)), name
    assert int(table.distances().min()) >= floor and table.close_pairs() <= close
    assert all(
        rules[int(y)].allows(tuple(map(int, row)))
        for row, y in zip(table.rotations, table.years, strict=True)
    )
    found = _adopt(built.model, space, values, table.rotations, deterministic=True)
    assert found is not None
    solver = _fixed(built.model, found, JoblineSettings(deterministic=True))
    assert solver is not None and solver.ObjectiveValue() == table.total()
    lines = snapshot_frame(plan, space.rotations(found), leave_weeks(plan, built, found))
    inputs = CheckInputs.from_plan(plan)
    assert violations(check(lines, inputs)).empty
    bests = built.choice.bests  # the engine's best single-line affinities: the checker takes them as given
    recounted = recount(lines, inputs, default_profile().values, bests, vars(WEIGHTS))
    assert sum(recounted.values()) == table.total()


def test_line_rules_accept_solution_lines_and_refuse_broken_ones() -> None:
    plan = small_plan()
    built, values, _ = _solution()
    rules = {y: line_rules(plan, y) for y in (1, 2)}
    rotations = _line_space(plan, built).rotations(values)
    years = [int(p) for p in plan.cohort.pgy]
    assert all(rules[y].allows(tuple(map(int, row))) for row, y in zip(rotations, years, strict=True))
    rids = list(plan.catalogue.rotations.rotation_id)
    rural = [rids.index(r) for r in ("RUR-MED", "RUR-GP")]
    line = tuple(map(int, rotations[0]))
    twice_rural = (rural[0], rural[1]) + line[2:]
    assert not rules[years[0]].allows(twice_rural)
    repeated = (line[1],) + line[1:]
    assert not rules[years[0]].allows(repeated)


@given(
    st.lists(st.integers(0, 3), min_size=5, max_size=5), st.lists(st.integers(0, 3), min_size=5, max_size=5)
)
def test_exchanges_keep_each_terms_pair_of_rotations(a: list[int], b: list[int]) -> None:
    mine, theirs = tuple(a), tuple(b)
    found = _exchanges(mine, theirs)
    differ = sum(x != y for x, y in zip(mine, theirs, strict=True))
    assert len(found) == (2 ** (differ - 1) - 1 if differ else 0)
    assert len(set(found)) == len(found)
    for new_a, new_b in found:
        assert {new_a, new_b} != {mine, theirs}
        for t in range(5):
            assert sorted((new_a[t], new_b[t])) == sorted((mine[t], theirs[t]))


def _flatness(table: Table, year: int) -> int:
    scores = table.scores[table.years == year]
    return len(scores) * int((scores**2).sum()) - int(scores.sum()) ** 2


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_listed_moves_are_exactly_the_improving_ones(seed: int, protect: bool) -> None:
    """Brute force over every exchange and change of one line: the listed moves are those that
    lower Table.total() (or keep it and flatten the year), with the deltas Table.total() shows."""
    plan = small_plan()
    rng = np.random.default_rng(seed)
    built, values, _ = _solution()
    rotations = _line_space(plan, built).rotations(values).copy()
    for _ in range(6):  # a few random changes, so that moves of every kind improve
        rotations[rng.integers(len(rotations)), rng.integers(5)] = rng.integers(40)
    model = cost_model(plan, default_profile(), ObjectiveWeights(1, 1, 1, 0, 3), _bests())
    fte = np.array(plan.fte_percent)
    years = np.array([int(p) for p in plan.cohort.pgy])
    table = Table(rotations, years, fte, model)
    assume((table.load <= model.capacity).all())
    li = int(rng.integers(len(rotations)))
    listed = {m.lines: (m.delta, m.flatter) for m in _candidates(table, li, protect)}
    expected = {}
    line = tuple(map(int, rotations[li]))
    options = [
        ((li, a), (int(k), b))
        for k in np.flatnonzero((years == years[li]) & (fte == fte[li]))
        if k != li
        for a, b in _exchanges(line, tuple(map(int, rotations[k])))
    ]
    options += [((li, line[:t] + (r,) + line[t + 1 :]),) for t in range(5) for r in range(40) if r != line[t]]
    for lines in options:
        trial = Table(rotations.copy(), years, fte, model)
        _apply(trial, dict(lines))
        touched = trial.load != table.load
        if (trial.load[touched] > model.capacity[touched]).any() or (
            trial.load[touched] < model.minimum[touched]
        ).any():
            continue
        delta = trial.total() - table.total()
        flat = _flatness(trial, int(years[li])) - _flatness(table, int(years[li]))
        if protect and trial.shortfalls.sum() > table.shortfalls.sum():
            continue
        if delta < 0 or (delta == 0 and flat < 0):
            expected[lines] = (delta, flat)
    assert listed == expected
