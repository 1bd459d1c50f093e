"""Specialty patterns of one line, for an LP-tight affinity.

A line's affinity is the sum, over every pair of its rotations (every pair of terms), of the scaled
profile weight of the two rotations' specialties; two rotations of the same specialty add nothing.
It depends only on how many terms the line spends in each specialty (its *pattern*), so the model
picks one pattern per line and the affinity is linear in that choice. The LP relaxation of this
choice is the convex hull of each line's (specialty counts, affinity), much tighter than products.

Patterns are filtered with necessary conditions of the rules (they never remove a compliant line),
so they may only be used when every rule group is enforced (not in the diagnosis model).
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations, combinations_with_replacement

import pandas as pd

from affinity.profile import Pair, pair
from roster_pipeline.joblines.data import Plan

Counts = tuple[tuple[str, int], ...]


def pattern_affinity(counts: Mapping[str, int], scaled: Mapping[Pair, int]) -> int:
    """Sum of weights over the rotation pairs of a line with these specialty counts."""
    return sum(scaled.get(pair(a, b), 0) * counts[a] * counts[b] for a, b in combinations(sorted(counts), 2))


def max_terms(weeks: list[int], leave: int, pct: int, clinical: int) -> int:
    """Most terms that can fit under `pct` % of `clinical` weeks (the shortest terms, all leave inside)."""
    ordered = sorted(weeks)
    k = 0
    while k < len(ordered) and 100 * max(0, sum(ordered[: k + 1]) - leave) <= pct * clinical:
        k += 1
    return k


def _subspecialty_terms(plan: Plan, pgy: int) -> dict[str, int]:
    """Upper bound on the terms a line can spend in each specialty (sum over its subspecialties)."""
    rules, rot = plan.rules, plan.catalogue.rotations
    weeks = list(plan.weeks.values())
    clinical = sum(weeks) - rules.leave_weeks
    limit: dict[str, int] = {}
    for (spec, _sub), group in rot.groupby(["specialty", "subspecialty"], sort=True):
        six = pgy == 2 and bool(group.six_month.any())
        pct = rules.six_month_subspecialty_max if six else rules.subspecialty_max
        k = min(max_terms(weeks, rules.leave_weeks, pct, clinical), len(group) + int(six))
        limit[spec] = limit.get(spec, 0) + k
    if pgy == 1:
        k = max_terms(weeks, rules.leave_weeks, rules.pgy1_specialty_max, clinical)
        limit = {s: min(v, k) for s, v in limit.items()}
    return limit


def _covers(specialties: list[str], rot: pd.DataFrame, needed: str) -> bool:
    have = {c for cats in rot.categories[rot.specialty.isin(specialties)] for c in cats.split(";")}
    return set(needed) <= have


def candidate_patterns(plan: Plan, pgy: int) -> list[Counts]:
    """Specialty counts over the terms that pass cheap necessary conditions of the rules."""
    rules, rot = plan.rules, plan.catalogue.rotations
    limit = _subspecialty_terms(plan, pgy)
    needed = rules.pgy1_categories if pgy == 1 else rules.pgy2_categories
    found = []
    for combo in combinations_with_replacement(sorted(limit), len(plan.weeks)):
        counts = {s: combo.count(s) for s in sorted(set(combo))}
        if any(n > limit[s] for s, n in counts.items()):
            continue
        if pgy == 1 and len(counts) < rules.pgy1_min_specialties:
            continue
        if _covers(list(counts), rot, needed):
            found.append(tuple(counts.items()))
    return found
