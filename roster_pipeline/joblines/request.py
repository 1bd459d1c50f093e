"""The job-line use case: solve a planning request (JSON keys) and check every line; the CLI and
Dagster both call `run`.

Request keys (all optional): `pgy1`, `pgy2`, `fte`, `cohort` (list of {line_id, pgy, fte}),
`terms` ("5-term", "4-term" or a list of weeks), `catalogue` ("sample" or a CSV path),
`capacity_overrides` (list of {rotation_id, term, capacity, min_staffing}), `affinity_profile`
("default" or a JSON/CSV path), `time_limit` (seconds, default 420), `workers`, `seed`,
`deterministic` (time in deterministic seconds: the same request gives the same lines), `weights`
({affinity, clumping, attractiveness, similar, min_hamming}), `progress` (record the solve over time).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

import pandas as pd

from affinity import AffinityProfile, default_profile, load_profile
from roster_pipeline.joblines.checker import CheckInputs, check, violations
from roster_pipeline.joblines.checker_objective import bests_reachable, recount
from roster_pipeline.joblines.data import TEMPLATES, Plan, sample_catalogue, sample_cohort, template
from roster_pipeline.joblines.metrics import metrics
from roster_pipeline.joblines.objective import ObjectiveWeights
from roster_pipeline.joblines.solve import JoblineResult, JoblineSettings, solve_joblines

JOBLINE_TABLES = ("lines", "term_view", "capacity", "compliance", "metrics")


class RequestError(ValueError):
    """A planning request that cannot be used; the message names the key (and file) at fault."""


def _whole(value: Any, low: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _rows(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(row, dict) for row in value)


def _terms(value: Any) -> bool:
    if isinstance(value, str):
        return value in TEMPLATES
    return isinstance(value, list) and bool(value) and all(_whole(w, 1) for w in value)


def _weights(value: Any) -> bool:
    known = set(asdict(ObjectiveWeights()))
    return isinstance(value, dict) and set(value) <= known and all(_whole(w, 0) for w in value.values())


class RequestKey(NamedTuple):
    """One request key: its default (NO_DEFAULT: absent unless given), whether a value is usable,
    and what is expected, in words."""

    default: Any
    usable: Callable[[Any], bool]
    expected: str


NO_DEFAULT = object()
# Every request key, in one place: checked before anything is read or solved; the CLI, the Dagster
# run config and the docs take their defaults from here.
REQUEST_KEYS: dict[str, RequestKey] = {
    "pgy1": RequestKey(80, lambda v: _whole(v, 0), "a whole number >= 0"),
    "pgy2": RequestKey(40, lambda v: _whole(v, 0), "a whole number >= 0"),
    "fte": RequestKey(1.0, lambda v: _number(v) and v <= 1, "a number in (0, 1]"),
    "cohort": RequestKey(NO_DEFAULT, _rows, "a list of {line_id, pgy, fte} objects"),
    "terms": RequestKey(
        "5-term", _terms, f"one of {sorted(TEMPLATES)} or a list of term lengths in whole weeks >= 1"
    ),
    "catalogue": RequestKey("sample", lambda v: isinstance(v, str), '"sample" or a CSV path'),
    "capacity_overrides": RequestKey(
        [], _rows, "a list of {rotation_id, term, capacity, min_staffing} objects"
    ),
    "affinity_profile": RequestKey("default", lambda v: isinstance(v, str), '"default" or a JSON/CSV path'),
    "time_limit": RequestKey(420.0, _number, "a number of seconds above 0"),
    "workers": RequestKey(2, lambda v: _whole(v, 1), "a whole number >= 1"),
    "seed": RequestKey(0, lambda v: _whole(v, 0), "a whole number >= 0"),
    "deterministic": RequestKey(False, lambda v: isinstance(v, bool), "true or false"),
    "weights": RequestKey(
        asdict(ObjectiveWeights()),
        _weights,
        f"an object of whole numbers >= 0, keys among {sorted(asdict(ObjectiveWeights()))}",
    ),
    "progress": RequestKey(False, lambda v: isinstance(v, bool), "true or false"),
}
REQUEST_DEFAULTS: dict[str, Any] = {
    k: key.default for k, key in REQUEST_KEYS.items() if key.default is not NO_DEFAULT
}


def _key_problem(key: str, value: Any) -> str | None:
    """What is wrong with one request key's value, in words, or None."""
    if key not in REQUEST_KEYS:
        return f"request key {key!r} is unknown; known keys: {', '.join(sorted(REQUEST_KEYS))}"
    spec = REQUEST_KEYS[key]
    return None if spec.usable(value) else f"request key {key!r}: expected {spec.expected}, not {value!r}"


def request_problems(request: dict[str, Any]) -> list[str]:
    """Every problem of a request's keys and value types, before anything is read or solved."""
    return [problem for key, value in request.items() if (problem := _key_problem(key, value))]


@dataclass
class JoblineRun:
    """A solved request with its plan, profile, compliance report, metrics and the checker's own
    recount of the cost terms (empty when there are no lines or the status has another objective)."""

    plan: Plan
    profile: AffinityProfile
    result: JoblineResult
    report: pd.DataFrame
    metrics: dict[str, float]
    recount: dict[str, int] = field(default_factory=dict)
    inputs: CheckInputs | None = None  # what the checker judged from: the request's own frames
    settings: JoblineSettings = field(default_factory=JoblineSettings)


def request_inputs(
    request: dict[str, Any],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """The request's cohort, term template, catalogue and overrides frames, as given."""
    request = {**REQUEST_DEFAULTS, **request}
    if "cohort" in request:
        cohort = pd.DataFrame(request["cohort"])
    else:
        cohort = sample_cohort(int(request["pgy1"]), int(request["pgy2"]), float(request["fte"]))
    source = request["catalogue"]
    rotations = sample_catalogue() if source == "sample" else pd.read_csv(source)
    overrides = pd.DataFrame(request["capacity_overrides"]) if request.get("capacity_overrides") else None
    return cohort, template(request["terms"]), rotations, overrides


def check_inputs(request: dict[str, Any], rules: Any) -> CheckInputs:
    """The checker's inputs: the request's frames as given (not the plan's), with the rule limits."""
    cohort, terms, rotations, overrides = request_inputs(request)
    weeks = {int(t): int(w) for t, w in zip(terms.term, terms.weeks, strict=True)}
    return CheckInputs(cohort, weeks, rotations, rules, overrides)


def plan_from_request(request: dict[str, Any]) -> tuple[Plan, AffinityProfile, JoblineSettings]:
    """Validated plan, affinity profile and settings from a planning request (RequestError if not)."""
    problems = request_problems(request)
    if problems:
        raise RequestError("\n".join(problems))
    request = {**REQUEST_DEFAULTS, **request}
    try:
        cohort, terms, rotations, overrides = request_inputs(request)
        plan = Plan.build(cohort, terms, rotations, overrides)
    except (OSError, ValueError, KeyError) as error:  # unreadable catalogue, contract problems
        raise RequestError(f"request cohort, terms, catalogue or capacity_overrides: {error}") from error
    name = request["affinity_profile"]
    known = set(plan.catalogue.rotations.specialty)
    try:
        profile = default_profile() if name == "default" else load_profile(name, known=None)
    except (OSError, ValueError, KeyError) as error:
        raise RequestError(f"request key 'affinity_profile' ({name}): {error}") from error
    if not set(profile.specialties) & known:
        raise RequestError("the affinity profile shares no specialty with the catalogue")
    settings = JoblineSettings(
        time_limit=float(request["time_limit"]),
        workers=int(request["workers"]),
        seed=int(request["seed"]),
        deterministic=bool(request["deterministic"]),
        weights=ObjectiveWeights(**request["weights"]),
        progress=bool(request["progress"]),
    )
    return plan, profile, settings


def run(request: dict[str, Any]) -> JoblineRun:
    """Solve a request and check every line independently."""
    plan, profile, settings = plan_from_request(request)
    result = solve_joblines(plan, profile, settings)
    report = pd.DataFrame()
    parts: dict[str, int] = {}
    inputs = check_inputs(request, plan.rules)
    if not result.lines.empty:
        excused = {(d["rotation_id"], d["term"]) for d in result.dropped}
        report = check(result.lines, inputs, excused)
        if result.status in ("OPTIMAL", "FEASIBLE"):  # FEASIBLE_WITH_DROPS minimises the drops instead
            weights = asdict(settings.weights)
            bests = result.bests  # the engine's per-year best line; checked below, not trusted
            parts = recount(result.lines, inputs, profile.values, bests, weights)
            if bests:
                extra = pd.DataFrame(bests_reachable(result.lines, inputs, profile.values, bests))
                report = pd.concat([report, extra.assign(value=extra.value.astype(str))], ignore_index=True)
    found = metrics(result.lines, plan.catalogue.rotations, profile, settings.weights.min_hamming)
    return JoblineRun(plan, profile, result, report, found, parts, inputs, settings)


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
        "objective_recounted": sum(outcome.recount.values()) if outcome.recount else None,
        "objective_agrees": None
        if not outcome.recount or result.objective is None
        else sum(outcome.recount.values()) == round(result.objective),
        "bound": result.bound,
        "first_feasible_seconds": None
        if result.first_feasible_seconds is None
        else round(result.first_feasible_seconds, 2),
        "metrics": outcome.metrics,
        "diagnosis": result.diagnosis,
        "dropped": result.dropped,
        **solve_parameters(outcome.settings),
    }


def solve_parameters(settings: JoblineSettings) -> dict[str, Any]:
    """What a solve needs to be reproduced, recorded with every result: seed, workers, time limit
    and whether it is in deterministic seconds."""
    return {
        "seed": settings.seed,
        "workers": settings.workers,
        "time_limit": settings.time_limit,
        "deterministic": settings.deterministic,
    }


def run_request(request: dict[str, Any]) -> dict[str, Any]:
    """Solve a planning request and return the JSON summary."""
    return summary(run(request))


def output_frames(outcome: JoblineRun) -> dict[str, pd.DataFrame]:
    """The five warehouse frames of a solved request, keyed by table name without `joblines_`."""
    lines = outcome.result.lines
    plan = outcome.plan
    if lines.empty:
        term_view = pd.DataFrame(columns=["term", "rotation_id", "headcount", "line_ids"])
        load: dict = {}
    else:
        term_view = (
            lines.groupby(["term", "rotation_id"])
            .agg(headcount=("line_id", "size"), line_ids=("line_id", lambda s: ",".join(sorted(s))))
            .reset_index()
        )
        load = lines.groupby(["rotation_id", "term"]).fte.sum().to_dict()
    capacity = pd.DataFrame(
        [
            {
                "rotation_id": r,
                "term": t,
                "fte_used": float(load.get((r, t), 0.0)),
                "capacity": cap,
                "min_staffing": plan.catalogue.min_staffing[r, t],
                "utilisation": float(load.get((r, t), 0.0)) / cap if cap else 0.0,
            }
            for (r, t), cap in sorted(plan.catalogue.capacity.items())
        ]
    )
    info = summary(outcome)
    metrics = pd.DataFrame(
        [
            {
                "status": info["status"],
                "gap": info["gap"],
                "seconds": info["seconds"],
                "violations": info["violations"],
                "objective": info["objective"],
                "bound": info["bound"],
                **{k: float(v) for k, v in info["metrics"].items()},
                "diagnosis": json.dumps(info["diagnosis"]),
                "dropped": json.dumps(info["dropped"], default=str),
                "affinity_profile": outcome.profile.name,
                **solve_parameters(outcome.settings),
            }
        ]
    )
    compliance = outcome.report if not outcome.report.empty else pd.DataFrame(columns=["rule", "ok"])
    return {
        "lines": lines,
        "term_view": term_view,
        "capacity": capacity,
        "compliance": compliance,
        "metrics": metrics,
    }
