"""Job-line targets: 120 lines (80 PGY1 + 40 PGY2), 5 terms, the 40-rotation sample catalogue.

Prints one JSON line per seed (first-feasible seconds, gap at the time limit, checker violations,
cost terms, metrics), then markdown tables of the objective, bound, gap and metrics at checkpoints,
per seed and as the median over the seeds. Usage (from the repo root, so `affinity` is importable):

    PYTHONPATH=. .venv/bin/python benchmarks/joblines.py --time-limit 120 --workers 2 --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import json
import statistics
from typing import Any

from roster_pipeline.joblines.checker import CheckInputs, check, violations
from roster_pipeline.joblines.lines import snapshot_frame
from roster_pipeline.joblines.metrics import metrics
from roster_pipeline.joblines.progress import at
from roster_pipeline.joblines.request import JoblineRun, run, summary

CHECKPOINTS = (5, 10, 30, 60, 120, 300, 420)
COLUMNS = (
    "objective",
    "bound",
    "gap",
    "violations",
    "mean_affinity",
    "attractiveness_spread",
    "attractiveness_gini",
    "min_hamming",
    "mean_hamming",
    "too_similar_pairs",
)


def checkpoint_row(outcome: JoblineRun, seconds: float) -> dict[str, Any]:
    """Objective, bound, gap and metrics of the best lines known at `seconds` (no bound yet: 0)."""
    event, solution = at(outcome.result.progress, seconds)
    row: dict[str, Any] = {"seconds": seconds if seconds < outcome.result.seconds else "end"}
    if event is None or event.objective is None or solution is None:
        return row
    bound = event.bound if event.bound is not None else 0.0
    row.update(
        objective=event.objective, bound=bound, gap=abs(event.objective - bound) / max(1.0, event.objective)
    )
    plan = outcome.plan
    lines = snapshot_frame(plan, solution.rotations, solution.leave)
    report = check(lines, outcome.inputs or CheckInputs.from_plan(plan))
    row["violations"] = int(len(violations(report)))
    row.update(metrics(lines, plan.catalogue.rotations, outcome.profile))
    return row


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 10 else f"{value:.1f}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def markdown(rows: list[dict[str, Any]]) -> str:
    """A markdown table with one row per checkpoint."""
    head = "| s | " + " | ".join(COLUMNS) + " |"
    rule = "|---:|" + "---:|" * len(COLUMNS)
    body = [
        "| " + " | ".join([_cell(r["seconds"])] + [_cell(r.get(c)) for c in COLUMNS]) + " |" for r in rows
    ]
    return "\n".join([head, rule, *body])


def median_rows(per_seed: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Per checkpoint, the median of each column over the seeds that have a value there."""
    rows = []
    for i, first in enumerate(per_seed[0]):
        row: dict[str, Any] = {"seconds": first["seconds"]}
        for c in COLUMNS:
            values = [rows_[i][c] for rows_ in per_seed if rows_[i].get(c) is not None]
            if values:
                row[c] = float(statistics.median(values))
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--pgy1", type=int, default=80)
    parser.add_argument("--pgy2", type=int, default=40)
    parser.add_argument("--weights", type=json.loads, default={}, help='JSON, e.g. {"attractiveness": 0}')
    args = parser.parse_args()
    checkpoints = [c for c in CHECKPOINTS if c < args.time_limit] + [float("inf")]  # inf: the end
    keep = ("status", "lines", "gap", "seconds", "first_feasible_seconds", "violations", "objective", "bound")
    tables = []
    for seed in args.seeds:
        request = {
            "pgy1": args.pgy1,
            "pgy2": args.pgy2,
            "terms": "5-term",
            "catalogue": "sample",
            "time_limit": args.time_limit,
            "workers": args.workers,
            "seed": seed,
            "weights": args.weights,
            "progress": True,
        }
        outcome = run(request)
        out = summary(outcome)
        parts = outcome.result.parts
        costs = {f"cost_{k}": v for k, v in parts.items()}
        print(json.dumps({"seed": seed, **{k: out[k] for k in keep}, **costs, **out["metrics"]}), flush=True)
        tables.append([checkpoint_row(outcome, c) for c in checkpoints])
    for seed, rows in zip(args.seeds, tables, strict=True):
        print(f"\nseed {seed}\n\n{markdown(rows)}")
    if len(tables) > 1:
        print(f"\nmedian over seeds {args.seeds}\n\n{markdown(median_rows(tables))}")


if __name__ == "__main__":
    main()
