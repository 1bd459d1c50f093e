"""Job-line quality metrics: affinity, attractiveness balance, diversity (Hamming) and rotations."""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from affinity import AffinityProfile


def gini(values: list[float]) -> float:
    """Gini coefficient of non-negative values (0 = all equal)."""
    xs = sorted(values)
    n = len(xs)
    if n == 0 or sum(xs) == 0:
        return 0.0
    weighted = sum((i + 1) * x for i, x in enumerate(xs))
    return (2 * weighted) / (n * sum(xs)) - (n + 1) / n


def line_affinity(specialties: list[str], profile: AffinityProfile) -> float:
    """Sum of correlations over every pair of the line's rotations (one specialty per term); two
    rotations of the same specialty add nothing."""
    return sum(profile.r(a, b) for a, b in combinations(specialties, 2) if a != b)


def attractiveness(lines: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Per line: its PGY year and mean rotation popularity weighted by term weeks (the cost's line
    score divided by the year's weeks)."""
    pop = catalogue.set_index("rotation_id").popularity
    frame = lines.assign(score=lines.rotation_id.map(pop) * lines.term_weeks)
    grouped = frame.groupby("line_id")
    return pd.DataFrame(
        {"pgy": grouped.pgy.first(), "attractiveness": grouped.score.sum() / grouped.term_weeks.sum()}
    )


def hamming(lines: pd.DataFrame) -> list[int]:
    """Pairwise Hamming distances between lines (terms with a different rotation)."""
    seqs = lines.sort_values("term").groupby("line_id").rotation_id.apply(tuple).tolist()
    return [sum(x != y for x, y in zip(a, b, strict=False)) for a, b in combinations(seqs, 2)]


def metrics(
    lines: pd.DataFrame, catalogue: pd.DataFrame, profile: AffinityProfile, min_hamming: int = 3
) -> dict[str, float]:
    """The metric set reported with every solve; attractiveness spread and Gini are of the worst PGY
    year; `too_similar_pairs` counts line pairs that differ in fewer than `min_hamming` terms."""
    if lines.empty:
        return {}
    ordered = lines.sort_values(["line_id", "term"])
    affinity = ordered.groupby("line_id").specialty.apply(lambda s: line_affinity(list(s), profile))
    by_year = attractiveness(lines, catalogue).groupby("pgy").attractiveness  # lines are matched per year
    dist = hamming(lines)
    return {
        "mean_affinity": round(float(affinity.mean()), 4),
        "attractiveness_spread": round(float((by_year.max() - by_year.min()).max()), 4),
        "attractiveness_gini": round(max(gini(v.tolist()) for _, v in by_year), 4),
        "min_hamming": int(min(dist)) if dist else 0,
        "mean_hamming": round(sum(dist) / len(dist), 4) if dist else 0.0,
        "too_similar_pairs": sum(d < min_hamming for d in dist),
        "rotations_per_line": round(float(lines.groupby("line_id").rotation_id.nunique().mean()), 4),
    }
