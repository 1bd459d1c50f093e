"""Roster versions and the audit log: lifecycle, publish checks and notice policy, amendments and
their diffs, idempotent records, append-only tables, and the CLI. Expected values are hand counts on
the bad-input corpus's small department (three registrars, a day and a night shift at NTH)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from roster_pipeline.cli import main
from roster_pipeline.core.department_io import load_department
from roster_pipeline.core.domain import Horizon
from roster_pipeline.core.rules import Rule, load_pack
from roster_pipeline.core.warehouse import (
    AppendOnlyError,
    DuckDBWarehouse,
    ReadOnlyQueryError,
    Warehouse,
    open_warehouse,
)
from roster_pipeline.living.audit import audit_log
from roster_pipeline.living.versions import (
    Provenance,
    VersionError,
    approve,
    change_state,
    create_version,
    diff,
    diff_rows,
    publish,
    roster_rows,
    versions,
)

CORPUS = Path(__file__).resolve().parents[1] / "bad_input"
DEPARTMENT = load_department(CORPUS / "base")
PACK = load_pack(str(CORPUS / "pack.yaml"))  # min_rest 10 h (hard), cover_target (soft)
HORIZON = Horizon(dt.date(2027, 2, 1), 1)
EARLY = dt.datetime(2026, 12, 1, 9, 0)  # 62 days before the roster starts
LATE = dt.datetime(2027, 1, 20, 9, 0)  # 12 days before: below au-vic's 28
ALICE = Provenance("alice", "manual", PACK.id, PACK.version, "hash")


def roster(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["registrar_id", "date", "shift"])


BASE = roster(("R1", "2027-02-01", "N"), ("R2", "2027-02-01", "D"), ("R3", "2027-02-02", "D"))


def everything(wh: Warehouse) -> dict[str, pd.DataFrame]:
    """Every table's rows."""
    return {table: wh.query(f"SELECT * FROM {table}") for table in wh.table_names()}


@pytest.fixture
def wh(warehouse: Warehouse) -> Warehouse:
    """A fresh warehouse, once on DuckDB and once on Postgres (conftest)."""
    return warehouse


def test_lifecycle_draft_approved_published(wh: Warehouse) -> None:
    v1 = create_version(wh, "corpus", BASE, HORIZON, ALICE, EARLY)
    assert (v1.version_id, v1.state, v1.assignments) == ("V0001", "draft", 3)
    with pytest.raises(VersionError, match="only an approved version can be published"):
        publish(wh, "V0001", "bob", EARLY, DEPARTMENT, PACK)
    assert approve(wh, "V0001", "bob", EARLY).state == "approved"
    outcome = publish(wh, "V0001", "bob", EARLY, DEPARTMENT, PACK)
    assert outcome.published and outcome.version.state == "published" and outcome.warnings == []
    log = audit_log(wh)
    assert list(log["action"]) == ["created", "approved", "published"]
    assert list(log["actor"]) == ["alice", "bob", "bob"]
    with pytest.raises(VersionError, match="V0001 is published: it can become archived, not approved"):
        approve(wh, "V0001", "bob", EARLY)


def test_the_same_content_is_recorded_once(wh: Warehouse) -> None:
    first = create_version(wh, "corpus", BASE, HORIZON, ALICE, EARLY)
    again = create_version(wh, "corpus", BASE.iloc[::-1], HORIZON, ALICE, LATE)  # row order is not content
    assert again == first
    assert len(wh.query("SELECT * FROM version_assignments")) == 3
    assert len(wh.query("SELECT * FROM roster_versions")) == 1


def test_an_amendment_records_its_changes_and_supersedes_its_parent(wh: Warehouse) -> None:
    create_version(wh, "corpus", BASE, HORIZON, ALICE, EARLY)
    approve(wh, "V0001", "bob", EARLY)
    publish(wh, "V0001", "bob", EARLY, DEPARTMENT, PACK)
    # R2 is sick on Monday: R3 takes the day shift; R3's Tuesday is unchanged
    amended = roster(("R1", "2027-02-01", "N"), ("R3", "2027-02-01", "D"), ("R3", "2027-02-02", "D"))
    sick = Provenance("carol", "repair", PACK.id, PACK.version, "hash", run_id="run-7")
    v2 = create_version(wh, "corpus", amended, HORIZON, sick, LATE, parent_id="V0001")
    monday = dt.date(2027, 2, 1)
    expected = [
        {"registrar_id": "R2", "date": monday, "before": "D", "after": ""},
        {"registrar_id": "R3", "date": monday, "before": "", "after": "D"},
    ]
    assert diff(wh, "V0001", "V0002") == expected
    cells = audit_log(wh, version_id="V0002")
    assert [(r.registrar_id, r.shift_before, r.shift_after) for r in cells.itertuples()] == [
        ("R2", "D", ""),
        ("R3", "", "D"),
    ]
    assert set(cells["cause"]) == {"repair"} and set(cells["run_id"]) == {"run-7"}
    assert list(audit_log(wh, registrar_id="R2")["version_id"]) == ["V0002"]
    approve(wh, v2.version_id, "bob", LATE)
    outcome = publish(wh, v2.version_id, "bob", LATE, DEPARTMENT, PACK)
    assert outcome.published
    states = {v.version_id: v.state for v in versions(wh)}
    assert states == {"V0001": "archived", "V0002": "published"}
    note = wh.query("SELECT note FROM version_states WHERE version_id = 'V0001' AND state = 'archived'")
    assert list(note["note"]) == ["superseded by V0002"]


def test_publish_refuses_a_hard_violation(wh: Warehouse) -> None:
    # R1 works the night of 1 Feb (until 08:30 on the 2nd) and the day shift at 08:00 on the 2nd:
    # a rest of -0.5 h against 10 h, one violation of the hard rule by hand
    broken = roster(("R1", "2027-02-01", "N"), ("R1", "2027-02-02", "D"), ("R2", "2027-02-01", "D"))
    create_version(wh, "corpus", broken, HORIZON, ALICE, EARLY)
    approve(wh, "V0001", "bob", EARLY)
    outcome = publish(wh, "V0001", "bob", EARLY, DEPARTMENT, PACK)
    assert not outcome.published and outcome.hard_violations == 1
    assert outcome.problems[0].startswith("hard violation:") and outcome.version.state == "approved"


def test_notice_policy_warns_or_refuses(tmp_path: Path) -> None:
    strict = replace(PACK, id="strict", changes=replace(PACK.changes, short_notice_publish="refuse"))
    assert (PACK.changes.publish_notice_days, PACK.changes.short_notice_publish) == (28, "warn")  # defaults
    for pack, published in ((PACK, True), (strict, False)):
        wh = DuckDBWarehouse(tmp_path / f"{pack.id}.duckdb")
        create_version(wh, "corpus", BASE, HORIZON, ALICE, LATE)
        approve(wh, "V0001", "bob", LATE)
        outcome = publish(wh, "V0001", "bob", LATE, DEPARTMENT, pack)
        text = " ".join(outcome.warnings + outcome.problems)
        assert outcome.published is published and "published 12 days before 2027-02-01" in text
        assert "at least 28" in text


def test_append_only_tables_cannot_be_replaced_or_rebuilt(wh: Warehouse) -> None:
    create_version(wh, "corpus", BASE, HORIZON, ALICE, EARLY)
    with pytest.raises(AppendOnlyError, match="append-only"):
        wh.replace_rows({"version_id": "V0001"}, {"version_assignments": BASE.assign(version_id="V0001")})
    with pytest.raises(AppendOnlyError, match="append-only"):
        wh.build_model("audit_log", "SELECT 1 AS x")
    with pytest.raises(AppendOnlyError, match="not append-only"):
        wh.append({"roster_assignments": BASE})
    assert len(wh.query("SELECT * FROM version_assignments")) == 3  # nothing lost
    assert change_state(wh, "V0001", "archived", "bob", EARLY).state == "archived"  # a draft withdrawn
    with pytest.raises(VersionError, match="archived is final"):
        change_state(wh, "V0001", "approved", "bob", EARLY)


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM audit_log",
        "UPDATE audit_log SET actor = 'mallory'",
        "DROP TABLE version_assignments",
        "TRUNCATE roster_versions",
        "INSERT INTO version_states VALUES ('V0001', 'published', NULL, 'mallory', '')",
        "SELECT 1; DELETE FROM audit_log",
        "ALTER TABLE audit_log DROP COLUMN reason",
    ],
)
def test_the_audit_log_and_versions_cannot_be_changed_through_queries(wh: Warehouse, statement: str) -> None:
    create_version(wh, "corpus", BASE, HORIZON, ALICE, EARLY)
    before = {t: wh.query(f"SELECT * FROM {t}") for t in ("audit_log", "roster_versions", "version_states")}
    with pytest.raises(ReadOnlyQueryError, match="refused|not a query"):
        wh.query(statement)
    for table, rows in before.items():
        pd.testing.assert_frame_equal(wh.query(f"SELECT * FROM {table}"), rows)


CELLS = st.dictionaries(
    st.tuples(st.sampled_from(["R1", "R2", "R3"]), st.sampled_from(["2027-02-01", "2027-02-02"])),
    st.sampled_from(["D", "N"]),
)


@given(CELLS, CELLS)
def test_a_diff_applied_to_its_first_roster_gives_the_second(a: dict, b: dict) -> None:
    first = roster(*((r, d, s) for (r, d), s in a.items()))
    second = roster(*((r, d, s) for (r, d), s in b.items()))
    cells = {(r, dt.date.fromisoformat(d)): s for (r, d), s in a.items()}
    for change in diff_rows(first, second):
        assert cells.get((change["registrar_id"], change["date"]), "") == change["before"]
        cells[change["registrar_id"], change["date"]] = change["after"]
    got = {k: s for k, s in cells.items() if s}
    assert got == {(r, dt.date.fromisoformat(d)): s for (r, d), s in b.items()}
    assert diff_rows(first, first) == [] and len(roster_rows(first)) == len(a)


def test_cli_publish_versions_diff(
    warehouse_location: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    w = warehouse_location
    common = ["--rules", str(CORPUS / "pack.yaml"), "--warehouse", w]
    at = ["--at", "2026-12-01T09:00:00"]
    assert (
        main(["publish", str(CORPUS / "base"), str(CORPUS / "roster.csv"), "--by", "alice", *common, *at])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert (out["version"], out["state"], out["published"], out["hard_violations"]) == (
        "V0001",
        "published",
        True,
        0,
    )
    amended = tmp_path / "amended.csv"
    rows = (CORPUS / "roster.csv").read_text().replace("R2,2027-02-01,D", "R3,2027-02-01,D")
    amended.write_text(rows)
    argv = ["publish", str(CORPUS / "base"), str(amended), "--by", "bob", "--parent", "V0001", *common, *at]
    assert main(argv) == 0
    capsys.readouterr()
    assert main(["versions", "--warehouse", w]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(v["version"], v["state"], v["parent"]) for v in listed] == [
        ("V0001", "archived", None),
        ("V0002", "published", "V0001"),
    ]
    assert main(["diff", "V0001", "V0002", "--warehouse", w]) == 0
    head, *changes = capsys.readouterr().out.splitlines()
    assert json.loads(head) == {"from": "V0001", "to": "V0002", "changes": 2, "registrars": ["R2", "R3"]}
    assert [json.loads(c)["registrar_id"] for c in changes] == ["R2", "R3"]
    before = everything(open_warehouse(w))
    assert main(["diff", "V0001", "V0009", "--warehouse", w]) == 2
    assert "no roster version 'V0009'" in capsys.readouterr().err
    assert main(["publish", str(CORPUS / "base"), "--version", "V0009", "--by", "x", *common]) == 2
    assert "Traceback" not in capsys.readouterr().err
    after = everything(open_warehouse(w))
    assert after.keys() == before.keys()
    for table, rows in before.items():  # nothing written
        pd.testing.assert_frame_equal(after[table], rows)


def test_publish_judges_against_the_events_reported_by_then(tmp_path: Path) -> None:
    # R2 reports sick for Monday on 15 January: a version with R2 on Monday's day shift is refused
    # after that (the sick day is approved leave), allowed before it; the amendment without R2 is not
    events = tmp_path / "events.csv"
    events.write_text(
        "event_id,type,registrar_id,start,end,shift,site,count,reported_at,note\n"
        "E1,sick,R2,2027-02-01,2027-02-01,,,,2027-01-15 07:00,Migraine\n"
    )
    folder = tmp_path / "department"
    shutil.copytree(CORPUS / "base", folder)
    shutil.copy(events, folder / "events.csv")
    department = load_department(folder)
    leave = Rule("approved-leave", "approved_leave", hard=True, weight=0, params={})
    pack = replace(PACK, rules=(*PACK.rules, leave))
    for at, published in ((EARLY, True), (LATE, False)):
        wh = DuckDBWarehouse(tmp_path / f"{at:%m%d}.duckdb")
        create_version(wh, "corpus", BASE, HORIZON, ALICE, at)
        approve(wh, "V0001", "bob", at)
        outcome = publish(wh, "V0001", "bob", at, department, pack)
        assert outcome.published is published, outcome.problems
        if not published:
            assert outcome.problems == [
                "hard violation: R2 works D on 2027-02-01 during approved leave (approved-leave)"
            ]
    without = roster(("R1", "2027-02-01", "N"), ("R3", "2027-02-01", "D"), ("R3", "2027-02-02", "D"))
    create_version(wh, "corpus", without, HORIZON, ALICE, LATE)
    approve(wh, "V0002", "bob", LATE)
    assert publish(wh, "V0002", "bob", LATE, department, pack).published
