"""Large-neighbourhood search over a built roster model.

CP-SAT's own LNS workers relax variables without knowing the roster's structure. Rosters have
two natural neighbourhoods: a few registrars over the whole horizon (their hours, runs and
weekends are horizon-wide rules) and every registrar over a short window of days (cover moves
between people). Each step fixes every roster variable outside the neighbourhood to the incumbent
by narrowing its domain in the model proto, re-solves the rest exactly (hinted with the
incumbent), and keeps the result when it is no worse. Neighbourhood sizes adapt: a step solved to
optimality grows its kind of neighbourhood, a step that runs out of time shrinks it.

With `deterministic` settings every step stops on deterministic time and the loop's budget is
counted in deterministic time, so equal settings give equal rosters.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from roster_pipeline.core.cpsat import set_hint
from roster_pipeline.solver.model import RosterModel
from roster_pipeline.solver.settings import SolveSettings, cpsat_solver

STEP_SECONDS = 2.0  # time limit of one neighbourhood re-solve
MIN_STEP_SECONDS = 0.3
GROW, SHRINK = 1.25, 0.8
LOGGER = logging.getLogger(__name__)


@dataclass
class Neighbourhood:
    """An adaptive neighbourhood kind: its share of the roster variables set free."""

    kind: str  # "registrars" (whole horizon), "window" (all registrars) or "block" (both)
    share: float
    calls: int = 0
    improved: int = 0

    def adapt(self, optimal: bool) -> None:
        self.share = min(0.9, self.share * GROW) if optimal else max(0.02, self.share * SHRINK)


@dataclass
class LnsStats:
    """What the search did, for logs and benchmarks."""

    steps: int = 0
    improvements: int = 0
    start_objective: int = 0
    objective: int = 0
    spent: float = 0.0  # seconds the steps took (deterministic seconds when deterministic)


def _objective(proto, values: list[int]) -> int:
    objective = proto.objective
    return int(sum(c * values[v] for v, c in zip(objective.vars, objective.coeffs, strict=True)))


class _Search:
    """The incumbent, the proto and the fixing of roster variables for one search."""

    def __init__(
        self, roster_model: RosterModel, model: cp_model.CpModel, values: list[int], rng: random.Random
    ):
        self.model = model
        self.proto = model.Proto()
        self.values = values
        self.rng = rng
        self.registrars = sorted({key[0] for key in roster_model.x})
        self.days = sorted({key[1] for key in roster_model.x})
        self.index = {key: var.Index() for key, var in roster_model.x.items()}

    def free_keys(self, hood: Neighbourhood) -> set:
        """Roster variable keys set free in one step of this neighbourhood kind."""
        n_regs, n_days = len(self.registrars), len(self.days)
        if hood.kind == "registrars":
            count = max(1, round(hood.share * n_regs))
            chosen = set(self.rng.sample(self.registrars, min(count, n_regs)))
            return {k for k in self.index if k[0] in chosen}
        if hood.kind == "window":
            width = max(1, round(hood.share * n_days))
            first = self.rng.randrange(0, max(1, n_days - width + 1))
            window = set(self.days[first : first + width])
            return {k for k in self.index if k[1] in window}
        # block: about sqrt(share) of the registrars over sqrt(share) of the days
        side = hood.share**0.5
        count, width = max(1, round(side * n_regs)), max(2, round(side * n_days))
        chosen = set(self.rng.sample(self.registrars, min(count, n_regs)))
        first = self.rng.randrange(0, max(1, n_days - width + 1))
        window = set(self.days[first : first + width])
        return {k for k in self.index if k[0] in chosen and k[1] in window}

    def fix_outside(self, free: set) -> list[int]:
        """Fix every roster variable not in `free` to the incumbent; return the fixed indices."""
        fixed = []
        variables = self.proto.variables
        for key, index in self.index.items():
            if key not in free:
                value = self.values[index]
                domain = variables[index].domain
                domain[0], domain[1] = value, value
                fixed.append(index)
        return fixed

    def release(self, fixed: list[int]) -> None:
        variables = self.proto.variables
        for index in fixed:
            domain = variables[index].domain
            domain[0], domain[1] = 0, 1

    def hint(self) -> None:
        set_hint(self.model, self.values)


class _Incumbent(cp_model.CpSolverSolutionCallback):
    """Keeps the last (best) solution of a running solve, for the search to adopt."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.values: list[int] | None = None

    def on_solution_callback(self) -> None:
        values = list(self.Response().solution)
        with self.lock:
            self.values = values

    def take(self) -> list[int] | None:
        with self.lock:
            values, self.values = self.values, None
        return values


@dataclass
class PortfolioResult:
    """Best values found, CP-SAT's bound on the whole model, and whether optimality is proven."""

    status: str
    values: list[int]
    bound: float | None
    stats: LnsStats


def solve_with_lns(
    roster_model: RosterModel, values: list[int] | None, budget: float, settings: SolveSettings
) -> PortfolioResult:
    """CP-SAT on the whole model in a background thread (new solutions, and the bound: one worker
    with the full LP relaxation) while large-neighbourhood search improves the incumbent here.
    Either side's better roster is adopted by the search; the search stops early when the
    incumbent meets the bound. `values` is a complete first assignment, or None to wait for the
    background solve's first one. With no roster found, `values` is empty and `status` is CP-SAT's."""
    background_workers = max(1, settings.workers // 2)
    solver = cpsat_solver(replace(settings, workers=background_workers, time_limit=budget))
    if background_workers == 1:
        solver.parameters.linearization_level = 2
    incumbent = _Incumbent()
    outcome: dict[str, int] = {}
    thread = threading.Thread(
        target=lambda: outcome.setdefault("status", solver.Solve(roster_model.model, incumbent)), daemon=True
    )
    began = time.perf_counter()
    thread.start()
    while values is None and thread.is_alive() and time.perf_counter() - began < budget:
        values = incumbent.take()
        if values is None:
            time.sleep(0.05)
    if values is None:
        thread.join()
        values = incumbent.take()
        if values is None:
            status = outcome.get("status", cp_model.UNKNOWN)
            return PortfolioResult(solver.StatusName(status), [], None, LnsStats())
    work = roster_model.model.Clone()
    step_settings = replace(settings, workers=max(1, settings.workers - background_workers))
    left = budget - (time.perf_counter() - began)
    best, stats = improve(roster_model, work, values, left, step_settings, incumbent, thread)
    solver.StopSearch()
    thread.join()
    final = incumbent.take()
    if final is not None and _objective(work.Proto(), final) < _objective(work.Proto(), best):
        best = final
    status = outcome.get("status", cp_model.UNKNOWN)
    bound = solver.BestObjectiveBound() if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    if status == cp_model.OPTIMAL:
        best = list(solver.ResponseProto().solution)
    proven = status == cp_model.OPTIMAL or (
        bound is not None and _objective(work.Proto(), best) + work.Proto().objective.offset <= bound
    )
    return PortfolioResult("OPTIMAL" if proven else "FEASIBLE", best, bound, stats)


def improve(
    roster_model: RosterModel,
    model: cp_model.CpModel,
    values: list[int],
    budget: float,
    settings: SolveSettings,
    background: _Incumbent | None = None,
    thread: threading.Thread | None = None,
) -> tuple[list[int], LnsStats]:
    """Improve a complete assignment `values` (one per variable of `model`, a copy of the roster
    model's CP-SAT model that this search narrows and restores) within `budget` seconds
    (deterministic seconds when `settings.deterministic`); returns the best values found."""
    rng = random.Random(settings.seed)
    search = _Search(roster_model, model, list(values), rng)
    best = _objective(search.proto, search.values)
    stats = LnsStats(start_objective=best, objective=best)
    hoods = [Neighbourhood("registrars", 0.1), Neighbourhood("window", 0.15), Neighbourhood("block", 0.2)]
    began, spent = time.perf_counter(), 0.0
    while spent < budget and best > 0:
        if thread is not None and not thread.is_alive():
            break  # the background solve finished: proven optimal (or out of time)
        adopted = background.take() if background is not None else None
        if adopted is not None and _objective(search.proto, adopted) < best:
            best, search.values = _objective(search.proto, adopted), adopted
        hood = hoods[stats.steps % len(hoods)]
        step = min(STEP_SECONDS, budget - spent)
        if step < MIN_STEP_SECONDS:
            break
        fixed = search.fix_outside(search.free_keys(hood))
        search.hint()
        solver = cpsat_solver(replace(settings, time_limit=step, log=False))
        status = solver.Solve(model)
        search.release(fixed)
        stats.steps += 1
        hood.calls += 1
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            candidate = list(solver.ResponseProto().solution)
            value = _objective(search.proto, candidate)
            if value <= best:
                if value < best:
                    stats.improvements += 1
                    hood.improved += 1
                best, search.values = value, candidate
        hood.adapt(status == cp_model.OPTIMAL)
        if settings.deterministic:
            spent += solver.ResponseProto().deterministic_time
        else:
            spent = time.perf_counter() - began
    model.ClearHints()
    stats.objective, stats.spent = best, spent
    LOGGER.info(
        "lns: %d steps, %d improvements, %d -> %d; %s",
        stats.steps,
        stats.improvements,
        stats.start_objective,
        stats.objective,
        ", ".join(f"{h.kind} {h.improved}/{h.calls} share {h.share:.2f}" for h in hoods),
    )
    return search.values, stats
