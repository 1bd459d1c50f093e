"""Write a synthetic instance in the Curtois & Qu NRP format, sized like the largest public one.

The public Instance24 (364 days x 150 staff x 32 shift types) is not in `../shared/`; this
generator writes an instance of the same dimensions and the same rule mix (shift lengths of 8, 10
and 12 hours, forbidden successions from start times, per-type limits with about a third of the
types forbidden per person, min minutes 90 % of max, runs of 2-6 shifts, 2 days off, weekend
limits, days off, on/off requests and cover weighted 100 under / 1 over). It is a scale test, not
a substitute for the public instance: its objective is not comparable with published values.

    .venv/bin/python benchmarks/nrp_generate.py --days 364 --staff 150 --shifts 32 --out /tmp/Synth24.txt
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

GROUPS = (("a", 6 * 60), ("d", 8 * 60), ("s", 12 * 60), ("p", 14 * 60), ("n", 22 * 60))
LENGTHS = (480, 480, 600, 720)
MIN_REST = 11 * 60
WEEK_MINUTES = 36 * 60


def _shifts(count: int, rng: random.Random) -> list[tuple[str, int, int]]:
    """(id, start minute, length) for `count` shift types spread over the day's start groups."""
    out = []
    for index in range(count):
        prefix, start = GROUPS[index * len(GROUPS) // count]
        number = sum(1 for s in out if s[0].startswith(prefix)) + 1
        out.append((f"{prefix}{number}", start, rng.choice(LENGTHS)))
    return out


def _cannot_follow(shift: tuple[str, int, int], shifts: list[tuple[str, int, int]]) -> list[str]:
    _, start, length = shift
    end = start + length
    return [other for other, o_start, _ in shifts if o_start + 24 * 60 - end < MIN_REST]


def generate(days: int, staff: int, shift_count: int, seed: int = 0) -> str:
    """The text of one instance."""
    rng = random.Random(seed)
    shifts = _shifts(shift_count, rng)
    lines = ["# Synthetic instance (benchmarks/nrp_generate.py)", "SECTION_HORIZON", str(days), ""]
    lines += ["SECTION_SHIFTS"]
    lines += [f"{s[0]},{s[2]},{'|'.join(_cannot_follow(s, shifts))}" for s in shifts]
    weeks = days // 7
    max_minutes = weeks * WEEK_MINUTES
    lines += ["", "SECTION_STAFF"]
    ids = [f"E{i}" for i in range(staff)]
    allowed: dict[str, list[str]] = {}
    for emp in ids:
        limits = []
        allowed[emp] = []
        unlimited = rng.randrange(len(shifts))  # every person can work at least one type freely
        for index, (sid, _, _) in enumerate(shifts):
            if index == unlimited:
                limits.append(f"{sid}={days}")
                allowed[emp].append(sid)
            elif rng.random() < 0.35:
                limits.append(f"{sid}=0")
            else:
                limits.append(f"{sid}={rng.choice((days, days, days // 3, days // 8))}")
                allowed[emp].append(sid)
        cells = [emp, "|".join(limits), str(max_minutes), str(max_minutes * 9 // 10)]
        cells += [str(rng.choice((5, 6))), "2", "2", str(max(1, weeks // 2))]
        lines.append(",".join(cells))
    lines += ["", "SECTION_DAYS_OFF"]
    for emp in ids:
        off = sorted(rng.sample(range(days), k=max(1, days // 28)))
        lines.append(",".join([emp, *map(str, off)]))
    on, off = [], []
    for emp in ids:
        for day in rng.sample(range(days), k=max(1, days // 14)):
            target = on if rng.random() < 0.5 else off
            shift = rng.choice(allowed[emp] or [shifts[0][0]])
            target.append(f"{emp},{day},{shift},{rng.randint(1, 3)}")
    lines += ["", "SECTION_SHIFT_ON_REQUESTS", *on, "", "SECTION_SHIFT_OFF_REQUESTS", *off, ""]
    lines += ["SECTION_COVER"]
    # About 4 shifts a week per person, spread over the shift types.
    per_day = staff * 4 / 7
    for day in range(days):
        weights = [rng.random() for _ in shifts]
        total = sum(weights)
        for (sid, _, _), weight in zip(shifts, weights, strict=True):
            lines.append(f"{day},{sid},{round(per_day * weight / total)},100,1")
    return "\r\n".join(lines) + "\r\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=364)
    parser.add_argument("--staff", type=int, default=150)
    parser.add_argument("--shifts", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.write_text(generate(args.days, args.staff, args.shifts, args.seed))


if __name__ == "__main__":
    main()
