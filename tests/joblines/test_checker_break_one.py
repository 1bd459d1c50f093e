"""Break one thing in a valid, hand-made set of job lines: the checker reports exactly that.

Three hand-checked lines on the sample catalogue and the 5-term template (10/10/10/10/12, 5 weeks of
leave, 47 clinical weeks). Some rules cannot break alone on five terms (a repeat always puts 17+
weeks in one subspecialty); those cases list the consequence they bring. A few cases tighten one
limit so that a single placement crosses it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd
import pytest

from roster_pipeline.joblines.checker import CheckInputs, check, limits, violations
from roster_pipeline.joblines.data import JoblineRules, sample_catalogue
from roster_pipeline.joblines.request import check_inputs

WEEKS = {1: 10, 2: 10, 3: 10, 4: 10, 5: 12}
COHORT = pd.DataFrame({"line_id": ["A", "B", "C"], "pgy": [1, 1, 2], "fte": [1.0, 1.0, 1.0]})
# (line, rotations by term, leave by term): checked by hand against docs/joblines.md
VALID = {
    "A": (["MED-GEN-A", "SUR-ORTH", "ED-B", "PSY-ADULT", "MED-GAST"], [0, 0, 0, 0, 5]),
    "B": (["SUR-ORTH", "MED-CARD", "PSY-ADULT", "ED-B", "PAED-GEN"], [0, 0, 0, 0, 5]),
    "C": (["ICU", "ICU", "MED-NEURO", "ANAES", "ED-A"], [0, 0, 0, 0, 5]),  # a PGY2 6-month ICU
}


def catalogue() -> pd.DataFrame:
    return sample_catalogue().assign(min_staffing=0)


def lines_table(spec: dict[str, tuple[list[str], list[int]]]) -> pd.DataFrame:
    """The lines table with the columns the solver writes, filled from the hand table."""
    rot = catalogue().set_index("rotation_id")
    pgy = dict(zip(COHORT.line_id, COHORT.pgy, strict=True))
    rows = []
    for lid, (rotations, leave) in spec.items():
        for (term, weeks), r, off in zip(WEEKS.items(), rotations, leave, strict=True):
            rows.append(
                {
                    "line_id": lid,
                    "pgy": pgy[lid],
                    "fte": 1.0,
                    "term": term,
                    "term_weeks": weeks,
                    "rotation_id": r,
                    "specialty": rot.at[r, "specialty"],
                    "subspecialty": rot.at[r, "subspecialty"],
                    "leave_weeks": off,
                    "clinical_weeks": weeks - off,
                }
            )
    return pd.DataFrame(rows)


def inputs(rules: JoblineRules | None = None, overrides: list[dict] | None = None) -> CheckInputs:
    frame = pd.DataFrame(overrides) if overrides else None
    return CheckInputs(COHORT, WEEKS, catalogue(), rules or JoblineRules(), frame)


def placed(line: str, term: int, rotation: str) -> dict:
    rotations, leave = VALID[line]
    return {**VALID, line: ([*rotations[: term - 1], rotation, *rotations[term:]], leave)}


def failing(lines: pd.DataFrame, given: CheckInputs, excused: set | None = None) -> dict[str, int]:
    return violations(check(lines, given, excused)).rule.value_counts().to_dict()


def test_the_valid_lines_pass_with_every_limit_used_below() -> None:
    tight = replace(JoblineRules(), pgy1_specialty_max=40, subspecialty_max=26)
    for rules in (JoblineRules(), tight, replace(JoblineRules(), clinical_team_min=80)):
        assert failing(lines_table(VALID), inputs(rules)) == {}
    assert failing(lines_table(VALID), inputs(replace(JoblineRules(), pgy2_max_subspecialties=4))) == {}


CASES: dict[str, tuple[Callable[[], dict], JoblineRules, dict[str, int]]] = {
    "AMC8 categories": (lambda: placed("A", 2, "PAED-NEO"), JoblineRules(), {}),
    "AMC3 specialties": (lambda: placed("A", 4, "SUR-URO"), JoblineRules(), {}),
    "AMC5 subspecialty general medicine": (lambda: placed("A", 5, "MED-GEN-B"), JoblineRules(), {}),
    "AMC6 service terms": (lambda: placed("A", 3, "ED-SSU"), JoblineRules(), {}),
    "AMC7 clinical team": (
        lambda: placed("C", 3, "GP-PRAC"),
        replace(JoblineRules(), clinical_team_min=80),
        {},
    ),
    "AMC4 specialty medicine": (  # A's leave moved into ED-B: medicine 22 of 47 weeks
        lambda: {**VALID, "A": (VALID["A"][0], [0, 0, 5, 0, 0])},
        replace(JoblineRules(), pgy1_specialty_max=40, subspecialty_max=26),
        {},
    ),
    "AMC3 subspecialties": (
        lambda: placed("C", 2, "PAED-GEN"),
        replace(JoblineRules(), pgy2_max_subspecialties=4),
        {},
    ),
    "annual leave": (  # a 2 + 3 split with the starts 10 weeks apart (13 needed)
        lambda: {**VALID, "A": (VALID["A"][0], [0, 0, 0, 2, 3])},
        JoblineRules(),
        {},
    ),
    "no repeat (6-month PGY2 only)": (  # ICU in terms 1 and 3: not consecutive
        lambda: {**VALID, "C": (["ICU", "MED-NEURO", "ICU", "ANAES", "ED-A"], [0, 0, 0, 0, 5])},
        JoblineRules(),
        {},
    ),
    "rural terms": (
        lambda: {
            **VALID,
            "A": (["MED-GEN-A", "SUR-ORTH", "RUR-ED", "PSY-ADULT", "RUR-MED"], [0, 0, 0, 0, 5]),
        },
        JoblineRules(),
        {},
    ),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_one_broken_rule_is_reported_once(rule: str) -> None:
    spec, rules, consequences = CASES[rule]
    assert failing(lines_table(spec()), inputs(rules)) == {rule: 1, **consequences}


def test_a_repeat_in_pgy1_also_overfills_its_subspecialty() -> None:
    spec = placed("A", 5, "MED-GEN-A")
    expected = {"no repeat (6-month PGY2 only)": 1, "AMC5 subspecialty general medicine": 1}
    assert failing(lines_table(spec), inputs()) == expected


def test_two_relief_or_nights_terms_also_exceed_the_service_share() -> None:
    spec = {**VALID, "C": (["ICU", "ICU", "MED-NEURO", "NIGHTS", "RELIEF-MED"], [0, 0, 0, 0, 5])}
    expected = {"relief or nights terms": 1, "AMC6 service terms": 1}  # 17 of 47 weeks > 25 %
    assert failing(lines_table(spec), inputs()) == expected


def test_six_weeks_of_leave_breaks_leave_and_clinical_weeks() -> None:
    spec = {**VALID, "A": (VALID["A"][0], [0, 0, 0, 0, 6])}
    assert failing(lines_table(spec), inputs()) == {"annual leave": 1, "AMC1 clinical weeks": 1}


def test_a_valid_split_leave_passes() -> None:
    spec = {**VALID, "A": (VALID["A"][0], [2, 0, 0, 0, 3])}  # starts 40 weeks apart
    assert failing(lines_table(spec), inputs()) == {}


def test_capacity_and_minimum_staffing_come_from_the_overrides() -> None:
    lines = lines_table(VALID)
    full = [{"rotation_id": "MED-GEN-A", "term": 1, "capacity": 0}]
    assert failing(lines, inputs(overrides=full)) == {"capacity": 1}
    empty = [{"rotation_id": "SUR-GEN-A", "term": 1, "min_staffing": 1}]
    assert failing(lines, inputs(overrides=empty)) == {"minimum staffing": 1}
    assert failing(lines, inputs(overrides=empty), excused={("SUR-GEN-A", 1)}) == {}


def test_capacity_counts_the_cohorts_fte_not_the_lines_column() -> None:
    cohort = COHORT.assign(fte=[0.5, 1.0, 1.0])
    lines = lines_table(VALID)  # says fte 1.0 for A: the checker reads the cohort
    over = [{"rotation_id": "MED-GEN-A", "term": 1, "capacity": 0.5}]
    given = CheckInputs(cohort, WEEKS, catalogue(), JoblineRules(), pd.DataFrame(over))
    assert failing(lines, given) == {"column fte": 1}


def test_the_lines_own_columns_are_not_trusted() -> None:
    lines = lines_table(VALID)
    lines.loc[lines.line_id == "A", "pgy"] = 2  # A is PGY1 in the cohort: judged as PGY1
    assert failing(lines, inputs()) == {"column pgy": 1}
    lines = lines_table(VALID)
    lines.loc[lines.line_id == "C", "term_weeks"] = 13
    assert failing(lines, inputs()) == {"column term_weeks": 1}


def test_a_missing_placement_is_reported_for_its_line_and_term() -> None:
    lines = lines_table(VALID)
    lines = lines[~((lines.line_id == "B") & (lines.term == 3))]
    bad = violations(check(lines, inputs()))
    rows = bad[bad.rule == "one placement per term"]
    assert list(zip(rows.line_id, rows.term, rows.value, strict=True)) == [("B", 3, "0")]


def test_a_second_placement_in_a_term_is_reported_once() -> None:
    lines = lines_table(VALID)
    extra = lines[(lines.line_id == "A") & (lines.term == 3)].assign(rotation_id="ED-A")
    bad = violations(check(pd.concat([lines, extra], ignore_index=True), inputs()))
    rows = bad[bad.rule == "one placement per term"]
    assert list(zip(rows.line_id, rows.term, rows.value, strict=True)) == [("A", 3, "2")]


def test_a_line_outside_the_cohort_and_an_unknown_rotation_are_reported() -> None:
    lines = lines_table(VALID)
    stranger = lines[lines.line_id == "A"].assign(line_id="Z")
    assert failing(pd.concat([lines, stranger], ignore_index=True), inputs()) == {"lines of the cohort": 1}
    lines.loc[(lines.line_id == "A") & (lines.term == 3), "rotation_id"] = "NOPE"
    assert failing(lines, inputs()).get("rotations of the catalogue") == 1


def test_the_request_gives_the_checker_its_own_frames_and_overrides() -> None:
    request = {
        "pgy1": 2,
        "pgy2": 1,
        "terms": [10, 12],
        "capacity_overrides": [{"rotation_id": "ICU", "term": 2, "capacity": 1}],
    }
    given = check_inputs(request, JoblineRules())
    assert list(given.cohort.line_id) == ["P1-001", "P1-002", "P2-001"] and given.weeks == {1: 10, 2: 12}
    capacity, minimum = limits(given)
    assert (capacity["ICU", 1], capacity["ICU", 2], minimum["ICU", 2]) == (
        4,
        1,
        2,
    )  # sample: ICU holds 4, min 2
