"""The checker's recount of the job-line cost on hand-made lines, every term worked out by hand."""

from __future__ import annotations

import pandas as pd
from test_checker_break_one import COHORT, VALID, WEEKS, catalogue, lines_table

from roster_pipeline.joblines.checker import CheckInputs
from roster_pipeline.joblines.checker_objective import bests_reachable, line_affinity, recount
from roster_pipeline.joblines.data import JoblineRules

PROFILE = {("medicine", "surgery"): 0.5, ("emergency", "medicine"): -0.2}  # r; silent pairs are 0
WEIGHTS = {"affinity": 1, "clumping": 1, "attractiveness": 1, "similar": 5, "min_hamming": 3}
BESTS = {1: 100, 2: 0}


def test_line_affinity_counts_every_pair_of_terms_in_different_specialties() -> None:
    line = ["medicine", "surgery", "emergency", "mental health", "medicine"]
    assert line_affinity(line, PROFILE) == 2 * 50 + 2 * -20  # (T1,T2) (T2,T5); (T1,T3) (T3,T5)
    assert line_affinity(["medicine", "medicine"], PROFILE) == 0


def test_recount_of_three_lines_by_hand() -> None:
    given = CheckInputs(COHORT, WEEKS, catalogue(), JoblineRules())
    parts = recount(lines_table(VALID), given, PROFILE, BESTS, WEIGHTS)
    # affinity: A 60, B 30 (surgery-medicine 50, medicine-emergency -20), C -20 (medicine-emergency)
    # scores: A 55*10+48*10+78*10+40*10+62*12 = 2954, B 48*10+65*10+40*10+78*10+74*12 = 3198
    expected = {
        "affinity_shortfall": (100 - 60) + (100 - 30) + (0 + 20),
        "shared_positions": 0,
        "attractiveness_spread": 3198 - 2954,
        "too_similar": 0,
    }
    assert parts == expected


def test_a_copied_line_shares_positions_and_is_too_similar() -> None:
    cohort = pd.concat(
        [COHORT, pd.DataFrame({"line_id": ["D"], "pgy": [1], "fte": [1.0]})], ignore_index=True
    )
    given = CheckInputs(cohort, WEEKS, catalogue(), JoblineRules())
    lines = lines_table(VALID)
    lines = pd.concat([lines, lines[lines.line_id == "B"].assign(line_id="D")], ignore_index=True)
    parts = recount(lines, given, PROFILE, BESTS, WEIGHTS)
    assert parts == {
        "affinity_shortfall": 130 + 70,
        "shared_positions": 5,  # B and D meet in each of the 5 terms
        "attractiveness_spread": 244,
        "too_similar": 5 * 1,  # B and D differ in 0 < 3 terms
    }


def test_a_best_below_a_line_is_reported() -> None:
    given = CheckInputs(COHORT, WEEKS, catalogue(), JoblineRules())
    rows = bests_reachable(lines_table(VALID), given, PROFILE, {1: 50, 2: 0})
    assert [(r["rule"], r["value"], r["ok"]) for r in rows] == [
        ("best affinity PGY1", 60, False),
        ("best affinity PGY2", -20, True),
    ]
