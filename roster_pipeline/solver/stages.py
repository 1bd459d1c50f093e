"""Build, solve and diagnose a registrar roster."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import NamedTuple

import pandas as pd
from ortools.sat.python import cp_model

from roster_pipeline.core.cpsat import STATUS_NAMES, set_hint
from roster_pipeline.core.domain import Department, Horizon, as_date, frame_hash
from roster_pipeline.core.rules import RulePack
from roster_pipeline.solver.constraints import post_rule
from roster_pipeline.solver.diagnose import explain_core, precheck_cover
from roster_pipeline.solver.model import RosterModel, Term
from roster_pipeline.solver.rolling import ROLLING_MIN_WEEKS, rolling_roster
from roster_pipeline.solver.settings import SolveResult, SolveSettings, cpsat_solver

# The first feasible roster comes from the hard rules and cover targets alone (a small model finds
# one quickly); then each priority level is optimised in turn, keeping earlier levels at their best.
# The level holding the fairness rules is first tried with every registrar held inside the band
# (a hard bound that propagation handles far better than local search handles the penalty).
WARM_START_TYPES = ("cover_target",)
WARM_START_SHARE = 0.1
WARM_START_PATIENCE = 0.8  # the first roster may take up to this share of the time limit
# Before a fairness-guided level the first roster is kept as found: the banded repair holds the
# level's rules at their penalty in it, and one optimised for cover left no room (docs/solver.md).
# Above this many roster variables the first roster is searched without CP-SAT's presolve: on a
# 5-week window of 150 registrars presolve alone took 11 s, and feasibility jump then found a
# roster in 9 s; without presolve the first roster came after 10 s in all.
PRESOLVE_FREE_FIRST_ROSTER = 50_000
GUIDED_SHARE = 0.8
# The banded search may take the whole guided stage (it stops as soon as every registrar is inside
# the bands): a banded roster is what keeps the spreads within 1, and the guided stage optimises
# for what the search leaves. With three quarters, the pipeline's 4 weeks at 8 s a week missed the
# bands (spreads 6.2 / 2.8); with all of it they met them (0.9 / 0.9).
BANDED_SHARE = 1.0
# Deterministic stages that start from a roster: this share is a full CP-SAT solve (bound, proof
# for small models), the rest CP-SAT's LNS workers alone (see _improve_deterministic).
PROOF_SHARE = 0.2
# ... for models of at most this many roster variables: a week of 45 registrars (8,000) lost 7
# points of requests at 3 s a week to the full solve; an INRC-II week of 5 nurses (about 500)
# is proved optimal by it.
PROOF_MAX_VARIABLES = 2_000
FIRST_LEVEL_SHARE = 0.6  # of the time after the warm start, when there are several levels
FINAL_RESERVE = 0.03
# A deterministic single-level solve starts from a first roster (its last stage is CP-SAT's LNS
# workers alone) while that stage has time for this many roster variables a second; beyond it the
# last stage is one CP-SAT solve that finds its own first roster.
LNS_VARS_PER_SECOND = 100
# The full-model worker of a last stage that is one CP-SAT solve on two workers: CP-SAT's own
# choice is `default_lp`, whose LP leaves out constraints presolve turned into
# clauses, so it proves next to nothing (NRP Instance 11: bound 2 against 3436 with `max_lp`, the
# full LP relaxation).
BOUND_WORKER = "max_lp"
ROLLING_SHARE = 0.5  # long horizons: time for the window-by-window first roster
# Beyond this many registrar-day-shift combinations the whole-horizon model is not optimised (a
# year of 150 registrars and 32 shift types is 1.7 million: building it takes minutes and CP-SAT
# on it needs more memory than the machine should give); the rolling roster gets the time.
WHOLE_MODEL_LIMIT = 600_000
ROLLING_SHARE_ONLY = 0.75
TOO_BIG = "the whole horizon is too large to search at once: try a longer time limit, or fewer weeks"
UNHELD_ROSTER = "the roster found breaks a hard rule over the whole horizon (or was not checked in time)"


def build_model(
    department: Department,
    pack: RulePack,
    horizon: Horizon,
    diagnose: bool = False,
    caps: dict[str, int] | None = None,
    fairness_guide: bool = False,
    period_weeks: int | None = None,
) -> RosterModel:
    """A RosterModel with every rule of the pack posted and the soft objective set.

    `caps` bounds the penalty of each rule of an earlier priority level (lexicographic solving:
    a later level may not make any earlier rule worse). `period_weeks` holds horizon-wide limits in
    each period of that many weeks (a week solved with lookahead keeps the week's own limits).
    """
    roster_model = RosterModel(department, pack, horizon, diagnose=diagnose, period_weeks=period_weeks)
    roster_model.fairness_guide = fairness_guide
    for rule in pack.rules:
        post_rule(roster_model, rule)
    if diagnose:
        return roster_model
    post_caps(roster_model, caps or {})
    roster_model.model.Minimize(sum(t.coef * t.var for t in roster_model.objective_terms()))
    return roster_model


def post_caps(roster_model: RosterModel, caps: dict[str, int]) -> None:
    """Hold each named rule's penalty at most at its cap (rule id -> cap)."""
    for rule_id, cap in caps.items():
        terms = roster_model.ledgers[rule_id].penalty
        roster_model.model.Add(sum(t.coef * t.var for t in terms) <= cap)


def _value(solver: cp_model.CpSolver, term: Term) -> int:
    return term.coef * (term.var if isinstance(term.var, int) else int(solver.Value(term.var)))


def _penalties(roster_model: RosterModel, exact: cp_model.CpSolver, rules: list) -> dict[str, int]:
    """Each rule's penalty in a fixed solve of `roster_model` (`fix_roster`'s), by rule id."""
    return {r.id: sum(_value(exact, t) for t in roster_model.ledgers[r.id].penalty) for r in rules}


def _assignments(roster: set) -> pd.DataFrame:
    rows = [{"registrar_id": rid, "date": day, "shift": code} for rid, day, code in roster]
    frame = pd.DataFrame(rows, columns=["registrar_id", "date", "shift"])
    return frame.sort_values(["registrar_id", "date"]).reset_index(drop=True)


def solve_stages(pack: RulePack) -> list[tuple[RulePack, float, bool, bool]]:
    """(stage pack, share of the time limit, capped, fairness-guided) for each stage of a solve."""
    warm = tuple(r for r in pack.rules if r.hard or r.type in WARM_START_TYPES)
    stages = [(replace(pack, rules=warm), WARM_START_SHARE, False, False)]
    levels = sorted({r.priority for r in pack.rules if not r.hard})
    for index, level in enumerate(levels):
        if len(levels) == 1:
            share = 1.0 - WARM_START_SHARE
        elif index == 0:
            share = (1.0 - WARM_START_SHARE) * FIRST_LEVEL_SHARE
        else:
            share = (1.0 - WARM_START_SHARE) * (1 - FIRST_LEVEL_SHARE) / (len(levels) - 1)
        rules = tuple(r for r in pack.rules if r.hard or r.priority <= level)
        stage_pack = replace(pack, rules=rules)
        if any(r.type == "fairness" and r.priority == level for r in rules):
            stages.append((stage_pack, share * GUIDED_SHARE, True, True))
            stages.append((stage_pack, share * (1 - GUIDED_SHARE), True, False))
        else:
            stages.append((stage_pack, share, True, False))
    return stages


def solve(
    department: Department,
    pack: RulePack,
    horizon: Horizon,
    settings: SolveSettings | None = None,
    start: pd.DataFrame | None = None,
) -> SolveResult:
    """Solve a roster; on infeasibility, diagnose which rules and inputs conflict.

    `start` (registrar_id, date, shift rows) is a roster to improve instead of searching for a
    first one, used when it holds every hard rule of the horizon (a week's roster from the
    lookahead of the week before)."""
    settings = settings or SolveSettings()
    began = time.perf_counter()
    result = SolveResult(
        status="UNKNOWN",
        objective=None,
        bound=None,
        seconds=0.0,
        assignments=pd.DataFrame(columns=["registrar_id", "date", "shift"]),
        settings=settings,
        input_hash=frame_hash(_inputs(department, start)),
        rule_pack=pack.id,
        rule_pack_version=pack.version,
    )
    roster: set | None = None
    roster_model: RosterModel | None = None
    caps: dict[str, int] = {}
    charged = 0.0  # deterministic seconds the stages spent (a deterministic solve's clock)
    stages = solve_stages(pack)
    warm_stage = stages[0]
    size = len(department.registrars) * len(horizon.days) * len(department.shift_types)
    if not _warm_start_pays(stages, size, settings):
        stages = stages[1:]
    if start is not None:
        roster = _holding_start(department, warm_stage[0], horizon, start, settings)
    if roster is not None:
        result.first_feasible_seconds = time.perf_counter() - began
        result.status = "FEASIBLE"
        stages = [stage for stage in stages if stage is not warm_stage]
    elif horizon.weeks >= ROLLING_MIN_WEEKS:
        too_big = size > WHOLE_MODEL_LIMIT
        share = ROLLING_SHARE_ONLY if too_big else ROLLING_SHARE
        # Fairness is carried window to window only where the rolling roster is the result (docs/solver.md).
        rolled = rolling_roster(
            department, pack, horizon, settings, settings.time_limit * share, solve, carry_fairness=too_big
        )
        roster = rolled.roster
        charged = settings.time_limit * share  # the windows spend their shares (deterministically)
        if roster is not None:
            result.first_feasible_seconds = time.perf_counter() - began
            result.status = "FEASIBLE"
        if too_big:
            # A whole model beyond the limit is only built to evaluate the rolling roster exactly
            # (searched when a window had no roster, it found none: docs/solver.md).
            stages = []
            if roster is None:
                result.diagnosis = [*rolled.why, TOO_BIG]
        elif roster is not None:
            stages = [stage for stage in stages if stage is not warm_stage]
    guided_found = False
    carried = 0.0
    closer: set | None = None  # the banded repair's best roster when it did not reach the bands
    for index, (stage_pack, share, capped, guided) in enumerate(stages):
        final = index == len(stages) - 1
        if guided_found and not guided and not final and stages[index - 1][0] == stage_pack:
            continue  # the guided attempt at this level succeeded: no unguided repeat
        stage_model = build_model(
            department,
            stage_pack,
            horizon,
            caps=caps if capped else None,
            fairness_guide=guided,
            period_weeks=settings.period_weeks,
        )
        hinted: set | None = None  # the complete hint of this stage, a roster that holds its model
        if roster is not None:
            exact = None
            if closer is not None:  # the repair's work is kept when this stage rates it better
                (roster, exact), closer = _better_start(stage_model, [roster, closer], settings), None
            hinted = roster if complete_hint(stage_model, roster, settings, exact) else None
        banded_spent = 0.0
        if guided and roster is not None:
            banding = replace(settings, time_limit=settings.time_limit * share * BANDED_SHARE)
            repair = build_model(
                department,
                stage_pack,
                horizon,
                caps=caps if capped else None,
                period_weeks=settings.period_weeks,
            )
            banded, banded_spent, closer = _banded_roster(repair, roster, banding)
            charged += banded_spent
            if banded is None:
                carried = share * (1 - BANDED_SHARE)  # the guided stage's rest goes to the unguided one
                continue
            stage_model.model.ClearHints()
            hinted = banded if complete_hint(stage_model, banded, settings) else None
        spent = charged if settings.deterministic else time.perf_counter() - began
        left = settings.time_limit - spent
        # Keep a little time back for the exact re-evaluation of the returned roster.
        budget = (
            left - FINAL_RESERVE * settings.time_limit
            if final
            else min(left, settings.time_limit * (share + carried) - banded_spent)
        )
        carried = 0.0
        if stages[index] is warm_stage:
            patience = min(left, settings.time_limit * WARM_START_PATIENCE)
            as_found = index + 1 < len(stages) and stages[index + 1][3]
            stage = _first_roster(stage_model, settings, 0.0 if as_found else max(1.0, budget), patience)
        else:
            first = _FirstSolution(began) if roster is None else None
            stage = _optimise(stage_model, settings, max(1.0, budget), first, final)
            if first is not None and first.seconds is not None and result.first_feasible_seconds is None:
                result.first_feasible_seconds = first.seconds
        status, roster_values, bound = stage.status, stage.values, stage.bound
        charged += stage.spent
        if status == "INFEASIBLE" and roster is None:
            if guided:
                carried = share  # the bands cannot all hold together: the unguided stage takes the time
                continue
            result.status = status
            remaining = max(5.0, settings.time_limit - (time.perf_counter() - began))
            precheck = precheck_cover(department, pack, horizon)
            result.diagnosis = precheck or diagnose(department, pack, horizon, settings, remaining)
            break
        found: set | None = None
        if status in ("OPTIMAL", "FEASIBLE"):
            found = {k for k, v in stage_model.x.items() if roster_values[v.Index()]}
        elif hinted is not None:
            # No roster of its own in its time (on 120 registrars x 13 weeks the stage after a
            # 124 s banded repair had 5 s, too few to load the model): the roster it was given
            # holds its rules, caps and bands, so that is its result.
            found, status = hinted, "FEASIBLE"
        if found is not None:
            guided_found = guided
            roster = found
            if result.first_feasible_seconds is None:
                result.first_feasible_seconds = time.perf_counter() - began
            result.status = status if final else "FEASIBLE"
            if final:
                result.bound = bound
                roster_model = stage_model
            elif capped:
                exact = fix_roster(stage_model, roster, settings)
                level = max(r.priority for r in stage_pack.rules if not r.hard)
                held = [r for r in stage_pack.rules if r.priority == level and not r.hard]
                caps |= _penalties(stage_model, exact, held)
    if roster is not None:
        full = roster_model
        if full is None:
            full = build_model(department, pack, horizon, period_weeks=settings.period_weeks)
        _record_roster(result, full, pack, roster, settings)
    result.seconds = time.perf_counter() - began
    return result


def _inputs(department: Department, start: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """What a solve's result depends on besides its settings: the tables and the start roster."""
    if start is None:
        return dict(department.tables)
    rows = pd.DataFrame(
        sorted((as_date(d).isoformat(), str(r), str(c)) for r, d, c in _rows(start)),
        columns=["date", "registrar_id", "shift"],
    )
    return dict(department.tables) | {"start": rows}


def _rows(start: pd.DataFrame) -> Iterator[tuple]:
    return start[["registrar_id", "date", "shift"]].itertuples(index=False)


def _holding_start(
    department: Department, pack: RulePack, horizon: Horizon, start: pd.DataFrame, settings: SolveSettings
) -> set | None:
    """The start roster's assignments on the horizon, or None when they break a hard rule."""
    roster_model = build_model(department, pack, horizon, period_weeks=settings.period_weeks)
    keys = {(str(r), as_date(d), str(c)) for r, d, c in _rows(start) if as_date(d) in horizon}
    if not keys:
        return None
    return keys if fix_roster(roster_model, keys, settings) is not None else None


class _Stage(NamedTuple):
    """What one stage's search returns: status, the best value of every model variable, the
    bound, and the time it spent (deterministic seconds when the settings are deterministic)."""

    status: str
    values: list[int]
    bound: float | None
    spent: float


def _spent(solver: cp_model.CpSolver, settings: SolveSettings) -> float:
    """The time a finished solve took: deterministic seconds when the settings are deterministic."""
    return solver.ResponseProto().deterministic_time if settings.deterministic else solver.WallTime()


def _first_roster(
    roster_model: RosterModel, settings: SolveSettings, budget: float, patience: float
) -> _Stage:
    """The warm-start stage: wait up to `patience` for a first roster, then optimise it for what
    is left of `budget` (a large window or year may need longer than its share to find one)."""
    solver = cpsat_solver(replace(settings, time_limit=max(1.0, max(budget, patience))))
    solver.parameters.stop_after_first_solution = True
    if settings.deterministic:
        # Parallel workers race to the first roster (which one reports first depends on the
        # clock); one thread interleaving the same subsolvers finds the same roster every time.
        solver.parameters.num_workers = 1
    if len(roster_model.x) > PRESOLVE_FREE_FIRST_ROSTER:
        solver.parameters.cp_model_presolve = False
    status = STATUS_NAMES[solver.Solve(roster_model.model)]
    spent = _spent(solver, settings)
    if status not in ("OPTIMAL", "FEASIBLE"):
        return _Stage(status, [], None, spent)
    values = list(solver.ResponseProto().solution)
    if status == "FEASIBLE" and budget - spent >= 1.0:
        set_hint(roster_model.model, values)
        if settings.deterministic:
            improved = _improve_deterministic(roster_model, settings, budget - spent)
            return improved._replace(spent=spent + improved.spent)
        again = cpsat_solver(replace(settings, time_limit=budget - spent))
        improved = STATUS_NAMES[again.Solve(roster_model.model)]
        spent += _spent(again, settings)
        if improved in ("OPTIMAL", "FEASIBLE"):
            values = list(again.ResponseProto().solution)
            return _Stage(improved, values, float(again.BestObjectiveBound()), spent)
    return _Stage(status, values, None, spent)


def _warm_start_pays(stages: list, combinations: int, settings: SolveSettings) -> bool:
    """Whether the first-roster stage pays. With one priority level and a model CP-SAT presolves
    readily, the final stage is one CP-SAT solve that finds its own first rosters (feasibility
    jump, within seconds): a separate first roster only costs time, unless the solve is
    deterministic and has time for CP-SAT's LNS workers to improve one (`LNS_VARS_PER_SECOND`)."""
    if len(stages) != 2 or combinations > PRESOLVE_FREE_FIRST_ROSTER:
        return True
    if not settings.deterministic:
        return False
    return combinations <= LNS_VARS_PER_SECOND * settings.time_limit * (1 - WARM_START_SHARE)


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    """Notes when a solve found its first roster (seconds since `began`)."""

    def __init__(self, began: float) -> None:
        super().__init__()
        self.began = began
        self.seconds: float | None = None

    def on_solution_callback(self) -> None:
        if self.seconds is None:
            self.seconds = time.perf_counter() - self.began


def _optimise(
    roster_model: RosterModel,
    settings: SolveSettings,
    budget: float,
    first: _FirstSolution | None = None,
    final: bool = False,
) -> _Stage:
    """One stage's search: status, best value of every model variable, bound and time spent.

    One CP-SAT solve (CP-SAT's LNS workers alone when deterministic and hinted). `first`, when
    given, notes the time of the stage's first roster (a solve with no first-roster stage).
    A `final` (last) stage that is one CP-SAT solve on two free-running workers gets the full LP
    relaxation as its full-model worker (`BOUND_WORKER`), for the bound (deterministic stages keep
    CP-SAT's own choice, and so their recorded rosters).
    """
    if settings.deterministic and roster_model.model.Proto().solution_hint.vars:
        return _improve_deterministic(roster_model, settings, budget)
    solver = cpsat_solver(replace(settings, time_limit=max(1.0, budget)))
    if final and settings.workers == 2 and not settings.deterministic:
        solver.parameters.subsolvers.append(BOUND_WORKER)
    status = STATUS_NAMES[solver.Solve(roster_model.model, first)]
    spent = _spent(solver, settings)
    if status not in ("OPTIMAL", "FEASIBLE"):
        return _Stage(status, [], None, spent)
    values = list(solver.ResponseProto().solution)
    return _Stage(status, values, float(solver.BestObjectiveBound()), spent)


def _improve_deterministic(roster_model: RosterModel, settings: SolveSettings, budget: float) -> _Stage:
    """A deterministic stage that starts from a roster (the model's complete hint): CP-SAT's
    large-neighbourhood workers alone, interleaved, on the model presolved once.

    Interleaved search charges every task's deterministic time to the limit, and its full-model
    workers take the first batches: with a budget of a few seconds (a pipeline week) they used it
    all and no LNS task ran (week 1 of the 45-registrar sample: 4512 at 3 s and at 10 s). With
    the LNS workers alone the same stages reach 2769 (3 s) and 2234 (10 s), the same roster on
    every run. On small models a short full solve comes first, for the bound and a proof of
    optimality (an INRC-II week of 5 nurses: 2 s instead of the whole minute).
    """
    bound, left, spent = None, budget, 0.0
    if len(roster_model.x) <= PROOF_MAX_VARIABLES:
        proof = cpsat_solver(replace(settings, time_limit=max(0.5, budget * PROOF_SHARE)))
        status = STATUS_NAMES[proof.Solve(roster_model.model)]
        spent = _spent(proof, settings)
        if status not in ("OPTIMAL", "FEASIBLE"):
            return _Stage(status, [], None, spent)
        values, bound = list(proof.ResponseProto().solution), float(proof.BestObjectiveBound())
        left = budget - spent  # interleaved batches can overrun their limit: charge what was spent
        if status == "OPTIMAL" or left < 0.5:
            return _Stage(status, values, bound, spent)
        set_hint(roster_model.model, values)
    solver = cpsat_solver(replace(settings, time_limit=left))
    solver.parameters.use_lns_only = True
    status = STATUS_NAMES[solver.Solve(roster_model.model)]
    spent += _spent(solver, settings)
    if status in ("OPTIMAL", "FEASIBLE"):
        found = list(solver.ResponseProto().solution)
        bound = float(solver.BestObjectiveBound()) if bound is None else bound
        return _Stage("FEASIBLE", found, bound, spent)
    if bound is None:
        return _Stage(status, [], None, spent)
    return _Stage("FEASIBLE", values, bound, spent)


def _record_roster(
    result: SolveResult, full: RosterModel, pack: RulePack, roster: set, settings: SolveSettings
) -> None:
    """Assignments and exact per-rule penalties of the roster returned (full pack, roster fixed).
    A roster that breaks a hard rule of the whole horizon (a rolling roster can, where a window's
    share of a horizon-wide limit was misjudged) is not returned: the result says so instead."""
    exact = fix_roster(full, roster, settings)
    if exact is None:
        result.status = "UNKNOWN"
        result.diagnosis = [UNHELD_ROSTER]
        return
    result.assignments = _assignments(roster)
    if result.status not in ("OPTIMAL", "FEASIBLE"):
        result.status = "FEASIBLE"
    for rule in pack.rules:
        if rule.hard:
            continue
        ledger = full.ledgers.get(rule.id)
        result.penalties[rule.id] = sum(_value(exact, t) for t in ledger.penalty) if ledger else 0
        result.units[rule.id] = sum(_value(exact, t) for t in ledger.units) if ledger else 0
    # The objective of the roster returned, every penalty at its exact count (in OR-Tools 9.15
    # ObjectiveValue() can belong to another solution when a worker finishes at the time limit).
    result.objective = float(sum(result.penalties.values()))
    if result.bound is not None:
        result.bound = min(result.bound, result.objective)


def fix_roster(roster_model: RosterModel, chosen: set, settings: SolveSettings):
    """Solve a clone with x fixed to `chosen`, minimising the objective.

    With the roster fixed, every relaxed penalty variable drops to its least value, which is the
    exact violation count of docs/engine-spec.md. Returns (clone solver, clone) or None, also when
    `chosen` holds a shift the model has no variable for (one a hard rule forbids outright).
    """
    if not chosen <= roster_model.x.keys():
        return None
    clone = roster_model.model.Clone()
    clone.ClearHints()
    for key, var in roster_model.x.items():
        clone.Add(clone.GetIntVarFromProtoIndex(var.Index()) == int(key in chosen))
    # Minimise every unit too, so penalty variables of zero-weight rules are exact as well.
    terms = [t for ledger in roster_model.ledgers.values() for t in (*ledger.penalty, *ledger.units)]
    # Variables keep their indices in the clone, so the original expressions apply to it.
    clone.Minimize(sum(t.coef * t.var for t in terms))
    # Deterministic settings keep this deterministic too: with x fixed, auxiliary variables can
    # have several optimal values, and the hint built from them must not depend on which worker
    # finished first.
    solver = cpsat_solver(replace(settings, time_limit=max(5.0, settings.time_limit * 0.1)))
    if solver.Solve(clone) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return solver


def _banded_roster(
    roster_model: RosterModel, roster: set, settings: SolveSettings
) -> tuple[set | None, float, set | None]:
    """A roster with every registrar inside each fairness band, repaired from `roster` by CP-SAT's
    large-neighbourhood workers minimising the summed excess over the bands (the model's own
    rules and caps hold throughout), the time it took (deterministic seconds when the settings
    are deterministic), and the closest roster found. The first is None when the excess is not 0
    within the time limit; the last is None when it is (or nothing was found). Faster than a
    search for a banded roster from nothing (docs/solver.md).
    """
    if not _hold_level(roster_model, roster, settings):
        return None, 0.0, None
    excess = []
    for dev, band, largest in roster_model.fairness_bands:
        outside = roster_model.model.NewIntVar(0, largest, "")
        roster_model.model.Add(outside >= dev - band)
        roster_model.model.Add(outside >= -dev - band)
        excess.append(outside)
    roster_model.model.Minimize(sum(excess))
    if not excess or not complete_hint(roster_model, roster, settings):
        return None, 0.0, None
    solver = cpsat_solver(settings)
    solver.parameters.use_lns_only = True
    status = solver.Solve(roster_model.model)
    spent = min(_spent(solver, settings), settings.time_limit)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, spent, None
    found = {key for key, var in roster_model.x.items() if solver.BooleanValue(var)}
    return (None, spent, found) if solver.ObjectiveValue() > 0 else (found, spent, None)


def _hold_level(roster_model: RosterModel, roster: set, settings: SolveSettings) -> bool:
    """Cap every soft rule of the model's own level but fairness at its penalty in `roster`, so
    the banded repair buys fairness with no rule its level weighs beside it (on the 45-registrar
    sample an uncapped repair reached the bands by leaving 26 shifts under their cover target:
    1,300 points where fairness weighs 20 or 30 a night). False when `roster` breaks the model."""
    exact = fix_roster(roster_model, roster, settings)
    if exact is None:
        return False
    soft = [r for r in roster_model.pack.rules if not r.hard]
    level = max((r.priority for r in soft), default=0)
    held = [r for r in soft if r.priority == level and r.type != "fairness"]
    post_caps(roster_model, _penalties(roster_model, exact, held))
    return True


def _better_start(
    roster_model: RosterModel, rosters: list[set], settings: SolveSettings
) -> tuple[set, cp_model.CpSolver | None]:
    """Of rosters that hold the model's rules and caps, the one its objective rates lowest (the
    first on a tie), with its fixed solve (`fix_roster`, for `complete_hint`; None when none held)."""
    best, lowest, best_exact = rosters[0], None, None
    for candidate in rosters:
        exact = fix_roster(roster_model, candidate, settings)
        if exact is None:
            continue
        value = sum(_value(exact, term) for term in roster_model.objective_terms())
        if lowest is None or value < lowest:
            best, lowest, best_exact = candidate, value, exact
    return best, best_exact


def complete_hint(
    roster_model: RosterModel, hint: set, settings: SolveSettings, exact: cp_model.CpSolver | None = None
) -> bool:
    """Hint every variable: fix x to the warm roster and read the implied values (`exact`: that
    fixed solve, `fix_roster`'s, when the caller has it already)."""
    solver = exact or fix_roster(roster_model, hint, settings)
    if solver is None:
        return False
    # The fixed solve is of a clone with the model's variables (same indices) and no others.
    set_hint(roster_model.model, list(solver.ResponseProto().solution))
    return True


def diagnose(
    department: Department, pack: RulePack, horizon: Horizon, settings: SolveSettings, time_limit: float
) -> list[str]:
    """Name the hard rule groups and inputs that conflict, from a core of assumption literals."""
    roster_model = build_model(department, pack, horizon, diagnose=True)
    literals = list(roster_model.groups.values())
    roster_model.model.AddAssumptions(literals)
    solver = cpsat_solver(SolveSettings(time_limit=time_limit, workers=1, seed=settings.seed))
    status = solver.Solve(roster_model.model)
    if status != cp_model.INFEASIBLE:
        return ["the rules conflict, but no smaller conflicting set was found within the time limit"]
    core_indices = set(solver.SufficientAssumptionsForInfeasibility())
    core = [key for key, var in roster_model.groups.items() if var.Index() in core_indices]
    return explain_core(roster_model, core)
