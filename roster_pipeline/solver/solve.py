"""Build, solve and diagnose a registrar roster."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field, replace

import pandas as pd
from ortools.sat.python import cp_model

from roster_pipeline.domain import Department, Horizon, frame_hash
from roster_pipeline.rules import RulePack
from roster_pipeline.solver.constraints import post_rule
from roster_pipeline.solver.diagnose import explain_core, precheck_cover
from roster_pipeline.solver.model import RosterModel, Term

STATUS_NAMES = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


@dataclass(frozen=True)
class SolveSettings:
    """Solver parameters recorded with every solve."""

    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    log: bool = False
    deterministic: bool = False  # stop on deterministic time, so equal settings give equal rosters


@dataclass
class SolveResult:
    """Outcome of one solve: status, bounds, the roster and the soft-penalty breakdown."""

    status: str
    objective: float | None
    bound: float | None
    seconds: float
    assignments: pd.DataFrame
    penalties: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    diagnosis: list[str] = field(default_factory=list)
    settings: SolveSettings = field(default_factory=SolveSettings)
    input_hash: str = ""
    rule_pack: str = ""
    rule_pack_version: str = ""

    @property
    def feasible(self) -> bool:
        return self.status in ("OPTIMAL", "FEASIBLE")

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return abs(self.objective - self.bound) / max(1.0, abs(self.objective))

    def summary(self) -> dict:
        """A JSON-ready summary of the solve, with what is needed to reproduce it."""
        return {
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": None if self.gap is None else round(self.gap, 6),
            "seconds": round(self.seconds, 3),
            "seed": self.settings.seed,
            "workers": self.settings.workers,
            "time_limit": self.settings.time_limit,
            "deterministic": self.settings.deterministic,
            "input_hash": self.input_hash,
            "rule_pack": self.rule_pack,
            "rule_pack_version": self.rule_pack_version,
            "diagnosis": self.diagnosis,
        }


WARM_START_TYPES = ("cover_target",)
WARM_START_SHARE = 0.25


def build_model(
    department: Department, pack: RulePack, horizon: Horizon, diagnose: bool = False
) -> RosterModel:
    """A RosterModel with every rule of the pack posted and the soft objective set."""
    roster_model = RosterModel(department, pack, horizon, diagnose=diagnose)
    for rule in pack.rules:
        post_rule(roster_model, rule)
    if not diagnose:
        terms = roster_model.objective_terms()
        roster_model.model.Minimize(sum(t.coef * t.var for t in terms))
    return roster_model


def _solver(settings: SolveSettings) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    if settings.deterministic:
        solver.parameters.max_deterministic_time = float(settings.time_limit)
        solver.parameters.interleave_search = settings.workers > 1
    else:
        solver.parameters.max_time_in_seconds = float(settings.time_limit)
    solver.parameters.num_workers = int(settings.workers)
    solver.parameters.random_seed = int(settings.seed)
    solver.parameters.log_search_progress = settings.log
    return solver


def _value(solver: cp_model.CpSolver, term: Term) -> int:
    return term.coef * (term.var if isinstance(term.var, int) else int(solver.Value(term.var)))


def _assignments(solver: cp_model.CpSolver, roster_model: RosterModel) -> pd.DataFrame:
    rows = [
        {"registrar_id": rid, "date": day, "shift": code}
        for (rid, day, code), var in roster_model.x.items()
        if solver.BooleanValue(var)
    ]
    frame = pd.DataFrame(rows, columns=["registrar_id", "date", "shift"])
    return frame.sort_values(["registrar_id", "date"]).reset_index(drop=True)


def solve(
    department: Department,
    pack: RulePack,
    horizon: Horizon,
    settings: SolveSettings | None = None,
) -> SolveResult:
    """Solve a roster; on infeasibility, diagnose which rules and inputs conflict."""
    settings = settings or SolveSettings()
    began = time.perf_counter()
    precheck = precheck_cover(department, pack, horizon)
    hint, warm_status = warm_start(department, pack, horizon, settings)
    roster_model = build_model(department, pack, horizon)
    if hint is not None:
        complete_hint(roster_model, hint, settings)
    spent = 0.0 if settings.deterministic else time.perf_counter() - began
    solver = _solver(replace(settings, time_limit=max(1.0, settings.time_limit - spent)))
    status = STATUS_NAMES[solver.Solve(roster_model.model)] if warm_status != "INFEASIBLE" else warm_status
    result = SolveResult(
        status=status,
        objective=None,
        bound=None,
        seconds=0.0,
        assignments=pd.DataFrame(columns=["registrar_id", "date", "shift"]),
        settings=settings,
        input_hash=frame_hash(department.tables),
        rule_pack=pack.id,
        rule_pack_version=pack.version,
    )
    if status in ("OPTIMAL", "FEASIBLE"):
        result.objective = float(solver.ObjectiveValue())
        result.bound = float(solver.BestObjectiveBound())
        result.assignments = _assignments(solver, roster_model)
        for rule in pack.rules:
            ledger = roster_model.ledgers.get(rule.id)
            if rule.hard:
                continue
            result.penalties[rule.id] = sum(_value(solver, t) for t in ledger.penalty) if ledger else 0
            result.units[rule.id] = sum(_value(solver, t) for t in ledger.units) if ledger else 0
    elif status == "INFEASIBLE":
        remaining = max(5.0, settings.time_limit - (time.perf_counter() - began))
        result.diagnosis = precheck or diagnose(department, pack, horizon, settings, remaining)
    result.seconds = time.perf_counter() - began
    return result


def warm_start(
    department: Department, pack: RulePack, horizon: Horizon, settings: SolveSettings
) -> tuple[set | None, str]:
    """A first roster from the hard rules and cover targets only, used as a full solution hint.

    The full model defines every soft penalty exactly (equalities), which makes a first solution
    slow to find; this smaller model finds one quickly and the full search starts from it.
    """
    rules = tuple(r for r in pack.rules if r.hard or r.type in WARM_START_TYPES)
    reduced = replace(pack, rules=rules)
    warm_model = build_model(department, reduced, horizon)
    solver = _solver(replace(settings, time_limit=max(1.0, settings.time_limit * WARM_START_SHARE)))
    status = STATUS_NAMES[solver.Solve(warm_model.model)]
    if status not in ("OPTIMAL", "FEASIBLE"):
        return None, status
    return {key for key, var in warm_model.x.items() if solver.BooleanValue(var)}, status


def complete_hint(roster_model: RosterModel, hint: set, settings: SolveSettings) -> bool:
    """Hint every variable: fix x to the warm roster in a clone and read the implied values."""
    clone = roster_model.model.Clone()
    for key, var in roster_model.x.items():
        clone.Add(clone.GetIntVarFromProtoIndex(var.Index()) == int(key in hint))
    solver = _solver(replace(settings, time_limit=max(1.0, settings.time_limit * 0.1)))
    if solver.Solve(clone) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    for index in range(len(clone.Proto().variables)):
        value = solver.Value(clone.GetIntVarFromProtoIndex(index))
        roster_model.model.AddHint(roster_model.model.GetIntVarFromProtoIndex(index), value)
    return True


def diagnose(
    department: Department, pack: RulePack, horizon: Horizon, settings: SolveSettings, time_limit: float
) -> list[str]:
    """Name the hard rule groups and inputs that conflict, from a core of assumption literals."""
    roster_model = build_model(department, pack, horizon, diagnose=True)
    literals = list(roster_model.groups.values())
    roster_model.model.AddAssumptions(literals)
    solver = _solver(SolveSettings(time_limit=time_limit, workers=1, seed=settings.seed))
    status = solver.Solve(roster_model.model)
    if status != cp_model.INFEASIBLE:
        return ["the rules conflict, but no smaller conflicting set was found within the time limit"]
    core_indices = set(solver.SufficientAssumptionsForInfeasibility())
    core = [key for key, var in roster_model.groups.items() if var.Index() in core_indices]
    return explain_core(roster_model, core)


def horizon_from(start: dt.date, weeks: int) -> Horizon:
    """Convenience constructor for a horizon of whole weeks."""
    return Horizon(start=start, weeks=weeks)
