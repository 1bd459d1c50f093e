"""Job lines: contracts, a small solve checked by the independent checker, diagnosis and fallback."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandera.errors import SchemaError

from roster_pipeline.joblines.checker import check, violations
from roster_pipeline.joblines.cli import register_cli, run_request
from roster_pipeline.joblines.data import Plan, sample_catalogue, sample_cohort, template
from roster_pipeline.joblines.metrics import gini, hamming
from roster_pipeline.joblines.solve import JoblineSettings, solve_joblines

FAST = JoblineSettings(time_limit=15, workers=2, seed=0)


def small_catalogue() -> pd.DataFrame:
    """The sample catalogue without minimum staffing, so a handful of lines is feasible."""
    return sample_catalogue().assign(min_staffing=0)


def _checked(plan: Plan, result) -> pd.DataFrame:
    return check(
        result.lines,
        plan.catalogue.rotations,
        plan.rules,
        plan.catalogue.capacity,
        plan.catalogue.min_staffing,
    )


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
            "line_id": "L",
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
    bad = set(violations(check(lines, plan.catalogue.rotations, plan.rules)).rule)
    assert {"AMC4 specialty medicine", "AMC8 categories", "AMC3 specialties", "relief or nights terms"} <= bad
    assert "no repeat (6-month PGY2 only)" in bad


def test_infeasible_is_diagnosed_in_words() -> None:
    frame = small_catalogue()
    frame = frame[~frame.categories.str.contains("D")]
    plan = Plan.build(sample_cohort(2, 0), template("5-term"), frame)
    result = solve_joblines(plan, settings=JoblineSettings(time_limit=10, fallback=False))
    assert result.status == "INFEASIBLE"
    assert "clinical experiences" in result.diagnosis[0]


def test_fallback_drops_excludable_minimum_staffing() -> None:
    frame = small_catalogue()
    frame.loc[frame.rotation_id == "MED-ENDO", "min_staffing"] = 3
    plan = Plan.build(sample_cohort(2, 0), template("5-term"), frame)
    result = solve_joblines(plan, settings=FAST)
    assert result.status == "FEASIBLE_WITH_DROPS"
    dropped = {(d["rotation_id"], d["term"]) for d in result.dropped}
    assert dropped == {("MED-ENDO", t) for t in range(1, 6)}
    assert result.diagnosis and "minimum staffing" in result.diagnosis[0]


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pgy1=st.integers(1, 5),
    pgy2=st.integers(0, 3),
    terms=st.sampled_from(["5-term", [10, 10, 10, 12, 10]]),
    seed=st.integers(0, 50),
)
def test_every_solved_line_passes_the_checker(pgy1: int, pgy2: int, terms, seed: int) -> None:
    plan = Plan.build(sample_cohort(pgy1, pgy2), template(terms), small_catalogue())
    result = solve_joblines(plan, settings=JoblineSettings(time_limit=15, workers=2, seed=seed))
    assert result.feasible
    assert violations(_checked(plan, result)).empty


def test_metrics_helpers() -> None:
    assert gini([1, 1, 1]) == 0
    assert gini([0, 0, 3]) == pytest.approx(2 / 3)
    lines = pd.DataFrame(
        {"line_id": ["a", "a", "b", "b"], "term": [1, 2, 1, 2], "rotation_id": ["x", "y", "x", "z"]}
    )
    assert hamming(lines) == [1]


def test_run_request_summary(tmp_path: Path) -> None:
    request = {"pgy1": 3, "pgy2": 2, "time_limit": 15, "catalogue": str(tmp_path / "c.csv")}
    small_catalogue().to_csv(request["catalogue"], index=False)
    out = run_request(request)
    assert out["status"] in ("OPTIMAL", "FEASIBLE")
    assert out["lines"] == 5 and out["violations"] == 0
    assert set(out["metrics"]) >= {
        "mean_affinity",
        "attractiveness_gini",
        "min_hamming",
        "rotations_per_line",
    }
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
    result = solve_joblines(plan, settings=JoblineSettings(time_limit=10, fallback=False))
    assert result.status == "INFEASIBLE"
    text = result.diagnosis[0]
    assert "subspecialty (AMC5)" in text and "annual leave" in text
    assert "rural" not in text and "clinical experiences" not in text
