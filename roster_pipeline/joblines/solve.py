"""The job-line solve phases: first lines (rules only), lines guided by the relaxation, the full
optimisation, then the polish rounds; on INFEASIBLE the diagnosis and the fallback (diagnose.py).

The model is model.py (rule groups in rules.py); the objective is a non-negative cost (objective.py,
patterns.py) whose lower bound comes from an aggregated relaxation (relaxation.py). The polish runs the
exchange search (balance.py) and the large-neighbourhood search (lns.py) in turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from affinity import AffinityProfile, default_profile, scale_weights
from affinity.profile import pair
from roster_pipeline.core.cpsat import STATUS_NAMES, new_solver, set_hint
from roster_pipeline.core.outcome import SolveOutcome
from roster_pipeline.joblines.balance import CostModel, Table, balance
from roster_pipeline.joblines.budget import Budget
from roster_pipeline.joblines.data import Plan
from roster_pipeline.joblines.diagnose import diagnose, dropped_minimums, with_drops
from roster_pipeline.joblines.lines import line_arrays, solution_lines, y_index
from roster_pipeline.joblines.lns import LineSpace, improve_lines
from roster_pipeline.joblines.model import JoblineModel, best_line_affinities, build, line_rules
from roster_pipeline.joblines.objective import ObjectiveWeights, evaluate
from roster_pipeline.joblines.progress import Progress, ProgressPoint
from roster_pipeline.joblines.relaxation import Relaxed, lower_bound

GUIDED_SECONDS = 20.0  # time the guided lines may take on short limits (see _optimise)
LNS_SLICE = 15.0  # seconds of large-neighbourhood search between two exchange searches
BALANCE_SLICE = 15.0  # seconds of exchange search per round (iterated: random exchanges, descent)
KICKS = 3  # most random exchanges between two descents
PROTECT_ROUNDS = 1  # first rounds of exchange search that may not raise the affinity shortfall


@dataclass(frozen=True)
class JoblineSettings:
    """Solver parameters."""

    time_limit: float = 420.0
    workers: int = 2
    seed: int = 0
    fallback: bool = True
    diagnose: bool = True
    weights: ObjectiveWeights = field(default_factory=ObjectiveWeights)
    progress: bool = False  # record objective, bound and a snapshot of the lines at every solution
    cp_params: dict[str, object] = field(default_factory=dict)  # CP-SAT parameters of the optimisation
    polish_share: float = 0.9  # share of the time limit for the polish (see docs/joblines.md)
    deterministic: bool = False  # time in deterministic seconds: equal settings give equal lines (budget.py)


@dataclass
class JoblineResult(SolveOutcome):
    """Outcome of a job-line solve: CP-SAT's status name or FEASIBLE_WITH_DROPS; no lines: empty `lines`."""

    status: str
    objective: float | None
    bound: float | None
    seconds: float
    lines: pd.DataFrame
    diagnosis: list[str] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)
    first_feasible_seconds: float | None = None
    parts: dict[str, float] = field(default_factory=dict)
    progress: list[ProgressPoint] = field(default_factory=list)
    bests: dict[int, int] = field(default_factory=dict)  # per PGY year, the best single-line affinity


def _feasibility(
    plan: Plan, settings: JoblineSettings, budget: Budget
) -> tuple[JoblineModel, cp_model.CpSolver, int]:
    """Rules only, no objective: light presolve (no symmetry, no probing) for a fast first solution."""
    built = build(plan, objective=False)
    built.require_rules()
    solver = budget.solver(settings.time_limit, settings.workers, settings.seed)
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = 0
    return built, solver, budget.solve(solver, built.model)


def _solve_fixed(
    model: cp_model.CpModel,
    fixed: dict[int, int],
    hint: list[int] | None = None,
    seed: int = 0,
    deterministic: bool = False,
) -> cp_model.CpSolver | None:
    """A solver holding a solution of a copy of `model` with the variables `fixed` (proto index ->
    value), the rest found by the solve (presolve alone settles most); None if there is none."""
    work = model.clone()
    work.ClearHints()
    variables = work.Proto().variables
    for i, v in fixed.items():
        variables[i].domain.clear()
        variables[i].domain.extend([int(v), int(v)])
    if hint is not None:
        set_hint(work, hint)
    solver = new_solver(30.0, 1, seed, deterministic)
    return solver if solver.Solve(work) in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def _complete(built: JoblineModel, rule_values: list[int], deterministic: bool) -> cp_model.CpSolver | None:
    """A solver holding the full solution with these rule variables (the objective's variables
    completed)."""
    return _solve_fixed(built.model, dict(enumerate(rule_values)), deterministic=deterministic)


def _guided(
    plan: Plan,
    built: JoblineModel,
    relaxed: Relaxed,
    rule_values: list[int],
    time_limit: float,
    budget: Budget,
    settings: JoblineSettings,
) -> list[int] | None:
    """Lines with the relaxation's number of lines per pattern and type (None if none in time).

    A feasibility solve: also fixing the headcounts, or keeping the objective, found nothing in 40-60 s."""
    guided = built.model.clone()
    guided.ClearObjective()
    keys = [(int(p), f) for p, f in zip(plan.cohort.pgy, plan.fte_percent, strict=True)]
    for key, counts in relaxed.lines_per_pattern.items():
        members = [li for li, k in enumerate(keys) if k == key]
        for i, count in enumerate(counts):
            guided.Add(sum(built.choice.lines[li][i] for li in members) == count)
    for i, v in enumerate(rule_values):
        guided.AddHint(guided.GetIntVarFromProtoIndex(i), v)
    solver = budget.solver(time_limit, settings.workers, settings.seed)
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = 0
    if budget.solve(solver, guided) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [solver.Value(guided.GetIntVarFromProtoIndex(i)) for i in range(len(guided.Proto().variables))]


def _cost(
    plan: Plan,
    profile: AffinityProfile,
    built: JoblineModel,
    weights: ObjectiveWeights,
    rotations: np.ndarray,
) -> int:
    """The cost of lines given as rotation indices, computed directly (see objective.evaluate)."""
    rot = plan.catalogue.rotations
    rids = list(rot.rotation_id)
    info = {r: (s, int(p)) for r, s, p in zip(rot.rotation_id, rot.specialty, rot.popularity, strict=True)}
    lines = [[rids[int(i)] for i in row] for row in rotations]
    pgys = [int(p) for p in plan.cohort.pgy]
    scaled = scale_weights(profile)
    return sum(
        evaluate(lines, pgys, list(plan.weeks.values()), info, scaled, built.choice.bests, weights).values()
    )


def _optimise(
    plan: Plan,
    profile: AffinityProfile,
    settings: JoblineSettings,
    budget: Budget,
    first: tuple[JoblineModel, cp_model.CpSolver],
) -> tuple[JoblineModel, cp_model.CpSolver, int, Progress, float]:
    """The full model, hinted with lines guided by the relaxation (or the feasible lines); rule
    variables share indices with `first`. Then the polish (`_neighbourhoods`). Also returns the bound:
    the larger of the full model's and the relaxation's."""
    weights = settings.weights
    feasible, solver0 = first
    first_seconds = budget.wall()
    terms = list(plan.weeks)
    leave = [
        [(k, v.Index()) for k, v in feasible.leave_blocks[li, t]]
        for li in range(len(plan.cohort))
        for t in terms
    ]
    progress = Progress(
        budget.started, y_index(plan, feasible), leave, (len(plan.cohort), len(terms)), settings.progress
    )
    bests = best_line_affinities(plan, profile) if weights.affinity else None
    built = build(plan, profile, weights, bests=bests)
    built.require_rules()
    rule_values = [
        solver0.Value(feasible.model.GetIntVarFromProtoIndex(i)) for i in range(feasible.n_rule_vars)
    ]
    rotations, leave_weeks = line_arrays(plan, feasible, solver0.Value)
    progress.add(first_seconds, _cost(plan, profile, built, weights, rotations), rotations, leave_weeks)
    relaxed = Relaxed()
    if weights.affinity or weights.clumping:
        seconds = max(1.0, 0.05 * settings.time_limit)
        table, bests = built.choice.table, built.choice.bests
        relaxed = lower_bound(plan, weights, table, bests, seconds, settings.workers, budget)
    progress.set_floor(relaxed.bound)
    guide = None
    if relaxed.lines_per_pattern:
        # 15 % of the limit, but up to 20 s when that is under 35 % (the guided start is worth more
        # than the polish time it takes: on the 60 s example request it needs about 10 s)
        limit = max(1.0, 0.15 * settings.time_limit, min(GUIDED_SECONDS, 0.35 * settings.time_limit))
        guide = _guided(plan, built, relaxed, rule_values, limit, budget, settings)
    if guide is None:
        known = _complete(built, rule_values, settings.deterministic)
        values = rule_values if known is None else [known.Value(v) for v in _variables(built)]
    else:
        values = guide
        rotations, leave_weeks = line_arrays(plan, built, lambda v: guide[v.Index()])
        cost = _cost(plan, profile, built, weights, rotations)
        progress.add(budget.wall(), cost, rotations, leave_weeks)
    for var, v in zip(_variables(built), values, strict=False):
        built.model.AddHint(var, v)
    left = max(budget.left(), 2.0)
    polish = settings.polish_share * settings.time_limit
    solver = budget.solver(max(left - polish, 2.0), settings.workers, settings.seed)
    solver.parameters.symmetry_level = 0  # measured: presolve 13 s -> 4 s, better objective at 120 s
    solver.parameters.cp_model_probing_level = 0
    for name, value in settings.cp_params.items():
        setattr(solver.parameters, name, value)
    solver.best_bound_callback = progress.on_bound
    status = budget.solve(solver, built.model, progress)
    bound = max(solver.BestObjectiveBound(), relaxed.bound)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # too little time: keep the best known lines
        known = _complete(built, values[: built.n_rule_vars], settings.deterministic)
        if known is None:
            return built, solver, status, progress, bound
        solver, status, bound = known, cp_model.FEASIBLE, relaxed.bound
    if status == cp_model.FEASIBLE and budget.left() > 2.0:
        better = _neighbourhoods(plan, profile, built, solver, settings, budget, progress)
        if better is not None:
            solver = better
    return built, solver, status, progress, bound


def _line_space(plan: Plan, built: JoblineModel) -> LineSpace:
    """The proto indices that fix each line and term, PGY years, and the attractiveness weights."""
    rot = plan.catalogue.rotations
    ys = y_index(plan, built)
    terms = list(enumerate(plan.weeks))
    cells = [
        [list(ys[li, ti]) + [v.Index() for _, v in built.leave_blocks[li, t]] for ti, t in terms]
        for li in range(len(plan.cohort))
    ]
    weights = np.array([[int(p) * w for p in rot.popularity] for w in plan.weeks.values()])
    return LineSpace(cells, [int(p) for p in plan.cohort.pgy], ys, weights)


def cost_model(
    plan: Plan, profile: AffinityProfile, weights: ObjectiveWeights, bests: dict[int, int]
) -> CostModel:
    """The cost terms of objective.py as arrays over specialty and (term, rotation) indices."""
    rot = plan.catalogue.rotations
    rids, terms = list(rot.rotation_id), list(plan.weeks)
    specialties = sorted(set(rot.specialty))
    scaled = scale_weights(profile)
    pair_weight = np.array(
        [[scaled.get(pair(a, b), 0) if a != b else 0 for b in specialties] for a in specialties],
        dtype=np.int64,
    )
    return CostModel(
        np.array([specialties.index(s) for s in rot.specialty]),
        pair_weight,
        {int(y): bests.get(int(y), 0) for y in set(plan.cohort.pgy)},  # no bests: affinity weight 0
        np.array([[int(p) * w for p in rot.popularity] for w in plan.weeks.values()], dtype=np.int64),
        np.array([[100 * plan.catalogue.capacity[r, t] for r in rids] for t in terms], dtype=np.int64),
        np.array([[100 * plan.catalogue.min_staffing[r, t] for r in rids] for t in terms], dtype=np.int64),
        weights.affinity,
        weights.clumping,
        weights.attractiveness,
        weights.similar,
        weights.min_hamming,
    )


def _fixed(
    model: cp_model.CpModel, values: np.ndarray, settings: JoblineSettings
) -> cp_model.CpSolver | None:
    """A solver holding `values` as the solution of `model` (every variable fixed, solved at once);
    None if the model rejects them (the searches keep only solutions of the model, so never expected)."""
    solver = _solve_fixed(
        model, dict(enumerate(values.tolist())), seed=settings.seed, deterministic=settings.deterministic
    )
    if solver is None or int(solver.ResponseProto().status) != int(cp_model.OPTIMAL):
        return None
    return solver


def _adopt(
    model: cp_model.CpModel, space: LineSpace, values: np.ndarray, rotations: np.ndarray, deterministic: bool
) -> np.ndarray | None:
    """The full solution with these rotations (leave placed and the cost terms completed by a solve
    with every y fixed), hinted by `values`; None if the model rejects them."""
    y = {int(i): int(rotations[li, t] == r) for (li, t, r), i in np.ndenumerate(space.y_index)}
    solver = _solve_fixed(model, y, hint=values.tolist(), deterministic=deterministic)
    return None if solver is None else np.asarray(solver.ResponseProto().solution, dtype=np.int64)


def _neighbourhoods(
    plan: Plan,
    profile: AffinityProfile,
    built: JoblineModel,
    solver: cp_model.CpSolver,
    settings: JoblineSettings,
    budget: Budget,
    progress: Progress,
) -> cp_model.CpSolver | None:
    """Polish until the `budget` is spent, in rounds: the exchange search (balance.py; one descent
    in the first round, then `BALANCE_SLICE` seconds iterated), then the large-neighbourhood search
    (lns.py) for `LNS_SLICE` seconds. The solver of the better lines, or None (also if the model
    rejected them: the optimisation's lines are kept)."""
    base = built.model
    space = _line_space(plan, built)
    values = np.asarray(solver.ResponseProto().solution, dtype=np.int64)
    start = cost = solver.ObjectiveValue()
    weights = settings.weights
    years = np.array(space.years)
    fte = np.array(plan.fte_percent)
    rules = {y: line_rules(plan, y) for y in sorted(set(space.years))}
    model = cost_model(plan, profile, weights, built.choice.bests)
    round_ = 0
    end = budget.limit
    while budget.spent() + 2.0 < end:
        table = Table(space.rotations(values).copy(), years, fte, model)
        until = min(end - 1.0, budget.spent() + BALANCE_SLICE)
        kicks = KICKS if round_ else 0  # the first round is one descent, adopted at once
        protect = round_ < PROTECT_ROUNDS
        balance(table, rules, budget, until, settings.seed + round_, kicks=kicks, protect=protect)
        if table.total() < cost:
            found = _adopt(base, space, values, table.rotations, settings.deterministic)
            if found is not None:
                values, cost = found, float(table.total())
                progress.add_values(values, cost)
        round_ += 1
        until = min(end - 1.0, budget.spent() + LNS_SLICE)
        if until - budget.spent() < 2.0:
            break
        values, cost, _ = improve_lines(
            base,
            space,
            values,
            cost,
            budget,
            until,
            settings.workers,
            settings.seed + round_,
            progress.add_values,
            space.keeps_apart(values, weights.min_hamming),
        )
    return _fixed(base, values, settings) if cost < start else None


def _variables(built: JoblineModel) -> list[cp_model.IntVar]:
    """All variables of the model, in proto order."""
    return [built.model.GetIntVarFromProtoIndex(i) for i in range(len(built.model.Proto().variables))]


def _no_lines_message(status: int) -> str:
    """Why a solve with first lines returns none: the full model found nothing in the time left."""
    name = STATUS_NAMES.get(status, str(status))
    return f"first lines found, but the full model gave none in the time left ({name}); raise the time limit"


def _without_lines(status: int, budget: Budget, diagnosis: list[str], **found: Any) -> JoblineResult:
    """A result with no lines: CP-SAT's status name, the diagnosis, and what was `found` before."""
    name = STATUS_NAMES.get(status, str(status))
    return JoblineResult(name, None, None, budget.wall(), pd.DataFrame(), diagnosis, **found)


def solve_joblines(
    plan: Plan, profile: AffinityProfile | None = None, settings: JoblineSettings | None = None
) -> JoblineResult:
    """Solve; on INFEASIBLE diagnose and, if allowed, retry dropping excludable minimum staffing.

    The status is CP-SAT's (OPTIMAL, FEASIBLE, INFEASIBLE, MODEL_INVALID, UNKNOWN) or FEASIBLE_WITH_DROPS;
    without lines the result's `lines` is empty and `diagnosis` says why."""
    settings = settings or JoblineSettings()
    profile = profile or default_profile()
    budget = Budget(settings.time_limit, settings.deterministic)
    feasible, solver, status = _feasibility(plan, settings, budget)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _optimised_result(plan, profile, settings, budget, (feasible, solver))
    infeasible = status == cp_model.INFEASIBLE
    diagnosis = (
        diagnose(plan, deterministic=settings.deterministic) if settings.diagnose and infeasible else []
    )
    if settings.fallback and infeasible:
        found = with_drops(plan, profile, settings.weights, budget, settings.workers, settings.seed)
        if found is not None:
            relaxed, solver = found
            return JoblineResult(
                "FEASIBLE_WITH_DROPS",
                solver.ObjectiveValue(),
                solver.BestObjectiveBound(),
                budget.wall(),
                solution_lines(plan, relaxed, solver),
                diagnosis,
                dropped_minimums(plan, relaxed, solver),
            )
    return _without_lines(status, budget, diagnosis)


def _optimised_result(
    plan: Plan,
    profile: AffinityProfile,
    settings: JoblineSettings,
    budget: Budget,
    first: tuple[JoblineModel, cp_model.CpSolver],
) -> JoblineResult:
    """The result of the optimisation and polish from the first lines (no lines: the status says why)."""
    first_seconds = budget.wall()
    built, solver, status, progress, floor = _optimise(plan, profile, settings, budget, first)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        diagnosis = [_no_lines_message(status)]
        return _without_lines(
            status, budget, diagnosis, first_feasible_seconds=first_seconds, progress=progress.points
        )
    return JoblineResult(
        STATUS_NAMES[status],
        solver.ObjectiveValue(),
        floor,
        budget.wall(),
        solution_lines(plan, built, solver),
        first_feasible_seconds=first_seconds,
        parts={k: float(solver.Value(v)) for k, v in built.parts.items()},
        progress=progress.points,
        bests=dict(built.choice.bests),
    )
