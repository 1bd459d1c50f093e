"""Cover recommendations: seconds per `recommend_cover` call, and whether every candidate shown as
legal passes the independent validator when applied.

Takes a department and a roster (e.g. from `roster solve`), removes `--count` random assignments one
at a time (fixed `--seed`) and asks for cover of each. Prints one line per open shift, then the
median and worst seconds and the number of legal candidates that passed.

    PYTHONPATH=. .venv/bin/python benchmarks/recommend.py out/sample out/roster.csv --weeks 4
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from collections import Counter

import pandas as pd

from roster_pipeline.core.department_io import load_department
from roster_pipeline.core.domain import Horizon
from roster_pipeline.core.rules import load_pack
from roster_pipeline.living.recommend import recommend_cover
from roster_pipeline.validator import validate_roster


def hard(department, pack, horizon, roster) -> Counter:
    report = validate_roster(department, pack, horizon, roster)
    return Counter((v.rule_id, v.registrar_id, v.dates) for v in report.violations if v.hard)


def applied(roster: pd.DataFrame, candidate, day: dt.date, shift: str) -> pd.DataFrame:
    """The roster with the candidate (and its chain) on the open shift, applied here by hand."""
    out = roster.copy()
    for move in candidate.chain:
        held = (out.registrar_id == move["from_registrar"]) & (out.date == day.isoformat())
        out.loc[held, "registrar_id"] = move["to_registrar"]
    extra = pd.DataFrame([(candidate.registrar_id, day.isoformat(), shift)], columns=out.columns)
    return pd.concat([out, extra], ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("department")
    parser.add_argument("roster")
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2027, 2, 1))
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--rules", default="au-vic")
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    department, pack = load_department(args.department), load_pack(args.rules)
    horizon = Horizon(args.start, args.weeks)
    roster = pd.read_csv(args.roster)[["registrar_id", "date", "shift"]]
    seconds, passed, legal = [], 0, 0
    for index, row in roster.sample(n=args.count, random_state=args.seed).iterrows():
        opened = roster.drop(index=index).reset_index(drop=True)
        day = dt.date.fromisoformat(str(row.date))
        started = time.perf_counter()
        found = recommend_cover(department, pack, horizon, opened, day, str(row["shift"]), top=5)
        seconds.append(time.perf_counter() - started)
        before = hard(department, pack, horizon, opened)
        for candidate in (c for c in found if c.legal):
            legal += 1
            after = hard(department, pack, horizon, applied(opened, candidate, day, str(row["shift"])))
            passed += not [k for k, units in after.items() if units > before.get(k, 0)]
        shown = [(c.registrar_id, c.legal, bool(c.chain)) for c in found]
        print(
            json.dumps(
                {"date": str(row.date), "shift": row["shift"], "seconds": round(seconds[-1], 3), "top": shown}
            )
        )
    print(
        json.dumps(
            {
                "registrars": len(department.registrars),
                "median_seconds": round(statistics.median(seconds), 3),
                "worst_seconds": round(max(seconds), 3),
                "legal_shown": legal,
                "legal_passed_validator": passed,
            }
        )
    )


if __name__ == "__main__":
    main()
