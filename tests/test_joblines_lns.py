"""The job-line neighbourhood search: never worse, only lines the model accepts, distance floor kept."""

from __future__ import annotations

import functools
import random
import time

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from affinity import default_profile
from roster_pipeline.joblines.checker import check, violations
from roster_pipeline.joblines.data import Plan, sample_catalogue, sample_cohort, template
from roster_pipeline.joblines.lns import TermCycle, improve_lines, line_cells
from roster_pipeline.joblines.objective import ObjectiveWeights
from roster_pipeline.joblines.solve import JoblineSettings, _fixed, _line_space, build, snapshot_frame


@functools.cache
def _first(weights: ObjectiveWeights | None = None, seed: int = 3) -> tuple:
    """The full model with the rules on, and its first solution (shared: the searches copy it)."""
    plan = _plan()
    built = build(plan, default_profile(), weights)
    for lit in built.lits.values():
        built.model.Add(lit == 1)
    solver = cp_model.CpSolver()
    solver.parameters.stop_after_first_solution = True
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    assert solver.Solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = np.asarray(solver.ResponseProto().solution, dtype=np.int64)
    return built, values, solver.ObjectiveValue()


@functools.cache
def _plan() -> Plan:
    return Plan.build(sample_cohort(8, 4), template("5-term"), sample_catalogue().assign(min_staffing=0))


def test_search_improves_and_keeps_the_distance_floor() -> None:
    plan = _plan()
    built, values, cost = _first()
    space = _line_space(plan, built)
    floor = min(int(space.distances(values).min()), 3)
    close = int((space.distances(values) < 3).sum())
    seen: list[float] = []
    found, best, log = improve_lines(
        built.model,
        space,
        values,
        cost,
        time.monotonic() + 6.0,
        2,
        0,
        lambda _, c: seen.append(c),
        space.keeps_apart(values, 3),
    )
    assert log.steps > 0 and best <= cost
    assert seen == sorted(seen, reverse=True) and all(c < cost for c in seen)
    assert not seen or seen[-1] == best
    assert int(space.distances(found).min()) >= floor and int((space.distances(found) < 3).sum()) <= close
    solver = _fixed(built.model, found, JoblineSettings())  # the model accepts the lines as they are
    assert solver.ObjectiveValue() == best
    rot = plan.catalogue.rotations
    lines = snapshot_frame(plan, space.rotations(found), _leave(plan, built, found))
    report = check(lines, rot, plan.rules, plan.catalogue.capacity, plan.catalogue.min_staffing)
    assert violations(report).empty


def test_a_refusing_accept_keeps_the_start() -> None:
    plan = _plan()
    built, values, cost = _first()
    space = _line_space(plan, built)
    found, best, log = improve_lines(
        built.model, space, values, cost, time.monotonic() + 3.0, 1, 1, lambda *_: None, lambda _: False
    )
    assert best == cost and np.array_equal(found, values)
    assert log.improved == 0 and log.steps > 0


def test_term_cycle_visits_every_year_and_term_then_widens() -> None:
    plan = _plan()
    built, values, _ = _first()
    space = _line_space(plan, built)
    n_terms = len(plan.weeks)
    cycle = TermCycle(space.years, n_terms, random.Random(0))
    cycle.cost = 1000.0
    seen = set()
    for _ in range(2 * n_terms):  # one pass: two PGY years x five terms
        cells = cycle.next()
        lines = {li for li, _ in cells}
        (year,) = {space.years[li] for li in lines}
        assert lines == {li for li, y in enumerate(space.years) if y == year}
        (term,) = {t for _, t in cells}
        seen.add((year, term))
    assert seen == {(y, t) for y in (1, 2) for t in range(n_terms)} and cycle.width == 1
    cycle.cost = 900.0  # the first pass started at inf: 10 % lower keeps the width
    cycle.next()
    assert cycle.width == 1
    for _ in range(2 * n_terms - 1):
        cycle.next()
    cycle.cost = 899.0  # a pass gaining 0.1 %: now two terms at a time
    cells = cycle.next()
    assert cycle.width == 2 and len({t for _, t in cells}) == 2


def test_line_neighbourhoods_free_whole_lines() -> None:
    plan = _plan()
    built, values, _ = _first()
    space = _line_space(plan, built)
    n_terms = len(plan.weeks)
    rng = random.Random(0)
    for _ in range(30):
        cells = line_cells(space, values, 4, rng)
        lines = {li for li, _ in cells}
        assert cells == {(li, t) for li in lines for t in range(n_terms)} and len(lines) == 4


def _leave(plan: Plan, built, values: np.ndarray) -> np.ndarray:
    terms = list(plan.weeks)
    return np.array(
        [
            [sum(k * int(values[v.Index()]) for k, v in built.leave_blocks[li, t]) for t in terms]
            for li in range(len(plan.cohort))
        ]
    )


def test_distances_count_differing_terms() -> None:
    plan = _plan()
    built, values, _ = _first()
    space = _line_space(plan, built)
    rotations = space.rotations(values)
    expected = [
        sum(x != y for x, y in zip(rotations[a], rotations[b], strict=True))
        for a in range(len(rotations))
        for b in range(a + 1, len(rotations))
    ]
    assert list(space.distances(values)) == expected
    assert space.keeps_apart(values, 3)(values)


def test_line_space_scores_match_the_catalogue() -> None:
    plan = _plan()
    built, values, _ = _first()
    space = _line_space(plan, built)
    rotations = space.rotations(values)
    pop = plan.catalogue.rotations.popularity.to_numpy()
    weeks = list(plan.weeks.values())
    expected = [sum(int(pop[r]) * w for r, w in zip(row, weeks, strict=True)) for row in rotations]
    assert list(space.scores(values)) == expected
    assert isinstance(snapshot_frame(plan, rotations, _leave(plan, built, values)), pd.DataFrame)
