"""Structural rules every roster obeys whatever the pack: one shift a day, eligible sites and skills."""

from __future__ import annotations

from roster_pipeline.core.rules import Rule
from roster_pipeline.validator.checks.common import Check, violation
from roster_pipeline.validator.facts import RosterFacts
from roster_pipeline.validator.report import Violation

ONE_SHIFT_PER_DAY = "one-shift-per-day"
ELIGIBILITY = "eligibility"
STRUCTURAL_RULES = (
    Rule(id=ONE_SHIFT_PER_DAY, type=ONE_SHIFT_PER_DAY, hard=True, weight=0, params={}),
    Rule(id=ELIGIBILITY, type=ELIGIBILITY, hard=True, weight=0, params={}),
)


def check_one_shift_per_day(f: RosterFacts, rule: Rule) -> list[Violation]:
    """1 unit per extra shift on a horizon day."""
    out = []
    for rid in sorted(f.shifts):
        for day in f.horizon.days:
            shifts = f.on(rid, day)
            if len(shifts) > 1:
                codes = ", ".join(s.code for s in shifts)
                msg = f"{rid} has {len(shifts)} shifts on {day} ({codes}); at most one is allowed"
                out.append(violation(rule, rid, [day], len(shifts) - 1, msg))
    return out


def check_eligibility(f: RosterFacts, rule: Rule) -> list[Violation]:
    """1 unit per horizon shift at a site not in `sites` or lacking a required skill."""
    out = []
    for rid, reg in sorted(f.registrars.items()):
        for w in f.timeline(rid, horizon_only=True):
            problems = []
            if w.shift.site not in reg.sites:
                problems.append(f"site {w.shift.site} is not one of their sites ({', '.join(reg.sites)})")
            missing = [s for s in w.shift.skills if s not in reg.skills]
            if missing:
                problems.append(f"they lack the required skill {', '.join(missing)}")
            if problems:
                msg = f"{rid} works {w.shift.code} on {w.day} but " + " and ".join(problems)
                out.append(violation(rule, rid, [w.day], 1, msg))
    return out


STRUCTURAL_CHECKS: dict[str, Check] = {
    ONE_SHIFT_PER_DAY: check_one_shift_per_day,
    ELIGIBILITY: check_eligibility,
}
