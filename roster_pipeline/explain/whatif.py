"""What-if: apply a change (cover, leave, or a rule parameter) to a COPY of the inputs, re-solve,
and report the diff: who moves, and the penalties before and after. Nothing is published."""

from __future__ import annotations

import copy
import datetime as dt
import time
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from ortools.sat.python import cp_model

from roster_pipeline.core.department_edit import add_leave, copy_department, set_cover
from roster_pipeline.core.domain import Department
from roster_pipeline.core.rules import RULE_TYPES, Rule, RulePack, param_problems
from roster_pipeline.explain.facts import RosterContext, normalise_assignments
from roster_pipeline.explain.window import build_window_model
from roster_pipeline.solver import SolveSettings, solve
from roster_pipeline.validator import validate_roster

CHANGE_KINDS = ("cover", "leave", "rule")


class WhatIfError(ValueError):
    """A change that cannot be applied (unknown shift, registrar, rule or parameter)."""


@dataclass
class Change:
    """One change. cover: date, shift, people (min and target), optional skill.
    leave: registrar_id, start, end (approved). rule: rule_id, param, value (or enabled=False)."""

    kind: str
    date: dt.date | None = None
    shift: str | None = None
    people: int | None = None
    registrar_id: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    rule_id: str | None = None
    param: str | None = None
    value: Any = None
    enabled: bool = True

    def describe(self) -> str:
        if self.kind == "cover":
            return f"cover {self.shift} on {self.date} needs {self.people}"
        if self.kind == "leave":
            return f"{self.registrar_id} on approved leave {self.start} to {self.end}"
        if not self.enabled:
            return f"rule {self.rule_id} switched off"
        return f"rule {self.rule_id}: {self.param} = {self.value}"


@dataclass
class ResolveOutcome:
    """A re-solve compared with the current roster."""

    status: str
    changes: list[str]
    moves: list[dict[str, Any]] = field(default_factory=list)
    penalties_before: dict[str, int] = field(default_factory=dict)
    penalties_after: dict[str, int] = field(default_factory=dict)
    hard_before: int = 0
    hard_after: int | None = None
    diagnosis: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total_before(self) -> int:
        return sum(self.penalties_before.values())

    @property
    def total_after(self) -> int | None:
        return sum(self.penalties_after.values()) if self.penalties_after else None

    def penalty_changes(self) -> dict[str, int]:
        """Rule -> after minus before, for rules whose penalty changed."""
        keys = set(self.penalties_before) | set(self.penalties_after)
        delta = {k: self.penalties_after.get(k, 0) - self.penalties_before.get(k, 0) for k in keys}
        return {k: v for k, v in sorted(delta.items()) if v}

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "changes": self.changes,
            "seconds": round(self.seconds, 2),
            "hard_violations_before": self.hard_before,
            "hard_violations_after": self.hard_after,
            "total_penalty_before": self.total_before,
            "total_penalty_after": self.total_after,
            "penalty_changes": self.penalty_changes(),
            "moves": self.moves[:60],
            "moves_total": len(self.moves),
            "diagnosis": self.diagnosis,
        }


def apply_change(department: Department, pack: RulePack, change: Change) -> tuple[Department, RulePack]:
    """A changed copy of the department and pack (the originals are untouched)."""
    dept = copy_department(department)
    if change.kind == "cover":
        return _with_cover(dept, change), pack
    if change.kind == "leave":
        return _with_leave(dept, change), pack
    if change.kind == "rule":
        return dept, _with_rule(pack, change)
    raise WhatIfError(f"unknown change kind {change.kind!r}; one of {CHANGE_KINDS}")


def _with_cover(dept: Department, change: Change) -> Department:
    shift = dept.shift_types.get(str(change.shift))
    if shift is None:
        raise WhatIfError(f"unknown shift {change.shift!r}")
    if change.date is None or change.people is None or not 0 <= int(change.people) <= 50:
        raise WhatIfError("a cover change needs a date and a number of people (0..50)")
    people = int(change.people)
    top = max(people, _current_max(dept.table("cover"), shift.code))
    set_cover(dept, change.date, shift.code, shift.site, people, top)
    return dept


def _current_max(cover: pd.DataFrame, code: str) -> int:
    rows = cover[(cover["shift"].astype(str) == code) & cover["skill"].isna()]
    return int(rows["max"].max()) if not rows.empty else 0


def _with_leave(dept: Department, change: Change) -> Department:
    if change.registrar_id not in dept.registrars:
        raise WhatIfError(f"unknown registrar {change.registrar_id!r}")
    if change.start is None:
        raise WhatIfError("a leave change needs a start date")
    end = change.end or change.start
    add_leave(
        dept,
        [{"registrar_id": change.registrar_id, "start": change.start.isoformat(), "end": end.isoformat(),
          "type": "other", "status": "approved", "weight": None, "reason": "what-if"}],
    )  # fmt: skip
    return dept


def _with_rule(pack: RulePack, change: Change) -> RulePack:
    match = [r for r in pack.rules if r.id == change.rule_id]
    if not match:
        raise WhatIfError(f"unknown rule {change.rule_id!r}; rules: {', '.join(r.id for r in pack.rules)}")
    rule = match[0]
    if not change.enabled:
        return replace(pack, rules=tuple(r for r in pack.rules if r.id != rule.id))
    if change.param == "weight":
        new: Rule = replace(rule, weight=int(change.value))
    elif change.param in rule.params and isinstance(rule.params[change.param], int | float):
        params = copy.deepcopy(rule.params)
        params[change.param] = type(rule.params[change.param])(change.value)
        problems = param_problems(RULE_TYPES[rule.type].schema, params)
        if (
            problems
        ):  # the pack's own parameter schema: the what-if may not ask for a rule that makes no sense
            raise WhatIfError(f"rule {rule.id}: {'; '.join(problems)}")
        new = replace(rule, params=params)
    else:
        numeric = [k for k, v in rule.params.items() if isinstance(v, int | float)]
        raise WhatIfError(f"rule {rule.id} has no numeric param {change.param!r}; numeric: {numeric}")
    return replace(pack, rules=tuple(new if r.id == rule.id else r for r in pack.rules))


def resolve(
    ctx: RosterContext, department: Department, pack: RulePack, changes: list[str], time_limit: float
) -> ResolveOutcome:
    """Re-solve the changed copy and compare with the current roster (penalties from the validator
    on both sides, so before and after are counted the same way)."""
    settings = SolveSettings(
        time_limit=time_limit, workers=ctx.workers, seed=ctx.seed, deterministic=ctx.deterministic
    )
    result = solve(department, pack, ctx.horizon, settings)
    outcome = ResolveOutcome(
        status=result.status,
        changes=changes,
        penalties_before=dict(ctx.report.penalty_by_rule),
        hard_before=ctx.report.hard_violations,
        seconds=result.seconds,
    )
    if not result.feasible:
        outcome.diagnosis = list(result.diagnosis)
        return outcome
    after = normalise_assignments(result.assignments)
    report = validate_roster(department, pack, ctx.horizon, after)
    outcome.penalties_after = dict(report.penalty_by_rule)
    outcome.hard_after = report.hard_violations
    outcome.moves = diff(ctx.assignments, after)
    return outcome


LOCAL_WINDOW_DAYS = 2  # days either side of a change that a local re-solve may alter
LOCAL_TIME_LIMIT = 5.0
MOVE_COST = 1000  # per changed registrar-day inside the window
# CP-SAT parameters for the window model, already small once the fixed days are constants: one
# deterministic worker, the full LP relaxation (a tight bound on the move count) guiding the search,
# no presolve and no probing. On counterfactuals of the 45-registrar sample this proves optimality
# in 0.15-0.7 s, against 1-5 s (often only FEASIBLE at the 5 s limit) for the default portfolio.
LOCAL_PARAMETERS: dict[str, Any] = {
    "num_workers": 1,
    "linearization_level": 2,
    "search_branching": cp_model.LP_SEARCH,
    "cp_model_presolve": False,
    "cp_model_probing_level": 0,
}


def local_resolve(
    ctx: RosterContext,
    department: Department,
    pack: RulePack,
    changes: list[str],
    days: set[dt.date],
    time_limit: float = LOCAL_TIME_LIMIT,
) -> ResolveOutcome | None:
    """Minimal-change re-solve: every assignment more than LOCAL_WINDOW_DAYS from `days` is kept
    (a constant of the model, see window.py), the rest is re-optimised from the current roster as a
    hint, under every rule over the whole horizon. None when no roster exists inside that window
    (the caller then re-solves the whole horizon, which also diagnoses infeasibility)."""
    began = time.perf_counter()
    window = local_window(days)
    current = {(r, d): s for r, d, s in ctx.assignments.itertuples(index=False)}
    fixed = {key: shift for key, shift in current.items() if key[1] not in window}
    roster_model = build_window_model(department, pack, ctx.horizon, fixed, window)
    model = roster_model.model
    moved = []
    for key, var in roster_model.x.items():
        value = int(current.get(key[:2]) == key[2])
        model.AddHint(var, value)
        moved.append(1 - var if value else var)
    # Minimal change first: each moved assignment costs more than any penalty it could save, so the
    # re-solve repairs the change instead of re-optimising unrelated parts of the roster.
    penalty = sum(t.coef * t.var for t in roster_model.objective_terms())
    model.Minimize(MOVE_COST * sum(moved) + penalty)
    solver = cp_model.CpSolver()
    if ctx.deterministic:
        solver.parameters.max_deterministic_time = float(time_limit)
    else:
        solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.random_seed = ctx.seed
    for name, value in LOCAL_PARAMETERS.items():
        setattr(solver.parameters, name, value)
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = [(r, d, s) for (r, d), s in fixed.items()]
    chosen += [k for k, v in roster_model.x.items() if solver.BooleanValue(v)]
    after = normalise_assignments(pd.DataFrame(chosen, columns=["registrar_id", "date", "shift"]))
    report = validate_roster(department, pack, ctx.horizon, after)
    return ResolveOutcome(
        status=("OPTIMAL" if status == cp_model.OPTIMAL else "FEASIBLE") + " (local)",
        changes=changes,
        moves=diff(ctx.assignments, after),
        penalties_before=dict(ctx.report.penalty_by_rule),
        penalties_after=dict(report.penalty_by_rule),
        hard_before=ctx.report.hard_violations,
        hard_after=report.hard_violations,
        seconds=time.perf_counter() - began,
    )


def local_window(days: set[dt.date]) -> set[dt.date]:
    """The days a local re-solve may change: within LOCAL_WINDOW_DAYS of a changed day."""
    return {d + dt.timedelta(days=k) for d in days for k in range(-LOCAL_WINDOW_DAYS, LOCAL_WINDOW_DAYS + 1)}


def diff(before: pd.DataFrame, after: pd.DataFrame) -> list[dict[str, Any]]:
    """Per registrar and day where the shift changed: before and after (None = off)."""
    old = {(r, d): s for r, d, s in before.itertuples(index=False)}
    new = {(r, d): s for r, d, s in after.itertuples(index=False)}
    return [
        {"registrar_id": r, "date": d.isoformat(), "before": old.get((r, d)), "after": new.get((r, d))}
        for r, d in sorted(set(old) | set(new), key=lambda k: (k[1], k[0]))
        if old.get((r, d)) != new.get((r, d))
    ]


def what_if(ctx: RosterContext, changes: list[Change], time_limit: float | None = None) -> ResolveOutcome:
    """Apply `changes` to copies of the department and pack and re-solve: locally around the
    changed days when every change is dated (cover, leave), else (or if no local roster exists)
    over the whole horizon. Returns the diff against the current roster."""
    dept, pack = ctx.department, ctx.pack
    for change in changes:
        dept, pack = apply_change(dept, pack, change)
    described = [c.describe() for c in changes]
    days = changed_days(changes)
    if days is not None:
        local = local_resolve(
            ctx, dept, pack, described, days, time_limit=min(LOCAL_TIME_LIMIT, time_limit or 99)
        )
        if local is not None:
            return local
    return resolve(ctx, dept, pack, described, time_limit or ctx.solve_seconds)


def changed_days(changes: list[Change]) -> set[dt.date] | None:
    """The dates the changes touch, or None when one is undated (a rule change)."""
    days: set[dt.date] = set()
    for change in changes:
        if change.kind == "cover" and change.date is not None:
            days.add(change.date)
        elif change.kind == "leave" and change.start is not None:
            last = change.end or change.start
            days |= {change.start + dt.timedelta(days=i) for i in range((last - change.start).days + 1)}
        else:
            return None
    return days
