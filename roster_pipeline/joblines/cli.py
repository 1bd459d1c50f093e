"""The planning request (JSON) and the `roster joblines request.json` subcommand.

Request keys (all optional): `pgy1`, `pgy2`, `fte`, `cohort` (list of {line_id, pgy, fte}),
`terms` ("5-term", "4-term" or a list of weeks), `catalogue` ("sample" or a CSV path),
`capacity_overrides` (list of {rotation_id, term, capacity, min_staffing}), `affinity_profile`
("default" or a JSON/CSV path), `time_limit` (seconds, default 420), `workers`, `seed`, `weights`
({affinity, clumping, attractiveness, similar, min_hamming}), `progress` (record the solve over time).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from affinity import AffinityProfile, default_profile, load_profile
from roster_pipeline.joblines.checker import check, violations
from roster_pipeline.joblines.data import Plan, sample_catalogue, sample_cohort, template
from roster_pipeline.joblines.metrics import metrics
from roster_pipeline.joblines.solve import JoblineResult, JoblineSettings, ObjectiveWeights, solve_joblines


@dataclass
class JoblineRun:
    """A solved request with its plan, profile, compliance report and metrics."""

    plan: Plan
    profile: AffinityProfile
    result: JoblineResult
    report: pd.DataFrame
    metrics: dict[str, float]


def plan_from_request(request: dict[str, Any]) -> tuple[Plan, AffinityProfile, JoblineSettings]:
    """Validated plan, affinity profile and settings from a planning request."""
    if "cohort" in request:
        cohort = pd.DataFrame(request["cohort"])
    else:
        cohort = sample_cohort(
            int(request.get("pgy1", 80)), int(request.get("pgy2", 40)), float(request.get("fte", 1.0))
        )
    source = request.get("catalogue", "sample")
    rotations = sample_catalogue() if source == "sample" else pd.read_csv(source)
    overrides = pd.DataFrame(request["capacity_overrides"]) if request.get("capacity_overrides") else None
    plan = Plan.build(cohort, template(request.get("terms", "5-term")), rotations, overrides)
    name = request.get("affinity_profile", "default")
    known = set(plan.catalogue.rotations.specialty)
    profile = default_profile() if name == "default" else load_profile(name, known=None)
    if not set(profile.specialties) & known:
        raise ValueError("the affinity profile shares no specialty with the catalogue")
    settings = JoblineSettings(
        time_limit=float(request.get("time_limit", 420)),
        workers=int(request.get("workers", 2)),
        seed=int(request.get("seed", 0)),
        weights=ObjectiveWeights(**request.get("weights", {})),
        progress=bool(request.get("progress", False)),
    )
    return plan, profile, settings


def run(request: dict[str, Any]) -> JoblineRun:
    """Solve a request and check every line independently."""
    plan, profile, settings = plan_from_request(request)
    result = solve_joblines(plan, profile, settings)
    report = pd.DataFrame()
    if not result.lines.empty:
        excused = {(d["rotation_id"], d["term"]) for d in result.dropped}
        report = check(
            result.lines,
            plan.catalogue.rotations,
            plan.rules,
            plan.catalogue.capacity,
            plan.catalogue.min_staffing,
            excused,
        )
    found = metrics(result.lines, plan.catalogue.rotations, profile, settings.weights.min_hamming)
    return JoblineRun(plan, profile, result, report, found)


def summary(outcome: JoblineRun) -> dict[str, Any]:
    """The one-line JSON summary."""
    result = outcome.result
    return {
        "status": result.status,
        "lines": int(result.lines.line_id.nunique()) if not result.lines.empty else 0,
        "gap": None if result.gap is None else round(result.gap, 4),
        "seconds": round(result.seconds, 2),
        "violations": int(len(violations(outcome.report))) if not outcome.report.empty else 0,
        "objective": result.objective,
        "bound": result.bound,
        "first_feasible_seconds": None
        if result.first_feasible_seconds is None
        else round(result.first_feasible_seconds, 2),
        "metrics": outcome.metrics,
        "diagnosis": result.diagnosis,
        "dropped": result.dropped,
    }


def run_request(request: dict[str, Any]) -> dict[str, Any]:
    """Solve a planning request and return the JSON summary."""
    return summary(run(request))


def _command(args: argparse.Namespace) -> int:
    request = json.loads(Path(args.request).read_text())
    if args.time_limit is not None:
        request["time_limit"] = args.time_limit
    out = run_request(request)
    print(json.dumps(out, default=str))
    return 0 if out["status"] in ("OPTIMAL", "FEASIBLE", "FEASIBLE_WITH_DROPS") else 1


def register_cli(subparsers: Any) -> None:
    """Add `joblines REQUEST.json` to the `roster` command's subparsers."""
    parser = subparsers.add_parser("joblines", help="generate PGY1/PGY2 job lines from a planning request")
    parser.add_argument("request", help="planning request JSON (see examples/joblines_request.json)")
    parser.add_argument("--time-limit", type=float, default=None, help="override the request's time_limit")
    parser.set_defaults(func=_command)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point: `python -m roster_pipeline.joblines.cli request.json`."""
    parser = argparse.ArgumentParser(prog="roster")
    register_cli(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["joblines", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
