"""The job-line neighbourhood search: never worse, only lines the model accepts, distance floor kept."""

from __future__ import annotations

import random

import numpy as np
from jobline_factories import first_solution, leave_weeks, small_plan

from roster_pipeline.joblines.budget import Budget
from roster_pipeline.joblines.checker import CheckInputs, check, violations
from roster_pipeline.joblines.lines import snapshot_frame
from roster_pipeline.joblines.lns import TermCycle, improve_lines, line_cells
from roster_pipeline.joblines.solve import JoblineSettings, _fixed, _line_space


def test_search_improves_and_keeps_the_distance_floor() -> None:
    plan = small_plan()
    built, values, cost = first_solution()
    space = _line_space(plan, built)
    floor = min(int(space.distances(values).min()), 3)
    close = int((space.distances(values) < 3).sum())
    seen: list[float] = []
    found, best, log = improve_lines(
        built.model,
        space,
        values,
        cost,
        Budget(6.0, deterministic=True),
        6.0,
        1,
        0,
        lambda _, c: seen.append(c),
        space.keeps_apart(values, 3),
    )
    assert log.steps > 0 and best <= cost
    assert seen == sorted(seen, reverse=True) and all(c < cost for c in seen)
    assert not seen or seen[-1] == best
    assert int(space.distances(found).min()) >= floor and int((space.distances(found) < 3).sum()) <= close
    # the model accepts the lines as they are
    solver = _fixed(built.model, found, JoblineSettings(deterministic=True))
    assert solver is not None and solver.ObjectiveValue() == best
    lines = snapshot_frame(plan, space.rotations(found), leave_weeks(plan, built, found))
    assert violations(check(lines, CheckInputs.from_plan(plan))).empty


def test_a_refusing_accept_keeps_the_start() -> None:
    plan = small_plan()
    built, values, cost = first_solution()
    space = _line_space(plan, built)
    found, best, log = improve_lines(
        built.model, space, values, cost, Budget(3.0, True), 3.0, 1, 1, lambda *_: None, lambda _: False
    )
    assert best == cost and np.array_equal(found, values)
    assert log.improved == 0 and log.steps > 0


def test_term_cycle_visits_every_year_and_term_then_widens() -> None:
    plan = small_plan()
    built, values, _ = first_solution()
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
    plan = small_plan()
    built, values, _ = first_solution()
    space = _line_space(plan, built)
    n_terms = len(plan.weeks)
    rng = random.Random(0)
    for _ in range(30):
        cells = line_cells(space, values, 4, rng)
        lines = {li for li, _ in cells}
        assert cells == {(li, t) for li in lines for t in range(n_terms)} and len(lines) == 4


def test_distances_count_differing_terms() -> None:
    plan = small_plan()
    built, values, _ = first_solution()
    space = _line_space(plan, built)
    rotations = space.rotations(values)
    expected = [
        sum(x != y for x, y in zip(rotations[a], rotations[b], strict=True))
        for a in range(len(rotations))
        for b in range(a + 1, len(rotations))
    ]
    assert list(space.distances(values)) == expected
    same = values.copy()  # line 1 made a copy of line 0: a pair at distance 0
    same[space.y_index[1].ravel()] = values[space.y_index[0].ravel()]
    assert min(expected) >= 1 and not space.keeps_apart(values, 3)(same)


def test_line_space_scores_match_the_catalogue() -> None:
    plan = small_plan()
    built, values, _ = first_solution()
    space = _line_space(plan, built)
    rotations = space.rotations(values)
    pop = plan.catalogue.rotations.popularity.to_numpy()
    weeks = list(plan.weeks.values())
    expected = [sum(int(pop[r]) * w for r, w in zip(row, weeks, strict=True)) for row in rotations]
    assert list(space.scores(values)) == expected
    frame = snapshot_frame(plan, rotations, leave_weeks(plan, built, values))
    rids = list(plan.catalogue.rotations.rotation_id)
    by_line = frame.sort_values(["line_id", "term"]).groupby("line_id", sort=False).rotation_id.apply(list)
    assert by_line.tolist() == [[rids[int(r)] for r in row] for row in rotations]


def test_fixed_returns_none_for_lines_the_model_rejects() -> None:
    plan = small_plan()
    built, values, _ = first_solution()
    space = _line_space(plan, built)
    broken = values.copy()
    broken[space.y_index[0, 0]] = 1  # every rotation in line 0's first term: not exactly one
    assert _fixed(built.model, values, JoblineSettings(deterministic=True)) is not None
    assert _fixed(built.model, broken, JoblineSettings(deterministic=True)) is None
