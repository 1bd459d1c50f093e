"""Property tests: the solver and the independent validator agree on random small departments."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roster_pipeline.solver import SolveSettings, solve
from roster_pipeline.validator import validate_roster

from factories import full_pack, horizon, random_department

PACK = full_pack()


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=10_000),
    registrars=st.integers(min_value=2, max_value=7),
    weeks=st.integers(min_value=1, max_value=2),
    history=st.booleans(),
)
def test_solver_rosters_pass_the_validator_and_penalties_agree(
    seed: int, registrars: int, weeks: int, history: bool
) -> None:
    department = random_department(seed, registrars=registrars, weeks=weeks, history=history)
    solve_settings = SolveSettings(time_limit=3, workers=1, seed=seed, deterministic=True)
    result = solve(department, PACK, horizon(weeks), solve_settings)
    assert result.feasible, result.diagnosis
    report = validate_roster(department, PACK, horizon(weeks), result.assignments)
    assert report.hard_violations == 0, report.format_text()
    # The solver's objective and breakdown against the validator's independent recount.
    assert report.soft_penalty == result.objective
    assert report.penalty_by_rule == result.penalties
