"""CP-SAT roster model: decision variables and exact hard/soft posting helpers.

In the style of OR-Tools' shift_scheduling_sat.py: one boolean per registrar, day and shift, and
helpers that post a rule either as a hard constraint or as an exactly-counted soft penalty. Every
soft unit variable equals the violation count defined in docs/engine-spec.md, so the objective can
be recomputed independently by the validator.

Fixed days: a model may be built with only a `window` of horizon days as variables; every other
horizon day is then a constant taken from `fixed` (a current roster), exactly as history days are.
Rules are still posted over the whole horizon, so this is the full model with the days outside the
window pinned, only smaller (minimal-change re-solves, roster_pipeline/explain/window.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Union

from ortools.sat.python import cp_model

from roster_pipeline.core.domain import Department, Horizon, Registrar, ShiftType
from roster_pipeline.core.rules import Rule, RulePack

Lit = Union[cp_model.IntVar, bool]  # noqa: UP007 - a CP-SAT literal or a known constant
ONE_DAY = dt.timedelta(days=1)


@dataclass
class Term:
    """A coefficient times a variable (or a constant) counted towards a rule."""

    coef: int
    var: cp_model.IntVar | int


@dataclass
class RuleLedger:
    """The soft units and penalties a rule contributes, and its hard groups."""

    units: list[Term] = field(default_factory=list)
    penalty: list[Term] = field(default_factory=list)


def negate(lit: Lit) -> Lit:
    """The negation of a literal or a constant."""
    return (not lit) if isinstance(lit, bool) else lit.Not()


def matches(shift: ShiftType, selector: dict) -> bool:
    """Whether a shift satisfies a shift selector (kinds, shifts, min_hours, sites)."""
    if "kinds" in selector and shift.kind not in selector["kinds"]:
        return False
    if "shifts" in selector and shift.code not in selector["shifts"]:
        return False
    if "min_hours" in selector and shift.minutes < 60 * float(selector["min_hours"]):
        return False
    return not ("sites" in selector and shift.site not in selector["sites"])


def horizon_periods(horizon: Horizon, period_weeks: int | None) -> list[list[dt.date]]:
    """The horizon's days cut into periods of `period_weeks` weeks (one period when None): limits
    stated over the horizon (hours, contract, shifts of a type, weekends) hold in each period."""
    days = list(horizon.days)
    size = 7 * period_weeks if period_weeks else len(days)
    return [days[i : i + size] for i in range(0, len(days), size)]


class RosterModel:
    """Variables and posting helpers for one department, rule pack and horizon.

    `window` (default: every horizon day) names the horizon days that get variables; the others
    are constants from `fixed`, (registrar, day) -> shift code, as history days are (see above).
    """

    def __init__(
        self,
        department: Department,
        pack: RulePack,
        horizon: Horizon,
        diagnose: bool = False,
        exact: bool = False,
        *,
        window: Iterable[dt.date] | None = None,
        fixed: Mapping[tuple[str, dt.date], str] | None = None,
        period_weeks: int | None = None,
    ):
        self.department = department
        self.exact = exact
        self.fairness_guide = False  # enforce each count measure's fairness band as a hard bound
        # (deviation, band, largest |deviation|) of every registrar under a banded count measure
        # (nights, weekends, public holidays), in thousandths: the banded search drives these
        # inside their band.
        self.fairness_bands: list[tuple[cp_model.IntVar, int, int]] = []
        self.pack = pack
        self.horizon = horizon
        self.diagnose = diagnose
        self.model = cp_model.CpModel()
        self.registrars: dict[str, Registrar] = department.registrars
        self.shifts: dict[str, ShiftType] = department.shift_types
        self.known_start = department.known_start(horizon.start)
        self.history: dict[tuple[str, dt.date], str] = {
            (str(r.registrar_id), r.date): str(r.shift)
            for r in department.history_before(horizon.start).itertuples(index=False)
        }
        self.approved_leave = department.leave_days("approved")
        self.horizon_days = frozenset(horizon.days)
        self.periods = horizon_periods(horizon, period_weeks)
        self.window = self.horizon_days if window is None else frozenset(window) & self.horizon_days
        self.fixed: Mapping[tuple[str, dt.date], str] = fixed or {}
        self.x: dict[tuple[str, dt.date, str], cp_model.IntVar] = {}
        self.ledgers: dict[str, RuleLedger] = defaultdict(RuleLedger)
        self.groups: dict[tuple, cp_model.IntVar] = {}
        self.group_rules: dict[tuple, Rule] = {}
        self.constant_hard: list[tuple[Rule, tuple, str]] = []
        self._cache: dict[tuple, Lit] = {}
        self._build_variables()

    # ---- variables -------------------------------------------------------------------------
    def eligible(self, registrar: Registrar, shift: ShiftType) -> bool:
        """Site and skill eligibility (the structural `eligibility` rule)."""
        return shift.site in registrar.sites and all(s in registrar.skills for s in shift.skills)

    @cached_property
    def hard_leave(self) -> bool:
        """Whether approved leave is a hard rule (then leave days get no variables)."""
        return any(r.hard for r in self.pack.of_type("approved_leave"))

    def _leave_removes_var(self, registrar_id: str, day: dt.date) -> bool:
        return self.hard_leave and not self.diagnose and day in self.approved_leave.get(registrar_id, set())

    def _forbidden_shifts(self, registrar: Registrar) -> set[str]:
        """Shift codes a hard `max_shifts_of_type` rule with max 0 rules out (no variable needed)."""
        if self.diagnose:
            return set()
        out: set[str] = set()
        for rule in self.pack.of_type("max_shifts_of_type"):
            if rule.hard and int(rule.params["max"]) == 0 and rule.applies(registrar):
                selector = dict(rule.params["selector"])
                out |= {code for code, shift in self.shifts.items() if matches(shift, selector)}
        return out

    def _build_variables(self) -> None:
        for rid, registrar in self.registrars.items():
            forbidden = self._forbidden_shifts(registrar)
            for day in self.horizon.days:
                if day not in self.window or self._leave_removes_var(rid, day):
                    continue
                day_vars = []
                for code, shift in self.shifts.items():
                    if code not in forbidden and self.eligible(registrar, shift):
                        var = self.model.NewBoolVar(f"x[{rid},{day},{code}]")
                        self.x[rid, day, code] = var
                        day_vars.append(var)
                if len(day_vars) > 1:
                    self.model.AddAtMostOne(day_vars)

    def known(self, day: dt.date) -> bool:
        """Whether the work status of `day` is known (history or horizon)."""
        return self.known_start <= day <= self.horizon.end

    def fixed_shift(self, rid: str, day: dt.date) -> str | None:
        """The shift `rid` works on a constant day: `fixed` inside the horizon, history before it."""
        return self.fixed.get((rid, day)) if day in self.horizon_days else self.history.get((rid, day))

    def shift_lit(self, rid: str, day: dt.date, code: str) -> Lit:
        """Literal for registrar `rid` working `code` on `day` (days outside the window are constants)."""
        if day in self.window:
            return self.x.get((rid, day, code), False)
        return self.fixed_shift(rid, day) == code

    def day_shift_lits(self, rid: str, day: dt.date, selector: dict | None = None) -> list[tuple[str, Lit]]:
        """(code, literal) for every shift matching `selector` that `rid` could work on `day`."""
        if day not in self.window:
            code = self.fixed_shift(rid, day)
            if code is None or code not in self.shifts:
                return []
            return [(code, True)] if selector is None or matches(self.shifts[code], selector) else []
        out = []
        for code in self.codes(selector):
            lit = self.shift_lit(rid, day, code)
            if lit is not False:
                out.append((code, lit))
        return out

    def codes(self, selector: dict | None) -> tuple[str, ...]:
        """Shift codes matching `selector` (all codes for None), computed once per selector."""
        key = ("codes", repr(sorted((selector or {}).items())))
        if key not in self._cache:
            self._cache[key] = tuple(
                code for code, shift in self.shifts.items() if selector is None or matches(shift, selector)
            )
        return self._cache[key]

    def works(self, rid: str, day: dt.date, selector: dict | None = None) -> Lit:
        """Literal: `rid` works a shift matching `selector` on `day` (False on unknown days)."""
        if not self.known(day):
            return False
        if day not in self.window:
            return bool(self.day_shift_lits(rid, day, selector))
        key = ("works", rid, day, repr(sorted((selector or {}).items())))
        if key not in self._cache:
            lits = [lit for _, lit in self.day_shift_lits(rid, day, selector)]
            self._cache[key] = self.or_lit(lits)
        return self._cache[key]

    def memo(self, key: tuple, build: Callable[[], Lit]) -> Lit:
        """The literal stored under `key`, built by `build()` on first use (one literal per pattern)."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def or_lit(self, lits: list[Lit]) -> Lit:
        """A literal equal to the OR of literals that are at most one true (one shift a day)."""
        if any(lit is True for lit in lits):
            return True
        lits = [lit for lit in lits if lit is not False]
        if not lits:
            return False
        if len(lits) == 1:
            return lits[0]
        var = self.model.NewBoolVar("")
        self.model.Add(var == sum(lits))
        return var

    def and_lit(self, lits: list[Lit], bound: str = "exact") -> Lit:
        """A literal for the AND of `lits`.

        `bound` relaxes the definition in the direction the objective never exploits:
        "at_least" (the literal may be 1 when the AND is false: a violation, which only costs) or
        "at_most" (it may be 0 when the AND is true: a credit). "exact" defines it both ways.
        """
        if any(lit is False for lit in lits):
            return False
        lits = [lit for lit in lits if lit is not True]
        if not lits:
            return True
        if len(lits) == 1:
            return lits[0]
        var = self.model.NewBoolVar("")
        if bound in ("exact", "at_most"):
            self.model.AddBoolAnd(lits).OnlyEnforceIf(var)
        if bound in ("exact", "at_least"):
            self.model.AddBoolOr([negate(lit) for lit in lits]).OnlyEnforceIf(var.Not())
        return var

    # ---- posting ---------------------------------------------------------------------------
    def group_literal(self, rule: Rule, group: tuple) -> list[cp_model.IntVar]:
        """Enforcement literals for a hard constraint (an assumption literal when diagnosing)."""
        if not self.diagnose:
            return []
        key = (rule.id, *group)
        if key not in self.groups:
            self.groups[key] = self.model.NewBoolVar(f"assume{key}")
            self.group_rules[key] = rule
        return [self.groups[key]]

    def add_soft(self, rule: Rule, var: cp_model.IntVar | int, coef: int, price: int = 1) -> None:
        """Count `coef` x `var` violation units of a soft rule, priced at its weight x `price`."""
        ledger = self.ledgers[rule.id]
        ledger.units.append(Term(coef, var))
        if rule.weight * coef * price:
            ledger.penalty.append(Term(rule.weight * coef * price, var))

    def forbid(self, rule: Rule, lits: list[Lit], group: tuple = (), coef: int = 1, price: int = 1) -> None:
        """A pattern that must not occur: all `lits` true is one violation unit."""
        if any(lit is False for lit in lits):
            return
        live = [lit for lit in lits if lit is not True]
        if rule.hard:
            if not live:
                self.constant_hard.append((rule, group, "always violated by fixed data"))
                if self.diagnose:
                    self.model.AddBoolOr([]).OnlyEnforceIf(self.group_literal(rule, group))
                else:
                    self.model.AddBoolOr([])
                return
            self.model.AddBoolOr([negate(lit) for lit in live]).OnlyEnforceIf(self.group_literal(rule, group))
            return
        bound = "exact" if self.exact else "at_least"
        self.add_soft(rule, self.and_lit(live, bound) if live else 1, coef, price)

    def at_most_one(self, rule: Rule, lits: list[Lit], group: tuple = ()) -> None:
        """Hard: at most one of `lits` is true (constants from history count)."""
        fixed = sum(1 for lit in lits if lit is True)
        live = [lit for lit in lits if not isinstance(lit, bool)]
        if fixed > 1:
            self.forbid(rule, [True, True], group)
        elif fixed == 1:
            for lit in live:
                self.forbid(rule, [lit], group)
        elif len(live) > 1 and self.diagnose:
            self.model.Add(sum(live) <= 1).OnlyEnforceIf(self.group_literal(rule, group))
        elif len(live) > 1:
            self.model.AddAtMostOne(live)

    def limit(
        self,
        rule: Rule,
        expr: cp_model.LinearExprT,
        upper: int,
        span: tuple[int, int],
        group: tuple = (),
        divisor: int = 1,
        coef: int = 1,
    ) -> None:
        """`expr <= upper`; soft: units = max(0, ceil((expr - upper) / divisor)).

        `span` is (min, max) of `expr`, used to bound the auxiliary variables. An `expr` of fixed
        days only (an int) is counted here, without variables.
        """
        if isinstance(expr, int):
            units = max(0, -(-(expr - upper) // divisor))
            if units and rule.hard:
                self.forbid(rule, [True], group)
            elif units:
                self.add_soft(rule, units, coef)
            return
        low, high = span
        if high <= upper:
            return
        if rule.hard:
            self.model.Add(expr <= upper).OnlyEnforceIf(self.group_literal(rule, group))
            return
        top = -(-(high - upper) // divisor)
        excess = self.model.NewIntVar(0, top, "")
        # excess >= ceil((expr - upper) / divisor); exact (equal) when self.exact.
        self.model.Add(divisor * excess >= expr - upper)
        if self.exact:
            quotient = self.model.NewIntVar(min(0, (low - upper) // divisor), top, "")
            self.model.Add(divisor * quotient >= expr - upper)
            self.model.Add(divisor * quotient <= expr - upper + divisor - 1)
            self.model.AddMaxEquality(excess, [0, quotient])
        self.add_soft(rule, excess, coef)

    def at_least(
        self,
        rule: Rule,
        expr: cp_model.LinearExprT,
        lower: int,
        span: tuple[int, int],
        group: tuple = (),
        divisor: int = 1,
        coef: int = 1,
    ) -> None:
        """`expr >= lower`; soft: units = max(0, ceil((lower - expr) / divisor))."""
        self.limit(rule, -expr, -lower, (-span[1], -span[0]), group, divisor, coef)

    def add_constant_penalty(self, rule: Rule, units: int, price: int = 1) -> None:
        """A penalty fixed by the data (e.g. a request for an ineligible shift)."""
        if units:
            self.add_soft(rule, units, 1, price)

    def registrars_for(self, rule: Rule) -> list[str]:
        """Registrar ids a rule applies to."""
        return [rid for rid, reg in self.registrars.items() if rule.applies(reg)]

    def objective_terms(self) -> list[Term]:
        return [t for ledger in self.ledgers.values() for t in ledger.penalty]
