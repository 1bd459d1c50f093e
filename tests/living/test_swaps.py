"""Shift swaps: refused for each hard rule a swap can break, pending on a soft rule, a fairness limit
or the pack's policy, approved when clean. The small corpus department: R1 (senior, the only one
who may work nights N), R2, R3 (half time); roster R1 N Mon, R2 D Mon, R3 D Tue, R1 D Wed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from roster_pipeline.cli import main
from roster_pipeline.core.department_io import load_department
from roster_pipeline.core.domain import Department, Horizon
from roster_pipeline.core.rules import parse_pack
from roster_pipeline.living.swaps import Hand, SwapError, check_swap

CORPUS = Path(__file__).resolve().parents[1] / "bad_input"
DEPARTMENT = load_department(CORPUS / "base")
HORIZON = Horizon(pd.Timestamp("2027-02-01").date(), 1)
ROSTER = pd.read_csv(CORPUS / "roster.csv")


def pack(*rules: dict, **changes: object):
    base = [{"id": "rest", "type": "min_rest", "hard": True, "params": {"hours": 10}}]
    return parse_pack({"id": "swaps", "version": "1", "rules": base + list(rules), "roster_changes": changes})


LEAVE = {"id": "leave", "type": "approved_leave", "hard": True}
REQUESTS = {"id": "req", "type": "requests", "weight": 4}
NIGHTS = {
    "id": "fair-n",
    "type": "fairness",
    "weight": 1,
    "params": {"measure": "nights", "spread_weight": 1},
}


def judge(give: str, take: str, rules=None, roster: pd.DataFrame = ROSTER, department=DEPARTMENT):
    return check_swap(department, rules or pack(), HORIZON, roster, Hand.parse(give), Hand.parse(take))


def test_refused_for_rest_with_the_rule_named() -> None:
    # R1's night ends 08:30 Tue; R3's Tue day shift starts 08:00: no rest at all against 10 h
    verdict = judge("R3:2027-02-02:D", "R1::")
    assert verdict.verdict == "refused" and verdict.roster is None
    assert [(h["rule_id"], h["registrar_id"]) for h in verdict.hard] == [("rest", "R1")]


def test_refused_for_two_shifts_on_a_day() -> None:
    verdict = judge("R2:2027-02-01:D", "R1::")  # R1 already works the night of Mon
    assert verdict.verdict == "refused"
    assert [h["registrar_id"] for h in verdict.hard] == ["R1"]
    assert verdict.hard[0]["rule_id"] == "one-shift-per-day"


def test_refused_for_a_skill_the_shift_needs() -> None:
    verdict = judge("R1:2027-02-01:N", "R2:2027-02-01:D")  # N needs the senior skill; R2 has none
    assert verdict.verdict == "refused" and {h["rule_id"] for h in verdict.hard} == {"eligibility"}
    assert {h["registrar_id"] for h in verdict.hard} == {"R2"}


def test_refused_on_leave_shown_only_as_unavailable() -> None:
    roster = pd.concat([ROSTER, pd.DataFrame([("R3", "2027-02-05", "D")], columns=ROSTER.columns)])
    verdict = judge("R3:2027-02-05:D", "R2::", pack(LEAVE), roster)  # R2 is on approved leave (Trip)
    assert verdict.verdict == "refused"
    assert verdict.reasons == ["breaks a hard rule: R2 is unavailable on 2027-02-05"]
    text = json.dumps(verdict.summary())
    assert "Trip" not in text and "annual" not in text and "leave" not in text.replace('"leave"', "")


def test_approved_when_nothing_gets_worse() -> None:
    verdict = judge("R3:2027-02-02:D", "R2::", pack(LEAVE, REQUESTS))  # R2 asked for day shifts Mon-Tue
    assert verdict.verdict == "approved" and verdict.reasons == [] and verdict.hard == []
    moved = verdict.roster[verdict.roster["date"].astype(str) == "2027-02-02"]
    assert list(moved["registrar_id"]) == ["R2"]
    strict = pack(LEAVE, REQUESTS, swap_auto_approve=False)
    held = judge("R3:2027-02-02:D", "R2::", strict)
    assert held.verdict == "pending" and "swap_auto_approve: false" in held.reasons[0]


def test_pending_on_a_soft_rule_with_the_penalty() -> None:
    # R2 asked for a day shift on Mon (weight 3 x rule weight 4): giving it away bends the request
    verdict = judge("R2:2027-02-01:D", "R3::", pack(REQUESTS))
    assert verdict.verdict == "pending" and verdict.hard == []
    assert [(s["rule_id"], s["registrar_id"], s["penalty_change"]) for s in verdict.soft] == [
        ("req", "R2", 12)
    ]


def senior_r2(tmp_path: Path) -> Department:
    """The corpus department with R2 senior too, so R2 may work nights."""
    folder = tmp_path / "department"
    shutil.copytree(CORPUS / "base", folder)
    registrars = folder / "registrars.csv"
    registrars.write_text(
        registrars.read_text().replace(
            "R2,Dr Ben Ng,registrar,NTH,NTH,,", "R2,Dr Ben Ng,registrar,NTH,NTH,senior,"
        )
    )
    return load_department(folder)


def test_pending_on_the_fairness_limit(tmp_path: Path) -> None:
    department = senior_r2(tmp_path)
    loose, tight = pack(NIGHTS), pack(NIGHTS, swap_fairness_limit=0.5)
    # R1 gives R2 the Monday night and takes R2's Monday day shift: one night moves from R1 to R2
    clean = judge("R1:2027-02-01:N", "R2:2027-02-01:D", loose, department=department)
    moves = {(f["registrar_id"], f["measure"]): f["change"] for f in clean.fairness}
    assert moves == {("R1", "nights"): -1.0, ("R2", "nights"): 1.0}
    assert not any(f["over_limit"] for f in clean.fairness)
    held = judge("R1:2027-02-01:N", "R2:2027-02-01:D", tight, department=department)
    assert held.verdict == "pending"
    assert "fair-n: R2's nights deviation moves by +1.0 (limit 0.5)" in held.reasons


@pytest.mark.parametrize(
    ("give", "take", "message"),
    [
        ("R9:2027-02-01:N", "R2::", "registrar 'R9' is not in the department"),
        ("R2:2027-02-03:D", "R3::", "R2 does not work D on 2027-02-03"),
        ("R1:2027-03-01:N", "R2::", "outside the roster"),
        ("R1-2027-02-01", "R2::", "is not REGISTRAR:DATE:SHIFT"),
        ("R1:2027-02-01:", "R2::", "give both a date and a shift"),
        ("R1:01/02/2027:N", "R2::", "is not a date"),
        ("R1::", "R2::", "must name the shift they give"),
    ],
)
def test_a_swap_that_cannot_be_applied_is_refused_as_input(give: str, take: str, message: str) -> None:
    with pytest.raises(SwapError, match=message):
        judge(give, take)


def test_cli_swap(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "pack.yaml"
    rules.write_text(
        "id: cli\nversion: '1'\nrules:\n  - {id: rest, type: min_rest, hard: true, params: {hours: 10}}\n"
    )
    out = tmp_path / "new.csv"
    base = [str(CORPUS / "base"), str(CORPUS / "roster.csv"), "--rules", str(rules), "--out", str(out)]
    assert main(["swap", *base, "--give", "R3:2027-02-02:D", "--take", "R2::"]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["verdict"] == "approved" and line["roster"] == str(out)
    written = pd.read_csv(out)
    assert list(written[written["date"] == "2027-02-02"]["registrar_id"]) == ["R2"]
    out.unlink()
    assert main(["swap", *base, "--give", "R3:2027-02-02:D", "--take", "R1::"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "refused" and not out.exists()
    assert main(["swap", *base, "--give", "R2:2027-02-03:D", "--take", "R3::"]) == 2
    err = capsys.readouterr().err
    assert "R2 does not work D on 2027-02-03" in err and "Traceback" not in err and not out.exists()


def test_refused_for_a_run_of_days() -> None:
    # R1 gives the Wed day shift to R3, who works Tue: a run of 2 days against a maximum of 1
    runs = {"id": "runs", "type": "max_consecutive_days", "hard": True, "params": {"max": 1}}
    verdict = judge("R1:2027-02-03:D", "R3::", pack(runs))
    assert verdict.verdict == "refused"
    assert {(h["rule_id"], h["registrar_id"]) for h in verdict.hard} == {("runs", "R3")}


def test_refused_for_hours_in_seven_days() -> None:
    # the same give-away: R3 then works 2 x 8.5 h in 7 days against at most 10 h
    hours = {"id": "hours", "type": "max_hours_rolling", "hard": True, "params": {"hours": 10, "days": 7}}
    verdict = judge("R1:2027-02-03:D", "R3::", pack(hours))
    assert verdict.verdict == "refused"
    assert {(h["rule_id"], h["registrar_id"]) for h in verdict.hard} == {("hours", "R3")}


def test_refused_for_nights_in_seven_days(tmp_path: Path) -> None:
    nights = {
        "id": "nights",
        "type": "max_shifts_in_window",
        "hard": True,
        "params": {"selector": {"kinds": ["night"]}, "max": 1, "days": 7},
    }
    roster = pd.concat([ROSTER, pd.DataFrame([("R2", "2027-02-04", "N")], columns=ROSTER.columns)])
    # R1 gives the Mon night to R2 (who works the Thu night) and takes R2's Mon day shift
    verdict = judge("R1:2027-02-01:N", "R2:2027-02-01:D", pack(nights), roster, senior_r2(tmp_path))
    assert verdict.verdict == "refused"
    assert {(h["rule_id"], h["registrar_id"]) for h in verdict.hard} == {("nights", "R2")}
