"""A small aggregated relaxation of the job-line model whose optimum is a valid lower bound on the cost.

Lines of one type (PGY year, FTE) are counted, not told apart: n[type, term, rotation] headcounts and
N[type, pattern] lines per specialty pattern, linked by each specialty's total terms. Every per-line
rule is kept only as its sum over the lines of a type (categories covered, rural, relief, service and
subspecialty terms, no repeat). Any solution of the full model maps to a solution of this one with
the same affinity shortfall and shared positions, and the attractiveness and similarity terms are
>= 0, so its best bound is a lower bound on the full cost. (Bounding the spread too, from the score
range of each used pattern, is valid but made this model too slow: a weaker bound after 30 s.)
CP-SAT's own bound comes from an LP that is too large to solve in time on the full model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from roster_pipeline.joblines.budget import Budget
from roster_pipeline.joblines.data import Plan
from roster_pipeline.joblines.objective import ObjectiveWeights, shared_positions
from roster_pipeline.joblines.patterns import Counts, max_terms

Key = tuple[int, int]  # (pgy, fte x 100)


@dataclass
class Relaxed:
    """The relaxation's proven bound and, from its best solution, the lines per pattern and type."""

    bound: float = 0.0
    lines_per_pattern: dict[Key, list[int]] = field(default_factory=dict)


def _types(plan: Plan) -> dict[Key, int]:
    counts: dict[Key, int] = {}
    for pgy, fte in zip(plan.cohort.pgy, plan.fte_percent, strict=True):
        key = (int(pgy), fte)
        counts[key] = counts.get(key, 0) + 1
    return counts


def _per_line_limits(m: cp_model.CpModel, plan: Plan, n: dict, key: Key, size: int) -> None:
    """Per-line rules summed over the `size` lines of one type."""
    rules, rot = plan.rules, plan.catalogue.rotations
    terms, weeks = list(plan.weeks), list(plan.weeks.values())
    clinical = sum(weeks) - rules.leave_weeks
    pgy = key[0]

    def total(mask) -> cp_model.LinearExpr:
        chosen = list(rot.rotation_id[mask])
        return sum(n[key, t, r] for t in terms for r in chosen)

    for c in rules.pgy1_categories if pgy == 1 else rules.pgy2_categories:
        m.Add(total(rot.categories.str.split(";").map(lambda cs, c=c: c in cs)) >= size)
    m.Add(total(rot.rural) <= rules.rural_max_terms * size)
    m.Add(total(rot.relief_nights) <= rules.relief_nights_max_terms * size)
    service = rules.pgy1_service_max if pgy == 1 else rules.pgy2_service_max
    m.Add(total(rot.service) <= max_terms(weeks, rules.leave_weeks, service, clinical) * size)
    for _, group in rot.groupby("subspecialty"):
        six = pgy == 2 and bool(group.six_month.any())
        pct = rules.six_month_subspecialty_max if six else rules.subspecialty_max
        m.Add(
            total(rot.rotation_id.isin(group.rotation_id))
            <= max_terms(weeks, rules.leave_weeks, pct, clinical) * size
        )
    for r, six in zip(rot.rotation_id, rot.six_month, strict=True):
        m.Add(sum(n[key, t, r] for t in terms) <= (2 if six and pgy == 2 else 1) * size)


def lower_bound(
    plan: Plan,
    weights: ObjectiveWeights,
    patterns: Mapping[int, Sequence[tuple[Counts, int]]],
    bests: Mapping[int, int],
    time_limit: float,
    workers: int = 1,
    budget: Budget | None = None,
) -> Relaxed:
    """A valid lower bound on the full model's cost (0 when nothing is proven in time) and a guide;
    `time_limit` in the kind of seconds of `budget` (wall seconds without one), charged to it."""
    m = cp_model.CpModel()
    rot = plan.catalogue.rotations
    rids, terms = list(rot.rotation_id), list(plan.weeks)
    types = _types(plan)
    n = {(k, t, r): m.NewIntVar(0, size, "") for k, size in types.items() for t in terms for r in rids}
    cost = []
    counts: dict[Key, list[cp_model.IntVar]] = {}
    for k, size in types.items():
        for t in terms:
            m.Add(sum(n[k, t, r] for r in rids) == size)
        _per_line_limits(m, plan, n, k, size)
        if weights.affinity:
            pats = patterns[k[0]]
            count = counts[k] = [m.NewIntVar(0, size, "") for _ in pats]
            m.Add(sum(count) == size)
            for s, group in rot.groupby("specialty")["rotation_id"]:
                used = sum(n[k, t, r] for t in terms for r in group)
                m.Add(used == sum(dict(c).get(s, 0) * v for (c, _), v in zip(pats, count, strict=True)))
            cost.append(
                weights.affinity * sum((bests[k[0]] - a) * v for (_, a), v in zip(pats, count, strict=True))
            )
    for t in terms:
        for r in rids:
            load = sum(k[1] * n[k, t, r] for k in types)
            m.Add(load <= 100 * plan.catalogue.capacity[r, t])
            m.Add(load >= 100 * plan.catalogue.min_staffing[r, t])
            if weights.clumping:
                heads = sum(n[k, t, r] for k in types)
                cost.append(weights.clumping * shared_positions(m, heads, sum(types.values())))
    m.Minimize(sum(cost))
    budget = budget or Budget(time_limit)
    solver = budget.solver(time_limit, workers, 0)
    status = budget.solve(solver, m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Relaxed()
    return Relaxed(
        max(0.0, solver.BestObjectiveBound()),
        {k: [solver.Value(v) for v in vs] for k, vs in counts.items()},
    )
