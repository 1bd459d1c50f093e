"""Fixed-seed, deterministic-time roster figures, for showing that two checkouts of the code give the
same rosters (a behaviour-neutral change must print the same lines). Deterministic time does not
depend on machine load, so equal settings give equal rosters on any machine of the same kind.

    .venv/bin/python benchmarks/same_results.py --department out/sample --seeds 0 1
    PYTHONPATH=/path/to/old/checkout .venv/bin/python benchmarks/same_results.py ...   # the old code

Prints one JSON line per seed: status, objective, bound, per-rule penalties and the validator's
requests honoured. Also reads checkouts from before the architecture move (flat module layout).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

try:
    from roster_pipeline.core.department_io import load_department
    from roster_pipeline.core.domain import Horizon
    from roster_pipeline.core.rules import load_pack
except ImportError:  # a checkout from before the architecture move (issue 13)
    from roster_pipeline.department_io import load_department
    from roster_pipeline.domain import Horizon
    from roster_pipeline.rules import load_pack
from roster_pipeline.solver import SolveSettings, solve
from roster_pipeline.validator import validate_roster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--department", required=True, help="e.g. `roster sample --seed 7` output")
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2027, 2, 1))
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--rules", default="au-vic")
    parser.add_argument("--time-limit", type=float, default=30.0, help="deterministic seconds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    args = parser.parse_args()
    department = load_department(Path(args.department))
    pack = load_pack(args.rules)
    horizon = Horizon(start=args.start, weeks=args.weeks)
    for seed in args.seeds:
        settings = SolveSettings(
            time_limit=args.time_limit, workers=args.workers, seed=seed, deterministic=True
        )
        result = solve(department, pack, horizon, settings)
        report = validate_roster(department, pack, horizon, result.assignments) if result.feasible else None
        print(
            json.dumps(
                {
                    "seed": seed,
                    "status": result.status,
                    "objective": result.objective,
                    "bound": result.bound,
                    "penalties": result.penalties,
                    "hard_violations": None if report is None else report.hard_violations,
                    "requests_honoured": None
                    if report is None
                    else f"{report.requests_honoured}/{report.requests_total}",
                    "seconds": round(result.seconds, 1),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
