"""What-if changes: a cover change on a day that already has a dated cover row replaces that row, so
the new demand is the one solved and validated (two dated rows of equal rank would be a contract
error); a rule change is held to the pack's parameter schema."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from roster_pipeline.core.department_io import load_department
from roster_pipeline.core.domain import Horizon
from roster_pipeline.core.rules import load_pack
from roster_pipeline.explain.whatif import Change, WhatIfError, apply_change
from roster_pipeline.planning.sample import write_sample
from roster_pipeline.validator import validate_roster

START = dt.date(2027, 2, 1)
TEACHING_DAY = dt.date(2027, 2, 10)  # the sample dates a cover row for every shift on this day


def test_cover_change_replaces_the_days_dated_row(tmp_path) -> None:
    department = load_department(
        write_sample(tmp_path / "d", registrars=12, sites=2, weeks=2, start=START, seed=7)
    )
    pack = load_pack("au-vic")
    cover = department.table("cover")
    dated = cover[pd.to_datetime(cover["date"], errors="coerce").dt.date == TEACHING_DAY]
    shift = str(dated["shift"].iloc[0])
    changed, _ = apply_change(
        department, pack, Change(kind="cover", shift=shift, date=TEACHING_DAY, people=2)
    )
    rows = changed.table("cover")
    mine = rows[
        (pd.to_datetime(rows["date"], errors="coerce").dt.date == TEACHING_DAY) & (rows["shift"] == shift)
    ]
    assert len(mine) == 1
    assert (int(mine["min"].iloc[0]), int(mine["target"].iloc[0])) == (2, 2)
    assert len(rows) == len(cover)  # replaced, not added
    assert len(department.table("cover")) == len(cover)  # the original is untouched
    empty = pd.DataFrame(columns=["registrar_id", "date", "shift"])
    report = validate_roster(changed, pack, Horizon(START, 2), empty)  # the validator accepts the tables
    # With nobody rostered, the day's shift misses exactly the new minimum of 2 (not the old row's).
    short = [
        v.units
        for v in report.violations
        if v.rule_type == "cover_limits" and v.dates == (TEACHING_DAY,) and v.message.startswith(f"{shift} ")
    ]
    assert short == [2]


def test_rule_change_outside_the_parameter_schema_is_refused(tmp_path) -> None:
    department = load_department(
        write_sample(tmp_path / "d", registrars=12, sites=2, weeks=1, start=START, seed=7)
    )
    pack = load_pack("au-vic")
    rest = next(r for r in pack.rules if r.type == "min_rest")
    with pytest.raises(
        WhatIfError, match=rf"rule {rest.id}: param 'hours' must be above 0 and at most 168, not -8"
    ):
        apply_change(department, pack, Change(kind="rule", rule_id=rest.id, param="hours", value=-8))
    _, changed = apply_change(department, pack, Change(kind="rule", rule_id=rest.id, param="hours", value=8))
    assert next(r for r in changed.rules if r.id == rest.id).params["hours"] == 8
    assert next(r for r in pack.rules if r.id == rest.id).params == rest.params  # the pack is untouched
