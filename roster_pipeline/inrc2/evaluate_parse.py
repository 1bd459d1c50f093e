"""The INRC-II evaluator's own reading of the competition's text files.

Written from Appendix A of Ceschia et al., "Second International Nurse Rostering Competition (INRC-II):
Problem Description and Rules" (arXiv:1501.04177), and the files of `/work/shared/benchmarks/inrc2`.
Four file kinds: scenario (`Sc-*.txt`), history (`H0-*.txt`), week data (`WD-*.txt`) and solution
(`Sol-*.txt`). Blank lines and surrounding whitespace (including CRLF line ends) do not matter; every
other line is read. Each file is checked on its own here (counts, numbers, names defined in the same
file); references between files (a solution's nurse, a week's shift type) are checked by the evaluator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

DAY_NAMES: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ANY_SHIFT = "Any"  # a shift-off request for the whole day (Section 2.2)
NO_SHIFT = "None"  # a history whose last day was a day off (Section 2.3)

_PAIR = re.compile(r"\(\s*(\d+)\s*,\s*(\d+)\s*\)")
_HEADER = re.compile(r"^(\w+)\s*=\s*(\S+)$")


class Inrc2FormatError(ValueError):
    """A competition file the evaluator cannot read; the message names the file, the line and the problem."""

    def __init__(self, source: str, line: int | None, problem: str) -> None:
        where = source if line is None else f"{source}, line {line}"
        super().__init__(f"{where}: {problem}")
        self.source = source
        self.line = line
        self.problem = problem


@dataclass(frozen=True)
class ShiftType:
    """A shift type with its (min, max) consecutive assignments."""

    name: str
    min_consecutive: int
    max_consecutive: int


@dataclass(frozen=True)
class Contract:
    """A contract's limits, in the scenario file's order."""

    name: str
    min_assignments: int
    max_assignments: int
    min_consecutive_working_days: int
    max_consecutive_working_days: int
    min_consecutive_days_off: int
    max_consecutive_days_off: int
    max_working_weekends: int
    complete_weekends: bool


@dataclass(frozen=True)
class Nurse:
    """A nurse: name, contract name and skills."""

    name: str
    contract: str
    skills: tuple[str, ...]


@dataclass(frozen=True)
class Scenario:
    """A scenario file; `forbidden_successions` holds (preceding, succeeding) shift type pairs."""

    source: str
    name: str
    weeks: int
    skills: tuple[str, ...]
    shift_types: tuple[ShiftType, ...]
    forbidden_successions: frozenset[tuple[str, str]]
    contracts: tuple[Contract, ...]
    nurses: tuple[Nurse, ...]

    def shift_type(self, name: str) -> ShiftType | None:
        """The shift type of that name, if any."""
        return next((shift for shift in self.shift_types if shift.name == name), None)

    def contract(self, name: str) -> Contract:
        """The contract of that name (the parser guarantees every nurse's contract exists)."""
        return next(contract for contract in self.contracts if contract.name == name)

    def nurse(self, name: str) -> Nurse | None:
        """The nurse of that name, if any."""
        return next((nurse for nurse in self.nurses if nurse.name == name), None)


@dataclass(frozen=True)
class NurseHistory:
    """One NURSE_HISTORY line: counters and border data (`last_shift_type` None for a day off)."""

    nurse: str
    assignments: int
    working_weekends: int
    last_shift_type: str | None
    consecutive_shift_type: int
    consecutive_working_days: int
    consecutive_days_off: int
    line: int


@dataclass(frozen=True)
class History:
    """A history file: the week it follows and one entry per nurse."""

    source: str
    week: int
    scenario_name: str
    nurses: tuple[NurseHistory, ...]
    header_line: int = 0  # the line naming the week and the scenario


@dataclass(frozen=True)
class Requirement:
    """Minimum and optimal cover of one (shift type, skill), Mon..Sun."""

    shift_type: str
    skill: str
    minimum: tuple[int, ...]
    optimal: tuple[int, ...]
    line: int


@dataclass(frozen=True)
class ShiftOffRequest:
    """A nurse's wish not to work a shift type (None: any shift) on a day (0 = Mon)."""

    nurse: str
    shift_type: str | None
    day: int
    line: int


@dataclass(frozen=True)
class WeekData:
    """A week data file: cover requirements and shift-off requests."""

    source: str
    scenario_name: str
    requirements: tuple[Requirement, ...]
    shift_off_requests: tuple[ShiftOffRequest, ...]
    header_line: int = 0  # the line naming the scenario


@dataclass(frozen=True)
class Assignment:
    """One solution line: a nurse works a shift type on a day (0 = Mon) covering a skill."""

    nurse: str
    day: int
    shift_type: str
    skill: str
    line: int


@dataclass(frozen=True)
class Solution:
    """A solution file for one week (`week` is the stage, 0 for the first week)."""

    source: str
    week: int
    scenario_name: str
    assignments: tuple[Assignment, ...]
    header_line: int = 0  # the line naming the week and the scenario


@dataclass
class _Reader:
    """The non-blank lines of one file, read front to back, as (line number, text)."""

    source: str
    lines: list[tuple[int, str]]
    position: int = field(default=0)

    @classmethod
    def of(cls, text: str, source: str) -> _Reader:
        numbered = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)]
        return cls(source, [(number, line) for number, line in numbered if line])

    def error(self, line: int | None, problem: str) -> Inrc2FormatError:
        return Inrc2FormatError(self.source, line, problem)

    def at_end(self) -> bool:
        return self.position >= len(self.lines)

    def peek(self) -> str:
        return "" if self.at_end() else self.lines[self.position][1]

    def next(self, expected: str) -> tuple[int, str]:
        """The next line; a clear error when the file ends before it."""
        if self.at_end():
            last = self.lines[-1][0] if self.lines else None
            raise self.error(last, f"file ends where {expected} was expected")
        self.position += 1
        return self.lines[self.position - 1]

    def keyword(self, word: str) -> None:
        """A line holding exactly `word`."""
        number, text = self.next(word)
        if text != word:
            raise self.error(number, f"expected {word!r}, found {text!r}")

    def header(self, word: str) -> tuple[int, str]:
        """A `WORD = value` line: its line number and value."""
        number, text = self.next(f"'{word} = ...'")
        match = _HEADER.match(text)
        if match is None or match.group(1) != word:
            raise self.error(number, f"expected '{word} = ...', found {text!r}")
        return number, match.group(2)

    def count(self, word: str) -> tuple[int, int]:
        """A `WORD = n` line: its line number and n."""
        number, value = self.header(word)
        return number, self.number(number, value, f"the number after {word}")

    def number(self, line: int, token: str, what: str) -> int:
        if not token.isdigit():
            raise self.error(line, f"{what} must be a non-negative integer, found {token!r}")
        return int(token)

    def finish(self) -> None:
        if not self.at_end():
            number, text = self.lines[self.position]
            raise self.error(number, f"unexpected line {text!r}")


def _pairs(reader: _Reader, line: int, tokens: list[str], count: int, what: str) -> list[tuple[int, int]]:
    """Exactly `count` tokens of the form `(a,b)`."""
    if len(tokens) != count:
        raise reader.error(line, f"expected {count} {what} '(a,b)', found {len(tokens)}")
    pairs = []
    for token in tokens:
        match = _PAIR.fullmatch(token)
        if match is None:
            raise reader.error(line, f"expected {what} '(a,b)', found {token!r}")
        pairs.append((int(match.group(1)), int(match.group(2))))
    return pairs


def _tokens(text: str) -> list[str]:
    """Whitespace-separated tokens, a pair `( a , b )` kept as one token `(a,b)`."""
    return _PAIR.sub(lambda match: f"({match.group(1)},{match.group(2)})", text).split()


def _day(reader: _Reader, line: int, token: str) -> int:
    if token not in DAY_NAMES:
        raise reader.error(line, f"unknown day {token!r} (expected one of {', '.join(DAY_NAMES)})")
    return DAY_NAMES.index(token)


def _unique(reader: _Reader, line: int, name: str, seen: set[str], what: str) -> None:
    if name in seen:
        raise reader.error(line, f"{what} {name!r} is listed twice")
    seen.add(name)


def _known(reader: _Reader, line: int, name: str, known: set[str] | tuple[str, ...], what: str) -> None:
    if name not in known:
        raise reader.error(line, f"unknown {what} {name!r}")


def _week_and_scenario(reader: _Reader) -> tuple[int, str, int]:
    """The `<week> <scenario>` line of a history or solution file: week, scenario, line number."""
    number, text = reader.next("'<week> <scenario>'")
    tokens = text.split()
    if len(tokens) != 2:
        raise reader.error(number, f"expected '<week> <scenario>', found {text!r}")
    return reader.number(number, tokens[0], "the week"), tokens[1], number


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise Inrc2FormatError(str(path), None, f"cannot read the file ({error})") from error


def _scenario_skills(reader: _Reader) -> tuple[str, ...]:
    _, count = reader.count("SKILLS")
    skills: list[str] = []
    for _ in range(count):
        number, text = reader.next("a skill")
        if len(text.split()) != 1:
            raise reader.error(number, f"expected one skill name, found {text!r}")
        _unique(reader, number, text, set(skills), "skill")
        skills.append(text)
    return tuple(skills)


def _scenario_shift_types(reader: _Reader) -> tuple[ShiftType, ...]:
    _, count = reader.count("SHIFT_TYPES")
    shift_types: list[ShiftType] = []
    seen: set[str] = set()
    for _ in range(count):
        number, text = reader.next("a shift type '<name> (min,max)'")
        tokens = _tokens(text)
        if len(tokens) != 2:
            raise reader.error(number, f"expected '<shift type> (min,max)', found {text!r}")
        _unique(reader, number, tokens[0], seen, "shift type")
        ((low, high),) = _pairs(reader, number, tokens[1:], 1, "consecutive assignments")
        shift_types.append(ShiftType(tokens[0], low, high))
    return tuple(shift_types)


def _scenario_successions(reader: _Reader, shift_names: tuple[str, ...]) -> frozenset[tuple[str, str]]:
    reader.keyword("FORBIDDEN_SHIFT_TYPES_SUCCESSIONS")
    forbidden: set[tuple[str, str]] = set()
    seen: set[str] = set()
    for _ in shift_names:
        number, text = reader.next("'<shift type> <n> <succeeding shift types>'")
        tokens = text.split()
        if len(tokens) < 2:
            raise reader.error(number, f"expected '<shift type> <n> <shift types...>', found {text!r}")
        _known(reader, number, tokens[0], shift_names, "shift type")
        _unique(reader, number, tokens[0], seen, "shift type")
        count = reader.number(number, tokens[1], "the number of forbidden successions")
        if len(tokens) != 2 + count:
            raise reader.error(number, f"{count} forbidden successions announced, {len(tokens) - 2} listed")
        for follower in tokens[2:]:
            _known(reader, number, follower, shift_names, "shift type")
            forbidden.add((tokens[0], follower))
    return frozenset(forbidden)


def _scenario_contracts(reader: _Reader) -> tuple[Contract, ...]:
    _, count = reader.count("CONTRACTS")
    contracts: list[Contract] = []
    seen: set[str] = set()
    for _ in range(count):
        number, text = reader.next("a contract")
        tokens = _tokens(text)
        if len(tokens) != 6:
            raise reader.error(
                number,
                f"expected '<contract> (min,max) (min,max) (min,max) <weekends> <0|1>', found {text!r}",
            )
        _unique(reader, number, tokens[0], seen, "contract")
        total, working, off = _pairs(reader, number, tokens[1:4], 3, "limits")
        weekends = reader.number(number, tokens[4], "the maximum number of working weekends")
        if tokens[5] not in ("0", "1"):
            raise reader.error(number, f"the complete weekends flag must be 0 or 1, found {tokens[5]!r}")
        contracts.append(Contract(tokens[0], *total, *working, *off, weekends, tokens[5] == "1"))
    return tuple(contracts)


def _scenario_nurses(
    reader: _Reader, contracts: tuple[Contract, ...], skills: tuple[str, ...]
) -> tuple[Nurse, ...]:
    _, count = reader.count("NURSES")
    contract_names = tuple(contract.name for contract in contracts)
    nurses: list[Nurse] = []
    seen: set[str] = set()
    for _ in range(count):
        number, text = reader.next("a nurse")
        tokens = text.split()
        if len(tokens) < 3:
            raise reader.error(number, f"expected '<nurse> <contract> <n> <skills...>', found {text!r}")
        _unique(reader, number, tokens[0], seen, "nurse")
        _known(reader, number, tokens[1], contract_names, "contract")
        skill_count = reader.number(number, tokens[2], "the number of skills")
        if len(tokens) != 3 + skill_count:
            raise reader.error(number, f"{skill_count} skills announced, {len(tokens) - 3} listed")
        for skill in tokens[3:]:
            _known(reader, number, skill, skills, "skill")
        nurses.append(Nurse(tokens[0], tokens[1], tuple(tokens[3:])))
    return tuple(nurses)


def parse_scenario(text: str, source: str = "<scenario>") -> Scenario:
    """A scenario file's text (`source` names it in errors)."""
    reader = _Reader.of(text, source)
    _, name = reader.header("SCENARIO")
    weeks_line, weeks_text = reader.header("WEEKS")
    weeks = reader.number(weeks_line, weeks_text, "the number of weeks")
    skills = _scenario_skills(reader)
    shift_types = _scenario_shift_types(reader)
    forbidden = _scenario_successions(reader, tuple(shift.name for shift in shift_types))
    contracts = _scenario_contracts(reader)
    nurses = _scenario_nurses(reader, contracts, skills)
    reader.finish()
    return Scenario(source, name, weeks, skills, shift_types, forbidden, contracts, nurses)


def _nurse_history(reader: _Reader, number: int, text: str) -> NurseHistory:
    tokens = text.split()
    if len(tokens) != 7:
        raise reader.error(
            number,
            "expected '<nurse> <assignments> <working weekends> <last shift type|None> "
            f"<consecutive shift type> <consecutive working days> <consecutive days off>', found {text!r}",
        )
    nurse, assignments, weekends, last, same_shift, working, off = tokens
    history = NurseHistory(
        nurse,
        reader.number(number, assignments, "the number of assignments"),
        reader.number(number, weekends, "the number of working weekends"),
        None if last == NO_SHIFT else last,
        reader.number(number, same_shift, "the number of consecutive assignments of the last shift type"),
        reader.number(number, working, "the number of consecutive working days"),
        reader.number(number, off, "the number of consecutive days off"),
        number,
    )
    # Section 2.3: both consecutive-work counters are 0 after a day off, the days-off counter is 0
    # after a working day.
    if history.last_shift_type is None and (
        history.consecutive_shift_type or history.consecutive_working_days
    ):
        raise reader.error(number, "a history ending on a day off (None) must have 0 consecutive assignments")
    if history.last_shift_type is not None and history.consecutive_days_off:
        raise reader.error(number, "a history ending on a shift must have 0 consecutive days off")
    return history


def parse_history(text: str, source: str = "<history>") -> History:
    """A history file's text (`source` names it in errors)."""
    reader = _Reader.of(text, source)
    reader.keyword("HISTORY")
    week, scenario_name, header_line = _week_and_scenario(reader)
    reader.keyword("NURSE_HISTORY")
    nurses: list[NurseHistory] = []
    seen: set[str] = set()
    while not reader.at_end():
        number, text_line = reader.next("a nurse history")
        history = _nurse_history(reader, number, text_line)
        _unique(reader, number, history.nurse, seen, "nurse")
        nurses.append(history)
    return History(source, week, scenario_name, tuple(nurses), header_line)


def _requirement(reader: _Reader, number: int, text: str) -> Requirement:
    tokens = _tokens(text)
    if len(tokens) < 2:
        raise reader.error(number, f"expected '<shift type> <skill> (min,opt) x7', found {text!r}")
    pairs = _pairs(reader, number, tokens[2:], len(DAY_NAMES), "Mon..Sun cover")
    minimum = tuple(low for low, _ in pairs)
    optimal = tuple(best for _, best in pairs)
    return Requirement(tokens[0], tokens[1], minimum, optimal, number)


def _shift_off_request(reader: _Reader, number: int, text: str) -> ShiftOffRequest:
    tokens = text.split()
    if len(tokens) != 3:
        raise reader.error(number, f"expected '<nurse> <shift type|Any> <day>', found {text!r}")
    shift = None if tokens[1] == ANY_SHIFT else tokens[1]
    return ShiftOffRequest(tokens[0], shift, _day(reader, number, tokens[2]), number)


def parse_week_data(text: str, source: str = "<week data>") -> WeekData:
    """A week data file's text (`source` names it in errors)."""
    reader = _Reader.of(text, source)
    reader.keyword("WEEK_DATA")
    header_line, scenario_name = reader.next("the scenario name")
    if len(scenario_name.split()) != 1:
        raise reader.error(header_line, f"expected the scenario name, found {scenario_name!r}")
    reader.keyword("REQUIREMENTS")
    requirements: list[Requirement] = []
    seen: set[str] = set()
    while not reader.at_end() and not reader.peek().startswith("SHIFT_OFF_REQUESTS"):
        number, text_line = reader.next("a requirement")
        requirement = _requirement(reader, number, text_line)
        key = f"{requirement.shift_type} {requirement.skill}"
        _unique(reader, number, key, seen, "requirement")
        requirements.append(requirement)
    _, count = reader.count("SHIFT_OFF_REQUESTS")
    requests = [_shift_off_request(reader, *reader.next("a shift-off request")) for _ in range(count)]
    reader.finish()
    return WeekData(source, scenario_name, tuple(requirements), tuple(requests), header_line)


def _assignment(reader: _Reader, number: int, text: str) -> Assignment:
    tokens = text.split()
    if len(tokens) != 4:
        raise reader.error(number, f"expected '<nurse> <day> <shift type> <skill>', found {text!r}")
    return Assignment(tokens[0], _day(reader, number, tokens[1]), tokens[2], tokens[3], number)


def parse_solution(text: str, source: str = "<solution>") -> Solution:
    """A week's solution file's text (`source` names it in errors)."""
    reader = _Reader.of(text, source)
    reader.keyword("SOLUTION")
    week, scenario_name, header_line = _week_and_scenario(reader)
    _, count = reader.count("ASSIGNMENTS")
    assignments = [_assignment(reader, *reader.next("an assignment")) for _ in range(count)]
    # Lines after the announced assignments are not read: a given solution file
    # (n005w4/Solution_H_0-WD_1-2-3-3/Sol-n005w4-2-1.txt) ends with its solver's "Viol:", "Cost:" and
    # "Time:" lines, and the official validator scored it (validator.txt).
    return Solution(source, week, scenario_name, tuple(assignments), header_line)


def read_scenario(path: Path) -> Scenario:
    """A scenario file (`Sc-<instance>.txt`)."""
    return parse_scenario(_read_text(path), str(path))


def read_history(path: Path) -> History:
    """A history file (`H0-<instance>-<h>.txt`)."""
    return parse_history(_read_text(path), str(path))


def read_week_data(path: Path) -> WeekData:
    """A week data file (`WD-<instance>-<w>.txt`)."""
    return parse_week_data(_read_text(path), str(path))


def read_solution(path: Path) -> Solution:
    """A week's solution file (`Sol-<instance>-<w>-<stage>.txt`)."""
    return parse_solution(_read_text(path), str(path))
