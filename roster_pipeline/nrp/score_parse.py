"""The checker's own reading of a Shift Scheduling Benchmark instance, from the format description
(`/work/shared/benchmarks/nrp/README.md`), independent of the importer's `nrp.parse`.

Sections start with a `SECTION_...` header and end at a blank line; `#` starts a comment; cells are
comma separated. Every reference (shift, employee, day) must exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class BenchmarkFormatError(ValueError):
    """An instance file the checker cannot read (the message names the section and line)."""


@dataclass(frozen=True)
class Employee:
    """One SECTION_STAFF row: per-type shift limits and the numeric limits, in the README's order."""

    id: str
    max_shifts: dict[str, int]
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class Wish:
    """An on- or off-request: (employee, day, shift) with its weight."""

    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Demand:
    """A SECTION_COVER row."""

    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class Benchmark:
    """An instance as the checker reads it; `minutes[s]` and `cannot_follow[s]` per shift type."""

    name: str
    horizon: int
    minutes: dict[str, int]
    cannot_follow: dict[str, frozenset[str]]
    staff: dict[str, Employee]
    days_off: dict[str, frozenset[int]]
    on_requests: tuple[Wish, ...]
    off_requests: tuple[Wish, ...]
    cover: tuple[Demand, ...]


Lines = list[tuple[int, list[str]]]
WIDTHS = {
    "SECTION_STAFF": 8,
    "SECTION_SHIFT_ON_REQUESTS": 4,
    "SECTION_SHIFT_OFF_REQUESTS": 4,
    "SECTION_COVER": 5,
}


def _blocks(text: str) -> dict[str, Lines]:
    """Each section's data lines as (line number, cells)."""
    blocks: dict[str, Lines] = {}
    open_section: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        content = raw.partition("#")[0].strip()
        if not content:
            if not raw.strip():
                open_section = None  # a blank line ends the section; a comment line does not
            continue
        if content.upper().startswith("SECTION_"):
            open_section = content
            blocks.setdefault(open_section, [])
            continue
        if open_section is None:
            raise BenchmarkFormatError(f"line {number}: {content!r} is outside any section")
        cells = [cell.strip() for cell in content.split(",")]
        width = WIDTHS.get(open_section)
        if width is not None and len(cells) != width:
            raise BenchmarkFormatError(f"{open_section} line {number}: {len(cells)} fields, expected {width}")
        blocks[open_section].append((number, cells))
    return blocks


def _number(cell: str, section: str, line: int) -> int:
    if not cell.lstrip("-").isdigit():
        raise BenchmarkFormatError(f"{section} line {line}: {cell!r} is not a whole number")
    return int(cell)


def _employee(line: int, cells: list[str]) -> Employee:
    section = "SECTION_STAFF"
    limits: dict[str, int] = {}
    for part in cells[1].split("|"):
        if part.strip():
            shift, _, count = part.partition("=")
            limits[shift.strip()] = _number(count.strip(), section, line)
    values = [_number(c, section, line) for c in cells[2:]]
    return Employee(cells[0], limits, *values)


def _wishes(lines: Lines, section: str) -> tuple[Wish, ...]:
    return tuple(Wish(c[0], _number(c[1], section, n), c[2], _number(c[3], section, n)) for n, c in lines)


def _demands(lines: Lines) -> tuple[Demand, ...]:
    s = "SECTION_COVER"
    return tuple(Demand(_number(c[0], s, n), c[1], *(_number(x, s, n) for x in c[2:])) for n, c in lines)


def _references(bench: Benchmark) -> list[str]:
    """What the instance names that it does not define."""
    shifts = set(bench.minutes)
    named = [s for follow in bench.cannot_follow.values() for s in follow]
    named += [s for e in bench.staff.values() for s in e.max_shifts]
    named += [w.shift for w in (*bench.on_requests, *bench.off_requests)] + [d.shift for d in bench.cover]
    problems = [f"unknown shift {s!r}" for s in sorted(set(named) - shifts)]
    people = {w.employee for w in (*bench.on_requests, *bench.off_requests)} | set(bench.days_off)
    problems += [f"unknown employee {e!r}" for e in sorted(people - set(bench.staff))]
    days = {d for ds in bench.days_off.values() for d in ds} | {w.day for w in bench.on_requests}
    days |= {w.day for w in bench.off_requests} | {d.day for d in bench.cover}
    problems += [f"day {d} outside the horizon" for d in sorted(days) if not 0 <= d < bench.horizon]
    return problems


def read_text(text: str, name: str = "instance") -> Benchmark:
    """An instance from its text (LF or CRLF)."""
    blocks = _blocks(text)
    horizon = blocks.get("SECTION_HORIZON", [])
    if len(horizon) != 1 or len(horizon[0][1]) != 1:
        raise BenchmarkFormatError("SECTION_HORIZON: expected one line holding the number of days")
    shift_lines = blocks.get("SECTION_SHIFTS", [])
    days_off: dict[str, frozenset[int]] = {}
    for n, cells in blocks.get("SECTION_DAYS_OFF", []):
        days = {_number(c, "SECTION_DAYS_OFF", n) for c in cells[1:] if c}
        days_off[cells[0]] = days_off.get(cells[0], frozenset()) | days
    staff_lines = blocks.get("SECTION_STAFF", [])
    staff = {cells[0]: _employee(n, cells) for n, cells in staff_lines}
    if len(staff) != len(staff_lines):
        raise BenchmarkFormatError("SECTION_STAFF: an employee id appears twice")
    bench = Benchmark(
        name=name,
        horizon=_number(horizon[0][1][0], "SECTION_HORIZON", horizon[0][0]),
        minutes={c[0]: _number(c[1], "SECTION_SHIFTS", n) for n, c in shift_lines},
        cannot_follow={
            c[0]: frozenset(s.strip() for s in (c[2] if len(c) > 2 else "").split("|") if s.strip())
            for _, c in shift_lines
        },
        staff=staff,
        days_off=days_off,
        on_requests=_wishes(blocks.get("SECTION_SHIFT_ON_REQUESTS", []), "SECTION_SHIFT_ON_REQUESTS"),
        off_requests=_wishes(blocks.get("SECTION_SHIFT_OFF_REQUESTS", []), "SECTION_SHIFT_OFF_REQUESTS"),
        cover=_demands(blocks.get("SECTION_COVER", [])),
    )
    problems = _references(bench)
    if problems:
        raise BenchmarkFormatError(f"instance {name}: " + "; ".join(problems))
    return bench


def read_file(path: str | Path) -> Benchmark:
    """An instance file, named after its stem (`Instance1`)."""
    path = Path(path)
    return read_text(path.read_text(encoding="utf-8-sig"), path.stem)
