"""Job-line targets: 120 lines (80 PGY1 + 40 PGY2), 5 terms, the 40-rotation sample catalogue.

Prints one JSON line per seed: first-feasible seconds, gap at the time limit, checker violations.
Usage (from the repo root, so `affinity` is importable):

    PYTHONPATH=. .venv/bin/python benchmarks/joblines.py --time-limit 120 --workers 2 --seeds 0
"""

from __future__ import annotations

import argparse
import json

from roster_pipeline.joblines.cli import run_request


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--pgy1", type=int, default=80)
    parser.add_argument("--pgy2", type=int, default=40)
    args = parser.parse_args()
    for seed in args.seeds:
        request = {
            "pgy1": args.pgy1,
            "pgy2": args.pgy2,
            "terms": "5-term",
            "catalogue": "sample",
            "time_limit": args.time_limit,
            "workers": args.workers,
            "seed": seed,
        }
        out = run_request(request)
        keep = (
            "status",
            "lines",
            "gap",
            "seconds",
            "first_feasible_seconds",
            "violations",
            "objective",
            "bound",
        )
        print(json.dumps({"seed": seed, **{k: out[k] for k in keep}, **out["metrics"]}), flush=True)


if __name__ == "__main__":
    main()
