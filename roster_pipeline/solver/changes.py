"""Minimal-change re-solves of a published roster (repair after events; what-if questions).

The model is the full roster model with only the `window` days as variables (every other day a
constant from the current roster, see model.py), every rule of the pack posted over the whole
horizon, and three named objectives solved in priority order, each later stage keeping the earlier
ones at their best:

1. `uncovered`: people short of each cover minimum in the window. A hard `cover_limits` minimum is
   relaxed to this count (its maximum stays hard), so a hole no legal roster can fill is reported
   instead of making the repair infeasible; every other hard rule stays hard.
2. `change_cost`: each (registrar, day) whose shift differs from the current roster costs its
   day's price (the pack's notice-weighted change costs; `ChangeRequest.day_cost`).
3. `penalty`: the soft rules and fairness, as in a plan.

A full re-solve with the same inputs is the same model without stage 2 and without the current
roster as its first hint (`minimise_changes=False`): the unfrozen days re-planned, as re-running the
planner would, so the two can be compared change for change (`hint_current=True` starts it from
the current roster instead, when a re-plan from scratch finds no roster in its time).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from ortools.sat.python import cp_model

from roster_pipeline.core.cpsat import STATUS_NAMES
from roster_pipeline.core.domain import Department, Horizon
from roster_pipeline.core.rules import RulePack
from roster_pipeline.solver.constraints import post_rule
from roster_pipeline.solver.constraints.cover import cover_lits
from roster_pipeline.solver.model import RosterModel

Cell = tuple[str, dt.date]
# One worker, so a deterministic time limit gives the same roster on every run. CP-SAT's default
# search (presolve, its first-solution heuristics) suits these models: on a week's sickness with
# extra night cover in the 45-registrar sample it proves full cover in 0.3-0.7 s, where the LP-guided
# search without presolve that counterfactuals use (explain/whatif.py) stopped at one uncovered
# shift after 4 s.
CHANGE_PARAMETERS: dict[str, Any] = {"num_workers": 1}
STAGE_SHARES = {"uncovered": 0.3, "change_cost": 0.4, "penalty": 0.3}


@dataclass(frozen=True)
class ChangeRequest:
    """What may change: the `window` days, except `pinned` cells (kept as in `current`) and
    `blocked` (registrar, day, shift) cells (never worked); `day_cost` prices a changed cell."""

    current: Mapping[Cell, str]
    window: frozenset[dt.date]
    day_cost: Mapping[dt.date, int]
    pinned: frozenset[Cell] = frozenset()
    blocked: frozenset[tuple[str, dt.date, str]] = frozenset()


@dataclass
class Stage:
    """One objective of the lexicographic solve."""

    name: str
    status: str
    value: int | None
    bound: float | None
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        bound = None if self.bound is None else round(self.bound, 3)
        return {"name": self.name, "status": self.status, "value": self.value, "bound": bound,
                "seconds": round(self.seconds, 3)}  # fmt: skip


@dataclass
class ChangeSolution:
    """The re-solved roster and what each stage achieved."""

    status: str
    assignments: pd.DataFrame
    uncovered: list[tuple[dt.date, str, str | None, int]] = field(default_factory=list)
    change_cost: int | None = None
    stages: list[Stage] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def feasible(self) -> bool:
        return self.status in ("OPTIMAL", "FEASIBLE")


class ChangeModel:
    """The window model with the three objectives as expressions (see the module docstring)."""

    def __init__(self, department: Department, pack: RulePack, horizon: Horizon, request: ChangeRequest):
        self.request = request
        fixed = {cell: code for cell, code in request.current.items() if cell[1] not in request.window}
        self.roster = RosterModel(department, pack, horizon, window=request.window, fixed=fixed)
        self.model = self.roster.model
        self.short: dict[tuple[dt.date, str, str | None], cp_model.IntVar] = {}
        for rule in pack.rules:
            if rule.type == "cover_limits" and rule.hard:
                self._post_relaxed_cover(rule)
            else:
                post_rule(self.roster, rule)
        self._post_cells()
        self.uncovered = sum(self.short.values())
        self.change_cost = sum(cost * changed for cost, changed in self._changes())
        self.penalty = sum(t.coef * t.var for t in self.roster.objective_terms())

    def _post_relaxed_cover(self, rule: Any) -> None:
        m = self.roster
        for demand in m.department.cover_demands(m.horizon):
            if demand.date not in self.request.window:
                continue  # a constant of the current roster: nothing to repair there
            lits = cover_lits(m, demand.date, demand.shift, demand.skill)
            key = (demand.date, demand.shift, demand.skill)
            if demand.min > 0:
                short = self.model.NewIntVar(0, demand.min, f"short{key}")
                self.model.Add(sum(lits) + short >= demand.min)
                self.short[key] = short
            m.limit(rule, sum(lits), demand.max, (0, len(lits)), group=("cover", *key))

    def _post_cells(self) -> None:
        for (rid, day, code), var in self.roster.x.items():
            if (rid, day, code) in self.request.blocked:
                self.model.Add(var == 0)
            elif (rid, day) in self.request.pinned:
                self.model.Add(var == int(self.request.current.get((rid, day)) == code))

    def cell_vars(self) -> dict[Cell, dict[str, cp_model.IntVar]]:
        cells: dict[Cell, dict[str, cp_model.IntVar]] = {}
        for (rid, day, code), var in self.roster.x.items():
            cells.setdefault((rid, day), {})[code] = var
        return cells

    def _changes(self) -> list[tuple[int, Any]]:
        """(price, changed) per window cell: changed is 1 when the cell's shift differs from now."""
        out: list[tuple[int, Any]] = []
        cells = self.cell_vars()
        for rid in self.roster.registrars:
            for day in sorted(self.request.window):
                cost = int(self.request.day_cost.get(day, 1))
                current = self.request.current.get((rid, day))
                options = cells.get((rid, day), {})
                if current is None:
                    changed: Any = sum(options.values()) if options else 0
                else:
                    changed = 1 - options[current] if current in options else 1
                out.append((cost, changed))
        return out

    def hint(self, current: Mapping[Cell, str]) -> None:
        """Hint every roster variable with `current` (blocked cells off)."""
        self.model.ClearHints()
        for (rid, day, code), var in self.roster.x.items():
            keep = current.get((rid, day)) == code and (rid, day, code) not in self.request.blocked
            self.model.AddHint(var, int(keep))

    def roster_from(self, solver: cp_model.CpSolver) -> dict[Cell, str]:
        window = self.request.window
        chosen = {cell: code for cell, code in self.request.current.items() if cell[1] not in window}
        for (rid, day, code), var in self.roster.x.items():
            if solver.BooleanValue(var):
                chosen[rid, day] = code
        return chosen


def _stage(
    cm: ChangeModel, name: str, objective: Any, limit: float, seed: int, deterministic: bool
) -> tuple[Stage, cp_model.CpSolver]:
    cm.model.Minimize(objective)
    solver = cp_model.CpSolver()
    if deterministic:
        solver.parameters.max_deterministic_time = float(limit)
    else:
        solver.parameters.max_time_in_seconds = float(limit)
    solver.parameters.random_seed = int(seed)
    for key, value in CHANGE_PARAMETERS.items():
        setattr(solver.parameters, key, value)
    began = time.perf_counter()
    status = solver.Solve(cm.model)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    value = int(round(solver.ObjectiveValue())) if found else None
    bound = solver.BestObjectiveBound() if found else None
    return Stage(name, STATUS_NAMES[status], value, bound, time.perf_counter() - began), solver


def solve_changes(
    department: Department,
    pack: RulePack,
    horizon: Horizon,
    request: ChangeRequest,
    time_limit: float = 6.0,
    seed: int = 0,
    deterministic: bool = True,
    minimise_changes: bool = True,
    hint_current: bool | None = None,
) -> ChangeSolution:
    """Re-solve the window: fewest uncovered, then (if `minimise_changes`) cheapest changes, then
    the soft penalty; each stage hinted with the best roster so far (the first with the current
    roster unless `hint_current` is False; by default only a minimal-change solve is)."""
    began = time.perf_counter()
    cm = ChangeModel(department, pack, horizon, request)
    roster = dict(request.current)
    stages: list[Stage] = []
    order = [("uncovered", cm.uncovered), ("change_cost", cm.change_cost), ("penalty", cm.penalty)]
    for name, objective in order:
        if name == "change_cost" and not minimise_changes:
            continue
        if name != "uncovered" or (minimise_changes if hint_current is None else hint_current):
            cm.hint(roster)  # a full re-solve re-plans from scratch, as re-running the planner would
        stage, solver = _stage(cm, name, objective, STAGE_SHARES[name] * time_limit, seed, deterministic)
        stages.append(stage)
        if stage.value is None:
            if name == "uncovered":
                return ChangeSolution(stage.status, _frame(roster), stages=stages, seconds=_since(began))
            break  # keep the best roster of the earlier stages
        roster = cm.roster_from(solver)
        short = {key: int(solver.Value(var)) for key, var in cm.short.items()}
        cost = int(solver.Value(cm.change_cost)) if not isinstance(cm.change_cost, int) else cm.change_cost
        if not isinstance(objective, int):
            cm.model.Add(objective <= stage.value)
    status = "OPTIMAL" if all(s.status == "OPTIMAL" for s in stages) else "FEASIBLE"
    uncovered = [(d, s, k, n) for (d, s, k), n in sorted(short.items(), key=lambda i: str(i[0])) if n]
    return ChangeSolution(status, _frame(roster), uncovered, cost, stages, _since(began))


def _since(began: float) -> float:
    return time.perf_counter() - began


def _frame(roster: Mapping[Cell, str]) -> pd.DataFrame:
    rows = sorted((rid, day, code) for (rid, day), code in roster.items())
    return pd.DataFrame(rows, columns=["registrar_id", "date", "shift"])
