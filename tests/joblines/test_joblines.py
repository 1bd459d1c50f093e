"""Job lines: contracts, a small solve checked by the independent checker, diagnosis and fallback."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model
from pandera.errors import SchemaError

from affinity import default_profile, scale_weights
from roster_pipeline.joblines import solve
from roster_pipeline.joblines.checker import CheckInputs, check, violations
from roster_pipeline.joblines.checker_objective import recount
from roster_pipeline.joblines.cli import register_cli
from roster_pipeline.joblines.data import Plan, sample_catalogue, sample_cohort, template
from roster_pipeline.joblines.lines import snapshot_frame
from roster_pipeline.joblines.metrics import gini, hamming, line_affinity, metrics
from roster_pipeline.joblines.model import best_line_affinities, scored_patterns
from roster_pipeline.joblines.objective import ObjectiveWeights, evaluate
from roster_pipeline.joblines.patterns import candidate_patterns, max_terms, pattern_affinity
from roster_pipeline.joblines.relaxation import lower_bound
from roster_pipeline.joblines.request import run, summary
from roster_pipeline.joblines.rules import (
    LEAVE_POSTERS,
    LINE_POSTERS,
    POSTERS,
    RULE_GROUPS,
    TEMPLATE_POSTERS,
    TERM_POSTERS,
)
from roster_pipeline.joblines.solve import JoblineSettings, solve_joblines

FAST = JoblineSettings(time_limit=8, workers=1, seed=0, deterministic=True)


def small_catalogue() -> pd.DataFrame:
    """The sample catalogue without minimum staffing, so a handful of lines is feasible."""
    return sample_catalogue().assign(min_staffing=0)


def _checked(plan: Plan, result) -> pd.DataFrame:
    return check(result.lines, CheckInputs.from_plan(plan))


def test_sample_catalogue_passes_contract() -> None:
    frame = sample_catalogue()
    assert 38 <= len(frame) <= 42
    plan = Plan.build(sample_cohort(2, 1), template("4-term"), frame)
    assert plan.weeks == {1: 13, 2: 13, 3: 13, 4: 13}


def test_contract_rejects_three_categories() -> None:
    frame = sample_catalogue()
    frame.loc[0, "categories"] = "A;B;C"
    with pytest.raises(SchemaError):
        Plan.build(sample_cohort(1, 0), template("5-term"), frame)


def test_small_solve_is_compliant() -> None:
    plan = Plan.build(sample_cohort(6, 3), template("5-term"), small_catalogue())
    result = solve_joblines(plan, settings=FAST)
    assert result.feasible
    assert result.lines.line_id.nunique() == 9
    assert violations(_checked(plan, result)).empty


def test_checker_flags_a_bad_line() -> None:
    plan = Plan.build(sample_cohort(1, 0), template("5-term"), small_catalogue())
    lines = pd.DataFrame(
        {
            "line_id": "P1-001",
            "pgy": 1,
            "fte": 1.0,
            "term": [1, 2, 3, 4, 5],
            "term_weeks": [10, 10, 10, 10, 12],
            "rotation_id": ["MED-CARD", "MED-CARD", "MED-GAST", "NIGHTS", "RELIEF-MED"],
            "specialty": "medicine",
            "subspecialty": ["cardiology", "cardiology", "gastroenterology", "after hours", "medical relief"],
            "leave_weeks": [0, 0, 0, 0, 5],
            "clinical_weeks": [10, 10, 10, 10, 7],
        }
    )
    found = violations(check(lines, CheckInputs.from_plan(plan)))
    bad = set(found.rule) - {"capacity"}  # MED-CARD holds 4: one line is within it
    assert bad == {
        "AMC4 specialty medicine",
        "AMC5 subspecialty cardiology",
        "AMC6 service terms",
        "AMC8 categories",
        "AMC3 specialties",
        "relief or nights terms",
        "no repeat (6-month PGY2 only)",
    }


def test_infeasible_is_diagnosed_in_words() -> None:
    frame = small_catalogue()
    frame = frame[~frame.categories.str.contains("D")]
    plan = Plan.build(sample_cohort(2, 0), template("5-term"), frame)
    result = solve_joblines(
        plan, settings=JoblineSettings(time_limit=10, workers=1, fallback=False, deterministic=True)
    )
    assert result.status == "INFEASIBLE"
    assert "clinical experiences" in result.diagnosis[0]


def test_no_lines_after_the_first_lines_is_a_status_not_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the full model gives no lines in the time left, the result says so (was a RuntimeError)."""
    unknown = (None, None, cp_model.UNKNOWN, SimpleNamespace(points=[]), 0.0)
    monkeypatch.setattr(solve, "_optimise", lambda *args: unknown)
    plan = Plan.build(sample_cohort(2, 1), template("5-term"), small_catalogue())
    result = solve_joblines(plan, settings=FAST)
    assert result.status == "UNKNOWN" and not result.feasible
    assert result.lines.empty and result.objective is None and result.first_feasible_seconds is not None
    assert "raise the time limit" in result.diagnosis[0]


def test_every_rule_group_has_one_poster() -> None:
    scopes = (TEMPLATE_POSTERS, LEAVE_POSTERS, LINE_POSTERS, TERM_POSTERS)
    assert list(POSTERS) == [g for scope in scopes for g in scope]
    assert sorted(POSTERS) == sorted(RULE_GROUPS)
    assert all(post.__name__ == f"post_{group}" for group, post in POSTERS.items())


def test_fallback_drops_excludable_minimum_staffing() -> None:
    frame = small_catalogue()
    frame.loc[frame.rotation_id == "MED-ENDO", "min_staffing"] = 3
    plan = Plan.build(sample_cohort(2, 0), template("5-term"), frame)
    result = solve_joblines(plan, settings=FAST)
    assert result.status == "FEASIBLE_WITH_DROPS"
    dropped = {(d["rotation_id"], d["term"]) for d in result.dropped}
    assert dropped == {("MED-ENDO", t) for t in range(1, 6)}
    assert result.diagnosis and "minimum staffing" in result.diagnosis[0]


@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    pgy1=st.integers(1, 5),
    pgy2=st.integers(0, 3),
    terms=st.sampled_from(["5-term", [10, 10, 10, 12, 10]]),
    seed=st.integers(0, 50),
)
def test_every_solved_line_passes_the_checker(pgy1: int, pgy2: int, terms, seed: int) -> None:
    plan = Plan.build(sample_cohort(pgy1, pgy2), template(terms), small_catalogue())
    result = solve_joblines(
        plan, settings=JoblineSettings(time_limit=6, workers=1, seed=seed, deterministic=True)
    )
    assert result.feasible
    assert violations(_checked(plan, result)).empty


def test_metrics_helpers() -> None:
    assert gini([1, 1, 1]) == 0
    assert gini([0, 0, 3]) == pytest.approx(2 / 3)
    lines = pd.DataFrame(
        {"line_id": ["a", "a", "b", "b"], "term": [1, 2, 1, 2], "rotation_id": ["x", "y", "x", "z"]}
    )
    assert hamming(lines) == [1]


def test_attractiveness_is_per_year_on_term_weeks() -> None:
    catalogue = pd.DataFrame({"rotation_id": ["x", "y", "z"], "popularity": [10, 40, 70]})
    rows = [  # line, pgy, term weeks, rotation, leave weeks (leave does not change the score)
        ("a", 1, 10, "x", 5), ("a", 1, 30, "y", 0),  # (100 + 1200) / 40 = 32.5
        ("b", 1, 10, "z", 0), ("b", 1, 30, "x", 0),  # (700 + 300) / 40 = 25
        ("c", 2, 10, "z", 0), ("c", 2, 30, "z", 0),  # 70
        ("d", 2, 10, "x", 0), ("d", 2, 30, "z", 0),  # (100 + 2100) / 40 = 55
    ]  # fmt: skip
    lines = pd.DataFrame(rows, columns=["line_id", "pgy", "term_weeks", "rotation_id", "leave_weeks"])
    lines = lines.assign(term=[1, 2] * 4, specialty="s", clinical_weeks=lines.term_weeks - lines.leave_weeks)
    found = metrics(lines, catalogue, default_profile())
    assert found["attractiveness_spread"] == 15.0  # PGY2: 70 - 55; PGY1 only 7.5; across years 45
    assert found["attractiveness_gini"] == round(gini([25, 32.5]), 4)  # the worst year: 0.0652 > 0.06


def test_run_request_summary_agrees_with_the_lines(tmp_path: Path) -> None:
    """The summary's counts, recount and metrics are recomputed here from the lines and the request."""
    request = {"pgy1": 3, "pgy2": 2, "time_limit": 8, "workers": 1, "deterministic": True}
    request["catalogue"] = str(tmp_path / "c.csv")
    small_catalogue().to_csv(request["catalogue"], index=False)
    outcome = run(request)
    out = summary(outcome)
    lines = outcome.result.lines
    assert out["status"] in ("OPTIMAL", "FEASIBLE")
    assert out["lines"] == 5 == lines.line_id.nunique() and out["violations"] == 0
    assert out["objective_agrees"] is True and out["objective_recounted"] == out["objective"]
    rows = lines.sort_values("term").groupby("line_id").rotation_id.apply(list).tolist()
    distances = [
        sum(x != y for x, y in zip(a, b, strict=True)) for i, a in enumerate(rows) for b in rows[i + 1 :]
    ]
    assert out["metrics"]["min_hamming"] == min(distances)
    assert out["metrics"]["rotations_per_line"] == pytest.approx(sum(len(set(r)) for r in rows) / 5, abs=1e-4)
    json.dumps(out)


def test_cli_registers_and_example_parses() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    register_cli(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["joblines", "examples/joblines_request.json"])
    assert args.request.endswith(".json")
    example = json.loads(Path("examples/joblines_request.json").read_text())
    assert example["catalogue"] == "sample" and example["pgy1"] == 80


def test_four_term_template_core_is_minimal() -> None:
    plan = Plan.build(sample_cohort(2, 1), template("4-term"), small_catalogue())
    result = solve_joblines(
        plan, settings=JoblineSettings(time_limit=10, workers=1, fallback=False, deterministic=True)
    )
    assert result.status == "INFEASIBLE"
    text = result.diagnosis[0]
    assert "subspecialty (AMC5)" in text and "annual leave" in text
    assert "rural" not in text and "clinical experiences" not in text


def _solved_small(**kw) -> tuple[Plan, object]:
    plan = Plan.build(sample_cohort(6, 3), template("5-term"), small_catalogue())
    result = solve_joblines(
        plan, settings=JoblineSettings(time_limit=8, workers=1, seed=0, deterministic=True, **kw)
    )
    return plan, result


def test_cost_is_non_negative_and_matches_a_direct_evaluation() -> None:
    weights = ObjectiveWeights(similar=5)
    plan, result = _solved_small(weights=weights, progress=True)
    assert result.feasible and 0 <= result.bound <= result.objective
    profile = default_profile()
    bests = best_line_affinities(plan, profile)
    recounted = recount(result.lines, CheckInputs.from_plan(plan), profile.values, bests, vars(weights))
    assert sum(recounted.values()) == result.objective  # the checker's own count, not the model's
    rot = plan.catalogue.rotations
    info = {r: (s, int(p)) for r, s, p in zip(rot.rotation_id, rot.specialty, rot.popularity, strict=True)}
    ordered = result.lines.sort_values(["line_id", "term"])
    lines = ordered.groupby("line_id", sort=False).rotation_id.apply(list).tolist()
    pgys = ordered.groupby("line_id", sort=False).pgy.first().tolist()
    direct = evaluate(lines, pgys, list(plan.weeks.values()), info, scale_weights(profile), bests, weights)
    assert direct == {k: int(v) for k, v in result.parts.items()}
    found = metrics(result.lines, rot, profile, weights.min_hamming)
    assert found["too_similar_pairs"] * weights.similar == direct["too_similar"]
    shortfall = sum(bests[p] for p in pgys) - 100 * found["mean_affinity"] * len(lines)
    pairs = len(plan.weeks) * (len(plan.weeks) - 1) // 2  # each scaled weight rounds r x 100 by <= 0.5
    assert shortfall == pytest.approx(direct["affinity_shortfall"], abs=0.5 * pairs * len(lines))


def test_progress_is_recorded_and_every_snapshot_is_compliant() -> None:
    plan, result = _solved_small(progress=True)
    solutions = [p for p in result.progress if p.rotations is not None]
    assert solutions and solutions[-1].objective == result.objective
    times = [p.seconds for p in result.progress]
    assert times == sorted(times)
    for point in solutions:
        lines = snapshot_frame(plan, point.rotations, point.leave)
        assert violations(check(lines, CheckInputs.from_plan(plan))).empty


def test_relaxation_bound_is_below_a_solved_cost() -> None:
    frame = small_catalogue()
    frame.loc[frame.rotation_id == "NIGHTS", "min_staffing"] = 1  # every term: one line on nights
    plan = Plan.build(sample_cohort(5, 1), template("5-term"), frame)
    result = solve_joblines(
        plan, settings=JoblineSettings(time_limit=10, workers=1, seed=1, deterministic=True)
    )
    profile = default_profile()
    bests = best_line_affinities(plan, profile)
    table = {p: scored_patterns(plan, profile, p, bests[p]) for p in (1, 2)}
    relaxed = lower_bound(plan, ObjectiveWeights(), table, bests, 10.0)
    assert 0 <= relaxed.bound <= result.objective
    assert result.bound >= relaxed.bound


def test_patterns_cover_every_solved_line() -> None:
    plan, result = _solved_small()
    for (_, pgy), line in result.lines.groupby(["line_id", "pgy"]):
        counts = line.specialty.value_counts().to_dict()
        assert tuple(sorted(counts.items())) in candidate_patterns(plan, int(pgy))


def test_pattern_affinity_counts_every_rotation_pair() -> None:
    scaled = {("a", "b"): 10, ("a", "c"): -5}
    assert pattern_affinity({"a": 2, "b": 1, "c": 1}, scaled) == 2 * 10 + 2 * -5
    assert max_terms([10, 10, 10, 10, 12], 5, 25, 47) == 1
    assert max_terms([10, 10, 10, 10, 12], 5, 50, 47) == 2


def test_line_affinity_and_too_similar_metric() -> None:
    profile = default_profile()
    assert line_affinity(["medicine", "medicine", "surgery"], profile) == pytest.approx(2 * 0.208)
    lines = pd.DataFrame(
        {
            "line_id": ["a"] * 3 + ["b"] * 3,
            "term": [1, 2, 3] * 2,
            "rotation_id": ["x", "y", "z", "x", "y", "w"],
            "specialty": "medicine",
            "pgy": 1,
            "term_weeks": 10,
            "clinical_weeks": 10,
        }
    )
    catalogue = pd.DataFrame({"rotation_id": ["x", "y", "z", "w"], "popularity": [1, 2, 3, 4]})
    assert metrics(lines, catalogue, profile, min_hamming=2)["too_similar_pairs"] == 1
    assert metrics(lines, catalogue, profile, min_hamming=1)["too_similar_pairs"] == 0


def _busy(stop: threading.Event) -> None:
    """CPU load for the other core while a solve runs."""
    count = 0
    while not stop.is_set():
        count += 1


def test_deterministic_solves_give_the_same_lines_under_load() -> None:
    """Deterministic time: no phase reads the clock, so a second solve with another thread loading
    the machine finds the very same lines (the assert is equality, never a time)."""
    plan = Plan.build(sample_cohort(3, 2), template("5-term"), small_catalogue())
    settings = JoblineSettings(time_limit=3, workers=1, seed=3, deterministic=True)
    quiet = solve_joblines(plan, settings=settings)
    stop = threading.Event()
    load = threading.Thread(target=_busy, args=(stop,))
    load.start()
    try:
        loaded = solve_joblines(plan, settings=settings)
    finally:
        stop.set()
        load.join()
    assert not quiet.lines.empty and quiet.status == loaded.status
    assert quiet.objective == loaded.objective
    pd.testing.assert_frame_equal(quiet.lines, loaded.lines)
