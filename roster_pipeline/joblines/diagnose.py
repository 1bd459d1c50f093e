"""On INFEASIBLE: the rule groups that cannot hold together, in plain words, and the fallback that may
drop the minimum staffing of excludable rotations."""

from __future__ import annotations

from ortools.sat.python import cp_model

from affinity import AffinityProfile
from roster_pipeline.core.cpsat import STATUS_NAMES, new_solver
from roster_pipeline.joblines.budget import Budget
from roster_pipeline.joblines.data import Plan
from roster_pipeline.joblines.model import JoblineModel, build
from roster_pipeline.joblines.objective import ObjectiveWeights
from roster_pipeline.joblines.rules import RULE_GROUPS

DROP_REASON = "minimum staffing of an excludable rotation could not be met with all rules"


def _shrink(built: JoblineModel, names: list[str], time_limit: float, deterministic: bool) -> list[str]:
    """Deletion filter: leave out each group in turn and keep it out if the rest stays infeasible."""
    kept = list(names)
    for name in names:
        trial = [g for g in kept if g != name]
        built.model.ClearAssumptions()
        built.model.AddAssumptions([built.lits[g] for g in trial])
        solver = new_solver(max(1.0, time_limit / 4), 1, 0, deterministic)
        if solver.Solve(built.model) == cp_model.INFEASIBLE:
            kept = trial
    return kept


def diagnose(plan: Plan, time_limit: float = 30.0, deterministic: bool = False) -> list[str]:
    """Plain-words reasons for infeasibility from CP-SAT's sufficient assumptions (`time_limit` in
    deterministic seconds when `deterministic`)."""
    built = build(plan, objective=False)
    built.model.AddAssumptions(list(built.lits.values()))
    solver = new_solver(time_limit, 1, 0, deterministic)
    status = solver.Solve(built.model)
    if status != cp_model.INFEASIBLE:
        return [f"diagnosis inconclusive ({STATUS_NAMES.get(status, status)} without the objective)"]
    core = {v.Index() for v in built.lits.values()}
    found = [i for i in solver.SufficientAssumptionsForInfeasibility() if i in core]
    limits = vars(plan.rules)
    names = _shrink(
        built, [g for g, v in built.lits.items() if v.Index() in found], time_limit, deterministic
    )
    return [
        "These rules cannot all hold together: "
        + "; ".join(RULE_GROUPS[g].format(**limits) for g in names)
        + "."
    ]


def with_drops(
    plan: Plan,
    profile: AffinityProfile,
    weights: ObjectiveWeights,
    budget: Budget,
    workers: int,
    seed: int,
) -> tuple[JoblineModel, cp_model.CpSolver] | None:
    """The fallback: every rule on, but the minimum staffing of excludable rotations may be dropped
    (at 1000 + popularity per drop); solved with what is left of `budget` (at least 1 s). None if
    no lines."""
    relaxed = build(plan, profile, weights, allow_drops=True)
    relaxed.require_rules()
    solver = budget.solver(max(1.0, budget.left()), workers, seed)
    if budget.solve(solver, relaxed.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return relaxed, solver


def dropped_minimums(plan: Plan, relaxed: JoblineModel, solver: cp_model.CpSolver) -> list[dict]:
    """The rotation and term of every dropped minimum staffing, with the minimum and the reason."""
    return [
        {
            "rotation_id": r,
            "term": t,
            "min_staffing": plan.catalogue.min_staffing[r, t],
            "reason": DROP_REASON,
        }
        for (r, t), d in relaxed.drops.items()
        if solver.BooleanValue(d)
    ]
