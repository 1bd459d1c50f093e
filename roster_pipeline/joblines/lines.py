"""The lines table, and the lines read out of a solution as [line, term] arrays."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from roster_pipeline.joblines.data import Plan
from roster_pipeline.joblines.model import JoblineModel


def lines_frame(plan: Plan, rotations: np.ndarray, leave: np.ndarray, six_month: np.ndarray) -> pd.DataFrame:
    """The lines table from [line, term] arrays of rotation index, leave weeks and 6-month flags."""
    rot = plan.catalogue.rotations.set_index("rotation_id")
    rids = list(rot.index)
    rows = []
    for li, line in enumerate(plan.cohort.itertuples(index=False)):
        for ti, (t, weeks) in enumerate(plan.weeks.items()):
            r = rids[int(rotations[li, ti])]
            rows.append(
                {
                    "line_id": line.line_id,
                    "pgy": int(line.pgy),
                    "fte": float(line.fte),
                    "term": int(t),
                    "term_weeks": int(weeks),
                    "rotation_id": r,
                    "specialty": rot.at[r, "specialty"],
                    "subspecialty": rot.at[r, "subspecialty"],
                    "leave_weeks": int(leave[li, ti]),
                    "clinical_weeks": int(weeks) - int(leave[li, ti]),
                    "six_month": bool(six_month[li, ti]),
                }
            )
    return pd.DataFrame(rows)


def six_month_flags(rotations: np.ndarray, six_ok: set[int], pgys: list[int]) -> np.ndarray:
    """[line, term] flags of a PGY2 6-month rotation: an eligible rotation in two consecutive terms."""
    flags = np.zeros(rotations.shape, dtype=bool)
    for li, pgy in enumerate(pgys):
        for ti in range(rotations.shape[1] - 1):
            r = int(rotations[li, ti])
            if pgy == 2 and r in six_ok and r == int(rotations[li, ti + 1]):
                flags[li, ti] = flags[li, ti + 1] = True
    return flags


def snapshot_frame(plan: Plan, rotations: np.ndarray, leave: np.ndarray) -> pd.DataFrame:
    """The lines table of a recorded solution (see progress.py)."""
    rot = plan.catalogue.rotations
    six_ok = {i for i, v in enumerate(rot.six_month) if v}
    return lines_frame(
        plan, rotations, leave, six_month_flags(rotations, six_ok, [int(p) for p in plan.cohort.pgy])
    )


def y_index(plan: Plan, built: JoblineModel) -> np.ndarray:
    """Proto indices of y, shaped [line, term, rotation]."""
    rids = list(plan.catalogue.rotations.rotation_id)
    return np.array(
        [[[built.y[li, t, r].Index() for r in rids] for t in plan.weeks] for li in range(len(plan.cohort))]
    )


def line_arrays(
    plan: Plan, built: JoblineModel, value: Callable[[cp_model.IntVar], int]
) -> tuple[np.ndarray, np.ndarray]:
    """[line, term] arrays of rotation index and leave weeks from a variable -> value function."""
    rids = list(plan.catalogue.rotations.rotation_id)
    terms = list(plan.weeks)
    n = len(plan.cohort)
    rotations = np.array(
        [[next(i for i, r in enumerate(rids) if value(built.y[li, t, r])) for t in terms] for li in range(n)]
    )
    leave = np.array(
        [[sum(k * int(value(v)) for k, v in built.leave_blocks[li, t]) for t in terms] for li in range(n)]
    )
    return rotations, leave


def solution_lines(plan: Plan, built: JoblineModel, solver: cp_model.CpSolver) -> pd.DataFrame:
    """The lines table of the solver's solution."""
    rotations, leave = line_arrays(plan, built, solver.Value)
    return snapshot_frame(plan, rotations, leave)
