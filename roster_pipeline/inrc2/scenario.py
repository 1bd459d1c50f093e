"""The solving side's own reading of the INRC-II instance files (scenario, history, week data).

Independent of the evaluator's parser (`evaluate_parse`): the bench reads instances here and the
evaluator reads them (and the solutions the bench writes) on its own, so a misreading on one side
shows up as a disagreement. Formats: Ceschia et al., arXiv:1501.04177, Appendix A. Blank lines and
surrounding whitespace (CRLF included) are ignored. Every problem is one `Inrc2InputError` naming the
file and the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_PAIR = re.compile(r"\(\s*(\d+)\s*,\s*(\d+)\s*\)")


class Inrc2InputError(ValueError):
    """An instance file the bench cannot use: `file, line N: problem`."""

    def __init__(self, file: str, line: int | None, problem: str) -> None:
        super().__init__(f"{file}{'' if line is None else f', line {line}'}: {problem}")


@dataclass(frozen=True)
class Shift:
    name: str
    min_run: int
    max_run: int


@dataclass(frozen=True)
class Contract:
    name: str
    min_total: int
    max_total: int
    min_work_run: int
    max_work_run: int
    min_off_run: int
    max_off_run: int
    max_weekends: int
    complete_weekends: bool


@dataclass(frozen=True)
class Nurse:
    name: str
    contract: str
    skills: tuple[str, ...]


@dataclass(frozen=True)
class Scenario:
    file: str
    name: str
    weeks: int
    skills: tuple[str, ...]
    shifts: tuple[Shift, ...]
    forbidden: dict[str, tuple[str, ...]]  # shift -> shifts that may not follow it the next day
    contracts: dict[str, Contract]
    nurses: tuple[Nurse, ...]


@dataclass(frozen=True)
class NurseState:
    """A NURSE_HISTORY line: counters before the first week."""

    assignments: int
    weekends: int
    last_shift: str | None
    same_shift_run: int
    work_run: int
    off_run: int


@dataclass(frozen=True)
class History:
    file: str
    nurses: dict[str, NurseState]


@dataclass(frozen=True)
class Requirement:
    shift: str
    skill: str
    minimum: tuple[int, ...]  # Mon..Sun
    optimal: tuple[int, ...]


@dataclass(frozen=True)
class Week:
    file: str
    requirements: tuple[Requirement, ...]
    requests: tuple[tuple[str, str | None, int], ...]  # (nurse, shift or None for any, weekday)


class _Lines:
    """Non-blank lines of a file with their numbers, consumed front to back."""

    def __init__(self, path: Path) -> None:
        self.file = str(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise Inrc2InputError(self.file, None, "no such file") from None
        except (OSError, UnicodeDecodeError) as error:
            raise Inrc2InputError(self.file, None, f"cannot be read ({error})") from None
        self.lines = [(n, t.strip()) for n, t in enumerate(text.splitlines(), 1) if t.strip()]
        self.i = 0

    def fail(self, line: int | None, problem: str) -> Inrc2InputError:
        return Inrc2InputError(self.file, line, problem)

    def done(self) -> bool:
        return self.i >= len(self.lines)

    def take(self, what: str) -> tuple[int, str]:
        if self.done():
            raise self.fail(self.lines[-1][0] if self.lines else None, f"ends where {what} was expected")
        self.i += 1
        return self.lines[self.i - 1]

    def word(self, word: str) -> None:
        n, text = self.take(word)
        if text != word:
            raise self.fail(n, f"expected {word!r}, found {text!r}")

    def setting(self, key: str) -> tuple[int, str]:
        n, text = self.take(f"'{key} = ...'")
        name, sep, value = text.partition("=")
        if not sep or name.strip() != key or not value.strip():
            raise self.fail(n, f"expected '{key} = ...', found {text!r}")
        return n, value.strip()

    def int(self, n: int, token: str, what: str) -> int:
        if not token.isdigit():
            raise self.fail(n, f"{what} must be a whole number >= 0, found {token!r}")
        return int(token)

    def count(self, key: str) -> int:
        n, value = self.setting(key)
        return self.int(n, value, key)


def _tokens(text: str) -> list[str]:
    """Whitespace tokens, a pair `( a , b )` as one token `(a,b)`."""
    return _PAIR.sub(lambda m: f"({m.group(1)},{m.group(2)})", text).split()


def _pair(lines: _Lines, n: int, token: str, what: str) -> tuple[int, int]:
    match = _PAIR.fullmatch(token)
    if match is None:
        raise lines.fail(n, f"expected {what} as '(a,b)', found {token!r}")
    low, high = int(match.group(1)), int(match.group(2))
    return low, high


def read_scenario(path: str | Path) -> Scenario:
    """A `Sc-<instance>.txt` file."""
    lines = _Lines(Path(path))
    _, name = lines.setting("SCENARIO")
    n, weeks_text = lines.setting("WEEKS")
    weeks = lines.int(n, weeks_text, "WEEKS")
    skills = []
    for _ in range(lines.count("SKILLS")):
        n, text = lines.take("a skill")
        if len(text.split()) != 1 or text in skills:
            raise lines.fail(n, f"expected one new skill name, found {text!r}")
        skills.append(text)
    shifts: list[Shift] = []
    for _ in range(lines.count("SHIFT_TYPES")):
        n, text = lines.take("a shift type")
        tokens = _tokens(text)
        if len(tokens) != 2 or any(s.name == tokens[0] for s in shifts):
            raise lines.fail(n, f"expected a new '<shift type> (min,max)', found {text!r}")
        shifts.append(Shift(tokens[0], *_pair(lines, n, tokens[1], "consecutive assignments")))
    names = [s.name for s in shifts]
    lines.word("FORBIDDEN_SHIFT_TYPES_SUCCESSIONS")
    forbidden: dict[str, tuple[str, ...]] = {}
    for _ in shifts:
        n, text = lines.take("a forbidden succession line")
        tokens = text.split()
        if len(tokens) < 2 or tokens[0] not in names or tokens[0] in forbidden:
            raise lines.fail(n, f"expected '<shift type> <n> <shift types...>', found {text!r}")
        if lines.int(n, tokens[1], "the number of successors") != len(tokens) - 2:
            raise lines.fail(n, f"{tokens[1]} successors announced, {len(tokens) - 2} listed")
        for follower in tokens[2:]:
            if follower not in names:
                raise lines.fail(n, f"unknown shift type {follower!r}")
        forbidden[tokens[0]] = tuple(tokens[2:])
    contracts: dict[str, Contract] = {}
    for _ in range(lines.count("CONTRACTS")):
        n, text = lines.take("a contract")
        tokens = _tokens(text)
        if len(tokens) != 6 or tokens[0] in contracts or tokens[5] not in ("0", "1"):
            raise lines.fail(
                n,
                f"expected a new '<contract> (min,max) (min,max) (min,max) <weekends> <0|1>', found {text!r}",
            )
        total, work, off = (_pair(lines, n, t, "limits") for t in tokens[1:4])
        weekends = lines.int(n, tokens[4], "the maximum of working weekends")
        contracts[tokens[0]] = Contract(tokens[0], *total, *work, *off, weekends, tokens[5] == "1")
    nurses: list[Nurse] = []
    for _ in range(lines.count("NURSES")):
        n, text = lines.take("a nurse")
        tokens = text.split()
        if len(tokens) < 3 or any(x.name == tokens[0] for x in nurses):
            raise lines.fail(n, f"expected a new '<nurse> <contract> <n> <skills...>', found {text!r}")
        if tokens[1] not in contracts:
            raise lines.fail(n, f"unknown contract {tokens[1]!r}")
        if lines.int(n, tokens[2], "the number of skills") != len(tokens) - 3:
            raise lines.fail(n, f"{tokens[2]} skills announced, {len(tokens) - 3} listed")
        for skill in tokens[3:]:
            if skill not in skills:
                raise lines.fail(n, f"unknown skill {skill!r}")
        nurses.append(Nurse(tokens[0], tokens[1], tuple(tokens[3:])))
    if not lines.done():
        n, text = lines.take("")
        raise lines.fail(n, f"unexpected line {text!r}")
    return Scenario(str(path), name, weeks, tuple(skills), tuple(shifts), forbidden, contracts, tuple(nurses))


def _scenario_name(lines: _Lines, n: int, named: str, scenario: Scenario) -> None:
    if named != scenario.name:
        raise lines.fail(n, f"names scenario {named!r}, but {scenario.file} is {scenario.name!r}")


def read_history(path: str | Path, scenario: Scenario) -> History:
    """A `H0-<instance>-<h>.txt` file, checked against the scenario (every nurse, once)."""
    lines = _Lines(Path(path))
    lines.word("HISTORY")
    n, text = lines.take("'<week> <scenario>'")
    tokens = text.split()
    if len(tokens) != 2:
        raise lines.fail(n, f"expected '<week> <scenario>', found {text!r}")
    lines.int(n, tokens[0], "the week")
    _scenario_name(lines, n, tokens[1], scenario)
    lines.word("NURSE_HISTORY")
    shifts = {s.name for s in scenario.shifts}
    known = {x.name for x in scenario.nurses}
    nurses: dict[str, NurseState] = {}
    while not lines.done():
        n, text = lines.take("a nurse history")
        tokens = text.split()
        if len(tokens) != 7:
            raise lines.fail(n, f"expected '<nurse> <n> <n> <shift|None> <n> <n> <n>', found {text!r}")
        nurse, last = tokens[0], tokens[3]
        if nurse not in known or nurse in nurses:
            raise lines.fail(n, f"unknown or repeated nurse {nurse!r}")
        if last != "None" and last not in shifts:
            raise lines.fail(n, f"unknown shift type {last!r}")
        a, w, same, work, off = (lines.int(n, t, "a history counter") for t in (*tokens[1:3], *tokens[4:]))
        if (last == "None") != (work == 0) or (last == "None" and same) or (last != "None" and off):
            raise lines.fail(n, f"counters do not fit the last shift type {last!r}: {text!r}")
        if last != "None" and not 1 <= same <= work:
            raise lines.fail(n, f"consecutive shift type count {same} must be 1..{work}")
        nurses[nurse] = NurseState(a, w, None if last == "None" else last, same, work, off)
    missing = sorted(known - set(nurses))
    if missing:
        raise lines.fail(None, f"no history for nurse(s) {', '.join(missing)}")
    return History(str(path), nurses)


def read_week(path: str | Path, scenario: Scenario) -> Week:
    """A `WD-<instance>-<w>.txt` file, checked against the scenario."""
    lines = _Lines(Path(path))
    lines.word("WEEK_DATA")
    n, name = lines.take("the scenario name")
    _scenario_name(lines, n, name, scenario)
    lines.word("REQUIREMENTS")
    shifts = {s.name for s in scenario.shifts}
    requirements: list[Requirement] = []
    while not lines.done() and not lines.lines[lines.i][1].startswith("SHIFT_OFF_REQUESTS"):
        n, text = lines.take("a requirement")
        tokens = _tokens(text)
        if len(tokens) != 2 + len(WEEKDAYS):
            raise lines.fail(n, f"expected '<shift type> <skill> (min,opt) x 7', found {text!r}")
        if tokens[0] not in shifts or tokens[1] not in scenario.skills:
            raise lines.fail(n, f"unknown shift type or skill in {text!r}")
        if any(r.shift == tokens[0] and r.skill == tokens[1] for r in requirements):
            raise lines.fail(n, f"{tokens[0]} {tokens[1]} is listed twice")
        pairs = [_pair(lines, n, t, "Mon..Sun cover") for t in tokens[2:]]
        requirements.append(
            Requirement(tokens[0], tokens[1], tuple(p[0] for p in pairs), tuple(p[1] for p in pairs))
        )
    nurses = {x.name for x in scenario.nurses}
    requests = []
    for _ in range(lines.count("SHIFT_OFF_REQUESTS")):
        n, text = lines.take("a shift-off request")
        tokens = text.split()
        if len(tokens) != 3 or tokens[0] not in nurses or tokens[2] not in WEEKDAYS:
            raise lines.fail(n, f"expected '<nurse> <shift type|Any> <day>', found {text!r}")
        if tokens[1] != "Any" and tokens[1] not in shifts:
            raise lines.fail(n, f"unknown shift type {tokens[1]!r}")
        requests.append((tokens[0], None if tokens[1] == "Any" else tokens[1], WEEKDAYS.index(tokens[2])))
    if not lines.done():
        n, text = lines.take("")
        raise lines.fail(n, f"unexpected line {text!r}")
    return Week(str(path), tuple(requirements), tuple(requests))
