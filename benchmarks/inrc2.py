"""INRC-II through the weekly pipeline: the given solutions' cases, solved week by week and scored by
the independent evaluator, next to the given solution's own score.

For each case (an instance, an initial history and a sequence of weeks: the `Solution_H_<h>-WD_...`
folders of tests/inrc2/data), `roster_pipeline.inrc2.bench.solve_inrc2` solves the weeks in order
(deterministic settings, `--time-limit` deterministic seconds per week) and the evaluator scores the
written solution files; the given solution of the same case is scored by the same evaluator. Prints
one markdown table: hard violations, the validator's seven cost lines, the total, the given solution's
total and the seconds spent solving.

    PYTHONPATH=. .venv/bin/python benchmarks/inrc2.py --time-limit 60 --first-only
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

from roster_pipeline.inrc2.bench import solve_inrc2
from roster_pipeline.inrc2.evaluate import evaluate_folder, solution_folder_files

DATA = Path(__file__).resolve().parent.parent / "tests" / "inrc2" / "data"
INSTANCES = ("n005w4", "n012w8", "n021w4")
LINES = (
    ("total_assignments", "S6 total"),
    ("consecutive", "S2 consec."),
    ("non_working_days", "S3 off"),
    ("preferences", "S4 pref."),
    ("max_working_weekend", "S7 weekends"),
    ("complete_weekends", "S5 complete"),
    ("optimal_coverage", "S1 cover"),
)


def cases(first_only: bool) -> list[tuple[str, Path]]:
    """(instance, given solution folder), folders in history order."""
    out = []
    for instance in INSTANCES:
        folders = sorted((DATA / instance).glob("Solution_H_*"))
        out += [(instance, folder) for folder in (folders[:1] if first_only else folders)]
    return out


def run_case(instance: str, folder: Path, time_limit: float, workers: int, seed: int) -> dict:
    scenario, history, weeks, _ = solution_folder_files(DATA / instance, folder)
    match = re.match(r"Solution_H_(\d+)-WD_(.*)$", folder.name)
    assert match is not None
    with tempfile.TemporaryDirectory() as out:
        began = time.perf_counter()
        result = solve_inrc2(scenario, history, weeks, out, time_limit, workers, seed)
        seconds = time.perf_counter() - began
    given = evaluate_folder(DATA / instance, folder)
    row = {
        "instance": instance,
        "history": match.group(1),
        "weeks": match.group(2),
        "hard": result.hard if result.complete else f"{result.hard} (stopped)",
        "total": None if result.evaluation is None else result.evaluation.total,
        "given": given.total,
        "seconds": seconds,
    }
    for field, _ in LINES:
        row[field] = None if result.evaluation is None else getattr(result.evaluation.costs, field)
    return row


def table(rows: list[dict]) -> str:
    head = ["instance", "history", "weeks", "hard", *(name for _, name in LINES), "total", "given", "seconds"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 3 + "---:|" * (len(head) - 3)]
    for r in rows:
        cells = [r["instance"], r["history"], r["weeks"], r["hard"], *(r[f] for f, _ in LINES)]
        cells += [r["total"], r["given"], f"{r['seconds']:.0f}"]
        lines.append("| " + " | ".join("-" if c is None else str(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--time-limit", type=float, default=60.0, help="deterministic seconds per week")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--first-only", action="store_true", help="only the first case of each instance")
    args = parser.parse_args(argv)
    rows = []
    for instance, folder in cases(args.first_only):
        row = run_case(instance, folder, args.time_limit, args.workers, args.seed)
        print(
            f"{instance} {folder.name}: total {row['total']}, given {row['given']}",
            file=sys.stderr,
            flush=True,
        )
        rows.append(row)
    print(table(rows), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
