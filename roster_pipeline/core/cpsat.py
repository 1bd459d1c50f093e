"""CP-SAT idioms shared by the roster and job-line engines: status names, the solver factory, hints."""

from __future__ import annotations

from ortools.sat.python import cp_model

STATUS_NAMES = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


def new_solver(
    time_limit: float, workers: int, seed: int, deterministic: bool = False, log: bool = False
) -> cp_model.CpSolver:
    """A CpSolver stopping after `time_limit` seconds (deterministic seconds when `deterministic`)."""
    solver = cp_model.CpSolver()
    if deterministic:
        solver.parameters.max_deterministic_time = float(time_limit)
        solver.parameters.interleave_search = workers > 1
    else:
        solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    solver.parameters.log_search_progress = log
    return solver


def set_hint(model: cp_model.CpModel, values: list[int]) -> None:
    """Hint every variable of `model` with `values` (one per variable), replacing any hint."""
    proto = model.Proto()
    proto.clear_solution_hint()
    proto.solution_hint.vars.extend(range(len(values)))
    proto.solution_hint.values.extend(values)
