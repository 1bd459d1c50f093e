"""A solve that starts from a roster (a pipeline week from the week before's lookahead roster)."""

from __future__ import annotations

import pandas as pd

from roster_pipeline.solver import SolveSettings, solve
from roster_pipeline.validator import validate_roster

from factories import full_pack, horizon, random_department

SHORT = SolveSettings(time_limit=1, workers=1, seed=0, deterministic=True)
LONGER = SolveSettings(time_limit=2, workers=1, seed=0, deterministic=True)


def _first_level_penalty(report, pack) -> int:
    """The validator's penalty summed over the pack's first priority level (cover targets,
    requests, leave, fairness), which later levels may not make worse."""
    soft = [r for r in pack.rules if not r.hard]
    first = min(r.priority for r in soft)
    return sum(report.penalty_by_rule[r.id] for r in soft if r.priority == first)


def test_a_start_roster_is_improved_and_its_first_level_never_made_worse() -> None:
    department, pack, weeks = random_department(3, registrars=10, weeks=2), full_pack(), horizon(2)
    start = solve(department, pack, weeks, SHORT).assignments
    again = solve(department, pack, weeks, LONGER, start=start)
    before = validate_roster(department, pack, weeks, start)
    after = validate_roster(department, pack, weeks, again.assignments)
    assert before.hard_violations == 0 and after.hard_violations == 0
    assert _first_level_penalty(after, pack) <= _first_level_penalty(before, pack)
    assert after.soft_penalty < before.soft_penalty
    # the start is an input of the solve: recorded in its input hash
    assert again.input_hash != solve(department, pack, weeks, LONGER).input_hash


def test_a_start_roster_that_breaks_a_hard_rule_is_not_used() -> None:
    department, pack, weeks = random_department(3, registrars=10, weeks=2), full_pack(), horizon(2)
    start = solve(department, pack, weeks, SHORT).assignments
    worked = start.iloc[0]
    other = next(code for code in department.shift_types if code != worked["shift"])
    # a second shift on the same day breaks "one shift a day"
    broken = pd.concat([start, pd.DataFrame([{**worked.to_dict(), "shift": other}])], ignore_index=True)
    assert validate_roster(department, pack, weeks, broken).hard_violations > 0
    result = solve(department, pack, weeks, LONGER, start=broken)
    assert result.feasible
    assert validate_roster(department, pack, weeks, result.assignments).hard_violations == 0
