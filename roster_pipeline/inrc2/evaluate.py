"""An independent evaluator for the Second International Nurse Rostering Competition (INRC-II).

The rules come from Ceschia, Dang, De Causmaecker, Haspeslagh, Schaerf, "Second International Nurse
Rostering Competition (INRC-II): Problem Description and Rules", arXiv:1501.04177 ("the paper"):
Section 2.5 gives the constraints and their weights, Appendix B the evaluation at the week borders.
Like the official validator (Section 4.2 of the paper), the evaluator puts the weeks' solutions one after
the other into one planning horizon that follows the initial history and evaluates them together. S6 and
S7 use the counters at the end of that horizon.

Independence: this module imports nothing of the project except its own parser (`evaluate_parse`). It
judges rosters made by the project's solver, so it shares no code or rule interpretation with it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from roster_pipeline.inrc2.evaluate_parse import (
    DAY_NAMES,
    Assignment,
    History,
    NurseHistory,
    Scenario,
    Solution,
    WeekData,
    read_history,
    read_scenario,
    read_solution,
    read_week_data,
)
from roster_pipeline.inrc2.evaluate_references import check_references

DAYS_PER_WEEK = len(DAY_NAMES)
SATURDAY, SUNDAY = DAY_NAMES.index("Sat"), DAY_NAMES.index("Sun")

# Weights of the soft constraints (paper, Section 2.5).
OPTIMAL_COVERAGE_WEIGHT = 30  # S1, per missing nurse
CONSECUTIVE_SHIFT_TYPE_WEIGHT = 15  # S2, per day above or below a shift type's limits
CONSECUTIVE_WORKING_DAYS_WEIGHT = 30  # S2, per day above or below the contract's limits
CONSECUTIVE_DAYS_OFF_WEIGHT = 30  # S3, per day above or below the contract's limits
PREFERENCE_WEIGHT = 10  # S4, per violated shift-off request
COMPLETE_WEEKEND_WEIGHT = 30  # S5, per weekend with exactly one worked day
TOTAL_ASSIGNMENTS_WEIGHT = 20  # S6, per assignment outside the contract's (min, max)
WORKING_WEEKENDS_WEIGHT = 30  # S7, per working weekend above the contract's maximum

_SOLUTION_FOLDER = re.compile(r"^Solution_H_(\d+)-WD_(\d+(?:-\d+)*)$")


@dataclass(frozen=True)
class HardViolations:
    """The four hard-constraint counts of the validator's report."""

    minimal_coverage: int  # H2: nurses missing below a minimum cover
    required_skill: int  # H4: assignments to a skill the nurse lacks
    illegal_succession: int  # H3: forbidden shift type successions, from the history's last day on
    single_assignment: int  # H1: assignments beyond the first of a nurse on a day

    @property
    def total(self) -> int:
        """All hard violations together."""
        return self.minimal_coverage + self.required_skill + self.illegal_succession + self.single_assignment


@dataclass(frozen=True)
class Costs:
    """The seven cost lines of the validator's report (weights included)."""

    total_assignments: int  # S6
    consecutive: int  # S2: shift type and working days
    non_working_days: int  # S3
    preferences: int  # S4
    max_working_weekend: int  # S7
    complete_weekends: int  # S5
    optimal_coverage: int  # S1

    @property
    def total(self) -> int:
        """The objective: the sum of the seven lines."""
        return (
            self.total_assignments
            + self.consecutive
            + self.non_working_days
            + self.preferences
            + self.max_working_weekend
            + self.complete_weekends
            + self.optimal_coverage
        )


@dataclass(frozen=True)
class Penalty:
    """One violation: constraint (H1..H4, S1..S7 of the paper), nurse, horizon day (0 = first Monday)."""

    constraint: str
    nurse: str | None
    day: int | None
    units: int
    cost: int
    detail: str


@dataclass(frozen=True)
class Evaluation:
    """A whole planning horizon's evaluation; `roster` holds each nurse's shift type per horizon day."""

    scenario_name: str
    weeks: int
    roster: tuple[tuple[str, tuple[str | None, ...]], ...]
    hard: HardViolations
    costs: Costs
    penalties: tuple[Penalty, ...]

    @property
    def total(self) -> int:
        """The total cost (soft constraints only, as in the validator's report)."""
        return self.costs.total

    @property
    def feasible(self) -> bool:
        """No hard violation."""
        return self.hard.total == 0

    def report(self) -> str:
        """The official validator's text report for this horizon, line for line."""
        hard, costs = self.hard, self.costs
        lines = [
            *roster_grid(self.roster, self.weeks),
            "",
            "",
            "Hard constraint violations",
            "--------------------------",
            "",
            f"Minimal coverage constraints: {hard.minimal_coverage}",
            f"Required skill constraints: {hard.required_skill}",
            f"Illegal shift type succession constraints: {hard.illegal_succession}",
            f"Single assignment per day: {hard.single_assignment}",
            "",
            "",
            "Cost per constraint type",
            "------------------------",
            "",
            f"Total assignment constraints: {costs.total_assignments}",
            f"Consecutive constraints: {costs.consecutive}",
            f"Non working days constraints: {costs.non_working_days}",
            f"Preferences: {costs.preferences}",
            f"Max working weekend: {costs.max_working_weekend}",
            f"Complete weekends: {costs.complete_weekends}",
            f"Optimal coverage constraints: {costs.optimal_coverage}",
            "",
            "------------------------",
            "",
            f"Total cost: {costs.total}",
        ]
        return "\n".join(lines) + "\n"


def roster_grid(roster: Sequence[tuple[str, Sequence[str | None]]], weeks: int) -> list[str]:
    """The report's roster: a `|M|T|W|...` header, a rule, one row per nurse (shift initial or `-`).

    validator.txt shows one layout only (names of at most 7 letters): the name column is one wider than
    the longest name, weeks are separated by a space, the rule is two dashes longer than the header.
    """
    width = max((len(nurse) for nurse, _ in roster), default=0) + 1
    header = " " * width + " ".join("|" + "|".join(day[0] for day in DAY_NAMES) + "|" for _ in range(weeks))
    rows = [header, "-" * (len(header) + 2)]
    for nurse, shifts in roster:
        cells = ["-" if shift is None else shift[0] for shift in shifts]
        blocks = (cells[week * DAYS_PER_WEEK : (week + 1) * DAYS_PER_WEEK] for week in range(weeks))
        rows.append(nurse.ljust(width) + " ".join("|" + "|".join(block) + "|" for block in blocks))
    return rows


# --- the horizon ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Horizon:
    """The concatenated weeks: every assignment on its horizon day, each nurse's shift type per day."""

    scenario: Scenario
    history: dict[str, NurseHistory]
    weeks: tuple[WeekData, ...]
    assignments: tuple[tuple[int, Assignment], ...]
    shifts: dict[str, tuple[str | None, ...]]


def _horizon(
    scenario: Scenario, history: History, weeks: Sequence[WeekData], solutions: Sequence[Solution]
) -> _Horizon:
    """Put the weeks' solutions on one horizon (a nurse's shift type on a day is her first assignment's)."""
    placed = tuple(
        (stage * DAYS_PER_WEEK + assignment.day, assignment)
        for stage, solution in enumerate(solutions)
        for assignment in solution.assignments
    )
    days = len(weeks) * DAYS_PER_WEEK
    first: dict[tuple[str, int], str] = {}
    for day, assignment in placed:
        first.setdefault((assignment.nurse, day), assignment.shift_type)
    shifts = {
        nurse.name: tuple(first.get((nurse.name, day)) for day in range(days)) for nurse in scenario.nurses
    }
    return _Horizon(scenario, {entry.nurse: entry for entry in history.nurses}, tuple(weeks), placed, shifts)


# --- hard constraints -----------------------------------------------------------------------------------


def _single_assignment(horizon: _Horizon) -> list[Penalty]:
    """H1: each assignment beyond a nurse's first on a day."""
    seen: set[tuple[str, int]] = set()
    penalties = []
    for day, assignment in horizon.assignments:
        key = (assignment.nurse, day)
        if key in seen:
            penalties.append(Penalty("H1", assignment.nurse, day, 1, 0, "second assignment on one day"))
        seen.add(key)
    return penalties


def _required_skill(horizon: _Horizon) -> list[Penalty]:
    """H4: assignments covering a skill the nurse does not have."""
    penalties = []
    for day, assignment in horizon.assignments:
        nurse = horizon.scenario.nurse(assignment.nurse)
        if nurse is not None and assignment.skill not in nurse.skills:
            detail = f"{assignment.shift_type} as {assignment.skill} without that skill"
            penalties.append(Penalty("H4", assignment.nurse, day, 1, 0, detail))
    return penalties


def _successions(horizon: _Horizon) -> list[Penalty]:
    """H3: forbidden successions of a nurse's shift types on consecutive days.

    The history's last shift type precedes the horizon's first Monday (paper, B.3 and Table 12).
    """
    forbidden = horizon.scenario.forbidden_successions
    penalties = []
    for nurse, shifts in horizon.shifts.items():
        previous = horizon.history[nurse].last_shift_type
        for day, shift in enumerate(shifts):
            if previous is not None and shift is not None and (previous, shift) in forbidden:
                penalties.append(Penalty("H3", nurse, day, 1, 0, f"{shift} after {previous}"))
            previous = shift
    return penalties


def _cover(horizon: _Horizon) -> list[Penalty]:
    """H2 (below the minimum, hard) and S1 (below the optimum, 30 per nurse); extra nurses cost nothing."""
    counts: dict[tuple[int, str, str], int] = {}
    for day, assignment in horizon.assignments:
        key = (day, assignment.shift_type, assignment.skill)
        counts[key] = counts.get(key, 0) + 1
    penalties = []
    for stage, week in enumerate(horizon.weeks):
        for requirement in week.requirements:
            for weekday in range(DAYS_PER_WEEK):
                day = stage * DAYS_PER_WEEK + weekday
                present = counts.get((day, requirement.shift_type, requirement.skill), 0)
                what = f"{requirement.shift_type} {requirement.skill}: {present} nurse(s)"
                minimum, optimal = requirement.minimum[weekday], requirement.optimal[weekday]
                if present < minimum:
                    penalties.append(
                        Penalty("H2", None, day, minimum - present, 0, f"{what}, minimum {minimum}")
                    )
                if present < optimal:
                    units = optimal - present
                    cost = units * OPTIMAL_COVERAGE_WEIGHT
                    penalties.append(Penalty("S1", None, day, units, cost, f"{what}, optimum {optimal}"))
    return penalties


# --- consecutive runs (S2, S3) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RunBreach:
    """Days above the maximum or below the minimum of one run; `day` is the run's first horizon day
    (0 for a run carried over from the history, or for a history run that ended at the border)."""

    day: int
    length: int
    units: int
    bound: str  # "max" or "min"


def _runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """(first day, length) of each maximal run of True days."""
    runs: list[tuple[int, int]] = []
    for day, flag in enumerate(flags):
        if not flag:
            continue
        if runs and runs[-1][0] + runs[-1][1] == day:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((day, 1))
    return runs


def run_breaches(flags: Sequence[bool], carried: int, minimum: int, maximum: int) -> list[RunBreach]:
    """Breaches of (minimum, maximum) consecutive days by the runs of True days of a horizon.

    `carried` is the length of the run the history ends with; a run on the horizon's first day continues
    it. The border rules come from the paper's Appendix B (B.1 for S2, B.2 for S3, the same tables for a
    shift type's runs); the comments say which table, and which given totals would change without them.
    """
    runs = _runs(flags)
    breaches: list[RunBreach] = []
    # A history run that the horizon's first day ends is charged what it misses of the minimum, as it
    # was not charged at the end of its own week (Tables 7 and 11; without this rule 6 of the 9 README
    # totals, validator.txt's included, would drop).
    if carried and not (runs and runs[0][0] == 0) and carried < minimum:
        breaches.append(RunBreach(0, carried, minimum - carried, "min"))
    for first, length in runs:
        from_history = carried if first == 0 else 0
        total = from_history + length
        # A run continuing the history is charged only the days above the maximum that the horizon
        # adds: the history's own excess was charged in its week (Tables 4, 5 and 9; no given history
        # exceeds a maximum, so only the paper's tables and the tests support this rule).
        above = max(0, total - maximum) - max(0, from_history - maximum)
        if above:
            breaches.append(RunBreach(first, total, above, "max"))
        # The run reaching the horizon's last day is not charged for the minimum, as it may go on
        # (B.1: "not taken into account at the end of a stage"; charging it would raise all 9 README
        # totals). It is charged for the maximum (Tables 6 and 10; validator.txt needs it).
        reaches_end = first + length == len(flags)
        if not reaches_end and total < minimum:
            breaches.append(RunBreach(first, total, minimum - total, "min"))
    return breaches


def _run_penalties(
    constraint: str, nurse: str, what: str, breaches: list[RunBreach], weight: int
) -> list[Penalty]:
    return [
        Penalty(
            constraint,
            nurse,
            breach.day,
            breach.units,
            breach.units * weight,
            f"{breach.length} consecutive {what}, {breach.units} day(s) beyond the {breach.bound}imum",
        )
        for breach in breaches
    ]


def _consecutive(horizon: _Horizon) -> list[Penalty]:
    """S2 (working days 30, each shift type 15) and S3 (days off 30), runs continuing the history."""
    penalties = []
    for nurse in horizon.scenario.nurses:
        contract = horizon.scenario.contract(nurse.contract)
        shifts = horizon.shifts[nurse.name]
        past = horizon.history[nurse.name]
        working = run_breaches(
            [shift is not None for shift in shifts],
            past.consecutive_working_days,
            contract.min_consecutive_working_days,
            contract.max_consecutive_working_days,
        )
        penalties += _run_penalties(
            "S2", nurse.name, "working days", working, CONSECUTIVE_WORKING_DAYS_WEIGHT
        )
        for shift_type in horizon.scenario.shift_types:
            carried = past.consecutive_shift_type if past.last_shift_type == shift_type.name else 0
            same = run_breaches(
                [shift == shift_type.name for shift in shifts],
                carried,
                shift_type.min_consecutive,
                shift_type.max_consecutive,
            )
            penalties += _run_penalties(
                "S2", nurse.name, shift_type.name, same, CONSECUTIVE_SHIFT_TYPE_WEIGHT
            )
        off = run_breaches(
            [shift is None for shift in shifts],
            past.consecutive_days_off,
            contract.min_consecutive_days_off,
            contract.max_consecutive_days_off,
        )
        penalties += _run_penalties("S3", nurse.name, "days off", off, CONSECUTIVE_DAYS_OFF_WEIGHT)
    return penalties


# --- preferences and weekends -----------------------------------------------------------------------------


def _preferences(horizon: _Horizon) -> list[Penalty]:
    """S4: a shift-off request is violated by working that shift type (`Any`: any shift) that day."""
    worked: dict[tuple[str, int], set[str]] = {}
    for day, assignment in horizon.assignments:
        worked.setdefault((assignment.nurse, day), set()).add(assignment.shift_type)
    penalties = []
    for stage, week in enumerate(horizon.weeks):
        for request in week.shift_off_requests:
            day = stage * DAYS_PER_WEEK + request.day
            shifts = worked.get((request.nurse, day), set())
            if shifts if request.shift_type is None else request.shift_type in shifts:
                wish = "Any" if request.shift_type is None else request.shift_type
                penalties.append(Penalty("S4", request.nurse, day, 1, PREFERENCE_WEIGHT, f"asked {wish} off"))
    return penalties


def _weekends_worked(shifts: Sequence[str | None], weeks: int) -> list[tuple[bool, bool]]:
    """(Saturday worked, Sunday worked) for each week of the horizon."""
    return [
        (
            shifts[week * DAYS_PER_WEEK + SATURDAY] is not None,
            shifts[week * DAYS_PER_WEEK + SUNDAY] is not None,
        )
        for week in range(weeks)
    ]


def _weekends(horizon: _Horizon) -> list[Penalty]:
    """S5 (one of Saturday and Sunday worked, when the contract asks for complete weekends) and S7
    (working weekends above the contract's maximum, counting the history's, at the horizon's end)."""
    penalties = []
    for nurse in horizon.scenario.nurses:
        contract = horizon.scenario.contract(nurse.contract)
        weekends = _weekends_worked(horizon.shifts[nurse.name], len(horizon.weeks))
        for week, (saturday, sunday) in enumerate(weekends):
            if contract.complete_weekends and saturday != sunday:
                day = week * DAYS_PER_WEEK + (SATURDAY if saturday else SUNDAY)
                penalties.append(
                    Penalty("S5", nurse.name, day, 1, COMPLETE_WEEKEND_WEIGHT, "incomplete weekend")
                )
        # The history's counter of working weekends is added (paper, Sections 2.3 and 2.5.2: counters
        # are checked against the limits only at the end of the planning period).
        total = horizon.history[nurse.name].working_weekends + sum(any(weekend) for weekend in weekends)
        if total > contract.max_working_weekends:
            units = total - contract.max_working_weekends
            detail = f"{total} working weekends, maximum {contract.max_working_weekends}"
            penalties.append(Penalty("S7", nurse.name, None, units, units * WORKING_WEEKENDS_WEIGHT, detail))
    return penalties


def _total_assignments(horizon: _Horizon) -> list[Penalty]:
    """S6: working days (the history's plus the horizon's) outside the contract's (min, max)."""
    penalties = []
    for nurse in horizon.scenario.nurses:
        contract = horizon.scenario.contract(nurse.contract)
        worked = sum(shift is not None for shift in horizon.shifts[nurse.name])
        # The history's counter of assignments is added (paper, Sections 2.3 and 2.5.2); the README's
        # n021w4 history 0 (NU_5 starts with 3) gives 2305 only with it (2245 without).
        total = horizon.history[nurse.name].assignments + worked
        units = max(0, contract.min_assignments - total) + max(0, total - contract.max_assignments)
        if units:
            detail = f"{total} assignments, limits ({contract.min_assignments},{contract.max_assignments})"
            penalties.append(Penalty("S6", nurse.name, None, units, units * TOTAL_ASSIGNMENTS_WEIGHT, detail))
    return penalties


# --- evaluation ---------------------------------------------------------------------------------------


def _cost(penalties: Sequence[Penalty], constraint: str) -> int:
    return sum(penalty.cost for penalty in penalties if penalty.constraint == constraint)


def _units(penalties: Sequence[Penalty], constraint: str) -> int:
    return sum(penalty.units for penalty in penalties if penalty.constraint == constraint)


def evaluate(
    scenario: Scenario, history: History, weeks: Sequence[WeekData], solutions: Sequence[Solution]
) -> Evaluation:
    """Evaluate one planning horizon: the initial history, then week i's data with solution i."""
    if not weeks or len(weeks) != len(solutions):
        raise ValueError(f"need one solution per week: {len(weeks)} week(s), {len(solutions)} solution(s)")
    check_references(scenario, history, weeks, solutions)
    horizon = _horizon(scenario, history, weeks, solutions)
    penalties = [
        *_single_assignment(horizon),
        *_cover(horizon),
        *_successions(horizon),
        *_required_skill(horizon),
        *_consecutive(horizon),
        *_preferences(horizon),
        *_weekends(horizon),
        *_total_assignments(horizon),
    ]
    hard = HardViolations(
        minimal_coverage=_units(penalties, "H2"),
        required_skill=_units(penalties, "H4"),
        illegal_succession=_units(penalties, "H3"),
        single_assignment=_units(penalties, "H1"),
    )
    costs = Costs(
        total_assignments=_cost(penalties, "S6"),
        consecutive=_cost(penalties, "S2"),
        non_working_days=_cost(penalties, "S3"),
        preferences=_cost(penalties, "S4"),
        max_working_weekend=_cost(penalties, "S7"),
        complete_weekends=_cost(penalties, "S5"),
        optimal_coverage=_cost(penalties, "S1"),
    )
    roster = tuple((nurse.name, horizon.shifts[nurse.name]) for nurse in scenario.nurses)
    return Evaluation(scenario.name, len(weeks), roster, hard, costs, tuple(penalties))


def evaluate_files(scenario: Path, history: Path, weeks: list[Path], solutions: list[Path]) -> Evaluation:
    """Read and evaluate: scenario, initial history, the week data files, one solution per week in order."""
    return evaluate(
        read_scenario(scenario),
        read_history(history),
        [read_week_data(path) for path in weeks],
        [read_solution(path) for path in solutions],
    )


def solution_folder_files(
    instance_dir: Path, solution_dir: Path
) -> tuple[Path, Path, list[Path], list[Path]]:
    """Scenario, history, week data and solution files of a `Solution_H_<h>-WD_<w1>-<w2>-...` folder.

    The instance is named by the folder's only `Sc-<instance>.txt`; stage i's solution is
    `Sol-<instance>-<w_i>-<i>.txt`.
    """
    match = _SOLUTION_FOLDER.match(solution_dir.name)
    if match is None:
        raise ValueError(f"{solution_dir}: expected a folder named Solution_H_<h>-WD_<w1>-<w2>-...")
    scenarios = sorted(instance_dir.glob("Sc-*.txt"))
    if len(scenarios) != 1:
        raise ValueError(f"{instance_dir}: expected one Sc-<instance>.txt, found {len(scenarios)}")
    instance = scenarios[0].stem.removeprefix("Sc-")
    week_names = match.group(2).split("-")
    history = instance_dir / f"H0-{instance}-{match.group(1)}.txt"
    weeks = [instance_dir / f"WD-{instance}-{week}.txt" for week in week_names]
    solutions = [solution_dir / f"Sol-{instance}-{week}-{stage}.txt" for stage, week in enumerate(week_names)]
    missing = [str(path) for path in (history, *weeks, *solutions) if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"missing file(s): {', '.join(missing)}")
    return scenarios[0], history, weeks, solutions


def evaluate_folder(instance_dir: Path, solution_dir: Path) -> Evaluation:
    """Evaluate the solutions of a `Solution_H_<h>-WD_...` folder of an instance folder."""
    return evaluate_files(*solution_folder_files(instance_dir, solution_dir))
