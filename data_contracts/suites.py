"""Great Expectations (1.x) suites on the warehouse's outputs: what a stored roster week, fairness
ledger and job-line year must satisfy, whoever (solver or person) produced them.

Each suite is a list of expectations built from the partition it judges; `validate` runs one on a
frame in an ephemeral GX context (nothing written to disk) and returns a plain `SuiteOutcome` that
Dagster asset checks turn into metadata. No Dagster imports here. GX is imported lazily: it takes
seconds to import, and the CLI never needs it.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

MAX_WEEK_HOURS = 7 * 24.0  # nobody works more hours than a week has


@dataclass(frozen=True)
class Expectation:
    """One expectation by its GX class name and arguments, plus what it means in words."""

    kind: str  # e.g. "ExpectColumnValuesToNotBeNull"
    kwargs: dict[str, Any]
    meaning: str


@dataclass(frozen=True)
class ExpectationOutcome:
    meaning: str
    kind: str
    success: bool
    unexpected: int
    examples: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SuiteOutcome:
    suite: str
    rows: int
    outcomes: list[ExpectationOutcome]

    @property
    def passed(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    def table(self) -> pd.DataFrame:
        """One row per expectation (for a markdown table in the check's metadata)."""
        return pd.DataFrame(
            [
                {
                    "expectation": o.meaning,
                    "passed": "yes" if o.success else "NO",
                    "unexpected": o.unexpected,
                    "examples": "; ".join(o.examples[:3]),
                }
                for o in self.outcomes
            ]
        )


def leave_clashes(assignments: pd.DataFrame, leave: pd.DataFrame) -> pd.Series:
    """For each assignment, "" or "<registrar> on <date>" when it falls on a day of that registrar's
    approved leave (`start`..`end` inclusive). The roster suite expects only ""."""
    clashes = pd.Series("", index=assignments.index, dtype=object)
    if leave.empty or assignments.empty:
        return clashes
    approved = leave[leave["status"].astype(str).str.strip().str.lower() == "approved"]
    days = pd.to_datetime(assignments["date"]).dt.normalize()
    for row in approved.itertuples(index=False):
        start, end = pd.Timestamp(row.start).normalize(), pd.Timestamp(row.end).normalize()
        hit = (assignments["registrar_id"] == row.registrar_id) & days.between(start, end)
        clashes[hit] = assignments.loc[hit, "registrar_id"] + " on " + days[hit].dt.strftime("%Y-%m-%d")
    return clashes


def roster_week_suite(week_start: dt.date, days: int = 7) -> list[Expectation]:
    """A stored roster week: `roster_assignments` rows with a `leave_clash` column (`leave_clashes`)."""
    first = pd.Timestamp(week_start)
    last = first + pd.Timedelta(days=days - 1)
    return [
        Expectation(
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": ["registrar_id", "date", "shift"]},
            "assignments unique per registrar, date and shift",
        ),
        Expectation(
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": ["registrar_id", "date"]},
            "at most one shift per registrar and day",
        ),
        Expectation(
            "ExpectColumnValuesToBeBetween",
            {"column": "date", "min_value": first, "max_value": last},
            f"every date inside the week {first.date()}..{last.date()}",
        ),
        Expectation(
            "ExpectColumnValuesToBeInSet",
            {"column": "leave_clash", "value_set": [""]},
            "no assignment on approved leave",
        ),
        *[
            Expectation("ExpectColumnValuesToNotBeNull", {"column": c}, f"{c} present")
            for c in ("registrar_id", "date", "shift", "start_at", "end_at")
        ],
        Expectation(
            "ExpectColumnValuesToBeBetween",
            {"column": "hours", "min_value": 0, "max_value": 24},
            "a shift lasts 0 to 24 hours",
        ),
    ]


def fairness_suite(week_start: dt.date) -> list[Expectation]:
    """A stored week of the fairness ledger: one row per registrar, figures in range."""
    week = pd.Timestamp(week_start)
    counts = [
        Expectation(
            "ExpectColumnValuesToBeBetween", {"column": c, "min_value": 0, "max_value": 7}, f"{c} 0 to 7"
        )
        for c in ("nights", "weekends", "public_holidays", "available_days")
    ]
    return [
        Expectation("ExpectColumnValuesToBeUnique", {"column": "registrar_id"}, "one row per registrar"),
        Expectation(
            "ExpectColumnValuesToBeBetween",
            {"column": "week_start", "min_value": week, "max_value": week},
            f"every row of the week {week.date()}",
        ),
        Expectation(
            "ExpectColumnValuesToBeBetween",
            {"column": "fte", "min_value": 0, "max_value": 1.5},
            "FTE between 0 and 1.5",
        ),
        *counts,
        Expectation(
            "ExpectColumnValuesToBeBetween",
            {"column": "hours", "min_value": 0, "max_value": MAX_WEEK_HOURS},
            "hours 0 to 168 in the week",
        ),
        *[
            Expectation(
                "ExpectColumnValuesToBeBetween",
                {"column": f"cum_{c}", "min_value": 0},
                f"running {c} not negative",
            )
            for c in ("nights", "weekends", "public_holidays", "hours")
        ],
        *[
            Expectation("ExpectColumnValuesToNotBeNull", {"column": f"{c}_balance"}, f"{c} balance defined")
            for c in ("nights", "weekends", "hours")
        ],
    ]


def lines_per_term(lines: pd.DataFrame) -> pd.DataFrame:
    """Per job line: how many terms it has and how many have no rotation (for `joblines_suite`)."""
    if lines.empty:
        return pd.DataFrame(columns=["line_id", "terms", "missing_rotations"])
    grouped = lines.groupby("line_id")
    return pd.DataFrame(
        {
            "terms": grouped["term"].nunique(),
            "missing_rotations": grouped["rotation_id"].apply(lambda s: int(s.isna().sum())),
        }
    ).reset_index()


def joblines_suite(lines_expected: int, terms: int) -> list[Expectation]:
    """A clinical year's job lines (`lines_per_term` of `joblines_lines`): complete and whole."""
    return [
        Expectation(
            "ExpectTableRowCountToEqual", {"value": lines_expected}, f"{lines_expected} lines, as requested"
        ),
        Expectation("ExpectColumnValuesToBeUnique", {"column": "line_id"}, "line ids unique"),
        Expectation(
            "ExpectColumnValuesToBeBetween",
            {"column": "terms", "min_value": terms, "max_value": terms},
            f"every line has all {terms} terms",
        ),
        Expectation(
            "ExpectColumnValuesToBeInSet",
            {"column": "missing_rotations", "value_set": [0]},
            "every term of every line has a rotation",
        ),
    ]


def _example(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={_example(v)}" for k, v in value.items())
    if isinstance(value, pd.Timestamp):
        return str(value.date()) if value == value.normalize() else str(value)
    return str(value)


def validate(name: str, frame: pd.DataFrame, suite: list[Expectation]) -> SuiteOutcome:
    """Run `suite` on `frame` with Great Expectations (ephemeral context) and summarise it."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no usage reporting (no network here)
    import great_expectations as gx  # noqa: PLC0415 - seconds to import; only asset checks need it
    import great_expectations.expectations as gxe  # noqa: PLC0415
    from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: PLC0415

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas(f"{name}_source")
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe("whole")
    )
    expectations = [getattr(gxe, e.kind)(**e.kwargs) for e in suite]
    gx_suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))  # ids given
    meaning = {added.id: e.meaning for added, e in zip(gx_suite.expectations, suite, strict=True)}
    result = batch.get_batch(batch_parameters={"dataframe": frame}).validate(gx_suite)
    by_id = {r.expectation_config.id: r for r in result.results}
    return SuiteOutcome(name, len(frame), [_outcome(meaning[i], by_id[i]) for i in meaning])


def _outcome(meaning: str, result: Any) -> ExpectationOutcome:
    """One expectation's result: how many values broke it and a few of them (or what was observed)."""
    details = result.result or {}
    examples = [_example(v) for v in (details.get("partial_unexpected_list") or [])[:5]]
    if not examples and not result.success and "observed_value" in details:
        examples = [f"observed {_example(details['observed_value'])}"]
    unexpected = details.get("unexpected_count")
    return ExpectationOutcome(
        meaning=meaning,
        kind=result.expectation_config.type,
        success=bool(result.success),
        unexpected=int(unexpected) if unexpected is not None else int(not result.success),
        examples=examples,
    )
