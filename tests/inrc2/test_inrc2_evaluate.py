"""The independent INRC-II evaluator: the official report, the README's totals, one constraint at a time.

Expected values come from outside the code under test: `validator.txt` (the official validator's
output), the README's table of totals, and hand computation from the rules (Ceschia et al.,
arXiv:1501.04177, Section 2.5 and Appendix B), worked out in a comment next to each assertion.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from roster_pipeline.inrc2 import evaluate as evaluate_module
from roster_pipeline.inrc2.evaluate import (
    Costs,
    Evaluation,
    HardViolations,
    evaluate,
    evaluate_files,
    evaluate_folder,
)
from roster_pipeline.inrc2.evaluate_parse import (
    Inrc2FormatError,
    parse_history,
    parse_scenario,
    parse_solution,
    parse_week_data,
    read_scenario,
)

# A copy of /work/shared/benchmarks/inrc2 (public competition data; provenance in data/README.md)
DATA = Path(__file__).resolve().parent / "data"

# The README's table: (instance, solution folder) -> total cost.
README_TOTALS = [
    ("n005w4", "Solution_H_0-WD_1-2-3-3", 1695),
    ("n005w4", "Solution_H_1-WD_5-3-1-0", 2010),
    ("n005w4", "Solution_H_2-WD_6-7-8-9", 1720),
    ("n012w8", "Solution_H_0-WD_3-5-0-2-0-4-5-2", 3295),
    ("n012w8", "Solution_H_1-WD_7-7-0-8-9-3-2-6", 3805),
    ("n012w8", "Solution_H_2-WD_4-5-6-7-2-1-2-1", 3745),
    ("n021w4", "Solution_H_0-WD_5-4-1-2", 2305),
    ("n021w4", "Solution_H_1-WD_0-6-1-6", 2305),
    ("n021w4", "Solution_H_2-WD_8-1-4-3", 2345),
]

NO_COST = Costs(0, 0, 0, 0, 0, 0, 0)
NO_HARD = HardViolations(0, 0, 0, 0)


# --- (a) and (b): the official validator's report and the README's totals ------------------------------


def test_report_equals_the_official_validator_output() -> None:
    folder = DATA / "n005w4" / "Solution_H_0-WD_1-2-3-3"
    expected = (folder / "validator.txt").read_bytes().decode("ascii")
    report = evaluate_folder(DATA / "n005w4", folder).report()
    assert report.splitlines() == expected.splitlines()  # a readable diff first
    assert report == expected  # then byte for byte (line ends, the final newline)


def test_official_case_cost_lines() -> None:
    # The README's breakdown of validator.txt.
    folder = DATA / "n005w4" / "Solution_H_0-WD_1-2-3-3"
    result = evaluate_folder(DATA / "n005w4", folder)
    assert result.costs == Costs(320, 465, 330, 70, 210, 60, 240)
    assert result.hard == NO_HARD and result.total == 1695


@pytest.mark.parametrize(("instance", "folder", "total"), README_TOTALS)
def test_readme_totals(instance: str, folder: str, total: int) -> None:
    result = evaluate_folder(DATA / instance, DATA / instance / folder)
    assert result.hard == NO_HARD and result.feasible  # "All nine are feasible"
    assert result.total == total


def test_evaluate_files_takes_the_files_in_the_given_order() -> None:
    # n005w4, history 0, weeks 1-2-3-3: the same files evaluate_folder finds.
    base = DATA / "n005w4"
    folder = base / "Solution_H_0-WD_1-2-3-3"
    result = evaluate_files(
        base / "Sc-n005w4.txt",
        base / "H0-n005w4-0.txt",
        [base / f"WD-n005w4-{week}.txt" for week in (1, 2, 3, 3)],
        [folder / f"Sol-n005w4-{week}-{stage}.txt" for stage, week in enumerate((1, 2, 3, 3))],
    )
    assert result.total == 1695


# --- (c) one constraint at a time, on hand-built scenarios ---------------------------------------------

# Shift types: Early (1..7 in a row), Night (1..2 in a row); Night may not be followed by Early.
# Contracts: (min,max) total, (min,max) consecutive working days, (min,max) consecutive days off,
# max working weekends, complete weekends.
#   Loose:     nothing binds in one week but an idle week after 3 days off (3 + 7 = 10 > 9).
#   Weekender: Loose, with complete weekends.
#   Strict:    2..3 consecutive working days, 2..3 consecutive days off.
SCENARIO_HEAD = """SCENARIO = tiny
WEEKS = 2

SKILLS = 2
HeadNurse
Nurse

SHIFT_TYPES = 2
Early (1,7)
Night (1,2)

FORBIDDEN_SHIFT_TYPES_SUCCESSIONS
Early 0
Night 1 Early

CONTRACTS = 3
Loose (0,7) (1,7) (1,9) 1 0
Weekender (0,7) (1,7) (1,9) 1 1
Strict (0,7) (2,3) (2,3) 2 0
"""
NURSE_LINES = {
    "Ann": "Ann Loose 2 HeadNurse Nurse",
    "Bob": "Bob Weekender 1 Nurse",
    "Cy": "Cy Loose 1 Nurse",
    "Dee": "Dee Strict 1 Nurse",
}


def scenario_text(nurses: list[str]) -> str:
    """The tiny scenario with only these nurses."""
    return (
        SCENARIO_HEAD + f"\nNURSES = {len(nurses)}\n" + "".join(NURSE_LINES[nurse] + "\n" for nurse in nurses)
    )


def week_text(requirements: tuple[str, ...] = (), requests: tuple[str, ...] = ()) -> str:
    body = "".join(line + "\n" for line in requirements)
    wishes = "".join(line + "\n" for line in requests)
    return f"WEEK_DATA\ntiny\n\nREQUIREMENTS\n{body}\nSHIFT_OFF_REQUESTS = {len(requests)}\n{wishes}"


def solution_text(stage: int, assignments: list[str]) -> str:
    body = "".join(line + "\n" for line in assignments)
    return f"SOLUTION\n{stage} tiny\n\nASSIGNMENTS = {len(assignments)}\n{body}"


def run(
    history: list[str],
    rosters: list[list[str]],
    requirements: tuple[str, ...] = (),
    requests: tuple[str, ...] = (),
) -> Evaluation:
    """Evaluate the tiny scenario: history lines `<nurse> <7 numbers/names>`, one roster per week."""
    nurses = [line.split()[0] for line in history]
    return evaluate(
        parse_scenario(scenario_text(nurses), "Sc-tiny.txt"),
        parse_history("HISTORY\n0 tiny\n\nNURSE_HISTORY\n" + "\n".join(history) + "\n", "H0-tiny.txt"),
        [
            parse_week_data(week_text(requirements, requests), f"WD-tiny-{stage}.txt")
            for stage in range(len(rosters))
        ],
        [
            parse_solution(solution_text(stage, roster), f"Sol-tiny-{stage}.txt")
            for stage, roster in enumerate(rosters)
        ],
    )


def test_one_night_too_many_costs_15() -> None:
    # History: Ann had one day off. Night may be worked at most 2 days in a row.
    history = ["Ann 0 0 None 0 0 1"]
    two_nights = run(history, [["Ann Mon Night Nurse", "Ann Tue Night Nurse"]])
    assert two_nights.costs == NO_COST and two_nights.hard == NO_HARD
    # A third Night on Wednesday: 3 Nights in a row, max 2 -> 1 day over x 15 = 15. The working run
    # (3 <= 7) and the days off Thu..Sun (4 <= 9; the minimum is not checked at the horizon's end) are fine.
    three_nights = run(history, [["Ann Mon Night Nurse", "Ann Tue Night Nurse", "Ann Wed Night Nurse"]])
    assert three_nights.costs == replace(NO_COST, consecutive=15)
    assert three_nights.hard == NO_HARD


def test_a_run_across_two_weeks_is_one_run() -> None:
    # Two weeks. Nights on Sat and Sun of week 1 and Mon of week 2: one run of 3 Nights, max 2 -> 15.
    # Ann's other days are off: 1 (history) + Mon..Fri = 6 days off (<= 9), then Tue..Sun of week 2
    # = 6 days off at the end (<= 9, minimum unchecked at the end).
    history = ["Ann 0 0 None 0 0 1"]
    result = run(history, [["Ann Sat Night Nurse", "Ann Sun Night Nurse"], ["Ann Mon Night Nurse"]])
    # Working weekends: 1 (week 1) <= 1. Total assignments 3 in (0,7).
    assert result.costs == replace(NO_COST, consecutive=15)


def test_forbidden_succession_across_the_history_border() -> None:
    # History: Ann worked one Night last Sunday. Night -> Early is forbidden.
    history = ["Ann 0 0 Night 1 1 0"]
    off_monday = run(history, [["Ann Tue Early Nurse"]])
    assert off_monday.hard == NO_HARD and off_monday.costs == NO_COST
    # Early on Monday straight after the history's Night: 1 illegal succession, no cost (the Night run
    # of 1 and the working run of 1 + 1 = 2 meet their minimum 1).
    early_monday = run(history, [["Ann Mon Early Nurse"]])
    assert early_monday.hard == replace(NO_HARD, illegal_succession=1)
    assert early_monday.costs == NO_COST and not early_monday.feasible


def test_incomplete_weekend_costs_30() -> None:
    # Bob's contract asks for complete weekends. History: one day off.
    history = ["Bob 0 0 None 0 0 1"]
    both_days = run(history, [["Bob Sat Early Nurse", "Bob Sun Early Nurse"]])
    assert both_days.costs == NO_COST
    # Saturday only: 1 incomplete weekend x 30. Days off: 1 + Mon..Fri = 6 (<= 9); Sunday off at the
    # end (minimum unchecked); working run of 1 and Early run of 1 meet the minimum 1; 1 weekend <= 1.
    saturday_only = run(history, [["Bob Sat Early Nurse"]])
    assert saturday_only.costs == replace(NO_COST, complete_weekends=30)


def test_shift_off_request_on_any_costs_10() -> None:
    # Ann asks for Wednesday off (Any). History: one day off.
    history = ["Ann 0 0 None 0 0 1"]
    wish = ("Ann Any Wed",)
    idle = run(history, [[]], requests=wish)
    assert idle.costs == NO_COST  # days off 1 + 7 = 8 <= 9
    # Early on Wednesday: the request is violated: 1 x 10. Days off 1 + Mon, Tue = 3 and Thu..Sun = 4
    # (within 1..9), working run of 1 meets the minimum 1.
    works_wednesday = run(history, [["Ann Wed Early Nurse"]], requests=wish)
    assert works_wednesday.costs == replace(NO_COST, preferences=10)


def test_shift_off_request_on_one_shift_type_only() -> None:
    # Ann asks not to work Night on Wednesday; an Early shift does not violate it.
    history = ["Ann 0 0 None 0 0 1"]
    early = run(history, [["Ann Wed Early Nurse"]], requests=("Ann Night Wed",))
    night = run(history, [["Ann Wed Night Nurse"]], requests=("Ann Night Wed",))
    assert early.costs == NO_COST
    assert night.costs == replace(NO_COST, preferences=10)


def test_max_working_weekends_exceeded_thanks_to_the_history() -> None:
    # Ann may work 1 weekend; the same roster works the weekend of the horizon.
    roster = [["Ann Sat Early Nurse", "Ann Sun Early Nurse"]]
    fresh = run(["Ann 0 0 None 0 0 1"], roster)
    assert fresh.costs == NO_COST  # 0 + 1 = 1 weekend <= 1
    # The history already counts 1 working weekend: 1 + 1 = 2 > 1 -> 1 x 30. Days off 1 + Mon..Fri = 6
    # (<= 9), Early run of 2 (<= 7) at the end.
    worked_before = run(["Ann 0 1 None 0 0 1"], roster)
    assert worked_before.costs == replace(NO_COST, max_working_weekend=30)


def test_total_assignments_count_the_history() -> None:
    # Ann may work 0..7 assignments. She works Mon and Tue.
    roster = [["Ann Mon Early Nurse", "Ann Tue Early Nurse"]]
    assert run(["Ann 0 0 None 0 0 1"], roster).costs == NO_COST  # 2 assignments
    # The history counts 6 assignments: 6 + 2 = 8 > 7 -> 1 x 20.
    assert run(["Ann 6 0 None 0 0 1"], roster).costs == replace(NO_COST, total_assignments=20)


def test_missing_skill_is_a_hard_violation() -> None:
    # Cy has the skill Nurse only.
    history = ["Cy 0 0 None 0 0 1"]
    as_nurse = run(history, [["Cy Mon Early Nurse"]])
    as_head_nurse = run(history, [["Cy Mon Early HeadNurse"]])
    assert as_nurse.hard == NO_HARD
    assert as_head_nurse.hard == replace(NO_HARD, required_skill=1)
    assert as_head_nurse.costs == as_nurse.costs == NO_COST


def test_cover_below_minimum_and_optimum() -> None:
    # Monday Early Nurse: minimum 1, optimum 2; every other day (0,0).
    requirements = ("Early Nurse (1,2) (0,0) (0,0) (0,0) (0,0) (0,0) (0,0)",)
    history = ["Ann 0 0 None 0 0 1"]
    nobody = run(history, [[]], requirements=requirements)
    # 0 nurses: 1 below the minimum (hard), 2 below the optimum x 30 = 60.
    assert nobody.hard == replace(NO_HARD, minimal_coverage=1)
    assert nobody.costs == replace(NO_COST, optimal_coverage=60)
    one = run(history, [["Ann Mon Early Nurse"]], requirements=requirements)
    # 1 nurse: minimum met, 1 below the optimum x 30 = 30.
    assert one.hard == NO_HARD and one.costs == replace(NO_COST, optimal_coverage=30)
    # An assignment to the other skill does not cover Early Nurse.
    head = run(history, [["Ann Mon Early HeadNurse"]], requirements=requirements)
    assert head.hard == replace(NO_HARD, minimal_coverage=1)


def test_two_assignments_on_one_day() -> None:
    history = ["Ann 0 0 None 0 0 1"]
    result = run(history, [["Ann Mon Early Nurse", "Ann Mon Night HeadNurse"]])
    assert result.hard == replace(NO_HARD, single_assignment=1)


def test_max_consecutive_working_days_already_exceeded_in_the_history() -> None:
    # Dee: 2..3 consecutive working days, 2..3 days off. History: 5 working days (Early) already.
    # Roster: Mon Early, Tue-Wed off, Thu-Fri Early, Sat-Sun off.
    # Working run 5 + 1 = 6: 3 over the maximum, 2 of them charged in the history's week (paper,
    # Tables 4-5), so 1 x 30. Days off 2 and 2, working run Thu-Fri 2, Early runs 6 (<= 7) and 2.
    history = ["Dee 0 0 Early 5 5 0"]
    roster = [["Dee Mon Early Nurse", "Dee Thu Early Nurse", "Dee Fri Early Nurse"]]
    assert run(history, roster).costs == replace(NO_COST, consecutive=30)


def test_history_run_ended_at_the_border_below_the_minimum() -> None:
    # Dee worked 1 day (Early) before the horizon and is off Mon-Tue: the run of 1 misses 1 of the
    # minimum 2 -> 1 x 30 (paper, Table 7). Then Wed-Thu Early (2), Fri-Sun off (3 <= 3).
    history = ["Dee 0 0 Early 1 1 0"]
    roster = [["Dee Wed Early Nurse", "Dee Thu Early Nurse"]]
    assert run(history, roster).costs == replace(NO_COST, consecutive=30)


def test_days_off_minimum_checked_inside_the_horizon_not_at_its_end() -> None:
    # Dee: 2..3 days off. History: 2 days off.
    history = ["Dee 0 0 None 0 0 2"]
    # Mon-Tue Early, Wed off, Thu-Fri Early, Sat-Sun off: the single day off misses 1 of the minimum 2
    # -> 1 x 30 non-working days.
    inside = [["Dee Mon Early Nurse", "Dee Tue Early Nurse", "Dee Thu Early Nurse", "Dee Fri Early Nurse"]]
    assert run(history, inside).costs == replace(NO_COST, non_working_days=30)
    # Mon-Tue Early, Wed-Thu off, Fri-Sat Early, Sun off: the single day off is the horizon's last day,
    # unknown how long it lasts (paper, B.1) -> 0.
    at_end = [["Dee Mon Early Nurse", "Dee Tue Early Nurse", "Dee Fri Early Nurse", "Dee Sat Early Nurse"]]
    assert run(history, at_end).costs == NO_COST


def test_too_many_days_off_continuing_the_history() -> None:
    # Dee: at most 3 days off. History: 3 days off; off Mon too: 4 in a row -> 1 x 30 (paper, Table 9).
    # Then Tue-Wed Early (2), Thu-Fri off (2), Sat-Sun Early (2, at the end).
    history = ["Dee 0 0 None 0 0 3"]
    roster = [["Dee Tue Early Nurse", "Dee Wed Early Nurse", "Dee Sat Early Nurse", "Dee Sun Early Nurse"]]
    assert run(history, roster).costs == replace(NO_COST, non_working_days=30)


# --- (d) bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("Zed Mon Early Nurse", "unknown nurse 'Zed'"),
        ("Ann Mon Evening Nurse", "unknown shift type 'Evening'"),
        ("Ann Mon Early Surgeon", "unknown skill 'Surgeon'"),
    ],
)
def test_solution_with_an_unknown_name(tmp_path: Path, line: str, problem: str) -> None:
    files = write_tiny(tmp_path, ["Ann Tue Early Nurse", line])
    with pytest.raises(Inrc2FormatError) as caught:
        evaluate_files(*files)
    # SOLUTION, "0 tiny", blank, ASSIGNMENTS, first assignment (line 5), then the bad one (line 6).
    assert caught.value.source == str(files[3][0]) and caught.value.line == 6
    assert str(caught.value) == f"{files[3][0]}, line 6: {problem}"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("Ann Mon Early", "expected '<nurse> <day> <shift type> <skill>', found 'Ann Mon Early'"),
        ("Ann Funday Early Nurse", "unknown day 'Funday'"),
    ],
)
def test_solution_with_a_malformed_line(tmp_path: Path, line: str, problem: str) -> None:
    files = write_tiny(tmp_path, [line])
    with pytest.raises(Inrc2FormatError, match=f"line 5: {problem}") as caught:
        evaluate_files(*files)
    assert str(files[3][0]) in str(caught.value)


def test_solution_with_fewer_assignments_than_announced() -> None:
    text = "SOLUTION\n0 tiny\n\nASSIGNMENTS = 2\nAnn Mon Early Nurse\n"
    with pytest.raises(
        Inrc2FormatError, match=r"^Sol-x\.txt, line 5: file ends where an assignment was expected"
    ):
        parse_solution(text, "Sol-x.txt")


def test_malformed_scenario_line(tmp_path: Path) -> None:
    path = tmp_path / "Sc-tiny.txt"
    path.write_text(scenario_text(["Ann"]).replace("Night (1,2)", "Night (1;2)"), encoding="ascii")
    with pytest.raises(
        Inrc2FormatError, match=r"line 10: expected consecutive assignments '\(a,b\)'"
    ) as caught:
        read_scenario(path)
    assert caught.value.source == str(path)


def test_week_data_with_a_short_requirement_line() -> None:
    text = week_text(requirements=("Early Nurse (1,1) (1,1)",))
    with pytest.raises(Inrc2FormatError, match="line 5: expected 7 Mon..Sun cover"):
        parse_week_data(text, "WD-x.txt")


def test_solution_of_the_wrong_week(tmp_path: Path) -> None:
    files = write_tiny(tmp_path, ["Ann Mon Early Nurse"], stage=1)
    with pytest.raises(Inrc2FormatError, match="line 2: is the solution of week 1, expected 0"):
        evaluate_files(*files)


def test_history_missing_a_nurse() -> None:
    scenario = parse_scenario(scenario_text(["Ann", "Cy"]), "Sc-tiny.txt")
    history = parse_history("HISTORY\n0 tiny\nNURSE_HISTORY\nAnn 0 0 None 0 0 1\n", "H0-tiny.txt")
    week = parse_week_data(week_text(), "WD-tiny.txt")
    solution = parse_solution(solution_text(0, []), "Sol-tiny.txt")
    with pytest.raises(Inrc2FormatError, match="^H0-tiny.txt: no history for nurse"):
        evaluate(scenario, history, [week], [solution])


def test_crlf_files_read_like_lf_files(tmp_path: Path) -> None:
    lf = write_tiny(tmp_path / "lf", ["Ann Mon Night Nurse"])
    crlf = write_tiny(tmp_path / "crlf", ["Ann Mon Night Nurse"], crlf=True)
    assert evaluate_files(*lf).report() == evaluate_files(*crlf).report()


def write_tiny(
    folder: Path, assignments: list[str], stage: int = 0, crlf: bool = False
) -> tuple[Path, Path, list[Path], list[Path]]:
    """Scenario (Ann), history, one week and its solution as files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {
        "Sc-tiny.txt": scenario_text(["Ann"]),
        "H0-tiny-0.txt": "HISTORY\n0 tiny\n\nNURSE_HISTORY\nAnn 0 0 None 0 0 1\n",
        "WD-tiny-0.txt": week_text(),
        "Sol-tiny-0-0.txt": solution_text(stage, assignments),
    }
    for name, text in texts.items():
        (folder / name).write_bytes(text.replace("\n", "\r\n" if crlf else "\n").encode("ascii"))
    paths = [folder / name for name in texts]
    return paths[0], paths[1], [paths[2]], [paths[3]]


# --- (e) independence ------------------------------------------------------------------------------------


def project_imports(path: Path) -> set[str]:
    """Modules of `roster_pipeline` imported by a source file (relative imports included as such)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "roster_pipeline"}
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                found.add("." * node.level + module)
            elif module.split(".")[0] == "roster_pipeline":
                found.add(module)
    return found


def test_evaluator_imports_only_its_own_parser() -> None:
    evaluator = Path(evaluate_module.__file__)
    own = {"roster_pipeline.inrc2.evaluate_parse", "roster_pipeline.inrc2.evaluate_references"}
    assert project_imports(evaluator) == own
    assert project_imports(evaluator.with_name("evaluate_references.py")) == {
        "roster_pipeline.inrc2.evaluate_parse"
    }
    assert project_imports(evaluator.with_name("evaluate_parse.py")) == set()
