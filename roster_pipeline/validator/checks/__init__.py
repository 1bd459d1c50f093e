"""The validator's checks: one module per rule group, merged into one explicit table per kind.

`CHECKS` holds exactly the rule types of `roster_pipeline.core.rules.RULE_TYPES`; the solver's
`POSTERS` mirrors it group for group. `STRUCTURAL_CHECKS` are the rules every roster obeys whatever
the pack (they are not rule types of a pack).
"""

from __future__ import annotations

from collections.abc import Mapping

from roster_pipeline.validator.checks import counts, cover, fairness, hours, leave, preferences, rest, runs
from roster_pipeline.validator.checks.common import Check
from roster_pipeline.validator.checks.structural import (
    ELIGIBILITY,
    ONE_SHIFT_PER_DAY,
    STRUCTURAL_CHECKS,
    STRUCTURAL_RULES,
)


def _merged(*tables: Mapping[str, Check]) -> dict[str, Check]:
    """The union of the group tables; a rule type claimed by two groups is an error."""
    out: dict[str, Check] = {}
    for group in tables:
        twice = sorted(set(out) & set(group))
        if twice:
            raise ValueError(f"rule type(s) checked by two groups: {twice}")
        out.update(group)
    return out


CHECKS: dict[str, Check] = _merged(
    hours.CHECKS,
    rest.CHECKS,
    runs.CHECKS,
    counts.CHECKS,
    cover.CHECKS,
    leave.CHECKS,
    preferences.CHECKS,
    fairness.CHECKS,
)

__all__ = ["CHECKS", "ELIGIBILITY", "ONE_SHIFT_PER_DAY", "STRUCTURAL_CHECKS", "STRUCTURAL_RULES", "Check"]
