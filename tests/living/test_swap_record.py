"""An approved swap on a published version becomes an amended, approved version with audit rows
and notices; a refused swap, or one on a version that is not published, records nothing. The
hand-made week of tests/factories.py: R1 D Mon Tue, R2 D Wed Thu, R3 D Fri Sat, R4 D Sun, R1 N Wed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roster_pipeline.cli import main
from roster_pipeline.core.warehouse import APPEND_ONLY, DuckDBWarehouse

from factories import PACK_SPEC, WEEK_ROSTER, write_week

SWAP = ["--give", "R2:2027-02-03:D", "--take", "R3:2027-02-05:D"]  # R2's Wed for R3's Fri
REASON = "swap: R2 gives D on 2027-02-03 to R3, takes D on 2027-02-05"


@pytest.fixture
def published(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    folder = write_week(tmp_path / "week")
    roster, pack, db = tmp_path / "roster.csv", tmp_path / "pack.yaml", tmp_path / "wh.duckdb"
    WEEK_ROSTER.to_csv(roster, index=False)
    pack.write_text(json.dumps(PACK_SPEC), encoding="utf-8")
    common = ["--rules", str(pack), "--warehouse", str(db)]
    assert (
        main(["publish", str(folder), str(roster), "--by", "officer", "--at", "2026-12-01T09:00", *common])
        == 0
    )
    capsys.readouterr()
    return {"folder": str(folder), "common": common, "wh": DuckDBWarehouse(db)}


def swap(setup: dict, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """R2 swaps on V0001, recorded (one notice per registrar)."""
    argv = ["swap", setup["folder"], "V0001", *SWAP, "--by", "R2", "--at", "2027-01-20T10:00"]
    code = main(argv + setup["common"])
    out = capsys.readouterr()
    return code, out.out, out.err


def counts(wh: DuckDBWarehouse) -> dict[str, int]:
    return {t: int(wh.query(f"SELECT count(*) AS n FROM {t}")["n"].iloc[0]) for t in APPEND_ONLY}


def test_an_approved_swap_is_an_amended_approved_version(published: dict, capsys) -> None:
    code, out, _ = swap(published, capsys)
    summary = json.loads(out)
    assert code == 0 and summary["verdict"] == "approved"
    assert (summary["version"], summary["state"], summary["parent"], summary["notices"]) == (
        "V0002", "approved", "V0001", 2
    )  # fmt: skip
    wh = published["wh"]
    cells = wh.query(
        "SELECT registrar_id, CAST(date AS VARCHAR) AS date, shift_before, shift_after, cause, reason "
        "FROM audit_log WHERE version_id = 'V0002' AND action = 'created' ORDER BY date, registrar_id"
    )
    assert cells[["registrar_id", "date", "shift_before", "shift_after"]].values.tolist() == [
        ["R2", "2027-02-03", "D", ""], ["R3", "2027-02-03", "", "D"],
        ["R2", "2027-02-05", "", "D"], ["R3", "2027-02-05", "D", ""],
    ]  # fmt: skip
    assert set(cells["cause"]) == {"swap"} and set(cells["reason"]) == {REASON}
    told = wh.query("SELECT registrar_id, notice_days, short_notice FROM notices ORDER BY registrar_id, date")
    assert told.values.tolist() == [
        ["R2", 14, False],
        ["R2", 16, False],
        ["R3", 14, False],
        ["R3", 16, False],
    ]
    before = counts(wh)
    assert swap(published, capsys)[0] == 0  # the same swap again: nothing new
    assert counts(wh) == before


def test_a_refused_swap_records_nothing(published: dict, capsys) -> None:
    wh = published["wh"]
    before = counts(wh)
    argv = ["swap", published["folder"], "V0001", "--give", "R2:2027-02-03:D", "--take", "R1::"]
    assert main([*argv, "--by", "R2", "--at", "2027-01-20T10:00", *published["common"]]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "refused"  # R1 works the Wed night
    assert counts(wh) == before


def test_a_swap_on_a_version_not_published_is_bad_input(published: dict, capsys) -> None:
    assert swap(published, capsys)[0] == 0  # V0002, approved, not published
    wh = published["wh"]
    before = counts(wh)
    argv = ["swap", published["folder"], "V0002", "--give", "R3:2027-02-06:D", "--take", "R4::"]
    assert main([*argv, "--by", "R3", "--at", "2027-01-20T11:00", *published["common"]]) == 2
    err = capsys.readouterr().err
    assert "V0002 is approved: swaps apply to a published version" in err and "Traceback" not in err
    assert counts(wh) == before
