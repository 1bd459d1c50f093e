"""The `roster` command line end to end on a small sample department."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from roster_pipeline.cli import main


@pytest.fixture(scope="module")
def department(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dept") / "sample"
    assert main(["sample", "--registrars", "24", "--sites", "2", "--weeks", "1", "--out", str(out)]) == 0
    return out


def _last_json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_solve_writes_roster_and_summary(department: Path, tmp_path: Path, capsys) -> None:
    roster, grid = tmp_path / "roster.csv", tmp_path / "roster.xlsx"
    code = main(
        [
            "solve",
            str(department),
            "--start",
            "2027-02-01",
            "--weeks",
            "1",
            "--rules",
            "au-vic",
            "--time-limit",
            "15",
            "--out",
            str(roster),
            "--xlsx",
            str(grid),
        ]
    )
    summary = _last_json(capsys)
    assert code == 0, summary
    assert summary["status"] in ("OPTIMAL", "FEASIBLE")
    assert summary["hard_violations"] == 0
    for key in ("objective", "bound", "gap", "seconds", "seed", "input_hash", "rule_pack_version", "soft"):
        assert key in summary
    frame = pd.read_csv(roster)
    assert list(frame.columns) == ["registrar_id", "date", "shift", "site", "start", "end"]
    assert len(frame) > 0 and grid.exists()
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
