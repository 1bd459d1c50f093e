"""The `roster` command line end to end on a small sample department."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from roster_pipeline.cli import main

AU_VIC = Path(__file__).resolve().parents[1] / "roster_pipeline" / "core" / "rule_packs" / "au-vic.yaml"


@pytest.fixture(scope="module")
def department(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dept") / "sample"
    assert main(["sample", "--registrars", "24", "--sites", "2", "--weeks", "1", "--out", str(out)]) == 0
    return out


def _last_json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_solve_writes_roster_and_summary(department: Path, tmp_path: Path, capsys) -> None:
    roster, grid = tmp_path / "roster.csv", tmp_path / "roster.xlsx"
    argv = ["solve", str(department), "--start", "2027-02-01", "--weeks", "1", "--rules", "au-vic"]
    argv += ["--time-limit", "5", "--workers", "1", "--seed", "3", "--deterministic"]
    code = main([*argv, "--out", str(roster), "--xlsx", str(grid)])
    summary = _last_json(capsys)
    assert code == 0, summary
    assert summary["status"] in ("OPTIMAL", "FEASIBLE")
    assert summary["hard_violations"] == 0
    # The settings given on the command line, and the pack's own id and version (au-vic.yaml).
    assert (summary["seed"], summary["workers"], summary["time_limit"]) == (3, 1, 5.0)
    assert summary["deterministic"] is True
    assert (summary["rule_pack"], summary["rule_pack_version"]) == ("au-vic", "2027.2")
    # The solver's objective is the independent validator's soft penalty, rule by rule summed.
    assert summary["objective"] == summary["soft_penalty"]
    assert sum(rule["penalty"] for rule in summary["soft"].values()) == summary["soft_penalty"]
    soft_rules = {
        rule["id"] for rule in yaml.safe_load(AU_VIC.read_text())["rules"] if not rule.get("hard", False)
    }
    assert set(summary["soft"]) == soft_rules
    objective, bound = summary["objective"], summary["bound"]
    assert bound <= objective
    assert summary["gap"] == pytest.approx((objective - bound) / max(1.0, objective), abs=1e-6)
    assert len(summary["input_hash"]) >= 16 and summary["diagnosis"] == []
    # Every roster row carries its shift type's site and times, as the department defines them.
    frame = pd.read_csv(roster, dtype=str)
    assert list(frame.columns) == ["registrar_id", "date", "shift", "site", "start", "end"]
    shifts = pd.read_csv(department / "shift_types.csv", dtype=str).set_index("code")
    assert len(frame) > 0 and grid.exists()
    for row in frame.itertuples(index=False):
        site, start, end = shifts.loc[row.shift, ["site", "start", "end"]]
        end_day = dt.date.fromisoformat(row.date) + dt.timedelta(days=1 if end <= start else 0)
        assert (row.site, row.start, row.end) == (site, f"{row.date}T{start}:00", f"{end_day}T{end}:00")
    assert set(frame["date"]) <= {f"2027-02-0{d}" for d in range(1, 8)}
    assert not frame.duplicated(["registrar_id", "date"]).any()
    # The same command again gives the same roster (deterministic time, one worker, fixed seed).
    again = tmp_path / "again.csv"
    assert main([*argv, "--out", str(again)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(again, dtype=str), frame)
    assert _last_json(capsys)["objective"] == objective
    assert main(["validate", str(department), str(roster), "--rules", "au-vic", "--summary"]) == 0
    assert _last_json(capsys)["hard_violations"] == 0


def test_validate_flags_a_hand_made_roster(department: Path, tmp_path: Path, capsys) -> None:
    registrars = pd.read_csv(department / "registrars.csv")
    shifts = pd.read_csv(department / "shift_types.csv")
    rid = registrars.iloc[0]["registrar_id"]
    site = registrars.iloc[0]["home_site"]
    evening = shifts[(shifts.site == site) & (shifts.kind == "evening")].iloc[0]["code"]
    day = shifts[(shifts.site == site) & (shifts.kind == "day")].iloc[0]["code"]
    # An evening followed by a day shift leaves 9.5 h of rest: below the 10 h of VIC1.
    hand_made = pd.DataFrame(
        [
            {"registrar_id": rid, "date": "2027-02-02", "shift": evening},
            {"registrar_id": rid, "date": "2027-02-03", "shift": day},
        ]
    )
    path = tmp_path / "hand.csv"
    hand_made.to_csv(path, index=False)
    code = main(
        ["validate", str(department), str(path), "--rules", "au-vic", "--start", "2027-02-01", "--weeks", "1"]
    )
    text = capsys.readouterr().out
    assert code == 1
    assert "VIC1-min-rest" in text and rid in text


def test_bad_department_is_rejected_and_nothing_written(department: Path, tmp_path: Path, capsys) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for file in department.glob("*.csv"):
        (broken / file.name).write_text(file.read_text())
    leave = pd.read_csv(broken / "leave.csv", dtype=str)
    leave.loc[0, "end"] = "2020-01-01"
    leave.to_csv(broken / "leave.csv", index=False)
    roster = tmp_path / "roster.csv"
    code = main(["solve", str(broken), "--start", "2027-02-01", "--weeks", "1", "--out", str(roster)])
    err = capsys.readouterr().err
    assert code == 2
    assert "leave row 2, column end" in err
    assert not roster.exists()
