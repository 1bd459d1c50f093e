"""Shift Scheduling Benchmark (Curtois & Qu "NRP" instances): import, score and run with the engine.

Three independent pieces (format: /work/shared/benchmarks/nrp/README.md):

- `parse`: `parse_instance` reads an instance file into an `NrpInstance`;
- `score`: `evaluate_solution` is the benchmark's own checker, written from the README alone (its 9
  hard rules and objective): it shares no code with the importer, the solver or the engine validator;
- `run`: `to_department` maps an instance onto the engine's tables and generic rule types only;
  `run_instance` solves with the engine and cross-checks the roster with both checkers.

Pure Python, no Dagster.
"""

from roster_pipeline.nrp.parse import (
    SECTIONS,
    Cover,
    NrpFormatError,
    NrpInstance,
    Request,
    Staff,
    parse_instance,
    parse_text,
)
from roster_pipeline.nrp.run import (
    ENGINE_RULE_NUMBER,
    FEASIBLE,
    SHIFT_START_MINUTES,
    SITE,
    START,
    EngineCheck,
    bench_instance,
    engine_check,
    engine_roster,
    instance_paths,
    markdown_table,
    natural_key,
    peak_rss_mb,
    run_instance,
    run_isolated,
    solution_frame,
    to_department,
)
from roster_pipeline.nrp.score import (
    BEST_KNOWN,
    HARD_RULES,
    LOWER_BOUND,
    NrpScore,
    NrpViolation,
    Row,
    evaluate_solution,
    gap_to_best,
    solution_rows,
)

__all__ = [
    "BEST_KNOWN",
    "ENGINE_RULE_NUMBER",
    "FEASIBLE",
    "HARD_RULES",
    "LOWER_BOUND",
    "SECTIONS",
    "SHIFT_START_MINUTES",
    "SITE",
    "START",
    "Cover",
    "EngineCheck",
    "NrpFormatError",
    "NrpInstance",
    "NrpScore",
    "NrpViolation",
    "Request",
    "Row",
    "Staff",
    "bench_instance",
    "engine_check",
    "engine_roster",
    "evaluate_solution",
    "gap_to_best",
    "instance_paths",
    "markdown_table",
    "natural_key",
    "parse_instance",
    "parse_text",
    "peak_rss_mb",
    "run_instance",
    "run_isolated",
    "solution_frame",
    "solution_rows",
    "to_department",
]
