"""CP-SAT model for job lines: y[line, term, rotation] booleans plus leave-block booleans.

Leave (a simplification, see docs/joblines.md): the annual leave sits inside terms. Either one block
of `leave_weeks` in one term, or (when `leave_split` is set) two blocks of 2 and 3 weeks in two terms
whose start weeks are at least `leave_split_gap` apart. A term holding leave keeps its rotation; that
rotation's clinical weeks are the term's weeks minus the leave. All percentages are of clinical weeks
(total weeks minus leave), the rotation's weeks counted net of leave.

Every hard rule group is enforced by one literal. A normal solve fixes the literals to true; the
diagnosis solve passes them as assumptions and reads back CP-SAT's sufficient assumptions for
infeasibility. The fallback lets the solver drop the minimum staffing of excludable rotations.

The objective is a non-negative cost (objective.py, patterns.py); its lower bound comes from an
aggregated relaxation (relaxation.py). A solve runs: feasibility (rules only), relaxation, lines
guided by the relaxation, the full optimisation, then the polish: exchange search (balance.py) and
large-neighbourhood search (lns.py) in turn.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from affinity import AffinityProfile, default_profile, scale_weights
from affinity.profile import pair
from roster_pipeline.core.cpsat import STATUS_NAMES, new_solver, set_hint
from roster_pipeline.core.outcome import SolveOutcome
from roster_pipeline.joblines.balance import CostModel, LineRules, Table, balance
from roster_pipeline.joblines.data import Catalogue, Plan
from roster_pipeline.joblines.lns import LineSpace, improve_lines
from roster_pipeline.joblines.objective import (
    ObjectiveWeights,
    affinity_shortfall,
    evaluate,
    shared_positions,
    spread,
    too_similar_pairs,
)
from roster_pipeline.joblines.patterns import Counts, candidate_patterns, pattern_affinity
from roster_pipeline.joblines.progress import Progress, ProgressPoint
from roster_pipeline.joblines.relaxation import Relaxed, lower_bound

GUIDED_SECONDS = 20.0  # time the guided lines may take on short limits (see _optimise)
LNS_SLICE = 15.0  # seconds of large-neighbourhood search between two exchange searches
BALANCE_SLICE = 15.0  # seconds of exchange search per round (iterated: random exchanges, descent)
KICKS = 3  # most random exchanges between two descents
PROTECT_ROUNDS = 1  # first rounds of exchange search that may not raise the affinity shortfall

# Rule group -> plain-words description used by the diagnosis.
RULE_GROUPS = {
    "program_length": "at least {clinical_weeks_min} clinical weeks after {leave_weeks} weeks leave (AMC1)",
    "leave": "annual leave placed as one block or as a split at least {leave_split_gap} weeks apart",
    "capacity": "no rotation takes more doctors than its capacity in a term",
    "min_staffing": "every rotation has at least its minimum staffing in every term",
    "specialty_cap": "PGY1: at most {pgy1_specialty_max}% of the year in one specialty (AMC4)",
    "subspecialty_cap": "at most {subspecialty_max}% of the year in one subspecialty (AMC5)",
    "service_cap": "service terms at most {pgy1_service_max}% (PGY1) / {pgy2_service_max}% (PGY2) (AMC6)",
    "clinical_team": "at least {clinical_team_min}% of the year in a clinical team (AMC7)",
    "categories": "clinical experiences {pgy1_categories} (PGY1) and {pgy2_categories} (PGY2) covered (AMC8)",
    "distinct_specialties": "PGY1: at least {pgy1_min_specialties} different specialties (AMC3)",
    "distinct_subspecialties": "PGY2: {pgy2_min_subspecialties}-{pgy2_max_subspecialties} different "
    "subspecialties (AMC3)",
    "no_repeat": "no rotation twice in a line except one PGY2 6-month rotation over consecutive terms",
    "rural": "at most {rural_max_terms} rural term per line",
    "relief_nights": "at most {relief_nights_max_terms} relief or nights term per line",
}


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


@dataclass
class JoblineResult(SolveOutcome):
    """Outcome of a job-line solve."""

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


@dataclass
class PatternChoice:
    """Per PGY year the best single-line affinity and the scored patterns; per line its pattern literals."""

    bests: dict[int, int] = field(default_factory=dict)
    table: dict[int, list[tuple[Counts, int]]] = field(default_factory=dict)
    lines: list[list[cp_model.IntVar]] = field(default_factory=list)


@dataclass
class _Built:
    model: cp_model.CpModel
    y: dict[tuple[int, int, str], cp_model.IntVar]
    leave: dict[tuple[int, int], cp_model.LinearExpr]
    six: dict[tuple[int, int, str], cp_model.IntVar]
    lits: dict[str, cp_model.IntVar]
    drops: dict[tuple[str, int], cp_model.IntVar]
    objective: cp_model.LinearExpr
    parts: dict[str, cp_model.LinearExpr] = field(default_factory=dict)
    n_rule_vars: int = 0
    choice: PatternChoice = field(default_factory=PatternChoice)
    leave_blocks: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = field(default_factory=dict)


def _spec_groups(rotations: pd.DataFrame, column: str) -> dict[str, list[str]]:
    return {k: list(v) for k, v in rotations.groupby(column, sort=True)["rotation_id"]}


def _largest_sum(weeks: list[int], k: int) -> int:
    return sum(sorted(weeks, reverse=True)[:k])


def build(
    plan: Plan,
    profile: AffinityProfile | None = None,
    weights: ObjectiveWeights | None = None,
    allow_drops: bool = False,
    objective: bool = True,
    bests: dict[int, int] | None = None,
) -> _Built:
    """Build the CP-SAT model; rule groups are enforced by the literals in `lits`.

    `objective=False` builds the rules only (feasibility, diagnosis). The objective's patterns assume
    every rule literal is fixed true. `bests`: per PGY year, the best single-line affinity."""
    weights = weights or ObjectiveWeights()
    profile = profile or default_profile()
    rules = plan.rules
    m = cp_model.CpModel()
    rot = plan.catalogue.rotations.set_index("rotation_id")
    rids = list(rot.index)
    terms = list(plan.weeks)
    w = plan.weeks
    starts = {t: sum(w[u] for u in terms[:i]) for i, t in enumerate(terms)}
    lines = list(plan.cohort.itertuples(index=False))
    n_lines = range(len(lines))
    total = sum(w.values())
    clinical = total - rules.leave_weeks
    lits = {g: m.NewBoolVar(f"rule_{g}") for g in RULE_GROUPS}

    y = {(li, t, r): m.NewBoolVar(f"y_{li}_{t}_{r}") for li in n_lines for t in terms for r in rids}
    for li in n_lines:
        for t in terms:
            m.AddExactlyOne(y[li, t, r] for r in rids)

    # AMC1: constant check on the template.
    if clinical < rules.clinical_weeks_min:
        m.AddBoolOr([lits["program_length"].Not()])

    # Leave blocks.
    leave: dict[tuple[int, int], cp_model.LinearExpr] = {}
    leave_blocks: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = {}
    for li in n_lines:
        full = {t: m.NewBoolVar(f"leave_{li}_{t}") for t in terms if w[t] >= rules.leave_weeks}
        if rules.leave_split:
            a, b = rules.leave_split
            part_a = {t: m.NewBoolVar(f"leave_a_{li}_{t}") for t in terms if w[t] >= a}
            part_b = {t: m.NewBoolVar(f"leave_b_{li}_{t}") for t in terms if w[t] >= b}
            m.Add(sum(part_a.values()) == sum(part_b.values())).OnlyEnforceIf(lits["leave"])
            m.Add(sum(full.values()) + sum(part_a.values()) == 1).OnlyEnforceIf(lits["leave"])
            for t in terms:
                m.Add(full.get(t, 0) + part_a.get(t, 0) + part_b.get(t, 0) <= 1)
            for ta, tb in ((ta, tb) for ta in part_a for tb in part_b):
                if ta != tb and abs(starts[ta] - starts[tb]) < rules.leave_split_gap:
                    m.AddBoolOr([part_a[ta].Not(), part_b[tb].Not()]).OnlyEnforceIf(lits["leave"])
        else:
            a = b = 0
            part_a, part_b = {}, {}
            m.Add(sum(full.values()) == 1).OnlyEnforceIf(lits["leave"])
        for t in terms:
            blocks = [(rules.leave_weeks, full.get(t)), (a, part_a.get(t)), (b, part_b.get(t))]
            leave_blocks[li, t] = [(k, v) for k, v in blocks if v is not None]
            leave[li, t] = sum(k * v for k, v in leave_blocks[li, t])
    big = rules.leave_weeks

    def week_share(li: int, group: list[str], pct: int, upper: bool, lit: cp_model.IntVar, k: int) -> None:
        """100 * (clinical weeks of `line` in `group`) <= pct * clinical (upper) or >= (lower)."""
        limit = pct * clinical
        if upper and 100 * _largest_sum([w[t] for t in terms], k) <= limit:
            return
        if not upper and 100 * (total - big) >= limit and len(group) == len(rids):
            return
        parts = []
        for t in terms:
            x = sum(y[li, t, r] for r in group)
            p = m.NewIntVar(0, big, "")
            if upper:
                m.Add(p <= leave[li, t])
                m.Add(p <= big * x)
            else:
                m.Add(p >= leave[li, t] - big * (1 - x))
            parts.append(w[t] * x - p)
        expr = 100 * sum(parts)
        if upper:
            m.Add(expr <= limit).OnlyEnforceIf(lit)
        else:
            m.Add(expr >= limit).OnlyEnforceIf(lit)

    specialties = _spec_groups(plan.catalogue.rotations, "specialty")
    subspecialties = _spec_groups(plan.catalogue.rotations, "subspecialty")
    service = list(rot.index[rot.service])
    team = list(rot.index[rot.clinical_team])
    six_ok = list(rot.index[rot.six_month])
    six: dict[tuple[int, int, str], cp_model.IntVar] = {}
    h: dict[tuple[int, str], cp_model.IntVar] = {}

    for li, line in zip(n_lines, lines, strict=True):
        pgy1 = int(line.pgy) == 1
        # Six-month rotations (PGY2): the same eligible rotation in two consecutive terms.
        if not pgy1:
            for i, t in enumerate(terms[:-1]):
                for r in six_ok:
                    s = six[li, t, r] = m.NewBoolVar(f"six_{li}_{t}_{r}")
                    m.AddImplication(s, y[li, t, r])
                    m.AddImplication(s, y[li, terms[i + 1], r])
            m.Add(sum(v for (lj, _, _), v in six.items() if lj == li) <= 1)
        for r in rids:
            extra = sum(six.get((li, t, r), 0) for t in terms)
            m.Add(sum(y[li, t, r] for t in terms) <= 1 + extra).OnlyEnforceIf(lits["no_repeat"])

        # AMC4 (PGY1 only) and AMC5.
        for group in specialties.values():
            if pgy1:
                k = min(len(terms), len(group))
                week_share(li, group, rules.pgy1_specialty_max, True, lits["specialty_cap"], k)
        for group in subspecialties.values():
            has_six = (not pgy1) and any(r in six_ok for r in group)
            pct = rules.six_month_subspecialty_max if has_six else rules.subspecialty_max
            k = min(len(terms), len(group) + (1 if has_six else 0))
            week_share(li, group, pct, True, lits["subspecialty_cap"], k)
        # AMC6 and AMC7.
        cap = rules.pgy1_service_max if pgy1 else rules.pgy2_service_max
        week_share(li, service, cap, True, lits["service_cap"], min(len(terms), len(service)))
        week_share(li, team, rules.clinical_team_min, False, lits["clinical_team"], len(terms))

        # AMC8 categories.
        for cat in rules.pgy1_categories if pgy1 else rules.pgy2_categories:
            having = [r for r in rids if cat in rot.at[r, "categories"].split(";")]
            m.Add(sum(y[li, t, r] for t in terms for r in having) >= 1).OnlyEnforceIf(lits["categories"])

        # AMC3 distinct specialties (PGY1) / subspecialties (PGY2); presence flags are exact.
        for s, group in specialties.items():
            h[li, s] = m.NewBoolVar("")
            count = sum(y[li, t, r] for t in terms for r in group)
            m.Add(h[li, s] <= count)
            m.Add(len(terms) * h[li, s] >= count)
        if pgy1:
            m.Add(sum(h[li, s] for s in specialties) >= rules.pgy1_min_specialties).OnlyEnforceIf(
                lits["distinct_specialties"]
            )
        else:
            g = []
            for group in subspecialties.values():
                v = m.NewBoolVar("")
                count = sum(y[li, t, r] for t in terms for r in group)
                m.Add(v <= count)
                m.Add(len(terms) * v >= count)
                g.append(v)
            m.Add(sum(g) >= rules.pgy2_min_subspecialties).OnlyEnforceIf(lits["distinct_subspecialties"])
            m.Add(sum(g) <= rules.pgy2_max_subspecialties).OnlyEnforceIf(lits["distinct_subspecialties"])

        rural = [r for r in rids if rot.at[r, "rural"]]
        relief = [r for r in rids if rot.at[r, "relief_nights"]]
        m.Add(sum(y[li, t, r] for t in terms for r in rural) <= rules.rural_max_terms).OnlyEnforceIf(
            lits["rural"]
        )
        m.Add(sum(y[li, t, r] for t in terms for r in relief) <= rules.relief_nights_max_terms).OnlyEnforceIf(
            lits["relief_nights"]
        )

    # Capacity and minimum staffing, FTE-weighted (FTE x 100).
    fte = plan.fte_percent
    drops: dict[tuple[str, int], cp_model.IntVar] = {}
    drop_cost = []
    for t in terms:
        for r in rids:
            load = sum(fte[li] * y[li, t, r] for li in n_lines)
            m.Add(load <= 100 * plan.catalogue.capacity[r, t]).OnlyEnforceIf(lits["capacity"])
            low = plan.catalogue.min_staffing[r, t]
            if low <= 0:
                continue
            enforce = [lits["min_staffing"]]
            if allow_drops and bool(rot.at[r, "excludable"]):
                d = drops[r, t] = m.NewBoolVar(f"drop_{r}_{t}")
                enforce.append(d.Not())
                drop_cost.append((1000 + int(rot.at[r, "popularity"])) * d)
            m.Add(load >= 100 * low).OnlyEnforceIf(enforce)

    n_rule_vars = len(m.Proto().variables)
    parts: dict[str, cp_model.LinearExpr] = {}
    choice = PatternChoice()
    if objective:
        parts = _objective_parts(m, plan, profile, weights, y, fte, bests, choice)
    cost = sum(parts.values()) if parts else 0
    if drop_cost:
        cost = 10_000_000 * sum(drop_cost) + cost
    if objective:
        m.Minimize(cost)
    return _Built(m, y, leave, six, lits, drops, cost, parts, n_rule_vars, choice, leave_blocks)


def _objective_parts(
    m: cp_model.CpModel,
    plan: Plan,
    profile: AffinityProfile,
    weights: ObjectiveWeights,
    y: dict[tuple[int, int, str], cp_model.IntVar],
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
        specialties = _spec_groups(plan.catalogue.rotations, "specialty")
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
        for lit in built.lits.values():
            built.model.Add(lit == 1)
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
    for lit in built.lits.values():
        built.model.Add(lit == 1)
    rids = list(plan.catalogue.rotations.rotation_id)
    return LineRules(built.model, np.array([[built.y[0, t, r].Index() for r in rids] for t in plan.weeks]))


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


def lines_frame(plan: Plan, rotations: np.ndarray, leave: np.ndarray, six_month: np.ndarray) -> pd.DataFrame:
    """The lines table from [line, term] arrays of rotation index, leave weeks and 6-month flags."""
    rot = plan.catalogue.rotations.set_index("rotation_id")
    rids = list(rot.index)
    rows = []
    for li, line in enumerate(plan.cohort.itertuples(index=False)):
        for ti, (t, weeks) in enumerate(plan.weeks.items()):
            r = rids[int(rotations[li, ti])]
            rows.append(
                {
                    "line_id": line.line_id,
                    "pgy": int(line.pgy),
                    "fte": float(line.fte),
                    "term": int(t),
                    "term_weeks": int(weeks),
                    "rotation_id": r,
                    "specialty": rot.at[r, "specialty"],
                    "subspecialty": rot.at[r, "subspecialty"],
                    "leave_weeks": int(leave[li, ti]),
                    "clinical_weeks": int(weeks) - int(leave[li, ti]),
                    "six_month": bool(six_month[li, ti]),
                }
            )
    return pd.DataFrame(rows)


def six_month_flags(rotations: np.ndarray, six_ok: set[int], pgys: list[int]) -> np.ndarray:
    """[line, term] flags of a PGY2 6-month rotation: an eligible rotation in two consecutive terms."""
    flags = np.zeros(rotations.shape, dtype=bool)
    for li, pgy in enumerate(pgys):
        for ti in range(rotations.shape[1] - 1):
            r = int(rotations[li, ti])
            if pgy == 2 and r in six_ok and r == int(rotations[li, ti + 1]):
                flags[li, ti] = flags[li, ti + 1] = True
    return flags


def _extract(plan: Plan, built: _Built, solver: cp_model.CpSolver) -> pd.DataFrame:
    """The lines table of the solver's solution."""
    rotations, leave = _arrays(plan, built, solver.Value)
    return snapshot_frame(plan, rotations, leave)


def snapshot_frame(plan: Plan, rotations: np.ndarray, leave: np.ndarray) -> pd.DataFrame:
    """The lines table of a recorded solution (see progress.py)."""
    rot = plan.catalogue.rotations
    six_ok = {i for i, v in enumerate(rot.six_month) if v}
    return lines_frame(
        plan, rotations, leave, six_month_flags(rotations, six_ok, [int(p) for p in plan.cohort.pgy])
    )


def _y_index(plan: Plan, built: _Built) -> np.ndarray:
    """Proto indices of y, shaped [line, term, rotation]."""
    rids = list(plan.catalogue.rotations.rotation_id)
    return np.array(
        [[[built.y[li, t, r].Index() for r in rids] for t in plan.weeks] for li in range(len(plan.cohort))]
    )


def _arrays(
    plan: Plan, built: _Built, value: Callable[[cp_model.IntVar], int]
) -> tuple[np.ndarray, np.ndarray]:
    """[line, term] arrays of rotation index and leave weeks from a variable -> value function."""
    rids = list(plan.catalogue.rotations.rotation_id)
    terms = list(plan.weeks)
    n = len(plan.cohort)
    rotations = np.array(
        [[next(i for i, r in enumerate(rids) if value(built.y[li, t, r])) for t in terms] for li in range(n)]
    )
    leave = np.array(
        [[sum(k * int(value(v)) for k, v in built.leave_blocks[li, t]) for t in terms] for li in range(n)]
    )
    return rotations, leave


def _feasibility(plan: Plan, settings: JoblineSettings) -> tuple[_Built, cp_model.CpSolver, int]:
    """Rules only, no objective: light presolve (no symmetry, no probing) for a fast first solution."""
    built = build(plan, objective=False)
    for lit in built.lits.values():
        built.model.Add(lit == 1)
    solver = new_solver(settings.time_limit, settings.workers, settings.seed)
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = 0
    return built, solver, solver.Solve(built.model)


def _solve_fixed(
    model: cp_model.CpModel,
    fixed: dict[int, int],
    hint: list[int] | None = None,
    seed: int = 0,
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
    solver = new_solver(30.0, 1, seed)
    return solver if solver.Solve(work) in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def _complete(built: _Built, rule_values: list[int]) -> cp_model.CpSolver | None:
    """A solver holding the full solution with these rule variables (the objective's variables
    completed)."""
    return _solve_fixed(built.model, dict(enumerate(rule_values)))


def _guided(
    plan: Plan,
    built: _Built,
    relaxed: Relaxed,
    rule_values: list[int],
    time_limit: float,
    workers: int,
    seed: int,
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
    solver = new_solver(time_limit, workers, seed)
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = 0
    if solver.Solve(guided) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [solver.Value(guided.GetIntVarFromProtoIndex(i)) for i in range(len(guided.Proto().variables))]


def _cost(
    plan: Plan, profile: AffinityProfile, built: _Built, weights: ObjectiveWeights, rotations: np.ndarray
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
    started: float,
    first: tuple[_Built, cp_model.CpSolver],
) -> tuple[_Built, cp_model.CpSolver, int, Progress, float]:
    """The full model, hinted with lines guided by the relaxation (or the feasible lines); rule
    variables share indices with `first`. Then the polish (`_neighbourhoods`). Also returns the bound:
    the larger of the full model's and the relaxation's."""
    weights = settings.weights
    feasible, solver0 = first
    first_seconds = time.monotonic() - started
    terms = list(plan.weeks)
    leave = [
        [(k, v.Index()) for k, v in feasible.leave_blocks[li, t]]
        for li in range(len(plan.cohort))
        for t in terms
    ]
    progress = Progress(
        started, _y_index(plan, feasible), leave, (len(plan.cohort), len(terms)), settings.progress
    )
    bests = best_line_affinities(plan, profile) if weights.affinity else None
    built = build(plan, profile, weights, bests=bests)
    for lit in built.lits.values():
        built.model.Add(lit == 1)
    rule_values = [
        solver0.Value(feasible.model.GetIntVarFromProtoIndex(i)) for i in range(feasible.n_rule_vars)
    ]
    rotations, leave_weeks = _arrays(plan, feasible, solver0.Value)
    progress.add(first_seconds, _cost(plan, profile, built, weights, rotations), rotations, leave_weeks)
    relaxed = Relaxed()
    if weights.affinity or weights.clumping:
        budget = max(1.0, 0.05 * settings.time_limit)
        relaxed = lower_bound(plan, weights, built.choice.table, built.choice.bests, budget, settings.workers)
    progress.set_floor(relaxed.bound)
    guide = None
    if relaxed.lines_per_pattern:
        # 15 % of the limit, but up to 20 s when that is under 35 % (the guided start is worth more
        # than the polish time it takes: on the 60 s example request it needs about 10 s)
        limit = max(1.0, 0.15 * settings.time_limit, min(GUIDED_SECONDS, 0.35 * settings.time_limit))
        guide = _guided(plan, built, relaxed, rule_values, limit, settings.workers, settings.seed)
    if guide is None:
        known = _complete(built, rule_values)
        values = rule_values if known is None else [known.Value(v) for v in _variables(built)]
    else:
        values = guide
        rotations, leave_weeks = _arrays(plan, built, lambda v: guide[v.Index()])
        cost = _cost(plan, profile, built, weights, rotations)
        progress.add(time.monotonic() - started, cost, rotations, leave_weeks)
    for var, v in zip(_variables(built), values, strict=False):
        built.model.AddHint(var, v)
    left = max(settings.time_limit - (time.monotonic() - started), 2.0)
    solver = new_solver(left, settings.workers, settings.seed)
    solver.parameters.symmetry_level = 0  # measured: presolve 13 s -> 4 s, better objective at 120 s
    solver.parameters.cp_model_probing_level = 0
    for name, value in settings.cp_params.items():
        setattr(solver.parameters, name, value)
    solver.best_bound_callback = progress.on_bound
    polish = settings.polish_share * settings.time_limit
    solver.parameters.max_time_in_seconds = max(left - polish, 2.0)
    status = solver.Solve(built.model, progress)
    bound = max(solver.BestObjectiveBound(), relaxed.bound)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        known = _complete(built, values[: built.n_rule_vars])  # too little time: keep the best known lines
        if known is None:
            return built, solver, status, progress, bound
        solver, status, bound = known, cp_model.FEASIBLE, relaxed.bound
    left = settings.time_limit - (time.monotonic() - started)
    if status == cp_model.FEASIBLE and left > 2.0:
        better = _neighbourhoods(
            plan, profile, built, solver, settings, started + settings.time_limit, progress
        )
        if better is not None:
            solver = better
    return built, solver, status, progress, bound


def _line_space(plan: Plan, built: _Built) -> LineSpace:
    """The proto indices that fix each line and term, PGY years, and the attractiveness weights."""
    rot = plan.catalogue.rotations
    y_index = _y_index(plan, built)
    terms = list(enumerate(plan.weeks))
    cells = [
        [list(y_index[li, ti]) + [v.Index() for _, v in built.leave_blocks[li, t]] for ti, t in terms]
        for li in range(len(plan.cohort))
    ]
    weights = np.array([[int(p) * w for p in rot.popularity] for w in plan.weeks.values()])
    return LineSpace(cells, [int(p) for p in plan.cohort.pgy], y_index, weights)


def _fixed(model: cp_model.CpModel, values: np.ndarray, settings: JoblineSettings) -> cp_model.CpSolver:
    """A solver holding `values` as the solution of `model` (every variable fixed, solved at once)."""
    solver = _solve_fixed(model, dict(enumerate(values.tolist())), seed=settings.seed)
    if solver is None or int(solver.ResponseProto().status) != int(cp_model.OPTIMAL):
        raise RuntimeError("the neighbourhood search returned lines the model rejects")
    return solver


def _adopt(
    model: cp_model.CpModel, space: LineSpace, values: np.ndarray, rotations: np.ndarray
) -> np.ndarray | None:
    """The full solution with these rotations (leave placed and the cost terms completed by a solve
    with every y fixed), hinted by `values`; None if the model rejects them."""
    y = {int(i): int(rotations[li, t] == r) for (li, t, r), i in np.ndenumerate(space.y_index)}
    solver = _solve_fixed(model, y, hint=values.tolist())
    return None if solver is None else np.asarray(solver.ResponseProto().solution, dtype=np.int64)


def _neighbourhoods(
    plan: Plan,
    profile: AffinityProfile,
    built: _Built,
    solver: cp_model.CpSolver,
    settings: JoblineSettings,
    deadline: float,
    progress: Progress,
) -> cp_model.CpSolver | None:
    """Polish until `deadline` in rounds: the exchange search (balance.py; one descent in the first
    round, then `BALANCE_SLICE` seconds iterated), then the large-neighbourhood search (lns.py) for
    `LNS_SLICE` seconds. The solver of the better lines, or None."""
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
    while time.monotonic() + 2.0 < deadline:
        table = Table(space.rotations(values).copy(), years, fte, model)
        until = min(deadline - 1.0, time.monotonic() + BALANCE_SLICE)
        kicks = KICKS if round_ else 0  # the first round is one descent, adopted at once
        balance(table, rules, until, settings.seed + round_, kicks=kicks, protect=round_ < PROTECT_ROUNDS)
        if table.total() < cost:
            found = _adopt(base, space, values, table.rotations)
            if found is not None:
                values, cost = found, float(table.total())
                progress.add_values(values, cost)
        round_ += 1
        until = min(deadline - 1.0, time.monotonic() + LNS_SLICE)
        if until - time.monotonic() < 2.0:
            break
        values, cost, _ = improve_lines(
            base,
            space,
            values,
            cost,
            until,
            settings.workers,
            settings.seed + round_,
            progress.add_values,
            space.keeps_apart(values, weights.min_hamming),
        )
    return _fixed(base, values, settings) if cost < start else None


def _variables(built: _Built) -> list[cp_model.IntVar]:
    """All variables of the model, in proto order."""
    return [built.model.GetIntVarFromProtoIndex(i) for i in range(len(built.model.Proto().variables))]


def _shrink(built: _Built, names: list[str], time_limit: float) -> list[str]:
    """Deletion filter: leave out each group in turn and keep it out if the rest stays infeasible."""
    kept = list(names)
    for name in names:
        trial = [g for g in kept if g != name]
        built.model.ClearAssumptions()
        built.model.AddAssumptions([built.lits[g] for g in trial])
        if new_solver(max(1.0, time_limit / 4), 1, 0).Solve(built.model) == cp_model.INFEASIBLE:
            kept = trial
    return kept


def diagnose(plan: Plan, time_limit: float = 30.0) -> list[str]:
    """Plain-words reasons for infeasibility from CP-SAT's sufficient assumptions."""
    built = build(plan, objective=False)
    built.model.AddAssumptions(list(built.lits.values()))
    solver = new_solver(time_limit, 1, 0)
    status = solver.Solve(built.model)
    if status != cp_model.INFEASIBLE:
        return [f"diagnosis inconclusive ({STATUS_NAMES.get(status, status)} without the objective)"]
    core = {v.Index() for v in built.lits.values()}
    found = [i for i in solver.SufficientAssumptionsForInfeasibility() if i in core]
    limits = vars(plan.rules)
    names = _shrink(built, [g for g, v in built.lits.items() if v.Index() in found], time_limit)
    return [
        "These rules cannot all hold together: "
        + "; ".join(RULE_GROUPS[g].format(**limits) for g in names)
        + "."
    ]


def solve_joblines(
    plan: Plan, profile: AffinityProfile | None = None, settings: JoblineSettings | None = None
) -> JoblineResult:
    """Solve; on INFEASIBLE diagnose and, if allowed, retry dropping excludable minimum staffing."""
    settings = settings or JoblineSettings()
    profile = profile or default_profile()
    started = time.monotonic()
    feasible, solver, status = _feasibility(plan, settings)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        first_seconds = time.monotonic() - started
        built, solver2, status2, progress, floor = _optimise(
            plan, profile, settings, started, (feasible, solver)
        )
        if status2 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise RuntimeError("no solution after the feasible phase; raise the time limit")
        return JoblineResult(
            STATUS_NAMES[status2],
            solver2.ObjectiveValue(),
            floor,
            time.monotonic() - started,
            _extract(plan, built, solver2),
            first_feasible_seconds=first_seconds,
            parts={k: float(solver2.Value(v)) for k, v in built.parts.items()},
            progress=progress.points,
        )
    diagnosis = diagnose(plan) if settings.diagnose and status == cp_model.INFEASIBLE else []
    if settings.fallback and status == cp_model.INFEASIBLE:
        relaxed = build(plan, profile, settings.weights, allow_drops=True)
        for lit in relaxed.lits.values():
            relaxed.model.Add(lit == 1)
        left = max(1.0, settings.time_limit - (time.monotonic() - started))
        solver = new_solver(left, settings.workers, settings.seed)
        status2 = solver.Solve(relaxed.model)
        if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            dropped = [
                {
                    "rotation_id": r,
                    "term": t,
                    "min_staffing": plan.catalogue.min_staffing[r, t],
                    "reason": "minimum staffing of an excludable rotation could not be met with all rules",
                }
                for (r, t), d in relaxed.drops.items()
                if solver.BooleanValue(d)
            ]
            return JoblineResult(
                "FEASIBLE_WITH_DROPS",
                solver.ObjectiveValue(),
                solver.BestObjectiveBound(),
                time.monotonic() - started,
                _extract(plan, relaxed, solver),
                diagnosis,
                dropped,
            )
    return JoblineResult(
        STATUS_NAMES.get(status, str(status)),
        None,
        None,
        time.monotonic() - started,
        pd.DataFrame(),
        diagnosis,
    )
