"""The window model of minimal-change re-solves is exact: the same optimum as the full roster model
with the days outside the window constrained to the current roster, and its objective equals the
independent validator's penalty of the full re-solved roster."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from ortools.sat.python import cp_model

from roster_pipeline.explain.counterfactual import explain_assignment
from roster_pipeline.explain.demo import solved_sample
from roster_pipeline.explain.facts import RosterContext, normalise_assignments
from roster_pipeline.explain.whatif import (
    LOCAL_PARAMETERS,
    MOVE_COST,
    Change,
    apply_change,
    local_resolve,
    local_window,
)
from roster_pipeline.explain.window import build_window_model
from roster_pipeline.solver import build_model
from roster_pipeline.validator import validate_roster


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> RosterContext:
    return solved_sample(tmp_path_factory.mktemp("window"), registrars=20, sites=2, weeks=2)


def _a_night(ctx: RosterContext) -> tuple[str, dt.date, str]:
    """A night shift in the middle of the horizon, so the window has fixed days on both sides."""
    kinds = {code: st.kind for code, st in ctx.department.shift_types.items()}
    middle = ctx.horizon.start + dt.timedelta(days=6)
    rows = sorted(
        ((abs((d - middle).days), r, d, s) for r, d, s in ctx.assignments.itertuples(index=False)),
        key=lambda row: (row[0], kinds[row[3]] != "night", row[1]),
    )
    _, rid, day, shift = rows[0]
    return rid, day, shift


def _optimum(model: cp_model.CpModel, x: dict, current: dict, terms: list) -> tuple[int, cp_model.CpSolver]:
    moved = []
    for key, var in x.items():
        value = int(current.get(key[:2]) == key[2])
        moved.append(1 - var if value else var)
    model.Minimize(MOVE_COST * sum(moved) + sum(t.coef * t.var for t in terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = 120.0  # deterministic: no wall clock
    solver.parameters.num_workers = 1
    assert solver.Solve(model) == cp_model.OPTIMAL
    return round(solver.ObjectiveValue()), solver


def test_window_model_has_the_full_models_optimum(ctx: RosterContext) -> None:
    rid, day, _ = _a_night(ctx)
    dept, pack = apply_change(ctx.department, ctx.pack, Change("leave", registrar_id=rid, start=day, end=day))
    window = local_window({day})
    current = {(r, d): s for r, d, s in ctx.assignments.itertuples(index=False)}
    fixed = {key: s for key, s in current.items() if key[1] not in window}
    assert window < set(ctx.horizon.days) and fixed

    reference = build_model(dept, pack, ctx.horizon)  # every day a variable, fixed days pinned
    inside = {}
    for key, var in reference.x.items():
        if key[1] in window:
            inside[key] = var
        else:
            reference.model.Add(var == int(current.get(key[:2]) == key[2]))
    expected, _ = _optimum(reference.model, inside, current, reference.objective_terms())

    small = build_window_model(dept, pack, ctx.horizon, fixed, window)
    assert {key[1] for key in small.x} <= window
    value, solver = _optimum(small.model, small.x, current, small.objective_terms())
    assert value == expected
    # its objective is the move cost plus the validator's penalty of the whole re-solved roster
    chosen = [(r, d, s) for (r, d), s in fixed.items()]
    chosen += [key for key, var in small.x.items() if solver.BooleanValue(var)]
    roster = normalise_assignments(pd.DataFrame(chosen, columns=["registrar_id", "date", "shift"]))
    report = validate_roster(dept, pack, ctx.horizon, roster)
    moves = sum(
        1 for key, var in small.x.items() if solver.BooleanValue(var) != (current.get(key[:2]) == key[2])
    )
    assert report.hard_violations == 0 and value == MOVE_COST * moves + report.soft_penalty


def test_local_resolve_objective_is_the_validators_penalty(ctx: RosterContext) -> None:
    rid, day, shift = _a_night(ctx)
    change = Change("leave", registrar_id=rid, start=day, end=day)
    dept, pack = apply_change(ctx.department, ctx.pack, change)
    outcome = local_resolve(ctx, dept, pack, [change.describe()], {day}, time_limit=20)
    assert outcome is not None and outcome.status == "OPTIMAL (local)"
    assert outcome.hard_after == 0
    window = {d.isoformat() for d in local_window({day})}
    assert outcome.moves and {m["date"] for m in outcome.moves} <= window
    # the registrar on leave works nothing that day (other days of the window may change for them)
    assert not [
        m for m in outcome.moves if (m["registrar_id"], m["date"]) == (rid, day.isoformat()) and m["after"]
    ]
    assert any(
        (m["registrar_id"], m["date"], m["after"]) == (rid, day.isoformat(), None) for m in outcome.moves
    )
    # the current roster with the moves applied, re-validated from scratch, has the reported penalties
    after = {(r, d): s for r, d, s in ctx.assignments.itertuples(index=False)}
    for move in outcome.moves:
        key = (move["registrar_id"], dt.date.fromisoformat(move["date"]))
        after.pop(key, None)
        if move["after"]:
            after[key] = move["after"]
    rows = [(r, d, s) for (r, d), s in after.items()]
    frame = normalise_assignments(pd.DataFrame(rows, columns=["registrar_id", "date", "shift"]))
    report = validate_roster(dept, pack, ctx.horizon, frame)
    assert dict(report.penalty_by_rule) == outcome.penalties_after and report.hard_violations == 0
    assert LOCAL_PARAMETERS["num_workers"] == 1  # deterministic: the same answer on every run
    again = explain_assignment(ctx, rid, day, shift)["counterfactual"]
    assert again["total_penalty_after"] == outcome.total_after and again["moves"] == outcome.moves
