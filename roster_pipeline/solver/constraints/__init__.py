"""Posting of each generic rule type onto a RosterModel (semantics: docs/engine-spec.md §4).

One module per rule group, each with a `POSTERS` table of exactly its rule types; `POSTERS` here
merges them. A new rule type is one poster in its group module and one entry in that group's table.
"""

from __future__ import annotations

from roster_pipeline.core.rules import Rule
from roster_pipeline.solver.constraints import counts, cover, fairness, hours, leave, preferences, rest, runs
from roster_pipeline.solver.constraints.common import DAY_MINUTES, Poster, exact
from roster_pipeline.solver.constraints.counts import horizon_weekends, weekend_lit
from roster_pipeline.solver.constraints.fairness import fairness_count
from roster_pipeline.solver.constraints.leave import training_windows
from roster_pipeline.solver.model import RosterModel

__all__ = [
    "DAY_MINUTES",
    "POSTERS",
    "Poster",
    "exact",
    "fairness_count",
    "horizon_weekends",
    "post_rule",
    "training_windows",
    "weekend_lit",
]

POSTERS: dict[str, Poster] = {
    **hours.POSTERS,
    **rest.POSTERS,
    **runs.POSTERS,
    **counts.POSTERS,
    **cover.POSTERS,
    **leave.POSTERS,
    **preferences.POSTERS,
    **fairness.POSTERS,
}


def post_rule(m: RosterModel, rule: Rule) -> None:
    """Post one rule instance onto the model."""
    POSTERS[rule.type](m, rule)
