"""Shift Scheduling Benchmark (Curtois & Qu "NRP") instance files: the text format as data.

Format: /work/shared/benchmarks/nrp/README.md. `parse_instance` reads a file, `parse_text` its text;
every shift, employee and day referred to must exist (`NrpFormatError` otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)


class NrpFormatError(ValueError):
    """An instance file that cannot be read, or cannot be expressed with the engine's rule types."""


@dataclass(frozen=True)
class Staff:
    """One SECTION_STAFF row."""

    id: str
    max_shifts: dict[str, int]
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class Request:
    """A shift on- or off-request."""

    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    """A SECTION_COVER row."""

    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class NrpInstance:
    """A parsed instance; `shifts` maps id to (length in minutes, ids that cannot follow it)."""

    name: str
    horizon: int
    shifts: dict[str, tuple[int, tuple[str, ...]]]
    staff: tuple[Staff, ...]
    days_off: dict[str, frozenset[int]]
    on_requests: tuple[Request, ...]
    off_requests: tuple[Request, ...]
    cover: tuple[Cover, ...]


def _sections(text: str) -> dict[str, list[list[str]]]:
    """Rows (comma-split cells) of each section; `#` starts a comment, a blank line ends a section."""
    sections: dict[str, list[list[str]]] = {}
    current: str | None = None
    for number, raw in enumerate(text.replace("\r", "").split("\n"), start=1):
        if raw.strip().startswith("#"):
            continue
        line = raw.split("#", 1)[0].strip()
        if not line:
            current = None
        elif line.startswith("SECTION_"):
            if line not in SECTIONS:
                raise NrpFormatError(f"line {number}: unknown section {line}")
            current = line
            sections.setdefault(current, [])
        elif current is None:
            raise NrpFormatError(f"line {number}: data outside a section: {line!r}")
        else:
            sections[current].append([cell.strip() for cell in line.split(",")])
    return sections


def _int(cell: str, what: str) -> int:
    try:
        return int(cell)
    except ValueError as error:
        raise NrpFormatError(f"{what}: expected an integer, got {cell!r}") from error


def _staff(row: list[str]) -> Staff:
    if len(row) != 8:
        raise NrpFormatError(f"SECTION_STAFF row {','.join(row)!r}: expected 8 fields")
    limits = {}
    for item in filter(None, row[1].split("|")):
        code, _, value = item.partition("=")
        limits[code.strip()] = _int(value, f"staff {row[0]} MaxShifts")
    numbers = [_int(cell, f"staff {row[0]}") for cell in row[2:]]
    return Staff(row[0], limits, *numbers)


def _request(row: list[str], section: str) -> Request:
    if len(row) != 4:
        raise NrpFormatError(f"{section} row {','.join(row)!r}: expected 4 fields")
    return Request(row[0], _int(row[1], section), row[2], _int(row[3], section))


def _cover(row: list[str]) -> Cover:
    if len(row) != 5:
        raise NrpFormatError(f"SECTION_COVER row {','.join(row)!r}: expected 5 fields")
    day, requirement, under, over = (_int(row[i], "SECTION_COVER") for i in (0, 2, 3, 4))
    return Cover(day, row[1], requirement, under, over)


def parse_text(text: str, name: str = "instance") -> NrpInstance:
    """Parse the text of an instance file (CRLF or LF)."""
    sections = _sections(text)
    horizon_rows = sections.get("SECTION_HORIZON", [])
    if len(horizon_rows) != 1:
        raise NrpFormatError("SECTION_HORIZON must hold exactly one number")
    shifts = {
        row[0]: (
            _int(row[1], f"shift {row[0]} length"),
            tuple(c.strip() for c in (row[2] if len(row) > 2 else "").split("|") if c.strip()),
        )
        for row in sections.get("SECTION_SHIFTS", [])
    }
    days_off: dict[str, frozenset[int]] = {}
    for row in sections.get("SECTION_DAYS_OFF", []):
        days = {_int(cell, f"days off of {row[0]}") for cell in row[1:] if cell}
        days_off[row[0]] = days_off.get(row[0], frozenset()) | days
    instance = NrpInstance(
        name=name,
        horizon=_int(horizon_rows[0][0], "SECTION_HORIZON"),
        shifts=shifts,
        staff=tuple(_staff(row) for row in sections.get("SECTION_STAFF", [])),
        days_off=days_off,
        on_requests=tuple(_request(r, "on-request") for r in sections.get("SECTION_SHIFT_ON_REQUESTS", [])),
        off_requests=tuple(
            _request(r, "off-request") for r in sections.get("SECTION_SHIFT_OFF_REQUESTS", [])
        ),
        cover=tuple(_cover(row) for row in sections.get("SECTION_COVER", [])),
    )
    _check_references(instance)
    return instance


def parse_instance(path: str | Path) -> NrpInstance:
    """Parse an instance file; the instance is named after the file stem (`Instance1`)."""
    path = Path(path)
    return parse_text(path.read_text(encoding="utf-8-sig"), path.stem)


def _check_references(inst: NrpInstance) -> None:
    """Every shift, employee and day referred to must exist."""
    problems = []
    staff_ids = {s.id for s in inst.staff}
    if len(staff_ids) != len(inst.staff):
        problems.append("duplicate staff ids")
    codes = set(inst.shifts)
    shift_refs = [(f"shift {c}", f) for c, (_, follows) in inst.shifts.items() for f in follows]
    shift_refs += [(f"staff {s.id} MaxShifts", code) for s in inst.staff for code in s.max_shifts]
    shift_refs += [("request", r.shift) for r in (*inst.on_requests, *inst.off_requests)]
    shift_refs += [("cover", c.shift) for c in inst.cover]
    problems += [f"{where}: unknown shift {code!r}" for where, code in shift_refs if code not in codes]
    people = [*inst.days_off, *(r.employee for r in (*inst.on_requests, *inst.off_requests))]
    problems += [f"unknown employee {e!r}" for e in sorted(set(people) - staff_ids)]
    days = [d for ds in inst.days_off.values() for d in ds]
    days += [r.day for r in (*inst.on_requests, *inst.off_requests)] + [c.day for c in inst.cover]
    problems += [
        f"day {d} outside 0..{inst.horizon - 1}" for d in sorted(set(days)) if not 0 <= d < inst.horizon
    ]
    problems += [
        f"shift {c}: length {m} not in 1..1440" for c, (m, _) in inst.shifts.items() if not 0 < m <= 1440
    ]
    if problems:
        raise NrpFormatError(f"instance {inst.name}: " + "; ".join(problems))
