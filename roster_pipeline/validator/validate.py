"""Recount every rule of a pack on a roster: the validator's one entry point."""

from __future__ import annotations

import pandas as pd

from roster_pipeline.core.domain import Department, Horizon
from roster_pipeline.core.rules import RulePack
from roster_pipeline.validator.checks import CHECKS, STRUCTURAL_CHECKS, STRUCTURAL_RULES, Check
from roster_pipeline.validator.checks.fairness import fairness_result
from roster_pipeline.validator.facts import RosterFacts
from roster_pipeline.validator.report import ValidationReport, Violation

ALL_CHECKS: dict[str, Check] = {**STRUCTURAL_CHECKS, **CHECKS}


def validate_roster(
    department: Department, pack: RulePack, horizon: Horizon, roster: pd.DataFrame
) -> ValidationReport:
    """Recount every rule of `pack` (plus the structural rules) on `roster` over `horizon`."""
    facts = RosterFacts(department, horizon, roster)
    unknown = sorted({r.type for r in pack.rules} - set(ALL_CHECKS))
    if unknown:
        raise ValueError(f"validator has no check for rule type(s) {unknown}")
    violations: list[Violation] = []
    rule_types: dict[str, tuple[str, bool]] = {}
    for rule in (*STRUCTURAL_RULES, *pack.rules):
        rule_types[rule.id] = (rule.type, rule.hard)
        violations.extend(ALL_CHECKS[rule.type](facts, rule))
    # Interpretation: request satisfaction counts every preference row of the department, whatever
    # the `requests` rules' applies_to says.
    outcomes = [honoured for _, _, honoured in facts.request_outcomes()]
    return ValidationReport(
        violations=violations,
        rule_types=rule_types,
        requests_total=len(outcomes),
        requests_honoured=sum(outcomes),
        fairness={r.id: fairness_result(facts, r) for r in pack.rules if r.type == "fairness"},
    )
