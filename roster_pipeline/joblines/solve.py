"""CP-SAT model for job lines: y[line, term, rotation] booleans plus leave-block booleans.

Leave (a simplification, see docs/joblines.md): the annual leave sits inside terms. Either one block
of `leave_weeks` in one term, or (when `leave_split` is set) two blocks of 2 and 3 weeks in two terms
whose start weeks are at least `leave_split_gap` apart. A term holding leave keeps its rotation; that
rotation's clinical weeks are the term's weeks minus the leave. All percentages are of clinical weeks
(total weeks minus leave), the rotation's weeks counted net of leave.

Every hard rule group is enforced by one literal. A normal solve fixes the literals to true; the
diagnosis solve passes them as assumptions and reads back CP-SAT's sufficient assumptions for
infeasibility. The fallback lets the solver drop the minimum staffing of excludable rotations.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from itertools import combinations

import pandas as pd
from ortools.sat.python import cp_model

from affinity import AffinityProfile, default_profile, scale_weights
from roster_pipeline.joblines.data import Plan
from roster_pipeline.outcome import SolveOutcome

STATUS_NAMES = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}

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
class ObjectiveWeights:
    """Weights of the three objective terms (all integers)."""

    affinity: int = 1
    clumping: int = 1
    attractiveness: int = 1


@dataclass(frozen=True)
class JoblineSettings:
    """Solver parameters."""

    time_limit: float = 420.0
    workers: int = 2
    seed: int = 0
    fallback: bool = True
    diagnose: bool = True
    weights: ObjectiveWeights = field(default_factory=ObjectiveWeights)


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


@dataclass
class _Built:
    model: cp_model.CpModel
    y: dict[tuple[int, int, str], cp_model.IntVar]
    leave: dict[tuple[int, int], cp_model.LinearExpr]
    six: dict[tuple[int, int, str], cp_model.IntVar]
    lits: dict[str, cp_model.IntVar]
    drops: dict[tuple[str, int], cp_model.IntVar]
    objective: cp_model.LinearExpr
    first_seconds: float | None = None


def _spec_groups(rotations: pd.DataFrame, column: str) -> dict[str, list[str]]:
    return {k: list(v) for k, v in rotations.groupby(column, sort=True)["rotation_id"]}


def _largest_sum(weeks: list[int], k: int) -> int:
    return sum(sorted(weeks, reverse=True)[:k])


def build(
    plan: Plan,
    profile: AffinityProfile | None = None,
    weights: ObjectiveWeights | None = None,
    allow_drops: bool = False,
) -> _Built:
    """Build the CP-SAT model; rule groups are enforced by the literals in `lits`."""
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
            leave[li, t] = rules.leave_weeks * full.get(t, 0) + a * part_a.get(t, 0) + b * part_b.get(t, 0)
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
    fte = [int(round(float(line.fte) * 100)) for line in lines]
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

    # Objective: affinity of specialty pairs present in a line, clumping, attractiveness spread.
    scaled = scale_weights(profile)
    affinity_terms = []
    for li in n_lines:
        # A line holds at most len(terms) specialties, so each pairs with at most len(terms) - 1 others
        # (valid cuts that tighten the LP bound).
        m.Add(sum(h[li, s] for s in specialties) <= len(terms))
        pairs: dict[str, list[cp_model.IntVar]] = {s: [] for s in specialties}
        for a, b in combinations(sorted(specialties), 2):
            wt = scaled.get((a, b), 0)
            if wt == 0:
                continue
            z = m.NewBoolVar("")
            if wt > 0:
                m.Add(z <= h[li, a])
                m.Add(z <= h[li, b])
                pairs[a].append(z)
                pairs[b].append(z)
            else:
                m.Add(z >= h[li, a] + h[li, b] - 1)
            affinity_terms.append(wt * z)
        for s, zs in pairs.items():
            if len(zs) > len(terms) - 1:
                m.Add(sum(zs) <= (len(terms) - 1) * h[li, s])
    squares = []
    for t in terms:
        for r in rids:
            n = m.NewIntVar(0, len(lines), "")
            m.Add(n == sum(y[li, t, r] for li in n_lines))
            top = min(len(lines), 100 * plan.catalogue.capacity[r, t] // max(1, min(fte, default=100)))
            sq = m.NewIntVar(0, len(lines) ** 2, "")
            for k in range(top + 1):  # sq >= n^2 via its tangents at the integers: exact and LP-tight
                m.Add(sq >= (2 * k + 1) * n - k * (k + 1))
            squares.append(sq)
    spreads = []
    pop = {r: int(rot.at[r, "popularity"]) for r in rids}
    hi_att = 100 * total
    for pgy in (1, 2):
        members = [li for li, line in zip(n_lines, lines, strict=True) if int(line.pgy) == pgy]
        if len(members) < 2:
            continue
        hi, lo = m.NewIntVar(0, hi_att, ""), m.NewIntVar(0, hi_att, "")
        for li in members:
            att = sum(pop[r] * w[t] * y[li, t, r] for t in terms for r in rids)
            m.Add(hi >= att)
            m.Add(lo <= att)
        spreads.append(hi - lo)
    objective = (
        -weights.affinity * sum(affinity_terms)
        + weights.clumping * sum(squares)
        + weights.attractiveness * sum(spreads)
    )
    if drop_cost:
        objective = 10_000_000 * sum(drop_cost) + objective
    m.Minimize(objective)
    return _Built(m, y, leave, six, lits, drops, objective)


def _solver(time_limit: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    return solver


def _extract(plan: Plan, built: _Built, solver: cp_model.CpSolver) -> pd.DataFrame:
    rot = plan.catalogue.rotations.set_index("rotation_id")
    rows = []
    for li, line in enumerate(plan.cohort.itertuples(index=False)):
        for t, weeks in plan.weeks.items():
            r = next(r for r in rot.index if solver.BooleanValue(built.y[li, t, r]))
            leave = int(solver.Value(built.leave[li, t]))
            six = any(
                solver.BooleanValue(v)
                for (lj, u, rr), v in built.six.items()
                if lj == li and rr == r and u in (t, t - 1)
            )
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
                    "leave_weeks": leave,
                    "clinical_weeks": int(weeks) - leave,
                    "six_month": bool(six),
                }
            )
    return pd.DataFrame(rows)


def _two_phase(built: _Built, settings: JoblineSettings, started: float) -> tuple[cp_model.CpSolver, int]:
    """Find any feasible lines without the objective, then optimise from them as a hint."""
    built.model.ClearObjective()
    solver = _solver(settings.time_limit, settings.workers, settings.seed)
    status = solver.Solve(built.model)
    built.model.Minimize(built.objective)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solver, status
    built.first_seconds = time.monotonic() - started
    for i in range(len(built.model.Proto().variables)):
        var = built.model.GetIntVarFromProtoIndex(i)
        built.model.AddHint(var, solver.Value(var))
    left = settings.time_limit - (time.monotonic() - started)
    left = max(left, 2.0)
    second = _solver(left, settings.workers, settings.seed)
    status2 = second.Solve(built.model)
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return second, status2
    raise RuntimeError("no solution after the feasible phase; raise the time limit")


def _shrink(built: _Built, names: list[str], time_limit: float) -> list[str]:
    """Deletion filter: leave out each group in turn and keep it out if the rest stays infeasible."""
    kept = list(names)
    for name in names:
        trial = [g for g in kept if g != name]
        built.model.ClearAssumptions()
        built.model.AddAssumptions([built.lits[g] for g in trial])
        if _solver(max(1.0, time_limit / 4), 1, 0).Solve(built.model) == cp_model.INFEASIBLE:
            kept = trial
    return kept


def diagnose(plan: Plan, time_limit: float = 30.0) -> list[str]:
    """Plain-words reasons for infeasibility from CP-SAT's sufficient assumptions."""
    built = build(plan)
    built.model.ClearObjective()
    built.model.AddAssumptions(list(built.lits.values()))
    solver = _solver(time_limit, 1, 0)
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
    started = time.monotonic()
    built = build(plan, profile, settings.weights)
    for lit in built.lits.values():
        built.model.Add(lit == 1)
    solver, status = _two_phase(built, settings, started)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return JoblineResult(
            STATUS_NAMES[status],
            solver.ObjectiveValue(),
            solver.BestObjectiveBound(),
            time.monotonic() - started,
            _extract(plan, built, solver),
            first_feasible_seconds=built.first_seconds,
        )
    diagnosis = diagnose(plan) if settings.diagnose and status == cp_model.INFEASIBLE else []
    if settings.fallback and status == cp_model.INFEASIBLE:
        relaxed = build(plan, profile, settings.weights, allow_drops=True)
        for lit in relaxed.lits.values():
            relaxed.model.Add(lit == 1)
        left = max(1.0, settings.time_limit - (time.monotonic() - started))
        solver = _solver(left, settings.workers, settings.seed)
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
