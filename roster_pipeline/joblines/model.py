"""The CP-SAT model of the job lines: y[line, term, rotation] booleans, the rule groups (rules.py), and
the non-negative cost (objective.py, patterns.py).

Every hard rule group is enforced by one literal. A normal solve fixes the literals to true; the
diagnosis solve passes them as assumptions and reads back CP-SAT's sufficient assumptions for
infeasibility. The fallback lets the solver drop the minimum staffing of excludable rotations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from affinity import AffinityProfile, default_profile, scale_weights
from roster_pipeline.core.cpsat import new_solver
from roster_pipeline.joblines.balance import LineRules
from roster_pipeline.joblines.data import Catalogue, Plan
from roster_pipeline.joblines.objective import (
    ObjectiveWeights,
    affinity_shortfall,
    shared_positions,
    spread,
    too_similar_pairs,
)
from roster_pipeline.joblines.patterns import Counts, candidate_patterns, pattern_affinity
from roster_pipeline.joblines.rules import RULE_GROUPS, RuleContext, Y, post_rules, specialty_groups


@dataclass
class PatternChoice:
    """Per PGY year the best single-line affinity and the scored patterns; per line its pattern literals."""

    bests: dict[int, int] = field(default_factory=dict)
    table: dict[int, list[tuple[Counts, int]]] = field(default_factory=dict)
    lines: list[list[cp_model.IntVar]] = field(default_factory=list)


@dataclass
class JoblineModel:
    """A built model with its decision variables, rule literals, drops and cost terms."""

    model: cp_model.CpModel
    y: Y
    leave: dict[tuple[int, int], cp_model.LinearExpr]
    six: dict[tuple[int, int, str], cp_model.IntVar]
    lits: dict[str, cp_model.IntVar]
    drops: dict[tuple[str, int], cp_model.IntVar]
    objective: cp_model.LinearExpr
    parts: dict[str, cp_model.LinearExpr] = field(default_factory=dict)
    n_rule_vars: int = 0  # the variables before the objective's (shared by every build of one plan)
    choice: PatternChoice = field(default_factory=PatternChoice)
    leave_blocks: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = field(default_factory=dict)

    def require_rules(self) -> None:
        """Fix every rule literal to true (a normal solve)."""
        for lit in self.lits.values():
            self.model.Add(lit == 1)


def _decisions(m: cp_model.CpModel, plan: Plan) -> tuple[dict[str, cp_model.IntVar], Y]:
    """The rule literals and y[line, term, rotation], exactly one rotation per line and term."""
    rids = list(plan.catalogue.rotations.rotation_id)
    terms = list(plan.weeks)
    lines = range(len(plan.cohort))
    lits = {g: m.NewBoolVar(f"rule_{g}") for g in RULE_GROUPS}
    y = {(li, t, r): m.NewBoolVar(f"y_{li}_{t}_{r}") for li in lines for t in terms for r in rids}
    for li in lines:
        for t in terms:
            m.AddExactlyOne(y[li, t, r] for r in rids)
    return lits, y


def build(
    plan: Plan,
    profile: AffinityProfile | None = None,
    weights: ObjectiveWeights | None = None,
    allow_drops: bool = False,
    objective: bool = True,
    bests: dict[int, int] | None = None,
) -> JoblineModel:
    """Build the CP-SAT model; rule groups are enforced by the literals in `lits`.

    `objective=False` builds the rules only (feasibility, diagnosis). The objective's patterns assume
    every rule literal is fixed true. `bests`: per PGY year, the best single-line affinity."""
    weights = weights or ObjectiveWeights()
    profile = profile or default_profile()
    m = cp_model.CpModel()
    lits, y = _decisions(m, plan)
    ctx = RuleContext(m, plan, lits, y, allow_drops)
    post_rules(ctx)
    n_rule_vars = len(m.Proto().variables)
    parts: dict[str, cp_model.LinearExpr] = {}
    choice = PatternChoice()
    if objective:
        parts = _objective_parts(m, plan, profile, weights, y, ctx.fte, bests, choice)
    cost = sum(parts.values()) if parts else 0
    if ctx.drop_cost:
        cost = 10_000_000 * sum(ctx.drop_cost) + cost
    if objective:
        m.Minimize(cost)
    return JoblineModel(
        m, y, ctx.leave, ctx.six, lits, ctx.drops, cost, parts, n_rule_vars, choice, ctx.leave_blocks
    )


def _objective_parts(
    m: cp_model.CpModel,
    plan: Plan,
    profile: AffinityProfile,
    weights: ObjectiveWeights,
    y: Y,
    fte: list[int],
    bests: dict[int, int] | None,
    choice: PatternChoice,
) -> dict[str, cp_model.LinearExpr]:
    """The weighted, non-negative cost terms (see objective.py); zero-weight terms are left out.
    Fills `choice` with the pattern table and each line's pattern literals."""
    rot = plan.catalogue.rotations.set_index("rotation_id")
    rids, terms, w = list(rot.index), list(plan.weeks), plan.weeks
    pgys = [int(p) for p in plan.cohort.pgy]
    n_lines = range(len(pgys))
    parts: dict[str, cp_model.LinearExpr] = {}
    if weights.affinity:
        bests = bests if bests is not None else best_line_affinities(plan, profile)
        specialties = specialty_groups(plan.catalogue.rotations, "specialty")
        choice.bests = bests
        choice.table = {p: scored_patterns(plan, profile, p, bests[p]) for p in set(pgys)}
        shortfalls = []
        for li in n_lines:
            pgy = pgys[li]
            short, lits = affinity_shortfall(m, y, li, terms, specialties, choice.table[pgy], bests[pgy])
            shortfalls.append(short)
            choice.lines.append(lits)
        parts["affinity_shortfall"] = weights.affinity * sum(shortfalls)
    if weights.clumping:
        shared = []
        for t in terms:
            for r in rids:
                top = min(len(pgys), 100 * plan.catalogue.capacity[r, t] // max(1, min(fte, default=100)))
                shared.append(shared_positions(m, sum(y[li, t, r] for li in n_lines), top))
        parts["shared_positions"] = weights.clumping * sum(shared)
    if weights.attractiveness:
        pop = {r: int(rot.at[r, "popularity"]) for r in rids}
        spreads = []
        for pgy in sorted(set(pgys)):
            members = [li for li in n_lines if pgys[li] == pgy]
            if len(members) > 1:
                scores = [sum(pop[r] * w[t] * y[li, t, r] for t in terms for r in rids) for li in members]
                spreads.append(spread(m, scores, 100 * sum(w.values())))
        if spreads:
            parts["attractiveness_spread"] = weights.attractiveness * sum(spreads)
    if weights.similar and len(pgys) > 1:
        parts["too_similar"] = weights.similar * too_similar_pairs(
            m, y, list(n_lines), terms, rids, weights.min_hamming
        )
    return parts


def scored_patterns(plan: Plan, profile: AffinityProfile, pgy: int, best: int) -> list[tuple[Counts, int]]:
    """Candidate patterns of a PGY year with their affinity, those above `best` dropped (infeasible)."""
    scaled = scale_weights(profile)
    scored = [(c, pattern_affinity(dict(c), scaled)) for c in candidate_patterns(plan, pgy)]
    return [(c, a) for c, a in scored if a <= best]


def _single_line(plan: Plan, pgy: int) -> Plan:
    """A one-line cohort of the year (its least-FTE line) with no minimum staffing."""
    row = plan.cohort[plan.cohort.pgy == pgy].sort_values("fte").head(1)  # least capacity-bound
    rotations = plan.catalogue.rotations.assign(min_staffing=0)
    low = dict.fromkeys(plan.catalogue.min_staffing, 0)
    catalogue = Catalogue(rotations, plan.catalogue.terms, dict(plan.catalogue.capacity), low)
    return Plan(row.reset_index(drop=True), plan.weeks, catalogue, plan.rules)


def best_line_affinities(plan: Plan, profile: AffinityProfile, time_limit: float = 5.0) -> dict[int, int]:
    """Per PGY year, the highest affinity of one compliant line (a small exact CP-SAT sub-solve)."""
    scaled = scale_weights(profile)
    bests = {}
    for pgy in sorted({int(p) for p in plan.cohort.pgy}):
        ceiling = max((pattern_affinity(dict(c), scaled) for c in candidate_patterns(plan, pgy)), default=0)
        built = build(_single_line(plan, pgy), profile, ObjectiveWeights(1, 0, 0, 0), bests={pgy: ceiling})
        built.require_rules()
        solver = new_solver(time_limit, 1, 0)
        status = solver.Solve(built.model)
        if status == cp_model.OPTIMAL:
            bests[pgy] = ceiling - int(round(solver.ObjectiveValue()))
        elif status == cp_model.FEASIBLE:
            bests[pgy] = ceiling - int(round(solver.BestObjectiveBound()))
        else:
            bests[pgy] = ceiling
    return bests


def line_rules(plan: Plan, pgy: int) -> LineRules:
    """The per-line rules of a PGY year as a one-line model (balance.py checks lines with it)."""
    built = build(_single_line(plan, pgy), objective=False)
    built.require_rules()
    rids = list(plan.catalogue.rotations.rotation_id)
    return LineRules(built.model, np.array([[built.y[0, t, r].Index() for r in rids] for t in plan.weeks]))
