"""Minimal-disruption repair: seconds per repair, changed assignments against a full re-solve with
the same events, hard violations by the independent validator, and whether the frozen past held.

Takes a department and a published roster (e.g. from `roster solve`). At each of `--points` moments
of the period (06:00 on evenly spaced days) it draws, with a fixed `--seed`, registrars who work
then and repairs six scenarios: one sick day, a three-day sickness, a week's absence, an extra
night cover, a sick day with an extra night cover, and a three-day sickness with a week's absence
and an extra night cover. Each scenario is repaired twice: the repair (`roster repair`: fewest
notice-weighted changes) and a full re-solve of every day not frozen (the same model without the
change objective, `--full-time-limit` deterministic seconds, from scratch as re-running the planner
would; when that finds no roster in time, again starting from the published roster, which keeps
more of it, so the comparison then favours the full re-solve).
Prints one JSON line per scenario, then the summary.

    PYTHONPATH=. .venv/bin/python benchmarks/repair.py out/sample out/roster.csv --weeks 4
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
from collections.abc import Iterator

import pandas as pd

from roster_pipeline.core.department_io import load_department
from roster_pipeline.core.domain import Department, Horizon
from roster_pipeline.core.rules import load_pack
from roster_pipeline.living.events import Event, roster_cells
from roster_pipeline.living.repair import RepairOutcome, RepairSettings, repair
from roster_pipeline.validator import validate_roster

SCENARIOS = (
    ("sick day",),
    ("three-day sickness",),
    ("week's absence",),
    ("extra night",),
    ("sick day", "extra night"),
    ("three-day sickness", "week's absence", "extra night"),
)


def working(roster: pd.DataFrame, day: dt.date) -> list[str]:
    return sorted(set(roster[roster["date"] == day]["registrar_id"]))


def make_event(kind: str, n: int, rng: random.Random, roster: pd.DataFrame, at: dt.datetime,
               department: Department, horizon: Horizon, taken: set[str]) -> Event:  # fmt: skip
    """One event of `kind` reported at `at`, for a registrar working that day (not one already taken)."""
    first = at.date()
    last_day = horizon.end
    if kind == "extra night":
        nights = sorted(c for c, s in department.shift_types.items() if s.kind == "night")
        day = min(first + dt.timedelta(days=1), last_day)
        return Event(f"B{n}", "extra_cover", None, day, day, at, shift=rng.choice(nights), count=1)
    length = {"sick day": 1, "three-day sickness": 3, "week's absence": 7}[kind]
    pool = [r for r in working(roster, first) if r not in taken] or sorted(department.registrars)
    rid = rng.choice(pool)
    taken.add(rid)
    end = min(first + dt.timedelta(days=length - 1), last_day)
    kind_name = "unavailable" if kind == "week's absence" else "sick"
    return Event(f"B{n}", kind_name, rid, first, end, at, note="benchmark")


def scenarios(args: argparse.Namespace, roster: pd.DataFrame, department: Department,
              horizon: Horizon) -> Iterator[tuple[str, list[Event]]]:  # fmt: skip
    rng = random.Random(args.seed)
    days = len(horizon.days)
    for point in range(args.points):
        offset = round((point + 0.5) * days / args.points)
        at = dt.datetime.combine(horizon.start + dt.timedelta(days=offset), dt.time(6))
        for kinds in SCENARIOS:
            taken: set[str] = set()
            events = [
                make_event(k, i, rng, roster, at, department, horizon, taken) for i, k in enumerate(kinds)
            ]
            yield " + ".join(kinds), events


def changed(before: pd.DataFrame, after: pd.DataFrame) -> dict[tuple[str, dt.date], tuple[str, str]]:
    old, new = roster_cells(before), roster_cells(after)
    return {k: (old.get(k, ""), new.get(k, "")) for k in set(old) | set(new) if old.get(k) != new.get(k)}


def frozen_broken(department: Department, diffs: dict, at: dt.datetime) -> int:
    """Changed cells before the report: an earlier day, or a shift that had started on the day."""
    count = 0
    for (_, day), codes in diffs.items():
        started = any(
            c and department.shift_types[c].interval(day)[0] < at
            for c in codes
            if c in department.shift_types
        )
        count += day < at.date() or (day == at.date() and started)
    return count


def judge(outcome: RepairOutcome, pack, horizon: Horizon) -> tuple[int, int]:
    """Hard violations by the validator, and those besides cover minimums."""
    report = validate_roster(outcome.department, pack, horizon, outcome.roster)
    hard = [v for v in report.violations if v.hard]
    return len(hard), sum(v.rule_type != "cover_limits" for v in hard)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("department")
    parser.add_argument("roster")
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2027, 2, 1))
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--rules", default="au-vic")
    parser.add_argument("--points", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=RepairSettings.time_limit)
    parser.add_argument("--full-time-limit", type=float, default=20.0)
    parser.add_argument("--no-full", action="store_true", help="skip the full re-solves")
    args = parser.parse_args()
    department, pack = load_department(args.department), load_pack(args.rules)
    horizon = Horizon(args.start, args.weeks)
    roster = pd.read_csv(args.roster)[["registrar_id", "date", "shift"]]
    roster["date"] = pd.to_datetime(roster["date"]).dt.date
    rows = []
    for name, events in scenarios(args, roster, department, horizon):
        at = events[0].reported_at
        fast = repair(department, pack, horizon, roster, events, RepairSettings(args.time_limit))
        diffs = changed(roster, fast.roster)
        hard, besides = judge(fast, pack, horizon)
        row = {
            "scenario": name, "reported_at": str(at), "events": [e.public_label() for e in events],
            "seconds": round(fast.seconds, 2), "changes": len(diffs), "uncovered": len(fast.uncovered),
            "hard_violations": hard, "hard_besides_cover": besides,
            "frozen_changed": frozen_broken(department, diffs, at), "status": fast.status,
        }  # fmt: skip
        if not args.no_full:
            full, found, mode = None, False, ""
            for hinted in (False, True):  # from scratch; from the published roster if that finds none
                settings = RepairSettings(args.full_time_limit, minimise_changes=False, hint_published=hinted)
                full = repair(department, pack, horizon, roster, events, settings)
                found = all(b.stages and b.stages[0]["value"] is not None for b in full.batches)
                mode = "from the published roster" if hinted else "from scratch"
                if found:
                    break
            assert full is not None
            row.update(full_status=f"{full.status} {mode}" if found else "no roster in the time limit")
            row.update(full_changes=len(changed(roster, full.roster)) if found else None)
            row["full_seconds"] = round(full.seconds, 2)
            row["ratio"] = round(row["changes"] / row["full_changes"], 3) if row["full_changes"] else None
        rows.append(row)
        print(json.dumps(row), flush=True)
    seconds = [r["seconds"] for r in rows]
    summary = {
        "registrars": len(department.registrars), "weeks": args.weeks, "scenarios": len(rows),
        "median_seconds": round(statistics.median(seconds), 2), "worst_seconds": max(seconds),
        "over_10s": sum(s > 10 for s in seconds), "hard_violations": sum(r["hard_violations"] for r in rows),
        "hard_besides_cover": sum(r["hard_besides_cover"] for r in rows),
        "uncovered": sum(r["uncovered"] for r in rows),
        "frozen_changed": sum(r["frozen_changed"] for r in rows), "changes": sum(r["changes"] for r in rows),
    }  # fmt: skip
    if not args.no_full:
        ratios = [r["ratio"] for r in rows if r["ratio"] is not None]
        summary.update(
            full_changes=sum(r["full_changes"] or 0 for r in rows),
            full_without_roster=sum(r["full_changes"] is None for r in rows),
            worst_ratio=max(ratios) if ratios else None,
            median_ratio=round(statistics.median(ratios), 3) if ratios else None,
            within_one_third=sum(r <= 1 / 3 for r in ratios),
        )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
