"""The job-line objective as a non-negative cost, built on the rule model's y[line, term, rotation].

cost = affinity x (sum over lines of the affinity shortfall from the best single compliant line)
     + clumping x (pairs of lines sharing a (term, rotation) position)
     + attractiveness x (per PGY year, max minus min line popularity)
     + similar x (pairs of lines closer than `min_hamming`)

Every term is >= 0 and 0 is the ideal, so the relative gap (cost - bound) / cost is meaningful.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from ortools.sat.python import cp_model

from roster_pipeline.joblines.patterns import Counts, pattern_affinity

Y = Mapping[tuple[int, int, str], cp_model.IntVar]


@dataclass(frozen=True)
class ObjectiveWeights:
    """Weights of the cost terms (integers); `min_hamming` is the "too similar" threshold."""

    affinity: int = 1
    clumping: int = 1
    attractiveness: int = 1
    similar: int = 0
    min_hamming: int = 3


def affinity_shortfall(
    m: cp_model.CpModel,
    y: Y,
    line: int,
    terms: Sequence[int],
    specialties: Mapping[str, list[str]],
    patterns: Sequence[tuple[Counts, int]],
    best: int,
) -> tuple[cp_model.LinearExpr, list[cp_model.IntVar]]:
    """best - affinity of the line, via exactly one specialty pattern linked to the y counts; and the
    pattern choice literals."""
    u = [m.NewBoolVar("") for _ in patterns]
    m.AddExactlyOne(u)
    for s, group in specialties.items():
        used = sum(y[line, t, r] for t in terms for r in group)
        m.Add(used == sum(dict(c).get(s, 0) * v for (c, _), v in zip(patterns, u, strict=True)))
    return sum((best - a) * v for (_, a), v in zip(patterns, u, strict=True)), u


def shared_positions(m: cp_model.CpModel, count: cp_model.LinearExpr, top: int) -> cp_model.IntVar:
    """C(count, 2) exactly (an element table), plus its tangents at the integers as LP cuts."""
    n = m.NewIntVar(0, top, "")
    m.Add(n == count)
    c = m.NewIntVar(0, top * (top - 1) // 2, "")
    m.AddElement(n, [k * (k - 1) // 2 for k in range(top + 1)], c)
    for k in range(1, top):
        m.Add(c >= k * n - k * (k + 1) // 2)
    return c


def spread(m: cp_model.CpModel, scores: Sequence[cp_model.LinearExpr], high: int) -> cp_model.LinearExpr:
    """max - min of the scores, exactly."""
    values = []
    for s in scores:
        v = m.NewIntVar(0, high, "")
        m.Add(v == s)
        values.append(v)
    hi, lo = m.NewIntVar(0, high, ""), m.NewIntVar(0, high, "")
    m.AddMaxEquality(hi, values)
    m.AddMinEquality(lo, values)
    return hi - lo


def too_similar_pairs(
    m: cp_model.CpModel,
    y: Y,
    lines: Sequence[int],
    terms: Sequence[int],
    rids: Sequence[str],
    min_hamming: int,
) -> cp_model.LinearExpr:
    """Number of line pairs that differ in fewer than `min_hamming` terms, exactly (reified both ways)."""
    index = {r: i for i, r in enumerate(rids)}
    rot = {
        (li, t): sum(index[r] * y[li, t, r] for r in rids) for li in lines for t in terms
    }  # rotation index per line and term
    shared_max = len(terms) - min_hamming  # sharing more positions than this is too similar
    flags = []
    for a, b in combinations(lines, 2):
        same = []
        for t in terms:
            e = m.NewBoolVar("")
            m.Add(rot[a, t] != rot[b, t]).OnlyEnforceIf(e.Not())
            m.Add(rot[a, t] == rot[b, t]).OnlyEnforceIf(e)
            same.append(e)
        f = m.NewBoolVar("")
        m.Add(sum(same) >= shared_max + 1).OnlyEnforceIf(f)
        m.Add(sum(same) <= shared_max).OnlyEnforceIf(f.Not())
        flags.append(f)
    return sum(flags)


def evaluate(
    rotations: Sequence[Sequence[str]],
    pgys: Sequence[int],
    weeks: Sequence[int],
    rotation_info: Mapping[str, tuple[str, int]],
    scaled: Mapping[tuple[str, str], int],
    bests: Mapping[int, int],
    weights: ObjectiveWeights,
) -> dict[str, int]:
    """The cost terms of given lines, computed directly (rotation ids per line and term;
    `rotation_info`: rotation -> (specialty, popularity)). Equals the model's terms at a solution."""
    parts: dict[str, int] = {}
    if weights.affinity:
        short = 0
        for line, pgy in zip(rotations, pgys, strict=True):
            specs = [rotation_info[r][0] for r in line]
            short += bests[pgy] - pattern_affinity({s: specs.count(s) for s in set(specs)}, scaled)
        parts["affinity_shortfall"] = weights.affinity * short
    if weights.clumping:
        heads: dict[tuple[int, str], int] = {}
        for line in rotations:
            for t, r in enumerate(line):
                heads[t, r] = heads.get((t, r), 0) + 1
        parts["shared_positions"] = weights.clumping * sum(n * (n - 1) // 2 for n in heads.values())
    if weights.attractiveness:
        total = 0
        for pgy in sorted(set(pgys)):
            scores = [
                sum(rotation_info[r][1] * w for r, w in zip(line, weeks, strict=True))
                for line, p in zip(rotations, pgys, strict=True)
                if p == pgy
            ]
            if len(scores) > 1:
                total += max(scores) - min(scores)
        if len(pgys) > 1:
            parts["attractiveness_spread"] = weights.attractiveness * total
    if weights.similar and len(pgys) > 1:
        close = sum(
            sum(x != y for x, y in zip(a, b, strict=True)) < weights.min_hamming
            for a, b in combinations(rotations, 2)
        )
        parts["too_similar"] = weights.similar * close
    return parts
