"""The evaluator's checks that the files of one horizon refer to each other correctly: one scenario,
and the nurses, shift types and skills it names (every error names the file and line)."""

from __future__ import annotations

from collections.abc import Sequence

from roster_pipeline.inrc2.evaluate_parse import History, Inrc2FormatError, Scenario, Solution, WeekData


def check_references(
    scenario: Scenario, history: History, weeks: Sequence[WeekData], solutions: Sequence[Solution]
) -> None:
    """Raise Inrc2FormatError at the first reference to something the scenario does not define."""
    _check_history(scenario, history)
    for week in weeks:
        _check_week(scenario, week)
    for stage, solution in enumerate(solutions):
        _check_solution(scenario, solution, stage)


def _check_scenario_name(scenario: Scenario, source: str, line: int, named: str) -> None:
    if named != scenario.name:
        raise Inrc2FormatError(
            source, line, f"names scenario {named!r}, the scenario file is {scenario.name!r}"
        )


def _check_history(scenario: Scenario, history: History) -> None:
    """Every nurse of the history is in the scenario and every nurse of the scenario has a history."""
    _check_scenario_name(scenario, history.source, history.header_line, history.scenario_name)
    for entry in history.nurses:
        if scenario.nurse(entry.nurse) is None:
            raise Inrc2FormatError(history.source, entry.line, f"unknown nurse {entry.nurse!r}")
        if entry.last_shift_type is not None and scenario.shift_type(entry.last_shift_type) is None:
            raise Inrc2FormatError(
                history.source, entry.line, f"unknown shift type {entry.last_shift_type!r}"
            )
    known = {entry.nurse for entry in history.nurses}
    missing = [nurse.name for nurse in scenario.nurses if nurse.name not in known]
    if missing:
        raise Inrc2FormatError(history.source, None, f"no history for nurse(s) {', '.join(missing)}")


def _check_week(scenario: Scenario, week: WeekData) -> None:
    """Requirements name known shift types and skills, requests known nurses and shift types."""
    _check_scenario_name(scenario, week.source, week.header_line, week.scenario_name)
    for requirement in week.requirements:
        if scenario.shift_type(requirement.shift_type) is None:
            raise Inrc2FormatError(
                week.source, requirement.line, f"unknown shift type {requirement.shift_type!r}"
            )
        if requirement.skill not in scenario.skills:
            raise Inrc2FormatError(week.source, requirement.line, f"unknown skill {requirement.skill!r}")
    for request in week.shift_off_requests:
        if scenario.nurse(request.nurse) is None:
            raise Inrc2FormatError(week.source, request.line, f"unknown nurse {request.nurse!r}")
        if request.shift_type is not None and scenario.shift_type(request.shift_type) is None:
            raise Inrc2FormatError(week.source, request.line, f"unknown shift type {request.shift_type!r}")


def _check_solution(scenario: Scenario, solution: Solution, stage: int) -> None:
    """The solution is the given stage's, and its assignments name known nurses, shift types and skills."""
    _check_scenario_name(scenario, solution.source, solution.header_line, solution.scenario_name)
    if solution.week != stage:
        raise Inrc2FormatError(
            solution.source,
            solution.header_line,
            f"is the solution of week {solution.week}, expected {stage}",
        )
    for assignment in solution.assignments:
        if scenario.nurse(assignment.nurse) is None:
            raise Inrc2FormatError(solution.source, assignment.line, f"unknown nurse {assignment.nurse!r}")
        if scenario.shift_type(assignment.shift_type) is None:
            raise Inrc2FormatError(
                solution.source, assignment.line, f"unknown shift type {assignment.shift_type!r}"
            )
        if assignment.skill not in scenario.skills:
            raise Inrc2FormatError(solution.source, assignment.line, f"unknown skill {assignment.skill!r}")
