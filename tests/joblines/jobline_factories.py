"""A small job-line plan (8 PGY1 + 4 PGY2 lines, no minimum staffing) and its first solution,
shared by the job-line search tests."""

from __future__ import annotations

import functools

import numpy as np
from ortools.sat.python import cp_model

from affinity import default_profile
from roster_pipeline.joblines.data import Plan, sample_catalogue, sample_cohort, template
from roster_pipeline.joblines.model import build
from roster_pipeline.joblines.objective import ObjectiveWeights


@functools.cache
def first_solution(weights: ObjectiveWeights | None = None, seed: int = 3) -> tuple:
    """The full model with the rules on, and its first solution (shared: the searches copy it)."""
    plan = small_plan()
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
def small_plan() -> Plan:
    return Plan.build(sample_cohort(8, 4), template("5-term"), sample_catalogue().assign(min_staffing=0))


def leave_weeks(plan: Plan, built, values: np.ndarray) -> np.ndarray:
    """[line, term] leave weeks of the solution `values`."""
    terms = list(plan.weeks)
    return np.array(
        [
            [sum(k * int(values[v.Index()]) for k, v in built.leave_blocks[li, t]) for t in terms]
            for li in range(len(plan.cohort))
        ]
    )
