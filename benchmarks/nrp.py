"""The engine and the plain reference model side by side on NRP benchmark instances.

Each engine run is `roster bench nrp` in a fresh process (its peak memory is its own); the plain
model (benchmarks/plain_nrp.py) runs in this process. Both solutions are re-scored by the
benchmark-native checker, and a solution breaking a hard rule stops the run as a bug. Usage:

    .venv/bin/python benchmarks/nrp.py --time-limit 60
    .venv/bin/python benchmarks/nrp.py --instances 4 5 --time-limit 10 --out table.md
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from plain_nrp import solve_plain

from roster_pipeline.nrp import BEST_KNOWN, evaluate_solution, gap_to_best, run_isolated

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "nrp"
DEFAULT_INSTANCES = [f"Instance{i}" for i in range(1, 13)]


def instance_path(folder: Path, name: str) -> Path:
    """`4`, `Instance4` or `Instance4.txt` -> folder/Instance4.txt."""
    stem = f"Instance{name}" if name.isdigit() else name.removesuffix(".txt")
    return folder / f"{stem}.txt"


def native_objective(path: Path, rows: list, who: str) -> int:
    """The benchmark-native objective of a solution; a broken hard rule is a bug and stops the run."""
    score = evaluate_solution(path, rows)  # the checker reads the file itself
    if not score.feasible:
        broken = "\n  ".join(str(v) for v in score.violations)
        raise SystemExit(f"BUG: the {who} solution of {path.name} breaks hard rules:\n  {broken}")
    return score.objective


def compare(path: Path, time_limit: float, workers: int, seed: int) -> dict:
    """Engine and plain results on one instance, both re-scored natively."""
    engine = run_isolated(path, time_limit, workers, seed)
    if engine.get("solution_rows") is not None:
        rescored = native_objective(path, engine["solution_rows"], "engine")
        if rescored != engine["objective"]:
            raise SystemExit(
                f"BUG: engine objective {engine['objective']} of {path.name}, re-scored {rescored}"
            )
    plain = solve_plain(path, time_limit, workers, seed)
    plain_objective = None
    if plain["objective"] is not None:
        plain_objective = native_objective(path, plain["solution_rows"], "plain")
    return {
        "instance": path.stem,
        "best_known": BEST_KNOWN.get(path.stem),
        "engine_status": engine["status"],
        "engine_objective": engine["objective"],
        "engine_gap": gap_to_best(path.stem, engine["objective"]),
        "engine_bound": engine["bound"],
        "engine_seconds": engine["seconds"],
        "engine_peak_mb": engine.get("peak_mb"),
        "engine_checks_agree": engine.get("checks_agree"),
        "plain_status": plain["status"],
        "plain_objective": plain_objective,
        "plain_gap": gap_to_best(path.stem, plain_objective),
        "plain_bound": plain["bound"],
        "plain_seconds": plain["seconds"],
    }


def _fmt(value: object, pattern: str = "{}") -> str:
    return "-" if value is None else pattern.format(value)


def _pct(gap: float | None) -> str:
    return "-" if gap is None else f"{100 * gap:.2f}%"


def table(rows: list[dict]) -> str:
    """The side-by-side markdown table."""
    lines = [
        "| instance | best known | engine objective | engine gap | engine bound | engine s | engine peak MB "
        "| plain objective | plain gap | plain bound | plain s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        cells = [
            r["instance"], _fmt(r["best_known"]), _fmt(r["engine_objective"]), _pct(r["engine_gap"]),
            _fmt(r["engine_bound"], "{:g}"), _fmt(r["engine_seconds"], "{:.1f}"),
            _fmt(r["engine_peak_mb"], "{:.0f}"), _fmt(r["plain_objective"]), _pct(r["plain_gap"]),
            _fmt(r["plain_bound"], "{:g}"), _fmt(r["plain_seconds"], "{:.1f}"),
        ]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Engine vs plain CP-SAT model on NRP instances.")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--instances", nargs="+", default=DEFAULT_INSTANCES, help="names or numbers")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="also write the table here")
    args = parser.parse_args(argv)
    rows = []
    for name in args.instances:
        row = compare(instance_path(args.dir, name), args.time_limit, args.workers, args.seed)
        print(json.dumps(row), file=sys.stderr, flush=True)
        rows.append(row)
    text = table(rows)
    print(text, end="")
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
