"""The NRP checker's own instance reader and its soft terms, one change at a time, by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_nrp import BASE, INSTANCES, TINY

from roster_pipeline import nrp
from roster_pipeline.nrp.score_parse import BenchmarkFormatError, Demand, Employee, Wish, read_file, read_text


def test_reader_instance1_by_hand() -> None:
    bench = read_file(INSTANCES / "Instance1.txt")  # CRLF line endings, as published
    assert (bench.name, bench.horizon) == ("Instance1", 14)
    assert bench.minutes == {"D": 480} and bench.cannot_follow == {"D": frozenset()}
    assert list(bench.staff) == list("ABCDEFGH")
    assert bench.staff["A"] == Employee("A", {"D": 14}, 4320, 3360, 5, 2, 2, 1)
    assert bench.days_off["A"] == frozenset({0}) and len(bench.days_off) == 8
    assert (len(bench.on_requests), len(bench.off_requests), len(bench.cover)) == (21, 5, 14)
    assert bench.on_requests[0] == Wish("A", 2, "D", 2) and bench.cover[1] == Demand(1, "D", 7, 100, 1)


def test_reader_tiny_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "Tiny.txt"
    path.write_bytes(TINY.replace("\n", "\r\n").encode())
    bench = read_file(path)
    assert bench == read_text(TINY, "Tiny")
    assert bench.minutes == {"D": 480, "N": 600} and bench.cannot_follow["N"] == frozenset({"D"})
    assert bench.staff["P"].max_shifts == {"D": 14, "N": 2} and bench.staff["Q"].max_shifts["N"] == 0
    assert bench.off_requests == (Wish("P", 2, "D", 3), Wish("Q", 4, "D", 1))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Q,4,D,1", "Q,4,X,1", "unknown shift 'X'"),
        ("P,10\n", "P,14\n", "day 14 outside"),
        ("P,10\n", "Z,3\n", "unknown employee 'Z'"),
        ("Q,4,D,1", "Q,4,D", "SECTION_SHIFT_OFF_REQUESTS line 28: 3 fields, expected 4"),
        ("3,D,1,100,1", "3,D,one,100,1", "'one' is not a whole number"),
    ],
)
def test_reader_refuses_bad_instances(old: str, new: str, message: str) -> None:
    with pytest.raises(BenchmarkFormatError, match=message):
        read_text(TINY.replace(old, new))


def test_both_readers_agree_on_the_instances() -> None:
    """The importer's and the checker's readers, written apart, read the same instance."""
    for text in (TINY, (INSTANCES / "Instance1.txt").read_text()):
        mine, theirs = read_text(text), nrp.parse_text(text)
        assert mine.horizon == theirs.horizon and set(mine.staff) == {s.id for s in theirs.staff}
        assert mine.minutes == {c: m for c, (m, _) in theirs.shifts.items()}
        assert [(w.employee, w.day, w.shift, w.weight) for w in mine.on_requests] == [
            (r.employee, r.day, r.shift, r.weight) for r in theirs.on_requests
        ]
        assert len(mine.cover) == len(theirs.cover)


# Each soft term, broken once: one line added to the instance, the term rises by its weight alone.
SOFT = {
    "on_requests": ("R,8,D,4", "SECTION_SHIFT_ON_REQUESTS\n", 4),  # R does not work day 8
    "off_requests": ("P,8,D,6", "SECTION_SHIFT_OFF_REQUESTS\n", 6),  # P works D on day 8
    "cover_under": (
        "8,N,1,100,1",
        "SECTION_COVER\n# Day, ShiftID, Requirement, Weight for under, Weight for over\n",
        100,
    ),
    "cover_over": (
        "9,D,0,100,1",
        "SECTION_COVER\n# Day, ShiftID, Requirement, Weight for under, Weight for over\n",
        1,
    ),
}


@pytest.mark.parametrize("term", sorted(SOFT))
def test_one_soft_term_broken_once(term: str) -> None:
    row, header, weight = SOFT[term]
    assert header in TINY
    before = nrp.evaluate_solution(TINY, BASE)
    after = nrp.evaluate_solution(TINY.replace(header, header + row + "\n"), BASE)
    fields = ("on_requests", "off_requests", "cover_under", "cover_over")
    changed = {
        f: getattr(after, f) - getattr(before, f) for f in fields if getattr(after, f) != getattr(before, f)
    }
    assert changed == {term: weight} and after.objective == before.objective + weight
    assert after.feasible


def test_the_checker_reads_the_instance_itself(tmp_path: Path) -> None:
    """A file and its text are judged alike; the importer's parsed instance is refused."""
    path = tmp_path / "Tiny.txt"
    path.write_text(TINY)
    rows = BASE + [("P", 10, "D")]  # works its day off
    from_file = nrp.evaluate_solution(path, rows)
    assert nrp.evaluate_solution(TINY, rows) == from_file
    assert from_file.broken_rules == {9} and from_file.objective == 210
    with pytest.raises(TypeError, match="reads an instance file or text itself"):
        nrp.evaluate_solution(nrp.parse_text(TINY, "Tiny"), rows)
