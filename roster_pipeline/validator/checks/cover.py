"""Cover rules (not scoped by applies_to: a demand is not about one registrar)."""

from __future__ import annotations

from roster_pipeline.core.rules import Rule
from roster_pipeline.validator.checks.common import Check, violation
from roster_pipeline.validator.department import Demand
from roster_pipeline.validator.facts import RosterFacts
from roster_pipeline.validator.report import Violation


def _cover_words(f: RosterFacts, demand: Demand) -> tuple[int, str]:
    n = f.headcount(demand.date, demand.shift, demand.skill)
    who = f"{demand.skill} registrar" if demand.skill else "registrar"
    return n, f"{demand.shift} on {demand.date} has {n} {who}{'' if n == 1 else 's'}"


def check_cover_limits(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per demand: max(0, min - n) + max(0, n - max)."""
    out = []
    for demand in f.demands:
        n, words = _cover_words(f, demand)
        if n < demand.min:
            out.append(
                violation(rule, None, [demand.date], demand.min - n, f"{words}; the minimum is {demand.min}")
            )
        if n > demand.max:
            out.append(
                violation(rule, None, [demand.date], n - demand.max, f"{words}; the maximum is {demand.max}")
            )
    return out


def check_cover_target(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per demand: under_weight * shortfall + over_weight * excess (units already weighted)."""
    under, over = int(rule.params["under_weight"]), int(rule.params["over_weight"])
    out = []
    for demand in f.demands:
        n, words = _cover_words(f, demand)
        units = under * max(0, demand.target - n) + over * max(0, n - demand.target)
        if units:
            out.append(violation(rule, None, [demand.date], units, f"{words}; the target is {demand.target}"))
    return out


CHECKS: dict[str, Check] = {
    "cover_limits": check_cover_limits,
    "cover_target": check_cover_target,
}
