"""The job-line cost recounted from the final lines, independently of the solver's objective code.

Written from docs/joblines.md ("Objective"): per line, the affinity shortfall is the year's best
single-line affinity minus the sum, over every pair of the line's terms in different specialties, of
the profile's r x 100 (rounded); shared positions count the pairs of lines in the same rotation and
term; the attractiveness spread is, per PGY year, the highest minus the lowest line score (popularity x
term weeks); too-similar pairs differ in fewer than `min_hamming` terms. Each term times its weight.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations
from typing import Any

import pandas as pd

from roster_pipeline.joblines.checker import CheckInputs, catalogue_table


def _scaled(values: Mapping[tuple[str, str], float], a: str, b: str) -> int:
    """r x 100 rounded for two different specialties (0 where the profile is silent)."""
    r = values.get((a, b), values.get((b, a), 0.0))
    return int(round(float(r) * 100))


def line_affinity(specialties: list[str], values: Mapping[tuple[str, str], float]) -> int:
    """The scaled affinity of one line: every pair of its terms in different specialties."""
    return sum(_scaled(values, a, b) for a, b in combinations(specialties, 2) if a != b)


def _table(lines: pd.DataFrame, inputs: CheckInputs) -> pd.DataFrame:
    """One row per line: PGY year (from the cohort), rotations and specialties in term order."""
    rot = catalogue_table(inputs.rotations)
    pgy = dict(zip(inputs.cohort.line_id.astype(str), inputs.cohort.pgy.astype(int), strict=True))
    ordered = lines.assign(line_id=lines.line_id.astype(str), term=lines.term.astype(int))
    ordered = ordered.sort_values(["line_id", "term"])
    popularity = ordered.rotation_id.map(rot.popularity).astype(int)
    ordered = ordered.assign(score=popularity * ordered.term.map(inputs.weeks).astype(int))
    grouped = ordered.groupby("line_id", sort=True).rotation_id.apply(list)
    return pd.DataFrame(
        {
            "pgy": [pgy[lid] for lid in grouped.index],
            "rotations": list(grouped),
            "specialties": [[str(rot.at[r, "specialty"]) for r in rs] for rs in grouped],
            "score": list(ordered.groupby("line_id", sort=True).score.sum()),
        },
        index=grouped.index,
    )


def recount(
    lines: pd.DataFrame,
    inputs: CheckInputs,
    profile_values: Mapping[tuple[str, str], float],
    bests: Mapping[int, int],
    weights: Mapping[str, Any],
) -> dict[str, int]:
    """The weighted cost terms of complete lines (`weights`: the request's weights; `bests`: the
    engine's best single-line affinity per PGY year, taken as given)."""
    table = _table(lines, inputs)
    parts: dict[str, int] = {}
    if weights.get("affinity", 0):
        short = sum(
            bests[int(p)] - line_affinity(s, profile_values)
            for p, s in zip(table.pgy, table.specialties, strict=True)
        )
        parts["affinity_shortfall"] = int(weights["affinity"]) * short
    if weights.get("clumping", 0):
        heads = lines.groupby([lines.term.astype(int), lines.rotation_id.astype(str)]).size()
        parts["shared_positions"] = int(weights["clumping"]) * int(sum(n * (n - 1) // 2 for n in heads))
    if weights.get("attractiveness", 0) and len(table) > 1:
        spread = sum(int(s.max() - s.min()) for _, s in table.groupby("pgy").score)
        parts["attractiveness_spread"] = int(weights["attractiveness"]) * spread
    if weights.get("similar", 0) and len(table) > 1:
        apart = int(weights.get("min_hamming", 3))
        close = sum(
            sum(x != y for x, y in zip(a, b, strict=True)) < apart
            for a, b in combinations(table.rotations, 2)
        )
        parts["too_similar"] = int(weights["similar"]) * close
    return parts


def bests_reachable(
    lines: pd.DataFrame, inputs: CheckInputs, profile_values: Mapping[tuple[str, str], float], bests: Mapping
) -> list[dict]:
    """The engine's best single-line affinity is at least every compliant line's affinity."""
    table = _table(lines, inputs)
    rows = []
    for pgy, group in table.groupby("pgy"):
        top = max(line_affinity(s, profile_values) for s in group.specialties)
        best = bests.get(int(pgy))
        ok = best is not None and best >= top
        rule = f"best affinity PGY{pgy}"
        rows.append(
            {
                "rule": rule,
                "line_id": "",
                "rotation_id": "",
                "term": 0,
                "value": top,
                "limit": f"<= {best}",
                "ok": ok,
            }
        )
    return rows
