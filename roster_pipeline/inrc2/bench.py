"""`roster bench inrc2`: solve INRC-II week by week with the engine, then score the whole horizon with
the independent evaluator.

The two sides meet only here: `solve` (with its own reader `scenario` and mapping `convert`) writes the
competition's solution files, and `evaluate` reads them back from disk with its own parser, as the
official validator would.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from roster_pipeline.inrc2.evaluate import Evaluation, evaluate_files
from roster_pipeline.inrc2.solve import Instance, WeekOutcome, read_instance, solve_weeks

# The evaluator's cost lines that the engine counts exactly week by week (runs are judged by the week
# holding their closing day, weekends by the week holding them): evaluator field -> engine rule prefix.
# S6 and S7 are judged once at the end of the horizon; the weekly packs only hold pro-rata shares.
EXACT_LINES = {
    "optimal_coverage": "S1-",
    "consecutive": "S2-",
    "non_working_days": "S3-",
    "preferences": "S4-",
    "complete_weekends": "S5-",
}


@dataclass
class BenchResult:
    """The weeks solved, their solution files and the evaluator's judgement of them."""

    instance: Instance
    weeks: list[WeekOutcome]
    evaluation: Evaluation | None  # None when the first week found no roster

    @property
    def complete(self) -> bool:
        """Every week has a roster."""
        return len(self.weeks) == len(self.instance.weeks) and all(w.solution for w in self.weeks)

    @property
    def hard(self) -> int:
        """Hard violations the evaluator counts (-1 when nothing could be scored)."""
        return -1 if self.evaluation is None else self.evaluation.hard.total

    @property
    def ok(self) -> bool:
        return self.complete and self.hard == 0

    @property
    def seconds(self) -> float:
        return sum(w.seconds for w in self.weeks)

    def engine_lines(self) -> dict[str, int]:
        """The engine validator's penalties summed over the weeks, per exactly counted cost line."""
        return {
            line: sum(
                p for w in self.weeks for rule, p in w.penalty_by_rule.items() if rule.startswith(prefix)
            )
            for line, prefix in EXACT_LINES.items()
        }

    def text(self) -> str:
        """The evaluator's report (the official validator's format), then one line per week."""
        parts = [] if self.evaluation is None else [self.evaluation.report()]
        parts.append("Weeks (engine)\n")
        for w in self.weeks:
            parts.append(
                f"week {w.stage} (WD {w.week_id}): {w.status}, objective {w.objective}, "
                f"engine validator hard {w.hard_violations}, {w.seconds:.1f} s"
                + (f", {w.solution.name}" if w.solution else ", no roster")
                + "\n"
            )
            parts += [f"  {line}\n" for line in w.diagnosis]
        if not self.complete:
            parts.append(f"stopped: week {len(self.weeks) - 1} has no roster\n")
        return "".join(parts)


def solve_inrc2(
    scenario: str | Path,
    history: str | Path,
    weeks: list[str | Path],
    out_dir: str | Path,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
) -> BenchResult:
    """Solve the weeks in order (deterministic settings), write `Sol-<instance>-<week>-<stage>.txt`
    into `out_dir` and score the solved weeks with the independent evaluator.

    Every input file is read and checked first: a bad file raises `Inrc2InputError` (file and line)
    before anything is written."""
    instance = read_instance(scenario, history, list(weeks))
    outcomes = solve_weeks(instance, out_dir, time_limit, workers, seed)
    solved = [w for w in outcomes if w.solution is not None]
    evaluation = None
    if solved:
        evaluation = evaluate_files(
            Path(scenario),
            Path(history),
            [Path(weeks[w.stage]) for w in solved],
            [w.solution for w in solved if w.solution is not None],
        )
    return BenchResult(instance, outcomes, evaluation)
